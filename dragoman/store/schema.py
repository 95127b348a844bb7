"""The store's tables, defined once: `metadata` is what Alembic will autogenerate migrations from.

Every row keeps its provenance: the document it was read from, character
offsets into that document's text where the record has them, the pipeline
version that produced it and its `origin`. Rows written by the pipeline have
origin 'machine' and are replaced wholesale when a document is analysed again;
they are never edited in place. Analysts' corrections will live in a table of
their own, applied on top of the machine rows, so a re-analysis cannot lose them.

Only portable column types are used (String, Text, Integer, Float, Boolean,
DateTime, JSON), so the same models run on SQLite and PostgreSQL.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

MACHINE = "machine"  # origin of rows written by the pipeline

# Values the pipeline writes are unbounded (VARCHAR without a length on PostgreSQL), so an
# unusually long name never fails an insert; only codes dragoman itself controls are bounded.
ID = String()
NAME = String()
WORD = String()        # short free values from the stages: modes, kinds, methods, versions
DATE = String()        # ISO 8601 values as the text gives them, ranges included ("A/B")
CODE = String(16)      # ISO3 country codes, sector codes
DAY = String(10)       # YYYY-MM-DD bounds computed by the store, comparable as strings


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


metadata = Base.metadata


class Provenance:
    """Columns every record row carries: where it came from and what produced it."""
    doc: Mapped[str] = mapped_column(ID, ForeignKey("documents.doc"), index=True)
    pipeline_version: Mapped[str] = mapped_column(WORD, default="")
    origin: Mapped[str] = mapped_column(String(16), default=MACHINE)


class DocumentRow(Base):
    __tablename__ = "documents"

    doc: Mapped[str] = mapped_column(ID, primary_key=True)
    title: Mapped[Optional[str]] = mapped_column(Text)
    outlet: Mapped[Optional[str]] = mapped_column(NAME)
    author: Mapped[Optional[str]] = mapped_column(NAME)
    url: Mapped[Optional[str]] = mapped_column(Text)
    published: Mapped[Optional[str]] = mapped_column(DATE, index=True)
    published_inferred: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(WORD, default="en")
    text: Mapped[str] = mapped_column(Text)
    captions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(WORD, index=True)  # sha256 of text
    pipeline_version: Mapped[str] = mapped_column(WORD, default="")
    analysed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ActorMentionRow(Provenance, Base):
    __tablename__ = "actor_mentions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    position: Mapped[int] = mapped_column(Integer)  # order in the analysis
    mention: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(NAME)
    name_key: Mapped[str] = mapped_column(NAME, index=True)  # folded name for searching
    country: Mapped[Optional[str]] = mapped_column(CODE, index=True)
    sector: Mapped[Optional[str]] = mapped_column(CODE)
    role: Mapped[Optional[str]] = mapped_column(NAME)
    actor_id: Mapped[Optional[str]] = mapped_column(ID)
    kind: Mapped[Optional[str]] = mapped_column(WORD)
    method: Mapped[Optional[str]] = mapped_column(WORD)


class PlaceRow(Provenance, Base):
    __tablename__ = "places"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    position: Mapped[int] = mapped_column(Integer)
    mention: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(NAME)
    kind: Mapped[Optional[str]] = mapped_column(WORD)
    country: Mapped[Optional[str]] = mapped_column(CODE, index=True)
    lat: Mapped[Optional[float]] = mapped_column(Float)
    lon: Mapped[Optional[float]] = mapped_column(Float)
    geonameid: Mapped[Optional[int]] = mapped_column(Integer)


class DateRow(Provenance, Base):
    __tablename__ = "dates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    position: Mapped[int] = mapped_column(Integer)
    mention: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    value: Mapped[Optional[str]] = mapped_column(DATE)
    kind: Mapped[str] = mapped_column(WORD, default="date")


class EventRow(Provenance, Base):
    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_span", "date_first", "date_last"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)  # "<doc>#e<position>"
    position: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(WORD, index=True)
    mode: Mapped[Optional[str]] = mapped_column(WORD)
    source_name: Mapped[Optional[str]] = mapped_column(NAME)
    source_key: Mapped[Optional[str]] = mapped_column(NAME)
    source_country: Mapped[Optional[str]] = mapped_column(CODE, index=True)
    source_sector: Mapped[Optional[str]] = mapped_column(CODE)
    source_actor_id: Mapped[Optional[str]] = mapped_column(ID)
    target_name: Mapped[Optional[str]] = mapped_column(NAME)
    target_key: Mapped[Optional[str]] = mapped_column(NAME)
    target_country: Mapped[Optional[str]] = mapped_column(CODE, index=True)
    target_sector: Mapped[Optional[str]] = mapped_column(CODE)
    target_actor_id: Mapped[Optional[str]] = mapped_column(ID)
    date: Mapped[Optional[str]] = mapped_column(DATE)
    # the first and last day of the period `date` names, for range queries on any precision
    date_first: Mapped[Optional[str]] = mapped_column(DAY)
    date_last: Mapped[Optional[str]] = mapped_column(DAY)
    date_inferred: Mapped[bool] = mapped_column(Boolean, default=False)
    place_name: Mapped[Optional[str]] = mapped_column(NAME)
    place_country: Mapped[Optional[str]] = mapped_column(CODE, index=True)
    place_kind: Mapped[Optional[str]] = mapped_column(WORD)
    place_lat: Mapped[Optional[float]] = mapped_column(Float)
    place_lon: Mapped[Optional[float]] = mapped_column(Float)
    status: Mapped[str] = mapped_column(WORD, default="occurred")
    contexts: Mapped[list[Any]] = mapped_column(JSON, default=list)
    trigger: Mapped[Optional[str]] = mapped_column(Text)
    # offsets of the first evidence sentence: where a reader should look first
    start: Mapped[Optional[int]] = mapped_column(Integer)
    end: Mapped[Optional[int]] = mapped_column(Integer)


class EventEvidenceRow(Provenance, Base):
    __tablename__ = "event_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(ID, ForeignKey("events.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    sentence: Mapped[Optional[str]] = mapped_column(Text)
    start: Mapped[Optional[int]] = mapped_column(Integer)
    end: Mapped[Optional[int]] = mapped_column(Integer)


class ClaimRow(Provenance, Base):
    __tablename__ = "claims"
    __table_args__ = (
        Index("ix_claims_span", "date_first", "date_last"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)  # "<doc>#c<position>"
    position: Mapped[int] = mapped_column(Integer)
    speaker_name: Mapped[str] = mapped_column(NAME)
    speaker_key: Mapped[str] = mapped_column(NAME)
    speaker_country: Mapped[Optional[str]] = mapped_column(CODE, index=True)
    speaker_sector: Mapped[Optional[str]] = mapped_column(CODE)
    speaker_actor_id: Mapped[Optional[str]] = mapped_column(ID)
    via: Mapped[list[Any]] = mapped_column(JSON, default=list)  # ActorRef dicts, nearest first
    stance: Mapped[str] = mapped_column(WORD, index=True)
    date: Mapped[Optional[str]] = mapped_column(DATE)
    date_first: Mapped[Optional[str]] = mapped_column(DAY)
    date_last: Mapped[Optional[str]] = mapped_column(DAY)
    content: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    cue: Mapped[Optional[str]] = mapped_column(NAME)


class ClaimLinkRow(Provenance, Base):
    __tablename__ = "claim_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[str] = mapped_column(ID, ForeignKey("claims.id"), index=True)
    other_claim_id: Mapped[str] = mapped_column(ID, ForeignKey("claims.id"), index=True)
    relation: Mapped[str] = mapped_column(String(16))  # corroborates | contradicts


# Child tables first: the order rows are deleted in when a document is re-saved.
RECORD_TABLES = (ClaimLinkRow, ClaimRow, EventEvidenceRow, EventRow, DateRow, PlaceRow, ActorMentionRow)
