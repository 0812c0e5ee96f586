"""Chinese chronicle date tokens -> ``DateSpec``.

Rules (one small grammar, shared by every parser):

* A *point* is written dotted (``2013.8.1``, ``2019.9.01``, ``2016.4．4``,
  ``2012.3``, ``2019.3 月``), ISO-like (``2020-03-05``) or with units
  (``2022年3月2日``, ``1月24日``, ``13 日``, ``2014年``).  Missing leading parts
  come from the context (``year=``/``month=`` arguments, or the start of a
  range or list).  Full-width digits and dots are read as ASCII.
* A qualifier may follow: ``初`` (precision ``early``), ``上旬/中旬/下旬``
  (``xun``), ``春/夏/秋/冬[季]`` (``season``); ``底/末`` are kept as the
  qualifier of a year/month date.
* A *range* joins two points with ``～ ~ - – — —— 至 到``; the end point
  inherits what it leaves out (``2012.12.24—27`` ends on the 27th,
  ``2013.10-2015.10``, ``2012 年-2015 年``).  A unit printed only once is
  shared (``7—8 日``, ``6月1—3日``, ``2020-2021 年``, ``3—4月``).
* A *list* joins points with ``、``; in the dotted style a later ``M.D``
  resets the month (``2019.9.20、10.14、11.14``).
* A time of day may follow a day (``零点``, ``9时30分``, ``下午3时``, and the
  OCR form ``o时`` for 0 o'clock).
* An era-name year is accepted when the Gregorian year follows in brackets
  (``清嘉庆三年（1798年）`` -> 1798); the lunar month/day is not converted.

``parse_date`` reads a whole token, ``match_date`` a token at the start of a
text (returning where it ends), ``find_dates`` every date in running prose and
``validate`` reports impossible dates (June 31, month 13).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace

from builder.model.document import DateSpec, PartialDate

__all__ = ["DateMatch", "find_dates", "match_date", "parse_date", "validate"]

# One-to-one character map, so positions in the mapped text equal positions
# in the original text.
_FULLWIDTH = str.maketrans("０１２３４５６７８９．～－", "0123456789.~-")

_SP = r"[ \t\u00a0\u3000]*"
_SEP = rf"{_SP}(?:——|—|–|－|-|～|~|至|到){_SP}"
_SEP_RE = re.compile(_SEP)
_SEASONS = "春夏秋冬"
_QUAL_RE = re.compile(rf"{_SP}(上旬|中旬|下旬|初|底|末|[春夏秋冬]季?)")
_TIME_RE = re.compile(
    rf"{_SP}(零点|(?:凌晨|早晨|上午|中午|下午|傍晚|晚上|晚间|夜间|晚)?{_SP}"
    rf"(?:\d{{1,2}}|[oO〇零一二三四五六七八九十两]{{1,3}}){_SP}[时点]"
    rf"(?:{_SP}\d{{1,2}}{_SP}分|半)?(?:许|起|左右)?|\d{{1,2}}[:：]\d{{2}})"
)
_ERA_RE = re.compile(
    r"(?:[\u4e00-\u9fff]{1,2}?)?[\u4e00-\u9fff]{2}[元正一二三四五六七八九十廿卅]{1,4}年"
    rf"{_SP}[（(]{_SP}(\d{{3,4}}){_SP}年?{_SP}[）)]"
)

# Points.  Group names: y, m, d.
_DOTTED = re.compile(r"(?P<y>\d{4})[./](?P<m>\d{1,2})(?:[./](?P<d>\d{1,2}))?(?!\d)")
_ISO = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")
_UNITS = re.compile(
    rf"(?:(?P<y>\d{{4}}){_SP}年)?(?:{_SP}(?P<m>\d{{1,2}}){_SP}月)?"
    rf"(?:{_SP}(?P<d>\d{{1,2}}){_SP}[日号])?"
)
# A number whose unit is printed only after the end of the range: ``7—8 日``.
_SHARED = re.compile(
    rf"(?:(?P<y>\d{{4}}){_SP}年{_SP})?(?:(?P<m>\d{{1,2}}){_SP}月{_SP})?"
    rf"(?P<a>\d{{1,4}}){_SEP}(?P<b>\d{{1,4}}){_SP}(?P<u>年|月|[日号])"
)
# Partial points after a separator or 、 (dotted style).
_DOTTED_TAIL = re.compile(r"(?:(?P<y>\d{4})[./])?(?:(?P<m>\d{1,2})[./])?(?P<d>\d{1,4})(?![\d./])")

_WIDTHS = {"year": 0, "month": 1, "day": 2}


@dataclass(frozen=True)
class DateMatch:
    """A date token found at the start of a text: the date and where it ends."""

    spec: DateSpec
    end: int  # index in the original text just after the token
    style: str  # "dotted", "units", "shared", "era"


def _num(v: str | None) -> int | None:
    return int(v) if v else None


def _level(p: PartialDate) -> str:
    return "day" if p.day is not None else "month" if p.month is not None else "year"


def _point(s: str, pos: int, year: int | None, month: int | None) -> tuple[PartialDate, int, str] | None:
    """Read one full point at ``pos``; fill missing leading parts from context."""
    for style, rx in (("dotted", _ISO), ("dotted", _DOTTED)):
        m = rx.match(s, pos)
        if m:
            return PartialDate(int(m["y"]), int(m["m"]), _num(m["d"])), m.end(), style
    m = _UNITS.match(s, pos)
    if not m or m.end() == pos or not (m["y"] or m["m"] or m["d"]):
        return None
    y, mo, d = _num(m["y"]), _num(m["m"]), _num(m["d"])
    if y is None:
        y = year
    if mo is None and d is not None and m["y"] is None:
        mo = month
    if y is None or (d is not None and mo is None):
        return None
    return PartialDate(y, mo, d), m.end(), "units"


def _tail(s: str, pos: int, start: PartialDate, style: str) -> tuple[PartialDate, int] | None:
    """Read the end of a range / further list item; missing parts from ``start``."""
    if style == "dotted":
        m = _DOTTED_TAIL.match(s, pos)
        if not m:
            return None
        y, mo, d = _num(m["y"]), _num(m["m"]), int(m["d"])
        if y is None and mo is None:
            # one number: same level as the start's last part
            if start.day is not None:
                return PartialDate(start.year, start.month, d), m.end()
            if start.month is not None and d <= 12:
                return PartialDate(start.year, d), m.end()
            return (PartialDate(d), m.end()) if d >= 1000 else None
        if y is not None and mo is None:
            return PartialDate(y, d), m.end()  # ``2015.10`` = year.month
        if start.day is None:
            return None
        return PartialDate(y or start.year, mo, d), m.end()
    m = _UNITS.match(s, pos)
    if not m or m.end() == pos or not (m["y"] or m["m"] or m["d"]):
        return None
    y, mo, d = _num(m["y"]), _num(m["m"]), _num(m["d"])
    if y is None:
        y = start.year
        if mo is None:
            mo = start.month
    return PartialDate(y, mo, d), m.end()


def _shared(s: str, pos: int, year: int | None, month: int | None) -> tuple[DateSpec, int] | None:
    m = _SHARED.match(s, pos)
    if not m:
        return None
    a, b, unit = int(m["a"]), int(m["b"]), m["u"]
    year = _num(m["y"]) or year
    month = _num(m["m"]) or month
    if unit == "年":
        start, end = PartialDate(a), PartialDate(b)
    elif year is None:
        return None
    elif unit == "月":
        start, end = PartialDate(year, a), PartialDate(year, b)
    elif month is None:
        return None
    else:
        start, end = PartialDate(year, month, a), PartialDate(year, month, b)
    return DateSpec(start, "range", end=end), m.end()


def _qualify(spec: DateSpec, s: str, pos: int) -> tuple[DateSpec, int]:
    m = _QUAL_RE.match(s, pos)
    if not m or spec.start.day is not None or spec.end is not None:
        return spec, pos
    q = m[1]
    if q.endswith("旬"):
        if spec.start.month is None:
            return spec, pos
        return replace(spec, precision="xun", qualifier=q), m.end()
    if q[0] in _SEASONS:
        if spec.start.month is not None:
            return spec, pos
        return replace(spec, precision="season", qualifier=q), m.end()
    precision = "early" if q == "初" else spec.precision
    return replace(spec, precision=precision, qualifier=q), m.end()


def _ranged(spec: DateSpec, s: str, pos: int, style: str) -> tuple[DateSpec, int]:
    sep = _SEP_RE.match(s, pos)
    if not sep:
        return spec, pos
    tail = _tail(s, sep.end(), spec.start, style)
    if not tail:
        return spec, pos
    end, stop = tail
    if _WIDTHS[_level(end)] < _WIDTHS[_level(spec.start)] and end.year == spec.start.year:
        return spec, pos
    return replace(spec, precision="range", end=end), stop


def _listed(spec: DateSpec, s: str, pos: int, style: str) -> tuple[DateSpec, int]:
    others: list[PartialDate] = []
    while s.startswith("、", pos):
        tail = _tail(s, pos + 1, spec.start, style)
        if not tail or _level(tail[0]) != _level(spec.start):
            break
        others.append(tail[0])
        pos = tail[1]
    if not others:
        return spec, pos
    return replace(spec, precision="list", others=tuple(others)), pos


def _timed(spec: DateSpec, s: str, pos: int) -> tuple[DateSpec, int]:
    if spec.start.day is None or spec.end is not None:
        return spec, pos
    m = _TIME_RE.match(s, pos)
    if not m:
        return spec, pos
    return replace(spec, time=m[1].strip()), m.end()


def match_date(text: str, *, year: int | None = None, month: int | None = None) -> DateMatch | None:
    """Read the date token at the very start of ``text`` (no leading spaces).

    ``year``/``month`` fill parts the token leaves out (``13日``, ``1月24日``).
    Returns ``None`` when no token is there or the context is missing.
    """
    s = text.translate(_FULLWIDTH)
    era = _ERA_RE.match(s)
    if era:
        spec = DateSpec(PartialDate(int(era[1])), "year")
        return DateMatch(replace(spec, raw=text[: era.end()]), era.end(), "era")
    shared = _shared(s, 0, year, month)
    if shared:
        spec, pos = shared
        style = "shared"
    else:
        point = _point(s, 0, year, month)
        if point is None:
            return None
        start, pos, style = point
        spec = DateSpec(start, _level(start))
        if style == "dotted" and start.day is None:
            more = re.compile(rf"{_SP}月").match(s, pos)
            pos = more.end() if more else pos
        spec, pos = _qualify(spec, s, pos)
        if spec.qualifier == "" or spec.precision == "early":
            spec, pos = _ranged(spec, s, pos, style)
        spec, pos = _listed(spec, s, pos, style)
    spec, pos = _timed(spec, s, pos)
    return DateMatch(replace(spec, raw=text[:pos].strip()), pos, style)


def parse_date(token: str, *, year: int | None = None, month: int | None = None) -> DateSpec | None:
    """Parse a whole date token (``2013.8.1``, ``7—8 日``, ``2021 年初`` …).

    Returns ``None`` unless the whole token (bar surrounding spaces) is a date.
    """
    token = token.strip()
    m = match_date(token, year=year, month=month)
    if m is None or token[m.end :].strip():
        return None
    return m.spec


_PROSE_START = re.compile(r"(?<![\d.．])(?=[\d０-９]{4}(?:[ \t]*年|[.．/]\d)|[\d０-９]{1,2}[ \t]*月|[\u4e00-\u9fff]{2,4}[元正一二三四五六七八九十廿卅]{1,4}年[（(])")


def find_dates(text: str, *, year: int | None = None) -> list[DateSpec]:
    """Every explicit date in running prose (years, months with a year context).

    Day-only mentions (``22日``) are skipped: their month is not known.
    """
    found: list[DateSpec] = []
    pos = 0
    for m in _PROSE_START.finditer(text):
        if m.start() < pos:
            continue
        hit = match_date(text[m.start() :], year=year)
        if hit is None:
            continue
        found.append(hit.spec)
        year = hit.spec.start.year
        pos = m.start() + hit.end
    return found


def _check(p: PartialDate, what: str) -> list[str]:
    if p.month is not None and not 1 <= p.month <= 12:
        return [f"{what}: month {p.month} does not exist"]
    if p.day is None:
        return []
    if p.month is None:
        return [f"{what}: day without a month"]
    last = calendar.monthrange(p.year, p.month)[1]
    if not 1 <= p.day <= last:
        return [f"{what}: {p.year}-{p.month:02d} has no day {p.day}"]
    return []


def validate(spec: DateSpec) -> list[str]:
    """Problems with a parsed date (impossible day or month, range backwards)."""
    problems = _check(spec.start, "start")
    if spec.end is not None:
        problems += _check(spec.end, "end")
        if not problems and spec.end.sort_key() < spec.start.sort_key():
            problems.append(f"range ends before it starts: {spec.iso()}")
    for i, other in enumerate(spec.others, start=1):
        problems += _check(other, f"item {i + 1}")
    return problems
