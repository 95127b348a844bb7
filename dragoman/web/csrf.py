"""CSRF protection for the workbench's correction forms: a signed double-submit token.

A page with correction forms sets the cookie `dragoman_csrf` (SameSite=Strict, HttpOnly) to a
token `<nonce>.<HMAC-SHA256(secret, nonce)>` and prints the same token in each form
(`data-csrf`); the page's script sends it back in the `X-CSRF-Token` header. A write that comes
from a browser (it carries an `Origin` or `Sec-Fetch-Site` header, as every browser's POST does)
is accepted only when the header and the cookie hold the same token and its signature is the
server's, and when its Origin, if any, is the server's own. Another site can neither read the
token from the page nor set a custom header on a cross-site request.

Clients that are not browsers (curl, scripts, the CLI) send neither header: they hold no ambient
credentials a third party could abuse (writes never take a cookie, only `Authorization: Bearer`),
so they need no CSRF token.

The secret is $DRAGOMAN_SECRET when set (several server processes must share it), else random
per process (tokens then last as long as the server).
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from typing import Optional
from urllib.parse import urlsplit

COOKIE = "dragoman_csrf"
HEADER = "x-csrf-token"
SECRET_ENV = "DRAGOMAN_SECRET"

__all__ = ["COOKIE", "HEADER", "new_secret", "make_token", "valid_token", "page_token", "check_request"]


def new_secret() -> bytes:
    configured = os.environ.get(SECRET_ENV, "").strip()
    return configured.encode("utf-8") if configured else secrets.token_bytes(32)


def _sign(secret: bytes, nonce: str) -> str:
    return hmac.new(secret, nonce.encode("ascii"), hashlib.sha256).hexdigest()


def make_token(secret: bytes) -> str:
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{_sign(secret, nonce)}"


def valid_token(secret: bytes, token: Optional[str]) -> bool:
    nonce, _, signature = (token or "").partition(".")
    if not nonce or not signature or len(token) > 200 or not nonce.isascii():
        return False
    return hmac.compare_digest(signature, _sign(secret, nonce))


def page_token(secret: bytes, cookies) -> tuple[str, bool]:
    """The token a page prints in its forms: the session's own when its cookie is valid, else a
    new one; and whether the cookie must be (re)set."""
    existing = cookies.get(COOKIE)
    if valid_token(secret, existing):
        return existing, False
    return make_token(secret), True


def set_cookie(response, token: str, secure: bool = False) -> None:
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/")


def _origin_matches(origin: str, host: str) -> bool:
    parts = urlsplit(origin)
    return bool(parts.netloc) and parts.netloc.lower() == host.lower()


def check_request(secret: bytes, headers, cookies) -> Optional[str]:
    """None when a write may proceed; else why it is refused (a CSRF failure)."""
    origin = headers.get("origin")
    fetch_site = headers.get("sec-fetch-site")
    if origin is None and fetch_site is None:
        return None  # not a browser: no ambient credentials to abuse (writes need a Bearer token)
    if fetch_site is not None and fetch_site.lower() not in ("same-origin", "none"):
        return f"cross-site request refused (Sec-Fetch-Site: {fetch_site})"
    if origin is not None and not _origin_matches(origin, headers.get("host", "")):  # "null" too
        return f"cross-origin request refused (Origin: {origin})"
    sent, kept = headers.get(HEADER), cookies.get(COOKIE)
    if not sent or not kept:
        return f"missing CSRF token: reload the page (the form sends it in {HEADER}, matching the cookie {COOKIE})"
    if not hmac.compare_digest(sent, kept) or not valid_token(secret, sent):
        return "invalid CSRF token: reload the page"
    return None
