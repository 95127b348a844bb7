"""Analysts' corrections: the news site's "Send Correction" box, made real.

An analyst corrects one field of an event, claim, actor mention, place or date, marks a
record wrong (delete) or adds a record the machine missed, always with a reason and an
author. Corrections live in their own table (`corrections`) and point at records by
stable key (dragoman.store.keys); machine rows are never edited. Reading through the
store applies the live corrections on top: a corrected record says which fields were
corrected (`"corrected": ["status"]`), an added one has origin 'analyst'.

When a document is analysed again, `reconcile` compares each active correction with the
new machine output: if the record is gone, its corrected field changed, or the machine
now says what the analyst said, the correction is kept and flagged `needs_review` (a
reviewer confirms or reverts it); it is never silently dropped.

    from dragoman.store import Store
    store = Store()
    c = store.correct("event", key, field="status", value="planned", reason="...", author="ana")
    store.corrections(status="needs_review")
    store.revert_correction(c["id"], author="ana")
"""
from __future__ import annotations

import json
import math
import re
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Optional

from sqlalchemy import insert, select, update
from pydantic import ValidationError

from dragoman.model import (
    PLOVER_TYPES, SECTORS, ActorMention, Claim, DateMention, Event, PlaceMention,
)
from dragoman.store import date_bounds
from dragoman.store.keys import KINDS, added_key, claim_keys, event_keys, is_added, mention_keys, slug
from dragoman.store.schema import ANALYST, CorrectionRow

__all__ = [
    "CorrectionError", "KINDS", "FIELDS", "LIVE", "create_correction", "list_corrections",
    "revert_correction", "confirm_correction", "reconcile", "apply_corrections",
    "machine_records", "corrected_analysis", "live_corrections", "apply_to_record",
]

LIVE = ("active", "needs_review")           # statuses whose corrections are applied
STATUSES = ("active", "reverted", "needs_review")
EVENT_STATUSES = ("occurred", "ongoing", "planned", "reported", "rumored", "denied", "hypothetical")
CLAIM_STANCES = ("asserted", "denied", "speculated", "unconfirmed")
PLACE_KINDS = ("country", "region", "city", "site", "water")
DATE_KINDS = ("date", "duration", "set", "vague")
_NULLS = {"", "null", "none", "-"}


class CorrectionError(ValueError):
    """A correction that cannot be made; `status` is the HTTP status that says why (400, 404, 409)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


# ---------- values: what an analyst may write into each field ----------

def _parse(value: Any) -> Any:
    """A value from the command line is a string: JSON objects and lists are decoded."""
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError as err:
            raise CorrectionError(f"value is not valid JSON: {err.msg}") from None
    return value


def _nullable(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def inner(value):
        if value is None or (isinstance(value, str) and value.strip().lower() in _NULLS):
            return None
        return check(value)
    return inner


def _text(value: Any) -> str:
    if not isinstance(value, str) or value.strip().lower() in _NULLS:
        raise CorrectionError("value must be a non-empty text (this field cannot be cleared)")
    return value.strip()


def _choice(options: Iterable[str], upper: bool = False) -> Callable[[Any], str]:
    options = tuple(options)

    def inner(value):
        text = str(value).strip()
        text = text.upper() if upper else text.lower()
        if text not in options:
            raise CorrectionError(f"value {value!r} is not one of {', '.join(options)}")
        return text
    return inner


def _iso3(value: Any) -> str:
    text = str(value).strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", text):
        raise CorrectionError(f"value {value!r} is not an ISO 3166-1 alpha-3 code (e.g. TUR)")
    return text


def _iso_date(value: Any) -> str:
    text = str(value).strip()
    if date_bounds(text)[0] is None:
        raise CorrectionError(f"value {value!r} is not an ISO 8601 date (2025-02-04, 2025-01, 2025-W06, A/B)")
    return text


def _number(low: float, high: float, what: str) -> Callable[[Any], float]:
    def inner(value):
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise CorrectionError(f"{what} {value!r} is not a number") from None
        if not math.isfinite(number) or not low <= number <= high:
            raise CorrectionError(f"{what} {value!r} is outside [{low:g}, {high:g}]")
        return number
    return inner


_lat, _lon = _number(-90, 90, "latitude"), _number(-180, 180, "longitude")


def _coordinates(value: Any) -> list[float]:
    """'lat,lon', [lat, lon] or {"lat": .., "lon": ..}."""
    value = _parse(value)
    if isinstance(value, dict):
        value = [value.get("lat"), value.get("lon")]
    if isinstance(value, str):
        value = [v for v in re.split(r"[,\s]+", value.strip()) if v]
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise CorrectionError("coordinates are 'lat,lon'")
    return [_lat(value[0]), _lon(value[1])]


def _actor_ref(value: Any) -> dict:
    """An actor as a name, or {"name", "country", "sector", "actor_id"}."""
    value = _parse(value)
    if isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, dict):
        raise CorrectionError("an actor is a name or an object with name, country, sector")
    unknown = set(value) - {"name", "country", "sector", "actor_id"}
    if unknown:
        raise CorrectionError(f"unknown actor fields: {', '.join(sorted(unknown))}")
    return {"name": _text(value.get("name")), "country": _nullable(_iso3)(value.get("country")),
            "sector": _nullable(_choice(SECTORS, upper=True))(value.get("sector")),
            "actor_id": _nullable(_text)(value.get("actor_id"))}


def _place_ref(value: Any) -> dict:
    """A place as a name, or {"name", "country", "lat", "lon", "kind"}."""
    value = _parse(value)
    if isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, dict):
        raise CorrectionError("a place is a name or an object with name, country, lat, lon, kind")
    unknown = set(value) - {"name", "country", "lat", "lon", "kind"}
    if unknown:
        raise CorrectionError(f"unknown place fields: {', '.join(sorted(unknown))}")
    return {"name": _text(value.get("name")), "country": _nullable(_iso3)(value.get("country")),
            "lat": _nullable(_lat)(value.get("lat")), "lon": _nullable(_lon)(value.get("lon")),
            "kind": _nullable(_choice(PLACE_KINDS))(value.get("kind"))}


_sector = _nullable(_choice(SECTORS, upper=True))


def _ref_fields(side: str) -> dict:
    return {side: _nullable(_actor_ref), f"{side}.name": _text, f"{side}.country": _nullable(_iso3),
            f"{side}.sector": _sector}


# Every field an analyst may correct, per kind of record, and how its value is checked.
FIELDS: dict[str, dict[str, Callable[[Any], Any]]] = {
    "event": {
        "type": _choice(PLOVER_TYPES, upper=True), "mode": _nullable(_text),
        "status": _choice(EVENT_STATUSES), "date": _nullable(_iso_date), "trigger": _nullable(_text),
        **_ref_fields("source"), **_ref_fields("target"),
        "place": _nullable(_place_ref), "place.name": _text, "place.country": _nullable(_iso3),
        "place.lat": _lat, "place.lon": _lon, "place.kind": _nullable(_choice(PLACE_KINDS)),
        "place.coordinates": _coordinates,
    },
    "claim": {
        "stance": _choice(CLAIM_STANCES), "date": _nullable(_iso_date), "content": _text,
        "speaker": _actor_ref, "speaker.name": _text, "speaker.country": _nullable(_iso3),
        "speaker.sector": _sector,
    },
    "actor": {
        "name": _text, "country": _nullable(_iso3), "sector": _sector, "role": _nullable(_text),
        "kind": _nullable(_text), "actor_id": _nullable(_text),
    },
    "place": {
        "name": _text, "kind": _nullable(_choice(PLACE_KINDS)), "country": _nullable(_iso3),
        "lat": _lat, "lon": _lon, "coordinates": _coordinates,
    },
    "date": {"value": _nullable(_iso_date), "kind": _choice(DATE_KINDS)},
}

_MODELS = {"event": Event, "claim": Claim, "actor": ActorMention, "place": PlaceMention, "date": DateMention}


def check_value(kind: str, field: str, value: Any) -> Any:
    """The value, normalised, or CorrectionError naming what is wrong."""
    fields = FIELDS.get(kind)
    if fields is None:
        raise CorrectionError(f"unknown record kind {kind!r}; one of {', '.join(KINDS)}")
    if field not in fields:
        raise CorrectionError(f"{kind} has no correctable field {field!r}; one of {', '.join(fields)}")
    return fields[field](value)


def check_record(kind: str, record: Any) -> dict:
    """A whole record an analyst adds, checked against the output contract's model."""
    record = _parse(record)
    if not isinstance(record, dict):
        raise CorrectionError("an added record is a JSON object")
    model = _MODELS.get(kind)
    if model is None:
        raise CorrectionError(f"unknown record kind {kind!r}; one of {', '.join(KINDS)}")
    if kind == "claim":  # an analyst's claim may come without an evidence sentence
        record = {"evidence": record.get("content", ""), "start": 0, "end": 0, **record}
    # the same checks as a correction of each field (PLOVER types, ISO codes, dates, names as actors)
    record = {name: FIELDS[kind][name](value) if name in FIELDS[kind] and value is not None else value
              for name, value in record.items()}
    try:
        return model.model_validate(record).model_dump(mode="json")
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise CorrectionError(f"invalid {kind}: {where}: {first['msg']}") from None


# ---------- reading and writing fields by path ----------

def get_path(record: dict, field: str) -> Any:
    if field.endswith("coordinates"):
        holder = get_path(record, field.rpartition(".")[0]) if "." in field else record
        if not isinstance(holder, dict) or holder.get("lat") is None:
            return None
        return [holder.get("lat"), holder.get("lon")]
    value: Any = record
    for part in field.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def set_path(record: dict, field: str, value: Any) -> None:
    parts = field.split(".")
    holder = record
    for part in parts[:-1]:
        if not isinstance(holder.get(part), dict):
            holder[part] = {"name": None}
        holder[part] = dict(holder[part])  # never alter a dict shared with another record
        holder = holder[part]
    if parts[-1] == "coordinates":
        holder["lat"], holder["lon"] = (value or [None, None])
    else:
        holder[parts[-1]] = value
    if field == "date" and "date_inferred" in record:
        record["date_inferred"] = False


def _same(a: Any, b: Any) -> bool:
    """Equal as analysts mean it: floats within a metre or so, missing keys as None."""
    if isinstance(a, dict) and isinstance(b, dict):
        return all(_same(a.get(k), b.get(k)) for k in set(a) | set(b))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) < 1e-5
    return a == b


# ---------- machine records of one document, keyed ----------

def machine_records(store, doc: str) -> Optional[dict[str, dict[str, dict]]]:
    """kind → key → the machine record (as the output contract's dict), for one stored document."""
    analysis = store.analysis(doc)
    if analysis is None:
        return None
    data = analysis.model_dump(mode="json")
    out: dict[str, dict[str, dict]] = {}
    events = data["events"]
    keys = event_keys(doc, ((e["type"], (e["source"] or {}).get("name"), (e["target"] or {}).get("name"))
                            for e in events))
    out["event"] = {k: {**e, "id": f"{doc}#e{i}", "key": k} for i, (k, e) in enumerate(zip(keys, events))}
    claims = data["claims"]
    keys = claim_keys(doc, ((c["speaker"]["name"], c["content"]) for c in claims))
    out["claim"] = {k: {**c, "id": f"{doc}#c{i}", "key": k} for i, (k, c) in enumerate(zip(keys, claims))}
    for kind, field in (("actor", "actors"), ("place", "places"), ("date", "dates")):
        records = data[field]
        keys = mention_keys(doc, kind, ((r["start"], r["end"]) for r in records))
        out[kind] = {k: {**r, "key": k} for k, r in zip(keys, records)}
    return out


def resolve_key(store, kind: str, key: str) -> tuple[str, Optional[dict]]:
    """(key, machine record) for a key, or for a row id ('<doc>#e3' / '<doc>#c0') given instead."""
    doc = _doc_of(store, kind, key)
    records = machine_records(store, doc) if doc else None
    if records is None:
        raise CorrectionError(f"no stored document for {kind} {key!r}", 404)
    found = records[kind].get(key)
    if found is None:
        found = next((r for r in records[kind].values() if r.get("id") == key), None)
    if found is not None:
        return found["key"], found
    return key, None


def _doc_of(store, kind: str, key: str) -> Optional[str]:
    """The stored document a key or row id belongs to (doc ids may themselves hold ':' or '#')."""
    from dragoman.store.schema import DocumentRow

    candidates = set()
    parts = key.split(f":{kind}:")
    candidates.update(f":{kind}:".join(parts[:i]) for i in range(1, len(parts)))
    if "#" in key:
        candidates.add(key.rsplit("#", 1)[0])
    if not candidates:
        return None
    with store.engine.connect() as conn:
        found = conn.execute(select(DocumentRow.doc).where(DocumentRow.doc.in_(sorted(candidates)))).scalars().all()
    return max(found, key=len) if found else None


# ---------- the corrections table ----------

def _now() -> datetime:
    return datetime.now(timezone.utc)


def _as_dict(row) -> dict:
    m = row._mapping if hasattr(row, "_mapping") else row
    out = {
        "id": m["id"], "kind": m["target_kind"], "key": m["target_key"], "doc": m["doc"],
        "action": m["action"], "field": m["field"], "before": m["before"], "after": m["after"],
        "reason": m["reason"], "author": m["author"], "created_at": m["created_at"],
        "status": m["status"], "review_note": m["review_note"], "reverted_at": m["reverted_at"],
        "reverted_by": m["reverted_by"], "pipeline_version_seen": m["pipeline_version_seen"],
    }
    for k in ("created_at", "reverted_at"):
        if isinstance(out[k], datetime):
            out[k] = out[k].isoformat()
    return out


def create_correction(store, kind: str, key: str, field: Optional[str] = None, value: Any = None, *,
                      reason: str, author: str, delete: bool = False, record: Any = None,
                      doc: Optional[str] = None) -> dict:
    """Record one correction and return it as a dict.

    set:    field + value on the record `key` (a stable key or a row id such as '<doc>#e3');
    delete: delete=True marks the record wrong;
    add:    record={...} (a whole record of the contract) with doc= the document it belongs to."""
    if kind not in KINDS:
        raise CorrectionError(f"unknown record kind {kind!r}; one of {', '.join(KINDS)}")
    if not isinstance(reason, str) or not reason.strip():
        raise CorrectionError("a correction needs a reason")
    if not isinstance(author, str) or not author.strip():
        raise CorrectionError("a correction needs an author")
    reason, author = reason.strip(), author.strip()
    if sum((delete, record is not None, field is not None)) != 1:
        raise CorrectionError("give exactly one of: a field and value, delete, or a record to add")

    row: dict[str, Any] = {"target_kind": kind, "reason": reason, "author": author, "created_at": _now(),
                           "status": "active"}
    if record is not None:
        doc = doc or _doc_of(store, kind, key or "")
        if not doc or store.content_hash(doc) is None:
            raise CorrectionError(f"no stored document {doc!r} to add the {kind} to", 404)
        after = check_record(kind, record)
        if kind in ("actor", "place", "date"):
            _check_offsets(store, doc, after)
        row.update(doc=doc, action="add", field=None, before=None, after=after, target_key="",
                   pipeline_version_seen=_pipeline_version(store, doc))
        with store.engine.begin() as conn:
            new_id = conn.execute(insert(CorrectionRow).values(**row)).inserted_primary_key[0]
            conn.execute(update(CorrectionRow).where(CorrectionRow.id == new_id)
                         .values(target_key=added_key(doc, kind, new_id)))
        return get_correction(store, new_id)

    key, machine = resolve_key(store, kind, key)
    if machine is None:
        machine = _added_record(store, kind, key)
    if machine is None:
        raise CorrectionError(f"no {kind} with key {key!r}", 404)
    doc = _doc_of(store, kind, key)
    row.update(doc=doc, target_key=key, pipeline_version_seen=_pipeline_version(store, doc))
    if delete:
        row.update(action="delete", field=None, before=None, after=None)
    else:
        after = check_value(kind, field, value)
        row.update(action="set", field=field, before=get_path(machine, field), after=after)
    with store.engine.begin() as conn:
        new_id = conn.execute(insert(CorrectionRow).values(**row)).inserted_primary_key[0]
    return get_correction(store, new_id)


def _check_offsets(store, doc: str, mention: dict) -> None:
    """An added mention must point at its own words in the document's text."""
    from dragoman.store.schema import DocumentRow

    with store.engine.connect() as conn:
        text = conn.execute(select(DocumentRow.text).where(DocumentRow.doc == doc)).scalar() or ""
    start, end = mention["start"], mention["end"]
    if not 0 <= start < end <= len(text):
        raise CorrectionError(f"offsets {start}-{end} are outside the document's text (0-{len(text)})")
    if text[start:end] != mention["mention"]:
        raise CorrectionError(f"the text at {start}-{end} is {text[start:end]!r}, not {mention['mention']!r}")


def _added_record(store, kind: str, key: str) -> Optional[dict]:
    """The record an analyst added under `key`, as added (corrections to it are set on top)."""
    with store.engine.connect() as conn:
        row = conn.execute(select(CorrectionRow).where(
            CorrectionRow.target_key == key, CorrectionRow.target_kind == kind,
            CorrectionRow.action == "add", CorrectionRow.status.in_(LIVE))).mappings().first()
    return dict(row["after"]) if row else None


def _pipeline_version(store, doc: Optional[str]) -> str:
    from dragoman.store.schema import DocumentRow

    with store.engine.connect() as conn:
        return conn.execute(select(DocumentRow.pipeline_version).where(DocumentRow.doc == doc)).scalar() or ""


def get_correction(store, correction_id: int) -> dict:
    with store.engine.connect() as conn:
        row = conn.execute(select(CorrectionRow).where(CorrectionRow.id == int(correction_id))).mappings().first()
    if row is None:
        raise CorrectionError(f"no correction {correction_id}", 404)
    return _as_dict(row)


def list_corrections(store, status: Optional[str] = None, kind: Optional[str] = None, doc: Optional[str] = None,
                     key: Optional[str] = None, author: Optional[str] = None, limit: Optional[int] = None,
                     offset: int = 0) -> list[dict]:
    """The audit log, newest first: who corrected what, when, from what to what, and why."""
    if status is not None and status not in STATUSES:
        raise CorrectionError(f"status {status!r} is not one of {', '.join(STATUSES)}")
    if kind is not None and kind not in KINDS:
        raise CorrectionError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    c = CorrectionRow
    q = select(c).order_by(c.id.desc())
    for column, value in ((c.status, status), (c.target_kind, kind), (c.doc, doc), (c.target_key, key),
                          (c.author, author)):
        if value is not None:
            q = q.where(column == value)
    if offset:
        q = q.offset(int(offset))
    if limit is not None:
        q = q.limit(int(limit))
    with store.engine.connect() as conn:
        return [_as_dict(r) for r in conn.execute(q).mappings()]


def count_corrections(store, status: Optional[str] = None) -> int:
    from sqlalchemy import func

    q = select(func.count()).select_from(CorrectionRow)
    if status:
        q = q.where(CorrectionRow.status == status)
    with store.engine.connect() as conn:
        return conn.execute(q).scalar() or 0


def revert_correction(store, correction_id: int, author: Optional[str] = None) -> dict:
    """Stop applying a correction; it stays in the audit log with status 'reverted'."""
    current = get_correction(store, correction_id)
    if current["status"] == "reverted":
        raise CorrectionError(f"correction {correction_id} is already reverted", 409)
    with store.engine.begin() as conn:
        conn.execute(update(CorrectionRow).where(CorrectionRow.id == int(correction_id))
                     .values(status="reverted", reverted_at=_now(), reverted_by=author))
    return get_correction(store, correction_id)


def confirm_correction(store, correction_id: int, author: Optional[str] = None) -> dict:
    """A reviewer keeps a correction flagged needs_review: active again, against the current machine value."""
    current = get_correction(store, correction_id)
    if current["status"] != "needs_review":
        raise CorrectionError(f"correction {correction_id} is {current['status']}, not needs_review", 409)
    values: dict[str, Any] = {"status": "active",
                              "review_note": f"confirmed by {author or 'a reviewer'}: {current['review_note'] or ''}"}
    records = machine_records(store, current["doc"]) or {}
    machine = records.get(current["kind"], {}).get(current["key"])
    if current["action"] == "set" and machine is not None:
        values["before"] = get_path(machine, current["field"])
    values["pipeline_version_seen"] = _pipeline_version(store, current["doc"])
    with store.engine.begin() as conn:
        conn.execute(update(CorrectionRow).where(CorrectionRow.id == int(correction_id)).values(**values))
    return get_correction(store, correction_id)


# ---------- after a re-analysis ----------

def reconcile(store, doc: str) -> list[dict]:
    """Flag the active corrections of `doc` that the new machine output no longer fits; returns them.

    A correction is flagged needs_review (and kept) when its record is gone, when the machine
    value under a corrected field changed, or when the machine output now equals the correction."""
    with store.engine.connect() as conn:
        active = conn.execute(select(CorrectionRow).where(
            CorrectionRow.doc == doc, CorrectionRow.status == "active").order_by(CorrectionRow.id)).mappings().all()
    if not active:
        return []
    records = machine_records(store, doc) or {k: {} for k in KINDS}
    version = _pipeline_version(store, doc)
    flags: list[tuple[int, str]] = []
    for c in active:
        kind, key, note = c["target_kind"], c["target_key"], None
        machine = records.get(kind, {})
        if c["action"] == "add":
            twin = _machine_twin(kind, c["after"] or {}, machine)
            if twin:
                note = f"re-analysis ({version}) now finds this record itself: {twin}"
        elif is_added(kind, key):
            continue  # a correction of an analyst's own record: the machine cannot change it
        elif key not in machine:
            moved = _rekeyed(doc, kind, key, c, machine)
            note = (f"re-analysis ({version}) now gives {c['field']} = {c['after']!r}, as corrected "
                    f"(the record's key is now {moved})") if moved else \
                f"re-analysis ({version}) no longer produces this {kind}"
        elif c["action"] == "set":
            now = get_path(machine[key], c["field"])
            if _same(now, c["after"]):
                note = f"re-analysis ({version}) now gives {c['field']} = {now!r}, as corrected"
            elif not _same(now, c["before"]):
                note = f"re-analysis ({version}) changed {c['field']} from {c['before']!r} to {now!r}"
        if note:
            flags.append((c["id"], note))
    if flags:
        with store.engine.begin() as conn:
            for correction_id, note in flags:
                conn.execute(update(CorrectionRow).where(CorrectionRow.id == correction_id)
                             .values(status="needs_review", review_note=note))
    return [get_correction(store, i) for i, _ in flags]


def _rekeyed(doc: str, kind: str, key: str, c, machine: dict[str, dict]) -> Optional[str]:
    """For an event whose type, source or target was corrected: the key the machine record has
    when the machine now says what the analyst said (keys are built from those three)."""
    field = c["field"] or ""
    if kind != "event" or c["action"] != "set" or field.split(".")[0] not in ("type", "source", "target"):
        return None
    if field not in ("type", "source", "source.name", "target", "target.name"):
        return None
    prefix = f"{doc}:event:"
    if not key.startswith(prefix):
        return None
    parts = key[len(prefix):].split(":")
    if len(parts) < 3:
        return None
    after = c["after"]
    value = after if field == "type" else slug(after.get("name") if isinstance(after, dict) else after)
    parts[{"type": 0, "source": 1, "target": 2}[field.split(".")[0]]] = value
    candidate = prefix + ":".join(parts)
    return candidate if candidate in machine else None


def _machine_twin(kind: str, added: dict, machine: dict[str, dict]) -> Optional[str]:
    """The key of a machine record that is the record an analyst added, if the machine now finds it."""
    def name(ref):
        return (ref or {}).get("name")

    for key, record in machine.items():
        if kind == "event":
            if (record["type"] == added.get("type") and name(record["source"]) == name(added.get("source"))
                    and name(record["target"]) == name(added.get("target"))):
                return key
        elif kind == "claim":
            if name(record["speaker"]) == name(added.get("speaker")) and record["content"] == added.get("content"):
                return key
        elif record.get("start") == added.get("start") and record.get("end") == added.get("end"):
            return key
    return None


# ---------- applying corrections when reading ----------

def live_corrections(store, kind: str, docs: Optional[Iterable[str]] = None) -> list[dict]:
    """Corrections applied when reading (active and needs_review), oldest first, for some documents or all."""
    c = CorrectionRow
    q = select(c).where(c.target_kind == kind, c.status.in_(LIVE)).order_by(c.id)
    if docs is not None:
        docs = sorted(set(docs))
        if not docs:
            return []
        q = q.where(c.doc.in_(docs))
    with store.engine.connect() as conn:
        return [_as_dict(r) for r in conn.execute(q).mappings()]


def apply_to_record(record: dict, corrections: Iterable[dict]) -> dict:
    """The record with these corrections (all for its key, oldest first) applied; later ones win."""
    record = dict(record)
    corrected: list[str] = list(record.get("corrected") or [])
    ids: list[int] = list(record.get("corrections") or [])
    review = bool(record.get("needs_review"))
    for c in corrections:
        if c["action"] == "delete":
            record["deleted"] = True
        elif c["action"] == "set":
            set_path(record, c["field"], c["after"])
            if c["field"] not in corrected:
                corrected.append(c["field"])
        ids.append(c["id"])
        review = review or c["status"] == "needs_review"
    record["corrected"] = corrected
    if ids:
        record["corrections"] = ids
        record["needs_review"] = review
    record.setdefault("deleted", False)
    return record


def added_records(corrections: Iterable[dict]) -> list[dict]:
    """The records analysts added, as records of origin 'analyst' keyed by their correction."""
    out = []
    for c in corrections:
        if c["action"] == "add":
            out.append({**(c["after"] or {}), "id": c["key"], "key": c["key"], "doc": c["doc"],
                        "origin": ANALYST, "pipeline_version": c["pipeline_version_seen"],
                        "added_by": c["author"], "corrections": [c["id"]], "corrected": [],
                        "needs_review": c["status"] == "needs_review", "deleted": False})
    return out


def apply_all(records: list[dict], corrections: list[dict], include_added: bool = True) -> list[dict]:
    """Records (each with its 'key') with the corrections on their keys applied, plus added records."""
    by_key: dict[str, list[dict]] = {}
    for c in corrections:
        if c["action"] != "add":
            by_key.setdefault(c["key"], []).append(c)
    out = [apply_to_record(r, by_key.get(r["key"], ())) for r in records]
    if include_added:
        out += [apply_to_record(r, by_key.get(r["key"], ())) for r in added_records(corrections)]
    return out


def apply_corrections(store, kind: str, records: list[dict]) -> list[dict]:
    """Records read from the store with their corrections applied; records that already went
    through the store's query layer (they carry 'corrected') are returned as they are."""
    if all("corrected" in r for r in records):
        return records
    docs = {r["doc"] for r in records if r.get("doc")}
    keyed = []
    for doc in docs:
        machine = machine_records(store, doc) or {}
        by_id = {r.get("id"): k for k, r in machine.get(kind, {}).items()}
        by_span = {(r.get("start"), r.get("end")): k for k, r in machine.get(kind, {}).items()}
        for r in records:
            if r.get("doc") == doc and "key" not in r:
                r["key"] = by_id.get(r.get("id")) or by_span.get((r.get("start"), r.get("end")))
    keyed = [r for r in records if r.get("key")]
    corrections = live_corrections(store, kind, docs)
    applied = {id(r): a for r, a in zip(keyed, apply_all(keyed, corrections, include_added=False))}
    return [applied.get(id(r), r) for r in records if not applied.get(id(r), r).get("deleted")]


def corrected_analysis(store, doc: str, include_deleted: bool = False) -> Optional[dict]:
    """One document's analysis as a dict, every record keyed, with the live corrections applied."""
    records = machine_records(store, doc)
    if records is None:
        return None
    analysis = store.analysis(doc)
    out = analysis.model_dump(mode="json")
    for kind, field in (("actor", "actors"), ("place", "places"), ("date", "dates"), ("event", "events"),
                        ("claim", "claims")):
        applied = apply_all(list(records[kind].values()), live_corrections(store, kind, [doc]))
        out[field] = [r for r in applied if include_deleted or not r["deleted"]]
    out["corrections"] = list_corrections(store, doc=doc)
    return out
