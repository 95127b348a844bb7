"""Throughput: dragoman end to end vs bare spaCy `nlp.pipe` on the same texts, measured in one run.

    .venv/bin/python benchmarks/throughput.py [--docs N] [--corpus PATH]

Reads the FA-KES corpus (804 real Syrian-war articles) from ../shared/datasets/corpus.
The bare spaCy run is the floor: dragoman's own stages may cost at most a quarter
on top (target ratio >= 0.8). Prints docs/s for both and their ratio.
"""
from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "datasets" / "corpus" / "FA-KES-Dataset.csv"


def load_texts(path: Path, limit: int | None) -> list[tuple[str, str, str | None]]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        rows = [(r["unit_id"], r["article_content"], None) for r in csv.DictReader(handle) if r["article_content"].strip()]
    return rows[:limit] if limit else rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200, help="how many corpus articles (default 200; 0 = all 804)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        print(f"benchmark: corpus not found at {args.corpus} (../shared must be beside the repo)", file=sys.stderr)
        return 2
    texts = load_texts(args.corpus, args.docs or None)

    import spacy

    from dragoman.model import Article
    from dragoman.nlp import MODEL_PACKAGE, load_pipeline
    from dragoman.pipeline import analyze_articles

    bare = spacy.load(MODEL_PACKAGE)
    full = load_pipeline()
    # warm both up so neither pays first-call costs (lazy data loads) inside the timing
    list(bare.pipe([texts[0][1]]))
    list(analyze_articles([Article(doc="warm", text=texts[0][1])], nlp=full))

    start = time.perf_counter()
    for _ in bare.pipe((t for _, t, _ in texts), batch_size=8):
        pass
    bare_s = time.perf_counter() - start

    start = time.perf_counter()
    events = 0
    for analysis in analyze_articles((Article(doc=i, text=t, published=p) for i, t, p in texts), nlp=full):
        events += len(analysis.events)
    full_s = time.perf_counter() - start

    n = len(texts)
    print(f"documents                 {n}")
    print(f"bare spaCy nlp.pipe       {n / bare_s:8.2f} docs/s  ({bare_s:.1f} s)")
    print(f"dragoman analyze          {n / full_s:8.2f} docs/s  ({full_s:.1f} s, {events} events)")
    print(f"ratio dragoman/bare       {bare_s / full_s:8.3f}  (target >= 0.8)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
