"""scripts/score_all.py: samples sets evenly, survives a failing set, rewrites only the README's score block."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "score_all.py"


@pytest.fixture(scope="module")
def score_all():
    spec = importlib.util.spec_from_file_location("score_all", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_spread_takes_documents_from_the_whole_set(score_all):
    items = list(range(100))
    picked = score_all.spread(items, 4)
    assert picked == [0, 25, 50, 75]
    assert score_all.spread(items, None) == items and score_all.spread(items[:3], 10) == [0, 1, 2]


def test_set_documents_reads_a_real_gold_set(score_all):
    set_dir = score_all.GOLD / "fakes-dev"
    if not set_dir.is_dir():
        pytest.skip(f"{set_dir} is absent: the shared gold sets are not mounted")
    docs = score_all.set_documents(set_dir, 3)
    assert len(docs) == 3
    assert all((set_dir / f"{d}.txt").exists() and (set_dir / f"{d}.gold.json").exists() for d in docs)
    assert len(score_all.set_documents(set_dir, None)) == len(list(set_dir.glob("*.gold.json")))


def test_readme_block_is_replaced_and_the_rest_kept(score_all, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Title\n\nIntro.\n\n<!-- scores:start -->\nold table\n<!-- scores:end -->\n\nAfter.\n")
    score_all.update_readme("| new | table |", readme)
    text = readme.read_text()
    assert "old table" not in text and "| new | table |" in text
    assert text.startswith("# Title\n\nIntro.\n\n<!-- scores:start -->") and text.endswith("<!-- scores:end -->\n\nAfter.\n")
    score_all.update_readme("| newer |", readme)
    assert readme.read_text().count("<!-- scores:start -->") == 1 and "| new | table |" not in readme.read_text()


def test_readme_without_markers_gets_a_scores_section(score_all, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Title\n")
    score_all.update_readme("| t |", readme)
    assert readme.read_text() == "# Title\n\n## Scores\n\n<!-- scores:start -->\n| t |\n<!-- scores:end -->\n"


def test_a_failed_set_is_a_row_not_a_crash(score_all):
    figures = {k: None for k in ("events_precision", "events_recall", "events_f1", "event_dates_accuracy",
                                 "event_places_accuracy", "places_accuracy_161km", "dates_accuracy",
                                 "actors_accuracy", "claims_recall", "claims_precision", "claims_stance_accuracy")}
    figures.update(events_precision=0.5, events_recall=0.25, events_f1=1 / 3, unreadable_predictions=[])
    text = score_all.table([{"set": "good", "docs": 2, "figures": figures, "seconds": 1.0},
                            {"set": "bad", "docs": 3, "error": "RuntimeError: boom"}], None, "in process")
    lines = text.splitlines()
    assert lines[0].startswith("| set | docs | events P/R/F1 |")
    assert "| good | 2 | 0.50/0.25/0.33 | – |" in lines[2]
    assert lines[3].startswith("| bad | 3 | failed: RuntimeError: boom |")
    assert all(line.count("|") == lines[0].count("|") for line in lines[:4])


def test_a_missing_set_fails_alone(score_all, capsys):
    if not score_all.GOLD.is_dir():
        pytest.skip("the shared gold sets are not mounted (../shared/gold)")
    status = score_all.main(["--sets", "no-such-set"])
    out = capsys.readouterr().out
    assert status == 1
    assert "| no-such-set | 0 | failed: no such gold set |" in out and "Scored " in out


def test_run_set_scores_the_dev_set(score_all, tmp_path):
    """The dev article analysed in process (the model is shared with the other tests) and scored by score.py."""
    if not (score_all.GOLD / "dev").is_dir():
        pytest.skip("the shared gold sets are not mounted")
    result = score_all.run_set("dev", None, tmp_path, exe=None)
    assert "error" not in result, result.get("error")
    assert result["docs"] == 1 and result["figures"]["documents"] == 1
    assert result["figures"]["unreadable_predictions"] == []
    assert (tmp_path / "dev" / "pred" / "enab-baladi-turkish-bases.json").exists()
    row = score_all.row(result)
    assert row[0] == "dev" and len(row) == len(score_all.COLUMNS)
