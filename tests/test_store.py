"""The store keeps analyses exactly, replaces a re-saved document's rows, and filters what it returns."""
from __future__ import annotations

from pathlib import Path

import pytest

from dragoman.model import (
    ActorMention, ActorRef, Analysis, Article, Claim, DateMention, Event, PlaceMention, PlaceRef,
)
from dragoman.store import Store, StoreError, date_bounds, default_db_url, flatten

SHARED_GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold"
DEV_ARTICLE = SHARED_GOLD / "dev" / "enab-baladi-turkish-bases.txt"


@pytest.fixture
def store(db_url):  # db_url (tests/conftest.py): every test of the store runs on SQLite and PostgreSQL
    s = Store(db_url)
    yield s
    s.close()


def span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def ref(name, country=None, sector=None):
    return ActorRef(name=name, country=country, sector=sector)


def visit_analysis(doc: str = "visit", event_date: str | None = "2025-02-04", n_events: int = 2) -> Analysis:
    """A short article written for these tests: a visit, a strike and two claims about them."""
    text = ("Syria's president Ahmed al-Sharaa visited Ankara on February 4 and met Recep Tayyip Erdoğan. "
            "Turkish drones struck a convoy near Qamishli in January, a monitor said. "
            "Officials in Damascus denied that any defence pact was signed.")
    visit = text.split(". ")[0] + "."
    strike = "Turkish drones struck a convoy near Qamishli in January, a monitor said."
    denial = "Officials in Damascus denied that any defence pact was signed."
    events = [
        Event(type="CONSULT", mode="visit", source=ref("Ahmed al-Sharaa", "SYR", "GOV"),
              target=ref("Recep Tayyip Erdoğan", "TUR", "GOV"), date=event_date,
              place=PlaceRef(name="Ankara", country="TUR", lat=39.93, lon=32.86, kind="city"),
              trigger="visited", evidence=[visit], spans=[span(text, visit)]),
        Event(type="ASSAULT", mode="drone", source=ref("Turkish Armed Forces", "TUR", "MIL"),
              target=ref("Syrian Democratic Forces", "SYR", "REB"), date="2025-01",
              place=PlaceRef(name="Qamishli", country="SYR", lat=37.05, lon=41.22, kind="city"),
              status="reported", contexts=["military"], evidence=[strike], spans=[span(text, strike)]),
    ][:n_events]
    return Analysis(
        doc=doc,
        article=Article(doc=doc, text=text, outlet="Test Wire", author="A. Writer", url="https://example.org/a",
                        published="2025-02-10", captions=["A caption."]),
        actors=[ActorMention(mention="Ahmed al-Sharaa", start=text.index("Ahmed"), end=text.index("Ahmed") + 15,
                             name="Ahmed al-Sharaa", country="SYR", sector="GOV", role="President of Syria",
                             kind="person", method="alias"),
                ActorMention(mention="Recep Tayyip Erdoğan", start=text.index("Recep"),
                             end=text.index("Recep") + 20, name="Recep Tayyip Erdoğan", country="TUR",
                             sector="GOV", kind="person", method="alias")],
        places=[PlaceMention(mention="Ankara", start=text.index("Ankara"), end=text.index("Ankara") + 6,
                             name="Ankara", kind="city", country="TUR", lat=39.93, lon=32.86, geonameid=323786)],
        dates=[DateMention(mention="February 4", start=text.index("February 4"),
                           end=text.index("February 4") + 10, value="2025-02-04"),
               DateMention(mention="in January", start=text.index("in January"),
                           end=text.index("in January") + 10, value="2025-01")],
        events=events,
        claims=[
            Claim(speaker=ref("Syrian Observatory for Human Rights", "GBR", "NGO"), via=[ref("a monitor")],
                  stance="asserted", date="2025-01", content="Turkish drones struck a convoy near Qamishli",
                  evidence=strike, start=span(text, strike)[0], end=span(text, strike)[1], cue="said",
                  corroborates=[1]),
            Claim(speaker=ref("Syrian government", "SYR", "GOV"), stance="denied", date="2025-02-09",
                  content="any defence pact was signed", evidence=denial, start=span(text, denial)[0],
                  end=span(text, denial)[1], cue="denied", contradicts=[0]),
        ],
        pipeline_version="dragoman-test",
    )


def protest_analysis(doc: str = "protest") -> Analysis:
    text = "Thousands protested in Tehran last week against fuel prices, while police watched."
    return Analysis(
        doc=doc, article=Article(doc=doc, text=text, published="2025-03-01"),
        events=[
            Event(type="PROTEST", mode="demo", source=ref("Iranian protesters", "IRN", "CVL"),
                  target=ref("Iranian government", "IRN", "GOV"), date="2025-W08",
                  place=PlaceRef(name="Tehran", country="IRN", lat=35.69, lon=51.39), evidence=[text],
                  spans=[(0, len(text))]),
            Event(type="MOBILIZE", mode="police", source=ref("Iranian police", "IRN", "COP"), evidence=[text]),
        ],
        pipeline_version="dragoman-test",
    )


# ---------- round trip ----------

def test_round_trip_of_a_built_analysis(store):
    analysis = visit_analysis()
    store.save(analysis)
    assert store.analysis("visit") == analysis


def test_unknown_document_is_none(store):
    assert store.analysis("nothing-here") is None


@pytest.fixture(scope="module")
def real_analysis():
    if not DEV_ARTICLE.exists():
        pytest.skip(f"{DEV_ARTICLE} is absent: the shared gold sets are not mounted")
    from dragoman.pipeline import analyze_article
    try:
        from dragoman.ingest import article_from_text
        article = article_from_text(DEV_ARTICLE.read_text(encoding="utf-8"), doc=DEV_ARTICLE.stem,
                                    published="2025-02-10")
    except ImportError:
        article = Article(doc=DEV_ARTICLE.stem, text=DEV_ARTICLE.read_text(encoding="utf-8"), published="2025-02-10")
    return analyze_article(article)


def test_round_trip_of_a_real_analysis(store, real_analysis):
    store.save(real_analysis)
    loaded = store.analysis(real_analysis.doc)
    assert loaded == real_analysis
    assert loaded.model_dump_json() == real_analysis.model_dump_json()
    # provenance: every stored event keeps its document, its sentences and their offsets
    stored = sorted(store.events(limit=None), key=lambda e: int(e["id"].rsplit("#e", 1)[1]))
    assert len(stored) == len(real_analysis.events)
    for record, event in zip(stored, real_analysis.events):
        assert record["doc"] == real_analysis.doc
        assert record["evidence"] == event.evidence and record["spans"] == [list(s) for s in event.spans]
        assert all(sentence in real_analysis.article.text for sentence in record["evidence"])


# ---------- re-saving ----------

def test_resaving_replaces_rather_than_duplicates(store):
    store.save(visit_analysis())
    store.save(visit_analysis())
    docs = store.documents()
    assert [d["doc"] for d in docs] == ["visit"]
    assert (docs[0]["events"], docs[0]["claims"], docs[0]["actors"], docs[0]["places"], docs[0]["dates"]) \
        == (2, 2, 2, 1, 2)
    assert len(store.events()) == 2 and len(store.claims()) == 2
    assert sum(a["mentions"] for a in store.actors()) == 2

    store.save(visit_analysis(n_events=1))  # a new pipeline run found less: the old record goes
    assert [e["type"] for e in store.events()] == ["CONSULT"]
    assert store.analysis("visit") == visit_analysis(n_events=1)


def test_documents_keep_metadata_and_content_hash(store):
    store.save(visit_analysis())
    store.save(protest_analysis())
    docs = {d["doc"]: d for d in store.documents()}
    assert docs["visit"]["outlet"] == "Test Wire"
    assert docs["visit"]["pipeline_version"] == "dragoman-test"
    assert len(docs["visit"]["content_hash"]) == 64
    assert store.content_hash("visit") == docs["visit"]["content_hash"] != docs["protest"]["content_hash"]
    assert len(store.documents(limit=1)) == 1


# ---------- filters ----------

@pytest.fixture
def filled(store):
    store.save(visit_analysis())
    store.save(protest_analysis())
    return store


def types(records):
    return sorted(r["type"] for r in records)


def test_event_records_carry_evidence_and_provenance(filled):
    strike = filled.events(type="assault")[0]
    assert strike["doc"] == "visit" and strike["id"] == "visit#e1"
    assert strike["evidence"][0].startswith("Turkish drones struck")
    assert strike["outlet"] == "Test Wire" and strike["origin"] == "machine"
    assert strike["source"]["name"] == "Turkish Armed Forces" and strike["place"]["name"] == "Qamishli"
    assert flatten(strike)["source_country"] == "TUR"


def test_actor_filter_is_a_case_and_accent_insensitive_substring_of_either_side(filled):
    assert types(filled.events(actor="erdogan")) == ["CONSULT"]          # the target, without its accent
    assert types(filled.events(actor="SHARAA")) == ["CONSULT"]           # the source
    assert types(filled.events(actor="Democratic Forces")) == ["ASSAULT"]
    assert filled.events(actor="100%") == []                             # LIKE wildcards are literal


def test_country_filter_matches_either_side(filled):
    assert types(filled.events(country="TUR")) == ["ASSAULT", "CONSULT"]
    assert types(filled.events(country="syr")) == ["ASSAULT", "CONSULT"]
    assert types(filled.events(country="IRN")) == ["MOBILIZE", "PROTEST"]
    assert filled.events(country="FRA") == []


def test_type_filter_and_limit(filled):
    assert types(filled.events(type="PROTEST")) == ["PROTEST"]
    assert len(filled.events(limit=2)) == 2
    assert len(filled.events(limit=None)) == 4


def test_date_filters_overlap_partial_dates(filled):
    # the strike is dated 2025-01: it lies within since=2025-01-01 and until=2025-01-15
    assert types(filled.events(since="2025-01-01", until="2025-01-31")) == ["ASSAULT"]
    assert types(filled.events(until="2025-01-15")) == ["ASSAULT"]
    assert types(filled.events(since="2025-01-31", until="2025-02-04")) == ["ASSAULT", "CONSULT"]
    # 2025-W08 is 17-23 February 2025
    assert types(filled.events(since="2025-02-20")) == ["PROTEST"]
    assert types(filled.events(since="2025-02")) == ["CONSULT", "PROTEST"]
    assert filled.events(since="2025-02-24") == []                       # undated events are left out
    with pytest.raises(ValueError, match="since"):
        filled.events(since="last Tuesday")


def test_events_are_newest_first(filled):
    assert [e["type"] for e in filled.events(limit=3)] == ["PROTEST", "CONSULT", "ASSAULT"]


def test_claim_filters(filled):
    assert [c["stance"] for c in filled.claims(stance="denied")] == ["denied"]
    assert [c["speaker"]["name"] for c in filled.claims(actor="observatory")] == \
        ["Syrian Observatory for Human Rights"]
    assert [c["stance"] for c in filled.claims(country="SYR")] == ["denied"]
    assert [c["stance"] for c in filled.claims(since="2025-02-01")] == ["denied"]
    assert [c["stance"] for c in filled.claims(until="2025-01-10")] == ["asserted"]
    asserted = filled.claims(stance="asserted")[0]
    assert asserted["corroborates"] == ["visit#c1"] and asserted["via"][0]["name"] == "a monitor"
    assert asserted["evidence"].startswith("Turkish drones")


def test_actor_query_counts_mentions_and_lists_aliases(filled):
    found = filled.actors(name="erdogan")
    assert len(found) == 1
    assert found[0]["name"] == "Recep Tayyip Erdoğan" and found[0]["mentions"] == 1
    assert found[0]["aliases"] == ["Recep Tayyip Erdoğan"] and found[0]["documents"] == 1
    assert [a["name"] for a in filled.actors(country="SYR")] == ["Ahmed al-Sharaa"]
    assert filled.actors(country="IRN") == []


# ---------- dates, urls, errors ----------

@pytest.mark.parametrize("value, bounds", [
    ("2025-02-04", ("2025-02-04", "2025-02-04")),
    ("2025-02", ("2025-02-01", "2025-02-28")),
    ("2024-12", ("2024-12-01", "2024-12-31")),
    ("2025", ("2025-01-01", "2025-12-31")),
    ("2025-W06", ("2025-02-03", "2025-02-09")),
    ("2025-Q1", ("2025-01-01", "2025-03-31")),
    ("2025-01-25/2025-01-31", ("2025-01-25", "2025-01-31")),
    ("2025-02-04T10:30:00", ("2025-02-04", "2025-02-04")),
    ("PXY", (None, None)),
    (None, (None, None)),
])
def test_date_bounds(value, bounds):
    assert date_bounds(value) == bounds


def test_default_url_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DRAGOMAN_DB", str(tmp_path / "env.db"))
    assert default_db_url() == f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.delenv("DRAGOMAN_DB")
    assert default_db_url().startswith("sqlite:///") and default_db_url().endswith("dragoman.db")


def test_a_plain_path_is_a_sqlite_file(tmp_path):
    path = tmp_path / "sub" / "plain.db"
    with Store(str(path)) as s:
        s.save(protest_analysis())
    assert path.exists()


@pytest.mark.parametrize("url", ["nosuchdialect://host/db", "sqlite:////proc/no-such-dir/store.db"])
def test_bad_url_or_unwritable_path_is_a_one_line_error_naming_the_url(url):
    with pytest.raises(StoreError) as err:
        Store(url)
    message = str(err.value)
    assert "\n" not in message and url.split("://")[1].split("/")[0] in message
    assert message.startswith("cannot open the store at")
