"""Throughput: dragoman end to end vs bare spaCy `nlp.pipe` on the same texts, measured in one run.

    .venv/bin/python benchmarks/throughput.py [--docs N] [--corpus PATH]
    (or, with every other benchmark: .venv/bin/python -m benchmarks)

Reads the FA-KES corpus (804 real Syrian-war articles) from ../shared/datasets/corpus.
The bare spaCy run is the floor: dragoman's own work (ingest, its stages, building the
Analysis) may cost at most a quarter on top (target ratio >= 0.8). Also times each pipeline
component one document at a time, to show where the time goes.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpus import DEFAULT_CORPUS, load_texts  # noqa: E402

TARGET = 0.8
CHUNK = 20  # documents per alternation of the bare and the dragoman run


def measure(texts: list[tuple[str, str, str | None]], stage_docs: int = 150) -> dict:
    """docs/s of bare spaCy and of dragoman (ingest + pipeline + Analysis) on the same texts,
    the analyses (for the store benchmark) and seconds per pipeline component."""
    import spacy

    from dragoman.ingest import IngestError, article_from_text
    from dragoman.model import Article
    from dragoman.nlp import MODEL_PACKAGE, load_pipeline
    from dragoman.pipeline import analyze_articles, article_doc

    bare = spacy.load(MODEL_PACKAGE)
    full = load_pipeline()
    # warm both up so neither pays first-call costs (lazy data loads) inside the timing
    list(bare.pipe([texts[0][1]]))
    list(analyze_articles([Article(doc="warm", text=texts[0][1])], nlp=full))

    def articles(chunk):
        for doc, text, published in chunk:
            try:
                yield article_from_text(text, doc=doc, published=published)
            except IngestError:
                continue

    # the two runs alternate over chunks of the corpus, so that a machine whose load changes
    # (other jobs) slows both alike instead of whichever happened to run second
    bare_s = full_s = 0.0
    analyses = []
    for i in range(0, len(texts), CHUNK):
        chunk = texts[i:i + CHUNK]
        start = time.perf_counter()
        for _ in bare.pipe((t for _, t, _ in chunk), batch_size=8):
            pass
        bare_s += time.perf_counter() - start
        start = time.perf_counter()
        analyses.extend(analyze_articles(articles(chunk), nlp=full))
        full_s += time.perf_counter() - start

    # where the time goes: every component, one document at a time
    stages: dict[str, float] = {name: 0.0 for name in full.pipe_names}
    for doc_id, text, published in texts[:stage_docs]:
        doc = article_doc(full, Article(doc=doc_id, text=text, published=published))
        for name, proc in full.pipeline:
            t = time.perf_counter()
            doc = proc(doc)
            stages[name] += time.perf_counter() - t
    n = len(texts)
    return {"docs": n, "bare_s": bare_s, "full_s": full_s, "bare_rate": n / bare_s, "full_rate": n / full_s,
            "ratio": bare_s / full_s, "events": sum(len(a.events) for a in analyses), "analyses": analyses,
            "stages": stages, "stage_docs": min(stage_docs, n)}


def report(result: dict) -> list[str]:
    n = result["docs"]
    lines = [
        f"documents                 {n}",
        f"bare spaCy nlp.pipe       {result['bare_rate']:8.2f} docs/s  ({result['bare_s']:.1f} s)",
        f"dragoman analyze          {result['full_rate']:8.2f} docs/s  ({result['full_s']:.1f} s, {result['events']} events)",
        f"ratio dragoman/bare       {result['ratio']:8.3f}  (target >= {TARGET})",
    ]
    spacy_s, ours = _split_stages(result["stages"])
    lines.append(f"per stage, {result['stage_docs']} documents one at a time: spaCy's components "
                 f"{spacy_s:.2f} s, dragoman's {sum(ours.values()):.2f} s ("
                 + ", ".join(f"{k} {v:.2f}" for k, v in sorted(ours.items(), key=lambda kv: -kv[1])) + ")")
    return lines


def _split_stages(stages: dict[str, float]) -> tuple[float, dict[str, float]]:
    ours = {k.removeprefix("dragoman_"): v for k, v in stages.items() if k.startswith("dragoman_")}
    return sum(v for k, v in stages.items() if not k.startswith("dragoman_")), ours


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200, help="how many corpus articles (default 200; 0 = all 804)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        print(f"benchmark: corpus not found at {args.corpus} (../shared must be beside the repo)", file=sys.stderr)
        return 2
    print("\n".join(report(measure(load_texts(args.corpus, args.docs or None)))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
