"""Memory: peak RSS of `run_ingest` over the corpus streamed once and ten times (target: within 10 %,
and under 1 GB per worker), each measured in a fresh process.

The probe (`python -m benchmarks.memory --copies K --docs N`) streams the first N articles K times
over, each copy under new ids (so every document is analysed and stored, none skipped), through
the local engine into a temporary SQLite store, and prints its own peak RSS (getrusage).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpus import DEFAULT_CORPUS, load_texts  # noqa: E402

TARGET_GROWTH = 0.10
WORKER_LIMIT_MB = 1024


def _stream(corpus: Path, docs: int, copies: int):
    """The articles, copy after copy, read from the file each time (never all in memory)."""
    from dragoman.ingest import IngestError, article_from_text

    for copy in range(copies):
        for doc, text, published in load_texts(corpus, docs):
            try:
                yield article_from_text(text, doc=f"{doc}~{copy}", published=published)
            except IngestError as err:
                yield err


def probe(corpus: Path, docs: int, copies: int, batch_size: int) -> dict:
    from dragoman.bulk import LocalEngine, run_ingest
    from dragoman.store import Store

    with tempfile.TemporaryDirectory(prefix="dragoman-bench-") as folder:
        store = Store(f"sqlite:///{folder}/bench.db")
        start = time.perf_counter()
        result = run_ingest([], store, LocalEngine(batch_size=batch_size), batch_size=batch_size,
                            items=_stream(corpus, docs, copies))
        seconds = time.perf_counter() - start
        store.close()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return {"copies": copies, "docs": result.ingested, "failed": result.failed, "seconds": seconds,
            "peak_mb": peak_kb / 1024}


def measure(docs: int, copies: tuple[int, int] = (1, 10), corpus: Path = DEFAULT_CORPUS, batch_size: int = 16) -> dict:
    runs = {}
    root = Path(__file__).resolve().parents[1]
    for k in copies:
        out = subprocess.run([sys.executable, "-m", "benchmarks.memory", "--docs", str(docs), "--copies", str(k),
                              "--corpus", str(corpus), "--batch-size", str(batch_size)],
                             cwd=root, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
        if out.returncode != 0:
            raise RuntimeError(f"memory probe failed: {out.stderr.strip()[-500:]}")
        runs[k] = json.loads(out.stdout.strip().splitlines()[-1])
    small, large = runs[copies[0]], runs[copies[-1]]
    return {"runs": runs, "growth": large["peak_mb"] / small["peak_mb"] - 1}


def report(result: dict) -> list[str]:
    lines = [f"ingest {r['docs']:6d} docs ({k:2d}x):       peak RSS {r['peak_mb']:7.1f} MB  ({r['seconds']:.1f} s)"
             for k, r in result["runs"].items()]
    peak = max(r["peak_mb"] for r in result["runs"].values())
    lines.append(f"peak RSS growth 10x vs 1x {result['growth'] * 100:+7.1f} %  (target within {TARGET_GROWTH:.0%}; "
                 f"per worker {peak:.0f} MB, target < {WORKER_LIMIT_MB} MB)")
    base = min(r["docs"] for r in result["runs"].values())
    if base < 48:
        lines.append(f"(a base of {base} documents is too short for the 1x run to reach its steady state: "
                     "use --memory-docs 100)")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="memory probe: one ingest run, its peak RSS as JSON")
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    print(json.dumps(probe(args.corpus, args.docs, args.copies, args.batch_size)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
