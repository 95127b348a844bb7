"""Analysts' corrections: applied on top of machine rows, audited, revertible, and kept (flagged) across re-analysis.

The analyses here are built by hand from short sentences written for these tests, so no model
is loaded; tests/test_api.py runs the same layer over a real article through the HTTP API.
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from dragoman.cli import cli
from dragoman.corrections import CorrectionError
from dragoman.model import ActorMention, ActorRef, Analysis, Article, Claim, Event, PlaceMention, PlaceRef
from dragoman.store import Store

TEXT = ("The foreign minister of Oman hosted Iranian and American envoys in Muscat on Sunday. "
        "Israeli aircraft struck a depot near Aleppo, a war monitor said. "
        "Officials in Tehran denied that any deal had been reached.")


def span(part: str) -> tuple[int, int]:
    start = TEXT.index(part)
    return start, start + len(part)


def build(version: str = "dragoman-test-1", consult_status: str = "occurred", consult_date: str | None = "2025-04-13",
          consult_type: str = "CONSULT",
          with_consult: bool = True, extra_first: bool = False, claim_text: str = "no deal had been reached") -> Analysis:
    """An analysis of TEXT as a pipeline might give it; the arguments play a newer pipeline's changes."""
    visit, strike = TEXT.split(". ")[0] + ".", TEXT.split(". ")[1] + "."
    consult = Event(type=consult_type, mode="meeting", source=ActorRef(name="Oman", country="OMN", sector="GOV"),
                    target=ActorRef(name="Iran", country="IRN", sector="GOV"), date=consult_date,
                    place=PlaceRef(name="Muscat", country="OMN", lat=23.58, lon=58.41, kind="city"),
                    status=consult_status, evidence=[visit], spans=[span(visit)])
    assault = Event(type="ASSAULT", mode="aerial", source=ActorRef(name="Israel Defense Forces", country="ISR",
                                                                     sector="MIL"),
                    target=None, date="2025-04", status="reported",
                    place=PlaceRef(name="Aleppo", country="SYR", lat=36.2, lon=37.16, kind="city"),
                    evidence=[strike], spans=[span(strike)])
    events = ([assault] if extra_first else []) + ([consult] if with_consult else []) + [assault]
    muscat, aleppo = span("Muscat"), span("Aleppo")
    denial = TEXT.split(". ")[2]
    return Analysis(
        doc="oman-talks",
        article=Article(doc="oman-talks", text=TEXT, outlet="Test Wire", published="2025-04-14"),
        actors=[ActorMention(mention="Oman", start=span("Oman")[0], end=span("Oman")[1], name="Oman",
                             country="OMN", sector="GOV", kind="state")],
        places=[PlaceMention(mention="Muscat", start=muscat[0], end=muscat[1], name="Muscat", kind="city",
                             country="OMN", lat=23.58, lon=58.41),
                PlaceMention(mention="Aleppo", start=aleppo[0], end=aleppo[1], name="Aleppo", kind="city",
                             country="SYR", lat=36.2, lon=37.16)],
        events=events,
        claims=[Claim(speaker=ActorRef(name="Government of Iran", country="IRN", sector="GOV"), stance="denied",
                      content=claim_text, evidence=denial, start=span(denial)[0], end=span(denial)[1])],
        pipeline_version=version,
    )


@pytest.fixture
def store(db_url):  # db_url (tests/conftest.py): every test of the store runs on SQLite and PostgreSQL
    s = Store(db_url)
    s.save(build())
    yield s
    s.close()


def consult_of(store: Store, **filters) -> dict:
    return next(e for e in store.events(limit=None, **filters) if e["source"]["name"] == "Oman")


def test_a_correction_is_applied_on_top_and_the_machine_row_is_untouched(store):
    key = consult_of(store)["key"]
    c = store.correct("event", key, "status", "planned", reason="the meeting is only announced", author="ana")
    assert (c["before"], c["after"], c["status"], c["author"]) == ("occurred", "planned", "active", "ana")
    assert c["pipeline_version_seen"] == "dragoman-test-1"
    event = consult_of(store)
    assert event["status"] == "planned" and event["corrected"] == ["status"] and event["corrections"] == [c["id"]]
    assert store.analysis("oman-talks").events[0].status == "occurred"  # machine output as it was
    article = store.corrected_analysis("oman-talks")
    assert [e["status"] for e in article["events"] if e["key"] == key] == ["planned"]


def test_filters_see_corrected_values(store):
    key = consult_of(store)["key"]
    store.correct("event", key, "type", "AGREE", reason="they signed", author="ana")
    store.correct("event", key, "place.coordinates", "23.61,58.59", reason="the palace", author="ana")
    assert [e["type"] for e in store.events(type="AGREE")] == ["AGREE"]
    assert all(e["source"]["name"] != "Oman" for e in store.events(type="CONSULT"))
    assert store.query_events(bbox="58.5,23.6,58.7,23.7")["total"] == 1  # corrected coordinates
    assert store.query_events(bbox="58.3,23.5,58.45,23.59")["total"] == 0  # the machine's, no longer


def test_row_ids_resolve_to_stable_keys_that_survive_shifting_positions(store):
    by_id = store.correct("event", "oman-talks#e0", "status", "ongoing", reason="talks go on", author="ana")
    assert by_id["key"] == consult_of(store)["key"] and ":event:CONSULT:oman:iran" in by_id["key"]
    store.save(build(version="dragoman-test-2", extra_first=True))  # the consult event is now #e1
    event = consult_of(store)
    assert event["id"] == "oman-talks#e1" and event["status"] == "ongoing"
    assert store.corrections()[0]["status"] == "active"  # nothing it depends on changed


def test_reanalysis_that_changes_the_corrected_field_flags_it_for_review(store):
    c = store.correct("event", consult_of(store)["key"], "date", "2025-04-12", reason="it was Saturday",
                      author="ana")
    store.save(build(version="dragoman-test-2", consult_date="2025-04-11"))
    flagged = store.corrections(status="needs_review")
    assert [f["id"] for f in flagged] == [c["id"]]
    assert "2025-04-13" in flagged[0]["review_note"] and "2025-04-11" in flagged[0]["review_note"]
    event = consult_of(store)
    assert event["date"] == "2025-04-12" and event["needs_review"] is True  # kept and still applied
    confirmed = store.confirm_correction(c["id"], author="lead")
    assert confirmed["status"] == "active" and confirmed["before"] == "2025-04-11"


def test_reanalysis_that_drops_the_record_or_agrees_flags_it(store):
    status = store.correct("event", consult_of(store)["key"], "status", "planned", reason="announced", author="ana")
    stance = store.correct("claim", store.claims()[0]["key"], "stance", "asserted", reason="they confirmed",
                           author="ana")
    store.save(build(version="dragoman-test-2", with_consult=False))
    assert "no longer produces" in store.corrections(status="needs_review")[0]["review_note"]
    assert store.corrections(status="needs_review")[0]["id"] == status["id"]
    assert not any(e["source"]["name"] == "Oman" for e in store.events())  # nothing to apply it to
    store.save(build(version="dragoman-test-3", consult_status="planned"))
    assert consult_of(store)["status"] == "planned"  # the flagged correction still applies
    # a claim whose wording changes only in case and spacing keeps its key
    store.save(build(version="dragoman-test-4", claim_text="No  deal had been REACHED"))
    assert store.claims()[0]["stance"] == "asserted"
    assert {c["id"] for c in store.corrections(status="active")} == {stance["id"]}


def test_machine_now_equal_to_the_correction_is_flagged(store):
    store.correct("event", consult_of(store)["key"], "status", "planned", reason="announced", author="ana")
    store.save(build(version="dragoman-test-2", consult_status="planned"))
    note = store.corrections(status="needs_review")[0]["review_note"]
    assert "as corrected" in note


def test_machine_agreeing_on_a_corrected_type_is_recognised_under_the_new_key(store):
    store.correct("event", consult_of(store)["key"], "type", "AGREE", reason="they signed", author="ana")
    store.save(build(version="dragoman-test-2", consult_type="AGREE"))
    note = store.corrections(status="needs_review")[0]["review_note"]
    assert "as corrected" in note and ":event:AGREE:oman:iran" in note


def test_delete_hides_the_record_and_revert_restores_it(store):
    key = next(e["key"] for e in store.events() if e["type"] == "ASSAULT")
    c = store.correct("event", key, delete=True, reason="the strike was in another article", author="ana")
    assert [e["type"] for e in store.events()] == ["CONSULT"]
    hidden = store.query_events(include_deleted=True)["items"]
    assert [e["deleted"] for e in hidden if e["key"] == key] == [True]
    reverted = store.revert_correction(c["id"], author="lead")
    assert reverted["status"] == "reverted" and reverted["reverted_by"] == "lead" and reverted["reverted_at"]
    assert sorted(e["type"] for e in store.events()) == ["ASSAULT", "CONSULT"]
    assert store.corrections()[0]["id"] == c["id"]  # still in the audit log
    with pytest.raises(CorrectionError) as err:
        store.revert_correction(c["id"])
    assert err.value.status == 409


def test_an_added_record_has_analyst_origin_and_is_queryable(store):
    added = store.correct("event", "oman-talks", reason="the text reports a denial", author="ana", doc="oman-talks",
                          record={"type": "REJECT", "source": {"name": "Iran", "country": "IRN", "sector": "GOV"},
                                  "date": "2025-04-13", "status": "occurred"})
    assert added["action"] == "add" and added["key"].startswith("oman-talks:event:+")
    found = store.events(type="REJECT", country="IRN")
    assert [(e["origin"], e["key"]) for e in found] == [("analyst", added["key"])]
    store.correct("event", added["key"], "status", "reported", reason="only Iran says so", author="ana")
    assert store.events(type="REJECT")[0]["status"] == "reported"
    store.save(build(version="dragoman-test-2"))  # the machine still does not find it: nothing to review
    assert store.corrections(status="needs_review") == []


def test_added_records_are_checked_like_corrections(store):
    def add(kind, record):
        return store.correct(kind, "oman-talks", record=record, doc="oman-talks", reason="missed", author="ana")

    with pytest.raises(CorrectionError, match="not one of"):
        add("event", {"type": "WAR"})
    start = TEXT.index("Tehran")
    with pytest.raises(CorrectionError, match="not 'Teheran'"):
        add("place", {"mention": "Teheran", "start": start, "end": start + 7, "name": "Tehran"})
    added = add("place", {"mention": "Tehran", "start": start, "end": start + 6, "name": "Tehran",
                          "country": "irn", "lat": 35.69, "lon": 51.39, "kind": "city"})
    assert added["after"]["country"] == "IRN"
    assert [p["name"] for p in store.query_places(country="IRN")["items"]] == ["Tehran"]


def test_mention_corrections_reach_actors_and_places(store):
    actor = store.corrected_analysis("oman-talks")["actors"][0]
    store.correct("actor", actor["key"], "sector", "MIL", reason="the army spoke", author="ana")
    oman = next(a for a in store.actors() if a["name"] == "Oman")
    assert oman["sector"] == "MIL" and oman["corrected"] is True
    place = next(p for p in store.corrected_analysis("oman-talks")["places"] if p["name"] == "Aleppo")
    store.correct("place", place["key"], "coordinates", [36.21, 37.13], reason="city centre", author="ana")
    aleppo = next(p for p in store.query_places()["items"] if p["name"] == "Aleppo")
    assert (aleppo["lat"], aleppo["lon"]) == (36.21, 37.13)


@pytest.mark.parametrize("kind, field, value, message", [
    ("event", "status", "maybe", "not one of"),
    ("event", "type", "WAR", "not one of"),
    ("event", "date", "next spring", "ISO 8601"),
    ("event", "source.country", "Turkey", "alpha-3"),
    ("event", "colour", "red", "no correctable field"),
    ("event", "place.lat", "95", "outside"),
    ("claim", "stance", "shouted", "not one of"),
])
def test_bad_values_are_refused_with_a_reason(store, kind, field, value, message):
    key = consult_of(store)["key"] if kind == "event" else store.claims()[0]["key"]
    with pytest.raises(CorrectionError, match=message):
        store.correct(kind, key, field, value, reason="r", author="ana")
    assert store.corrections() == []


def test_unknown_records_and_missing_reasons_are_refused(store):
    with pytest.raises(CorrectionError) as err:
        store.correct("event", "oman-talks:event:AID:x:y", "status", "planned", reason="r", author="ana")
    assert err.value.status == 404
    with pytest.raises(CorrectionError, match="reason"):
        store.correct("event", consult_of(store)["key"], "status", "planned", reason=" ", author="ana")


def test_tokens_are_stored_hashed_and_revocation_is_immediate(store):
    token = store.create_token("ana")
    assert store.verify_token(token) == "ana"
    assert store.verify_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    with store.engine.connect() as conn:
        dump = "\n".join(str(tuple(r)) for r in conn.exec_driver_sql("SELECT * FROM api_tokens"))
    assert token.rsplit("_", 1)[1] not in dump
    with pytest.raises(ValueError):
        store.create_token("ana")  # one active token per name
    assert store.revoke_token("ana") == 1
    assert store.verify_token(token) is None
    assert [t["active"] for t in store.tokens()] == [False]


def test_cli_correct_list_and_revert(store):
    runner = CliRunner()
    db = ["--db", store.url]
    key = consult_of(store)["key"]
    done = runner.invoke(cli, ["correct", "event", key, "--field", "status", "--value", "planned",
                               "--reason", "only announced", "--author", "ana", "--format", "json", *db])
    assert done.exit_code == 0, done.output
    correction = json.loads(done.output)
    assert consult_of(store)["status"] == "planned"
    bad = runner.invoke(cli, ["correct", "event", key, "--field", "status", "--value", "maybe", "--reason", "x", *db])
    assert bad.exit_code == 2 and "not one of" in bad.output
    listed = runner.invoke(cli, ["corrections", *db])
    assert "only announced" in listed.output and "'occurred' -> 'planned'" in listed.output
    assert "no corrections" in runner.invoke(cli, ["corrections", "--needs-review", *db]).output
    assert runner.invoke(cli, ["revert", str(correction["id"]), *db]).exit_code == 0
    assert consult_of(store)["status"] == "occurred"
    deleted = runner.invoke(cli, ["correct", "event", key, "--delete", "--reason", "duplicate", *db])
    assert deleted.exit_code == 0 and store.events(type="CONSULT") == []


def test_cli_tokens(store):
    runner = CliRunner()
    db = ["--db", store.url]
    created = runner.invoke(cli, ["token", "create", "--name", "desk", *db])
    assert created.exit_code == 0 and store.verify_token(created.output.strip()) == "desk"
    assert "desk" in runner.invoke(cli, ["token", "list", *db]).output
    assert runner.invoke(cli, ["token", "revoke", "desk", *db]).exit_code == 0
    assert store.verify_token(created.output.strip()) is None
    assert runner.invoke(cli, ["token", "revoke", "desk", *db]).exit_code == 2


def test_text_search_with_fts5_postgres_full_text_and_the_like_fallback(store):
    if store.engine.dialect.name == "sqlite":
        assert store.fts is True  # the SQLite build in the venv has FTS5
        modes = (True, False)     # FTS5, then the LIKE fallback
    else:
        assert store.fts is False  # PostgreSQL: to_tsvector over documents.text, GIN-indexed
        from sqlalchemy import inspect
        assert "ix_documents_text_fts" in {i["name"] for i in inspect(store.engine).get_indexes("documents")}
        modes = (False,)
    for fts in modes:
        store.fts = fts
        assert store.query_events(q="muscat depot")["total"] == 2
        assert store.query_events(q='Muscat AND (depot*')["total"] == 2  # query syntax is taken as words
        assert store.query_claims(q="Pyongyang")["total"] == 0
        assert store.query_articles(q="envoys")["total"] == 1
