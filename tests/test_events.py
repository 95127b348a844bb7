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

SHARED = Path(__file__).resolve().parents[2] / "shared"  # ../shared beside the repository
GOLD = SHARED / "gold"


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
    assert ev.mode == "aerial"   # jets: PLOVER's manned-aircraft mode


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
    assert events[0].mode == "aerial" and events[0].place.name == "Idlib"


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


# ---------------------------------------------------------------- real sentences from the other gold sets

def gold_text(gold_set: str, doc_id: str) -> str:
    path = GOLD / gold_set / f"{doc_id}.txt"
    if not path.exists():
        pytest.skip(f"{path} is absent: the {gold_set} gold set is needed")
    return path.read_text(encoding="utf-8")


def gold_sentence(gold_set: str, doc_id: str, containing: str) -> str:
    """The sentence of a gold document that contains `containing` (split on full stops)."""
    text = gold_text(gold_set, doc_id)
    found = [s.strip() + "." for s in re.split(r"(?<=\.)\s+", text) if containing in s]
    if not found:
        pytest.skip(f"{doc_id}: no sentence with {containing!r} (the gold text changed)")
    return found[0].rstrip(".") + "."


def test_acled_note_protesters_blocking_a_road_protest_where_the_road_is(nlp):
    # an ACLED note: protesters, described as demonstrating against the dollar rate, block a road in a
    # town: one PROTEST by the public of the venue's country, at the venue, on the note's date; the
    # currency's country is no venue and no counterpart
    text = gold_text("acled-me-2020", "acled-LBN5026")
    events = analyse(nlp, text, [("protesters", "MAR", "CVL", "group")],   # a context guess of the actors stage
                     places=[("US", "USA", "country"), ("Taalabaya", "LBN", "city")],
                     dates=[("29 April 2020", "2020-04-29")])
    assert [(e.type, e.source.country, e.source.sector) for e in events] == [("PROTEST", "LBN", "CVL")]
    ev = events[0]
    assert ev.place is not None and ev.place.name == "Taalabaya" and ev.date == "2020-04-29"
    assert ev.target is None or ev.target.country == "LBN"


def test_acled_note_actor_read_as_a_verb_is_still_the_attacker(nlp):
    # an ACLED note where the parser reads the acronym "IS" before the attack verb as the verb "is"
    text = gold_text("acled-me-2020", "acled-IRQ24214")
    events = analyse(nlp, text, [("IS", None, "REB", "group"), ("Iraqi army unit", "IRQ", "MIL")],
                     places=[("Kirkuk province", "IRQ", "region")], dates=[("3 May 2020", "2020-05-03")])
    assault = [e for e in events if e.type == "ASSAULT"]
    assert [(e.source.name, e.target.country, e.target.sector, e.date) for e in assault] == \
        [("IS", "IRQ", "MIL", "2020-05-03")]


def test_acled_passive_casualties_take_the_agent_of_the_clashes_on_another_conjunct(nlp):
    # an ACLED note: soldiers killed and others wounded (passives, no agent) during clashes with militants
    text = gold_text("acled-me-2020", "acled-TUR11687")
    events = analyse(nlp, text, [("Turkish Army soldiers", "TUR", "MIL"), ("PKK militants", None, "REB")],
                     places=[("Bitlis", "TUR", "city")], dates=[("2 May 2020", "2020-05-02")])
    assert [(e.type, e.source.name, e.target.country if e.target else None) for e in events] == \
        [("ASSAULT", "PKK militants", "TUR")]


def test_acled_planted_device_is_an_attack_by_whoever_planted_it(nlp):
    # an ACLED note: a landmine planted by an unknown group explodes and kills a man
    text = gold_text("acled-me-2020", "acled-SYR78243")
    events = analyse(nlp, text, places=[("Idleb", "SYR", "region")], dates=[("2 May 2020", "2020-05-02")])
    assert [(e.type, e.mode, e.source.country, e.source.sector, e.target.sector) for e in events] == \
        [("ASSAULT", "explosives", "SYR", "REB", "CVL")]


def test_news_negated_strikes_are_denied(nlp):
    sentence = gold_sentence("fakes-dev", "fakes-1926479363", "had not carried out air strikes")
    events = analyse(nlp, sentence, [("Russian Defence Ministry", "RUS", "GOV"), ("Russian planes", "RUS", "MIL")],
                     places=[("Idlib", "SYR", "region")])
    assault = [e for e in events if e.type == "ASSAULT"]
    assert [(e.source.country, e.status) for e in assault] == [("RUS", "denied")]


def test_news_date_of_a_relative_clause_is_not_the_events_date(nlp):
    # strikes battering parts of a province despite a ceasefire brokered in a named month: the month
    # dates the ceasefire (another clause); "parts of" the province is the strikes' venue
    sentence = gold_sentence("fakes-dev", "fakes-1926479363", "have battered parts of Idlib")
    events = analyse(nlp, sentence, [("Syrian", "SYR", "MIL"), ("Russian", "RUS", "MIL"), ("Turkey", "TUR", "GOV"),
                                     ("Russia", "RUS", "GOV")],
                     places=[("Idlib", "SYR", "region")], dates=[("December", "2016-12")],
                     published=date(2017, 4, 4))
    assault = [e for e in events if e.type == "ASSAULT"]
    assert assault and all(e.date == "2017-04-04" and e.date_inferred for e in assault)
    assert all(e.place is not None and e.place.name == "Idlib" for e in assault)


def test_wire_threat_takes_its_counterpart_from_the_threatened_act(nlp):
    # a wire threat to launch an offensive, the opponent named only inside the threatened act
    text, record = plover_record("plover-gsr01-threaten-0025")
    events = analyse(nlp, text, gold_actors(record))
    assert [(e.type, e.source.country, e.target.country if e.target else None) for e in events] == \
        [("THREATEN", "IRN", "IRQ")]


def test_wire_protest_with_no_one_named_is_addressed_to_the_state_where_it_is_held(nlp):
    # a wire report of a demonstration in a country, attributed to a radio station
    text, record = plover_record("plover-gsr01-protest-0002")
    events = analyse(nlp, text, gold_actors(record)[:1], places=[("Serbia", "SRB", "country")])
    protest = [e for e in events if e.type == "PROTEST"]
    assert [(e.source.country, e.target.country if e.target else None, e.status) for e in protest] == \
        [("SRB", "SRB", "reported")]


def test_wire_lodging_a_protest_is_an_accusation_not_a_demonstration(nlp):
    # a wire report of a state lodging an official protest with another
    text, record = plover_record("plover-gsr01-disapprove-0013")
    events = analyse(nlp, text, gold_actors(record))
    assert ("ACCUSE", "SRB", "ALB") in [(e.type, e.source.country, e.target.country if e.target else None)
                                       for e in events]
    assert not [e for e in events if e.type == "PROTEST"]


def test_descriptions_of_alliances_and_aid_convoys_are_no_events(nlp):
    events = analyse(nlp, "Turkish-backed rebels fired on an aid convoy near Afrin.",
                     [("Turkish-backed rebels", "SYR", "REB"), ("Turkish", "TUR", "GOV")],
                     places=[("Afrin", "SYR", "city")])
    assert [e.type for e in events] == ["ASSAULT"]


def test_merge_keeps_the_most_precise_venue_in_the_same_country():
    from dragoman.model import PlaceRef
    a = _event("ASSAULT", ("Russia", "RUS", "MIL"), None, "2017-10-08").model_copy(
        update={"place": PlaceRef(name="Syria", country="SYR", kind="country")})
    b = _event("ASSAULT", ("Russia", "RUS", "MIL"), None, "2017-10-08").model_copy(
        update={"place": PlaceRef(name="Idlib", country="SYR", kind="region"), "spans": [(5, 9)]})
    merged = merge_events([a, b])
    assert len(merged) == 1 and merged[0].place.name == "Idlib"


# ---------------------------------------------------------------- PLOVER modes, contexts, status

STATUSES = {"occurred", "ongoing", "planned", "reported", "rumored", "denied", "hypothetical"}


@pytest.mark.parametrize("doc_id", [
    "plover-gsr01-assault-0001", "plover-gsr01-consult-0005", "plover-gsr01-protest-0002",
    "plover-gsr01-retreat-0023", "plover-gsr01-coerce-0010", "plover-gsr01-aid-0005",
])
def test_every_event_speaks_plover(nlp, doc_id):
    """Modes are the PLOVER manual's modes of the event's type, contexts are PLOVER contexts (or the
    merge-internal intent-*), and every event has one of the seven statuses."""
    text, record = plover_record(doc_id)
    lex = lexicon()
    events = analyse(nlp, text, gold_actors(record))
    assert events
    for ev in events:
        assert ev.mode is None or ev.mode in lex.plover_modes[ev.type], (ev.type, ev.mode)
        assert ev.status in STATUSES
        assert all(c in lex.context_names or c.startswith("intent-") for c in ev.contexts), ev.contexts


def test_hosting_keeps_the_host_as_source_without_plovers_visitor_mode(nlp):
    # a wire report of one leader hosting another
    text, record = plover_record("plover-gsr01-consult-0005")
    events = analyse(nlp, text, gold_actors(record))
    assert [(e.type, e.mode, e.source.country, e.target.country) for e in events] == \
        [("CONSULT", None, "RUS", "JPN")]


def test_sentence_words_add_plover_contexts(nlp):
    events = analyse(nlp, "Protesters rallied in Beirut against the collapse of the currency and rising prices.",
                     places=[("Beirut", "LBN", "city")])
    assert [e.type for e in events] == ["PROTEST"]
    assert events[0].mode == "demo" and "economic" in events[0].contexts


def test_wire_refusal_of_cooperation_is_a_reject(nlp):
    # a wire report of a state saying it will not accept more refugees
    text, record = plover_record("plover-gsr01-reject-0009")
    events = analyse(nlp, text, gold_actors(record))
    assert [(e.type, e.source.country, e.status) for e in events] == [("REJECT", "SYR", "occurred")]


def test_wire_demand_content_is_not_a_second_event(nlp):
    # an organisation reiterating its demand that a state ease restrictions
    text, record = plover_record("plover-gsr01-demand-0026")
    events = analyse(nlp, text, gold_actors(record) + [("Palestinian workers", "PSE", "CVL")])
    assert [(e.type, e.target.country if e.target else None) for e in events] == [("REQUEST", "ISR")]


def test_acled_reportedly_is_reported_and_an_unnamed_victim_is_a_civilian(nlp):
    # an ACLED note: forces "reportedly" killed an unnamed man at a checkpoint
    sentence = gold_sentence("acled-me-2020", "acled-YEM51935", "reportedly killed a man")
    events = analyse(nlp, sentence, [("pro-Houthi forces", "YEM", "REB")],
                     places=[("Qaatabah", "YEM", "city")], dates=[("28 April 2020", "2020-04-28")])
    assault = [e for e in events if e.type == "ASSAULT"]
    assert [(e.status, e.target.name, e.target.sector, e.date) for e in assault] == \
        [("reported", "Civilians (Yemen)", "CVL", "2020-04-28")]


def test_wire_hunger_strike_staged_by_a_person_protests_against_the_named_forces(nlp):
    # the model lemmatizes "staged" as "stag": the light verb must still give the strike its source
    text, record = plover_record("plover-gsr01-protest-0011")
    events = analyse(nlp, text, gold_actors(record))
    assert [(e.type, e.mode, e.target.country if e.target else None) for e in events] == [("PROTEST", "hunger", "DZA")]
    assert events[0].source.name == record["source"]["name"]


# ---------- round 2: the boundary between the actors and the events stages ----------


def analyse_mentions(nlp, text: str, mentions, places=(), dates=()):
    """Like `analyse`, with full ActorMentions given as (phrase, name, country, sector, kind, method,
    actor_id), so a test can say how the actors stage resolved each one."""
    doc = nlp(text)
    doc._.published = None
    doc._.actors = [ActorMention(mention=p, start=s, end=e, name=n, country=c, sector=sec, kind=k, method=how,
                                 actor_id=aid)
                    for p, n, c, sec, k, how, aid in mentions for s, e in _spans(text, p)]
    doc._.places = [PlaceMention(mention=p, start=s, end=e, name=p, country=c, kind=k)
                    for p, c, k in places for s, e in _spans(text, p)]
    doc._.dates = [DateMention(mention=p, start=s, end=e, value=v) for p, v in dates for s, e in _spans(text, p)]
    return code_events(doc)


def test_a_crowd_placed_only_by_the_articles_focus_takes_the_country_of_the_venues(nlp):
    # an ACLED note on Lebanese rioters: the actors stage guessed their country from the article's focus
    # (a wrong one); the places stage puts the note in Beirut, so the rioters are Lebanon's
    text = gold_text("acled-me-2020", "acled-LBN4973")
    events = analyse_mentions(nlp, text, [("rioters", "Emirati rioters", "ARE", "CVL", "group", "role-default", None)],
                              places=[("US", "USA", "country"), ("Beirut", "LBN", "city")])
    protests = [e for e in events if e.type == "PROTEST"]
    assert protests and all((e.source.country, e.source.sector) == ("LBN", "CVL") for e in protests)


def test_a_group_the_actors_stage_could_not_place_belongs_to_the_country_of_the_venues(nlp):
    # "regime forces shelled X in Idleb": no country named, the actors stage found no focus
    text = gold_text("acled-me-2020", "acled-SYR78070")
    events = analyse(nlp, text, places=[("Qoqfin", "SYR", "city"), ("Idleb", "SYR", "city")])
    assert [(e.type, e.source.country, e.source.sector) for e in events] == [("ASSAULT", "SYR", "MIL")]


def test_whoever_thwarts_an_attack_was_its_target_not_the_front_it_came_on(nlp):
    text = gold_text("acled-me-2020", "acled-YEM52201")
    sentence = text.split(". ")[0]
    events = analyse_mentions(nlp, sentence, [
        ("pro-Hadi force", "Yemeni forces", "YEM", "MIL", "group", "role", None),
        ("Houthi", "Houthis", "YEM", "REB", "group", "alias", "houthis")],
        places=[("Qaniyah", "YEM", "city")])
    attacks = [e for e in events if e.type == "ASSAULT"]
    assert [(e.source.name, e.target.name if e.target else None) for e in attacks] == [("Houthis", "Yemeni forces")]


def test_force_aimed_at_a_town_falls_on_its_people_and_at_a_country_on_its_state(nlp):
    text, _ = plover_record("plover-gsr01-fight-0010")   # tanks fired shells at targets in a West Bank city
    events = analyse(nlp, text, [("Israeli tanks", "ISR", "MIL")], places=[("Jericho", "PSE", "city")])
    assert [(e.type, e.target.country, e.target.sector) for e in events if e.type == "ASSAULT"][:1] == \
        [("ASSAULT", "PSE", "CVL")]
    events = analyse(nlp, "Turkish jets bombed Iraq on Sunday.", [("Turkish jets", "TUR", "MIL")],
                     places=[("Iraq", "IRQ", "country")])
    assert [(e.target.country, e.target.sector) for e in events] == [("IRQ", "MIL")]


def test_two_named_factions_of_one_country_clash_with_each_other(nlp):
    # "clashes between members of A and B", two factions of the same country and sector
    text = gold_text("acled-me-2020", "acled-SYR78134")
    events = analyse_mentions(nlp, text, [
        ("Hamza Division", "Hamza Division", "SYR", "REB", "group", "alias", "hamza-division"),
        ("Sultan Murad Division", "Sultan Murad Division", "SYR", "REB", "group", "alias", "sultan-murad-division")],
        places=[("al-Hasakeh", "SYR", "city")])
    pairs = {frozenset((e.source.name, e.target.name)) for e in events if e.type == "ASSAULT" and e.target}
    assert frozenset(("Hamza Division", "Sultan Murad Division")) in pairs


def test_suspending_an_agreement_with_a_state_targets_that_state(nlp):
    text = gold_sentence("fakes-dev", "fakes-1965495383", "suspend its memorandum")
    events = analyse(nlp, text, [("Russia", "RUS", "GOV", "state"), ("United States", "USA", "GOV", "state")],
                     places=[("Syria", "SYR", "country")])
    assert [(e.type, e.source.country, e.target.country if e.target else None) for e in events
            if e.type == "SANCTION"] == [("SANCTION", "RUS", "USA")]


def test_being_opposed_to_something_is_the_subjects_rejection(nlp):
    text, _ = plover_record("plover-gsr01-reject-0028")   # Israel is opposed to French mediation ...
    events = analyse(nlp, text, [("Israel", "ISR", "GOV", "state"), ("French", "FRA", "GOV", "state"),
                                 ("Syria", "SYR", "GOV", "state")])
    assert ("REJECT", "ISR", "FRA") in [(e.type, e.source.country, e.target.country if e.target else None)
                                        for e in events]


def test_a_measure_tightened_by_it_is_the_outer_subjects_and_a_helper_is_no_target(nlp):
    text, _ = plover_record("plover-gsr01-threaten-0022")   # NATO ... it would tighten the blockade ... with X's help
    events = analyse(nlp, text, [("NATO", None, "IGO", "organisation"), ("Serbia", "SRB", "GOV", "state"),
                                 ("Albania", "ALB", "GOV", "state")])
    assert [(e.type, e.source.name, e.target.country) for e in events] == [("THREATEN", "NATO", "SRB")]


def test_negotiating_over_other_states_possessions_consults_those_states(nlp):
    text = gold_sentence("dev", "enab-baladi-turkish-bases", "negotiating the status")
    events = analyse(nlp, text, [("government in Damascus", "SYR", "GOV", "organisation")],
                     places=[("Syria", "SYR", "country"), ("Ankara", "TUR", "city")])
    consult = {(e.source.country, e.target.country) for e in events if e.type == "CONSULT" and e.target}
    assert consult == {("SYR", "USA"), ("SYR", "TUR")}


def test_unknown_gunmen_firing_on_a_named_group_of_their_country_attack_that_group(nlp):
    text = gold_text("acled-me-2020", "acled-SYR78058")   # unidentified gunmen opened fire on QSD fighters
    events = analyse_mentions(nlp, text, [
        ("unidentified gunmen", "Syrian gunmen", "SYR", "REB", "group", "role-default", None),
        ("QSD fighters", "Syrian Democratic Forces fighters", "SYR", "REB", "group", "role", "syrian-democratic-forces")],
        places=[("Mansura", "SYR", "city")])
    assert [e.target.name for e in events if e.type == "ASSAULT" and e.target][:1] == \
        ["Syrian Democratic Forces fighters"]


def test_forces_from_a_named_group_are_that_group(nlp):
    text = gold_text("acled-me-2020", "acled-YEM51932")   # forces from six Southern Resistance Brigades ...
    events = analyse_mentions(nlp, text, [
        ("forces", "Yemeni forces", "YEM", "MIL", "group", "role-default", None),
        ("Southern Resistance", "Southern Resistance", "YEM", "REB", "group", "alias", "southern-resistance")],
        places=[("Al Masharih", "YEM", "region")])
    assert "Southern Resistance" in [e.source.name for e in events if e.type == "ASSAULT"]


def test_a_possession_of_the_regimes_men_is_an_attack_on_the_state(nlp):
    text = gold_text("acled-me-2020", "acled-SYR78248")   # ... targeting a regime's 4th Division member's vehicle
    events = analyse(nlp, text, places=[("Karak", "SYR", "city")])
    assert [(e.target.country, e.target.sector) for e in events if e.type == "ASSAULT" and e.target][:1] == \
        [("SYR", "MIL")]


def test_entering_or_opening_negotiations_is_consulting(nlp):
    """'enter' and 'open' are light verbs of a nominal event: 'entered negotiations with X' is a
    consultation with X (a sentence written for this test)."""
    text = "The rebel council entered negotiations with the government in Damascus last month."
    events = analyse(nlp, text, actors=[("rebel council", "SYR", "REB"), ("government", "SYR", "GOV")])
    consult = [e for e in events if e.type == "CONSULT"]
    assert consult and consult[0].source.sector == "REB" and consult[0].target.sector == "GOV"


def test_a_subject_hung_on_a_fronted_place_is_recovered():
    """Regression, named after a real failure (the canonical article, read at run time): in
    'In northeastern Syria, the <group> (<acronym>), which ..., are still in negotiations with ...'
    the small model makes the group an appositive of the fronted place and leaves 'are' without a
    subject; the group is the subject, and the negotiation a consultation."""
    from dragoman.ingest import article_from_text
    from dragoman.pipeline import analyze_article

    path = GOLD / "dev" / "enab-baladi-turkish-bases.txt"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    text = path.read_text(encoding="utf-8")
    sentence = next((s for s in re.split(r"(?<=\.)\s+", text) if "in negotiations with" in s), None)
    if sentence is None:
        pytest.skip("the sentence is not in this copy of the article")
    analysis = analyze_article(article_from_text(sentence, doc="sentence", published="2025-02-06"))
    consult = [e for e in analysis.events if e.type == "CONSULT"]
    assert consult and consult[0].source is not None and consult[0].source.sector == "REB"
    assert consult[0].target is not None and consult[0].target.country == "SYR"
