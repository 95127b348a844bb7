"""dragoman's HTTP API: the store's query layer, article submission and analysts' corrections.

    from dragoman.api import create_app
    app = create_app("sqlite:///dragoman.db")      # serve with uvicorn; `dragoman serve` does it

Reads   GET  /api/articles, /api/articles/{doc}, /api/events, /api/claims, /api/actors,
             /api/places, /api/corrections  (filters, limit/offset, responses carry total/next),
             /api/happenings, /api/happenings/{id}, /api/claim-links, /api/copies  (across articles)
Writes  POST /api/articles (runs the pipeline), /api/corrections,
             /api/corrections/{id}/revert, /api/corrections/{id}/confirm

Every write needs `Authorization: Bearer <token>` (`dragoman token create --name NAME`);
reads need one too when `require_read_token` (serving beyond loopback). Errors are JSON
`{"error": "...", "detail": ...}` with a 4xx status for anything wrong with the request.
The OpenAPI document is at /openapi.json, the interactive docs at /docs.
"""
from __future__ import annotations

import hashlib
import logging
import re
import threading
from typing import Any, Literal, Optional

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from dragoman import limits as _limits
from dragoman.model import PLOVER_TYPES
from dragoman.store import Store, StoreError
from dragoman.web import csrf

__all__ = ["create_app"]

log = logging.getLogger("dragoman.api")

EventStatusQ = Literal["occurred", "ongoing", "planned", "reported", "rumored", "denied", "hypothetical"]
StanceQ = Literal["asserted", "denied", "speculated", "unconfirmed"]
KindQ = Literal["event", "claim", "actor", "place", "date"]
ISO3 = r"^[A-Za-z]{3}$"
MAX_LIMIT = 1000
MAX_TEXT_CHARS = 2_000_000

# The spaCy pipeline is loaded once per process, on the first submitted article, and used by
# one request at a time (a Language object is not meant to be shared across threads).
_analysis_lock = threading.Lock()


class ApiError(HTTPException):
    """An error the client caused, shown as {"error": message, "detail": detail}."""

    def __init__(self, status: int, message: str, detail: Any = None, headers: Optional[dict] = None):
        super().__init__(status_code=status, headers=headers)
        self.detail = detail
        self.message = message


class ErrorOut(BaseModel):
    """Every error response: a one-line message and, where useful, details."""
    error: str
    detail: Any = None


ERROR_RESPONSES = {
    400: {"model": ErrorOut, "description": "a bad filter or value"},
    401: {"model": ErrorOut, "description": "a write without a valid, unrevoked token (reads too beyond loopback)"},
    403: {"model": ErrorOut, "description": "a browser write without a valid CSRF token, or cross-site"},
    404: {"model": ErrorOut, "description": "no such record"},
    409: {"model": ErrorOut, "description": "a conflict with the stored records"},
    413: {"model": ErrorOut, "description": "the request body is over the limit ($DRAGOMAN_MAX_REQUEST_BYTES)"},
    422: {"model": ErrorOut, "description": "an invalid request, or an article that cannot be read or analysed"},
    503: {"model": ErrorOut, "description": "the store is unavailable"},
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ArticleIn(Strict):
    """An article to analyse: text as pasted from a news page, or a saved page's HTML."""
    text: Optional[str] = Field(None, max_length=MAX_TEXT_CHARS)
    html: Optional[str] = Field(None, max_length=5 * MAX_TEXT_CHARS)
    published: Optional[str] = Field(None, description="YYYY-MM-DD; relative dates are resolved against it")
    doc: Optional[str] = Field(None, max_length=200, description="an id; default: from the title or the text's hash")
    url: Optional[str] = None
    outlet: Optional[str] = None
    title: Optional[str] = None
    author: Optional[str] = None


class CorrectionIn(Strict):
    """A correction: set `field` to `value` on the record `key`, `delete` it, or add `record` to `doc`."""
    kind: KindQ
    key: Optional[str] = Field(None, description="the record's stable key (or its row id, '<doc>#e3')")
    field: Optional[str] = Field(None, description="e.g. status, type, date, source, place.lat, stance")
    value: Any = None
    delete: bool = False
    record: Optional[dict[str, Any]] = Field(None, description="a whole record to add (action add)")
    doc: Optional[str] = Field(None, description="the document an added record belongs to")
    reason: str = Field(min_length=1, max_length=5000)
    author: Optional[str] = Field(None, max_length=200, description="default: the token's name")


class ReviewIn(Strict):
    author: Optional[str] = None


def _bearer(request: Request, allow_cookie: bool = False) -> Optional[str]:
    """The token of `Authorization: Bearer <token>`; for reads also the `dragoman_token` cookie
    (a browser cannot send headers when following links). Writes never take the cookie: a page
    from another site could otherwise post on the analyst's behalf."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.cookies.get("dragoman_token") if allow_cookie else None


def _doc_id(payload: ArticleIn, text: str) -> str:
    if payload.doc:
        if not re.fullmatch(r"[\w.:@-][\w.:@ -]*", payload.doc):
            raise ApiError(422, "invalid doc id", "use letters, digits, '.', ':', '@', '-', '_' and spaces")
        return payload.doc.strip()
    return "doc-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def create_app(db_url: str | None = None, *, require_read_token: bool = False,
               store: Optional[Store] = None) -> FastAPI:
    """The API over the store at `db_url` (default: $DRAGOMAN_DB or the user's SQLite file)."""
    store = store or Store(db_url)
    app = FastAPI(title="dragoman", version=_version(),
                  description="Actors, places, dates, PLOVER events and claims read from news, "
                              "with analysts' corrections applied.")
    app.state.store = store
    app.state.require_read_token = require_read_token
    # size and time limits (dragoman/limits.py: defaults, $DRAGOMAN_* overrides); the CSRF secret
    app.state.limits = _limits.current()
    app.state.csrf_secret = csrf.new_secret()
    app.add_middleware(_limits.BodySizeLimit, max_bytes=app.state.limits.max_request_bytes)

    @app.middleware("http")
    async def refuse_nul(request: Request, call_next):
        # a NUL byte ends a string for SQLite (a filter "x\0" would match as "x") and PostgreSQL refuses it
        if "\x00" in request.scope.get("path", "") or any("\x00" in k + v for k, v in request.query_params.multi_items()):
            return JSONResponse({"error": "invalid request: a NUL character in the path or a query parameter",
                                 "detail": None}, status_code=400)
        return await call_next(request)

    # ----- errors: JSON, never a traceback -----

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        message = getattr(exc, "message", None) or (exc.detail if isinstance(exc.detail, str) else "error")
        detail = None if getattr(exc, "message", None) is None and isinstance(exc.detail, str) else exc.detail
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:  # Allow: every method of every route on the path, not only the first route's
            headers = {**(headers or {}), "Allow": _allowed_methods(request)}
        return JSONResponse({"error": message, "detail": detail}, status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        detail = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in exc.errors()]
        first = detail[0] if detail else {"loc": [], "msg": "invalid"}
        where = ".".join(str(p) for p in first["loc"][1:] or first["loc"])
        return JSONResponse({"error": f"invalid {where}: {first['msg']}", "detail": jsonable_encoder(detail)},
                            status_code=422)

    @app.exception_handler(ValueError)
    async def bad_value(request: Request, exc: ValueError):
        status = getattr(exc, "status", 400)
        return JSONResponse({"error": str(exc), "detail": None}, status_code=status)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError):
        log.error("store error: %s", exc)
        return JSONResponse({"error": "the store is unavailable", "detail": str(exc)}, status_code=503)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"error": "internal error", "detail": type(exc).__name__}, status_code=500)

    # ----- tokens -----

    def authenticated(request: Request, allow_cookie: bool) -> str:
        token = _bearer(request, allow_cookie)
        if not token:
            raise ApiError(401, "authentication required", "send Authorization: Bearer <token>",
                           {"WWW-Authenticate": "Bearer"})
        name = store.verify_token(token)
        if name is None:
            raise ApiError(401, "invalid or revoked token", None, {"WWW-Authenticate": "Bearer"})
        return name

    def writer(request: Request) -> str:
        """The name of the token on a write; 401 without a valid, unrevoked one."""
        name = authenticated(request, allow_cookie=False)
        refused = csrf.check_request(app.state.csrf_secret, request.headers, request.cookies)
        if refused:
            raise ApiError(403, "CSRF check failed", refused)
        return name

    def reader(request: Request) -> Optional[str]:
        return authenticated(request, allow_cookie=True) if require_read_token else None

    if require_read_token:
        @app.middleware("http")
        async def guard_pages(request: Request, call_next):
            # the web workbench's pages are reads too; /api/* routes check through `reader`
            path = request.url.path
            if not path.startswith(("/api/", "/static/")) and path not in ("/openapi.json", "/docs"):
                token = _bearer(request, allow_cookie=True)
                if not token or store.verify_token(token) is None:
                    return JSONResponse({"error": "authentication required",
                                         "detail": "send Authorization: Bearer <token>"}, status_code=401)
            return await call_next(request)

    api = APIRouter(prefix="/api", responses=ERROR_RESPONSES)

    limit_q = Query(100, ge=1, le=MAX_LIMIT, description="at most this many items")
    offset_q = Query(0, ge=0, le=10**9, description="skip this many items")

    def plover(value: Optional[str]) -> Optional[str]:
        if value and value.strip().upper() not in PLOVER_TYPES:
            raise ApiError(400, f"type {value!r} is not a PLOVER type", list(PLOVER_TYPES))
        return value

    # ----- reads -----

    @api.get("/articles", summary="Stored articles, newest first")
    def list_articles(outlet: Optional[str] = Query(None, max_length=200),
                      q: Optional[str] = Query(None, max_length=500, description="words of the text"),
                      since: Optional[str] = Query(None, max_length=40), until: Optional[str] = Query(None, max_length=40),
                      limit: int = limit_q, offset: int = offset_q, _: Any = Depends(reader)):
        return store.query_articles(outlet=outlet, q=q, since=since, until=until, limit=limit, offset=offset)

    @api.get("/articles/{doc:path}", summary="One article's analysis, corrections applied")
    def get_article(doc: str = Path(max_length=300), include_deleted: bool = False, _: Any = Depends(reader)):
        found = store.corrected_analysis(doc, include_deleted=include_deleted)
        if found is None:
            raise ApiError(404, f"no article {doc!r}")
        from dragoman.store.happenings import attach_happenings_from

        attach_happenings_from(store, found.get("events") or [])  # happening id, independent sources
        return found

    @api.get("/events", summary="Events, corrected, newest first")
    def list_events(actor: Optional[str] = Query(None, max_length=200),
                    country: Optional[str] = Query(None, pattern=ISO3, description="ISO3 of source or target"),
                    type: Optional[str] = Query(None, max_length=20, description="PLOVER type"),
                    status: Optional[EventStatusQ] = None,
                    since: Optional[str] = Query(None, max_length=40), until: Optional[str] = Query(None, max_length=40),
                    bbox: Optional[str] = Query(None, max_length=100, description="minlon,minlat,maxlon,maxlat"),
                    outlet: Optional[str] = Query(None, max_length=200),
                    q: Optional[str] = Query(None, max_length=500, description="words of the document text"),
                    doc: Optional[str] = Query(None, max_length=300),
                    include_deleted: bool = False,
                    limit: int = limit_q, offset: int = offset_q, _: Any = Depends(reader)):
        return store.query_events(actor=actor, country=country, type=plover(type), status=status, since=since,
                                  until=until, bbox=bbox, outlet=outlet, q=q, doc=doc, limit=limit, offset=offset,
                                  include_deleted=include_deleted)

    @api.get("/claims", summary="Claims, corrected, newest first")
    def list_claims(actor: Optional[str] = Query(None, max_length=200, description="speaker name"),
                    country: Optional[str] = Query(None, pattern=ISO3), stance: Optional[StanceQ] = None,
                    since: Optional[str] = Query(None, max_length=40), until: Optional[str] = Query(None, max_length=40),
                    outlet: Optional[str] = Query(None, max_length=200), q: Optional[str] = Query(None, max_length=500),
                    doc: Optional[str] = Query(None, max_length=300), include_deleted: bool = False,
                    limit: int = limit_q, offset: int = offset_q, _: Any = Depends(reader)):
        return store.query_claims(actor=actor, country=country, stance=stance, since=since, until=until,
                                  outlet=outlet, q=q, doc=doc, limit=limit, offset=offset,
                                  include_deleted=include_deleted)

    @api.get("/actors", summary="Actors, most mentioned first")
    def list_actors(actor: Optional[str] = Query(None, max_length=200, description="name substring"),
                    country: Optional[str] = Query(None, pattern=ISO3),
                    sector: Optional[str] = Query(None, pattern=r"^[A-Za-z]{3}$"),
                    outlet: Optional[str] = Query(None, max_length=200), q: Optional[str] = Query(None, max_length=500),
                    doc: Optional[str] = Query(None, max_length=300),
                    limit: int = limit_q, offset: int = offset_q, _: Any = Depends(reader)):
        return store.query_actors(name=actor, country=country, sector=sector, outlet=outlet, q=q, doc=doc,
                                  limit=limit, offset=offset)

    @api.get("/places", summary="Places, most mentioned first")
    def list_places(name: Optional[str] = Query(None, max_length=200),
                    country: Optional[str] = Query(None, pattern=ISO3),
                    kind: Optional[Literal["country", "region", "city", "site", "water"]] = None,
                    bbox: Optional[str] = Query(None, max_length=100, description="minlon,minlat,maxlon,maxlat"),
                    outlet: Optional[str] = Query(None, max_length=200), q: Optional[str] = Query(None, max_length=500),
                    doc: Optional[str] = Query(None, max_length=300),
                    limit: int = limit_q, offset: int = offset_q, _: Any = Depends(reader)):
        return store.query_places(name=name, country=country, kind=kind, bbox=bbox, outlet=outlet, q=q, doc=doc,
                                  limit=limit, offset=offset)

    @api.get("/corrections", summary="The audit log of corrections, newest first")
    def list_corrections(status: Optional[Literal["active", "reverted", "needs_review"]] = None,
                         kind: Optional[KindQ] = None, doc: Optional[str] = Query(None, max_length=300),
                         key: Optional[str] = Query(None, max_length=1000),
                         limit: int = limit_q, offset: int = offset_q, _: Any = Depends(reader)):
        from dragoman.corrections import list_corrections as audit

        everything = audit(store, status=status, kind=kind, doc=doc, key=key)
        page = everything[offset:offset + limit]
        following = offset + len(page)
        return {"items": page, "total": len(everything), "limit": limit, "offset": offset,
                "next": following if following < len(everything) else None}

    # ----- across articles: happenings, claim links, copies (dragoman.linking) -----

    @api.get("/happenings", summary="Happenings: one record per real-world happening across articles")
    def list_happenings(type: Optional[str] = Query(None, max_length=20, description="PLOVER type"),
                        actor: Optional[str] = Query(None, max_length=200, description="a member's source or target"),
                        country: Optional[str] = Query(None, pattern=ISO3, description="ISO3 of a member's source or target"),
                        since: Optional[str] = Query(None, max_length=40), until: Optional[str] = Query(None, max_length=40),
                        outlet: Optional[str] = Query(None, max_length=200, description="an outlet that reported it"),
                        doc: Optional[str] = Query(None, max_length=300, description="a document that reported it"),
                        min_sources: Optional[int] = Query(None, ge=1, le=10**6,
                                                           description="at least this many independent sources"),
                        limit: int = limit_q, offset: int = offset_q, _: Any = Depends(reader)):
        """Newest first; each with its independent sources (copies of one text count once), outlets,
        first and last publication date."""
        return store.query_happenings(type=plover(type), actor=actor, country=country, since=since, until=until,
                                      outlet=outlet, doc=doc, min_sources=min_sources, limit=limit, offset=offset)

    @api.get("/happenings/{happening_id}", summary="One happening: every source article and evidence sentence")
    def get_happening(happening_id: str = Path(max_length=100), _: Any = Depends(reader)):
        found = store.happening(happening_id)
        if found is None:
            raise ApiError(404, f"no happening {happening_id!r}")
        return found

    @api.get("/claim-links", summary="Claims of different articles corroborating or contradicting each other")
    def list_claim_links(claim: Optional[str] = Query(None, max_length=400, description="a claim id on either side"),
                         doc: Optional[str] = Query(None, max_length=300, description="a document on either side"),
                         relation: Optional[Literal["corroborates", "contradicts"]] = None,
                         actor: Optional[str] = Query(None, max_length=200, description="a speaker on either side"),
                         limit: int = limit_q, offset: int = offset_q, _: Any = Depends(reader)):
        """One item per pair of claims, each with its speaker, stance, content, evidence and outlet."""
        return store.query_claim_links(claim=claim, doc=doc, relation=relation, actor=actor, limit=limit,
                                       offset=offset)

    @api.get("/copies", summary="Stored documents that are copies of a document's text (syndication)")
    def list_copies(doc: str = Query(max_length=300), _: Any = Depends(reader)):
        return {"doc": doc, "items": store.copies(doc)}

    # ----- writes -----

    @api.post("/articles", status_code=201, summary="Analyse an article, store it, return the analysis")
    def submit_article(payload: ArticleIn, token_name: str = Depends(writer)):
        from dragoman.ingest import IngestError, article_from_html, article_from_text

        if (payload.text is None) == (payload.html is None):
            raise ApiError(422, "send exactly one of text or html")
        body = payload.text if payload.text is not None else payload.html
        doc = _doc_id(payload, body)
        try:
            if payload.text is not None:
                article = article_from_text(payload.text, doc, published=payload.published, outlet=payload.outlet,
                                            title=payload.title, url=payload.url, author=payload.author,
                                            max_bytes=app.state.limits.max_document_bytes)
            else:
                article = article_from_html(payload.html, doc, published=payload.published, url=payload.url,
                                            max_bytes=app.state.limits.max_document_bytes)
        except IngestError as err:
            raise ApiError(422, "the article cannot be read", str(err)) from None
        try:
            analysis = _analyse(article, app.state.limits.analysis_seconds)
        except _limits.AnalysisTimeout as err:
            raise ApiError(422, "the article could not be analysed in time", str(err)) from None
        store.save(analysis)
        log.info("article %s analysed and stored for %s", doc, token_name)
        from dragoman.store.happenings import attach_happenings_from

        stored = store.corrected_analysis(doc)
        attach_happenings_from(store, stored.get("events") or [])  # as GET /api/articles/{doc} gives it
        return stored

    @api.post("/corrections", status_code=201, summary="Correct, delete or add a record")
    def post_correction(payload: CorrectionIn, token_name: str = Depends(writer)):
        has_value = "value" in payload.model_fields_set
        if payload.field is not None and not has_value:
            raise ApiError(422, "a correction of a field needs a value (null clears it)")
        return store.correct(payload.kind, payload.key or "", payload.field, payload.value, reason=payload.reason,
                             author=payload.author or token_name, delete=payload.delete, record=payload.record,
                             doc=payload.doc)

    @api.post("/corrections/{correction_id}/revert", summary="Revert a correction (it stays in the audit log)")
    def revert(correction_id: int = Path(ge=1, le=2**62), payload: Optional[ReviewIn] = None,
               token_name: str = Depends(writer)):
        return store.revert_correction(correction_id, author=(payload.author if payload else None) or token_name)

    @api.post("/corrections/{correction_id}/confirm", summary="Keep a correction flagged needs_review")
    def confirm(correction_id: int = Path(ge=1, le=2**62), payload: Optional[ReviewIn] = None,
                token_name: str = Depends(writer)):
        return store.confirm_correction(correction_id, author=(payload.author if payload else None) or token_name)

    @api.get("/health", include_in_schema=False)
    def health():
        return {"ok": True}

    app.include_router(api)

    try:
        from dragoman.web import mount_web
    except ImportError:
        pass
    else:
        mount_web(app, store)
    return app


def _analyse(article, seconds: float = 0):
    from dragoman.nlp import load_pipeline
    from dragoman.pipeline import analyze_article

    with _analysis_lock:
        nlp = load_pipeline()
        with _limits.deadline(seconds, article.doc):
            return analyze_article(article, nlp=nlp)


def _allowed_methods(request: Request) -> str:
    from starlette.routing import Match

    methods: set[str] = set()
    for route in request.app.router.routes:
        if getattr(route, "methods", None) and route.matches(request.scope)[0] != Match.NONE:
            methods |= set(route.methods)
    return ", ".join(sorted(methods))


def _version() -> str:
    from dragoman import __version__

    return __version__
