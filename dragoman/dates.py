"""Stage: dates — temporal expressions, resolved against the publication date.

A small regular grammar over the text (month, weekday, season and number
tables from data/dates/lexicon.yaml) finds the expressions; spaCy's parse is
used only as a guard (is "2000" a year or a count? is "May" a month?) and to
read tense ("will meet on Monday" looks forward). Each expression resolves to
an ISO 8601 value at the precision the text gives — a day, an ISO week, a
month, a year, or a range "A/B" — or to null for durations, sets and vague
words ("for two days", "every year", "recently"), which are recognised so they
are never mistaken for dates.

How a value is chosen: explicit dates keep their own year; a yearless date or
month takes the year that puts it nearest the publication date, the past
preferred unless the governing verb looks forward; weekdays are the latest on
or before publication (the next one under a future verb); relative words count
from publication ("last week" is the ISO week before it); anaphoric ones ("the
following day", "a year earlier", "that year") from the period the text named
last. A modifier narrows a period ("the end of January" is its last week).
Where an expression wraps another ("earlier this month", "between 2011 and
2014", "around Nov. 1") the inner one is emitted too, with its own value.

Public API: find_dates(doc, published), resolve_date(expression, published),
infer_published(text), and the spaCy factory `dragoman_dates` (doc._.dates).
"""
from __future__ import annotations

import bisect

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional

from spacy.language import Language
from spacy.tokens import Doc

from dragoman.datafiles import read_data
from dragoman.model import DateMention
from dragoman.nlp import doc_text
from dragoman.regexes import literal_finder, required_literal_sets, trie_alternation

LEXICON_PATH = Path(__file__).parent / "data" / "dates" / "lexicon.yaml"


# ---------------------------------------------------------------- lexicon

@dataclass(frozen=True)
class Lexicon:
    months: dict[str, int]          # spelling -> month number
    full_months: dict[str, int]     # full names (and "Sept") only: safe without a day or year
    weekdays: dict[str, int]        # spelling -> ISO weekday
    full_weekdays: dict[str, int]
    seasons: dict[str, tuple[int, int]]
    numbers: dict[str, int]
    ordinals: dict[str, int]
    period_parts: dict[str, dict[str, tuple[int, int]]]
    future_cues: frozenset[str]
    non_year_prefixes: frozenset[str]
    month_cues: frozenset[str]
    day_ordinals: dict[str, int]
    named_days: dict[tuple[int, int], int]
    event_nouns: frozenset[str]
    vague: tuple[str, ...]


def _load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    raw = read_data(path)
    months, full_months = {}, {}
    for number, spellings in raw["months"].items():
        if not 1 <= int(number) <= 12 or not spellings:
            raise ValueError(f"{path}: bad month entry {number}: {spellings}")
        for i, spelling in enumerate(spellings):
            months[spelling] = int(number)
            if i == 0 or spelling == "Sept":
                full_months[spelling] = int(number)
    weekdays, full_weekdays = {}, {}
    for number, spellings in raw["weekdays"].items():
        if not 1 <= int(number) <= 7:
            raise ValueError(f"{path}: bad weekday entry {number}")
        for i, spelling in enumerate(spellings):
            weekdays[spelling] = int(number)
            if i == 0:
                full_weekdays[spelling] = int(number)
    if len(raw["day_ordinals"]) != 31:
        raise ValueError(f"{path}: day_ordinals must name the 31 days")
    if len(set(months.values())) != 12 or len(set(weekdays.values())) != 7:
        raise ValueError(f"{path}: months or weekdays incomplete")
    seasons = {k: (int(v[0]), int(v[1])) for k, v in raw["seasons"].items()}
    parts = {}
    for name, table in raw["period_parts"].items():
        if set(table) != {"month", "year", "decade"}:
            raise ValueError(f"{path}: period part {name!r} needs month, year and decade")
        parts[name] = {unit: (int(a), int(b)) for unit, (a, b) in table.items()}
    return Lexicon(
        months=months, full_months=full_months, weekdays=weekdays, full_weekdays=full_weekdays,
        seasons=seasons,
        numbers={str(k): int(v) for k, v in raw["numbers"].items()},
        ordinals={str(k): int(v) for k, v in raw["ordinals"].items()},
        period_parts=parts, future_cues=frozenset(raw["future_cues"]),
        non_year_prefixes=frozenset(raw["non_year_prefixes"]),
        month_cues=frozenset(raw["month_cues"]),
        day_ordinals={w: i + 1 for i, w in enumerate(raw["day_ordinals"])},
        named_days={tuple(int(x) for x in k.split("-")): int(v) for k, v in raw["named_days"].items()},
        event_nouns=frozenset(raw["event_nouns"]), vague=tuple(raw["vague"]))


# ---------------------------------------------------------------- periods

@dataclass(frozen=True)
class Period:
    """A closed interval of days and the unit the text named it in (day, week, month, year, range)."""
    first: date
    last: date
    unit: str

    def iso(self) -> str:
        if self.unit == "range":  # a range that is one whole day, month or year is written as one
            whole_month = self.first.day == 1 and self.last == month(self.first.year, self.first.month).last
            if self.first == self.last:
                return self.first.isoformat()
            if whole_month:
                return self.first.isoformat()[:7]
            if (self.first.month, self.first.day, self.last.month, self.last.day) == (1, 1, 12, 31) \
                    and self.first.year == self.last.year:
                return str(self.first.year)
        if self.unit == "day":
            return self.first.isoformat()
        if self.unit == "week":
            y, w, _ = self.first.isocalendar()
            return f"{y}-W{w:02d}"
        if self.unit == "month":
            return self.first.isoformat()[:7]
        if self.unit == "year":
            return str(self.first.year)
        return f"{_edge(self.first, True, self.last)}/{_edge(self.last, False, self.first)}"


def _edge(d: date, first: bool, other: date) -> str:
    """One end of a range, as coarse as it can be written: a year, a month or a day."""
    whole_years = (other.month, other.day) == ((12, 31) if first else (1, 1))
    if first and (d.month, d.day) == (1, 1) and whole_years:
        return str(d.year)
    if not first and (d.month, d.day) == (12, 31) and whole_years:
        return str(d.year)
    other_month_edge = other.day == (_month_len(other.year, other.month) if first else 1)
    if first and d.day == 1 and other_month_edge:
        return d.isoformat()[:7]
    if not first and d.day == _month_len(d.year, d.month) and other_month_edge:
        return d.isoformat()[:7]
    return d.isoformat()


def _month_len(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def day(d: date) -> Period:
    return Period(d, d, "day")


def month(y: int, m: int) -> Period:
    while m < 1:
        y, m = y - 1, m + 12
    while m > 12:
        y, m = y + 1, m - 12
    return Period(date(y, m, 1), date(y, m, _month_len(y, m)), "month")


def year(y: int) -> Period:
    return Period(date(y, 1, 1), date(y, 12, 31), "year")


def week(d: date) -> Period:
    monday = d - timedelta(days=d.weekday())
    return Period(monday, monday + timedelta(days=6), "week")


def months_range(y: int, m1: int, m2: int) -> Period:
    """Months m1..m2 of year y (m2 < m1 runs into the next year, as winter does)."""
    end = month(y + (m2 < m1), m2)
    return Period(date(y, m1, 1), end.last, "range")


def span(a: Period, b: Period) -> Period:
    return Period(a.first, b.last, "range")


@dataclass(frozen=True)
class Anaphor:
    """An expression whose period depends on the one the text last named: "that year" (keep),
    "the following day" (whole: the next unit after it), "a year earlier" (shift it, precision kept)."""
    unit: str
    n: int
    mode: str
    fallback: Optional[Period] = None  # the reading when no suitable period is in focus

    def resolve(self, anchor: Optional[Period]) -> Optional[Period]:
        if self.mode == "focus":  # "the latest quarter", "that quarter": the quarter in focus
            return anchor if anchor is not None and _is_quarter(anchor) else self.fallback
        if self.mode == "inyear":  # "the 1988 quarter": the quarter in focus, in that year
            if anchor is not None and _is_quarter(anchor):
                return Period(anchor.first.replace(year=self.n), anchor.last.replace(year=self.n), "range")
            return self.fallback
        if anchor is None:
            return None
        a = anchor.first
        if self.mode == "keep" or self.mode == "whole":
            if self.unit == "day":
                if anchor.unit != "day":
                    return None
                return day(a + timedelta(days=self.n))
            if self.unit == "week":
                if anchor.unit not in ("day", "week"):
                    return None
                return week(a + timedelta(days=7 * self.n))
            if self.unit == "month":
                if anchor.unit not in ("day", "week", "month"):
                    return None
                return month(a.year, a.month + self.n)
            if anchor.first.year != anchor.last.year:
                return None
            return year(a.year + self.n)
        # shift the anchor, keeping its precision
        if self.unit in ("day", "week"):
            delta = timedelta(days=self.n * (7 if self.unit == "week" else 1))
            if anchor.unit not in ("day", "week"):
                return None
            return Period(anchor.first + delta, anchor.last + delta, anchor.unit)
        months = self.n * (12 if self.unit == "year" else 1)
        if anchor.unit == "year" and self.unit == "year":
            return year(a.year + self.n)
        if anchor.unit in ("day", "week"):
            try:
                d = a.replace(year=a.year + (a.month - 1 + months) // 12, month=(a.month - 1 + months) % 12 + 1)
            except ValueError:  # 29 February, 31 April
                d = month(a.year, a.month + months).last
            return day(d) if anchor.unit == "day" else week(d)
        first = month(a.year, a.month + months).first
        last_month = month(anchor.last.year, anchor.last.month + months)
        return Period(first, last_month.last, anchor.unit if anchor.unit != "decade" else "range")


# ---------------------------------------------------------------- grammar

def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class Rule:
    name: str
    regex: re.Pattern
    resolve: Callable  # (match, context) -> (Period | None, kind) | None when the match is not a date


class Context:
    """What a rule may consult: the publication date, the lexicon, and the parse when there is one."""

    def __init__(self, text: str, published: Optional[date], lexicon: Lexicon, doc: Optional[Doc] = None):
        self.text, self.published, self.lex, self.doc = text, published, lexicon, doc

    def tense(self, start: int, end: int) -> int:
        """+1 when the words governing the span look forward (will, scheduled, expected to), -1 when
        they are in the past tense, 0 when the parse says nothing (or there is none)."""
        if self.doc is None:
            return 0
        sp = self.doc.char_span(start, end, alignment_mode="expand")
        if sp is None or not len(sp):
            return 0
        path = []  # the words from the date up to the verb that governs it
        tok = sp.root
        for _ in range(6):
            if tok.head is tok:
                break
            tok = tok.head
            path.append(tok)
            if tok.pos_ in ("VERB", "AUX"):
                break
        verb = tok if tok.pos_ in ("VERB", "AUX") else None
        if self._looks_forward(path):
            return 1
        if verb is None:
            return 0
        if verb.tag_ == "VBD" or any(c.dep_ in ("aux", "auxpass") and c.tag_ == "VBD" for c in verb.children):
            return -1
        if any(c.dep_ == "aux" and c.lower_ in ("has", "have", "had") for c in verb.children):
            return -1
        # "Arafat and Netanyahu meet Monday": a news present with a day names what is to come
        if verb.tag_ in ("VBZ", "VBP") and verb.lemma_ not in ("say", "tell", "be", "have", "report") \
                and not any(c.dep_ in ("aux", "auxpass") for c in verb.children):
            return 1
        # a verb without tense of its own ("expected to meet on Monday") takes it from above
        if verb.tag_ in ("VB", "VBG", "VBN") and self._looks_forward(list(verb.ancestors)[:2]):
            return 1
        return 0

    def _looks_forward(self, tokens) -> bool:
        cues = self.lex.future_cues
        for t in tokens:
            if t.pos_ in ("VERB", "AUX") and (t.tag_ == "VBD" or any(
                    c.dep_ in ("aux", "auxpass") and c.tag_ == "VBD" for c in t.children)):
                return False  # "was scheduled for Sept. 26", "had planned": a plan seen from the past
            if t.pos_ in ("VERB", "AUX") and any(c.dep_ == "aux" and c.lemma_ == "have" for c in t.children):
                return False  # "may have fled": a perfect looks back, whatever the modal
            if t.lower_ in cues or t.lemma_.lower() in cues:
                return True
            if t.pos_ not in ("VERB", "AUX"):
                continue
            if any(c.dep_ in ("aux", "auxpass") and (c.lower_ in cues or c.lemma_.lower() in cues)
                   for c in t.children):
                return True
            # "set to resume": arranged
            if t.lower_ == "set" and any(c.lower_ == "to" or c.dep_ == "xcomp" for c in t.children):
                return True
            # "is to resume", "were to continue": an arrangement for what follows
            if any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children) and t.head.lemma_ == "be":
                return True
        return False

    def is_count(self, start: int, end: int) -> bool:
        """True when a number is a count ("2000 soldiers"), not a year."""
        if self.doc is None:
            return False
        sp = self.doc.char_span(start, end, alignment_mode="expand")
        if sp is None or len(sp) != 1:
            return False
        tok = sp[0]
        prev = self.doc[tok.i - 1] if tok.i > 0 else None
        determined = prev is not None and (prev.pos_ in ("DET", "PRON") or prev.tag_ == "POS")
        # "2000 soldiers", "some 1500 fighters" count; "the 2011 protests", "Syria's 2012 constitution" date
        nxt = self.doc[tok.i + 1] if tok.i + 1 < len(self.doc) else None
        if nxt is not None and nxt.tag_ == "NNS" and nxt.pos_ == "NOUN" and not determined \
                and not (prev is not None and prev.lower_ in self.lex.month_cues and prev.lower_ not in ("and", "or")):
            return True
        if tok.ent_type_ == "DATE":
            return False
        return tok.ent_type_ in ("CARDINAL", "MONEY", "QUANTITY", "PERCENT")

    def next_is_plural_noun(self, end: int) -> bool:
        if self.doc is None:
            return bool(re.match(r"\s+[a-z]+[^s]s\b", self.text[end:end + 30]))
        sp = self.doc.char_span(end - 1, end, alignment_mode="expand")
        if sp is None or sp[-1].i + 1 >= len(self.doc):
            return False
        nxt = self.doc[sp[-1].i + 1]
        return nxt.tag_ == "NNS" and nxt.pos_ == "NOUN"

    def in_name(self, start: int, end: int) -> bool:
        """True when the words are part of a name: a newspaper, a programme, a group."""
        if self.doc is None:
            return False
        sp = self.doc.char_span(start, end, alignment_mode="expand")
        return sp is not None and any(t.ent_type_ in ("ORG", "WORK_OF_ART", "PERSON", "PRODUCT", "FAC") for t in sp)

    def is_month_word(self, start: int, end: int) -> bool:
        """A bare month name is a month, not the modal "May" or a "March" of protesters."""
        if self.doc is None:
            return True
        sp = self.doc.char_span(start, end, alignment_mode="expand")
        if sp is None or len(sp) != 1:
            return True
        tok = sp[0]
        if tok.ent_type_ == "DATE":
            return True
        return tok.pos_ == "PROPN" and tok.dep_ != "compound"


def _nearest_year(pub: date, build: Callable[[int], Period], tense: int) -> Period:
    """The year that puts a yearless date nearest the publication date, past preferred: news reports
    what happened; a date ahead of publication needs to be close, or the verb must look forward."""
    best, best_cost = None, None
    for y in (pub.year - 1, pub.year, pub.year + 1):
        try:
            p = build(y)
        except ValueError:
            continue
        if p.last < pub:
            distance, weight = (pub - p.last).days, (4 if tense > 0 else 1)
        elif p.first > pub:
            distance, weight = (p.first - pub).days, (1 if tense > 0 else 20 if tense < 0 else 4)
        else:
            distance, weight = 0, 1
        cost = distance * weight
        if best_cost is None or cost < best_cost:
            best, best_cost = p, cost
    return best


def _weekday(pub: date, wd: int, direction: int) -> date:
    """The weekday nearest publication: on or before it (direction 0; -1 strictly before),
    or on or after it (direction 1; 2 strictly after, as "next Friday")."""
    if direction > 0:
        ahead = (wd - pub.isoweekday()) % 7
        return pub + timedelta(days=ahead or (7 if direction > 1 else 0))
    back = (pub.isoweekday() - wd) % 7
    if direction < 0 and back == 0:
        back = 7
    return pub - timedelta(days=back)


def _apply_part(p: Period, part: Optional[str], lex: Lexicon) -> Period:
    """Narrow a period to the part a modifier names ("early", "the end of", "mid-")."""
    if not part:
        return p
    part = re.sub(r"[\s-]+$", "", part.lower())
    table = lex.period_parts.get(part)
    if table is None:
        return p
    if p.unit == "month":
        n = _month_len(p.first.year, p.first.month)
        a, b = table["month"]
        a = a if a > 0 else n + a + 1
        b = b if b > 0 else n + b + 1
        return Period(p.first.replace(day=a), p.first.replace(day=b), "range")
    if p.unit == "year":
        a, b = table["year"]
        return Period(month(p.first.year, a).first, month(p.first.year, b).last, "range")
    if p.unit == "decade":
        a, b = table["decade"]
        return Period(date(p.first.year + a, 1, 1), date(p.first.year + b, 12, 31), "range")
    return p  # weeks, days, seasons: the part of them is still inside them


@lru_cache(maxsize=1)
def _grammar() -> tuple[Lexicon, tuple[Rule, ...]]:
    lex = _load_lexicon()
    caps = lambda words: [w for s in words for w in (s, s.upper())]  # noqa: E731
    abbrev = [m for m in lex.months if m not in lex.full_months or m == "Sept"]
    MON = rf"(?:{_alternation(caps(lex.full_months))}|(?:{_alternation(caps(abbrev))})\.?)(?![A-Za-z])"
    MONF = rf"(?:{_alternation(caps(lex.full_months))})(?![A-Za-z])"
    WD = rf"(?:{_alternation(caps(lex.full_weekdays))}|(?:{_alternation(caps(set(lex.weekdays) - set(lex.full_weekdays)))})\.)"
    WDF = rf"(?:{_alternation(caps(lex.full_weekdays))})(?![A-Za-z])"
    YEAR = r"(?:1[6-9]\d\d|20\d\d)(?![\d,]\d)"
    DAY = (r"(?:(?:[0-2]?[1-9]|[123]0|31)(?:st|nd|rd|th)?(?!\d|:\d)"
           rf"|(?:{_alternation(caps(lex.day_ordinals) + [w.capitalize() for w in lex.day_ordinals])})(?![\w-]))")
    NUM = rf"(?:\d+|{_alternation(lex.numbers)})"
    PART = rf"(?:{_alternation(lex.period_parts)})"
    PARTM = rf"(?:(?:{_alternation(lex.period_parts)})\s+|mid-?\s*)"  # "mid-2014", "the end of January"
    SEASON = rf"(?:{_alternation(lex.seasons)})"
    ORD = rf"(?:{_alternation(lex.ordinals)})"
    I = re.IGNORECASE  # noqa: E741

    def num(s: str) -> int:
        s = s.lower()
        return int(s) if s.isdigit() else lex.numbers[s]

    def mon(s: str) -> int:
        s = s.rstrip(".")
        return lex.months.get(s) or lex.months[s.capitalize()]

    def wday(s: str) -> int:
        s = s.rstrip(".")
        return lex.weekdays.get(s) or lex.weekdays[s.capitalize()]

    def full_year(y: str, base: Optional[str] = None) -> int:
        if len(y) == 2 and base:  # "2014-15"
            return int(base[:2] + y)
        return int(y)

    # --- resolvers: (match, ctx) -> (Period | None, kind) or None to reject the match
    def day_number(s: str) -> int:
        digits = re.match(r"\d+", s)
        return int(digits[0]) if digits else lex.day_ordinals[s.lower()]

    def r_day_month(m, ctx):
        mo, d = mon(m["mon"]), day_number(m["d"])
        after = re.match(r"\s+(\w+)", ctx.text[m.end():m.end() + 20])
        if not m["y"] and (mo, d) in lex.named_days and after and after[1].lower() in lex.event_nouns:
            return day(date(lex.named_days[(mo, d)], mo, d)), "date"  # "the September 11 attacks"
        if m["y"]:
            p = day(date(int(m["y"]), mo, d))
        elif m["yrel"] and ctx.published:
            p = day(date(ctx.published.year + {"last": -1, "this": 0, "next": 1}[m["yrel"].lower()], mo, d))
        elif ctx.published:
            p = _nearest_year(ctx.published, lambda y: day(date(y, mo, d)), ctx.tense(m.start(), m.end()))
        else:
            return None, "date"
        if m["wd"] and p and p.first.isoweekday() != wday(m["wd"]) and not m["y"] and ctx.published:
            # "Saturday, April 25": trust the weekday to choose the year when they disagree
            for y in (ctx.published.year, ctx.published.year - 1, ctx.published.year + 1):
                try:
                    if date(y, mo, d).isoweekday() == wday(m["wd"]):
                        return day(date(y, mo, d)), "date"
                except ValueError:
                    pass
        return p, "date"

    def r_day_range(m, ctx):
        mo, d1, d2 = mon(m["mon"]), int(m["d"]), int(m["d2"])
        if d2 <= d1:
            return None
        build = lambda y: Period(date(y, mo, d1), date(y, mo, d2), "range")  # noqa: E731
        if m["y"]:
            return build(int(m["y"])), "date"
        if not ctx.published:
            return None, "date"
        return _nearest_year(ctx.published, build, ctx.tense(m.start(), m.end())), "date"

    def r_iso(m, ctx):
        return day(date(int(m["y"]), int(m["m"]), int(m["d"]))), "date"

    def r_numeric(m, ctx):
        a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
        if m["sep"] == "/" and a <= 12 < b:  # 04/25/2017: American order
            a, b = b, a
        return day(date(y, b, a)), "date"

    def r_month_year(m, ctx):
        p = month(int(m["y"]), mon(m["mon"]))
        return _apply_part(p, m["part"], lex), "date"

    def r_month(m, ctx):
        mo = mon(m["mon"])
        prev = re.search(r"(\w+)\s+$", ctx.text[max(0, m.start() - 20):m.start()])
        cue = m["rel"] or m["yrel"] or (prev and prev[1].lower() in lex.month_cues)
        if not m["part"] and not cue and not ctx.is_month_word(m.start("mon"), m.end("mon")):
            return None
        if not m["part"] and not m["rel"] and ctx.in_name(m.start("mon"), m.end("mon")):
            return None  # "Black September", "the March 14 Alliance"
        if m["mon"] in ("May", "MAY") and not (m["part"] or cue):
            return None  # a bare sentence-initial "May" is the modal verb far more often
        if not ctx.published:
            return None, "date"
        rel = (m["rel"] or "").lower()
        pub = ctx.published
        if rel in ("last", "this past", "past"):
            p = month(pub.year if mo < pub.month else pub.year - 1, mo)
        elif rel in ("next", "this coming", "coming"):
            p = month(pub.year if mo > pub.month else pub.year + 1, mo)
        elif rel == "this":
            p = month(pub.year, mo)
        elif m["yrel"]:
            p = month(pub.year + {"last": -1, "this": 0, "next": 1}[m["yrel"].lower()], mo)
        else:
            p = _nearest_year(pub, lambda y: month(y, mo), ctx.tense(m.start(), m.end()))
        return _apply_part(p, m["part"], lex), "date"

    def r_year_range(m, ctx):
        y1, y2 = int(m["y"]), full_year(m["y2"], m["y"])
        if m["conn"] == "and" and (m["pre"] or "").lower() != "between":
            return None  # "in 1990 and 1991" names two years, not the span between them
        if (m["pre"] or "").lower() == "from" and m["conn"] in ("-", "–", "—", "/"):
            return None
        if not y1 < y2 <= y1 + 100:
            return None
        return span(year(y1), year(y2)), "date"

    def r_decade(m, ctx):
        y = int(m["y"]) if m["y"] else None
        if y is None:
            yy = int(m["yy"])
            y = (1900 if yy >= 30 else 2000) + yy
        p = Period(date(y, 1, 1), date(y + 9, 12, 31), "decade")
        p = _apply_part(p, m["part"], lex)
        return Period(p.first, p.last, "range"), "date"

    def r_year(m, ctx):
        start = m.start("y")
        before = ctx.text[max(0, start - 25):start]
        prev = re.search(r"([A-Za-z]+)\.?\s*$", before)
        if prev and prev[1].lower() in lex.non_year_prefixes and not m["part"]:
            return None
        if re.search(r"[-#$€£/:.]$|\d[ ,.]$", before) and not m["part"]:
            return None  # SU-2000, $2020, 12/2020 (handled elsewhere), 1 2000
        after = ctx.text[m.end("y"):m.end("y") + 12]
        if re.match(r"\s*(?:GMT|UTC|hrs|hours|h\b|local time|%|per ?cent)|[-.:]\d|[A-Za-z]", after):
            return None  # a clock time (1400 GMT), a percentage, a code
        if not (m["part"] or m["pre"]) and ctx.is_count(m.start("y"), m.end("y")):
            return None
        return _apply_part(year(int(m["y"])), m["part"], lex), "date"

    def r_season(m, ctx):
        lo, hi = lex.seasons[m["season"].lower()]
        rel = (m["rel"] or "").lower()
        if m["y"]:
            y = int(m["y"])
            return months_range(y if lo <= hi else y, lo, hi), "date"
        if not rel or (rel == "the" and m["season"].lower() in ("fall", "spring")):
            return None  # "the fall of Aleppo", "spring" alone: words, not seasons
        if re.match(r"\s+of\b", ctx.text[m.end():m.end() + 4]):
            return None  # "the summer of discontent": no year follows
        if not ctx.published:
            return None, "date"
        pub = ctx.published
        # the season of this year that has begun by publication, or the one after
        this_year = months_range(pub.year, lo, hi)
        if lo > hi and pub.month <= hi:  # January, February: this winter began last year
            this_year = months_range(pub.year - 1, lo, hi)
        started = this_year.first <= pub
        if rel in ("this", "this coming", "the coming"):
            p = this_year
        elif rel in ("next", "the coming"):
            p = this_year if not started else months_range(this_year.first.year + 1, lo, hi)
        elif rel in ("last", "this past", "the past"):
            p = months_range(this_year.first.year - 1, lo, hi) if this_year.last >= pub else this_year
        else:  # "the summer", "in summer": the latest that has begun
            p = this_year if started else months_range(this_year.first.year - 1, lo, hi)
        return p, "date"

    def r_quarter(m, ctx):
        q = lex.ordinals[m["ord"].lower()]
        whose = (m["whose"] or "").lower()
        if m["y"]:
            y = int(m["y"])
        elif re.search(r"\d{4}", whose):
            y = int(re.search(r"\d{4}", whose)[0])
        elif not ctx.published:
            return None, "date"
        else:
            pub = ctx.published
            y = pub.year + (-1 if "last year" in whose else 1 if "next year" in whose else 0)
            if "year" not in whose and date(y, 3 * q - 2, 1) > pub:
                y -= 1
        if m["half"]:
            if q > 2:
                return None
            return months_range(y, 6 * q - 5, 6 * q), "date"
        return months_range(y, 3 * q - 2, 3 * q), "date"

    def r_q(m, ctx):
        return months_range(int(m["y"]), 3 * int(m["q"]) - 2, 3 * int(m["q"])), "date"

    def r_anaphoric_quarter(m, ctx):
        if not ctx.published:
            return None, "date"
        pub = ctx.published
        q = (pub.month - 1) // 3 + 1
        current = months_range(pub.year, 3 * q - 2, 3 * q)
        which = (m["which"] or ("current" if m[0].lower().startswith("this") else "latest")).lower()
        if which == "current" and not m[0].lower().startswith("this"):
            return current, "date"
        prev_first = month(pub.year, 3 * q - 5).first
        latest = months_range(prev_first.year, prev_first.month, prev_first.month + 2)
        # a company report's "the quarter" is the one it is reporting on, when the text has named it
        return Anaphor("quarter", 0, "focus", current if which == "current" else latest), "anaphor"

    def r_year_period(m, ctx):
        y = int(m["y"])
        return Anaphor("quarter", y, "inyear", year(y)), "anaphor"

    def r_rel_day(m, ctx):
        if ctx.in_name(m.start("rel"), m.end("rel")):
            return None  # "USA Today"
        if m["rel"] == "Today" and m.start("rel") == m.start() \
                and not re.search(r"(?:^|[.!?:;\"“”(\n])\s*$", ctx.text[max(0, m.start() - 3):m.start()]):
            return None  # a capitalised "Today" inside a sentence names a paper or a programme
        if not ctx.published:
            return None, "date"
        word = m["rel"].lower()
        if word.startswith("the day before"):
            offset = -2
        elif word.startswith("the day after"):
            offset = 2
        else:
            offset = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}.get(word, 0)  # "this morning": 0
        return day(ctx.published + timedelta(days=offset)), "date"

    def r_last_night(m, ctx):
        if not ctx.published:
            return None, "date"
        return day(ctx.published - timedelta(days=1)), "date"

    def r_weekday(m, ctx):
        if ctx.in_name(m.start("wd"), m.end("wd")):
            return None  # "Fox News Sunday", "Bloody Sunday"
        if not ctx.published:
            return None, "date"
        rel = (m["rel"] or "").lower()
        wd = wday(m["wd"])
        if rel in ("last", "this past", "past"):
            direction = -1
        elif rel in ("next", "this coming", "coming"):
            direction = 2
        else:
            direction = 1 if ctx.tense(m.start(), m.end()) > 0 else 0
        return day(_weekday(ctx.published, wd, direction)), "date"

    def r_rel_unit(m, ctx):
        if not ctx.published:
            return None, "date"
        pub = ctx.published
        rel, unit = m["rel"].lower(), m["unit"].lower()
        if rel == "the" and not (m["part"] or m["mod"]) and unit != "weekend" and \
                not (unit == "year" and re.search(r"\bfor\s+$", ctx.text[max(0, m.start() - 5):m.start()], re.I)):
            return None  # "the year" alone is anaphoric; "the end of the year", "for the year" are this one
        if rel.startswith("the ") and unit != "year":
            return None
        step = -1 if rel in ("last", "previous", "this past") else 1 if rel in ("next", "this coming") else 0
        if unit == "week":
            p = week(pub + timedelta(days=7 * step))
        elif unit == "weekend":
            saturday = _weekday(pub, 6, 0) if step <= 0 else _weekday(pub, 6, 1)
            if step < 0 and saturday + timedelta(days=1) >= pub:
                saturday -= timedelta(days=7)
            p = Period(saturday, saturday + timedelta(days=1), "range")
        elif unit == "month":
            p = month(pub.year, pub.month + step)
        elif unit == "year":
            p = year(pub.year + step)
        else:  # decade
            d0 = pub.year - pub.year % 10 + 10 * step
            p = Period(date(d0, 1, 1), date(d0 + 9, 12, 31), "decade")
        p = _apply_part(p, m["part"], lex)
        if p.unit == "decade":
            p = Period(p.first, p.last, "range")
        return p, "date"

    def r_ago(m, ctx):
        if not ctx.published:
            return None, "date"
        n, unit = num(m["n"]), m["unit"].lower()
        sign = 1 if m["dir"].lower() in ("from now", "hence") else -1
        pub = ctx.published
        if unit == "day":
            return day(pub + timedelta(days=sign * n)), "date"
        if unit == "week":
            return week(pub + timedelta(days=7 * sign * n)), "date"
        if unit == "month":
            return month(pub.year, pub.month + sign * n), "date"
        if unit == "year":
            return year(pub.year + sign * n), "date"
        return year(pub.year + 10 * sign * n), "date"  # "a decade ago": the year ten years back

    def r_week_of_month(m, ctx):
        mo = mon(m["mon"])
        if m["y"]:
            p = month(int(m["y"]), mo)
        elif ctx.published:
            p = _nearest_year(ctx.published, lambda y: month(y, mo), ctx.tense(m.start(), m.end()))
        else:
            return None, "date"
        which = m["ord"].lower()
        if which in ("last", "final"):
            return Period(p.last - timedelta(days=6), p.last, "range"), "date"
        k = lex.ordinals[which]
        return Period(p.first + timedelta(days=7 * (k - 1)), p.first + timedelta(days=7 * k - 1), "range"), "date"

    def r_year_end(m, ctx):
        if not ctx.published:
            return None, "date"
        return day(date(ctx.published.year, 12, 31)), "date"

    def r_anaphor(m, ctx):
        if m["same"]:
            return Anaphor(m["u1"].lower(), 0, "keep"), "anaphor"
        if m["dir1"]:
            sign = 1 if m["dir1"].lower() in ("the following", "the next") else -1
            return Anaphor(m["u2"].lower(), sign, "whole"), "anaphor"
        if m["dir2"]:
            return Anaphor(m["u3"].lower(), 1 if m["dir2"].lower() == "after" else -1, "whole"), "anaphor"
        if m["dir3"]:
            n = num(m["n"])
            return Anaphor(m["u4"].lower(), n if m["dir3"].lower() == "later" else -n, "shift"), "anaphor"
        return Anaphor("year", -1, "shift"), "anaphor"  # the year-ago quarter, the same period last year

    def r_spelled_year(m, ctx):
        if ctx.next_is_plural_noun(m.end()):
            return None  # "two thousand soldiers": a count
        prev = re.search(r"(\w+)\s+$", ctx.text[max(0, m.start() - 20):m.start()])
        if not m["c"] and "year" not in m[0].lower() and not (prev and prev[1].lower() in lex.month_cues):
            return None
        if m["c"]:
            y = (1900 if m["c"].lower() == "nineteen" else 2000) + num(m["t"]) + (num(m["u"]) if m["u"] else 0)
            if m["c"].lower() == "twenty" and y >= 2000:
                y = 2000 + (y - 2000)  # "twenty twenty-one"
        else:
            y = 2000 + (num(m["u2"]) if m["u2"] else 0)
        p = year(y)
        if m["mon"]:
            p = month(y, mon(m["mon"]))
        return p, "date"

    def r_null(kind):
        return lambda m, ctx: (None, kind)

    YREL = r",?\s+(?:of\s+)?(?P<yrel>last|this|next)\s+year\b"
    WDP = rf"(?:(?:(?:this coming|this past|last|next|this)\s+)?(?P<wd>{WD}|{WDF})\.?,?\s+(?:the\s+)?)?"
    rules = [
        # absolute days
        Rule("month-day", re.compile(
            rf"(?<![\w-]){WDP}(?P<mon>{MON})\s*(?P<d>{DAY})(?:(?:,\s*|\s+)(?P<y>{YEAR})|{YREL})?(?!\s*[-–]\s*\d)"), r_day_month),
        Rule("month-day-glued", re.compile(  # "Oct 082017": the space lost with the punctuation
            rf"(?<![\w-]){WDP}(?P<mon>{MON})\s+(?P<d>[0-3]\d)(?P<y>(?:19|20)\d\d)(?!\d)"), r_day_month),
        Rule("day-month", re.compile(
            rf"(?<![\w.-]){WDP}(?P<d>{DAY})\s+(?:of\s+)?(?P<mon>{MON})(?:,?\s+(?P<y>{YEAR})|{YREL})?"), r_day_month),
        Rule("month-day-range", re.compile(
            rf"(?<![\w-])(?P<mon>{MON})\s+(?P<d>\d{{1,2}})\s*(?:-|–|—|to|through)\s*(?P<d2>\d{{1,2}})(?!\d)"
            rf"(?:,?\s+(?P<y>{YEAR}))?"), r_day_range),
        Rule("day-month-range", re.compile(
            rf"(?<![\w.-])(?P<d>\d{{1,2}})\s*(?:-|–|—|to)\s*(?P<d2>\d{{1,2}})\s+(?P<mon>{MON})(?:,?\s+(?P<y>{YEAR}))?"),
            r_day_range),
        Rule("iso", re.compile(r"(?<![\w-])(?P<y>(?:19|20)\d\d)(?P<sep>[-/.])(?P<m>0?[1-9]|1[0-2])(?P=sep)(?P<d>[0-2]?\d|3[01])(?![\w/.-])"), r_iso),
        Rule("numeric", re.compile(
            r"(?<![\w./-])(?P<a>[0-3]?\d)(?P<sep>[./])(?P<b>[01]?\d)(?P=sep)(?P<y>(?:19|20)\d\d)(?![\d.]\d)"), r_numeric),
        # months
        Rule("month-year", re.compile(
            rf"(?<![\w-])(?P<part>{PARTM})?(?P<mon>{MON})(?:,\s*|\s+)(?:of\s+)?(?P<y>{YEAR})"), r_month_year),
        Rule("month", re.compile(
            rf"(?<![\w-])(?P<part>{PARTM})?(?:(?P<rel>this past|this coming|last|next|this|Last|Next|This)\s+)?"
            rf"(?P<mon>{MONF})(?:\s+(?P<yrel>last|this|next)\s+year)?(?!\s+\d)"), r_month),
        Rule("week-of-month", re.compile(
            rf"\b(?:the\s+)?(?P<ord>{ORD}|last|final)\s+week\s+of\s+(?P<mon>{MONF})(?:,?\s+(?P<y>{YEAR}))?", I),
            r_week_of_month),
        # years and their ranges
        Rule("year-range", re.compile(
            rf"(?<![\w$-])(?:(?P<pre>between|Between|from|From)\s+)?(?P<y>{YEAR})\s*(?P<conn>-|–|—|/|to|and|until|till|through)\s*"
            rf"(?P<y2>{YEAR}|\d\d)(?![\d,]\d|\s*(?:GMT|UTC|hours))"), r_year_range),
        Rule("decade", re.compile(
            rf"(?<![\w$-])(?:(?P<part>{PARTM}|early\s+|late\s+))?(?:(?P<y>(?:1[6-9]|20)\d0)|['’](?P<yy>\d0))['’]?s\b", I),
            r_decade),
        Rule("year", re.compile(
            rf"(?<![\w$])(?:(?P<part>{PARTM})|(?P<pre>(?:fiscal|the year|year)\s+))?-?"
            rf"(?P<y>{YEAR})(?!\w|['’](?!s\b))"), r_year),
        # years spoken in words, as transcripts of broadcasts write them
        Rule("spelled-year", re.compile(
            rf"(?<![\w-])(?:(?P<mon>{MONF})\s+)?(?:the\s+year\s+)?(?:(?P<c>nineteen|twenty)[\s-]+"
            rf"(?P<t>ten|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]+(?P<u>one|two|three|four|five|six|"
            rf"seven|eight|nine))?|two\s+thousand(?:\s+(?:and\s+)?(?P<u2>one|two|three|four|five|six|seven|eight|nine|ten|"
            rf"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen))?)(?![\w-])", I),
            r_spelled_year),
        # seasons, quarters, halves
        Rule("season", re.compile(
            rf"(?<![\w-])(?:(?:{PART}|early|late)\s+)?(?:(?P<rel>this past|this coming|the coming|the past|last|next|this|the)\s+)?"
            rf"(?:(?:early|late)\s+)?(?P<season>{SEASON})(?:\s+(?:of\s+)?(?P<y>{YEAR}))?\b", I), r_season),
        Rule("quarter", re.compile(
            rf"(?<![\w-])(?:(?P<whose>this year's|last year's|next year's|the {YEAR}|{YEAR}|the|this)\s+)?"
            rf"(?:(?:flat|fiscal|fiscal-)\s*)?(?P<ord>{ORD})[- ](?:(?P<half>half)|quarter)"
            rf"(?:\s+of\s+(?:fiscal\s+)?(?P<y>{YEAR}))?\b", I), r_quarter),
        Rule("q", re.compile(rf"\b[Qq](?P<q>[1-4])\s*(?P<y>{YEAR})"), r_q),
        Rule("anaphoric-quarter", re.compile(
            r"\b(?:the|this|that)\s+(?:(?P<which>latest|current|most recent|past|previous)\s+)?quarter\b"
            r"|\bthe\s+latest\s+period\b", I),
            r_anaphoric_quarter),
        Rule("year-period", re.compile(rf"\bthe\s+(?P<y>{YEAR})\s+(?:period|quarter)\b", I), r_year_period),
        # relative days and weekdays
        Rule("relative-day", re.compile(
            r"\b(?:(?:early|late|earlier|later)\s+)?(?P<rel>the day before yesterday|the day after tomorrow|yesterday|today|"
            r"tonight|tomorrow|this morning|this afternoon|this evening)(?=['’]s\b|\b)", I), r_rel_day),
        Rule("last-night", re.compile(r"\blast night\b", I), r_last_night),
        Rule("weekday", re.compile(
            rf"(?<![\w-])(?:(?:(?P<rel>this past|this coming|last|next|this|past|coming)|early|late|earlier|later)\s+)?"
            rf"(?P<wd>{WDF})", I), r_weekday),
        # relative weeks, months, years
        Rule("relative-unit", re.compile(
            rf"\b(?:(?P<part>{PARTM})|(?P<mod>(?:earlier|later)\s+(?:in\s+)?))?(?P<rel>last|this past|this coming|this|next|previous|current|the(?:\s+(?:current\s+fiscal|current|full|fiscal))?)\s+"
            rf"(?P<unit>week|weekend|month|year|decade)\b(?!['’]s\s+(?:{ORD}))", I), r_rel_unit),
        Rule("ago", re.compile(
            rf"\b(?:(?:about|around|nearly|almost|some|more than|less than|over|roughly|just over|just under)\s+)?"
            rf"(?P<n>{NUM})\s+(?P<unit>day|week|month|year|decade)s?(?:\s+or\s+so)?\s+(?P<dir>ago|from now|hence)\b", I), r_ago),
        Rule("year-end", re.compile(r"\byear(?:[- ]|['’]s\s+)end\b", I), r_year_end),
        # recognised so that they are never read as dates
        Rule("duration", re.compile(
            rf"\b(?:(?:about|around|nearly|almost|some|more than|less than|over|roughly|up to|at least|the past|the last|"
            rf"the next|the previous|the coming|the first|the following)\s+)?(?:{NUM}|a few|several|many|few)\s+"
            rf"(?:more\s+|full\s+)?(?:seconds|minute|hour|day|night|week|month|year|decade|centur(?:y|ie))s?\b"
            rf"(?![-\s]+(?:old|ago|earlier|later|from now))", I), r_null("duration")),
        Rule("past-unit", re.compile(r"\b(?:the|over the|in the)\s+(?:past|last|next|coming)\s+(?:week|month|year|decade)s?\b", I),
             r_null("duration")),
        Rule("set", re.compile(
            rf"\b(?:every|each)\s+(?:other\s+)?(?:day|week|month|year|{WDF}|morning|night)\b", I), r_null("set")),
        Rule("vague", re.compile(rf"\b(?:{_alternation(lex.vague)})\b", I), r_null("vague")),
        # anaphoric: resolved against the period the text last named (see _resolve_anaphors)
        Rule("anaphoric", re.compile(
            rf"\b(?:(?P<same>that|the same)\s+(?P<u1>day|week|month|year)"
            rf"|(?P<dir1>the following|the next|the previous|the preceding|the prior)\s+(?P<u2>day|week|month|year)"
            rf"|the\s+(?P<u3>day|week|month|year)\s+(?P<dir2>before|after)(?=\s*(?:[.,;:!?)”\"]|$))"
            rf"|(?P<n>{NUM})\s+(?P<u4>day|week|month|year)s?\s+(?P<dir3>earlier|later)"
            rf"|(?:the\s+)?(?:comparable\s+|corresponding\s+)?year[- ](?:ago|earlier)(?:\s+(?:period|quarter|{ORD}\s+quarter))?"
            rf"|the\s+(?:corresponding|comparable|same)\s+(?:period|quarter)\s+(?:of\s+)?last\s+year)\b", I), r_anaphor),
    ]
    return lex, tuple(rules)


# ---------------------------------------------------------------- scanning

@dataclass
class _Found:
    start: int
    end: int
    period: Optional[Period]
    kind: str
    priority: int
    rule: str = ""
    inner: tuple = ()  # (start, end, Period) of expressions nested in this one, emitted too


# a modifier in front of an expression: "earlier this month" also names "this month",
# "early Tuesday" also "Tuesday"; both are emitted, as readers and gold annotations cut either way
_NESTED_PREFIX = re.compile(
    r"(?:early|earlier|late|later|the (?:end|beginning|start|middle) of|(?:earlier|later) in)\s+", re.I)


def _resolve(rule: Rule, m: re.Match, ctx: Context):
    try:
        return rule.resolve(m, ctx)
    except (ValueError, KeyError, OverflowError):
        return None  # "February 30": not a date


def _nested(text: str, f: _Found, rules, ctx: Context) -> tuple:
    inner = []
    pm = _NESTED_PREFIX.match(text, f.start, f.end)
    if pm and pm.end() < f.end:
        best = None
        for rule in rules:
            m = rule.regex.match(text, pm.end(), f.end)
            if m is None or m.end() <= m.start():
                continue
            result = _resolve(rule, m, ctx)
            if result and isinstance(result[0], Period) and (best is None or m.end() > best[1]):
                best = (m.start(), m.end(), result[0])
        if best:
            inner.append(best)
    return tuple(inner)


_WINDOW_MARGIN = 20  # characters around an anchor word: every expression is anchors plus short connecting words
# Words of the rules that only ever qualify a temporal word ("the end of", "more than", "each"):
# as anchors they would make the whole text one window. That they never stand alone is checked
# by tests/test_dates.py::test_windowed_scan_finds_what_a_full_scan_finds on real text.
_NOT_ANCHORS = frozenset(
    "the and for that this these other from more some same each most many less than over under just after "
    "before until till about around almost nearly least every prior hence full flat final start period "
    "middle old few couple several".split())


@lru_cache(maxsize=1)
def _anchor_regexes() -> tuple[re.Pattern, re.Pattern]:
    """Every temporal expression holds a digit or one of the words the rules spell out (month,
    weekday, "ago", "decade", number words, ...): their letters are collected from the rules'
    own patterns, so the list cannot fall behind the grammar. Junk collected with them (group
    names) only makes windows a little wider.

    Two regexes of the same words: one for any text, ignoring case, and one for an ASCII text
    lowercased (the same matches at the same offsets, found twice as fast without case folding)."""
    _, rules = _grammar()
    words = set()
    for rule in rules:
        pattern = re.sub(r"\\[a-zA-Z]|\(\?P?<[^>]*>|\[\^?[^\]]*\]", " ", rule.regex.pattern)
        words.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", pattern))
    words -= _NOT_ANCHORS
    alternation = trie_alternation(words)
    return (re.compile(rf"\d|(?<![A-Za-z])(?:{alternation})", re.IGNORECASE),
            re.compile(rf"\d|(?<![a-z])(?:{alternation})"))


def _windows(text: str, lowered: Optional[str] = None) -> list[tuple[int, int]]:
    """The stretches of the text worth running the rules over: around each anchor, widened to
    whole words (so no rule sees half a word at a window's edge), overlapping ones merged.
    `lowered`: the text lowercased, when it is ASCII (searched instead: the same offsets)."""
    any_case, lower_case = _anchor_regexes()
    spans: list[list[int]] = []
    for m in (lower_case.finditer(lowered) if lowered is not None else any_case.finditer(text)):
        start, end = max(0, m.start() - _WINDOW_MARGIN), min(len(text), m.end() + _WINDOW_MARGIN)
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    out = []
    for start, end in spans:
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        while end < len(text) and not text[end].isspace():
            end += 1
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _scan(text: str, published: Optional[date], doc: Optional[Doc] = None) -> list[_Found]:
    lex, rules = _grammar()
    ctx = Context(text, published, lex, doc)
    found: list[_Found] = []
    # the rules' regexes start with look-behinds, which defeat the regex engine's fast skipping;
    # running them only over the windows around anchor words is several times faster
    # (an ASCII text lowercased keeps its offsets: lower() maps each ASCII character to one)
    lower_text = text.lower() if text.isascii() else None
    windows = _windows(text, lower_text)
    # a rule runs only over the windows that hold the literals it requires (see below; an ASCII
    # window, lowercased: case-insensitive matching folds ASCII letters alone; others always run)
    if lower_text is not None:
        lowered = [lower_text[start:end] for start, end in windows]
    else:
        lowered = [text[start:end].lower() if text[start:end].isascii() else None for start, end in windows]
    # the ASCII windows joined by a character no literal holds, so one search per literal set
    # runs over all of them at C speed instead of a Python call per window
    ascii_windows = [k for k, low in enumerate(lowered) if low is not None]
    joined = "\x00".join(lowered[k] for k in ascii_windows)
    joined_starts, at = [], 0
    for k in ascii_windows:
        joined_starts.append(at)
        at += len(lowered[k]) + 1
    always = [k for k, low in enumerate(lowered) if low is None]
    holding: dict[frozenset, set[int]] = {}  # literals -> the windows holding one of them

    def windows_holding(strings: frozenset) -> set[int]:
        chosen = holding.get(strings)
        if chosen is None:
            search = literal_finder(strings).search
            chosen, at = set(always), 0
            while True:
                m = search(joined, at)
                if m is None:
                    break
                n = bisect.bisect_right(joined_starts, m.start()) - 1
                chosen.add(ascii_windows[n])
                at = joined_starts[n + 1] if n + 1 < len(joined_starts) else len(joined)  # next window
            holding[strings] = chosen
        return chosen
    # a rule runs over the windows holding a string of each set it requires ("ago" and a unit);
    # rules that require the same sets share the selection
    spans_for: dict = {(): windows}
    for priority, rule in enumerate(rules):
        required = required_literal_sets(rule.regex)
        spans = spans_for.get(required)
        if spans is None:
            chosen = set.intersection(*map(windows_holding, required))
            spans = spans_for[required] = [windows[k] for k in sorted(chosen)]
        for m in (m for start, end in spans for m in rule.regex.finditer(text, start, end)):
            result = _resolve(rule, m, ctx)
            if result is None:
                continue
            period, kind = result
            start, end = m.start(), m.end()
            while end > start and text[end - 1] in " ,-–":
                end -= 1
            inner = ()
            if rule.name == "year-range" and period is not None and len(m["y2"]) == 4:
                inner = tuple((m.start(g), m.end(g), year(int(m[g]))) for g in ("y", "y2"))
            found.append(_Found(start, end, period, kind, priority, rule.name, inner))
    # the longest expression wins; among equals, the earlier rule
    found.sort(key=lambda f: (-(f.end - f.start), f.priority, f.start))
    chosen: list[_Found] = []
    taken = bytearray(len(text) + 1)
    for f in found:
        if any(taken[f.start:f.end]):
            continue
        taken[f.start:f.end] = b"\x01" * (f.end - f.start)
        if f.period is not None and not f.inner:
            f.inner = _nested(text, f, rules, ctx)
        chosen.append(f)
    chosen.sort(key=lambda f: f.start)
    _resolve_anaphors(chosen)
    for f in chosen:
        if isinstance(f.period, Period):
            _widen_approximate(text, f)
    return chosen


_APPROX_BEFORE = re.compile(r"(?<![\w-])(?:around|about|approximately|roughly)\s+$", re.I)
_APPROX_AFTER = re.compile(r"\s+(?:or later|or earlier|or so|and beyond)\b", re.I)


def _widen_approximate(text: str, f: _Found) -> None:
    """"around Nov. 1", "2030 or later": the hedge is part of the expression; its core is kept
    as a nested mention with the same value."""
    before = _APPROX_BEFORE.search(text, max(0, f.start - 16), f.start)
    after = _APPROX_AFTER.match(text, f.end)
    if not before and not after:
        return
    core = (f.start, f.end, f.period)
    f.start = before.start() if before else f.start
    f.end = after.end() if after else f.end
    f.inner = (core,) + tuple(f.inner)


def _is_quarter(p: Period) -> bool:
    return p.unit == "range" and p.first.day == 1 and p.first.month % 3 == 1 and \
        p.last == month(p.first.year, p.first.month + 2).last


def _resolve_anaphors(chosen: list[_Found]) -> None:
    """Give each anaphoric expression the period it refers to: the last one the text named before it."""
    anchor: Optional[Period] = None
    for f in chosen:
        if isinstance(f.period, Anaphor):
            anaphor = f.period
            f.period = anaphor.resolve(anchor)
            f.kind = "date" if f.period is not None else "vague"
            if anaphor.mode in ("shift", "inyear"):
                continue  # "a year earlier" compares with the period in focus; it does not move the focus
        elif f.rule in ("ago", "relative-unit") and anchor is not None and f.period is not None \
                and f.period.unit == "year" \
                and _is_quarter(anchor) and anchor.first.year == f.period.first.year + 1:
            # "profit rose to $5 million from $4 million a year ago (last year)", in a report on a
            # quarter: the same quarter a year before
            f.period = Anaphor("year", -1, "shift").resolve(anchor)
            continue
        if isinstance(f.period, Period):
            anchor = f.period


def _mention(text: str, f: _Found) -> DateMention:
    value = f.period.iso() if f.period is not None else None
    kind = f.kind if value is not None or f.kind != "date" else "vague"
    return DateMention(mention=text[f.start:f.end], start=f.start, end=f.end, value=value, kind=kind)


_TEMPORAL_WORD = re.compile(
    r"\b(?:day|week|month|year|decade|centur|hour|minute|season|ago|earlier|later|weekend|morning|evening|night)", re.I)


def find_dates(doc: Doc, published: date | None = None) -> list[DateMention]:
    """Every temporal expression in the Doc, resolved against the publication date, sorted by start."""
    text = doc_text(doc)
    found = _scan(text, published, doc)
    mentions = [_mention(text, f) for f in found]
    for f in found:
        for start, end, period in f.inner:
            mentions.append(DateMention(mention=text[start:end], start=start, end=end, value=period.iso()))
    taken = bytearray(len(text) + 1)
    for f in found:
        taken[f.start:f.end] = b"\x01" * (f.end - f.start)
    # spaCy's DATE entities the grammar has no reading for: kept, unresolved, so later stages
    # know a time is named there without taking it for a date
    for ent in doc.ents:
        if ent.label_ == "DATE" and not any(taken[ent.start_char:ent.end_char]) \
                and _TEMPORAL_WORD.search(ent.text):
            kind = "duration" if re.search(r"\d|\b(?:a|an|one|two|three|several|few|many)\b", ent.text, re.I) \
                else "vague"
            mentions.append(DateMention(mention=ent.text, start=ent.start_char, end=ent.end_char, value=None,
                                        kind=kind))
    mentions.sort(key=lambda d: (d.start, d.end))
    return mentions


def resolve_date(expression: str, published: date | None) -> str | None:
    """The ISO 8601 value of one temporal expression ("last week", "February 4"), or None."""
    text = expression.strip()
    found = [f for f in _scan(text, published) if f.period is not None]
    if not found:
        return None
    best = max(found, key=lambda f: f.end - f.start)
    return best.period.iso()


_PUBLISHED_CUE = re.compile(
    r"(?:date of publication|published(?: on)?|posted(?: on)?|last updated(?: at| on)?|updated(?: at| on)?|"
    r"first published)\s*:?\s*$", re.I)


def infer_published(text: str) -> date | None:
    """The publication date a text carries: a date after "Published", "Date of publication",
    "Updated"; else a full date in the article's opening (its dateline); else the latest full date."""
    full = [f for f in _scan(text, None) if f.period is not None and f.period.unit == "day"]
    if not full:
        return None
    for f in full:
        if _PUBLISHED_CUE.search(text[max(0, f.start - 40):f.start]):
            return f.period.first
    for f in full:
        if f.start >= 300:
            break
        line = text[text.rfind("\n", 0, f.start) + 1:f.start]
        words = line.split()
        # a dateline: the date opens the text or a line, after at most a place and an agency
        # ("HOMS, Sept. 26 (UPI) -"), never after "On" or "in" as in a sentence about the past
        if len(words) <= 6 and not (words and words[-1].lower() in ("on", "in", "since", "by", "until", "from")):
            return f.period.first
    return max(f.period.first for f in full)


# ---------------------------------------------------------------- spaCy component

@Language.factory("dragoman_dates")
def make_dates_component(nlp: Language, name: str):
    if not Doc.has_extension("dates"):
        Doc.set_extension("dates", default=None)
    if not Doc.has_extension("published"):
        Doc.set_extension("published", default=None)

    def component(doc: Doc) -> Doc:
        doc._.dates = find_dates(doc, published=doc._.published)
        return doc
    return component
