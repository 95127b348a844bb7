"""Simple coreference for actors, emitted as extra mentions with method="coref".

- a later surname ("Fidan", "al-Sharaa", "Lavrov") -> the person named in full before;
- "he" / "his" / "she" / "her" as subject or possessor -> the nearest preceding person;
- "the minister", "the agency", "the ministry", "the researcher" ... -> the nearest
  preceding actor of that kind (the nouns and their constraints live in lexicon.yaml).
"""
from __future__ import annotations

import re
from dataclasses import replace

from dragoman.actors.finder import Cand, Finder, POSSESSIVE, PRONOUNS, longest

PARTICLES = {"al", "el", "bin", "ibn", "abu", "de", "von", "van", "der", "la", "le", "da", "di", "abd", "abdel", "abdul"}
MAX_SENTENCES_BACK = 3


def _named(c: Cand) -> bool:
    """A person the text names (not 'a Syrian security official')."""
    return c.kind == "person" and c.method != "coref" and (c.actor_id is not None or c.extra.get("named")
                                                           or c.method == "ner")


def _surnames(name: str) -> set[str]:
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
    return {s for s in out if len(s) >= 3 and (s[0].isupper() or s.lower().startswith(("al-", "el-")))}


def surname_coref(f: Finder):
    persons = sorted((c for c in f.cands if _named(c) and len(c.name.split()) >= 2), key=lambda c: c.start)
    if not persons:
        return
    by_variant: dict[str, list[Cand]] = {}
    for c in persons:
        names = {c.name, f.doc[c.start:c.end].text}
        for name in names:
            for variant in _surnames(name):
                by_variant.setdefault(variant, []).append(c)
    if not by_variant:
        return
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(v) for v in sorted(by_variant, key=len, reverse=True))
                         + r")(?:s\b|(?=['’]s\b)|(?![\w-]))")
    text = f.doc.text
    for m in pattern.finditer(text):
        span = f.doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is None:
            continue
        s, e = span.start, span.end
        while e > s and f.lower[e - 1] in POSSESSIVE:
            e -= 1
        before = [c for c in by_variant[m.group(1)] if c.start < s]
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


def pronoun_coref(f: Finder):
    doc = f.doc
    sent_of = {}
    for n, sent in enumerate(doc.sents):
        for k in range(sent.start, sent.end):
            sent_of[k] = n
    persons = sorted((c for c in f.cands if c.kind == "person"), key=lambda c: c.start)
    resolved: list[Cand] = []
    for tok in doc:
        if tok.lower_ not in PRONOUNS or f.taken[tok.i] or tok.dep_ not in ("nsubj", "nsubjpass", "poss"):
            continue
        window = sent_of.get(tok.i, 0) - MAX_SENTENCES_BACK
        candidates = [c for c in persons + resolved if c.end <= tok.i and sent_of.get(c.start, 0) >= window
                      and (_named(c) or c.actor_id or c.method == "coref")]
        if not candidates:
            continue
        antecedent = max(candidates, key=lambda c: c.start)
        cand = replace(antecedent, start=tok.i, end=tok.i + 1, method="coref", extra={})
        if f.add(cand):
            resolved.append(cand)


def _fits(c: Cand, rule) -> bool:
    if rule.kind and c.kind != rule.kind:
        return False
    if rule.sector and c.sector != rule.sector:
        return False
    if rule.role_contains and rule.role_contains.lower() not in (c.role or "").lower():
        return False
    if rule.name_contains and rule.name_contains.lower() not in c.name.lower():
        return False
    return True


def nominal_coref(f: Finder):
    """'the minister', 'the agency', 'the military analyst' -> the nearest preceding fitting actor."""
    for i in range(f.n - 1):
        if f.lower[i] != "the" or f.taken[i + 1]:
            continue
        p = i + 1
        for _ in range(3):
            size, rule = longest(f.lower, p, f.t.anaphors)
            if size:
                break
            if p < f.n and (f.doc[p].pos_ == "ADJ" or f.lower[p] in f.t.modifiers) and not f.taken[p]:
                p += 1
                continue
            size = 0
            break
        if not size:
            continue
        e = p + size
        if e < f.n and (f.doc[e].pos_ in ("NOUN", "PROPN") or f.taken[e] or f.text[e][:1].isupper()):
            continue  # "the agency report", "the minister Hakan ..."
        if any(f.taken[i + 1:e]):
            continue
        before = [c for c in f.cands if c.end <= i and _fits(c, rule) and c.method != "role-default"]
        if not before:
            continue
        antecedent = max(before, key=lambda c: c.start)
        f.add(replace(antecedent, start=i + 1, end=e, method="coref", extra={}))
