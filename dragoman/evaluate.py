"""`dragoman evaluate GOLD_DIR [PRED_DIR]`: how well dragoman reads a folder of annotated articles.

A gold folder holds `<doc>.txt` (the article) and `<doc>.gold.json` (what an analyst reads
out of it); the format and the matching rules are those of the project's gold README:

- events match when the PLOVER type and both actors agree (source and target in order,
  either order when the gold event is `symmetric`); one prediction matches at most one
  gold event. Dates and places of matched events are then checked.
- an actor agrees when its ISO alpha-3 country agrees (and its sector is one of the gold
  `sectors`, where given); an actor of no state must carry the gold name or an alias.
- places, dates and actors are each listed once by mention; a prediction with the same
  mention text is right when a place lies within 161 km (or, for a country, has the same
  country code), when a date's period lies inside the gold period, when an actor agrees.
- claims match when the predicted evidence contains the gold quote and the speaker carries
  the gold speaker's name or an alias; the stance is then checked against the gold stances.

Without PRED_DIR the articles are analysed here (model loaded once); with it, the
`<doc>.json` analyses written by `dragoman analyze --format json` are read instead.

The report gives precision, recall and F1 per PLOVER type, a confusion table of event
types (a gold event whose actors a prediction of another type has), the other fields'
figures, and every error with its sentence. `evaluate()` returns it as a dict; the
command prints it as tables or JSON.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Optional

import click

GEO_TOLERANCE_KM = 161.0  # accuracy@161km, the usual geoparsing tolerance
EARTH_RADIUS_KM = 6371.0
NAME_FILLERS = {"", "al", "the", "of"}  # words that do not tell two names apart
MATCH_WEIGHT = 1000                     # a pairing first maximises matches, then agreeing details
NONE = "—"                              # the confusion table's row/column for "no event"


# ------------------------------------------------------------------ text and names

def normalize(text) -> str:
    """Case-, accent- and punctuation-insensitive form of a mention, quote or name."""
    if text is None:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    for curly, straight in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"')):
        plain = plain.replace(curly, straight)
    plain = re.sub(r"[^\w' -]", " ", plain.casefold())
    plain = " ".join(plain.split())
    return plain[4:] if plain.startswith("the ") else plain


def name_words(name) -> set[str]:
    return {w for w in re.split(r"[ \-']+", normalize(name))} - NAME_FILLERS


def names_agree(a, b) -> bool:
    """One name's words all occur in the other ("Erdoğan" and "Recep Tayyip Erdoğan")."""
    wa, wb = name_words(a), name_words(b)
    return bool(wa and wb) and (wa <= wb or wb <= wa)


def quoted_in(haystack, quote) -> bool:
    return bool(quote) and normalize(quote) in normalize(haystack)


# ------------------------------------------------------------------ dates as periods

def period(value) -> Optional[tuple[date, date]]:
    """First and last day of an ISO 8601 value: 2025, 2025-02, 2025-02-04, 2025-W06, A/B."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if "/" in value:
        first, last = value.split("/", 1)
        a, b = period(first), period(last)
        return (a[0], b[1]) if a and b else None
    try:
        if re.fullmatch(r"\d{4}", value):
            return date(int(value), 1, 1), date(int(value), 12, 31)
        if re.fullmatch(r"\d{4}-\d{2}", value):
            year, month = int(value[:4]), int(value[5:])
            start = date(year, month, 1)
            following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
            return start, following - timedelta(days=1)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value[:10]):
            day = date.fromisoformat(value[:10])
            return day, day
        week = re.fullmatch(r"(\d{4})-W(\d{2})", value)
        if week:
            monday = date.fromisocalendar(int(week[1]), int(week[2]), 1)
            return monday, monday + timedelta(days=6)
    except ValueError:
        return None
    return None


def date_right(predicted, gold) -> bool:
    """Right when the predicted period lies inside the gold one."""
    p, g = period(predicted), period(gold)
    return bool(p and g) and g[0] <= p[0] and p[1] <= g[1]


# ------------------------------------------------------------------ places and actors

def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = (math.radians(x) for x in (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _coordinates(place) -> Optional[tuple[float, float]]:
    try:
        return float(place["lat"]), float(place["lon"])
    except (KeyError, TypeError, ValueError):
        return None


def place_right(predicted, gold: dict) -> bool:
    if not isinstance(predicted, dict):
        return False
    if gold.get("kind") == "country" and gold.get("country") and predicted.get("kind") in (None, "country") \
            and predicted.get("country") == gold["country"]:
        return True
    p, g = _coordinates(predicted), _coordinates(gold)
    return bool(p and g) and distance_km(p, g) <= GEO_TOLERANCE_KM


def actor_right(predicted, gold) -> bool:
    if not isinstance(predicted, dict) or not isinstance(gold, dict):
        return False
    if gold.get("country"):
        if predicted.get("country") != gold["country"]:
            return False
        return not gold.get("sectors") or predicted.get("sector") in gold["sectors"]
    name = predicted.get("name") or predicted.get("mention") or ""
    return any(names_agree(name, n) for n in [gold.get("name", "")] + list(gold.get("aliases") or []) if n)


# ------------------------------------------------------------------ events and claims

def actors_agree(gold: dict, predicted: dict) -> bool:
    """Source and target agree, in order - or in either order for a symmetric gold event."""
    in_order = actor_right(predicted.get("source"), gold.get("source")) and (
        gold.get("target") is None or actor_right(predicted.get("target"), gold["target"]))
    swapped = bool(gold.get("symmetric")) and actor_right(predicted.get("target"), gold.get("source")) \
        and actor_right(predicted.get("source"), gold.get("target"))
    return in_order or swapped


def event_matches(gold: dict, predicted: dict) -> bool:
    return predicted.get("type") == gold.get("type") and actors_agree(gold, predicted)


def event_details_right(gold: dict, predicted: dict) -> bool:
    return (not gold.get("date") or date_right(predicted.get("date"), gold["date"])) and \
        (not gold.get("place") or place_right(predicted.get("place"), gold["place"]))


def _evidence_text(record: dict) -> str:
    evidence = record.get("evidence") or ""
    return " ".join(map(str, evidence)) if isinstance(evidence, list) else str(evidence)


def _speaker_name(claim: dict) -> str:
    speaker = claim.get("speaker") or {}
    return (speaker.get("name") or "") if isinstance(speaker, dict) else str(speaker)


def claim_matches(gold: dict, predicted: dict) -> bool:
    if not quoted_in(_evidence_text(predicted), gold.get("quote")):
        return False
    names = [gold.get("speaker", "")] + list(gold.get("speaker_aliases") or [])
    return any(names_agree(_speaker_name(predicted), n) for n in names if n)


def claim_stance_right(gold: dict, predicted: dict) -> bool:
    return predicted.get("stance") in (gold.get("stances") or [])


# ------------------------------------------------------------------ one-to-one pairing

def best_pairs(golds: list, preds: list, matches: Callable[[dict, dict], bool],
               details: Callable[[dict, dict], bool] = lambda g, p: False) -> list[tuple[int, int]]:
    """(gold index, prediction index) pairs, each record used once: as many matches as
    possible and, among those, as many whose details also agree.

    An assignment problem on gains MATCH_WEIGHT (+1 when the details agree), solved with
    shortest augmenting paths over dual potentials (Kuhn-Munkres), O(n^2 m)."""
    n, m = len(golds), len(preds)
    if not n or not m:
        return []
    gain = [[0] * m for _ in range(n)]
    for i, g in enumerate(golds):
        for j, p in enumerate(preds):
            if matches(g, p):
                gain[i][j] = MATCH_WEIGHT + (1 if details(g, p) else 0)
    # rows must not outnumber columns: transpose when there are more golds than predictions
    transposed = n > m
    if transposed:
        gain = [list(col) for col in zip(*gain)]
        n, m = m, n
    cost = [[-x for x in row] for row in gain]
    inf = float("inf")
    row_pot, col_pot = [0.0] * n, [0.0] * (m + 1)
    owner = [-1] * (m + 1)            # owner[j]: the row assigned to column j; column m is the virtual start
    for row in range(n):
        owner[m] = row
        best = [inf] * (m + 1)
        came_from = [m] * (m + 1)
        visited = [False] * (m + 1)
        col = m
        while True:
            visited[col] = True
            r, step, nxt = owner[col], inf, -1
            for j in range(m):
                if visited[j]:
                    continue
                reduced = cost[r][j] - row_pot[r] - col_pot[j]
                if reduced < best[j]:
                    best[j], came_from[j] = reduced, col
                if best[j] < step:
                    step, nxt = best[j], j
            for j in range(m + 1):
                if visited[j]:
                    row_pot[owner[j]] += step
                    col_pot[j] -= step
                else:
                    best[j] -= step
            col = nxt
            if owner[col] == -1:
                break
        while col != m:  # flip the augmenting path back to the start
            prev = came_from[col]
            owner[col] = owner[prev]
            col = prev
    pairs = [(owner[j], j) for j in range(m) if owner[j] != -1 and gain[owner[j]][j] > 0]
    if transposed:
        pairs = [(j, i) for i, j in pairs]
    return sorted(pairs)


# ------------------------------------------------------------------ reading the folders

@dataclass
class GoldDoc:
    doc: str
    text: str
    gold: dict


def read_gold(gold_dir: Path) -> list[GoldDoc]:
    """Every <doc>.gold.json of the folder with its <doc>.txt, in name order."""
    out = []
    for path in sorted(Path(gold_dir).glob("*.gold.json")):
        doc = path.name[: -len(".gold.json")]
        gold = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(gold, dict):
            raise ValueError(f"{path}: not a JSON object")
        text_path = path.parent / f"{doc}.txt"
        text = text_path.read_text(encoding="utf-8") if text_path.exists() else ""
        out.append(GoldDoc(doc, text, gold))
    return out


def read_predictions(docs: list[GoldDoc], pred_dir: Path) -> tuple[dict[str, dict], list[str]]:
    """PRED_DIR/<doc>.json for each gold document; unreadable ones count as empty."""
    preds, problems = {}, []
    for d in docs:
        path = Path(pred_dir) / f"{d.doc}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except (OSError, ValueError) as err:
            problems.append(f"{d.doc}: {type(err).__name__}")
            data = {}
        preds[d.doc] = data
    return preds, problems


def analyse(docs: list[GoldDoc], nlp=None, problems: Optional[list[str]] = None) -> dict[str, dict]:
    """Run dragoman on the gold texts, with each gold file's publication date. A text that
    cannot be read as an article is noted in `problems` and scored as an empty analysis."""
    from dragoman.ingest import IngestError, article_from_text
    from dragoman.pipeline import analyze_articles

    articles = []
    for d in docs:
        try:
            articles.append(article_from_text(d.text, doc=d.doc, published=d.gold.get("published")))
        except IngestError as err:
            if problems is not None:
                problems.append(f"{d.doc}: {err}")
    return {a.doc: a.model_dump(mode="json") for a in analyze_articles(articles, nlp=nlp)}


# ------------------------------------------------------------------ scoring

def _sentence(text: str, needle: str) -> str:
    """The sentence of the article that holds a quote or mention (empty when not found)."""
    if not text or not needle:
        return ""
    at = text.find(needle)
    if at < 0:
        at = text.replace("\xa0", " ").find(needle.replace("\xa0", " "))
    if at < 0:
        return ""
    start = max(text.rfind(". ", 0, at), text.rfind("\n", 0, at)) + 1
    ends = [e for e in (text.find(". ", at + len(needle)), text.find("\n", at + len(needle))) if e >= 0]
    end = min(ends) + 1 if ends else len(text)
    return " ".join(text[start:end].split())


def _actor_label(actor) -> str:
    if not isinstance(actor, dict):
        return ""
    extra = "/".join(x for x in (actor.get("country"), actor.get("sector") or "|".join(actor.get("sectors") or []))
                     if x)
    return f"{actor.get('name') or ''} ({extra})" if extra else str(actor.get("name") or "")


def _event_label(event: dict) -> str:
    return f"{event.get('type')} {_actor_label(event.get('source'))} → {_actor_label(event.get('target'))}"


@dataclass
class Tally:
    """Counts summed over documents."""
    counts: Counter = field(default_factory=Counter)
    per_type: dict[str, Counter] = field(default_factory=dict)
    confusion: dict[str, Counter] = field(default_factory=dict)
    errors: dict[str, list] = field(default_factory=lambda: {k: [] for k in ERROR_KINDS})

    def typed(self, event_type: str) -> Counter:
        return self.per_type.setdefault(event_type or "?", Counter())

    def confuse(self, gold_type: str, predicted_type: str) -> None:
        self.confusion.setdefault(gold_type or "?", Counter())[predicted_type or "?"] += 1


ERROR_KINDS = ("events_missed", "events_spurious", "events_wrong_type", "events_wrong_details",
               "claims_missed", "claims_spurious", "claims_wrong_stance",
               "actors_wrong", "places_wrong", "dates_wrong")


def _by_mention(items, mention) -> list[dict]:
    key = normalize(mention)
    return [i for i in items or [] if isinstance(i, dict) and normalize(i.get("mention")) == key]


def _score_mentions(tally: Tally, d: GoldDoc, pred: dict) -> None:
    checks = (("places", place_right, lambda g: g.get("name") or g["mention"]),
              ("dates", lambda p, g: date_right(p.get("value"), g["value"]), lambda g: g["value"]),
              ("actors", actor_right, _actor_label))
    for kind, right, show in checks:
        for g in d.gold.get(kind) or []:
            if not isinstance(g, dict) or "mention" not in g:
                continue
            tally.counts[kind] += 1
            found = _by_mention(pred.get(kind), g["mention"])
            if any(right(p, g) for p in found):
                tally.counts[f"{kind}_right"] += 1
                continue
            if kind == "dates":
                got = ", ".join(str(p.get("value")) for p in found)
            elif kind == "places":
                got = ", ".join(f"{p.get('name')} ({p.get('lat')}, {p.get('lon')})" for p in found)
            else:
                got = ", ".join(_actor_label(p) for p in found)
            tally.errors[f"{kind}_wrong"].append({
                "doc": d.doc, "mention": g["mention"], "gold": show(g), "predicted": got or None,
                "sentence": _sentence(d.text, g["mention"])})


def _score_events(tally: Tally, d: GoldDoc, pred: dict) -> None:
    golds = [g for g in d.gold.get("events") or [] if isinstance(g, dict)]
    preds = [e for e in pred.get("events") or [] if isinstance(e, dict)]
    tally.counts["events_gold"] += len(golds)
    tally.counts["events_pred"] += len(preds)
    for g in golds:
        tally.typed(g.get("type"))["gold"] += 1
    for p in preds:
        tally.typed(p.get("type"))["pred"] += 1
    matched = best_pairs(golds, preds, event_matches, event_details_right)
    for gi, pi in matched:
        g, p = golds[gi], preds[pi]
        tally.counts["events_right"] += 1
        tally.typed(g.get("type"))["right"] += 1
        tally.confuse(g.get("type"), p.get("type"))
        wrong = []
        if g.get("date"):
            tally.counts["events_dated"] += 1
            if date_right(p.get("date"), g["date"]):
                tally.counts["events_date_right"] += 1
            else:
                wrong.append(f"date {p.get('date')} for {g['date']}")
        if g.get("place"):
            tally.counts["events_placed"] += 1
            if place_right(p.get("place"), g["place"]):
                tally.counts["events_place_right"] += 1
            else:
                wrong.append(f"place {(p.get('place') or {}).get('name')} for {g['place'].get('name')}")
        if wrong:
            tally.errors["events_wrong_details"].append({
                "doc": d.doc, "gold": _event_label(g), "problem": "; ".join(wrong),
                "sentence": " ".join(map(str, p.get("evidence") or []))})
    # what is left: a gold event whose actors a prediction of another type has is a wrong type
    gold_left = [i for i in range(len(golds)) if i not in {gi for gi, _ in matched}]
    pred_left = [j for j in range(len(preds)) if j not in {pi for _, pi in matched}]
    retyped = best_pairs([golds[i] for i in gold_left], [preds[j] for j in pred_left],
                         lambda g, p: actors_agree(g, p))
    retyped = [(gold_left[a], pred_left[b]) for a, b in retyped]
    for gi, pi in retyped:
        g, p = golds[gi], preds[pi]
        tally.confuse(g.get("type"), p.get("type"))
        tally.errors["events_wrong_type"].append({
            "doc": d.doc, "gold": _event_label(g), "predicted": _event_label(p), "note": g.get("note"),
            "sentence": " ".join(map(str, p.get("evidence") or []))})
    for gi in set(gold_left) - {gi for gi, _ in retyped}:
        g = golds[gi]
        tally.confuse(g.get("type"), NONE)
        tally.errors["events_missed"].append({"doc": d.doc, "gold": _event_label(g), "note": g.get("note")})
    for pi in set(pred_left) - {pi for _, pi in retyped}:
        p = preds[pi]
        tally.confuse(NONE, p.get("type"))
        tally.errors["events_spurious"].append({
            "doc": d.doc, "predicted": _event_label(p), "sentence": " ".join(map(str, p.get("evidence") or []))})


def _score_claims(tally: Tally, d: GoldDoc, pred: dict) -> None:
    golds = [g for g in d.gold.get("claims") or [] if isinstance(g, dict)]
    preds = [c for c in pred.get("claims") or [] if isinstance(c, dict)]
    tally.counts["claims_gold"] += len(golds)
    tally.counts["claims_pred"] += len(preds)
    matched = best_pairs(golds, preds, claim_matches, claim_stance_right)
    for gi, pi in matched:
        g, p = golds[gi], preds[pi]
        tally.counts["claims_right"] += 1
        if claim_stance_right(g, p):
            tally.counts["claims_stance_right"] += 1
        else:
            tally.errors["claims_wrong_stance"].append({
                "doc": d.doc, "speaker": g.get("speaker"), "gold": g.get("stances"), "predicted": p.get("stance"),
                "sentence": _evidence_text(p)})
    for gi in set(range(len(golds))) - {gi for gi, _ in matched}:
        g = golds[gi]
        near = [_speaker_name(p) for p in preds if quoted_in(_evidence_text(p), g.get("quote"))]
        tally.errors["claims_missed"].append({
            "doc": d.doc, "speaker": g.get("speaker"), "quote": g.get("quote"),
            "predicted_speakers": near, "sentence": _sentence(d.text, g.get("quote", ""))})
    for pi in set(range(len(preds))) - {pi for _, pi in matched}:
        p = preds[pi]
        tally.errors["claims_spurious"].append({
            "doc": d.doc, "speaker": _speaker_name(p), "stance": p.get("stance"), "sentence": _evidence_text(p)})


def _ratio(a: int, b: int) -> Optional[float]:
    return round(a / b, 3) if b else None


def _f1(p: Optional[float], r: Optional[float]) -> Optional[float]:
    if p is None or r is None:
        return None
    return round(2 * p * r / (p + r), 3) if p + r else 0.0


def summarise(tally: Tally, present: set[str]) -> dict:
    c = tally.counts
    figures: dict = {}
    if "events" in present:
        # precision is undefined without predictions (or without gold); F1 is then 0 when gold exists
        p = _ratio(c["events_right"], c["events_pred"]) if c["events_gold"] else None
        r = _ratio(c["events_right"], c["events_gold"])
        f1 = _f1(p, r) if p is not None else (0.0 if r is not None else None)
        figures["events"] = {
            "gold": c["events_gold"], "predicted": c["events_pred"], "right": c["events_right"],
            "precision": p, "recall": r, "f1": f1,
            "dates_accuracy": _ratio(c["events_date_right"], c["events_dated"]),
            "places_accuracy": _ratio(c["events_place_right"], c["events_placed"]),
        }
        per_type = {}
        for t in sorted(tally.per_type):
            k = tally.per_type[t]
            tp, tr = _ratio(k["right"], k["pred"]), _ratio(k["right"], k["gold"])
            per_type[t] = {"gold": k["gold"], "predicted": k["pred"], "right": k["right"],
                           "precision": tp, "recall": tr, "f1": _f1(tp, tr)}
        figures["events_per_type"] = per_type
        figures["event_type_confusion"] = {g: dict(sorted(row.items())) for g, row in sorted(tally.confusion.items())}
    for kind in ("places", "dates", "actors"):
        if kind in present:
            right = c[f"{kind}_right"]
            figures[kind] = {"gold": c[kind], "right": right, "accuracy": _ratio(right, c[kind])}
    if "claims" in present:
        figures["claims"] = {
            "gold": c["claims_gold"], "predicted": c["claims_pred"], "right": c["claims_right"],
            "recall": _ratio(c["claims_right"], c["claims_gold"]),
            "precision": _ratio(c["claims_right"], c["claims_pred"]) if c["claims_gold"] else None,
            "stance_accuracy": _ratio(c["claims_stance_right"], c["claims_right"]),
        }
    return figures


def score(docs: list[GoldDoc], predictions: dict[str, dict]) -> dict:
    """The report over documents and their predictions (doc -> analysis dict)."""
    tally = Tally()
    present: set[str] = set()
    for d in docs:
        pred = predictions.get(d.doc) or {}
        present.update(k for k in ("events", "claims", "places", "dates", "actors") if k in d.gold)
        _score_mentions(tally, d, pred)
        if "events" in d.gold:
            _score_events(tally, d, pred)
        if "claims" in d.gold:
            _score_claims(tally, d, pred)
    report = {"documents": len(docs), **summarise(tally, present)}
    report["errors"] = {k: v for k, v in tally.errors.items() if v}
    return report


def evaluate(gold_dir: Path, pred_dir: Optional[Path] = None, nlp=None) -> dict:
    """Score dragoman on a gold folder: its own analyses, or those in pred_dir."""
    docs = read_gold(Path(gold_dir))
    if not docs:
        raise ValueError(f"no *.gold.json in {gold_dir}")
    problems: list[str] = []
    if pred_dir is not None:
        predictions, problems = read_predictions(docs, Path(pred_dir))
    else:
        predictions = analyse(docs, nlp=nlp, problems=problems)
    report = score(docs, predictions)
    report["gold_dir"], report["pred_dir"] = str(gold_dir), str(pred_dir) if pred_dir else None
    report["unreadable_predictions"] = problems
    return report


# ------------------------------------------------------------------ printing

def _pct(x: Optional[float]) -> str:
    return "–" if x is None else f"{x:.3f}"


def render(report: dict, console, max_errors: int = 50) -> None:
    """The report as rich tables: overall figures, per type, confusion, then the errors."""
    from rich.table import Table

    overall = Table(title=f"dragoman evaluate: {report.get('gold_dir')} ({report['documents']} documents)")
    for col in ("field", "gold", "predicted", "right", "precision", "recall", "F1 / accuracy", "details"):
        overall.add_column(col, justify="left" if col in ("field", "details") else "right")
    if "events" in report:
        e = report["events"]
        overall.add_row("events", str(e["gold"]), str(e["predicted"]), str(e["right"]), _pct(e["precision"]),
                        _pct(e["recall"]), _pct(e["f1"]),
                        f"dates {_pct(e['dates_accuracy'])} · places {_pct(e['places_accuracy'])}")
    if "claims" in report:
        c = report["claims"]
        overall.add_row("claims", str(c["gold"]), str(c["predicted"]), str(c["right"]), _pct(c["precision"]),
                        _pct(c["recall"]), _pct(_f1(c["precision"], c["recall"])),
                        f"stance {_pct(c['stance_accuracy'])}")
    for kind in ("actors", "places", "dates"):
        if kind in report:
            k = report[kind]
            overall.add_row(kind, str(k["gold"]), "", str(k["right"]), "", "", _pct(k["accuracy"]), "accuracy")
    console.print(overall)

    if report.get("events_per_type"):
        per = Table(title="events per PLOVER type")
        for col in ("type", "gold", "predicted", "right", "precision", "recall", "F1"):
            per.add_column(col, justify="left" if col == "type" else "right")
        for t, k in report["events_per_type"].items():
            per.add_row(t, str(k["gold"]), str(k["predicted"]), str(k["right"]), _pct(k["precision"]),
                        _pct(k["recall"]), _pct(k["f1"]))
        console.print(per)
        confusion = report.get("event_type_confusion") or {}
        columns = sorted({p for row in confusion.values() for p in row} - {NONE}) + [NONE]
        table = Table(title=f"event type confusion (rows gold, columns predicted; {NONE} = none)")
        table.add_column("gold \\ predicted")
        for col in columns:
            table.add_column(col, justify="right")
        for g in sorted(set(confusion) - {NONE}) + ([NONE] if NONE in confusion else []):
            table.add_row(g, *[str(confusion[g].get(col, "")) for col in columns])
        console.print(table)

    for kind, rows in (report.get("errors") or {}).items():
        table = Table(title=f"{kind.replace('_', ' ')} ({len(rows)})", show_lines=False)
        keys = [k for k in rows[0] if k != "sentence"] + (["sentence"] if any("sentence" in r for r in rows) else [])
        for k in keys:
            table.add_column(k, overflow="fold")
        for row in rows[:max_errors]:
            table.add_row(*[_cell(row.get(k)) for k in keys])
        if len(rows) > max_errors:
            table.caption = f"{len(rows) - max_errors} more in --format json"
        console.print(table)
    if report.get("unreadable_predictions"):
        console.print("unreadable predictions: " + ", ".join(report["unreadable_predictions"]))


def _cell(value, limit: int = 160) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------ the command

def register(cli: click.Group) -> None:
    """Add `dragoman evaluate` to the command group."""

    @cli.command("evaluate")
    @click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.argument("pred_dir", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
                  help="Tables for reading, or the whole report as JSON.")
    @click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  metavar="FILE", help="Write the report to FILE instead of standard output.")
    @click.option("--max-errors", type=click.IntRange(min=0), default=50, show_default=True,
                  help="Errors shown per kind in the tables (JSON has them all).")
    def evaluate_command(gold_dir: Path, pred_dir: Optional[Path], fmt: str, out_file: Optional[Path],
                         max_errors: int) -> None:
        """Score dragoman on a gold folder (<doc>.txt + <doc>.gold.json).

        Without PRED_DIR the articles are analysed now; with it, PRED_DIR/<doc>.json
        (written by `dragoman analyze --format json --out`) are scored. Prints precision,
        recall and F1 per PLOVER type, a confusion table of event types, the figures for
        actors, places, dates and claims, and every error with its sentence."""
        try:
            report = evaluate(gold_dir, pred_dir)
        except (ValueError, OSError) as err:
            raise click.ClickException(str(err)) from err
        if fmt == "json":
            text = json.dumps(report, indent=2, ensure_ascii=False)
            if out_file:
                out_file.write_text(text + "\n", encoding="utf-8")
            else:
                click.echo(text)
            return
        from rich.console import Console
        if out_file:
            with out_file.open("w", encoding="utf-8") as handle:
                render(report, Console(file=handle, width=200, highlight=False, soft_wrap=False), max_errors)
        else:
            import sys
            render(report, Console(width=None if sys.stdout.isatty() else 200, highlight=False), max_errors)

