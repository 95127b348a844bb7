"""The output contract, defined once.

These pydantic models are the single definition of what `dragoman analyze
--format json` writes (see ../shared/contract/OUTPUT.md). Every stage returns
them, the store persists them, the API serves them, `dragoman schema` prints
their JSON Schema. Fields beyond the contract (ids, offsets, confidences) are
allowed; fields of the contract never change meaning.
"""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
SECTORS = ("GOV", "MIL", "REB", "OPP", "MED", "BUS", "CVL", "IGO", "NGO", "JUD", "LEG", "SPY", "COP", "ANL")
EventStatus = Literal["occurred", "ongoing", "planned", "reported", "rumored", "denied", "hypothetical"]
ClaimStance = Literal["asserted", "denied", "speculated", "unconfirmed"]
PlaceKind = Literal["country", "region", "city", "site", "water"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Article(Model):
    """What ingestion found: the text to analyse and what is known about it."""
    doc: str = Field(description="the input's file stem or record id")
    text: str = Field(description="the body text that was analysed; every offset points into it")
    title: Optional[str] = None
    outlet: Optional[str] = None
    author: Optional[str] = None
    url: Optional[str] = None
    published: Optional[str] = Field(None, description="publication date, YYYY-MM-DD")
    published_inferred: bool = Field(False, description="true when the date was inferred from the text")
    language: str = "en"
    captions: list[str] = Field(default_factory=list, description="each image caption once")


class ActorRef(Model):
    """A canonical actor as it appears in events and claims."""
    name: str
    country: Optional[str] = Field(None, description="ISO 3166-1 alpha-3, null for actors of no state")
    sector: Optional[str] = Field(None, description="CAMEO-style role code (GOV, MIL, REB, MED, ...)")
    actor_id: Optional[str] = Field(None, description="id in the actor knowledge base, null when unknown to it")


class ActorMention(Model):
    """One mention of an actor in the text, resolved to a canonical actor."""
    mention: str
    start: int
    end: int
    name: str
    country: Optional[str] = None
    sector: Optional[str] = None
    role: Optional[str] = Field(None, description="the office that made the resolution, e.g. 'President of Turkey'")
    actor_id: Optional[str] = None
    kind: Optional[str] = Field(None, description="person, organisation, state, group")
    method: Optional[str] = Field(None, description="how it was resolved: alias, fuzzy, role, metonym, coref, ner")

    def ref(self) -> ActorRef:
        return ActorRef(name=self.name, country=self.country, sector=self.sector, actor_id=self.actor_id)


class PlaceRef(Model):
    name: str
    country: Optional[str] = None
    lat: Optional[float] = None
    lon: Optional[float] = None
    kind: Optional[PlaceKind] = None


class PlaceMention(Model):
    """One toponym in the text, geocoded."""
    mention: str
    start: int
    end: int
    name: str
    kind: Optional[PlaceKind] = None
    country: Optional[str] = None
    lat: Optional[float] = None
    lon: Optional[float] = None
    geonameid: Optional[int] = None

    def ref(self) -> PlaceRef:
        return PlaceRef(name=self.name, country=self.country, lat=self.lat, lon=self.lon, kind=self.kind)


class DateMention(Model):
    """One temporal expression, resolved to an ISO 8601 value at the precision the text gives."""
    mention: str
    start: int
    end: int
    value: Optional[str] = Field(None, description="ISO 8601: 2025-02-04, 2025-01, 2025, 2025-W06, A/B; null for durations")
    kind: Literal["date", "duration", "set", "vague"] = "date"


class Event(Model):
    """One real-world happening, however many sentences report it."""
    type: str = Field(description="PLOVER event type in capitals")
    mode: Optional[str] = None
    source: Optional[ActorRef] = None
    target: Optional[ActorRef] = None
    date: Optional[str] = None
    date_inferred: bool = Field(False, description="true when the date is the publication date, not from the text")
    place: Optional[PlaceRef] = None
    status: EventStatus = "occurred"
    contexts: list[str] = Field(default_factory=list)
    trigger: Optional[str] = None
    evidence: list[str] = Field(default_factory=list, description="every sentence that reports it")
    spans: list[tuple[int, int]] = Field(default_factory=list, description="offsets of the evidence sentences")


class Claim(Model):
    """Who asserted what, through whom, with what stance."""
    speaker: ActorRef
    via: list[ActorRef] = Field(default_factory=list, description="the chain the claim came through, nearest first")
    stance: ClaimStance = "asserted"
    date: Optional[str] = None
    content: str
    evidence: str
    start: int
    end: int
    cue: Optional[str] = Field(None, description="the reporting verb or phrase")
    corroborates: list[int] = Field(default_factory=list, description="indexes of claims in this analysis it agrees with")
    contradicts: list[int] = Field(default_factory=list, description="indexes of claims in this analysis it contradicts")


class Analysis(Model):
    """Everything dragoman read out of one article."""
    doc: str
    article: Article
    actors: list[ActorMention] = Field(default_factory=list)
    places: list[PlaceMention] = Field(default_factory=list)
    dates: list[DateMention] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    pipeline_version: str = ""
