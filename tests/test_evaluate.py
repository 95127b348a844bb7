"""`dragoman evaluate`: its matching follows the gold README and its figures agree with score.py.

The small gold and prediction records below are written for these tests; real articles
are read from /work/shared at run time (skipped when it is absent).
"""
from __future__ import annotations

import itertools
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dragoman.evaluate import (MATCH_WEIGHT, NONE, best_pairs, claim_matches, date_right, evaluate,
                               names_agree, place_right, read_gold, score)

SHARED = Path(__file__).resolve().parents[2] / "shared"  # ../shared beside the repository
SCORER = SHARED / "tools" / "score.py"

ANKARA = {"name": "Ankara", "lat": 39.9334, "lon": 32.8597}
TURKEY = {"name": "Turkey", "country": "TUR", "sectors": ["GOV"]}
SYRIA = {"name": "Syria", "country": "SYR", "sectors": ["GOV"]}


def _ref(name, country, sector):
    return {"name": name, "country": country, "sector": sector}


# ------------------------------------------------------------------ the matching rules

def test_names_agree_when_one_names_words_are_in_the_other():
    assert names_agree("Erdoğan", "Recep Tayyip Erdogan")
    assert names_agree("the Syrian Observatory", "Syrian Observatory for Human Rights")
    assert not names_agree("Syrian army", "Turkish army")
    assert not names_agree("", "Reuters")


def test_dates_are_right_inside_the_gold_period():
    assert date_right("2025-01-25/2025-01-31", "2025-01")
    assert date_right("2025-W06", "2025")
    assert not date_right("2025-02", "2025-02-04")
    assert not date_right(None, "2025")


def test_places_within_161_km_or_same_country():
    near = {"name": "Ankara airport", "lat": 40.128, "lon": 32.995}
    assert place_right(near, ANKARA)
    assert not place_right({"lat": 41.0082, "lon": 28.9784}, ANKARA)  # Istanbul, ~350 km
    assert place_right({"kind": "country", "country": "SYR"}, {"name": "Syria", "kind": "country", "country": "SYR"})


def test_claim_needs_the_quote_in_the_evidence_and_the_speaker():
    gold = {"speaker": "Syrian Defense Ministry", "speaker_aliases": ["ministry"],
            "quote": "no strikes were carried out", "stances": ["denied"]}
    pred = {"speaker": {"name": "the ministry"}, "stance": "denied",
            "evidence": "The ministry said on Monday that no strikes were carried out."}
    assert claim_matches(gold, pred)
    assert not claim_matches(gold, {**pred, "speaker": {"name": "Reuters"}})
    assert not claim_matches(gold, {**pred, "evidence": "The ministry said strikes happened."})


def test_best_pairs_maximises_matches_then_details():
    rng = random.Random(7)
    for _ in range(200):
        n, m = rng.randint(0, 5), rng.randint(0, 5)
        ok = [[rng.random() < 0.5 for _ in range(m)] for _ in range(n)]
        det = [[rng.random() < 0.5 for _ in range(m)] for _ in range(n)]
        pairs = best_pairs(list(range(n)), list(range(m)), lambda g, p: ok[g][p], lambda g, p: det[g][p])
        assert len({g for g, _ in pairs}) == len({p for _, p in pairs}) == len(pairs)
        got = sum(MATCH_WEIGHT + det[g][p] for g, p in pairs if ok[g][p])
        best = max((sum(MATCH_WEIGHT + det[g][p] for g, p in zip(rows, cols) if ok[g][p])
                    for rows in itertools.permutations(range(n), min(n, m))
                    for cols in itertools.permutations(range(m), min(n, m))), default=0)
        assert got == best


def _doc(tmp_path: Path, name: str, text: str, gold: dict) -> None:
    (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    (tmp_path / f"{name}.gold.json").write_text(json.dumps(gold), encoding="utf-8")


def test_report_counts_types_confusion_and_errors(tmp_path):
    text = "Turkish and Syrian ministers met in Ankara on Monday. The ministry denied the strike."
    gold = {"published": "2025-02-10", "events": [
        {"type": "CONSULT", "source": TURKEY, "target": SYRIA, "symmetric": True, "date": "2025-02-03",
         "place": ANKARA},
        {"type": "ACCUSE", "source": SYRIA, "target": TURKEY},
        {"type": "ASSAULT", "source": TURKEY, "target": SYRIA}],
        "claims": [{"speaker": "ministry", "quote": "denied the strike", "stances": ["denied"]}],
        "places": [{"mention": "Ankara", **ANKARA}]}
    _doc(tmp_path, "a", text, gold)
    pred = {"events": [
        # the meeting, actors the other way round: right (symmetric), date and place right
        {"type": "CONSULT", "source": _ref("Syria", "SYR", "GOV"), "target": _ref("Turkey", "TUR", "GOV"),
         "date": "2025-02-03", "place": {"name": "Ankara", "lat": 39.93, "lon": 32.85}, "evidence": [text[:52]]},
        # the accusation read as a threat: wrong type
        {"type": "THREATEN", "source": _ref("Syria", "SYR", "GOV"), "target": _ref("Turkey", "TUR", "GOV"),
         "evidence": ["x"]},
        # nothing in the gold
        {"type": "AID", "source": _ref("Turkey", "TUR", "GOV"), "target": _ref("Iraq", "IRQ", "GOV"),
         "evidence": ["y"]}],
        "claims": [{"speaker": {"name": "ministry"}, "stance": "asserted", "evidence": text[53:].strip()}],
        "places": [{"mention": "Ankara", **ANKARA}]}
    report = score(read_gold(tmp_path), {"a": pred})
    ev = report["events"]
    assert (ev["gold"], ev["predicted"], ev["right"]) == (3, 3, 1)
    assert ev["dates_accuracy"] == 1.0 and ev["places_accuracy"] == 1.0
    assert report["events_per_type"]["CONSULT"]["f1"] == 1.0
    assert report["events_per_type"]["ACCUSE"]["recall"] == 0.0
    confusion = report["event_type_confusion"]
    assert confusion["CONSULT"] == {"CONSULT": 1}
    assert confusion["ACCUSE"] == {"THREATEN": 1}
    assert confusion["ASSAULT"] == {NONE: 1} and confusion[NONE] == {"AID": 1}
    errors = report["errors"]
    assert [e["gold"].split()[0] for e in errors["events_wrong_type"]] == ["ACCUSE"]
    assert [e["gold"].split()[0] for e in errors["events_missed"]] == ["ASSAULT"]
    assert [e["predicted"].split()[0] for e in errors["events_spurious"]] == ["AID"]
    assert report["claims"]["recall"] == 1.0 and report["claims"]["stance_accuracy"] == 0.0
    assert errors["claims_wrong_stance"][0]["sentence"] == "The ministry denied the strike."
    assert report["places"]["accuracy"] == 1.0


def test_missed_claim_shows_its_sentence(tmp_path):
    text = "Talks went on. Officials said the convoy was struck twice. Nothing else happened."
    _doc(tmp_path, "b", text, {"claims": [{"speaker": "officials", "quote": "the convoy was struck twice",
                                            "stances": ["asserted"]}]})
    report = score(read_gold(tmp_path), {"b": {"claims": []}})
    missed = report["errors"]["claims_missed"][0]
    assert missed["sentence"] == "Officials said the convoy was struck twice."
    assert report["claims"]["recall"] == 0.0 and report["claims"]["precision"] is None


def test_command_writes_json_and_tables_from_a_prediction_folder(tmp_path):
    from dragoman.cli import cli

    gold_dir, pred_dir = tmp_path / "gold", tmp_path / "pred"
    gold_dir.mkdir()
    pred_dir.mkdir()
    _doc(gold_dir, "c", "Syria accused Turkey of shelling.", {
        "events": [{"type": "ACCUSE", "source": SYRIA, "target": TURKEY}]})
    (pred_dir / "c.json").write_text(json.dumps({"events": [
        {"type": "ACCUSE", "source": _ref("Syria", "SYR", "GOV"), "target": _ref("Turkey", "TUR", "GOV")}]}))
    out = tmp_path / "report.json"
    result = CliRunner().invoke(cli, ["evaluate", str(gold_dir), str(pred_dir), "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["events"]["f1"] == 1.0
    result = CliRunner().invoke(cli, ["evaluate", str(gold_dir), str(pred_dir)])
    assert result.exit_code == 0 and "events per PLOVER type" in result.output and "ACCUSE" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(cli, ["evaluate", str(empty), str(pred_dir)])
    assert result.exit_code != 0 and "no *.gold.json" in result.output


# ------------------------------------------------------------------ agreement with score.py on real sets

@pytest.fixture(scope="module")
def shared_predictions(tmp_path_factory):
    """dragoman's analyses of the dev and fakes-dev texts, written as `dragoman analyze` would."""
    if not (SCORER.exists() and (SHARED / "gold" / "fakes-dev").is_dir()):
        pytest.skip("/work/shared (gold sets and score.py) is absent")
    from dragoman.evaluate import analyse

    out = {}
    for name in ("dev", "fakes-dev"):
        pred_dir = tmp_path_factory.mktemp(name)
        for doc, analysis in analyse(read_gold(SHARED / "gold" / name)).items():
            (pred_dir / f"{doc}.json").write_text(json.dumps(analysis, ensure_ascii=False), encoding="utf-8")
        out[name] = pred_dir
    return out


@pytest.mark.parametrize("set_name", ["dev", "fakes-dev"])
def test_overall_figures_agree_with_the_shared_scorer(shared_predictions, set_name):
    gold_dir, pred_dir = SHARED / "gold" / set_name, shared_predictions[set_name]
    theirs = json.loads(subprocess.run([sys.executable, str(SCORER), str(gold_dir), str(pred_dir), "--json"],
                                       capture_output=True, text=True, check=True).stdout)
    ours = evaluate(gold_dir, pred_dir)
    assert ours["events"]["precision"] == theirs["events_precision"]
    assert ours["events"]["recall"] == theirs["events_recall"]
    assert ours["events"]["f1"] == theirs["events_f1"]
    assert ours["events"]["dates_accuracy"] == theirs["event_dates_accuracy"]
    assert ours["events"]["places_accuracy"] == theirs["event_places_accuracy"]
    assert ours["claims"]["recall"] == theirs["claims_recall"]
    assert ours["claims"]["precision"] == theirs["claims_precision"]
    assert ours["places"]["accuracy"] == theirs["places_accuracy_161km"]
    assert ours["dates"]["accuracy"] == theirs["dates_accuracy"]
    assert ours["actors"]["accuracy"] == theirs["actors_accuracy"]
    assert ours["unreadable_predictions"] == theirs["unreadable_predictions"] == []
