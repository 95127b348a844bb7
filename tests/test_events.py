"""Tests for dragoman.events (PLOVER coding) and dragoman.merge (one record per happening).

The events stage reads what the actors, places and dates stages found. To test
it on its own, these tests give it those mentions directly: for a real PLOVER
gold sentence read from /work/shared at run time, the gold actors are located in
the text and handed over as ActorMentions (skipped when /work/shared is absent).
The short sentences below are written for these tests.
"""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
import spacy

from dragoman.events import _words, code_events, lexicon
from dragoman.merge import actor_key, merge_events, same_happening
from dragoman.model import ActorMention, ActorRef, DateMention, Event, PlaceMention
from dragoman.nlp import MODEL_PACKAGE, register_extensions

GOLD = Path("/work/shared/gold")


@pytest.fixture(scope="module")
def nlp():
    register_extensions()
    return spacy.load(MODEL_PACKAGE)


def _spans(text: str, phrase: str):
    return [(m.start(), m.end()) for m in re.finditer(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", text)]


def analyse(nlp, text: str, actors=(), places=(), dates=(), published=None):
    """Run the events stage on text with the given (phrase, country, sector[, kind]) actors,
    (phrase, country, kind) places and (phrase, value) dates located in it."""
    doc = nlp(text)
    doc._.published = published
    doc._.actors = [ActorMention(mention=p, start=s, end=e, name=p, country=c, sector=sec,
                                 kind=rest[0] if rest else None)
                    for p, c, sec, *rest in actors for s, e in _spans(text, p)]
    doc._.places = [PlaceMention(mention=p, start=s, end=e, name=p, country=c, kind=k)
                    for p, c, k in places for s, e in _spans(text, p)]
    doc._.dates = [DateMention(mention=p, start=s, end=e, value=v) for p, v in dates for s, e in _spans(text, p)]
    return code_events(doc)


def plover_record(doc_id: str):
    txt, gold = GOLD / "plover-gsr" / f"{doc_id}.txt", GOLD / "plover-gsr" / f"{doc_id}.gold.json"
    if not txt.exists():
        pytest.skip(f"{txt} is absent: the PLOVER gold set is needed")
    record = json.loads(gold.read_text(encoding="utf-8"))["events"][0]
    return txt.read_text(encoding="utf-8"), record


def gold_actors(record):
    out = []
    for role in ("source", "target"):
        a = record.get(role)
        if a:
            out.append((a["name"], a.get("country"), (a.get("sectors") or [None])[0]))
    return out


# ---------------------------------------------------------------- lexicon

def test_lexicon_loads_and_covers_every_plover_type():
    lex = lexicon()
    types = {s.type for s in lex.verbs.values()} | {s.type for s in lex.nouns.values()}
    assert types == {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
                     "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}
    assert "on" in lex.target_preps   # YAML would have made a bare `on` the boolean True


def test_word_lists_reject_yaml_booleans():
    with pytest.raises(ValueError):
        _words(["in", True], "place_preps")


# ---------------------------------------------------------------- real PLOVER sentences

@pytest.mark.parametrize("doc_id", [
    "plover-gsr01-agree-0003",       # "The United States and Jordan have agreed upon a ... pact": coordinated pair
    "plover-gsr01-assault-0001",     # passive: "was attacked by Burundian militiamen"
    "plover-gsr01-demand-0005",      # "demanded that the US cancel ...": target is the clause's subject
    "plover-gsr01-threaten-0005",    # "threatened ... to break relations with Russia"
    "plover-gsr01-protest-0006",     # demonstration + purpose clause, no separate REQUEST
    "plover-gsr01-reject-0002",      # "rejected a U.S. request": the request is not a second event
    "plover-gsr01-consult-0002",     # "telephoned"
    "plover-gsr01-disapprove-0003",  # "accused the United States of ..." (ACCUSE)
    "plover-gsr01-support-0012",     # "signed an agreement": signing is SUPPORT, the noun is not a 2nd event
    "plover-gsr01-coerce-0006",      # destruction of property ("demolished ... homes") is COERCE
])
def test_plover_gold_sentence_gives_its_event(nlp, doc_id):
    text, record = plover_record(doc_id)
    events = analyse(nlp, text, gold_actors(record))
    assert len(events) == 1, [(e.type, e.source, e.target) for e in events]
    ev = events[0]
    assert ev.type == record["type"]
    ends = {ev.source.country, ev.target.country if ev.target else None}
    assert record["source"]["country"] in ends
    if record.get("target") and record["target"].get("country") and not record.get("symmetric"):
        assert ev.source.country == record["source"]["country"]
        assert ev.target is not None and ev.target.country == record["target"]["country"]


def test_reported_event_keeps_its_actor_not_the_reporter(nlp):
    text, record = plover_record("plover-gsr01-assault-0001")   # "..., the UN refugee agency reported."
    events = analyse(nlp, text, gold_actors(record) + [("UN refugee agency", None, "IGO")])
    assert [e.source.country for e in events] == ["BDI"]
    assert events[0].status == "reported"


# ---------------------------------------------------------------- status, date, place

def test_said_clause_is_reported_with_the_embedded_actors(nlp):
    events = analyse(nlp, "Kurdish officials said Turkish jets bombed the Kurdish villages on Monday.",
                     [("Kurdish officials", "SYR", "REB"), ("Turkish jets", "TUR", "MIL"), ("Kurdish", "SYR", "CVL")],
                     dates=[("Monday", "2025-02-03")])
    assert len(events) == 1
    ev = events[0]
    assert (ev.type, ev.source.country, ev.status, ev.date) == ("ASSAULT", "TUR", "reported", "2025-02-03")
    assert ev.mode == "heavy-weapons"


def test_negated_event_is_denied(nlp):
    events = analyse(nlp, "Russia did not attack the Ukrainian port.", [("Russia", "RUS", "GOV", "state"),
                                                                       ("Ukrainian", "UKR", "GOV")])
    assert [e.status for e in events] == ["denied"]


def test_announced_aid_is_an_agreement(nlp):
    events = analyse(nlp, "Qatar will send food aid to Syria next week.",
                     [("Qatar", "QAT", "GOV", "state"), ("Syria", "SYR", "GOV", "state")])
    assert [(e.type, e.status, e.source.country, e.target.country) for e in events] == \
        [("AGREE", "planned", "QAT", "SYR")]


def test_visit_to_a_city_targets_its_state_and_dates_fall_back_to_publication(nlp):
    events = analyse(nlp, "The Jordanian king paid a visit to Ankara.", [("Jordanian king", "JOR", "GOV")],
                     places=[("Ankara", "TUR", "city")], published=date(2025, 2, 10))
    assert len(events) == 1
    ev = events[0]
    assert (ev.type, ev.mode, ev.target.country, ev.place.name) == ("CONSULT", "visit", "TUR", "Ankara")
    assert ev.date == "2025-02-10" and ev.date_inferred


def test_protest_by_unnamed_workers_is_the_public_of_the_place(nlp):
    events = analyse(nlp, "Hundreds of workers held a protest in Basra against unpaid salaries.",
                     places=[("Basra", "IRQ", "city")])
    assert [(e.type, e.source.country, e.source.sector, e.place.name) for e in events] == \
        [("PROTEST", "IRQ", "CVL", "Basra")]


# ---------------------------------------------------------------- merging

def test_visit_and_meeting_in_two_sentences_are_one_happening(nlp):
    text = ("The Syrian president visited Ankara on Tuesday. "
            "During the trip, the Syrian president met with Erdogan in the presidential palace.")
    events = analyse(nlp, text, [("The Syrian president", "SYR", "GOV"), ("the Syrian president", "SYR", "GOV"),
                                 ("Erdogan", "TUR", "GOV")],
                     places=[("Ankara", "TUR", "city")], dates=[("Tuesday", "2025-02-04")])
    consult = [e for e in events if e.type == "CONSULT"]
    assert len(consult) == 1
    assert len(consult[0].evidence) == 2 and consult[0].date == "2025-02-04"


def _event(type_, src, tgt=None, date_=None):
    return Event(type=type_, source=ActorRef(name=src[0], country=src[1], sector=src[2]),
                 target=ActorRef(name=tgt[0], country=tgt[1], sector=tgt[2]) if tgt else None,
                 date=date_, evidence=[f"{type_} {src[0]} {date_}"], spans=[(hash(date_) % 1000, 0)])


def test_merge_keys_states_by_country_and_keeps_distinct_dates_apart():
    erdogan, turkey = ("Recep Tayyip Erdoğan", "TUR", "GOV"), ("Turkey", "TUR", "MIL")
    assert actor_key(ActorRef(**dict(zip(("name", "country", "sector"), erdogan)))) == \
        actor_key(ActorRef(**dict(zip(("name", "country", "sector"), turkey))))
    a = _event("ASSAULT", turkey, ("YPG", "SYR", "REB"), "2025-01-10")
    b = _event("ASSAULT", erdogan, None, "2025-01")
    c = _event("ASSAULT", turkey, ("YPG", "SYR", "REB"), "2025-03-02")
    assert same_happening(a, b) and not same_happening(a, c)
    merged = merge_events([a, b, c])
    assert len(merged) == 2
    assert merged[0].target.name == "YPG" and len(merged[0].evidence) == 2


def test_casualties_complete_the_attack_they_belong_to(nlp):
    events = analyse(nlp, "Russian air strikes killed 14 civilians in Idlib on Thursday.",
                     [("Russian", "RUS", "GOV")], places=[("Idlib", "SYR", "city")],
                     dates=[("Thursday", "2017-10-05")])
    assert [(e.type, e.source.country, e.source.sector, e.target.country, e.target.sector) for e in events] == \
        [("ASSAULT", "RUS", "MIL", "SYR", "CVL")]
    assert events[0].mode == "heavy-weapons" and events[0].place.name == "Idlib"


def test_speaker_demanding_an_obligation_is_a_request(nlp):
    events = analyse(nlp, "The minister said Libya must hand over the suspects.",
                     [("The minister", "GBR", "GOV"), ("Libya", "LBY", "GOV", "state")])
    assert [(e.type, e.source.country, e.target.country) for e in events] == [("REQUEST", "GBR", "LBY")]


def test_condemning_the_attack_accuses_its_author(nlp):
    text = "Israeli jets struck a village near Damascus. Iran condemned the attack."
    events = analyse(nlp, text, [("Israeli jets", "ISR", "MIL"), ("Iran", "IRN", "GOV", "state")],
                     places=[("Damascus", "SYR", "city")])
    accuse = [e for e in events if e.type == "ACCUSE"]
    assert [(e.source.country, e.target.country) for e in accuse] == [("IRN", "ISR")]


# ---------------------------------------------------------------- place as target, carried date

def test_lifting_a_measure_in_a_place_concedes_to_the_places_state(nlp):
    # "lifted a state of emergency in West Darfur State": the easing falls on the place's people
    text, record = plover_record("plover-gsr01-concede-0008")
    src = record["source"]
    events = analyse(nlp, text, [(src["name"], src["country"], src["sectors"][0])],
                     places=[(record["target"]["name"], record["target"]["country"], "region")])
    concede = [e for e in events if e.type == "CONCEDE"]
    assert len(concede) == 1
    assert concede[0].source.country == "SDN" and concede[0].target is not None
    assert concede[0].target.country == "SDN"


def test_event_after_the_meeting_takes_the_meetings_date_and_place(nlp):
    text = ("The Syrian president met Erdogan in Ankara on Tuesday. "
            "The talks covered trade and security. "
            "After the meeting, Erdogan praised the Syrian president.")
    events = analyse(nlp, text, [("The Syrian president", "SYR", "GOV"), ("the Syrian president", "SYR", "GOV"),
                                 ("Erdogan", "TUR", "GOV")],
                     places=[("Ankara", "TUR", "city")], dates=[("Tuesday", "2025-02-04")],
                     published=date(2025, 2, 10))
    support = [e for e in events if e.type == "SUPPORT"]
    assert len(support) == 1
    assert support[0].date == "2025-02-04" and not support[0].date_inferred
    assert support[0].place is not None and support[0].place.name == "Ankara"


def test_undated_event_far_from_a_dated_one_keeps_the_publication_date(nlp):
    text = ("The Syrian president met Erdogan in Ankara on Tuesday. "
            "Trade grew last year. Prices rose. Exports fell. "
            "Erdogan praised the Syrian president.")
    events = analyse(nlp, text, [("The Syrian president", "SYR", "GOV"), ("the Syrian president", "SYR", "GOV"),
                                 ("Erdogan", "TUR", "GOV")],
                     places=[("Ankara", "TUR", "city")], dates=[("Tuesday", "2025-02-04")],
                     published=date(2025, 2, 10))
    support = [e for e in events if e.type == "SUPPORT"]
    assert len(support) == 1 and support[0].date == "2025-02-10" and support[0].date_inferred
