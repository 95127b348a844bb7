"""Bulk ingest: a corpus of any size from folders, JSON Lines, CSV, feeds (and gzip of them) into the store.

    dragoman ingest corpus/ news.jsonl.gz feed.rss --db sqlite:///news.db
    dragoman ingest articles.csv --text-column body --engine dask --workers 4

- dragoman.bulk.sources: streaming readers, one document at a time (`iter_sources`).
- dragoman.bulk.engines: `LocalEngine` (spaCy nlp.pipe, n_process) and `DaskEngine`.
- dragoman.bulk.runner: `run_ingest` (skips what is stored, writes in batches, counts).
- dragoman.bulk.command: the `dragoman ingest` command (progress bar, report, exit code).
"""
from __future__ import annotations

from dragoman.bulk.engines import DaskEngine, LocalEngine, make_engine
from dragoman.bulk.runner import IngestReport, content_hash, run_ingest, stored_hashes
from dragoman.bulk.sources import CsvColumns, SourceOptions, count_documents, iter_sources

__all__ = ["CsvColumns", "DaskEngine", "IngestReport", "LocalEngine", "SourceOptions", "content_hash",
           "count_documents", "iter_sources", "make_engine", "run_ingest", "stored_hashes"]
