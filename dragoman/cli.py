"""The `dragoman` command: analyse articles, list and export what was stored, print the schema.

    dragoman analyze article.txt --published 2025-02-10          # tables, stored in the default DB
    dragoman analyze docs.jsonl --format json --out pred/        # one DIR/<id>.json per record
    dragoman events --actor Turkey --since 2025-01-01            # what the store holds
    dragoman export --format acled-csv --output events.csv
    dragoman schema                                              # JSON Schema of the output

Errors are one line on stderr naming the input and the problem, never a traceback.
Exit codes: 0 all inputs analysed, 1 some failed (the others were analysed), 2 usage
error or nothing could be analysed.
"""
from __future__ import annotations

import json
import os
import re
import sys
from collections import deque
from pathlib import Path
from typing import Callable, Iterable, Iterator

import click

from dragoman import __version__
from dragoman.ingest import DEFAULT_MAX_BYTES, IngestError, normalize_published, read_inputs
from dragoman.limits import DEFAULT_ANALYSIS_SECONDS, DEFAULT_MAX_RECORDS
from dragoman.model import Analysis, Article

EXIT_OK, EXIT_PARTIAL, EXIT_FAILED = 0, 1, 2
EXPORT_FORMATS = ("jsonl", "acled-csv", "plover-json", "parquet")


def _error(message: str) -> None:
    """One line on stderr, prefixed so that it stands out in a batch log."""
    click.echo(f"dragoman: error: {' '.join(str(message).split())}", err=True)


class DragomanError(click.ClickException):
    """A failure that stops the command: one line on stderr, exit code 2."""
    exit_code = EXIT_FAILED

    def show(self, file=None) -> None:
        _error(self.format_message())


def _iso_date(ctx, param, value):
    """Validate a YYYY-MM-DD option early: a usage error, before any model is loaded."""
    if value is None:
        return None
    try:
        return normalize_published(value, param.opts[0])
    except IngestError as err:
        raise click.BadParameter(err.message) from None


def _open_store(db: str | None):
    try:
        from dragoman.store import Store, StoreError
    except ImportError as err:
        raise DragomanError(f"the store is not available ({err}); use --no-store") from None
    try:
        return Store(db)
    except StoreError as err:  # already one line naming the database
        raise DragomanError(str(err)) from None
    except Exception as err:
        raise DragomanError(f"cannot open the database {db or '(default)'}: {err}") from None


db_option = click.option(
    "--db", envvar="DRAGOMAN_DB", metavar="URL", default=None,
    help="SQLAlchemy database URL, e.g. sqlite:///dragoman.db [default: $DRAGOMAN_DB, "
         "else a SQLite file in the user data directory]")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dragoman")
def cli():
    """Read geopolitical news and turn it into a sourced record of actors, places, dates,
    PLOVER events and claims.

    Start with `dragoman analyze ARTICLE.txt --published YYYY-MM-DD`; see
    `dragoman COMMAND --help` for each command."""


# --- analyze ----------------------------------------------------------------------------

def analyze_resilient(articles: Iterable[Article], nlp, on_error: Callable[[str, Exception], None],
                      batch_size: int = 8, seconds: float | None = None) -> Iterator[Analysis]:
    """Analyse a stream in batches; when a batch fails, redo its articles one by one so that
    one document the pipeline chokes on is reported and skipped, not the whole run.

    `seconds` is the per-document time limit (dragoman/limits.py): a batch may take
    `seconds * batch_size`, each document redone alone `seconds`; a document over it is
    reported (AnalysisTimeout naming it) and skipped."""
    from dragoman.limits import deadline
    from dragoman.pipeline import analyze_article, analyze_articles

    source = iter(articles)
    pending: deque[Article] = deque()
    source_errors: list[BaseException] = []

    def feed():
        while True:
            try:
                article = next(source)
            except StopIteration:
                return
            except Exception as err:  # a failure of the input itself is not the pipeline's
                source_errors.append(err)
                return
            pending.append(article)
            yield article

    while True:
        failed = False
        try:
            with deadline(seconds and seconds * batch_size, "a batch") as clock:
                for analysis in analyze_articles(feed(), nlp=nlp, batch_size=batch_size):
                    pending.popleft()
                    clock.pause()  # the consumer's time (storing, printing) is not the analysis's
                    yield analysis
                    clock.resume()
            if source_errors:
                raise source_errors[0]
            return
        except Exception:  # the culprit is in the pending batch: isolate it below
            if source_errors:
                raise
            failed = True
        if failed:
            while pending:
                article = pending.popleft()
                try:
                    with deadline(seconds, article.doc):
                        result = analyze_article(article, nlp=nlp)
                except Exception as err:
                    on_error(article.doc, err)
                    continue
                yield result


def _safe_filename(doc: str) -> str:
    name = re.sub(r"[^\w.@+=-]+", "_", doc).strip("._")
    return name or "document"


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--published", callback=_iso_date, metavar="YYYY-MM-DD",
              help="Publication date of the articles (relative dates resolve against it). "
                   "JSONL records may carry their own. Without it, a dateline in the text is used.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table: readable tables; json: the Analysis JSON (one object, or JSON Lines for several).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
              help="Write DIR/<id>.json for each document instead of printing JSON.")
@click.option("--no-store", is_flag=True, help="Do not save the analyses in the database.")
@db_option
@click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True,
              envvar="DRAGOMAN_MAX_DOCUMENT_BYTES",
              help="Refuse documents larger than this (HTML pages may be 5 times larger).")
@click.option("--max-records", type=click.IntRange(min=1), default=DEFAULT_MAX_RECORDS, show_default=True,
              envvar="DRAGOMAN_MAX_RECORDS", help="Read at most this many records of one JSON Lines file or stream.")
@click.option("--time-limit", type=click.FloatRange(min=0), default=DEFAULT_ANALYSIS_SECONDS, show_default=True,
              envvar="DRAGOMAN_ANALYSIS_SECONDS", metavar="SECONDS",
              help="Stop the analysis of a document after this long and report it (0: no limit).")
def analyze(paths, published, fmt, out_dir, no_store, db, max_bytes, max_records, time_limit):
    """Analyse articles and store what they report.

    PATH is a .txt file (text pasted from a news page), a saved .html page, a .jsonl
    file of records {"id", "text", "published"?, "url"?, "outlet"?, "title"?}, a folder
    of such files, or - for standard input.

    The model is loaded once for all documents. Each analysis is stored unless --no-store."""
    counts = {"ok": 0, "failed": 0}

    def report(name: str, problem) -> None:
        counts["failed"] += 1
        _error(f"{name}: {problem}")

    def articles() -> Iterator[Article]:
        for item in read_inputs(list(paths), published=published, max_bytes=max_bytes, max_records=max_records):
            if isinstance(item, IngestError):
                report(item.input_name, item.message)
            else:
                yield item

    store = None if no_store else _open_store(db)
    if out_dir is not None:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise DragomanError(f"{out_dir}: cannot create the output folder ({err.strerror})") from None

    try:
        from dragoman.nlp import load_pipeline
        nlp = load_pipeline()
    except Exception as err:
        raise DragomanError(f"cannot load the pipeline: {err}") from None

    printer = _JsonPrinter() if fmt == "json" and out_dir is None else None
    console = _console() if fmt == "table" else None
    for analysis in analyze_resilient(articles(), nlp, on_error=lambda doc, err: report(doc, f"analysis failed: {err}"),
                                      seconds=time_limit):
        if store is not None:
            try:
                store.save(analysis)
            except Exception as err:
                report(analysis.doc, f"not stored: {err}")
                continue
        if out_dir is not None:
            target = out_dir / f"{_safe_filename(analysis.doc)}.json"
            try:
                target.write_text(analysis.model_dump_json(indent=1), encoding="utf-8")
            except OSError as err:
                report(analysis.doc, f"{target}: cannot be written ({err.strerror or err})")
                continue
        if printer is not None:
            printer.add(analysis)
        if console is not None:
            render_analysis(console, analysis)
        counts["ok"] += 1
    if printer is not None:
        printer.close()
    if store is not None:
        stored = counts["ok"]
        if stored:
            where = getattr(store, "display_url", None) or db
            click.echo(f"dragoman: stored {stored} {'analysis' if stored == 1 else 'analyses'} in {where}", err=True)
        if hasattr(store, "close"):
            store.close()

    if counts["failed"] and counts["ok"]:
        click.echo(f"dragoman: {counts['ok']} analysed, {counts['failed']} failed", err=True)
        sys.exit(EXIT_PARTIAL)
    if not counts["ok"]:
        if not counts["failed"]:
            _error("no documents found in the given paths")
        sys.exit(EXIT_FAILED)


class _JsonPrinter:
    """One document: one indented JSON object. Several: JSON Lines, streamed as they come."""

    def __init__(self):
        self.first: Analysis | None = None
        self.streaming = False

    def add(self, analysis: Analysis) -> None:
        if self.streaming:
            click.echo(analysis.model_dump_json())
        elif self.first is None:
            self.first = analysis
        else:
            click.echo(self.first.model_dump_json())
            click.echo(analysis.model_dump_json())
            self.streaming = True

    def close(self) -> None:
        if self.first is not None and not self.streaming:
            click.echo(json.dumps(self.first.model_dump(mode="json"), indent=2, ensure_ascii=False))


# --- tables -----------------------------------------------------------------------------

def _console():
    from rich.console import Console
    # not a terminal (a pipe, a test): wide enough for the tables to stay readable
    return Console(width=None if sys.stdout.isatty() else 160, highlight=False, soft_wrap=False)


def _actor(ref) -> str:
    if ref is None:
        return ""
    ref = ref if isinstance(ref, dict) else ref.model_dump()
    extra = "/".join(x for x in (ref.get("country"), ref.get("sector")) if x)
    return f"{ref.get('name')} ({extra})" if extra else str(ref.get("name"))


def _place(ref) -> str:
    if ref is None:
        return ""
    ref = ref if isinstance(ref, dict) else ref.model_dump()
    return f"{ref.get('name')}, {ref['country']}" if ref.get("country") else str(ref.get("name"))


def _short(text: str | None, limit: int = 110) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_analysis(console, analysis: Analysis) -> None:
    """Readable tables of one analysis: the article, then events, claims, actors, places, dates."""
    from rich.table import Table

    art = analysis.article
    facts = [f"[bold]{analysis.doc}[/bold]"]
    if art.title:
        facts.append(_short(art.title))
    who = " – ".join(x for x in (art.outlet, art.author) if x)
    if who:
        facts.append(who)
    if art.published:
        facts.append(f"published {art.published}" + (" (inferred from the text)" if art.published_inferred else ""))
    console.print(" · ".join(facts))

    table = Table(title=f"Events ({len(analysis.events)})", title_justify="left", expand=False)
    for column in ("type", "mode", "source", "target", "date", "place", "status", "evidence"):
        table.add_column(column, overflow="fold")
    for event in analysis.events:
        table.add_row(event.type, event.mode or "", _actor(event.source), _actor(event.target),
                      (event.date or "") + (" *" if event.date and event.date_inferred else ""),
                      _place(event.place), event.status, _short(event.evidence[0] if event.evidence else ""))
    console.print(table)

    table = Table(title=f"Claims ({len(analysis.claims)})", title_justify="left")
    for column in ("speaker", "via", "stance", "date", "content"):
        table.add_column(column, overflow="fold")
    for claim in analysis.claims:
        table.add_row(_actor(claim.speaker), ", ".join(_actor(v) for v in claim.via), claim.stance,
                      claim.date or "", _short(claim.content))
    console.print(table)

    grouped: dict[tuple, list] = {}
    for mention in analysis.actors:
        grouped.setdefault((mention.name, mention.country, mention.sector, mention.role), []).append(mention.mention)
    table = Table(title=f"Actors ({len(grouped)})", title_justify="left")
    for column in ("name", "country", "sector", "role", "mentions"):
        table.add_column(column, overflow="fold")
    for (name, country, sector, role), mentions in grouped.items():
        table.add_row(name, country or "", sector or "", role or "", _short(", ".join(dict.fromkeys(mentions)), 80))
    console.print(table)

    places: dict[tuple, list] = {}
    for mention in analysis.places:
        places.setdefault((mention.name, mention.kind, mention.country, mention.lat, mention.lon), []).append(mention.mention)
    table = Table(title=f"Places ({len(places)})", title_justify="left")
    for column in ("name", "kind", "country", "lat, lon", "mentions"):
        table.add_column(column, overflow="fold")
    for (name, kind, country, lat, lon), mentions in places.items():
        coords = f"{lat:.4f}, {lon:.4f}" if lat is not None and lon is not None else ""
        table.add_row(name, kind or "", country or "", coords, _short(", ".join(dict.fromkeys(mentions)), 80))
    console.print(table)

    table = Table(title=f"Dates ({len(analysis.dates)})", title_justify="left")
    for column in ("mention", "value", "kind"):
        table.add_column(column, overflow="fold")
    for mention in analysis.dates:
        table.add_row(mention.mention, mention.value or "", mention.kind)
    console.print(table)


# The columns worth a glance in a terminal; `--format json` has every field.
TABLE_COLUMNS = {
    "Events": ("doc", "type", "mode", "source", "target", "date", "place", "status", "evidence"),
    "Claims": ("doc", "speaker", "via", "stance", "date", "content"),
    "Actors": ("name", "country", "sector", "kind", "mentions", "documents", "aliases"),
}


def render_records(console, title: str, records: list[dict]) -> None:
    """A table of stored records; nested actors and places shown by name."""
    from rich.table import Table

    table = Table(title=f"{title} ({len(records)})", title_justify="left")
    present: list[str] = []
    for record in records:
        for key in record:
            if key not in present:
                present.append(key)
    preferred = [c for c in TABLE_COLUMNS.get(title, ()) if c in present]
    columns = preferred or present
    for column in columns:
        table.add_column(column, overflow="fold")
    for record in records:
        cells = []
        for column in columns:
            value = record.get(column)
            if isinstance(value, dict):
                cells.append(_place(value) if "lat" in value else _actor(value))
            elif isinstance(value, list):
                if column == "evidence" and value:
                    cells.append(_short(str(value[0])))
                else:
                    cells.append(_short(", ".join(_actor(v) if isinstance(v, dict) else str(v) for v in value), 80))
            elif value is None:
                cells.append("")
            else:
                cells.append(_short(str(value)))
        table.add_row(*cells)
    console.print(table)


# --- what the store holds ---------------------------------------------------------------

def _print_records(title: str, records: list[dict], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(records, indent=2, ensure_ascii=False, default=str))
    else:
        render_records(_console(), title, records)


def _query(db, method: str, **filters) -> list[dict]:
    store = _open_store(db)
    try:
        return getattr(store, method)(**filters)
    except Exception as err:
        raise DragomanError(f"query failed: {err}") from None


def _common_filters(func):
    for option in reversed([
        click.option("--actor", help="Only records with this actor (as source, target or speaker)."),
        click.option("--country", metavar="ISO3", help="Only records involving this country (ISO 3166-1 alpha-3)."),
        click.option("--since", callback=_iso_date, metavar="YYYY-MM-DD", help="Only records dated on or after."),
        click.option("--until", callback=_iso_date, metavar="YYYY-MM-DD", help="Only records dated on or before."),
        click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True, help="At most this many records."),
        db_option,
        click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True),
    ]):
        func = option(func)
    return func


@cli.command()
@click.option("--type", "event_type", metavar="PLOVER", help="Only events of this PLOVER type (e.g. ASSAULT).")
@_common_filters
def events(event_type, actor, country, since, until, limit, db, fmt):
    """List stored events."""
    records = _query(db, "events", actor=actor, country=country, type=event_type.upper() if event_type else None,
                     since=since, until=until, limit=limit)
    _print_records("Events", records, fmt)


@cli.command()
@click.option("--stance", type=click.Choice(["asserted", "denied", "speculated", "unconfirmed"]),
              help="Only claims with this stance.")
@_common_filters
def claims(stance, actor, country, since, until, limit, db, fmt):
    """List stored claims."""
    records = _query(db, "claims", actor=actor, country=country, stance=stance, since=since, until=until, limit=limit)
    _print_records("Claims", records, fmt)


@cli.command()
@click.option("--actor", "--name", "name", help="Only actors whose name matches.")
@click.option("--country", metavar="ISO3", help="Only actors of this country (ISO 3166-1 alpha-3).")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True, help="At most this many actors.")
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def actors(name, country, limit, db, fmt):
    """List stored actors."""
    records = _query(db, "actors", name=name, country=country, limit=limit)
    _print_records("Actors", records, fmt)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True,
              help="jsonl: events as JSON Lines; acled-csv: events in ACLED's columns; "
                   "plover-json: events with PLOVER's field names; parquet: one flat row per event.")
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write.")
@click.option("--type", "event_type", metavar="PLOVER", help="Only events of this PLOVER type.")
@click.option("--actor", help="Only records with this actor.")
@click.option("--country", metavar="ISO3", help="Only records involving this country.")
@click.option("--since", callback=_iso_date, metavar="YYYY-MM-DD", help="Only records dated on or after.")
@click.option("--until", callback=_iso_date, metavar="YYYY-MM-DD", help="Only records dated on or before.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many events [default: all].")
@db_option
def export(fmt, output, event_type, actor, country, since, until, limit, db):
    """Export stored events to a file, in a format other tools read."""
    try:
        from dragoman.export import export_records
    except ImportError as err:
        raise DragomanError(f"export is not available ({err})") from None
    store = _open_store(db)
    filters = {k: v for k, v in {"actor": actor, "country": country, "type": event_type.upper() if event_type else None,
                                 "since": since, "until": until, "limit": limit}.items() if v is not None}
    try:
        count = export_records(store, fmt, str(output), **filters)
    except Exception as err:
        raise DragomanError(f"{output}: export failed: {err}") from None
    click.echo(f"dragoman: exported {count} records to {output}", err=True)


@cli.command()
@db_option
def relink(db):
    """Link every stored article across articles again: copies, happenings, claim links.

    Needed after changing dragoman/data/linking.yaml, or for a document stored without links
    because its linking failed (the store says so when it happens)."""
    store = _open_store(db)
    try:
        count = store.relink()
    finally:
        store.close()
    click.echo(f"relinked {count} documents")


@cli.command()
def schema():
    """Print the JSON Schema of the analysis document.

    It describes what `dragoman analyze --format json` writes, generated from the
    pydantic models in dragoman/model.py."""
    document = Analysis.model_json_schema()
    document = {"$schema": "https://json-schema.org/draft/2020-12/schema", **document}
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `dragoman` script: click's usage errors exit 2, others are one line."""
    try:
        cli.main(args=argv, prog_name="dragoman", standalone_mode=True)
    except KeyboardInterrupt:
        _error("interrupted")
        sys.exit(130)
    except Exception as err:  # a bug: still one line, unless the traceback is asked for
        if os.environ.get("DRAGOMAN_DEBUG"):
            raise
        _error(f"unexpected {type(err).__name__}: {err} (set DRAGOMAN_DEBUG=1 for the traceback)")
        sys.exit(EXIT_FAILED)


# analysts' commands (correct, corrections, revert, confirm, token, serve): dragoman/api/commands.py
from dragoman.api.commands import register as _register_analyst_commands  # noqa: E402

_register_analyst_commands(cli)

# bulk ingest of a corpus (dragoman ingest): dragoman/bulk/command.py
from dragoman.bulk.command import register as _register_bulk_commands  # noqa: E402

_register_bulk_commands(cli)

# scoring against a gold folder (dragoman evaluate): dragoman/evaluate.py
from dragoman.evaluate import register as _register_evaluate_command  # noqa: E402

_register_evaluate_command(cli)


if __name__ == "__main__":
    main()
