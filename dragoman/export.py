"""Export stored events in the formats other tools read.

    export_records(store, "acled-csv", "events.csv", country="SYR", since="2025-01-01")

Formats:
  jsonl        one event per line: the output contract's event fields, its id and provenance
  acled-csv    ACLED-style columns (event_date, event_type, sub_event_type, actor1, ...), so
               scripts written for ACLED exports run on dragoman's events
  plover-json  records with the PLOVER manual's field names (id, date, actor, recipient,
               event, mode, context, event_loc, event_text, ...); a JSON array, or JSON Lines
               when the file name ends in .jsonl (the manual's suggestion)
  (jsonl and plover-json also carry each event's cross-article happening id and how many
  independent sources report it: `happening`/`sources`, `happening_id`/`corroboration`)
  parquet      one flat row per event, for pandas / DuckDB / Arrow

Filters are those of Store.events (actor, country, type, since, until, limit); without
a limit every matching event is written. How PLOVER types map onto ACLED event types
lives in data/export.yaml.
"""
from __future__ import annotations

import csv
import json
import sys
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Optional, TextIO

from dragoman.datafiles import read_data
from dragoman.store import Store, date_bounds

FORMATS = ("jsonl", "acled-csv", "plover-json", "parquet")
DATA_FILE = Path(__file__).parent / "data" / "export.yaml"

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "iso", "country", "location", "latitude",
    "longitude", "source", "notes", "fatalities",
)


# ---------- the mapping data ----------

@lru_cache(maxsize=1)
def mapping() -> dict:
    """data/export.yaml, checked once: a malformed file fails loudly here, not mid-export."""
    data = read_data(DATA_FILE)
    acled = data.get("acled") or {}
    rules = acled.get("rules")
    if not isinstance(rules, list) or not rules:
        raise ValueError(f"{DATA_FILE}: acled.rules must be a non-empty list")
    for rule in rules:
        missing = {"type", "event_type", "sub_event_type"} - set(rule)
        if missing:
            raise ValueError(f"{DATA_FILE}: ACLED rule {rule} lacks {sorted(missing)}")
        if rule["event_type"] not in acled.get("disorder_types", {}):
            raise ValueError(f"{DATA_FILE}: ACLED event type {rule['event_type']!r} has no disorder type")
    if rules[-1]["type"] != "*":
        raise ValueError(f"{DATA_FILE}: the last ACLED rule must be the catch-all (type: '*')")
    if not isinstance((data.get("plover") or {}).get("quad"), dict):
        raise ValueError(f"{DATA_FILE}: plover.quad must map PLOVER types to quad codes")
    return data


def _mode_key(mode: Optional[str]) -> str:
    return (mode or "").strip().lower().replace("_", "-").replace(" ", "-")


def acled_type(event: dict) -> tuple[str, str]:
    """(event_type, sub_event_type) in ACLED's terms for one stored event."""
    acled = mapping()["acled"]
    mode = _mode_key(event.get("mode"))
    target = event.get("target") or {}
    civilian_target = target.get("sector") in acled["civilian_sectors"]
    for rule in acled["rules"]:
        if rule["type"] not in ("*", event.get("type")):
            continue
        if "modes" in rule and mode not in rule["modes"]:
            continue
        if rule.get("target_civilian") and not civilian_target:
            continue
        return rule["event_type"], rule["sub_event_type"]
    raise AssertionError("unreachable: the catch-all rule matches every event")


@lru_cache(maxsize=512)
def country_name(code: Optional[str]) -> str:
    """The short English name of an ISO3 country ("Syria", not "Syrian Arab Republic")."""
    if not code:
        return ""
    override = (mapping()["acled"].get("country_names") or {}).get(code)
    if override:
        return override
    import pycountry

    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    return name.split(",")[0]  # "Palestine, State of" → "Palestine"


@lru_cache(maxsize=512)
def country_numeric(code: Optional[str]) -> str:
    """ACLED's `iso` column holds the numeric ISO 3166 code (760 for Syria)."""
    if not code:
        return ""
    import pycountry

    country = pycountry.countries.get(alpha_3=code)
    return str(int(country.numeric)) if country else ""


def _time_precision(value: Optional[str]) -> str:
    first, last = date_bounds(value)
    if not first:
        return ""
    days = (datetime.fromisoformat(last) - datetime.fromisoformat(first)).days + 1
    levels = mapping()["acled"]["time_precision"]
    return str(levels["day"] if days == 1 else levels["week"] if days <= 7 else levels["month"])


# ---------- record shapes ----------

def _provenance(e: dict) -> dict:
    return {"doc": e["doc"], "title": e.get("title"), "outlet": e.get("outlet"), "url": e.get("url"),
            "published": e.get("published"), "pipeline_version": e.get("pipeline_version"),
            "origin": e.get("origin"), "spans": e.get("spans", [])}


def jsonl_record(e: dict) -> dict:
    """The output contract's event fields, plus the event's id and where it came from."""
    keys = ("type", "mode", "source", "target", "date", "date_inferred", "place", "status", "contexts",
            "trigger", "evidence")
    return {"id": e["id"], **{k: e.get(k) for k in keys}, "provenance": _provenance(e), **_corroboration(e)}


def _corroboration(e: dict) -> dict:
    """The happening the event belongs to across articles and how many independent sources report
    it (dragoman.linking); added only when the store gave them."""
    return {k: e[k] for k in ("happening", "sources") if k in e}


def acled_row(e: dict) -> dict:
    event_type, sub_event_type = acled_type(e)
    place = e.get("place") or {}
    # ACLED's country is where the event happened; without a place, the side acted upon is the best
    # guess (a state's forces often act abroad, so the source's country is not used)
    code = place.get("country") or (e.get("target") or {}).get("country")
    first_day, _ = date_bounds(e.get("date"))
    notes = " ".join(e.get("evidence") or [])
    return {
        "event_id_cnty": e["id"],
        "event_date": first_day or "",
        "year": first_day[:4] if first_day else "",
        "time_precision": _time_precision(e.get("date")),
        "disorder_type": mapping()["acled"]["disorder_types"][event_type],
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "actor1": (e.get("source") or {}).get("name") or "",
        "assoc_actor_1": "",
        "actor2": (e.get("target") or {}).get("name") or "",
        "assoc_actor_2": "",
        "iso": country_numeric(code),
        "country": country_name(code),
        "location": place.get("name") or "",
        "latitude": "" if place.get("lat") is None else place["lat"],
        "longitude": "" if place.get("lon") is None else place["lon"],
        "source": e.get("outlet") or e.get("url") or e["doc"],
        "notes": notes,
        "fatalities": "",  # not extracted; blank rather than a false zero
    }


def _plover_entity(ref: Optional[dict]) -> list[dict]:
    if not ref:
        return []
    entity = {"code": ref.get("country"), "sector": ref.get("sector"), "entity_text": ref.get("name")}
    if ref.get("actor_id"):
        entity.update(identifier_id=ref["actor_id"], identifier_text=ref.get("name"))
    return [entity]


def plover_record(e: dict, coded: str) -> dict:
    """An event with the PLOVER manual's JSON field names (chapter "Data Fields")."""
    first_day, last_day = date_bounds(e.get("date"))
    place = e.get("place")
    plover = mapping()["plover"]
    return {
        "id": e["id"],
        "date": first_day,
        "enddate": last_day if last_day != first_day else None,
        "date_text": e.get("date"),  # the value at the precision the text gave
        "actor": _plover_entity(e.get("source")),
        "recipient": _plover_entity(e.get("target")),
        "event": [e["type"]],
        "quad_code": plover["quad"].get(e["type"]),
        "mode": [e["mode"]] if e.get("mode") else [],
        "context": list(e.get("contexts") or []),
        "status": e.get("status"),
        "event_loc": None if not place else {
            "extracted_place": place.get("name"), "resolved_place": place.get("name"),
            "lat": place.get("lat"), "lon": place.get("lon"), "country_code": place.get("country"),
            "country": country_name(place.get("country")) or None,
        },
        "event_text": list(e.get("evidence") or []),
        "text_info": [{"sequence": i, "start": s, "end": t} for i, (s, t) in enumerate(e.get("spans") or [])],
        "story_ids": [e["doc"]],
        "cite_info": {"url": e.get("url"), "title": e.get("title"), "publication": e.get("outlet"),
                      "coder": e.get("pipeline_version"), "codebook": plover["codebook"]},
        "coder": e.get("origin"),
        "coded_date": coded,
        # beyond the manual: the cross-article happening and its independent sources
        **({"happening_id": e["happening"], "corroboration": e.get("sources")} if "happening" in e else {}),
    }


def parquet_table(events: list[dict]):
    import pyarrow as pa

    string, f64, boolean = pa.string(), pa.float64(), pa.bool_()
    schema = pa.schema([
        ("id", string), ("doc", string), ("type", string), ("mode", string),
        ("source_name", string), ("source_country", string), ("source_sector", string), ("source_actor_id", string),
        ("target_name", string), ("target_country", string), ("target_sector", string), ("target_actor_id", string),
        ("date", string), ("date_first", string), ("date_last", string), ("date_inferred", boolean),
        ("place_name", string), ("place_country", string), ("place_kind", string),
        ("latitude", f64), ("longitude", f64), ("status", string), ("contexts", pa.list_(string)),
        ("trigger", string), ("evidence", pa.list_(string)), ("spans", pa.list_(pa.list_(pa.int64()))),
        ("title", string), ("outlet", string), ("url", string), ("published", string),
        ("pipeline_version", string), ("origin", string),
    ])
    rows = []
    for e in events:
        source, target, place = e.get("source") or {}, e.get("target") or {}, e.get("place") or {}
        first, last = date_bounds(e.get("date"))
        rows.append({
            "id": e["id"], "doc": e["doc"], "type": e["type"], "mode": e.get("mode"),
            **{f"source_{k}": source.get(k) for k in ("name", "country", "sector", "actor_id")},
            **{f"target_{k}": target.get(k) for k in ("name", "country", "sector", "actor_id")},
            "date": e.get("date"), "date_first": first, "date_last": last,
            "date_inferred": e.get("date_inferred"),
            "place_name": place.get("name"), "place_country": place.get("country"), "place_kind": place.get("kind"),
            "latitude": place.get("lat"), "longitude": place.get("lon"), "status": e.get("status"),
            "contexts": e.get("contexts") or [], "trigger": e.get("trigger"), "evidence": e.get("evidence") or [],
            "spans": e.get("spans") or [], "title": e.get("title"), "outlet": e.get("outlet"),
            "url": e.get("url"), "published": e.get("published"),
            "pipeline_version": e.get("pipeline_version"), "origin": e.get("origin"),
        })
    return pa.Table.from_pylist(rows, schema=schema)


# ---------- writing ----------

@contextmanager
def _text_out(out_path) -> Iterator[TextIO]:
    if str(out_path) == "-":
        yield sys.stdout
        return
    path = Path(out_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        yield handle


def export_records(store: Store, fmt: str, out_path, **filters: Any) -> int:
    """Write the events matching `filters` (those of Store.events) to out_path ('-': stdout) in `fmt`;
    returns how many were written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    filters.setdefault("limit", None)
    events = store.events(**filters)

    if fmt == "jsonl":
        with _text_out(out_path) as out:
            for e in events:
                out.write(json.dumps(jsonl_record(e), ensure_ascii=False) + "\n")
    elif fmt == "acled-csv":
        with _text_out(out_path) as out:
            writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS)
            writer.writeheader()
            writer.writerows(acled_row(e) for e in events)
    elif fmt == "plover-json":
        coded = datetime.now(timezone.utc).date().isoformat()
        records = [plover_record(e, coded) for e in events]
        with _text_out(out_path) as out:
            if str(out_path).endswith(".jsonl"):
                for record in records:
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                json.dump(records, out, ensure_ascii=False, indent=1)
                out.write("\n")
    else:  # parquet
        import pyarrow.parquet as pq

        if str(out_path) == "-":
            raise ValueError("parquet is a binary format: give a file name, not '-'")
        path = Path(out_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(parquet_table(events), path)
    return len(events)
