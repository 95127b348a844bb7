"""Developer helper: analyse every <doc>.txt of a gold folder and write PRED/<doc>.json.

    .venv/bin/python scripts/predict_gold.py ../shared/gold/dev /tmp/pred/dev [--limit N]
    python3 ../shared/tools/score.py ../shared/gold/dev /tmp/pred/dev

Uses the same ingest and pipeline as `dragoman analyze`, with the gold file's
`published` date as the publication date.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from dragoman.model import Article
from dragoman.pipeline import analyze_articles


def articles(gold_dir: Path, limit: int | None):
    paths = sorted(gold_dir.glob("*.txt"))[:limit]
    for path in paths:
        doc = path.stem
        gold_path = path.with_suffix("").with_suffix(".gold.json")
        gold_path = path.parent / f"{doc}.gold.json"
        published = None
        if gold_path.exists():
            published = json.loads(gold_path.read_text(encoding="utf-8")).get("published")
        text = path.read_text(encoding="utf-8")
        try:
            from dragoman.ingest import article_from_text
            yield article_from_text(text, doc=doc, published=published)
        except ImportError:
            yield Article(doc=doc, text=text, published=published)


def main(argv):
    gold_dir, out_dir = Path(argv[0]), Path(argv[1])
    limit = int(argv[argv.index("--limit") + 1]) if "--limit" in argv else None
    out_dir.mkdir(parents=True, exist_ok=True)
    for analysis in analyze_articles(articles(gold_dir, limit)):
        (out_dir / f"{analysis.doc}.json").write_text(analysis.model_dump_json(indent=1), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
