"""Simple coreference for actors, emitted as extra mentions with method="coref".

- a later surname ("Fidan", "al-Sharaa", "Lavrov") -> the person named in full before;
- "he" / "his" / "she" / "her" as subject or possessor -> the nearest preceding person;
- "the minister", "the agency", "the ministry", "the researcher" ... -> the nearest
  preceding actor of that kind (the nouns and their constraints live in lexicon.yaml).
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from itertools import compress
from typing import Optional

from dragoman.actors.finder import FEMALE, Cand, Finder, POSSESSIVE, PRONOUNS, longest
from dragoman.nlp import doc_text, token_attrs

PARTICLES = {"al", "el", "bin", "ibn", "abu", "de", "von", "van", "der", "la", "le", "da", "di", "abd", "abdel", "abdul"}
MAX_SENTENCES_BACK = 3
# Words after an anaphoric noun, and modifiers before it, that introduce a new referent.
RESTRICTIVE = {"of", "in", "among", "within", "that", "which", "who", "whose", "for", "from", "at"}
NEW_REFERENT = {"other", "another", "first", "second", "new", "main", "largest", "biggest", "one"}


def _named(c: Cand) -> bool:
    """A person the text names (not 'a Syrian security official')."""
    return c.kind == "person" and c.method != "coref" and (c.actor_id is not None or c.extra.get("named")
                                                           or c.method == "ner")


@lru_cache(maxsize=20_000)  # a name's surnames are the same in every document
def _surnames(name: str) -> frozenset[str]:
    words = name.split()
    out = set()
    for k in range(1, len(words)):
        suffix = " ".join(words[k:])
        first = words[k].lower()
        if first in PARTICLES and k == len(words) - 1:
            continue
        out.add(suffix)
        m = re.match(r"(?i)(al|el)[- ](\w.*)", suffix)
        if m:
            out.add(m.group(2))
    return frozenset(s for s in out if len(s) >= 3 and (s[0].isupper() or s.lower().startswith(("al-", "el-"))))


def surname_coref(f: Finder):
    persons = sorted((c for c in f.cands if _named(c) and len(c.name.split()) >= 2), key=lambda c: c.start)
    if not persons:
        return
    by_variant: dict[str, list[Cand]] = {}
    for c in persons:
        names = {c.name, f.span_text(c.start, c.end)}
        for name in names:
            for variant in _surnames(name):
                if variant in f.kb.state_by_word or variant in f.t.communities or (variant.lower(),) in f.t.roles:
                    continue  # "Omar the Chechen": "Chechen(s)" later names a people, not him
                by_variant.setdefault(variant, []).append(c)
    if not by_variant:
        return
    text = doc_text(f.doc)
    for start, end, variant in _surname_matches(text, list(by_variant)):
        span = f.doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        s, e = span.start, span.end
        while e > s and f.lower[e - 1] in POSSESSIVE:
            e -= 1
        before = [c for c in by_variant[variant] if c.start < s]
        if not before:
            continue
        antecedent = max(before, key=lambda c: c.start)
        if any(f.taken[s:e]):
            # a full-name mention, or an unknown-person guess from NER that this surname explains better
            clash = [c for c in f.cands if c.start < e and s < c.end]
            if not all(c.method == "ner" and c.kind == "person" and s <= c.start and c.end <= e for c in clash):
                continue
            for c in clash:
                f.cands.remove(c)
                for k in range(c.start, c.end):
                    f.taken[k] = False
        f.add(replace(antecedent, start=s, end=e, method="coref", extra={}))


def _surname_matches(text: str, variants: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, variant) of each variant standing as a word of its own in the text, as
    `re.finditer` finds them with the alternation of the variants, longest first:

        (?<![\\w-])(variant|...)(?:s\\b|(?=['’]s\\b)|(?![\\w-]))

    ("Assad", "Assad's" and the plural "Assads", not "Assadi" or "pro-Assad"). Found with
    `str.find` and a test of the characters around: each document names other people, and
    compiling a regex of their names cost more than the search itself."""
    order = {v: k for k, v in enumerate(sorted(variants, key=len, reverse=True))}
    found = []   # (start, rank in the alternation, end, variant)
    for variant in variants:
        at = text.find(variant)
        while at >= 0:
            end = _surname_end(text, at, at + len(variant))
            if end is not None:
                found.append((at, order[variant], end, variant))
            at = text.find(variant, at + 1)
    out, free_from = [], 0
    for start, _, end, variant in sorted(found):  # leftmost first; at one start, the first alternative
        if start >= free_from:
            out.append((start, end, variant))
            free_from = end
    return out


def _word_char(ch: str) -> bool:
    """A character regex `\\w` matches (what `re` counts as one)."""
    return ch.isalnum() or ch == "_"


def _surname_end(text: str, start: int, end: int) -> Optional[int]:
    """Where a match of a variant at text[start:end] ends (a plural's "s" included), or None when
    it is part of a longer word or a hyphenated one."""
    if start > 0 and (_word_char(text[start - 1]) or text[start - 1] == "-"):
        return None
    n = len(text)
    if end < n and text[end] == "s" and (end + 1 == n or not _word_char(text[end + 1])):
        return end + 1   # "the Assads"
    if end + 1 < n and text[end] in "'’" and text[end + 1] == "s" and (end + 2 == n or not _word_char(text[end + 2])):
        return end   # "Assad's": the possessive is left to the tokens
    if end < n and (_word_char(text[end]) or text[end] == "-"):
        return None
    return end


def _sentence_index(f: Finder) -> dict[int, int]:
    sent_of = getattr(f, "_sent_of", None)
    if sent_of is None:
        # from the sentence starts as `doc.sents` cuts them: no Span made for each sentence
        sent_of = {}
        starts = token_attrs(f.doc).sent_starts
        for n, (start, end) in enumerate(zip(starts, starts[1:] + [f.n])):
            sent_of.update(dict.fromkeys(range(start, end), n))
        f._sent_of = sent_of
    return sent_of


def _choose(candidates: list[Cand], f: Finder, sent_of: dict[int, int], at: int) -> Cand:
    """The antecedent among fitting earlier mentions for a subject anaphor at token `at`: in the
    latest earlier sentence that has one, its subject if one of them is ("X met Y. He said": X),
    else the nearest. Inside the anaphor's own sentence, or for a possessive ("X received Y during
    his visit"), the nearest."""
    nearest = max(candidates, key=lambda c: c.start)
    if f.dep[at] not in ("nsubj", "nsubjpass") or sent_of.get(nearest.start, 0) == sent_of.get(at, 0):
        return nearest
    latest = max(sent_of.get(c.start, 0) for c in candidates)
    same = [c for c in candidates if sent_of.get(c.start, 0) == latest]
    subjects = [c for c in same if any(f.dep[k] in ("nsubj", "nsubjpass") for k in range(c.start, c.end))]
    return max(subjects or same, key=lambda c: c.start)


FEMALE_TITLES = {"mrs", "mrs.", "ms", "ms.", "miss", "madam", "queen", "princess", "lady"}
MALE_TITLES = {"mr", "mr.", "king", "prince", "sir", "lord", "sheikh"}
TITLES = FEMALE_TITLES | MALE_TITLES


def _person_key(c: Cand) -> str:
    return c.actor_id or c.name


def _known_genders(f: Finder, persons: list[Cand]) -> dict[str, str]:
    """Gender of the people named, where the KB or a title in the text says it ("Ms. X", "Mr X")."""
    genders: dict[str, str] = {}
    by_last: dict[str, list[Cand]] = {}
    for c in persons:
        actor = f.kb.actors.get(c.actor_id) if c.actor_id else None
        if actor is not None and actor.kind == "person":
            genders[_person_key(c)] = actor.gender or "m"  # the KB marks its women with gender: f
        by_last.setdefault(c.name.split()[-1], []).append(c)
    # the finder's lowercased tokens, the titles among them picked in C: no Token objects made
    for i in compress(range(f.n), map(TITLES.__contains__, f.lower)):
        if i + 1 < f.n:
            gender = "f" if f.lower[i] in FEMALE_TITLES else "m"
            for k in range(i + 1, min(i + 4, f.n)):
                for c in by_last.get(f.text[k], []):
                    genders.setdefault(_person_key(c), gender)
    return genders


def pronoun_coref(f: Finder):
    sent_of = _sentence_index(f)
    persons = sorted((c for c in f.cands if c.kind == "person"), key=lambda c: c.start)
    genders = _known_genders(f, persons)
    resolved: list[Cand] = []
    # the pronouns picked in C, then read by index: no Token made at all
    for i in compress(range(f.n), map(PRONOUNS.__contains__, f.lower)):
        if f.taken[i] or f.dep[i] not in ("nsubj", "nsubjpass", "poss"):
            continue
        gender = "f" if f.lower[i] in FEMALE else "m"
        window = sent_of.get(i, 0) - MAX_SENTENCES_BACK
        candidates = [c for c in persons + resolved if c.end <= i and sent_of.get(c.start, 0) >= window
                      and (_named(c) or c.actor_id or c.method == "coref")
                      and genders.get(_person_key(c), gender) == gender]
        if gender == "f" and not any(genders.get(_person_key(c)) == "f" for c in candidates) \
                and len({_person_key(c) for c in candidates}) > 1:
            continue  # "she" with several people of unknown gender in reach: no guess
        if gender == "f":
            known = [c for c in candidates if genders.get(_person_key(c)) == "f"]
            candidates = known or candidates
        if not candidates:
            continue
        antecedent = _choose(candidates, f, sent_of, i)
        cand = replace(antecedent, start=i, end=i + 1, method="coref", extra={})
        if f.add(cand):
            resolved.append(cand)
            genders.setdefault(_person_key(antecedent), gender)  # "he" once, never "she" after


def _fits(c: Cand, rule) -> bool:
    if rule.kind and c.kind != rule.kind:
        return False
    if rule.named and c.actor_id is None and c.method != "ner":
        return False
    if rule.sector and c.sector != rule.sector:
        return False
    if rule.role_contains and rule.role_contains.lower() not in (c.role or "").lower():
        return False
    if rule.name_contains and rule.name_contains.lower() not in c.name.lower():
        return False
    return True


def nominal_coref(f: Finder):
    """'the minister', 'the agency', 'the military analyst' -> the nearest preceding fitting actor
    within a few sentences (the subject of the latest sentence that has one)."""
    sent_of = _sentence_index(f)
    for i in compress(range(f.n - 1), map("the".__eq__, f.lower)):  # each "the", picked in C
        if f.taken[i + 1]:
            continue
        p = i + 1
        for _ in range(3):
            size, rule = longest(f.lower, p, f.t.anaphors)
            if size:
                break
            if p < f.n and (f.pos[p] == "ADJ" or f.lower[p] in f.t.modifiers) and not f.taken[p]:
                p += 1
                continue
            size = 0
            break
        if not size:
            continue
        e = p + size
        if e < f.n and (f.pos[e] in ("NOUN", "PROPN") or f.taken[e] or f.text[e][:1].isupper()):
            continue  # "the agency report", "the minister Hakan ..."
        if e < f.n and f.lower[e] in RESTRICTIVE and f.dep[e] != "mark":
            continue  # "the group in the SDF", "the minister of health": a new referent, not the last one
        tag = token_attrs(f.doc).tag  # by index: no Token made for the modifiers
        if any(tag[k] in ("JJS", "JJR") or f.lower[k] in NEW_REFERENT for k in range(i + 1, p)):
            continue  # "the strongest group", "another minister"
        if any(f.taken[i + 1:e]):
            continue
        window = sent_of.get(i, 0) - MAX_SENTENCES_BACK
        before = [c for c in f.cands if c.end <= i and _fits(c, rule) and c.method != "role-default"
                  and sent_of.get(c.start, 0) >= window]
        if not before:
            continue
        antecedent = _choose(before, f, sent_of, e - 1)
        f.add(replace(antecedent, start=i + 1, end=e, method="coref", extra={}))


# Sectors whose unqualified definite plurals ("the militants", "the rebels") usually mean a named group.
GROUP_SECTORS = {"REB", "OPP"}


def definite_group_coref(f: Finder):
    """'IS militants attacked ... the militants fled': a definite, unqualified group noun that the
    finder gave only the article's country refers to the one named armed or political group of that
    sector in the last few sentences. With two such groups in reach it is left alone."""
    sent_of = _sentence_index(f)
    for n, c in enumerate(f.cands):
        if c.method != "role-default" or c.sector not in GROUP_SECTORS or c.start == 0 \
                or f.lower[c.start - 1] != "the" or c.end - c.start != 1:
            continue
        window = sent_of.get(c.start, 0) - MAX_SENTENCES_BACK
        named = {a.actor_id: a for a in f.cands if a.end <= c.start and a.actor_id and a.method != "coref"
                 and a.sector == c.sector and a.kind in ("group", "organisation")
                 and sent_of.get(a.start, 0) >= window}
        if len(named) == 1:
            antecedent = next(iter(named.values()))
            f.cands[n] = replace(antecedent, start=c.start, end=c.end, method="coref", extra={})
            continue
        countries = {a.country for a in named.values()}
        if len(countries) == 1 and None not in countries and c.country not in countries:
            # "Hamas and Islamic Jihad fighters ... the militants": Palestinian, whoever exactly
            code = countries.pop()
            f.cands[n] = replace(c, country=code, name=f"{f.demonym(code)} {f.span_text(c.start, c.end)}")
