"""Merge event records that report the same happening.

Within an article (and later across articles) the same meeting, strike or
accusation is reported in several sentences. Two records are one happening when
they have the same PLOVER type, the same source and the same target (a missing
target is compatible with any), and dates that do not contradict each other.
Actors compare by state for states and their agents (a government, its army, its
president are the state: TUR GOV and "Erdoğan" both key as TUR), by country and
sector for other actors of a state, and by name for actors of no state.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from functools import lru_cache
from typing import Optional

from dragoman.model import ActorRef, Event

# Sectors that act for the state itself.
STATE_SECTORS = {None, "GOV", "MIL", "SPY", "COP", "LEG", "JUD"}
# Sectors of a state's unnamed public (a crowd of protesters, residents, activists).
CROWD_SECTORS = {"CVL", "OPP"}
# Types whose two sides, reported in one sentence each acting on the other, fight one battle.
FIGHT_TYPES = {"ASSAULT"}
# ASSAULT modes of violence done to persons in one's hands (not by weapons at a distance).
PERSONAL_VIOLENCE_MODES = {"abduct", "beat", "torture", "sexual"}
# Types where "A meets B" and "B meets A" (or "B hosts A") are the same happening.
SYMMETRIC_TYPES = {"CONSULT", "COOPERATE"}


# the same few actor names are compared again and again while events merge: normalised once each
@lru_cache(maxsize=8192)
def normalised_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[^\w ]", " ", text)
    words = [w for w in text.split() if w not in ("the", "al", "of")]
    return " ".join(words)


def actor_key(ref: Optional[ActorRef]):
    """Identity of an actor for merging: the state for state agents, else country+sector, else name."""
    if ref is None:
        return None
    if ref.country:
        if ref.sector in STATE_SECTORS:
            return ("state", ref.country)
        return ("group", ref.country, ref.sector)
    if ref.actor_id:
        return ("id", ref.actor_id)
    return ("name", normalised_name(ref.name))


# every pair of records compared parses both dates: each date string is parsed once (the
# interval is a tuple of dates, never changed)
@lru_cache(maxsize=8192)
def _interval(value: Optional[str]):
    if not value:
        return None
    try:
        if "/" in value:
            a, b = (_interval(v) for v in value.split("/", 1))
            return (a[0], b[1]) if a and b else None
        if re.fullmatch(r"\d{4}", value):
            return date(int(value), 1, 1), date(int(value), 12, 31)
        if re.fullmatch(r"\d{4}-\d{2}", value):
            y, m = map(int, value.split("-"))
            return date(y, m, 1), date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)
        m = re.fullmatch(r"(\d{4})-W(\d{2})", value)
        if m:
            d = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return d, d + timedelta(days=6)
        d = date.fromisoformat(value[:10])
        return d, d
    except ValueError:
        return None


# An undated report stands at its article's publication date: a happening the text dates more than
# this many days before it ("used chemical weapons in 2014" in a 2017 article) is another one.
STALE_DAYS = 180


def dates_compatible(a: Event, b: Event) -> bool:
    """Dates from the text that name disjoint periods mean different happenings; so does a date from
    the text that ended long before the publication date an undated report stands at."""
    if (a.date_inferred and b.date_inferred) or not a.date or not b.date:
        return True
    if a.date_inferred or b.date_inferred:
        inferred, explicit = (a, b) if a.date_inferred else (b, a)
        ii, ie = _interval(inferred.date), _interval(explicit.date)
        return not (ii and ie and (ii[0] - ie[1]).days > STALE_DAYS)
    ia, ib = _interval(a.date), _interval(b.date)
    if not ia or not ib:
        return True
    return ia[0] <= ib[1] and ib[0] <= ia[1]


def _precision(ev: Event) -> int:
    iv = _interval(ev.date)
    return -((iv[1] - iv[0]).days) if iv else -10**6


# Statuses that describe the same kind of fact: a visit that occurred and negotiations
# that are ongoing, or an attack and a threat of one, are different happenings.
STATUS_FAMILY = {"occurred": "fact", "reported": "fact", "rumored": "fact", "ongoing": "ongoing",
                 "planned": "intent", "hypothetical": "intent", "denied": "denied"}


def _intents(ev: Event) -> set:
    """What an AGREE announces ('intent-aid', 'intent-cooperate'): different intents, different happenings."""
    return {c for c in ev.contexts if c.startswith("intent-")}


def _personal_beside_weapons(a: Event, b: Event) -> bool:
    """a is violence on persons in one's hands and b, by another verb, an attack of another mode."""
    return a.type in FIGHT_TYPES and a.mode in PERSONAL_VIOLENCE_MODES and bool(b.mode) and b.mode != a.mode \
        and b.mode not in PERSONAL_VIOLENCE_MODES and a.trigger != b.trigger


def same_happening(a: Event, b: Event) -> bool:
    if a.type != b.type or not dates_compatible(a, b):
        return False
    if STATUS_FAMILY.get(a.status) != STATUS_FAMILY.get(b.status) and "ongoing" in (
            STATUS_FAMILY.get(a.status), STATUS_FAMILY.get(b.status)):
        return False
    if _intents(a) != _intents(b):
        return False
    sa, sb, ta, tb = actor_key(a.source), actor_key(b.source), actor_key(a.target), actor_key(b.target)
    shared = bool(set(a.spans) & set(b.spans))
    if shared and (_personal_beside_weapons(a, b) or _personal_beside_weapons(b, a)):
        # "kidnapped 16 advisers ... and exploded bombs in Kabul": violence on persons and an attack with
        # weapons, told in one sentence, are two acts
        return False
    if sa == sb and (ta == tb or ta is None or tb is None):
        return True
    if a.type == "PROTEST" and sa == sb and sa is not None and sa[0] == "group" and sa[2] in CROWD_SECTORS:
        # the public of one country protesting on compatible dates: one protest, whatever each
        # sentence names as its object ("rioters ... hurled rocks at the bank", "... at the house of MP X")
        return True
    if a.type in SYMMETRIC_TYPES and ta is not None and tb is not None and sa == tb and ta == sb:
        return True
    if a.type in FIGHT_TYPES and a.trigger and a.trigger == b.trigger and shared \
            and (sa == sb or (ta == tb and ta is not None)):
        # "fired tear gas at farmers and activists", "A and B forces shelled X": one attack by one
        # trigger on (or by) coordinated parties, coded once with its first-named party
        return True
    if a.type in FIGHT_TYPES and shared and sa is not None and sb is not None and (
            (sa == tb and ta in (None, sb)) or (sb == ta and tb in (None, sa))):
        # "X thwarted Y's incursion, killing several of them": Y on X and X on Y in one sentence
        # are the two sides of one fight
        return True
    return False


# How precisely a place kind locates a happening.
PLACE_PRECISION = {"country": 1, "water": 1, "region": 2, "city": 3, "site": 4}


def _absorb(keep: Event, other: Event) -> Event:
    update = {}
    if keep.type in SYMMETRIC_TYPES and other.mode == "visit" and keep.mode != "visit" and \
            actor_key(keep.source) == actor_key(other.target) and actor_key(other.source) is not None and \
            actor_key(keep.source) != actor_key(other.source):
        # "X hosts Y" and "Y visits X" are one visit; the visitor is its source
        update.update(source=other.source, target=other.target or keep.source, mode="visit")
    if keep.target is None and other.target is not None and actor_key(other.source) == actor_key(keep.source) \
            and "source" not in update:
        update["target"] = other.target
    elif keep.target is not None and other.target is not None and "source" not in update \
            and not (keep.target.country or keep.target.actor_id) and (other.target.country or other.target.actor_id) \
            and actor_key(other.source) == actor_key(keep.source):
        # "took control of Dhi Masal area from pro-Houthi forces": a party known by its country
        # outranks a bare name nothing resolved
        update["target"] = other.target
    # What is only planned or supposed ("could liberate Iraq from ISIS?") says nothing of
    # where and when the same act really happened: a fact's date and place outrank it, and
    # it lends neither to a fact. The merged record is a fact when either report is.
    fact_over_intent = STATUS_FAMILY.get(other.status) == "fact" and STATUS_FAMILY.get(keep.status) == "intent"
    intent_into_fact = STATUS_FAMILY.get(other.status) == "intent" and STATUS_FAMILY.get(keep.status) == "fact"
    if fact_over_intent:
        update.update(status=other.status, place=other.place, date=other.date, date_inferred=other.date_inferred)
    elif not intent_into_fact:
        if other.date and not other.date_inferred and (
                keep.date_inferred or not keep.date or _precision(other) > _precision(keep)):
            update["date"], update["date_inferred"] = other.date, False
        elif not keep.date and other.date:
            update["date"], update["date_inferred"] = other.date, other.date_inferred
        if other.place is not None and (keep.place is None or (
                PLACE_PRECISION.get(other.place.kind, 0) > PLACE_PRECISION.get(keep.place.kind, 0)
                and other.place.country == keep.place.country)):
            # "strikes in Syria" then "strikes on X in Idlib": the most precise venue in the same country
            update["place"] = other.place
    if keep.mode is None and other.mode is not None and "mode" not in update:
        update["mode"] = other.mode
    update["evidence"], update["spans"] = merged_evidence(keep, other)
    update["contexts"] = list(dict.fromkeys(keep.contexts + other.contexts))
    return keep.model_copy(update=update)


def merged_evidence(keep: Event, other: Event) -> tuple[list[str], list]:
    """keep's evidence sentences and spans, then those of other that keep does not hold."""
    evidence, spans = list(keep.evidence), list(keep.spans)
    for text, span in zip(other.evidence, other.spans):
        if span not in spans:
            evidence.append(text)
            spans.append(span)
    return evidence, spans


def merge_events(events: list[Event]) -> list[Event]:
    """One Event per happening: records of the same type, source and target with
    compatible dates are merged into the first, which gathers all evidence."""
    merged: list[Event] = []
    for ev in events:
        for i, kept in enumerate(merged):
            if same_happening(kept, ev):
                merged[i] = _absorb(kept, ev)
                break
        else:
            merged.append(ev)
    # a target-less record absorbed later may now equal another record: one more pass
    if len(merged) != len(events):
        again: list[Event] = []
        for ev in merged:
            for i, kept in enumerate(again):
                if same_happening(kept, ev):
                    again[i] = _absorb(kept, ev)
                    break
            else:
                again.append(ev)
        merged = again
    return merged
