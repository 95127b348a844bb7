"""Exports write files other tools can read: the right columns, the right ACLED types, all events."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from dragoman.export import ACLED_COLUMNS, FORMATS, acled_type, export_records, mapping
from dragoman.model import ActorRef, Analysis, Article, Event, PlaceRef
from dragoman.store import Store

SHARED_GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold"


def ref(name, country=None, sector=None):
    return ActorRef(name=name, country=country, sector=sector)


def strike_analysis() -> Analysis:
    """Sentences written for these tests, one per kind of event the ACLED mapping distinguishes."""
    sentences = [
        "Russian jets bombed a market in Idlib on 3 March 2025.",
        "Gunmen opened fire on a bus of farm workers near Daraa in March.",
        "Rebels and army units clashed outside Hama early in March 2025.",
        "Students marched in Istanbul against the arrest of the mayor.",
        "Turkey and Iraq signed a water agreement in Baghdad.",
    ]
    text = " ".join(sentences)
    spans = [(text.index(s), text.index(s) + len(s)) for s in sentences]
    events = [
        Event(type="ASSAULT", mode="aerial", source=ref("Russian Air Force", "RUS", "MIL"),
              target=ref("civilians", "SYR", "CVL"), date="2025-03-03",
              place=PlaceRef(name="Idlib", country="SYR", lat=35.93, lon=36.63, kind="city")),
        Event(type="ASSAULT", mode="firearms", source=ref("unidentified gunmen"), target=ref("farm workers", "SYR", "CVL"),
              date="2025-03", place=PlaceRef(name="Daraa", country="SYR", lat=32.62, lon=36.10)),
        Event(type="ASSAULT", mode="firearms", source=ref("Syrian rebels", "SYR", "REB"),
              target=ref("Syrian Arab Army", "SYR", "MIL"), date="2025-03-01/2025-03-10",
              place=PlaceRef(name="Hama", country="SYR", lat=35.13, lon=36.75)),
        Event(type="PROTEST", mode="demo", source=ref("students", "TUR", "CVL"), target=ref("Turkey", "TUR", "GOV"),
              date="2025-W12", place=PlaceRef(name="Istanbul", country="TUR", lat=41.01, lon=28.98)),
        Event(type="AGREE", source=ref("Turkey", "TUR", "GOV"), target=ref("Iraq", "IRQ", "GOV")),
    ]
    for event, sentence, sp in zip(events, sentences, spans):
        event.evidence, event.spans = [sentence], [sp]
    return Analysis(doc="strikes", article=Article(doc="strikes", text=text, outlet="Test Wire",
                                                   url="https://example.org/s", published="2025-03-20"),
                    events=events, pipeline_version="dragoman-test")


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'export.db'}")
    s.save(strike_analysis())
    yield s
    s.close()


def test_jsonl_has_one_event_per_line_with_evidence_and_provenance(store, tmp_path):
    out = tmp_path / "events.jsonl"
    assert export_records(store, "jsonl", out) == 5
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 5
    for record in records:
        assert {"id", "type", "source", "target", "date", "place", "status", "evidence", "provenance"} <= set(record)
        assert record["provenance"]["doc"] == "strikes" and record["provenance"]["outlet"] == "Test Wire"
        start, end = record["provenance"]["spans"][0]
        assert strike_analysis().article.text[start:end] == record["evidence"][0]


def test_acled_csv_has_acled_columns_and_types(store, tmp_path):
    out = tmp_path / "events.csv"
    assert export_records(store, "acled-csv", out) == 5
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames) == ACLED_COLUMNS
        rows = {row["notes"].split()[0]: row for row in reader}
    for column in ("event_date", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "actor2", "country",
                   "location", "latitude", "longitude", "source", "notes"):
        assert column in ACLED_COLUMNS
    jets, gunmen, rebels, students, treaty = (rows[w] for w in ("Russian", "Gunmen", "Rebels", "Students", "Turkey"))
    assert (jets["event_type"], jets["sub_event_type"]) == ("Explosions/Remote violence", "Air/drone strike")
    assert gunmen["event_type"] == "Violence against civilians"      # one-sided, civilian target
    assert rebels["event_type"] == "Battles"                         # armed on both sides
    assert students["event_type"] == "Protests" and students["disorder_type"] == "Demonstrations"
    assert (treaty["event_type"], treaty["sub_event_type"]) == ("Strategic developments", "Agreement")
    assert jets["event_date"] == "2025-03-03" and jets["time_precision"] == "1"
    assert gunmen["event_date"] == "2025-03-01" and gunmen["time_precision"] == "3"
    assert students["event_date"] == "2025-03-17" and students["time_precision"] == "2"
    assert jets["country"] == "Syria" and jets["iso"] == "760" and students["country"] == "Turkey"
    assert float(jets["latitude"]) == pytest.approx(35.93) and jets["location"] == "Idlib"
    assert jets["actor1"] == "Russian Air Force" and jets["source"] == "Test Wire"
    assert treaty["country"] == "Iraq" and treaty["location"] == ""   # no place: the target's country


def test_plover_json_uses_the_manuals_field_names(store, tmp_path):
    out = tmp_path / "events.json"
    assert export_records(store, "plover-json", out) == 5
    records = json.loads(out.read_text(encoding="utf-8"))
    assert len(records) == 5
    jets = next(r for r in records if r["mode"] == ["aerial"])
    assert jets["event"] == ["ASSAULT"] and jets["quad_code"] == 4
    assert jets["actor"] == [{"code": "RUS", "sector": "MIL", "entity_text": "Russian Air Force"}]
    assert jets["recipient"][0]["sector"] == "CVL"
    assert jets["date"] == "2025-03-03" and jets["event_loc"]["country_code"] == "SYR"
    assert jets["story_ids"] == ["strikes"] and jets["event_text"][0].startswith("Russian jets")
    assert jets["status"] == "occurred" and jets["cite_info"]["publication"] == "Test Wire"
    treaty = next(r for r in records if r["event"] == ["AGREE"])
    assert treaty["date"] is None and treaty["event_loc"] is None and treaty["mode"] == []


def test_plover_json_lines_when_the_file_asks_for_them(store, tmp_path):
    out = tmp_path / "events.jsonl"
    export_records(store, "plover-json", out)
    assert len([json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]) == 5


def test_parquet_is_readable_by_pyarrow(store, tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "events.parquet"
    assert export_records(store, "parquet", out) == 5
    table = pq.read_table(out)
    assert table.num_rows == 5
    assert {"id", "doc", "type", "source_name", "target_country", "date_first", "latitude", "evidence"} \
        <= set(table.column_names)
    assert sorted(table.column("type").to_pylist()) == ["AGREE", "ASSAULT", "ASSAULT", "ASSAULT", "PROTEST"]


def test_empty_parquet_still_has_its_columns(store, tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "none.parquet"
    assert export_records(store, "parquet", out, country="FRA") == 0
    assert pq.read_table(out).num_rows == 0 and "source_name" in pq.read_table(out).column_names


def test_filters_are_those_of_the_store(store, tmp_path):
    out = tmp_path / "f.jsonl"
    assert export_records(store, "jsonl", out, country="TUR") == 2
    assert export_records(store, "jsonl", out, type="ASSAULT", since="2025-03-02") == 3
    assert export_records(store, "jsonl", out, actor="rebels", limit=1) == 1


def test_unknown_format_is_refused(store, tmp_path):
    with pytest.raises(ValueError, match="unknown export format"):
        export_records(store, "xlsx", tmp_path / "x.xlsx")
    assert set(FORMATS) == {"jsonl", "acled-csv", "plover-json", "parquet"}


def test_mapping_file_covers_every_plover_type():
    data = mapping()
    from dragoman.model import PLOVER_TYPES
    assert set(data["plover"]["quad"]) == set(PLOVER_TYPES)
    for plover_type in PLOVER_TYPES:  # every type gets an ACLED type, whatever its mode
        event_type, _ = acled_type({"type": plover_type, "mode": None, "target": None})
        assert event_type in data["acled"]["disorder_types"]


def test_export_of_a_real_article(tmp_path):
    """A real fakes-dev article through the pipeline and the store: every export row points back to it."""
    articles = sorted((SHARED_GOLD / "fakes-dev").glob("*.txt"))
    if not articles:
        pytest.skip(f"{SHARED_GOLD / 'fakes-dev'} is absent: the shared gold sets are not mounted")
    from dragoman.pipeline import analyze_article
    path = articles[0]
    published = json.loads(path.with_name(f"{path.stem}.gold.json").read_text(encoding="utf-8")).get("published")
    analysis = analyze_article(Article(doc=path.stem, text=path.read_text(encoding="utf-8"), published=published))
    with Store(f"sqlite:///{tmp_path / 'real.db'}") as store:
        store.save(analysis)
        out = tmp_path / "real.csv"
        assert export_records(store, "acled-csv", out) == len(analysis.events)
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(analysis.events)
    assert all(row["event_id_cnty"].startswith(f"{path.stem}#e") for row in rows)
    assert all(row["notes"][:40] in analysis.article.text for row in rows if row["notes"])
