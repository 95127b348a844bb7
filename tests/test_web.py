"""The analyst workbench's pages: the article highlighted from stored offsets, filters, the
visualisations' data, the .json twins, and untrusted text always rendered escaped."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from dragoman.model import (  # noqa: E402
    ActorMention, ActorRef, Analysis, Article, Claim, Event, PlaceMention, PlaceRef,
)
from dragoman.store import Store  # noqa: E402
from dragoman.web import mount_web, views  # noqa: E402
from dragoman.web.vendor import missing as vendor_missing  # noqa: E402

SHARED_DEV = Path(__file__).resolve().parents[2] / "shared" / "gold" / "dev"


def make_app(store: Store) -> FastAPI:
    """The API's app when it exists (the workbench is mounted by it), else a bare app with the pages."""
    try:
        from dragoman.api import create_app
    except ImportError:
        app = FastAPI()
        mount_web(app, store)
        return app
    return create_app(store.url, store=store)


@pytest.fixture(scope="module")
def dev_article() -> Article:
    files = sorted(SHARED_DEV.glob("*.txt"))
    if not files:
        pytest.skip(f"no dev article under {SHARED_DEV} (the shared gold folder is absent)")
    path = files[0]
    from dragoman.ingest import article_from_text

    return article_from_text(path.read_text(encoding="utf-8"), doc=path.stem, published="2025-02-10")


@pytest.fixture(scope="module")
def dev_analysis(dev_article) -> Analysis:
    from dragoman.pipeline import analyze_article

    return analyze_article(dev_article)


def hostile_analysis() -> Analysis:
    """A short text written for this test, with markup an attacker could slip into an article."""
    text = ("Officials in Ankara said <script>alert(1)</script> was posted by Turkey. "
            "A page showed <img src=x onerror=alert(2)> before the talks. "
            "Damascus denied it.")
    first = text.split(". ")[0] + "."
    second = "A page showed <img src=x onerror=alert(2)> before the talks."
    third = "Damascus denied it."
    ankara, turkey = text.index("Ankara"), text.index("Turkey")
    hostile_name = 'Group" onmouseover="alert(3)'
    return Analysis(
        doc="hostile-<doc>",
        article=Article(doc="hostile-<doc>", text=text, title="<script>alert(4)</script> headline",
                         url="javascript:alert(5)", published="2025-02-10"),
        actors=[ActorMention(mention="Turkey", start=turkey, end=turkey + 6, name="Turkey", country="TUR",
                             sector="GOV", kind="state", method="alias"),
                ActorMention(mention="<script>", start=text.index("<script>"), end=text.index("<script>") + 8,
                             name=hostile_name, country=None, sector="REB")],
        places=[PlaceMention(mention="Ankara", start=ankara, end=ankara + 6, name="Ankara", kind="city",
                             country="TUR", lat=39.93, lon=32.86)],
        dates=[],
        events=[Event(type="ACCUSE", source=ActorRef(name=hostile_name, sector="REB"),
                      target=ActorRef(name="Turkey </script><script>alert(6)</script>", country="TUR"),
                      date="2025-02-09", place=PlaceRef(name="Ankara", country="TUR", lat=39.93, lon=32.86),
                      evidence=[first], spans=[(0, len(first))])],
        claims=[Claim(speaker=ActorRef(name="Turkey", country="TUR", sector="GOV"), stance="asserted",
                      content="<img src=x onerror=alert(7)>", evidence=second,
                      start=text.index(second), end=text.index(second) + len(second), corroborates=[1]),
                Claim(speaker=ActorRef(name="Syria", country="SYR", sector="GOV"), stance="denied",
                      content="it was posted", evidence=third, start=text.index(third),
                      end=text.index(third) + len(third), contradicts=[0])],
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory, dev_analysis):
    s = Store(f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}")
    s.save(dev_analysis)
    s.save(hostile_analysis())
    yield s
    s.close()


@pytest.fixture(scope="module")
def client(store):
    with TestClient(make_app(store)) as c:
        yield c


def visible_text(fragment: str) -> str:
    """What a browser shows of an HTML fragment: the tags dropped, the entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


# ---------- the article page ----------

def test_article_text_is_shown_whole_and_unchanged(client, dev_analysis):
    page = client.get(f"/articles/{dev_analysis.doc}")
    assert page.status_code == 200
    body = re.search(r'<article id="article-text"[^>]*>(.*?)</article>', page.text, re.S)
    assert body, "the article text container is missing"
    assert visible_text(body.group(1)) == dev_analysis.article.text


def test_every_mention_is_highlighted_with_its_resolution(client, dev_analysis):
    page = client.get(f"/articles/{dev_analysis.doc}").text
    assert dev_analysis.actors and dev_analysis.places, "the pipeline found no actors or places"
    for m in dev_analysis.actors[:20]:
        # the mention's words sit in an actor mark whose tooltip names the canonical actor
        pattern = (r'<mark class="[^"]*m-actor[^"]*" title="([^"]*)">' + re.escape(html.escape(m.mention[:1])))
        titles = [html.unescape(t) for t in re.findall(pattern, page)]
        assert any(m.name in t for t in titles), f"no actor mark for {m.mention!r} naming {m.name!r}"
    placed = [p for p in dev_analysis.places if p.lat is not None]
    for p in placed[:10]:
        assert f"{p.lat:.4f}, {p.lon:.4f}" in page, f"coordinates of {p.name} not shown"
    for d in dev_analysis.dates:
        if d.value:
            assert f"Date: {d.value}" in page


def test_text_pieces_tile_the_article_at_every_offset(store, dev_analysis):
    data = views.article_view(store, dev_analysis.doc)
    pieces = [p for r in data["runs"] for p in r["pieces"]]
    assert "".join(p["text"] for p in pieces) == dev_analysis.article.text
    text = dev_analysis.article.text
    for m in dev_analysis.actors + dev_analysis.places:
        covered = [p for p in pieces if p["start"] >= m.start and p["end"] <= m.end]
        assert "".join(p["text"] for p in covered) == text[m.start:m.end]
        assert all(p["marks"] for p in covered)
    for i, e in enumerate(dev_analysis.events):
        for s, t in e.spans:
            inside = [p for p in pieces if p["start"] >= s and p["end"] <= t]
            assert inside and all(f"e{i}" in p["events"] for p in inside)


def test_events_and_claims_have_a_correction_form_posting_to_the_api(client, dev_analysis):
    page = client.get(f"/articles/{dev_analysis.doc}").text
    forms = re.findall(r'<form class="correction" data-kind="(\w+)" data-key="([^"]+)" data-endpoint="([^"]+)"',
                       page)
    kinds = [k for k, _, _ in forms]
    assert kinds.count("event") == len(dev_analysis.events)
    assert kinds.count("claim") == len(dev_analysis.claims)
    assert {endpoint for _, _, endpoint in forms} == {"/api/corrections"}
    # each form names its record by the key the corrections API takes
    twin = client.get(f"/articles/{dev_analysis.doc}.json").json()
    assert [key for kind, key, _ in forms if kind == "event"] == [html.escape(e["key"]) for e in twin["events"]]
    assert [key for kind, key, _ in forms if kind == "claim"] == [html.escape(c["key"]) for c in twin["claims"]]


def test_article_json_twin_holds_the_records_shown(client, dev_analysis):
    data = client.get(f"/articles/{dev_analysis.doc}.json").json()
    assert data["article"]["text"] == dev_analysis.article.text
    assert len(data["actors"]) == len(dev_analysis.actors)
    assert [e["type"] for e in data["events"]] == [e.type for e in dev_analysis.events]
    assert [c["content"] for c in data["claims"]] == [c.content for c in dev_analysis.claims]


def test_unknown_article_is_a_404_page(client):
    assert client.get("/articles/no-such-document").status_code == 404
    assert client.get("/articles/no-such-document.json").status_code == 404


# ---------- untrusted text ----------

def test_markup_in_article_text_is_rendered_escaped(client):
    page = client.get("/articles/" + "hostile-%3Cdoc%3E")
    assert page.status_code == 200
    text = page.text
    body = re.search(r'<article id="article-text"[^>]*>(.*?)</article>', text, re.S).group(1)
    assert "<script" not in body and "<img" not in body
    assert visible_text(body) == hostile_analysis().article.text
    assert "&lt;img src=x onerror=alert(2)&gt;" in body
    assert "<script>alert(" not in text and "<img src=x" not in text
    assert 'onmouseover="alert(3)' not in text and "onmouseover=&#34;alert(3)" in text
    assert "&lt;script&gt;alert(4)&lt;/script&gt; headline" in text
    assert 'href="javascript:' not in text


def test_markup_in_names_cannot_break_out_of_the_pages_data(client):
    events = client.get("/events", params={"doc": "hostile-<doc>"})
    assert events.status_code == 200
    assert "</script><script>alert(6)" not in events.text
    assert 'onmouseover="alert(3)' not in events.text
    claims = client.get("/claims", params={"doc": "hostile-<doc>"}).text
    assert "<img src=x" not in claims and "&lt;img src=x onerror=alert(7)&gt;" in claims
    docs = client.get("/").text
    assert "<script>alert(4)" not in docs


# ---------- events ----------

def test_events_filter_by_type_country_and_status(client, dev_analysis):
    everything = client.get("/events.json", params={"doc": dev_analysis.doc}).json()
    assert everything["count"] == len(dev_analysis.events)
    kind = dev_analysis.events[0].type
    only = client.get("/events.json", params={"type": kind.lower(), "doc": dev_analysis.doc}).json()
    assert only["count"] == sum(e.type == kind for e in dev_analysis.events)
    assert {e["type"] for e in only["events"]} == {kind}
    status = dev_analysis.events[0].status
    by_status = client.get("/events.json", params={"status": status, "doc": dev_analysis.doc}).json()
    assert by_status["count"] == sum(e.status == status for e in dev_analysis.events)
    syria = client.get("/events.json", params={"country": "syr"}).json()
    assert all("SYR" in ((e["source"] or {}).get("country"), (e["target"] or {}).get("country"))
               for e in syria["events"])
    page = client.get("/events", params={"type": kind, "doc": dev_analysis.doc}).text
    assert page.count("<tr data-id=") == only["count"]


def test_events_visualisation_data(client, dev_analysis):
    data = client.get("/events.json", params={"doc": dev_analysis.doc}).json()
    dated = [e for e in data["events"] if e["date_first"]]
    assert len(data["timeline"]) == len(dated)
    both = [e for e in data["events"] if e["source"] and e["target"]]
    assert sum(edge["weight"] for edge in data["network"]["edges"]) == len(both)
    node_ids = {n["id"] for n in data["network"]["nodes"]}
    assert all(edge["source"] in node_ids and edge["target"] in node_ids for edge in data["network"]["edges"])
    for edge in data["network"]["edges"]:
        assert edge["quad"] in {"verbal-cooperation", "material-cooperation", "verbal-conflict",
                                "material-conflict", "unknown"}
    geocoded = [e for e in data["events"] if e["place"] and e["place"]["lat"] is not None]
    assert len(data["map"]["points"]) == len(geocoded)
    if any((e["source"] or {}).get("country") == "SYR" for e in data["events"]):
        assert data["map"]["countries"]["760"] >= 1  # world-atlas ids are ISO numeric codes


def test_quad_classes_follow_plover():
    assert views.quad_of("CONSULT") == "verbal-cooperation"
    assert views.quad_of("AID") == "material-cooperation"
    assert views.quad_of("ACCUSE") == "verbal-conflict"
    assert views.quad_of("ASSAULT") == "material-conflict"
    assert views.quad_of("NOT-A-TYPE") is None


def test_bad_date_filter_is_a_400_with_the_reason(client):
    response = client.get("/events.json", params={"since": "last tuesday"})
    assert response.status_code == 400 and "since" in response.json()["detail"]
    assert client.get("/events", params={"since": "last tuesday"}).status_code == 400


# ---------- claims ----------

def test_claims_show_corroborating_and_contradicting_side_by_side(client):
    data = client.get("/claims.json", params={"doc": "hostile-<doc>"}).json()
    by_content = {c["content"]: c for c in data["claims"]}
    first, second = by_content["<img src=x onerror=alert(7)>"], by_content["it was posted"]
    assert [c["content"] for c in first["corroborating"]] == ["it was posted"]
    assert [c["content"] for c in second["contradicting"]] == ["<img src=x onerror=alert(7)>"]
    page = client.get("/claims", params={"doc": "hostile-<doc>"}).text
    side = page[page.index('class="contradicting"'):]
    assert "&lt;img src=x onerror=alert(7)&gt;" in side[:2000]


def test_claims_filter_by_stance(client, dev_analysis):
    stance = dev_analysis.claims[0].stance if dev_analysis.claims else "asserted"
    data = client.get("/claims.json", params={"stance": stance, "doc": dev_analysis.doc}).json()
    assert data["count"] == sum(c.stance == stance for c in dev_analysis.claims)
    assert {c["stance"] for c in data["claims"]} <= {stance}


def test_documents_page_links_every_stored_article(client, dev_analysis):
    page = client.get("/").text
    assert f'href="/articles/{dev_analysis.doc}"' in page
    assert 'href="/articles/hostile-%3Cdoc%3E"' in page
    assert {d["doc"] for d in client.get("/documents.json").json()["documents"]} >= {dev_analysis.doc}


# ---------- corrections through the API, seen on the pages ----------

@pytest.fixture
def own_client(tmp_path, dev_analysis):
    """A store of its own: corrections made here must not change what the other tests see."""
    s = Store(f"sqlite:///{tmp_path / 'corrected.db'}")
    s.save(dev_analysis)
    with TestClient(make_app(s)) as c:
        yield c, s
    s.close()


def test_a_correction_posted_to_the_api_shows_on_the_pages(own_client, dev_analysis):
    pytest.importorskip("dragoman.api", reason="the HTTP API (dragoman.api) is not there yet")
    client, store = own_client
    page = client.get(f"/articles/{dev_analysis.doc}").text
    key = html.unescape(re.search(r'data-kind="event" data-key="([^"]+)"', page).group(1))
    before = next(e for e in client.get(f"/articles/{dev_analysis.doc}.json").json()["events"] if e["key"] == key)
    new_status = "hypothetical" if before["status"] != "hypothetical" else "planned"
    denied = client.post("/api/corrections", json={"kind": "event", "key": key, "field": "status",
                                                   "value": new_status, "reason": "no token"})
    assert denied.status_code == 401
    token = store.create_token("web-test")
    posted = client.post("/api/corrections", headers={"Authorization": f"Bearer {token}"},
                         json={"kind": "event", "key": key, "field": "status", "value": new_status,
                               "reason": "the text says it may happen"})
    assert posted.status_code == 201, posted.text
    after = next(e for e in client.get(f"/articles/{dev_analysis.doc}.json").json()["events"] if e["key"] == key)
    assert after["status"] == new_status and "status" in after["corrected"]
    page = client.get(f"/articles/{dev_analysis.doc}").text
    assert "the text says it may happen" in page  # the audit log under the records
    listed = client.get("/events.json", params={"status": new_status, "doc": dev_analysis.doc}).json()
    assert key in {e["key"] for e in listed["events"]}


def test_document_ids_with_a_slash_reach_their_page(client, store):
    analysis = hostile_analysis()
    analysis = analysis.model_copy(update={"doc": "feed/item-1",
                                           "article": analysis.article.model_copy(update={"doc": "feed/item-1"})})
    store.save(analysis)
    assert client.get("/articles/feed%2Fitem-1").status_code == 200
    assert client.get("/articles/feed/item-1.json").json()["doc"] == "feed/item-1"
    assert 'href="/articles/feed%2Fitem-1"' in client.get("/").text


def test_overlapping_highlights_cut_the_text_without_losing_any():
    text = "Turkish drones struck near Qamishli on Monday."
    marks = [{"kind": "actor", "start": 0, "end": 14, "title": "Actor: Turkish Armed Forces"},
             {"kind": "place", "start": 27, "end": 35, "title": "Place: Qamishli"},
             {"kind": "actor", "start": 8, "end": 21, "title": "Actor: overlapping"},
             {"kind": "date", "start": 39, "end": 45, "title": "Date: Monday"}]
    blocks = [{"kind": "event", "ref": "e0", "start": 0, "end": len(text), "title": "Event e0"},
              {"kind": "claim", "ref": "c0", "start": 22, "end": 99, "title": "Claim c0, clipped at the end"}]
    pieces = views.segments(text, marks, blocks)
    assert "".join(p["text"] for p in pieces) == text
    by_text = {p["text"]: p for p in pieces}
    assert by_text["drones"]["title"] == "Actor: Turkish Armed Forces\nActor: overlapping"
    assert by_text["Qamishli"]["marks"] == ["place"] and by_text["Qamishli"]["claims"] == ["c0"]
    assert by_text["Monday"]["marks"] == ["date"] and by_text["."]["marks"] == []
    assert by_text["."]["claims"] == ["c0"] and pieces[-1]["end"] == len(text)
    assert all(p["events"] == ["e0"] for p in pieces)
    runs = views.runs(pieces)
    assert [(r["events"], r["claims"]) for r in runs] == [(["e0"], []), (["e0"], ["c0"])]


def test_pages_load_nothing_from_other_hosts(client, dev_analysis):
    """The workbench runs offline: every script, stylesheet and image is served by dragoman itself."""
    for url in ("/", f"/articles/{dev_analysis.doc}", "/events", "/claims"):
        page = client.get(url).text
        assets = re.findall(r'<(?:script|link|img)\b[^>]*\b(?:src|href)="([^"]+)"', page)
        assert assets, f"{url} loads no assets at all"
        assert all(a.startswith("/static/") for a in assets), f"{url} loads {assets}"
        for asset in set(assets):
            if asset.startswith("/static/vendor/") and vendor_missing():
                continue  # `npm ci && python -m dragoman.web.vendor` has not run: the page says so
            assert client.get(asset).status_code == 200, f"{asset} is not served"
    events_js = client.get("/static/events.js").text
    assert "tile" not in re.sub(r"//.*", "", events_js).lower()  # no tile layer, in code (comments aside)
