"""Stage: events. Code PLOVER events (type, mode, source, target, date, place, status) from the parse.

A trigger (a verb, a phrasal verb, a verb whose sense its object decides, or a
nominalisation) comes from the lexicon in data/plover/ (README-plover.md). Its
source and target come from the dependency parse (subject / agent / object /
prepositional counterpart, possessor or adjective of a nominal event), mapped
to the actors the actors stage resolved (`doc._.actors`). Its status comes from
modals, negation and the verbs it depends on; its date and place from the
DateMention / PlaceMention attached to it. Events reporting the same happening
are merged by `dragoman.merge.merge_events`.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from pathlib import Path
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc, Token

from dragoman.datafiles import read_data
from dragoman.merge import (CROWD_SECTORS, PLACE_PRECISION, STATUS_FAMILY, actor_key, dates_compatible, merge_events,
                            merged_evidence, normalised_name)
from dragoman.model import PLOVER_TYPES, ActorMention, ActorRef, Event, PlaceMention, PlaceRef
from dragoman.nlp import doc_text, sentence_of, token_attrs

DATA_DIR = Path(__file__).parent / "data" / "plover"
STATUS_ORDER = ("denied", "hypothetical", "rumored", "planned", "reported", "ongoing", "occurred")
# Types whose acts are carried out by a state's armed forces: a state source is its military.
FORCE_TYPES = {"ASSAULT", "MOBILIZE"}
# Clause links that end an argument phrase: material below them is another clause.
CLAUSE_DEPS = {"relcl", "acl", "advcl", "ccomp", "xcomp", "parataxis", "conj", "cc", "punct", "mark"}
# Verbs whose object (not their subject) is the subject of their xcomp ("urged X to ...").
OBJECT_CONTROL = {"urge", "ask", "order", "call", "invite", "force", "allow", "help", "persuade", "tell",
                  "press", "encourage", "require", "compel", "authorize", "authorise", "permit", "push"}
RELATIVE_PRONOUNS = {"that", "which", "who", "whom", "whose"}
ANAPHORS = {"it", "they", "he", "she", "we"}
VIOLENT_PLACE_TYPES = {"ASSAULT", "PROTEST", "COERCE", "MOBILIZE", "RETREAT"}


@dataclass(frozen=True)
class Sense:
    type: str
    mode: Optional[str]
    contexts: tuple[str, ...] = ()
    via_object: bool = False   # the verb's object named the event ("imposed sanctions on X")


@dataclass
class Lexicon:
    verbs: dict[str, Sense]
    phrasal: dict[str, dict[str, Sense]]      # verb lemma -> "particle[ object]" -> sense
    nouns: dict[str, Sense]
    multi_nouns: dict[str, list[tuple[tuple[str, ...], Sense]]]   # last lemma -> (preceding lemmas, sense)
    object_senses: dict[str, list[tuple[frozenset, bool, Sense]]]
    assault_modes: dict[str, str]             # word -> mode
    light_verbs: frozenset
    symmetric_types: frozenset
    symmetric_triggers: frozenset
    target_preps: frozenset
    place_preps: frozenset
    status: dict[str, frozenset]
    crowd_nouns: frozenset
    protesting_crowds: frozenset
    place_part_nouns: frozenset
    descriptive_heads: frozenset
    agreement_nouns: frozenset
    threat_heads: frozenset
    planned_to_agree: frozenset
    of_is_source: frozenset
    deontic_modals: frozenset
    blame_predicates: frozenset
    accusation_verbs: frozenset
    accusation_nouns: frozenset
    planned_to_threaten: frozenset
    hypothetical_to_threaten: frozenset
    conditional_marks: frozenset
    unknown_nouns: frozenset
    intransitive_verbs: frozenset
    unknown_qualifiers: frozenset
    agentless_modes: frozenset
    victim_roles: dict
    noun_qualifiers: dict[str, frozenset] = field(default_factory=dict)
    plover_modes: dict = field(default_factory=dict)      # type -> frozenset of PLOVER modes
    mode_names: dict = field(default_factory=dict)        # type -> {lexicon mode: PLOVER mode or None}
    context_names: frozenset = frozenset()
    context_cues: dict = field(default_factory=dict)      # lemma -> contexts it signals
    repelling_verbs: frozenset = frozenset()              # "thwarted an attack": the subject was its target
    request_nouns: frozenset = frozenset()                # "a call for X to ...": asked for, not done
    labour_strike_cues: frozenset = frozenset()           # "a four-day strike": a work stoppage
    preparing_heads: frozenset = frozenset()              # "prepared to attack": a mobilisation
    assertive_requests: frozenset = frozenset()           # "insisted (that) X was ...": an assertion
    talk_nouns: frozenset = frozenset()                   # "after talks with X": X is the other side
    errand_verbs: frozenset = frozenset()                 # "returned to Geneva for talks": their talks
    non_event_compounds: dict = field(default_factory=dict)   # "press release": no release
    measure_nouns: frozenset = frozenset()                # "10 days of war games": the events measured
    stance_participles: frozenset = frozenset()           # "is opposed to": passive in form, the subject acts
    pressure_nouns: frozenset = frozenset()               # "despite pressure from X": X is the counterpart
    fact_finding_objects: frozenset = frozenset()         # "investigating the number of dead": no one accused
    member_nouns: frozenset = frozenset()                 # "killed many of its leaders": the group's people


def _sense(value, where: str) -> Sense:
    if not (isinstance(value, list) and 2 <= len(value) <= 3):
        raise ValueError(f"{where}: expected [TYPE, mode, [contexts]], got {value!r}")
    kind, mode = value[0], value[1]
    if kind not in PLOVER_TYPES:
        raise ValueError(f"{where}: unknown PLOVER type {kind!r}")
    if mode is not None and not isinstance(mode, str):
        raise ValueError(f"{where}: mode must be a string or null")
    contexts = tuple(value[2]) if len(value) == 3 else ()
    return Sense(kind, mode, contexts)


def _words(value, where: str) -> frozenset:
    """A word list; YAML turns bare on/off/yes/no into booleans, so anything but strings is an error."""
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
        raise ValueError(f"{where}: expected a list of words (quote on/off/yes/no), got {value!r}")
    return frozenset(value)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load and validate the PLOVER lexicon once per process."""
    triggers, cues = read_data(DATA_DIR / "triggers.yaml"), read_data(DATA_DIR / "cues.yaml")
    verbs, phrasal = {}, {}
    for key, value in triggers["verbs"].items():
        sense = _sense(value, f"triggers.yaml verbs.{key}")
        words = key.lower().split()
        if len(words) == 1:
            verbs[words[0]] = sense
        else:
            phrasal.setdefault(words[0], {})[" ".join(words[1:])] = sense
    nouns, multi = {}, {}
    for key, value in triggers["nouns"].items():
        sense = _sense(value, f"triggers.yaml nouns.{key}")
        words = key.lower().split()
        if len(words) == 1:
            nouns[words[0]] = sense
        else:
            multi.setdefault(words[-1], []).append((tuple(words[:-1]), sense))
    assault_modes = {}
    for mode, words in triggers.get("assault_modes", {}).items():
        for w in _words(words, f"assault_modes.{mode}"):
            assault_modes[str(w).lower()] = mode
    object_senses = {}
    for verb, options in cues["object_senses"].items():
        rows = []
        for i, opt in enumerate(options):
            sense = _sense([opt["type"], opt.get("mode"), list(opt.get("contexts") or [])],
                           f"cues.yaml object_senses.{verb}[{i}]")
            actor_object = bool(opt.get("actor_object"))
            if not actor_object:
                sense = Sense(sense.type, sense.mode, sense.contexts, via_object=True)
            rows.append((_words(opt.get("objects") or [], f"object_senses.{verb}"), actor_object, sense))
        object_senses[verb] = rows
    contexts = read_data(DATA_DIR / "contexts.yaml")
    context_names = _words(contexts["names"], "contexts.names")
    context_cues: dict[str, set] = {}
    for name, words in (contexts.get("cues") or {}).items():
        if name not in context_names:
            raise ValueError(f"contexts.yaml cues: unknown PLOVER context {name!r}")
        for w in _words(words, f"contexts.cues.{name}"):
            context_cues.setdefault(w.lower(), set()).add(name)
    plover_modes = {t: _words(m, f"plover_modes.{t}") for t, m in (triggers.get("plover_modes") or {}).items()}
    mode_names = {t: dict(m) for t, m in (triggers.get("mode_names") or {}).items()}
    for t in list(plover_modes) + list(mode_names):
        if t not in PLOVER_TYPES:
            raise ValueError(f"triggers.yaml plover_modes/mode_names: unknown PLOVER type {t!r}")
    for t, names in mode_names.items():
        for ours, theirs in names.items():
            if theirs is not None and theirs not in plover_modes.get(t, ()):
                raise ValueError(f"triggers.yaml mode_names.{t}.{ours}: {theirs!r} is no PLOVER mode of {t}")
    senses = list(verbs.values()) + list(nouns.values()) + [x for o in phrasal.values() for x in o.values()] \
        + [x for rows in multi.values() for _, x in rows] + [x for rows in object_senses.values() for _, _, x in rows] \
        + [Sense("ASSAULT", m) for m in assault_modes.values()]
    for sense in senses:
        if sense.mode is not None and sense.mode not in plover_modes.get(sense.type, ()) \
                and sense.mode not in mode_names.get(sense.type, {}):
            raise ValueError(f"data/plover: mode {sense.mode!r} of {sense.type} is neither a PLOVER mode "
                             f"nor named in mode_names")
        for c in sense.contexts:
            if c not in context_names:
                raise ValueError(f"data/plover: context {c!r} of a {sense.type} trigger is no PLOVER context")
    status = {k: _words(v, f"status.{k}") for k, v in cues["status"].items()}
    for needed in ("planned_modals", "hypothetical_modals", "planned_heads", "ongoing_heads", "denied_heads",
                   "rumored_heads", "rumored_adverbs", "reported_adverbs", "reporting_verbs", "hypothetical_nouns", "planned_nouns",
                   "hypothetical_adjectives", "planned_adjectives", "rumored_adjectives"):
        if needed not in status:
            raise ValueError(f"cues.yaml status: missing {needed}")
    return Lexicon(
        verbs=verbs, phrasal=phrasal, nouns=nouns, multi_nouns=multi, object_senses=object_senses,
        assault_modes=assault_modes, light_verbs=_words(cues["light_verbs"], "light_verbs"),
        symmetric_types=_words(cues["symmetric_types"], "symmetric_types"), symmetric_triggers=_words(cues["symmetric_triggers"], "symmetric_triggers"),
        target_preps=_words(cues["target_preps"], "target_preps"), place_preps=_words(cues["place_preps"], "place_preps"),
        status=status, crowd_nouns=_words(cues["crowd_nouns"], "crowd_nouns"),
        protesting_crowds=_words(cues["protesting_crowds"], "protesting_crowds"),
        place_part_nouns=_words(cues["place_part_nouns"], "place_part_nouns"),
        descriptive_heads=_words(cues["descriptive_heads"], "descriptive_heads"),
        agreement_nouns=_words(cues["agreement_nouns"], "agreement_nouns"),
        plover_modes=plover_modes, mode_names=mode_names, context_names=context_names,
        context_cues={w: frozenset(c) for w, c in context_cues.items()},
        threat_heads=_words(cues["threat_heads"], "threat_heads"), planned_to_agree=_words(cues["planned_to_agree"], "planned_to_agree"),
        of_is_source=_words(cues["of_is_source"], "of_is_source"), deontic_modals=_words(cues["deontic_modals"], "deontic_modals"),
        blame_predicates=_words(cues["blame_predicates"], "blame_predicates"),
        accusation_verbs=_words(cues["accusation_frames"]["verbs"], "accusation_frames.verbs"),
        accusation_nouns=_words(cues["accusation_frames"]["nouns"], "accusation_frames.nouns"),
        planned_to_threaten=_words(cues["planned_to_threaten"], "planned_to_threaten"),
        hypothetical_to_threaten=_words(cues["hypothetical_to_threaten"], "hypothetical_to_threaten"),
        conditional_marks=_words(cues["conditional_marks"], "conditional_marks"),
        intransitive_verbs=_words(cues["intransitive_verbs"], "intransitive_verbs"),
        unknown_nouns=_words(cues["unknown_attackers"]["nouns"], "unknown_attackers.nouns"),
        unknown_qualifiers=_words(cues["unknown_attackers"]["qualifiers"], "unknown_attackers.qualifiers"),
        agentless_modes=_words(cues["unknown_attackers"]["agentless_modes"], "unknown_attackers.agentless_modes"),
        victim_roles={w: role for role, words in cues["generic_victims"].items()
                      for w in _words(words, f"generic_victims.{role}")},
        noun_qualifiers={k: _words(v, f"noun_qualifiers.{k}") for k, v in (triggers.get("noun_qualifiers") or {}).items()},
        repelling_verbs=_words(cues["repelling_verbs"], "repelling_verbs"),
        request_nouns=_words(cues["request_nouns"], "request_nouns"),
        labour_strike_cues=_words(cues["labour_strike_cues"], "labour_strike_cues"),
        preparing_heads=_words(cues["preparing_heads"], "preparing_heads"),
        assertive_requests=_words(cues["assertive_requests"], "assertive_requests"),
        talk_nouns=_words(cues["talk_nouns"], "talk_nouns"),
        errand_verbs=_words(cues["errand_verbs"], "errand_verbs"),
        non_event_compounds={k: _words(v, f"non_event_compounds.{k}") for k, v in cues["non_event_compounds"].items()},
        measure_nouns=_words(cues["measure_nouns"], "measure_nouns"),
        stance_participles=_words(cues["stance_participles"], "stance_participles"),
        pressure_nouns=_words(cues["pressure_nouns"], "pressure_nouns"),
        fact_finding_objects=_words(cues["fact_finding_objects"], "fact_finding_objects"),
        member_nouns=_words(cues["member_nouns"], "member_nouns"),
    )


# ---------------------------------------------------------------- doc index

@dataclass
class Endpoint:
    """One resolved event participant."""
    ref: ActorRef
    kind: Optional[str] = None
    from_place: Optional[PlaceMention] = None
    place_itself: bool = False   # the phrase names the place ("shelled Juba"), not a thing of it


def _token_range(doc: Doc, start_char: int, end_char: int) -> Optional[tuple[int, int]]:
    """(start, end) of `doc.char_span(start_char, end_char, alignment_mode="expand")`, or None when it
    is None: found by bisection over the token offsets, without making a Span and its Tokens."""
    attrs = token_attrs(doc)
    n_chars = len(doc_text(doc))
    if not (0 <= start_char < n_chars and 0 <= end_char - 1 < n_chars):
        return None   # a character no token covers
    # each token covers its text and the whitespace after it, so the token holding a character is
    # the last that starts at or before it
    offsets = attrs.idx
    start = bisect.bisect_right(offsets, start_char) - 1
    end = bisect.bisect_right(offsets, end_char - 1) - 1
    if start_char == offsets[start] + len(attrs.text[start]):
        start += 1   # the trailing whitespace of a token is not part of it
    if start > end + 1:   # a reversed range: let spaCy answer it as it does
        span = doc.char_span(start_char, end_char, alignment_mode="expand")
        return None if span is None else (span.start, span.end)
    return start, end + 1


class DocIndex:
    """Token-level lookups of what the earlier stages found."""

    def __init__(self, doc: Doc):
        self.doc = doc
        n = len(doc)
        self.actor_at: list[Optional[ActorMention]] = [None] * n
        self.place_at: list[Optional[PlaceMention]] = [None] * n
        self.date_spans = []   # (first token, last token, DateMention)
        # mentions sharing one span ("Hungarian and Romanian officials" resolved to both states)
        self.twins: dict[tuple[int, int], list[ActorMention]] = {}
        # a name the NER took for an organisation that nothing resolved (no country, no role, not in the
        # knowledge base) but the places stage geocoded is a place ("struck the convoy in the town of
        # X"): no party to an event
        # (the places stage may geocode one mention of a name and not another: matched by its text)
        toponyms = {p.mention for p in doc._.places or []}
        for m in doc._.actors or []:
            if not (m.country or m.sector or m.actor_id) and (m.mention in toponyms or m.name in toponyms):
                continue   # (also its later short forms: "al-Kubra" resolved to the NER's name)
            self.twins.setdefault((m.start, m.end), []).append(m)
            twins = self.twins[(m.start, m.end)]
            if len(twins) > 1:
                # in the order the text names them ("U.S. and Russian negotiators": the Americans first)
                twins.sort(key=_named_at)
            span = _token_range(doc, m.start, m.end)
            if span is None:
                continue
            for i in range(*span):
                cur = self.actor_at[i]
                if cur is None or (cur.end - cur.start) < (m.end - m.start):
                    self.actor_at[i] = m
        for p in doc._.places or []:
            span = _token_range(doc, p.start, p.end)
            if span is None:
                continue
            for i in range(*span):
                if self.place_at[i] is None:
                    self.place_at[i] = p
        for d in doc._.dates or []:
            if not getattr(d, "value", None) or getattr(d, "kind", "date") not in ("date", "vague"):
                continue
            span = _token_range(doc, d.start, d.end)
            if span is not None:
                self.date_spans.append((span[0], span[1] - 1, d))
        self.has_actors = bool(doc._.actors)
        self._main_country = False
        self.earlier_venues: dict[int, Optional[PlaceMention]] = {}   # sentence start -> _earlier_venue
        self.venue_candidates: dict[tuple[int, int], list[tuple]] = {}   # sentence -> _venue_candidates

    def main_country(self) -> Optional[str]:
        """The country most of the document's venues lie in (a short conflict note names one), for a
        crowd or victim whose own sentence names no place; None when no country is a clear majority."""
        if self._main_country is False:
            counts: dict[str, int] = {}
            for i, p in enumerate(self.place_at):
                if p is None or not p.country:
                    continue  # no venue here: no Token need be made
                x = self.doc[i]
                a = self.actor_at[x.i]
                # a capital read as its government ("Beirut said") is an actor, but "in Beirut's
                # Hamra district" is still a venue
                venue = a is None or (a.method == "metonym" and x.dep_ not in ("nsubj", "nsubjpass", "agent"))
                if p is not None and p.country and venue and not _modifier_place(x, self):
                    counts[p.country] = counts.get(p.country, 0) + 1
            ranked = sorted(counts.items(), key=lambda kv: -kv[1])
            self._main_country = ranked[0][0] if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]) \
                else None
        return self._main_country


def _named_at(m: ActorMention) -> int:
    """Where in its mention an actor's state is named (by name, alias or demonym); late if nowhere."""
    from dragoman.actors.kb import _packaged_kb
    st = _packaged_kb().states.get(m.country or "")
    if st is None:
        return 10**6
    words = [st.name] + list(st.aliases) + list(st.demonyms)
    found = [i for w in words for i in [m.mention.find(w)] if i >= 0 and (
        i + len(w) == len(m.mention) or not m.mention[i + len(w)].isalpha())]
    return min(found) if found else 10**6


def _country_name(code: str) -> str:
    try:
        import pycountry
        c = pycountry.countries.get(alpha_3=code)
        return getattr(c, "common_name", None) or c.name if c else code
    except Exception:  # pycountry missing or odd code: the code names it well enough
        return code


def _state_of_place(place: PlaceMention) -> Optional[Endpoint]:
    if not place.country:
        return None
    name = place.name if place.kind == "country" else _country_name(place.country)
    return Endpoint(ActorRef(name=name, country=place.country, sector="GOV"), kind="state", from_place=place)


# ---------------------------------------------------------------- triggers

def _lemma(t: Token) -> str:
    """The token's lemma, lowercased; a verb's repaired where the model cut it wrongly."""
    return _lemmas(token_attrs(t.doc))[t.i]


def _lemma_at(attrs, i: int) -> str:
    """`_lemma(doc[i])` read off the Doc's token_attrs lists (no Token made)."""
    return _lemmas(attrs)[i]


def _lemmas(attrs) -> list[str]:
    """`_lemma` of every token of a Doc, worked out once per Doc (the stage asks again and again)."""
    lemmas = attrs.derived.get("event lemmas")
    if lemmas is None:
        lemmas = attrs.derived["event lemmas"] = list(map(str.lower, attrs.lemma))
        known = _known_verbs()
        for i in compress(range(attrs.n), map(_INFLECTED_VERB_TAGS.__contains__, attrs.tag)):
            if lemmas[i] not in known:
                lemmas[i] = _repair_verb_lemma(attrs.lower[i], lemmas[i])
    return lemmas


_INFLECTED_VERB_TAGS = frozenset(("VBD", "VBN", "VBG", "VBZ"))


# (lexicon, verb lemmas, noun lemmas, either) for the lexicon last asked about: trigger_sense answers
# None for a verb or a noun whose lemma is in none of its tables, so code_events tests the lemma first
_TRIGGER_LEMMAS: list = [None, frozenset(), frozenset(), frozenset()]


def _trigger_lemmas(lex: Lexicon) -> tuple[frozenset, frozenset, frozenset]:
    """The lemmas trigger_sense can answer a sense for: (as a verb, as a noun, as either)."""
    if _TRIGGER_LEMMAS[0] is not lex:
        verbs = frozenset(lex.phrasal) | lex.accusation_verbs | frozenset(lex.object_senses) | frozenset(lex.verbs)
        nouns = frozenset(lex.nouns) | frozenset(lex.multi_nouns)
        _TRIGGER_LEMMAS[:] = [lex, verbs, nouns, verbs | nouns]
    return _TRIGGER_LEMMAS[1], _TRIGGER_LEMMAS[2], _TRIGGER_LEMMAS[3]


@lru_cache(maxsize=1)
def _known_verbs() -> frozenset:
    """Every verb lemma the lexicon names (triggers, object senses, light verbs, status heads)."""
    lex = lexicon()
    words = set(lex.verbs) | set(lex.phrasal) | set(lex.object_senses) | set(lex.light_verbs) \
        | set(lex.threat_heads) | set(lex.accusation_verbs) | set(OBJECT_CONTROL)
    for key in ("planned_heads", "ongoing_heads", "denied_heads", "rumored_heads", "reporting_verbs"):
        words |= set(lex.status[key])
    return frozenset(words)


@lru_cache(maxsize=4096)
def _repair_verb_lemma(form: str, lemma: str) -> str:
    """The model's lemmatizer sometimes cuts a regular verb wrongly ('staged' -> 'stag'): a lexicon
    verb that the inflected form regularly comes from is the lemma."""
    known = _known_verbs()
    for suffix, repl in (("ed", "e"), ("d", ""), ("ed", ""), ("ing", "e"), ("ing", ""), ("es", ""), ("s", ""),
                         ("ied", "y"), ("ies", "y")):
        if form.endswith(suffix) and form[: len(form) - len(suffix)] + repl in known:
            return form[: len(form) - len(suffix)] + repl
    return lemma


def _object_of(verb: Token) -> Optional[Token]:
    for c in verb.children:
        if c.dep_ in ("dobj", "nsubjpass"):
            return c
    return None


def _finite_verb_after_object(v: Token) -> Optional[Token]:
    """A finite verb without a subject right after v's object ('insisted unrest there reflected ...',
    parsed as object + conjunct): the object is really the subject of a that-less clause."""
    for c in v.children:
        if c.dep_ != "dobj":
            continue
        j, end = c.right_edge.i + 1, sentence_of(c).end
        while j < end and c.doc[j].dep_ == "advmod":
            j += 1
        if j < end:
            w = c.doc[j]
            if w.tag_ in ("VBD", "VBZ") and w.dep_ in ("conj", "ccomp", "ROOT") \
                    and not any(g.dep_ in ("nsubj", "nsubjpass") for g in w.children):
                return w
    return None


def _for_clause_mark(v: Token) -> Optional[Token]:
    """The 'for' that opens a clause right after a verb ('pressed hard for X to accept Y'), parsed as
    the marker of that clause rather than as the verb's preposition; None when there is none."""
    for c in v.children:
        if c.dep_ != "advcl" or c.i < v.i:
            continue
        for m in c.children:
            if m.dep_ == "mark" and m.lower_ == "for" and all(
                    x.dep_ == "advmod" and x.head.i == v.i for x in v.doc[v.i + 1:m.i]):
                return m
    return None


def trigger_sense(t: Token, lex: Lexicon, idx: DocIndex) -> Optional[Sense]:
    """The PLOVER sense this token triggers, or None."""
    pos, tag = t.pos_, t.tag_
    if pos == "VERB" or (tag.startswith("VB") and pos != "AUX"):
        lemma = _lemma(t)  # only verbs and nouns trigger: the others need no lemma
        # phrasal verbs: particle / preposition / fixed object among the children
        options = lex.phrasal.get(lemma)
        if options:
            for c in t.children:
                # "held X responsible": the parser makes the adjective a small clause (ccomp)
                # whose subject is X, or a modifier (amod) of the object X
                if c.dep_ in ("prt", "prep", "dobj", "acomp", "oprd", "dative") \
                        or (c.dep_ == "ccomp" and c.pos_ == "ADJ"):
                    key = _lemma(c)
                    if key in options:
                        return options[key]
                    for g in c.children:
                        if g.dep_ == "pobj" and f"{key} {_lemma(g)}" in options:
                            return options[f"{key} {_lemma(g)}"]
                        if g.dep_ == "amod" and c.dep_ == "dobj" and g.pos_ == "ADJ" and _lemma(g) in options:
                            return options[_lemma(g)]
            # "called for the army to leave", "pushed hard for X to accept": the parse makes the
            # preposition the marker of the clause after it (only adverbs may stand between)
            mark = _for_clause_mark(t)
            if mark is not None and _lemma(mark) in options:
                return options[_lemma(mark)]
        if lemma in lex.accusation_verbs and any(
                _lemma(g) in lex.accusation_nouns for c in t.children if c.dep_ in ("prep", "oprd", "advcl")
                and (_lemma(c) == "as" or c.dep_ == "oprd") for g in ([c] + list(c.children))):
            return Sense("ACCUSE", None, ())   # "described the strike as an aggression"
        rows = lex.object_senses.get(lemma)
        if rows:
            # "allowed candidate X to participate": the complement's subject is the one allowed
            obj = _object_of(t) or next((g for c in t.children if c.dep_ in ("ccomp", "xcomp")
                                         for g in c.children if g.dep_ == "nsubj"), None)
            if obj is not None:
                words = {_lemma(obj)} | {_lemma(c) for c in obj.children if c.dep_ in ("compound", "amod")} \
                    | {_lemma(g) for g in _pobjs(obj, {"of"})}   # "5 million dollars of aid"
                for objects, actor_object, sense in rows:
                    if objects & words:
                        return sense
                    if actor_object and idx.actor_at[obj.i] is not None and not any(
                            c.dep_ in ("prt", "prep") and _lemma(c) in ("on", "for", "upon", "off") for c in t.children):
                        return sense
        if lemma in lex.verbs:
            if lemma in lex.intransitive_verbs and any(c.dep_ in ("ccomp", "dobj") for c in t.children):
                return None   # "demonstrated that ...", "demonstrated its resolve": showing, not protesting
            if lex.verbs[lemma].type == "REQUEST" and lemma in lex.assertive_requests and any(
                    c.dep_ == "ccomp" and (c.tag_ in ("VBD", "VBZ") or any(
                        a.dep_ in ("aux", "auxpass") and a.tag_ in ("VBD", "VBZ") for a in c.children))
                    and not any(a.dep_ == "aux" and a.lower_ in lex.deontic_modals for a in c.children)
                    for c in t.children):
                return None   # "insisted the unrest reflected old tensions": an assertion, not a demand
            if lex.verbs[lemma].type == "REQUEST" and lemma in lex.assertive_requests \
                    and _finite_verb_after_object(t) is not None:
                return None   # the same, with the clause's subject parsed as the verb's object
            return lex.verbs[lemma]
        return None
    if pos in ("NOUN", "PROPN") or tag.startswith("NN"):
        lemma = _lemma(t)
        if lemma not in lex.nouns and lemma not in lex.multi_nouns:
            return None  # no event noun of either table: every test below would end in None
        if t.ent_type_ in ("DATE", "TIME", "PERSON", "GPE", "LOC", "FAC") or idx.place_at[t.i] is not None \
                or (idx.actor_at[t.i] is not None and not _bare_word_mention(idx.actor_at[t.i], t)):
            return None   # "March", "Strike Force ...", "Camp Attack": a name, not an event
        for prefix, sense in lex.multi_nouns.get(lemma, ()):
            n = len(prefix)
            if t.i - n >= 0 and tuple(_lemma(x) for x in t.doc[t.i - n:t.i]) == prefix:
                return sense
        sense = lex.nouns.get(lemma)
        if sense is None:
            return None
        if any(c.dep_ == "compound" and _lemma(c) in lex.non_event_compounds.get(lemma, ()) for c in t.children):
            return None   # "a press release", "a news conference": a document or a gathering of the press
        if lemma == "strike" and t.dep_ == "pobj" and t.head.lower_ == "on":
            return Sense("PROTEST", "strike", ())   # "went on strike"
        if lemma == "strike" and any(_lemma(x) in lex.labour_strike_cues for c in t.lefts for x in c.subtree):
            return Sense("PROTEST", "strike", ())   # "a four-day strike", "a general strike by teachers"
        qualifiers = lex.noun_qualifiers.get(lemma)
        if qualifiers is not None and not any(_lemma(c) in qualifiers for c in t.children
                                              if c.dep_ in ("amod", "compound", "nmod")):
            return None
        return sense
    return None


# ---------------------------------------------------------------- actors of a phrase

def _phrase_heads(t: Token) -> list[Token]:
    """The head and its coordinated heads: 'Russia and Syria' -> [Russia, Syria]."""
    out, todo = [], [t]
    while todo:
        x = todo.pop(0)
        if x in out:
            continue
        out.append(x)
        todo.extend(c for c in x.children if c.dep_ == "conj")
    return out


def _modifier_tokens(t: Token, preps=frozenset()):
    """Tokens of t's own phrase: modifiers and appositions, and complements of `preps`; no clauses."""
    doc = t.doc
    for i in _modifier_indices(token_attrs(doc), t.i, preps):
        yield doc[i]


def _modifier_indices(attrs, i: int, preps):
    """`_modifier_tokens` walked by index: a Token is made only for the tokens it yields."""
    dep = attrs.dep
    for c in attrs.children[i]:
        if dep[c] in CLAUSE_DEPS and not (dep[c] == "conj" and dep[i] in ("amod", "compound", "nmod")):
            continue
        if dep[c] == "prep" and _lemma_at(attrs, c) not in preps:
            continue
        yield c
        yield from _modifier_indices(attrs, c, preps)


# Complements that name who a generic head stands for ("the government in Damascus",
# "officials from Syria", "the head of the army"): looked at when the modifiers name no one.
OWNER_PREPS = frozenset({"of", "from", "in", "for", "by"})


def endpoints(t: Optional[Token], idx: DocIndex, lex: Lexicon) -> list[Endpoint]:
    """The actors a phrase headed by t refers to (one per coordinated head)."""
    if t is None:
        return []
    out: list[Endpoint] = []
    for h in _phrase_heads(t):
        found = _head_endpoints(h, idx)
        out.extend(found)
        if found and idx.actor_at[h.i] is None:
            # "members of A and B": the coordination sits inside the "of" phrase
            for g in _pobjs(h, {"of"}):
                if idx.actor_at[g.i] is not None:
                    for c in _phrase_heads(g)[1:]:
                        out.extend(_head_endpoints(c, idx))
    seen, uniq = set(), []
    for ep in out:
        k = (actor_key(ep.ref), ep.ref.actor_id)   # two named factions of one country stay two
        if k not in seen:
            seen.add(k)
            uniq.append(ep)
    return uniq


def _bare(m: ActorMention) -> bool:
    """A mention of common nouns only ('forces', 'the protesters'): its actor was inferred from
    the context, not named, so a name in the phrase's own modifiers is better evidence."""
    return not any(c.isupper() for c in m.mention)


def _bare_word_mention(m: ActorMention, t: Token) -> bool:
    """An event noun the actors stage took for a group by itself ('airstrikes'): still an event."""
    words = m.mention.strip().lower().split()
    return _bare(m) and bool(words) and words[-1] == t.lower_   # ("air strikes" taken for a group)


CLAIM_NOUNS = {"allegation", "accusation", "claim", "charge", "suspicion", "complaint"}
HOLDING_VERBS = {"hold", "control", "occupy", "defend", "man"}
SUPPORTER_NOUNS = {"supporter", "follower", "loyalist", "partisan", "sympathizer", "sympathiser", "backer"}
OUT_OF_POWER = {"former", "ousted", "deposed", "exiled", "jailed", "imprisoned", "opposition", "late"}


def _in_appositive_of_actor(x: Token, stop: Token, idx: DocIndex) -> bool:
    """x lies in an appositive of an actor mention, below `stop`."""
    a = x
    while a.i != stop.i and a.head.i != a.i:
        if a.dep_ == "appos" and idx.actor_at[a.head.i] is not None and idx.actor_at[a.head.i] is not idx.actor_at[x.i]:
            return True
        a = a.head
    return False


def _opposed(x: Token) -> bool:
    """'anti-Houthi forces', 'an anti-IS raid': the name after 'anti-' is the enemy, not the actor."""
    doc = x.doc
    return x.lower_.startswith("anti-") or (x.i >= 1 and doc[x.i - 1].lower_ == "anti") or (
        x.i >= 2 and doc[x.i - 1].text == "-" and doc[x.i - 2].lower_ == "anti")


def _head_endpoints(h: Token, idx: DocIndex) -> list[Endpoint]:
    m = idx.actor_at[h.i]
    if m is not None and not (m.country or m.sector or m.actor_id) and idx.place_at[h.i] is not None:
        m = None   # "shelled Ash Shurfah", "the village of Qarfel": a name no actor is known by, which
        # the gazetteer places, is the place
    if m is not None and _bare(m):
        # "Turkish Military forces" with "forces" resolved from context: the named modifier wins
        for preps in (frozenset(), frozenset({"from", "of"})):   # "forces from six X brigades"
            mods = list(_modifier_tokens(h, preps))
            named = [idx.actor_at[x.i] for x in mods if idx.actor_at[x.i] is not None
                     and idx.actor_at[x.i] is not m and not _bare(idx.actor_at[x.i]) and not _opposed(x)]
            if named and not any(n.country or n.sector or n.actor_id for n in named):
                # "the 35th brigade (Islamic Dawa Party) of the PMF": a name nothing resolved in the
                # bracket describes the unit; the known force the unit belongs to is who acted or was hit
                owner = [idx.actor_at[g.i] for x in [h] + [x for x in mods if x.dep_ == "appos"]
                         for g in _pobjs(x, {"of"}) if idx.actor_at[g.i] is not None and not _bare(idx.actor_at[g.i])
                         and (idx.actor_at[g.i].country or idx.actor_at[g.i].actor_id)]
                named = owner[:1] or named
            if named:
                named = list({id(n): n for n in named}.values())
                if len(named) > 1 and any(c.dep_ == "cc" for x in mods for c in x.children):
                    # "Houthi and pro-Hadi forces": coordinated names, one force each
                    return [Endpoint(n.ref(), n.kind) for n in named]
                return [Endpoint(named[0].ref(), named[0].kind)]
    if m is not None and m.method == "role-default" and m.country and not any(c.dep_ == "poss" for c in h.children):
        moved = _venue_group(h, m.mention, m.sector, m.kind, idx, m.country)
        if moved is not None:
            return [moved]
    if m is not None:
        out = [Endpoint(x.ref(), x.kind) for x in idx.twins.get((m.start, m.end), [m])]
        # coordinated modifiers name further actors: "Hungarian and Romanian officials"
        for c in h.children:
            if c.dep_ in ("amod", "compound", "nmod"):
                for g in c.children:
                    if g.dep_ == "conj" and idx.actor_at[g.i] is not None and idx.actor_at[g.i] is not m:
                        out.append(Endpoint(idx.actor_at[g.i].ref(), idx.actor_at[g.i].kind))
                o = idx.actor_at[c.i]
                if o is not None and o is not m and not _bare(o) and any(g.dep_ == "cc" for g in c.children):
                    # "A and B" misparsed as A modifying B: "Hamza Division and Sultan Murad Division"
                    out.insert(0, Endpoint(o.ref(), o.kind))
        return out
    p = idx.place_at[h.i]
    if p is not None:
        ep = _state_of_place(p)
        if ep is not None:
            ep.place_itself = True
        return [ep] if ep else []
    lex = lexicon()
    if _lemma(h) in lex.unknown_nouns and any(c.lower_ in lex.unknown_qualifiers for c in h.children
                                              if c.dep_ in ("amod", "compound")):
        return []   # "an unidentified armed group in X": unnamed, whatever its modifiers say
    owners = [h] + _pobjs(h, {"of"})   # "a member of the regime's X", "a regime's division member's car"
    k = 0
    while k < len(owners) < 6:
        owners += [c for c in owners[k].children if c.dep_ == "poss"]
        k += 1
    for c in [c for x in owners for c in x.children]:
        if c.dep_ in ("compound", "poss") and c.i < c.head.i and idx.actor_at[c.i] is None \
                and _group_noun(c.lower_) is not None and _group_noun(c.lower_)[1] == "state":
            # "a regime vehicle", "the regime's intelligence": the state the document's venues lie in
            moved = _venue_group(c, c.text, "GOV", "state", idx, None)
            if moved is not None:
                return [moved]
    if _lemma(h) in SUPPORTER_NOUNS:
        # "supporters of former President X": X's followers, not X (out of power: the opposition)
        leaders = [idx.actor_at[g.i] for g in _pobjs(h, {"of"}) if idx.actor_at[g.i] is not None]
        if leaders and leaders[0].kind == "person" and leaders[0].country:
            lead = leaders[0]
            ousted = any(x.lower_ in OUT_OF_POWER for g in _pobjs(h, {"of"}) for x in g.subtree)
            return [Endpoint(ActorRef(name=f"Supporters of {lead.name}", country=lead.country,
                                      sector="OPP" if ousted or lead.sector == "OPP" else "CVL"), kind="group")]
    for preps in (frozenset(), OWNER_PREPS):
        tokens = sorted(_modifier_tokens(h, preps), key=lambda x: x.i)
        found = []
        for x in tokens:
            m = idx.actor_at[x.i]
            if m is not None and _in_appositive_of_actor(x, h, idx):
                continue   # "calls by Kofi Annan, UN secretary-general": the office names the same man
            if m is not None and all(m is not f for f in found):
                found.append(m)
        # the phrase's own modifiers ("Russian and Syrian warplanes") name its actors; a possessor
        # yields to them ("Osama bin Laden's al-Qaeda network" is al-Qaeda)
        owners = {id(idx.actor_at[x.i]) for x in tokens if x.dep_ != "poss" and idx.actor_at[x.i] is not None
                  and not any(a.dep_ == "poss" for a in x.ancestors if a.i != h.i and a in tokens)}
        if owners and len(found) > 1:
            found = [m for m in found if id(m) in owners] or found
        if found:
            return [Endpoint(m.ref(), m.kind) for m in found]
        places = []
        for x in tokens:
            p = idx.place_at[x.i]
            if x.dep_ in ("compound", "amod", "nmod") and x.head.i != h.i and idx.place_at[x.head.i] is None:
                continue   # "against the US dollar exchange rate": the place modifies a thing, not h
            if p is not None and all(p is not f for f in places):
                places.append(p)
        if places:   # "the Damascus government": the state of the place
            return [ep for ep in (_state_of_place(p) for p in places[:1]) if ep]
    if h.i > 0 and h.pos_ in ("NOUN", "PROPN") and idx.actor_at[h.i - 1] is not None and \
            h.doc[h.i - 1].head.i != h.i:
        # a premodifier the parser missed ("IS militants" parsed as a verb and its object)
        m = idx.actor_at[h.i - 1]
        return [Endpoint(m.ref(), m.kind)]
    if m is None and h.pos_ == "NOUN" and not any(c.dep_ in ("amod", "compound", "poss", "nmod") and
                                                  c.pos_ in ("PROPN", "ADJ") and c.text[:1].isupper()
                                                  for c in h.children):
        # "regime forces shelled X" where the actors stage knew no country: the group belongs to
        # the country the document's venues lie in
        mods = [x for x in h.lefts if x.dep_ in ("compound", "amod") and x.i >= h.i - 2]
        phrase = " ".join([x.lower_ for x in mods] + [h.lower_])
        noun = _group_noun(phrase) or _group_noun(h.lower_)
        if noun is not None:
            moved = _venue_group(h, phrase if _group_noun(phrase) else h.lower_, noun[0], "group", idx, None)
            if moved is not None:
                return [moved]
    if (not idx.has_actors and h.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")) or (
            h.ent_type_ == "ORG" and h.pos_ == "PROPN" and idx.place_at[h.i] is None):
        # minimal fallback while no actor is resolved in the document: the named entity, stateless
        ent = next((e for e in h.doc.ents if e.start <= h.i < e.end), None)
        if ent is not None:
            return [Endpoint(ActorRef(name=ent.text), None)]
    return []


# ---------------------------------------------------------------- groups placed by venue

# Sectors of unnamed groups that belong to the country where they act ("forces", "protesters",
# "regime forces"); others ("diplomats", "journalists") are too often foreigners to guess.
VENUE_GROUP_SECTORS = {"MIL", "COP", "REB", "CVL", "OPP"}
# "the regime", "the government": the state itself (kind state), placed the same way.
VENUE_STATE_NOUNS = {"regime", "government"}


@lru_cache(maxsize=1)
def _group_nouns() -> dict:
    from dragoman.actors.kb import _packaged_kb
    nouns = {k.lower(): (v.sector, v.kind) for k, v in _packaged_kb().lexicon.role_nouns.items()
             if v.kind == "group" and v.sector in VENUE_GROUP_SECTORS and not v.needs_country}
    nouns.update({k: ("GOV", "state") for k in VENUE_STATE_NOUNS})
    return nouns


@lru_cache(maxsize=1)
def _demonyms() -> dict:
    """Demonym -> state code, from the actors knowledge base ("Turkish" -> TUR)."""
    from dragoman.actors.kb import _packaged_kb
    return {d: code for code, st in _packaged_kb().states.items() for d in st.demonyms}


def _group_noun(phrase: str) -> Optional[tuple]:
    return _group_nouns().get(phrase.strip())


def _venue_group(h: Token, mention: str, sector: Optional[str], kind: Optional[str], idx: DocIndex,
                 guessed: Optional[str]) -> Optional[Endpoint]:
    """An unnamed group ('protesters', 'regime forces') whose country the actors stage could only guess
    from the article's focus: the country most of the document's venues lie in (the places stage's
    reading) is better evidence. None when there is no such country or it agrees with the guess."""
    country = idx.main_country()
    if country is None or country == guessed or (sector not in VENUE_GROUP_SECTORS and kind != "state"):
        return None
    name = _country_name(country) if kind == "state" else \
        f"{mention.strip()[:1].upper()}{mention.strip()[1:]} ({_country_name(country)})"
    return Endpoint(ActorRef(name=name, country=country, sector=sector), kind=kind or "group")


# ---------------------------------------------------------------- arguments

def _subject_tokens(v: Token, depth: int = 0) -> tuple[list[Token], list[Token], bool]:
    """(agents, patients-from-subject, passive) for a verb, following control and coordination."""
    doc = v.doc
    attrs = token_attrs(doc)   # by index: Tokens only for those kept
    dep, children = attrs.dep, attrs.children
    kids = children[v.i]
    subj = [doc[c] for c in kids if dep[c] in ("nsubj", "csubj", "expl")]
    passive_subj = [doc[c] for c in kids if dep[c] == "nsubjpass"]
    agents = [doc[g] for c in kids if dep[c] == "agent" for g in children[c] if dep[g] == "pobj"]
    if passive_subj:
        return agents, passive_subj, True
    if agents and not subj and v.dep_ in ("advcl", "conj") and v.tag_ == "VBN":
        # "a man's body was found ..., killed by unknown gunmen": the participle's patient is the
        # subject of the clause it hangs on
        return agents, [c for c in v.head.children if c.dep_ in ("nsubjpass", "nsubj")], True
    if subj:
        # two subjects is a parse error ("HOMS (Sputnik) On Thursday the United States launched"):
        # the one nearest before the verb is its subject
        s = max(subj, key=lambda c: c.i if c.i < v.i else -1) if len(subj) > 1 else subj[0]
        if s.lower_ in RELATIVE_PRONOUNS and v.dep_ == "relcl":
            return [v.head], [], False
        return [s], [], False
    for c in v.children:
        if c.dep_ in ("advcl", "parataxis") and c.i < v.i and any(p.text == "(" for p in c.children) and any(
                g.dep_ == "nsubj" and g.i < c.i for g in c.children):
            # "pro-Hadi forces (coded as Southern Resistance) responded": the parse gives the subject to
            # the bracketed aside; it is the subject of the verb after it
            return [g for g in c.children if g.dep_ == "nsubj" and g.i < c.i][:1], [], False
    if v.dep_ == "ROOT":
        fronted = _fronted_appositive(v)
        if fronted is not None:
            return [fronted], [], False
    if depth > 3:
        return [], [], False
    if v.dep_ == "relcl":
        return [v.head], [], False
    if v.dep_ in ("acomp", "attr") and v.head.pos_ in ("VERB", "AUX"):
        return _subject_tokens(v.head, depth + 1)   # "X is willing / ready to ..."
    if v.dep_ == "acl":
        if v.tag_ == "VBN" and not any(c.dep_ == "dobj" for c in v.children):
            return agents, [v.head], True
        return [v.head], [], False
    if v.dep_ == "xcomp":
        head = v.head
        raised = [c for c in head.children if c.dep_ == "nsubjpass"]
        if raised and not any(c.dep_ == "agent" for c in head.children):
            return raised, [], False   # "X is expected / said / set to withdraw"
        if _lemma(head) in OBJECT_CONTROL:
            obj = [c for c in head.children if c.dep_ in ("dobj", "dative")]
            if obj:
                return obj, [], False
        return _subject_tokens(head, depth + 1)
    if v.dep_ == "conj" and v.head.pos_ in ("VERB", "AUX") and not any(c.dep_ == "auxpass" for c in v.children) \
            and v.tag_ != "VBN":   # ("were killed or wounded": the participle shares the passive)
        a, p, passive = _subject_tokens(v.head, depth + 1)
        if passive and p:
            return p, [], False   # "X has been indicted by Y and will resign": X resigns
    if v.dep_ in ("conj", "advcl") and v.head.pos_ in ("VERB", "AUX"):
        a, p, passive = _subject_tokens(v.head, depth + 1)
        return (a, [], False) if not passive else (a, [], False) if a else ([], [], False)
    return agents, [], bool(agents)


def _fronted_appositive(v: Token) -> Optional[Token]:
    """The subject the parse hung on a fronted place: in 'In northeastern Syria, the SDF (...), which
    ..., are still in negotiations with ...' the small model makes the SDF an appositive of Syria
    and leaves the verb without a subject."""
    sent_start = sentence_of(v).start
    for c in v.children:
        if c.dep_ != "prep" or c.i != sent_start or c.i > v.i:
            continue
        for pobj in (g for g in c.children if g.dep_ == "pobj"):
            for a in pobj.children:
                if a.dep_ == "appos" and a.i < v.i and a.pos_ in ("PROPN", "NOUN"):
                    return a
            # "With the signing of a memorandum ..., the government and the rebels have agreed": the
            # subject hung on the fronted phrase as a conjunct after its closing comma
            for a in pobj.subtree:
                if a.dep_ == "conj" and a.i < v.i and a.pos_ in ("PROPN", "NOUN") and a.left_edge.i > c.i \
                        and v.doc[a.left_edge.i - 1].text == "," and not any(
                            x.text == "," for x in v.doc[a.i + 1:v.i]):
                    return a
    return None


def _prep_objects(t: Token, lex: Lexicon, allowed=None) -> list[Token]:
    out = []
    for c in t.children:
        if c.dep_ in ("prep", "prt") and _lemma(c) in (allowed or lex.target_preps):
            out.extend(_pobjs(t, {_lemma(c)}) if c.dep_ == "prep" and not any(True for _ in c.children)
                       else [g for g in c.children if g.dep_ == "pobj"])   # (an object the parser misplaced)
            if _lemma(c) == "between":
                out.extend(g for g in c.children if g.dep_ == "pobj")
    return out


def _verb_targets(v: Token, lex: Lexicon) -> list[Token]:
    objs = [c for c in v.children if c.dep_ in ("dobj", "dative", "attr", "oprd")]
    # "kidnapped up to 16 advisers", parsed as a particle and a preposition: the quantity's noun
    objs += [g for c in v.children if c.dep_ == "prt" and c.lower_ == "up" for g in _pobjs(c, {"to"})]
    objs += _prep_objects(v, lex)
    return objs


def _pobjs(t: Token, preps) -> list[Token]:
    doc = t.doc
    attrs = token_attrs(doc)
    children = attrs.children   # by index: Tokens only for what is returned
    dep = attrs.dep
    out = []
    for c in children[t.i]:
        if dep[c] not in ("prep", "prt") or _lemma_at(attrs, c) not in preps:
            continue
        found = [doc[g] for g in children[c] if dep[g] == "pobj"]
        if not found and dep[c] == "prep" and not children[c] and c + 1 < attrs.n:
            # "granted asylum to five officers holed up in ...": the parser made the preposition's object
            # the subject of the clause that follows it
            found = [x for x in doc[c + 1:sentence_of(doc[c]).end] if x.dep_ == "nsubj" and x.left_edge.i == c + 1
                     and x.head.head.i == t.i][:1]
        out.extend(found)
    return out


def _noun_arguments(n: Token, sense: Sense, lex: Lexicon, idx: DocIndex) -> tuple[list[list[Token]], list[Token]]:
    """(candidate source groups, best first; target tokens) of a nominal event."""
    of_source = sense.type in lex.of_is_source
    own_preps = lex.target_preps - {"of", "from"}
    groups: list[list[Token]] = []
    own = idx.actor_at[n.i]   # "air strikes" taken for a group by the actors stage: no actor of its own
    groups.append([c for c in n.children if c.dep_ in ("poss", "nmod", "compound", "amod", "npadvmod")
                   and (own is None or idx.actor_at[c.i] is not own) and not _opposed(c)] + _pobjs(n, {"by"}))
    if of_source:
        groups.append(_pobjs(n, {"of"}))
    targets = _pobjs(n, own_preps) + ([] if of_source else _pobjs(n, {"of"}))
    # "an anti-IS raid": whom the act is against
    targets += [c for c in n.children if c.dep_ in ("nmod", "compound", "amod") and _opposed(c)
                and idx.actor_at[c.i] is not None]
    # a trigger that modifies a plain noun ("threat messages") acts through that noun's role
    role = n
    if n.dep_ == "compound" and idx.actor_at[n.head.i] is None and n.head.pos_ in ("NOUN", "PROPN"):
        role = n.head
    if role.dep_ == "pobj" and role.head.lower_ == "of" and _lemma(role.head.head) in lex.measure_nouns:
        role = role.head.head   # "launched 10 days of war games", "carried out a series of raids"
    head = role.head
    if role.dep_ in ("dobj", "attr") and head.pos_ in ("VERB", "AUX") and (
            _lemma(head) in lex.light_verbs or _lemma(head) in lex.threat_heads):
        groups.append(_subject_tokens(head)[0])
        targets += _pobjs(head, own_preps)
    elif role.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ in ("VERB", "AUX") \
            and (_lemma(head.head) in lex.light_verbs or _lemma(head.head) in lex.threat_heads):
        agents, patients, _ = _subject_tokens(head.head)
        # "Serb forces were engaged in ethnic cleansing": the stative passive's subject acts
        groups.append(agents or (patients if _lemma(head.head) in ("engage", "involve") else []))
        if patients and _lemma(head.head) not in ("engage", "involve"):
            targets += patients   # "X has been put under investigation": X is investigated
        targets += _pobjs(head.head, {"against"})
    elif role.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ == "for" and head.head.pos_ == "VERB" \
            and _lemma(head.head) in lex.errand_verbs:
        # "negotiators return to Geneva for talks", "crowds gathered for a rally": who went for it
        groups.append(_subject_tokens(head.head)[0])
    elif role.dep_ == "nsubj" and head.pos_ in ("VERB", "AUX"):
        targets += _pobjs(head, {"against", "on", "with"})
        groups.append(_pobjs(head, {"between"}))
    if sense.mode == "mediate":
        # "a mediation effort between A and B": the parties are the counterparts, not the mediators
        targets += _pobjs(n, {"between"}) + (_pobjs(role, {"between"}) if role is not n else []) \
            + (_pobjs(head, {"between"}) if role.dep_ == "dobj" else [])
    else:
        groups.append(_pobjs(n, {"between"}))
        # "an armed fight ensued between A and B", "clashes that broke out between A and B"
        groups.append([g for c in n.children if c.dep_ in ("acl", "relcl") and c.pos_ == "VERB"
                       for g in _pobjs(c, {"between"})])
    if not targets and role.dep_ == "dobj" and _lemma(head) in lex.light_verbs:
        # "reiterated its demand that X ease ...", parsed with the clause on the verb
        targets = [g for c in head.children if c.dep_ == "ccomp" for g in c.children if g.dep_ == "nsubj"]
    if not targets and sense.type == "ASSAULT" and role.dep_ == "dobj" and _lemma(head) in lex.light_verbs:
        # "has been staging air strikes ..., targeting X": what the strikes aim at
        targets = [g for c in head.subtree if c.dep_ in ("advcl", "acl") and c.pos_ == "VERB"
                   and c.i > n.i and lex.verbs.get(_lemma(c)) is not None
                   and lex.verbs[_lemma(c)].type == "ASSAULT" for g in c.children if g.dep_ == "dobj"][:2]
    if not targets:
        # "intention to elevate relations with X": the complement clause's counterpart
        for c in n.children:
            if c.dep_ in ("acl", "relcl") and c.pos_ == "VERB":
                targets = _verb_targets(c, lex)
                if targets:
                    break
    return groups, targets


# ---------------------------------------------------------------- status, date, place

def _anchor(t: Token) -> Token:
    """The verb a trigger's status hangs on: itself for a verb, the governing verb for a noun."""
    attrs = token_attrs(t.doc)   # the head chain by index: no Token is made on the way
    pos, head = attrs.pos, attrs.head
    i, hops = t.i, 0
    while pos[i] not in ("VERB", "AUX") and head[i] != i and hops < 4:
        i = head[i]
        hops += 1
    if i == t.i or pos[i] not in ("VERB", "AUX"):
        return t
    return t.doc[i]


def _own_cues(v: Token, lex: Lexicon) -> Optional[str]:
    st = lex.status
    attrs = token_attrs(v.doc)   # the dependents read by index: no Token is made
    dep, lower = attrs.dep, attrs.lower
    kids = token_attrs(v.doc).children[v.i]
    if any(dep[c] == "neg" for c in kids):
        return "denied"
    for c in kids:
        if dep[c] in ("aux", "auxpass"):
            w = lower[c]
            if w in st["hypothetical_modals"]:
                return "hypothetical"
            if w in st["planned_modals"]:
                return "planned"
        if dep[c] == "advmod" and lower[c] in st["rumored_adverbs"]:
            return "rumored"
        if dep[c] == "advmod" and lower[c] in st["reported_adverbs"]:
            return "reported"
    if attrs.tag[v.i] == "VBG" and any(dep[c] == "aux" and _lemma_at(attrs, c) == "be" for c in kids):
        return "ongoing"
    if any(dep[c] == "aux" and lower[c] == "going" for c in kids):
        return "planned"
    return None


# Subordinators of a clause that states its own fact, whatever the main clause plans or denies.
FACTUAL_SUBORDINATORS = {"as", "while", "when", "after", "because", "since", "although", "though", "whereas"}


def _asked(t: Token) -> bool:
    """t stands in a question: a "?" closes its clause ("Or is it a chance to ...? he asked"
    is one sentence to the splitter, and a question quoted from a speaker asks as well)."""
    texts = token_attrs(t.doc).text   # the words after t by index: no Token is made for them
    for i in range(t.i + 1, sentence_of(t).end):
        if texts[i] == "?":
            return True
        if texts[i] in (".", "!", ";"):
            return False
    return False


def event_status(t: Token, source: Optional[ActorRef], lex: Lexicon, idx: DocIndex) -> str:
    if _asked(t):
        # "Or is it a chance to drive them out under Russian strikes?": a question supposes
        # what it asks about; it reports nothing as having happened
        return "hypothetical"
    st = lex.status
    node = t
    # a nominal event under a planning noun ("intention to visit", "possibility of talks")
    if t.pos_ in ("NOUN", "PROPN"):
        h = t.head
        for _ in range(3):
            if _lemma(h) in st["hypothetical_nouns"]:
                return "hypothetical"
            if _lemma(h) in st["planned_nouns"]:
                return "planned"
            if h.head.i == h.i:
                break
            h = h.head
        for c in t.children:
            if c.dep_ in ("amod", "advmod"):
                w = c.lower_
                if w in st["hypothetical_adjectives"]:
                    return "hypothetical"
                if w in st["planned_adjectives"]:
                    return "planned"
                if w in st["rumored_adjectives"]:
                    return "rumored"
    node = _anchor(t)
    found = _own_cues(node, lex)
    if found == "hypothetical" and node.dep_ == "ccomp" and _lemma(node.head) in st["reporting_verbs"] \
            and any(c.lower_ in ("would", "'d") for c in node.children):
        return "planned"   # "X said it would ...": the future of a past statement
    if found:
        return found
    hops = 0
    while node.dep_ in ("xcomp", "ccomp", "pcomp", "acl", "conj", "pobj", "prep", "dobj", "advcl") and hops < 5:
        if node.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in FACTUAL_SUBORDINATORS for c in node.children):
            break   # "prepared to impose martial law as street battles raged": the battles are a fact
        head = node.head
        hops += 1
        lemma = _lemma(head)
        if node.dep_ in ("xcomp", "ccomp", "pcomp", "acl", "pobj", "prep", "dobj"):
            if lemma in st["planned_nouns"]:
                return "planned"
            if lemma in st["hypothetical_nouns"]:
                return "hypothetical"
            if lemma in st["denied_heads"] or (lemma == "rule" and any(_lemma(c) == "out" for c in head.children)):
                return "denied"
            if lemma in st["rumored_heads"]:
                return "rumored"
            if lemma in st["planned_heads"] and node.dep_ in ("xcomp", "ccomp", "acl", "pcomp"):
                return _own_cues(head, lex) or "planned"
            if lemma in st["ongoing_heads"]:
                return _own_cues(head, lex) or "ongoing"
            if lemma in st["reporting_verbs"] and node.dep_ == "ccomp":
                speaker = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")]
                speakers = endpoints(speaker[0], idx, lex) if speaker else []
                if not (source and any(actor_key(s.ref) == actor_key(source) for s in speakers)):
                    return _own_cues(head, lex) if _own_cues(head, lex) == "denied" else "reported"
        if node.dep_ == "advcl" and lemma in st["planned_heads"] and any(
                c.dep_ == "aux" and c.lower_ == "to" for c in node.children):
            return _own_cues(head, lex) or "planned"   # "have sworn to fight", parsed as a purpose clause
        if node.dep_ == "advcl" and _own_cues(head, lex) == "planned" and any(
                c.dep_ == "aux" and c.lower_ == "to" for c in node.children):
            return "planned"   # "will visit X to mediate": the purpose of a planned act is planned
        if node.dep_ in ("xcomp", "advcl") and any(c.dep_ == "dobj" and _lemma(c) in st["planned_nouns"]
                                                   for c in head.children):
            return "planned"   # "unveiled a roadmap to enhance ...", "announced a plan to ..."
        cue = _own_cues(head, lex)
        if cue in ("denied", "hypothetical", "rumored"):
            return cue
        node = head
    sent = sentence_of(t)
    lower = token_attrs(sent.doc).lower
    if any(lower[i] == "according" and i + 1 < sent.end and lower[i + 1] == "to" for i in range(sent.start, sent.end)):
        return "reported"
    return "occurred"


# "fought X before joining the army in 2006": a clause after these tells of an earlier or later
# happening, whose date is its own
SEQUENCE_PREPS = {"before", "after", "since", "until"}


def _attached(x: Token, anchors: set, hops: int = 4) -> bool:
    """x hangs on one of the anchors within `hops` links, through no other clause's verb
    ('battered Idlib despite a ceasefire brokered in December': December is the ceasefire's)."""
    # the head chain by index (the anchors are tokens of x's Doc: a Token equals another by position)
    attrs = token_attrs(x.doc)
    pos, dep, head, lower = attrs.pos, attrs.dep, attrs.head, attrs.lower
    anchor_at = {a.i for a in anchors}
    i = x.i
    for step in range(hops):
        if i in anchor_at:
            return True
        if head[i] == i:
            return False
        if step > 0 and pos[i] in ("VERB", "AUX") and (dep[i] in ("relcl", "acl", "advcl", "ccomp") or (
                dep[i] == "pcomp" and lower[head[i]] in SEQUENCE_PREPS)):
            return False
        i = head[i]
    return i in anchor_at


def event_date(t: Token, idx: DocIndex):
    sent = sentence_of(t)
    cands = [(a, b, d) for a, b, d in idx.date_spans if sent.start <= a < sent.end]
    if not cands:
        return None
    anchors = {t, _anchor(t)}
    attached = [c for c in cands if _attached(t.doc[c[0]], anchors) or _attached(t.doc[c[1]], anchors)]
    if attached:   # the clause sets below are asked about only when no date is attached
        return min(attached, key=lambda c: min(abs(c[0] - t.i), abs(c[1] - t.i)))[2]
    # otherwise a date of a clause the trigger depends on ("On Monday, X said Y attacked Z"),
    # never one inside another clause ("violating the agreement established in 1974")
    path = {t} | set(t.ancestors)
    own = set(t.subtree) - {x for c in t.children if c.dep_ in ("advcl", "ccomp", "parataxis", "conj")
                            for x in c.subtree}
    own -= {x for c in t.children if c.dep_ == "prep" and c.lower_ in SEQUENCE_PREPS
            for g in c.children if g.dep_ == "pcomp" and g.pos_ in ("VERB", "AUX") for x in g.subtree}
    # a relative clause tells of another happening ("despite a ceasefire brokered in December")
    own -= {x for d in t.subtree if d is not t and d.dep_ in ("relcl", "acl") and d.pos_ in ("VERB", "AUX")
            for x in d.subtree}
    pool = attached or [c for c in cands if _governing_word(t.doc[c[0]]) in path | own]
    if not pool:
        return None
    best = min(pool, key=lambda c: min(abs(c[0] - t.i), abs(c[1] - t.i)))
    return best[2]


def _governing_word(x: Token) -> Token:
    """The verb (or the sentence root) a phrase belongs to."""
    while x.head.i != x.i and x.pos_ not in ("VERB", "AUX"):
        x = x.head
    return x


def _clause_verb(t: Token) -> Token:
    """The verb of the clause a trigger describes: 'protesters demonstrating against X blocked the
    road in Y' happens where 'blocked' does."""
    if t.dep_ == "acl" and t.head.dep_ in ("nsubj", "nsubjpass") and t.head.head.pos_ in ("VERB", "AUX"):
        return t.head.head
    if t.dep_ == "advcl" and t.tag_ == "VBN" and t.head.pos_ == "VERB":
        return t.head   # "a body was found in X, killed by ...": found where it was killed
    return _anchor(t)


def _modifier_place(x: Token, idx: DocIndex) -> bool:
    """A place name modifying a thing is no venue: 'the US dollar', 'Turkish lira' (but 'the Sharan
    area', 'Aleppo countryside' are places)."""
    return x.dep_ in ("compound", "amod", "nmod") and idx.place_at[x.head.i] is None \
        and _lemma(x.head) not in lexicon().place_part_nouns


def _place_phrase_head(x: Token) -> Token:
    """The head of the phrase a place name sits in, through modifiers and 'of' ('parts of X',
    'the outskirts of X town', 'the countryside of X'): that phrase's role places the event."""
    attrs = token_attrs(x.doc)   # up the heads by index: one Token made, for the head found
    dep, head, lower, lemmas = attrs.dep, attrs.head, attrs.lower, _lemmas(attrs)
    part_nouns = lexicon().place_part_nouns
    h = x.i
    for _ in range(6):
        if dep[h] in ("compound", "amod", "nmod", "appos", "conj", "poss") and head[h] != h:
            h = head[h]
        elif dep[h] == "pobj" and lower[head[h]] == "of" and lemmas[head[head[h]]] in part_nouns:
            h = head[head[h]]
        else:
            break
    return x if h == x.i else x.doc[h]


def _named_place(x: Token) -> bool:
    """A name its phrase gives as a place ('the town of X', 'the village of X'): a venue, whatever
    else the name alone could be read as (a person, a group)."""
    h = x
    while h.dep_ in ("compound", "flat") and h.head.i != h.i:
        h = h.head
    return h.dep_ == "pobj" and h.head.lower_ == "of" and h.head.head.pos_ == "NOUN" \
        and _lemma(h.head.head) in lexicon().place_part_nouns


# Subordinators of a clause that happens at the same time and place as its main clause ("struck the
# convoy as trucks unloaded aid in X": the strike was in X).
SIMULTANEOUS_MARKS = {"as", "while", "when"}


def _venue_anchors(t: Token) -> set:
    anchors = {t, _anchor(t), _clause_verb(t)}
    doc = t.doc
    attrs = token_attrs(doc)
    children = attrs.children   # by index: a Token only for a clause added
    dep, lower = attrs.dep, attrs.lower
    for v in list(anchors):
        for c in children[v.i]:
            if dep[c] == "advcl" and any(dep[m] == "mark" and lower[m] in SIMULTANEOUS_MARKS for m in children[c]):
                anchors.add(doc[c])
    return anchors


def _actor_not_venue(x: Token, idx: DocIndex, venue_kinds=(None, "state", "place")) -> bool:
    """The name at x is read as an actor, not as the place where something happens (a place is a
    venue when its actor reading is of venue_kinds, when its phrase calls it a place, 'the town of X',
    or when that reading is only a guess that an unknown name is a person, while the gazetteer
    knows it as a place)."""
    a = idx.actor_at[x.i]
    if a is None or a.kind in venue_kinds or _named_place(x):
        return False
    return not (a.method == "ner" and a.kind == "person" and a.country is None and a.actor_id is None)


def _origin_phrase(h: Token, anchors=frozenset()) -> bool:
    """'fighters from X', 'a delegation from X': where a party comes from, not where it acts (but
    'the withdrawal of its cadres from X', inside the phrase of an event noun, is where it happens)."""
    if not (h.dep_ == "pobj" and h.head.lower_ == "from" and h.head.head.pos_ in ("NOUN", "PROPN", "PRON")):
        return False
    owner = h.head.head
    heads = token_attrs(h.doc).head

    def within(i: int, root: int) -> bool:   # `doc[i] in doc[root].subtree`, up the heads by index
        while i != root and heads[i] != i:
            i = heads[i]
        return i == root
    return not any(owner is a or (a.pos_ == "NOUN" and within(owner.i, a.i)) for a in anchors)


def _venue_candidates(sent, idx: DocIndex) -> list[tuple]:
    """(place, its token, the head of its phrase) for each place name of the sentence not read as
    an actor, in order. Kept per Doc and sentence: every trigger of a sentence asks _venue again
    with its own anchors, and none of this depends on them."""
    key = (sent.start, sent.end)
    cands = idx.venue_candidates.get(key)
    if cands is None:
        cands = []
        doc = sent.doc
        for i in range(sent.start, sent.end):  # by index: a Token is made only where a place is
            p = idx.place_at[i]
            if p is None:
                continue
            x = doc[i]
            if not _actor_not_venue(x, idx):
                cands.append((p, x, _place_phrase_head(x)))
        idx.venue_candidates[key] = cands
    return cands


def _venue(sent, anchors: set, idx: DocIndex, lex: Lexicon) -> Optional[PlaceMention]:
    """The place of the sentence attached to one of the anchors (through a locative preposition, or
    as the object of a movement/violence trigger): the first, unless a later one locates it more
    precisely in the same country ('in Syria, in the town of X')."""
    found = []
    for p, x, h in _venue_candidates(sent, idx):
        if found and p is found[-1]:
            continue
        if _origin_phrase(h, anchors):
            continue
        if (h.dep_ == "pobj" and _lemma(h.head) in lex.place_preps and _attached(h.head, anchors, 5)) \
                or (h.dep_ in ("advmod", "npadvmod") and _lemma(h) in lex.place_part_nouns
                    and _attached(h, anchors, 5)) \
                or (h.dep_ in ("dobj", "nsubjpass") and h.head in anchors and not _modifier_place(x, idx)):
            # "in X", "..., south of X"; "shelled X", "X was shelled" (not "an anti-X journalist was killed")
            found.append(p)
    if not found:
        return None
    first = found[0]
    # (a sea names no country: "the Red Sea port city (X)" is located by X)
    finer = [p for p in found[1:] if p.country and (p.country == first.country or first.kind == "water")
             and PLACE_PRECISION.get(p.kind, 0) > PLACE_PRECISION.get(first.kind, 0)]
    return max(finer, key=lambda p: PLACE_PRECISION.get(p.kind, 0)) if finer else first


# Kinds of place a definite "the province", "the town" refers back to (the article's last such place).
PLACE_ANAPHORS = {"province": ("region",), "governorate": ("region",), "region": ("region",),
                  "district": ("region", "city"), "town": ("city",), "city": ("city",), "village": ("city",)}
ANAPHOR_SENTENCES = 3


def _anaphoric_place(sent, anchors: set, idx: DocIndex, lex: Lexicon) -> Optional[PlaceMention]:
    """'hit several areas in the rural province', 'entered the town': the place of that kind the
    article last named, within a few sentences before."""
    lower = token_attrs(sent.doc).lower
    for i in range(sent.start, sent.end):  # by index: a Token is made only for a place-kind word
        kinds = PLACE_ANAPHORS.get(lower[i])
        if kinds is None or idx.place_at[i] is not None:
            continue
        x = sent.doc[i]
        if x.pos_ != "NOUN":
            continue
        if not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in x.children) \
                or any(c.dep_ in ("prep", "compound", "poss") for c in x.children):
            continue   # "the town of X", "the Idlib province": named here, not referred to
        if not ((x.dep_ == "pobj" and _lemma(x.head) in lex.place_preps and _attached(x.head, anchors, 5))
                or (x.dep_ in ("dobj", "nsubjpass") and x.head in anchors)):
            continue
        doc = x.doc
        first = sentence_of(doc[max(sent.start - 1, 0)])
        for _ in range(ANAPHOR_SENTENCES - 1):
            if first.start == 0:
                break
            first = sentence_of(doc[first.start - 1])
        for i in range(sent.start - 1, first.start - 1, -1):
            p = idx.place_at[i]
            if p is not None and p.kind in kinds and idx.actor_at[i] is None:
                return p
        return None
    return None


def event_place(t: Token, sense: Sense, idx: DocIndex, lex: Lexicon) -> Optional[PlaceMention]:
    sent = sentence_of(t)
    anchors = _venue_anchors(t)
    best = _venue(sent, anchors, idx, lex)
    v = _anchor(t)
    if best is None and v.head.pos_ == "VERB" and (v.dep_ == "conj" or (
            v.dep_ == "advcl" and v.tag_ == "VBG" and not any(c.dep_ == "mark" for c in v.children))):
        # "raided the town of X and hurled tear gas at ...", "repelled an attack in X, killing five":
        # the second act is where the first was
        best = _venue(sent, _venue_anchors(v.head), idx, lex)
    if best is None and sense.mode == "ease":
        # "shortened the curfew imposed in X": the measure eased is in force where it was imposed
        for acl in (a for o in t.children if o.dep_ in ("dobj", "nsubjpass") for a in o.children
                    if a.dep_ == "acl" and a.tag_ == "VBN"):
            best = best or _venue(sent, _venue_anchors(acl), idx, lex)
    if best is None:
        best = _anaphoric_place(sent, anchors, idx, lex)
    if best is None and sense.type == "PROTEST":
        best = _crowd_home(v, idx)
    if best is None and sense.type in VIOLENT_PLACE_TYPES:
        # the sentence's nearest locative phrase ("..., in X district", "..., in the village of X"),
        # among the sentence's venues (a name read as an actor of any kind but a place is none)
        cands = [(abs(x.i - t.i), x.i, p) for p, x, h in _venue_candidates(sent, idx)
                 if not _actor_not_venue(x, idx, ("place",)) and not _modifier_place(x, idx)
                 and h.dep_ == "pobj" and _lemma(h.head) in lex.place_preps and not _origin_phrase(h, {t})]
        if cands:
            return min(cands, key=lambda c: c[:2])[2]
    if best is None and t.dep_ != "xcomp" and (
            (sense.type in VIOLENT_PLACE_TYPES and t.pos_ == "VERB") or (t.pos_ == "NOUN" and any(
            c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in t.children))):
        # "Police intervened in the demonstration", "Rioters blocked streets": told after the
        # sentence that places the happening
        best = _earlier_venue(sent, idx, lex)
    return best


def _crowd_home(v: Token, idx: DocIndex) -> Optional[PlaceMention]:
    """'residents of X held a demonstration', 'the staff of X hospital protested': a crowd protests
    where it lives or works."""
    for subj in (c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")):
        for x in subj.subtree:
            p = idx.place_at[x.i]
            if p is None or _actor_not_venue(x, idx, (None, "place")):
                continue
            h = _place_phrase_head(x)
            if h.dep_ == "pobj" and h.head.lower_ in ("of", "in", "from") and h.head.head in subj.subtree:
                return p
    return None


# How many sentences back an unplaced act may look for the venue of the sentence that sets its scene.
EARLIER_VENUE_SENTENCES = 2


def _earlier_venue(sent, idx: DocIndex, lex: Lexicon) -> Optional[PlaceMention]:
    """The venue of the main clause of the nearest earlier sentence that names a place, if that
    sentence names it as its venue (and the sentence itself names none)."""
    # the answer depends on the sentence only, and every unplaced trigger of it asks: kept per Doc
    if sent.start not in idx.earlier_venues:
        idx.earlier_venues[sent.start] = _find_earlier_venue(sent, idx, lex)
    return idx.earlier_venues[sent.start]


def _find_earlier_venue(sent, idx: DocIndex, lex: Lexicon) -> Optional[PlaceMention]:
    doc = sent.doc
    if any(idx.place_at[i] is not None for i in range(sent.start, sent.end)):
        return None
    for _ in range(EARLIER_VENUE_SENTENCES):
        if sent.start == 0:
            return None
        sent = sentence_of(doc[sent.start - 1])
        if not any(idx.place_at[i] is not None for i in range(sent.start, sent.end)):
            continue
        return _venue(sent, _venue_anchors(sent.root), idx, lex)
    return None


# ---------------------------------------------------------------- coding

# Stances on a measure (a resolution, plan, bill): what the measure would do is its content.
STANCE_ON_MEASURE_TYPES = {"SUPPORT", "AGREE", "REJECT", "REQUEST"}


def _governed(t: Token, senses: dict, lex: Lexicon) -> bool:
    """True when a trigger is the complement of another trigger ('agreed to cooperate',
    'condemned the attack'): the governing trigger codes the happening."""
    if t.pos_ in ("VERB", "AUX") and _trailing_report(t) is not None:
        return False   # "X did Y, a rights group charged": the report is no part of what it reports
    if t.dep_ == "ccomp" and t.i < t.head.i and t.tag_ in ("VBD", "VBZ", "VBP") \
            and senses.get(t.head.i) is not None and senses[t.head.i].type == "REQUEST" \
            and any(c.dep_ == "nsubj" for c in t.children) and any(c.dep_ == "nsubj" for c in t.head.children):
        # "students protested against X, they also called for Y": a finite clause with its own
        # subject before a demand is a sentence of its own run on with a comma, not what is asked for
        return False
    if t.dep_ == "ccomp" and _lemma(t.head) in lex.light_verbs and any(
            senses.get(c.i) is not None and senses[c.i].type in REQUEST_LIKE
            for c in t.head.children if c.dep_ == "dobj"):
        return True   # "reiterated its demand that X ease ...": the content of the demand
    x, hops, via_prep = t, 0, False
    while hops < 4 and x.head.i != x.i:
        if x.dep_ == "conj" and x.pos_ in ("VERB", "AUX") and x.head.pos_ in ("VERB", "AUX") \
                and senses.get(x.head.i) is None and not any(c.dep_ in ("nsubj", "nsubjpass") for c in x.children):
            # "refused to allow planes to land and evacuate ...": a conjunct with no subject of its
            # own depends on what its first conjunct depends on
            x = x.head
            hops += 1
            continue
        if x.dep_ == "conj" and x.pos_ in ("NOUN", "PROPN") and x.head.pos_ in ("NOUN", "PROPN"):
            # "calling for an amnesty and the release of X": a noun joined to another is governed (or
            # not) as that noun is, not by it ("the arrest and deportation of X" are two acts)
            x = x.head
            hops += 1
            continue
        purpose = x.dep_ in ("advcl", "conj")   # "demonstrated ..., calling for X": part of the protest
        infinitive = x.dep_ == "advcl" and any((c.dep_ == "aux" and c.lower_ == "to")
                                               or (c.dep_ == "mark" and c.lower_ == "for") for c in x.children)
        if x.dep_ == "relcl" and _lemma(x.head) in lex.request_nouns:
            return True   # "rejected a call for its forces to be deployed": what was called for
        if x.dep_ == "relcl" and x.head.dep_ == "dobj" and senses.get(x.head.head.i) is not None \
                and senses[x.head.head.i].type in STANCE_ON_MEASURE_TYPES and any(
                    c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ("that", "which") for c in x.children):
            return True   # "will support a resolution that aims to tighten sanctions", "rejected a plan which
            # would deploy troops": what the measure backed or refused would do, not a happening
        to_relative = x.dep_ == "relcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in x.children)
        if x.dep_ not in ("xcomp", "ccomp", "pcomp", "pobj", "prep", "dobj", "nsubjpass", "acl", "attr",
                          "oprd", "compound", "amod", "npadvmod") and not purpose and not to_relative:
            return False   # ("a rally to protest X": the rally's purpose, like an acl)
        via_prep = via_prep or x.dep_ == "prep"
        x = x.head
        hops += 1
        if x.pos_ == "NOUN" and _lemma(x) in lex.request_nouns:
            return True   # "an offer of aid", "a call for talks": asked or offered, not done
        s = senses.get(x.i)
        if s is not None and s.type in ("REQUEST", "REJECT") and (infinitive or via_prep):
            return True   # "called for sanctions against X", "demanded a meeting to discuss X": the content
        if s is not None and (s.type == "PROTEST" or not purpose) and (
                _lemma(x) not in lex.light_verbs or s.via_object or s != lex.verbs.get(_lemma(x))):
            return True   # ("ended mediation efforts": the ending, named by its object, is the event)
        if purpose and s is None:
            # a protest expressed by a noun under a light verb ("staged rallies ..., demanding"), or
            # gathered for ("converged for a rally ... to protest X")
            if not any(senses.get(c.i) is not None and senses[c.i].type == "PROTEST"
                       for c in list(x.children) + _pobjs(x, {"for", "in", "at"})
                       if c.dep_ in ("dobj", "attr", "pobj")) and not (
                    x.dep_ == "acl" and senses.get(x.head.i) is not None and senses[x.head.i].type == "PROTEST"):
                # ("the demonstration staged by students to protest X": the demonstration's purpose)
                return False
            return True
    return False


def _under_obligation(t: Token, obligations: set) -> bool:
    """The trigger is (part of) what an obligation asks for: 'X must withdraw', 'the US must be ready to
    mediate', 'X must agree to reforms before they demobilize' are demands, not happenings."""
    x = _anchor(t)
    for _ in range(4):
        if x.i in obligations:
            return True
        if x.dep_ not in ("xcomp", "ccomp", "advcl", "acomp", "attr", "conj") or x.head.i == x.i or (
                x.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in x.children)):
            return False
        x = x.head
    return x.i in obligations


def _deontic(v: Token, lex: Lexicon) -> bool:
    """'X must / should do Y': an obligation, not a happening."""
    return any(c.dep_ == "aux" and c.lower_ in lex.deontic_modals for c in v.children) and \
        not any(c.dep_ == "aux" and c.lower_ in ("have", "has", "had") and v.tag_ != "VB" for c in v.children)


def _assault_mode(t: Token, sense: Sense, lex: Lexicon) -> Optional[str]:
    """ASSAULT mode from the weapon words around the trigger ('chemical attack', 'jets bombed',
    'shelled ... with rockets'), else the trigger's own mode."""
    if sense.type != "ASSAULT":
        return sense.mode
    # the words around the trigger by index: no Token is made for them
    attrs = token_attrs(t.doc)
    children = attrs.children
    dep, kids = attrs.dep, children[t.i]
    words = [c for c in kids if dep[c] in ("compound", "amod", "dobj", "nmod", "nsubj")]
    words += [g for c in kids if dep[c] == "prep" and _lemma_at(attrs, c) in ("with", "by", "using")
              for g in children[c]]
    words += [g for c in kids if dep[c] in ("nsubj", "dobj") for g in children[c] if dep[g] in ("compound", "amod")]
    if dep[t.i] in ("dobj", "nsubj", "pobj"):
        words.append(attrs.head[t.i])
    if t.i > 0:
        words.append(t.i - 1)
    for w in words:
        mode = lex.assault_modes.get(_lemma_at(attrs, w)) or lex.assault_modes.get(attrs.lower[w])
        if mode:
            return mode
    return sense.mode or lex.assault_modes.get(_lemma(t))


def _normalise(ep: Endpoint, etype: str, role: str) -> ActorRef:
    ref = ep.ref
    if ref.country and ref.sector in (None, "GOV") and role == "source" and etype in FORCE_TYPES:
        return ref.model_copy(update={"sector": "MIL"})
    if ref.country and ref.sector in (None, "GOV") and role == "target" and etype == "ASSAULT" \
            and ep.kind != "person":
        return ref.model_copy(update={"sector": "MIL"})   # an attack on a state is on its forces
    if ref.country and ref.sector is None and ep.kind in (None, "state"):
        return ref.model_copy(update={"sector": "GOV"})
    return ref


RIOT_WORDS = {"rioter", "riot"}


def _sentence_country(t: Token, idx: DocIndex) -> Optional[str]:
    """The country of the sentence's places, preferring a city or region to a bare country name
    (which is as often an actor or a currency, "the US dollar", as a venue)."""
    sent, doc = sentence_of(t), t.doc  # by index: a Token is made only where a place is
    places = [idx.place_at[i] for i in range(sent.start, sent.end) if idx.place_at[i] is not None
              and idx.place_at[i].country and idx.actor_at[i] is None and not _modifier_place(doc[i], idx)]
    local = [p for p in places if p.kind != "country"]
    return (local or places or [None])[0] and (local or places)[0].country


def _crowd_head(tok: Token, lex: Lexicon) -> Optional[Token]:
    """The crowd noun heading a subject ('workers of X', 'hundreds of protesters'), or None."""
    if _lemma(tok) in lex.crowd_nouns:
        return tok
    for g in _pobjs(tok, {"of"}):   # "dozens of protesters", "a group of students"
        if _lemma(g) in lex.crowd_nouns:
            return g
    return None


def _crowd_source(t: Token, sense: Sense, agent_toks: list[Token], sources: list[Endpoint], lex: Lexicon,
                  place: Optional[PlaceMention], idx: DocIndex) -> Optional[list[Endpoint]]:
    """A protest (or riot) by an unnamed crowd is the public of a country: 'workers of a company held a
    protest in X' -> Protesters (X's country), CVL. None when the source is not such a crowd."""
    # "a mass demonstration", "a peaceful protest": an adjective names no one
    agent_toks = [a for a in agent_toks if a.pos_ in ("NOUN", "PROPN", "PRON") or idx.actor_at[a.i] is not None]
    head = _crowd_head(agent_toks[0], lex) if agent_toks else None
    if head is None and sense.type == "PROTEST" and agent_toks and (
            agent_toks[0].pos_ == "NOUN" or agent_toks[0].tag_ == "NNPS") and idx.actor_at[agent_toks[0].i] is None and _lemma(agent_toks[0]) not in lex.unknown_nouns:
        # "mayors of Arab towns staged a sit-in", "graduates protested": people no actor stands for,
        # protesting, are of the public where they protest
        head = agent_toks[0]
    townsfolk = head is None and sense.type == "PROTEST" and t.pos_ == "NOUN" and bool(agent_toks) and bool(sources) \
        and all(s.from_place is not None for s in sources) and idx.place_at[agent_toks[0].i] is not None \
        and idx.place_at[agent_toks[0].i].kind in ("city", "region")
    # ("residents of X, Kayseri held a demonstration" parsed with the town as subject: a town or
    # province holding a demonstration is its people, not its country's government)
    if head is None and not townsfolk and (agent_toks or sense.type != "PROTEST"):
        return None
    named = [s for s in sources if s.ref.country and s.from_place is None and not _bare_head(agent_toks, idx)
             and not _agent_of_other(s, t, idx)]
    if named:
        return None   # the crowd is a resolved actor of a state ("Kurdish workers", "Fatah activists")
    sources = [s for s in sources if s.from_place is not None]
    if head is not None and sense.type != "PROTEST" and _lemma(head) not in {"rioter", "protester", "demonstrator",
                                                                               "protestor"}:
        return None
    country = next((s.ref.country for s in sources if s.ref.country), None)
    if country is None and place is not None:
        country = place.country
    if country is None:
        country = _sentence_country(t, idx) or idx.main_country()
    if country is None:
        return None
    riot = (head is not None and _lemma(head) in RIOT_WORDS) or _lemma(t) in RIOT_WORDS
    name = f"{'Rioters' if riot else 'Protesters'} ({_country_name(country)})"
    return [Endpoint(ActorRef(name=name, country=country, sector="CVL"), kind="group")]


# "on the eve of a visit", "in the wake of the execution", "in the run-up to the summit": a happening
# that dates the one reported, told as its time frame.
TIME_FRAME_NOUNS = {"eve", "wake", "aftermath", "run-up"}


def _cause_or_time_reference(t: Token) -> bool:
    """A noun trigger that is the object of 'since', 'because of' or 'due to'."""
    if t.pos_ != "NOUN" or t.dep_ != "pobj":
        return False
    p = t.head
    # ("because of" is parsed either way: of -> because, or because -> of as its pcomp)
    return p.lower_ == "since" or (p.lower_ == "of" and p.head.lower_ == "because") \
        or (p.lower_ == "because" and any(c.lower_ == "of" for c in p.children)) \
        or (p.lower_ == "to" and p.head.lower_ == "due") \
        or (p.lower_ in ("of", "to") and p.head.lower_ in TIME_FRAME_NOUNS and p.head.dep_ == "pobj")


def _fronted_time_reference(t: Token, idx: DocIndex) -> bool:
    """'Following the 2013 attack, the government joined ...', 'After the gas attack the army ...':
    a happening named without its doer in a fronted time phrase is one the article tells
    elsewhere; here it only dates the clause, whose subject is no doer of it."""
    if t.pos_ != "NOUN" or t.dep_ != "pobj" or t.head.lower_ not in ("following", "after"):
        return False
    p = t.head
    if p.dep_ != "prep" or p.head.pos_ not in ("VERB", "AUX") or p.i > p.head.i:
        return False
    demonyms = _demonyms()
    return not any(idx.actor_at[x.i] is not None or x.dep_ == "poss" or (x.dep_ == "prep" and x.lower_ == "by")
                   or x.text in demonyms   # "after the Israeli air strike": its doer is named
                   for c in t.children if c.dep_ in ("poss", "compound", "amod", "nmod", "prep") for x in c.subtree)


def _agent_of_other(s: Endpoint, t: Token, idx: DocIndex) -> bool:
    """Every mention of the source in the sentence is the agent of another act ('in protest of the abduction
    by X'): X did that act, it is not the crowd protesting."""
    name = normalised_name(s.ref.name)
    sent = sentence_of(t)  # by index: a Token is made only where an actor is
    toks = [t.doc[i] for i in range(sent.start, sent.end)
            if idx.actor_at[i] is not None and normalised_name(idx.actor_at[i].name) == name]
    return bool(toks) and all(w.head.lower_ == "by" and w.dep_ == "pobj" and w.head.head.i != t.i
                              and w.head.head.pos_ in ("NOUN", "VERB") for w in toks)


def _bare_head(agent_toks: list[Token], idx: DocIndex) -> bool:
    """The subject is a crowd the actors stage resolved from context alone ('protesters')."""
    m = idx.actor_at[agent_toks[0].i] if agent_toks else None
    return m is not None and _bare(m)


# The unnamed people of a country hit by an act, named as ACLED names them ("Civilians (Syria)").
VICTIM_GROUP_NAMES = {"CVL": "Civilians", "MIL": "Military Forces", "COP": "Police Forces", "REB": "Rebels",
                      "MED": "Journalists"}


def _victim_group(role: str, code: str) -> Endpoint:
    return Endpoint(ActorRef(name=f"{VICTIM_GROUP_NAMES[role]} ({_country_name(code)})", country=code, sector=role),
                    kind="group")


def _generic_victims(t: Token, target_toks: list[Token], lex: Lexicon, place: Optional[PlaceMention],
                     idx: DocIndex) -> list[Endpoint]:
    """Unnamed victims of violence stand for a group of the country where it happened:
    'killed a civilian in X' -> Civilians (X's country), 'wounded two soldiers' -> X's military."""
    for tok in target_toks:
        # "a group of fighters", "two of the soldiers", "the bodies of 2 civilians", "a man's body"
        heads = [tok] + _pobjs(tok, {"of"}) + [c for c in tok.children if c.dep_ == "poss"]
        for h in heads:
            # "a member of an opposition rebel group": the kind of group names the victims
            kinds = [h] + [c for c in h.children if c.dep_ in ("compound", "amod")]
            role = next((lex.victim_roles[_lemma(k)] for k in kinds if _lemma(k) in lex.victim_roles), None)
            if role is None:
                continue
            country = place.country if place is not None else None
            country = country or _sentence_country(t, idx)
            if country is None:
                return []
            return [_victim_group(role, country)]
    return []


UNKNOWN_ATTACKER = "Unidentified Armed Group"


def _explosive(h: Token, lex: Lexicon) -> bool:
    """The phrase headed by h names an explosive device ('a car bomb', 'an improvised explosive device')."""
    return any(lex.assault_modes.get(_lemma(w)) == "explosives"
               for w in [h] + [c for c in h.children if c.dep_ in ("amod", "compound")])


def _unknown_attacker(t: Token, agent_toks: list[Token], mode: Optional[str], lex: Lexicon,
                      place: Optional[PlaceMention], idx: DocIndex) -> list[Endpoint]:
    """'unidentified gunmen shot ...', 'an IED exploded in X': an unidentified armed group of X's country."""
    head = agent_toks[0] if agent_toks else None
    unknown = head is not None and _lemma(head) in lex.unknown_nouns and any(
        c.lower_ in lex.unknown_qualifiers for c in head.children if c.dep_ in ("amod", "compound"))
    if head is None and not (mode in lex.agentless_modes):
        return []
    if head is not None and not unknown:
        return []
    country = place.country if place is not None else None
    if country is None:
        country = _sentence_country(t, idx)
    if country is None:
        return []
    name = f"{UNKNOWN_ATTACKER} ({_country_name(country)})"
    return [Endpoint(ActorRef(name=name, country=country, sector="REB"), kind="group")]


def _furniture_check(doc: Doc):
    """A test whether a token stands in the site furniture of a page flattened to one line
    (a tag list, other stories' headlines: dragoman.ingest.flattened_furniture_spans), where
    no event is reported; None when the document has none."""
    from dragoman.ingest import flattened_furniture_spans

    spans = flattened_furniture_spans(doc_text(doc))
    if not spans:
        return None
    starts = [begin for begin, _ in spans]

    def inside(t: Token) -> bool:
        k = bisect.bisect_right(starts, t.idx) - 1
        return k >= 0 and t.idx < spans[k][1]
    return inside


def code_events(doc: Doc) -> list[Event]:
    """Every PLOVER event of the document, one record per happening."""
    lex = lexicon()
    idx = DocIndex(doc)
    in_furniture = _furniture_check(doc)
    attrs = token_attrs(doc)
    senses = {}
    verb_lemmas, noun_lemmas, trigger_lemmas = _trigger_lemmas(lex)
    lemmas, pos_of, tag_of = _lemmas(attrs), attrs.pos, attrs.tag
    # only a word whose lemma is in a trigger table can be a trigger: the others are passed over
    # at C speed
    for i in compress(range(attrs.n), map(trigger_lemmas.__contains__, lemmas)):
        pos, tag = pos_of[i], tag_of[i]
        if pos not in ("VERB", "NOUN", "PROPN") and not tag.startswith(("VB", "NN")):
            continue  # trigger_sense answers None for these: no Token is made for them
        # nor for a word whose lemma is in no trigger table of its branch (as trigger_sense picks it)
        if pos == "VERB" or (tag.startswith("VB") and pos != "AUX"):
            if lemmas[i] not in verb_lemmas:
                continue
        elif lemmas[i] not in noun_lemmas:
            continue
        t = doc[i]
        s = trigger_sense(t, lex, idx)
        if s is not None and not (in_furniture and in_furniture(t)):
            senses[t.i] = s
    _crowd_protests(doc, senses, lex)
    raw: list[Event] = []
    by_trigger: dict[int, list[Event]] = {}
    casualties: list[tuple[int, list[Event]]] = []
    governed_attacks: list[Token] = []
    obligations = set()
    # the words a deontic modal hangs on: only they can be _deontic (one pass over the lists)
    dep_of = attrs.dep
    modal_heads = {attrs.head[i] for i in compress(range(attrs.n), map("aux".__eq__, dep_of))
                   if attrs.lower[i] in lex.deontic_modals}
    # neither an obligation nor a reported clause: no Token is made
    clauses = modal_heads.union(compress(range(attrs.n), map("ccomp".__eq__, dep_of)))
    for i in sorted(clauses):
        if pos_of[i] not in ("VERB", "AUX"):
            continue  # both tests below want a verb: the others need no Token
        t = doc[i]
        if t.pos_ in ("VERB", "AUX") and _deontic(t, lex):
            obligations.add(t.i)
            if t.dep_ == "ccomp" and _lemma(t.head) in lex.status["reporting_verbs"]:
                raw.extend(_code_obligation(t, lex, idx))
            elif t.dep_ in ("acl", "ccomp") and t.head.pos_ == "NOUN" and t.head.dep_ == "dobj" \
                    and _lemma(t.head.head) in lex.light_verbs:
                # "issued a stern reminder to X that it must ...", "sent a message that X should ..."
                raw.extend(_code_obligation(t, lex, idx, speaking=t.head.head))
        elif t.pos_ in ("VERB", "AUX") and t.dep_ == "ccomp" and _lemma(t.head) in lex.status["reporting_verbs"] \
                and _blame_clause(t, lex):
            raw.extend(_code_blame(t, lex, idx, senses))
    for i, sense in senses.items():
        t = doc[i]
        if _governed(t, senses, lex) or _under_obligation(t, obligations):
            if sense.type == "ASSAULT" and not _under_obligation(t, obligations):
                governed_attacks.append(t)
            continue
        if sense.type in ("SUPPORT", "AID", "COOPERATE") and (
                (t.dep_ == "acl" and t.tag_ in ("VBN", "VBG")) or t.dep_ == "amod"
                or (t.dep_ == "relcl" and any(c.dep_ == "auxpass" for c in t.children))):
            continue   # "militias backed by X", "X-backed rebels", "groups that have been supported by X",
            # "forces supporting X": a description of an alliance, not a reported act
        if sense.type == "SUPPORT" and t.pos_ == "NOUN" and t.dep_ == "pobj" and t.head.lower_ == "in" and (
                senses.get(t.head.head.i) is not None or any(
                    c.dep_ == "dobj" and senses.get(c.i) is not None for c in t.head.head.children)):
            continue   # "staged air strikes in support of its ally", "demonstrated in support of X": what
            # the act reported was for, told with it, not an act of its own
        if sense.type == "ACCUSE" and t.dep_ == "acl" and t.tag_ == "VBN" and not any(
                c.dep_ == "agent" for c in t.children) and any(
                c.dep_ == "prep" and c.lower_ in ("of", "with") for c in t.children):
            continue   # "wanted men accused of robbery", "a cleric charged with incitement": who they are,
            # not an accusation anyone is reported making
        if t.dep_ == "compound" and t.pos_ == "NOUN" and _lemma(t.head) in lex.descriptive_heads:
            continue   # "an aid convoy", "a protest camp": a thing named after the activity
        if t.dep_ == "amod" and t.tag_ == "VBN":
            continue   # "the Israeli-occupied West Bank", "rebel-held areas": a description
        if sense.mode == "investigate" and t.pos_ == "VERB" and any(
                c.dep_ == "dobj" and _lemma(c) in lex.fact_finding_objects for c in t.children):
            continue   # "is investigating the number of casualties": establishing facts, accusing no one
        if _cause_or_time_reference(t) or _fronted_time_reference(t, idx):
            continue   # "closed its borders because of fighting", "holed up since the invasion": a happening
            # told as the cause or the starting point of the one reported, not reported itself
        if _reference_to_agreement(t, sense, senses, lex):
            continue
        if _in_condition(t, lex):
            continue   # "threatened to halt talks if X goes ahead with the deployment": the condition
            # of a threat or an offer is no happening
        if sense.type == "MOBILIZE" and t.pos_ == "VERB" and any(
                c.dep_ in ("advcl", "xcomp") and senses.get(c.i) is not None and senses[c.i].mode == "investigate"
                for c in t.children):
            continue   # "sent personnel to X to investigate ...": the sending is the investigation
        if sense.mode == "visit" and t.pos_ == "VERB" and any(
                c.dep_ == "nsubj" and senses.get(c.i) is not None for c in t.children):
            continue   # "the deployment of X troops has arrived in Y": the deployment is the happening
        if sense.type == "COERCE" and sense.mode is None and _lemma(t) in RAID_VERBS and any(
                c.dep_ == "conj" and senses.get(c.i) is not None and senses[c.i].type in ("COERCE", "ASSAULT")
                and not any(g.dep_ in ("nsubj", "nsubjpass") and g.lower_ not in ANAPHORS for g in c.children)
                for c in t.children):
            continue   # "raided the camp and detained several women", "raided the town and fired tear gas at
            # residents": the raid is how the act it goes on to was done, one happening coded by that act
        if sense.type == "COERCE" and any(c.dep_ == "dobj" and c.lower_ in REFLEXIVES for c in t.children):
            continue   # "blew themselves up": the suicide attack, coded by its ASSAULT
        evs = _code_trigger(t, sense, lex, idx, senses)
        attack = _attack_of_casualties(t, senses)
        if attack is not None and sense.type == "ASSAULT":
            # "air strikes killed 14 people", "struck X, killing five": the casualties of one attack
            by_trigger.setdefault(attack.i, [])
            casualties.append((attack.i, evs))
            continue
        by_trigger[t.i] = evs
        if sense.type == "ACCUSE":
            evs = _accuse_earlier_act(t, evs, raw, senses, lex)
            evs += _accused_acts(t, evs, senses, lex, idx)
            by_trigger[t.i] = evs
        raw.extend(evs)
    for t in governed_attacks:
        # "two civilians were killed in shooting during clashes between two families": when the
        # attack that governs this one names no one who did it, the governed fight is the report
        gov = next((x for x in list(t.ancestors)[:4] if x.i in senses), None)
        if gov is not None and senses[gov.i].type == "ASSAULT" and by_trigger.get(gov.i) == [] \
                and not any(a.i in by_trigger and by_trigger[a.i] for a in t.ancestors):
            evs = _code_trigger(t, senses[t.i], lex, idx, senses)
            by_trigger[t.i] = evs
            raw.extend(evs)
    for attack_i, evs in casualties:
        attack = by_trigger.get(attack_i, [])
        folded = _fold_casualties(attack, evs)
        for old, new in zip(list(attack), folded[:len(attack)]):
            if new is not old:
                raw[next(i for i, e in enumerate(raw) if e is old)] = new
        attack[:] = folded[:len(attack)]
        raw.extend(folded[len(attack):])
    raw = _carry_context(raw, doc, idx)
    return [_finish(_place_as_target(ev), doc, lex)
            for ev in _named_attacker_wins(fold_protest_demands(merge_events(raw)))]


def _named_attacker_wins(events: list[Event]) -> list[Event]:
    """'IS militants attacked the brigade, where 6 fighters were killed by direct fire and 3 by IEDs': a
    toll with no agent but a weapon, told in the sentence of an attack whose attacker is named, is
    that attack's toll, not a second attack by unknown men."""
    named = [ev for ev in events if ev.type == "ASSAULT" and ev.source is not None
             and not ev.source.name.startswith(UNKNOWN_ATTACKER)]
    if not named:
        return events
    def told_after(toll: Event, attack: Event) -> bool:
        # the same sentence, the toll after the attack ("attacked X, where 6 were killed")
        if not (set(toll.spans) & set(attack.spans)) or not toll.evidence or not attack.trigger:
            return False
        text = toll.evidence[0]
        return -1 < text.find(attack.trigger) < text.find(toll.trigger or "")

    return [ev for ev in events if not (
        ev.type == "ASSAULT" and ev.source is not None and ev.source.name.startswith(UNKNOWN_ATTACKER)
        and (ev.trigger or "").lower() in CASUALTY_WORDS and any(told_after(ev, other) for other in named))]


# Participles that report a toll ("were killed", "was wounded"), not an act with an agent of its own.
CASUALTY_WORDS = {"killed", "wounded", "injured", "died", "dead"}


# What a protesting crowd voices ("protesters demanded the release of ...", "condemned the ...",
# "rejected the governor's proposal") is what its protest is for or against: reported with the
# protest, it is the protest's content, not a happening of its own. So is the crowd's violence
# ("rioters hurled stones at soldiers", "clashed with the police"): the protest turned riot.
PROTEST_CONTENT_TYPES = {"REQUEST", "ACCUSE", "REJECT", "ASSAULT"}


def _crowd_of(ref: Optional[ActorRef]) -> Optional[str]:
    """The country of an unnamed crowd of a state's public ('Protesters (Lebanon)', 'Lebanese
    activists'), or None for anyone else (a state, a named party or person, an actor of no state)."""
    if ref is None or not ref.country or ref.sector not in CROWD_SECTORS or ref.actor_id:
        return None
    return ref.country


def _head_word(name: str) -> str:
    """The head noun of an actor's name, lower-cased: 'Rioters (Lebanon)' -> 'rioters'."""
    words = re.sub(r"\s*\(.*\)\s*$", "", name).split()
    return words[-1].lower() if words else ""


def fold_protest_demands(events: list[Event]) -> list[Event]:
    """Drop the demands, condemnations and refusals of a crowd whose protest the article reports:
    they are folded into that PROTEST (its evidence gains their sentences)."""
    protests = [i for i, ev in enumerate(events) if ev.type == "PROTEST" and _crowd_of(ev.source)]
    if not protests:
        # "protesters in X rejected the governor's proposal", "rioters hurled stones at a bank": what
        # protesters voice or do, with no protest reported otherwise, is their protest (a riot when violent)
        crowds = lexicon().protesting_crowds
        voiced = [ev.model_copy(update={"type": "PROTEST", "mode": "riot" if ev.type == "ASSAULT" else None})
                  if ev.type in PROTEST_CONTENT_TYPES and _crowd_of(ev.source)
                  and _head_word(ev.source.name).rstrip("s") in crowds else ev for ev in events]
        if voiced == events:
            return events
        # one crowd's acts told in several sentences are one protest
        events = merge_events(voiced)
        protests = [i for i, ev in enumerate(events) if ev.type == "PROTEST" and _crowd_of(ev.source)]
    out = list(events)
    dropped = set()
    for j, ev in enumerate(events):
        country = _crowd_of(ev.source) if ev.type in PROTEST_CONTENT_TYPES else None
        if country is None:
            continue
        home = next((i for i in protests if _crowd_of(events[i].source) == country
                     and dates_compatible(events[i], ev)), None)
        if home is None:
            continue
        keep = out[home]
        evidence, spans = merged_evidence(keep, ev)
        update = {"spans": spans, "evidence": evidence}
        if keep.place is None and ev.place is not None:
            update["place"] = ev.place   # the crowd's act names where the protest was
        if keep.date_inferred and ev.date and not ev.date_inferred:
            update["date"], update["date_inferred"] = ev.date, False
        out[home] = keep.model_copy(update=update)
        dropped.add(j)
    return [ev for j, ev in enumerate(out) if j not in dropped]


def plover_mode(etype: str, mode: Optional[str], lex: Optional[Lexicon] = None) -> Optional[str]:
    """The PLOVER name of a lexicon mode for a type (None where PLOVER has no such mode)."""
    lex = lex or lexicon()
    if mode is None or mode in lex.plover_modes.get(etype, ()):
        return mode
    return lex.mode_names.get(etype, {}).get(mode)


def _finish(ev: Event, doc: Doc, lex: Lexicon) -> Event:
    """The record as PLOVER names it: its mode in PLOVER's terms, and the PLOVER contexts of its
    trigger and of the words of its evidence sentences."""
    update = {}
    mode = plover_mode(ev.type, ev.mode, lex)
    if mode != ev.mode:
        update["mode"] = mode
    found = []
    lemmas = token_attrs(doc).lemma
    for start, end in ev.spans:
        span = _token_range(doc, start, end)
        for i in range(*span) if span is not None else ():
            found.extend(lex.context_cues.get(lemmas[i].lower(), ()))
    contexts = [c for c in dict.fromkeys(ev.contexts + sorted(found)) if c in lex.context_names
                or c.startswith("intent-")]
    if contexts != ev.contexts:
        update["contexts"] = contexts
    return ev.model_copy(update=update) if update else ev


CROWD_PROTEST = Sense("PROTEST", "demonstrate", ())
CROWD_RIOT = Sense("PROTEST", "riot", ())


def _crowd_protests(doc: Doc, senses: dict, lex: Lexicon) -> None:
    """'protesters blocked the road', 'rioters gathered outside the bank': what a protesting crowd
    does is a PROTEST, coded on its verb unless the clause already names one ('protesters
    demonstrating against X blocked ...')."""
    attrs = token_attrs(doc)
    # the words some subject hangs on: a verb without one is never a crowd's (one pass over the lists)
    subject_heads = {attrs.head[i] for i, dep in enumerate(attrs.dep) if dep == "nsubj"}
    for i, pos in enumerate(attrs.pos):
        if pos != "VERB" or (i in senses and senses[i].type != "COERCE"):
            continue   # (a crowd torching or vandalising is rioting: "rioters set fire to the bank")
        if i not in subject_heads:
            continue   # no subject: no Token is made
        t = doc[i]
        subj = [c for c in t.children if c.dep_ == "nsubj"]
        crowd = _crowd_head(subj[0], lex) if subj else None   # (sought once)
        if crowd is None or _lemma(crowd) not in lex.protesting_crowds:
            continue
        if any(senses.get(x.i) is not None and senses[x.i].type in ("PROTEST", "ASSAULT")
               for x in subj[0].subtree):
            continue
        if any(senses.get(c.i) is not None and senses[c.i].type in ("PROTEST", "ASSAULT")
               for c in t.children if c.dep_ in ("dobj", "conj", "xcomp")):
            continue   # "protesters staged a sit-in", "rioters clashed and ...": coded there
        senses[t.i] = CROWD_RIOT if t.i in senses else CROWD_PROTEST


REFLEXIVES = {"themselves", "himself", "herself", "itself"}
# Verbs of entering by force whose act is the one they go on to ("raided X and arrested Y").
RAID_VERBS = {"raid"}


def _reference_to_agreement(t: Token, sense: Sense, senses: dict, lex: Lexicon) -> bool:
    """'under a US-Russian deal', 'as part of a UN-brokered deal', 'to oversee a ceasefire between
    A and B': an agreement or truce named as the frame of something else, not agreed here."""
    if t.pos_ not in ("NOUN", "PROPN") or _lemma(t) not in lex.agreement_nouns:
        return False
    head = t.head
    if t.dep_ == "pobj":
        return senses.get(head.head.i) is None
    if t.dep_ == "dobj":
        return senses.get(head.i) is None and _lemma(head) not in lex.light_verbs
    return False


# How many sentences back an undated event may look for the happening it continues.
CARRY_SENTENCES = 2


def _pair_key(ev: Event) -> Optional[frozenset]:
    if ev.source is None or ev.target is None:
        return None
    key = frozenset((actor_key(ev.source), actor_key(ev.target)))
    return key if len(key) == 2 else None


# "after the meeting", "during the visit": a definite nominal event that points back to a happening.
REFERRING_PREPS = {"after", "during", "following", "at", "on", "in"}


def _referred_happening(sent, ev: Event, dated: list[tuple[int, Event]]) -> Optional[Event]:
    """The earlier dated happening a sentence refers back to with 'after/during the <event noun>'
    (same type as the noun, sharing an actor with ev), or None."""
    lex = lexicon()
    keys = {actor_key(ev.source), actor_key(ev.target)}
    lemmas = token_attrs(sent.doc).lemma
    for i in range(sent.start, sent.end):
        sense = lex.nouns.get(lemmas[i].lower())
        if sense is None:
            continue  # no event noun: no Token need be made
        t = sent.doc[i]
        if t.dep_ != "pobj" or _lemma(t.head) not in REFERRING_PREPS:
            continue
        if not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in t.children):
            continue
        for _, prev in reversed(dated):
            if prev.type == sense.type and keys & {actor_key(prev.source), actor_key(prev.target)}:
                return prev
    return None


def _carry_context(events: list[Event], doc: Doc, idx: DocIndex) -> list[Event]:
    """An event without a date of its own, between the same two actors as an explicitly dated event
    one or two sentences before, continues that happening ('After the meeting, X expressed support
    for Y'): it takes that date, and its place when it names none. A statement takes the date and
    venue its speaker's saying is given in its own or an adjacent sentence."""
    sents = list(doc.sents)
    starts = [s.start_char for s in sents]
    def sent_no(ev: Event) -> int:
        return bisect.bisect_right(starts, ev.spans[0][0]) - 1 if ev.spans else -1

    ordered = sorted(events, key=lambda e: e.spans[0][0] if e.spans else 0)
    dated: list[tuple[int, Event]] = []
    out = {}
    for ev in ordered:
        n, key = sent_no(ev), _pair_key(ev)
        if not ev.date_inferred:
            if ev.date and actor_key(ev.source) is not None:
                dated.append((n, ev))
            continue
        if n < 0:
            continue
        earlier = _referred_happening(sents[n], ev, dated) if key is not None else None
        if earlier is None:
            earlier = _continued_happening(n, ev, key, dated)
        if earlier is None:
            continue
        update = {"date": earlier.date, "date_inferred": False}
        if ev.place is None and earlier.place is not None:
            update["place"] = earlier.place
        elif ev.place is not None and earlier.place is None and earlier.type == ev.type:
            # "Warplanes struck a convoy on Monday night. The planes hit it in the town of X": the
            # continuation names where the dated report happened
            kept = out.get(id(earlier), earlier)
            if kept.place is None:
                out[id(earlier)] = kept.model_copy(update={"place": ev.place})
        out[id(ev)] = ev.model_copy(update=update)
    events = [out.get(id(ev), ev) for ev in events]
    return _carry_saying(events, doc, sent_no, sents, idx)


# Speech acts: their date and place are those of the saying.
STATEMENT_TYPES = {"ACCUSE", "REQUEST", "REJECT", "THREATEN", "SUPPORT"}


def _sentence_sayings(doc: Doc, sent, idx: DocIndex, lex: Lexicon) -> list[tuple]:
    """(speaker keys, date, place) of each reporting verb of the sentence with an actor as subject
    ('Mogherini said in an interview in Brussels', 'Rhodes said on Tuesday night')."""
    reporting = lex.status["reporting_verbs"]
    out: list[tuple] = []
    pos = token_attrs(doc).pos
    for i in range(sent.start, sent.end):
        if pos[i] != "VERB":
            continue  # only verbs report: the others need no Token
        v = doc[i]
        if _lemma(v) not in reporting:
            continue
        keys = {k for c in v.children if c.dep_ == "nsubj" for ep in endpoints(c, idx, lex)
                for k in (actor_key(ep.ref), actor_key(_normalise(ep, "ACCUSE", "source")))}
        if not keys:
            continue
        dm = event_date(v, idx)
        out.append((keys, dm.value if dm is not None else None, _venue(sent, {v}, idx, lex)))
    return out


QUOTE_MARKS = ('"', "\u201c", "\u201d")
QUOTED_SENTENCES = 3


def _quoted_until_said(sents: list, n: int, sayings_in) -> list[int]:
    """The next sentence with a saying, reached through sentences of a quotation only ('X said Y.
    "... . ..." Z said on Tuesday.'), as a one-item list, or []."""
    for m in range(n + 1, min(n + 1 + QUOTED_SENTENCES, len(sents))):
        if sayings_in(m):
            return [m]
        if not any(q in sents[m].text for q in QUOTE_MARKS):
            return []
    return []


def _carry_saying(events: list[Event], doc: Doc, sent_no, sents: list, idx: DocIndex) -> list[Event]:
    """A statement with no date (or place) of its own takes the date (or venue) of its speaker's saying
    in its sentence, else the one before, else the one after ('X said that Y holds responsibility.
    "..." X said on Tuesday night.')."""
    pending = [ev for ev in events if ev.type in STATEMENT_TYPES and ev.source is not None and ev.spans
               and (ev.date_inferred or ev.place is None)]
    if not pending:
        return events
    lex = lexicon()
    # the sayings of a sentence are found when a statement first asks for them: only the sentences
    # of statements and their neighbours are ever read
    sayings: dict[int, list[tuple]] = {}

    def sayings_in(m: int) -> list[tuple]:
        if not 0 <= m < len(sents):
            return []
        if m not in sayings:
            sayings[m] = _sentence_sayings(doc, sents[m], idx, lex)
        return sayings[m]

    out = {}
    for ev in pending:
        n, key = sent_no(ev), actor_key(ev.source)
        if not any(key in keys for keys, _, _ in sayings_in(n)):
            continue   # not what a speaker of this sentence says
        update = {}
        for m in (n, n - 1, *_quoted_until_said(sents, n, sayings_in)):
            for keys, value, place in sayings_in(m):
                if key not in keys:
                    continue
                if ev.date_inferred and value and "date" not in update:
                    update["date"], update["date_inferred"] = value, False
                if ev.place is None and place is not None and "place" not in update:
                    update["place"] = place.ref()
        if update:
            out[id(ev)] = ev.model_copy(update=update)
    return [out.get(id(ev), ev) for ev in events]


# How many sentences back an undated act may continue a dated act of the same type by the same source.
CONTINUE_SENTENCES = 1


def _continued_happening(n: int, ev: Event, key: Optional[frozenset],
                         dated: list[tuple[int, Event]]) -> Optional[Event]:
    """The dated event an undated one, in sentence n, continues: between the same two actors one or two
    sentences before, else of the same type, source and kind of fact in the sentence just before
    ('Jets bombed the convoy on Monday. The planes then struck the rescuers')."""
    if key is not None:
        for m, prev in reversed(dated):
            if m >= n:
                continue
            if n - m > CARRY_SENTENCES:
                break
            if _pair_key(prev) == key:
                return prev
    source = actor_key(ev.source)
    if source is None:
        return None
    for m, prev in reversed(dated):
        if m >= n:
            continue
        if n - m > CONTINUE_SENTENCES:
            break
        if prev.type == ev.type and actor_key(prev.source) == source \
                and STATUS_FAMILY.get(prev.status) == STATUS_FAMILY.get(ev.status):
            return prev
    return None


NON_STATE_SECTORS = {"REB", "OPP", "CVL"}


def _place_as_target(ev: Event) -> Event:
    """An act of force on a place with no one named is an act on its state ('shelled X', 'imposed a
    curfew in X', 'lifted the curfew in X', 'deployed troops in X'); decided after merging, so that a record naming the
    target elsewhere in the article keeps it."""
    if ev.target is None and ev.type == "PROTEST" and ev.source is not None and ev.source.country \
            and ev.source.sector in CROWD_SECTORS and (ev.place is None or not ev.place.country):
        # a crowd protesting nowhere named protests to its own authorities
        code = ev.source.country
        return ev.model_copy(update={"target": ActorRef(name=_country_name(code), country=code, sector="GOV")})
    if ev.target is not None or ev.place is None or not ev.place.country or ev.source is None:
        return ev
    country = ev.place.country
    if ev.type == "PROTEST" and ev.source.country in (None, country):
        # a protest with no one named is addressed to the authorities where it is held
        return ev.model_copy(update={"target": ActorRef(name=_country_name(country), country=country, sector="GOV")})
    if not ev.source.country:
        return ev   # a stateless group fighting somewhere is not fighting that state
    foreign = ev.place.country != ev.source.country
    if not foreign and ev.type == "ASSAULT" and ev.source.name.startswith(UNKNOWN_ATTACKER):
        # an unclaimed bomb or shooting with no victim named: the people of the place
        return ev.model_copy(update={"target": ActorRef(name=f"Civilians ({_country_name(country)})",
                                                        country=country, sector="CVL")})
    if not foreign and ev.type == "RETREAT" and ev.source.sector == "REB":
        # rebels disarming or withdrawing at home stand down before its state
        return ev.model_copy(update={"target": ActorRef(name=_country_name(country), country=country, sector="GOV")})
    if not foreign and ev.type in ("ASSAULT", "COERCE") and ev.source.sector in NON_STATE_SECTORS:
        # rebels bombing or sabotaging in their own country act against its state (fighting: its forces)
        ep = Endpoint(ActorRef(name=_country_name(country), country=country, sector="GOV"), "state")
        return ev.model_copy(update={"target": _normalise(ep, ev.type, "target")})
    if not foreign and ev.source.sector in ("GOV", "COP", "MIL") and (
            ev.type == "COERCE" or (ev.type == "THREATEN" and "intent-coerce" in ev.contexts)):
        # a state's curfew, siege or crackdown at home falls on the people of the place
        return ev.model_copy(update={"target": ActorRef(name=f"Civilians ({_country_name(country)})",
                                                        country=country, sector="CVL")})
    # a state's coercive measure, or its easing ("lifted the curfew in X"), falls on the place's people
    state_measure = ev.type == "COERCE" or (ev.type == "CONCEDE" and ev.mode == "ease")
    if not ((foreign and ev.type in ("ASSAULT", "COERCE", "MOBILIZE"))
            or (state_measure and ev.source.sector in ("GOV", "COP", "MIL"))):
        return ev
    ep = Endpoint(ActorRef(name=_country_name(ev.place.country), country=ev.place.country, sector="GOV"), "state")
    return ev.model_copy(update={"target": _normalise(ep, ev.type, "target")})


def _attack_of_casualties(t: Token, senses: dict) -> Optional[Token]:
    """The attack a casualty verb reports the toll of: its ASSAULT-noun subject ('strikes killed'),
    or the ASSAULT verb it is a participle clause of ('struck ..., killing')."""
    if t.pos_ != "VERB":
        return None
    for c in t.children:
        if c.dep_ == "nsubj" and senses.get(c.i) is not None and senses[c.i].type == "ASSAULT":
            return c
    if t.dep_ == "conj" and t.tag_ == "VBG" and t.head.dep_ == "advcl" and senses.get(t.head.i) is not None:
        t = t.head   # "..., killing or injuring 3 militants": both belong to the attack
    if t.dep_ == "advcl" and t.tag_ == "VBG" and senses.get(t.head.i) is not None \
            and senses[t.head.i].type == "ASSAULT":
        return t.head
    if t.dep_ == "advcl" and t.tag_ == "VBG":
        # "carried out airstrikes ..., killing five": the attack is the light verb's object
        for c in t.head.children:
            if c.dep_ == "dobj" and senses.get(c.i) is not None and senses[c.i].type == "ASSAULT":
                return c
    return None


def _fold_casualties(attack: list[Event], casualty: list[Event]) -> list[Event]:
    """Casualty events add a target to the attack they belong to, never a second attack."""
    """Returns the attack's events (with a target from the casualties where they had none),
    followed by the casualty events whose source made no such attack."""
    if not attack:
        return casualty
    updated = []
    for a in attack:
        victim = None
        if a.target is None:
            victim = next((ev.target for ev in casualty if ev.target is not None
                           and actor_key(ev.source) == actor_key(a.source)), None)
        updated.append(a.model_copy(update={"target": victim}) if victim is not None else a)
    extra = [ev for ev in casualty if not any(actor_key(a.source) == actor_key(ev.source) for a in attack)]
    return updated + extra


def _accuse_earlier_act(t: Token, accusations: list[Event], earlier: list[Event], senses: dict,
                        lex: Lexicon) -> list[Event]:
    """'X condemned / described the attack as ...' with no one named: 'the attack' is the last attack
    reported before, and the accused is its source."""
    if any(e.target is not None for e in accusations):
        return accusations
    objs = [c for c in t.children if c.dep_ in ("dobj", "nsubjpass")] + _pobjs(t, {"for", "over"})
    act = next((o for o in objs if senses.get(o.i) is not None and senses[o.i].type in ("ASSAULT", "COERCE")
                and any(c.dep_ == "det" and c.lower_ in ("the", "this", "that", "these", "those")
                        for c in o.children)), None)
    if act is None:
        return accusations
    kind = senses[act.i].type
    prior = [e for e in earlier if e.type == kind and e.spans and e.spans[0][0] < sentence_of(t).start_char]
    if not prior:
        return accusations
    accused = prior[-1].source
    return [e.model_copy(update={"target": accused}) if actor_key(accused) != actor_key(e.source) else e
            for e in accusations]


def _accused_acts(t: Token, accusations: list[Event], senses: dict, lex: Lexicon, idx: DocIndex) -> list[Event]:
    """An accusation reports the act it names: 'A accused X of attacking Z', 'A blamed the attack on X'
    -> ASSAULT X -> Z, status reported."""
    accused = [e.target for e in accusations if e.target is not None]
    if not accused:
        return []
    out = []
    # ("the gas attack (in Douma on Saturday), which X blames on Y": the act is the noun the
    # relative clause hangs on, or the last act named just before it)
    antecedents = []
    if t.dep_ == "relcl":
        first = t.left_edge.i
        antecedents = [t.head] + [t.doc[i] for i in range(first - 1, max(sentence_of(t).start, first - 8) - 1, -1)]
    for x in list(t.subtree) + antecedents:
        s = senses.get(x.i)
        if x.i == t.i or s is None or s.type not in ("ASSAULT", "COERCE") or sentence_of(x) != sentence_of(t):
            continue
        if x.pos_ in ("VERB",):
            target_toks = _verb_targets(x, lex)
        else:
            target_toks = _noun_arguments(x, s, lex, idx)[1]
        targets = _resolve_targets(target_toks, idx, lex)
        place = event_place(x, s, idx, lex)
        pairs = [(Endpoint(a), tg) for a in accused for tg in (targets or [None])
                 if tg is None or actor_key(tg.ref) != actor_key(a)]
        for ev in _events_for(x, s, s.type, _assault_mode(x, s, lex), pairs, place, lex, idx):
            out.append(ev.model_copy(update={"status": "reported"}))
        break
    return out


def _code_obligation(v: Token, lex: Lexicon, idx: DocIndex, speaking: Optional[Token] = None) -> list[Event]:
    """'A said X must do Y' is A's demand on X (REQUEST); so is 'A issued a reminder to X that it
    must ...' (speaking: the verb of the noun the obligation hangs on)."""
    speaking = speaking if speaking is not None else v.head
    speaker = [c for c in speaking.children if c.dep_ == "nsubj"]
    subject = [c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")]
    sources = endpoints(speaker[0], idx, lex) if speaker else []
    targets = endpoints(subject[0], idx, lex) if subject else []
    if not targets and speaking is not v.head:
        # an unresolved "it" bound by the reminder is its addressee ("a reminder to Iraq that it must")
        targets = [ep for c in speaking.children if c.dep_ == "dative"
                   for ep in (endpoints(c, idx, lex) or [e for g in c.children if g.dep_ == "pobj"
                                                         for e in endpoints(g, idx, lex)])] \
            + [ep for g in _pobjs(speaking, {"to"}) for ep in endpoints(g, idx, lex)]
    targets = [tg for tg in targets if actor_key(tg.ref) not in {actor_key(s.ref) for s in sources}]
    if not sources or not targets:
        return []   # an obligation with no actor bound by it ("any operation should ...") is no demand
    sense = Sense("REQUEST", None, ())
    return _events_for(speaking, sense, "REQUEST", None, [(s, tg) for s in sources for tg in targets],
                       None, lex, idx)


def _blame_clause(v: Token, lex: Lexicon) -> bool:
    """'... X bears responsibility', '... X was behind the attack', '... X is responsible'."""
    words = lex.blame_predicates
    for c in v.children:
        if c.dep_ in ("acomp", "attr", "dobj", "oprd") and _lemma(c) in words:
            return True
        if c.dep_ == "prep" and _lemma(c) in words:
            return True
    return _lemma(v) in words


def _code_blame(v: Token, lex: Lexicon, idx: DocIndex, senses: dict) -> list[Event]:
    """'A said X was behind / responsible for the attack' is A's accusation of X (ACCUSE)."""
    speaker = [c for c in v.head.children if c.dep_ == "nsubj"]
    subject = [c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")]
    sources = endpoints(speaker[0], idx, lex) if speaker else []
    targets = endpoints(subject[0], idx, lex) if subject else []
    targets = [tg for tg in targets if actor_key(tg.ref) not in {actor_key(s.ref) for s in sources}]
    if not sources or not targets:
        return []
    accusations = _events_for(v.head, Sense("ACCUSE", None, ()), "ACCUSE", None,
                              [(s, tg) for s in sources for tg in targets], None, lex, idx)
    return accusations + _accused_acts(v, accusations, senses, lex, idx)


def _coordinated_verbs(v: Token) -> list[Token]:
    """v, then the verbs coordinated with it ('killed, injured or captured'), nearest first."""
    out, todo = [], [v]
    if v.dep_ in ("conj", "advcl") and v.head.pos_ == "VERB":
        todo.append(v.head)
    while todo and len(out) < 6:
        x = todo.pop(0)
        if x in out:
            continue
        out.append(x)
        todo.extend(c for c in x.children if c.dep_ in ("conj", "advcl") and c.pos_ == "VERB" and c.tag_ == "VBN")
    return out


def _agent_via_event(v: Token, lex: Lexicon) -> list[Token]:
    """The agent of an agentless passive, named by the operation it happened in: 'X were killed during
    operations carried out by Y' -> Y; 'soldiers were killed in clashes with Y' -> Y."""
    for n in _pobjs(v, {"during", "in", "amid", "by", "after", "following"}):
        for c in n.children:
            if c.dep_ == "acl":
                agents = [g for a in c.children if a.dep_ == "agent" for g in a.children if g.dep_ == "pobj"]
                if agents:
                    return agents
        by = _pobjs(n, {"by"})
        if by:
            return by
        owners = [c for c in n.children if c.dep_ in ("poss", "compound", "amod", "nmod")]
        if owners:
            return owners
        with_ = _pobjs(n, {"with"})
        if with_:
            return with_
    return []


def _complement_targets(v: Token, lex: Lexicon, depth: int = 0) -> list[Token]:
    """Targets inside a verb's complement: 'agreed to provide aid to X', 'threatened to cut off X'."""
    for c in v.children:
        # (an adjective heads the small clause of "held X responsible": X is its subject)
        if c.dep_ in ("xcomp", "ccomp", "advcl") and (c.pos_ in ("VERB", "AUX") or (c.dep_ == "ccomp" and c.pos_ == "ADJ")):
            found = _verb_targets(c, lex) if c.dep_ != "ccomp" else []
            if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "for" for m in c.children):
                # "called for the army to leave the capital": the one asked is the clause's subject
                found = [g for g in c.children if g.dep_ == "nsubj"] or found
            if c.dep_ == "ccomp":
                found = [g for g in c.children if g.dep_ in ("nsubj", "nsubjpass")] or _verb_targets(c, lex)
            if found:
                return found
            if depth < 2:
                found = _complement_targets(c, lex, depth + 1)
                if found:
                    return found
    return []


REQUEST_LIKE = {"REQUEST", "THREATEN", "ACCUSE", "REJECT", "SUPPORT", "AGREE"}


def _protest_targets(t: Token, lex: Lexicon) -> list[Token]:
    """What a protest is against: its purpose clause ('to demand X's resignation', 'calling for ...',
    'in protest against X')."""
    anchor = _anchor(t)
    out = []
    for node in {t, anchor}:
        out += _pobjs(node, {"against", "over"})
        for c in node.children:
            if c.dep_ in ("advcl", "xcomp", "acl", "relcl") and c.pos_ == "VERB":
                out += _verb_targets(c, lex) + [g for g in c.children if g.dep_ == "ccomp"]
            if c.dep_ == "prep" and _lemma(c) == "in":
                for g in c.children:
                    if g.dep_ == "pobj" and _lemma(g) in ("protest", "defiance", "opposition", "solidarity"):
                        # ("in defiance of the authorities"; "in solidarity with X" names an ally, not a target)
                        out += _pobjs(g, {"against", "of", "at", "over"} if _lemma(g) != "solidarity" else set())
            if c.dep_ == "prep" and c.lower_ in ("following", "after", "during"):
                # "rioted following a demonstration calling for X's removal": what that protest was against
                for g in c.children:
                    if g.dep_ in ("pobj", "dobj") and _lemma(g) in PROTEST_NOUNS:
                        out += _pobjs(g, {"against", "over"}) + [x for a in g.children
                                                                 if a.dep_ in ("acl", "relcl") and a.pos_ == "VERB"
                                                                 for x in _verb_targets(a, lex)]
    return out


PROTEST_NOUNS = {"protest", "demonstration", "rally", "march", "sit-in", "strike"}


# Acts whose counterpart may be named only by a nationality adjective on what they concern.
DEMONYM_TARGET_TYPES = {"REJECT", "THREATEN", "RETREAT", "SANCTION", "CONCEDE", "AGREE", "REQUEST", "SUPPORT",
                        "COERCE"}


def _demonym_targets(t: Token, is_verb: bool, own: set, idx: DocIndex) -> list[Endpoint]:
    """The state named by the first nationality adjective in what the act concerns (a verb's object,
    complement clause and counterpart phrases, a noun's own phrase), outside any actor or place mention."""
    if is_verb:
        target_preps = lexicon().target_preps
        scope = [x for c in t.children if c.dep_ in ("dobj", "xcomp", "ccomp")
                 or (c.dep_ == "prep" and _lemma(c) in target_preps) for x in c.subtree]
    else:
        scope = [x for x in t.subtree if x.i != t.i]
    for x in sorted(scope, key=lambda x: x.i):
        if x.dep_ not in ("amod", "compound") or not x.text[:1].isupper() or idx.actor_at[x.i] is not None \
                or idx.place_at[x.i] is not None:
            continue
        code = _demonyms().get(x.text)
        if code and code not in own:
            lex, head = lexicon(), x.head
            role = lex.victim_roles.get(_lemma(head))
            if role is None and head.tag_ == "NNS" and (_lemma(head) in lex.crowd_nouns
                                                        or _lemma(head).endswith(("ist", "ian", "ite"))):
                role = "CVL"   # "cracked down on Serbian nationalists": people of that nation, not its state
            if role is not None:
                return [_victim_group(role, code)]
            return [Endpoint(ActorRef(name=_country_name(code), country=code, sector="GOV"), kind="state")]
    return []


def _trailing_report(v: Token) -> Optional[tuple[Token, Token]]:
    """'Guards beat detainees, a rights group charged': the small parser hangs a sentence-final
    reporting verb on the noun after the comma. Returns (that noun, the main clause's verb)."""
    if v.dep_ not in ("acl", "relcl"):
        return None   # tested first: the sentence's root is sought only for a clause on a noun
    h, root = v.head, sentence_of(v).root
    if h.pos_ not in ("NOUN", "PROPN") or h.left_edge.i == sentence_of(v).start \
            or v.doc[h.left_edge.i - 1].text != "," or root.i >= h.left_edge.i or root.pos_ not in ("VERB", "AUX") \
            or any(c.dep_ in ("dobj", "ccomp", "xcomp", "auxpass") for c in v.children):
        return None
    return h, root


def _command_of(agent_toks: list[Token], idx: DocIndex, lex: Lexicon) -> Optional[Endpoint]:
    """'Turkish forces and JWS factions, operating under OPS, shelled ...': forces fighting under a
    named operation or command act as it, one party; None when the subject names no such actor."""
    for a in agent_toks:
        for x in a.subtree:
            if x.lower_ != "under" or x.dep_ != "prep" or x.i < a.i:
                continue
            for g in x.children:
                if g.dep_ == "pobj" and idx.actor_at[g.i] is not None and idx.actor_at[g.i].kind != "person":
                    found = endpoints(g, idx, lex)
                    if found:
                        return found[0]
    return None


POSSESSIVE_ANAPHORS = {"its", "their"}


def _possessor_antecedent(target_toks: list[Token], t: Token, sources: list[Endpoint], idx: DocIndex,
                          lex: Lexicon) -> list[Endpoint]:
    """'IS is under attack in Mosul, and US strikes have killed many of its leaders': victims owned by
    an unresolved 'its' / 'their' belong to the sentence's subject, when that names an actor other
    than the attacker (never the place the fighting is in)."""
    if not any(x.dep_ == "poss" and x.lower_ in POSSESSIVE_ANAPHORS and idx.actor_at[x.i] is None
               and _lemma(x.head) in lex.member_nouns   # its leaders, not "its outskirts"
               for tok in target_toks for x in tok.subtree):
        return []
    root = sentence_of(t).root
    if _lemma(root) in lex.status["reporting_verbs"]:
        return []   # "X said in a report that ... its ...": the reporter owns no victims
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.i > t.i:
        return []
    return [ep for ep in endpoints(subject, idx, lex) if ep.from_place is None and not ep.place_itself
            and not _same_as_any(ep, sources)][:1]


def _code_trigger(t: Token, sense: Sense, lex: Lexicon, idx: DocIndex, senses: dict) -> list[Event]:
    is_verb = t.pos_ in ("VERB", "AUX") or t.tag_.startswith("VB")
    report = _trailing_report(t) if is_verb and sense.type in ("ACCUSE", "PROTEST") else None
    if is_verb and sense.type == "PROTEST" and (report or any(c.dep_ == "ccomp" for c in t.children)):
        # "X protested that Y ...", "Y failed to ..., X protested": a verbal protest is a disapproval
        sense = Sense("ACCUSE", None, sense.contexts)
    if is_verb:
        agent_toks, patient_toks, passive = _subject_tokens(t)
        if report is not None:
            # the speaker accuses the subject of what it reports
            agent_toks, passive = [report[0]], False
            patient_toks = [c for c in report[1].children if c.dep_ in ("nsubj", "nsubjpass")][:1]
            if not patient_toks:
                return []
        if passive and not agent_toks and _lemma(t) in lex.stance_participles:
            # "Israel is opposed to French mediation": the subject holds the stance, "to" names its object
            agent_toks, patient_toks, passive = patient_toks, _pobjs(t, {"to"}), False
        groups = [agent_toks]
        if len(agent_toks) == 1 and not passive and senses.get(agent_toks[0].i) is not None \
                and idx.actor_at[agent_toks[0].i] is None:
            # "US drone attacks have killed X": the actor of the act that is the subject
            groups += _noun_arguments(agent_toks[0], senses[agent_toks[0].i], lex, idx)[0]
        if sense.via_object:
            obj = _object_of(t)
            target_toks = [c for c in t.children if c.dep_ == "dative"] + _pobjs(t, lex.target_preps - {"of"}) \
                + ([g for o in _phrase_heads(obj)   # ("launched artillery, mortar and rocket fire against X")
                    for g in _pobjs(o, (lex.target_preps - ({"of"} if _lemma(obj) in lex.request_nouns else {"from"}))
                                    | ({"between", "among"} if _mediation(obj, lex) else set()))]
                   if obj is not None else [])   # ("accepted demands from X": X asked; "ended mediation efforts
        # between rival militias": the parties mediated between)
        else:
            target_toks = patient_toks + ([] if passive else _verb_targets(t, lex))
        # "abused immigrants, a rights group charged": the reporter after the comma is no victim
        target_toks = [x for x in target_toks if not any(
            c.dep_ in ("acl", "relcl") and c.pos_ == "VERB" and _trailing_report(c) is not None and (
                _lemma(c) in lex.status["reporting_verbs"] or (senses.get(c.i) is not None and
                                                                senses[c.i].type in ("ACCUSE", "PROTEST")))
            for c in x.children)]
        if not target_toks:
            target_toks = _complement_targets(t, lex)
        if sense.type in ("ASSAULT", "COERCE") and not passive:
            # "liberated Iraq from ISIS", "took the city of X from the army": the place changes hands,
            # the side it is taken from is the one attacked (a country named as the place is no target)
            held_from = [g for g in _pobjs(t, {"from"}) if idx.place_at[g.i] is None and any(
                ep.from_place is None for ep in endpoints(g, idx, lex))]
            if held_from and any(x.dep_ == "dobj" and any(idx.place_at[p.i] is not None for p in [x] + _pobjs(x, {"of"}))
                                 for x in target_toks):
                target_toks = held_from
        planted = t.head.head.head if t.dep_ == "acl" and t.head.dep_ == "pobj" and t.head.head.dep_ == "agent" \
            and t.head.head.head.dep_ == "acl" else None
        if planted is not None and planted.head.pos_ == "NOUN" and _explosive(planted.head, lex):
            # "an IED planted by armed men detonated": the parse hangs the device's own verb on its
            # planters, whom it then reads as what detonated; the device is the subject
            agent_toks, patient_toks, passive, target_toks = [planted.head], [], False, []
        device = bool(agent_toks) and _explosive(agent_toks[0], lex)
        if device and not any(idx.actor_at[x.i] is not None for tok in target_toks for x in tok.subtree):
            # "an IED planted in a JWS military vehicle exploded in X": the bomb was aimed at whose
            # vehicle, post or house it was planted in, not at the town where it went off
            target_toks = [g for c in agent_toks[0].children if c.dep_ == "acl"
                           for p in c.children if p.dep_ == "prep" and p.lower_ in ("in", "on", "under", "inside")
                           for g in p.children if g.dep_ == "pobj" and any(
                               idx.actor_at[x.i] is not None for x in g.subtree)] + target_toks
        if device:
            # "a landmine planted by X exploded": X set it; with no one named the device is agentless
            agent_toks = [g for c in agent_toks[0].children if c.dep_ == "acl"
                          for a in c.children if a.dep_ == "agent" for g in a.children if g.dep_ == "pobj"]
            groups = [agent_toks]
        if passive and not agent_toks:
            # "X were killed, injured or captured during operations by Y", "2 soldiers were killed and
            # 4 others were wounded during clashes with Y": the operation may hang on any conjunct
            for v in _coordinated_verbs(t):
                found = _agent_via_event(v, lex)
                if found:
                    groups.append(found)
                    break
            if patient_toks and _lemma(patient_toks[0]) in ("other", "others") and t.dep_ == "conj":
                patient_toks = _subject_tokens(t.head)[1] or patient_toks   # "... and 4 others were wounded"
                target_toks = patient_toks
            if sense.type == "RETREAT" and sense.mode in ("disarm", "withdraw") and patient_toks:
                # "a third of the guerrillas have been demobilized", "troops were withdrawn": the forces
                # stood down are the side that retreats
                groups.append(patient_toks)
                target_toks = []
        clause = agent_toks[0].head if len(agent_toks) == 1 else t
        if len(agent_toks) == 1 and agent_toks[0].lower_ in ANAPHORS and clause.dep_ in ("ccomp", "conj", "advcl") \
                and idx.actor_at[agent_toks[0].i] is None:
            # "Iran denied that it had ...", "Syria says it is willing to withdraw ...": an unresolved
            # pronoun subject of a complement is the subject of the clause it depends on
            outer, _, outer_passive = _subject_tokens(clause.head)
            if not outer_passive:
                groups.append(outer)
    else:
        groups, target_toks = _noun_arguments(t, sense, lex, idx)
        if sense.type == "ASSAULT" and t.dep_ == "pobj" and t.head.lower_ == "under" \
                and t.head.head.pos_ in ("VERB", "AUX"):
            # "X is under attack (by Y)", "came under fire from Y": X is the one attacked
            groups = [_pobjs(t, {"by", "from"})]
            target_toks = [c for c in t.head.head.children if c.dep_ in ("nsubj", "nsubjpass")]
        for g in list(groups):
            if len(g) == 1 and g[0].lower_ in ANAPHORS and idx.actor_at[g[0].i] is None \
                    and g[0].head.dep_ in ("ccomp", "conj", "advcl"):
                # "NATO confirmed it would tighten the blockade": the unresolved pronoun is the outer subject
                groups.append(_subject_tokens(g[0].head.head)[0])
        agent_toks = next((g for g in groups if g), [])
        device = False
    if is_verb and t.dep_ == "acl" and t.head.dep_ in ("dobj", "attr", "pobj"):
        # "X issued a declaration demanding ...": the declaration's author
        verb = t.head.head if t.head.dep_ != "pobj" else t.head.head.head
        if verb.pos_ in ("VERB", "AUX"):
            groups.append(_subject_tokens(verb)[0])
    sources = []
    for group in groups:
        sources = [ep for tok in group for ep in endpoints(tok, idx, lex)]
        if sources:
            break
    command = _command_of(agent_toks, idx, lex) if is_verb and not passive else None
    if command is not None:
        sources = [command]
    if not sources and is_verb and not passive and not device and t.dep_ not in ("pcomp", "xcomp", "relcl") and not any(
            idx.actor_at[x.i] is not None or _lemma(x) in RELATIVE_PRONOUNS | ANAPHORS for x in agent_toks) \
            and all(x.head.i == t.i or t.dep_ == "acl" for x in agent_toks):   # an inherited subject was not lost
        # no subject, or one the parse got wrong ("mortar" the subject of "IS militants mortar shelled")
        sources = _actor_on_left(t, idx)
    if is_verb and sense.type == "MOBILIZE":
        # "deployed forces along the highway": the unnamed troops moved are the means, not a counterpart
        target_toks = [x for x in target_toks if not (x.dep_ == "dobj" and (
            idx.actor_at[x.i] is None or _bare(idx.actor_at[x.i])))]
    targets = _resolve_targets(target_toks, idx, lex)
    if targets and all(tg.from_place is None and any(_same_actor(tg.ref, s.ref) for s in sources) for tg in targets):
        # "reneged on his commitment to X": the possessor is the source; X is the counterpart
        targets = _resolve_targets(target_toks, idx, lex, sources)
    if not targets and is_verb and target_toks:
        targets = _resolve_targets(_complement_targets(t, lex), idx, lex, sources)
    if sense.type == "ACCUSE" and _lemma(t) in lex.accusation_verbs and not sense.mode:
        targets = [ep for tok in target_toks[:1] for ep in endpoints_deep(tok, idx, lex)][:1] or targets
    if not targets and sense.type == "ACCUSE":
        # "an investigation into crimes committed by X", "accused of ... by X": the accused is inside;
        # "denounced as an ugly crime X's suppression of ...": inside what it is denounced as
        toks = target_toks + (_pobjs(t, {"as"}) if is_verb else [])
        targets = [ep for tok in toks for ep in endpoints_deep(tok, idx, lex)
                   if actor_key(ep.ref) not in {actor_key(s.ref) for s in sources}][:1]
    if not targets and is_verb and sense.type == "RETREAT" and sense.mode == "ease":
        # "received a mission of observers from X", "admitted inspectors from X": admitting the
        # envoys of X opens up to X
        senders = [p for o in t.children if o.dep_ == "dobj" for h in [o] + _pobjs(o, {"of"})
                   for p in _pobjs(h, {"from"})]
        targets = [ep for tok in senders for ep in endpoints_deep(tok, idx, lex)
                   if not _same_as_any(ep, sources)][:1]
    if sense.type == "PROTEST":
        source_keys = {actor_key(s.ref) for s in sources}
        if not [tg for tg in targets if actor_key(tg.ref) not in source_keys]:
            targets = [ep for tok in _protest_targets(t, lex) for ep in endpoints_deep(tok, idx, lex)]
    if not targets and sense.type == "ASSAULT" and target_toks:
        targets = _possessor_antecedent(target_toks, t, sources, idx, lex)
    place = event_place(t, sense, idx, lex)
    if not targets and is_verb and sense.type == "CONCEDE" and sources:
        # "shortened the curfew imposed in Sudan", "eased restrictions in the West Bank": a measure
        # eased where it was imposed is a concession to the people there (to the state, if foreign)
        targets = _eased_place_people(t, sources, idx)
    if sense.type in ("PROTEST", "ASSAULT"):
        crowd = _crowd_source(t, sense, agent_toks, sources, lex, place, idx)
        if crowd:
            sources = crowd
    if not sources and sense.mode in ("arrest", "investigate", "deport") and place is not None and place.country \
            and ((is_verb and passive and not agent_toks and t.dep_ in ("ROOT", "ccomp", "conj", "xcomp"))
                 or (not is_verb and t.dep_ == "pobj" and t.head.lower_ == "under")):   # (not "X, who had been arrested")
        # "was arrested in Lebanon", "has been put under investigation in Italy": by the authorities there
        sources = [Endpoint(ActorRef(name=_country_name(place.country), country=place.country,
                                     sector="COP" if sense.mode == "arrest" else "GOV"), kind="state")]
    if not sources and sense.type == "ASSAULT":
        mode = _assault_mode(t, sense, lex)
        if device or any(g and _explosive(g[0], lex) and idx.actor_at[g[0].i] is None for g in groups[1:]):
            # "killed by an improvised explosive device", "killed in a car bomb explosion": a device
            # named as the agent stands for whoever planted it, unnamed
            agent_toks, mode = [], "explosives"
        sources = _unknown_attacker(t, agent_toks, mode, lex, place, idx)
    if not targets and is_verb:
        # "suspended its memorandum on air safety with the United States", "broke off relations with X":
        # the other party to the agreement or tie acted on
        obj = _object_of(t)
        if obj is not None and (_lemma(obj) in lex.agreement_nouns or _lemma(obj) in TIE_NOUNS):
            source_keys = {actor_key(s.ref) for s in sources}
            targets = [ep for x in obj.subtree if x.dep_ == "prep" and x.lower_ == "with"
                       for g in x.children if g.dep_ == "pobj" for ep in endpoints(g, idx, lex)
                       if actor_key(ep.ref) not in source_keys][:1]
    own = {s.ref.country for s in sources}
    if is_verb and sense.type == "CONSULT" and not [tg for tg in targets if tg.ref.country not in own]:
        # "negotiating the status of American and Turkish military bases": the states whose
        # possessions are negotiated are the other parties
        obj = _object_of(t)
        codes = [] if obj is None else [_demonyms().get(x.text) for x in obj.subtree
                                        if x.dep_ in ("amod", "conj") and x.text[:1].isupper()]
        targets = [Endpoint(ActorRef(name=_country_name(c), country=c, sector="GOV"), kind="state")
                   for c in dict.fromkeys(codes) if c and c not in own] or targets
    if any(tg.from_place is None and not any(_same_actor(tg.ref, s.ref) for s in sources) for tg in targets):
        # "beat detainees on the West Bank", "blamed X for the bombing in Y": a venue is no second target
        # (but "withdraw its troops from Lebanon": the troops are the source's own)
        targets = [tg for tg in targets if tg.from_place is None]
    if sense.type == "ACCUSE" and is_verb and len(targets) > 1:
        # "complained to the UN over Israeli raids": the body addressed is the audience, not the accused
        audience = {id(ep) for tok in _pobjs(t, {"to"}) for ep in targets if ep.ref.name == (
            idx.actor_at[tok.i].ref().name if idx.actor_at[tok.i] is not None else None)}
        targets = [tg for tg in targets if id(tg) not in audience] or targets
    if sense.type in DEMONYM_TARGET_TYPES and not [tg for tg in targets if tg.ref.country not in own]:
        # "rejected proposed Israeli changes", "lifted the blockade on Palestinian lorries", "threatened to
        # impose restrictions against German goods": the state whose people or things the act is about
        targets = _demonym_targets(t, is_verb, own, idx) or targets
    if sense.mode == "investigate" and targets and all(
            not (tg.ref.country or tg.ref.sector or tg.ref.actor_id) for tg in targets):
        # "dispatched inspectors to the Esfahan facility (UCF) in central Iran": an unknown site
        # name is inspected as part of the state where it lies
        code = _sentence_country(t, idx)
        if code:
            targets = [Endpoint(ActorRef(name=_country_name(code), country=code, sector="GOV"), kind="state")]
    if not targets and is_verb and sense.mode == "investigate" and t.dep_ == "advcl":
        # "sent personnel to Bosnia to investigate ...": what is investigated is where they were sent
        targets = [ep for g in _pobjs(t.head, {"to"}) for ep in endpoints(g, idx, lex)]
    if not targets and is_verb and sense.type in ("CONCEDE", "AGREE", "RETREAT", "REJECT"):
        # "called off the strike after deliberations with the government": the other side of the talks
        targets = [ep for g in _pobjs(t, {"after", "following"}) if _lemma(g) in lex.talk_nouns
                   for w in _pobjs(g, {"with"}) for ep in endpoints(w, idx, lex)
                   if not _same_as_any(ep, sources)]
    if not targets and is_verb:
        # "declined to resign despite pressure by X", "refused to step down despite calls from X": the
        # one pressing is the counterpart of what was done (or refused) regardless
        verbs = [t] + ([t.head] if t.dep_ == "xcomp" else [])
        targets = [ep for v in verbs for g in _pobjs(v, {"despite"}) if _lemma(g) in lex.pressure_nouns
                   for w in _pobjs(g, {"by", "from", "of"}) for ep in endpoints(w, idx, lex)
                   if not _same_as_any(ep, sources)][:1]
    if not targets and is_verb:
        # "killed 3 IS militants" read as "killed 3" + "IS (verb) militants": the actor after a bare number
        obj = next((c for c in t.children if c.dep_ == "dobj"), None)
        if obj is not None and obj.pos_ == "NUM":
            targets = _actor_on_right(obj, idx)
        if obj is not None and obj.pos_ == "NUM" and not targets and t.tag_ == "VBG" and t.dep_ in ("conj", "advcl"):
            # "opened fire to disperse demonstrators, killing one and arresting 12": the 12 are of those
            # the main act was aimed at
            main = t
            while main.dep_ in ("conj", "advcl") and main.tag_ == "VBG" and main.head.i != main.i:
                main = main.head
            aims = [g for v in [main] + [c for c in main.children if c.dep_ in ("xcomp", "advcl") and c is not t
                                          and c.pos_ == "VERB"]
                    for g in v.children if g.dep_ == "dobj" and idx.actor_at[g.i] is not None
                    and _lemma(g) not in lex.assault_modes]   # ("launched artillery fire ..., killing 50": a weapon)
            targets = [ep for g in aims[:1] for ep in endpoints(g, idx, lex)
                       if not _same_as_any(ep, sources)]
    if sense.type in ("ASSAULT", "COERCE") and all(tg.from_place is not None or not (tg.ref.country or tg.ref.sector)
                                                   for tg in targets):
        # "villages held by Islamic State were captured by X": the holder of the ground taken
        holders = [ep for tok in target_toks for c in tok.children if c.dep_ == "acl" and _lemma(c) in HOLDING_VERBS
                   for a in c.children if a.dep_ == "agent" for g in a.children if g.dep_ == "pobj"
                   for ep in endpoints(g, idx, lex) if not _same_as_any(ep, sources)]
        targets = holders[:1] or targets
    if all(tg.from_place is not None or not (tg.ref.country or tg.ref.sector) for tg in targets) \
            and sense.type in ("ASSAULT", "COERCE"):
        # "killed a man at a checkpoint in X": the victim, not the state of the venue; "a civilian
        # from X village": the victim, not an unresolved name in its modifiers
        targets = _generic_victims(t, target_toks + (_complement_targets(t, lex) if is_verb else []), lex,
                                   place, idx) or targets
    if not sources and not is_verb and sense.type == "ASSAULT" and t.dep_ == "dobj" \
            and _lemma(t.head) in lex.repelling_verbs:
        # "X thwarted an attack of pro-Houthi forces": the subject was attacked, so the 'of' names
        # the attackers, not the victims
        sources = [ep for tok in _pobjs(t, {"of"}) for ep in endpoints(tok, idx, lex)]
        targets = [tg for tg in targets if not any(_same_actor(tg.ref, s.ref) for s in sources)]
    if not is_verb and sense.type == "ASSAULT" and t.dep_ == "dobj" and _lemma(t.head) in lex.repelling_verbs \
            and all(tg.from_place is not None or not tg.ref.country for tg in targets):
        # "X thwarted a Houthi attack on the Y front": the attack was on X, whatever its venue
        defenders = [ep for tok in _subject_tokens(t.head)[0] for ep in endpoints(tok, idx, lex)]
        if defenders and not any(_same_actor(d.ref, s.ref) for d in defenders for s in sources):
            targets = defenders
    if not sources:
        return []
    source_keys = {actor_key(s.ref) for s in sources}
    if sense.type in COMPLEMENT_TARGET_TYPES and \
            not [tg for tg in targets if not any(_same_actor(tg.ref, s.ref) for s in sources)]:
        # (a judge ordering a former president, a parliament rejecting a minister: two branches of
        # one state are two parties)
        targets = _first_actor_in_complement(t, source_keys, idx, sources) or targets
    mutual = sense.type in lex.symmetric_types or _lemma(t) in lex.symmetric_triggers or \
        (not targets and sense.type == "SUPPORT")
    if len(sources) >= 2 and mutual:
        # coordinated actors of a mutual act are each other's counterpart ("A and B agreed")
        pairs = [(sources[0], sources[1])]
    else:
        targets = [tg for tg in targets if not any(_same_actor(tg.ref, s.ref) for s in sources)] or [None]
        pairs = [(s, tg) for s in sources for tg in targets]
    if sense.type == "ASSAULT" and mutual:
        if len(sources) == 1 and all(tg is None for _, tg in pairs) and _armed_kin(sources[0].ref) and (
                len(agent_toks) > 1 or any(c.dep_ == "nummod" and c.lower_ not in ("1", "one")
                                           for a in agent_toks for c in a.children)):
            # "clashes between 2 families", "a fight between the X and Y families": kin on both sides
            pairs = [(sources[0], sources[0])]
        pairs = [(s, tg if tg is None else _as_militia(tg)) for s, tg in pairs]
    if sense.type == "ASSAULT":
        # (those who attack are armed; those attacked are armed only when they fight back)
        pairs = [(_as_militia(s), tg) for s, tg in pairs]
    if is_verb and sense.type == "CONSULT" and _lemma(t) in ("meet", "convene") and len(sources) == 1 \
            and all(tg is None for _, tg in pairs) and not any(c.dep_ in ("dobj", "neg") for c in t.children):
        return []   # "the cabinet met on Sunday and decided ...": a body sitting by itself consults no one
    etype, mode = sense.type, _assault_mode(t, sense, lex)
    if etype == "COERCE" and mode == "arrest" and sources and all(s.ref.sector in ARMED_NON_STATE for s in sources):
        # an armed group holds no power of arrest: people it "arrests" or "detains" are abducted
        # (PLOVER ASSAULT abduct; CAMEO 181), as conflict-event datasets code them
        etype, mode = "ASSAULT", "abduct"
    if is_verb and etype == "CONSULT" and sense.mode == "visit" and sources and all(
            s.ref.sector == "MIL" for s in sources):
        # "troops arrived in X": forces moving in are deployed, they do not visit
        etype, mode = "MOBILIZE", "troops"
    if etype == "MOBILIZE":
        deployed = _object_of(t) if is_verb else None
        moved = agent_toks + target_toks + ([t] if not is_verb else [deployed] if deployed is not None else [])
        if any("peacekeeping" in lex.context_cues.get(_lemma(x), ()) for tok in moved for x in tok.subtree):
            # "the deployment of NATO peacekeeping troops", "sent peacekeepers to X": providing
            # peacekeeping is aid (CAMEO 074), to the state where they keep the peace
            etype, mode = "AID", None
            sense = Sense(sense.type, sense.mode, tuple(sense.contexts) + ("peacekeeping",), sense.via_object)
    if etype == "COERCE" and sense.mode == "deport" and pairs and all(
            tg is not None and tg.ref.sector in ("IGO", "NGO") for _, tg in pairs):
        # "forced the UN refugee agency out of the country": expelling an agency, mission or observers
        # reduces relations (CAMEO 166 -> PLOVER SANCTION expel); deporting people is COERCE
        etype, mode = "SANCTION", "expel"
    if etype == "ASSAULT" and _in_preparation(t, lex):
        # "the army prepared to resume shelling X", "is preparing an offensive against X": readiness
        # for an attack is a mobilisation (PLOVER MOBILIZE), the attack has not happened
        etype, mode = "MOBILIZE", "troops"
    head = _threat_head(t, lex)
    if head is not None:
        # the threat is the happening, with the status of the clause that makes it
        return _events_for(t, sense, "THREATEN", "violence", pairs, place, lex, idx, status_token=head)
    return _events_for(t, sense, etype, mode, pairs, place, lex, idx)


# Families, clans and tribes that fight are armed kin groups (clan or tribal militias), not civilians.
KIN_WORDS = {"family", "families", "clan", "clans", "tribe", "tribes", "tribesman", "tribesmen", "clansman",
             "clansmen"}


def _armed_kin(ref: ActorRef) -> bool:
    return ref.sector == "CVL" and bool(ref.name) and ref.name.split()[-1].lower() in KIN_WORDS


def _as_militia(ep: Endpoint) -> Endpoint:
    """A family, clan or tribe in a fight is a militia of its country (sector REB)."""
    if not _armed_kin(ep.ref):
        return ep
    return Endpoint(ep.ref.model_copy(update={"sector": "REB"}), ep.kind, ep.from_place, ep.place_itself)


# Sectors of armed groups that are not a state's forces: their arrests are abductions.
ARMED_NON_STATE = {"REB"}


def _mediation(obj: Token, lex: Lexicon) -> bool:
    """Talks or a mediation named as a verb's object ('ended mediation efforts between A and B', 'halted
    the talks among the factions'): its 'between' names the parties."""
    return _lemma(obj) in lex.talk_nouns or any(c.dep_ == "compound" and _lemma(c) in lex.talk_nouns
                                               for c in obj.children)


def _eased_place_people(v: Token, sources: list[Endpoint], idx: DocIndex) -> list[Endpoint]:
    """The people of the first place named in the object of a concession ('the curfew imposed in
    Sudan'), or that place's state when it lies in another country than the source's."""
    obj = _object_of(v)
    if obj is None:
        return []
    own = {s.ref.country for s in sources}
    for x in obj.subtree:
        p = idx.place_at[x.i]
        if p is None or not p.country or idx.actor_at[x.i] is not None or _modifier_place(x, idx):
            continue
        if p.country in own:
            return [Endpoint(ActorRef(name=f"Civilians ({_country_name(p.country)})", country=p.country,
                                      sector="CVL"), kind="group", from_place=p)]
        ep = _state_of_place(p)
        return [ep] if ep is not None else []
    return []


# Types whose counterpart is often named only inside the act announced, demanded or refused
# ("threatened to impose restrictions on X goods", "vowed to launch an offensive unless X ...").
COMPLEMENT_TARGET_TYPES = {"THREATEN", "REQUEST", "REJECT", "AGREE"}


def _first_actor_in_complement(v: Token, source_keys: set, idx: DocIndex, sources=None) -> list[Endpoint]:
    """The first actor (or state of a named place) inside the complement clause of a verb or noun
    that is not its source: the counterpart of 'threatened to ...', 'demanded that ...', 'refused
    to ...', 'its demand that X ...'."""
    lex = lexicon()
    clauses = list(v.children) + [a for o in v.children if o.dep_ == "dobj" and _lemma(o) in lex.request_nouns
                                  for a in o.children]   # "rejected an invitation to attend a meeting of X"
    for c in clauses:
        if c.dep_ not in ("xcomp", "ccomp", "acl") or c.pos_ not in ("VERB", "AUX"):
            continue
        for x in c.subtree:
            m = idx.actor_at[x.i]
            if m is not None and (actor_key(m.ref()) not in source_keys if sources is None else
                                  not any(_same_actor(m.ref(), s.ref) for s in sources)):
                # (another faction of the source's country is another party: "a meeting of Palestinian factions")
                return [Endpoint(m.ref(), m.kind)]
            p = idx.place_at[x.i]
            if p is not None and m is None and not _modifier_place(x, idx) and p.country:
                if p.kind == "country":
                    ep = _state_of_place(p)
                    if ep is not None and actor_key(ep.ref) not in source_keys:
                        return [ep]
                    continue
                # "threatened to impose a curfew in X": the people of the place
                return [Endpoint(ActorRef(name=f"Civilians ({_country_name(p.country)})", country=p.country,
                                          sector="CVL"), kind="group", from_place=p)]
    return []


# How many words outside a subject-less verb's own phrase may stand between it and its actor.
LEFT_ACTOR_WINDOW = 2


def _in_prepositional_phrase(x: Token, stop: Token) -> bool:
    """x sits inside a prepositional phrase ('the relationship between A and B', 'in the X camp'):
    a circumstance or a modifier, never the doer."""
    while x.i != stop.i and x.head.i != x.i:
        if x.dep_ in ("pobj", "prep", "agent"):
            return True
        x = x.head
    return False


def _actor_on_right(x: Token, idx: DocIndex) -> list[Endpoint]:
    """The actor mention right after a bare quantity ('3 IS militants'), never across punctuation
    or a preposition."""
    for i in range(x.i + 1, min(x.i + 1 + LEFT_ACTOR_WINDOW + 1, sentence_of(x).end)):
        y = x.doc[i]
        if y.is_punct or y.pos_ == "ADP":
            return []
        m = idx.actor_at[i]
        if m is not None:
            return [Endpoint(r.ref(), r.kind) for r in idx.twins.get((m.start, m.end), [m])]
    return []


def _actor_on_left(v: Token, idx: DocIndex) -> list[Endpoint]:
    """The actor just before a verb whose subject the parse lost ('IS militants mortar shelled',
    'IS snipers targeted and wounded', 'US air strikes since January have hit', with the acronym
    read as the verb 'is' or the noun as the root): the nearest actor mention to the left, passing
    over the verb's own modifiers and at most LEFT_ACTOR_WINDOW other words, never over punctuation,
    a subordinator or another clause's verb."""
    own = {x.i for x in v.subtree}
    outside = 0
    for i in range(v.i - 1, sentence_of(v).start - 1, -1):
        x = v.doc[i]
        m = idx.actor_at[i]
        if m is not None and not _in_prepositional_phrase(x, v):
            return [Endpoint(r.ref(), r.kind) for r in idx.twins.get((m.start, m.end), [m])]
        if i in own:
            continue
        outside += 1
        if outside > LEFT_ACTOR_WINDOW or x.is_punct or x.dep_ == "mark" or x.lower_ in RELATIVE_PRONOUNS:
            return []
        if x.pos_ == "VERB" and any(c.dep_ in ("nsubj", "nsubjpass") for c in x.children):
            return []
    return []


def _same_as_any(ep: Endpoint, others: list[Endpoint]) -> bool:
    """The endpoint names the same actor as one of the others (a target that is also a source)."""
    return any(_same_actor(ep.ref, o.ref) for o in others)


def _same_actor(a: ActorRef, b: ActorRef) -> bool:
    """The same actor on both ends: same name, or the same state agency (an actor of unknown
    sector in the source's country may be anyone there: 'Egyptian police dispersed Egyptian protesters')."""
    if normalised_name(a.name) == normalised_name(b.name):
        return True
    if (a.actor_id or b.actor_id) and a.actor_id != b.actor_id and a.sector not in ("GOV", "MIL", None):
        return False   # a named armed group and unknown gunmen of its country are two parties
    return actor_key(a) == actor_key(b) and a.sector is not None and b.sector is not None \
        and (a.sector == b.sector or {a.sector, b.sector} <= {"GOV", "MIL"})


def _resolve_targets(tokens: list[Token], idx: DocIndex, lex: Lexicon, sources=()) -> list[Endpoint]:
    """Actors of the target phrases; a phrase naming none (or only the source: 'reneged on his
    commitment to X') passes to its own counterpart ('further action against X', 'relations with X')."""
    out, direct, walked = [], [], []
    for tok in tokens:
        if tok.head.lower_ == "with" and _lemma(tok) in HELP_NOUNS:
            continue   # "with Albania's help": an ally of the act, not its target
        if tok.lower_ in TIME_FRAME_NOUNS:
            continue   # "on the eve of a visit by X": when the act happened, not whom it concerned
        m = idx.actor_at[tok.i]
        if m is not None and _bare(m) and (_lemma(tok) in lex.assault_modes or tok.lower_ in lex.assault_modes):
            continue   # "fired artillery at X": the weapon fired, not a force fired at
        found = [ep for ep in endpoints(tok, idx, lex) if not _same_as_any(ep, sources)]
        if _lemma(tok) in CLAIM_NOUNS and tok.head.lower_ == "into":
            # "an investigation into an allegation by X that Y had taken the city": Y is the one concerned
            said = [g for c in tok.children if c.dep_ in ("acl", "ccomp") and c.pos_ in ("VERB", "AUX")
                    for g in c.children if g.dep_ in ("nsubj", "nsubjpass") and g.lower_ not in RELATIVE_PRONOUNS]
            found = [ep for g in said[:1] for ep in endpoints(g, idx, lex)] or found
        direct.extend(found)
        frontier, depth = [tok], 0
        while not found and frontier and depth < 3:
            # walk down the phrase's own prepositions: "its memorandum on air safety ... with the US",
            # "demanded support from X"
            # ("halt mediation efforts among Serbia's republics": the parties mediated between)
            frontier = [g for x in frontier for g in _pobjs(x, (lex.target_preps - {"of"}) | {"between", "among"})
                        if g.lower_ not in TIME_FRAME_NOUNS]
            cands = [ep for g in frontier for ep in endpoints(g, idx, lex)]
            found = [ep for ep in cands if ep.from_place is None] or cands
            depth += 1
            if found and not walked:
                walked = found
        if not found:
            # "its demand that X ...": the clause attached to the noun names the addressee
            for c in tok.children:
                if c.dep_ in ("acl", "ccomp", "relcl") and c.pos_ in ("VERB", "AUX"):
                    subj = [g for g in c.children if g.dep_ in ("nsubj", "nsubjpass")]
                    if subj and subj[0].lower_ not in RELATIVE_PRONOUNS:
                        found = endpoints(subj[0], idx, lex)
                        break
        out.extend(found)
    # a counterpart named outright outranks those found deeper, and the first phrase's counterparts
    # ("break off relations with A and B") those of later ones ("over their ties with C")
    if direct:
        return direct
    return walked or out


def endpoints_deep(t: Token, idx: DocIndex, lex: Lexicon) -> list[Endpoint]:
    """Actors anywhere in a phrase or clause, when its head names none ('the resignation of X')."""
    found = endpoints(t, idx, lex)
    if found:
        return found
    for x in t.subtree:
        m = idx.actor_at[x.i]
        if m is not None:
            return [Endpoint(m.ref(), m.kind)]
    return []


def _events_for(t: Token, sense: Sense, etype: str, mode: Optional[str], pairs, place, lex: Lexicon,
                idx: DocIndex, status_token: Optional[Token] = None) -> list[Event]:
    date = event_date(t, idx)
    published = t.doc._.published
    sent = sentence_of(t)
    evidence = doc_text(t.doc)[sent.start_char:sent.end_char].strip()  # sent.text, without joining its tokens
    out = []
    for src, tgt in pairs:
        src_ref = _normalise(src, etype, "source")
        tgt_ref = _normalise(tgt, etype, "target") if tgt else None
        if tgt is not None and tgt.from_place is not None and tgt.from_place.kind == "city" \
                and tgt.from_place.country and etype in PLACE_PEOPLE_TYPES:
            # "shelled Juba", "a curfew in Baghdad", "blockade Paris": force or a measure aimed at a town
            # falls on its people, not on the state that rules it (regions and sites are often fronts
            # and bases, whose targets are forces)
            tgt_ref = ActorRef(name=f"Civilians ({_country_name(tgt.from_place.country)})",
                               country=tgt.from_place.country, sector="CVL")
        ev_place = place
        if ev_place is None and tgt is not None and tgt.from_place is not None and \
                (sense.mode == "visit" or etype in VIOLENT_PLACE_TYPES):
            ev_place = tgt.from_place
        if tgt_ref is None and place is not None and place.country and place.country != src_ref.country and (
                (etype == "COERCE" and "territory" in sense.contexts) or mode == "visit"
                or (etype == "AID" and "peacekeeping" in sense.contexts)
                or (etype == "REQUEST" and "asylum" in sense.contexts)):   # "sought refuge in X": of X
            # visiting or occupying a place is visiting or coercing its state
            ep = _state_of_place(place)
            tgt_ref = _normalise(ep, etype, "target") if ep else None
        status = event_status(status_token if status_token is not None else t, src_ref, lex, idx)
        ev_type = _intent_type(t, etype, status, lex)
        contexts = list(sense.contexts)
        refused = etype in REFUSABLE_TYPES and _refusal(t)
        if refused:
            # "will not accept", "would not meet the demands", "failed to reach agreement",
            # "declined to resign": a refusal of cooperation is a REJECT of what was refused
            ev_type, status = "REJECT", ("reported" if status == "reported" else "occurred")
        elif ev_type != etype:
            contexts.append(f"intent-{etype.lower()}")   # what the AGREE / THREATEN announces
        out.append(Event(
            type=ev_type, mode=REFUSED_MODES.get(etype) if refused else mode if ev_type == etype else None,
            source=src_ref, target=tgt_ref,
            date=date.value if date is not None else (published.isoformat() if published else None),
            date_inferred=date is None and published is not None,
            place=ev_place.ref() if ev_place is not None else None,
            status=status, contexts=contexts, trigger=t.text,
            evidence=[evidence], spans=[(sent.start_char, sent.end_char)],
        ))
    return out


# "with X's help": X helps the act, it is not acted on.
HELP_NOUNS = {"help", "support", "assistance", "backing", "aid", "cooperation", "participation", "blessing",
              "knowledge", "consent", "approval", "permission", "complicity"}   # "with the knowledge of X"
# Ties between parties: the object of an act whose other party is named after "with".
TIE_NOUNS = {"relations", "ties", "talks", "contacts", "cooperation", "dialogue", "negotiations"}


# Acts whose target, when it is a town or region, is the people who live there.
PLACE_PEOPLE_TYPES = {"ASSAULT", "COERCE", "SANCTION", "THREATEN", "AID", "CONCEDE"}


# Cooperation that can be refused, and the REJECT mode of refusing it.
REFUSABLE_TYPES = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"}
REFUSED_MODES = {"CONSULT": "meet", "AID": "assist", "COOPERATE": "assist", "SUPPORT": "assist",
                 "CONCEDE": "yield", "RETREAT": "yield"}
# Modal auxiliaries that make a negation a refusal ("will not", "would not", "cannot", "won't").
REFUSAL_MODALS = {"will", "would", "wo", "can", "ca", "could", "shall"}
# Verbs whose complement is a refused act ("declined to resign", "failed to reach agreement").
REFUSAL_HEADS = {"decline", "fail"}
PROMISE_HEADS = {"vow", "pledge", "promise", "swear"}


def _in_preparation(t: Token, lex: Lexicon) -> bool:
    """The trigger is what its actor prepares ('prepared to resume shelling', 'preparing an offensive',
    'preparations for an attack')."""
    x = t
    for _ in range(4):
        if x.dep_ not in ("xcomp", "dobj", "pobj", "prep", "pcomp", "compound") or x.head.i == x.i:
            return False
        x = x.head
        if _lemma(x) in lex.preparing_heads:
            return True
    return False


def _refusal(t: Token) -> bool:
    v = _anchor(t)
    kids = list(v.children)
    if any(c.dep_ == "neg" for c in kids) and any(c.dep_ == "aux" and c.lower_ in REFUSAL_MODALS for c in kids):
        return True
    if any(c.dep_ == "neg" for c in kids) and v.dep_ == "xcomp" and _lemma(v.head) in PROMISE_HEADS:
        return True   # "vowed not to return the land": a promise not to cooperate is a refusal
    if _lemma(v) in PROMISE_HEADS and any(c.dep_ == "xcomp" and any(g.dep_ == "neg" for g in c.children)
                                          for c in kids):
        return True   # (the vow itself, coded as the intention it announces)
    return v.dep_ == "xcomp" and _lemma(v.head) in REFUSAL_HEADS


def _in_condition(t: Token, lex: Lexicon, hops: int = 5) -> bool:
    """The trigger lies inside an 'if' / 'unless' clause ('... if the United States goes ahead with the
    deployment', 'unless X attacks'): what is only supposed, not reported."""
    attrs = token_attrs(t.doc)   # up the heads by index: no Token made
    head, i = attrs.head, t.i
    for _ in range(hops):
        if head[i] == i:
            return False
        if _conditional_clause(attrs, attrs.children, i, lex):
            return True
        i = head[i]
    return False


def _conditional(t: Token, lex: Lexicon) -> bool:
    v = _anchor(t)
    attrs = token_attrs(t.doc)
    children = attrs.children
    return any(_conditional_clause(attrs, children, c, lex) for c in children[v.i])


def _conditional_clause(attrs, children: list[tuple[int, ...]], i: int, lex: Lexicon) -> bool:
    """Token i heads an 'if' / 'unless' clause."""
    dep, lower = attrs.dep, attrs.lower
    return dep[i] == "advcl" and any(dep[m] == "mark" and lower[m] in lex.conditional_marks for m in children[i])


RESIGNING = {"resign", "step", "resignation", "abdicate", "quit"}


def _intent_type(t: Token, etype: str, status: str, lex: Lexicon) -> str:
    """Announced intentions are coded by what they announce: cooperation -> AGREE, hostility -> THREATEN."""
    if status == "planned" and _conditional(t, lex) and etype not in ("AGREE", "REQUEST", "THREATEN") and \
            (etype not in lex.planned_to_agree or etype == "RETREAT"):
        return "THREATEN"   # "will withdraw ... unless X": leverage; a conditional meeting is still an offer
    if status == "planned" and etype == "RETREAT" and _lemma(t) in RESIGNING:
        return etype   # "will resign", "will step down": announcing one's resignation is resigning
    if status == "planned" and etype in lex.planned_to_agree:
        return "AGREE"
    if status == "planned" and etype in lex.planned_to_threaten:
        return "THREATEN"
    if status == "hypothetical" and etype in lex.hypothetical_to_threaten:
        return "THREATEN"
    return etype


def _threat_head(t: Token, lex: Lexicon) -> Optional[Token]:
    """The verb by which an actor only alludes to a violent event ('alluding to potential military
    operations'), or None."""
    x = t
    for _ in range(4):
        if x.head.i == x.i:
            return None
        x = x.head
        if _lemma(x) in lex.threat_heads:
            return x
        if x.pos_ == "VERB" and x.dep_ not in ("xcomp", "ccomp", "pcomp", "prep", "pobj"):
            return None
    return None


@Language.factory("dragoman_events")
def make_events_component(nlp: Language, name: str):
    lexicon()   # load and validate the lexicon when the pipeline is built, not on the first document

    def component(doc: Doc) -> Doc:
        doc._.events = code_events(doc)
        return doc
    return component
