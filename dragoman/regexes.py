"""What a regular expression must contain, and searching for many literal strings at once.

The stages run many regexes over long texts; most of them can only match where one of a few
literal words occurs. `required_literals` reads those words off the parsed pattern (so they
cannot fall behind it), and a text or window holding none of them is skipped without running
the regex.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional


def trie_alternation(words) -> str:
    """An alternation of the words as a prefix tree ("mon(?:day|th)?"): at each position the
    regex engine then follows one branch instead of trying every word. It matches what the
    flat alternation, longest word first, matches: the longest word the text starts with."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        if "" in node:  # a word ends here: the longer words are tried first, then this one
            return f"(?:{'|'.join(branches)})?"
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return emit(trie)


@lru_cache(maxsize=None)
def required_literals(regex: re.Pattern) -> Optional[frozenset]:
    """Lowercased ASCII strings of which every match of `regex` contains one (None when the
    pattern has no such literal): a lowercased text holding none of them cannot match. Of the
    sets `required_literal_sets` finds, the one whose shortest string is longest."""
    return _longest(required_literal_sets(regex))


@lru_cache(maxsize=None)
def required_literal_sets(regex: re.Pattern) -> tuple[frozenset, ...]:
    """Sets of lowercased ASCII strings such that every match of `regex` contains a string of
    each set (none when nothing is required): "(\\d+) (day|week)s? ago" gives {"ago"} and
    {"day", "week"}. Read off the parsed pattern, so they cannot fall behind it."""
    from re import _constants as c, _parser

    def required(items) -> list[frozenset]:
        sets, run = [], []
        for op, av in items:
            if op is c.LITERAL and av < 128:
                run.append(chr(av).lower())
                continue
            if run:
                sets.append(frozenset(["".join(run)]))
                run = []
            if op is c.SUBPATTERN:
                sets += required(av[3])
            elif op is c.ATOMIC_GROUP:
                sets += required(av)
            elif op is c.BRANCH:  # one string of each alternative's best set
                alternatives = [_longest(required(alt)) for alt in av[1]]
                if all(alternatives):
                    sets.append(frozenset().union(*alternatives))
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
                sets += required(av[2])
            # anything else (classes, assertions, back-references, optional parts) requires nothing
        if run:
            sets.append(frozenset(["".join(run)]))
        return sets
    return tuple(dict.fromkeys(required(_parser.parse(regex.pattern, regex.flags))))


def _longest(sets) -> Optional[frozenset]:
    """The first of the sets whose shortest string is longest (the likeliest to be rare)."""
    best = None
    for strings in sets:
        if best is None or min(map(len, strings)) > min(map(len, best)):
            best = strings
    return best


@lru_cache(maxsize=None)
def literal_finder(strings: frozenset) -> re.Pattern:
    """A regex that finds any of the strings (one search instead of a test per string)."""
    return re.compile(trie_alternation(strings))
