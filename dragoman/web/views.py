"""What each workbench page shows, as plain data: the HTML views and their `.json` twins share it.

Every function here reads the store through its query methods (the same layer the API uses)
and returns JSON-serialisable dicts; the templates only lay them out. Article text is
untrusted: it is cut into segments here and each segment is escaped by the template, so no
text from an article is ever emitted as markup.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Any, Iterable, Optional

from dragoman.store import Store, date_bounds

# PLOVER's four quad classes, in the order the legend shows them.
QUAD_CLASSES = {
    1: ("verbal-cooperation", "verbal cooperation"),
    2: ("material-cooperation", "material cooperation"),
    3: ("verbal-conflict", "verbal conflict"),
    4: ("material-conflict", "material conflict"),
}
EVENT_STATUSES = ("occurred", "ongoing", "planned", "reported", "rumored", "denied", "hypothetical")
CLAIM_STANCES = ("asserted", "denied", "speculated", "unconfirmed")

# Fields an analyst may correct from the article page: the corrections layer's own list when
# it is installed (it validates the values), else the contract's main fields.
EVENT_FIELDS = ("type", "mode", "status", "date", "source", "target", "place")
CLAIM_FIELDS = ("stance", "speaker", "content", "date")
try:
    from dragoman.corrections import FIELDS as _CORRECTABLE

    EVENT_FIELDS = tuple(_CORRECTABLE.get("event", EVENT_FIELDS))
    CLAIM_FIELDS = tuple(_CORRECTABLE.get("claim", CLAIM_FIELDS))
except ImportError:
    pass

MAX_PAGE = 1000  # records per page, the store's query layer's maximum
_ISO3 = re.compile(r"^[A-Za-z]{3}$")


# ---------- reference data ----------

@lru_cache(maxsize=1)
def plover_types() -> dict[str, int]:
    """PLOVER type → quad class (1-4), from the project's one mapping (data/export.yaml)."""
    try:
        from dragoman.export import mapping

        return {str(k).upper(): int(v) for k, v in mapping()["plover"]["quad"].items()}
    except Exception:  # the export mapping is unavailable: the pages still work, uncoloured
        return {}


def value_hints() -> dict[str, list[str]]:
    """Values the correction forms suggest: PLOVER types and statuses for events, stances for claims."""
    return {"event": sorted(plover_types()) + list(EVENT_STATUSES), "claim": list(CLAIM_STANCES)}


def quad_of(event_type: Optional[str]) -> Optional[str]:
    """The CSS / legend key of an event type's quad class, None for an unknown type."""
    code = plover_types().get((event_type or "").upper())
    return QUAD_CLASSES[code][0] if code in QUAD_CLASSES else None


@lru_cache(maxsize=512)
def atlas_id(iso3: Optional[str]) -> Optional[str]:
    """The id world-atlas gives a country: its ISO 3166 numeric code, zero-padded ("760" for SYR)."""
    if not iso3 or not _ISO3.match(iso3):
        return None
    import pycountry

    country = pycountry.countries.get(alpha_3=iso3.upper())
    return f"{int(country.numeric):03d}" if country else None


# ---------- article page ----------

def _ref_text(ref: Optional[dict]) -> str:
    if not ref:
        return "—"
    extra = " · ".join(x for x in (ref.get("country"), ref.get("sector")) if x)
    return f"{ref['name']} ({extra})" if extra else ref["name"]


def event_summary(e: dict) -> str:
    """One line naming an event: type, who on whom, when, where, status."""
    parts = [f"{e['type']}" + (f"/{e['mode']}" if e.get("mode") else ""),
             f"{_ref_text(e.get('source'))} → {_ref_text(e.get('target'))}"]
    if e.get("date"):
        parts.append(e["date"] + (" (publication date)" if e.get("date_inferred") else ""))
    if e.get("place"):
        parts.append(e["place"]["name"])
    parts.append(e.get("status") or "")
    return " · ".join(p for p in parts if p)


def claim_summary(c: dict) -> str:
    via = " via " + " ← ".join(v.get("name", "?") for v in c.get("via") or []) if c.get("via") else ""
    return f"{_ref_text(c.get('speaker'))}{via} · {c.get('stance')}" + (f" · {c['date']}" if c.get("date") else "")


def _mention_title(kind: str, m: dict) -> str:
    if kind == "actor":
        parts = [m["name"], m.get("country"), m.get("sector"), m.get("role"), m.get("kind")]
        method = f" [resolved by {m['method']}]" if m.get("method") else ""
        return "Actor: " + " · ".join(p for p in parts if p) + method
    if kind == "place":
        where = f"{m['lat']:.4f}, {m['lon']:.4f}" if m.get("lat") is not None and m.get("lon") is not None else None
        parts = [m["name"], m.get("kind"), m.get("country"), where]
        return "Place: " + " · ".join(p for p in parts if p)
    value = m.get("value") or "(no calendar value)"
    return f"Date: {value}" + (f" · {m['kind']}" if m.get("kind") and m["kind"] != "date" else "")


def segments(text: str, marks: Iterable[dict], blocks: Iterable[dict]) -> list[dict]:
    """The text cut at every boundary of every highlight, each piece knowing what covers it.

    marks: short mentions {kind, start, end, title}; blocks: events' and claims' evidence
    spans {ref, kind, start, end, title}. A piece is {text, marks: [kind...], title,
    events: [ref...], claims: [ref...], block_title}; pieces covered by nothing are plain."""
    n = len(text)

    def clip(items):
        out = []
        for it in items:
            s, e = max(0, int(it["start"])), min(n, int(it["end"]))
            if e > s:
                out.append({**it, "start": s, "end": e})
        return out

    marks, blocks = clip(marks), clip(blocks)
    cuts = sorted({0, n, *(m["start"] for m in marks), *(m["end"] for m in marks),
                   *(b["start"] for b in blocks), *(b["end"] for b in blocks)})
    # one sweep over the cuts, keeping the annotations open at each: linear in text pieces
    items = marks + blocks
    opening: dict[int, list[int]] = {}
    closing: dict[int, list[int]] = {}
    for i, it in enumerate(items):
        opening.setdefault(it["start"], []).append(i)
        closing.setdefault(it["end"], []).append(i)
    open_now: set[int] = set()
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        open_now.difference_update(closing.get(a, ()))
        open_now.update(opening.get(a, ()))
        on = [items[i] for i in sorted(open_now)]
        on_marks = [m for m in on if m["kind"] in ("actor", "place", "date")]
        on_blocks = [x for x in on if x["kind"] in ("event", "claim")]
        kinds = sorted({m["kind"] for m in on_marks})
        pieces.append({
            "text": text[a:b], "start": a, "end": b,
            "marks": kinds, "mark_class": " ".join(f"m-{k}" for k in kinds),
            "title": "\n".join(dict.fromkeys(m["title"] for m in on_marks)),
            "events": [x["ref"] for x in on_blocks if x["kind"] == "event"],
            "claims": [x["ref"] for x in on_blocks if x["kind"] == "claim"],
            "block_title": "\n".join(dict.fromkeys(x["title"] for x in on_blocks)),
        })
    return pieces


def runs(pieces: list[dict]) -> list[dict]:
    """Consecutive pieces under the same events and claims, grouped: one evidence span per run."""
    out: list[dict] = []
    for p in pieces:
        key = (p["events"], p["claims"])
        if out and (out[-1]["events"], out[-1]["claims"]) == key:
            out[-1]["pieces"].append(p)
        else:
            out.append({"events": p["events"], "claims": p["claims"], "title": p["block_title"], "pieces": [p]})
    return out


def _position(record_id: str) -> int:
    tail = record_id.rsplit("#", 1)[-1]
    digits = re.sub(r"\D", "", tail)
    return int(digits) if digits else 0


def _analysis_records(store: Store, doc: str) -> Optional[dict]:
    """The document's analysis as a dict with every record keyed and the analysts' corrections applied.

    Store.corrected_analysis is the store's own corrected reading; a store without the
    corrections layer gives its machine analysis, keyed by row id."""
    reader = getattr(store, "corrected_analysis", None)
    if reader is not None:
        data = reader(doc)
        if data is not None:
            data.setdefault("corrections", [])
        return data
    analysis = store.analysis(doc)
    if analysis is None:
        return None
    data = analysis.model_dump(mode="json")
    for kind, field in (("e", "events"), ("c", "claims")):
        for i, r in enumerate(data[field]):
            r["id"] = r["key"] = f"{doc}#{kind}{i}"
    data["corrections"] = []
    return data


def _ref_of(record: dict, letter: str, n: int) -> str:
    """A short label for a record on its article page: e3 for machine event 3, x1 for an added one."""
    m = re.search(rf"#{letter}(\d+)$", record.get("id") or "")
    return f"{letter}{m.group(1)}" if m else f"x{letter}{n}"


def article_view(store: Store, doc: str) -> Optional[dict]:
    """Everything the article page shows, or None when the store has no such document."""
    data = _analysis_records(store, doc)
    if data is None:
        return None
    article = data["article"]
    # only web links become hrefs: a javascript: URL in untrusted metadata must not be clickable
    url = (article.get("url") or "").strip()
    article["safe_url"] = url if re.match(r"(?i)^https?://", url) else None
    events, claims = data["events"], data["claims"]
    for n, e in enumerate(events):
        e["summary"] = event_summary(e)
        e["quad"] = quad_of(e["type"])
        e["ref"] = _ref_of(e, "e", n)
    for n, c in enumerate(claims):
        c["summary"] = claim_summary(c)
        c["ref"] = _ref_of(c, "c", n)
    copies: list[dict] = []
    if hasattr(store, "engine"):  # across articles: each event's happening, the text's copies
        from dragoman.store.happenings import attach_happenings_from

        attach_happenings_from(store, events)
        copies = store.copies(doc)
    # corroborates / contradicts hold positions of claims within the document's analysis
    by_position = {int(c["ref"][1:]): c for c in claims if c["ref"][1:].isdigit()}
    for c in claims:
        c["corroborating"] = [by_position[i]["ref"] for i in c.get("corroborates") or [] if i in by_position]
        c["contradicting"] = [by_position[i]["ref"] for i in c.get("contradicts") or [] if i in by_position]

    marks = [{"kind": kind, "start": m["start"], "end": m["end"], "title": _mention_title(kind, m)}
             for kind, field in (("actor", "actors"), ("place", "places"), ("date", "dates"))
             for m in data[field] if m.get("start") is not None and m.get("end") is not None]
    blocks = [{"kind": "event", "ref": e["ref"], "start": s, "end": t,
               "title": f"Event {e['ref']}: {e['summary']}"} for e in events for s, t in e.get("spans") or []]
    blocks += [{"kind": "claim", "ref": c["ref"], "start": c["start"], "end": c["end"],
                "title": f"Claim {c['ref']}: {c['summary']}"} for c in claims
               if c.get("start") is not None and c.get("end") is not None and c["end"] > c["start"]]
    return {
        "doc": doc, "article": article, "pipeline_version": data.get("pipeline_version"),
        "actors": data["actors"], "places": data["places"], "dates": data["dates"],
        "events": events, "claims": claims, "corrections": data["corrections"], "copies": copies,
        "runs": runs(segments(article["text"], marks, blocks)),
        "counts": {k: len(data[k]) for k in ("actors", "places", "dates", "events", "claims")},
    }


# ---------- events page ----------

def _clean(value: Any) -> Optional[str]:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _page_filters(params: dict, names: tuple[str, ...]) -> dict:
    """A page's filters from query parameters: empty values dropped, limit and offset bounded."""
    out = {k: _clean(params.get(k)) for k in names}
    try:
        limit = int(params.get("limit") or 500)
    except ValueError:
        limit = 500
    out["limit"] = max(1, min(limit, MAX_PAGE))
    try:
        out["offset"] = max(0, int(params.get("offset") or 0))
    except ValueError:
        out["offset"] = 0
    return out


def event_filters(params: dict) -> dict:
    """The events page's filters from query parameters."""
    return _page_filters(params, ("type", "country", "actor", "since", "until", "status", "doc"))


def _page(query, plain, filters: dict, **extra) -> dict:
    """A page of records from the store's query layer (query_events / query_claims), or from its
    plain list method on a store without one (no status filter, no total)."""
    if query is not None:
        return query(limit=filters["limit"], offset=filters["offset"], **extra)
    status = extra.pop("status", None)
    items = plain(limit=None, **extra)
    if status:
        items = [r for r in items if r.get("status") == status]
    total = len(items)
    items = items[filters["offset"]:filters["offset"] + filters["limit"]]
    following = filters["offset"] + len(items)
    return {"items": items, "total": total, "limit": filters["limit"], "offset": filters["offset"],
            "next": following if following < total else None}


def events_view(store: Store, filters: dict) -> dict:
    """The filtered events with the timeline items, the actor network and the map's features."""
    f = filters
    page = _page(getattr(store, "query_events", None), store.events, f,
                 actor=f.get("actor"), country=f.get("country"), type=f.get("type"), status=f.get("status"),
                 since=f.get("since"), until=f.get("until"), doc=f.get("doc"))
    rows = page["items"]
    for e in rows:
        e["summary"] = event_summary(e)
        e["quad"] = quad_of(e["type"])
        e["date_first"], e["date_last"] = date_bounds(e.get("date"))
        e["anchor"] = _ref_of(e, "e", 0)
    return {
        "filters": f, "events": rows, "count": len(rows), "total": page["total"], "next": page["next"],
        "timeline": timeline_items(rows), "network": actor_network(rows), "map": map_layer(rows),
        "types": sorted(plover_types()), "statuses": list(EVENT_STATUSES),
        "quads": [{"key": key, "label": label, "types": sorted(t for t, q in plover_types().items() if q == code)}
                  for code, (key, label) in QUAD_CLASSES.items()],
    }


def timeline_items(events: list[dict]) -> list[dict]:
    """vis-timeline items: one per dated event; a period (a month, a week) spans its days."""
    items = []
    for e in events:
        first, last = e.get("date_first"), e.get("date_last")
        if not first:
            continue
        item = {"id": e["id"], "start": first, "label": f"{e['type']} {_short(e.get('source'))} → "
                f"{_short(e.get('target'))}", "title": e["summary"], "quad": e.get("quad"), "doc": e["doc"]}
        if last and last != first:
            item["end"] = f"{last}T23:59:59"
        items.append(item)
    return items


def _short(ref: Optional[dict]) -> str:
    return ref["name"] if ref else "?"


def actor_network(events: list[dict]) -> dict:
    """Who acts on whom: nodes are actors, one edge per (source, target, quad class) weighted by events."""
    nodes: dict[str, dict] = {}
    edges: Counter = Counter()
    types: dict[tuple, Counter] = {}
    for e in events:
        src, tgt = e.get("source"), e.get("target")
        if not src or not tgt:
            continue
        for ref in (src, tgt):
            key = _actor_key(ref)
            node = nodes.setdefault(key, {"id": key, "name": ref["name"], "country": ref.get("country"),
                                          "sector": ref.get("sector"), "events": 0})
            node["events"] += 1
        edge = (_actor_key(src), _actor_key(tgt), e.get("quad") or "unknown")
        edges[edge] += 1
        types.setdefault(edge, Counter())[e["type"]] += 1
    return {
        "nodes": sorted(nodes.values(), key=lambda n: (-n["events"], n["name"])),
        "edges": [{"id": f"{s}→{t}:{q}", "source": s, "target": t, "quad": q, "weight": w,
                   "types": dict(types[(s, t, q)])} for (s, t, q), w in edges.most_common()],
    }


def _actor_key(ref: dict) -> str:
    return f"{ref['name']}|{ref.get('country') or ''}"


def map_layer(events: list[dict]) -> dict:
    """Geocoded events as points, and how many events touch each country (by world-atlas id)."""
    points = []
    countries: Counter = Counter()
    for e in events:
        place = e.get("place") or {}
        if place.get("lat") is not None and place.get("lon") is not None:
            points.append({"id": e["id"], "lat": place["lat"], "lon": place["lon"], "place": place["name"],
                           "type": e["type"], "quad": e.get("quad"), "summary": e["summary"], "doc": e["doc"]})
        touched = {atlas_id(c) for c in (place.get("country"), (e.get("source") or {}).get("country"),
                                          (e.get("target") or {}).get("country"))}
        for code in touched - {None}:
            countries[code] += 1
    return {"points": points, "countries": dict(countries)}


# ---------- claims page ----------

def claim_filters(params: dict) -> dict:
    """The claims page's filters from query parameters."""
    return _page_filters(params, ("actor", "country", "stance", "since", "until", "doc"))


def claims_view(store: Store, filters: dict) -> dict:
    """Claims, each with the claims that corroborate and contradict it resolved to records."""
    f = filters
    page = _page(getattr(store, "query_claims", None), store.claims, f, actor=f.get("actor"),
                 country=f.get("country"), stance=f.get("stance"), since=f.get("since"), until=f.get("until"),
                 doc=f.get("doc"))
    rows = page["items"]
    by_id = {c["id"]: c for c in rows}
    # linked claims may fall outside the filter: fetch their documents' claims once each
    wanted = {i for c in rows for i in (*c.get("corroborates", []), *c.get("contradicts", []),
                                        *c.get("corroborated_elsewhere", []), *c.get("contradicted_elsewhere", []))} \
        - set(by_id)
    for doc in sorted({str(i).rsplit("#", 1)[0] for i in wanted}):
        for c in store.claims(doc=doc, limit=None):
            by_id.setdefault(c["id"], c)
    for c in by_id.values():
        c["summary"] = claim_summary(c)
        c["anchor"] = _ref_of(c, "c", 0)

    def brief(i: str) -> Optional[dict]:
        c = by_id.get(i)
        if c is None:
            return None
        return {k: c.get(k) for k in ("id", "key", "doc", "speaker", "via", "stance", "date", "content", "evidence",
                                      "summary", "anchor", "start", "end", "outlet", "title", "published")}

    for c in rows:
        c["corroborating"] = [b for b in map(brief, c.get("corroborates", [])) if b]
        c["contradicting"] = [b for b in map(brief, c.get("contradicts", [])) if b]
        # the same proposition in other articles (dragoman.linking), with their outlets
        c["corroborating_elsewhere"] = [b for b in map(brief, c.get("corroborated_elsewhere", [])) if b]
        c["contradicting_elsewhere"] = [b for b in map(brief, c.get("contradicted_elsewhere", [])) if b]
    return {"filters": f, "claims": rows, "count": len(rows), "total": page["total"], "next": page["next"],
            "stances": list(CLAIM_STANCES),
            "linked": sum(1 for c in rows if c["corroborating"] or c["contradicting"]
                          or c["corroborating_elsewhere"] or c["contradicting_elsewhere"])}


def documents_view(store: Store, limit: int = 200) -> dict:
    return {"documents": store.documents(limit=limit)}


# ---------- happenings: one record per real-world happening across articles ----------

def happening_filters(params: dict) -> dict:
    """The happenings page's filters from query parameters."""
    out = _page_filters(params, ("type", "country", "actor", "since", "until", "outlet", "doc", "min_sources"))
    try:
        out["min_sources"] = max(1, int(out["min_sources"])) if out.get("min_sources") else None
    except ValueError:
        raise ValueError(f"min_sources={out['min_sources']!r} is not a number") from None
    return out


def happenings_view(store: Store, filters: dict) -> dict:
    f = filters
    page = store.query_happenings(type=f.get("type"), actor=f.get("actor"), country=f.get("country"),
                                  since=f.get("since"), until=f.get("until"), outlet=f.get("outlet"), doc=f.get("doc"),
                                  min_sources=f.get("min_sources"), limit=f["limit"], offset=f["offset"])
    rows = page["items"]
    for h in rows:
        h["quad"] = quad_of(h["type"])
        h["summary"] = event_summary({**h, "status": None})
    return {"filters": f, "happenings": rows, "count": len(rows), "total": page["total"], "next": page["next"],
            "types": sorted(plover_types())}


def happening_view(store: Store, happening_id: str) -> Optional[dict]:
    """One happening: every source article with its outlet, publication date and evidence sentences,
    the members grouped by independent source (copies of one text are one source)."""
    h = store.happening(happening_id)
    if h is None:
        return None
    h["quad"] = quad_of(h["type"])
    h["summary"] = event_summary({**h, "status": None})
    for m in h["members"]:
        m["summary"] = event_summary(m)
        m["anchor"] = _ref_of(m, "e", 0)
    groups = []
    for n, docs in enumerate(h["source_groups"], 1):
        members = [m for m in h["members"] if m["doc"] in docs]
        groups.append({"n": n, "docs": docs, "copies": len(docs) > 1, "members": members})
    h["groups"] = groups
    return h
