"""Resource limits (dragoman/limits.py): defaults and overrides, the per-document time limit that
really stops a runaway analysis (main thread, worker thread, CLI, API), the request body limit,
and the records-per-file limit.

The runaway is a spaCy component written for these tests that spins forever on a marked text:
a blank English pipeline carries it, so no model is loaded here."""
from __future__ import annotations

import json
import threading
import time

import pytest
import spacy
from fastapi.testclient import TestClient
from spacy.language import Language

from dragoman import limits
from dragoman.ingest import IngestError, read_inputs
from dragoman.model import Article
from dragoman.nlp import register_extensions

RUNAWAY = "spins forever"


@Language.component("runaway_for_tests")
def _runaway(doc):
    if RUNAWAY in doc.text:
        while True:  # a stage stuck in a loop: only the time limit ends it
            pass
    return doc


@pytest.fixture(scope="module")
def runaway_nlp():
    register_extensions()
    nlp = spacy.blank("en")
    nlp.add_pipe("runaway_for_tests")
    return nlp


def article(doc: str, text: str) -> Article:
    return Article(doc=doc, text=text, published="2025-02-10")


def test_defaults_environment_and_overrides():
    assert limits.current(environ={}) == limits.Limits()
    env = {"DRAGOMAN_MAX_DOCUMENT_BYTES": "1_000", "DRAGOMAN_ANALYSIS_SECONDS": "2.5",
           "DRAGOMAN_MAX_REQUEST_BYTES": "5000", "DRAGOMAN_MAX_RECORDS": "7"}
    got = limits.current(environ=env)
    assert (got.max_document_bytes, got.analysis_seconds, got.max_request_bytes, got.max_records) == (1000, 2.5, 5000, 7)
    assert limits.current(environ=env, max_records=9, analysis_seconds=None).max_records == 9
    with pytest.raises(ValueError, match="DRAGOMAN_MAX_RECORDS"):
        limits.current(environ={"DRAGOMAN_MAX_RECORDS": "lots"})
    with pytest.raises(ValueError, match="max_document_bytes"):
        limits.current(environ={"DRAGOMAN_MAX_DOCUMENT_BYTES": "-3"})


def _spin(swallow_once: bool = False):
    if swallow_once:
        try:
            while True:
                pass
        except Exception:  # code that swallows the first timeout must still be stopped
            pass
    while True:
        pass


@pytest.mark.parametrize("swallow_once", [False, True])
def test_deadline_stops_a_loop_in_the_main_thread(swallow_once):
    started = time.monotonic()
    with pytest.raises(limits.AnalysisTimeout, match="analysis of doc-7 stopped after 0.3 s"):
        with limits.deadline(0.3, "doc-7"):
            _spin(swallow_once)
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("swallow_once", [False, True])
def test_deadline_stops_a_loop_in_a_worker_thread(swallow_once):
    outcome = {}

    def work():
        try:
            with limits.deadline(0.3, "doc-8"):
                _spin(swallow_once)
        except limits.AnalysisTimeout as err:
            outcome["error"] = err

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "the runaway thread was not stopped"
    assert outcome["error"].name == "doc-8"


def test_pausing_and_resuming_in_a_worker_keeps_one_watchdog():
    counts = []

    def work():
        with limits.deadline(100, "long batch") as clock:
            for _ in range(500):  # one resume per analysed document of a long run
                clock.pause()
                clock.resume()
            counts.append(threading.active_count())

    before = threading.active_count()
    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=30)
    assert counts and counts[0] <= before + 2  # the worker and its one watchdog
    time.sleep(0.2)
    assert threading.active_count() == before  # the watchdog ends with the block


def test_a_finished_block_is_never_interrupted_later():
    for _ in range(20):
        with limits.deadline(0.05, "quick"):
            pass
    time.sleep(0.3)  # a stray timer would raise here
    with limits.deadline(0, "unlimited") as clock:
        clock.pause()
        clock.resume()


def test_analyze_resilient_skips_the_runaway_and_keeps_the_others(runaway_nlp):
    from dragoman.cli import analyze_resilient

    docs = [article("a", "Troops crossed the border."), article("stuck", f"A text that {RUNAWAY}."),
            article("c", "Talks resumed in Geneva.")]
    errors = []
    started = time.monotonic()
    done = [a.doc for a in analyze_resilient(docs, runaway_nlp, on_error=lambda d, e: errors.append((d, e)),
                                             batch_size=2, seconds=0.4)]
    assert done == ["a", "c"]
    assert [d for d, _ in errors] == ["stuck"] and isinstance(errors[0][1], limits.AnalysisTimeout)
    assert "analysis of stuck stopped" in str(errors[0][1])
    assert time.monotonic() - started < 10


def test_cli_reports_the_runaway_document_and_exits_partial(runaway_nlp, monkeypatch, tmp_path):
    from click.testing import CliRunner

    import dragoman.nlp
    from dragoman.cli import cli

    monkeypatch.setattr(dragoman.nlp, "load_pipeline", lambda *a, **k: runaway_nlp)
    records = [{"id": "fine", "text": "Troops crossed the border on Monday, officials said."},
               {"id": "stuck", "text": f"Officials said the text {RUNAWAY} and never ends."}]
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    result = CliRunner().invoke(cli, ["analyze", str(path), "--no-store", "--format", "json", "--out",
                                      str(tmp_path / "out"), "--time-limit", "0.3"])
    assert result.exit_code == 1, result.output
    assert "stuck: analysis failed: analysis of stuck stopped after 0.3 s" in result.stderr
    assert (tmp_path / "out" / "fine.json").exists() and not (tmp_path / "out" / "stuck.json").exists()


@pytest.fixture
def small_app(monkeypatch, tmp_path, runaway_nlp):
    import dragoman.nlp
    from dragoman.api import create_app

    monkeypatch.setenv("DRAGOMAN_ANALYSIS_SECONDS", "0.3")
    monkeypatch.setenv("DRAGOMAN_MAX_REQUEST_BYTES", "4000")
    monkeypatch.setattr(dragoman.nlp, "load_pipeline", lambda *a, **k: runaway_nlp)
    app = create_app(f"sqlite:///{tmp_path / 'limits.db'}")
    with TestClient(app) as client:
        yield client, {"Authorization": f"Bearer {app.state.store.create_token('limits')}"}
    app.state.store.close()


def test_api_stops_a_runaway_analysis_with_a_json_error(small_app):
    client, auth = small_app
    response = client.post("/api/articles", headers=auth,
                           json={"doc": "stuck-doc", "text": f"Officials said the text {RUNAWAY} at length."})
    assert response.status_code == 422
    assert "analysis of stuck-doc stopped after 0.3 s" in response.json()["detail"]
    fine = client.post("/api/articles", headers=auth, json={"doc": "fine", "text": "Troops crossed the border."})
    assert fine.status_code == 201, fine.text  # the worker thread and the lock are free again


def test_api_refuses_an_oversized_body_with_413(small_app):
    client, auth = small_app
    big = {"doc": "big", "text": "Troops crossed the border. " * 200}
    response = client.post("/api/articles", headers=auth, json=big)
    assert response.status_code == 413 and response.json()["error"] == "request body too large"

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(10):
            yield b"x" * 1000

    response = client.post("/api/articles", headers={**auth, "Content-Type": "application/json"}, content=chunks())
    assert response.status_code == 413 and "4,000 bytes" in response.json()["detail"]
    assert client.get("/api/events").status_code == 200


def test_jsonl_records_beyond_the_limit_are_refused_naming_the_line(tmp_path):
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(json.dumps({"id": f"r{i}", "text": "Troops crossed the border."}) for i in range(5)),
                    encoding="utf-8")
    items = list(read_inputs([str(path)], max_records=3))
    assert [getattr(i, "doc", None) for i in items[:3]] == ["r0", "r1", "r2"]
    assert len(items) == 4 and isinstance(items[3], IngestError)
    assert items[3].input_name == f"{path}:4" and "too many records" in items[3].message


def test_bounded_caches_stay_within_their_bound_and_answer_every_key_asked():
    """The cross-document caches (strings, gazetteer rows, town countries, furniture spans) are
    emptied when full: memory stays flat over any corpus, and what was just asked is kept."""
    from dragoman.caching import BoundedDict

    cache = BoundedDict(3)
    for n in range(10):
        assert cache.remember(f"k{n}", n) == n
        assert len(cache) <= 3 and cache[f"k{n}"] == n
    cache.remember_missing(["a", "b", "k9"], str.upper)
    assert set(cache) == {"a", "b", "k9"} and cache["a"] == "A"  # emptied first: every key asked is there
    cache.remember_missing(["a", "c"], str.upper)  # full again: emptied, then both kept
    assert set(cache) == {"a", "c"}


def test_a_malformed_data_file_is_refused_naming_the_file(tmp_path):
    """Every stage reads its data files through one reader: a file that is not a versioned
    mapping, or (where asked) gives a key twice, fails with an error that names it."""
    from dragoman.datafiles import read_data

    unversioned = tmp_path / "cues.yaml"
    unversioned.write_text("said: {stance: asserted}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="cues.yaml: expected a mapping with 'version: 1'"):
        read_data(unversioned)
    repeated = tmp_path / "stance.yaml"
    repeated.write_text("version: 1\nsaid: 1\nsaid: 2\n", encoding="utf-8")
    assert read_data(repeated)["said"] == 2  # the fast reader keeps the last, as YAML readers do
    with pytest.raises(ValueError, match=r"stance.yaml.*duplicate keys \['said'\]"):
        read_data(repeated, unique_keys=True)
