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
  /happenings               one record per real-world happening: independent sources, outlets
  /happenings/{id}          every source article and evidence sentence of one happening

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

from dragoman.web import csrf, views

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
    if not hasattr(app.state, "csrf_secret"):  # the API sets it; a bare app gets its own
        app.state.csrf_secret = csrf.new_secret()
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
        token, fresh = csrf.page_token(app.state.csrf_secret, request.cookies)  # for its correction forms
        response = page(request, "article.html", {**data, "event_fields": views.EVENT_FIELDS, "csrf_token": token,
                                                  "claim_fields": views.CLAIM_FIELDS, "value_hints": views.value_hints()})
        if fresh:
            csrf.set_cookie(response, token, secure=request.url.scheme == "https")
        return response

    def listing(path: str, view, filters, template: str) -> None:
        """A filterable list page and its JSON twin (`/<path>` and `/<path>.json`): the same
        filters, the same view; a bad filter is a 400 in either form."""
        def as_json(request: Request):
            try:
                return view(store, filters(dict(request.query_params)))
            except ValueError as err:
                return bad_filter(request, err, json=True)

        def as_page(request: Request):
            try:
                data = view(store, filters(dict(request.query_params)))
            except ValueError as err:
                return bad_filter(request, err, json=False)
            return page(request, template, {**data, "query": request.url.query,
                                            "next_query": _next_query(request, data["next"])})

        app.add_api_route(f"/{path}.json", as_json, methods=["GET"], include_in_schema=False, name=f"{path}_json")
        app.add_api_route(f"/{path}", as_page, methods=["GET"], response_class=HTMLResponse,
                          include_in_schema=False, name=f"{path}_page")

    listing("events", views.events_view, views.event_filters, "events.html")
    listing("claims", views.claims_view, views.claim_filters, "claims.html")
    # happenings: one record per real-world happening across articles
    listing("happenings", views.happenings_view, views.happening_filters, "happenings.html")

    @app.get("/happenings/{happening_id}.json", include_in_schema=False)
    def happening_json(happening_id: str):
        data = views.happening_view(store, happening_id)
        if data is None:
            return JSONResponse({"detail": f"no happening {happening_id!r} in the store"}, status_code=404)
        return data

    @app.get("/happenings/{happening_id}", response_class=HTMLResponse, include_in_schema=False)
    def happening_page(request: Request, happening_id: str):
        data = views.happening_view(store, happening_id)
        if data is None:
            return page(request, "error.html", {"title": "Not found",
                                                "message": f"No happening {happening_id!r} in the store."}, 404)
        return page(request, "happening.html", data)
