"""The benchmark corpus: FA-KES (804 real Syrian-war news articles) from ../shared/datasets/corpus."""
from __future__ import annotations

import csv
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "datasets" / "corpus" / "FA-KES-Dataset.csv"


def _published(value: str) -> str | None:
    """The corpus's date column (month/day/year) as YYYY-MM-DD, as `dragoman ingest
    --date-format %m/%d/%Y` reads it; None when absent or malformed."""
    try:
        return datetime.strptime(value.strip(), "%m/%d/%Y").date().isoformat()
    except (ValueError, AttributeError):
        return None


def load_texts(path: Path = DEFAULT_CORPUS, limit: int | None = None) -> list[tuple[str, str, str | None]]:
    """(id, text, published) of the first `limit` non-empty articles (all when None); ids made
    unique (the corpus repeats a few) so that every article is one document; the publication
    date from the corpus's date column, as a bulk ingest of the CSV would have it."""
    csv.field_size_limit(sys.maxsize)
    seen: dict[str, int] = {}
    rows = []
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        for r in csv.DictReader(handle):
            if not r["article_content"].strip():
                continue
            doc = r["unit_id"]
            seen[doc] = seen.get(doc, 0) + 1
            rows.append((doc if seen[doc] == 1 else f"{doc}-{seen[doc]}", r["article_content"], _published(r.get("date"))))
    return rows[:limit] if limit else rows
