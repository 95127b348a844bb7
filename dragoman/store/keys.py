"""Stable keys of records: what a correction points at, so that it survives a re-analysis.

Machine row ids ("<doc>#e3") are positions and shift whenever a newer pipeline finds one
more or one fewer event. Keys are built from what the record *is* instead:

- event: doc + PLOVER type + source name + target name, and an ordinal among the events of
  the same document sharing those three (in reading order) when there are several;
- claim: doc + speaker name + a hash of the normalised content (case, accents, punctuation
  and spacing ignored), with an ordinal for exact repeats;
- actor / place / date mention: doc + the character offsets of the mention.

Keys are opaque strings: compare them, never parse them.
"""
from __future__ import annotations

import hashlib
import re
from typing import Iterable, Optional

from dragoman.store import fold

KINDS = ("event", "claim", "actor", "place", "date")


def slug(name: Optional[str]) -> str:
    """A name as a key part: folded, runs of anything but letters and digits made one '-'; '-' for none."""
    text = re.sub(r"[^\w]+", "-", fold(name)).strip("-")
    return text or "-"


def content_hash(content: Optional[str]) -> str:
    """A short hash of a claim's content, blind to case, accents, punctuation and spacing."""
    normal = re.sub(r"[\W_]+", " ", fold(content)).strip()
    return hashlib.sha1(normal.encode("utf-8")).hexdigest()[:12]


def _with_ordinals(doc: str, stems: Iterable[str]) -> list[str]:
    """Keys for records in reading order: the n-th record sharing a stem gets ':n' (n >= 2)."""
    seen: dict[str, int] = {}
    keys = []
    for stem in stems:
        seen[stem] = seen.get(stem, 0) + 1
        keys.append(stem if seen[stem] == 1 else f"{stem}:{seen[stem]}")
    return keys


def event_keys(doc: str, events: Iterable[tuple[str, Optional[str], Optional[str]]]) -> list[str]:
    """Keys of one document's events, given (type, source name, target name) in reading order."""
    return _with_ordinals(doc, (f"{doc}:event:{(t or '').upper()}:{slug(s)}:{slug(g)}" for t, s, g in events))


def claim_keys(doc: str, claims: Iterable[tuple[Optional[str], Optional[str]]]) -> list[str]:
    """Keys of one document's claims, given (speaker name, content) in reading order."""
    return _with_ordinals(doc, (f"{doc}:claim:{slug(s)}:{content_hash(c)}" for s, c in claims))


def mention_keys(doc: str, kind: str, spans: Iterable[tuple[int, int]]) -> list[str]:
    """Keys of one document's actor, place or date mentions, given their (start, end) in reading order."""
    return _with_ordinals(doc, (f"{doc}:{kind}:{start}-{end}" for start, end in spans))


def added_key(doc: str, kind: str, correction_id: int) -> str:
    """The key of a record an analyst added: '+' never occurs in a slug or an offset, so it cannot
    collide with a machine key."""
    return f"{doc}:{kind}:+{correction_id}"


def is_added(kind: str, key: str) -> bool:
    return f":{kind}:+" in key
