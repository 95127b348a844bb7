"""Crash consistency: `dragoman ingest` killed (SIGKILL) at random points, then started again.

Proves, on SQLite and PostgreSQL, that
- after every kill the store is consistent: each stored document holds exactly the rows of a
  complete analysis (the one it had before the run, or the new one), never part of one;
- once a restarted run finishes, every document is stored exactly once, equal to an
  uninterrupted analysis of it;
- analysts' corrections made before the run are all still there, once each, still applied.

Real articles are read at run time from the FA-KES corpus in ../shared (skips without it). The
reference analyses are computed in this process with the same reading path and pipeline.
Kill points come from a seeded random generator ($DRAGOMAN_CRASH_SEED to replay one).
"""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fakes_corpus import corpus_rows  # tests/ is on sys.path
N_DOCS = 10
KILLS = 3
UPDATED = "\n\nThe report was updated after publication."  # written for this test


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The run's JSON Lines file and the reference analyses: `before` for two documents stored
    (and corrected) before the run, whose text the run brings changed; `after` for all."""
    from dragoman.bulk import SourceOptions, iter_sources
    from dragoman.model import Article
    from dragoman.nlp import load_pipeline
    from dragoman.pipeline import analyze_articles

    rows = corpus_rows(N_DOCS, min_chars=500, max_chars=1100)
    folder = tmp_path_factory.mktemp("crash")
    old = folder / "old.jsonl"
    run = folder / "run.jsonl"

    def write(path: Path, records) -> None:
        with path.open("w", encoding="utf-8") as handle:
            for doc, text in records:
                handle.write(json.dumps({"id": doc, "text": text, "published": "2017-04-05"}) + "\n")

    write(old, [(r["unit_id"], r["article_content"]) for r in rows[:2]])
    write(run, [(r["unit_id"], r["article_content"] + (UPDATED if i < 2 else "")) for i, r in enumerate(rows)])
    nlp = load_pipeline()

    def analyse(path: Path) -> dict:
        articles = [a for a in iter_sources([str(path)], SourceOptions()) if isinstance(a, Article)]
        return {a.doc: a for a in analyze_articles(articles, nlp=nlp)}

    before, after = analyse(old), analyse(run)
    assert len(after) == N_DOCS
    corrected_event = next(a for a in before.values() if a.events)
    corrected_claim = next((a for a in before.values() if a.claims and a is not corrected_event),
                           next(a for a in before.values() if a.claims))
    return {"run": run, "before": before, "after": after,
            "event_doc": corrected_event.doc, "claim_doc": corrected_claim.doc}


def _command() -> list[str]:
    script = Path(sys.executable).parent / "dragoman"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from dragoman.cli import main; main()"]


def _start(path: Path, db_url: str) -> subprocess.Popen:
    # its own process group, so the kill reaches any child it has
    return subprocess.Popen([*_command(), "ingest", str(path), "--db", db_url, "--batch-size", "2", "--no-progress"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)
    if proc.stderr:
        proc.stderr.close()


def _done(store, after: dict) -> int:
    """How many documents are stored with the run's text."""
    from dragoman.bulk import content_hash, stored_hashes

    stored = stored_hashes(store, list(after))
    return sum(1 for doc, a in after.items() if stored.get(doc) == content_hash(a.article.text))


def _check_consistent(store, corpus) -> None:
    """Every stored document is exactly one complete analysis: the old one or the new one."""
    from sqlalchemy import text

    docs = [d["doc"] for d in store.documents(limit=None)]
    assert set(docs) <= set(corpus["after"]), "a document the run does not hold was stored"
    for doc in docs:
        stored = store.analysis(doc).model_dump()
        candidates = [corpus["after"][doc]] + ([corpus["before"][doc]] if doc in corpus["before"] else [])
        if not any(stored == c.model_dump() for c in candidates):
            expected = corpus["after"][doc].model_dump()
            differ = {k: (len(stored[k]), len(expected[k])) if isinstance(stored[k], list) else (stored[k], expected[k])
                      for k in expected if stored.get(k) != expected[k]}
            pytest.fail(f"{doc} is stored incompletely or wrongly; differing fields (stored, expected): {differ}")
    if store.fts:  # SQLite's text index moves with its document
        with store.engine.connect() as conn:
            indexed = conn.execute(text("SELECT doc, count(*) FROM documents_fts GROUP BY doc")).all()
        assert sorted(indexed) == sorted((doc, 1) for doc in docs)


def _correct(store, corpus) -> list[dict]:
    event = corpus["before"][corpus["event_doc"]].events[0]
    new_status = "planned" if event.status != "planned" else "occurred"
    store.correct("event", f"{corpus['event_doc']}#e0", field="status", value=new_status,
                  reason="the article only announces it", author="tester")
    store.correct("claim", f"{corpus['claim_doc']}#c0", delete=True, reason="not a claim", author="tester")
    return store.corrections()


def test_killed_ingest_resumes_to_a_consistent_store(db_url, corpus):
    from dragoman.corrections import LIVE
    from dragoman.store import Store

    seed = int(os.environ.get("DRAGOMAN_CRASH_SEED") or random.randrange(1 << 30))
    rng = random.Random(seed)
    store = Store(db_url)
    try:
        for analysis in corpus["before"].values():
            store.save(analysis)
        corrections = _correct(store, corpus)
        assert len(corrections) == 2

        kills = 0
        for attempt in range(KILLS):
            proc = _start(corpus["run"], db_url)
            if attempt == 0:
                time.sleep(rng.uniform(0.5, 3.0))  # anywhere: loading, reading, analysing, writing
            else:  # once it has written something, a moment later: mostly inside analysis or a write
                progress, waited = _done(store, corpus["after"]), time.monotonic()
                while proc.poll() is None and _done(store, corpus["after"]) == progress \
                        and time.monotonic() - waited < 60:
                    time.sleep(0.02)
                time.sleep(rng.uniform(0.0, 0.8))
            if proc.poll() is not None:  # finished before its kill: nothing left to interrupt
                proc.stderr.close()
                break
            _kill(proc)
            kills += 1
            _check_consistent(store, corpus)

        final = _start(corpus["run"], db_url)
        _, err = final.communicate(timeout=300)
        assert final.returncode == 0, f"seed {seed}: {err.decode(errors='replace')[-2000:]}"
        assert kills >= 1, f"seed {seed}: the run finished before any kill"

        # exactly once: every document, each equal to an uninterrupted analysis
        docs = store.documents(limit=None)
        assert sorted(d["doc"] for d in docs) == sorted(corpus["after"])
        for doc, expected in corpus["after"].items():
            assert store.analysis(doc).model_dump() == expected.model_dump(), f"seed {seed}: {doc}"
        _check_consistent(store, corpus)

        # corrections: the same ones, once each, unchanged, still live; an unflagged one still applied
        def essence(c):
            return c["id"], c["kind"], c["key"], c["action"], c["field"], c["after"], c["reason"]

        now = store.corrections()
        assert sorted(map(essence, now)) == sorted(map(essence, corrections)), f"seed {seed}"
        assert all(c["status"] in LIVE for c in now)
        status = next(c for c in now if c["kind"] == "event")
        if status["status"] == "active":
            events = store.corrected_analysis(corpus["event_doc"])["events"]
            assert any(e["key"] == status["key"] and e["status"] == status["after"] for e in events)

        # a run over a finished store analyses nothing
        again = _start(corpus["run"], db_url)
        _, err = again.communicate(timeout=120)
        assert again.returncode == 0 and b"ingested 0, skipped %d" % N_DOCS in err
    finally:
        store.close()
