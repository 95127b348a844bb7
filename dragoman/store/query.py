"""The query layer the API, the web workbench and the CLI share: filtered, paginated, corrected.

Each `query_*` returns a page: {"items": [...], "total": N, "limit": L, "offset": O, "next": O2 | None}.
Filters are pushed into SQL; documents that carry live analysts' corrections are also read
whole, corrected, and filtered again in Python, so a filter sees corrected values (an event
corrected to ASSAULT is found by type=ASSAULT, one marked wrong is not found at all).

Text search (`q`) matches the documents' text: SQLite FTS5 when the build has it (the
`documents_fts` table, kept in step by Store.save), PostgreSQL full-text search (to_tsvector
over documents.text, GIN-indexed by the migration), a LIKE on every word otherwise. Bad filter values raise ValueError with a one-line message.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Optional

from sqlalchemy import and_, func, literal_column, or_, select, text
from sqlalchemy.orm import Session

from dragoman.store import (
    _chunks, _claim_dict, _event_dict, _filter_bound, date_bounds, fold,
)
from dragoman.store.happenings import _docs_meta, attach_claim_links, attach_happenings
from dragoman.store.keys import claim_keys, event_keys, mention_keys
from dragoman.store.schema import (
    ActorMentionRow, ClaimLinkRow, ClaimRow, CorrectionRow, DocumentRow, EventEvidenceRow, EventRow,
    PlaceRow,
)

FTS_TABLE = "documents_fts"
_LIVE = ("active", "needs_review")


# ---------- full-text index of documents ----------

def setup_fts(engine) -> bool:
    """Create (and fill) the FTS5 index of document text on SQLite; False where FTS5 is unavailable."""
    if engine.dialect.name != "sqlite":
        return False
    try:
        with engine.begin() as conn:
            conn.execute(text(f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} "
                              "USING fts5(doc UNINDEXED, title, text)"))
            conn.execute(text(f"INSERT INTO {FTS_TABLE}(doc, title, text) SELECT doc, coalesce(title, ''), text "
                              f"FROM documents WHERE doc NOT IN (SELECT doc FROM {FTS_TABLE})"))
        return True
    except Exception:  # sqlite3 built without FTS5: text search falls back to LIKE
        return False


def index_text(conn, doc: str, new: bool = False) -> None:
    """Bring one document's entry in the FTS index up to date, in the transaction that saved it.
    `new`: the document was not stored before, so it has no entry to remove (documents are never
    deleted); the removal reads the whole index (its doc column is not indexed), which a bulk
    ingest of new documents must not pay for each one."""
    if not new:
        conn.execute(text(f"DELETE FROM {FTS_TABLE} WHERE doc = :doc"), {"doc": doc})
    conn.execute(text(f"INSERT INTO {FTS_TABLE}(doc, title, text) SELECT doc, coalesce(title, ''), text "
                      "FROM documents WHERE doc = :doc"), {"doc": doc})


def _words(q: str) -> list[str]:
    words = re.findall(r"\w+", q or "")
    if not words:
        raise ValueError(f"q={q!r} has no words to search for")
    return words[:20]


def text_match(store, q: str):
    """A selectable of the doc ids whose text (or title) holds every word of q."""
    words = _words(q)
    if getattr(store, "fts", False):
        expression = " ".join('"' + w.replace('"', '""') + '"' for w in words)
        return text(f"SELECT doc FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :expr").bindparams(expr=expression) \
            .columns(doc=DocumentRow.doc.type)
    if store.engine.dialect.name == "postgresql":
        # the same expression as the GIN index ix_documents_text_fts; 'simple': no stemming and
        # no stop words, like FTS5's default tokenizer, so both backends find the same documents
        simple = literal_column("'simple'::regconfig")
        vector = func.to_tsvector(simple, DocumentRow.text)
        return select(DocumentRow.doc).where(vector.op("@@")(func.plainto_tsquery(simple, " ".join(words))))
    body = func.lower(DocumentRow.text)
    return select(DocumentRow.doc).where(and_(*(body.contains(w.lower(), autoescape=True) for w in words)))


# ---------- filters ----------

def parse_bbox(bbox: Any) -> Optional[tuple[float, float, float, float]]:
    """'minlon,minlat,maxlon,maxlat' (or a 4-sequence) as floats, checked."""
    if bbox is None or bbox == "":
        return None
    parts = bbox.split(",") if isinstance(bbox, str) else list(bbox)
    try:
        values = tuple(float(p) for p in parts)
    except (TypeError, ValueError):
        raise ValueError(f"bbox={bbox!r} is not minlon,minlat,maxlon,maxlat") from None
    if len(values) != 4:
        raise ValueError(f"bbox={bbox!r} is not minlon,minlat,maxlon,maxlat (four numbers)")
    minlon, minlat, maxlon, maxlat = values
    if not (-180 <= minlon <= maxlon <= 180 and -90 <= minlat <= maxlat <= 90):
        raise ValueError(f"bbox={bbox!r}: need -180 <= minlon <= maxlon <= 180 and -90 <= minlat <= maxlat <= 90")
    return values


def _page_args(limit: Optional[int], offset: int) -> tuple[Optional[int], int]:
    if limit is not None:
        limit = int(limit)
        if limit < 1:
            raise ValueError("limit must be at least 1")
    offset = int(offset or 0)
    if offset < 0:
        raise ValueError("offset must be 0 or more")
    return limit, offset


def _page(items: list, limit: Optional[int], offset: int) -> dict:
    total = len(items)
    page = items[offset:offset + limit] if limit is not None else items[offset:]
    following = offset + len(page)
    return {"items": page, "total": total, "limit": limit, "offset": offset,
            "next": following if following < total else None}


def _corrected_docs(kind: str):
    return select(CorrectionRow.doc).where(CorrectionRow.target_kind == kind, CorrectionRow.status.in_(_LIVE))


def _split(table, kind: str, corrected: bool):
    """Rows of documents with (True) or without (False) live corrections of this kind."""
    inside = table.doc.in_(_corrected_docs(kind))
    return inside if corrected else ~inside


def _added_docs(conn, kind: str) -> set[str]:
    q = select(CorrectionRow.doc).where(CorrectionRow.target_kind == kind, CorrectionRow.action == "add",
                                        CorrectionRow.status.in_(_LIVE)).distinct()
    return set(conn.execute(q).scalars())


def _merge_page(plain: list[dict], plain_total: int, corrected: list[dict], limit: Optional[int],
                offset: int) -> dict:
    """One page of the SQL-sorted top of uncorrected rows merged with the corrected records."""
    page = _page(_sort_newest(plain + corrected), limit, offset)
    total = plain_total + len(corrected)
    following = offset + len(page["items"])
    page.update(total=total, next=following if following < total else None)
    for r in page["items"]:
        r.pop("_position", None)
    return page


def _fill_keys(conn, records: list[dict], keys_of) -> None:
    """Stable keys for the uncorrected rows of a page (computed for the page only: they need siblings)."""
    missing = [r for r in records if not r.get("key")]
    if missing:
        keys = keys_of(conn, {r["doc"] for r in missing})
        for r in missing:
            r["key"] = keys.get(r["id"])
            r.setdefault("corrected", [])
            r.setdefault("deleted", False)


def _doc_filters(store, table, doc, outlet, q) -> list:
    where = []
    if doc:
        where.append(table.doc == doc)
    if outlet:
        where.append(func.lower(DocumentRow.outlet).contains(outlet.strip().lower(), autoescape=True))
    if q:
        where.append(table.doc.in_(text_match(store, q)))
    return where


def _in_span(value: Optional[str], first: Optional[str], last: Optional[str]) -> bool:
    if not first and not last:
        return True
    lo, hi = date_bounds(value)
    if lo is None:
        return False
    return (not first or hi >= first) and (not last or lo <= last)


def _in_bbox(lat, lon, box) -> bool:
    if box is None:
        return True
    if lat is None or lon is None:
        return False
    return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def _name_has(ref: Optional[dict], key: str) -> bool:
    return bool(ref and ref.get("name") and key in fold(ref["name"]))


def _sort_newest(items: list[dict], date_field: str = "date") -> list[dict]:
    """Newest first by the record's date, then by publication, nulls last; reading order within a doc."""
    items = sorted(items, key=lambda r: (r.get("doc") or "", r.get("_position", 0)))
    for value in (lambda r: r.get("published"), lambda r: date_bounds(r.get(date_field))[0]):
        dated = [r for r in items if value(r)]
        undated = [r for r in items if not value(r)]
        items = sorted(dated, key=value, reverse=True) + undated  # reverse sorts are stable too
    return items


def _added(store, conn, kind: str, doc, outlet, q) -> list[dict]:
    """Analysts' added records of one kind, restricted by the document filters, with document fields."""
    from dragoman.corrections import added_records

    c = CorrectionRow
    sel = select(c.__table__).where(c.target_kind == kind, c.action == "add", c.status.in_(_LIVE))
    if doc:
        sel = sel.where(c.doc == doc)
    if outlet or q:
        sel = sel.where(c.doc.in_(select(DocumentRow.doc).where(
            *[w for w in _doc_filters(store, DocumentRow, None, outlet, q)])))
    from dragoman.corrections import _as_dict

    rows = [_as_dict(r) for r in conn.execute(sel.order_by(c.id)).mappings()]
    meta = _docs_meta(conn, (r["doc"] for r in rows))
    return [{**meta.get(r["doc"], {}), **r, "_position": 10**9 + i} for i, r in enumerate(added_records(rows))]


def _live(store, kind: str, docs) -> list[dict]:
    from dragoman.corrections import live_corrections

    return live_corrections(store, kind, docs)


def _apply(records: list[dict], corrections: list[dict]) -> list[dict]:
    from dragoman.corrections import apply_all

    return apply_all(records, corrections, include_added=False)


# ---------- events ----------

def query_events(store, actor: Optional[str] = None, country: Optional[str] = None, type: Optional[str] = None,
                 status: Optional[str] = None, since: Any = None, until: Any = None, bbox: Any = None,
                 outlet: Optional[str] = None, q: Optional[str] = None, doc: Optional[str] = None,
                 limit: Optional[int] = 100, offset: int = 0, include_deleted: bool = False) -> dict:
    """Events, corrected, newest first. actor: substring of the source or target name (case and
    accents ignored); country: ISO3 of either side; since/until: the period the event's date names
    overlaps; bbox: the event's place lies within; outlet: substring; q: words of the document text."""
    limit, offset = _page_args(limit, offset)
    first, last = _filter_bound(since, "since", False), _filter_bound(until, "until", True)
    box = parse_bbox(bbox)
    key = fold(actor) if actor else None
    code = country.strip().upper() if country else None
    etype = type.strip().upper() if type else None
    status = status.strip().lower() if status else None

    E = EventRow
    record_where = []
    if key:
        record_where.append(or_(E.source_key.contains(key, autoescape=True), E.target_key.contains(key, autoescape=True)))
    if code:
        record_where.append(or_(E.source_country == code, E.target_country == code))
    if etype:
        record_where.append(E.type == etype)
    if status:
        record_where.append(E.status == status)
    if first:
        record_where.append(E.date_last >= first)
    if last:
        record_where.append(E.date_first <= last)
    if box:
        record_where += [E.place_lon >= box[0], E.place_lat >= box[1], E.place_lon <= box[2], E.place_lat <= box[3]]
    doc_where = _doc_filters(store, E, doc, outlet, q)

    def keep(r: dict) -> bool:
        if r["deleted"] and not include_deleted:
            return False
        if key and not (_name_has(r.get("source"), key) or _name_has(r.get("target"), key)):
            return False
        if code and code not in ((r.get("source") or {}).get("country"), (r.get("target") or {}).get("country")):
            return False
        if etype and r.get("type") != etype:
            return False
        if status and r.get("status") != status:
            return False
        place = r.get("place") or {}
        return _in_span(r.get("date"), first, last) and (box is None or _in_bbox(place.get("lat"), place.get("lon"), box))

    with Session(store.engine) as conn:
        page = _corrected_page(store, conn, "event", E, _event_dicts, _event_keys, doc_where, record_where, keep,
                               doc, outlet, q, limit, offset)
        _attach_evidence(conn, page["items"])
        attach_happenings(conn, page["items"])  # happening id and independent sources (dragoman.linking)
    return page


def _event_dicts(conn, found) -> list[dict]:
    return [_event_dict(row[0], [], *row[1:]) for row in found]


def _corrected_page(store, conn, kind: str, table, to_dicts, keys_of, doc_where: list, record_where: list,
                    keep: Callable[[dict], bool], doc, outlet, q, limit: Optional[int], offset: int) -> dict:
    """One page of events or claims (`kind`, rows of `table`) with analysts' corrections applied.
    Documents without live corrections are filtered, counted, sorted and cut in SQL; documents
    with live corrections (and analysts' added records) are read whole, corrected and filtered
    in Python by `keep`; the two are merged into one page. to_dicts(conn, rows) builds the
    records, keys_of(conn, docs) their correction keys."""
    T = table

    def fetch(where, corrected: bool, top: Optional[int] = None):
        sel = select(T, DocumentRow.title, DocumentRow.outlet, DocumentRow.url, DocumentRow.published) \
            .join(DocumentRow, DocumentRow.doc == T.doc).where(*where, _split(T, kind, corrected))
        sel = sel.order_by(T.date_first.desc().nulls_last(), DocumentRow.published.desc().nulls_last(),
                           T.doc, T.position)
        found = conn.execute(sel.limit(top) if top is not None else sel).all()
        keys = keys_of(conn, {row[0].doc for row in found}) if corrected else {}
        out = to_dicts(conn, found)
        for r, row in zip(out, found):
            r["key"], r["_position"] = keys.get(r["id"]), row[0].position
        return out

    plain_total = conn.execute(select(func.count()).select_from(T).join(DocumentRow, DocumentRow.doc == T.doc)
                               .where(*doc_where, *record_where, _split(T, kind, False))).scalar() or 0
    plain = fetch(doc_where + record_where, False, None if limit is None else offset + limit)
    records = fetch(doc_where, True)
    corrections = _live(store, kind, {r["doc"] for r in records} | _added_docs(conn, kind))
    records = _apply(records, corrections) + _apply(_added(store, conn, kind, doc, outlet, q), corrections)
    corrected = [r for r in records if keep(r)]
    page = _merge_page(plain, plain_total, corrected, limit, offset)
    _fill_keys(conn, page["items"], keys_of)
    return page


def _event_keys(conn, docs: set[str]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for chunk in _chunks(sorted(docs)):
        q = select(EventRow.doc, EventRow.id, EventRow.type, EventRow.source_name, EventRow.target_name) \
            .where(EventRow.doc.in_(chunk)).order_by(EventRow.doc, EventRow.position)
        by_doc: dict[str, list] = {}
        for r in conn.execute(q):
            by_doc.setdefault(r.doc, []).append(r)
        for d, rows in by_doc.items():
            for r, k in zip(rows, event_keys(d, ((r.type, r.source_name, r.target_name) for r in rows))):
                keys[r.id] = k
    return keys


def _attach_evidence(conn, events: list[dict]) -> None:
    ids = [e["id"] for e in events if e.get("origin") != "analyst"]
    evidence: dict[str, list] = {}
    for chunk in _chunks(ids):
        q = select(EventEvidenceRow).where(EventEvidenceRow.event_id.in_(chunk)) \
            .order_by(EventEvidenceRow.event_id, EventEvidenceRow.position)
        for r in conn.execute(q).scalars():
            evidence.setdefault(r.event_id, []).append(r)
    for e in events:
        if e["id"] in evidence:
            e["evidence"] = [x.sentence for x in evidence[e["id"]] if x.sentence is not None]
            e["spans"] = [[x.start, x.end] for x in evidence[e["id"]] if x.start is not None]


# ---------- claims ----------

def query_claims(store, actor: Optional[str] = None, country: Optional[str] = None, stance: Optional[str] = None,
                 since: Any = None, until: Any = None, outlet: Optional[str] = None, q: Optional[str] = None,
                 doc: Optional[str] = None, limit: Optional[int] = 100, offset: int = 0,
                 include_deleted: bool = False) -> dict:
    """Claims, corrected, newest first. actor: substring of the speaker's name; country: the speaker's ISO3."""
    limit, offset = _page_args(limit, offset)
    first, last = _filter_bound(since, "since", False), _filter_bound(until, "until", True)
    key = fold(actor) if actor else None
    code = country.strip().upper() if country else None
    stance = stance.strip().lower() if stance else None

    C = ClaimRow
    record_where = []
    if key:
        record_where.append(C.speaker_key.contains(key, autoescape=True))
    if code:
        record_where.append(C.speaker_country == code)
    if stance:
        record_where.append(C.stance == stance)
    if first:
        record_where.append(C.date_last >= first)
    if last:
        record_where.append(C.date_first <= last)
    doc_where = _doc_filters(store, C, doc, outlet, q)
    def keep(r: dict) -> bool:
        if r["deleted"] and not include_deleted:
            return False
        if key and not _name_has(r.get("speaker"), key):
            return False
        if code and (r.get("speaker") or {}).get("country") != code:
            return False
        if stance and r.get("stance") != stance:
            return False
        return _in_span(r.get("date"), first, last)

    with Session(store.engine) as conn:
        page = _corrected_page(store, conn, "claim", C, _claim_dicts, _claim_keys, doc_where, record_where, keep,
                               doc, outlet, q, limit, offset)
        attach_claim_links(conn, page["items"])  # claims of other articles it agrees with or contradicts
    return page


def _claim_dicts(conn, found) -> list[dict]:
    """Claims with their links to claims of the same article (corroborates, contradicts)."""
    links: dict[str, dict[str, list[str]]] = {}
    for chunk in _chunks([row[0].id for row in found]):
        link_q = select(ClaimLinkRow).where(ClaimLinkRow.claim_id.in_(chunk)).order_by(ClaimLinkRow.id)
        for r in conn.execute(link_q).scalars():
            links.setdefault(r.claim_id, {}).setdefault(r.relation, []).append(r.other_claim_id)
    return [_claim_dict(row[0], links.get(row[0].id, {}), *row[1:]) for row in found]


def _claim_keys(conn, docs: set[str]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for chunk in _chunks(sorted(docs)):
        q = select(ClaimRow.doc, ClaimRow.id, ClaimRow.speaker_name, ClaimRow.content) \
            .where(ClaimRow.doc.in_(chunk)).order_by(ClaimRow.doc, ClaimRow.position)
        by_doc: dict[str, list] = {}
        for r in conn.execute(q):
            by_doc.setdefault(r.doc, []).append(r)
        for d, rows in by_doc.items():
            for r, k in zip(rows, claim_keys(d, ((r.speaker_name, r.content) for r in rows))):
                keys[r.id] = k
    return keys


# ---------- mentions: actors and places, aggregated ----------

def _mentions(store, kind: str, table, columns: list, doc, outlet, q, keep: Callable[[dict], bool]) -> list[dict]:
    """The mentions of documents with live corrections of this kind, corrected (keys from offsets),
    added ones included, that `keep` accepts. Other documents' mentions are aggregated in SQL."""
    sel = select(table.doc, table.position, table.start, table.end, table.mention, *columns, DocumentRow.published) \
        .join(DocumentRow, DocumentRow.doc == table.doc) \
        .where(*_doc_filters(store, table, doc, outlet, q), _split(table, kind, True))
    with Session(store.engine) as conn:
        rows = [dict(r) for r in conn.execute(sel.order_by(table.doc, table.position)).mappings()]
        by_doc: dict[str, list[dict]] = {}
        for r in rows:
            by_doc.setdefault(r["doc"], []).append(r)
        for d, group in by_doc.items():
            for r, k in zip(group, mention_keys(d, kind, ((r["start"], r["end"]) for r in group))):
                r["key"] = k
        corrections = _live(store, kind, set(by_doc) | _added_docs(conn, kind))
        records = _apply(rows, corrections) + _apply(_added(store, conn, kind, doc, outlet, q), corrections)
    return [r for r in records if not r["deleted"] and keep(r)]


def _merge_groups(sql_groups: list[dict], mentions: list[dict], group_key: Callable[[dict], tuple],
                  fields: tuple[str, ...]) -> dict[tuple, dict]:
    """Groups counted in SQL merged with groups of corrected mentions counted here (disjoint documents)."""
    groups: dict[tuple, dict] = {}
    for g in sql_groups:
        groups[group_key(g)] = {**g, "corrected": False, "_aliases": set()}
    docs: dict[tuple, set] = {}
    for r in mentions:
        k = group_key(r)
        g = groups.setdefault(k, {**{f: r.get(f) for f in fields}, "kind": None, "mentions": 0, "documents": 0,
                                  "first_published": None, "last_published": None, "corrected": False,
                                  "_aliases": set()})
        g["mentions"] += 1
        if r["doc"] not in docs.setdefault(k, set()):
            docs[k].add(r["doc"])
            g["documents"] += 1
        g["_aliases"].add(r["mention"])
        g["corrected"] = g["corrected"] or bool(r["corrected"]) or r.get("origin") == "analyst"
        if r.get("kind") and (g["kind"] is None or r["kind"] > g["kind"]):
            g["kind"] = r["kind"]
        published = r.get("published")
        if published:
            g["first_published"] = min(filter(None, (g["first_published"], published)))
            g["last_published"] = max(filter(None, (g["last_published"], published)))
    return groups


def _aggregate(store, kind: str, table, fields: tuple, group_columns: list, where: list, doc, outlet, q):
    kind_column = [] if "kind" in fields else [func.max(table.kind).label("kind")]
    sel = select(*group_columns, *kind_column, func.count().label("mentions"),
                 func.count(func.distinct(table.doc)).label("documents"),
                 func.min(DocumentRow.published).label("first_published"),
                 func.max(DocumentRow.published).label("last_published")) \
        .join(DocumentRow, DocumentRow.doc == table.doc) \
        .where(*_doc_filters(store, table, doc, outlet, q), *where, _split(table, kind, False)) \
        .group_by(*group_columns)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(sel).mappings()]


def _aliases(store, kind: str, table, fields: tuple, page: list[dict], where: list, doc, outlet, q,
             group_key: Callable[[dict], tuple]) -> None:
    """The distinct mention texts of each group on a page (uncorrected documents' from SQL)."""
    names = sorted({g["name"] for g in page})
    found: dict[tuple, set] = {}
    with store.engine.connect() as conn:
        for chunk in _chunks(names):
            sel = select(*(getattr(table, f) for f in fields), table.mention) \
                .join(DocumentRow, DocumentRow.doc == table.doc) \
                .where(table.name.in_(chunk), *_doc_filters(store, table, doc, outlet, q), *where,
                       _split(table, kind, False)).distinct()
            for r in conn.execute(sel).mappings():
                found.setdefault(group_key(r), set()).add(r["mention"])
    for g in page:
        g["aliases"] = sorted(g.pop("_aliases") | found.get(group_key(g), set()))


def query_actors(store, name: Optional[str] = None, country: Optional[str] = None, sector: Optional[str] = None,
                 outlet: Optional[str] = None, q: Optional[str] = None, doc: Optional[str] = None,
                 limit: Optional[int] = 100, offset: int = 0) -> dict:
    """Canonical actors (corrected mentions grouped by name, country, sector, actor id), most mentioned first,
    with how many mentions, in how many documents, first and last publication date, and the aliases used."""
    limit, offset = _page_args(limit, offset)
    key = fold(name) if name else None
    code = country.strip().upper() if country else None
    sector = sector.strip().upper() if sector else None
    m = ActorMentionRow
    where = []
    if key:
        where.append(m.name_key.contains(key, autoescape=True))
    if code:
        where.append(m.country == code)
    if sector:
        where.append(m.sector == sector)

    def keep(r: dict) -> bool:
        return ((not key or key in fold(r.get("name"))) and (not code or r.get("country") == code)
                and (not sector or r.get("sector") == sector))

    fields = ("name", "country", "sector", "actor_id")

    def group_key(r):
        return tuple(r.get(f) for f in fields)

    groups = _merge_groups(_aggregate(store, "actor", m, fields, [m.name, m.country, m.sector, m.actor_id], where,
                                      doc, outlet, q),
                           _mentions(store, "actor", m, [m.name, m.country, m.sector, m.actor_id, m.kind, m.role],
                                     doc, outlet, q, keep), group_key, fields)
    items = sorted(groups.values(), key=lambda g: (-g["mentions"], g["name"] or ""))
    page = _page(items, limit, offset)
    _aliases(store, "actor", m, fields, page["items"], where, doc, outlet, q, group_key)
    return page


def query_places(store, name: Optional[str] = None, country: Optional[str] = None, kind: Optional[str] = None,
                 bbox: Any = None, outlet: Optional[str] = None, q: Optional[str] = None, doc: Optional[str] = None,
                 limit: Optional[int] = 100, offset: int = 0) -> dict:
    """Places (corrected mentions grouped by name, country, kind, coordinates), most mentioned first.
    name: substring of the place's name; bbox: minlon,minlat,maxlon,maxlat."""
    limit, offset = _page_args(limit, offset)
    box = parse_bbox(bbox)
    key = fold(name) if name else None
    code = country.strip().upper() if country else None
    kind = kind.strip().lower() if kind else None
    p = PlaceRow
    where = []
    if key:  # a LIKE on the raw name: accents are folded again in Python below
        where.append(func.lower(p.name).contains(name.strip().lower(), autoescape=True))
    if code:
        where.append(p.country == code)
    if kind:
        where.append(p.kind == kind)
    if box:
        where += [p.lon >= box[0], p.lat >= box[1], p.lon <= box[2], p.lat <= box[3]]

    def keep(r: dict) -> bool:
        return ((not key or key in fold(r.get("name")))
                and (not code or r.get("country") == code) and (not kind or r.get("kind") == kind)
                and _in_bbox(r.get("lat"), r.get("lon"), box))

    fields = ("name", "country", "kind", "lat", "lon")

    def group_key(r):
        return (r.get("name"), r.get("country"), r.get("kind"),
                None if r.get("lat") is None else round(r["lat"], 4),
                None if r.get("lon") is None else round(r["lon"], 4))

    sql_groups = _aggregate(store, "place", p, fields, [p.name, p.country, p.kind, p.lat, p.lon], where,
                            doc, outlet, q)
    merged: dict[tuple, dict] = {}
    for g in sql_groups:  # the same place at coordinates equal to 4 decimals is one place
        k = group_key(g)
        if k in merged:
            merged[k]["mentions"] += g["mentions"]
            merged[k]["documents"] += g["documents"]
        else:
            merged[k] = g
    groups = _merge_groups(list(merged.values()),
                           _mentions(store, "place", p, [p.name, p.kind, p.country, p.lat, p.lon], doc, outlet, q,
                                     keep), group_key, fields)
    items = sorted(groups.values(), key=lambda g: (-g["mentions"], g["name"] or ""))
    page = _page(items, limit, offset)
    _aliases(store, "place", p, fields, page["items"], where, doc, outlet, q, group_key)
    return page


# ---------- documents ----------

def query_articles(store, outlet: Optional[str] = None, q: Optional[str] = None, since: Any = None,
                   until: Any = None, limit: Optional[int] = 100, offset: int = 0) -> dict:
    """Stored documents, newest publication first; since/until on the publication date."""
    from dragoman.store.schema import DateRow

    limit, offset = _page_args(limit, offset)
    first, last = _filter_bound(since, "since", False), _filter_bound(until, "until", True)
    d = DocumentRow
    where = _doc_filters(store, d, None, outlet, q)
    if first:
        where.append(d.published >= first)
    if last:
        where.append(d.published <= last + "\uffff")

    def count(table):
        return select(func.count()).where(table.doc == d.doc).correlate(d).scalar_subquery()

    corrections = select(func.count()).where(CorrectionRow.doc == d.doc, CorrectionRow.status.in_(_LIVE)) \
        .correlate(d).scalar_subquery()
    sel = select(d.doc, d.title, d.outlet, d.author, d.url, d.published, d.published_inferred, d.language,
                 d.pipeline_version, d.analysed_at, count(ActorMentionRow).label("actors"),
                 count(PlaceRow).label("places"), count(DateRow).label("dates"), count(EventRow).label("events"),
                 count(ClaimRow).label("claims"), corrections.label("corrections")).where(*where) \
        .order_by(d.published.desc().nulls_last(), d.analysed_at.desc(), d.doc)
    with store.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(d).where(*where)).scalar() or 0
        if limit is not None:
            sel = sel.limit(limit)
        found = [dict(r) for r in conn.execute(sel.offset(offset)).mappings()]
    for r in found:
        r["published_inferred"] = bool(r["published_inferred"])
        if hasattr(r["analysed_at"], "isoformat"):
            r["analysed_at"] = r["analysed_at"].isoformat()
    following = offset + len(found)
    return {"items": found, "total": total, "limit": limit, "offset": offset,
            "next": following if following < total else None}
