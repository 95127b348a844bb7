"""Happenings, copies and claim links across articles, kept in the store (decisions: dragoman.linking).

    link_document(store, doc)        # run by Store.save, and again when the doc's events or claims are corrected
    query_happenings(store, type="ASSAULT", country="SYR", min_sources=2)
    get_happening(store, "h-…")      # every member event with its document and evidence sentences

Linking one document, in one transaction:
1. its text's MinHash signature is stored with its LSH band keys; documents sharing a band are
   compared and the copies among them linked (document_links);
2. its events leave the happenings they were in; each (corrected, not marked wrong) event
   joins the happening of the best-matching event of another document, or founds a new one.
   It is compared with at most `max_candidates` events of its window (_candidates), read
   latest first off an index and no further, so the cost of linking a document does not grow
   with the store;
3. the summaries of every happening touched are recomputed: member counts, independent
   sources (documents, copies counted once), outlets, first and last publication date;
   happenings left empty are removed;
4. its claims' links to claims of other articles (not its copies) are rebuilt.
"""
from __future__ import annotations

import heapq
import uuid
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Iterable, Optional

from sqlalchemy import Date, and_, bindparam, case, cast, delete, func, insert, null, or_, select, update
from sqlalchemy.orm import Session

from dragoman import linking
from dragoman.store import _chunks, _event_dict, _event_place, _event_sides, _filter_bound, date_bounds, fold
from dragoman.store.keys import claim_keys, event_keys
from dragoman.store.schema import (
    ClaimRow, CorrectionRow, CrossClaimLinkRow, DocumentBandRow, DocumentLinkRow, DocumentRow,
    DocumentSignatureRow, EventEvidenceRow, EventRow, HappeningMemberRow, HappeningRow, MACHINE,
)

_LIVE = ("active", "needs_review")


# ---------- reading records, corrected ----------

def _live_corrections(conn, kind: str, docs: Iterable[str]) -> list[dict]:
    from dragoman.corrections import _as_dict

    live = (CorrectionRow.target_kind == kind, CorrectionRow.status.in_(_LIVE))
    # most stores have no live corrections of a kind: one cheap look saves asking about the
    # hundreds of candidate documents each linked document brings
    if not conn.execute(select(CorrectionRow.id).where(*live).limit(1)).first():
        return []
    docs = sorted(set(docs))
    out: list[dict] = []
    for chunk in _chunks(docs):
        q = select(CorrectionRow.__table__).where(*live, CorrectionRow.doc.in_(chunk)).order_by(CorrectionRow.id)
        out += [_as_dict(r) for r in conn.execute(q).mappings()]
    return sorted(out, key=lambda c: c["id"])


def _corrected_docs(conn, kind: str) -> set[str]:
    """The documents with live corrections of records of this kind (other than added records)."""
    q = select(CorrectionRow.doc).where(CorrectionRow.target_kind == kind, CorrectionRow.status.in_(_LIVE),
                                        CorrectionRow.action != "add").distinct()
    return set(conn.execute(q).scalars())


def _corrected(conn, kind: str, records: list[dict]) -> list[dict]:
    """Machine records (dicts with id and doc) with the analysts' live corrections applied; records
    marked wrong are left out. Keys are computed only for documents that have corrections."""
    from dragoman.corrections import apply_all

    corrections = _live_corrections(conn, kind, {r["doc"] for r in records})
    corrections = [c for c in corrections if c["action"] != "add"]
    if not corrections:
        return records
    docs = {c["doc"] for c in corrections}
    keys = _keys(conn, kind, docs)
    touched = [r for r in records if r["doc"] in docs]
    for r in touched:
        r["key"] = keys.get(r["id"])
    applied = {id(r): a for r, a in zip(touched, apply_all(touched, corrections, include_added=False))}
    out = []
    for r in records:
        r = applied.get(id(r), r)
        if not r.get("deleted"):
            out.append(r)
    return out


def _keys(conn, kind: str, docs: Iterable[str]) -> dict[str, str]:
    keys: dict[str, str] = {}
    table = EventRow if kind == "event" else ClaimRow
    for chunk in _chunks(sorted(set(docs))):
        if kind == "event":
            q = select(EventRow.doc, EventRow.id, EventRow.type, EventRow.source_name, EventRow.target_name)
        else:
            q = select(ClaimRow.doc, ClaimRow.id, ClaimRow.speaker_name, ClaimRow.content)
        by_doc: dict[str, list] = {}
        for r in conn.execute(q.where(table.doc.in_(chunk)).order_by(table.doc, table.position)):
            by_doc.setdefault(r.doc, []).append(r)
        for d, rows in by_doc.items():
            if kind == "event":
                made = event_keys(d, ((r.type, r.source_name, r.target_name) for r in rows))
            else:
                made = claim_keys(d, ((r.speaker_name, r.content) for r in rows))
            keys.update((r.id, k) for r, k in zip(rows, made))
    return keys


def _event_records(conn, where: list, limit: Optional[int] = None, order=None) -> list[dict]:
    # plain rows of the table, not ORM objects: linking reads hundreds of candidates per document,
    # and building (and identity-mapping) an object for each cost more than the query
    sel = select(EventRow.__table__, DocumentRow.title, DocumentRow.outlet, DocumentRow.url, DocumentRow.published) \
        .join(DocumentRow, DocumentRow.doc == EventRow.doc).where(EventRow.origin == MACHINE, *where)
    if order is not None:
        sel = sel.order_by(*order)
    if limit is not None:
        sel = sel.limit(limit)
    return [_event_dict(row, [], row.title, row.outlet, row.url, row.published)
            for row in conn.connection().execute(sel)]


# ---------- syndication ----------

def _link_copies(conn, doc: str, text: str, content_hash: str) -> set[str]:
    """Store the document's signature and band keys, link it to the stored documents it copies
    (or that copy it); returns the documents it is now linked with."""
    cfg = linking.config()["syndication"]
    conn.execute(delete(DocumentLinkRow.__table__).where(or_(DocumentLinkRow.doc == doc, DocumentLinkRow.other_doc == doc)))
    conn.execute(delete(DocumentBandRow.__table__).where(DocumentBandRow.doc == doc))
    stored = conn.execute(select(DocumentSignatureRow).where(DocumentSignatureRow.doc == doc)).scalar()
    if stored is not None and stored.content_hash == content_hash and len(stored.signature) == cfg["num_hashes"]:
        signature, count = list(stored.signature), stored.shingles
    else:
        hashes = linking.shingles(text)
        signature, count = linking.minhash(hashes), len(hashes)
        conn.execute(delete(DocumentSignatureRow.__table__).where(DocumentSignatureRow.doc == doc))
        conn.execute(insert(DocumentSignatureRow.__table__).values(doc=doc, content_hash=content_hash, shingles=count,
                                                         signature=signature))
    if count < cfg["min_shingles"]:
        return set()
    bands = linking.band_keys(signature)
    conn.execute(insert(DocumentBandRow.__table__), [{"doc": doc, "band": b} for b in bands])
    candidates = set(conn.execute(select(DocumentBandRow.doc).where(
        DocumentBandRow.band.in_(bands), DocumentBandRow.doc != doc).distinct()).scalars())
    linked: set[str] = set()
    rows = []
    for chunk in _chunks(sorted(candidates)):
        for other in conn.execute(select(DocumentSignatureRow).where(DocumentSignatureRow.doc.in_(chunk))).scalars():
            similarity = linking.copy_similarity(signature, count, list(other.signature), other.shingles)
            if similarity is not None:
                linked.add(other.doc)
                rows.append({"doc": doc, "other_doc": other.doc, "relation": "copy", "similarity": similarity})
    if rows:
        conn.execute(insert(DocumentLinkRow.__table__), rows)
    return linked


def _copy_pairs(conn, docs: Iterable[str]) -> list[tuple[str, str]]:
    docs = sorted(set(docs))
    pairs = []
    for chunk in _chunks(docs):
        q = select(DocumentLinkRow.doc, DocumentLinkRow.other_doc).where(
            DocumentLinkRow.doc.in_(chunk), DocumentLinkRow.other_doc.in_(docs))
        pairs += [(a, b) for a, b in conn.execute(q)]
    return pairs


def copies_of(conn_or_store, doc: str) -> list[dict]:
    """The stored documents that are copies of `doc`, with their similarity and metadata."""
    def read(conn):
        out = []
        q = select(DocumentLinkRow).where(or_(DocumentLinkRow.doc == doc, DocumentLinkRow.other_doc == doc))
        for link in conn.execute(q).scalars():
            other = link.other_doc if link.doc == doc else link.doc
            out.append({"doc": other, "similarity": link.similarity})
        meta = _docs_meta(conn, [c["doc"] for c in out])
        return sorted(({**c, **meta.get(c["doc"], {})} for c in out), key=lambda c: (-c["similarity"], c["doc"]))

    if hasattr(conn_or_store, "engine"):
        with Session(conn_or_store.engine) as conn:
            return read(conn)
    return read(conn_or_store)


def _docs_meta(conn, docs: Iterable[str]) -> dict[str, dict]:
    meta = {}
    for chunk in _chunks(sorted(set(docs))):
        q = select(DocumentRow.doc, DocumentRow.title, DocumentRow.outlet, DocumentRow.url, DocumentRow.published) \
            .where(DocumentRow.doc.in_(chunk))
        for r in conn.execute(q).mappings():
            meta[r["doc"]] = {"title": r["title"], "outlet": r["outlet"], "url": r["url"], "published": r["published"]}
    return meta


# ---------- events into happenings ----------

def _day(value: Optional[str]) -> Optional[date]:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _window(record: dict, cfg: dict) -> Optional[tuple[str, str]]:
    """The days around a record's period (or, undated, its publication date) where reports of the
    same happening are looked for."""
    window = timedelta(days=cfg["dates"]["window_days"])
    first, last = date_bounds(record.get("date"))
    if first is None:
        first, last = date_bounds(record.get("published"))
    lo, hi = _day(first), _day(last)
    if lo is None or hi is None:
        return None
    return (lo - window).isoformat(), (hi + window).isoformat()


def _candidates(conn, records: list[dict], cfg: dict, copies: set[str] = frozenset()) -> list[list[dict]]:
    """For each record, the events of other documents that could report the same happening: of
    the events of a compatible type and a period (or, undated, a publication date) within its
    window, or of a copy of its text, the `max_candidates` latest (by period, then id), less
    those whose actors rule a link out (linking.actors_may_link). Each carries its happening id.

    The stored events are read in that order, a stream per type (_ordered_events), only the
    columns these choices need, and only while some record still wants more: a busy window
    (a folder of undated articles given one publication date) holds the whole store. The rest
    of a record is read only for the events that remain. Events of documents with live
    corrections are chosen by their corrected values."""
    if not records:  # a document with no events has nothing to link, even to its copies
        return []
    limit = cfg["max_candidates"]
    windows = [_window(record, cfg) for record in records]
    types = [linking.compatible_types(record["type"]) for record in records]
    spans: dict[str, tuple[str, str]] = {}  # type -> the union of the windows that want it
    for span, compatible in zip(windows, types):
        for t in compatible if span else ():
            lo, hi = spans.get(t, span)
            spans[t] = (min(lo, span[0]), max(hi, span[1]))
    open_records = [i for i in range(len(records)) if windows[i] is not None or copies]
    if not open_records:
        return [[] for _ in records]
    corrected = _CorrectedEvents(conn)
    chosen: list[list[dict]] = [[] for _ in records]
    doc = records[0]["doc"]
    # the types some record still wants more of: a stream of another type is read no further
    wanted = set().union(*(types[i] for i in open_records))
    streams = [_ordered_events(conn, doc, [EventRow.type == t], span, cfg, n, {t}, wanted)
               for n, (t, span) in enumerate(sorted(spans.items()))]
    if copies:
        streams.append(_ordered_events(conn, doc, [EventRow.doc.in_(sorted(copies)), EventRow.type.in_(sorted(wanted))],
                                       None, cfg, len(streams), set(wanted), wanted))
    seen: set[str] = set()
    try:
        for _, _, row in heapq.merge(*streams, reverse=True):
            if row.id in seen:  # a copy's event inside a window comes twice
                continue
            seen.add(row.id)
            if row.doc in corrected.docs:
                c = corrected.get(row)
                if c is None:  # marked wrong by an analyst
                    continue
                event_type, event_doc = c["type"], c["doc"]
                first, last = date_bounds(c.get("date"))
                if first is None:
                    first, last = date_bounds(c.get("published"))
            else:  # the stored bounds are date_bounds(date): no need to build the record yet
                c, event_type, event_doc, first, last = None, row.type, row.doc, row.date_first, row.date_last
                if first is None:
                    first, last = date_bounds(row.published)
            a_copy, full = event_doc in copies, False
            for i in open_records:
                span = windows[i]
                if event_type in types[i] and (a_copy or (span is not None and first is not None
                                                          and first <= span[1] and last >= span[0])):
                    if c is None:
                        c = corrected.get(row)
                    mine = chosen[i]
                    mine.append(c)
                    full = full or len(mine) >= limit
            if full:
                open_records = [i for i in open_records if len(chosen[i]) < limit]
                if not open_records:
                    break
                wanted.intersection_update(set().union(*(types[i] for i in open_records)))
    finally:
        for stream in streams:
            stream.close()
    # the actors test is the cheapest veto, and needs only the columns read
    chosen = [list(filter(linking.actors_test(record), found)) for record, found in zip(records, chosen)]
    records_by_id = corrected.full({c["id"] for found in chosen for c in found})
    chosen = [[records_by_id[c["id"]] for c in found] for found in chosen]
    found = list(records_by_id.values())
    member = {}
    for chunk in _chunks([r["id"] for r in found]):
        q = select(HappeningMemberRow.event_id, HappeningMemberRow.happening_id) \
            .where(HappeningMemberRow.event_id.in_(chunk))
        member.update(dict(conn.execute(q).all()))
    happening_spans = {}
    for chunk in _chunks(sorted(set(member.values()))):
        q = select(HappeningRow.id, HappeningRow.date_first, HappeningRow.date_last).where(HappeningRow.id.in_(chunk))
        happening_spans.update((h, (first, last)) for h, first, last in conn.execute(q))
    for r in found:
        r["happening"] = member.get(r["id"])
        r["happening_span"] = happening_spans.get(r["happening"])
    return chosen


_LIGHT_COLUMNS = (EventRow.id, EventRow.doc, EventRow.type, EventRow.date, EventRow.date_first, EventRow.date_last,
                  EventRow.source_name, EventRow.source_country, EventRow.source_sector,
                  EventRow.source_actor_id, EventRow.target_name, EventRow.target_country, EventRow.target_sector,
                  EventRow.target_actor_id)


def _ordered_events(conn, doc: str, where: list, span: Optional[tuple[str, str]], cfg: dict,
                    stream: int, stream_types: set[str], wanted: set[str]):
    """(order key, `stream`, light row) of the machine events of other documents matching
    `where`, latest period first (then id, descending), then the undated ones by id; with
    `span`, only those whose period meets it (starting at most longest_period_days before it)
    or, undated, whose document was published in it. Rows are fetched as the caller asks for
    them, and no more once none of `stream_types` is `wanted` (a set the caller shrinks)."""
    connection = conn.connection()
    for sel in window_queries(doc, where, span, cfg):
        if wanted.isdisjoint(stream_types):
            return
        result = connection.execute(sel.execution_options(yield_per=256))
        try:
            for row in result:
                first = row.date_first
                yield ((1, first, row.date_last, row.id) if first is not None else (0, "", "", row.id)), stream, row
                if wanted.isdisjoint(stream_types):
                    return
        finally:
            result.close()


def window_queries(doc: str, where: list, span: Optional[tuple[str, str]], cfg: dict) -> list:
    """The two ordered queries of _ordered_events, dated then undated. With `where` naming one
    type, each walks the events' (type, date_first, date_last, id) index in its order, so a
    reader that stops early saves the database the rest of the window."""
    E, D = EventRow, DocumentRow
    # a dated event is placed by its own bounds: its document (a wide row) is not read
    base = select(*_LIGHT_COLUMNS, null().label("published")).where(E.origin == MACHINE, E.doc != doc, *where)
    # an undated event has neither bound: naming both lets its part of the index give the id order
    base_undated = select(*_LIGHT_COLUMNS, D.published).join(D, D.doc == E.doc) \
        .where(E.origin == MACHINE, E.doc != doc, E.date_first.is_(None), E.date_last.is_(None), *where)
    if span is None:
        dated, undated = base.where(E.date_first.is_not(None)), base_undated
    else:
        lo, hi = span
        earliest = (date.fromisoformat(lo) - timedelta(days=cfg["dates"]["longest_period_days"])).isoformat()
        dated = base.where(E.date_first <= hi, E.date_first >= earliest, E.date_last >= lo)
        undated = base_undated.where(D.published >= lo, D.published <= hi + "\uffff")
    return [dated.order_by(E.date_first.desc(), E.date_last.desc(), E.id.desc()),
            undated.order_by(E.id.desc())]


class _CorrectedEvents:
    """Candidate events as linking sees them: light rows, replaced by the corrected record when
    their document has live corrections (None when marked wrong); then whole records, read once
    per event however many of the document's records chose it."""

    def __init__(self, conn):
        self.conn = conn
        self.docs = _corrected_docs(conn, "event")
        self.records: dict[str, Optional[dict]] = {}  # id -> corrected record of a corrected document

    def get(self, row) -> Optional[dict]:
        if row.doc in self.docs:
            if row.id not in self.records:
                machine = _event_records(self.conn, [EventRow.doc == row.doc], order=(EventRow.position,))
                kept = {r["id"]: r for r in _corrected(self.conn, "event", machine)}
                self.records.update((r["id"], kept.get(r["id"])) for r in machine)
            return self.records.get(row.id)
        return {"id": row.id, "doc": row.doc, "type": row.type, "date": row.date, "published": row.published,
                **_event_sides(row)}

    def full(self, ids: set[str]) -> dict[str, dict]:
        """Whole records of these ids, in a stable order."""
        out = {i: self.records[i] for i in sorted(ids) if self.records.get(i) is not None}
        rest = sorted(i for i in ids if i not in out)
        for chunk in _chunks(rest):
            out.update((r["id"], r) for r in _event_records(self.conn, [EventRow.id.in_(chunk)]))
        return out


def _doc_events(conn, doc: str) -> list[dict]:
    records = _event_records(conn, [EventRow.doc == doc], order=(EventRow.position,))
    for r in records:
        r["key"] = None
    records = _corrected(conn, "event", records)
    keys = _keys(conn, "event", [doc])
    for r in records:
        r["key"] = r.get("key") or keys.get(r["id"])
    return records


def _new_happening_id() -> str:
    return "h-" + uuid.uuid4().hex[:16]


def _link_events(conn, doc: str, copies: set[str] = frozenset()) -> set[str]:
    """Re-place the document's events in happenings; returns every happening touched."""
    cfg = linking.config()["events"]
    old = conn.execute(select(HappeningMemberRow.event_key, HappeningMemberRow.happening_id)
                       .where(HappeningMemberRow.doc == doc)).all()
    touched = {h for _, h in old}
    previous = {k: h for k, h in old if k}
    conn.execute(delete(HappeningMemberRow.__table__).where(HappeningMemberRow.doc == doc))
    still_used = set(conn.execute(select(HappeningMemberRow.happening_id)
                                  .where(HappeningMemberRow.happening_id.in_(sorted(touched))).distinct()).scalars()) \
        if touched else set()
    now = datetime.now(timezone.utc)
    members = []
    records = _doc_events(conn, doc)
    candidate_lists = _candidates(conn, records, cfg, copies)
    touched |= _adopt_orphans(conn, [c for found in candidate_lists for c in found], now)
    for record, candidates in zip(records, candidate_lists):
        found = linking.matching_happenings(record, candidates, copies)
        if found:
            happening, score = found[0]
            others = [h for h, _ in found[1:]]
            spans = {c["happening"]: c.get("happening_span") for c in candidates if c.get("happening")}
            if others and linking.mergeable_spans(record, [spans.get(h) for h in [happening, *others]]):
                # the event bridges happenings an earlier order of saving left apart: one record
                _merge_happenings(conn, happening, others, candidate_lists)
                touched.update(others)
                for m in members:  # this document's earlier records, not written yet
                    if m["happening_id"] in others:
                        m["happening_id"] = happening
        else:
            # an event that was alone in its happening before a re-analysis keeps that happening's id
            happening, score = previous.get(record.get("key")), None
            if happening is None or happening in still_used or happening in {m["happening_id"] for m in members}:
                happening = _new_happening_id()
            if not conn.execute(select(HappeningRow.id).where(HappeningRow.id == happening)).first():
                conn.execute(insert(HappeningRow.__table__).values(
                    id=happening, type=record["type"], events=0, documents=0, sources=0, outlets=[], updated_at=now))
        touched.add(happening)
        members.append({"happening_id": happening, "event_id": record["id"], "event_key": record.get("key"),
                        "doc": doc, "score": score})
    if members:
        conn.execute(insert(HappeningMemberRow.__table__), members)
    return touched


def _merge_happenings(conn, keep: str, others: list[str], candidate_lists: list[list[dict]]) -> None:
    """Move the members of `others` into `keep`; the emptied happenings go at the next refresh.
    The candidates still to be linked are told, so later records of the document see one record."""
    conn.execute(update(HappeningMemberRow.__table__).where(HappeningMemberRow.happening_id.in_(others))
                 .values(happening_id=keep))
    gone = set(others)
    for found in candidate_lists:
        for c in found:
            if c.get("happening") in gone:
                c["happening"] = keep


def _adopt_orphans(conn, candidates: list[dict], now: datetime) -> set[str]:
    """Stored events in no happening (saved before linking existed, in a database migrated since)
    each found a happening of their own, so new documents can link to them; returns those ids."""
    orphans = {c["id"]: c for c in candidates if not c.get("happening")}
    if not orphans:
        return set()
    keys = _keys(conn, "event", {c["doc"] for c in orphans.values()})
    created, members = {}, []
    for event_id, c in orphans.items():
        h = created.setdefault(event_id, _new_happening_id())
        members.append({"happening_id": h, "event_id": event_id, "event_key": keys.get(event_id), "doc": c["doc"],
                        "score": None})
    conn.execute(insert(HappeningRow.__table__), [
        {"id": h, "type": orphans[e]["type"], "events": 0, "documents": 0, "sources": 0, "outlets": [],
         "updated_at": now} for e, h in created.items()])
    conn.execute(insert(HappeningMemberRow.__table__), members)
    for c in candidates:
        if c["id"] in created:
            c["happening"] = created[c["id"]]
    return set(created.values())


def _precision(record: dict) -> tuple:
    """How well a member describes its happening: a date from the text, a precise one, both
    actors, a geocoded place."""
    first, last = date_bounds(record.get("date"))
    span = (_day(last) - _day(first)).days if first and last else 10**6
    return (not record.get("date_inferred") and first is not None, -span, bool(record.get("source")),
            bool(record.get("target")), bool((record.get("place") or {}).get("lat") is not None))


def summarise(members: list[dict], copies: list[tuple[str, str]]) -> dict:
    """A happening's summary columns from its member event records (with doc, outlet, published)."""
    from collections import Counter

    text_dated = [m for m in members if m.get("date") and not m.get("date_inferred")] or \
        [m for m in members if m.get("date")]
    bounds = [date_bounds(m["date"]) for m in text_dated]
    bounds = [b for b in bounds if b[0]]
    published = sorted(m["published"] for m in members if m.get("published"))
    return _summary_columns(
        best=max(members, key=_precision), type_=Counter(m["type"] for m in members).most_common(1)[0][0],
        first=min(b[0] for b in bounds) if bounds else None, last=max(b[1] for b in bounds) if bounds else None,
        docs=sorted({m["doc"] for m in members}), copies=copies,
        outlets=sorted({m["outlet"] for m in members if m.get("outlet")}),
        first_seen=published[0] if published else None, last_seen=published[-1] if published else None,
        events=len(members))


def _summary_columns(best: dict, type_: str, first, last, docs: list[str], copies, outlets: list[str],
                     first_seen, last_seen, events: int) -> dict:
    source, target, place = best.get("source") or {}, best.get("target") or {}, best.get("place") or {}
    return {
        "type": type_, "date": best.get("date"), "date_first": first, "date_last": last,
        "source_name": source.get("name"), "source_country": source.get("country"),
        "target_name": target.get("name"), "target_country": target.get("country"),
        "place_name": place.get("name"), "place_country": place.get("country"),
        "place_lat": place.get("lat"), "place_lon": place.get("lon"),
        "events": events, "documents": len(docs), "sources": len(linking.independent_sources(docs, copies)),
        "outlets": outlets, "first_seen": first_seen, "last_seen": last_seen,
    }


def _summarise_in_store(conn, happening: str) -> Optional[dict]:
    """summarise() worked out by the database over the members' rows (None: no member left),
    for a happening none of whose documents carries live corrections: a busy happening's
    members, thousands of them, are not read into Python each time one joins. The same
    choices: the member of best _precision (the smallest id among equals), the commonest
    type (the one met first, by id, among equals), the text dates' bounds (else all dates')."""
    connection = conn.connection()  # plain statements, built once (_summary_statements)
    q = _summary_statements(connection.dialect.name)
    h = {"happening": happening}
    events, text_first, text_last, any_first, any_last, from_texts, first_seen, last_seen = \
        connection.execute(q["totals"], h).one()
    if not events:
        return None
    best = connection.execute(q["best"], h).one()
    docs = sorted(connection.execute(q["docs"], h).scalars())
    bounds = (text_first, text_last) if from_texts else (any_first, any_last)
    return _summary_columns(
        best={"date": best.date, **_event_sides(best), "place": _event_place(best)},
        type_=connection.execute(q["type"], h).scalar_one(), first=bounds[0], last=bounds[1], docs=docs,
        copies=connection.execute(q["copies"], h).all(), outlets=sorted(connection.execute(q["outlets"], h).scalars()),
        first_seen=first_seen, last_seen=last_seen, events=events)


@lru_cache(maxsize=4)
def _summary_statements(dialect: str) -> dict:
    """The queries of _summarise_in_store, for a happening bound as :happening."""
    E, D, M, L = EventRow, DocumentRow, HappeningMemberRow, DocumentLinkRow

    def members(*columns):
        return select(*columns).select_from(M).join(E, E.id == M.event_id).join(D, D.doc == E.doc) \
            .where(M.happening_id == bindparam("happening"), E.origin == MACHINE)

    member_docs = select(M.doc).where(M.happening_id == bindparam("happening"))

    dated = and_(E.date.is_not(None), E.date != "")
    from_text = and_(dated, E.date_inferred.is_not(True))
    published = case((D.published != "", D.published))
    if dialect == "sqlite":
        days = func.julianday(E.date_last) - func.julianday(E.date_first)
    else:
        days = cast(E.date_last, Date) - cast(E.date_first, Date)
    span = case((and_(E.date_first.is_not(None), E.date_last.is_not(None)), days), else_=10**6)
    return {
        "totals": members(func.count(), func.min(case((from_text, E.date_first))),
                          func.max(case((from_text, E.date_last))), func.min(case((dated, E.date_first))),
                          func.max(case((dated, E.date_last))), func.count(case((from_text, 1))),
                          func.min(published), func.max(published)),
        "type": members(E.type).group_by(E.type).order_by(func.count().desc(), func.min(E.id)).limit(1),
        # _precision, greatest first
        "best": members(E.date, E.source_name, E.source_country, E.source_sector, E.source_actor_id, E.target_name,
                        E.target_country, E.target_sector, E.target_actor_id, E.place_name, E.place_country,
                        E.place_lat, E.place_lon, E.place_kind).order_by(
            case((and_(E.date_inferred.is_not(True), E.date_first.is_not(None)), 1), else_=0).desc(), span,
            case((E.source_name.is_not(None), 1), else_=0).desc(),
            case((E.target_name.is_not(None), 1), else_=0).desc(),
            case((and_(E.place_name.is_not(None), E.place_lat.is_not(None)), 1), else_=0).desc(), E.id).limit(1),
        "docs": members(E.doc).distinct(),
        # the copy links among the member documents (as _copy_pairs, without their ids bound one by one)
        "copies": select(L.doc, L.other_doc).where(L.doc.in_(member_docs), L.other_doc.in_(member_docs)),
        "outlets": members(D.outlet).where(D.outlet.is_not(None), D.outlet != "").distinct(),
    }


def _summary_records(conn, where: list) -> list[dict]:
    """Event records holding only what a happening's summary reads (summarise): a busy
    happening's members, thousands of them, are read again each time one joins."""
    E, D = EventRow, DocumentRow
    sel = select(E.id, E.doc, E.type, E.date, E.date_inferred, E.source_name, E.source_country, E.source_sector,
                 E.source_actor_id, E.target_name, E.target_country, E.target_sector, E.target_actor_id,
                 E.place_name, E.place_country, E.place_lat, E.place_lon, E.place_kind, D.outlet, D.published) \
        .join(D, D.doc == E.doc).where(E.origin == MACHINE, *where)
    return [{"id": r.id, "doc": r.doc, "type": r.type, "date": r.date, "date_inferred": bool(r.date_inferred),
             **_event_sides(r), "place": _event_place(r), "outlet": r.outlet, "published": r.published}
            for r in conn.connection().execute(sel)]


def _member_records(conn, happening_ids: Iterable[str], summary_only: bool = False) -> dict[str, list[dict]]:
    ids = sorted(set(happening_ids))
    by_event: dict[str, str] = {}
    scores: dict[str, Optional[float]] = {}
    for chunk in _chunks(ids):
        q = select(HappeningMemberRow.event_id, HappeningMemberRow.happening_id, HappeningMemberRow.score) \
            .where(HappeningMemberRow.happening_id.in_(chunk))
        for event_id, happening, score in conn.execute(q):
            by_event[event_id], scores[event_id] = happening, score
    records: list[dict] = []
    read = _summary_records if summary_only else _event_records
    for chunk in _chunks(sorted(by_event)):
        records += read(conn, [EventRow.id.in_(chunk)])
    records = _corrected(conn, "event", records)
    out: dict[str, list[dict]] = {h: [] for h in ids}
    for r in records:
        r["happening"], r["score"] = by_event[r["id"]], scores.get(r["id"])
        out[by_event[r["id"]]].append(r)
    return out


_SUMMARY_IN_STORE_MIN_MEMBERS = 50  # below: a happening is summed up here (identical summaries either way)


def _refresh(conn, happening_ids: Iterable[str]) -> None:
    """Recompute the summaries of these happenings; remove the empty ones. The database sums up
    the big happenings whose documents carry no live corrections (_summarise_in_store); the
    others are summed up here from their corrected members."""
    ids = sorted(set(happening_ids))
    if not ids:
        return
    M = HappeningMemberRow
    corrected_docs = sorted(_corrected_docs(conn, "event"))
    in_python: set[str] = set()
    members: dict[str, int] = {}
    for chunk in _chunks(ids):  # counted by the database: a busy happening's members are not read here either
        members.update(conn.execute(select(M.happening_id, func.count()).where(M.happening_id.in_(chunk))
                                    .group_by(M.happening_id)).all())
        for docs in _chunks(corrected_docs):
            in_python.update(conn.execute(select(M.happening_id).where(M.happening_id.in_(chunk), M.doc.in_(docs))
                                          .distinct()).scalars())
    # a small happening costs fewer queries read whole (each query costs a round trip on PostgreSQL)
    in_python.update(h for h in ids if members.get(h, 0) < _SUMMARY_IN_STORE_MIN_MEMBERS)
    grouped = _member_records(conn, sorted(in_python), summary_only=True) if in_python else {}
    now = datetime.now(timezone.utc)
    for h in ids:
        if h in in_python:
            summary = summarise(grouped[h], _copy_pairs(conn, {m["doc"] for m in grouped[h]})) if grouped[h] else None
        else:
            summary = _summarise_in_store(conn, h)
        if summary is None:
            conn.execute(delete(HappeningMemberRow.__table__).where(HappeningMemberRow.happening_id == h))
            conn.execute(delete(HappeningRow.__table__).where(HappeningRow.id == h))
            continue
        conn.execute(update(HappeningRow.__table__).where(HappeningRow.id == h).values(**summary, updated_at=now))


# ---------- claims across articles ----------

def _link_claims(conn, doc: str, published: Optional[str], copies: set[str]) -> None:
    cfg = linking.config()["claims"]
    conn.execute(delete(CrossClaimLinkRow.__table__).where(or_(CrossClaimLinkRow.doc == doc, CrossClaimLinkRow.other_doc == doc)))
    C = ClaimRow

    def read(where, limit=None):
        sel = select(C.id, C.doc, C.speaker_name, C.content, C.stance).where(C.origin == MACHINE, *where) \
            .order_by(C.doc, C.position)
        # plain rows (no ORM): a busy month brings up to max_candidates claims per document
        rows = [{"id": r.id, "doc": r.doc, "speaker": {"name": r.speaker_name}, "content": r.content,
                 "stance": r.stance} for r in conn.connection().execute(sel.limit(limit) if limit else sel)]
        return _corrected(conn, "claim", rows)

    own = read([C.doc == doc])
    if not own:
        return
    where = [C.doc != doc]
    if copies:
        where.append(C.doc.notin_(sorted(copies)))
    day = _day(published)
    if day is not None:
        window = timedelta(days=cfg["window_days"])
        near = select(DocumentRow.doc).where(DocumentRow.published >= (day - window).isoformat(),
                                             DocumentRow.published <= (day + window).isoformat() + "\uffff")
        where.append(C.doc.in_(near))
    others = read(where, cfg["max_candidates"])
    rows = []
    for a, b, relation in linking.claim_relations(own, others):
        rows.append({"claim_id": a["id"], "other_claim_id": b["id"], "doc": doc, "other_doc": b["doc"],
                     "relation": relation})
        rows.append({"claim_id": b["id"], "other_claim_id": a["id"], "doc": b["doc"], "other_doc": doc,
                     "relation": relation})
    if rows:
        conn.execute(insert(CrossClaimLinkRow.__table__), rows)


# ---------- the entry point ----------

def link_document(store, doc: str, connection=None) -> None:
    """Link one stored document across articles (copies, happenings, claims), in one transaction:
    the caller's `connection` when given (the store writes a document and its links together, so
    a crash never leaves a stored document unlinked), else a transaction of its own."""
    if connection is None:
        with Session(store.engine) as conn, conn.begin():
            _link_document(conn, doc)
    else:  # the session joins the caller's transaction and leaves its commit to the caller
        with Session(bind=connection) as conn:  # default "conditional_savepoint": the outer transaction decides
            _link_document(conn, doc)
            conn.flush()


def _link_document(conn, doc: str) -> None:
    """Copies, happenings and claim links of one stored document, on the session `conn`."""
    d = conn.execute(select(DocumentRow.doc, DocumentRow.text, DocumentRow.content_hash, DocumentRow.published)
                     .where(DocumentRow.doc == doc)).first()
    if d is None:
        return
    copies = _link_copies(conn, doc, d.text, d.content_hash)
    # a happening's sources count its member documents' copies once: only the happenings this
    # document joined or left can change (its copy links are the only ones made or undone),
    # and _link_events returns exactly those, so its copies' other happenings are left alone
    touched = _link_events(conn, doc, copies)
    _refresh(conn, touched)
    _link_claims(conn, doc, d.published, copies)


def relink_all(store) -> int:
    """Build every happening anew: forget them all, then link the stored documents one by one,
    oldest publication first (then by id), in one transaction. Linking as documents arrive
    depends a little on their order (a record joins the happening it matches best at the time);
    this gives the same happenings for the same store whatever order it was filled in. Happening
    ids change; copies and claim links are recomputed on the way."""
    with Session(store.engine) as conn, conn.begin():
        docs = list(conn.execute(select(DocumentRow.doc).order_by(DocumentRow.published.asc().nulls_last(),
                                                                  DocumentRow.doc)).scalars())
        conn.execute(delete(HappeningMemberRow.__table__))
        conn.execute(delete(HappeningRow.__table__))
        for doc in docs:
            _link_document(conn, doc)
    return len(docs)


# ---------- reading ----------

def _happening_dict(row: HappeningRow) -> dict:
    place = None
    if row.place_name is not None:
        place = {"name": row.place_name, "country": row.place_country, "lat": row.place_lat, "lon": row.place_lon}
    return {
        "id": row.id, "type": row.type, "date": row.date, "date_first": row.date_first, "date_last": row.date_last,
        "source": {"name": row.source_name, "country": row.source_country} if row.source_name else None,
        "target": {"name": row.target_name, "country": row.target_country} if row.target_name else None,
        "place": place, "events": row.events, "documents": row.documents, "sources": row.sources,
        "outlets": list(row.outlets or []), "first_seen": row.first_seen, "last_seen": row.last_seen,
    }


def query_happenings(store, type: Optional[str] = None, actor: Optional[str] = None, country: Optional[str] = None,
                     since: Any = None, until: Any = None, outlet: Optional[str] = None, doc: Optional[str] = None,
                     min_sources: Optional[int] = None, limit: Optional[int] = 100, offset: int = 0) -> dict:
    """Happenings, newest first (then best corroborated). type: PLOVER type; actor: substring of a
    member event's source or target name; country: ISO3 of a member's source or target;
    since/until: the happening's period overlaps; outlet: an outlet reported it; doc: it holds an
    event of that document; min_sources: at least this many independent sources."""
    from dragoman.store.query import _page_args

    limit, offset = _page_args(limit, offset)
    first, last = _filter_bound(since, "since", False), _filter_bound(until, "until", True)
    H, M, E = HappeningRow, HappeningMemberRow, EventRow
    where = []
    if type:
        where.append(H.type == type.strip().upper())
    if first:
        where.append(H.date_last >= first)
    if last:
        where.append(H.date_first <= last)
    if min_sources:
        where.append(H.sources >= int(min_sources))
    member_where = []
    if actor:
        key = fold(actor)
        member_where.append(or_(E.source_key.contains(key, autoescape=True), E.target_key.contains(key, autoescape=True)))
    if country:
        code = country.strip().upper()
        member_where.append(or_(E.source_country == code, E.target_country == code))
    if member_where:
        where.append(H.id.in_(select(M.happening_id).join(E, E.id == M.event_id).where(*member_where)))
    if outlet:
        where.append(H.id.in_(select(M.happening_id).join(DocumentRow, DocumentRow.doc == M.doc).where(
            func.lower(DocumentRow.outlet).contains(outlet.strip().lower(), autoescape=True))))
    if doc:
        where.append(H.id.in_(select(M.happening_id).where(M.doc == doc)))
    sel = select(H).where(*where).order_by(H.date_first.desc().nulls_last(), H.sources.desc(), H.id)
    with Session(store.engine) as conn:
        total = conn.execute(select(func.count()).select_from(H).where(*where)).scalar() or 0
        if limit is not None:
            sel = sel.limit(limit)
        items = [_happening_dict(r) for r in conn.execute(sel.offset(offset)).scalars()]
    following = offset + len(items)
    return {"items": items, "total": total, "limit": limit, "offset": offset,
            "next": following if following < total else None}


def get_happening(store, happening_id: str) -> Optional[dict]:
    """One happening with every member event (corrected), its document, outlet and evidence
    sentences, the copies among its documents, and its independent sources."""
    with Session(store.engine) as conn:
        row = conn.execute(select(HappeningRow).where(HappeningRow.id == happening_id)).scalar()
        if row is None:
            return None
        out = _happening_dict(row)
        members = _member_records(conn, [happening_id])[happening_id]
        evidence: dict[str, list] = {}
        for chunk in _chunks([m["id"] for m in members]):
            q = select(EventEvidenceRow).where(EventEvidenceRow.event_id.in_(chunk)) \
                .order_by(EventEvidenceRow.event_id, EventEvidenceRow.position)
            for e in conn.execute(q).scalars():
                evidence.setdefault(e.event_id, []).append(e)
        for m in members:
            found = evidence.get(m["id"], [])
            m["evidence"] = [e.sentence for e in found if e.sentence is not None]
            m["spans"] = [[e.start, e.end] for e in found if e.start is not None]
        docs = sorted({m["doc"] for m in members})
        copies = _copy_pairs(conn, docs)
    groups = linking.independent_sources(docs, copies)
    group_of = {d: i for i, g in enumerate(groups) for d in g}
    for m in members:
        m["source_group"] = group_of.get(m["doc"])
    members.sort(key=lambda m: (m.get("published") or "", m["doc"], m["id"]))
    out["members"] = members
    out["copies"] = [{"doc": a, "other_doc": b} for a, b in copies]
    out["source_groups"] = groups
    return out


def happenings_of_events(conn, event_ids: Iterable[str]) -> dict[str, dict]:
    """event id → {happening, sources, documents} for the events that belong to a happening."""
    out: dict[str, dict] = {}
    for chunk in _chunks(sorted(set(event_ids))):
        q = select(HappeningMemberRow.event_id, HappeningRow.id, HappeningRow.sources, HappeningRow.documents) \
            .join(HappeningRow, HappeningRow.id == HappeningMemberRow.happening_id) \
            .where(HappeningMemberRow.event_id.in_(chunk))
        for event_id, h, sources, documents in conn.execute(q):
            out[event_id] = {"happening": h, "sources": sources, "documents": documents}
    return out


def attach_happenings(conn, events: list[dict]) -> None:
    """Give each event dict its happening id and corroboration (independent sources); events in
    no happening (added by an analyst, marked wrong) get None and their own single source."""
    found = happenings_of_events(conn, [e["id"] for e in events if e.get("id")])
    for e in events:
        h = found.get(e.get("id"))
        e["happening"] = h["happening"] if h else None
        e["sources"] = h["sources"] if h else 1


def attach_happenings_from(store, events: list[dict]) -> list[dict]:
    """attach_happenings with a session of its own (for records read outside the query layer)."""
    with Session(store.engine) as conn:
        attach_happenings(conn, events)
    return events


def cross_links_of_claims(conn, claim_ids: Iterable[str]) -> dict[str, dict[str, list[str]]]:
    """claim id → {'corroborates': [ids of other articles' claims], 'contradicts': [...]}."""
    out: dict[str, dict[str, list[str]]] = {}
    for chunk in _chunks(sorted(set(claim_ids))):
        q = select(CrossClaimLinkRow.claim_id, CrossClaimLinkRow.other_claim_id, CrossClaimLinkRow.relation) \
            .where(CrossClaimLinkRow.claim_id.in_(chunk)).order_by(CrossClaimLinkRow.id)
        for claim_id, other, relation in conn.execute(q):
            out.setdefault(claim_id, {}).setdefault(relation, []).append(other)
    return out


def attach_claim_links(conn, claims: list[dict]) -> None:
    links = cross_links_of_claims(conn, [c["id"] for c in claims if c.get("id")])
    for c in claims:
        found = links.get(c.get("id"), {})
        c["corroborated_elsewhere"] = found.get("corroborates", [])
        c["contradicted_elsewhere"] = found.get("contradicts", [])


def query_claim_links(store, claim: Optional[str] = None, doc: Optional[str] = None,
                      relation: Optional[str] = None, actor: Optional[str] = None,
                      limit: Optional[int] = 100, offset: int = 0) -> dict:
    """Links between claims of different articles, one item per pair: both claims with their
    speaker, stance, content, evidence and outlet. claim: a claim id on either side; doc: a
    document on either side; relation: corroborates | contradicts; actor: a speaker's name on either side."""
    from dragoman.store.query import _page_args

    limit, offset = _page_args(limit, offset)
    if relation and relation not in ("corroborates", "contradicts"):
        raise ValueError(f"relation={relation!r}: corroborates or contradicts")
    L = CrossClaimLinkRow
    where = [L.claim_id < L.other_claim_id]  # each pair once
    if claim:
        where.append(or_(L.claim_id == claim, L.other_claim_id == claim))
    if doc:
        where.append(or_(L.doc == doc, L.other_doc == doc))
    if relation:
        where.append(L.relation == relation)
    if actor:
        key = fold(actor)
        speaking = select(ClaimRow.id).where(ClaimRow.speaker_key.contains(key, autoescape=True))
        where.append(or_(L.claim_id.in_(speaking), L.other_claim_id.in_(speaking)))
    sel = select(L).where(*where).order_by(L.id)
    with Session(store.engine) as conn:
        total = conn.execute(select(func.count()).select_from(L).where(*where)).scalar() or 0
        if limit is not None:
            sel = sel.limit(limit)
        links = list(conn.execute(sel.offset(offset)).scalars())
        ids = {i for link in links for i in (link.claim_id, link.other_claim_id)}
        claims = {}
        for chunk in _chunks(sorted(ids)):
            q = select(ClaimRow, DocumentRow.title, DocumentRow.outlet, DocumentRow.url, DocumentRow.published) \
                .join(DocumentRow, DocumentRow.doc == ClaimRow.doc).where(ClaimRow.id.in_(chunk))
            for r, title, outlet, url, published in conn.execute(q).all():
                claims[r.id] = {
                    "id": r.id, "doc": r.doc, "speaker": {"name": r.speaker_name, "country": r.speaker_country,
                                                          "sector": r.speaker_sector, "actor_id": r.speaker_actor_id},
                    "stance": r.stance, "date": r.date, "content": r.content, "evidence": r.evidence,
                    "start": r.start, "end": r.end, "title": title, "outlet": outlet, "url": url,
                    "published": published}
    items = [{"relation": link.relation, "claim": claims.get(link.claim_id), "other": claims.get(link.other_claim_id)}
             for link in links]
    following = offset + len(items)
    return {"items": items, "total": total, "limit": limit, "offset": offset,
            "next": following if following < total else None}
