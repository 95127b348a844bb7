"""The `dragoman ingest` command, registered on the main group by `register(cli)` (one line in cli.py).

Importing this module is cheap: spaCy, Dask and the store load when the command runs."""
from __future__ import annotations

import sys

import click

EXIT_OK, EXIT_PARTIAL, EXIT_FAILED = 0, 1, 2


def _cli():
    from dragoman import cli  # late: dragoman.cli imports this module

    return cli


class _RateColumn:
    """docs/s since the start, for rich's progress bar."""

    def __new__(cls):
        from rich.progress import ProgressColumn
        from rich.text import Text

        class Rate(ProgressColumn):
            def render(self, task):
                elapsed = task.finished_time if task.finished else task.elapsed
                speed = task.completed / elapsed if elapsed and task.completed else None
                return Text(f"{speed:.1f} docs/s" if speed else "– docs/s")

        return Rate()


def _progress(total, enabled: bool):
    from rich.console import Console
    from rich.progress import (
        BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn,
    )

    console = Console(stderr=True, highlight=False)
    columns = [TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), _RateColumn(), TimeElapsedColumn()]
    if total is not None:
        columns.append(TimeRemainingColumn())
    return Progress(*columns, console=console, disable=not enabled, transient=False, speed_estimate_period=60)


def register(cli) -> None:
    from dragoman.ingest import DEFAULT_MAX_BYTES

    @cli.command("ingest")
    @click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
    @click.option("--published", metavar="YYYY-MM-DD", callback=lambda c, p, v: _cli()._iso_date(c, p, v),
                  help="Publication date of documents that carry none of their own.")
    @click.option("--db", envvar="DRAGOMAN_DB", metavar="URL", default=None,
                  help="SQLAlchemy database URL [default: $DRAGOMAN_DB, else a SQLite file in the user data directory]")
    @click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
                  help="local: spaCy nlp.pipe in this machine's processes; dask: dask.distributed workers.")
    @click.option("--batch-size", type=click.IntRange(min=1), default=16, show_default=True,
                  help="Documents per pipeline batch and per write transaction.")
    @click.option("--n-process", type=click.IntRange(min=1), default=1, show_default=True,
                  help="local engine: processes for spaCy's nlp.pipe.")
    @click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
                  help="dask engine: workers of the LocalCluster started for the run.")
    @click.option("--scheduler", metavar="tcp://HOST:PORT", default=None,
                  help="dask engine: use this existing cluster instead of starting one.")
    @click.option("--text-column", metavar="NAME", help="CSV: the column of the article text [default: text, content, body, ...].")
    @click.option("--title-column", metavar="NAME", help="CSV: the column of the title.")
    @click.option("--date-column", metavar="NAME", help="CSV: the column of the publication date.")
    @click.option("--date-format", metavar="STRPTIME", help="CSV: the date column's format when not ISO 8601, e.g. %m/%d/%Y.")
    @click.option("--url-column", metavar="NAME", help="CSV: the column of the URL.")
    @click.option("--outlet-column", metavar="NAME", help="CSV: the column of the outlet.")
    @click.option("--id-column", metavar="NAME", help="CSV: the column of the document id [default: id, ...; else FILE:LINE].")
    @click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True,
                  help="Refuse documents larger than this (HTML pages may be 5 times larger).")
    @click.option("--time-limit", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
                  help="Stop the analysis of one document after this long and report it "
                       "[default: dragoman.limits' default; 0: none].")
    @click.option("--force", is_flag=True, help="Analyse again documents the store already holds with the same text.")
    @click.option("--no-progress", is_flag=True, help="No progress bar (it is drawn on a terminal only anyway).")
    def ingest(sources, published, db, engine, batch_size, n_process, workers, scheduler, text_column,
               title_column, date_column, date_format, url_column, outlet_column, id_column, max_bytes,
               time_limit, force, no_progress):
        """Ingest a corpus into the store: folders, JSON Lines, CSV, RSS/Atom feeds, gzip of any.

        SOURCE is a folder (its .txt, .html, .jsonl, .csv and feed files, recursively), or one
        such file; a gzip file is read whatever its name. Documents the store already holds with
        the same text are skipped, so a stopped run picks up where it left off. A bad document is
        reported by name and skipped; the run ends with counts of ingested, skipped and failed."""
        from dragoman.bulk.engines import make_engine
        from dragoman.bulk.runner import run_ingest
        from dragoman.bulk.sources import CsvColumns, SourceOptions, count_documents

        cli_module = _cli()
        options = SourceOptions(published=published, max_bytes=max_bytes, columns=CsvColumns(
            text=text_column, title=title_column, date=date_column, url=url_column, outlet=outlet_column,
            id=id_column, date_format=date_format))
        seconds = time_limit
        if seconds is None:
            try:
                from dragoman.limits import current

                seconds = current().analysis_seconds
            except (ImportError, AttributeError, ValueError):
                seconds = None
        store = cli_module._open_store(db)
        try:
            try:
                runner = make_engine(engine, n_process=n_process, workers=workers, scheduler=scheduler,
                                     batch_size=batch_size, seconds=seconds or None)
            except Exception as err:
                raise cli_module.DragomanError(f"cannot start the {engine} engine: {err}") from None
            total = count_documents(sources)
            progress = _progress(total, enabled=not no_progress and sys.stderr.isatty())

            def report_error(name: str, message: str) -> None:
                progress.console.print(f"dragoman: error: {name}: {message}", markup=False, highlight=False,
                                       soft_wrap=True)

            try:
                with progress:
                    task = progress.add_task("ingest", total=total)
                    result = run_ingest(list(sources), store, runner, options, batch_size=batch_size, force=force,
                                        on_error=report_error, progress=lambda n: progress.advance(task, n))
            finally:
                runner.close()
        finally:
            store.close()
        click.echo(f"dragoman: {result.summary()} into {store.display_url}", err=True)
        if result.failed and (result.ingested or result.skipped):
            sys.exit(EXIT_PARTIAL)
        if result.failed or not result.seen:
            if not result.seen:
                cli_module._error("no documents found in the given sources")
            sys.exit(EXIT_FAILED)
