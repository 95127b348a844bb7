"""The actor knowledge base: people, organisations and states, with dated offices.

The data lives in YAML files (dragoman/data/actors/*.yaml, format in
dragoman/data/README-actors.md). Users add their own actors by passing more
files to `ActorKB.load`; nothing here needs code changes for a new actor.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dragoman.model import SECTORS

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "actors"
ActorKind = Literal["person", "organisation", "group", "media", "state"]


def _check_sector(value: Optional[str]) -> Optional[str]:
    if value is not None and value not in SECTORS:
        raise ValueError(f"unknown sector {value!r}; use one of {', '.join(SECTORS)}")
    return value


def _check_country(value: Optional[str]) -> Optional[str]:
    if value is not None and not re.fullmatch(r"[A-Z]{3}", value):
        raise ValueError(f"country {value!r} is not an ISO 3166-1 alpha-3 code")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Office(_Strict):
    """An office held from `start` to `end` (None: still held)."""
    office: str
    country: Optional[str] = None
    org: Optional[str] = None
    sector: Optional[str] = None
    start: Optional[date] = None
    end: Optional[date] = None

    _sector = field_validator("sector")(classmethod(lambda cls, v: _check_sector(v)))
    _country = field_validator("country")(classmethod(lambda cls, v: _check_country(v)))

    def held_on(self, on: Optional[date]) -> bool:
        if on is None:
            return self.end is None
        return (self.start is None or self.start <= on) and (self.end is None or on < self.end)


class Actor(_Strict):
    """One canonical actor. `id` is derived from kind and name when not given."""
    id: str = ""
    name: str
    kind: ActorKind = "organisation"
    country: Optional[str] = None
    sector: Optional[str] = None
    aliases: list[str] = Field(default_factory=list)
    weak_aliases: list[str] = Field(default_factory=list,
                                    description="aliases used only when the actor is also named in full")
    offices: list[Office] = Field(default_factory=list)
    gender: Optional[Literal["f", "m"]] = Field(None, description="for pronoun coreference: 'she' never links to 'm'")

    _sector = field_validator("sector")(classmethod(lambda cls, v: _check_sector(v)))
    _country = field_validator("country")(classmethod(lambda cls, v: _check_country(v)))

    def office_on(self, on: Optional[date]) -> Optional[Office]:
        """The office the actor holds on a date (the most recently started one)."""
        held = [o for o in self.offices if o.held_on(on)]
        held.sort(key=lambda o: o.start or date.min, reverse=True)
        return held[0] if held else None

    def country_sector_on(self, on: Optional[date]) -> tuple[Optional[str], Optional[str]]:
        office = self.office_on(on) if on else None
        if office is None:
            return self.country, self.sector
        country = office.country if (office.country or office.org) else self.country
        return country, office.sector or self.sector


class State(_Strict):
    code: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    demonyms: list[str] = Field(default_factory=list)
    seats: list[str] = Field(default_factory=list)

    _country = field_validator("code")(classmethod(lambda cls, v: _check_country(v)))


class OfficeDef(_Strict):
    display: str
    sector: Optional[str] = None
    titles: list[str]


class RoleNoun(_Strict):
    sector: Optional[str] = None
    kind: ActorKind = "group"
    person: bool = False
    needs_country: bool = False  # an actor only with a demonym or country ("Palestinian homes")


class MinistryField(_Strict):
    name: str
    sector: Optional[str] = None
    words: list[str]


class Ministries(_Strict):
    words: list[str]
    abbreviations: dict[str, str] = Field(default_factory=dict)
    fields: dict[str, MinistryField]


class Anaphor(_Strict):
    kind: Optional[ActorKind] = None
    named: bool = False  # the antecedent must be a named actor ("the group" -> Hamas, not "Israeli troops")
    sector: Optional[str] = None
    role_contains: Optional[str] = None
    name_contains: Optional[str] = None


class Community(_Strict):
    """An ethnic, religious or political community; `home` when it lives almost wholly in one state."""
    home: Optional[str] = None

    _country = field_validator("home")(classmethod(lambda cls, v: _check_country(v)))


class Lexicon(_Strict):
    offices: dict[str, OfficeDef] = Field(default_factory=dict)
    titles: list[str] = Field(default_factory=list)
    role_nouns: dict[str, RoleNoun] = Field(default_factory=dict)
    role_modifiers: list[str] = Field(default_factory=list)
    ministries: Optional[Ministries] = None
    anaphors: dict[str, Anaphor] = Field(default_factory=dict)
    organisation_heads: list[str] = Field(default_factory=list)
    communities: dict[str, Community] = Field(default_factory=dict)
    acting_nouns: list[str] = Field(default_factory=list)
    popular_acts: list[str] = Field(default_factory=list)  # "Palestinian riots": the people act
    office_countries: dict[str, str] = Field(default_factory=dict)
    organisation_head_sectors: dict[str, str] = Field(default_factory=dict)

    @field_validator("organisation_head_sectors")
    @classmethod
    def _head_sector_codes(cls, v: dict[str, str]) -> dict[str, str]:
        for sector in v.values():
            _check_sector(sector)
        return v

    @field_validator("office_countries")
    @classmethod
    def _office_country_codes(cls, v: dict[str, str]) -> dict[str, str]:
        for code in v.values():
            _check_country(code)
        return v


class KBFile(_Strict):
    """What one YAML file may hold; every section is optional."""
    version: int = 1
    states: dict[str, Optional[State | dict]] = Field(default_factory=dict)
    people: list[Actor] = Field(default_factory=list)
    organisations: list[Actor] = Field(default_factory=list)
    offices: dict[str, OfficeDef] = Field(default_factory=dict)
    titles: list[str] = Field(default_factory=list)
    role_nouns: dict[str, RoleNoun] = Field(default_factory=dict)
    role_modifiers: list[str] = Field(default_factory=list)
    ministries: Optional[Ministries] = None
    anaphors: dict[str, Anaphor] = Field(default_factory=dict)
    organisation_heads: list[str] = Field(default_factory=list)
    communities: dict[str, Community] = Field(default_factory=dict)
    acting_nouns: list[str] = Field(default_factory=list)
    popular_acts: list[str] = Field(default_factory=list)
    office_countries: dict[str, str] = Field(default_factory=dict)
    organisation_head_sectors: dict[str, str] = Field(default_factory=dict)


# ---------- name normalisation ----------

_TURKISH = str.maketrans({"ı": "i", "İ": "I", "ş": "s", "Ş": "S", "ğ": "g", "Ğ": "G", "ç": "c", "Ç": "C"})


@lru_cache(maxsize=100_000)  # the same names are folded again in every document
def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key for names."""
    text = unicodedata.normalize("NFKD", text.translate(_TURKISH))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("‘", "'").casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    text = re.sub(r"\b(?:the)\b", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def ascii_fold(text: str) -> str:
    """Drop diacritics but keep case and punctuation (Erdoğan -> Erdogan)."""
    text = unicodedata.normalize("NFKD", text.translate(_TURKISH))
    return "".join(c for c in text if not unicodedata.combining(c))


_ARTICLE = re.compile(r"\b([Aa]l|[Ee]l)[- ](?=\w)")


def alias_variants(alias: str) -> set[str]:
    """Spellings news uses for the same name: apostrophes, diacritics, al-/Al /al."""
    out = {alias}
    for a in list(out):
        out |= {a.replace("’", "'"), a.replace("'", "’"), a.replace("’", "").replace("'", "")}
    for a in list(out):
        out.add(ascii_fold(a))
    for a in list(out):
        if _ARTICLE.search(a):
            for article in ("al-", "Al-", "al ", "Al ", "el-", "El-"):
                out.add(_ARTICLE.sub(article, a))
    return {a for a in out if a.strip()}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


# ---------- the knowledge base ----------

class ActorKB:
    """Actors, states and the lexicon, indexed for lookup by alias and by office."""

    def __init__(self, actors: list[Actor], states: dict[str, State], lexicon: Lexicon):
        self.actors: dict[str, Actor] = {}
        for actor in actors:
            if not actor.id:
                actor.id = f"{actor.kind}:{_slug(actor.name)}"
            if actor.id in self.actors:  # a later file may refine an actor: merge aliases and offices
                old = self.actors[actor.id]
                actor.aliases = sorted(set(old.aliases) | set(actor.aliases))
                actor.weak_aliases = sorted(set(old.weak_aliases) | set(actor.weak_aliases))
                actor.offices = old.offices + [o for o in actor.offices if o not in old.offices]
                for name in ("country", "sector", "kind", "gender"):  # what the later file leaves out, the earlier says
                    if name not in actor.model_fields_set:
                        setattr(actor, name, getattr(old, name))
            self.actors[actor.id] = actor
        self.states = states
        self.lexicon = lexicon
        for state in states.values():
            self.actors.setdefault(f"state:{state.code}", Actor(
                id=f"state:{state.code}", name=state.name, kind="state", country=state.code,
                sector="GOV", aliases=state.aliases))
        self._by_alias: dict[str, list[str]] = {}
        for actor in self.actors.values():
            if actor.kind == "state":
                continue
            for alias in [actor.name, *actor.aliases]:
                ids = self._by_alias.setdefault(fold(alias), [])
                if actor.id not in ids:
                    ids.append(actor.id)
        self._by_office: dict[tuple[str, str], list[tuple[Actor, Office]]] = {}
        for actor in self.actors.values():
            for office in actor.offices:
                key = (office.office, office.country or office.org or "")
                self._by_office.setdefault(key, []).append((actor, office))
        self.state_by_word: dict[str, str] = {}
        for state in states.values():
            for word in [state.name, *state.aliases, *state.demonyms, *state.seats]:
                self.state_by_word.setdefault(word, state.code)
        self._title_to_office = {t.casefold(): key for key, o in lexicon.offices.items() for t in o.titles}
        self._org_name = {fold(a): actor.name for actor in self.actors.values() for a in [actor.name, *actor.aliases]}
        self.matcher_cache: dict = {}  # per spaCy vocab, filled by the finder

    # -- loading --

    @classmethod
    def load(cls, paths: Iterable[str | Path] | None = None, include_packaged: bool = True) -> "ActorKB":
        """Load the packaged files (cached) and/or the given YAML files or folders."""
        if paths is None:
            return _packaged_kb()
        files = _yaml_files(DATA_DIR) if include_packaged else []
        for path in paths:
            files += _yaml_files(Path(path))
        return cls.from_files(files)

    @classmethod
    def from_files(cls, files: list[Path]) -> "ActorKB":
        actors: list[Actor] = []
        states: dict[str, State] = {}
        lex: dict = {"offices": {}, "titles": [], "role_nouns": {}, "role_modifiers": [], "ministries": None,
                     "anaphors": {}, "organisation_heads": [], "communities": {}, "acting_nouns": [],
                     "popular_acts": [], "office_countries": {}, "organisation_head_sectors": {}}
        for path in files:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            try:
                data = KBFile.model_validate(raw)
            except ValidationError as err:
                raise ValueError(f"{path}: invalid actor data:\n{err}") from err
            for code, state in data.states.items():
                if state is None:
                    continue
                state = state if isinstance(state, State) else State(code=code, **state)
                states[code] = state
            for actor in data.people:
                actor.kind = "person"
                actors.append(actor)
            actors.extend(data.organisations)
            lex["offices"].update(data.offices)
            lex["titles"] += data.titles
            lex["role_nouns"].update(data.role_nouns)
            lex["role_modifiers"] += data.role_modifiers
            lex["anaphors"].update(data.anaphors)
            lex["organisation_heads"] += data.organisation_heads
            lex["communities"].update(data.communities)
            lex["acting_nouns"] += data.acting_nouns
            lex["popular_acts"] += data.popular_acts
            lex["office_countries"].update(data.office_countries)
            lex["organisation_head_sectors"].update(data.organisation_head_sectors)
            if data.ministries:
                lex["ministries"] = data.ministries
        for word, community in lex["communities"].items():
            if community.home and states and community.home not in states:
                raise ValueError(f"community {word}: home {community.home} is not in the states table")
        for title, code in lex["office_countries"].items():
            if states and code not in states:
                raise ValueError(f"office title {title}: country {code} is not in the states table")
        for actor in actors:
            for office in actor.offices:
                if office.country and states and office.country not in states:
                    raise ValueError(f"{actor.name}: office country {office.country} is not in the states table")
        return cls(actors, states, Lexicon(**lex))

    # -- lookups --

    def get(self, actor_id: str) -> Optional[Actor]:
        return self.actors.get(actor_id)

    def lookup(self, alias: str) -> list[Actor]:
        """Actors one of whose names or aliases is `alias` (case, accents and punctuation ignored)."""
        return [self.actors[i] for i in self._by_alias.get(fold(alias), [])]

    def aliases(self) -> dict[str, list[str]]:
        return self._by_alias

    def state(self, code: Optional[str]) -> Optional[State]:
        return self.states.get(code) if code else None

    def state_actor(self, code: str) -> Optional[Actor]:
        return self.actors.get(f"state:{code}")

    def office_key(self, role: str) -> Optional[str]:
        """'Foreign Minister' / 'foreign_minister' -> 'foreign_minister'."""
        if role in self.lexicon.offices:
            return role
        return self._title_to_office.get(role.casefold())

    def office_holder(self, role: str, country: Optional[str], on: Optional[date]) -> Optional[Actor]:
        """Who held an office ('President', 'foreign_minister') of a country (or organisation) on a date."""
        key = self.office_key(role)
        if key is None:
            return None
        holders = [(a, o) for a, o in self._by_office.get((key, country or ""), []) if o.held_on(on)]
        if not holders:
            return None
        holders.sort(key=lambda ao: ao[1].start or date.min, reverse=True)
        return holders[0][0]

    def office_of(self, actor: Actor, on: Optional[date]) -> Optional[Office]:
        return actor.office_on(on)

    def role_string(self, office_key: str, country: Optional[str], org: Optional[str] = None) -> str:
        office = self.lexicon.offices.get(office_key)
        display = office.display if office else office_key.replace("_", " ").title()
        where = org or (self.states[country].name if country in self.states else country)
        if where and country in self.states and (where.startswith("United ") or where.endswith("s")):
            where = f"the {where}"  # "President of the United States"
        return f"{display} of {where}" if where else display


def _yaml_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
    return [path]


@lru_cache(maxsize=1)
def _packaged_kb() -> ActorKB:
    return ActorKB.from_files(_yaml_files(DATA_DIR))


@lru_cache(maxsize=1)
def packaged_states() -> dict[str, State]:
    """The packaged state table alone (data/actors/states.yaml), validated like the rest of the
    knowledge base: the one table of country names, aliases and demonyms, which the places and
    claims stages read too without loading the whole knowledge base."""
    return ActorKB.from_files([DATA_DIR / "states.yaml"]).states
