"""Stage: claims - who asserted what, through whom, with what stance.

A claim is an attribution in the PARC/PolNeAR sense: a *source* (the speaker),
a *cue* (the reporting verb or phrase) and a *content* (the proposition). This
stage finds them from the dependency parse:

- the cue is a reporting verb ("said", "told", "denied", "ruled out") or a
  prepositional phrase ("according to X"), listed with its stance in
  ``data/claims/cues.yaml``;
- the speaker is the cue's subject (or the object of "according to", the agent
  of a passive, the subject inherited by "..., adding that"), resolved to the
  actor the actors stage found there, else named by its own noun phrase;
- the content is the cue's clausal complement, its quotation, the clause it
  is attached to ("..., the ministry said"), or for verbs like "deny" its object;
- the stance starts from the cue and is changed by negation, hedges and
  modal verbs (``data/claims/stance.yaml``);
- "citing X", "told X" and "reported from X" add X to the claim's ``via`` chain,
  and so does the speaker of a claim that encloses another ("sources said the
  leaders had stressed ...");
- beyond single sentences: a quotation continued after its attribution keeps
  the speaker, a quotation signed "- Name" is that name's, and a headline
  "Speaker: words" / "words: Speaker" attributes with its colon.

The speaker's name is the text's own ("Mr. Burman", "the Syrian Defense
Minister" less its article) with the actor's country, sector and id; the
knowledge base's canonical name replaces it only for pronouns and relational
descriptions that the actors stage resolved ("his Turkish counterpart").

Beyond verbs, cues are attributing nouns ("Moscow's claim that ...", "his remarks
on ..."), adjectives of conviction ("officials were confident that ..."),
parenthetical and "as" attributions ("The test, the ministry said, was ...",
"As Reuters noted, ..."), transcript turns ("WALLACE: ...") and signed quotations.
A first-person cue inside a quotation ('"I think ...," she said') is the quoted
speaker's own voice, not another claim.

Claims about the same proposition are then linked: ``corroborates`` when the
stances agree, ``contradicts`` when one asserts what the other denies.
"""
from __future__ import annotations

import bisect
import operator
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import compress
from pathlib import Path
from typing import Iterable, Optional

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from dragoman.actors.kb import packaged_states
from dragoman.datafiles import read_data
from dragoman.model import ActorMention, ActorRef, Claim
from dragoman.nlp import doc_text, sentence_of, token_attrs
from dragoman.regexes import required_literals

DATA_DIR = Path(__file__).parent / "data" / "claims"
STANCES = ("asserted", "denied", "speculated", "unconfirmed")

# Dependency labels (spaCy English, ClearNLP style) the rules read.
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
CLAUSE_DEPS = {"ccomp", "xcomp", "parataxis"}
NAME_PART_DEPS = {"compound", "amod", "nmod", "flat", "nummod", "poss", "npadvmod"}
SPEAKER_PREPS = {"of", "from", "for", "in", "at", "with", "on"}
TIME_ENTS = {"DATE", "TIME"}
# prepositions that set the scene of a statement ("denied in an interview", "said at a rally"),
# never its content
SETTING_PREPS = {"in", "at", "during", "after", "before", "since", "through", "via", "from", "by", "to",
                 "into", "amid", "despite", "while", "upon", "following", "within", "across", "near"}
# first and second person inside a quotation: the voice of the quoted speaker
QUOTED_VOICES = {"i", "we", "you", "our", "my", "us", "me"}  # "I think", "our information indicates"
CONCESSIVE_WORDS = {"despite", "although", "though", "because", "since", "fact", "unless", "whereas"}
RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
ABOUT_PREPS = {"of", "about", "on", "regarding", "concerning"}  # what a statement is about
# nouns whose "that"-clause is their content, not a relative clause ("the fact that X said ...")
COMPLEMENT_HEADS = {"fact", "news", "idea", "notion", "possibility", "impression", "sense", "word", "rumour", "rumor"}
# nouns a relative clause modifies as a setting, not as a part of its content ("the first time
# the ministry said ...", "the way officials describe it")
ADJUNCT_HEADS = {"time", "day", "moment", "way", "reason", "year", "week", "month", "place", "point", "occasion"}
QUOTE_PAIRS = {"\u201c": "\u201d", "\u2018": "\u2019", "\u00ab": "\u00bb"}
MAX_QUOTE_CHARS = 2000          # an unbalanced quotation mark must not swallow the article
PRONOUN_LOOKBACK_SENTS = 3      # how far back a pronoun speaker is looked for
CONTENT_LEMMA_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}
LINK_MIN_LEMMAS = 3
LINK_MIN_OVERLAP = 0.5
LINK_MIN_JACCARD = 0.3


# ---------------------------------------------------------------- lexicon

@dataclass(frozen=True)
class Cue:
    stance: str
    object_content: bool = False
    recipient_is_via: bool = False
    only_with_quote: bool = False
    inverts: bool = False
    content_preps: frozenset = frozenset()
    evidence_subject: bool = False
    needs_predicate: bool = False


@dataclass(eq=False)  # one instance per process (lexicon()); hashable by identity
class Lexicon:
    verbs: dict[str, Cue]
    nouns: dict[str, Cue]
    adjectives: dict[str, Cue]
    phrasal: dict[tuple[str, str], Cue]
    prepositional: dict[tuple[str, str], Cue]
    citing_verbs: frozenset[str]
    cue_negations: frozenset[str]
    content_modals: frozenset[str]
    hedge_adverbs: frozenset[str]
    hedge_predicates: frozenset[str]
    unconfirmed: list[re.Pattern]
    content_negations: frozenset[str]
    stative_verbs: frozenset[str]
    source_nouns: frozenset[str]
    document_nouns: frozenset[str]
    headline_labels: frozenset[str]
    sector_modifiers: dict[str, Optional[str]]
    sector_heads: dict[str, str]
    outlets: frozenset[str]
    audiences: frozenset[str]
    person_pronouns: frozenset[str]
    relational_nouns: frozenset[str]
    quantifier_speakers: frozenset[str]
    group_pronouns: frozenset[str]
    evidence_nouns: frozenset[str]


def _load_yaml(name: str) -> dict:
    return read_data(DATA_DIR / name, unique_keys=True)


def _cue(entry: dict, where: str) -> Cue:
    if not isinstance(entry, dict) or entry.get("stance") not in STANCES:
        raise ValueError(f"{where}: a cue needs 'stance' in {STANCES}, got {entry!r}")
    unknown = set(entry) - {"stance", "object_content", "recipient_is_via", "only_with_quote", "inverts",
                            "content_preps", "evidence_subject", "needs_predicate"}
    preps = entry.get("content_preps") or []
    if not isinstance(preps, list) or not all(isinstance(p, str) for p in preps):
        raise ValueError(f"{where}: 'content_preps' must be a list of prepositions")
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    return Cue(entry["stance"], bool(entry.get("object_content") or preps), bool(entry.get("recipient_is_via")),
               bool(entry.get("only_with_quote")), bool(entry.get("inverts")), frozenset(p.lower() for p in preps),
               bool(entry.get("evidence_subject")), bool(entry.get("needs_predicate")))


def _words(data: dict, key: str, path: str) -> frozenset[str]:
    values = data.get(key)
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValueError(f"{path}: '{key}' must be a list of strings")
    return frozenset(v.lower() for v in values)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The claim lexicons from data/claims/*.yaml, loaded and checked once per process."""
    cues, stance, sources = _load_yaml("cues.yaml"), _load_yaml("stance.yaml"), _load_yaml("sources.yaml")

    def pairs(section: str) -> dict[tuple[str, str], Cue]:
        out = {}
        for phrase, entry in (cues.get(section) or {}).items():
            words = phrase.lower().split()
            if len(words) != 2:
                raise ValueError(f"cues.yaml {section}: '{phrase}' must be two words")
            out[(words[0], words[1])] = _cue(entry, f"cues.yaml {section}.{phrase}")
        return out

    sector_modifiers = sources.get("sector_modifiers") or {}
    sector_heads = sources.get("sector_heads") or {}
    return Lexicon(
        verbs={lemma.lower(): _cue(e, f"cues.yaml verbs.{lemma}") for lemma, e in cues["verbs"].items()},
        nouns={lemma.lower(): _cue(e, f"cues.yaml nouns.{lemma}") for lemma, e in (cues.get("nouns") or {}).items()},
        adjectives={lemma.lower(): _cue(e, f"cues.yaml adjectives.{lemma}")
                    for lemma, e in (cues.get("adjectives") or {}).items()},
        phrasal=pairs("phrasal"),
        prepositional=pairs("prepositional"),
        citing_verbs=_words(cues, "citing_verbs", "cues.yaml"),
        cue_negations=_words(cues, "negation_words", "cues.yaml"),
        content_modals=_words(stance, "content_modals", "stance.yaml"),
        hedge_adverbs=_words(stance, "hedge_adverbs", "stance.yaml"),
        hedge_predicates=_words(stance, "hedge_predicates", "stance.yaml"),
        unconfirmed=[re.compile(p, re.I) for p in stance.get("unconfirmed_patterns") or []],
        content_negations=_words(stance, "negation_words", "stance.yaml"),
        stative_verbs=_words(stance, "stative_verbs", "stance.yaml"),
        source_nouns=_words(sources, "source_nouns", "sources.yaml"),
        document_nouns=_words(sources, "document_nouns", "sources.yaml"),
        headline_labels=_words(sources, "headline_labels", "sources.yaml"),
        sector_modifiers={k.lower(): v for k, v in sector_modifiers.items()},
        sector_heads={k.lower(): v for k, v in sector_heads.items()},
        outlets=frozenset(o.lower() for o in sources["outlets"]),
        audiences=_words(sources, "audiences", "sources.yaml"),
        person_pronouns=_words(sources, "person_pronouns", "sources.yaml"),
        relational_nouns=_words(sources, "relational_nouns", "sources.yaml"),
        quantifier_speakers=_words(sources, "quantifier_speakers", "sources.yaml"),
        group_pronouns=_words(sources, "group_pronouns", "sources.yaml"),
        evidence_nouns=_words(sources, "evidence_nouns", "sources.yaml"),
    )


@lru_cache(maxsize=1)
def demonyms() -> dict[str, str]:
    """Demonym → ISO alpha-3, from the actors stage's state table (one source of truth)."""
    return {d.lower(): code for code, state in packaged_states().items() for d in state.demonyms}


# ---------------------------------------------------------------- helpers over the doc

# every character `quote_regions` acts on: the pairs' opening and closing marks and the straight one
_QUOTE_MARKS = re.compile("[" + re.escape("".join(QUOTE_PAIRS) + "".join(QUOTE_PAIRS.values()) + '"') + "]")


def quote_regions(text: str) -> list[tuple[int, int]]:
    """(start, end) of every quotation, marks included: curly pairs, and straight
    double quotes paired within a paragraph."""
    regions = []
    # doubled apostrophes ('' ... '') are a double quotation in some newsroom styles;
    # blank the second one so that offsets stay those of the text
    text = re.sub(r"''", '" ', text)
    for paragraph in re.finditer(r"[^\n]+", text):
        para, base = paragraph.group(), paragraph.start()
        opened: Optional[tuple[int, str]] = None
        straight: Optional[int] = None
        # only quotation marks move the state below: visit them alone, not every character
        for mark in _QUOTE_MARKS.finditer(para):
            i, ch = mark.start(), mark.group()
            if ch in QUOTE_PAIRS and opened is None and straight is None:
                # an apostrophe-like left single quote inside a word is not a quotation
                if ch == "\u2018" and i and para[i - 1].isalnum():
                    continue
                opened = (i, QUOTE_PAIRS[ch])
            elif opened is not None and (ch == opened[1] or ch == '"' and opened[1] == "\u201d"):
                # (a curly quotation closed by a straight mark: texts mix the two)
                if ch == "\u2019" and i + 1 < len(para) and para[i + 1].isalnum():
                    continue  # "Turkey’s": an apostrophe
                if i - opened[0] <= MAX_QUOTE_CHARS:
                    regions.append((base + opened[0], base + i + 1))
                opened = None
            elif ch == '"' and opened is None:
                if straight is None:
                    straight = i
                else:
                    if i - straight <= MAX_QUOTE_CHARS:
                        regions.append((base + straight, base + i + 1))
                    straight = None
    return sorted(regions)


class ActorIndex:
    """The actors stage's mentions, findable by character offset."""

    def __init__(self, mentions: Iterable) -> None:
        items = []
        for m in mentions or []:
            if isinstance(m, dict):
                m = ActorMention(**m)
            items.append(m)
        self.mentions = sorted(items, key=lambda m: (m.start, -(m.end - m.start)))
        self.starts = [m.start for m in self.mentions]

    def covering(self, start: int, end: int) -> Optional[ActorMention]:
        """The longest mention that covers [start, end)."""
        i = bisect.bisect_right(self.starts, start)
        best = None
        for m in self.mentions[max(0, i - 12):i]:
            if m.start <= start and end <= m.end and (best is None or m.end - m.start > best.end - best.start):
                best = m
        return best


def _text(doc: Doc, tokens: list[Token]) -> str:
    if not tokens:
        return ""
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    return doc_text(doc)[start:end]


def _clean_phrase(text: str) -> str:
    text = " ".join(text.split())
    text = re.sub(r"^(?:the|a|an|this|that|these|those)\s+", "", text, flags=re.I)
    text = re.sub(r"(?:'s|’s|'|’)$", "", text)
    return text.strip(" ,;:-\"\u201c\u201d")


def _is_negated(tok: Token, negations: frozenset[str]) -> bool:
    doc = tok.doc
    attrs = token_attrs(doc)  # by index: no Token made for the children
    dep, lower = attrs.dep, attrs.lower
    return any(dep[c] == "neg" or (lower[c] in negations and dep[c] in ("advmod", "neg", "preconj", "det"))
               for c in attrs.children[tok.i])


def _content_root(tokens: list[Token]) -> Optional[Token]:
    """The token of a content whose head lies outside it (the clause's main verb)."""
    if not tokens:
        return None
    ids = {t.i for t in tokens}
    heads = token_attrs(tokens[0].doc).head  # each token's head index: no head Token made
    for t in tokens:
        if heads[t.i] not in ids or heads[t.i] == t.i:
            return t
    return tokens[0]


# ---------------------------------------------------------------- speaker

@dataclass
class Speaker:
    head: Token
    tokens: list[Token]
    ref: ActorRef
    co_speakers: list[ActorRef] = field(default_factory=list)


def speaker_tokens(head: Token) -> list[Token]:
    """The noun phrase that names a speaker: the head with its name parts and, for a
    common noun ("an official from the region"), its short prepositional modifiers;
    never its appositions, relative clauses or conjuncts."""
    doc, h = head.doc, head.i
    # the head's dependents and the phrase's edges are tested by index: Tokens only for what is returned
    attrs = token_attrs(doc)
    children = attrs.children
    pos, dep, lower = attrs.pos, attrs.dep, attrs.lower
    keep = {h}
    lefts = [c for c in children[h] if c < h]
    rights = [c for c in children[h] if c > h]
    for c in lefts:  # name parts and a named possessor ("the Kremlin's spokesman"), not "his"
        if dep[c] in NAME_PART_DEPS and not (dep[c] == "poss" and pos[c] == "PRON"):
            keep.update(t.i for t in doc[c].subtree)
    if pos[h] != "PROPN" or lower[h] in lexicon().source_nouns:
        for c in rights:
            if dep[c] == "prep" and lower[c] in SPEAKER_PREPS:
                sub = list(doc[c].subtree)
                if len(sub) <= 8 and not any(pos[t.i] in ("VERB", "AUX") or t.ent_type_ in ("DATE", "TIME")
                                             for t in sub):
                    keep.update(t.i for t in sub)
            elif dep[c] in ("compound", "flat", "nummod"):
                keep.update(t.i for t in doc[c].subtree)
            else:
                break
    elif pos[h] == "PROPN":
        for c in rights:
            if dep[c] in ("compound", "flat") or (dep[c] == "prep" and lower[c] == "of" and c == h + 1):
                keep.update(t.i for t in doc[c].subtree)
            else:
                break
    lo, hi = min(keep), max(keep)
    while lo <= hi and (pos[lo] in ("DET", "PUNCT") or lower[lo] in ("the", "a", "an")):
        lo += 1
    while lo <= hi and pos[hi] == "PUNCT" or (lo <= hi and dep[hi] == "case"):
        hi -= 1
    return [doc[i] for i in range(lo, hi + 1)] or [head]


def _anonymous_sector(tokens: list[Token], lex: Lexicon) -> Optional[str]:
    words = [t.lower_ for t in tokens]
    for w in words:
        if w in lex.sector_modifiers and lex.sector_modifiers[w]:
            return lex.sector_modifiers[w]
    return lex.sector_heads.get(words[-1]) if words else None


class SpeakerResolver:
    """Turns a speaker's head token into an ActorRef, resolving pronouns."""

    def __init__(self, doc: Doc, actors: ActorIndex, lex: Lexicon) -> None:
        self.doc, self.actors, self.lex = doc, actors, lex
        self.previous: list[tuple[int, Speaker]] = []  # (sentence start token, speaker), in text order

    def ref_for(self, head: Token, nested: bool = False) -> Optional[Speaker]:
        """nested: called while resolving another speaker - no pronouns, no conjuncts."""
        doc, lex = self.doc, self.lex
        # the head and its dependents are tested by index: no Token made for them
        attrs = token_attrs(doc)
        children = attrs.children
        pos, dep, lower, heads = attrs.pos, attrs.dep, attrs.lower, attrs.head
        h = head.i
        if lower[h] in RELATIVE_PRONOUNS and dep[h] != "relcl" and dep[heads[h]] == "relcl":
            head = doc[heads[heads[h]]]
            h = head.i
        pronouns = lex.person_pronouns | lex.group_pronouns
        if pos[h] in ("PRON", "ADJ", "DET") and lower[h] not in pronouns and (
                any(dep[c] in ("amod", "acl", "prep", "relcl") and c > h for c in children[h])
                or lower[h] in lex.quantifier_speakers and dep[h] in ("nsubj", "nsubjpass")):
            # "those close to him", "some in the party", "many who attended", "some note that":
            # a group described, not named - kept as written
            tokens = [t for t in head.subtree if t.i >= h][:8]
            return Speaker(head, tokens, ActorRef(name=" ".join(_text(doc, tokens).split()).strip(" ,")))
        if pos[h] == "PRON" or lower[h] in pronouns:
            if lower[h] not in pronouns:
                return None  # "who would have believed ...", "nobody would question ...": no one named
            return None if nested else self._pronoun(head)
        if pos[h] not in ("NOUN", "PROPN", "NUM", "X") or head.ent_type_ in TIME_ENTS:
            return None  # "said last week": a time is never the speaker
        if not nested and lower[h] in lex.document_nouns and not any(
                pos[c] == "PROPN" or dep[c] == "poss" for c in children[h]):
            # "the statement added": said by whoever issued the statement
            issuer = self._issuer(head)
            if issuer is not None:
                return issuer
            for start, speaker in reversed(self.previous):
                if start >= sentence_of(head).start - 40 and speaker.head.i < head.i:
                    return Speaker(head, [head], speaker.ref)
                break
        tokens = speaker_tokens(head)
        surface = _clean_phrase(_text(doc, tokens))
        if not surface or not any(c.isalpha() for c in surface):
            return None
        mention = self.actors.covering(head.idx, head.idx + len(head.text))
        if mention is not None:
            # The speaker is named as the text names it ("Mr. Burman", "the Syrian president",
            # "the ministry"), which is how a reader quotes it; the actor's country, sector and
            # id say who it is. Only a relational description ("his counterpart") that the
            # actors stage resolved takes the knowledge base's name: alone it names no one.
            if attrs.lemma[h].lower() not in lex.relational_nouns or any(pos[t.i] == "PROPN" for t in tokens):
                # (the mention's ref under the text's name, made at once rather than made and copied)
                ref = ActorRef(name=surface, country=mention.country, sector=mention.sector,
                               actor_id=mention.actor_id)
            else:
                ref = mention.ref()
        else:
            names = demonyms()
            country = next((names[lower[t.i]] for t in tokens if lower[t.i] in names), None)
            ref = ActorRef(name=surface, country=country, sector=_anonymous_sector(tokens, lex))
        co = []
        listed = [doc[a] for a in children[h] if dep[a] == "appos" and any(dep[c] == "conj" for c in children[a])]
        for appos in listed:  # "an official, a commander and a source said": a list, not a description
            sub = self.ref_for(appos, nested=True)
            if sub is not None:
                co.append(sub.ref)
            for conj in appos.conjuncts:
                sub = self.ref_for(conj, nested=True)
                if sub is not None:
                    co.append(sub.ref)
        for conj in head.conjuncts if not nested else ():
            if conj.i > head.i:
                sub = self.ref_for(conj, nested=True)
                if sub is not None:
                    co.append(sub.ref)
        return Speaker(head, tokens, ref, co)

    def _issuer(self, noun: Token) -> Optional[Speaker]:
        """Who issued the statement a document noun refers to: the subject of the verb of
        the nearest earlier "in a statement" within a few sentences."""
        lo = max(0, sentence_of(noun).start - 120)
        attrs = token_attrs(self.doc)  # the walk back reads the lists: a Token only for a hit
        lemma, dep, head = attrs.lemma, attrs.dep, attrs.head
        noun_lemma = lemma[noun.i].lower()
        for k in range(noun.i - 1, lo - 1, -1):
            if lemma[k].lower() == noun_lemma and dep[k] == "pobj" and dep[head[k]] == "prep":
                verb = self.doc[k].head.head
                subject = _subject(verb) if verb.pos_ in ("VERB", "AUX") else None
                if subject is not None:
                    return self.ref_for(_speaker_root(subject), nested=True)
        return None

    def _pronoun(self, pron: Token) -> Optional[Speaker]:
        lex = self.lex
        mention = self.actors.covering(pron.idx, pron.idx + len(pron.text))
        if mention is not None and (mention.name.lower() == pron.lower_ or
                                    pron.lower_ in ("it", "its") and mention.kind == "person"):
            mention = None  # unresolved, or "it" read as a person
        person = pron.lower_ in lex.person_pronouns
        sent_start = sentence_of(pron).start
        window_start = sent_start
        for _ in range(PRONOUN_LOOKBACK_SENTS):
            if window_start == 0:
                break
            window_start = sentence_of(self.doc[window_start - 1]).start
        labels = ("PERSON",) if person else ("ORG", "GPE", "NORP")
        # the subject of an earlier clause of the same sentence ("Russia has not acknowledged
        # any deaths and it dismisses the reports"), else a speaker of an earlier claim nearby
        for tok in reversed(self.doc[sentence_of(pron).start:pron.i]):
            if tok.dep_ in ("nsubj", "nsubjpass") and tok.head != pron.head and tok.ent_type_ in labels \
                    and tok.pos_ == "PROPN":
                sp = self.ref_for(_speaker_root(tok), nested=True)
                if sp is not None:
                    return Speaker(pron, [pron], sp.ref)
        singular = pron.lower_ in ("it", "its")
        # a trailing "..., he said" is the voice the article has been quoting, whoever else the
        # paragraph mentioned since; elsewhere the actors stage's resolution stands
        verb, sent = pron.head, sentence_of(pron)
        trailing = pron.i - sent.start >= 4 and verb.i > pron.i - 2 and not any(
            t.pos_ in ("VERB", "AUX") for t in sent if t.i > verb.i)
        if mention is not None and not trailing:
            return Speaker(pron, [pron], mention.ref())
        for start, speaker in reversed(self.previous):
            if start < window_start:
                break
            if singular and speaker.head.tag_ == "NNS":  # "it" is not "the armed forces", "officials"
                continue
            if speaker.head.i < pron.i and self._is_person(speaker) == person:
                return Speaker(pron, [pron], speaker.ref)
        if mention is not None:
            return Speaker(pron, [pron], mention.ref())
        for ent in reversed([e for e in self.doc.ents if window_start <= e.start and e.end <= pron.i]):
            if ent.label_ in labels:
                sp = self.ref_for(ent.root, nested=True)
                if sp is not None:
                    return Speaker(pron, [pron], sp.ref)
        return None

    def _is_person(self, speaker: Speaker) -> bool:
        head = speaker.head
        if head.ent_type_ == "PERSON" or any(t.ent_type_ == "PERSON" for t in speaker.tokens):
            return True
        mention = self.actors.covering(head.idx, head.idx + len(head.text))
        if mention is not None and mention.kind:
            return mention.kind == "person"
        return head.pos_ == "NOUN" and head.lower_ in self.lex.sector_heads and not head.lower_.endswith("y")

    def remember(self, speaker: Speaker) -> None:
        if speaker.head.pos_ != "PRON":
            self.previous.append((sentence_of(speaker.head).start, speaker))


# ---------------------------------------------------------------- cue detection

@dataclass
class Found:
    """One attribution read off the parse, before its speaker is resolved."""
    cue_tokens: list[Token]
    cue: Cue
    speaker_head: Token
    content: list[Token]
    content_span: tuple[int, int]  # char offsets
    quote: Optional[tuple[int, int]] = None
    via_heads: list[Token] = field(default_factory=list)
    by_object: bool = False


def _subject(verb: Token) -> Optional[Token]:
    """The verb's subject; of two (a parse that made the end of a quotation a second
    subject: '"... One of the brightest," Rep. X said'), the one nearest the verb."""
    doc, i = verb.doc, verb.i
    attrs = token_attrs(doc)  # by index: a Token only for the subject returned
    dep, lower = attrs.dep, attrs.lower
    subjects = [c for c in attrs.children[i] if dep[c] in ("nsubj", "csubj") and lower[c] not in ("there",)]
    return doc[min(subjects, key=lambda c: abs(c - i))] if subjects else None


def _inherited_subject(verb: Token) -> Optional[Token]:
    """'X said ... and added', 'X said ..., adding that': the subject of the cue it hangs on
    (not of a verb inside that cue's content: "said the two would meet, adding ...")."""
    lex = lexicon()
    tok, first = verb, None
    if verb.dep_ == "pcomp" and verb.tag_ == "VBG" and verb.head.dep_ == "prep" \
            and verb.head.head.pos_ in ("VERB", "AUX"):
        # "responded by saying ...", "began by saying ...": the subject of the verb the phrase modifies
        governor = verb.head.head
        subj = _subject(governor) or (_subject(governor.head) if governor.dep_ == "conj" else None)
        if subj is not None:
            return subj
    for _ in range(4):
        if tok.dep_ not in ("conj", "advcl", "xcomp", "ccomp") or tok.head == tok:
            break
        tok = tok.head
        subj = _subject(tok)
        if subj is not None and (tok.lemma_.lower() in lex.verbs or verb.head == tok and (
                verb.dep_ == "xcomp" or any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children))):
            return subj  # the cue it continues, or the verb whose subject controls it ("X came to talk")
        if first is None and verb.head == tok:
            first = subj if tok.dep_ == "ROOT" else None
    return first


def _adjacent_speaker(verb: Token) -> Optional[Token]:
    """When the parse gives the cue no subject (unpunctuated text, inversion), the
    noun phrase right before it ("... the Observatory said") or right after it
    ("..., said the minister")."""
    doc, sent = verb.doc, sentence_of(verb)
    i = verb.i - 1
    while i >= sent.start and doc[i].pos_ in ("ADV", "AUX", "PART") and doc[i].dep_ != "neg":
        i -= 1
    if i >= sent.start and doc[i].pos_ in ("NOUN", "PROPN") and (
            doc[i].dep_ != "pobj" or doc[i].ent_type_ == "PERSON" and verb.dep_ == "ROOT"):
        return doc[i]  # "... with the editorial board of the Post Trump said": a person swallowed by a phrase
    if i >= sent.start and doc[i].pos_ == "PRON" and doc[i].lower_ in lexicon().person_pronouns | lexicon().group_pronouns:
        return doc[i]
    cue = lexicon().verbs.get(verb.lemma_.lower())
    if cue is None or not cue.inverts:
        return None  # "X documents the boom": only verbs that report in inverted order put the speaker after
    j = verb.i + 1
    if j < sent.end and doc[j].pos_ in ("DET", "PROPN", "NOUN", "ADJ", "PRON"):
        k = j
        while k < sent.end and doc[k].pos_ in ("DET", "ADJ", "PROPN", "NOUN", "NUM", "PART") and not doc[k].is_punct:
            k += 1
        heads = [doc[x] for x in range(j, k) if doc[x].pos_ in ("NOUN", "PROPN", "PRON")]
        if heads and verb.dep_ not in ("amod", "acl"):
            return heads[-1] if heads[-1].pos_ != "PRON" else heads[0]
    return None


def _inverted_speaker(verb: Token, sent: Span) -> Optional[Token]:
    """'..., said the Observatory, a war monitor': a noun phrase right after a reporting
    verb that follows its content is the speaker, whatever the parse made of it."""
    doc = verb.doc
    if verb.i - sent.start < 3 or verb.tag_ not in ("VBD", "VBZ", "VBP"):
        return None  # "to confirm the results": not a finite reporting verb
    if verb.lemma_.lower() not in ("say", "add", "write") and any(
            c.dep_ == "nsubj" and c.i < verb.i for c in verb.children):
        return None
    cue = lexicon().verbs.get(verb.lemma_.lower())
    if cue is not None and cue.object_content and not doc[verb.i - 1].is_punct:
        # "... claims the commander's death": after a verb that takes objects, only
        # "..., confirmed the ministry" (set off by punctuation) puts the speaker there
        return None
    j = verb.i + 1
    while j < sent.end and doc[j].pos_ == "ADV":
        j += 1
    if j >= sent.end or doc[j].pos_ not in ("DET", "PROPN", "NOUN", "ADJ"):
        return None
    if doc[j].lower_ in ("this", "that", "these", "those", "it", "nothing", "something", "so"):
        return None
    k = j
    while k < sent.end and doc[k].pos_ in ("DET", "ADJ", "PROPN", "NOUN", "NUM", "PART") and doc[k].dep_ != "punct":
        if k > j and doc[k].pos_ == "DET":
            break
        k += 1
    nouns = [doc[x] for x in range(j, k) if doc[x].pos_ in ("NOUN", "PROPN")]
    if not nouns:
        return None
    if k < sent.end and doc[k].pos_ in ("VERB", "AUX") and doc[k].tag_ not in ("VBG",):
        return None  # "said the attack was ...": the phrase opens the content
    # "say the sting of those changes would be ...": a finite verb after the phrase's
    # prepositional or coordinated tail also makes the phrase the content's subject
    m = k
    while m < sent.end and (doc[m].pos_ in ("ADP", "CCONJ", "DET", "ADJ", "NOUN", "PROPN", "NUM", "PART", "ADV")
                            or doc[m].lower_.endswith(("self", "selves"))) and not doc[m].is_punct:
        # ("said the council itself might be dissolved": a reflexive or adverb does not end the phrase)
        m += 1
    if m > k and m < sent.end and doc[m].pos_ in ("VERB", "AUX") and doc[m].tag_ in ("VBD", "VBZ", "VBP", "MD"):
        return None
    if any(c.dep_ == "nsubj" and c.i < verb.i for c in verb.children) and k < sent.end and not (
            doc[k].is_punct or doc[k].pos_ in ("DET", "ADP") or doc[k].tag_ == "VBG"):
        return None  # "X, an analyst, said parents still want ...": the subject before the verb speaks
    if any(doc[x].ent_type_ in TIME_ENTS for x in range(j, k)):
        return None  # "said on Friday", "said last week"
    # the phrase's last noun heads it ("the Syrian Observatory for Human Rights" heads on "Observatory")
    head = nouns[-1]
    for n in nouns:
        if n.head.i >= k or n.head.i < j:
            head = n
            break
    before = [t for t in sent if t.i < verb.i and not t.is_punct]
    if not any(t.pos_ in ("VERB", "AUX") for t in before):
        return None
    return head


def _speaker_root(tok: Token) -> Token:
    """From any token of a noun phrase up to its head noun."""
    while tok.dep_ in ("compound", "amod", "flat") and tok.head != tok and tok.head.i > tok.i:
        tok = tok.head
    return tok


def _exclude(tokens: Iterable[Token], *removed: Iterable[Token]) -> list[Token]:
    drop = set()
    for group in removed:
        drop.update(t.i for t in group)
    return [t for t in tokens if t.i not in drop]


def _content_from_tokens(tokens: list[Token]) -> tuple[list[Token], tuple[int, int]]:
    tokens = sorted(tokens, key=lambda t: t.i)
    while tokens and (tokens[0].is_punct or tokens[0].lower_ in ("that",) and tokens[0].dep_ in ("mark", "dobj")):
        tokens = tokens[1:]
    while tokens and tokens[-1].is_punct and tokens[-1].text not in ("\u201d", '"'):
        tokens = tokens[:-1]
    if not tokens:
        return [], (0, 0)
    return tokens, (tokens[0].idx, tokens[-1].idx + len(tokens[-1].text))


def _nearby_quote(regions: list[tuple[int, int]], sent: Span, cue: Token, speaker_start: int) -> Optional[tuple[int, int]]:
    """The quotation this cue introduces or closes: the one ending just before the speaker
    or cue (possibly in an earlier sentence), else the one starting after the cue."""
    before = [r for r in regions if r[1] <= min(speaker_start, cue.idx) and r[1] >= sent.start_char - 3]
    if before:
        r = before[-1]
        gap = doc_text(sent.doc)[r[1]:min(speaker_start, cue.idx)]
        if len(gap.strip(" ,.;:-\u2013\u2014\n")) <= 2:
            return r
    after = [r for r in regions if cue.idx < r[0] < sent.end_char]
    if after:
        gap = doc_text(sent.doc)[cue.idx + len(cue.text):after[0][0]]
        if len(gap) < 60:
            return after[0]
    return None


def find_cues(sent: Span, lex: Lexicon, regions: list[tuple[int, int]]) -> list[Found]:
    found: list[Found] = []
    doc = sent.doc
    first_words = _cue_first_words(lex)
    attrs = token_attrs(doc)
    children = attrs.children
    lower, lemma, pos, tag, dep = attrs.lower, attrs.lemma, attrs.pos, attrs.tag, attrs.dep
    a, b = sent.start, sent.end
    # most tokens are no cue: the words and lemmas that may start one are picked in C, and the
    # tests below read the token lists by index, so a Token is made only for a likely cue
    maybe = map(operator.or_, map(first_words.__contains__, lower[a:b]),
                map(first_words.__contains__, map(str.lower, lemma[a:b])))
    for i in compress(range(a, b), maybe):
        word, base = lower[i], lemma[i].lower()
        # "according to X"
        nxt = i + 1 if i + 1 < b else None
        if nxt is not None and (word, lower[nxt]) in lex.prepositional:
            f = _according_to(doc[i], doc[nxt], lex.prepositional[(word, lower[nxt])], sent)
            if f:
                found.append(f)
            continue
        if pos[i] == "ADJ" and word in lex.adjectives:
            f = _adjective_cue(doc[i], lex.adjectives[word])
            if f:
                found.append(f)
            continue
        if pos[i] == "NOUN" and base in lex.nouns:
            f = _noun_cue(doc[i], lex.nouns[base])
            if f:
                found.append(f)
            continue
        if pos[i] not in ("VERB", "AUX") and not (pos[i] == "NOUN" and tag[i] in ("VBZ", "VBD")):
            continue
        tok = doc[i]
        cue, cue_tokens = None, [tok]
        for c in children[i]:
            if dep[c] == "prt" and (base, lower[c]) in lex.phrasal:
                cue, cue_tokens = lex.phrasal[(base, lower[c])], [tok, doc[c]]
        if cue is None and nxt is not None and (base, lower[nxt]) in lex.phrasal and dep[nxt] in ("prt", "prep"):
            cue, cue_tokens = lex.phrasal[(base, lower[nxt])], [tok, doc[nxt]]
        if cue is None:
            cue = lex.verbs.get(base)
        if base in lex.citing_verbs and tag[i] == "VBG" and dep[i] != "ROOT" and _cites_a_source(tok, lex):
            continue  # "..., citing X": a link in the chain of another cue, not a claim of its own
        if cue is None or dep[i] in ("amod", "acl", "relcl") and _subject(tok) is None and not (
                dep[i] == "acl" and tag[i] in ("VBD", "VBZ")):  # a finite "acl" is a misparsed main verb
            continue
        if _gapped_relative(tok):
            continue  # "the $5 million he says he raised": the clause the cue reports has lost a part
        f = _verb_cue(tok, cue_tokens, cue, sent, lex, regions)
        if f:
            found.extend(_split_conjoined(f))
    return found


def _gapped_relative(verb: Token) -> bool:
    """A cue in a relative clause whose subject is not the relative pronoun and whose
    complement holds the gap ("the money he says he raised", "the plan that he claims he
    will pass", "a deal which he said was signed"): what it reports is a clause with the
    relativised noun taken out of it - a fragment, not a statement. "The ministry, which
    said that ..." (the pronoun is the speaker), "a conference in which X expressed ..." (the
    pronoun is a setting) and a misparsed final "... he said" are attributions."""
    attrs = token_attrs(verb.doc)
    dep = attrs.dep[verb.i]
    if dep not in ("relcl", "acl"):
        return False  # most cues: decided by index, before the subject is looked for
    subject = _subject(verb)
    if not (dep == "relcl" or dep == "acl" and subject is not None
            and attrs.tag[verb.i] in ("VBD", "VBZ", "VBP")):  # "the reform that the mayor claims ...", read as acl
        return False
    if verb.dep_ == "acl" and (verb.head.lemma_.lower() in COMPLEMENT_HEADS or verb.head.lemma_.lower() in lexicon().nouns):
        return False  # "the fact that the ministry said ...": a noun's complement, whole
    if subject is None or subject.lower_ in RELATIVE_PRONOUNS or subject.tag_ in ("WDT", "WP"):
        return False
    if any(c.dep_ == "prep" and any(g.tag_ in ("WDT", "WP") for g in c.children) or c.tag_ == "WRB"
           for c in verb.children) or verb.head.lemma_.lower() in ADJUNCT_HEADS or verb.head.ent_type_ in TIME_ENTS:
        # "in which", "where experts say", "the third time X said": the relative sets the scene
        return False
    if any(c.dep_ == "ccomp" and any(m.dep_ == "mark" and m.i > verb.i for m in c.children) for c in verb.children):
        return False  # "X announced that ...": a complementiser opens a whole clause (a misparsed main verb)
    return any(c.dep_ in CLAUSE_DEPS or c.dep_ == "prep" and not any(
        g.dep_ in ("pobj", "pcomp") for g in c.children) for c in verb.children)


@lru_cache(maxsize=4)
def _cue_first_words(lex: Lexicon) -> frozenset[str]:
    """Every word or lemma a cue can start with."""
    return frozenset(set(lex.verbs) | set(lex.nouns) | set(lex.adjectives) | lex.citing_verbs
                     | {a for a, _ in lex.phrasal} | {a for a, _ in lex.prepositional})


def _split_conjoined(found: Found) -> list[Found]:
    """'X said A and that B': two propositions under one cue are two claims - the second
    clause must have a "that" of its own (not "said it would A and B")."""
    if found.quote is not None or found.by_object:
        return [found]
    root = _content_root(found.content)
    if root is None or root.pos_ not in ("VERB", "AUX"):
        return [found]
    ids = {t.i for t in found.content}
    parts = [c for c in root.children if c.dep_ == "conj" and c.i in ids and c.pos_ in ("VERB", "AUX")
             and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)]
    if not parts:
        return [found]
    out = []
    first = _exclude(found.content, *[p.subtree for p in parts])
    first = [t for t in first if not (t.dep_ == "cc" and t.head == root and t.i > parts[0].i - 2)]
    for tokens in [first] + [list(p.subtree) for p in parts]:
        content, span = _content_from_tokens(tokens)
        if len([t for t in content if not t.is_punct]) >= 3:
            out.append(Found(found.cue_tokens, found.cue, found.speaker_head, content, span, None,
                             found.via_heads, False))
    return out or [found]


def _adjective_cue(adj: Token, cue: Cue) -> Optional[Found]:
    """'Many Democrats are afraid that ...', 'officials were confident the talks would ...':
    the subject of "be" holds the clause."""
    if adj.dep_ != "acomp" or adj.head.lemma_ not in ("be", "seem", "appear", "remain", "feel", "become"):
        return None
    clause = next((c for c in adj.children if c.dep_ == "ccomp"), None)
    by_object = False
    if clause is None and cue.content_preps:  # "concerned about the deployment": the concern is stated
        prep = next((c for c in adj.rights if c.dep_ == "prep" and c.lower_ in cue.content_preps), None)
        clause = next((g for g in prep.children if g.dep_ in ("pobj", "pcomp")), None) if prep is not None else None
        by_object = clause is not None
        cue = replace(cue, stance="asserted")
    subject = _subject(adj.head)
    if clause is None or subject is None:
        return None
    content, span = _content_from_tokens(list(clause.subtree))
    if len([t for t in content if not t.is_punct]) < 3:
        return None
    return Found([adj], cue, subject, content, span, by_object=by_object)


def _may_cite(t: Token, lex: Lexicon) -> bool:
    """'citing', 'quoting' as a participle clause: a candidate for `_cites_a_source`."""
    return _may_cite_at(token_attrs(t.doc), t.i, lex)


def _may_cite_at(attrs, i: int, lex: Lexicon) -> bool:
    """`_may_cite` of token i, read off the Doc's token lists (no Token made)."""
    return attrs.tag[i] == "VBG" and attrs.lemma[i].lower() in lex.citing_verbs \
        and attrs.dep[i] in ("xcomp", "advcl", "conj")


# (lexicon, doc id) -> whether any token of the doc may cite, set by extract_claims: most articles
# have none, and then no cue needs to walk its verb's subtree to look for one
_CITING: dict[tuple[int, int], bool] = {}


def _citing_in(doc: Doc, lex: Lexicon) -> bool:
    found = _CITING.get((id(lex), id(doc)))
    return True if found is None else found


def _cites_a_source(verb: Token, lex: Lexicon) -> bool:
    """'citing a security official' names a source (a link of the via chain); 'citing the
    release of prisoners' gives a reason, which is a claim of the citing speaker."""
    for obj in verb.children:
        if obj.dep_ != "dobj":
            continue
        if obj.pos_ == "PROPN" or obj.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
            return True
        if obj.lower_ in lex.source_nouns or obj.lemma_.lower() in lex.source_nouns:
            return True
    return False


def _noun_cue(noun: Token, cue: Cue) -> Optional[Found]:
    """"Russia's claim that ...", "a denial by the ministry that ...": a speaker and a that-clause."""
    clause = next((c for c in noun.children if c.dep_ in ("acl", "ccomp", "relcl")
                   and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)), None)
    if clause is None and cue.content_preps:  # "the minister's remarks on the ceasefire"
        clause = next((c for c in noun.rights if c.dep_ == "prep" and c.lower_ in cue.content_preps), None)
        if clause is not None:
            clause = next((g for g in clause.children if g.dep_ in ("pobj", "pcomp")), None)
    if clause is None:
        return None
    speaker = next((c for c in noun.children if c.dep_ == "poss" and c.pos_ != "PRON"), None)
    if speaker is None:
        speaker = next((g for c in noun.children if c.dep_ in ("prep", "agent") and c.lower_ in ("by", "from")
                        for g in c.children if g.dep_ == "pobj"), None)
    if speaker is None:  # "a New York Times report that ...": a named issuer before the noun
        speaker = next((c for c in noun.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"
                        and c.ent_type_ in ("ORG", "PERSON", "GPE", "NORP")), None)
    if speaker is None:
        speaker = next((c for c in noun.children if c.dep_ == "poss"), None)  # "his claim": resolve the pronoun
    if speaker is None:
        return None
    content, span = _content_from_tokens([t for t in clause.subtree])
    if len(content) < 3:
        return None
    return Found([noun], cue, speaker, content, span)


def _according_to(acc: Token, to: Token, cue: Cue, sent: Span) -> Optional[Found]:
    objs = [c for c in to.children if c.dep_ == "pobj"] or [c for c in acc.children if c.dep_ == "pobj"]
    if not objs:
        nxt = [t for t in sent if t.i > to.i and t.pos_ in ("NOUN", "PROPN")]
        if not nxt:
            return None
        objs = [_speaker_root(nxt[0])]
    owner = [c for c in objs[0].children if c.dep_ == "poss"]
    if owner and objs[0].pos_ == "NOUN" and objs[0].ent_type_ == "":
        objs = owner  # "according to our information": the owner of the information speaks
    # the phrase runs from "according" to the end of the speaker's noun phrase: the parse
    # sometimes hangs the whole sentence on it
    end = max([t.i for t in speaker_tokens(objs[0])] + [to.i])
    issuer = [g for c in objs[0].children if c.dep_ in ("prep", "agent") and c.lower_ in ("by", "from")
              for g in c.children if g.dep_ == "pobj"]
    if objs[0].lemma_.lower() in lexicon().document_nouns and issuer:
        # "according to a statement by the governor's office": the issuer speaks
        end = max([end] + [t.i for t in speaker_tokens(issuer[0])])
        objs = issuer
    before = [t for t in sent if t.i < acc.i and not t.is_space]
    after = [t for t in sent if t.i > end and not t.is_space]
    # the claim is the clause on one side of the phrase, not both ("A, according to X, and B")
    side = before if len([t for t in before if not t.is_punct]) >= 3 else after
    content, span = _content_from_tokens(side)
    if len([t for t in content if not t.is_punct]) < 3:
        return None
    return Found([acc, to], cue, objs[0], content, span)


def _active_speaker(verb: Token, sent: Span, lex: Lexicon, depth: int = 0) -> Optional[Token]:
    """The speaker of an active cue: its subject, the noun a misparse hung it on, the
    speaker of the cue it continues ("..., adding that"), or the noun phrase next to it."""
    subject = _subject(verb)
    if subject is not None:
        return subject
    if verb.dep_ == "acl" and verb.tag_ in ("VBD", "VBZ"):
        return verb.head  # a finite "acl" is a misparsed main verb: its head noun is the subject
    inherited = _inherited_subject(verb)
    if inherited is not None:
        return inherited
    head = verb.head
    if depth < 2 and verb.dep_ in ("conj", "advcl", "xcomp") and head != verb and head.lemma_.lower() in lex.verbs:
        cue = lex.verbs[head.lemma_.lower()]
        found = (_inverted_speaker(head, sent) if cue.inverts else None) or _active_speaker(head, sent, lex, depth + 1)
        if found is not None:
            return found
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return None  # "allows the host country to assert ...": the noun before "to" is not a speaker
    return _adjacent_speaker(verb)


def _is_evidence(subject: Token, verb: Token, lex: Lexicon) -> bool:
    """The subject of "show" that attributes: a record or a measurement ("the poll shows",
    "data show", "a video that shows"), or an organisation that publishes them."""
    if subject.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
        subject = verb.head
    if verb.tag_ == "VBG" and any(c.dep_ == "dobj" and c.lemma_.lower() in lex.evidence_nouns
                                  for c in verb.head.children):
        return True  # "the party released an ad showing ...": the record its publisher issued
    if subject.lemma_.lower() in lex.evidence_nouns or subject.lower_ in lex.evidence_nouns:
        return True
    # a named publisher of records (a pollster, an agency), however the tagger read the name
    return subject.text[:1].isupper() and subject.i > sentence_of(subject).start and subject.pos_ in ("PROPN", "NOUN") \
        and subject.ent_type_ not in ("PERSON", "GPE", "LOC", "NORP", "FAC")


def _in_other_cue(tok: Token, verb: Token, lex: Lexicon) -> bool:
    """tok sits in the clause of another cue verb that hangs under verb."""
    head = tok.head
    while head != verb and head.head != head:
        if head.pos_ in ("VERB", "AUX") and head.lemma_.lower() in lex.verbs:
            return True
        head = head.head
    return False


def _verb_cue(verb: Token, cue_tokens: list[Token], cue: Cue, sent: Span, lex: Lexicon,
              regions: list[tuple[int, int]]) -> Optional[Found]:
    doc, v = verb.doc, verb.i
    # the tests on the verb's dependents read the token lists by index: no Token made for them
    attrs = token_attrs(doc)
    children = attrs.children
    pos, dep, lower, tag = attrs.pos, attrs.dep, attrs.lower, attrs.tag
    kids = children[v]
    sent_start = sentence_of(verb).start
    prev = v - 1
    while prev > sent_start and pos[prev] == "ADV":
        prev -= 1
    as_marked = any(dep[c] == "mark" and lower[c] == "as" for c in kids) or (
        prev >= sent_start and lower[prev] == "as" and attrs.head[prev] > prev)  # however parsed
    if as_marked and (_subject(verb) is None or dep[v] != "advcl"):
        return None  # "as officially stated", "as reported": a reference, not an attribution
    if any(dep[c] == "dobj" and tag[c] in ("WDT", "WP") for c in kids) and not any(
            dep[c] == "prep" and c > v and lower[c] not in SETTING_PREPS
            and not any(t.ent_type_ in TIME_ENTS for t in doc[c].subtree) for c in kids):
        return None  # "..., which the minister confirmed on Monday": the content lies outside the clause
    if any(dep[c] == "aux" and lower[c] == "to" for c in kids) and any(dep[c] == "nsubj" for c in kids):
        return None  # "allows the host country to assert its presence": not a report
    passive = any(dep[c] in ("nsubjpass", "auxpass") for c in kids)
    speaker = None
    if passive:
        pobjs = [g for a in kids if dep[a] == "agent" for g in children[a] if dep[g] == "pobj"]
        if not pobjs:
            return None  # "is said to", "was reported": no speaker to attribute to
        speaker = doc[pobjs[0]]
    inverted = _inverted_speaker(verb, sent) if cue.inverts and not passive else None
    speaker = speaker or inverted or _active_speaker(verb, sent, lex)
    if speaker is None:
        return None
    speaker = _speaker_root(speaker)
    if cue.evidence_subject and not _is_evidence(speaker, verb, lex):
        return None  # "supporters show signs of fatigue", "it shows a crowd": no record speaks
    speaker_ids = {t.i for t in speaker_tokens(speaker)}
    if attrs.head[speaker.i] == v and speaker.i < v:
        speaker_ids.update(t.i for t in speaker.subtree)
    speaker_sub = [doc[k] for k in sorted(speaker_ids)]

    content: list[Token] = []
    by_object = False
    clauses = [doc[c] for c in kids if dep[c] in CLAUSE_DEPS]
    if clauses:
        content = [t for c in clauses for t in c.subtree]
        objects = [doc[c] for c in kids if dep[c] == "dobj" and c < clauses[0].i]
        if objects and not (cue.object_content or cue.recipient_is_via) and all(
                dep[c.i] == "xcomp" and any(dep[a] == "aux" and lower[a] == "to" for a in children[c.i])
                for c in clauses):
            # "unveiled a plan to rebuild the port": the infinitive belongs to the object, and
            # alone it would be a fragment
            content = [t for c in objects + clauses for t in c.subtree]
    quote = _nearby_quote(regions, sent, verb, speaker_sub[0].idx if speaker_sub else verb.idx)
    # the sentence's tokens are walked by index below: a Token only for what is kept
    if not content and inverted is not None:
        content = [doc[k] for k in range(sent.start, v) if k not in speaker_ids]
    if not content and (cue.inverts or dep[v] == "parataxis") and not any(
            dep[c] == "dobj" and c > v for c in kids) and (
            # "the candidate will announce plans" has its own object: not "..., the ministry said"
            dep[v] in ("ccomp", "parataxis", "advcl") and sentence_of(verb.head) == sent
            # "..., the ministry said"; "The test, the ministry said, was ..."; "As X noted, ..."
            and (attrs.head[v] < v or dep[v] == "parataxis" or as_marked)
            or (dep[v] == "ROOT" or sum(not attrs.is_punct[k] for k in range(v + 1, sent.end)) <= 6)
            and speaker.i < v and speaker_sub[0].i > sent.start + 2
            and any(pos[k] in ("VERB", "AUX") for k in range(sent.start, min(sent.end, speaker_sub[0].i)))):
        # "..., the ministry said": the content is the clause the cue hangs on, or
        # whatever precedes the speaker when the parse lost the structure
        if dep[v] in ("ROOT", "relcl"):  # "... in the north he said": a relcl misparse
            content = [doc[k] for k in range(sent.start, min(sent.end, speaker_sub[0].i))]
        else:
            content = _exclude(verb.head.subtree, verb.subtree)
            if verb.head.i > verb.i and not as_marked:
                # a cue set inside its content ("The test, the ministry said, was ..."): the
                # content is read from after the cue, so the speaker stays outside it
                last = max(t.i for t in verb.subtree)
                content = [t for t in content if t.i > last]
    if not content:
        # "told Reuters before the meeting that ...": a that-clause the parse hung elsewhere
        right = [t for t in verb.subtree if t.i > v]
        head = attrs.head
        that = next((t for t in right if lower[t.i] == "that" and dep[t.i] in ("mark", "dobj", "nsubj")
                     and pos[head[t.i]] in ("VERB", "AUX") and head[t.i] > t.i), None)
        between = set(lower[v + 1:that.i]) if that is not None else set()
        second_cue = that is not None and _in_other_cue(that, verb, lex)
        if that is not None and not between & CONCESSIVE_WORDS and not second_cue:
            # not "despite the fact that ...", nor the that-clause of a second cue ("expressed
            # readiness ..., noting that ..."), which is that cue's claim: this cue's is its object
            content = [t for t in right if t.i > that.i]
        if second_cue:
            quote = None
    if not content and quote is not None:
        quoted = list(doc.char_span(quote[0], quote[1], alignment_mode="expand") or [])
        if len([t for t in quoted if not t.is_punct]) >= 3:  # not a scare-quoted word
            content = quoted
    if not content and cue.object_content:
        # "denied the allegations", "blamed it on rebels", "disagreed with the report"
        right_kids = [c for c in kids if c > v]  # the verb's dependents after it (`verb.rights`), by index
        objs = [doc[c] for c in right_kids if dep[c] in ("dobj", "dative", "oprd", "attr")]
        if cue.content_preps:  # "spoke of the legacy", "warned against hackers" - not "spoke to reporters"
            objs = [doc[c] for c in right_kids if dep[c] == "prep" and lower[c] in cue.content_preps][:1]
        elif objs and cue.needs_predicate and not any(dep[c.i] in ("oprd", "attr") for c in objs) and not any(
                t.is_quote for c in objs for t in c.subtree):  # (a quoted name is a predicate: "calls X 'crazy'")
            objs = []  # "called the minister on Friday", "called an emergency meeting": no naming
        elif objs:
            objs += [doc[c] for c in right_kids if dep[c] == "prep" and c > objs[0].i]
        else:  # "disagreed with the report" - but not "confirmed on January 10", "denied in an interview"
            objs = [doc[c] for c in right_kids if dep[c] == "prep" and lower[c] not in SETTING_PREPS and not any(
                t.ent_type_ in ("DATE", "TIME") for t in doc[c].subtree)][:1]
        if objs:
            content, by_object = [t for c in objs for t in c.subtree], True
    if not content and passive and (cue.object_content or cue.inverts):
        # "The registration issue was first reported by The Washington Post": the subject is the content
        content = [t for c in kids if dep[c] == "nsubjpass" for t in doc[c].subtree]
    if not content and cue.inverts and not cue.object_content:
        # a complement clause the parse attached as an object ("added a command post ... had been destroyed")
        right_kids = [c for c in kids if c > v]  # the verb's dependents after it (`verb.rights`), by index
        rights = [t for c in right_kids if dep[c] in ("dobj", "npadvmod", "attr", "advcl") for t in doc[c].subtree]
        if any(tag[t.i] in ("VBD", "VBZ", "VBP", "MD") for t in rights):
            content = rights
        elif any(dep[c] == "dobj" and pos[c] != "PRON" for c in right_kids) and any(
                dep[c] == "prep" and lower[c] in ABOUT_PREPS for o in [v, *right_kids] for c in children[o]
                if o == v or dep[o] == "dobj"):
            # "70 percent said the same of the police", "said little about the plan": an object that
            # stands for what was said about a topic (not "said a few words at the ceremony")
            content, by_object = [t for c in right_kids if dep[c] == "dobj" or dep[c] == "prep"
                                  and lower[c] in ABOUT_PREPS for t in doc[c].subtree], True
    if not content:
        return None
    if cue.only_with_quote and quote is None:
        return None
    # "..., which Mr. X says he is keeping open": the relative pronoun stands outside the content
    content = [t for t in content if not (tag[t.i] in ("WDT", "WP") and t.i < v)]
    if speaker_sub and content and content[0].i < speaker_sub[0].i <= max(t.i for t in content):
        # the parse put the speaker inside the content ("... in Mayadeen the ministry said")
        content = [t for t in content if t.i < speaker_sub[0].i] if speaker.i < verb.i else \
            [t for t in content if t.i > speaker_sub[-1].i]
    content, span = _content_from_tokens(_exclude(content, speaker_sub, cue_tokens))
    is_punct = attrs.is_punct
    if sum(not is_punct[t.i] for t in content) < 2:
        return None
    via = []
    if cue.recipient_is_via:
        for c in kids:
            if dep[c] in ("dobj", "dative") or (dep[c] == "prep" and lower[c] == "to"):
                obj = c if dep[c] != "prep" else next((g for g in children[c] if dep[g] == "pobj"), None)
                if obj is not None and pos[obj] == "PROPN" and lower[obj] not in lex.audiences:
                    via.append(doc[obj])
    for c in kids:
        if dep[c] == "prep" and lower[c] == "from":
            via.extend(doc[g] for g in children[c] if dep[g] == "pobj" and pos[g] in ("NOUN", "PROPN"))
    citing = [t for t in verb.subtree if _may_cite(t, lex) and _cites_a_source(t, lex)] \
        if _citing_in(doc, lex) else []
    for c in citing:
        via.extend(g for g in c.children if g.dep_ == "dobj")
        drop = {t.i for t in c.subtree}
        content, span = _content_from_tokens([t for t in content if t.i not in drop])
    # "He said that ..., stressing the need for ...": a participial cue that the
    # parse hung inside the content is a statement of its own (its own claim), not part of this one
    ids = {t.i for t in content}
    tails = [t for t in content if tag[t.i] == "VBG" and dep[t.i] in ("advcl", "xcomp", "conj")
             and attrs.head[t.i] in ids and attrs.lemma[t.i].lower() in lex.verbs and _subject(t) is None and t.i > v]
    if tails and quote is None:
        first = min(min(x.i for x in t.subtree) for t in tails)
        kept = [t for t in content if t.i < first]
        if sum(not is_punct[t.i] for t in kept) >= 3:
            content, span = _content_from_tokens(kept)
    return Found(cue_tokens, cue, speaker, content, span, quote, via, by_object)


# ---------------------------------------------------------------- stance, date

def _unconfirmed_matches(text: str, lex: Lexicon) -> list[tuple[int, int]]:
    """(start, end) of every match of the lexicon's unconfirmed patterns in a sentence's text.
    A pattern runs only over a sentence holding one of the words it requires (most hold none, and
    a substring test is far cheaper than a case-blind search); only for an ASCII sentence, where
    a case-blind match of those words is exactly a match in the lowercased text."""
    lowered = text.lower() if text.isascii() else None
    spans = []
    for pattern in lex.unconfirmed:
        words = required_literals(pattern)
        if lowered is not None and words is not None and not any(word in lowered for word in words):
            continue
        spans.extend(m.span() for m in pattern.finditer(text))
    return spans


def stance_of(found: Found, sent: Span, lex: Lexicon) -> str:
    verb = found.cue_tokens[0]
    stance = found.cue.stance
    doc = sent.doc
    # the dependents' tests read the token lists by index: no Token made for them
    attrs = token_attrs(doc)
    children = attrs.children
    dep, lower = attrs.dep, attrs.lower
    negated_cue = attrs.pos[verb.i] in ("VERB", "AUX") and _is_negated(verb, lex.cue_negations)
    text = doc_text(doc)[sent.start_char:sent.end_char]  # sent.text, without joining its tokens again
    at = verb.idx - sent.start_char
    if any(start <= at < end + 2 for start, end in _unconfirmed_matches(text, lex)):
        return "unconfirmed"
    if negated_cue:
        return "unconfirmed" if stance in ("asserted", "denied") else stance
    if any(lower[c] in lex.hedge_adverbs for c in children[verb.i] if dep[c] == "advmod"):
        return "speculated"
    if stance != "asserted" or found.by_object:
        return stance
    root = _content_root(found.content)
    if root is None:
        return stance
    r = root.i
    if any(dep[c] == "aux" and lower[c] in lex.content_modals for c in children[r]):
        return "speculated"
    if any(dep[c] == "advmod" and lower[c] in lex.hedge_adverbs for c in children[r]):
        return "speculated"
    if lower[r] in lex.hedge_predicates and attrs.tag[r] in ("VBN", "JJ"):
        return "speculated"
    if any(_denies_event(v, lex) for v in [root, *root.conjuncts]) or (
            root.lemma_ == "have" and _is_negated(root, lex.content_negations)
            and any(_denies_event(v, lex) or v.pos_ == "VERB" for v in root.conjuncts)):
        return "denied"
    return stance


def _denies_event(root: Token, lex: Lexicon) -> bool:
    """A negated happening ("its planes had not carried out strikes", "the army has not used
    them") denies an event; a negated opinion, state or prediction ("this is not right",
    "it would not affect") is an assertion of its own."""
    attrs, r = token_attrs(root.doc), root.i  # by index: no Token made for the auxiliaries
    if attrs.pos[r] != "VERB" or attrs.lemma[r].lower() in lex.stative_verbs:
        return False
    if not _is_negated(root, lex.content_negations):
        return False
    dep, tag = attrs.dep, attrs.tag
    auxes = [c for c in attrs.children[r] if dep[c] in ("aux", "auxpass")]
    if any(tag[a] == "MD" for a in auxes):
        return False
    # a past or perfect happening: "did not strike", "had not carried out", "has not used"
    return tag[r] in ("VBD", "VBN") or tag[r] == "VB" and any(
        attrs.lower[a] == "did" or attrs.lemma[a] == "have" for a in auxes)


def date_of(found: Found, sent: Span, dates: list) -> Optional[str]:
    """The date of the statement: a date mention in the cue's own clause, outside the content."""
    verb = found.cue_tokens[0]
    lo, hi = found.content_span
    clause = None  # the clause's token offsets, walked only once a date stands in the sentence
    best, best_dist = None, None
    for d in dates or []:
        start = d["start"] if isinstance(d, dict) else d.start
        value = d.get("value") if isinstance(d, dict) else d.value
        if not value or not (sent.start_char <= start < sent.end_char) or lo <= start < hi:
            continue
        tok = sent.doc.char_span(start, start + 1, alignment_mode="expand")
        if tok is None:
            continue
        if clause is None:
            clause = {t.idx for t in verb.subtree}
        if tok[0].idx not in clause and tok[0].head != verb:
            continue
        dist = abs(start - verb.idx)
        if best_dist is None or dist < best_dist:
            best, best_dist = value, dist
    return best


# ---------------------------------------------------------------- linking

def _content_lemmas(doc: Doc, claim: Claim) -> set[str]:
    words = set()
    span = doc.char_span(*_claim_content_offsets(doc, claim), alignment_mode="expand")
    if span is None:
        return words
    attrs = token_attrs(doc)  # the span's tokens read off the lists: no Token made for each
    pos, is_stop, is_alpha, lemma = attrs.pos, attrs.is_stop, attrs.is_alpha, attrs.lemma
    for i in range(span.start, span.end):
        if pos[i] in CONTENT_LEMMA_POS and not is_stop[i] and is_alpha[i]:
            words.add(lemma[i].lower())
    return words


def _claim_content_offsets(doc: Doc, claim: Claim) -> tuple[int, int]:
    i = doc_text(doc).find(claim.content, claim.start)
    return (i, i + len(claim.content)) if i >= 0 else (claim.start, claim.end)


def link_claims(doc: Doc, claims: list[Claim]) -> None:
    """Fill corroborates/contradicts: claims whose contents share most content lemmas."""
    lemmas = [_content_lemmas(doc, c) for c in claims]
    for i in range(len(claims)):
        for j in range(i + 1, len(claims)):
            a, b = lemmas[i], lemmas[j]
            if len(a) < LINK_MIN_LEMMAS or len(b) < LINK_MIN_LEMMAS:
                continue
            if claims[i].start == claims[j].start and claims[i].speaker.name == claims[j].speaker.name:
                continue  # two cues of one attribution, not two voices
            shared = len(a & b)
            if shared < LINK_MIN_LEMMAS or shared / min(len(a), len(b)) < LINK_MIN_OVERLAP \
                    or shared / len(a | b) < LINK_MIN_JACCARD:
                continue
            si, sj = claims[i].stance, claims[j].stance
            if {si, sj} == {"asserted", "denied"}:
                claims[i].contradicts.append(j)
                claims[j].contradicts.append(i)
            elif si == sj:
                claims[i].corroborates.append(j)
                claims[j].corroborates.append(i)


# ---------------------------------------------------------------- the stage

def extract_claims(doc: Doc) -> list[Claim]:
    """Every attributed statement of the parsed article, in text order, linked to each other."""
    lex = lexicon()
    attrs = token_attrs(doc)  # the participles picked in C, then tested by index: no Token made
    _CITING[(id(lex), id(doc))] = any(_may_cite_at(attrs, i, lex)
                                      for i in compress(range(attrs.n), map("VBG".__eq__, attrs.tag)))
    try:
        return _extract_claims(doc)
    finally:
        _CITING.pop((id(lex), id(doc)), None)


def _extract_claims(doc: Doc) -> list[Claim]:
    lex = lexicon()
    actors = ActorIndex(getattr(doc._, "actors", None) or [])
    dates = getattr(doc._, "dates", None) or []
    text = doc_text(doc)
    regions = quote_regions(text)
    resolver = SpeakerResolver(doc, actors, lex)
    claims: list[Claim] = []
    cue_at: dict[int, int] = {}  # claim index -> character offset of its cue
    seen: set[tuple] = set()
    for sent in doc.sents:
        attributed = []
        for found in find_cues(sent, lex, regions):
            if found.speaker_head.lower_ in QUOTED_VOICES and (
                    _inside(regions, found.cue_tokens[0].idx)
                    or not _in_open_quote_paragraph(doc, found.cue_tokens[0].idx, regions)):
                # '"I think it is unfair," she said': the quoted speaker's own words, not a new claim;
                # in narration "I think" is the writer's voice, never the last third person named.
                # Only a paragraph that continues a quotation unclosed ('"And I think ...') speaks
                # with the voice of the speaker quoted before it.
                continue
            if _inside(regions, found.cue_tokens[0].idx) and any(
                    t.lower_ in QUOTED_VOICES for t in found.speaker_head.subtree if t.dep_ in ("poss", "pobj")):
                continue  # '"our information indicates ...," he said'
            speaker = resolver.ref_for(found.speaker_head)
            if speaker is None:
                continue
            # a speaker inside its own content is a parse error ("X said" read backwards)
            if found.content_span[0] <= speaker.head.idx < found.content_span[1] and found.quote is None:
                continue
            resolver.remember(speaker)
            attributed.append((found, speaker))
        attributed = [(found, speaker) for found, speaker in attributed if not _restates(found, speaker, attributed)]
        for found, speaker in attributed:
            # "sources said the leaders had stressed ...": the leaders' claim reached us through the sources
            outer = [sp.ref for f, sp in attributed if f is not found and sp.ref.name != speaker.ref.name
                     and f.content_span[0] <= found.cue_tokens[0].idx < f.content_span[1]]
            start, end = sent.start_char, sent.end_char
            if found.quote is not None:
                start, end = min(start, found.quote[0]), max(end, found.quote[1])
            start, end = min(start, found.content_span[0]), max(end, found.content_span[1])
            # evidence is whole sentences: widen to the sentences the quotation touches
            start, end = _sentence_bounds(doc, start, end)
            if found.quote is not None and start < found.quote[0] <= sent.start_char:
                start = found.quote[0]
            # an opening quotation mark the sentence splitter left at the end belongs to the next sentence
            opening = [a for a, _ in regions if start < a < end and not text[a:end].strip("'\"\u201c\u2018 \n")]
            if opening:
                end = opening[0]
            start = next((a for a, _ in regions if start - 3 <= a < start), start)  # its own opening mark
            # and a closing mark the splitter put at its start belongs to the sentence before
            start = next((b for _, b in regions if start < b <= start + 2 and b <= found.content_span[0]), start)
            evidence = text[start:end].strip()
            lead = len(text[start:end]) - len(text[start:end].lstrip())
            start += lead
            end = start + len(evidence)
            via = []
            for v in found.via_heads:
                sp = resolver.ref_for(_speaker_root(v), nested=True)
                if sp is not None and sp.ref.name != speaker.ref.name:
                    via.append(sp.ref)
            via.extend(r for r in speaker.co_speakers if r.name != speaker.ref.name)
            via.extend(r for r in outer if r.name not in {v.name for v in via})
            content = text[found.content_span[0]:found.content_span[1]]
            key = (speaker.ref.name, found.content_span)
            if key in seen:
                continue
            seen.add(key)
            cue_at[len(claims)] = found.cue_tokens[0].idx
            claims.append(Claim(
                speaker=speaker.ref, via=via, stance=stance_of(found, sent, lex),
                date=date_of(found, sent, dates), content=content, evidence=evidence,
                start=start, end=end, cue=" ".join(t.text for t in found.cue_tokens),
            ))
    cues = {id(c): cue_at[i] for i, c in enumerate(claims) if i in cue_at}
    claims.extend(signed_quotes(doc, claims, regions, actors, cues))
    claims.extend(continued_quotes(doc, claims, regions, cues))
    claims.extend(headline_claims(doc, actors, lex))
    claims.extend(transcript_claims(doc, claims, actors, lex))
    claims.sort(key=lambda c: (c.start, c.end))
    link_claims(doc, claims)
    return claims


def _same_speaker(a: ActorRef, b: ActorRef) -> bool:
    if a.actor_id and b.actor_id:
        return a.actor_id == b.actor_id
    ta, tb = set(a.name.lower().split()), set(b.name.lower().split())
    return bool(ta and tb) and (ta <= tb or tb <= ta)


def _restates(found: Found, speaker: Speaker, attributed: list[tuple[Found, Speaker]]) -> bool:
    """'The governor says she opposes the tax', 'he said he expected to win ...': a cue whose
    pronoun subject is the speaker of the claim that contains it is part of that claim's
    content, not a second statement."""
    if found.speaker_head.pos_ != "PRON" or found.speaker_head.head != found.cue_tokens[0]:
        return False  # "..., adding that": a cue of its own that shares the subject
    cue_at = found.cue_tokens[0].idx
    return any(f is not found and f.content_span[0] <= cue_at < f.content_span[1]
               and _same_speaker(sp.ref, speaker.ref) for f, sp in attributed)


def _in_open_quote_paragraph(doc: Doc, offset: int, regions: list[tuple[int, int]]) -> bool:
    """The paragraph around offset opens a quotation that it does not close (a quotation
    running on over paragraphs)."""
    text = doc_text(doc)
    start = text.rfind("\n", 0, offset) + 1
    while start < offset and text[start].isspace():
        start += 1
    if start >= offset or text[start] not in "\"\u201c":
        return False
    return not any(a == start for a, _ in regions)


def _inside(regions: list[tuple[int, int]], offset: int) -> bool:
    i = bisect.bisect_right(regions, (offset, float("inf"))) - 1
    return any(a < offset < b for a, b in regions[max(0, i - 2):i + 1])


def _sentence_bounds(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole sentences; a quotation mark that the sentence splitter
    left in the neighbouring sentence does not pull that sentence in."""
    text = doc_text(doc)
    lo, hi = start, end
    while lo < hi and not text[lo].isalnum():
        lo += 1
    while hi > lo and not text[hi - 1].isalnum():
        hi -= 1
    if lo >= hi:
        return start, end
    first = doc.char_span(lo, lo + 1, alignment_mode="expand")
    last = doc.char_span(hi - 1, hi, alignment_mode="expand")
    if first is not None and len(first):
        start = min(start, sentence_of(first[0]).start_char)
    if last is not None and len(last):
        end = max(end, sentence_of(last[-1]).end_char)
    return start, end


def continued_quotes(doc: Doc, claims: list[Claim], regions: list[tuple[int, int]],
                     cues: Optional[dict[int, int]] = None) -> list[Claim]:
    """A quotation that follows an attributed one with nothing but white space between
    ('"...," he said. "And more."') continues the same speaker's words. Cues inside the
    quotation ('"... I think it is unfair."') are the quoted speaker's own, and do not
    attribute the quotation to someone else."""
    cues = cues or {}
    extra: list[Claim] = []
    ordered = sorted(claims, key=lambda c: c.end)
    ends = [c.end for c in ordered]
    for q_start, q_end in regions:
        i = bisect.bisect_right(ends, q_start) - 1
        if i < 0:
            continue
        before = ordered[i]
        if any(c.start <= q_start < c.end for c in claims + extra):
            continue
        gap = doc_text(doc)[before.end:q_start]
        if len(gap) > 3 or any(ch.isalnum() for ch in gap):
            continue
        start, end = _sentence_bounds(doc, q_start, q_end)
        start = q_start
        if any(c.start < end and start < c.end and not q_start <= cues.get(id(c), -1) < q_end for c in claims):
            continue  # the quotation's sentences carry their own attribution
        content = doc_text(doc)[q_start:q_end].strip("\"“”' ")
        if len(content.split()) < 3:
            continue
        claim = before.model_copy(deep=True, update={
            "content": content, "evidence": doc_text(doc)[start:end], "start": start, "end": end,
            "corroborates": [], "contradicts": []})
        extra.append(claim)
        ordered.insert(i + 1, claim)
        ends.insert(i + 1, claim.end)
    return extra


SIGNATURE = re.compile(r"\s*[\u2015\u2014\u2013-]{1,2}\s*(?P<name>[A-Z][\w.'\u2019-]*(?:[ ][A-Z][\w.'\u2019-]*){0,4})")


def signed_quotes(doc: Doc, claims: list[Claim], regions: list[tuple[int, int]], actors: ActorIndex,
                  cues: Optional[dict[int, int]] = None) -> list[Claim]:
    """'"We will not leave." - Name': a quotation signed with a dash and a name (claims whose
    cue lies inside the quotation are its author's reports, not a rival attribution)."""
    cues = cues or {}
    out = []
    for q_start, q_end in regions:
        m = SIGNATURE.match(doc_text(doc), q_end)
        if not m or any(c.start <= q_start < c.end and not q_start <= cues.get(id(c), -1) < q_end for c in claims):
            continue
        content = doc_text(doc)[q_start:q_end].strip("\"\u201c\u201d' ")
        if len(content.split()) < 3:
            continue
        name = m.group("name")
        mention = actors.covering(m.start("name"), m.start("name") + 1)
        ref = mention.ref().model_copy(update={"name": name}) if mention is not None else ActorRef(name=name)
        out.append(Claim(speaker=ref, content=content, evidence=doc_text(doc)[q_start:m.end()], start=q_start,
                         end=m.end(), cue=m.group(0).strip()[:1]))
    return out


HEADLINE = re.compile(r"^(?P<left>[^\n:|]{2,160}?)\s*:\s+(?P<right>[^\n:|]{2,200}?)\s*(?:\||$)", re.M)
MAX_HEADLINE_SPEAKER_WORDS = 5


def headline_claims(doc: Doc, actors: ActorIndex, lex: Lexicon) -> list[Claim]:
    """'Russian Defense Ministry: 100 fighters killed' and 'Regime to blame: EU's chief' -
    headlines attribute with a colon. Only lines without a final full stop are headlines."""
    out = []
    for m in HEADLINE.finditer(doc_text(doc)):
        line = m.group(0).rstrip("| ")
        if line.endswith(".") or len(line.split()) > 30:
            continue
        left, right = m.group("left").strip(), m.group("right").strip()
        for name, said, name_at in ((left, right, m.start("left")), (right, left, m.start("right"))):
            words = name.split()
            if not (1 <= len(words) <= MAX_HEADLINE_SPEAKER_WORDS) or len(said.split()) < 3:
                continue
            if not words[0][0].isupper():
                continue
            span = doc.char_span(name_at, name_at + len(name), alignment_mode="expand")
            if span is None or not any(t.pos_ in ("PROPN", "NOUN") for t in span):
                continue
            if name.lower().replace("\u2019", "'").strip(" .") in lex.headline_labels:
                continue  # "Analysis: ...", "Editor's note: ..." label the piece, they do not speak
            if not _names_a_speaker(span, actors, lex):
                continue  # "Storm Over the Capital: ...", "In one post, X said: ...": a title or a clause
            mention = actors.covering(span.root.idx, span.root.idx + len(span.root.text))
            ref = mention.ref() if mention is not None else ActorRef(name=_clean_phrase(name))
            if mention is not None and mention.method not in ("role", "coref"):
                ref = ref.model_copy(update={"name": _clean_phrase(name)})
            start, end = m.start(), m.start() + len(line)
            out.append(Claim(speaker=ref, stance="asserted", content=said, evidence=doc_text(doc)[start:end],
                             start=start, end=end, cue=":"))
            break
    return out


SPEAKER_ENTS = {"PERSON", "ORG", "GPE", "NORP"}


def _names_a_speaker(span: Span, actors: ActorIndex, lex: Lexicon) -> bool:
    """A headline's colon attributes only when one side is a name: a person, an organisation,
    a state or a source noun ("Poll: ..."), with no verb or pronoun of its own (a clause such
    as "In one post, X said" or a title such as "Storm Over the Capital" names no speaker)."""
    if any(t.pos_ in ("VERB", "AUX", "PRON") or t.text == "," for t in span):
        return False
    words = [t for t in span if not t.is_punct]
    if 1 <= len(words) <= 2 and all(t.pos_ in ("PROPN", "NOUN") and t.text[:1].isupper() for t in words):
        return True  # a bare name, however the tagger read it: "Kremlin: ...", "Pentagon: ..."
    for t in span:
        if t.ent_type_ in SPEAKER_ENTS or t.lemma_.lower() in lex.source_nouns or t.lower_ in lex.sector_heads:
            return True
        if t.pos_ == "PROPN" and actors.covering(t.idx, t.idx + len(t.text)) is not None:
            return True
    return False


# "WALLACE: Let's start ..." - a turn of an interview or debate transcript: a speaker
# label in capitals (a surname or a role) and a colon at the start of a paragraph.
TRANSCRIPT_TURN = re.compile(
    r"^[\"\u201c'\s]*(?P<name>[A-Z][A-Z.'\u2019-]+(?: [A-Z][A-Z.'\u2019-]+){0,2}):[ \t]+(?P<said>\S[^\n]*)", re.M)


def transcript_claims(doc: Doc, claims: list[Claim], actors: ActorIndex, lex: Lexicon) -> list[Claim]:
    """Each labelled turn of a transcript is its speaker's statement; a turn that an
    attribution of its own already covers is left to it."""
    out = []
    text = doc_text(doc)
    for m in TRANSCRIPT_TURN.finditer(text):
        name = m.group("name")
        said = m.group("said").strip().strip("\"\u201d ")
        if name.lower().strip(" .") in lex.headline_labels or len(said.split()) < 3:
            continue
        start, end = m.start("said"), m.start("said") + len(m.group("said").rstrip())
        if any(c.start <= start < c.end and c.speaker.name.upper() == name for c in claims):
            continue
        mention = actors.covering(m.start("name"), m.start("name") + 1)
        ref = mention.ref().model_copy(update={"name": name}) if mention is not None else ActorRef(name=name)
        out.append(Claim(speaker=ref, stance="asserted", content=said, evidence=text[m.start("name"):end],
                         start=m.start("name"), end=end, cue=":"))
    return out


@Language.factory("dragoman_claims")
def make_claims_component(nlp: Language, name: str):
    lexicon()  # fail at pipeline build, not mid-article, if a data file is broken

    def component(doc: Doc) -> Doc:
        doc._.claims = extract_claims(doc)
        return doc
    return component
