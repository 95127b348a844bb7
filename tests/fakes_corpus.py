"""The FA-KES corpus (../shared/datasets/corpus, read at run time, never copied here) for the tests
that ingest real articles in bulk (test_bulk, test_crash). Not a test module: a helper they import
(pytest puts tests/ on sys.path)."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "corpus" / "FA-KES-Dataset.csv"


def corpus_rows(n: int, min_chars: int = 600, max_chars: int = 1400) -> list[dict]:
    """n FA-KES rows with unique ids and short texts (the analysis of each stays quick)."""
    if not CORPUS.exists():
        pytest.skip(f"the FA-KES corpus is not at {CORPUS} (../shared must be beside the repository)")
    csv.field_size_limit(sys.maxsize)
    with CORPUS.open(encoding="utf-8", errors="replace", newline="") as handle:
        rows = list(csv.DictReader(handle))
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["unit_id"]] = counts.get(row["unit_id"], 0) + 1
    chosen = [r for r in rows if counts[r["unit_id"]] == 1 and min_chars <= len(r["article_content"]) <= max_chars]
    return chosen[:n]
