"""API tokens: shown once when created, kept only as a salted HMAC-SHA256.

A token reads `dgm_<id>_<secret>`: the id (public, random) finds the row, the secret is
checked against HMAC-SHA256(salt, secret) in constant time. Revoking sets revoked_at,
and verification refuses revoked rows, so a revoked token stops working at once.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import insert, select, update

from dragoman.store.schema import ApiTokenRow

PREFIX = "dgm"
_TOKEN = re.compile(rf"^{PREFIX}_([0-9a-f]{{16}})_([A-Za-z0-9_-]{{20,100}})$")
_NAME = re.compile(r"^[\w.@-]{1,64}$")


def _digest(salt: str, secret: str) -> str:
    return hmac.new(bytes.fromhex(salt), secret.encode("utf-8"), hashlib.sha256).hexdigest()


def create_token(store, name: str) -> str:
    """A new token for `name` (letters, digits, . _ @ -); the only time its text exists in full."""
    name = (name or "").strip()
    if not _NAME.match(name):
        raise ValueError(f"token name {name!r}: use 1-64 letters, digits, '.', '_', '@' or '-'")
    if any(t["name"] == name and t["active"] for t in list_tokens(store)):
        raise ValueError(f"an active token named {name!r} exists; revoke it first")
    token_id, secret, salt = secrets.token_hex(8), secrets.token_urlsafe(32), secrets.token_hex(16)
    with store.engine.begin() as conn:
        conn.execute(insert(ApiTokenRow).values(id=token_id, name=name, salt=salt, secret_hash=_digest(salt, secret),
                                                created_at=datetime.now(timezone.utc)))
    return f"{PREFIX}_{token_id}_{secret}"


def revoke_token(store, name: str) -> int:
    """Revoke every active token named `name`; how many were revoked."""
    with store.engine.begin() as conn:
        result = conn.execute(update(ApiTokenRow).where(ApiTokenRow.name == name, ApiTokenRow.revoked_at.is_(None))
                              .values(revoked_at=datetime.now(timezone.utc)))
    return result.rowcount or 0


def list_tokens(store) -> list[dict]:
    """Tokens without their secrets: name, id, when created, last used, revoked."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(ApiTokenRow).order_by(ApiTokenRow.created_at)).mappings().all()

    def iso(value):
        return value.isoformat() if isinstance(value, datetime) else value

    return [{"name": r["name"], "id": r["id"], "created_at": iso(r["created_at"]),
             "last_used_at": iso(r["last_used_at"]), "revoked_at": iso(r["revoked_at"]),
             "active": r["revoked_at"] is None} for r in rows]


def verify_token(store, token: Optional[str]) -> Optional[str]:
    """The name of the active token `token` is, or None."""
    match = _TOKEN.match((token or "").strip())
    if not match:
        return None
    token_id, secret = match.groups()
    with store.engine.connect() as conn:
        row = conn.execute(select(ApiTokenRow).where(ApiTokenRow.id == token_id)).mappings().first()
    if row is None or row["revoked_at"] is not None:
        return None
    if not hmac.compare_digest(row["secret_hash"], _digest(row["salt"], secret)):
        return None
    with store.engine.begin() as conn:
        conn.execute(update(ApiTokenRow).where(ApiTokenRow.id == token_id)
                     .values(last_used_at=datetime.now(timezone.utc)))
    return row["name"]
