"""The one typed model every pipeline stage reads and writes.

Data flows one way: ``Source`` (from site_config) + raw text -> ``Line`` lists
(normalise) -> ``Document`` trees of ``Section``/``Block``/``Entry``/``Event``
(parse) -> enriched records (regions, topics) -> pages and data files (render).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, Union

Genre = Literal["chronicle", "yearbook", "report"]
Precision = Literal["day", "xun", "month", "season", "early", "year", "range", "list", "unknown"]


# ---------------------------------------------------------------------------
# Configuration objects (site_config/*.yml)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One *document* described in ``site_config/sources.yml``.

    Several documents may live in one file (``lines`` gives the 1-based,
    inclusive line range of the document inside ``file``).
    """

    id: str
    file: str
    title: str
    genre: Genre
    region: str
    years: tuple[int, ...]
    lines: tuple[int, int] | None = None
    content_year: int | None = None  # year of undated events (e.g. yearbook edition - 1)
    content_month: int | None = None  # month of day-only events when the text prints none
    era: str = ""  # the era in force where years print without one (民国: ``39年`` is 1950)
    publisher: str = ""
    editor: str = ""
    edition: str = ""
    date: str = ""  # ISO date the document was delivered/published, if known
    speaker: str = ""
    complete: bool = True
    description: str = ""
    inferred: tuple[str, ...] = ()  # which fields are inferred rather than stated
    encoding: str | None = None  # declared encoding; None = detect
    where: str = field(default="", compare=False, repr=False)  # "sources.yml:<line>" of the record, for errors


@dataclass(frozen=True)
class Region:
    """An administrative unit. ``code`` is its official division code (GB/T 2260 /
    统计用区划代码) where it has one; ``valid_from``/``valid_to`` (ISO dates or
    years) bound when it existed; ``history`` lists its changes as printed."""

    id: str
    name: str
    level: str  # 省/地级市/区/县/县级市/街道/乡/镇/村/社区
    parent: str | None = None
    aliases: tuple[str, ...] = ()
    code: str = ""
    valid_from: str = ""
    valid_to: str = ""
    history: tuple[str, ...] = ()
    successor: str | None = None
    short: tuple[str, ...] = ()  # short forms from the division data (连云港, 安国): they count only where safe


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    keywords: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()  # yearbook 类目/部类 names that map onto this topic
    bodies: tuple[str, ...] = ()  # bodies whose own acts (a record that opens with one) belong to this topic
    # bodies that govern every field (市委, 市政府): a record one opens takes the topic its words point to,
    # and this one only when they point to none
    governing: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Correction:
    """A reviewed erratum (site_config/corrections.yml): on ``line`` of the
    source's file (0 = find it by ``context``), ``wrong`` as printed -> ``right``."""

    source: str
    line: int
    wrong: str
    right: str
    note: str = ""
    context: str = ""  # a longer piece of the line around ``wrong``, to place it
    where: str = ""  # corrections.yml:LINE, for error messages


@dataclass(frozen=True)
class Fix:
    """One change made to a source line before parsing: an OCR fix or a
    reviewed correction. ``col`` is where ``after`` starts in the fixed line."""

    line: int
    col: int
    before: str
    after: str
    rule: str  # e.g. "ocr-block", "ocr-permille", "correction"
    note: str = ""


@dataclass(frozen=True)
class Mark:
    """Where a ``Fix`` shows in a record's text: ``text[start:end]`` stands for ``original``."""

    start: int
    end: int
    original: str
    rule: str
    note: str = ""


# ---------------------------------------------------------------------------
# Text as read
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One physical line of a source file (``no`` is 1-based, as editors count)."""

    no: int
    text: str


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PartialDate:
    """A Gregorian date known to the year, month or day.

    Years count as historians do (-1 is 1 BCE; there is no year 0).  ``month``
    may be unknown while ``day`` is known (``13日`` with no month in scope):
    ``iso()`` then gives the year alone and ``edtf()`` marks the month ``XX``.
    Year ``0`` (which historians' years never use) is an unknown year: ``edtf()`` writes it
    ``XXXX`` (``XXXX-11-03``).
    """

    year: int
    month: int | None = None
    day: int | None = None

    def iso(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def edtf(self) -> str:
        """EDTF (ISO 8601-2): astronomical years (1 BCE is ``0000``), ``XX`` for an unknown month."""
        y = self.year + 1 if self.year < 0 else self.year
        year = "XXXX" if self.year == 0 else f"-{-y:04d}" if y < 0 else f"{y:04d}"
        if self.month is None:
            return year if self.day is None else f"{year}-XX-{self.day:02d}"
        if self.day is None:
            return f"{year}-{self.month:02d}"
        return f"{year}-{self.month:02d}-{self.day:02d}"

    def sort_key(self) -> tuple[int, int, int]:
        # Undated parts sort after dated ones of the same enclosing period.
        return (self.year, self.month or 13, self.day or 32)


_SEASON_EDTF = {"春": 21, "夏": 22, "秋": 23, "冬": 24}


@dataclass(frozen=True)
class DateSpec:
    """A parsed date with its precision.

    ``start`` is the anchor; ``end`` is set for ranges; ``others`` holds the
    further days of a list (``2019.9.20、10.14、11.14``); ``qualifier`` keeps
    words like 初/上旬/春 and ``time`` a time of day (``零点``); ``raw`` is the
    date exactly as printed.  ``calendar`` is ``gregorian`` or ``chinese``:
    a Chinese-calendar (lunar) date keeps its own reading in ``original``
    (``1942-L03``, ``1686-L04-21``; ``leap`` for a 闰 month) while
    ``start``/``end`` hold the Gregorian day or interval computed from it.
    An era-name date keeps the era form in ``era`` (``康熙二十三年``).
    ``approximate`` is set by 左右/前后/约.
    """

    start: PartialDate
    precision: Precision
    end: PartialDate | None = None
    others: tuple[PartialDate, ...] = ()
    qualifier: str = ""
    time: str = ""
    raw: str = ""
    calendar: str = "gregorian"
    original: str = ""
    leap: bool = False
    era: str = ""
    approximate: bool = False

    def iso(self) -> str:
        if self.end is not None:
            return f"{self.start.iso()}/{self.end.iso()}"
        return self.start.iso()

    def edtf(self) -> str:
        """The date in EDTF (Library of Congress Extended Date/Time Format, ISO 8601-2).

        Seasons are EDTF 21–24 (``1986-22``); a range is an interval; a list
        of days a set (``{2019-09-20,2019-10-14}``); an unknown month ``XX``;
        左右 an approximate date (``0540~``).  What EDTF cannot say (上旬, 月底 …)
        stays in ``qualifier``.
        """
        if self.precision == "unknown" or self.start.year == 0 and self.start.month is None and self.start.day is None:
            return "XXXX"
        if self.end is not None:
            out = f"{self._point(self.start, 0)}/{self._point(self.end, -1)}"
        elif self.others:
            out = "{" + ",".join(p.edtf() for p in (self.start, *self.others)) + "}"
        else:
            out = self._point(self.start, 0)
        plain = "/" not in out and "{" not in out and "X" not in out  # EDTF has no ``~`` on an unspecified date
        return out + "~" if self.approximate and plain else out

    def _point(self, p: PartialDate, which: int) -> str:
        season = _SEASON_EDTF.get(self.qualifier[which]) if self.precision == "season" and self.qualifier else None
        if season and p.month is None and self.calendar == "gregorian":
            return f"{p.edtf()}-{season}"
        return p.edtf()

    def years(self) -> list[int]:
        """The years the date covers; none for an unknown year (year ``0``)."""
        if self.start.year == 0:
            return []
        last = self.end.year if self.end else self.start.year
        years = set(range(self.start.year, last + 1))
        years.update(d.year for d in self.others)
        return sorted(years)

    def sort_key(self) -> tuple:
        return (*self.start.sort_key(), self.end.sort_key() if self.end else (0, 0, 0))


# ---------------------------------------------------------------------------
# Parsed structure
# ---------------------------------------------------------------------------

BlockKind = Literal["paragraph", "table", "list", "caption", "credit", "note"]


@dataclass
class Block:
    """A paragraph-like unit of running text (or a table) inside a section."""

    kind: BlockKind
    text: str
    line: int
    rows: list[list[str]] | None = None  # for tables
    marks: list[Mark] = field(default_factory=list)  # fixed spans of ``text``
    head: int = 0  # tables: how many of the rows are header rows
    caption: str = ""  # tables: the title printed above it


@dataclass
class Entry:
    """A yearbook 条目: a titled block (``【标题】正文``)."""

    title: str
    text: str
    line: int
    blocks: list[Block] = field(default_factory=list)  # further paragraphs/tables
    id: str = ""
    source_id: str = ""
    path: tuple[str, ...] = ()  # titles of the enclosing sections
    regions: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    topic_possible: bool = False  # a close call (see Event.topic_possible)
    marks: list[Mark] = field(default_factory=list)  # fixed spans of ``text``

    @property
    def full_text(self) -> str:
        return "\n".join([self.text, *(b.text for b in self.blocks)]).strip()


@dataclass
class Event:
    """A chronicle (大事记) event."""

    date: DateSpec
    text: str
    line: int
    marker: str = ""  # the date token as printed, 同日, ▲ ...
    id: str = ""
    source_id: str = ""
    path: tuple[str, ...] = ()
    regions: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    # the topic is a close call (no topic's words clearly ahead: the first named of those close won),
    # shown as a possible topic, not a sure one (builder/enrich/annotate.py, event_decisions)
    topic_possible: bool = False
    flags: list[str] = field(default_factory=list)  # e.g. "out-of-order", "impossible-date"
    marks: list[Mark] = field(default_factory=list)  # fixed spans of ``text``
    attribution: str = ""  # where the entry says it comes from: ``（摘自《…日报》）``, ``资料来源:…``

    @property
    def full_text(self) -> str:
        return self.text


Node = Union["Section", Block, Entry, Event]


@dataclass
class Section:
    """A heading and what stands under it.

    ``kind`` names the level in the domain: part/section (reports, 一、/（一）),
    category/subcategory/subsubcategory (yearbook 部类·类目/分目/次分目),
    year/month (chronicles), front (front matter), chronicle (a 大事记 part), article (an article a
    chronicle page embeds: its title, its text as Blocks, lines ``line``..``end``).
    """

    title: str
    kind: str
    line: int
    children: list[Node] = field(default_factory=list)
    id: str = ""
    topics: list[str] = field(default_factory=list)
    topic_possible: bool = False  # a close call (see Event.topic_possible)
    regions: list[str] = field(default_factory=list)
    present: bool = True  # False when the heading is only known from the TOC
    end: int = 0  # the last line of its text, where it is tracked (kind ``article``: an article a chronicle embeds)

    def walk(self) -> Iterator[Node]:
        for child in self.children:
            yield child
            if isinstance(child, Section):
                yield from child.walk()

    def sections(self) -> Iterator[Section]:
        for node in self.walk():
            if isinstance(node, Section):
                yield node

    def events(self) -> Iterator[Event]:
        for node in self.walk():
            if isinstance(node, Event):
                yield node

    def entries(self) -> Iterator[Entry]:
        for node in self.walk():
            if isinstance(node, Entry):
                yield node

    @property
    def full_text(self) -> str:
        return "\n".join(c.text for c in self.children if isinstance(c, Block))


@dataclass(frozen=True)
class Dropped:
    """A line (or part of one) left off the pages as page furniture, and why.

    Nothing is dropped silently: every removed piece of source text is listed
    here and published in the ledger.
    """

    line: int
    text: str
    reason: str  # e.g. "toc", "running-head", "page-number", "slogan", "blank-junk"


@dataclass(frozen=True)
class Problem:
    """Something a parser or the ledger found wrong in a document, for `fangzhi check`.

    ``kind`` is a check kind: ``toc-missing``, ``incomplete`` or ``text-lost``."""

    kind: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class Document:
    """A parsed source document: its metadata and its section tree."""

    source: Source
    root: Section
    meta: dict[str, str] = field(default_factory=dict)  # subtitle, speaker, date as found
    dropped: list[Dropped] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # for `fangzhi check`
    fixes: list[Fix] = field(default_factory=list)  # OCR fixes and corrections, in line order
    whitespace: dict[str, int] = field(default_factory=dict)  # ledger counts, made when parsed (and cached)

    def events(self) -> list[Event]:
        return list(self.root.events())

    def entries(self) -> list[Entry]:
        return list(self.root.entries())

    def sections(self) -> list[Section]:
        return list(self.root.sections())


def short_hash(*parts: str, length: int = 6) -> str:
    """A stable short hash for ids (content-derived, so ids survive reordering)."""
    h = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return h[:length]
