"""Where a bulk ingest reads documents from: folders, JSON Lines, CSV, RSS/Atom feeds, gzip of any.

Every source is a generator of `Article | IngestError`, reading one file, line, row or feed
entry at a time, so a corpus of any size streams through in constant memory. A bad document
is yielded as an `IngestError` naming it (`docs.csv:17 (id a12): ...`), never raised.

| source | read as |
|---|---|
| a folder | its files, recursively, in path order; the id of a text or HTML file is its path in the folder without the suffix |
| `*.txt` (any other suffix) | text pasted from a news page (dragoman.ingest.article_from_text) |
| `*.html`, `*.htm` | a saved page (dragoman.ingest.article_from_html) |
| `*.jsonl`, `*.ndjson` | records {"id", "text", ...}, as `dragoman analyze` reads them |
| `*.csv`, `*.tsv` | one article per row; which column is which: `CsvColumns` |
| `*.rss`, `*.atom`, `*.xml` | a feed (feedparser): one article per entry, its HTML content made text |
| gzip of any of these | recognised by its magic bytes, whatever its name; the kind comes from the name without `.gz`, else from the content |
"""
from __future__ import annotations

import csv
import gzip
import io
import os
import re
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Iterable, Iterator, Optional

from dragoman.ingest import (
    DEFAULT_MAX_BYTES, HTML_SIZE_FACTOR, HTML_SUFFIXES, JSONL_SUFFIXES, TEXT_SUFFIXES, IngestError,
    _article_from_data, _records_from_jsonl, article_from_text, normalize_published,
)
from dragoman.model import Article

GZIP_MAGIC = b"\x1f\x8b"
CSV_SUFFIXES = {".csv", ".tsv"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | CSV_SUFFIXES | FEED_SUFFIXES
# A feed is parsed whole (feedparser has no streaming mode); a file larger than this many
# times the document limit is refused rather than read into memory.
FEED_SIZE_FACTOR = 25


@dataclass(frozen=True)
class CsvColumns:
    """Which CSV column holds what. None: the first header among the usual names (case-insensitive)."""
    text: Optional[str] = None
    title: Optional[str] = None
    date: Optional[str] = None
    url: Optional[str] = None
    outlet: Optional[str] = None
    id: Optional[str] = None
    date_format: Optional[str] = None  # strptime format of the date column, when it is not ISO 8601

    # The usual names of each column in news datasets, tried in this order when none is given.
    USUAL = {
        "text": ("text", "content", "body", "article_content", "article_text", "article"),
        "title": ("title", "headline", "article_title"),
        "date": ("published", "date", "publish_date", "published_at", "pubdate"),
        "url": ("url", "link"),
        "outlet": ("outlet", "source", "site", "publisher"),
        "id": ("id", "doc", "unit_id", "article_id", "guid"),
    }

    def resolve(self, header: list[str], name: str) -> dict[str, Optional[str]]:
        """The header names to read, per field; IngestError when a named column is missing."""
        folded = {h.strip().casefold(): h for h in header}
        found: dict[str, Optional[str]] = {}
        for field, usual in self.USUAL.items():
            given = getattr(self, field)
            if given is not None:
                if given.casefold() not in folded:
                    raise IngestError(name, f"no column {given!r} (the header has: {', '.join(header)})")
                found[field] = folded[given.casefold()]
            else:
                found[field] = next((folded[u] for u in usual if u in folded), None)
        if found["text"] is None:
            raise IngestError(name, f"no text column (name it with --text-column; the header has: "
                                    f"{', '.join(header)})")
        return found


@dataclass(frozen=True)
class SourceOptions:
    published: Optional[str] = None        # YYYY-MM-DD for documents that carry no date of their own
    max_bytes: int = DEFAULT_MAX_BYTES
    columns: CsvColumns = CsvColumns()


# ---------- opening files ----------

def is_gzip(path: str) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def open_binary(path: str) -> IO[bytes]:
    """The file's bytes, decompressed on the fly when it is gzip (by its magic bytes, not its name)."""
    return gzip.open(path, "rb") if is_gzip(path) else open(path, "rb")


def _inner_suffix(path: str) -> str:
    """The suffix that says what a file holds: `a.jsonl.gz` → `.jsonl`."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".gz", ".gzip"):
        suffix = Path(p.stem).suffix.lower()
    return suffix


def kind_of(path: str, head: bytes = b"") -> str:
    """text | html | jsonl | csv | feed: from the name, else (unknown suffix) from the first bytes."""
    suffix = _inner_suffix(path)
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in FEED_SUFFIXES:
        return "feed"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "text"
    start = head.lstrip()[:1000].lower()
    if start.startswith(b"{"):
        return "jsonl"
    if b"<rss" in start or b"<feed" in start or b"<rdf:rdf" in start:
        return "feed"
    if start.startswith((b"<!doctype html", b"<html")) or b"<body" in start or b"<head" in start:
        return "html"
    return "text"


def _doc_id(path: str, root: Optional[str]) -> str:
    """A file's document id: its path under the folder given (or its name) without suffixes."""
    p = Path(path)
    name = p.name
    for _ in range(2):  # a.txt.gz → a
        stem, dot, suffix = name.rpartition(".")
        if dot and stem and ("." + suffix.lower()) in KNOWN_SUFFIXES | {".gz", ".gzip"}:
            name = stem
    if root is None:
        return name
    rel = p.parent.relative_to(root)
    return name if str(rel) == "." else f"{rel.as_posix()}/{name}"


def walk(folder: str) -> Iterator[str]:
    """The readable files under a folder, recursively, in path order (hidden entries left out);
    one directory listing at a time, never the whole tree."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from walk(entry.path)
        elif entry.is_file() and _inner_suffix(entry.name) in KNOWN_SUFFIXES:
            yield entry.path


# ---------- one file ----------

def read_file(path: str, options: SourceOptions, root: Optional[str] = None) -> Iterator[Article | IngestError]:
    """The documents of one file of any supported kind."""
    try:
        if not os.path.isfile(path):
            raise IngestError(path, "no such file" if not os.path.exists(path) else "not a regular file")
        with open_binary(path) as stream:
            head = stream.peek(1000)[:1000] if hasattr(stream, "peek") else b""
            kind = kind_of(path, head)
            if kind == "jsonl":
                yield from _jsonl_records(stream, path, options)
            elif kind == "csv":
                yield from read_csv(stream, path, options)
            elif kind == "feed":
                yield from read_feed(stream, path, options)
            else:
                limit = options.max_bytes * HTML_SIZE_FACTOR if kind == "html" else options.max_bytes
                data = stream.read(limit + 1)
                if len(data) > limit:
                    raise IngestError(path, f"too large (over {limit:,} bytes; see --max-bytes)")
                yield _article_from_data(data, path, _doc_id(path, root), "html" if kind == "html" else "auto",
                                         options.published, options.max_bytes)
    except IngestError as err:
        yield err
    except (OSError, EOFError) as err:  # unreadable, or a truncated / corrupt gzip stream
        yield IngestError(path, f"cannot be read ({getattr(err, 'strerror', None) or err})")


def _jsonl_records(stream: IO[bytes], name: str, options: SourceOptions) -> Iterator[Article | IngestError]:
    """JSON Lines records as `dragoman analyze` reads them, without its per-file record limit
    (a bulk corpus is one large file by design)."""
    try:
        records = _records_from_jsonl(stream, name, options.published, options.max_bytes, max_records=sys.maxsize)
    except TypeError:  # an ingest without a record limit
        records = _records_from_jsonl(stream, name, options.published, options.max_bytes)
    yield from records


def _row_date(value: Optional[str], columns: CsvColumns, where: str) -> Optional[str]:
    if value is None or not value.strip():
        return None
    value = value.strip()
    if columns.date_format:
        try:
            return datetime.strptime(value, columns.date_format).date().isoformat()
        except ValueError:
            raise IngestError(where, f"date {value!r} does not match --date-format {columns.date_format!r}") from None
    return normalize_published(value, where)


def read_csv(stream: IO[bytes], name: str, options: SourceOptions) -> Iterator[Article | IngestError]:
    """One Article per CSV row (TSV when the name says so), read row by row."""
    csv.field_size_limit(max(options.max_bytes * 2, 131072))
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    dialect = "excel-tab" if _inner_suffix(name) == ".tsv" else "excel"
    reader = csv.reader(text, dialect=dialect)
    try:
        header = next(reader, None)
        if not header:
            yield IngestError(name, "empty: no CSV header")
            return
        cols = options.columns.resolve(header, name)
        index = {field: header.index(col) if col is not None else None for field, col in cols.items()}
        rows = 0
        for row in reader:
            rows += 1
            line = reader.line_num
            where = f"{name}:{line}"

            def cell(field: str) -> Optional[str]:
                i = index[field]
                return row[i] if i is not None and i < len(row) else None

            try:
                if not row or all(not c.strip() for c in row):
                    continue
                doc = (cell("id") or "").strip() or f"{_doc_id(name, None)}:{line}"
                where = f"{name}:{line} (id {doc})"
                body = cell("text")
                if body is None or not body.strip():
                    raise IngestError(where, "empty: no article text")
                published = _row_date(cell("date"), options.columns, where) or options.published
                article = article_from_text(
                    body, doc=doc, published=published, title=(cell("title") or "").strip() or None,
                    url=(cell("url") or "").strip() or None, outlet=(cell("outlet") or "").strip() or None,
                    max_bytes=options.max_bytes)
                yield article
            except IngestError as err:
                yield IngestError(where, err.message)
        if not rows:
            yield IngestError(name, "empty: no CSV rows")
    except csv.Error as err:
        yield IngestError(f"{name}:{reader.line_num}", f"malformed CSV ({err}); the rest of the file is skipped")
    except UnicodeDecodeError as err:
        yield IngestError(f"{name}:{reader.line_num}", f"not UTF-8 text ({err.reason}); the rest of the file is skipped")


# ---------- feeds ----------

_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "figcaption")


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def html_fragment_text(fragment: str) -> str:
    """The text of an HTML fragment (a feed entry's content), one paragraph per block element."""
    if "<" not in fragment:
        return fragment
    from lxml import html as lxml_html

    # lxml refuses strings with characters XML cannot hold (C0 controls, lone surrogates)
    fragment = _NOT_XML.sub(" ", fragment)

    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises assorted errors on broken markup: fall back to dropping tags
        return re.sub(r"<[^>]+>", " ", fragment)
    for element in root.iter("script", "style"):
        element.drop_tree()
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n\n" + (element.tail or "")
    text = root.text_content()
    return re.sub(r"\n\s*\n+", "\n\n", re.sub(r"[ \t]+", " ", text)).strip()


def _entry_date(entry) -> Optional[str]:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return date(value.tm_year, value.tm_mon, value.tm_mday).isoformat()
            except ValueError:
                continue
    return None


def read_feed(stream: IO[bytes], name: str, options: SourceOptions) -> Iterator[Article | IngestError]:
    """One Article per entry of an RSS or Atom feed file (parsed locally: nothing is fetched)."""
    import feedparser

    limit = options.max_bytes * FEED_SIZE_FACTOR
    data = stream.read(limit + 1)
    if len(data) > limit:
        yield IngestError(name, f"too large for a feed (over {limit:,} bytes)")
        return
    parsed = feedparser.parse(data)  # bytes: feedparser never treats them as a URL to fetch
    entries = parsed.get("entries") or []
    if not entries:
        problem = parsed.get("bozo_exception")
        yield IngestError(name, f"no feed entries{f' (malformed feed: {problem})' if problem else ''}")
        return
    outlet = (parsed.get("feed") or {}).get("title") or None
    for number, entry in enumerate(entries, start=1):
        doc = entry.get("id") or entry.get("link") or f"{_doc_id(name, None)}:{number}"
        where = f"{name}: entry {number} (id {doc})"
        try:
            content = entry.get("content") or []
            body = content[0].get("value") if content else entry.get("summary")
            if not body or not body.strip():
                raise IngestError(where, "empty: no article text in the entry")
            text = html_fragment_text(body)
            if not text.strip():
                raise IngestError(where, "empty: no article text in the entry")
            yield article_from_text(
                text, doc=str(doc), published=_entry_date(entry) or options.published,
                title=entry.get("title") or None, url=entry.get("link") or None,
                author=entry.get("author") or None, outlet=outlet, max_bytes=options.max_bytes)
        except IngestError as err:
            yield IngestError(where, err.message)


# ---------- many sources ----------

def iter_sources(sources: Iterable[str], options: SourceOptions) -> Iterator[Article | IngestError]:
    """Every document of every source (files and folders), in order, one at a time."""
    try:
        published = normalize_published(options.published, "--published")
    except IngestError as err:
        yield err
        return
    if published != options.published:
        options = SourceOptions(published=published, max_bytes=options.max_bytes, columns=options.columns)
    for source in sources:
        if os.path.isdir(source):
            found = False
            for path in walk(source):
                found = True
                yield from read_file(path, options, root=source)
            if not found:
                yield IngestError(source, "no readable files in the folder")
        else:
            yield from read_file(source, options)


def count_documents(sources: Iterable[str]) -> Optional[int]:
    """How many documents the sources hold, when that is cheap to know (files in folders, lines of
    plain JSON Lines files); None when it is not (CSV rows, feeds, compressed files)."""
    total = 0
    for source in sources:
        paths = walk(source) if os.path.isdir(source) else [source]
        for path in paths:
            try:
                compressed = is_gzip(path)
            except OSError:
                total += 1  # reported as one failed document
                continue
            kind = kind_of(path)
            if kind in ("text", "html"):
                total += 1
            elif kind == "jsonl" and not compressed:
                total += _count_lines(path)
            else:
                return None
    return total


def _count_lines(path: str) -> int:
    count = 0
    last = b"\n"
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")
