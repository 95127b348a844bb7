"""The store: every analysis kept in a database, queryable by actor, country, type, stance and date.

    from dragoman.store import Store
    store = Store()                    # $DRAGOMAN_DB, or a SQLite file in the user data dir
    store.save(analysis)               # re-saving a document replaces its machine rows
    store.events(country="TUR", since="2025-01-01")

SQLite by default; PostgreSQL with a URL such as postgresql+psycopg://user@host/db
(postgresql:// is taken to mean psycopg 3). The tables live in `dragoman.store.schema`; opening
a store runs its Alembic migrations to the newest revision (dragoman.store.migrations).
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import unicodedata
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from sqlalchemy import Engine, create_engine, delete, event, func, insert, or_, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from dragoman.model import (
    ActorMention, ActorRef, Analysis, Article, Claim, DateMention, Event, PlaceMention, PlaceRef,
)
from dragoman.store.migrations import MigrationError, upgrade
from dragoman.store.schema import (
    MACHINE, RECORD_TABLES, ActorMentionRow, ClaimLinkRow, ClaimRow, CorrectionRow, DateRow, DocumentRow,
    EventEvidenceRow, EventRow, PlaceRow, metadata,
)

__all__ = ["Store", "StoreError", "default_db_url", "date_bounds", "flatten", "fold"]

ENV_VAR = "DRAGOMAN_DB"
_CHUNK = 500  # ids per IN (...) clause when fetching children of many rows
# SQLite's planner needs table statistics (ANALYZE) to use the events' (type, date_first,
# date_last, id) index for the linking's candidate queries; without them it reads every event of the
# types asked for, so each document's linking grows with the store. They are gathered once the
# store holds this many events, and again whenever the events have doubled since.
_STATISTICS_MIN_EVENTS = 1000
_STATISTICS_GROWTH = 2


log = logging.getLogger(__name__)


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message is one line and names the URL."""


# ---------- helpers ----------

def default_db_url() -> str:
    """$DRAGOMAN_DB (a URL or a file path), else a SQLite file in the user's data directory."""
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        return _as_url(configured)
    from platformdirs import user_data_dir

    return _as_url(str(Path(user_data_dir("dragoman")) / "dragoman.db"))


def _as_url(url_or_path: str) -> str:
    """A SQLAlchemy URL as given (postgresql:// mapped to the psycopg 3 driver), or a plain
    file path made into a SQLite URL."""
    if "://" in url_or_path:
        scheme, _, rest = url_or_path.partition("://")
        if scheme in ("postgresql", "postgres"):
            return f"postgresql+psycopg://{rest}"
        return url_or_path
    return f"sqlite:///{Path(url_or_path).expanduser().resolve()}"


def fold(text: Optional[str]) -> str:
    """Case- and accent-insensitive form of a name, for substring search ("erdogan" finds "Erdoğan")."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text.casefold()).strip()


def _day_bounds(value: str) -> Optional[tuple[date, date]]:
    value = value.strip()
    if "/" in value:
        first, _, last = value.partition("/")
        a, b = _day_bounds(first), _day_bounds(last)
        return (a[0], b[1]) if a and b else None
    try:
        if m := re.fullmatch(r"(\d{4})", value):
            y = int(m[1])
            return date(y, 1, 1), date(y, 12, 31)
        if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
            y, mo = int(m[1]), int(m[2])
            return date(y, mo, 1), date(y + (mo == 12), mo % 12 + 1, 1) - timedelta(days=1)
        if m := re.fullmatch(r"(\d{4})-W(\d{2})", value):
            first = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return first, first + timedelta(days=6)
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", value):
            y, q = int(m[1]), int(m[2])
            first = date(y, 3 * q - 2, 1)
            return first, date(y + (q == 4), (3 * q) % 12 + 1, 1) - timedelta(days=1)
        if re.match(r"\d{4}-\d{2}-\d{2}", value):
            day = date.fromisoformat(value[:10])
            return day, day
    except ValueError:
        return None
    return None


def date_bounds(value: Any) -> tuple[Optional[str], Optional[str]]:
    """First and last day (YYYY-MM-DD) of the period an ISO 8601 value names, or (None, None).

    2025-02-04 → one day; 2025-01 → the month; 2025-W06 → the ISO week; 2025 → the
    year; 2025-Q1 → the quarter; A/B → from A's first day to B's last."""
    if isinstance(value, (date, datetime)):
        value = value.isoformat()
    if not value or not isinstance(value, str):
        return None, None
    return _string_bounds(value)


# linking asks for the bounds of every candidate's date, the same few thousand strings again
# and again: each is parsed once
@lru_cache(maxsize=16384)
def _string_bounds(value: str) -> tuple[Optional[str], Optional[str]]:
    bounds = _day_bounds(value)
    if not bounds:
        return None, None
    return bounds[0].isoformat(), bounds[1].isoformat()


def _filter_bound(value: Any, name: str, last: bool) -> Optional[str]:
    if value is None or value == "":
        return None
    first_day, last_day = date_bounds(value)
    if first_day is None:
        raise ValueError(f"{name}={value!r} is not an ISO 8601 date (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Www)")
    return last_day if last else first_day


def _ref(name, country, sector, actor_id) -> Optional[dict]:
    if name is None:
        return None
    return {"name": name, "country": country, "sector": sector, "actor_id": actor_id}


def flatten(record: dict, sep: str = "_") -> dict:
    """A record with nested objects spread into columns (source → source_name, ...), for tables."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            for inner, v in flatten(value, sep).items():
                flat[f"{key}{sep}{inner}"] = v
        else:
            flat[key] = value
    return flat


def _first_line(err: BaseException) -> str:
    inner = getattr(err, "orig", None) or err
    text = str(inner).strip().splitlines()
    return text[0] if text else err.__class__.__name__


def _chunks(items: list, size: int = _CHUNK) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


# ---------- the store ----------

class Store:
    """A database of analyses. Opening one creates its tables or migrates them to the current schema."""

    def __init__(self, url: Optional[str] = None):
        self.url = _as_url(url) if url else default_db_url()
        try:
            parsed = make_url(self.url)
        except ArgumentError as err:
            raise StoreError(f"cannot open the store at {self.url!r}: not a database URL") from err
        self.display_url = parsed.render_as_string(hide_password=True)
        try:
            if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(parsed, future=True)
            if self.engine.dialect.name == "sqlite":
                event.listen(self.engine, "connect", _sqlite_pragmas)
            upgrade(self.engine)
        except (SQLAlchemyError, OSError, ImportError, MigrationError) as err:
            raise StoreError(f"cannot open the store at {self.display_url}: {_first_line(err)}") from err
        from dragoman.store.query import setup_fts

        self.fts = setup_fts(self.engine)  # SQLite FTS5 index of document text; False: LIKE search
        self._analysed_events: Optional[int] = None  # events at the last ANALYZE, once known

    def __repr__(self) -> str:
        return f"Store({self.display_url!r})"

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    # ----- writing -----

    def save(self, analysis: Analysis) -> None:
        """Store one analysis; a document saved again has its machine rows replaced, in one transaction."""
        self._write([analysis])

    def save_many(self, analyses: Iterable[Analysis], batch_size: int = 64,
                  on_error: Optional[Callable[[str, Exception], None]] = None) -> int:
        """Store analyses in batches: one transaction and one executemany per table for each batch,
        so that writing never holds a bulk run back. Each document is stored whole or not at all.
        A batch that fails is retried one document at a time, so one bad document costs only
        itself: it goes to `on_error(doc, error)`, or is raised when no on_error is given.
        Returns how many were stored."""
        stored = 0
        batch: list[Analysis] = []
        for analysis in analyses:
            batch.append(analysis)
            if len(batch) >= batch_size:
                stored += self._write_or_isolate(batch, on_error)
                batch = []
        if batch:
            stored += self._write_or_isolate(batch, on_error)
        return stored

    def _write_or_isolate(self, batch: list[Analysis], on_error) -> int:
        try:
            self._write(batch)
            return len(batch)
        except StoreError:
            if len(batch) == 1 and on_error is None:
                raise
        stored = 0
        for analysis in batch:  # find the culprit: every other document is still stored
            try:
                self._write([analysis])
                stored += 1
            except StoreError as err:
                try:  # the document itself may be fine and only its linking failed: keep it unlinked
                    self._write([analysis], link=False)
                    stored += 1
                    log.warning("stored %s without cross-article links (%s); `dragoman relink` retries",
                                analysis.doc, err)
                    continue
                except StoreError:
                    pass
                if on_error is None:
                    raise
                on_error(analysis.doc, err)
        return stored

    def _write(self, analyses: list[Analysis], link: bool = True) -> None:
        """Write documents in ONE transaction (their machine rows replaced, analysts' corrections
        untouched, and, with `link`, their cross-article links), then flag the corrections the new
        machine output no longer fits."""
        from dragoman.store.query import index_text

        latest = {a.doc: a for a in analyses}  # a document given twice: the later analysis wins
        docs = list(latest)
        rows = {doc: _rows(a) for doc, a in latest.items()}
        corrected: set[str] = set()
        try:
            with self.engine.begin() as conn:
                existing: set[str] = set()
                for chunk in _chunks(docs):
                    for table in RECORD_TABLES:
                        conn.execute(delete(table).where(table.doc.in_(chunk), table.origin == MACHINE))
                    existing.update(conn.execute(select(DocumentRow.doc).where(DocumentRow.doc.in_(chunk))).scalars())
                for doc in docs:
                    if doc in existing:
                        conn.execute(update(DocumentRow).where(DocumentRow.doc == doc).values(**rows[doc]["document"]))
                new = [{"doc": doc, **rows[doc]["document"]} for doc in docs if doc not in existing]
                if new:
                    conn.execute(insert(DocumentRow), new)
                for table in reversed(RECORD_TABLES):  # parents before children
                    batch = [row for doc in docs for row in rows[doc][table.__tablename__]]
                    if batch:
                        conn.execute(insert(table), batch)  # one executemany per table for the whole batch
                if self.fts:  # the text index moves with the documents, in the same transaction
                    for doc in docs:
                        index_text(conn, doc, new=doc not in existing)
                for chunk in _chunks(docs):
                    corrected.update(conn.execute(select(CorrectionRow.doc).where(
                        CorrectionRow.doc.in_(chunk), CorrectionRow.status == "active").distinct()).scalars())
                if link:  # in the same transaction: a crash leaves no stored document unlinked
                    self._link(docs, conn)
        except SQLAlchemyError as err:
            raise StoreError(f"cannot write to the store at {self.display_url}: {_first_line(err)}") from err
        self._refresh_statistics()
        if corrected:  # flag the corrections the new machine output no longer fits
            from dragoman.corrections import reconcile

            for doc in docs:
                if doc in corrected:
                    reconcile(self, doc)

    def _refresh_statistics(self) -> None:
        """Gather SQLite's table statistics when the events have grown enough to change its plans
        (see _STATISTICS_MIN_EVENTS). PostgreSQL's autovacuum keeps its own."""
        if self.engine.dialect.name != "sqlite":
            return
        try:
            with self.engine.begin() as conn:
                events = conn.execute(select(func.count()).select_from(EventRow)).scalar_one()
                if self._analysed_events is None:
                    self._analysed_events = _analysed_rows(conn, "events")
                if events < _STATISTICS_MIN_EVENTS or \
                        (self._analysed_events and events < _STATISTICS_GROWTH * self._analysed_events):
                    return
                conn.exec_driver_sql("PRAGMA analysis_limit=1000")  # sampled: milliseconds at any size
                conn.exec_driver_sql("ANALYZE")
                self._analysed_events = events
        except SQLAlchemyError as err:  # the rows are stored; only the planner's hints are stale
            log.warning("cannot gather statistics in the store at %s: %s", self.display_url, _first_line(err))

    def _link(self, docs: Iterable[str], connection=None) -> None:
        """Link saved or corrected documents across articles: copies, happenings, claim links
        (dragoman.store.happenings), in the caller's transaction when `connection` is given, else
        each document in its own."""
        from dragoman.store.happenings import link_document

        for doc in docs:
            try:
                link_document(self, doc, connection)
            except SQLAlchemyError as err:
                raise StoreError(f"cannot link document {doc!r} across articles in the store at "
                                 f"{self.display_url}: {_first_line(err)}") from err
            except Exception as err:  # a linking bug must not pass for a bad document: name it
                raise StoreError(f"cannot link document {doc!r} across articles: "
                                 f"{type(err).__name__}: {err}") from err

    # ----- reading one document back -----

    def analysis(self, doc: str) -> Optional[Analysis]:
        """The Analysis saved for `doc`, rebuilt exactly as it was saved; None when unknown."""
        with self.engine.connect() as conn:
            d = conn.execute(select(DocumentRow).where(DocumentRow.doc == doc)).mappings().first()
            if d is None:
                return None

            def rows(table, *order):
                q = select(table).where(table.doc == doc, table.origin == MACHINE)
                return conn.execute(q.order_by(*(order or (table.position,)))).mappings().all()

            article = Article(
                doc=doc, text=d["text"], title=d["title"], outlet=d["outlet"], author=d["author"],
                url=d["url"], published=d["published"], published_inferred=bool(d["published_inferred"]),
                language=d["language"], captions=list(d["captions"] or []),
            )
            actors = [ActorMention(
                mention=r["mention"], start=r["start"], end=r["end"], name=r["name"], country=r["country"],
                sector=r["sector"], role=r["role"], actor_id=r["actor_id"], kind=r["kind"], method=r["method"],
            ) for r in rows(ActorMentionRow)]
            places = [PlaceMention(
                mention=r["mention"], start=r["start"], end=r["end"], name=r["name"], kind=r["kind"],
                country=r["country"], lat=r["lat"], lon=r["lon"], geonameid=r["geonameid"],
            ) for r in rows(PlaceRow)]
            dates = [DateMention(mention=r["mention"], start=r["start"], end=r["end"], value=r["value"],
                                 kind=r["kind"]) for r in rows(DateRow)]

            evidence: dict[str, list] = {}
            for r in rows(EventEvidenceRow, EventEvidenceRow.event_id, EventEvidenceRow.position):
                evidence.setdefault(r["event_id"], []).append(r)
            events = []
            for r in rows(EventRow):
                ev = evidence.get(r["id"], [])
                events.append(Event(
                    type=r["type"], mode=r["mode"],
                    source=_actor_ref(r, "source"), target=_actor_ref(r, "target"),
                    date=r["date"], date_inferred=bool(r["date_inferred"]),
                    place=None if r["place_name"] is None else PlaceRef(
                        name=r["place_name"], country=r["place_country"], lat=r["place_lat"],
                        lon=r["place_lon"], kind=r["place_kind"]),
                    status=r["status"], contexts=list(r["contexts"] or []), trigger=r["trigger"],
                    evidence=[e["sentence"] for e in ev if e["sentence"] is not None],
                    spans=[(e["start"], e["end"]) for e in ev if e["start"] is not None],
                ))

            claim_rows = rows(ClaimRow)
            position = {r["id"]: r["position"] for r in claim_rows}
            links: dict[tuple[str, str], list[int]] = {}
            for r in rows(ClaimLinkRow, ClaimLinkRow.id):
                if r["other_claim_id"] in position:
                    links.setdefault((r["claim_id"], r["relation"]), []).append(position[r["other_claim_id"]])
            claims = [Claim(
                speaker=ActorRef(name=r["speaker_name"], country=r["speaker_country"],
                                 sector=r["speaker_sector"], actor_id=r["speaker_actor_id"]),
                via=[ActorRef(**v) for v in r["via"] or []], stance=r["stance"], date=r["date"],
                content=r["content"], evidence=r["evidence"], start=r["start"], end=r["end"], cue=r["cue"],
                corroborates=links.get((r["id"], "corroborates"), []),
                contradicts=links.get((r["id"], "contradicts"), []),
            ) for r in claim_rows]

        return Analysis(doc=doc, article=article, actors=actors, places=places, dates=dates, events=events,
                        claims=claims, pipeline_version=d["pipeline_version"])

    # ----- queries -----

    def events(self, actor: Optional[str] = None, country: Optional[str] = None, type: Optional[str] = None,
               since: Any = None, until: Any = None, limit: Optional[int] = 100, doc: Optional[str] = None,
               **filters) -> list[dict]:
        """Events, newest first, as plain dicts shaped like the output contract plus provenance,
        with the analysts' live corrections applied (see dragoman.corrections).

        actor: case- and accent-insensitive substring of the source or target name;
        country: ISO3 of the source or the target; type: PLOVER type;
        since/until: ISO dates at any precision; an event is kept when the period its
        date names overlaps [since, until] (an event of 2025-01 is within since=2025-01-01).
        Undated events are left out when since or until is given. limit=None: all.
        More filters (status, bbox, outlet, q, offset): see `query_events`."""
        return self.query_events(actor=actor, country=country, type=type, since=since, until=until,
                                 limit=limit, doc=doc, **filters)["items"]

    def claims(self, actor: Optional[str] = None, country: Optional[str] = None, stance: Optional[str] = None,
               since: Any = None, until: Any = None, limit: Optional[int] = 100, doc: Optional[str] = None,
               **filters) -> list[dict]:
        """Claims, newest first, corrected. actor: substring of the speaker's name; country: the speaker's
        ISO3; stance: asserted | denied | speculated | unconfirmed; since/until as for events, on the claim date."""
        return self.query_claims(actor=actor, country=country, stance=stance, since=since, until=until,
                                 limit=limit, doc=doc, **filters)["items"]

    def actors(self, name: Optional[str] = None, country: Optional[str] = None,
               limit: Optional[int] = 100, **filters) -> list[dict]:
        """Canonical actors with how often and in how many documents they are mentioned, most mentioned first
        (corrected mentions). name: case- and accent-insensitive substring of the canonical name; country: ISO3."""
        return self.query_actors(name=name, country=country, limit=limit, **filters)["items"]

    # ----- the query layer of the API and the workbench: pages {items, total, limit, offset, next} -----

    def query_events(self, **filters) -> dict:
        from dragoman.store.query import query_events

        return query_events(self, **filters)

    def query_claims(self, **filters) -> dict:
        from dragoman.store.query import query_claims

        return query_claims(self, **filters)

    def query_actors(self, **filters) -> dict:
        from dragoman.store.query import query_actors

        return query_actors(self, **filters)

    def query_places(self, **filters) -> dict:
        from dragoman.store.query import query_places

        return query_places(self, **filters)

    def query_articles(self, **filters) -> dict:
        from dragoman.store.query import query_articles

        return query_articles(self, **filters)

    # ----- across articles: happenings, copies, claim links (dragoman.store.happenings) -----

    def query_happenings(self, **filters) -> dict:
        """Happenings (one record per real-world happening, however many articles report it), a page."""
        from dragoman.store.happenings import query_happenings

        return query_happenings(self, **filters)

    def happening(self, happening_id: str) -> Optional[dict]:
        """One happening with every member event, its article and evidence; None when unknown."""
        from dragoman.store.happenings import get_happening

        return get_happening(self, happening_id)

    def query_claim_links(self, **filters) -> dict:
        """Claims of different articles that corroborate or contradict each other, a page of pairs."""
        from dragoman.store.happenings import query_claim_links

        return query_claim_links(self, **filters)

    def copies(self, doc: str) -> list[dict]:
        """Stored documents that are copies of `doc`'s text (syndication), most similar first."""
        from dragoman.store.happenings import copies_of

        return copies_of(self, doc)

    def relink(self) -> int:
        """Link every stored document across articles again (after a change of data/linking.yaml)."""
        from dragoman.store.happenings import relink_all

        self._refresh_statistics()  # a store filled by an older version may have none
        return relink_all(self)

    def corrected_analysis(self, doc: str, include_deleted: bool = False) -> Optional[dict]:
        """One document's analysis as a dict, every record with its stable 'key', corrections applied."""
        from dragoman.corrections import corrected_analysis

        return corrected_analysis(self, doc, include_deleted=include_deleted)

    # ----- analysts' corrections (dragoman.corrections) -----

    def correct(self, kind: str, key: str, field: Optional[str] = None, value: Any = None, *, reason: str,
                author: str, delete: bool = False, record: Any = None, doc: Optional[str] = None) -> dict:
        """Record a correction of one record (set a field, delete, or add a record); see dragoman.corrections."""
        from dragoman.corrections import create_correction

        made = create_correction(self, kind, key, field, value, reason=reason, author=author, delete=delete,
                                 record=record, doc=doc)
        self._relink_for(made)  # an event marked wrong leaves its happening; a corrected type relinks
        return made

    def _relink_for(self, correction: dict) -> None:
        if correction.get("kind") in ("event", "claim") and correction.get("doc"):
            self._link([correction["doc"]])

    def corrections(self, status: Optional[str] = None, **filters) -> list[dict]:
        """The audit log of corrections, newest first (status: active | reverted | needs_review)."""
        from dragoman.corrections import list_corrections

        return list_corrections(self, status=status, **filters)

    def revert_correction(self, correction_id: int, author: Optional[str] = None) -> dict:
        from dragoman.corrections import revert_correction

        reverted = revert_correction(self, correction_id, author=author)
        self._relink_for(reverted)
        return reverted

    def confirm_correction(self, correction_id: int, author: Optional[str] = None) -> dict:
        from dragoman.corrections import confirm_correction

        return confirm_correction(self, correction_id, author=author)

    # ----- API tokens (dragoman.store.tokens) -----

    def create_token(self, name: str) -> str:
        from dragoman.store.tokens import create_token

        return create_token(self, name)

    def revoke_token(self, name: str) -> int:
        from dragoman.store.tokens import revoke_token

        return revoke_token(self, name)

    def tokens(self) -> list[dict]:
        from dragoman.store.tokens import list_tokens

        return list_tokens(self)

    def verify_token(self, token: str) -> Optional[str]:
        from dragoman.store.tokens import verify_token

        return verify_token(self, token)

    def documents(self, limit: Optional[int] = 100) -> list[dict]:
        """Stored documents, most recently analysed first, with how many records each holds."""
        d = DocumentRow

        def count(table):
            return select(func.count()).where(table.doc == d.doc, table.origin == MACHINE) \
                .correlate(d).scalar_subquery()

        q = select(d.doc, d.title, d.outlet, d.author, d.url, d.published, d.published_inferred, d.language,
                   d.content_hash, d.pipeline_version, d.analysed_at,
                   count(ActorMentionRow).label("actors"), count(PlaceRow).label("places"),
                   count(DateRow).label("dates"), count(EventRow).label("events"),
                   count(ClaimRow).label("claims")) \
            .order_by(d.analysed_at.desc(), d.doc)
        if limit is not None:
            q = q.limit(int(limit))
        with self.engine.connect() as conn:
            found = [dict(r) for r in conn.execute(q).mappings()]
        for r in found:
            r["published_inferred"] = bool(r["published_inferred"])
            if isinstance(r["analysed_at"], datetime):
                r["analysed_at"] = r["analysed_at"].isoformat()
        return found

    def content_hash(self, doc: str) -> Optional[str]:
        """sha256 of the stored text of `doc`, to skip re-analysing unchanged documents; None when unknown."""
        with self.engine.connect() as conn:
            return conn.execute(select(DocumentRow.content_hash).where(DocumentRow.doc == doc)).scalar()


# ---------- rows in, dicts out ----------

def _analysed_rows(conn, table: str) -> int:
    """The rows `table` had at SQLite's last ANALYZE (the first number of its statistics), 0 if never."""
    if not conn.execute(sql_text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first():
        return 0
    stats = conn.execute(sql_text("SELECT stat FROM sqlite_stat1 WHERE tbl = :t"), {"t": table}).scalars().all()
    return max((int(s.split()[0]) for s in stats if s and s.split()[0].isdigit()), default=0)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")  # several processes may write one file
    # write-ahead log: readers (the API) are not blocked by a batch that is saving, and a commit
    # costs one sync instead of two; "memory" databases ignore it
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _date_filter(q, table, since, until):
    first = _filter_bound(since, "since", last=False)
    last = _filter_bound(until, "until", last=True)
    if first:
        q = q.where(table.date_last >= first)
    if last:
        q = q.where(table.date_first <= last)
    return q


def _actor_ref(row, side: str) -> Optional[ActorRef]:
    if row[f"{side}_name"] is None:
        return None
    return ActorRef(name=row[f"{side}_name"], country=row[f"{side}_country"], sector=row[f"{side}_sector"],
                    actor_id=row[f"{side}_actor_id"])


def _side(ref: Optional[ActorRef], side: str) -> dict:
    return {
        f"{side}_name": ref.name if ref else None,
        f"{side}_key": fold(ref.name) if ref else None,
        f"{side}_country": ref.country if ref else None,
        f"{side}_sector": ref.sector if ref else None,
        f"{side}_actor_id": ref.actor_id if ref else None,
    }


def _rows(analysis: Analysis) -> dict[str, Any]:
    """Every row of one analysis, as dicts ready for executemany."""
    doc, version = analysis.doc, analysis.pipeline_version
    a = analysis.article
    prov = {"doc": doc, "pipeline_version": version, "origin": MACHINE}
    rows: dict[str, Any] = {"document": {
        "title": a.title, "outlet": a.outlet, "author": a.author, "url": a.url, "published": a.published,
        "published_inferred": a.published_inferred, "language": a.language, "text": a.text,
        "captions": list(a.captions), "content_hash": hashlib.sha256(a.text.encode("utf-8")).hexdigest(),
        "pipeline_version": version, "analysed_at": datetime.now(timezone.utc),
    }}
    rows["actor_mentions"] = [{
        **prov, "position": i, "mention": m.mention, "start": m.start, "end": m.end, "name": m.name,
        "name_key": fold(m.name), "country": m.country, "sector": m.sector, "role": m.role,
        "actor_id": m.actor_id, "kind": m.kind, "method": m.method,
    } for i, m in enumerate(analysis.actors)]
    rows["places"] = [{
        **prov, "position": i, "mention": p.mention, "start": p.start, "end": p.end, "name": p.name,
        "kind": p.kind, "country": p.country, "lat": p.lat, "lon": p.lon, "geonameid": p.geonameid,
    } for i, p in enumerate(analysis.places)]
    rows["dates"] = [{
        **prov, "position": i, "mention": d.mention, "start": d.start, "end": d.end, "value": d.value,
        "kind": d.kind,
    } for i, d in enumerate(analysis.dates)]

    rows["events"], rows["event_evidence"] = [], []
    for i, e in enumerate(analysis.events):
        event_id = f"{doc}#e{i}"
        first, last = date_bounds(e.date)
        place = e.place
        start, end = e.spans[0] if e.spans else (None, None)
        rows["events"].append({
            **prov, "id": event_id, "position": i, "type": e.type, "mode": e.mode,
            **_side(e.source, "source"), **_side(e.target, "target"),
            "date": e.date, "date_first": first, "date_last": last, "date_inferred": e.date_inferred,
            "place_name": place.name if place else None, "place_country": place.country if place else None,
            "place_kind": place.kind if place else None, "place_lat": place.lat if place else None,
            "place_lon": place.lon if place else None,
            "status": e.status, "contexts": list(e.contexts), "trigger": e.trigger, "start": start, "end": end,
        })
        # evidence sentences and their spans are kept pairwise; either list may be the longer
        for j in range(max(len(e.evidence), len(e.spans))):
            span = e.spans[j] if j < len(e.spans) else (None, None)
            rows["event_evidence"].append({
                **prov, "event_id": event_id, "position": j,
                "sentence": e.evidence[j] if j < len(e.evidence) else None, "start": span[0], "end": span[1],
            })

    rows["claims"], rows["claim_links"] = [], []
    for i, c in enumerate(analysis.claims):
        first, last = date_bounds(c.date)
        rows["claims"].append({
            **prov, "id": f"{doc}#c{i}", "position": i,
            "speaker_name": c.speaker.name, "speaker_key": fold(c.speaker.name),
            "speaker_country": c.speaker.country, "speaker_sector": c.speaker.sector,
            "speaker_actor_id": c.speaker.actor_id, "via": [v.model_dump() for v in c.via],
            "stance": c.stance, "date": c.date, "date_first": first, "date_last": last,
            "content": c.content, "evidence": c.evidence, "start": c.start, "end": c.end, "cue": c.cue,
        })
        for relation, others in (("corroborates", c.corroborates), ("contradicts", c.contradicts)):
            for other in others:
                if 0 <= other < len(analysis.claims):  # an index outside the analysis links to nothing
                    rows["claim_links"].append({**prov, "claim_id": f"{doc}#c{i}",
                                                "other_claim_id": f"{doc}#c{other}", "relation": relation})
    return rows


def _doc_fields(title, outlet, url, published) -> dict:
    return {"title": title, "outlet": outlet, "url": url, "published": published}


def _event_sides(r) -> dict:
    """The source and target of an event row (a table row or any row with its side columns)."""
    return {"source": _ref(r.source_name, r.source_country, r.source_sector, r.source_actor_id),
            "target": _ref(r.target_name, r.target_country, r.target_sector, r.target_actor_id)}


def _event_place(r) -> Optional[dict]:
    if r.place_name is None:
        return None
    return {"name": r.place_name, "country": r.place_country, "lat": r.place_lat, "lon": r.place_lon,
            "kind": r.place_kind}


def _event_dict(r: EventRow, evidence: list, title, outlet, url, published) -> dict:
    place = _event_place(r)
    return {
        "id": r.id, "doc": r.doc, "type": r.type, "mode": r.mode, **_event_sides(r),
        "date": r.date, "date_inferred": bool(r.date_inferred), "place": place, "status": r.status,
        "contexts": list(r.contexts or []), "trigger": r.trigger,
        "evidence": [e.sentence for e in evidence if e.sentence is not None],
        "spans": [[e.start, e.end] for e in evidence if e.start is not None],
        "pipeline_version": r.pipeline_version, "origin": r.origin,
        **_doc_fields(title, outlet, url, published),
    }


def _claim_dict(r: ClaimRow, links: dict, title, outlet, url, published) -> dict:
    return {
        "id": r.id, "doc": r.doc,
        "speaker": _ref(r.speaker_name, r.speaker_country, r.speaker_sector, r.speaker_actor_id),
        "via": list(r.via or []), "stance": r.stance, "date": r.date, "content": r.content,
        "evidence": r.evidence, "start": r.start, "end": r.end, "cue": r.cue,
        "corroborates": links.get("corroborates", []), "contradicts": links.get("contradicts", []),
        "pipeline_version": r.pipeline_version, "origin": r.origin,
        **_doc_fields(title, outlet, url, published),
    }
