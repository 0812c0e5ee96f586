"""Chronicle (大事记) parsing: lines -> year/month Sections holding Events.

Rules, in the order a non-blank line is tried (blank lines are ignored: OCR
texts are double spaced, and an event ends only where the next one starts):

1. Page furniture goes to ``dropped``: rules (``---``), running heads
   (``2020年大事记 7``) and title lines (``大事记``, ``# 大事记``,
   ``2020年大事记``; reason ``title``; a year in the title becomes the year
   context when none was given).
2. Headings.  Year: ``2012 年``, ``2013年``, ``1.1952年：``, ``## 2014年``.
   Month: ``10 月``, ``## 1月``, ``### 3 月``, ``9/2001``, ``2001年9月``,
   ``三月``.  A heading opens a Section (kind ``year``/``month``) and resets
   the day sequence.
3. Markers.  ``同日/当日/是日`` take the previous event's date; ``是月/同月``
   the month, ``是年/同年`` the year of the context.  A bullet
   (``▲△☆★◆``) starts an event: under a bare date line (a date with its
   items below it) it shares that day, otherwise it is a month-level item of
   the current month.
4. A date token at line start (see ``builder.dates``).  Forms without a day
   (``2012 年``, ``2012.3``, ``3月``) must be followed by whitespace or
   nothing, so ``2013 年预算草案…``/``2020 年底，…`` stay continuations.  A
   token with a month (``1月 21日由…``) continues the current event when that
   event's text stops mid-sentence.
5. Anything else continues the current event (joined with ``join_wrapped``).

Two events on one line are split where a full date (month and day) follows a
sentence end and is not earlier than the current event.

Month inference for day-only entries (``13日``) when no month heading is in
force: start at month 1 and step to the next month when the day falls more
than 3 below the previous one (ranges count by their end day).  Inferred
months get a Section with ``present=False``.  Under a stated month a falling
day is flagged ``out-of-order``; impossible dates are flagged
``impossible-date``.  File order is always kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from builder.model.document import (
    Block,
    DateSpec,
    Document,
    Dropped,
    Event,
    Line,
    PartialDate,
    Section,
    Source,
)
from builder.parse.dates import DateMatch, match_date, validate
from builder.sources.normalise import is_blank, join_wrapped

__all__ = ["parse_chronicle", "parse_events"]

ChronicleNode = Section | Event | Block

_SPACES = re.compile(r"\s+")
_RULE = re.compile(r"^\s*([-*_=])(?:\s*\1){2,}\s*$")
_RUNNING_HEAD = re.compile(r"^(?:\S{0,16}大事(?:记|纪)\s*\d{1,4}|\d{1,3}\s+\S{0,16}大事(?:记|纪))$")
_TITLE = re.compile(r"^\S{0,16}大事(?:记|纪|年表|纪要)\s*(?:[（(][^（）()]{0,24}[）)])?$")
_YEAR_HEAD = re.compile(r"^(?:\d{1,3}\s*[.、．]\s*)?(\d{4})\s*年\s*[：:]?$")
_MONTH_HEAD = re.compile(r"^(\d{1,2})\s*月\s*[：:]?$")
_MONTH_YEAR_HEAD = re.compile(r"^(?:(\d{1,2})\s*/\s*(\d{4})|(\d{4})\s*年\s*(\d{1,2})\s*月\s*[：:]?)$")
_CN_MONTH_HEAD = re.compile(r"^(十[一二]?|[一二三四五六七八九])月\s*[：:]?$")
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_BULLET = re.compile(r"^[▲△☆★◆◇]\s*")
_SAME_DAY = re.compile(r"^(同日|当日|是日)[，,：:\s]*")
_SAME_PERIOD = re.compile(r"^(是月|同月|当月|本月|是年|同年|当年|本年|是岁)(?:[，,：:\s]+|$)")
_MARKUP = re.compile(r"^\s*(?:#{1,6}\s*|[-*+]\s+(?=\S))")
_UNIT_AFTER = re.compile(r"^[\d.％%‰万亿千百元平公吨亩米个人户家项余多]")
_SENTENCE_END = re.compile(r"(?:[。！？!?；;）)」』”\"]|(?<=[\u4e00-\u9fff》」”）])[Oo0])$")
_RUN_SPLIT = re.compile(
    r"[。！？；]\s*(?=(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}[.．]\d{1,2}[.．]\d{1,2}\s)"
)


def _clean(text: str) -> str:
    """Drop Markdown heading/list markers and bold marks; trim."""
    return _MARKUP.sub("", text).replace("**", "").strip()


def _ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text.rstrip()))


def _month_heading(text: str) -> tuple[int | None, int] | None:
    """``(year or None, month)`` when the line is a month heading."""
    m = _MONTH_HEAD.match(text)
    if m:
        month, year = int(m[1]), None
    elif (m := _MONTH_YEAR_HEAD.match(text)) is not None:
        month = int(m[1] or m[4])
        year = int(m[2] or m[3])
    elif (m := _CN_MONTH_HEAD.match(text)) is not None:
        word = m[1]
        month = 10 + (_CN_DIGITS.get(word[1:], 0) if len(word) > 1 else 0) if word[0] == "十" else _CN_DIGITS[word]
        year = None
    else:
        return None
    return (year, month) if 1 <= month <= 12 else None


@dataclass
class _Builder:
    """Holds the parse state: context date, open sections, current record."""

    source: Source
    year: int | None
    path: tuple[str, ...]
    nodes: list[ChronicleNode] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    year_sec: Section | None = None
    month_sec: Section | None = None
    day_sec: Section | None = None
    month: int | None = None
    month_stated: bool = False
    prev_day: int | None = None  # end day of the previous day-dated event
    prev_start: int = 0  # its start day
    last: DateSpec | None = None
    item_date: DateSpec | None = None  # date shared by bullets under a bare date line
    current: Event | Block | None = None
    parts: list[str] = field(default_factory=list)

    # -- tree ---------------------------------------------------------------

    def container(self) -> list:
        for sec in (self.day_sec, self.month_sec, self.year_sec):
            if sec is not None:
                return sec.children
        return self.nodes

    def sec_path(self) -> tuple[str, ...]:
        secs = (self.year_sec, self.month_sec, self.day_sec)
        return self.path + tuple(s.title for s in secs if s is not None)

    def flush(self) -> None:
        if self.current is not None:
            self.current.text = join_wrapped(self.parts)
        self.current, self.parts = None, []

    def open_year(self, title: str, year: int, line: int) -> None:
        self.flush()
        self.year_sec = Section(title=title, kind="year", line=line)
        self.nodes.append(self.year_sec)
        self.month_sec = self.day_sec = None
        self.year, self.month, self.month_stated = year, None, False
        self.prev_day, self.last, self.item_date = None, None, None

    def open_month(self, title: str, month: int, line: int, *, present: bool = True) -> None:
        self.flush()
        self.month_sec = self.day_sec = None
        sec = Section(title=title, kind="month", line=line, present=present)
        self.container().append(sec)
        self.month_sec = sec
        self.month, self.month_stated = month, present
        self.prev_day, self.item_date = None, None

    def add_event(self, date: DateSpec, text: str, line: int, marker: str, flags: list[str]) -> None:
        self.flush()
        if validate(date):
            flags = [*flags, "impossible-date"]
        event = Event(date=date, text="", line=line, marker=marker, source_id=self.source.id,
                      path=self.sec_path(), flags=flags)
        self.container().append(event)
        self.current, self.parts = event, [text]

    def add_text(self, text: str, line: int) -> None:
        if self.current is None:
            block = Block(kind="paragraph", text="", line=line)
            self.container().append(block)
            self.current = block
        self.parts.append(text)

    def drop(self, line: int, text: str, reason: str) -> None:
        self.dropped.append(Dropped(line, text, reason))

    # -- dates --------------------------------------------------------------

    def context(self, month: bool = True) -> DateSpec:
        year = self.last.start.year if self.last else self.year
        if year is None:
            return DateSpec(PartialDate(0), "unknown")
        mon = self.month if self.month is not None else (self.last.start.month if self.last else None)
        if month and mon is not None:
            return DateSpec(PartialDate(year, mon), "month")
        return DateSpec(PartialDate(year), "year")


def _token(b: _Builder, text: str) -> DateMatch | None:
    """A date token that may start an event (rule 4 of the module doc)."""
    hit = match_date(text, year=b.year, month=b.month if b.month is not None else 1)
    if hit is None or hit.style == "era":
        return hit
    after = text[hit.end:]
    spec = hit.spec
    if spec.start.day is None and after and not after[0].isspace():
        return None
    if hit.style == "dotted" and _UNIT_AFTER.match(after.lstrip()):
        return None
    in_prose_form = hit.style == "units" and "月" in spec.raw
    if in_prose_form and b.current is not None and b.parts and not _ends_sentence(b.parts[-1]):
        return None
    return hit


def _day_only(hit: DateMatch) -> bool:
    return hit.spec.start.day is not None and hit.style != "dotted" and "月" not in hit.spec.raw


def _end_day(spec: DateSpec) -> int:
    return (spec.end.day if spec.end and spec.end.day else spec.start.day) or 0


def _resolve(b: _Builder, hit: DateMatch, text: str, line: int) -> tuple[DateSpec, list[str]]:
    """Apply month inference / ordering checks; update the context."""
    spec, flags = hit.spec, []
    if not _day_only(hit):
        if spec.end is None and not spec.others:
            b.year = spec.start.year
            if spec.start.month is not None:
                b.month, b.month_stated = spec.start.month, True
                b.prev_day = _end_day(spec) or None
                b.prev_start = spec.start.day or 0
        return spec, flags
    day = _end_day(spec)
    if b.month is None:
        b.open_month("1月", 1, line, present=False)
    elif b.prev_day is not None and not b.month_stated and day < b.prev_day - 3 and b.month < 12:
        b.open_month(f"{b.month + 1}月", b.month + 1, line, present=False)
        spec = match_date(text, year=b.year, month=b.month).spec  # type: ignore[union-attr]
    elif b.prev_day is not None and b.month_stated and day < b.prev_start:
        flags.append("out-of-order")
    b.prev_day, b.prev_start = day, spec.start.day or 0
    return spec, flags


def _is_title(b: _Builder, text: str) -> bool:
    """A line that is only a chronicle title, not the tail of a sentence."""
    if not _TITLE.match(text) or _token(b, text):
        return False
    return not (b.current is not None and b.parts and not _ends_sentence(b.parts[-1]))



# -- line handlers -----------------------------------------------------------


def _furniture(b: _Builder, raw: str, text: str, line: int) -> bool:
    if _RULE.match(raw):
        b.drop(line, raw.strip(), "rule")
    elif _RUNNING_HEAD.match(_SPACES.sub(" ", text)):
        b.drop(line, raw.strip(), "running-head")
    elif _is_title(b, text):
        b.drop(line, raw.strip(), "title")
        year = re.search(r"(\d{4})\s*年", text)
        if b.year is None and year:
            b.year = int(year[1])
    else:
        return False
    return True


def _heading(b: _Builder, text: str, line: int) -> bool:
    m = _YEAR_HEAD.match(text)
    if m:
        b.open_year(_SPACES.sub("", text).rstrip("：:"), int(m[1]), line)
        return True
    month = _month_heading(text)
    if month is None:
        return False
    if month[0] is not None and month[0] != b.year:
        b.flush()
        b.year, b.year_sec = month[0], None
    b.open_month(_SPACES.sub("", text).rstrip("：:"), month[1], line)
    return True


def _marker(b: _Builder, text: str, line: int, next_text: str) -> bool:
    if (m := _SAME_DAY.match(text)) is not None:
        date = b.last or b.context()
        b.add_event(date, text[m.end():], line, m[1], [])
        return True
    if (m := _SAME_PERIOD.match(text)) is not None:
        b.add_event(b.context(month="月" in m[1]), text[m.end():], line, m[1], [])
        return True
    if (m := _BULLET.match(text)) is not None:
        rest = text[m.end():]
        if _dated(b, rest, line, next_text, bullet=text[: m.end()].strip()):
            return True
        b.add_event(b.item_date or b.context(), rest, line, text[: m.end()].strip(), [])
        return True
    return False


def _dated(b: _Builder, text: str, line: int, next_text: str, bullet: str = "") -> bool:
    hit = _token(b, text)
    if hit is None:
        return False
    date, flags = _resolve(b, hit, text, line)
    rest = text[hit.end:].lstrip("，,：: \t")
    b.last = date
    b.item_date = None
    if b.day_sec is not None:
        b.flush()
        b.day_sec = None
    if not rest and not bullet and _BULLET.match(next_text):
        b.flush()
        day = Section(title=hit.spec.raw, kind="day", line=line)
        b.container().append(day)
        b.day_sec, b.item_date = day, date
        return True
    b.add_event(date, rest, line, bullet + hit.spec.raw, flags)
    return True


def _run_cuts(text: str) -> list[int]:
    """Where a full date follows a sentence end inside a line."""
    return [m.end() for m in _RUN_SPLIT.finditer(text)]


def _splits_here(b: _Builder, piece: str) -> bool:
    """A cut piece starts a new event if its date does not go back in time."""
    hit = match_date(piece, year=b.year, month=b.month)
    if hit is None or not piece[hit.end:].strip():
        return False
    anchor = b.last.start.sort_key() if b.last else (0, 0, 0)
    return hit.spec.start.sort_key() >= anchor


def _one_line(b: _Builder, raw: str, line: int, next_text: str) -> None:
    text = _clean(raw)
    if not text or _furniture(b, raw, text, line) or _heading(b, text, line):
        return
    if _marker(b, text, line, next_text) or _dated(b, text, line, next_text):
        return
    b.add_text(text, line)


def _next_nonblank(lines: list[Line]) -> list[int]:
    """For each line, the index of the next non-blank line after it (``len(lines)`` if none):
    one pass from the end, so finding the next line costs nothing per line."""
    out = [len(lines)] * len(lines)
    nxt = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        out[i] = nxt
        if not is_blank(lines[i]):
            nxt = i
    return out


def parse_events(
    lines: list[Line], *, source: Source, year: int | None, path: tuple[str, ...] = ()
) -> tuple[list[ChronicleNode], list[Dropped]]:
    """Parse chronicle lines into year/month Sections and Events, in file order.

    ``year`` is the year of entries that do not print one (yearbooks pass
    their content year); ``path`` prefixes every Event's ``path``.  Text
    before the first event is kept as a paragraph Block.
    """
    b = _Builder(source=source, year=year if year is not None else source.content_year, path=path)
    following = _next_nonblank(lines)
    for i, ln in enumerate(lines):
        if is_blank(ln):
            continue
        cuts = _run_cuts(ln.text)
        bounds = list(zip([0, *cuts], [*cuts, len(ln.text)]))
        head = ln.text[: bounds[0][1]]
        nxt = following[i]
        next_text = (_clean(lines[nxt].text) if nxt < len(lines) else "") if not cuts else ln.text[cuts[0]:]
        _one_line(b, head, ln.no, next_text)
        for lo, hi in bounds[1:]:
            piece = ln.text[lo:hi]
            if not (_splits_here(b, piece) and _dated(b, piece.strip(), ln.no, "")):
                b.add_text(piece, ln.no)
    b.flush()
    return b.nodes, b.dropped


def parse_chronicle(source: Source, lines: list[Line]) -> Document:
    """A whole chronicle document; the printed title (``大事记``) is listed in
    ``dropped`` with reason ``title`` and kept as ``meta["printed_title"]``."""
    if source.lines:
        lo, hi = source.lines
        lines = [ln for ln in lines if lo <= ln.no <= hi]
    first = next((ln.no for ln in lines if not is_blank(ln)), 1)
    nodes, dropped = parse_events(lines, source=source, year=source.content_year)
    root = Section(title=source.title, kind="document", line=first, children=list(nodes))
    doc = Document(source=source, root=root, dropped=dropped)
    titles = [d.text for d in dropped if d.reason == "title"]
    if titles:
        doc.meta["printed_title"] = _clean(titles[0])
    return doc  # a date's flags (impossible-date, …) stay on its event, where `fangzhi check` reads them
