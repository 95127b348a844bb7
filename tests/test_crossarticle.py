"""Across articles: one happening per real-world happening, copies counted once, claims linked
between outlets. The decisions (dragoman.linking) are tested on plain records; the store, the
API, the workbench and the exports on REAL articles of the FA-KES corpus (several outlets
reporting the same Syrian-war happenings), read at run time, on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import html
import json
from datetime import datetime
from pathlib import Path

import pytest

from dragoman import linking
from dragoman.model import ActorRef, Analysis, Article, Claim
from dragoman.store import Store

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "corpus" / "FA-KES-Dataset.csv"

# FA-KES unit ids. The US missile strike on the Shayrat airbase near Homs (7 April 2017), as
# three outlets reported it on the day; and two unrelated happenings: a bomb blast in Aleppo
# (19 April 2017) and a suicide bombing in Hasakeh (5 July 2016).
SHAYRAT = ("1914947532", "1923102875", "1965495383")
ALEPPO_BLAST = "1914947534"
HASAKEH = ("1918398793", "1923102821", "1923848176")  # one wire quote carried by three outlets
ALL_DOCS = SHAYRAT + (ALEPPO_BLAST,) + HASAKEH


def ref(name, country=None, sector=None, actor_id=None) -> dict:
    return {"name": name, "country": country, "sector": sector, "actor_id": actor_id}


def strike(**changes) -> dict:
    """An event record shaped like the store's: a missile strike by the US on a Syrian airbase."""
    record = {"id": "a#e0", "doc": "a", "type": "ASSAULT", "mode": "heavy-weapons",
              "source": ref("United States", "USA", "MIL"), "target": ref("Syrian army", "SYR", "MIL"),
              "date": "2017-04-07", "date_inferred": False, "published": "2017-04-07", "status": "occurred",
              "place": {"name": "Shayrat Air Base", "country": "SYR", "lat": 34.49, "lon": 36.91, "kind": "site"},
              "contexts": []}
    record.update(changes)
    return record


# ---------------------------------------------------------------- decisions, no database

def test_the_same_strike_told_by_two_outlets_links_and_other_strikes_do_not():
    other_outlet = strike(id="b#e0", doc="b", source=ref("American cruise missiles", "USA", "MIL"),
                          target=ref("Syria", "SYR", "GOV"),
                          place={"name": "Homs", "country": "SYR", "lat": 34.73, "lon": 36.71, "kind": "city"})
    score = linking.event_link_score(strike(), other_outlet)
    assert score is not None and score >= linking.config()["events"]["min_score"]
    # another attacker, another week, another country's town, an intention: each vetoes the link
    assert linking.event_link_score(strike(), strike(source=ref("Russia", "RUS", "MIL"))) is None
    assert linking.event_link_score(strike(), strike(date="2017-04-15")) is None
    assert linking.event_link_score(strike(), strike(place={"name": "Mosul", "country": "IRQ", "lat": 36.34,
                                                           "lon": 43.13, "kind": "city"})) is None
    assert linking.event_link_score(strike(), strike(status="planned")) is None
    assert linking.event_link_score(strike(), strike(type="ACCUSE")) is None


def test_a_publication_date_alone_is_weak_and_needs_a_place():
    inferred = strike(id="b#e0", doc="b", date="2017-04-08", date_inferred=True, published="2017-04-08")
    assert linking.event_link_score(strike(), inferred) is not None  # the same airbase anchors it
    no_place = dict(inferred, place=None)
    assert linking.event_link_score(dict(strike(), place=None), no_place) is None  # nothing anchors it
    with_text_date = linking.event_link_score(strike(), strike(id="b#e0", doc="b"))
    assert with_text_date > linking.event_link_score(strike(), inferred)


def test_a_vague_date_does_not_link_and_daily_reports_do_not_chain():
    # "airstrikes in 2016" by the same air force at the same city are many happenings
    yearly = strike(date="2016")
    assert linking.event_link_score(yearly, strike(id="b#e0", doc="b", date="2016")) is None
    assert linking.event_link_score(yearly, strike(id="b#e0", doc="b", date="2016"), same_text=True) is not None
    # a happening of 6-10 April is not joined by a strike read as 11 April, a day after a member
    next_day = dict(strike(id="c#e0", doc="c", date="2017-04-11"), happening="h-1", happening_span=("2017-04-06",
                                                                                                  "2017-04-10"))
    assert linking.event_link_score(strike(date="2017-04-11"), next_day) is not None
    assert linking.stretches_too_far(strike(date="2017-04-11"), ("2017-04-06", "2017-04-10"))
    assert linking.best_happening(strike(date="2017-04-11"), [next_day]) is None
    assert linking.best_happening(strike(date="2017-04-10"), [next_day])[0] == "h-1"


def test_records_of_copies_of_one_text_link_without_an_anchor():
    """One wording republished days later: its publication-date-only records are the same
    happening although nothing else anchors them, and although the dates lie apart."""
    original = strike(place=None, target=None, date="2016-07-01", date_inferred=True, published="2016-07-01")
    copy = dict(original, id="b#e0", doc="b", date="2016-07-06", published="2016-07-06")
    assert linking.event_link_score(original, copy) is None
    assert linking.event_link_score(original, copy, same_text=True) is not None
    candidate = dict(copy, happening="h-copy")
    assert linking.best_happening(original, [candidate]) is None
    assert linking.best_happening(original, [candidate], copies={"b"})[0] == "h-copy"
    # a copy's record of another attacker is still another happening
    assert linking.event_link_score(original, dict(copy, source=ref("Russia", "RUS", "MIL")), same_text=True) is None


def test_meetings_link_with_the_sides_swapped_but_strikes_do_not():
    visit = strike(type="CONSULT", mode="visit", source=ref("Ahmed al-Sharaa", "SYR", "GOV"),
                   target=ref("Recep Tayyip Erdoğan", "TUR", "GOV"),
                   place={"name": "Ankara", "country": "TUR", "lat": 39.93, "lon": 32.86, "kind": "city"})
    hosted = dict(visit, id="b#e0", doc="b", source=visit["target"], target=visit["source"], mode=None)
    assert linking.event_link_score(visit, hosted) is not None
    swapped_strike = strike(id="b#e0", doc="b", source=ref("Syrian army", "SYR", "MIL"),
                            target=ref("United States", "USA", "MIL"))
    assert linking.event_link_score(strike(), swapped_strike) is None


def test_best_happening_ignores_the_events_own_document():
    same_doc = dict(strike(id="a#e1"), happening="h-own")
    elsewhere = dict(strike(id="b#e0", doc="b"), happening="h-other")
    assert linking.best_happening(strike(), [same_doc]) is None
    assert linking.best_happening(strike(), [same_doc, elsewhere])[0] == "h-other"


def test_an_event_matching_two_happenings_reports_both_and_they_may_merge():
    # two outlets' records of the strike that earlier saves left in two happenings
    a = dict(strike(id="a#e0", doc="a"), happening="h-a", happening_span=("2017-04-07", "2017-04-07"))
    b = dict(strike(id="b#e0", doc="b", date="2017-04-08"), happening="h-b",
             happening_span=("2017-04-08", "2017-04-08"))
    bridge = strike(id="c#e0", doc="c")
    found = linking.matching_happenings(bridge, [a, b])
    assert [h for h, _ in found] == ["h-a", "h-b"]  # the exact date first
    assert linking.best_happening(bridge, [a, b])[0] == "h-a"
    assert linking.mergeable_spans(bridge, [a["happening_span"], b["happening_span"]])
    # happenings a fortnight apart are not merged through one event that matches both
    assert not linking.mergeable_spans(bridge, [("2017-03-20", "2017-03-21"), ("2017-04-07", "2017-04-08")])


def test_independent_sources_count_copies_once():
    groups = linking.independent_sources(["a", "b", "c", "d"], [("a", "b"), ("b", "c")])
    assert groups == [["a", "b", "c"], ["d"]]


def test_claims_of_two_outlets_agree_or_contradict_on_one_proposition():
    built = {"content": "Turkey will build two military bases in central Syria", "stance": "asserted"}
    repeated = {"content": "Turkey would build two new military bases in central Syria", "stance": "asserted"}
    denied = {"content": "Turkey will build military bases in central Syria", "stance": "denied"}
    unrelated = {"content": "the ceasefire in Idlib collapsed after two days of shelling", "stance": "asserted"}
    assert linking.claim_relation(built, repeated) == "corroborates"
    assert linking.claim_relation(built, denied) == "contradicts"
    assert linking.claim_relation(built, unrelated) is None
    assert linking.claim_relation(denied, dict(repeated, stance="speculated")) is None


def test_the_data_file_is_validated(monkeypatch, tmp_path):
    broken = tmp_path / "linking.yaml"
    broken.write_text(linking.DATA_FILE.read_text().replace("[ASSAULT, COERCE]", "[ASSAULT, BOMBING]"))
    monkeypatch.setattr(linking, "DATA_FILE", broken)
    linking.config.cache_clear()
    try:
        with pytest.raises(ValueError, match="compatible_types"):
            linking.config()
    finally:
        monkeypatch.undo()
        linking.config.cache_clear()


# ---------------------------------------------------------------- real articles

def _corpus() -> dict[str, dict]:
    if not CORPUS.exists():
        pytest.skip(f"the FA-KES corpus is absent ({CORPUS}): /work/shared is not mounted")
    with CORPUS.open(encoding="latin-1", newline="") as handle:
        return {r["unit_id"]: r for r in csv.DictReader(handle)}


def _article(row: dict, **changes) -> Article:
    published = datetime.strptime(row["date"], "%m/%d/%Y").date().isoformat()
    fields = {"doc": row["unit_id"], "text": row["article_content"], "title": row["article_title"],
              "outlet": row["source"], "published": published}
    fields.update(changes)
    return Article(**fields)


def syndicated_copy(row: dict) -> Article:
    """The same real text re-published by another outlet: its own title, a dateline and boilerplate."""
    text = ("WIRE SERVICE - Published by the Example Gazette. " + row["article_content"]
            + " Follow us for more news from the region. All rights reserved.")
    return _article(row, doc="copy-of-" + row["unit_id"], text=text, outlet="Example Gazette",
                    title="<script>alert('copied')</script> Missiles hit a Syrian airbase")


@pytest.fixture(scope="module")
def analyses() -> dict[str, Analysis]:
    rows = _corpus()
    from dragoman.nlp import load_pipeline
    from dragoman.pipeline import analyze_articles

    articles = [_article(rows[i]) for i in ALL_DOCS] + [syndicated_copy(rows[SHAYRAT[1]])]
    return {a.doc: a for a in analyze_articles(articles, nlp=load_pipeline())}


@pytest.fixture
def store(db_url, analyses):  # every test here runs on SQLite and on PostgreSQL (tests/conftest.py)
    s = Store(db_url)
    s.save_many([analyses[d] for d in ALL_DOCS])
    yield s
    s.close()


def _happening_of(store: Store, docs) -> dict:
    """The best-corroborated happening holding events of the given documents."""
    found = []
    for d in docs:
        found += store.query_happenings(doc=d, limit=None)["items"]
    assert found, f"no happening holds an event of {docs}"
    return store.happening(max(found, key=lambda h: (h["sources"], h["id"]))["id"])


def test_three_outlets_reporting_the_airbase_strike_are_one_happening(store):
    h = _happening_of(store, SHAYRAT)
    member_docs = {m["doc"] for m in h["members"]}
    assert h["type"] == "ASSAULT" and h["sources"] >= 2 and len(member_docs & set(SHAYRAT)) >= 2
    assert h["source"]["country"] == "USA"
    assert set(h["outlets"]) >= {store.analysis(d).article.outlet for d in member_docs}
    assert h["first_seen"] == "2017-04-07"
    # unrelated happenings stay apart
    assert not member_docs & {ALEPPO_BLAST, *HASAKEH}
    for m in h["members"]:
        assert m["evidence"], m  # every member brings its sentences


def _partition(store: Store, docs) -> set[frozenset]:
    """The events of `docs` grouped by happening, by (document, position): independent of ids."""
    groups: dict[str, set] = {}
    for d in docs:
        for e in store.events(doc=d, limit=None):
            groups.setdefault(e["happening"], set()).add((e["doc"], e["id"]))
    return {frozenset(g) for g in groups.values()}


def test_relinking_gives_the_same_happenings_whatever_the_order_of_saving(db_url, analyses, tmp_path):
    """As documents arrive, each record joins the happening it matches best at the time (and
    bridges happenings it matches at once); `relink` rebuilds them all in publication order, so a
    store gives the same happenings however it was filled."""
    with Store(db_url) as s:
        for d in ALL_DOCS:
            s.save(analyses[d])
        s.relink()
        forward = _partition(s, ALL_DOCS)
    with Store(f"sqlite:///{tmp_path / 'reverse.db'}") as s:
        for d in reversed(ALL_DOCS):
            s.save(analyses[d])
        s.relink()
        backward = _partition(s, ALL_DOCS)
    assert forward == backward
    assert any(len({doc for doc, _ in g}) == len(SHAYRAT) for g in forward)  # the strike, told three times


def test_documents_stored_before_linking_existed_are_linked_to(db_url, analyses, monkeypatch):
    """A database migrated from before happenings: its events belong to none until a new
    document's event finds them as candidates."""
    with Store(db_url) as s:
        monkeypatch.setattr(s, "_link", lambda docs, connection=None: None)  # as saved by a dragoman without linking
        s.save_many([analyses[d] for d in SHAYRAT[:2]])
        assert s.query_happenings()["total"] == 0
        monkeypatch.undo()
        s.save(analyses[SHAYRAT[2]])
        h = _happening_of(s, SHAYRAT[2:])
        assert h["sources"] >= 2 and {m["doc"] for m in h["members"]} & set(SHAYRAT[:2])
        # once linked, every re-saved document's events are members again
        s.relink()
        assert all(e["happening"] for e in s.events(limit=None))


def _candidates_by_definition(events: list[dict], record: dict, cfg: dict, copies: set) -> list[str]:
    """What _candidates must give one record, worked out over every stored event: of the events
    of other documents of a compatible type, within the record's window (a period starting at
    most longest_period_days before it, or undated and published in it) or from a copy, the
    max_candidates latest (by period, then id), less those whose actors rule a link out."""
    from datetime import date, timedelta

    from dragoman.store import date_bounds
    from dragoman.store.happenings import _window

    span = _window(record, cfg)
    compatible = linking.compatible_types(record["type"])

    def key(e):
        first, last = date_bounds(e["date"])
        return (1, first, last, e["id"]) if first else (0, "", "", e["id"])

    def in_window(e):
        if span is None:
            return False
        first, last = date_bounds(e["date"])
        if first is None:
            first, last = date_bounds(e["published"])
        elif first < (date.fromisoformat(span[0]) - timedelta(days=cfg["dates"]["longest_period_days"])).isoformat():
            return False
        return first is not None and first <= span[1] and last >= span[0]

    pool = sorted((e for e in events if e["doc"] != record["doc"] and e["type"] in compatible
                   and (in_window(e) or e["doc"] in copies)), key=key, reverse=True)
    return [e["id"] for e in pool[:cfg["max_candidates"]] if linking.actors_may_link(record, e)]


@pytest.mark.parametrize("max_candidates", [400, 2])
def test_the_candidates_read_in_index_order_are_those_of_the_definition(store, analyses, max_candidates):
    """The candidate search reads each type's window latest first and stops when every record has
    enough: with the default cap (nothing cut) and with a cap of 2 (most cut, streams left
    unread) it finds, for every event of every stored article, what the definition gives."""
    from sqlalchemy.orm import Session

    from dragoman.store.happenings import _candidates, _doc_events

    store.save(analyses["copy-of-" + SHAYRAT[1]])  # a copy: its events are candidates whatever their dates
    cfg = dict(linking.config()["events"], max_candidates=max_candidates)
    events = store.events(limit=None)
    with Session(store.engine) as conn:
        for doc in [*ALL_DOCS, "copy-of-" + SHAYRAT[1]]:
            copies = {c["doc"] for c in store.copies(doc)}
            records = _doc_events(conn, doc)
            found = [[c["id"] for c in candidates] for candidates in _candidates(conn, records, cfg, copies)]
            assert found == [_candidates_by_definition(events, r, cfg, copies) for r in records], doc
            if doc == SHAYRAT[1]:
                assert copies and any(found), "the copy's events are among the candidates"


def test_a_window_is_read_in_the_order_of_an_index(store):
    """SQLite walks the (type, date_first, date_last, id) index in the search's order: no sort of
    the window, so a search that stops early reads little of a busy one."""
    from sqlalchemy import text

    from dragoman.store.happenings import window_queries
    from dragoman.store.schema import EventRow

    if store.engine.dialect.name != "sqlite":
        pytest.skip("a plan of SQLite's")
    cfg = linking.config()["events"]
    for sel in window_queries("x", [EventRow.type == "ASSAULT"], ("2017-04-01", "2017-04-14"), cfg):
        sql = str(sel.compile(store.engine, compile_kwargs={"literal_binds": True}))
        with store.engine.connect() as conn:
            plan = " / ".join(r[-1] for r in conn.execute(text("EXPLAIN QUERY PLAN " + sql)))
        assert "ix_events_type_span" in plan and "TEMP B-TREE" not in plan, plan


def test_statistics_are_gathered_as_the_store_grows(db_url, analyses, monkeypatch):
    """SQLite plans the search well only with table statistics: they are gathered once the store
    holds enough events and again each time their number has doubled."""
    import dragoman.store as store_module
    from sqlalchemy import text

    if not db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL's autovacuum gathers its own")
    monkeypatch.setattr(store_module, "_STATISTICS_MIN_EVENTS", 5)

    def analysed(s):
        with s.engine.connect() as conn:
            return store_module._analysed_rows(conn, "events")

    with Store(db_url) as s:
        s.save(analyses[ALEPPO_BLAST])
        assert analysed(s) == 0  # too few events to matter
        s.save_many([analyses[d] for d in SHAYRAT])
        first = analysed(s)
        assert first >= 5
        s.save_many([analyses[d] for d in HASAKEH])
        with s.engine.connect() as conn:
            events = conn.execute(text("SELECT count(*) FROM events")).scalar()
        assert analysed(s) == (events if events >= 2 * first else first)


def test_the_database_sums_a_happening_up_as_summarise_does(store, analyses):
    """Happenings without corrected documents are summed up by SQL aggregates; on every
    happening of these real articles (and a copy of one) they give what summarise() gives
    from the member records."""
    from sqlalchemy.orm import Session

    from dragoman.store.happenings import _copy_pairs, _member_records, _summarise_in_store, summarise

    store.save(analyses["copy-of-" + SHAYRAT[1]])
    ids = [h["id"] for h in store.query_happenings(limit=None)["items"]]
    assert len(ids) > 5
    with Session(store.engine) as conn:
        grouped = _member_records(conn, ids, summary_only=True)
        for h in ids:
            members = grouped[h]
            expected = summarise(members, _copy_pairs(conn, {m["doc"] for m in members}))
            assert _summarise_in_store(conn, h) == expected, h
        assert _summarise_in_store(conn, "h-none") is None


def test_unrelated_articles_do_not_merge(store):
    aleppo = {e["happening"] for e in store.events(doc=ALEPPO_BLAST, limit=None)}
    shayrat = {e["happening"] for d in SHAYRAT for e in store.events(doc=d, limit=None)}
    hasakeh = {e["happening"] for d in HASAKEH for e in store.events(doc=d, limit=None)}
    assert aleppo and not aleppo & shayrat and not aleppo & hasakeh and not shayrat & hasakeh


def test_a_syndicated_copy_is_linked_but_adds_no_source(store, analyses):
    before = _happening_of(store, SHAYRAT)
    copy = analyses["copy-of-" + SHAYRAT[1]]
    store.save(copy)
    assert [c["doc"] for c in store.copies(copy.doc)] == [SHAYRAT[1]]
    assert store.copies(SHAYRAT[2]) == []  # another outlet's own report is no copy
    after = store.happening(before["id"])
    if SHAYRAT[1] in {m["doc"] for m in before["members"]}:
        assert copy.doc in {m["doc"] for m in after["members"]}  # the copy reports it too...
    assert after["sources"] == before["sources"]  # ...but is not an independent source
    assert after["documents"] >= before["documents"]


def test_re_analysis_replaces_memberships_without_stale_rows(store, analyses):
    h = _happening_of(store, SHAYRAT)
    n_members = len(h["members"])
    store.save(analyses[SHAYRAT[0]])  # the same document analysed again
    again = store.happening(h["id"])
    assert again is not None and len(again["members"]) == n_members and again["sources"] == h["sources"]
    ids = [m["id"] for m in again["members"]]
    assert len(ids) == len(set(ids))
    # every stored event belongs to exactly one happening
    events = store.events(limit=None)
    assert all(e["happening"] for e in events)


def test_an_event_marked_wrong_leaves_its_happening(store):
    h = _happening_of(store, SHAYRAT)
    leaving = h["members"][0]
    made = store.correct("event", leaving["id"], delete=True, reason="not this strike", author="analyst")
    after = store.happening(h["id"])
    remaining = [] if after is None else [m["id"] for m in after["members"]]
    assert leaving["id"] not in remaining
    if after is not None:
        assert after["events"] == len(h["members"]) - 1
    # the correction reverted: the event is back among the reports of the strike
    store.revert_correction(made["id"], author="analyst")
    back = _happening_of(store, [leaving["doc"]])
    assert leaving["id"] in {m["id"] for m in back["members"]} and back["sources"] == h["sources"]


def test_a_corrected_type_is_what_linking_uses(store):
    h = _happening_of(store, SHAYRAT)
    moved = h["members"][-1]
    store.correct("event", moved["id"], "type", "PROTEST", reason="a protest, not a strike", author="analyst")
    after = store.happening(h["id"])
    assert after is None or moved["id"] not in {m["id"] for m in after["members"]}
    mine = [e for e in store.events(doc=moved["doc"], limit=None, type="PROTEST")]
    assert mine and all(e["happening"] != h["id"] for e in mine)


def test_one_wire_quote_carried_by_several_outlets_corroborates_across_articles(store):
    links = store.query_claim_links(relation="corroborates", limit=None)["items"]
    across = [link for link in links if {link["claim"]["doc"], link["other"]["doc"]} <= set(HASAKEH)]
    assert across, "the observatory's account, quoted by three outlets, is linked"
    for link in across:
        assert link["claim"]["outlet"] != link["other"]["outlet"]
        assert link["claim"]["doc"] != link["other"]["doc"]
    claims = store.claims(doc=HASAKEH[1], limit=None)
    assert any(c["corroborated_elsewhere"] for c in claims)


def test_indexed_claim_pairs_are_exactly_the_pairs_compared_one_by_one(analyses):
    """claim_relations compares only the pairs that share enough words: on the real claims of
    these articles (and a denial and a paraphrase of them) it finds what comparing every pair finds."""
    claims = [{"id": f"{d}#c{i}", "doc": d, "content": c.content, "stance": c.stance}
              for d, a in analyses.items() for i, c in enumerate(a.claims)]
    wire = next(c for c in claims if c["doc"] == HASAKEH[0] and len(linking.content_words(c["content"])) >= 6)
    claims += [dict(wire, id="x#c0", doc="x", stance="denied"),
               dict(wire, id="y#c0", doc="y", content="Reportedly, " + wire["content"].lower())]
    for doc in {c["doc"] for c in claims}:
        own = [c for c in claims if c["doc"] == doc]
        others = [c for c in claims if c["doc"] != doc]
        pairwise = [(a["id"], b["id"], r) for a in own for b in others
                    if (r := linking.claim_relation(a, b))]
        assert [(a["id"], b["id"], r) for a, b, r in linking.claim_relations(own, others)] == pairwise
    related = [r for a, b, r in linking.claim_relations([wire], claims) if b["doc"] in ("x", "y")]
    assert sorted(related) == ["contradicts", "corroborates"]


def test_who_says_it_and_who_denies_it(store, analyses):
    """A denial written for this test, saved as another outlet's article, contradicts the real
    claims of the same proposition (the content is a real claim's)."""
    real = next(c for d in HASAKEH for c in analyses[d].claims if len(linking.content_words(c.content)) >= 6)
    text = f"Officials denied that {real.content}."
    denial = Claim(speaker=ActorRef(name="Officials"), stance="denied", content=real.content, evidence=text,
                   start=0, end=len(text), cue="denied")
    published = analyses[HASAKEH[0]].article.published
    store.save(Analysis(doc="denial", article=Article(doc="denial", text=text, outlet="Other Outlet",
                                                      published=published), claims=[denial]))
    contradicts = store.query_claim_links(doc="denial", relation="contradicts", limit=None)["items"]
    assert contradicts
    sides = {(link["claim"]["outlet"], link["claim"]["stance"]) for link in contradicts} | \
        {(link["other"]["outlet"], link["other"]["stance"]) for link in contradicts}
    assert ("Other Outlet", "denied") in sides and any(stance == "asserted" for _, stance in sides)


def test_api_pages_and_exports_carry_happenings(store, analyses, tmp_path):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from dragoman.api import create_app
    from dragoman.export import export_records

    store.save(analyses["copy-of-" + SHAYRAT[1]])  # its title is markup: it must come out escaped
    client = TestClient(create_app(store.url, store=store))
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/happenings", "/api/happenings/{happening_id}", "/api/claim-links"} <= set(paths)

    page = client.get("/api/happenings", params={"type": "ASSAULT", "country": "USA", "min_sources": 2,
                                                 "since": "2017-04", "until": "2017-04-30", "limit": 5}).json()
    assert page["total"] >= 1 and all(h["sources"] >= 2 and h["type"] == "ASSAULT" for h in page["items"])
    hid = page["items"][0]["id"]
    one = client.get(f"/api/happenings/{hid}").json()
    assert one["id"] == hid and one["members"]
    assert client.get("/api/happenings/h-none").status_code == 404
    assert client.get("/api/happenings", params={"type": "BOMBING"}).status_code == 400
    events = client.get("/api/events", params={"doc": SHAYRAT[0]}).json()["items"]
    assert events and all("happening" in e and e["sources"] >= 1 for e in events)
    assert client.get("/api/claim-links", params={"relation": "corroborates"}).json()["total"] >= 1

    html_page = client.get(f"/happenings/{hid}")
    assert html_page.status_code == 200 and "<script>alert" not in html_page.text
    if "copy-of-" + SHAYRAT[1] in {m["doc"] for m in one["members"]}:
        assert html.escape("<script>alert('copied')</script>", quote=False) in html_page.text.replace("&#39;", "'")
        assert "counted once" in html_page.text
    table = client.get("/events", params={"type": "ASSAULT"}).text
    assert f'href="/happenings/{hid}"' in table
    assert "other articles agree" in client.get("/claims").text

    out = tmp_path / "events.jsonl"
    export_records(store, "jsonl", out, doc=SHAYRAT[0])
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines and all(r["happening"] and r["sources"] >= 1 for r in lines)
    out = tmp_path / "events.json"
    export_records(store, "plover-json", out, doc=SHAYRAT[0])
    assert all(r["happening_id"] and r["corroboration"] >= 1 for r in json.loads(out.read_text()))
