"""The analyst workbench: HTML pages over the store, served by the API's process.

    from dragoman.web import mount_web
    mount_web(app, store)        # app: a FastAPI app; store: a dragoman.store.Store

Pages (each with a `.json` twin holding exactly the data it shows):
  /                         stored documents
  /articles/{doc}           the text with actors, places, dates, events and claims highlighted,
                            and a correction form under each event and claim
  /events                   filterable table, timeline, actor network, map of geocoded events
  /claims                   claims with speaker, via and stance; corroborating and contradicting
                            claims side by side

Everything the pages load is served from /static (the front-end libraries are copied into
static/vendor by `python -m dragoman.web.vendor`); nothing comes from a CDN, and the map
draws country shapes only (no tiles), so the workbench works offline. Corrections are posted
by the pages' script to the API's POST /api/corrections.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from dragoman.web import views

__all__ = ["mount_web", "WEB_DIR", "CORRECTIONS_ENDPOINT"]

WEB_DIR = Path(__file__).resolve().parent
CORRECTIONS_ENDPOINT = "/api/corrections"


def _templates() -> Jinja2Templates:
    # autoescape on every template, whatever its extension: article text is untrusted input
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(WEB_DIR / "templates")), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["q"] = lambda value: quote(str(value), safe="")
    env.globals["corrections_endpoint"] = CORRECTIONS_ENDPOINT
    env.globals["vendor_missing"] = _vendor_missing
    return Jinja2Templates(env=env)


def _next_query(request: Request, offset) -> str:
    """The query string of the next page: the same filters, the offset moved on."""
    params = {k: v for k, v in request.query_params.items() if k != "offset"}
    return urlencode({**params, "offset": offset}) if offset is not None else ""


def _vendor_missing() -> list[str]:
    from dragoman.web.vendor import missing

    return missing()


def mount_web(app: FastAPI, store: Any) -> None:
    """Add the workbench's HTML pages, their .json twins and /static to `app`, reading `store`."""
    templates = _templates()
    app.mount("/static", StaticFiles(directory=str(WEB_DIR / "static")), name="static")

    def page(request: Request, name: str, context: dict, status: int = 200) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context, status_code=status)

    def bad_filter(request: Request, err: ValueError, json: bool):
        if json:
            return JSONResponse({"detail": str(err)}, status_code=400)
        return page(request, "error.html", {"title": "Bad filter", "message": str(err)}, 400)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def documents_page(request: Request):
        return page(request, "documents.html", views.documents_view(store))

    @app.get("/documents.json", include_in_schema=False)
    def documents_json():
        return views.documents_view(store)

    # the .json route first: "{doc:path}" alone would also match "name.json"; :path lets a
    # document id hold a slash (ids of JSON Lines records are free text)
    @app.get("/articles/{doc:path}.json", include_in_schema=False)
    def article_json(doc: str):
        data = views.article_view(store, doc)
        if data is None:
            return JSONResponse({"detail": f"no document {doc!r} in the store"}, status_code=404)
        data.pop("runs")  # the text cut for display; the records hold the same offsets
        return data

    @app.get("/articles/{doc:path}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, doc: str):
        data = views.article_view(store, doc)
        if data is None:
            return page(request, "error.html", {"title": "Not found",
                                                "message": f"No document {doc!r} in the store."}, 404)
        return page(request, "article.html", {**data, "event_fields": views.EVENT_FIELDS,
                                              "claim_fields": views.CLAIM_FIELDS, "value_hints": views.value_hints()})

    @app.get("/events.json", include_in_schema=False)
    def events_json(request: Request):
        try:
            return views.events_view(store, views.event_filters(dict(request.query_params)))
        except ValueError as err:
            return bad_filter(request, err, json=True)

    @app.get("/events", response_class=HTMLResponse, include_in_schema=False)
    def events_page(request: Request):
        try:
            data = views.events_view(store, views.event_filters(dict(request.query_params)))
        except ValueError as err:
            return bad_filter(request, err, json=False)
        return page(request, "events.html", {**data, "query": request.url.query,
                                             "next_query": _next_query(request, data["next"])})

    @app.get("/claims.json", include_in_schema=False)
    def claims_json(request: Request):
        try:
            return views.claims_view(store, views.claim_filters(dict(request.query_params)))
        except ValueError as err:
            return bad_filter(request, err, json=True)

    @app.get("/claims", response_class=HTMLResponse, include_in_schema=False)
    def claims_page(request: Request):
        try:
            data = views.claims_view(store, views.claim_filters(dict(request.query_params)))
        except ValueError as err:
            return bad_filter(request, err, json=False)
        return page(request, "claims.html", {**data, "query": request.url.query,
                                             "next_query": _next_query(request, data["next"])})
