"""Find actor mentions in a parsed Doc and resolve them against the knowledge base.

Sources of mentions, in order of trust:
1. names and aliases from the KB (PhraseMatcher; acronyms and single words case-sensitively);
2. role phrases: a demonym or country, modifiers and a role noun, office title or
   ministry ("Turkish Foreign Minister", "a Syrian security official",
   "Israeli occupation forces", "the Russian Defence Ministry"), with the name
   that follows them ("... Hakan Fidan"); an office without a name resolves to
   whoever held it on the publication date;
3. states and seats of government when they act ("Ankara insists", "Turkey's
   support"), plural demonyms ("the Russians");
4. spaCy's PERSON / ORG entities, matched fuzzily against the KB or kept as
   unknown actors;
5. coreference (see coref.py): surnames, pronouns, "the minister", "the agency".
"""
from __future__ import annotations

import bisect
import operator
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import compress
from typing import Optional

from rapidfuzz import fuzz, process
from spacy.lang.en import English
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from dragoman.actors.kb import Actor, ActorKB, alias_variants, fold
from dragoman.caching import BoundedDict
from dragoman.nlp import sentence_of, token_attrs

POSSESSIVE = {"'s", "’s", "'", "’"}
# Prepositions after which a country or capital is a place, not an actor.
LOCATIVE_PREPS = {"in", "into", "inside", "within", "throughout", "across", "at", "near", "from", "to", "toward",
                  "towards", "through", "over", "around", "outside", "of", "on", "onto", "beyond", "along",
                  "via", "out", "off", "under", "above", "between_places"}
# Syntactic roles in which a state or capital acts.
ACTOR_DEPS = {"nsubj", "nsubjpass", "agent", "poss", "csubj"}
# Prepositions whose object is a participant, not a location.
PARTICIPANT_PREPS = {"with", "between", "against", "by", "for", "among", "alongside", "versus", "like"}
# Verbs whose direct object is a destination, not a participant ("visited Turkey").
MOTION_VERBS = {"visit", "enter", "leave", "reach", "cross", "tour", "flee", "return", "travel", "invade",
                "divide", "rebuild", "exit", "quit"}
# What one party sends or gives another: "an offer from X" makes X the sender, an actor, where "troops
# from X" or "refugees from X" is only an origin.
SENT_THINGS = {"offer", "proposal", "request", "appeal", "message", "letter", "demand", "call", "warning", "threat",
               "pressure", "aid", "support", "assistance", "ultimatum", "invitation", "protest", "complaint",
               "note", "plea", "apology", "loan", "grant", "donation", "criticism", "condemnation"}
# Nouns for a town that a demonym can place in its country ("the north Lebanese port").
SEAT_TOWN_NOUNS = {"port", "city", "town", "capital", "stronghold", "enclave"}
# Verbs of siege and bombardment: a capital as their object is the city and its people under fire
# ("blockade Paris", "shell Sarajevo"), not the government seated there.
SIEGE_VERBS = {"blockade", "besiege", "shell", "bombard", "encircle", "surround", "rocket"}
# Words that may precede a demonym inside the mention ("senior Turkish officials").
LEAD_MODIFIERS = {"senior", "top", "former", "new", "several", "two", "three", "many", "some", "high-ranking",
                  "local", "other", "unnamed", "anonymous"}
BACKED = {"backed", "led", "allied", "funded", "supported", "aligned", "affiliated", "sponsored", "run", "controlled",
          "based"}
# Of these, the ones that make the group the backer's own ("Vietnamese-led forces" are Vietnam's,
# a "Britain-based monitor" is British).
LEADING = {"led", "run", "controlled", "commanded", "based"}
# Sectors of role nouns a community word may qualify ("Kurdish fighters", "Moslem demonstrators");
# "Arab leaders" or "Kurdish officials" span several states, so government nouns are left alone.
COMMUNITY_SECTORS = {"MIL", "REB", "CVL", "OPP"}
# Words between "of"/"in" and a country that still leave the country the owner ("of southern Serbia").
OWNER_PLACE_WORDS = {"the", "southern", "northern", "eastern", "western", "central", "south", "north", "east", "west",
                     "occupied", "northeastern", "northwestern", "southeastern", "southwestern"}
DEPUTY = {"deputy", "vice", "former", "ex", "assistant", "acting", "late", "first", "undersecretary"}
FEMALE = {"she", "her"}
PRONOUNS = {"he", "she", "his", "her"}
# Role nouns that, with no country in the text, belong to the country the article is about.
FOCUS_NOUNS = {"regime", "army", "government forces", "regime forces", "rebels", "rebel groups", "rebel factions",
               "civil defence", "civil defense", "Red Crescent", "military", "armed forces", "opposition",
               "opposition factions"}
# Nouns for a region after its name ("Idleb province"), and for a town ("Diwaniya city"). Not
# "area" or "district": the names before them too often match a town abroad ("Tuban district").
PLACE_TYPE_NOUNS = {"province", "governorate", "countryside", "city", "town", "village"}


# Least evidence for a focus country: one town that lies in at most two countries.
FOCUS_MIN_EVIDENCE = 0.5
# A national title before an unknown name ("President X") takes the article's country
# only when that country dominates the article (share of country mentions).
FOCUS_SHARE_FOR_OFFICES = 0.7
# Unqualified groups of these sectors ("workers held a protest", "gunmen attacked") are
# taken to belong to the country the article is about.
LOCAL_SECTORS = {"CVL", "MIL", "COP", "REB", "OPP", "GOV"}
# Zaire took the name Democratic Republic of the Congo on this day: before it, a bare "Congo" in the
# news is the Republic of the Congo (Brazzaville).
ZAIRE_RENAMED = date(1997, 5, 17)
# Groups that a town or region before them places in its country ("Darfur rebels").
LOCAL_GROUP_SECTORS = {"CVL", "REB", "OPP"}
# Sectors of a state's own people: a titled unknown name of these ("Judge X") in an article about
# one country is that country's.
STATE_SECTORS = {"GOV", "JUD", "LEG", "MIL", "COP", "SPY", "OPP"}
FOREIGN = {"foreign", "international", "western", "other", "overseas", "multinational", "coalition", "allied"}
# Nouns after a role that leave the role the actor ("its Syrian government allies").
# Local offices named after a town ("Homs governor", "the Aleppo city council").
PLACE_ROLES = {"governor", "mayor", "governorate", "council", "city council", "provincial council",
               "local council", "authorities", "police", "health authority", "health directorate", "municipality"}
# The first words of those (`_town_before_role` reads one or two words after a town's name).
PLACE_ROLE_FIRSTS = {role.split()[0] for role in PLACE_ROLES}
# Words for a post held "of"/"at" an organisation or place, after a person's name.
APPOSITIVE_POSTS = {"head", "chief", "director", "spokesman", "spokeswoman", "spokesperson", "leader", "commander",
                    "member", "official", "founder", "president", "chairman", "minister", "governor", "mayor",
                    "adviser", "advisor", "secretary", "representative", "envoy", "ambassador", "editor", "researcher",
                    "analyst", "fellow", "professor", "deputy"}
# Nouns after a force that name a part of it, so the whole phrase is still the force ("an Iraqi army unit").
UNIT_NOUNS = {"unit", "units", "battalion", "battalions", "brigade", "brigades", "patrol", "patrols", "convoy",
              "convoys", "detachment", "squad", "contingent", "company", "regiment", "platoon", "personnel",
              "members", "elements"}
RELATION_NOUNS = {"ally", "allies", "partner", "partners", "counterpart", "counterparts", "proxies", "proxy"}
# Heads whose "to X" names a participant, not a destination ("allied to Ankara").
RELATION_HEADS = {"aid", "grant", "loan", "reminder", "ultimatum", "apologize", "apologise", "apology", "message",
                  "sanction", "sanctions", "embargo", "blockade", "pressure", "attack", "attacks", "strike",
                  "strikes", "raid", "war", "invasion", "occupation", "aggression", "support", "assistance", "help",
                  "offer", "proposal", "appeal", "call", "warning", "demand", "plea", "ultimatum", "note",
                  "letter", "protest", "complaint", "objection", "opposition", "recognition", "threat", "ties",
                  "relations", "talks", "sell", "give", "deliver", "donate", "lend", "pledge", "extradite",
                  "hand", "apologized", "apologised", "appealed", "turn", "complain", "object", "respond",
                  "reply", "write", "say", "declare", "urge", "warn", "ally", "allied", "loyal", "close", "linked", "affiliated", "opposed", "hostile", "friendly",
                  "message", "letter", "appeal", "request", "proposal", "offer", "threat", "warning", "loyalty",
                  "belong", "answerable", "accountable", "responsible", "committed", "grateful", "subordinate",
                  "opposition", "allegiance", "mediation", "plan", "initiative", "rule", "policy", "policies",
                  "decision", "suppression", "crackdown", "changes", "goods", "products", "exports", "imports",
                  "interference", "intervention", "involvement", "veto", "resolution", "bid"}


@dataclass
class Cand:
    start: int  # token offsets
    end: int
    name: str
    country: Optional[str]
    sector: Optional[str]
    kind: str
    method: str
    role: Optional[str] = None
    actor_id: Optional[str] = None
    office: Optional[str] = None  # office key held (for counterparts)
    deputy: bool = False
    extra: dict = field(default_factory=dict)


@dataclass
class Tables:
    """Per-vocab matchers and token tables built once from the KB."""
    alias_orth: PhraseMatcher
    alias_lower: PhraseMatcher
    states: PhraseMatcher
    offices: dict
    roles: dict
    ministry_words: dict
    ministry_fields: dict
    ministry_abbr: dict
    titles: dict
    anaphors: dict
    modifiers: set
    maxlen: int
    person_aliases: list  # (folded alias, actor id) for fuzzy matching
    person_alias_keys: list
    communities: dict  # word (case-sensitive) -> Community
    acting_nouns: set
    office_countries: dict  # lowercased title words -> country code
    head_sectors: dict  # last word of an unknown national organisation -> sector


_TOKENIZER = None


def _words(text: str) -> list[str]:
    global _TOKENIZER
    if _TOKENIZER is None:
        _TOKENIZER = English().tokenizer
    return [t.text for t in _TOKENIZER(text)]


def _table(items: dict, lower: bool = True) -> dict:
    out = {}
    for text, value in items.items():
        words = _words(text)
        key = tuple(w.lower() for w in words) if lower else tuple(words)
        out[key] = value
    return out


def _case_sensitive(alias: str) -> bool:
    """Acronyms, single words and short capitalised names ("Islamic State", "Security Council")
    match with their case, so "an Islamic state" or "Russia's security council" are not them;
    longer names case-insensitively."""
    words = alias.split()
    if len(words) <= 2 and all(w[:1].isupper() for w in words):
        return True
    return len(words) == 1 or alias.isupper() or len(alias) <= 5


def tables(kb: ActorKB, vocab) -> Tables:
    cached = kb.matcher_cache.get(id(vocab))
    if cached is not None:
        return cached
    alias_orth = PhraseMatcher(vocab, attr="ORTH")
    alias_lower = PhraseMatcher(vocab, attr="LOWER")
    person_aliases = []
    for actor in kb.actors.values():
        if actor.id.startswith("state:"):
            continue
        for weak, aliases in ((False, [actor.name, *actor.aliases]), (True, actor.weak_aliases)):
            key = f"{'W' if weak else 'A'}|{actor.id}"
            orth, low = set(), set()
            for alias in aliases:
                for variant in alias_variants(alias):
                    forms = {variant}
                    last = variant.split()[-1] if variant.split() else variant
                    if len(last) >= 4 and not last.endswith("s") and last[0].isupper():
                        forms.add(variant + "s")  # possessive written without its apostrophe
                    for form in forms:
                        (orth if _case_sensitive(form) and not weak else low).add(form)
                    if actor.kind == "person" and not weak and len(fold(variant)) >= 6:
                        person_aliases.append((fold(variant), actor.id))
            if orth:
                alias_orth.add(key, [Doc(vocab, words=_words(a)) for a in sorted(orth)])
            if low:
                alias_lower.add(key, [Doc(vocab, words=_words(a)) for a in sorted(low)])
    states = PhraseMatcher(vocab, attr="ORTH")
    for state in kb.states.values():
        groups = {"name": [state.name, *state.aliases], "demonym": state.demonyms, "seat": state.seats}
        for kind, words in groups.items():
            forms = set()
            for word in words:
                forms |= alias_variants(word)
            if kind == "name":  # "Syrias forces": a possessive whose apostrophe was lost
                forms |= {f + "s" for f in list(forms) if not f.endswith("s") and len(f) > 3}
            if forms:
                states.add(f"{kind}|{state.code}", [Doc(vocab, words=_words(f)) for f in sorted(forms)])
    lex = kb.lexicon
    offices = {}
    for key, office in lex.offices.items():
        for title in office.titles:
            offices[title] = (key, False)
            if not title.endswith("s"):
                offices[title + "s"] = (key, True)  # "the Turkish and Syrian presidents"
    roles = {k: v for k, v in lex.role_nouns.items()}
    ministry_words = {w: True for w in lex.ministries.words} if lex.ministries else {}
    ministry_fields = {}
    ministry_abbr = {}
    if lex.ministries:
        for fkey, fdef in lex.ministries.fields.items():
            for w in fdef.words:
                ministry_fields[w] = fkey
        ministry_abbr = {k: v for k, v in lex.ministries.abbreviations.items()}
    t = Tables(
        alias_orth=alias_orth, alias_lower=alias_lower, states=states,
        offices=_table(offices), roles=_table(roles), ministry_words=_table(ministry_words),
        ministry_fields=_table(ministry_fields), ministry_abbr=_table(ministry_abbr, lower=False),
        titles=_table({t: True for t in lex.titles}), anaphors=_table(dict(lex.anaphors)),
        modifiers={m.lower() for m in lex.role_modifiers}, maxlen=6,
        person_aliases=person_aliases, person_alias_keys=[a for a, _ in person_aliases],
        communities={w: c for w, c in lex.communities.items() if w not in kb.state_by_word},
        acting_nouns={w.lower() for w in lex.acting_nouns},
        office_countries=_table(dict(lex.office_countries)),
        head_sectors={w.lower(): sector for w, sector in lex.organisation_head_sectors.items()},
    )
    kb.matcher_cache[id(vocab)] = t
    return t


_FIRSTS: dict[int, set] = {}


def longest(lower: list[str], i: int, table: dict, maxlen: int = 6):
    """Longest key of `table` (a tuple of lowercased words) starting at token i."""
    firsts = _FIRSTS.get(id(table))
    if firsts is None:
        firsts = _FIRSTS[id(table)] = {key[0] for key in table}
    if i >= len(lower) or lower[i] not in firsts:
        return 0, None
    for size in range(min(maxlen, len(lower) - i), 0, -1):
        value = table.get(tuple(lower[i:i + size]))
        if value is not None:
            return size, value
    return 0, None


_HEAD_FIRSTS: dict[int, tuple] = {}


def _head_firsts(t: Tables) -> tuple[frozenset, frozenset]:
    """First words of the keys `Finder._head_at` looks up: lowercased (ministries, offices, roles)
    and as written (ministry abbreviations)."""
    cached = _HEAD_FIRSTS.get(id(t))
    if cached is None or cached[0] is not t:
        lower = {key[0] for table in (t.ministry_fields, t.ministry_words, t.offices, t.roles) for key in table}
        cached = _HEAD_FIRSTS[id(t)] = (t, frozenset(lower), frozenset(key[0] for key in t.ministry_abbr))
    return cached[1], cached[2]


# id(keys) -> (keys, {(length, cutoff): (keys of a length that can score the cutoff, their indexes in keys)},
#              {(key, cutoff): answer})
_KEYS_BY_LENGTH: dict[int, tuple[list, dict, dict]] = {}


def _closest_key(key: str, keys: list[str], cutoff: float) -> Optional[int]:
    """Index in `keys` of `process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=cutoff)`,
    scoring only keys whose length can reach the cutoff: ratio = 100 * (1 - indel / (l1 + l2)) and
    the indel distance is at least |l1 - l2|. The others keep their order, so ties go the same way."""
    entry = _KEYS_BY_LENGTH.get(id(keys))
    if entry is None or entry[0] is not keys:
        entry = _KEYS_BY_LENGTH[id(keys)] = (keys, {}, BoundedDict(MAX_CLOSEST_ANSWERS))
    # the answer for a key is the same in every document (articles name the same people and
    # places again and again): kept, up to a bound
    answers = entry[2]
    if (key, cutoff) in answers:
        return answers[(key, cutoff)]
    return answers.remember((key, cutoff), _closest_key_scored(key, keys, cutoff, entry))


MAX_CLOSEST_ANSWERS = 100_000


def _closest_key_scored(key: str, keys: list[str], cutoff: float, entry: tuple) -> Optional[int]:
    """`_closest_key` worked out: rapidfuzz over the keys of a length that can reach the cutoff."""
    n = len(key)
    near = entry[1].get((n, cutoff))
    if near is None:
        slack = (100 - cutoff) / 100
        kept = [i for i, k in enumerate(keys) if abs(len(k) - n) <= slack * (len(k) + n) + 1e-6]
        near = entry[1][(n, cutoff)] = ([keys[i] for i in kept], kept)
    hit = process.extractOne(key, near[0], scorer=fuzz.ratio, score_cutoff=cutoff)
    return None if hit is None else near[1][hit[2]]


# (knowledge base, its organisation heads, its popular acts) for the knowledge base last asked
# about: one entry, so a knowledge base reloaded after an edit does not keep the old one alive
_LEXICON_WORDS: list = [None, frozenset(), frozenset()]


def _lexicon_words(kb: ActorKB) -> tuple[frozenset[str], frozenset[str]]:
    """The lexicon's organisation heads and popular acts, lowercased: made once per KB, not per Doc."""
    if _LEXICON_WORDS[0] is not kb:
        _LEXICON_WORDS[:] = [kb, frozenset(w.lower() for w in kb.lexicon.organisation_heads),
                             frozenset(w.lower() for w in kb.lexicon.popular_acts)]
    return _LEXICON_WORDS[1], _LEXICON_WORDS[2]


# a town's name -> the countries it may lie in (Finder.place_countries), the same in every document:
# looked up in the gazetteer once per process, up to a bound
_TOWN_COUNTRIES: BoundedDict = BoundedDict(50_000)


class Finder:
    def __init__(self, doc: Doc, published: Optional[date], kb: ActorKB):
        self.doc, self.published, self.kb = doc, published, kb
        self.t = tables(kb, doc.vocab)
        self.n = len(doc)
        attrs = token_attrs(doc)  # token attributes as lists, read once per Doc for every stage
        self.lower, self.text, self.pos, self.dep = attrs.lower, attrs.text, attrs.pos, attrs.dep
        self.is_alpha, self.head_i = attrs.is_alpha, attrs.head
        self.ents = doc.ents  # made once: each `doc.ents` builds a new Span for every entity
        self.span_text = attrs.span_text  # `doc[s:e].text` without making a Span
        lower_firsts, text_firsts = _head_firsts(self.t)
        # the set lookups run in map (C), one bool per token
        self.may_head = list(map(operator.or_, map(lower_firsts.__contains__, self.lower),
                                 map(text_firsts.__contains__, self.text)))
        self.cands: list[Cand] = []
        self._place_cache: dict = {}
        self.focus_share = 0.0
        self.focus_for_groups = False
        self.org_heads, self.popular_acts = _lexicon_words(kb)
        self.taken = [False] * self.n
        self.registry: dict[tuple[str, Optional[str]], Cand] = {}  # (office, country) -> named holder in this doc
        self._heads: dict[int, tuple] = {}  # token -> what `_head_at` found there
        self._match()

    # ---------- matching ----------

    def _match(self):
        doc = self.doc
        strong: list[tuple[int, int, str]] = []
        weak: list[tuple[int, int, str]] = []
        for matcher in (self.t.alias_orth, self.t.alias_lower):
            for key, s, e in matcher(doc):
                label = doc.vocab.strings[key]
                kind, actor_id = label.split("|", 1)
                (strong if kind == "A" else weak).append((s, e, actor_id))
        strong = self._foreign_surnames(self._one_actor_per_span(strong))
        strong = [m for m in strong if not self._inside_longer_name(m[0], m[1])]
        weak = [m for m in weak if not self._inside_longer_name(m[0], m[1])]
        strong = self._extend_person_aliases(strong)
        self.alias_spans = _non_overlapping(strong)
        self.weak_spans = weak
        self.alias_at = {s: (s, e, a) for s, e, a in self.alias_spans}
        self.alias_cover = [None] * self.n
        for s, e, a in self.alias_spans:
            for k in range(s, e):
                self.alias_cover[k] = (s, e, a)
        self.state_at: dict[int, tuple[int, str, str]] = {}
        spans = []
        for key, s, e in self.t.states(doc):
            kind, code = doc.vocab.strings[key].split("|")
            spans.append((s, e, (kind, code)))
        for s, e, (kind, code) in _non_overlapping(spans):
            if code == "COD" and doc[s:e].text.lower() == "congo" and self._congo_is_republic():
                code = "COG"
            if self.alias_cover[s] is None:
                self.state_at[s] = (e, kind, code)
        self._misspelt_states()
        self.ents_at = {ent.start: ent for ent in self.ents}
        self.focus = self._focus_country()

    def _congo_is_republic(self) -> bool:
        """A bare "Congo" is the Democratic Republic (news usage since 1997) unless the text says otherwise:
        it names the Republic's capital and not the DRC's, it calls the DRC "Zaire" (so "Congo" is the other
        one), or it was published while the DRC was still Zaire."""
        if self.published is not None and self.published < ZAIRE_RENAMED:
            return True
        text = self.doc.text
        return bool(re.search(r"\b(?:Brazzaville|Zaire|Zairean|Zairian)\b", text)) \
            and not re.search(r"\b(?:Kinshasa|DR Congo|DRC|Democratic Republic)\b", text)

    def _misspelt_states(self):
        """'Afganistan': a long capitalised word one letter away from a one-word country name is that
        country. Only long names (>= 7 letters) are compared, so acronyms and short words never fuzzy-match."""
        names, codes = _state_names(self.kb)
        covered = {k for s, (e, _, _) in self.state_at.items() for k in range(s, e)}
        for i in compress(range(self.n), map("PROPN".__eq__, self.pos)):  # only proper nouns, picked in C
            text = self.text[i]
            if len(text) < MISSPELT_MIN_LEN or not text.isalpha() or not text[:1].isupper() or text.isupper() \
                    or i in covered or self.alias_cover[i] is not None:
                continue
            index = _closest_key(text, names, MISSPELT_MIN_SCORE)
            if index is not None and names[index][0] == text[0]:
                self.state_at[i] = (i + 1, "name", codes[index])

    def _one_actor_per_span(self, spans):
        """An alias shared by several actors ('Bush'): the one in office on the publication date,
        else the one whose offices are most recent."""
        by_span: dict[tuple[int, int], list[str]] = {}
        for s, e, actor_id in spans:
            by_span.setdefault((s, e), []).append(actor_id)

        # people the article names with more than the shared word ("Fidel Castro ... Castro")
        named_fully = {a for s, e, a in spans if e - s > 1}

        def rank(actor_id):
            actor = self.kb.actors[actor_id]
            current = actor.office_on(self.published) is not None if self.published else False
            latest = max((o.start or date.min for o in actor.offices), default=date.min)
            return (actor_id in named_fully, current, latest)
        # (a span of one actor needs no ranking)
        return [(s, e, ids[0] if len(ids) == 1 else max(ids, key=rank)) for (s, e), ids in by_span.items()]

    def _foreign_surnames(self, spans):
        """A KB surname alias ("Blair") that is part of, or refers back to, another person's name
        ("Keron Blair ... Blair") is not the KB person."""
        others = {}
        for ent in self.ents:
            if ent.label_ == "PERSON" and len(ent) >= 2:
                others.setdefault(ent[-1].text, []).append(ent)
        self.full_names_by_surname = others
        out = []
        for s, e, actor_id in spans:
            actor = self.kb.actors[actor_id]
            if e - s == 1 and actor.kind == "person":
                prev = s - 1
                if prev >= 0 and self.text[prev][:1].isupper() and self.pos[prev] == "PROPN" \
                        and (self.lower[prev],) not in self.t.titles and self.text[prev] not in self.kb.state_by_word \
                        and not any(m[0] <= prev < m[1] for m in spans):
                    firsts = {a.split()[0] for a in [actor.name, *actor.aliases] if len(a.split()) > 1}
                    if not any(fuzz.ratio(self.text[prev], f) >= 60 for f in firsts):
                        continue  # "Keron Blair": a first name the KB person does not have ("Nakib Mikati" has)
                names = {fold(a) for a in [actor.name, *actor.aliases]}
                if any(ent.end <= s and fold(ent.text) not in names and
                       fold(" ".join(t.text for t in ent if not (t.lower_,) in self.t.titles)) not in names
                       for ent in others.get(self.text[s], [])):
                    continue  # the article named someone else with this surname first
            out.append((s, e, actor_id))
        return out

    def _inside_longer_name(self, s: int, e: int) -> bool:
        """'the West' in 'the West Bank', 'AP' in 'AP Photo': the match modifies a longer proper name."""
        head = self.head_i[e - 1]  # by index: no Token made for the match's last word or its head
        if self.dep[e - 1] != "compound" or head < e or self.pos[head] != "PROPN" or not self.text[head][:1].isupper():
            return False
        word = self.lower[head]
        if (word,) in self.t.titles or (word,) in self.t.offices or (word,) in self.t.roles or word in self.org_heads:
            return False
        return any(self.pos[k] == "PROPN" for k in range(e, head + 1))

    def _focus_country(self) -> Optional[str]:
        """The country the article is about: the one most often named as a place ('in Syria'),
        then the most often named at all. Unqualified 'the regime', 'rebels' belong to it."""
        located, named = Counter(), Counter()
        for s, (e, kind, code) in self.state_at.items():
            last, head = e - 1, self.head_i[e - 1]  # by index: no Token made for the name's last word
            if self.dep[last] in ("compound", "amod", "nmod") and head >= e \
                    and longest(self.lower, head, self.t.roles)[0] == 0:
                continue  # "the US dollar": an attribute, not what the article is about
            if e < self.n and self.text[e] in ("-", "–"):
                continue  # "Britain-based", "Iran-backed": an attribute of something else
            named[code] += 1
            # "in Syria", and "in Vilnius" too: a capital named as a place locates its country
            if kind in ("name", "seat") and self.dep[last] == "pobj" and self.lower[head] in LOCATIVE_PREPS:
                located[code] += 1
        # towns where things happen ("a protest in Ahvaz") count like countries named as places
        ent_of = None  # token -> its entity, made when a town is first looked at (most articles have few)
        in_state = {k for s, (e, _, _) in self.state_at.items() for k in range(s, e)}  # "The Hague": both words
        lookups = 0
        lower, text = self.lower, self.text
        # both tests below want an object of a preposition: only those are visited (picked in C)
        for i in compress(range(self.n), map("pobj".__eq__, self.dep)):
            # the tests read the token lists; a Token is made only for what passes them
            head_lower = lower[self.head_i[i]]
            if lower[i] in PLACE_TYPE_NOUNS and head_lower in LOCATIVE_PREPS and lookups < 20:
                tok = self.doc[i]
                # "in Idleb province", "in Aleppo countryside": the name before the noun is the place
                names = [c.i for c in tok.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"
                         and c.text[:1].isupper() and c.i not in self.state_at and self.alias_cover[c.i] is None]
                if names and names[-1] == tok.i - 1 and not self.text[names[0]].isupper():
                    lookups += 1
                    countries = self.place_countries(names[0], tok.i)
                    for code in countries:
                        located[code] += 1 / len(countries)
                        named[code] += 1 / len(countries)
                continue
            if lookups >= 20 or head_lower not in LOCATIVE_PREPS \
                    or not text[i][:1].isupper() or self.pos[i] != "PROPN" or i in in_state \
                    or self.alias_cover[i] is not None or (text[i].isupper() and len(text[i]) <= 5):
                continue  # acronyms ("under OPS") are organisations, not towns: the gazetteer's fuzzy hits mislead
            tok = self.doc[i]
            if ent_of is None:
                ent_of = {k: ent for ent in self.ents for k in range(ent.start, ent.end)}
            ent = ent_of.get(tok.i)
            if ent is not None and ent.label_ not in ("GPE", "LOC", "FAC", "ORG", "PERSON", "NORP"):
                continue  # "on 2 May": a date, not a town
            if ent is not None:
                s, e = ent.start, ent.end
            else:
                s = min([c.i for c in tok.lefts if c.dep_ == "compound"] + [tok.i])
                e = tok.i + 1
            lookups += 1
            countries = self.place_countries(s, e)
            for code in countries:  # an ambiguous town votes for each of its countries a little
                located[code] += 1 / len(countries)
                named[code] += 1 / len(countries)
        if not named:  # no country named at all: the towns spaCy found, wherever they stand
            for ent in self.ents[:20]:
                if ent.label_ in ("GPE", "LOC") and ent.start not in self.state_at:
                    countries = self.place_countries(ent.start, ent.end)
                    for code in countries:
                        named[code] += 1 / len(countries)
        if not named or max(named.values()) < FOCUS_MIN_EVIDENCE:
            # only towns that lie in many countries ("el Mina"): the countries of the known
            # people and organisations named decide, else no focus rather than a guess
            known = Counter(self.kb.actors[a].country for _, _, a in self.alias_spans if self.kb.actors[a].country)
            if known:
                named, located = Counter({known.most_common(1)[0][0]: 1}), Counter()
            else:
                return None
        best = max(named, key=lambda c: (located[c], named[c]))
        known = Counter(self.kb.actors[a].country for _, _, a in self.alias_spans if self.kb.actors[a].country)
        if known and best not in known and named[best] <= 1 and known.most_common(1)[0][1] >= 2:
            # one town looked up in the gazetteer ("clashed ... in Al Amir", a name several countries
            # have) against several known parties of another country: the parties tell the country
            best = known.most_common(1)[0][0]
            named[best] = max(named[best], 1)
        self.focus_share = named[best] / sum(named.values())
        # groups with no country in the text take the focus only when the article places
        # events there or names it again and again
        self.focus_for_groups = located[best] > 0 or self.focus_share >= 0.5
        return best

    def _extend_person_aliases(self, strong):
        """A PERSON entity that contains a KB person's alias and adds capitalised words
        (a misspelt or fuller first name: "Ahemd al-Sharaa") is that person, over the whole name."""
        out = list(strong)
        for ent in self.ents:
            if ent.label_ != "PERSON":
                continue
            s, e = ent.start, ent.end
            while e > s and self.lower[e - 1] in POSSESSIVE:
                e -= 1
            s = self.strip_titles(s, e)
            inner = [m for m in strong if s <= m[0] and m[1] <= e and (m[1] - m[0]) < (e - s)
                     and self.kb.actors[m[2]].kind == "person"]
            if not inner or len({m[2] for m in inner}) != 1:
                continue
            best = max(inner, key=lambda m: m[1] - m[0])
            extra = [self.text[k] for k in range(s, e) if not (best[0] <= k < best[1])]
            if all(w[:1].isupper() and w.isalpha() for w in extra) and len(extra) <= 2:
                for m in inner:
                    if m in out:
                        out.remove(m)
                out.append((s, e, best[2]))
        return out

    # ---------- helpers ----------

    def add(self, cand: Cand, nest: bool = False):
        """Keep a candidate unless it overlaps one already kept; with `nest`, it may contain
        whole mentions ('anti-Assad rebels' around 'Assad')."""
        if cand.start >= cand.end:
            return False
        if any(self.taken[cand.start:cand.end]):
            if not nest:
                return False
            inner = [c for c in self.cands if c.start < cand.end and cand.start < c.end]
            if any(c.start < cand.start or c.end > cand.end for c in inner):
                return False
            covered = {k for c in inner for k in range(c.start, c.end)}
            if any(self.taken[k] and k not in covered for k in range(cand.start, cand.end)):
                return False
        self.cands.append(cand)
        for k in range(cand.start, cand.end):
            self.taken[k] = True
        return True

    def state_name(self, code: Optional[str]) -> str:
        state = self.kb.state(code)
        return state.name if state else (code or "")

    def demonym(self, code: Optional[str]) -> str:
        state = self.kb.state(code)
        if state and state.demonyms:
            return state.demonyms[0]
        return self.state_name(code)

    def from_actor(self, actor: Actor, s: int, e: int, method: str, role: Optional[str] = None,
                   office: Optional[str] = None) -> Cand:
        country, sector = actor.country_sector_on(self.published)
        held = actor.office_on(self.published) if self.published else None
        if held is not None and role is None:
            role = self.kb.role_string(held.office, held.country, held.org if not held.country else None)
            office = office or held.office
        kind = actor.kind
        return Cand(s, e, actor.name, country, sector, kind, method, role=role, actor_id=actor.id,
                    office=office or (held.office if held else None))

    def strip_titles(self, s: int, e: int) -> int:
        while s < e:
            size, _ = longest(self.lower, s, self.t.titles)
            if not size or s + size >= e:
                break
            s += size
        return s

    def person_span_at(self, i: int) -> Optional[tuple[int, int, Optional[str]]]:
        """A person's name starting at token i (after titles): (start, end, KB id or None)."""
        j = i
        while j < self.n:
            size, _ = longest(self.lower, j, self.t.titles)
            if not size:
                break
            j += size
        if j < self.n and (self.text[j] in (",",) or j in self.state_at):
            return None  # a name does not start with a comma or a demonym
        if j in self.alias_at:
            s, e, actor_id = self.alias_at[j]
            if self.kb.actors[actor_id].kind == "person":
                return s, e, actor_id
            return None
        ent = self.ents_at.get(j)
        if ent is not None and ent.label_ == "PERSON":
            e = ent.end
            while e > j and self.lower[e - 1] in POSSESSIVE:
                e -= 1
            return j, e, None
        # a run of capitalised proper nouns ("Tay yip Eroding")
        e = j
        while e < self.n and (self.pos[e] == "PROPN" or (self.text[e][:1].isupper() and self.is_alpha[e])) \
                and self.text[e][:1].isupper() and e not in self.state_at and self.alias_cover[e] is None:
            e += 1
        if e - j >= 2 and e - j <= 4:
            return j, e, None
        return None

    def resolve_person_name(self, s: int, e: int, holder: Optional[Actor]) -> Optional[Actor]:
        """KB person for an unknown name: the office holder if the name resembles theirs, else a fuzzy match."""
        key = fold(self.span_text(s, e))
        if not key:
            return None
        found = self.kb.lookup(self.span_text(s, e))
        if found:
            return found[0]
        if holder is not None:
            squeezed = key.replace(" ", "")
            best = max(fuzz.ratio(squeezed, fold(a).replace(" ", "")) for a in [holder.name, *holder.aliases])
            if best >= 70:
                return holder
        if len(key) >= 8:
            index = _closest_key(key, self.t.person_alias_keys, 88)
            if index is not None:
                return self.kb.actors[self.t.person_aliases[index][1]]
        return None

    # ---------- 1. KB aliases ----------

    def kb_mentions(self):
        for s, e, actor_id in self.alias_spans:
            actor = self.kb.actors[actor_id]
            cand = self.from_actor(actor, s, e, "alias")
            if actor.kind == "person" and cand.country and cand.sector == "GOV" and s >= 2 \
                    and self.text[s - 1] == "-" and self.lower[s - 2] == "pro" and not self._head_at(e)[0]:
                # "pro-Hadi and affiliated forces": a state leader's partisans in a conflict are its
                # forces, not the leader
                cand = Cand(s - 2, e, f"{self.demonym(cand.country)} forces", cand.country, "MIL", "group", "role")
            self.add(cand)
        strong_ids = {c.actor_id for c in self.cands}
        for s, e, actor_id in _non_overlapping([w for w in self.weak_spans if w[2] in strong_ids]):
            if actor_id in strong_ids:
                self.add(self.from_actor(self.kb.actors[actor_id], s, e, "alias"))

    # ---------- 2. role phrases ----------

    def national_organisations(self):
        """'the Nigerian Union of Teachers', 'Kenya Anti-Corruption Commission': a spaCy ORG unknown to
        the KB whose name starts with a country is an organisation of that country, over the whole name
        (not 'Nigerian teachers')."""
        connectors = {"of", "for", "and", "the", "&", "-", "on", "in"}
        spans = [(ent.start, ent.end) for ent in self.ents if ent.label_ == "ORG"]
        for s, (end, kind, _) in self.state_at.items():
            # capitalised runs spaCy did not tag ("the Kenya Anti-Corruption Commission"), cut after
            # their first organisation word (headline run-ons go on with other names)
            k, last_head = end, None
            while k < self.n and k - end < 6 and last_head is None and k not in self.state_at and (
                    (self.text[k][:1].isupper() and self.pos[k] in ("PROPN", "NOUN", "ADJ")) or (
                    self.lower[k] in connectors and k + 1 < self.n and self.text[k + 1][:1].isupper())):
                if self.lower[k] in self.org_heads or self.lower[k] in self.t.head_sectors:
                    last_head = k
                k += 1
            if last_head is not None and kind in ("name", "demonym"):
                spans.append((s, last_head + 1))
        for s, e in spans:
            while s < e and self.lower[s] in ("the", "a", "an"):
                s += 1
            while e > s and self.lower[e - 1] in POSSESSIVE:
                e -= 1
            hit = self.state_at.get(s)
            if hit is None or hit[0] >= e or e - s < 3 or any(self.alias_cover[k] is not None for k in range(s, e)):
                continue
            if not all(self.text[k][:1].isupper() or self.lower[k] in connectors for k in range(hit[0], e)):
                continue
            if self.kb.lookup(self.span_text(s, e)):
                continue  # a KB name the alias pass left out: the entity pass resolves it
            kind, size, _ = self._head_at(hit[0])
            if kind and hit[0] + size >= e:
                continue  # "the Syrian Army": a plain role phrase, resolved as such
            heads = [self.lower[k] for k in range(hit[0], e)
                     if self.lower[k] in self.org_heads or self.lower[k] in self.t.head_sectors]
            if not heads:
                continue
            sector = next((self.t.head_sectors[w] for w in heads if w in self.t.head_sectors), None)
            self.add(Cand(s, e, self.span_text(s, e), hit[2], sector, "organisation", "ner"))

    def role_phrases(self):
        self.national_organisations()
        active = self._active_tokens()
        # the tokens where something may start, in order: a role phrase (`active`) or a KB name;
        # between them the walk has nothing to do, so it jumps from one to the next
        stops = sorted(active.union(self.alias_at))
        k = 0
        while k < len(stops):
            i = stops[k]
            if i in self.alias_at:
                self.owner_phrase(*self.alias_at[i])
            end = self.role_phrase_at(i) if i in active else None
            k = bisect.bisect_left(stops, end if end and end > i else i + 1, k + 1)

    def _active_tokens(self) -> set[int]:
        """The tokens where `role_phrase_at` may find something, found once per Doc on the lists
        (the call walks several helpers each time; most tokens are inert): a lead modifier, state,
        "anti"/"pro" or community word (where `_countries` or `_community_at` may start), a
        capitalised proper noun with a role head or a local office within reach, or a token where
        `bare_role_at` gets past its first tests: a role head within the three tokens it reads, and
        an alphabetic word, not possessive nor hyphen-joined, that heads a role or modifies one.

        Each kind of token is picked by a set lookup mapped over a whole list (in C), so no test
        runs in Python for the tokens that are none of them."""
        n, lower, text, pos = self.n, self.lower, self.text, self.pos
        everywhere = range(n)
        active = set(self.state_at)
        active.update(compress(everywhere, map((LEAD_MODIFIERS | {"anti", "pro"}).__contains__, lower)))
        active.update(compress(everywhere, map(self.t.communities.__contains__, text)))
        # `bare_role_at`: only the three tokens up to a possible role head pass its first test
        near = {k for p in compress(everywhere, self.may_head) for k in (p - 2, p - 1, p) if k >= 0}
        # a capitalised proper noun may start a town's office or people (`_town_before_role`: a
        # local office or a role one or two words on, whose first word is a role head or a local
        # office's), else it falls to `bare_role_at`, which needs a role head near it
        office_next = {k - size for k in compress(everywhere, map(PLACE_ROLE_FIRSTS.__contains__, lower))
                       for size in (1, 2) if k - size >= 0}
        active.update(i for i in compress(everywhere, map("PROPN".__eq__, pos))
                      if text[i][:1].isupper() and (i in near or i in office_next))
        modifiers, heads, alpha = self.t.modifiers, self.may_head, self.is_alpha
        active.update(i for i in near if lower[i] not in POSSESSIVE and alpha[i]
                      and not (i > 0 and text[i - 1] in ("-", "–"))
                      and (heads[i] or lower[i] in modifiers or pos[i] == "ADJ"))
        return active

    def members_phrase(self, s: int, e: int, actor: Actor):
        """'SDF fighters', "the Pentagon's officials": an organisation's people are a mention of their own."""
        p = e + 1 if e < self.n and self.lower[e] in POSSESSIVE else e
        kind, size, noun = self._head_at(p)
        if kind != "role" or noun.kind not in ("group", "person") or self.modifies_next_noun(p + size):
            return
        if any(self.alias_cover[k] is not None for k in range(p, min(p + size, self.n))):
            return  # "anti-Houthi National Resistance": the noun starts another actor's name
        country, sector = actor.country_sector_on(self.published)
        if actor.kind == "media":
            sector = "MED"
        end = p + size
        cand = Cand(s, end, f"{actor.name} {self.span_text(p, end)}", country, sector, noun.kind, "role",
                    extra={"person_noun": noun.person})
        self.cands.append(cand)
        for k in range(e, end):
            self.taken[k] = True
        person = self.person_span_at(end) if noun.person else None
        if person is not None and person[2] is None and not any(self.taken[person[0]:person[1]]):
            # "Israeli army spokesman Avi X": the named member, with the organisation's country and sector
            ps, pe, _ = person
            role = f"{self.span_text(p, end)} of {actor.name}"
            self.add(Cand(ps, pe, self.span_text(ps, pe), country, sector, "person", "role", role=role,
                          extra={"named": True}))
            for k in range(end, ps):
                self.taken[k] = True

    def owner_phrase(self, s: int, e: int, actor_id: str):
        """'Assad regime', "Putin's government": a leader's name before a government noun is that state's."""
        actor = self.kb.actors[actor_id]
        if actor.kind != "person":
            self.members_phrase(s, e, actor)
            return
        p = e + 1 if e < self.n and self.lower[e] in POSSESSIVE else e
        kind, size, noun = self._head_at(p)
        if kind != "role" or noun.kind not in ("state", "group", "organisation") or \
                noun.sector not in ("GOV", "MIL", "OPP"):
            return
        end = p + size
        if end < self.n and self.pos[end] == "NOUN" and longest(self.lower, end, self.t.roles)[0] == 0:
            return
        country, _ = actor.country_sector_on(self.published)
        if country is None:
            return
        name = f"{self.demonym(country)} {self.span_text(p, end).lower()}"
        self.cands.append(Cand(s, end, name, country, noun.sector, noun.kind, "role"))
        for k in range(e, end):
            self.taken[k] = True

    def _countries(self, j: int):
        """Demonyms / countries / seats from token j: ([(code, start, end)], next index, backers)."""
        found, backers = [], []
        while j < self.n:
            hit = self.state_at.get(j)
            if hit is None and not found and self.text[j][:1].isupper() and self.pos[j] == "PROPN" \
                    and self.alias_cover[j] is None:
                hit = self._town_before_role(j)
            if hit is None:
                # "anti-Assad rebels": the opponent tells whose rebels they are
                if self.lower[j] in ("anti", "pro") and j + 2 < self.n and self.text[j + 1] == "-":
                    k = j + 2
                    if k in self.alias_at:
                        s, e, actor_id = self.alias_at[k]
                        ally = self.kb.actors[actor_id]
                        # "pro-Houthi forces": the fighters of an armed group, not its country's army
                        partisan = self.lower[j] == "pro" and ally.kind == "group" and ally.sector == "REB"
                        backers.append((ally.country, "pro-rebel" if partisan else "anti"))
                        j = e
                        continue
                    if k in self.state_at:
                        backers.append((self.state_at[k][2], "anti"))
                        j = self.state_at[k][0]
                        continue
                break
            e, kind, code = hit
            if e + 1 < self.n and self.text[e] == "-" and self.lower[e + 1] in BACKED:
                backers.append((code, "led" if self.lower[e + 1] in LEADING else "backed"))
                j = e + 2
                continue
            found.append((code, j, e, kind))
            j = e
            if j < self.n and self.lower[j] in POSSESSIVE:
                j += 1
            # "US and British forces": an abbreviated country name coordinates like a demonym
            adjectival = kind == "demonym" or (kind == "name" and e - found[-1][1] == 1 and
                                               self.text[e - 1].replace(".", "").isupper())
            if adjectival and j + 1 < self.n and self.lower[j] in ("and", ",", "&", "or") \
                    and self.state_at.get(j + 1, (0, ""))[1] == "demonym":
                j += 1
                continue
            if kind == "demonym" and j + 2 < self.n and self.lower[j] == "," and self.lower[j + 1] == "and" \
                    and self.state_at.get(j + 2, (0, ""))[1] == "demonym":
                j += 2
                continue
            if j + 1 < self.n and self.text[j] in ("-", "–") and (j + 1) in self.state_at:  # "Turkish-Syrian"
                j += 1
                continue
            break
        return found, j, backers

    def _town_before_role(self, j: int):
        """'Homs governor': a town before a local office gives the office its country."""
        for size in (2, 1):
            e = j + size
            if e >= self.n or not all(self.text[k][:1].isupper() for k in range(j, e)):
                continue
            rest = " ".join(self.lower[e:e + 2])
            if self.lower[e] in PLACE_ROLES or rest in PLACE_ROLES:
                code = self.place_country(j, e)
                if code:
                    return e, "town", code
            size, role = longest(self.lower, e, self.t.roles)
            if size and self.text[e].islower() and role.kind == "group" and role.sector in LOCAL_GROUP_SECTORS:
                # "Darfur rebels", "Gaza residents": a region's or town's people take its country
                countries = self.place_countries(j, e)
                focus = getattr(self, "focus", None)
                if countries and (focus is None or focus in countries):
                    return e, "region", focus or countries[0]
        return None

    def place_countries(self, s: int, e: int) -> list[str]:
        """Countries a town named by tokens s..e may lie in (places gazetteer), most likely first."""
        text = self.span_text(s, e)
        key = (s, e)
        if key in self._place_cache:
            return self._place_cache[key]
        out = _TOWN_COUNTRIES.get(text)
        if out is None:
            out = []
            try:
                from dragoman.places import Gazetteer
                gaz = Gazetteer.load()
                for name in ([text, text[:-1]] if text.endswith("s") else [text]):
                    best = gaz.lookup(name)
                    if best is None:
                        continue
                    out = [best.country] + sorted({p.country for p in gaz.candidates(name) if p.country} - {best.country})
                    break
                out = [c for c in out if c]
                _TOWN_COUNTRIES.remember(text, out)
            except Exception:  # the places stage is optional for actors: without it, no town roles
                out = []
        self._place_cache[key] = out
        return out

    def _seat_country(self, s: int, e: int, code: str) -> str:
        """A capital's name that is also a town elsewhere is the capital unless its sentence places it in
        the other country."""
        return self._town_sign(s, e, self.place_countries(s, e), code) or code

    def _town_sign(self, s: int, e: int, countries: list[str], code: Optional[str] = None) -> Optional[str]:
        """The country the sentence places a town in, among those it may lie in: "militias in Tripoli ...
        the north Lebanese port", "Tripoli, Lebanon". A country merely named nearby ("the government in
        Damascus ... the United States") is no such sign."""
        if len(countries) < 2:
            return None
        sent = sentence_of(self.doc[s])
        for k, (end, kind, other) in sorted(self.state_at.items(), key=lambda item: abs(item[0] - s)):
            if not sent.start <= k < sent.end or s <= k < e or other == code or other not in countries:
                continue
            tok = self.doc[end - 1]
            town_word = kind == "demonym" and tok.head.lemma_.lower() in SEAT_TOWN_NOUNS and tok.head.i >= end
            after_comma = k == e + 1 and self.text[e] == ","  # "Tripoli, Lebanon"
            if town_word or after_comma:
                return other
        return None

    def place_country(self, s: int, e: int) -> Optional[str]:
        """The country of a town: the article's own country when the town may lie there."""
        countries = self.place_countries(s, e)
        if not countries:
            return None
        written = self._town_sign(s, e, countries)
        if written:
            return written
        focus = getattr(self, "focus", None)
        return focus if focus in countries else countries[0]

    def appositive(self, cand: Cand) -> Cand:
        """'Rami X, head of the Britain-based Syrian Observatory': the post gives country and sector."""
        k = cand.end
        if k < self.n and self.text[k] in (",", "(", "–", "-"):
            k += 1
            described = self.described_by(k)
            if described is not None:
                return replace(cand, country=described[0], sector=cand.sector or described[1], role=described[2])
        size = 0
        while k < self.n and self.lower[k] in APPOSITIVE_POSTS and size < 3:
            k += 1
            size += 1
        if not size or k >= self.n or self.lower[k] not in ("of", "at", "for", "in"):
            return cand
        k += 1
        for q in range(k, min(k + 6, self.n)):
            if q in self.alias_at:
                actor = self.kb.actors[self.alias_at[q][2]]
                country, sector = actor.country_sector_on(self.published)
                if actor.kind == "person":
                    return cand
                return replace(cand, country=country, sector=sector, role=self.doc[cand.end:self.alias_at[q][1]].text.strip(", "))
            if q in self.state_at:
                end, kind, code = self.state_at[q]
                if kind == "seat":
                    code = self._seat_country(q, end, code)
                return replace(cand, country=code, sector=cand.sector or "GOV")
            if self.text[q][:1].isupper() and self.pos[q] == "PROPN":
                code = self.place_country(q, q + 1)
                if code:
                    return replace(cand, country=code, sector=cand.sector or "GOV")
            if self.text[q] in (".", ";", ","):
                break
        return cand

    def described_by(self, k: int):
        """"..., Algeria's leading human rights activist", "..., a Syrian journalist": the country and
        sector of an appositive description starting at k, or None."""
        j = k + 1 if k < self.n and self.lower[k] in ("a", "an", "the") else k
        hit = self.state_at.get(j)
        if hit is None or hit[1] == "seat":
            return None
        p = hit[0] + (1 if hit[0] < self.n and self.lower[hit[0]] in POSSESSIVE else 0)
        for q in range(p, min(p + 4, self.n)):
            kind, size, value = self._head_at(q)
            if kind == "role" and value.person:
                return hit[2], value.sector, f"{self.span_text(q, q + size)} of {self.state_name(hit[2])}"
            if kind == "office":
                odef = self.kb.lexicon.offices[value[0]]
                return hit[2], odef.sector, self.kb.role_string(value[0], hit[2])
            if kind or self.text[q] in (",", ".", ";"):
                return None
        return None

    def left_appositive(self, cand: Cand) -> Cand:
        """'A member of the Syrian parliament, Mohammed X,': the post before the name gives country and sector."""
        s = cand.start
        if cand.country or s < 4 or self.text[s - 1] != ",":
            return cand
        owner = next((c for c in self.cands if c.end == s - 1 and c.country and c.kind != "person"), None)
        if owner is None:
            return cand
        k = owner.start - 1
        if k > 0 and self.lower[k] == "the":
            k -= 1
        if self.lower[k] != "of" or self.lower[k - 1] not in APPOSITIVE_POSTS:
            return cand
        return replace(cand, country=owner.country, sector=owner.sector,
                       role=f"{self.text[k - 1]} of {self.span_text(owner.start, owner.end)}")

    def _head_at(self, p: int):
        """Ministry, office title or role noun starting at token p: (kind, size, value)."""
        if p >= self.n or not self.may_head[p]:
            return None, 0, None  # no table has a key starting with this word: every lookup below fails
        # the role walks ask about the same tokens again and again: each is looked up once per Doc
        found = self._heads.get(p)
        if found is None:
            found = self._heads[p] = self._look_up_head(p)
        return found

    def _look_up_head(self, p: int):
        """`_head_at` worked out, for a token that may start a key."""
        # ministries: "<field> Ministry", "Ministry of <field>", "MoD"
        size, fkey = longest(self.lower, p, self.t.ministry_fields)
        if size:
            msize, _ = longest(self.lower, p + size, self.t.ministry_words)
            if msize:
                return "ministry", size + msize, fkey
        msize, _ = longest(self.lower, p, self.t.ministry_words)
        if msize and p + msize < self.n and self.lower[p + msize] in ("of", "for"):
            k = p + msize + 1
            if k < self.n and self.lower[k] == "the":
                k += 1
            size, fkey = longest(self.lower, k, self.t.ministry_fields)
            if size:
                return "ministry", k + size - p, fkey
        size, fkey = longest(self.text, p, self.t.ministry_abbr)
        if size:
            return "ministry", size, fkey
        osize, office = longest(self.lower, p, self.t.offices)
        rsize, role = longest(self.lower, p, self.t.roles)
        if osize and osize >= rsize:
            return "office", osize, office
        if rsize:
            return "role", rsize, role
        return None, 0, None

    def role_phrase_at(self, i: int) -> Optional[int]:
        if self.taken[i] or self.alias_cover[i] is not None:
            return None
        if i >= 2 and self.text[i - 1] == "-" and self.lower[i - 2] in ("anti", "pro"):
            return None  # "an anti-Syria journalist" is not Syria's
        j = i
        while j < self.n and self.lower[j] in LEAD_MODIFIERS:
            j += 1
        countries, j, backers = self._countries(j)
        community = None
        if not countries and not backers:
            community, j = self._community_at(j)
            if community is None:
                return self.bare_role_at(i)
        # modifiers then the head
        p, deputy, capitalised, compounds = j, False, 0, 0
        kind = size = value = None
        for _ in range(6):
            if p >= self.n:
                break
            kind, size, value = self._head_at(p)
            if kind:
                break
            if countries and p in self.state_at and self.state_at[p][1] == "demonym" \
                    and self.state_at[p][0] == p + 1 and self.text[p].endswith("s") and not community:
                # "Bosnian Serbs", "Iraqi Arabs": a community named by another state's demonym lives
                # in the state named first
                code = countries[0][0]
                self.add(Cand(i, p + 1, f"{self.demonym(code)} {self.text[p]}", code, "CVL", "group", "role"))
                return p + 1
            if self.text[p] in self.t.communities:
                community = community or self.t.communities[self.text[p]]  # "Turkish Kurd refugees"
                p += 1
                continue
            if self.lower[p] in self.t.modifiers or (self.pos[p] == "ADJ" and self.text[p].islower()):
                deputy = deputy or self.lower[p] in DEPUTY
                p += 1
                continue
            if compounds < 2 and self.text[p].islower() and self.pos[p] == "NOUN" \
                    and self.dep[p] == "compound" and p < self.head_i[p] <= p + 3:
                compounds += 1  # "Palestinian suicide bombers": a noun that qualifies the role
                p += 1
                continue
            if capitalised < 3 and p not in self.state_at and self.alias_cover[p] is None and (
                    (self.text[p][:1].isupper() and self.pos[p] in ("PROPN", "NOUN"))
                    or (capitalised and self.lower[p] in ("and", "&"))):
                capitalised += 1  # "Serbian Labour Minister", "Planning and Investment Minister"
                p += 1
                continue
            break
        if not kind:
            return None
        if capitalised and not (kind == "office" or (kind == "role" and value.person)):
            return None  # capitalised words before a group noun are more often a name ("... Unity Forces")
        e = p + size
        if community is not None and not (kind == "role" and value.sector in COMMUNITY_SECTORS):
            if not countries:
                return None
            community = None  # "Kurdish officials" of a named state: an ordinary role phrase
        if kind == "role" and self.modifies_next_noun(e) and not self.acting_noun(e):
            return None  # "Turkish military bases": the role word only modifies another noun
        if kind == "role" and not value.person and e < self.n and self.text[e].islower():
            kind2, size2, value2 = self._head_at(e)
            if kind2 == "role" and not self.modifies_next_noun(e + size2):
                # "Panamanian army officers": the people of an institution; the institution's sector
                # unless it is the generic government ("government troops")
                sector = value.sector if value.sector != "GOV" else value2.sector
                value = value2.model_copy(update={"sector": sector})
                e += size2
        codes = [c for c, *_ in countries] or [c for c, how in backers if c and (
            how == "led" or (how in ("anti", "pro-rebel") and kind == "role" and value.sector in ("REB", "OPP", "MIL")))]
        partisans = not countries and any(how == "pro-rebel" for _, how in backers)
        if kind == "role" and "regime" in self.lower[j:e - 1] and self.focus and countries \
                and self.focus not in codes and all(how == "demonym" for *_, how in countries):
            # "Russian regime forces" in an article about Syria: the regime's forces, backed by Russia
            # (but "the Syrian regime" itself is Syria's, whatever the article's focus)
            codes = [self.focus]
        if kind == "role" and i > 0 and self.lower[i - 1] == "ethnic" and self.focus and countries \
                and self.focus not in codes and all(how == "demonym" for *_, how in countries):
            codes = [self.focus]  # "ethnic Albanian guerrillas" in an article about Macedonia: a minority there
            i -= 1
        unit_end = e + 1 if kind == "role" and e < self.n and self.lower[e] in UNIT_NOUNS else e
        method = "role"
        owner = self.owner_country(unit_end) if kind == "role" else None
        if owner and not codes:
            codes = [owner]  # "Druze inhabitants of the Golan Heights", "Moslem forces in Bosnia"
        if not codes and community is not None and community.home:
            codes = [community.home]  # "Chechen rebels"
        if not codes and kind == "role" and value.kind == "group" and self.focus and \
                (self.focus_for_groups or community is not None):
            codes, method = [self.focus], "role-default"  # "Iran-backed militias" in an article about Syria
        if not codes:
            return None
        start = i
        if start > 0 and self.lower[start - 1] in ("his", "her", "its", "their") and value is not None \
                and kind == "role" and self.lower[e - 1].startswith("counterpart"):
            start -= 1
        words = self.span_text(j, e) if countries else self.span_text(p, e)
        town = next(((js, je) for _, js, je, how in countries if how == "town"), None)
        for n, code in enumerate(codes):
            cand = self.build_role(kind, value, code, start, e, words, deputy, p, town)
            if cand is None:
                continue
            cand.method = method if cand.method == "role" else cand.method
            cand.end = unit_end  # "an Iraqi army unit": the unit's noun belongs to the mention
            if (community is not None or partisans) and cand.sector == "MIL":
                cand.sector = "REB"  # a community's (or a rebel group's) armed men are not a state's army
            if partisans:   # named as written: "Yemeni forces" would also name the other side's
                cand.name = self.span_text(start, e)
            if n == 0:
                self.attach_name(cand, unit_end)
            else:  # another country in the same phrase: a second mention on the same words
                self.cands.append(self.resolve_unnamed(cand))
        if kind == "role":
            unit_end = self.conjoined_roles(unit_end, codes, method, community)
        return unit_end

    def _community_at(self, j: int):
        """Community words at j ("Kurdish", "Kurd-led"): (Community or None, next index)."""
        community = None
        while j < self.n and self.text[j] in self.t.communities and self.alias_cover[j] is None:
            community = self.t.communities[self.text[j]]
            j += 1
            if j + 1 < self.n and self.text[j] == "-" and self.lower[j + 1] in BACKED:
                j += 2
        return community, j

    def acting_noun(self, e: int) -> bool:
        """'in Israeli police custody', 'army bulldozers': the noun after the force shows it acting."""
        return e < self.n and self.lower[e] in self.t.acting_nouns

    def owner_country(self, e: int) -> Optional[str]:
        """'... of southern Serbia', '... in Bosnia', '... of the Syrian Golan Heights': the state the
        people or forces before it belong to."""
        if e + 1 >= self.n or self.lower[e] not in ("of", "in", "from"):
            return None
        k = e + 1
        while k < self.n and k - e <= 3 and self.lower[k] in OWNER_PLACE_WORDS:
            k += 1
        hit = self.state_at.get(k)
        if hit is None:
            return None
        end, kind, code = hit
        if kind == "demonym" and not (end < self.n and self.pos[end] == "PROPN"):
            return None  # "of Syrian origin": no place
        if kind == "seat":
            return None  # "in Ankara": a town where they are, not whose they are
        return code

    def conjoined_roles(self, e: int, codes: list, method: str, community) -> int:
        """'Israeli helicopters and tanks': a role noun coordinated with a qualified one shares its country."""
        if e + 1 >= self.n or self.lower[e] not in ("and", "or", ",") or not codes:
            return e
        kind, size, value = self._head_at(e + 1)
        if kind != "role" or value.kind == "person" or value.person or self.modifies_next_noun(e + 1 + size):
            return e
        s, end = e + 1, e + 1 + size
        for code in codes:
            sector = "REB" if community is not None and value.sector == "MIL" else value.sector
            self.add(Cand(s, end, f"{self.demonym(code)} {self.span_text(s, end)}", code, sector, value.kind, method),
                     nest=False)
        return end

    def modifies_next_noun(self, e: int) -> bool:
        """Does the role word ending at e only modify a noun after it ('military bases')?"""
        # by index: the last word's dependency and head read off the lists, no Token made
        if e >= self.n or self.dep[e - 1] not in ("compound", "amod", "nmod") or self.head_i[e - 1] < e \
                or self.pos[e] != "NOUN" or not self.text[e].islower():
            return False
        return longest(self.lower, e, self.t.roles)[0] == 0 and self.lower[e] not in RELATION_NOUNS \
            and self.lower[e] not in UNIT_NOUNS

    def build_role(self, kind, value, code, s, e, words, deputy, head, town=None) -> Optional[Cand]:
        if kind == "ministry":
            fdef = self.kb.lexicon.ministries.fields[value]
            return Cand(s, e, f"Ministry of {fdef.name} ({self.state_name(code)})", code, fdef.sector or "GOV",
                        "organisation", "role", extra={"ministry": value})
        if kind == "office":
            office_key, plural = value
            odef = self.kb.lexicon.offices[office_key]
            role = self.kb.role_string(office_key, code)
            if deputy:
                return Cand(s, e, f"{self.demonym(code)} {words}", code, odef.sector or "GOV", "person", "role",
                            role=f"{words} of {self.state_name(code)}", deputy=True)
            return Cand(s, e, role, code, odef.sector or "GOV", "person", "role", role=role, office=office_key,
                        extra={"unresolved_office": True})
        noun = value  # a lexicon RoleNoun
        head_word = self.lower[e - 1]
        if town is not None:  # "Homs governor" -> "Governor of Homs"
            ts, te = town
            return Cand(s, e, f"{self.span_text(te, e).title()} of {self.span_text(ts, te)}", code,
                        noun.sector, noun.kind, "role", extra={"person_noun": noun.person})
        if head_word.startswith("counterpart"):
            return Cand(s, e, f"{self.demonym(code)} counterpart", code, "GOV", "person", "role",
                        extra={"counterpart": True})
        name = f"{self.demonym(code)} {words}".strip()
        role = f"{words} of {self.state_name(code)}" if noun.person and words[:1].isupper() else None
        return Cand(s, e, name, code, noun.sector, noun.kind, "role", role=role, extra={"person_noun": noun.person})

    def attach_name(self, cand: Cand, e: int):
        """A role phrase followed by a name: the name is the mention; else the phrase is."""
        person = None
        if cand.kind == "person" or cand.extra.get("person_noun") or cand.extra.get("ministry"):
            nxt = e
            # "Russian Defense Ministry spokesman Maj. Gen. X": a person noun after a ministry
            if cand.extra.get("ministry") and nxt < self.n:
                size, role = longest(self.lower, nxt, self.t.roles)
                if size and not role.person and not self.modifies_next_noun(nxt + size):
                    # "Turkish Defence Ministry sources": the ministry's people, a mention each
                    self.add(cand)
                    words = self.span_text(nxt, nxt + size)
                    self.add(Cand(nxt, nxt + size, f"{cand.name} {words}", cand.country, cand.sector, role.kind,
                                  "role"))
                    return
                if size and role.person:
                    person = self.person_span_at(nxt + size)
                    if person is not None:  # the ministry is a mention of its own
                        self.add(cand)
                        nxt += size
                        cand = replace(cand, kind="person", start=cand.end, end=nxt, name=self.span_text(cand.end, nxt),
                                       extra={**cand.extra, "of_ministry": True})
                    person = None
            if nxt < self.n and (cand.kind == "person"):
                person = self.person_span_at(nxt)
        if person is None:
            self.finish_unnamed(cand)
            return
        s, pe, actor_id = person
        holder = None
        if cand.office and not cand.deputy:
            holder = self.kb.office_holder(cand.office, cand.country, self.published)
        actor = self.kb.actors[actor_id] if actor_id else self.resolve_person_name(s, pe, holder)
        if actor is not None:
            role = cand.role if cand.office and not cand.deputy else None
            named = self.from_actor(actor, s, pe, "alias" if actor_id else "fuzzy")
            if cand.role and named.role is None:
                named.role = cand.role
            if role and actor.country is None and named.country is None:
                named.country = cand.country
            if role and cand.country and cand.method == "role" and cand.sector:
                # the text names the office ("Palestinian Prime Minister Ismail Haniyeh"): it decides
                # country and sector over the KB, whose dates may not cover the article
                named.country, named.sector, named.role = cand.country, cand.sector, cand.role
        else:
            name = self.span_text(s, pe)
            named = Cand(s, pe, name, cand.country, cand.sector, "person", "role", role=cand.role,
                         office=None if cand.deputy else cand.office, extra={"named": True})
        if cand.office and not cand.deputy:
            self.registry[(cand.office, cand.country)] = named
        for k in range(cand.start, s):  # the role words belong to the person's mention, not to another actor
            self.taken[k] = True
        if named.actor_id and self.alias_cover[s] is not None:
            # already emitted from the alias pass: enrich it instead
            for c in self.cands:
                if c.start == s and c.end == pe:
                    c.role = c.role or named.role
                    if cand.office and not cand.deputy and cand.method == "role" and cand.country and cand.sector:
                        c.country, c.sector, c.role = named.country, named.sector, named.role
                    return
        self.add(named)

    def finish_unnamed(self, cand: Cand):
        self.add(self.resolve_unnamed(cand), nest=True)

    def resolve_unnamed(self, cand: Cand) -> Cand:
        if cand.extra.get("counterpart"):
            resolved = self.counterpart(cand)
            if resolved is not None:
                cand = resolved
        elif cand.office and not cand.deputy:
            holder = self.registry.get((cand.office, cand.country))
            if holder is not None:
                cand = replace(holder, start=cand.start, end=cand.end, method="role")
            else:
                actor = self.kb.office_holder(cand.office, cand.country, self.published)
                if actor is not None:
                    role = cand.role
                    cand = self.from_actor(actor, cand.start, cand.end, "role", office=cand.office)
                    cand.role = role
        return cand

    def counterpart(self, cand: Cand) -> Optional[Cand]:
        """'his Turkish counterpart': the holder, in that country, of the office of the person just named."""
        office = None
        for prev in reversed(self.cands):
            if prev.start < cand.start and prev.kind == "person" and prev.office:
                office = prev.office
                break
        for key in ([office] if office else []) + ["president"]:
            holder = self.registry.get((key, cand.country))
            if holder is not None:
                return replace(holder, start=cand.start, end=cand.end, method="role")
            actor = self.kb.office_holder(key, cand.country, self.published)
            if actor is not None:
                out = self.from_actor(actor, cand.start, cand.end, "role", office=key)
                out.role = self.kb.role_string(key, cand.country)
                return out
            if office:
                break
        return None

    def bare_role_at(self, i: int) -> Optional[int]:
        """Role phrases with no country: a title before a name ('Military analyst Captain X Y'),
        or an institution of the article's country ('government forces', 'the regime')."""
        if True not in self.may_head[i:i + 3]:
            return None  # the loop below looks for a head at i, i + 1 or i + 2 only: there is none
        if self.lower[i] in POSSESSIVE or not self.is_alpha[i] or (i > 0 and self.text[i - 1] in ("-", "–")):
            return None
        p, mods = i, 0
        while p < self.n and mods < 3:
            kind, size, value = self._head_at(p)
            if kind:
                break
            if p in self.state_at:
                return None  # "elderly British nationals": the demonym's own phrase, found from there
            if self.lower[p] in self.t.modifiers or (self.pos[p] == "ADJ" and mods < 2):
                p += 1
                mods += 1
                continue
            return None
        else:
            return None
        if not kind:
            return None
        e = p + size
        # "Secretary of State X", "the Deputy National Security Adviser": a title that names one state's office
        title_country = self.t.office_countries.get(tuple(self.lower[i:e])) or \
            self.t.office_countries.get(tuple(self.lower[p:e])) if kind == "office" else None
        if kind == "office" and title_country is None:
            title_country = self._ministry_place(e, owner=True)  # "the president of Armenia"
        if kind in ("role", "office") and (kind == "office" or value.person):
            person = self.person_span_at(e)
            if person is not None:
                s, pe, actor_id = person
                if actor_id is not None:  # the KB name carries its own country and sector
                    for k in range(i, s):
                        self.taken[k] = True
                    return pe
                sector = value.sector if kind == "role" else self.kb.lexicon.offices[value[0]].sector
                actor = self.resolve_person_name(s, pe, None)
                if actor is not None:
                    self.add(self.from_actor(actor, s, pe, "fuzzy"))
                elif kind == "office" and title_country:
                    role = self.kb.role_string(value[0], title_country) if p == i else \
                        self.kb.role_string(self.span_text(i, e), title_country)
                    self.add(Cand(s, pe, self.span_text(s, pe), title_country, sector, "person", "role", role=role,
                                  extra={"named": True}))
                elif kind == "office" and self.appositive(Cand(s, pe, "", None, None, "person", "")).country:
                    cand = self.appositive(Cand(s, pe, self.span_text(s, pe), None, sector, "person", "role",
                                                extra={"named": True}))
                    self.add(cand)
                elif self.focus and self.focus_share >= FOCUS_SHARE_FOR_OFFICES and (
                        (kind == "office" and self.kb.lexicon.offices[value[0]].sector == "GOV")
                        or (kind == "role" and value.sector in STATE_SECTORS and self.text[i][:1].isupper())):
                    # "President Yoweri Museveni" in an article about one country: its president
                    role = self.kb.role_string(value[0], self.focus) if kind == "office" else \
                        f"{self.span_text(p, e).title()} of {self.state_name(self.focus)}"
                    self.add(Cand(s, pe, self.span_text(s, pe), self.focus, sector, "person", "role-default",
                                  role=role, extra={"named": True}))
                else:
                    role = self.span_text(i, e)
                    self.add(Cand(s, pe, self.span_text(s, pe), None, sector, "person", "role", role=role,
                                  extra={"named": True}))
                return pe
        if kind == "office" and title_country and not (p > i and self.lower[p - 1] in DEPUTY) \
                and i > 0 and self.lower[i - 1] == "the" and not (i > 1 and self.lower[i - 2] in ("as", "former")):
            # "the Secretary of State said", "the president of Armenia": whoever held the office on the
            # publication date ("her tenure as secretary of state" is a description, not a mention)
            end = e
            if e < self.n and self.lower[e] in ("of", "in"):
                k = e + 1
                while k < self.n and self.lower[k] in OWNER_PLACE_WORDS:
                    k += 1
                end = self.state_at[k][0] if k in self.state_at else e
            cand = self.build_role(kind, value, title_country, i, end, self.span_text(p, e), False, p)
            if cand is not None:
                self.finish_unnamed(cand)
                return end
        words = self.span_text(i, e)
        phrase = self.span_text(p, e)  # the role's own words, after its modifiers (read once, used below)
        key = words if words in FOCUS_NOUNS else self.lower[e - 1] if e - i == 1 else words.lower()
        if kind == "ministry":
            code = self._ministry_place(e)
            if code:
                fdef = self.kb.lexicon.ministries.fields[value]
                self.add(Cand(i, e, f"Ministry of {fdef.name} ({self.state_name(code)})", code,
                              fdef.sector or "GOV", "organisation", "role", extra={"ministry": value}))
            return e
        if kind == "role" and value.kind == "group" and i > 0 and self.lower[i - 1] in ("its", "their"):
            # "Syria says it will withdraw its troops", "the Turkish military said one of its soldiers":
            # the troops of the state or body the sentence is about, not of the article's focus
            code = self._possessor_country(i - 1)
            if code:
                self.add(Cand(i, e, f"{self.demonym(code)} {phrase.lower()}", code, value.sector,
                              value.kind, "coref"))
                return e
        placed = self._ministry_place(e) if kind == "role" and not value.person else None
        if placed:  # "the government in Damascus", "the authorities of Iraq"
            end = self.state_at[e + 1][0]
            self.add(Cand(i, end, f"{self.demonym(placed)} {phrase.lower()}", placed, value.sector,
                          value.kind, "role"))
            return end
        if kind == "role" and value.needs_country:
            return None  # "homes", "villages": someone's only when a country is written
        if kind == "role" and value.sector == "NGO" and value.kind == "organisation" and not self.modifies_next_noun(e) \
                and self.pos[e - 1] in ("NOUN", "PROPN"):
            # "a human rights group": an actor of no state, named by its description
            self.add(Cand(i, e, phrase, None, "NGO", "organisation", "role"))
            return e
        local = kind == "role" and value.kind == "group" and value.sector in LOCAL_SECTORS \
            and not any(self.lower[k] in FOREIGN for k in range(max(0, i - 1), e))
        if kind == "role" and (key in FOCUS_NOUNS or phrase in FOCUS_NOUNS or local) and self.focus \
                and self.focus_for_groups:
            if self.modifies_next_noun(e):
                return None
            if phrase.lower() in ("military", "opposition") and (e >= self.n or self.pos[e] != "VERB"):
                return None
            name = f"{self.demonym(self.focus)} {phrase.lower()}"
            self.add(Cand(i, e, name, self.focus, value.sector, value.kind, "role-default"))
            return e
        return None

    def _possessor_country(self, k: int) -> Optional[str]:
        """The country of what a possessive pronoun at k refers to: the nearest state or actor of a
        state named before it in the same sentence."""
        start = sentence_of(self.doc[k]).start
        for j in range(k - 1, start - 1, -1):
            hit = self.state_at.get(j)
            if hit is not None and hit[1] in ("name", "demonym"):
                before = next((h for b, h in self.state_at.items() if h[0] == j and h[1] == "demonym"), None)
                # "Bosnian Serbs said their forces": a people qualified by a country is that country's
                return before[2] if before is not None else hit[2]
            cover = self.alias_cover[j]
            if cover is not None and cover[0] == j:
                country, _ = self.kb.actors[cover[2]].country_sector_on(self.published)
                if country:
                    return country
        return None

    def _ministry_place(self, e: int, owner: bool = False) -> Optional[str]:
        """'the defence ministry in Moscow' / 'of Syria'; with `owner`, only 'of <country name>'
        ('the president of Armenia'), for offices."""
        if owner:
            k = e + 1
            if e + 1 < self.n and self.lower[e] == "of" and k in self.state_at and self.state_at[k][1] == "name":
                return self.state_at[k][2]
            return None
        if e + 1 < self.n and self.lower[e] in ("in", "of") and (e + 1) in self.state_at:
            end, kind, code = self.state_at[e + 1]
            return self._seat_country(e + 1, end, code) if kind == "seat" else code
        return None

    # ---------- 3. states, seats, demonyms ----------

    def states(self):
        for s, (e, kind, code) in sorted(self.state_at.items()):
            if any(self.taken[s:e]):
                continue
            if kind == "demonym" and self.span_text(s, e) in self.kb.state(code).aliases:
                kind = "name"  # "US", "UK": the state itself, never "a US civilian"
            if kind in ("name", "demonym") and e + 2 < self.n and self.text[e] == "-" and self.lower[e + 1] in LEADING \
                    and self.doc[e + 2].lemma_.lower() in RELATION_HEADS | {"campaign", "offensive", "operation"}:
                actor = self.kb.state_actor(code)  # "the US-led war": the state that leads it acts
                self.add(Cand(s, e, actor.name, code, "GOV", "state", "state", actor_id=actor.id))
                continue
            glued = kind == "name" and self.text[e - 1].endswith("s") and not self.kb.state(code).name.endswith("s") \
                and self.text[e - 1] not in {w for w in self.kb.state(code).aliases}
            poss = glued or (e < self.n and self.lower[e] in POSSESSIVE)
            after = e + (0 if glued else 1)
            if poss and after < self.n and self.pos[after] == "PROPN" and self.text[after][:1].isupper():
                poss = False  # "Syria's Idlib": a place qualifying a place
            if kind == "demonym":
                last = self.doc[e - 1]
                if self.lower[e - 1] in ("us", "u.s.", "uk", "u.k."):
                    continue
                if last.dep_ in ("amod", "compound", "nmod"):
                    if last.head.lower_ in self.popular_acts and last.head.i >= e and self.doc[e - 1].text[:1].isupper():
                        # "Palestinian riots", "Iranian demonstrations": the people of that state act
                        self.add(Cand(s, e, f"{self.text[e - 1]} protesters", code, "CVL", "group", "demonym"))
                        continue
                    # "an Indian proposal": the state behind a proposal, an attack, a demand
                    if last.head.lemma_.lower() in RELATION_HEADS and last.head.i >= e:
                        actor = self.kb.state_actor(code)
                        self.add(Cand(s, e, actor.name, code, "GOV", "state", "demonym", actor_id=actor.id))
                    continue
                if last.pos_ not in ("NOUN", "PROPN") and not last.tag_.startswith("NN"):
                    continue
                plural = last.tag_ in ("NNPS", "NNS") or self.text[e - 1].endswith("s")
                owner = self.owner_country(e) if plural else None
                if owner and owner != code:
                    code = owner  # "the Albanians of southern Serbia": a minority there
                elif s > 0 and self.lower[s - 1] == "ethnic" and self.focus and self.focus != code:
                    code = self.focus  # "ethnic Albanians" in an article about Serbia: a minority there
                # "the Palestinians", "a Palestinian": people of that country
                self.add(Cand(s, e, self.text[e - 1] if plural else f"{self.text[e - 1]} civilian", code, "CVL",
                              "group" if plural else "person", "demonym"))
                continue
            elif not (poss or self.acts(self.doc[e - 1], seat=kind == "seat")):
                continue
            else:
                method = "metonym" if kind == "seat" else "state"
            last = self.doc[e - 1]
            if kind == "seat" and last.dep_ == "dobj" and last.head.lemma_.lower() in SIEGE_VERBS:
                self.add(Cand(s, e, self.span_text(s, e), code, "CVL", "group", method))
                continue
            actor = self.kb.state_actor(code)
            self.add(Cand(s, e, actor.name, code, "GOV", "state", method, actor_id=actor.id))

    def acts(self, tok, seat: bool) -> bool:
        """Is a country or capital name an actor here (not a location)?"""
        seen = 0
        while tok.dep_ == "conj" and seen < 4:  # "between Syria and Turkey": the first conjunct decides
            tok = tok.head
            seen += 1
        dep = tok.dep_
        if dep in ACTOR_DEPS:
            return True
        if dep == "dative":  # "give Tanzania a grant"
            return True
        if dep in ("compound", "amod", "nmod") and tok.head.i > tok.i and tok.head.lemma_.lower() in RELATION_HEADS \
                and tok.text.replace(".", "").isupper():
            return True  # "a US offer", "UN sanctions": an abbreviated state behind an act
        if dep == "pobj":
            prep = tok.head.lower_
            if prep in ("to", "on", "of", "upon", "toward", "towards") and \
                    tok.head.head.lemma_.lower() in RELATION_HEADS:  # "aid to Serbia", "blockade of Serbia"
                return True
            if prep == "from" and tok.head.head.lemma_.lower() in SENT_THINGS:
                return True  # "an offer from Afghanistan", "pressure from Washington": the sender acts
            return prep in PARTICIPANT_PREPS
        if dep == "dobj":
            return tok.head.lemma_ not in MOTION_VERBS and tok.head.pos_ == "VERB"
        if dep == "appos" and not seat:
            return False
        return False

    # ---------- 4. NER leftovers ----------

    def plausible_person(self, s: int, e: int) -> bool:
        """spaCy PERSON guesses that are towns, datelines or run-on headlines are not people."""
        text = self.span_text(s, e)
        if (e - s == 1 and (len(text) < 3 or text.isupper())) or e - s > 5:
            return False
        if any(k in self.state_at for k in range(s, e)) or not all(self.text[k][:1].isupper() or
                                                                   self.lower[k] in ("al", "el", "bin", "ibn", "-", "de", "von", "van", "abu", "abdel")
                                                                   for k in range(s, e)):
            return False
        if self.place_country(s, e):
            return False
        return True

    def entities(self):
        for ent in self.ents:
            if ent.label_ not in ("PERSON", "ORG"):
                continue
            s, e = ent.start, ent.end
            while s < e and self.lower[s] in ("the", "a", "an"):
                s += 1
            while e > s and self.lower[e - 1] in POSSESSIVE:
                e -= 1
            if ent.label_ == "PERSON":
                s = self.strip_titles(s, e)
            if s >= e or any(self.taken[s:e]):
                continue
            text = self.span_text(s, e)
            if not any(ch.isupper() for ch in text) or not any(ch.isalpha() for ch in text):
                continue
            if ent.label_ == "PERSON":
                if e - s == 1 and any(o.end <= s for o in self.full_names_by_surname.get(self.text[s], [])):
                    continue  # "Keron Blair ... Blair": surname coreference links it to the full name
                actor = self.resolve_person_name(s, e, None)
                if actor is not None:
                    self.add(self.from_actor(actor, s, e, "fuzzy"))
                    continue
                if not self.plausible_person(s, e):
                    continue
                self.add(self.left_appositive(self.appositive(Cand(s, e, text, None, None, "person", "ner"))))
            else:
                found = self.kb.lookup(text)
                if found:
                    self.add(self.from_actor(found[0], s, e, "alias"))
                    continue
                if not (text.isupper() and 2 <= len(text) <= 6) and self.lower[e - 1] not in self.org_heads:
                    continue  # spaCy's ORG guesses without an organisation word are too often noise
                codes = [self.state_at[k][2] for k in range(s, e) if k in self.state_at]
                country = codes[0] if codes else None
                sector = self.t.head_sectors.get(self.lower[e - 1]) if country else None
                self.add(Cand(s, e, text, country, sector, "organisation", "ner"))


# Fuzzy country names: only words this long, only this close (one letter off in a ten-letter name).
MISSPELT_MIN_LEN = 7
MISSPELT_MIN_SCORE = 90
_STATE_NAMES: dict[int, tuple[list[str], list[str]]] = {}


def _state_names(kb: ActorKB) -> tuple[list[str], list[str]]:
    """One-word state names and aliases of fuzzy-matchable length, with their codes (cached per KB)."""
    cached = _STATE_NAMES.get(id(kb))
    if cached is None:
        names, codes = [], []
        for state in kb.states.values():
            for name in [state.name, *state.aliases]:
                if " " not in name and "-" not in name and len(name) >= MISSPELT_MIN_LEN and not name.isupper():
                    names.append(name)
                    codes.append(state.code)
        cached = _STATE_NAMES[id(kb)] = (names, codes)
    return cached


def _non_overlapping(spans):
    """Longest-first selection of non-overlapping (start, end, payload) spans."""
    chosen, used = [], set()
    for s, e, payload in sorted(spans, key=lambda x: (-(x[1] - x[0]), x[0])):
        if any(k in used for k in range(s, e)):
            continue
        chosen.append((s, e, payload))
        used.update(range(s, e))
    return sorted(chosen)
