"""Ingest: turn what a user feeds dragoman into clean `Article`s.

Plain functions over plain data, the first step of
`ingest → nlp → actors / places / dates → events / claims → store`:

- `article_from_text(text, doc, ...)`: text as pasted from a news site. Image lines and
  repeated photo captions become `captions` (each once), a byline near the top becomes
  `outlet` / `author`, furniture lines ("Advertisement", "Read also: ...") and trailing
  site furniture (correction boxes, share and subscribe prompts, related-article lists,
  credits) are dropped by the general rules of data/boilerplate.yaml; every other line is
  kept verbatim and the result is `Article.text`, into which all later offsets point.
  In a page flattened to one line (scraped archives) the furniture between sentences (tag
  lists, other stories' headlines, share widgets) is kept but put on lines of its own
  (`flattened_furniture_spans`), and the events stage codes nothing in it.
- `article_from_html(html, doc, ...)`: a saved web page, through trafilatura (main text and
  metadata) and htmldate (publication date). Nothing is fetched: only the given HTML is read.
- `read_inputs(paths, published)`: files (`.txt`, `.html`/`.htm`, `.jsonl`), folders of
  them, or `-` for standard input, as a stream of `Article | IngestError`, so that one bad
  record is reported and skipped while the others go on.

Bad input (empty, binary, oversized, malformed, an unparseable date, not English) raises
or yields `IngestError(input_name, message)`, whose text is one line naming the input.
"""
from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, Iterator

from dragoman.caching import BoundedDict
from dragoman.datafiles import read_data
from dragoman.limits import DEFAULT_DOCUMENT_BYTES, DEFAULT_MAX_RECORDS
from dragoman.model import Article
from dragoman.regexes import required_literals

# A document larger than this is refused: news articles are a few dozen kilobytes, and a
# multi-megabyte "article" is almost always the wrong file. Configurable per call
# (`max_bytes=`) and on the command line (`dragoman analyze --max-bytes`).
DEFAULT_MAX_BYTES = DEFAULT_DOCUMENT_BYTES  # dragoman/limits.py holds every limit
# Saved web pages carry scripts and markup around the text: they may weigh this many
# times the text limit before they are refused.
HTML_SIZE_FACTOR = 5
# Below this share of English stop words among a text's words, the text may not be English
# (then another language's stop words must outnumber English's). English news prose runs
# at 35-50 %, other Latin-script languages at under 10 %; headlines and lists run low too.
MIN_ENGLISH_STOPWORD_SHARE = 0.18
# The language check needs this many words to mean something; shorter texts pass.
MIN_WORDS_FOR_LANGUAGE_CHECK = 12

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSONL_FIELDS = {"id", "text", "published", "url", "outlet", "title", "author"}

BOILERPLATE_FILE = Path(__file__).parent / "data" / "boilerplate.yaml"


class IngestError(Exception):
    """One input that could not be read as an article: which input, and what was wrong."""

    def __init__(self, input_name: str, message: str):
        super().__init__(f"{input_name}: {message}")
        self.input_name = input_name
        self.message = message


# --- site furniture: data in dragoman/data/boilerplate.yaml ---------------------------

@dataclass(frozen=True)
class Boilerplate:
    anywhere_lines: tuple[re.Pattern, ...]
    trailing_lines: tuple[re.Pattern, ...]
    trailing_headers: tuple[re.Pattern, ...]
    trailing_inline: tuple[re.Pattern, ...]
    # pages flattened to one line: furniture between the body's sentences
    flattened_tail: tuple[re.Pattern, ...] = ()
    flattened_tail_chars: int = 0
    flattened_spans: tuple[re.Pattern, ...] = ()
    flattened_headlines: tuple[re.Pattern, ...] = ()
    flattened_keywords: tuple[re.Pattern, ...] = ()


# Where flattened furniture may start: after a sentence end (or at the start of the line).
_AFTER_SENTENCE = r"(?:(?<=[.!?\"”])|^)"
FLATTENED_GROUPS = ("flattened_tail", "flattened_spans", "flattened_headlines", "flattened_keywords")


def _compile_group(path: Path, data: dict, key: str, prefix: str = "", flags: int = 0) -> tuple:
    """The patterns listed under `key`, each compiled after `prefix`; a clear error naming the file."""
    patterns = data.get(key)
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise ValueError(f"{path}: '{key}' must be a list of regular expressions")
    try:
        return tuple(re.compile(prefix + p, flags) for p in patterns)
    except re.error as err:
        raise ValueError(f"{path}: bad pattern in '{key}': {err}") from err


@lru_cache(maxsize=1)
def load_boilerplate(path: Path = BOILERPLATE_FILE) -> Boilerplate:
    """Load and validate the boilerplate patterns once per process."""
    data = read_data(path)
    groups = {}
    for key in FLATTENED_GROUPS:
        # a headline or keyword marker opens a run of words: only where a sentence of the body has ended
        opens_run = key in ("flattened_headlines", "flattened_keywords")
        groups[key] = _compile_group(path, data, key, _AFTER_SENTENCE + r"\s*" if opens_run else "")
    tail_chars = data.get("flattened_tail_chars")
    if not isinstance(tail_chars, int) or tail_chars <= 0:
        raise ValueError(f"{path}: 'flattened_tail_chars' must be a positive integer")
    groups["flattened_tail_chars"] = tail_chars
    for key in ("anywhere_lines", "trailing_lines", "trailing_headers", "trailing_inline"):
        # glued furniture ("trailing_inline") only counts after a sentence end, at the very end of the text
        prefix = r"(?<=[.!?\"”’)])" if key == "trailing_inline" else ""
        groups[key] = _compile_group(path, data, key, prefix, re.IGNORECASE)
    return Boilerplate(**groups)


# --- the pieces of a pasted page ------------------------------------------------------

MARKDOWN_IMAGE = re.compile(r"^\s*!\[(?P<caption>[^\]]*)\]\((?P<src>[^)]*)\)\s*$")

# A word of a name: capitalised (Erdoğan, O'Neil, Al-Monitor), an Arabic article prefix
# (al-Mahmoud), or a lowercase particle inside a name (bin, de, van).
_NAME_WORD = r"(?:[A-Z][\w'’.&-]*|(?:al|el|ad|ar|as|ash|at|az|an)-\w+|bin|ibn|bint|abu|de|da|del|della|di|du|van|von|der|den|la|le)"
_NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,5}}"
_AUTHORS = rf"{_NAME}(?:(?:\s*,\s*|\s+and\s+){_NAME}){{0,3}}"
# "Outlet – Jane Roe", "Outlet - Author", "Outlet | Author"
BYLINE_OUTLET_AUTHOR = re.compile(rf"^(?P<outlet>{_NAME})\s+[–—|-]\s+(?P<author>{_AUTHORS})$")
# "By Jane Doe", "By Jane Doe, Outlet", "By Jane Doe | Outlet"
BYLINE_BY = re.compile(rf"^[Bb][Yy]:?\s+(?P<author>{_AUTHORS})(?:\s*[,|–—-]\s*(?P<outlet>{_NAME}))?$")
# How many non-empty lines from the top a byline may sit at (after captions).
BYLINE_SEARCH_LINES = 4
MAX_BYLINE_CHARS = 100
# A repeated line needs this many words to count as a photo caption.
MIN_CAPTION_WORDS = 3
# A first line this short, without a closing full stop and followed by a blank line, is a headline.
MAX_TITLE_CHARS = 200
# Lines after a "Related articles" header shorter than this are headlines of other articles.
MAX_LISTED_HEADLINE_CHARS = 200


def _norm(line: str) -> str:
    return " ".join(line.split())


def _split_captions(lines: list[str]) -> tuple[list[str], list[str]]:
    """Keep each photo caption once; return (kept lines, captions).

    A caption stays in the analysed text, once, where it first appears: it often carries
    the only date or place of the photographed event. `captions` marks which lines they are."""
    captions: list[str] = []

    def add_caption(key: str) -> None:
        if key and key not in captions:
            captions.append(key)

    # Markdown images: the image goes, its alt text is a caption line.
    image_free: list[str] = []
    for line in lines:
        match = MARKDOWN_IMAGE.match(line)
        if match:
            caption = _norm(match.group("caption"))
            add_caption(caption)
            if caption:
                image_free.append(caption)
        else:
            image_free.append(line)

    # Pasted pages print a photo caption two or three times in a row (alt text, figure
    # caption, lightbox title): such a line (blank lines between allowed) is a caption,
    # and so is a line equal to an image's alt text. Short repeats ("Advertisement") are not.
    # A headline printed twice at the top (page title and heading) is no caption: it is
    # kept once, unless it carries a photo credit "(...)" at its end.
    keys = [_norm(line) for line in image_free]
    nonblank = [key for key in keys if key]
    repeated = {a for a, b in zip(nonblank, nonblank[1:]) if a == b and len(a.split()) >= MIN_CAPTION_WORDS}
    headline = nonblank[0] if nonblank and nonblank[0] in repeated and not nonblank[0].endswith(")") \
        and nonblank[0] not in captions else None
    caption_keys = (set(captions) | repeated) - {headline}
    kept_captions: set[str] = set()
    kept: list[str] = []
    headline_seen = False
    for line, key in zip(image_free, keys):
        if key and key in caption_keys:
            if key not in kept_captions:
                kept.append(key)
                kept_captions.add(key)
            add_caption(key)
        elif key and key == headline:
            if not headline_seen:
                kept.append(line)
            headline_seen = True
        else:
            kept.append(line)
    return kept, captions


def _find_byline(lines: list[str]) -> tuple[int | None, str | None, str | None]:
    """Index, outlet and author of a byline among the first non-empty lines, if any."""
    checked = 0
    for index, line in enumerate(lines):
        text = _norm(line)
        if not text:
            continue
        checked += 1
        if checked > BYLINE_SEARCH_LINES:
            break
        if len(text) > MAX_BYLINE_CHARS:
            continue
        match = BYLINE_BY.match(text)
        if match:
            return index, match.group("outlet"), match.group("author")
        match = BYLINE_OUTLET_AUTHOR.match(text)
        if match:
            return index, match.group("outlet"), match.group("author")
    return None, None, None


def _find_title(lines: list[str]) -> str | None:
    """A headline: a short first line without a closing full stop, followed by a blank line."""
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    if len(nonblank) < 2:
        return None
    first = nonblank[0]
    text = _norm(lines[first])
    followed_by_blank = first + 1 < len(lines) and not lines[first + 1].strip()
    if followed_by_blank and len(text) <= MAX_TITLE_CHARS and not text.endswith((".", "!", "?")):
        return text
    return None


# "Headline | Outlet", as page titles are printed
TITLE_WITH_OUTLET = re.compile(rf"^(?P<headline>.+?)\s+\|\s+(?P<outlet>{_NAME})$")


def _split_title_outlet(title: str | None) -> tuple[str | None, str | None]:
    if not title:
        return title, None
    match = TITLE_WITH_OUTLET.match(title)
    if match:
        return match.group("headline"), match.group("outlet")
    return title, None


# --- furniture inside a page flattened to one line --------------------------------------

# Lowercase words a Title Case headline keeps ("Strikes on Syria", "Back to the Table").
HEADLINE_SMALL_WORDS = frozenset(
    "a an the of in on at to for and or but nor by with from into over after as vs against amid near via".split())
# Capitalised words that open a sentence of the body rather than end a headline: where a
# headline run ends in "... Syrians The army ...", the body starts at "The".
SENTENCE_OPENERS = frozenset(
    "A An The According In On At Over After Earlier Meanwhile Since Last This These It He She They "
    "More Some At Several Two Three Four Five".split())
# Function words that never stand in a list of tags: the first one ends the list.
SENTENCE_WORDS = frozenset(
    "a an the of in on at to from and were was is are has have had been by with for that after when "
    "who which said says into".split())
_WORD = re.compile(r"\S+")


def _capitalised(word: str) -> bool:
    """A word of a name or a headline: capitalised, a number, or a name with a lowercase
    particle ("al-Tabqa", "ez-Zor")."""
    word = word.lstrip("([")
    return bool(word) and (word[0].isupper() or word[0].isdigit()
                           or ("-" in word and word.rsplit("-", 1)[1][:1].isupper()))


def _body_start(words: list[re.Match], stop: int, first: int) -> int:
    """Index of the word that opens the body's sentence, the run of capitalised words
    words[first:stop] being headline or keywords before it: the last capitalised word before
    `stop`, and the sentence openers right before it ("The", "According to")."""
    texts = [w.group() for w in words]
    for j in range(stop - 1, first - 1, -1):   # "According to X" opens the sentence it attributes
        if texts[j] == "According" and j + 1 < len(texts) and texts[j + 1] == "to":
            return j
    start = stop - 1
    for j in range(stop - 1, max(first, stop - 4) - 1, -1):   # "... to Hama The Air Force shelled"
        if texts[j] in ("The", "A", "An"):
            return j
    while start - 1 >= first and texts[start - 1] in SENTENCE_OPENERS:
        start -= 1
    return start


def _headline_run_end(line: str, pos: int) -> int:
    """Where the body resumes after a run of Title Case words (a credit and another story's
    headline) starting at `pos`; `pos` itself when no run is found."""
    words = list(_WORD.finditer(line, pos))
    for k, w in enumerate(words):
        text = w.group()
        if text[0] in "\"“":
            return w.start() if k else pos   # a quotation opens the body's sentence
        if len(text) >= 3 and text.isupper() and text.isalpha() and k + 1 < len(words) \
                and words[k + 1].group().startswith("("):
            return w.start() if k else pos   # a dateline "MOSCOW (Sputnik)" opens the body
        if _capitalised(text) or text in HEADLINE_SMALL_WORDS or text in ("-", "|", "&"):
            continue
        start = _body_start(words, k, 1)
        return words[start].start() if start >= 1 else pos
    return pos


def _keyword_run_end(line: str, pos: int) -> int:
    """Where the body resumes after a list of tags starting at `pos` (the first word a list of
    keywords never holds, or a capitalised sentence opener, ends the list); `pos` when unsure."""
    words = list(_WORD.finditer(line, pos))
    for k, w in enumerate(words[1:], start=1):
        text = w.group()
        if text in SENTENCE_OPENERS and text not in ("It", "He", "She", "They", "Two", "Three", "Four", "Five"):
            return w.start()
        if text in SENTENCE_WORDS:
            if text in HEADLINE_SMALL_WORDS and k + 1 < len(words) and _capitalised(words[k + 1].group()) \
                    and _capitalised(words[k - 1].group()):
                continue   # inside a tagged name: "Syrian Observatory for Human Rights"
            start = _body_start(words, k, 1)
            return words[start].start() if start >= 1 and _capitalised(words[start].group()) else pos
    return pos


# A text this short holds no flattened page. (Whether a page was flattened is not asked of its
# line lengths: once ingest has put the furniture on lines of its own, the events stage must find
# the same spans again; the markers are specific enough to be looked for in any text.)
MIN_FLATTENED_TEXT_CHARS = 200


def flattened_furniture_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the site furniture inside pages flattened to one line
    (data/boilerplate.yaml, 'pages flattened to one line'): tag lists, related-story lists,
    photo credits with another story's headline, share widgets.

    The text is kept (analysts annotate names in a related headline as any other mention);
    ingest gives each span a line of its own and the events stage codes no event in it.
    The same spans are found again after ingest has put them on lines of their own."""
    spans = _RECENT_FURNITURE.get(text)
    if spans is None:
        spans = _RECENT_FURNITURE.remember(text, _flattened_furniture_spans(text))
    return list(spans)


# Ingest and then the events stage ask for the spans of the same text: the answers for the
# texts of the last batches are kept, each also under the text ingest made of it (see
# _furniture_on_own_lines), so the events stage finds them without searching again.
_RECENT_FURNITURE: BoundedDict = BoundedDict(64)


def _flattened_furniture_spans(text: str) -> tuple[tuple[int, int], ...]:
    rules = load_boilerplate()
    if len(text) < MIN_FLATTENED_TEXT_CHARS:
        return ()
    # a pattern runs only over a text holding one of the words it requires: most pages hold
    # none of the markers, and a substring test is far cheaper than the pattern's search
    lowered = text.lower()

    def may_match(pattern: re.Pattern) -> bool:
        words = required_literals(pattern)
        return words is None or any(word in lowered for word in words)
    spans: list[tuple[int, int]] = []
    tail_from = max(0, len(text) - rules.flattened_tail_chars)
    tail = len(text)
    for pattern in filter(may_match, rules.flattened_tail):
        match = pattern.search(text, tail_from)
        if match and match.start() > 0:
            tail = min(tail, match.start() + 1)   # the furniture begins after the separating space
    for pattern in filter(may_match, rules.flattened_spans):
        for match in pattern.finditer(text, 0, tail):
            begin = match.start() + (match.group()[:1].isspace())
            if match.end() > begin:
                spans.append((begin, match.end()))
    for patterns, run_end in ((rules.flattened_headlines, _headline_run_end),
                              (rules.flattened_keywords, _keyword_run_end)):
        for pattern in filter(may_match, patterns):
            for match in pattern.finditer(text, 0, tail):
                end = run_end(text, match.end())
                if end > match.end():
                    begin = match.start() + len(match.group()) - len(match.group().lstrip())
                    spans.append((begin, len(text[:end].rstrip())))
    if tail < len(text):
        spans.append((tail, len(text)))
    merged: list[tuple[int, int]] = []
    for begin, end in sorted(spans):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((begin, end))
    return tuple(merged)


def _furniture_on_own_lines(text: str) -> str:
    """The text with each flattened furniture span on a line of its own: the space before and
    after it becomes a line break (offsets do not move), so no sentence of the body runs into
    a tag list or another story's headline."""
    spans = flattened_furniture_spans(text)
    if not spans:
        return text
    chars = list(text)
    for begin, end in spans:
        if begin > 0 and chars[begin - 1] == " ":
            chars[begin - 1] = "\n"
        if end < len(chars) and chars[end] == " ":
            chars[end] = "\n"
    separated = "".join(chars)
    # the markers do not depend on the spaces around a span (tested on the FA-KES corpus), so
    # the same spans are those of the new text
    _RECENT_FURNITURE.remember(separated, tuple(spans))
    return separated


def _strip_trailing_furniture(lines: list[str]) -> list[str]:
    rules = load_boilerplate()
    lines = list(lines)
    while lines and not lines[-1].strip():
        lines.pop()
    # A header that opens a list of other articles, with only short lines after it.
    for index in range(len(lines) - 1, max(-1, len(lines) - 40), -1):
        text = _norm(lines[index])
        if text and any(p.match(text) for p in rules.trailing_headers):
            rest = lines[index + 1:]
            if all(len(_norm(line)) <= MAX_LISTED_HEADLINE_CHARS for line in rest) and index > 0:
                lines = lines[:index]
            break
    # Single furniture lines at the end, upwards.
    while lines:
        text = _norm(lines[-1])
        if not text or any(p.match(text) for p in rules.trailing_lines):
            lines.pop()
        else:
            break
    # Furniture glued to the end of the last paragraph.
    if lines:
        last = lines[-1]
        changed = True
        while changed:
            changed = False
            for pattern in rules.trailing_inline:
                match = pattern.search(last)
                if match and match.start() > 0:
                    last = last[:match.start()]
                    changed = True
        lines[-1] = last
    return lines


# --- checks -----------------------------------------------------------------------------

def normalize_published(value, input_name: str) -> str | None:
    """YYYY-MM-DD from a date, a datetime or an ISO 8601 string; IngestError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    match = re.match(r"^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$", text)
    if match:
        try:
            return date.fromisoformat(match.group(1)).isoformat()
        except ValueError:
            pass
    raise IngestError(input_name, f"unparseable published date {text!r} (expected YYYY-MM-DD)")


# Languages whose stop words (shipped with spaCy) are compared with English's, so that
# text with few function words (a headline, a list) is not mistaken for another language.
OTHER_LANGUAGES = {"fr": "French", "es": "Spanish", "de": "German", "it": "Italian", "pt": "Portuguese",
                   "nl": "Dutch", "tr": "Turkish", "id": "Indonesian", "pl": "Polish", "sv": "Swedish"}


@lru_cache(maxsize=None)
def _stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop words for `lang`, read from its `stop_words.py` alone: importing
    `spacy.lang.<lang>.stop_words` would first import the language package, whose tokenizer
    exceptions cost seconds to compile (French: ~3 s) for a list of words."""
    import importlib.util

    name = f"spacy.lang.{lang}.stop_words"
    module = sys.modules.get(name)
    if module is None:
        import spacy.lang
        path = Path(spacy.lang.__file__).parent / lang / "stop_words.py"
        spec = importlib.util.spec_from_file_location(f"_dragoman_stop_words_{lang}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return frozenset(module.STOP_WORDS)


def check_english(text: str, input_name: str) -> None:
    """Refuse text that is not English: the pipeline's models and lexicons are English only.

    Cheap: the share of English stop words among the words, against other languages'."""
    letters = sum(map(str.isalpha, text))  # counted in C: a Python loop over every character is slow
    if not letters:
        raise IngestError(input_name, "no words in the text")
    # a text with no character beyond Latin Extended-B has only Latin letters
    latin = letters if max(text) < "\u0250" else sum(1 for ch in text if ch.isalpha() and ch < "\u0250")
    if latin / letters < 0.5:
        raise IngestError(input_name, "not English (the text is mostly in a non-Latin script)")
    words = re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?", text.lower())
    if len(words) < MIN_WORDS_FOR_LANGUAGE_CHECK:
        return
    if "’" in text:
        words = [w.replace("’", "'") for w in words]

    def share(lang: str) -> float:
        return sum(map(_stop_words(lang).__contains__, words)) / len(words)  # counted in C

    english = share("en")
    if english >= MIN_ENGLISH_STOPWORD_SHARE:
        return
    lang, other = max(((lang, share(lang)) for lang in OTHER_LANGUAGES), key=lambda pair: pair[1])
    if other > english:
        raise IngestError(input_name, f"not English (it reads as {OTHER_LANGUAGES[lang]}: "
                                      f"{other:.0%} {OTHER_LANGUAGES[lang]} function words, {english:.0%} English)")


def _check_size(size: int, limit: int, input_name: str) -> None:
    if size > limit:
        raise IngestError(input_name, f"too large ({size:,} bytes; the limit is {limit:,}, see --max-bytes)")


def decode_bytes(data: bytes, input_name: str) -> str:
    """UTF-8 text from bytes; IngestError for binary or undecodable data."""
    if b"\x00" in data:
        raise IngestError(input_name, "binary data, not text (NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise IngestError(input_name, f"not UTF-8 text (undecodable byte at offset {err.start})") from None
    return text


def _infer_published(text: str) -> str | None:
    """The publication date as the text gives it (a dateline), if the dates stage can tell."""
    try:
        from dragoman.dates import infer_published
    except (ImportError, AttributeError):
        return None
    try:
        value = infer_published(text)
    except Exception:  # a heuristic that fails must not lose the article
        return None
    try:
        return normalize_published(value, "inferred date")
    except IngestError:
        return None


# --- public API -------------------------------------------------------------------------

def article_from_text(text: str, doc: str, published: str | None = None, outlet: str | None = None,
                      title: str | None = None, url: str | None = None, author: str | None = None,
                      max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """An Article from text pasted from a news page.

    >>> a = article_from_text("By Jane Roe\\n\\nThe minister met his counterpart in Rome on Monday "
    ...                       "and the two sides signed an agreement on defence.", doc="x")
    >>> a.author, a.text[:12]
    ('Jane Roe', 'The minister')
    """
    _check_size(len(text.encode("utf-8", errors="replace")), max_bytes, doc)
    if "\x00" in text:
        raise IngestError(doc, "binary data, not text (NUL bytes)")
    published = normalize_published(published, doc)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")

    lines, captions = _split_captions(lines)
    furniture = load_boilerplate().anywhere_lines
    lines = [line for line, key in zip(lines, map(_norm, lines)) if not any(p.match(key) for p in furniture)]
    byline_index, found_outlet, found_author = _find_byline(lines)
    if byline_index is not None:
        del lines[byline_index]
    lines = _strip_trailing_furniture(lines)
    while lines and not lines[0].strip():
        lines.pop(0)
    body = _furniture_on_own_lines("\n".join(lines).strip())
    if not body:
        raise IngestError(doc, "empty: no article text")
    check_english(body, doc)

    inferred = False
    if published is None:
        published = _infer_published(body)
        inferred = published is not None
    found_title, title_outlet = _split_title_outlet(_find_title(lines))
    return Article(
        doc=doc,
        text=body,
        title=title or found_title,
        outlet=outlet or found_outlet or title_outlet,
        author=author or found_author,
        url=url,
        published=published,
        published_inferred=inferred,
        captions=captions,
    )


def article_from_html(html: str, doc: str, published: str | None = None, url: str | None = None,
                      max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """An Article from a saved web page: trafilatura finds the text, htmldate the date.

    Only the given HTML is read; no URL is ever fetched."""
    _check_size(len(html.encode("utf-8", errors="replace")), max_bytes * HTML_SIZE_FACTOR, doc)
    if "\x00" in html:
        raise IngestError(doc, "binary data, not HTML (NUL bytes)")
    if not html.strip():
        raise IngestError(doc, "empty: no HTML")
    if "<" not in html:
        raise IngestError(doc, "malformed HTML: no markup found")
    published = normalize_published(published, doc)

    import trafilatura
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        raise IngestError(doc, "malformed HTML: could not be parsed")
    figure_captions = _figure_captions(tree)  # before extraction, which prunes the tree
    try:
        extracted = trafilatura.bare_extraction(
            tree, url=url, favor_precision=True, with_metadata=True, include_comments=False,
            include_tables=False, include_images=False)
    except Exception as err:  # trafilatura raises assorted parser errors on broken pages
        raise IngestError(doc, f"malformed HTML: {err}") from None
    text = getattr(extracted, "text", None) if extracted is not None else None
    if not text or not text.strip():
        raise IngestError(doc, "no article text found in the HTML")

    inferred = False
    if published is None:
        published = _html_date(html)
        inferred = published is not None
    article = article_from_text(
        text, doc=doc, published=published, url=url or getattr(extracted, "url", None),
        title=getattr(extracted, "title", None) or None,
        outlet=getattr(extracted, "sitename", None) or None,
        author=getattr(extracted, "author", None) or None,
        max_bytes=max_bytes)
    update = {}
    if inferred:
        update["published_inferred"] = True
    figure_captions = [c for c in figure_captions if c not in article.captions]
    if figure_captions:
        update["captions"] = article.captions + figure_captions
    return article.model_copy(update=update) if update else article


def _figure_captions(tree) -> list[str]:
    """The page's photo captions (<figcaption>), each once; trafilatura leaves them out of the text."""
    captions: list[str] = []
    for element in tree.iter("figcaption"):
        text = _norm(element.text_content())
        if text and text not in captions:
            captions.append(text)
    return captions


def _html_date(html: str) -> str | None:
    """The page's original publication date from its markup (meta tags, time elements, URL)."""
    try:
        import htmldate
        from trafilatura.utils import load_html
        tree = load_html(html)  # a parsed tree, so htmldate never takes the string for a URL
        if tree is None:
            return None
        found = htmldate.find_date(tree, original_date=True, extensive_search=False)
    except Exception:
        return None
    try:
        return normalize_published(found, "html date")
    except IngestError:
        return None


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:500].lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) or "<body" in head or "<head" in head


def _article_from_data(data: bytes, name: str, doc: str, kind: str, published: str | None,
                       max_bytes: int) -> Article:
    text = decode_bytes(data, name)
    if kind == "html" or (kind == "auto" and _looks_like_html(text)):
        try:
            return article_from_html(text, doc=doc, published=published, max_bytes=max_bytes)
        except IngestError as err:
            raise IngestError(name, err.message) from None
    if not text.strip():
        raise IngestError(name, "empty: no article text")
    try:
        return article_from_text(text, doc=doc, published=published, max_bytes=max_bytes)
    except IngestError as err:
        raise IngestError(name, err.message) from None


def _records_from_jsonl(stream: IO[bytes], name: str, published: str | None,
                        max_bytes: int, max_records: int = DEFAULT_MAX_RECORDS) -> Iterator[Article | IngestError]:
    """One Article per JSON Lines record, read line by line (never the whole file at once);
    at most `max_records` records, then one error and the rest is left unread."""
    seen_any = 0
    for lineno, raw in enumerate(stream, start=1):
        where = f"{name}:{lineno}"
        if not raw.strip():
            continue
        seen_any += 1
        if seen_any > max_records:
            yield IngestError(where, f"too many records (the limit is {max_records:,} per file, see --max-records); "
                                     "the rest is not read")
            return
        try:
            if len(raw) > max_bytes * 2:  # JSON escaping may double a text's size
                raise IngestError(where, f"too large ({len(raw):,} bytes; the limit is {max_bytes:,}, see --max-bytes)")
            line = decode_bytes(raw, where)
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise IngestError(where, f"malformed JSON line ({err.msg} at column {err.colno})") from None
            if not isinstance(record, dict):
                raise IngestError(where, "malformed record: a JSON object is expected")
            doc = record.get("id")
            if doc is None or str(doc).strip() == "":
                raise IngestError(where, "malformed record: no 'id'")
            where = f"{name}:{lineno} (id {doc})"
            text = record.get("text")
            if not isinstance(text, str):
                raise IngestError(where, "malformed record: no 'text' string")
            unknown = set(record) - JSONL_FIELDS
            if unknown:
                raise IngestError(where, f"malformed record: unknown field(s) {', '.join(sorted(unknown))}")
            if not text.strip():
                raise IngestError(where, "empty: no article text")
            record_published = record.get("published") or published
            try:
                if _looks_like_html(text):
                    article = article_from_html(text, doc=str(doc), published=record_published,
                                                url=record.get("url"), max_bytes=max_bytes)
                else:
                    article = article_from_text(
                        text, doc=str(doc), published=record_published, outlet=record.get("outlet"),
                        title=record.get("title"), url=record.get("url"), author=record.get("author"),
                        max_bytes=max_bytes)
            except IngestError as err:
                raise IngestError(where, err.message) from None
            yield article
        except IngestError as err:
            yield err
    if not seen_any:
        yield IngestError(name, "empty: no JSON Lines records")


def _expand(paths: list[str]) -> Iterator[str]:
    """Paths as given; a folder stands for the readable files in it, in name order."""
    readable = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
    for path in paths:
        if path != "-" and os.path.isdir(path):
            for child in sorted(Path(path).iterdir()):
                if child.is_file() and child.suffix.lower() in readable:
                    yield str(child)
        else:
            yield path


def read_inputs(paths: list[str], published: str | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES,
                stdin: IO[bytes] | None = None,
                max_records: int = DEFAULT_MAX_RECORDS) -> Iterator[Article | IngestError]:
    """Stream Articles from files, folders and `-` (standard input); errors are yielded, not raised.

    `.txt` (and any other suffix) is pasted text, `.html`/`.htm` a saved page, `.jsonl`
    records {"id", "text", "published"?, "url"?, "outlet"?, "title"?, "author"?}, each with
    its own date (`published` is the default for records without one)."""
    try:
        published = normalize_published(published, "--published")
    except IngestError as err:
        yield err
        return
    for path in _expand(paths):
        if path == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from _read_stream(stream, "<stdin>", "stdin", published, max_bytes, max_records)
            continue
        suffix = Path(path).suffix.lower()
        doc = Path(path).stem
        try:
            if not os.path.exists(path):
                raise IngestError(path, "no such file")
            if not os.path.isfile(path):
                raise IngestError(path, "not a regular file")
            if suffix in JSONL_SUFFIXES:
                with open(path, "rb") as stream:
                    yield from _records_from_jsonl(stream, path, published, max_bytes, max_records)
                continue
            limit = max_bytes * HTML_SIZE_FACTOR if suffix in HTML_SUFFIXES else max_bytes
            _check_size(os.path.getsize(path), limit, path)
            with open(path, "rb") as stream:
                data = stream.read()
            kind = "html" if suffix in HTML_SUFFIXES else "auto" if suffix not in TEXT_SUFFIXES else "text"
            yield _article_from_data(data, path, doc, kind, published, max_bytes)
        except IngestError as err:
            yield err
        except OSError as err:
            yield IngestError(path, f"cannot be read ({err.strerror or err})")


def _read_stream(stream: IO[bytes], name: str, doc: str, published: str | None,
                 max_bytes: int, max_records: int = DEFAULT_MAX_RECORDS) -> Iterator[Article | IngestError]:
    """Standard input: JSON Lines when it starts with '{', a page when it starts with markup, else text."""
    first = stream.readline()
    if first.lstrip().startswith(b"{"):
        yield from _records_from_jsonl(_chain_first(first, stream), name, published, max_bytes, max_records)
        return
    limit = max_bytes * HTML_SIZE_FACTOR
    data = first + stream.read(limit + 1 - len(first))
    try:
        _check_size(len(data), limit, name)
        yield _article_from_data(data, name, doc, "auto", published, max_bytes)
    except IngestError as err:
        yield err


def _chain_first(first: bytes, stream: IO[bytes]) -> Iterator[bytes]:
    yield first
    yield from stream
