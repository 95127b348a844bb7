"""Score dragoman on every gold set and print (or write into README.md) the score table.

    .venv/bin/python scripts/score_all.py                         # every set under ../shared/gold
    .venv/bin/python scripts/score_all.py --sets dev,fakes-dev --limit 20
    .venv/bin/python scripts/score_all.py --update-readme         # rewrite the README's score block

For each set: one JSONL of its documents ({"id", "text", "published"}) goes through
`dragoman analyze SET.jsonl --out DIR --format json --no-store` (the model loads once
per set), then `../shared/tools/score.py GOLD DIR --json` judges DIR. Only the
publication date is taken from the gold file: the outlet, author and everything else
must come from the text. A set that fails is reported as failed; the others still run.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
GOLD = SHARED / "gold"
SCORER = SHARED / "tools" / "score.py"
README = REPO / "README.md"

sys.path.insert(0, str(REPO))  # the benchmarks package, for the machine line
from benchmarks import machine  # noqa: E402
START, END = "<!-- scores:start -->", "<!-- scores:end -->"
FIRST_SETS = ("dev", "fakes-dev")  # the hand-annotated sets lead the table

COLUMNS = ("set", "docs", "events P/R/F1", "event dates", "event places", "places@161km", "dates", "actors",
           "claims R/P/stance", "s/doc")


# ---------- choosing documents ----------

def gold_sets() -> list[str]:
    names = sorted(p.name for p in GOLD.iterdir() if p.is_dir() and any(p.glob("*.gold.json")))
    return [n for n in FIRST_SETS if n in names] + [n for n in names if n not in FIRST_SETS]


def spread(items: list, limit: int | None) -> list:
    """`limit` items taken evenly across the sorted list, so a sample covers all of it."""
    if not limit or limit >= len(items):
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def set_documents(set_dir: Path, limit: int | None) -> list[str]:
    stems = sorted(p.name[: -len(".gold.json")] for p in set_dir.glob("*.gold.json"))
    return spread([s for s in stems if (set_dir / f"{s}.txt").exists()], limit)


def write_jsonl(set_dir: Path, docs: list[str], path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for doc in docs:
            gold = json.loads((set_dir / f"{doc}.gold.json").read_text(encoding="utf-8"))
            record = {"id": doc, "text": (set_dir / f"{doc}.txt").read_text(encoding="utf-8"),
                      "published": gold.get("published")}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


# ---------- analysing ----------

def dragoman_command() -> Path | None:
    """The `dragoman` of the running interpreter's environment, when the CLI exists."""
    exe = Path(sys.executable).parent / ("dragoman.exe" if os.name == "nt" else "dragoman")
    try:
        import importlib.util
        has_cli = importlib.util.find_spec("dragoman.cli") is not None
    except ImportError:
        has_cli = False
    return exe if exe.exists() and has_cli else None


def analyze_with_cli(exe: Path, jsonl: Path, out_dir: Path) -> None:
    proc = subprocess.run([str(exe), "analyze", str(jsonl), "--out", str(out_dir), "--format", "json",
                           "--no-store"], capture_output=True, text=True)
    lines = [line for line in proc.stderr.strip().splitlines() if line.strip()]
    # exit 1 means some documents failed and the others were written: score what was written
    if proc.returncode not in (0, 1):
        raise RuntimeError(lines[-1] if lines else f"dragoman analyze exited with {proc.returncode}")
    for line in [line for line in lines if "error" in line][:5]:  # say which documents failed, briefly
        print(f"score_all:   {line}", file=sys.stderr)


_NLP = None


def analyze_in_process(jsonl: Path, out_dir: Path) -> None:
    """Until the CLI exists: the same ingest and pipeline, called directly (as scripts/predict_gold.py does)."""
    global _NLP
    from dragoman.model import Article
    from dragoman.nlp import load_pipeline
    from dragoman.pipeline import analyze_articles

    _NLP = _NLP or load_pipeline()

    def articles():
        for line in jsonl.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            try:
                from dragoman.ingest import article_from_text
                yield article_from_text(record["text"], doc=record["id"], published=record["published"])
            except ImportError:
                yield Article(doc=record["id"], text=record["text"], published=record["published"])

    for analysis in analyze_articles(articles(), nlp=_NLP):
        (out_dir / f"{analysis.doc}.json").write_text(analysis.model_dump_json(), encoding="utf-8")


# ---------- scoring ----------

def score(gold_dir: Path, pred_dir: Path) -> dict:
    python = shutil.which("python3") or sys.executable
    proc = subprocess.run([python, str(SCORER), str(gold_dir), str(pred_dir), "--json"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        raise RuntimeError(lines[-1] if lines else f"score.py exited with {proc.returncode}")
    return json.loads(proc.stdout)


def run_set(name: str, limit: int | None, work: Path, exe: Path | None) -> dict:
    set_dir = GOLD / name
    docs = set_documents(set_dir, limit)
    result = {"set": name, "docs": len(docs)}
    if not docs:
        return {**result, "error": "no documents"}
    jsonl, pred_dir = work / f"{name}.jsonl", work / name / "pred"
    pred_dir.mkdir(parents=True, exist_ok=True)
    write_jsonl(set_dir, docs, jsonl)
    gold_dir = set_dir
    if limit and len(docs) < len(list(set_dir.glob("*.gold.json"))):
        # score.py judges every gold file in its folder: give it only the sampled ones
        gold_dir = work / name / "gold"
        gold_dir.mkdir(parents=True, exist_ok=True)
        for doc in docs:
            link = gold_dir / f"{doc}.gold.json"
            link.unlink(missing_ok=True)
            link.symlink_to(set_dir / f"{doc}.gold.json")
    started = time.perf_counter()
    try:
        if exe:
            analyze_with_cli(exe, jsonl, pred_dir)
        else:
            analyze_in_process(jsonl, pred_dir)
        seconds = time.perf_counter() - started
        figures = score(gold_dir, pred_dir)
    except Exception as err:  # one failing set must not stop the others
        return {**result, "error": " ".join(f"{err.__class__.__name__}: {err}".split())[:200]}
    return {**result, "figures": figures, "seconds": seconds}


# ---------- the table ----------

def _f(value) -> str:
    return "–" if value is None else f"{value:.2f}"


def row(result: dict) -> list[str]:
    if "error" in result:
        return [result["set"], str(result["docs"]), f"failed: {result['error']}"] + [""] * (len(COLUMNS) - 3)
    f = result["figures"]
    unreadable = len(f.get("unreadable_predictions") or [])
    docs = str(result["docs"]) + (f" ({unreadable} unread)" if unreadable else "")
    return [
        result["set"], docs,
        "/".join(_f(f[k]) for k in ("events_precision", "events_recall", "events_f1")),
        _f(f["event_dates_accuracy"]), _f(f["event_places_accuracy"]), _f(f["places_accuracy_161km"]),
        _f(f["dates_accuracy"]), _f(f["actors_accuracy"]),
        "/".join(_f(f[k]) for k in ("claims_recall", "claims_precision", "claims_stance_accuracy")),
        f"{result['seconds'] / max(result['docs'], 1):.2f}",
    ]


def commit() -> str:
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return head + ("+changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def table(results: list[dict], limit: int | None, how: str) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join(["---"] + ["--:"] * (len(COLUMNS) - 1)) + "|"]
    lines += ["| " + " | ".join(row(r)) + " |" for r in results]
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    sample = f", at most {limit} documents per set, spread evenly" if limit else ""
    lines += ["", f"Scored {stamp} on {machine()}; commit {commit()}; analysed {how}{sample}. "
                  f"Rerun: `.venv/bin/python scripts/score_all.py --update-readme`. "
                  "P precision, R recall, F1; the other figures are accuracies (see ../shared/gold/README.md); "
                  "– where a set has no gold for that figure; s/doc is the wall time of the analysis per "
                  "document, model load included."]
    return "\n".join(lines)


def update_readme(text: str, readme: Path = README) -> str:
    """Put `text` between the score markers of the README (a new Scores section when it has none)."""
    if not readme.exists():
        return f"{readme} does not exist: table not written"
    content = readme.read_text(encoding="utf-8")
    block = f"{START}\n{text}\n{END}"
    if START in content and END in content and content.index(START) < content.index(END):
        head, rest = content.split(START, 1)
        content = head + block + rest.split(END, 1)[1]
    else:
        content = content.rstrip("\n") + f"\n\n## Scores\n\n{block}\n"
    readme.write_text(content, encoding="utf-8")
    return f"score table written to {readme}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", help="comma-separated gold set names (default: every set)")
    parser.add_argument("--limit", type=int, help="at most N documents per set, spread evenly")
    parser.add_argument("--update-readme", action="store_true", help="replace the README's score block")
    parser.add_argument("--keep", type=Path, help="keep the JSONL and predictions in this folder")
    args = parser.parse_args(argv)

    if not GOLD.is_dir() or not SCORER.exists():
        print(f"score_all: {GOLD} or {SCORER} is missing", file=sys.stderr)
        return 2
    sets = [s.strip() for s in args.sets.split(",") if s.strip()] if args.sets else gold_sets()
    exe = dragoman_command()
    how = "with `dragoman analyze`" if exe else "in process (no `dragoman` CLI yet)"
    work = args.keep or Path(tempfile.mkdtemp(prefix="dragoman-scores-"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for name in sets:
            print(f"score_all: {name} ...", file=sys.stderr, flush=True)
            if not (GOLD / name).is_dir():
                results.append({"set": name, "docs": 0, "error": "no such gold set"})
                continue
            results.append(run_set(name, args.limit, work, exe))
            if "error" in results[-1]:
                print(f"score_all: {name} failed: {results[-1]['error']}", file=sys.stderr, flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    text = table(results, args.limit, how)
    print(text)
    if args.update_readme:
        print(f"score_all: {update_readme(text)}", file=sys.stderr)
    return 1 if any("error" in r for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
