"""Injection, XSS, authorisation, CSRF and SSRF, on SQLite and PostgreSQL.

- SQL in every filter (every string query parameter of every GET operation in /openapi.json, the
  workbench's page filters, the CLI's filters): no error 500, nothing executed, no table touched,
  and the result is what the literal text matches (nothing).
- Article text and HTML carrying <script>, event-handler attributes and javascript: links: stored
  as text, shown escaped, never run (also in a real browser: a window flag the scripts would set
  stays unset).
- Writes without a valid token are refused; tokens are stored as salted hashes only; a revoked
  token stops working at once; browser writes need the page's CSRF token; nothing fetches a URL
  it is given.

Hand-written sentences only; the browser test skips without Chromium/chromedriver/Selenium.
"""
from __future__ import annotations

import html
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import text as sql

from dragoman.api import create_app
from dragoman.model import ActorMention, ActorRef, Analysis, Article, Claim, Event, PlaceMention, PlaceRef
from live import CHROMEDRIVER, CHROMIUM, chromium, served  # tests/ is on sys.path

PAYLOADS = [
    "' OR '1'='1",
    "' OR 1=1 --",
    "'; DROP TABLE events; --",
    '" OR ""="',
    "1); DELETE FROM documents; --",
    "' UNION SELECT id, salt, secret_hash FROM api_tokens --",
    "x' AND pg_sleep(3) IS NULL --",
    "%",
    "_",
    "\\",
    "%' --",
    "Turkey' --",
    "\x00",
]
SCRIPT_FLAG = "dragomanPwned"  # no "_" or "%": those payloads must match nothing
HOSTILE_TEXT = (
    f"Officials in Ankara said <script>window.{SCRIPT_FLAG}=1</script> appeared on a Turkish site. "
    f"A post showed <img src=x onerror=\"window.{SCRIPT_FLAG}=2\"> and <svg onload=window.{SCRIPT_FLAG}=3>. "
    f"Another carried <a href=\"javascript:window.{SCRIPT_FLAG}=4\">a link</a> during the talks.")
HOSTILE_HTML = (
    "<!doctype html><html><head><title>Talks <script>window.{f}=5</script></title></head><body><article>"
    "<h1 onmouseover=\"window.{f}=6\">Talks resume</h1>"
    "<p>Officials in Ankara said on Monday that the talks with Syria would resume, and the ministry denied "
    "any delay. &lt;script&gt;window.{f}=7&lt;/script&gt; was printed in the statement.</p>"
    "<p>A <a href=\"javascript:window.{f}=8\">statement</a> was read out in Damascus by the spokesman, "
    "who said the meeting would take place next week.</p>"
    "<script>window.{f}=9</script><iframe src=\"javascript:window.{f}=10\"></iframe>"
    "</article></body></html>").format(f=SCRIPT_FLAG)


def hostile_analysis(doc: str = "hostile-sec") -> Analysis:
    """An analysis written for these tests: the text and names carry markup that must stay text."""
    text = HOSTILE_TEXT
    ankara = text.index("Ankara")
    first = text.split(". ")[0] + "."
    evil_name = f'Group" onmouseover="window.{SCRIPT_FLAG}=11'
    return Analysis(
        doc=doc,
        article=Article(doc=doc, text=text, title=f"<script>window.{SCRIPT_FLAG}=12</script> headline",
                        url=f"javascript:window.{SCRIPT_FLAG}=13", outlet="<b>Wire</b>", published="2025-02-10"),
        actors=[ActorMention(mention="Turkish", start=text.index("Turkish"), end=text.index("Turkish") + 7,
                             name="Turkey", country="TUR", sector="GOV", kind="state", method="alias")],
        places=[PlaceMention(mention="Ankara", start=ankara, end=ankara + 6, name="Ankara", kind="city",
                             country="TUR", lat=39.93, lon=32.86)],
        dates=[],
        events=[Event(type="ACCUSE", source=ActorRef(name=evil_name, sector="REB"),
                      target=ActorRef(name="Turkey", country="TUR", sector="GOV"), date="2025-02-09",
                      place=PlaceRef(name="Ankara", country="TUR", lat=39.93, lon=32.86),
                      evidence=[first], spans=[(0, len(first))])],
        claims=[Claim(speaker=ActorRef(name="Turkey", country="TUR", sector="GOV"), stance="asserted",
                      content=f"<img src=x onerror=window.{SCRIPT_FLAG}=14>", evidence=first, start=0,
                      end=len(first))],
    )


# ---------- a store on each backend, with one hostile analysis ----------

@pytest.fixture(scope="module")
def secured(module_db_url):
    """(client, store, auth headers) over a store holding the hostile analysis, on SQLite and PostgreSQL."""
    app = create_app(module_db_url)
    store = app.state.store
    store.save(hostile_analysis())
    with TestClient(app) as client:
        yield client, store, {"Authorization": f"Bearer {store.create_token('security')}"}
    store.close()


def table_counts(store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {t: conn.execute(sql(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("documents", "events", "claims", "api_tokens")}


def string_filters(openapi: dict) -> list[tuple[str, str]]:
    """(path, parameter) for every free-text query parameter of every GET operation."""
    found = []
    for path, operations in openapi["paths"].items():
        operation = operations.get("get")
        if not operation:
            continue
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query":
                continue
            options = parameter.get("schema", {}).get("anyOf") or [parameter.get("schema", {})]
            if any(o.get("type") == "string" for o in options):
                found.append((path, parameter["name"]))
    return found


def test_sql_in_every_api_filter_is_inert_and_matches_nothing(secured):
    client, store, _ = secured
    before = table_counts(store)
    filters = string_filters(client.get("/openapi.json").json())
    assert ("/api/events", "actor") in filters and ("/api/claims", "q") in filters and len(filters) >= 25
    started = time.monotonic()
    for path, name in filters:
        if "{" in path:
            continue
        for payload in PAYLOADS:
            response = client.get(path, params={name: payload})
            assert response.status_code < 500, (path, name, payload, response.text)
            body = response.json()
            if response.status_code == 200 and isinstance(body, dict) and "total" in body:
                assert body["total"] == 0 and body["items"] == [], (path, name, payload, body)
            elif response.status_code != 200:
                assert body["error"], (path, name, payload, body)
    assert time.monotonic() - started < 60, "an injected pg_sleep ran"
    assert table_counts(store) == before
    # the same filters with real values do find the record: the payloads found nothing because nothing matched
    assert client.get("/api/events", params={"actor": "Turkey"}).json()["total"] == 1
    assert client.get("/api/events", params={"q": "Ankara"}).json()["total"] == 1


def test_sql_in_a_path_and_in_the_workbench_filters_is_inert(secured):
    client, store, _ = secured
    before = table_counts(store)
    for payload in PAYLOADS:
        from urllib.parse import quote

        assert client.get(f"/api/articles/{quote(payload, safe='')}").status_code in (400, 404, 422)
        for page in ("/events", "/claims", "/events.json", "/claims.json"):
            names = ("type", "status") if page.startswith("/events") else ("stance",)
            for name in ("actor", "country", "since", "until", "doc") + names:  # each page's own filters
                response = client.get(page, params={name: payload})
                assert response.status_code in (200, 400), (page, name, payload, response.text)
                if page.endswith(".json") and response.status_code == 200:
                    body = response.json()
                    assert body["count"] == 0, (page, name, payload)
    assert table_counts(store) == before


@pytest.mark.parametrize("command", ["events", "claims", "actors"])
def test_sql_in_the_cli_filters_is_inert(secured, command):
    from dragoman.cli import cli

    _, store, _ = secured
    before = table_counts(store)
    for payload in PAYLOADS:
        if "\x00" in payload:
            continue  # a command-line argument cannot hold a NUL byte
        result = CliRunner().invoke(cli, [command, "--actor", payload, "--db", store.url, "--format", "json"])
        assert result.exit_code == 0, (payload, result.output)
        assert json.loads(result.stdout) == [], (command, payload)
    found = CliRunner().invoke(cli, ["events", "--actor", "Turkey", "--db", store.url, "--format", "json"])
    assert len(json.loads(found.stdout)) == 1
    assert table_counts(store) == before


# ---------- XSS: the pages never emit article content as markup ----------

def _markup_outside_text(page: str) -> str:
    """The page without the JSON data blocks (which may hold '<' escaped as \\u003c)."""
    return re.sub(r'<script type="application/json"[^>]*>.*?</script>', "", page, flags=re.S)


def test_hostile_article_page_is_escaped(secured):
    client, _, _ = secured
    page = _markup_outside_text(client.get("/articles/hostile-sec").text)
    assert SCRIPT_FLAG in page  # the content is shown ...
    assert not re.search(rf"<script>window\.{SCRIPT_FLAG}", page)  # ... never as a script element
    assert not re.search(r"<(img|svg|iframe|a)\b[^>]*\bon\w+=", page, flags=re.I)  # nor as a handler attribute
    assert not re.search(r"""href=["']?\s*javascript:""", page, flags=re.I)  # nor as a javascript: link
    assert f"&lt;script&gt;window.{SCRIPT_FLAG}=1&lt;/script&gt;" in page
    for listing in ("/events", "/claims", "/"):
        other = _markup_outside_text(client.get(listing).text)
        assert not re.search(rf"<script>window\.{SCRIPT_FLAG}", other)
        assert not re.search(r'\bonmouseover="window', other)


@pytest.fixture(scope="module")
def pipeline_client(tmp_path_factory):
    """An app over a SQLite store, for submissions that run the real pipeline (the model loads once)."""
    app = create_app(f"sqlite:///{tmp_path_factory.mktemp('sec') / 'submit.db'}")
    with TestClient(app) as client:
        yield client, app.state.store, {"Authorization": f"Bearer {app.state.store.create_token('submitter')}"}
    app.state.store.close()


def test_submitted_hostile_html_is_stored_as_text_and_shown_escaped(pipeline_client):
    client, _, auth = pipeline_client
    response = client.post("/api/articles", headers=auth, json={"doc": "hostile-page", "html": HOSTILE_HTML,
                                                               "published": "2025-02-10"})
    assert response.status_code == 201, response.text
    stored = response.json()["article"]["text"]
    assert "talks with Syria would resume" in stored
    assert "<script>" not in stored.replace(f"<script>window.{SCRIPT_FLAG}=7</script>", "")  # only the printed one
    page = _markup_outside_text(client.get("/articles/hostile-page").text)
    assert not re.search(rf"<script>window\.{SCRIPT_FLAG}", page)
    assert not re.search(r"""href=["']?\s*javascript:""", page, flags=re.I)


# ---------- authorisation ----------

def test_writes_without_a_valid_token_are_refused(secured):
    client, store, _ = secured
    body = {"kind": "event", "key": client.get("/api/events").json()["items"][0]["key"], "field": "status",
            "value": "planned", "reason": "test"}
    before = table_counts(store)
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer dgm_0000000000000000_" + "a" * 40},
                    {"Authorization": "Basic c2VjdXJpdHk6eA=="}, {"Authorization": "bearer ' OR 1=1 --"}):
        for path, payload in (("/api/corrections", body), ("/api/articles", {"text": "Troops crossed the border."}),
                              ("/api/corrections/1/revert", None)):
            response = client.post(path, json=payload, headers=headers)
            assert response.status_code == 401 and response.json()["error"], (path, headers, response.text)
    assert table_counts(store) == before


def test_tokens_are_stored_hashed_and_revocation_is_immediate(secured):
    from dragoman.cli import cli

    client, store, _ = secured
    created = CliRunner().invoke(cli, ["token", "create", "--name", "revokee", "--db", store.url])
    assert created.exit_code == 0, created.output
    token = re.search(r"dgm_[0-9a-f]{16}_[A-Za-z0-9_-]+", created.output).group(0)
    secret = token.split("_", 2)[2]
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(sql("SELECT * FROM api_tokens")).mappings()]
    dumped = json.dumps(rows, default=str)
    assert token not in dumped and secret not in dumped  # neither the token nor its secret is kept
    row = next(r for r in rows if r["name"] == "revokee")
    assert re.fullmatch(r"[0-9a-f]{64}", row["secret_hash"]) and row["salt"]
    auth = {"Authorization": f"Bearer {token}"}
    event_key = client.get("/api/events").json()["items"][0]["key"]
    body = {"kind": "event", "key": event_key, "field": "status", "value": "planned", "reason": "revocation test"}
    accepted = client.post("/api/corrections", json=body, headers=auth)
    assert accepted.status_code == 201, accepted.text
    revoked = CliRunner().invoke(cli, ["token", "revoke", "revokee", "--db", store.url])
    assert revoked.exit_code == 0, revoked.output
    refused = client.post(f"/api/corrections/{accepted.json()['id']}/revert", headers=auth)  # the very next request
    assert refused.status_code == 401 and refused.json()["error"] == "invalid or revoked token"
    client.post(f"/api/corrections/{accepted.json()['id']}/revert", headers=secured[2])


# ---------- CSRF: browser writes need the page's token ----------

def _page_csrf(client, doc: str = "hostile-sec") -> str:
    page = client.get(f"/articles/{doc}").text
    token = html.unescape(re.search(r'data-csrf="([^"]+)"', page).group(1))
    assert client.cookies.get("dragoman_csrf") == token  # the double-submit cookie, set with the page
    return token


def test_browser_writes_need_the_pages_csrf_token(secured):
    _, store, auth = secured
    app = secured[0].app
    with TestClient(app, base_url="http://testserver") as browser:
        token = _page_csrf(browser)
        key = browser.get("/api/events").json()["items"][0]["key"]
        body = {"kind": "event", "key": key, "field": "status", "value": "ongoing", "reason": "csrf test"}
        same_origin = {**auth, "Origin": "http://testserver"}
        cases = [
            ({**auth, "Origin": "http://evil.example", "X-CSRF-Token": token}, "cross-origin"),
            ({**auth, "Origin": "null", "X-CSRF-Token": token}, "cross-origin"),
            ({**auth, "Sec-Fetch-Site": "cross-site", "X-CSRF-Token": token}, "cross-site"),
            (same_origin, "missing CSRF token"),
            ({**same_origin, "X-CSRF-Token": token + "0"}, "invalid CSRF token"),
            ({**same_origin, "X-CSRF-Token": "forged.0123"}, "invalid CSRF token"),
        ]
        for headers, why in cases:
            response = browser.post("/api/corrections", json=body, headers=headers)
            assert response.status_code == 403 and why in response.json()["detail"], (headers, response.text)
        # a signed token of another session does not pass either: header and cookie must agree
        with TestClient(app, base_url="http://testserver") as other:
            foreign = _page_csrf(other)
        response = browser.post("/api/corrections", json=body, headers={**same_origin, "X-CSRF-Token": foreign})
        assert response.status_code == 403
        accepted = browser.post("/api/corrections", json=body, headers={**same_origin, "X-CSRF-Token": token})
        assert accepted.status_code == 201, accepted.text
        reverted = browser.post(f"/api/corrections/{accepted.json()['id']}/revert",
                                headers={**same_origin, "X-CSRF-Token": token})
        assert reverted.status_code == 200, reverted.text
    # a client that is no browser (no Origin, no Sec-Fetch-Site, no cookie) needs only its token
    plain = TestClient(app)
    response = plain.post("/api/corrections", json=body, headers=auth)
    assert response.status_code == 201
    plain.post(f"/api/corrections/{response.json()['id']}/revert", headers=auth)


# ---------- SSRF: a URL given is never fetched ----------

class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's naming)
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><body><p>fetched</p></body></html>")

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    """An HTTP server on loopback that records every request made to it."""
    _Recorder.hits = []
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.hits
    server.shutdown()
    server.server_close()


def _page_pointing_at(base: str) -> str:
    return (f"<!doctype html><html><head><link rel=stylesheet href=\"{base}/style.css\">"
            f"<meta http-equiv=refresh content=\"0;url={base}/refresh\"><link rel=canonical href=\"{base}/canonical\">"
            f"<meta property=\"og:url\" content=\"{base}/og\"><script src=\"{base}/script.js\"></script></head><body>"
            f"<article><p>Officials in Ankara said on Monday that the talks with Syria would resume next week, "
            f"and the ministry denied any delay.</p><img src=\"{base}/photo.jpg\"><iframe src=\"{base}/frame\"></iframe>"
            f"<p>The full statement is at {base}/statement and was read out in Damascus.</p></article></body></html>")


def test_submitting_a_url_does_not_fetch_it(pipeline_client, listener, tmp_path):
    base, hits = listener
    client, _, auth = pipeline_client
    for payload in ({"doc": "ssrf-text", "text": f"Officials in Ankara said the talks would resume. See {base}/a",
                     "url": f"{base}/article"},
                    {"doc": "ssrf-html", "html": _page_pointing_at(base), "url": f"{base}/page"},
                    {"doc": "ssrf-url-only", "url": f"{base}/only"}):
        response = client.post("/api/articles", json=payload, headers=auth)
        assert response.status_code in (201, 422), response.text
    assert client.post("/api/articles", json={"doc": "ssrf-text-2", "text": "x", "url": "file:///etc/passwd"},
                       headers=auth).status_code in (201, 422)
    # the CLI reads saved pages and JSON Lines records with URLs: nothing is fetched either
    from dragoman.cli import cli

    page = tmp_path / "page.html"
    page.write_text(_page_pointing_at(base), encoding="utf-8")
    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps({"id": "r1", "url": f"{base}/record", "text": _page_pointing_at(base)}) + "\n"
                       + json.dumps({"id": "r2", "url": f"{base}/record2", "text": f"{base}/just-a-url"}),
                       encoding="utf-8")
    result = CliRunner().invoke(cli, ["analyze", str(page), str(records), "--no-store", "--format", "json",
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code in (0, 1), result.output
    time.sleep(0.2)
    assert hits == [], f"dragoman fetched {hits}"


# ---------- the browser: hostile content never runs ----------

@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The API with the workbench, served by uvicorn on a free loopback port, over a store of the hostile analysis."""
    pytest.importorskip("uvicorn")
    from dragoman.store import Store

    store = Store(f"sqlite:///{tmp_path_factory.mktemp('secbrowser') / 'browser.db'}")
    store.save(hostile_analysis())
    with served(store) as url:
        yield url, store
    store.close()


@pytest.fixture(scope="module")
def chrome():
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} or chromedriver at {CHROMEDRIVER} (apt-get install chromium chromium-driver)")
    pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    with chromium(window="1200,900") as driver:
        yield driver


def test_hostile_content_never_runs_in_the_browser(live_server, chrome):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    base, _ = live_server
    chrome.get(f"{base}/articles/hostile-sec")
    text = WebDriverWait(chrome, 20).until(EC.presence_of_element_located((By.ID, "article-text")))
    assert text.get_attribute("textContent") == HOSTILE_TEXT  # shown whole, as text
    assert f"<script>window.{SCRIPT_FLAG}=1</script>" in text.text
    assert not text.find_elements(By.CSS_SELECTOR, "script, img, svg, a, iframe")
    # hover and click everything a handler could hang on
    for element in chrome.find_elements(By.CSS_SELECTOR, "#article-text *, main h1, main h2, main a"):
        chrome.execute_script("arguments[0].dispatchEvent(new MouseEvent('mouseover', {bubbles: true}))", element)
    hrefs = [a.get_attribute("href") or "" for a in chrome.find_elements(By.CSS_SELECTOR, "a")]
    assert not any(h.strip().lower().startswith("javascript:") for h in hrefs), hrefs
    for page in ("/events", "/claims", "/"):
        chrome.get(base + page)
        WebDriverWait(chrome, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")
        assert chrome.execute_script(f"return window.{SCRIPT_FLAG}") is None, page
    chrome.get(f"{base}/articles/hostile-sec")
    WebDriverWait(chrome, 20).until(EC.presence_of_element_located((By.ID, "article-text")))
    assert chrome.execute_script(f"return window.{SCRIPT_FLAG}") is None
    with pytest.raises(NoAlertPresentException):
        chrome.switch_to.alert


def test_a_correction_form_without_its_csrf_token_is_refused_in_the_browser(live_server, chrome):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import Select, WebDriverWait

    base, store = live_server
    chrome.get(f"{base}/articles/hostile-sec")
    form = WebDriverWait(chrome, 20).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, "form.correction[data-kind=event]")))
    box = chrome.find_element(By.ID, "api-token")
    box.clear()
    box.send_keys(store.create_token("csrf-browser"))
    chrome.execute_script("arguments[0].dispatchEvent(new Event('change'))", box)
    chrome.execute_script("arguments[0].dataset.csrf = 'forged.token'", form)  # as a page from elsewhere would post
    Select(form.find_element(By.NAME, "field")).select_by_value("status")
    form.find_element(By.NAME, "value").send_keys("planned")
    form.find_element(By.NAME, "reason").send_keys("csrf check")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    out = form.find_element(By.CSS_SELECTOR, "output.result")
    WebDriverWait(chrome, 20).until(lambda d: "403" in out.text)
    assert "CSRF" in out.text
