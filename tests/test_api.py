"""The HTTP API over a real temporary store: a real article submitted, read back, filtered, corrected.

The article is read from /work/shared at run time (skipped when absent); the spaCy pipeline is
loaded once, by the first submission, and at most two analyses run.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dragoman.api import create_app
from dragoman.store import date_bounds

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DRAGOMAN_SHARED", ROOT.parent / "shared"))
DEV = SHARED / "gold" / "dev"
pytestmark = pytest.mark.skipif(not DEV.is_dir(), reason=f"shared gold data not found at {SHARED}")

DOC = "dev-article"


def dev_article() -> tuple[str, str]:
    """The first dev article's text and its gold publication date."""
    import json

    path = sorted(DEV.glob("*.txt"))[0]
    gold = json.loads(path.with_suffix("").with_suffix(".gold.json").read_text(encoding="utf-8"))
    published = (gold.get("article") or {}).get("published") or "2025-02-10"
    return path.read_text(encoding="utf-8"), published


@pytest.fixture(scope="module")
def api(module_db_url):
    """(client, store, auth headers, the analysis returned by POST /api/articles) over a fresh store,
    once on SQLite and once on PostgreSQL (module_db_url, tests/conftest.py)."""
    app = create_app(module_db_url)
    store = app.state.store
    client = TestClient(app)
    headers = {"Authorization": f"Bearer {store.create_token('desk')}"}
    text, published = dev_article()
    response = client.post("/api/articles", json={"text": text, "published": published, "doc": DOC}, headers=headers)
    assert response.status_code == 201, response.text
    yield client, store, headers, response.json()
    store.close()


def page(client, path, **params) -> dict:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_submitted_article_is_analysed_stored_and_listed(api):
    client, _, _, analysis = api
    assert analysis["doc"] == DOC and analysis["events"] and analysis["claims"] and analysis["places"]
    assert all(e["key"].startswith(f"{DOC}:event:") and e["corrected"] == [] for e in analysis["events"])
    articles = page(client, "/api/articles")
    assert [a["doc"] for a in articles["items"]] == [DOC] and articles["total"] == 1
    assert articles["items"][0]["events"] == len(analysis["events"])
    assert page(client, f"/api/articles/{DOC}")["events"] == analysis["events"]
    assert client.get("/api/articles/no-such-doc").status_code == 404


def test_events_read_back_with_pagination(api):
    client, _, _, analysis = api
    everything = page(client, "/api/events", limit=1000)
    assert everything["total"] == len(analysis["events"]) and everything["next"] is None
    assert {e["key"] for e in everything["items"]} == {e["key"] for e in analysis["events"]}
    first = page(client, "/api/events", limit=2)
    second = page(client, "/api/events", limit=2, offset=2)
    assert first["next"] == 2 and first["total"] == everything["total"]
    assert [e["key"] for e in first["items"] + second["items"]] == [e["key"] for e in everything["items"][:4]]


def test_filters_by_type_country_and_date(api):
    client, _, _, analysis = api
    events = analysis["events"]
    event_type = events[0]["type"]
    by_type = page(client, "/api/events", type=event_type.lower())
    assert by_type["total"] == sum(e["type"] == event_type for e in events) and by_type["total"] >= 1
    country = next(e["source"]["country"] for e in events if e["source"] and e["source"]["country"])
    expected = sum(country in ((e["source"] or {}).get("country"), (e["target"] or {}).get("country"))
                   for e in events)
    assert page(client, "/api/events", country=country)["total"] == expected
    dated = sorted(date_bounds(e["date"])[0] for e in events if date_bounds(e["date"])[0])
    since = dated[-1]
    recent = page(client, "/api/events", since=since)["items"]
    assert recent and all(date_bounds(e["date"])[1] >= since for e in recent)
    assert page(client, "/api/events", until="1900-01-01")["total"] == 0


def test_bbox_on_places_and_events(api):
    client, _, _, analysis = api
    place = next(p for p in analysis["places"] if p["lat"] is not None)
    box = f"{place['lon'] - 0.5},{place['lat'] - 0.5},{place['lon'] + 0.5},{place['lat'] + 0.5}"
    inside = page(client, "/api/places", bbox=box)["items"]
    assert place["name"] in {p["name"] for p in inside}
    assert all(abs(p["lat"] - place["lat"]) <= 0.5 and abs(p["lon"] - place["lon"]) <= 0.5 for p in inside)
    pacific = "-170,-40,-120,-10"
    assert page(client, "/api/places", bbox=pacific)["total"] == 0
    assert page(client, "/api/events", bbox=pacific)["total"] == 0


def test_text_search(api):
    client, _, _, analysis = api
    words = re.findall(r"[A-Za-z]{7,}", page(client, f"/api/articles/{DOC}")["article"]["text"])
    assert page(client, "/api/articles", q=words[0].lower())["total"] == 1
    assert page(client, "/api/events", q=f"{words[0]} {words[1]}")["total"] == len(analysis["events"])
    assert page(client, "/api/claims", q="qzxwvbnkj")["total"] == 0


def test_correct_an_event_status_then_revert(api):
    client, _, headers, analysis = api
    event = analysis["events"][0]
    new_status = "hypothetical" if event["status"] != "hypothetical" else "planned"
    response = client.post("/api/corrections", headers=headers, json={
        "kind": "event", "key": event["key"], "field": "status", "value": new_status,
        "reason": "the text says it may happen"})
    assert response.status_code == 201, response.text
    correction = response.json()
    assert correction["author"] == "desk" and correction["before"] == event["status"]
    found = page(client, "/api/events", status=new_status)["items"]
    corrected = next(e for e in found if e["key"] == event["key"])
    assert corrected["corrected"] == ["status"]
    shown = next(e for e in page(client, f"/api/articles/{DOC}")["events"] if e["key"] == event["key"])
    assert shown["status"] == new_status
    assert page(client, "/api/corrections")["items"][0]["id"] == correction["id"]

    reverted = client.post(f"/api/corrections/{correction['id']}/revert", headers=headers)
    assert reverted.status_code == 200 and reverted.json()["status"] == "reverted"
    shown = next(e for e in page(client, f"/api/articles/{DOC}")["events"] if e["key"] == event["key"])
    assert shown["status"] == event["status"] and shown["corrected"] == []
    assert client.post(f"/api/corrections/{correction['id']}/revert", headers=headers).status_code == 409


def test_corrections_survive_reanalysis_and_are_flagged_when_the_machine_changes(api):
    client, store, headers, analysis = api
    event = analysis["events"][-1]
    new_status = "rumored" if event["status"] != "rumored" else "denied"
    correction = client.post("/api/corrections", headers=headers, json={
        "kind": "event", "key": event["key"], "field": "status", "value": new_status, "reason": "hearsay"}).json()

    text, published = dev_article()  # the same article again: the same machine output
    again = client.post("/api/articles", json={"text": text, "published": published, "doc": DOC}, headers=headers)
    assert again.status_code == 201
    kept = next(e for e in again.json()["events"] if e["key"] == event["key"])
    assert kept["status"] == new_status
    assert client.get(f"/api/corrections?status=active").json()["items"][0]["id"] == correction["id"]

    # a newer pipeline's output in which that event's status changed
    original = store.analysis(DOC)
    changed = original.model_copy(deep=True)
    changed.pipeline_version = "dragoman-next"
    index = [e["key"] for e in analysis["events"]].index(event["key"])
    changed.events[index].status = "occurred" if event["status"] != "occurred" else "ongoing"
    store.save(changed)
    flagged = page(client, "/api/corrections", status="needs_review")["items"]
    assert [c["id"] for c in flagged] == [correction["id"]] and "changed status" in flagged[0]["review_note"]
    still = next(e for e in page(client, "/api/events", limit=1000)["items"] if e["key"] == event["key"])
    assert still["status"] == new_status and still["needs_review"] is True
    store.save(original)
    client.post(f"/api/corrections/{correction['id']}/revert", headers=headers)


def test_writes_need_a_valid_unrevoked_token(api):
    client, store, _, analysis = api
    body = {"kind": "event", "key": analysis["events"][0]["key"], "field": "status", "value": "planned",
            "reason": "x"}
    missing = client.post("/api/corrections", json=body)
    assert missing.status_code == 401 and missing.json()["error"] == "authentication required"
    assert client.post("/api/corrections", json=body, headers={"Authorization": "Bearer nonsense"}).status_code == 401
    token = store.create_token("intern")
    auth = {"Authorization": f"Bearer {token}"}
    accepted = client.post("/api/corrections", json=body, headers=auth)
    assert accepted.status_code == 201
    client.post(f"/api/corrections/{accepted.json()['id']}/revert", headers=auth)
    with_cookie = TestClient(client.app, cookies={"dragoman_token": token})
    assert with_cookie.post("/api/corrections", json=body).status_code == 401  # no writes by cookie (CSRF)
    store.revoke_token("intern")
    assert client.post("/api/corrections", json=body, headers=auth).status_code == 401
    assert client.post("/api/articles", json={"text": "x"}).status_code == 401


@pytest.mark.parametrize("path, params", [
    ("/api/events", {"bbox": "north-east"}),
    ("/api/events", {"bbox": "10,20,5,30"}),
    ("/api/events", {"since": "last spring"}),
    ("/api/events", {"country": "TURKEY"}),
    ("/api/events", {"type": "WAR"}),
    ("/api/events", {"status": "maybe"}),
    ("/api/events", {"limit": "-1"}),
    ("/api/events", {"offset": "many"}),
    ("/api/claims", {"stance": "shouted"}),
    ("/api/places", {"bbox": "1,2,3"}),
    ("/api/articles", {"until": "2025-13-45"}),
    ("/api/corrections", {"status": "pending"}),
    ("/api/claims", {"q": "!!!"}),
])
def test_bad_filters_are_json_4xx(api, path, params):
    client = api[0]
    response = client.get(path, params=params)
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["error"]


def test_bad_writes_are_json_4xx(api):
    client, _, headers, analysis = api
    key = analysis["events"][0]["key"]
    for body in ({"kind": "event", "key": key, "field": "status", "value": "maybe", "reason": "x"},
                 {"kind": "event", "key": key, "field": "status", "reason": "x"},
                 {"kind": "event", "key": f"{DOC}:event:NONE:a:b", "field": "status", "value": "planned", "reason": "x"},
                 {"kind": "planet", "key": key, "field": "status", "value": "planned", "reason": "x"},
                 {"kind": "event", "key": key, "field": "status", "value": "planned"}):
        response = client.post("/api/corrections", json=body, headers=headers)
        assert 400 <= response.status_code < 500 and response.json()["error"], (body, response.text)
    assert client.post("/api/articles", json={"published": "2025-01-01"}, headers=headers).status_code == 422
    assert client.post("/api/articles", json={"text": "\x00\x01"}, headers=headers).status_code == 422
    assert client.post("/api/corrections/999999/revert", headers=headers).status_code == 404


def test_reads_need_a_token_beyond_loopback(api):
    _, store, headers, _ = api
    guarded = TestClient(create_app(store=store, require_read_token=True))
    assert guarded.get("/api/events").status_code == 401
    assert guarded.get("/api/events", headers=headers).status_code == 200
    token = headers["Authorization"].split()[1]
    assert TestClient(guarded.app, cookies={"dragoman_token": token}).get("/api/claims").status_code == 200
    assert guarded.get("/").status_code == 401  # the workbench's pages too
    assert guarded.get("/openapi.json").status_code == 200


def test_openapi_describes_the_api(api):
    paths = api[0].get("/openapi.json").json()["paths"]
    for path in ("/api/articles", "/api/events", "/api/claims", "/api/actors", "/api/places", "/api/corrections",
                 "/api/corrections/{correction_id}/revert"):
        assert path in paths


def test_serving_beyond_loopback_is_recognised():
    from dragoman.api.commands import is_loopback

    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "127.0.0.2"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.20", "example.org", "::"))
