"""Lookup keys for place names: folding, Arabic articles, transliteration skeletons."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CHAR_MAP = str.maketrans({
    "ı": "i", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ß": "ss", "æ": "ae",
    "œ": "oe", "þ": "th", "ð": "d", "ʿ": "", "ʾ": "", "’": "", "‘": "", "'": "", "`": "", "´": "",
    "ʼ": "", "ʻ": "",
})
_NON_WORD = re.compile(r"[^a-z0-9]+")
# Arabic article forms as they are transliterated; "Deir ez-Zor", "al-Bab".
ARTICLES = frozenset("al el ad ar as ash at az an ath adh ed er es et ez il ul".split())


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """A lookup key: no accents, apostrophes or case; hyphens and dots become spaces."""
    if text.isascii():  # most names: no accents to strip, and casefold() is lower() (same key, faster)
        text = _NON_WORD.sub(" ", text.replace("'", "").replace("`", "").lower()).strip()
    else:
        text = unicodedata.normalize("NFKD", text.translate(_CHAR_MAP))
        text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
        text = _NON_WORD.sub(" ", text.translate(_CHAR_MAP)).strip()
    if text.startswith("the "):
        text = text[4:]
    return text


@lru_cache(maxsize=200_000)  # the same keys and gazetteer names come back in every document
def strip_articles(key: str) -> str:
    """The key without Arabic articles: "al mayadin" -> "mayadin", "deir ez zor" -> "deir zor"."""
    words = key.split()
    kept = [w for k, w in enumerate(words) if w not in ARTICLES or k == len(words) - 1]
    return " ".join(kept) if kept else key


_SKEL_SUBS = [("ou", "u"), ("ee", "i"), ("oo", "u"), ("q", "k"), ("kh", "k"), ("gh", "g"),
              ("dh", "z"), ("th", "t"), ("sh", "s"), ("ch", "s"), ("j", "g"), ("c", "k")]
_SKEL_DROP = re.compile(r"[aeiouyhw' ]")
_REPEAT = re.compile(r"(.)\1+")


@lru_cache(maxsize=200_000)  # the same keys come back in every document
def skeleton(key: str) -> str:
    """A coarse consonant skeleton that transliteration variants share
    ("Deir Ezzor" / "Dayr az Zawr", "Mayadeen" / "Al Mayadin")."""
    s = strip_articles(key).replace(" ", "")
    for a, b in _SKEL_SUBS:
        s = s.replace(a, b)
    s = _SKEL_DROP.sub("", s)
    return _REPEAT.sub(r"\1", s)


def is_latin(text: str) -> bool:
    """True when every letter is Latin script: other scripts never occur in English news."""
    for ch in text:
        if ch.isalpha() and ord(ch) > 0x24F and "LATIN" not in unicodedata.name(ch, ""):
            return False
    return True
