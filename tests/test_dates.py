"""Tests for dragoman.dates: recognition and resolution of temporal expressions.

Real articles are read from /work/shared at run time (skipped when it is absent);
the short sentences below are written for these tests, one per class of expression.
"""
from __future__ import annotations

import importlib.util
import json
from datetime import date
from pathlib import Path

import pytest
import spacy

from dragoman.dates import find_dates, infer_published, resolve_date
from dragoman.nlp import MODEL_PACKAGE, register_extensions

SHARED = Path(__file__).resolve().parents[2] / "shared"  # ../shared beside the repository
GOLD = SHARED / "gold"
PUB = date(2025, 2, 10)  # a Monday; the week before it is 2025-W06


@pytest.fixture(scope="module")
def nlp():
    register_extensions()
    return spacy.load(MODEL_PACKAGE)


@pytest.fixture(scope="module")
def scorer():
    path = SHARED / "tools" / "score.py"
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared scorer is needed to judge gold dates")
    spec = importlib.util.spec_from_file_location("shared_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dates_of(nlp, text, published=PUB):
    return {d.mention: d for d in find_dates(nlp(text), published)}


def values_of(nlp, text, published=PUB):
    return {m: d.value for m, d in dates_of(nlp, text, published).items()}


def gold_docs(folder: str, limit: int | None = None):
    path = GOLD / folder
    if not path.is_dir():
        pytest.skip(f"{path} is absent")
    for gold_path in sorted(path.glob("*.gold.json"))[:limit]:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = gold_path.with_name(gold_path.name[: -len(".gold.json")] + ".txt").read_text(encoding="utf-8")
        yield gold_path.name, text, gold


def check_gold(nlp, scorer, folder, limit=None):
    wrong, total = [], 0
    for name, text, gold in gold_docs(folder, limit):
        published = date.fromisoformat(gold["published"]) if gold.get("published") else None
        preds = [d.model_dump() for d in find_dates(nlp(text), published)]
        for g in gold.get("dates", []):
            total += 1
            if not any(scorer.date_ok(p["value"], g["value"]) for p in scorer.find(preds, g["mention"])):
                wrong.append((name, g["mention"], g["value"]))
    return wrong, total


# ---------------------------------------------------------------- real articles

def test_canonical_article_every_gold_date(nlp, scorer):
    wrong, total = check_gold(nlp, scorer, "dev")
    assert total >= 10 and not wrong


def test_other_outlets_every_gold_date(nlp, scorer):
    wrong, total = check_gold(nlp, scorer, "fakes-dev")
    assert total >= 30 and not wrong


def test_acled_notes_leading_dates(nlp, scorer):
    wrong, total = check_gold(nlp, scorer, "acled-me-2020", limit=60)
    assert total >= 20 and not wrong


def test_timebank_mostly_right(nlp, scorer):
    wrong, total = check_gold(nlp, scorer, "timebank", limit=60)
    assert total >= 100 and len(wrong) / total <= 0.2, wrong


def test_real_article_has_no_count_taken_for_a_year(nlp):
    for name, text, gold in gold_docs("fakes-dev"):
        for d in find_dates(nlp(text), date.fromisoformat(gold["published"])):
            if d.value and d.value[:4].isdigit() and len(d.value) == 4:
                assert d.mention.strip()[-4:].isdigit() or "s" in d.mention, (name, d)


def test_infer_published_from_real_datelines():
    cases = {"fakes-1923102943": date(2016, 9, 21), "fakes-1924058070": date(2017, 10, 8),
             "fakes-1965495383": date(2017, 4, 7)}
    for doc, expected in cases.items():
        path = GOLD / "fakes-dev" / f"{doc}.txt"
        if not path.exists():
            pytest.skip(f"{path} is absent")
        assert infer_published(path.read_text(encoding="utf-8")) == expected


# ---------------------------------------------------------------- classes of expression

def test_absolute_dates(nlp):
    v = values_of(nlp, "Talks began on February 4, 2025 and resumed on 27 April 2020, then Feb. 6.")
    assert v["February 4, 2025"] == "2025-02-04"
    assert v["27 April 2020"] == "2020-04-27"
    assert v["Feb. 6"] == "2025-02-06"


def test_yearless_date_takes_the_nearest_past_year(nlp):
    v = values_of(nlp, "The regime fell on December 8 and the envoy arrived on January 10.")
    assert v["December 8"] == "2024-12-08"
    assert v["January 10"] == "2025-01-10"


def test_future_tense_moves_a_date_forward(nlp):
    v = values_of(nlp, "The summit will be held on March 3.", published=date(2025, 2, 10))
    assert v["March 3"] == "2025-03-03"


def test_weekdays_are_the_latest_before_publication(nlp):
    v = values_of(nlp, "The minister said on Tuesday that the convoy left on Monday.")
    assert v["Tuesday"] == "2025-02-04"
    assert v["Monday"] == "2025-02-10"  # the publication day itself


def test_relative_expressions(nlp):
    v = values_of(nlp, "Last week the army advanced; yesterday it stopped. Prices rose last month and "
                       "last year, and the vote is next month. The deal collapsed two days ago.")
    assert v["Last week"] == "2025-W06"
    assert v["yesterday"] == "2025-02-09"
    assert v["last month"] == "2025-01"
    assert v["last year"] == "2024"
    assert v["next month"] == "2025-03"
    assert v["two days ago"] == "2025-02-08"


def test_named_months_relative_and_parts(nlp):
    v = values_of(nlp, "Clashes erupted last January and again at the end of January, early February, "
                       "and earlier this month.")
    assert v["last January"] == "2025-01"
    assert v["the end of January"] == "2025-01-25/2025-01-31"
    assert v["early February"] == "2025-02-01/2025-02-10"
    assert v["earlier this month"] == "2025-02"


def test_years_ranges_decades_seasons(nlp):
    v = values_of(nlp, "The agreement of 1974 held between 2011 and 2014, through the 1990s, since mid-2014 "
                       "and in the summer of 2012.")
    assert v["1974"] == "1974"
    assert v["between 2011 and 2014"] == "2011/2014"
    assert v["1990s"] == "1990/1999"
    assert v["mid-2014"] == "2014-05/2014-08"
    assert v["the summer of 2012"] == "2012-06/2012-08"


def test_durations_are_recognised_without_a_value(nlp):
    d = dates_of(nlp, "The war has lasted over 14 years; the talks went on for two days, "
                      "and aid arrived within 24 hours.")
    assert d["over 14 years"].value is None and d["over 14 years"].kind == "duration"
    assert d["two days"].value is None
    assert d["24 hours"].value is None


def test_vague_words_have_no_value(nlp):
    d = dates_of(nlp, "Turkey recently deployed troops and is currently negotiating.")
    assert d["recently"].value is None and d["recently"].kind == "vague"
    assert d["currently"].value is None


def test_numbers_that_are_not_years(nlp):
    v = values_of(nlp, "An SU-24 crashed; 25 were injured and 1,000 people fled. "
                       "Resolution 2254 calls for talks, and 2000 soldiers crossed at 1400 GMT.")
    assert not any(value and value[:2] in ("20", "19", "14") for value in v.values()), v


def test_modal_may_and_verb_march_are_not_months(nlp):
    v = values_of(nlp, "May God protect them, they said. Protesters march to the square. "
                       "The Ankara talks may resume in May.")
    assert list(v) == ["May"] and v["May"] == "2025-05"  # a hedge looks forward


def test_anaphoric_expressions_follow_the_last_named_period(nlp):
    v = values_of(nlp, "Protests erupted in 2011. The following year, the army split. "
                       "Talks opened on March 3, 2016 and collapsed the next day.")
    assert v["The following year"] == "2012"
    assert v["the next day"] == "2016-03-04"


def test_no_publication_date_leaves_relative_expressions_unresolved(nlp):
    v = values_of(nlp, "Yesterday's talks followed the 4 February 2025 summit.", published=None)
    assert v["Yesterday"] is None
    assert v["4 February 2025"] == "2025-02-04"


def test_mentions_point_into_the_text(nlp):
    text = "On Tuesday, two days after the 2019 vote, officials met."
    for d in find_dates(nlp(text), PUB):
        assert text[d.start:d.end] == d.mention


def test_resolve_date_single_expressions():
    assert resolve_date("last week", PUB) == "2025-W06"
    assert resolve_date("February 4", PUB) == "2025-02-04"
    assert resolve_date("the end of January", PUB) == "2025-01-25/2025-01-31"
    assert resolve_date("for two days", PUB) is None
    assert resolve_date("yesterday", None) is None


def test_infer_published_prefers_the_dateline():
    text = "Date of publication 21 September 2016. The strikes of 19 September 2016 and 20 September 2016."
    assert infer_published(text) == date(2016, 9, 21)
    assert infer_published("No date here at all.") is None


def test_spacy_factory_sets_doc_dates():
    register_extensions()
    import dragoman.dates  # noqa: F401  (registers the factory)
    nlp = spacy.blank("en")
    nlp.add_pipe("dragoman_dates")
    doc = nlp.make_doc("The envoy arrived last week and left on February 6.")
    doc._.published = PUB
    doc = nlp(doc)
    assert [(d.mention, d.value) for d in doc._.dates] == [("last week", "2025-W06"), ("February 6", "2025-02-06")]


def test_names_and_nouns_are_not_dates(nlp):
    v = values_of(nlp, "He told USA Today that the fall of the regime came as a surprise, "
                       "and the Arab Spring reached Syria.")
    assert v == {}, v


def test_weeks_weekends_and_parts_of_months(nlp):
    v = values_of(nlp, "Fighting resumed over the weekend, and a ceasefire is due in the first week of March.")
    assert v["the weekend"] == "2025-02-08/2025-02-09"
    assert v["the first week of March"] == "2025-03-01/2025-03-07"


def test_dates_relative_to_named_years(nlp):
    v = values_of(nlp, "The tour started on March 3rd of last year and finishes in November next year.")
    assert v["March 3rd of last year"] == "2024-03-03"
    assert v["November next year"] == "2026-11"


def test_future_weekday_on_the_publication_day_is_that_day(nlp):
    friday = date(2016, 9, 30)
    v = values_of(nlp, "He will unveil his budget plan in an address Friday.", published=friday)
    assert v["Friday"] == "2016-09-30"
    v = values_of(nlp, "The delegations will meet on Tuesday.", published=friday)
    assert v["Tuesday"] == "2016-10-04"


def test_parts_of_today_and_named_event_days(nlp):
    v = values_of(nlp, "Officials met this morning to mark the anniversary of the September 11 attacks.")
    assert v["this morning"] == "2025-02-10"
    assert v["September 11"] == "2001-09-11"


def test_windowed_scan_finds_what_a_full_scan_finds(monkeypatch):
    """The rules run only in windows around anchor words, each rule only where a literal it
    requires occurs (speed-ups); on real articles of four kinds the expressions and their values
    are exactly those of every rule scanning the whole text."""
    from dragoman import dates

    texts = [text for folder, limit in (("timebank", 60), ("fakes-dev", None), ("acled-me-2020", 60),
                                        ("polnear-dev", 20))
             for _, text, _ in gold_docs(folder, limit)]

    def found(text):
        return [(f.start, f.end, str(f.period), f.kind, f.rule, str(f.inner)) for f in dates._scan(text, PUB)]

    windowed = [found(t) for t in texts]
    assert sum(map(len, windowed)) > 300  # real temporal expressions were there to find
    monkeypatch.setattr(dates, "_windows", lambda text, lowered=None: [(0, len(text))])
    monkeypatch.setattr(dates, "required_literal_sets", lambda regex: ())
    assert windowed == [found(t) for t in texts]


def test_a_month_under_a_verb_of_expectation_is_the_coming_one(nlp):
    """In a March article, 'analysts expect ... in June' looks forward: the June ahead, not the
    one nine months ago (which a bare past-tense report would mean)."""
    march = date(2025, 3, 12)
    ahead = "Analysts expect the allies to announce new deployments before the summit in June."
    assert values_of(nlp, ahead, march)["June"] == "2025-06"
    behind = "The allies announced new deployments before the summit in June."
    assert values_of(nlp, behind, march)["June"] == "2024-06"


def test_anchor_windows_of_an_ascii_text_are_found_the_same_lowercased():
    """An ASCII text is searched lowercased without case folding (faster): the windows must be
    those the case-folding search finds in the text as written, on real articles of every set."""
    from dragoman.dates import _windows

    texts = [p.read_text(encoding="utf-8") for p in sorted(GOLD.glob("*/*.txt"))[::7]]
    if not texts:
        pytest.skip(f"gold sets not found at {GOLD}")
    ascii_texts = [t for t in texts if t.isascii()]
    assert len(ascii_texts) >= 20
    windows = [_windows(text) for text in ascii_texts]
    assert sum(map(len, windows)) > 100
    assert [_windows(text, text.lower()) for text in ascii_texts] == windows


def test_every_set_of_literals_a_pattern_requires_is_found():
    """Each set holds a string every match contains, so a window lacking one is skipped."""
    import re

    from dragoman.regexes import required_literal_sets, required_literals

    ago = re.compile(r"(?<!\w)(\d+|a|an) (day|week|month)s? (?:ago|from now)\b", re.IGNORECASE)
    assert set(required_literal_sets(ago)) == {frozenset({" "}), frozenset({"day", "week", "month"}),
                                               frozenset({"ago", "from now"})}
    assert required_literals(ago) == frozenset({"day", "week", "month"})  # the first of the longest
    assert required_literal_sets(re.compile(r"\d+(?:st|nd)?")) == ()
    assert required_literal_sets(re.compile(r"Tags(?=\s[A-Z])")) == (frozenset({"tags"}),)
