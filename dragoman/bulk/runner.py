"""A bulk run: sources → (skip what is stored) → engine → store, with progress and a final count.

    from dragoman.bulk import run_ingest, SourceOptions, LocalEngine
    report = run_ingest(["corpus/"], store, LocalEngine(), SourceOptions(published="2025-02-10"))
    report.ingested, report.skipped, report.failed

Resumable: a document whose id is stored with the same content hash (sha256 of its cleaned
text, what `Store.save` records) is skipped, looked up a batch of ids at a time, so a run that
was stopped (even killed) and started again analyses only what is missing. Documents are
written in batches, each batch in one transaction, so a killed run leaves every document
fully stored or not at all. Corrections stay untouched: they live in their own table, and the
store flags those a re-analysis no longer fits; `recover_corrections` repeats that check for
documents a killed run may have written without it.
"""
from __future__ import annotations

import hashlib
import itertools
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Optional

from dragoman.ingest import IngestError
from dragoman.model import Analysis, Article

from dragoman.bulk.sources import SourceOptions, iter_sources

OnError = Callable[[str, str], None]


@dataclass
class IngestReport:
    ingested: int = 0          # analysed and stored in this run
    skipped: int = 0           # already stored with the same text
    failed: int = 0            # unreadable, failed analysis or not stored: each reported by name
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    @property
    def seen(self) -> int:
        return self.ingested + self.skipped + self.failed

    def summary(self) -> str:
        rate = self.ingested / self.seconds if self.seconds > 0 else 0.0
        return (f"ingested {self.ingested}, skipped {self.skipped} (already stored), failed {self.failed}"
                f" in {self.seconds:.1f} s ({rate:.1f} docs/s)")


def content_hash(text: str) -> str:
    """The hash the store keeps for a document's text (Store.save: sha256 of article.text)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stored_hashes(store, docs: list[str]) -> dict[str, str]:
    """{doc: content_hash} of the given ids that the store holds: one query per 500 ids."""
    from sqlalchemy import select

    from dragoman.store.schema import DocumentRow

    found: dict[str, str] = {}
    with store.engine.connect() as conn:
        for i in range(0, len(docs), 500):
            chunk = docs[i:i + 500]
            for doc, digest in conn.execute(select(DocumentRow.doc, DocumentRow.content_hash)
                                            .where(DocumentRow.doc.in_(chunk))):
                found[doc] = digest
    return found


def recover_corrections(store) -> int:
    """Re-check the active corrections of every corrected document against its stored machine
    output (idempotent): a run killed between writing a document and flagging its corrections
    would otherwise leave them unflagged, since the resumed run skips that document."""
    from sqlalchemy import select

    from dragoman.corrections import reconcile
    from dragoman.store.schema import CorrectionRow, DocumentRow

    with store.engine.connect() as conn:
        docs = conn.execute(select(CorrectionRow.doc).where(CorrectionRow.status == "active",
                                                            CorrectionRow.doc.in_(select(DocumentRow.doc)))
                            .distinct()).scalars().all()
    for doc in docs:
        reconcile(store, doc)
    return len(docs)


def _chunked(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_ingest(sources: list[str], store, engine, options: SourceOptions = SourceOptions(),
               batch_size: int = 16, force: bool = False, on_error: Optional[OnError] = None,
               progress: Optional[Callable[[int], None]] = None,
               items: Optional[Iterable[Article | IngestError]] = None) -> IngestReport:
    """Ingest every document of `sources` into `store` with `engine`; see the module's docstring.

    on_error(name, message): called once per failed document. progress(n): called as n more
    documents are done (ingested, skipped or failed). force: analyse stored documents again.
    items: documents to ingest instead of reading `sources` (tests, benchmarks)."""
    report = IngestReport()
    started = time.perf_counter()
    seen: dict[str, str] = {}  # doc → hash of what this run already sent, for ids given twice

    def advance(n: int = 1) -> None:
        if progress is not None and n:
            progress(n)

    def fail(name: str, message) -> None:
        report.failed += 1
        text = " ".join(str(message).split())
        if len(report.failures) < 1000:
            report.failures.append(f"{name}: {text}")
        if on_error is not None:
            on_error(name, text)
        advance()

    def fresh() -> Iterator[Article]:
        stream = items if items is not None else iter_sources(sources, options)
        for chunk in _chunked(stream, max(64, 4 * batch_size)):
            articles = []
            for item in chunk:
                if isinstance(item, IngestError):
                    fail(item.input_name, item.message)
                else:
                    articles.append(item)
            stored = {} if force else stored_hashes(store, [a.doc for a in articles])
            for article in articles:
                digest = content_hash(article.text)
                if stored.get(article.doc) == digest or seen.get(article.doc) == digest:
                    report.skipped += 1
                    advance()
                    continue
                seen[article.doc] = digest
                yield article

    def store_failed(doc: str, err: Exception) -> None:
        fail(doc, f"not stored: {err}")

    def write(batch: list[Analysis]) -> None:
        try:
            stored = store.save_many(batch, batch_size=len(batch), on_error=store_failed)
        except Exception:  # not a database error (a bug after the write): find the document, go on
            stored = 0
            for analysis in batch:
                try:
                    store.save(analysis)
                    stored += 1
                except Exception as err:
                    fail(analysis.doc, f"not stored: {type(err).__name__}: {err}")
        report.ingested += stored
        advance(stored)

    recover_corrections(store)
    pending: list[Analysis] = []
    articles = fresh()
    first = next(articles, None)  # nothing new (a finished run started again): no model is loaded
    analyses = engine.analyze(itertools.chain([first], articles), on_error=fail) if first is not None else ()
    for analysis in analyses:
        pending.append(analysis)
        if len(pending) >= batch_size:
            write(pending)
            pending = []
    if pending:
        write(pending)
    report.seconds = time.perf_counter() - started
    return report
