"""Cross-article linking: one record per real-world happening, copies of one text, claims across outlets.

Plain functions over plain data (the contract's event and claim dicts), so every decision can
be tested without a database; dragoman.store.happenings runs them when a document is saved.

- Events: two records from different articles are one *happening* when their PLOVER types are
  the same (or compatible), their actors agree (by dragoman.merge.actor_key: a state and its
  agents are one actor; for symmetric types the sides may be swapped), their dates overlap at
  their precision (a publication date only is weak evidence) and their places are the same,
  near each other, or unknown on one side. Each aspect scores 0..1, any outright disagreement
  vetoes; the weighted score must reach `events.min_score` (data/linking.yaml). A pair needs an
  anchor (precise text dates, or the same or a nearby place), a month or a year is too vague
  to link, and a happening's text dates may span only a few days (no chains of daily reports).
  Copies of one text link their records on any unvetoed match.
- Syndication: word shingles of each text, a MinHash signature (deterministic, stdlib hashes)
  and LSH band keys to find candidates; two texts are copies when the estimated Jaccard
  similarity or containment of their shingles is high. Copies count as one source.
- Claims: claims of different articles are about one proposition when their content words
  overlap (the three tests of dragoman.claims.link_claims, with data-file thresholds); they
  corroborate when the stances agree and contradict when one asserts what the other denies.
"""
from __future__ import annotations

import hashlib
import math
import re
import struct
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from dragoman.datafiles import read_data
from dragoman.merge import STATUS_FAMILY, _interval, actor_key
from dragoman.model import PLOVER_TYPES, ActorRef

DATA_FILE = Path(__file__).parent / "data" / "linking.yaml"

__all__ = [
    "config", "compatible_types", "actors_may_link", "actors_test", "event_link_score", "best_happening",
    "shingles", "minhash", "band_keys", "estimate_jaccard", "copy_similarity", "independent_sources",
    "content_words", "claim_relation", "claim_relations",
]


# ---------- the data file ----------

def _need(data: dict, path: str, kind=(int, float)) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            raise ValueError(f"{DATA_FILE}: {path} is missing")
        value = value[part]
    if kind is not None and not isinstance(value, kind):
        raise ValueError(f"{DATA_FILE}: {path} must be {kind}, not {value!r}")
    return value


@lru_cache(maxsize=1)
def config() -> dict:
    """data/linking.yaml, checked once: a malformed file fails loudly here, not mid-save."""
    data = read_data(DATA_FILE)
    for group in _need(data, "events.compatible_types", list):
        if not isinstance(group, list) or not set(group) <= set(PLOVER_TYPES):
            raise ValueError(f"{DATA_FILE}: events.compatible_types holds a non-PLOVER type: {group}")
    if not set(_need(data, "events.symmetric_types", list)) <= set(PLOVER_TYPES):
        raise ValueError(f"{DATA_FILE}: events.symmetric_types holds a non-PLOVER type")
    for name in ("text_slack_days", "inferred_slack_days", "precise_max_days", "max_span_days", "window_days",
                 "longest_period_days"):
        if _need(data, f"events.dates.{name}", int) < 0:
            raise ValueError(f"{DATA_FILE}: events.dates.{name} must be >= 0")
    for kind, km in _need(data, "events.places.max_km", dict).items():
        if not isinstance(km, (int, float)) or km < 0:
            raise ValueError(f"{DATA_FILE}: events.places.max_km.{kind} must be a distance in km")
    weights = _need(data, "events.weights", dict)
    if set(weights) != {"type", "source", "target", "date", "place"} or min(weights.values()) < 0:
        raise ValueError(f"{DATA_FILE}: events.weights needs type, source, target, date, place >= 0")
    for name, value in _need(data, "events.scores", dict).items():
        if not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ValueError(f"{DATA_FILE}: events.scores.{name} must lie in 0..1")
    if not 0 < _need(data, "events.min_score") <= 1:
        raise ValueError(f"{DATA_FILE}: events.min_score must lie in (0, 1]")
    _need(data, "events.require_actor_match", bool)
    _need(data, "events.require_anchor", bool)
    _need(data, "events.max_candidates", int)
    for name in ("shingle_words", "num_hashes", "bands", "min_shingles"):
        if _need(data, f"syndication.{name}", int) < 1:
            raise ValueError(f"{DATA_FILE}: syndication.{name} must be a positive integer")
    if data["syndication"]["num_hashes"] % data["syndication"]["bands"]:
        raise ValueError(f"{DATA_FILE}: syndication.num_hashes must be a multiple of syndication.bands")
    for name in ("min_jaccard", "min_containment"):
        if not 0 < _need(data, f"syndication.{name}") <= 1:
            raise ValueError(f"{DATA_FILE}: syndication.{name} must lie in (0, 1]")
    for name in ("min_words", "window_days", "max_candidates"):
        _need(data, f"claims.{name}", int)
    for name in ("min_overlap", "min_jaccard"):
        if not 0 < _need(data, f"claims.{name}") <= 1:
            raise ValueError(f"{DATA_FILE}: claims.{name} must lie in (0, 1]")
    return data


# ---------- events: one happening? ----------

def compatible_types(event_type: str) -> set[str]:
    """The PLOVER types a record of `event_type` may share a happening with (itself included)."""
    found = {event_type}
    for group in config()["events"]["compatible_types"]:
        if event_type in group:
            found.update(group)
    return found


def _actor(ref: Optional[dict]):
    if not ref or not ref.get("name"):
        return None
    return _actor_key(ref["name"], ref.get("country"), ref.get("sector"), ref.get("actor_id"))


# every stored candidate is compared with each new event of its window: its actors' keys are
# worked out once per distinct actor, not once per comparison
@lru_cache(maxsize=16384)
def _actor_key(name: str, country: Optional[str], sector: Optional[str], actor_id: Optional[str]):
    return actor_key(ActorRef(name=name, country=country, sector=sector, actor_id=actor_id))


def _actors_score(a: dict, b: dict, scores: dict, weights: dict, symmetric: bool) -> Optional[tuple[float, bool]]:
    """(weighted actor score, whether one side is known on both and the same); None: they disagree."""
    sa, ta, sb, tb = _actor(a.get("source")), _actor(a.get("target")), _actor(b.get("source")), _actor(b.get("target"))

    def side(x, y) -> Optional[tuple[float, bool]]:
        if x is None or y is None:
            return scores["actor_unknown"], False
        return (scores["actor_same"], True) if x == y else None

    straight = (side(sa, sb), side(ta, tb))
    options = [straight]
    if symmetric:
        options.append((side(sa, tb), side(ta, sb)))
    best = None
    for s, t in options:
        if s is None or t is None:
            continue
        total = weights["source"] * s[0] + weights["target"] * t[0]
        if best is None or total > best[0]:
            best = (total, s[1] or t[1])
    return best


def _date_score(a: dict, b: dict, cfg: dict) -> Optional[float]:
    dates, scores = cfg["dates"], cfg["scores"]
    ia, ib = _interval(a.get("date")), _interval(b.get("date"))
    if ia is None or ib is None:
        pa, pb = _interval(a.get("published")), _interval(b.get("published"))
        if pa and pb and not _overlap(pa, pb, dates["window_days"]):
            return None  # undated reports far apart in time: nothing says they are one happening
        return scores["date_unknown"]
    if a.get("date_inferred") or b.get("date_inferred"):
        return scores["date_inferred"] if _overlap(ia, ib, dates["inferred_slack_days"]) else None
    precise = max((ia[1] - ia[0]).days, (ib[1] - ib[0]).days) < dates["precise_max_days"]
    if not precise:  # the caller lets this through for copies of one text only
        return None
    if not _overlap(ia, ib, dates["text_slack_days"]):
        return None
    return scores["date_same_day"] if ia == ib and ia[0] == ia[1] else scores["date_precise_overlap"]


def _overlap(ia, ib, slack_days: int) -> bool:
    return (ia[0] - ib[1]).days <= slack_days and (ib[0] - ia[1]).days <= slack_days


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


_KIND_RANK = {"site": 0, "city": 1, "water": 2, "region": 3, "country": 4}


def _place_score(a: dict, b: dict, cfg: dict) -> Optional[float]:
    scores, max_km = cfg["scores"], cfg["places"]["max_km"]
    pa, pb = a.get("place") or None, b.get("place") or None
    if not pa or not pb:
        return scores["place_unknown"]
    ca, cb = pa.get("country"), pb.get("country")
    same_name = _fold(pa.get("name")) == _fold(pb.get("name"))
    if "country" in (pa.get("kind"), pb.get("kind")):
        if ca and cb and ca != cb:
            return None
        return scores["place_same"] if same_name else scores["place_in_country"]
    if same_name and (ca == cb or not ca or not cb):
        return scores["place_same"]
    if None not in (pa.get("lat"), pa.get("lon"), pb.get("lat"), pb.get("lon")):
        coarser = max((pa.get("kind") or "city", pb.get("kind") or "city"), key=lambda k: _KIND_RANK.get(k, 1))
        limit = max_km.get(coarser, max_km.get("city", 40))
        return scores["place_near"] if distance_km(pa["lat"], pa["lon"], pb["lat"], pb["lon"]) <= limit else None
    if ca and cb and ca != cb:
        return None
    return scores["place_unknown"]


def _fold(text: Optional[str]) -> str:
    if not text:
        return ""
    if text.isascii():  # most news text: nothing to strip
        return text.casefold().strip()
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold().strip()


def _statuses_compatible(a: dict, b: dict) -> bool:
    """As within an article (dragoman.merge): something ongoing is not a one-off report of it, and
    what is planned or hypothetical is not what occurred. A denial is about the same happening."""
    fa, fb = STATUS_FAMILY.get(a.get("status") or "occurred"), STATUS_FAMILY.get(b.get("status") or "occurred")
    if fa == fb or "denied" in (fa, fb):
        return True
    return not ("ongoing" in (fa, fb) or "intent" in (fa, fb))


def _intents(e: dict) -> set:
    return {c for c in e.get("contexts") or [] if str(c).startswith("intent-")}


def _agreeing_actors(a: dict, b: dict, cfg: dict) -> Optional[tuple[float, bool]]:
    """The records' weighted actor score and whether one side is known on both and the same;
    None when their actors rule the link out (they disagree, or none is shared and the
    configuration requires one)."""
    ta, tb = (a.get("type") or "").upper(), (b.get("type") or "").upper()
    symmetric = ta in cfg["symmetric_types"] and tb in cfg["symmetric_types"]
    actors = _actors_score(a, b, cfg["scores"], cfg["weights"], symmetric)
    if actors is None or (cfg["require_actor_match"] and not actors[1]):
        return None
    return actors


def actors_may_link(a: dict, b: dict) -> bool:
    """Whether two event records' actors (and types, for which sides may be swapped) let them be
    one happening, whatever their dates and places: event_link_score is None otherwise, even
    between copies of one text. The store asks it of each candidate before reading the rest of it."""
    return actors_test(a)(b)


def actors_test(a: dict) -> Callable[[dict], bool]:
    """actors_may_link(a, b) as a function of b, for testing many candidates against one record."""
    cfg = config()["events"]
    return lambda b: _agreeing_actors(a, b, cfg) is not None


def event_link_score(a: dict, b: dict, same_text: bool = False) -> Optional[float]:
    """How strongly two event records (contract dicts, plus 'published') are one happening, 0..1;
    None when any aspect rules it out. Linked when the score reaches events.min_score.
    same_text: the records come from copies of one text, which report the same happenings
    whether or not a date or place anchors them (no anchor is required)."""
    cfg = config()["events"]
    scores, weights = cfg["scores"], cfg["weights"]
    ta, tb = (a.get("type") or "").upper(), (b.get("type") or "").upper()
    if ta == tb:
        type_score = scores["type_same"]
    elif tb in compatible_types(ta):
        type_score = scores["type_compatible"]
    else:
        return None
    if not _statuses_compatible(a, b) or _intents(a) != _intents(b):
        return None
    actors = _agreeing_actors(a, b, cfg)
    if actors is None:
        return None
    date = _date_score(a, b, cfg)
    if date is None:
        if not same_text:
            return None
        # one wording, two publication dates: relative dates ("on Wednesday") resolve apart,
        # and a vague date means the same period in both
        date = scores["date_vague"]
    place = _place_score(a, b, cfg)
    if place is None:
        return None
    if cfg["require_anchor"] and not same_text and date < scores["date_precise_overlap"] \
            and place < scores["place_near"]:
        return None
    total = weights["type"] * type_score + actors[0] + weights["date"] * date + weights["place"] * place
    return round(total / sum(weights.values()), 4)


def _text_period(record: dict):
    if record.get("date_inferred"):
        return None
    return _interval(record.get("date"))


def stretches_too_far(event: dict, span: Optional[tuple[Optional[str], Optional[str]]]) -> bool:
    """Whether adding `event` would make a happening whose text dates span `span` (first, last
    day) cover more than events.dates.max_span_days."""
    mine = _text_period(event)
    if not mine or not span or not span[0] or not span[1]:
        return False
    first, last = _interval(span[0]), _interval(span[1])
    if not first or not last:
        return False
    lo, hi = min(mine[0], first[0]), max(mine[1], last[1])
    return (hi - lo).days > config()["events"]["dates"]["max_span_days"]


def matching_happenings(event: dict, candidates: Iterable[dict],
                        copies: Iterable[str] = ()) -> list[tuple[str, float]]:
    """Every happening `event` could join (see best_happening), best first, each with the score
    of its best-matching member. More than one means the event bridges happenings that earlier
    documents, saved in another order, left apart."""
    threshold = config()["events"]["min_score"]
    copies = set(copies)
    scores: dict[str, float] = {}
    tie: dict[str, str] = {}  # equal scores: the happening of the first-stored-looking member (ids are random)
    for c in candidates:
        if not c.get("happening") or c.get("doc") == event.get("doc"):
            continue
        same_text = c.get("doc") in copies
        if not same_text and stretches_too_far(event, c.get("happening_span")):
            continue
        score = event_link_score(event, c, same_text=same_text)
        # a copy's record needs no threshold: nothing vetoes it and its actors agree
        if score is not None and (same_text or score >= threshold):
            h = c["happening"]
            if score > scores.get(h, -1.0):
                scores[h] = score
            tie[h] = min(tie.get(h, c.get("id") or ""), c.get("id") or "")
    return sorted(scores.items(), key=lambda item: (-item[1], tie[item[0]]))


def best_happening(event: dict, candidates: Iterable[dict],
                   copies: Iterable[str] = ()) -> Optional[tuple[str, float]]:
    """The happening (candidates carry 'happening': its id) whose best-matching member scores
    highest with `event`, and that score; None when no candidate reaches events.min_score.
    Candidates of the event's own document are skipped: within an article dragoman.merge decided.
    copies: documents that are copies of the event's own text: their records join on any
    compatible, unvetoed match (see event_link_score's same_text), whatever its score.
    Candidates may carry 'happening_span' (first, last day of their happening's text dates):
    a happening the event would stretch beyond events.dates.max_span_days is not joined."""
    found = matching_happenings(event, candidates, copies)
    return found[0] if found else None


def mergeable_spans(event: dict, spans: Iterable[Optional[tuple[Optional[str], Optional[str]]]]) -> bool:
    """Whether happenings with these text-date spans, bridged by `event`, still fit in one
    happening (events.dates.max_span_days), so that merging them does not chain daily reports."""
    firsts = [s[0] for s in spans if s and s[0]]
    lasts = [s[1] for s in spans if s and s[1]]
    if not firsts or not lasts:
        return True
    return not stretches_too_far(event, (min(firsts), max(lasts)))


# ---------- syndication: near-duplicate texts ----------

_WORD = re.compile(r"\w+", re.UNICODE)
_MERSENNE = (1 << 61) - 1


def shingles(text: str, k: Optional[int] = None) -> set[int]:
    """The text's k-word shingles (case and punctuation ignored), as stable 64-bit hashes."""
    k = k or config()["syndication"]["shingle_words"]
    words = _WORD.findall(_fold(text))
    if len(words) < k:
        return {_h64(" ".join(words))} if words else set()
    return {_h64(" ".join(words[i:i + k])) for i in range(len(words) - k + 1)}


def _h64(text: str) -> int:
    return struct.unpack("<Q", hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest())[0]


@lru_cache(maxsize=4)
def _permutations(n: int):
    """n fixed (mask, odd multiplier) pairs of 64-bit hash functions h(x) = (x XOR mask) * m mod 2^64,
    derived from a constant seed, so signatures stored by one process compare with any other's."""
    import numpy as np

    masks, multipliers = [], []
    for i in range(n):
        digest = hashlib.blake2b(f"dragoman-minhash-{i}".encode(), digest_size=16).digest()
        mask, mult = struct.unpack("<QQ", digest)
        masks.append(mask)
        multipliers.append(mult | 1)
    return np.array(masks, dtype=np.uint64)[:, None], np.array(multipliers, dtype=np.uint64)[:, None]


def minhash(shingle_hashes: set[int], num_hashes: Optional[int] = None) -> list[int]:
    """The MinHash signature of a set of shingle hashes (empty set: all maxima), as integers below
    2^63 (stored as JSON numbers). Vectorised: one array operation per hash function row."""
    import numpy as np

    n = num_hashes or config()["syndication"]["num_hashes"]
    if not shingle_hashes:
        return [_MERSENNE] * n
    masks, multipliers = _permutations(n)
    values = np.fromiter(shingle_hashes, dtype=np.uint64, count=len(shingle_hashes))[None, :]
    with np.errstate(over="ignore"):  # multiplication modulo 2^64 is the point
        hashed = (values ^ masks) * multipliers
    return [int(v) >> 1 for v in hashed.min(axis=1)]


def band_keys(signature: list[int], bands: Optional[int] = None) -> list[str]:
    """LSH band keys: two signatures sharing a key are candidates for a closer look."""
    bands = bands or config()["syndication"]["bands"]
    rows = len(signature) // bands
    return [f"{i}:" + hashlib.blake2b(",".join(map(str, signature[i * rows:(i + 1) * rows])).encode(),
                                      digest_size=8).hexdigest() for i in range(bands)]


def estimate_jaccard(sig_a: list[int], sig_b: list[int]) -> float:
    if not sig_a or len(sig_a) != len(sig_b):
        return 0.0
    return sum(1 for x, y in zip(sig_a, sig_b) if x == y) / len(sig_a)


def copy_similarity(sig_a: list[int], n_a: int, sig_b: list[int], n_b: int) -> Optional[float]:
    """The estimated Jaccard similarity of two texts when they are copies of one another (by
    syndication.min_jaccard, or min_containment of the shorter in the longer), else None."""
    cfg = config()["syndication"]
    if min(n_a, n_b) < cfg["min_shingles"]:
        return None
    j = estimate_jaccard(sig_a, sig_b)
    # |A ∩ B| = J / (1 + J) · (|A| + |B|); containment: that over the smaller set
    containment = (j / (1 + j)) * (n_a + n_b) / min(n_a, n_b) if j else 0.0
    if j >= cfg["min_jaccard"] or containment >= cfg["min_containment"]:
        return round(j, 4)
    return None


def independent_sources(docs: Iterable[str], copies: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The documents grouped so that copies of one text (linked pairs, transitively) are one
    group: each group is one independent source. Sorted, deterministic."""
    parent = {d: d for d in docs}

    def root(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in copies:
        if a in parent and b in parent:
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for d in sorted(parent):
        groups.setdefault(root(d), []).append(d)
    return sorted(groups.values())


# ---------- claims across articles ----------

def _stop_words() -> frozenset[str]:
    try:
        from spacy.lang.en.stop_words import STOP_WORDS  # no model needed: a plain word list
        return frozenset(STOP_WORDS)
    except ImportError:  # pragma: no cover - spaCy is a dependency
        return frozenset()


_STOP = _stop_words()
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "s")


def _stem(word: str) -> str:
    """A crude English stem (strikes/striking/struck stay apart, strike/strikes meet): enough to
    compare the content words of two paraphrases without parsing them again."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            return stem + "y" if suffix in ("ies", "ied") else stem
    return word


@lru_cache(maxsize=65536)
def content_words(text: str) -> frozenset[str]:
    """The stems of a claim content's words that carry meaning (no stop words, no short words).
    Cached: the same stored claims are compared with every new article of their weeks."""
    return frozenset(_stem(w) for w in re.findall(r"[^\W\d_]+", _fold(text)) if len(w) > 2 and w not in _STOP)


def claim_relations(own: list[dict], others: list[dict]) -> Iterable[tuple[dict, dict, str]]:
    """(a, b, relation) for each claim a of `own` and b of `others` that claim_relation relates,
    in the order of own, then of others. A pair must share min_words content words to be
    related at all, so only the pairs that do (found through an index of others' words) are
    compared: an article's claims meet thousands of stored ones of its weeks."""
    need = config()["claims"]["min_words"]
    words = [content_words(b.get("content") or "") for b in others]
    holders: dict[str, list[int]] = {}
    for i, wb in enumerate(words):
        if len(wb) >= need:
            for w in wb:
                holders.setdefault(w, []).append(i)
    for a in own:
        wa = content_words(a.get("content") or "")
        if len(wa) < need:
            continue
        shared: dict[int, int] = {}
        for w in wa:
            for i in holders.get(w, ()):
                shared[i] = shared.get(i, 0) + 1
        for i in sorted(i for i, n in shared.items() if n >= need):
            relation = claim_relation(a, others[i], wa, words[i])
            if relation:
                yield a, others[i], relation


def claim_relation(a: dict, b: dict, words_a: Optional[set] = None, words_b: Optional[set] = None) -> Optional[str]:
    """'corroborates' / 'contradicts' between two claims (dicts with content and stance) of
    different articles about one proposition, None when they are not about one or the stances
    neither agree nor oppose (speculated vs denied)."""
    cfg = config()["claims"]
    wa = words_a if words_a is not None else content_words(a.get("content") or "")
    wb = words_b if words_b is not None else content_words(b.get("content") or "")
    if len(wa) < cfg["min_words"] or len(wb) < cfg["min_words"]:
        return None
    shared = len(wa & wb)
    if shared < cfg["min_words"] or shared / min(len(wa), len(wb)) < cfg["min_overlap"] \
            or shared / len(wa | wb) < cfg["min_jaccard"]:
        return None
    sa, sb = a.get("stance"), b.get("stance")
    if {sa, sb} == {"asserted", "denied"}:
        return "contradicts"
    if sa == sb:
        return "corroborates"
    return None
