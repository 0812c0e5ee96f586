"""Chinese chronicle date tokens -> ``DateSpec``: one grammar, shared by every parser.

A *point* is written

* dotted (``2013.8.1``, ``2019.9.01``, ``2012.3``, ``2019.3 月``) or ISO-like (``2020-03-05``);
* with units, in Arabic or Chinese numerals (``2022年3月2日``, ``二〇一二年十二月``, ``13 日``, ``卅日``,
  ``元月``, ``正月``, ``冬月``, ``腊月``, ``闰四月二十一日``, ``三月初五``) — numerals are read by cn2an;
* with an era (``康熙二十三年``, ``汉武帝元狩五年``, ``民国27年``, ``中華民國三十八年``; a bare ``廿九年`` continues
  the era in force) — era names come from ``builder.parse.eras`` (the sanmiao tables); a Gregorian year
  in brackets after it (``(1684年)``, ``(前625)``) is the year;
* BCE as ``前206年`` or ``公元前2070年``.

Missing leading parts come from the context (``year=``/``month=``).  A day whose month is not in scope
is kept with the month unknown (``DateMatch.unknown == "month"``), never guessed; with ``unknown_year`` a
month or day read with no year in scope is kept with the year unknown (year ``0``, EDTF ``XXXX-11-03``;
``DateMatch.unknown`` names ``year``).

Calendar: a date is Chinese-calendar (lunar) when it says so (农历/阴历/夏历/旧历), uses a lunar form (正月,
冬月, 腊月, 闰, 初五), or is in a pre-1912 era; its Gregorian day or interval is computed with lunar-python
and its own reading kept in ``original`` (``1942-L03``).  民国 dates are Gregorian.

After a point may come a qualifier (``初`` early, ``上旬/中旬/下旬`` xun, ``春/夏/秋/冬[季]`` and ``夏秋``
season, ``底/末``, ``上半年/下半年`` a half year, ``年间`` an era's span, ``左右/前后`` approximate), a range
(``～ ~ - -- ─ — —— 至 到``; the end inherits what it leaves out; ``至翌年3月`` ends next year), a list
(``9日、10日``; dotted ``2019.9.20、10.14``) and a time of day (``下午3时``, ``晚``).  A bare season or xun
(``冬,``, ``下旬,``) takes the context's year or month.

``match_date`` reads a token at the start of a text, ``parse_date`` a whole token, ``find_dates`` every
date in running prose and ``validate`` reports impossible dates.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace

import cn2an
from lunar_python import Lunar, LunarMonth

from builder.model.document import DateSpec, PartialDate
from builder.parse.eras import Era, lookup, year_of

__all__ = ["DateMatch", "cn_int", "find_dates", "match_date", "parse_date", "refine", "validate"]

# One-to-one character map, so positions in the mapped text equal positions in the original.
_FULLWIDTH = str.maketrans("０１２３４５６７８９．～－○", "0123456789.~-〇")

_SP = r"[ \t\u00a0\u3000]*"
_SEP = rf"{_SP}(?:-{{1,4}}|─{{1,4}}|——|—|–|~|至|到|〜){_SP}"
_SEP_RE = re.compile(_SEP)
_CAL = r"农历|農曆|农曆|阴历|陰曆|夏历|夏曆|旧历|舊曆"
_YEAR = r"\d{4}|[〇零一二三四五六七八九]{4}"
_MON = r"\d{1,2}|十[一二]?|[一二三四五六七八九]|正|元|冬|腊|臘"
_DAY = r"\d{1,2}|[二三]?十[一二三四五六七八九]?|廿[一二三四五六七八九]?|卅一?|[一二三四五六七八九]|初[一二三四五六七八九十]"
_BARE_LUNAR_DAY = r"初[一二三四五六七八九十]|廿[一二三四五六七八九]"
_NOT_YEAR = r"(?!代|级|級|龄|齡)"

_UNITS = re.compile(
    rf"(?P<cal>{_CAL})?{_SP}"
    rf"(?:(?:(?P<bce>公元前|前(?=\d\d))(?P<yb>\d{{1,4}})|公元(?P<yc>\d{{1,4}})|(?P<y>{_YEAR})){_SP}年{_NOT_YEAR})?"
    rf"(?:{_SP}(?P<cal2>{_CAL})?{_SP}(?:[初仲季孟]?[春夏秋冬](?=[闰閏]?(?:{_MON})月))?(?P<leap>[闰閏])?(?P<m>{_MON})"
    rf"(?:{_SP}[、,，]{_SP}(?P<m2>{_MON})(?={_SP}月))?{_SP}月)?"
    rf"(?:{_SP}(?:(?P<d>{_DAY}){_SP}[日号號]|(?P<dl>{_BARE_LUNAR_DAY})"
    rf"|(?P<dr>\d{{1,2}})(?={_SEP}(?:\d{{1,2}}{_SP}月{_SP})?\d{{1,2}}{_SP}[日号])))?"
)
_DOTTED = re.compile(r"(?P<y>\d{4})[./](?P<m>\d{1,2})(?:[./](?P<d>\d{1,2}))?(?!\d)")
# ``1.16 新华社报道…``, ``4.14~26 …``: month.day with the year in scope (chronicle entries only: ``short=True``)
_SHORT_DOTTED = re.compile(r"(?P<m>1[0-2]|0?[1-9])\.(?P<d>3[01]|[12]\d|0?[1-9])(?=[ \t\u3000]|[~～—-]\d)")
_ISO = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")
# A number whose unit is printed only after the end of the range: ``7—8 日``.
_SHARED = re.compile(
    rf"(?:(?P<y>\d{{4}}){_SP}年{_SP})?(?:(?P<m>\d{{1,2}}){_SP}月{_SP})?"
    rf"(?P<a>\d{{1,4}}|[一二三四五六七八九十廿卅]{{1,3}}){_SEP}(?P<b>\d{{1,4}}|[一二三四五六七八九十廿卅]{{1,3}}){_SP}"
    rf"(?P<u>年|月|[日号])"
)
_DOTTED_TAIL = re.compile(r"(?:(?P<y>\d{4})[./])?(?:(?P<m>\d{1,2})[./])?(?P<d>\d{1,4})(?![\d./])")
_NEXT_YEAR = re.compile(rf"(?:翌年|次年|第二年|来年|來年){_SP}")
_ERA_RE = re.compile(
    rf"(?P<pre>[\u4e00-\u9fff]{{0,10}}?)(?P<n>元|[〇零一二三四五六七八九十廿卅百]{{1,4}}|\d{{1,3}}){_SP}年{_NOT_YEAR}"
)
_ERA_SPAN = re.compile(r"(?P<pre>[\u4e00-\u9fff]{2,8}?)年[间間]")
_RULER_ENDS = "王帝公侯宗祖皇"
_BRACKET_YEAR = re.compile(
    rf"(?:{_SP}[甲乙丙丁戊己庚辛壬癸][\u4e00-\u9fff](?:年)?(?={_SP}[（(]))?"  # 干支 (misprints too: 戊戎)
    rf"{_SP}[（(]{_SP}(?:[\u4e00-\u9fff]{{1,10}}[,，、]{_SP})?(?:(?P<bce>公元前|前)|公元)?{_SP}(?P<y>\d{{1,4}}){_SP}年?"
    rf"(?:{_SEP}(?:(?P<bce2>公元前|前)|公元)?{_SP}(?P<y2>\d{{1,4}}){_SP}年?)?"
    rf"(?:{_SP}[,，、;；]?{_SP}[\u4e00-\u9fff]{{0,8}})?{_SP}(?:[）)]|$)"
)
_GANZHI = re.compile(rf"{_SP}[（(]?([甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥])(?:年)?[）)]?")
_QUAL_RE = re.compile(
    rf"{_SP}(上半年|下半年|前季|后季|後季|上旬|中旬|下旬|年初|年底|年末|年内|年內|年间|年間|月初|月底|月末|初|底|末|"
    rf"自?[春夏秋冬](?:[、至到—-]?[春夏秋冬])?(?![节節至])(?:兩季|两季|二季|季|天)?)"
)
_APPROX = re.compile(rf"{_SP}(左右|前后|前後)")
_BARE_QUAL = re.compile(
    r"(上半年|下半年|前季|后季|後季|上旬|中旬|下旬|年初|年底|年末|年内|年內|月初|月底|月末|"
    r"自?[春夏秋冬](?:[、至到—-]?[春夏秋冬])?(?:兩季|两季|二季|季|天)?)(?=[,，、：:;；\s]|$)"
)
_TIME_RE = re.compile(
    rf"{_SP}(零点|(?:凌晨|早晨|上午|中午|下午|傍晚|晚上|晚间|夜间|夜里|午前|午后|午後|晚)?{_SP}"
    rf"(?:\d{{1,2}}|[oO〇零一二三四五六七八九十两]{{1,3}}){_SP}[时点時點]"
    rf"(?:{_SP}(?:\d{{1,2}}|[一二三四五六七八九十]{{1,3}}){_SP}分|半)?(?:许|起|左右)?"
    rf"(?:{_SP}(?:至|到|-|—|~){_SP}(?:\d{{1,2}}|[一二三四五六七八九十]{{1,3}}){_SP}[时点時點]"
    rf"(?:{_SP}\d{{1,2}}{_SP}分)?)?"
    rf"|\d{{1,2}}[:：]\d{{2}}|(?:凌晨|早晨|上午|中午|下午|傍晚|晚上|晚间|夜间|夜里|午前|午后|午後)|[晨晚夜](?=[,，\s]))"
)
_SEASONS = "春夏秋冬"
_MONTH_WORDS = {"正": 1, "元": 1, "冬": 11, "腊": 12, "臘": 12}
_LUNAR_MONTH_WORDS = {"正", "冬", "腊", "臘"}
_XUN = {"上旬": (1, 10), "中旬": (11, 20), "下旬": (21, None)}
_WIDTHS = {"year": 0, "month": 1, "day": 2}
_TOKEN_MAX = 200  # no date token is longer; match_date reads at most this much of a text


@dataclass(frozen=True)
class DateMatch:
    """A date token found at the start of a text: the date and where it ends."""

    spec: DateSpec
    end: int  # index in the original text just after the token
    style: str  # "dotted", "units", "shared", "era", "bare"
    unknown: str = ""  # "month" (a day with no month in scope), "year" (no year in scope) or "year month"
    era: Era | None = None  # the era the token names (it stays in force for a bare 廿九年)


def cn_int(s: str) -> int | None:
    """An Arabic or Chinese numeral (``12``, ``十二``, ``廿九``, ``卅``, ``二〇一二``, ``元``) as an int."""
    s = s.strip().removeprefix("初")
    if not s:
        return None
    if s.isascii() and s.isdigit():
        return int(s)
    if s in _MONTH_WORDS:
        return _MONTH_WORDS[s]
    t = s.replace("廿", "二十").replace("卅", "三十").replace("两", "二").replace("兩", "二")
    try:
        return int(cn2an.cn2an(t, "smart"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def _level(p: PartialDate) -> str:
    return "day" if p.day is not None else "month" if p.month is not None else "year"


# -- the Chinese calendar -------------------------------------------------------------------------


def _lunar(year: int, month: int, day: int | None, leap: bool) -> tuple[PartialDate, PartialDate | None] | None:
    """The Gregorian day (or month interval) of a Chinese-calendar date, by lunar-python."""
    try:
        m = -month if leap else month
        if day is not None:
            s = Lunar.fromYmd(year, m, day).getSolar()
            return PartialDate(s.getYear(), s.getMonth(), s.getDay()), None
        count = LunarMonth.fromYm(year, m)
        if count is None:
            return None
        a = Lunar.fromYmd(year, m, 1).getSolar()
        b = Lunar.fromYmd(year, m, count.getDayCount()).getSolar()
        return PartialDate(a.getYear(), a.getMonth(), a.getDay()), PartialDate(b.getYear(), b.getMonth(), b.getDay())
    except Exception:  # noqa: BLE001 - lunar-python raises bare Exceptions for dates outside its tables
        return None


def _lunar_spec(year: int, month: int, day: int | None, leap: bool, **kw: object) -> DateSpec:
    original = f"{year:04d}-L{month:02d}" + (f"-{day:02d}" if day is not None else "")
    conv = _lunar(year, month, day, leap)
    if conv is None:
        return DateSpec(PartialDate(year), "year", calendar="chinese", original=original, leap=leap, **kw)  # type: ignore[arg-type]
    start, end = conv
    precision = "day" if end is None else "range"
    return DateSpec(start, precision, end=end, calendar="chinese", original=original, leap=leap, **kw)  # type: ignore[arg-type]


# -- points ---------------------------------------------------------------------------------------


@dataclass
class _Point:
    year: int | None
    month: int | None
    day: int | None
    lunar: bool = False
    leap: bool = False
    era: Era | None = None
    era_text: str = ""
    style: str = "units"
    month_to: int | None = None  # ``6、7月``: two months printed as one
    year_to: int | None = None  # ``大定五年至十三年(1165—1173)``: the last year of an era-year range

    def partial(self) -> PartialDate:
        return PartialDate(self.year or 0, self.month, self.day)


def _era_span(s: str, pos: int) -> tuple[_Point, int, DateSpec] | None:
    """``乾隆年间`` (``(1736~1796)``): the era's span, or the bracketed one."""
    m = _ERA_SPAN.match(s, pos)
    if not m:
        return None
    pre = m["pre"]
    chosen = next((c for k in range(min(4, len(pre)), 1, -1) for c in lookup(pre[-k:])[:1]), None)
    if chosen is None:
        return None
    first, last, stop = chosen.first, chosen.last, m.end()
    br = _BRACKET_YEAR.match(s, stop)
    if br:
        first = _bracket_year(br["bce"], br["y"])
        last = _bracket_year(br["bce2"], br["y2"]) if br["y2"] else last
        stop = br.end()
    spec = DateSpec(PartialDate(first), "range", end=PartialDate(last), qualifier="年间", era=s[pos:m.end()])
    return _Point(first, None, None, era=chosen, style="era"), stop, spec


def _era_at(s: str, pos: int, era: Era | None, year: int | None) -> tuple[_Point, int] | None:
    """An era-year point (``康熙二十三年``, ``民国27年``, a bare ``廿九年`` under an era) and a bracketed year."""
    m = _ERA_RE.match(s, pos)
    if not m:
        return None
    pre, n = m["pre"], cn_int(m["n"]) if m["n"] != "元" else 1
    if n is None or n < 1:
        return None
    chosen: Era | None = None
    if not pre:
        if era is None or (m["n"].isdigit() and era.first < 1912) or n > 100:
            return None
        chosen = era
    else:
        for k in range(min(4, len(pre)), 1, -1):
            cands = lookup(pre[-k:])
            if cands:
                rest = pre[:-k]
                chosen = _choose(cands, n, rest, year)
                break
        if chosen is None:
            # a reign year of a ruler the tables lack (``周襄王廿七年``): only with its Gregorian year printed
            br = _BRACKET_YEAR.match(s, m.end())
            if not (br and len(pre) <= 6 and pre[-1] in _RULER_ENDS):
                return None
            return _Point(_bracket_year(br["bce"], br["y"]), None, None, era_text=s[pos:m.end()],
                          style="era"), br.end()
    stop = m.end()
    gy = year_of(chosen, n)
    if (span := _era_years(s, pos, stop, chosen, n)) is not None:
        return span
    br = _BRACKET_YEAR.match(s, stop)
    if br:
        printed = _bracket_year(br["bce"], br["y"])
        # the printed Gregorian year wins, unless it lost a digit (``11年(922年)`` under 民国 is 1922)
        dropped_digit = 0 < printed < 1000 <= gy and gy % 1000 == printed
        gy = gy if dropped_digit else printed
        stop = br.end()
    return _Point(gy, None, None, era=chosen, era_text=s[pos:m.end()], style="era"), stop


_GANZHI_YEAR = re.compile(
    rf"[甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥]年?{_SP}[（(]{_SP}(?:(?P<bce>公元前|前)|公元)?{_SP}(?P<y>\d{{1,4}}){_SP}年?{_SP}[）)]"
)


def _ganzhi_at(s: str, pos: int, era: Era | None) -> tuple[_Point, int] | None:
    """A 干支 year with its Gregorian year in brackets (``丙午年(1546)``): the bracketed year; its months are
    the Chinese calendar's when an era before 1912 is in force."""
    m = _GANZHI_YEAR.match(s, pos)
    if m is None:
        return None
    year = _bracket_year(m["bce"], m["y"])
    return _Point(year, None, None, era=era if era is not None and year < 1912 else None, era_text=m[0],
                  style="era" if era is not None else "units"), m.end()


_ERA_TO = re.compile(rf"(?:{_SEP}|一)(?P<n>[〇零一二三四五六七八九十廿卅百]{{1,4}}|\d{{1,3}}){_SP}年")


def _era_years(s: str, start: int, pos: int, era: Era, n: int) -> tuple[_Point, int] | None:
    """A range of years of one era (``大定五年至十三年(1165—1173)``) checked by its bracketed Gregorian
    range: the years must fit the bracket's ends.  OCR prints the range dash as ``一`` (``五年一十三年``);
    the bracket's two years tell that reading from ``一十三`` (13)."""
    m = _ERA_TO.match(s, pos)
    if m is None:
        return None
    n2 = cn_int(m["n"])
    br = _BRACKET_YEAR.match(s, m.end())
    if n2 is None or n2 <= n or br is None or not br["y2"]:
        return None
    first, last = _bracket_year(br["bce"], br["y"]), _bracket_year(br["bce2"], br["y2"])
    if last - first != n2 - n - (1 if first < 0 < last else 0):
        return None
    return _Point(first, None, None, era=era, era_text=s[start:m.end()], style="era", year_to=last), br.end()


def _bracket_year(bce: str | None, y: str) -> int:
    return -int(y) if bce else int(y)


def _choose(cands: tuple[Era, ...], n: int, rest: str, year: int | None) -> Era | None:
    """Which of the eras of one name is meant: the dynasty printed before it, the year in force, the longest."""
    if len(rest) > 6:
        return None
    fits = [c for c in cands if c.first + n - 1 <= c.last + 1] or list(cands)
    if rest:
        named = [c for c in fits if c.dynasty and (c.dynasty[-1] in rest or c.dynasty[0] in rest)]
        fits = named or fits
    if year is not None:
        return min(fits, key=lambda c: (abs(year_of(c, n) - year), c.first))
    return max(fits, key=lambda c: (c.last - c.first, c.first))


def _units_at(s: str, pos: int) -> tuple[_Point, int] | None:
    m = _UNITS.match(s, pos)
    if not m or m.end() == pos:
        return None
    if not (m["y"] or m["yb"] or m["yc"] or m["m"] or m["d"] or m["dl"] or m["dr"]):
        return None
    y = None
    if m["y"]:
        y = cn_int(m["y"])
    elif m["yb"]:
        y = -int(m["yb"])
    elif m["yc"]:
        y = int(m["yc"])
    mo = cn_int(m["m"]) if m["m"] else None
    mo2 = cn_int(m["m2"]) if m["m2"] else None
    day = m["d"] or m["dl"] or m["dr"]
    d = cn_int(day) if day else None
    lunar = bool(m["cal"] or m["cal2"] or m["leap"] or m["dl"] or (m["m"] in _LUNAR_MONTH_WORDS)
                 or (m["d"] or "").startswith("初"))
    if m["m"] and mo is None or day and d is None or m["dr"] and not m["m"]:
        return None
    return _Point(y, mo, d, lunar=lunar, leap=bool(m["leap"]), month_to=mo2 if d is None else None), m.end()


def _point(s: str, pos: int, ctx: _Ctx) -> tuple[_Point, int] | None:
    """Read one point at ``pos``; fill missing leading parts from the context."""
    for rx in (_ISO, _DOTTED):
        m = rx.match(s, pos)
        if m:
            d = int(m["d"]) if m["d"] else None
            return _Point(int(m["y"]), int(m["m"]), d, style="dotted"), m.end()
    if ctx.short and ctx.year is not None and (m := _SHORT_DOTTED.match(s, pos)) is not None:
        return _Point(ctx.year, int(m["m"]), int(m["d"]), style="dotted"), m.end()
    hit = _era_at(s, pos, ctx.era, ctx.year) or _ganzhi_at(s, pos, ctx.era)
    if hit is not None:
        point, stop = hit
        if point.era is None:
            return point, stop
        shared = _SHARED.match(s, stop)
        if shared and shared["u"] == "月" and not shared["y"] and not shared["m"]:
            a, b = cn_int(shared["a"]), cn_int(shared["b"])
            if a and b and 1 <= a < b <= 12:
                point.month, point.month_to = a, b
                point.lunar = not point.era.gregorian_calendar
                return point, shared.end()
        more = _units_at(s, stop)
        if more and more[0].year is None:
            extra, stop = more
            point.month, point.day, point.leap, point.month_to = extra.month, extra.day, extra.leap, extra.month_to
            point.lunar = extra.lunar or not point.era.gregorian_calendar  # type: ignore[union-attr]
        return point, stop
    hit = _units_at(s, pos)
    if hit is None:
        return None
    point, stop = hit
    if point.year is not None:
        gz = _GANZHI.match(s, stop)
        if gz and _ganzhi_of(point.year) == gz[1]:
            stop = gz.end()
    if point.year is None:
        point.year = ctx.year
        if point.month is None and point.day is not None:
            point.month = ctx.month
        point.lunar = point.lunar or ctx.lunar
    return point, stop


def _ganzhi_of(year: int) -> str:
    try:
        return Lunar.fromYmd(year, 6, 1).getYearInGanZhi()
    except Exception:  # noqa: BLE001
        return ""


@dataclass(frozen=True)
class _Ctx:
    year: int | None
    month: int | None
    era: Era | None
    lunar: bool
    short: bool = False  # ``1.16``: month.day in the dotted style


def _spec(p: _Point, raw_era: str = "") -> DateSpec:
    era = p.era_text or raw_era
    if p.year_to is not None and p.year is not None and p.month is None:
        return DateSpec(PartialDate(p.year), "range", end=PartialDate(p.year_to), era=era)
    if p.month_to and p.year and p.month and not p.lunar and p.month_to > p.month:
        return DateSpec(PartialDate(p.year, p.month), "range", end=PartialDate(p.year, p.month_to), era=era)
    if p.lunar and p.month is not None and p.year:
        return _lunar_spec(p.year, p.month, p.day, p.leap, era=era)
    start = p.partial()
    return DateSpec(start, _level(start), era=era)  # type: ignore[arg-type]


def _tail(s: str, pos: int, start: _Point, style: str, ctx: _Ctx) -> tuple[_Point, int] | None:
    """Read the end of a range / a further list item; missing parts from ``start``."""
    if style == "dotted":
        m = _DOTTED_TAIL.match(s, pos)
        if not m:
            return None
        y, mo, d = (int(m["y"]) if m["y"] else None), (int(m["m"]) if m["m"] else None), int(m["d"])
        if y is None and mo is None:
            if start.day is not None:
                return _Point(start.year, start.month, d), m.end()
            if start.month is not None and d <= 12:
                return _Point(start.year, d, None), m.end()
            return (_Point(d, None, None), m.end()) if d >= 1000 else None
        if y is not None and mo is None:
            return _Point(y, d, None), m.end()
        if start.day is None:
            return None
        return _Point(y or start.year, mo, d), m.end()
    nxt = _NEXT_YEAR.match(s, pos)
    year = start.year
    if nxt:
        if not start.year:
            return None  # ``至翌年3月`` after a date whose year is unknown
        pos, year = nxt.end(), start.year + 1
    hit = _era_at(s, pos, ctx.era, ctx.year) if not nxt else None
    if hit is not None:
        return hit
    m = _units_at(s, pos)
    if m is None:
        return None
    end, stop = m
    if end.year is None:
        end.year = year
        if end.month is None:
            if end.day is None:
                return None
            end.month = start.month
    elif nxt:
        return None
    end.lunar = end.lunar or start.lunar
    return end, stop


def _shared(s: str, pos: int, ctx: _Ctx, unknown_month: bool = False,
            unknown_year: bool = False) -> tuple[DateSpec, int] | None:
    """``7—8 日``, ``1953年2月19日～22日`` … (a range whose unit is printed once); with ``unknown_month`` a
    day range with no month in scope is read with the month unknown (``17~18日`` at the top of a page)."""
    m = _SHARED.match(s, pos)
    if not m:
        return None
    a, b, unit = cn_int(m["a"]) or 0, cn_int(m["b"]) or 0, m["u"]
    if not (m["a"].isdigit() and m["b"].isdigit()) and unit == "年":
        return None
    if unit == "月" and m["m"] or unit == "年" and m["y"]:
        return None  # ``10月29～11月3日``: the second number is a month of its own
    year = int(m["y"]) if m["y"] else ctx.year
    month = int(m["m"]) if m["m"] else ctx.month
    if year is None and unknown_year and unit != "年":
        year = 0  # the year is not in scope: kept unknown
    if unit == "年":
        start, end = PartialDate(a), PartialDate(b)
    elif year is None:
        return None
    elif unit == "月":
        start, end = PartialDate(year, a), PartialDate(year, b)
    elif month is None:
        if not unknown_month or unit == "月":
            return None
        start, end = PartialDate(year, None, a), PartialDate(year, None, b)
    else:
        start, end = PartialDate(year, month, a), PartialDate(year, month, b)
    return DateSpec(start, "range", end=end), m.end()


def _qualify(spec: DateSpec, p: _Point, s: str, pos: int) -> tuple[DateSpec, int]:
    m = _QUAL_RE.match(s, pos)
    if not m or p.day is not None or spec.end is not None and spec.calendar == "gregorian":
        return spec, pos
    q = m[1]
    if q.endswith("旬"):
        if p.month is None:
            return spec, pos
        return replace(spec, precision="xun", qualifier=q), m.end()
    if q in ("上半年", "下半年", "前季", "后季", "後季"):
        if p.month is not None or not p.year:
            return spec, pos
        a, b = (1, 6) if q in ("上半年", "前季") else (7, 12)
        return replace(spec, start=PartialDate(p.year, a), end=PartialDate(p.year, b), precision="range",
                       qualifier=q), m.end()
    if q.lstrip("自")[0] in _SEASONS:
        if p.month is not None:
            return spec, pos
        seasons = "".join(ch for ch in q if ch in _SEASONS)
        end = PartialDate(spec.start.year) if len(seasons) > 1 else None
        return replace(spec, precision="season", qualifier=seasons, end=end), m.end()
    if q in ("年间", "年間"):
        if p.era is None or p.month is not None:
            return spec, pos
        return replace(spec, precision="range", start=PartialDate(p.era.first), end=PartialDate(p.era.last),
                       qualifier=q), m.end()
    if q.startswith("年") and p.month is not None or q.startswith("月") and p.month is None:
        return spec, pos
    precision = "early" if q in ("初", "年初", "月初") else spec.precision
    return replace(spec, precision=precision, qualifier=q), m.end()


def _ranged(spec: DateSpec, p: _Point, s: str, pos: int, style: str, ctx: _Ctx) -> tuple[DateSpec, int]:
    sep = _SEP_RE.match(s, pos)
    if not sep:
        return spec, pos
    tail = _tail(s, sep.end(), p, style, ctx)
    if not tail:
        return spec, pos
    endp, stop = tail
    end = endp.partial()
    if _WIDTHS[_level(end)] < _WIDTHS[_level(p.partial())] and end.year == p.year:
        return spec, pos
    if endp.era is not None and p.era is None and endp.year and p.year and endp.year < p.year:
        return spec, pos
    if p.year == 0 and endp.year != 0:
        return spec, pos  # a range from an unknown year into a printed one is not read as a range
    bracket = _BRACKET_YEAR.match(s, stop)
    if p.lunar and p.year and p.month is not None and endp.month is not None and endp.year:
        first = _lunar_spec(p.year, p.month, p.day, p.leap)
        last = _lunar_spec(endp.year, endp.month, endp.day, endp.leap)
        out = replace(spec, precision="range", start=first.start, end=last.end or last.start,
                      original=f"{first.original}/{last.original}")
        return out, stop
    if bracket and endp.era is not None:
        stop = bracket.end()
    return replace(spec, precision="range", end=end), stop


def _listed(spec: DateSpec, p: _Point, s: str, pos: int, style: str, ctx: _Ctx) -> tuple[DateSpec, int]:
    others: list[PartialDate] = []
    while s.startswith("、", pos):
        tail = _tail(s, pos + 1, p, style, ctx)
        if not tail or _level(tail[0].partial()) != _level(p.partial()) or tail[0].lunar:
            break
        others.append(tail[0].partial())
        pos = tail[1]
    if not others or spec.calendar != "gregorian":
        return spec, pos
    return replace(spec, precision="list", others=tuple(others)), pos


def _timed(spec: DateSpec, p: _Point, s: str, pos: int) -> tuple[DateSpec, int]:
    if p.day is None:
        return spec, pos
    m = _TIME_RE.match(s, pos)
    if not m:
        return spec, pos
    return replace(spec, time=m[1].strip()), m.end()


def _bare(s: str, ctx: _Ctx) -> tuple[DateSpec, int] | None:
    """A season or xun with no point before it (``冬,``, ``下旬,``): the context's year or month."""
    m = _BARE_QUAL.match(s)
    if not m or ctx.year is None:
        return None
    q = m[1]
    p = _Point(ctx.year, ctx.month if (q.endswith("旬") or q.startswith("月")) else None, None, lunar=ctx.lunar)
    if (q.endswith("旬") or q.startswith("月")) and p.month is None:
        return None
    spec, pos = _qualify(_spec(p), p, s, 0)
    if pos == 0:
        return None
    return spec, pos


def match_date(text: str, *, year: int | None = None, month: int | None = None, era: Era | None = None,
               lunar: bool = False, bare: bool = False, unknown_month: bool = False,
               unknown_year: bool = False, short: bool = False) -> DateMatch | None:
    """Read the date token at the very start of ``text`` (no leading spaces).

    ``year``/``month`` fill parts the token leaves out (``13日``, ``1月24日``); ``era`` is the era in
    force (for a bare ``廿九年``) and ``lunar`` says months in force are Chinese-calendar months.
    ``bare`` accepts a lone season or xun (``冬,``); ``unknown_month`` accepts a day with no month
    in scope (marked ``unknown == "month"``); ``unknown_year`` accepts a month or day with no year in scope
    (year ``0``, marked ``"year"`` in ``unknown``); ``short`` accepts ``1.16`` (month.day) when a year is in
    scope — chronicle entries only, where a line starts with it.  Returns ``None`` when no token is there or the
    context is missing.
    """
    s = text[:_TOKEN_MAX].translate(_FULLWIDTH)  # a token is short: never copy a long text (1 MB lines)
    ctx = _Ctx(year, month, era, lunar, short)
    shared = _shared(s, 0, ctx, unknown_month, unknown_year)
    unknown = "month" if shared and shared[0].start.month is None and shared[0].start.day is not None else ""
    if shared and shared[0].start.year == 0:
        unknown = f"year {unknown}".strip()
    span = None if shared else _era_span(s, 0)
    if shared:
        spec, pos = shared
        style, point = "shared", None
    elif span is not None:
        point, pos, spec = span
        style = "era"
    else:
        hit = _point(s, 0, ctx)
        if hit is None:
            if bare and (b := _bare(s, ctx)) is not None:
                spec, pos = b
                return DateMatch(replace(spec, raw=text[:pos].strip()), pos, "bare")
            return None
        point, pos = hit
        style = point.style
        if point.year is None:
            if not unknown_year or (point.month is None and point.day is None) or point.era is not None:
                return None
            point.year, unknown = 0, "year"
        if point.day is not None and point.month is None:
            if not unknown_month:
                return None
            unknown = f"{unknown} month".strip()
        spec = _spec(point)
        if style == "dotted" and point.day is None:
            more = re.compile(rf"{_SP}月").match(s, pos)
            pos = more.end() if more else pos
        spec, pos = _qualify(spec, point, s, pos)
        if spec.qualifier in ("", "初", "年初", "月初") or spec.calendar == "chinese" and not spec.qualifier:
            spec, pos = _ranged(spec, point, s, pos, style, ctx)
        spec, pos = _listed(spec, point, s, pos, style, ctx)
        approx = _APPROX.match(s, pos)
        if approx:
            spec, pos = replace(spec, approximate=True), approx.end()
    if point is not None:
        spec, pos = _timed(spec, point, s, pos)
    era_found = point.era if point is not None else None
    return DateMatch(replace(spec, raw=text[:pos].strip()), pos, style, unknown, era_found)


def refine(spec: DateSpec, text: str, *, lunar: bool = False) -> tuple[DateSpec, int] | None:
    """A year-level date made precise by what follows it after a comma (``民國二年,夏,``,
    ``嘉慶十一年丙寅(1806),五月,``, ``民國九年,自春至秋…``, ``民國二十年七至八月``): the refined date and how
    much of ``text`` it used, or ``None``.  The month, season or range must not print a year of its own."""
    if spec.start.month is not None or spec.end is not None or not spec.start.year or spec.precision != "year":
        return None
    s = text[:_TOKEN_MAX].translate(_FULLWIDTH)
    year = spec.start.year
    ctx = _Ctx(year, None, None, lunar)
    shared = _shared(s, 0, ctx)
    if shared is not None and shared[0].start.year == year and "年" not in s[: shared[1]]:
        return replace(shared[0], raw=spec.raw + text[: shared[1]], era=spec.era), shared[1]
    hit = _units_at(s, 0)
    if hit is not None and hit[0].year is None and hit[0].month is not None:
        point, pos = hit
        point.year, point.lunar = year, point.lunar or lunar
        out = _spec(point, spec.era)
        out, pos = _qualify(out, point, s, pos)
        out, pos = _ranged(out, point, s, pos, "units", ctx)
        return replace(out, raw=spec.raw + text[:pos]), pos
    p = _Point(year, None, None, lunar=lunar)
    out, pos = _qualify(spec, p, s, 0)
    if pos and out.qualifier:
        return replace(out, raw=spec.raw + text[:pos]), pos
    return None


def parse_date(token: str, *, year: int | None = None, month: int | None = None) -> DateSpec | None:
    """Parse a whole date token (``2013.8.1``, ``7—8 日``, ``2021 年初``, ``康熙二十三年`` …).

    Returns ``None`` unless the whole token (bar surrounding spaces) is a date.
    """
    token = token.strip()
    m = match_date(token, year=year, month=month)
    if m is None or token[m.end :].strip():
        return None
    return m.spec


_PROSE_START = re.compile(
    r"(?<![\d.．])(?=[\d０-９]{4}(?:[ \t]*年|[.．/]\d)|[\d０-９]{1,2}[ \t]*月|[\u4e00-\u9fff]{2,4}[元正一二三四五六七八九十廿卅]{1,4}年[（(])"
)


def find_dates(text: str, *, year: int | None = None) -> list[DateSpec]:
    """Every explicit date in running prose (years, months with a year context).

    Day-only mentions (``22日``) are skipped: their month is not known.
    """
    found: list[DateSpec] = []
    pos = 0
    for m in _PROSE_START.finditer(text):
        if m.start() < pos:
            continue
        hit = match_date(text[m.start() : m.start() + 80], year=year)
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
        return [f"{what}: day without a month"] if not 1 <= p.day <= 31 else []
    if p.year == 0:
        return []
    try:
        last = calendar.monthrange(p.year, p.month)[1]
    except (ValueError, calendar.IllegalMonthError):
        return []
    if not 1 <= p.day <= last:
        return [f"{what}: {p.year}-{p.month:02d} has no day {p.day}"]
    return []


def validate(spec: DateSpec) -> list[str]:
    """Problems with a parsed date (impossible day or month, range backwards)."""
    if spec.calendar == "chinese" and spec.precision == "year":
        return [f"the Chinese-calendar date {spec.original} could not be converted"] if spec.original else []
    problems = _check(spec.start, "start")
    if spec.end is not None:
        problems += _check(spec.end, "end")
        if not problems and spec.end.sort_key() < spec.start.sort_key():
            problems.append(f"range ends before it starts: {spec.iso()}")
    for i, other in enumerate(spec.others, start=1):
        problems += _check(other, f"item {i + 1}")
    return problems
