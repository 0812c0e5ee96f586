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
sentence end and is not earlier than the current event.  A date OCR glued to
the text before it (no punctuation) splits only when it keeps the order, ends
a clause of its own and an item's text follows it (``_glued_item``).

A two-column page whose text layer joined the columns line by line with one space is read left column
first, then right (``builder.parse.columns``; each part keeps its line number, the page is listed in the
ledger under ``two-column``); where OCR letter-spacing hides such a boundary, a line is still cut at a wide
column gap and the piece after the gap starts a paragraph of its own.

Also: an article the page embeds (a short title, then running prose that no
date starts) is a Section of kind ``article`` (``_article_title``); the date
cells of a table flattened into paragraphs date the paragraphs after them
(``_table_cell``); a span the entry's first clause tells (``…不雨至於丙午年
(1546)夏六月,…``) makes the entry a range (``_narrative_end``); in a text of
one item a line, a line with its full date inside its first sentence is an
item (``_inner_dated``); a text of one paragraph is read as a document run into one line, however short: the full
date of its first sentence dates its first item, and a later year at a sentence start (also alone or run into its
verb, where the items before print their years in digits) starts one.  The rules in words: docs/editorial.md.

Month inference for day-only entries (``13日``) when no month heading is in
force: start at month 1 and step to the next month when the day falls more
than 3 below the previous one (ranges count by their end day).  Inferred
months get a Section with ``present=False``.  Under a stated month a falling
day is flagged ``out-of-order``; impossible dates are flagged
``impossible-date``.  File order is always kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date as calendar_day
from datetime import timedelta
from functools import lru_cache

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
from builder.parse.columns import read_columns
from builder.parse.dates import DateMatch, cn_int, match_date, refine, validate
from builder.parse.eras import Era, dynasty_names, dynasty_span, lookup
from builder.sources.normalise import is_blank, join_wrapped

__all__ = ["parse_chronicle", "parse_events"]

ChronicleNode = Section | Event | Block

_SPACES = re.compile(r"\s+")
_RULE = re.compile(r"^\s*([-*_=])(?:\s*\1){2,}\s*$")
_EMPTY = re.compile(r"^[\s|｜:：•·*\-—_=]*$")
_COMMENT = re.compile(r"^\s*<!--.*-->\s*$")
_PAGE_NO = re.compile(r"^\s*(?:[-—]\s*)?(?:\d{1,3}|\d{5,})(?:\s*[-—])?\s*$|^\s*(?:Page|P\.)\s*\d+\b.{0,40}$|^\s*第\s*\d+\s*[頁页]")
_ISO_DAY = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}(?:\s|$)")  # ``2016-11-03``: a web page's posting date
_TIMESTAMP = re.compile(r"^\s*\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}\s+\d{1,2}\s*:\s*\d{2}(?:\s*:\s*\d{2})?\s*$")
_BOILER_ANY = re.compile(
    r"当前位置|当前的位置|當前的位置|当前所在位置|您现在的位置|您的位置|首[页頁]\s*[>»]|[发發][布表](?:日期|[时時][间間])|"
    r"發\(fā\)布|浏览次数|瀏覽次數|点击次数|点击率|點擊|更新时间|更新時間|Original URL|Powered by|责编|責編|"
    r"责任编辑|責任編輯|相关阅读|相關閱讀|打印本[页頁]|字[体體][调調]节|字[体體]:|用戶中心|手機版|手机版|版权所有|版權所有|"
    r"上一篇|下一篇|关闭窗口|評論\(|评论\("
)
_BOILER_START = re.compile(
    r"^\s*(?:作者\s*[:：]|来源\s*[:：]|(?:发布|發布|更新)?[时時][间間]\s*[:：]\s*\d{4}\s*[-/.年]|來源\s*[:：]|分享\s*$|登[陆录陸錄]|欢迎|歡迎|知识类型|知識類型|查看原文|内容出处|"
    r"唯一号|颗粒名称|分类号|页数|页码|摘要[:：]|关键词[:：]|家乡区县|回[頁页]頂|加入此網頁|轉寄|我的筆記本|"
    r"文章内容由|如果您喜欢|已获得|已有\d+网友|无相关信息|無相關信息)"
)
_RUNNING_HEAD = re.compile(
    r"^(?:\S{0,16}大事(?:记|纪|記|紀)\s*[-—]?\s*\d{1,4}\s*[-—]?|\d{1,3}\s+\S{0,16}大事(?:记|纪|記|紀))$"
)
_TITLE = re.compile(
    r"^(?:(?:标题|標題)\s*[:：]\s*)?[^。，,；;！？]{0,32}?(?:大\s*事\s*(?:记|纪|記|紀|年表|纪要|紀要|件)|日[志誌]|编年|編年)"
    r"[^。，,；;！？]{0,24}$"
)
_YEAR_HEAD = re.compile(r"^(?:第\S{1,4}[章节節]\s*)?(?:\d{1,3}\s*[.、．]\s*)?(\d{4})\s*年?\s*[：:]?$")
_MONTH_HEAD = re.compile(r"^(?:\S{0,8}大事[记記纪紀]\s*)?(\d{1,2})\s*月\s*[：:]?(?:\s*大事[记記纪紀])?$")
_MONTH_YEAR_HEAD = re.compile(
    r"^(?:(\d{1,2})\s*/\s*(\d{4})|(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*份)?\s*(?:大事[记記纪紀])?\s*[：:]?)$"
)
_CN_MONTH_HEAD = re.compile(r"^(十[一二]?|[一二三四五六七八九正元冬腊臘])月\s*[：:]?$")
_MD_HEAD = re.compile(r"^(\d{1,2})\s*[﹐,，.．/]\s*(\d{1,2})\s*(?:[（(][^（）()]{0,20}[）)])?\s*$")
_BRACKETED = re.compile(r"^(?P<name>[^\s（()）。，,；;]{1,12}?)\s*[（(](?P<inner>[^（）()]{1,24})(?:[）)]|$)\s*[：:]?$")
_PERIOD_END = ("时代", "時代", "时期", "時期")
_ERA_NUMBER = re.compile(r"^\s*(?:民国|民國|中华民国|中華民國)\s*(?:\d{1,2}|[一二三四五六七八九十廿卅]{1,3})\s*$")
_BULLET = re.compile(r"^(?:[▲△☆★◆◇•●■□◎]|[甲乙丙丁戊己庚辛壬癸]、)\s*")
_ENUM = re.compile(r"^(?:[一二三四五六七八九十]{1,3}|\d{1,2})、\s*")
_NEXT_DAY = re.compile(r"^(次日|翌日)[，,：:\s]*")
_SAME_DAY = re.compile(r"^((?:同|当|當|是|本)[ \t\u3000]?日)[，,：:\s]*")  # OCR letter-spacing: ``是 日``
_SAME_PERIOD = re.compile(r"^((?:是|同|当|當|本)[ \t\u3000]?[月年]|是[ \t\u3000]?[岁歲])[，,：:\s]*")
_MARKUP = re.compile(r"^\s*(?:#{1,6}\s*|[-*+]\s+(?=\S))")
_UNIT_AFTER = re.compile(r"^[\d.％%‰万亿千百元平公吨亩米个人户家项余多]")
_SENTENCE_END = re.compile(r"(?:[。！？!?；;）)」』”\"]|(?<=[\u4e00-\u9fff》」”）])[Oo0.．])$")
# a date glued into running text by OCR (``…来连3月2日赣榆…``): an Arabic month-day or day right after a
# Chinese character, with no punctuation or space between (``_glued_item`` decides whether it starts an item)
_GLUED_DATE = r"(?:\d{1,2}月)?\d{1,2}日[\u4e00-\u9fff]"
# where a second item may start inside a line: after a sentence end, a column gap, before an enumerator
# (二、 / 丁、), before a bracketed 民国 year, or before a glued date (not after a word that makes it a follow-up)
_CUT = re.compile(
    r"(?:(?<=[。！？；;])[ \t\u3000]*|(?<=\S)[ \t\u3000]{3,}|(?<=[。！？；;\s])(?=[一二三四五六七八九十]{1,3}、|[甲乙丙丁戊己庚辛壬癸]、)"
    r"|(?<=[\u4e00-\u9fff])(?=(?:民国|民國)\s*\d{1,2}\s*年\s*[（(]\s*\d{4}\s*年?\s*[）)]\s)"
    r"|(?<=[\u4e00-\u9fff])(?<![年月日号號于於在至到自从從及与與和或是每约約截止前后後迟遲晚早])(?=" + _GLUED_DATE + "))"
    r"(?=\S)"
)
_GLUED = re.compile(r"(?<=[\u4e00-\u9fff])(?<![年月日号號])" + _GLUED_DATE)  # the cut above was at a glued date
_CLAUSE_END = re.compile(r"[。！？；;，,：:、（(）)《》“”「」\s]")
_NOT_AFTER_MONTH = re.compile(r"^(?:份|底|末|初|以|前|后|後|间|間|内|內|止|起|至|到|的|里|裏)")
_OCR_MONTH_DAY = re.compile(r"^([1-9]|1[0-2])([0-3]\d)\s*日")
_SINCE = re.compile(r"^[从從自](?=\s*\d{1,4}\s*[年月日])")
_HALVES = ("上半年", "下半年", "前季", "后季", "後季")
_ATTRIBUTION_START = re.compile(r"^[（(]|^(?:资料来源|資料來源|来源|來源|摘自)")
_YEAR_MARK = re.compile(r"^(是年|同年|本年|是歲|是岁)\s*[，,：:\s]")
_INLINE_DATE = re.compile(r"[。；;]\s*(?:\d{1,2}\s*月|\d{1,2}\s*日|(?:民国|民國)?\d{1,4}\s*年)")
# a date cell of a table flattened into paragraphs: a bare day (or month) number, or a day range, alone on its line
_CELL = re.compile(r"^\s*(\d{1,2})(?:\s*[—–~～-]\s*(\d{1,2}))?\s*$")
_LINE_DATE = re.compile(r"^\s*(?:\d{4}\s*年|\d{1,2}\s*月|\d{1,2}\s*日)")
# a full date (year, month, day) inside an item's first sentence: ``经国务院批准,…自治州于1956年8月8日正式成立。``
_INNER_DAY = re.compile(r"(?<!\d)\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
_LINE_DAY = re.compile(r"^\s*(?:\d{4}\s*年\s*)?(?:\d{1,2}\s*月\s*)?\d{1,2}\s*日")
_INLINE_DAY = re.compile(r"[。；;]\s*(?:\d{1,2}\s*月\s*)?\d{1,2}\s*日\s*[，,]")
# anti-scraping filler of forum pages: runs of 1–3 ASCII characters between spaces (``5 r1 a4 T8 V9 J/ H``)
_NOISE_LINE = re.compile(r"^\s*(?:[!-~]{1,3}\s+){3,}[!-~]{0,3}\s*$")
_NOISE_HEAD = re.compile(
    r"^\s*(?:[!-~]{1,3}\s+){3,}[!-~]{0,2}?(?=[0-9]{1,4}\s*[年月日]|[一二三四五六七八九十〇○]{1,4}[年月]|[△▲☆★◆●■])")
_NOISE_TAIL = re.compile(r"(?<=[年月日])\s*[!-~]{1,3}(?:\s+[!-~]{1,3}){2,}\s*$")
_DYNASTY_LABEL = re.compile(r"^([\u4e00-\u9fff]{1,4}?)(?:朝|代)?\s*[,，、:：]\s*")
# where an entry says it comes from, at its end: ``（摘自《吴江日报》）``, ``资料来源:清光绪《…》…``, ``（市委）``
_ATTRIBUTION = re.compile(
    r"(?:[（(](?:摘自|摘编自|摘編自|选自|選自|转引自|轉引自|据|據|来源[:：]?|來源[:：]?)[^（）()]{1,80}[)）]"
    r"|(?<=[。！？」”])[（(][\u4e00-\u9fff]{1,8}[)）]"
    r"|(?<=[。！？」”])(?:资料来源|資料來源|资料出处|資料出處)[:：][^\n]{1,400})$"
)
_INLINE_MARK = re.compile(r"^(同日|当日|當日|是日|本日|同月|是月|当月|當月|本月)(?:[，,：:\s]|(?=[\u4e00-\u9fff]))")
_COLUMN_MARK = re.compile(r"^(同日|当日|當日|是日|本日|同月|是月|当月|當月|本月|是年|同年|当年|本年)\s*[，,：:\s]")


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
        month, year = cn_int(m[1]) or 0, None
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
    item_line: int = 0  # the bare date line (its first bullet's event starts there)
    current: Event | Block | None = None
    parts: list[str] = field(default_factory=list)
    era: Era | None = None  # the era in force (a bare 廿九年 continues it)
    events: int = 0
    anchored: bool = False  # a year title/heading with no event after it yet: its day entries begin in January
    dense: bool = False  # the text runs several day items into one paragraph (``…。18日,…。23日,…``)
    dense_line: bool = False  # this line is a document run into one line
    short_before: bool = False  # the line before was a short one: its paragraph ended there
    width: int = 0  # the width the text's lines are wrapped at (0: not wrapped)
    bullet_same_day: bool = True  # ▲/△ mark further items of the day (not where 同日 does that)
    layout: bool = False  # indentation is part of the layout (not OCR noise): >= 5 % of the lines are indented
    indent: int = 0  # the indentation of the line the current event starts on
    fresh: bool = False  # the line is indented as a new paragraph: a date there starts an item mid-sentence
    paragraph_break: bool = False  # two or more blank lines (or forum filler) before this one
    carry: tuple[str, int] | None = None  # a date at a line's end whose month and day begin the next line
    reigns: dict[str, tuple[int, int]] = field(default_factory=dict)  # reign name -> (year n, Gregorian year)
    alone: int = 0  # dates alone on their line that dated the text below them (the "date, then text" style)
    heads: int = 0  # year headings with dated entries below them
    noise_breaks: set[int] = field(default_factory=set)  # lines after forum filler (filler lines negated)
    article: Section | None = None  # an embedded article (title + running prose) being read
    line_items: bool = False  # a paragraph a line, nearly every one starting with its date (web and magazine pages)
    cells: bool = False  # the text's only date marks are bare-number cells of a flattened table
    pending: list[tuple[DateSpec, int]] = field(default_factory=list)  # date cells waiting for their texts
    stacked: int = 0  # date cells in a row before the texts they date
    line_splits: int = 0  # items split off the line being read so far
    iso_entries: bool = False  # the text dates its entries ``2016-11-03`` (else such a date alone is a posting date)

    # -- tree ---------------------------------------------------------------

    def container(self) -> list:
        if self.article is not None:
            return self.article.children
        for sec in (self.day_sec, self.month_sec, self.year_sec):
            if sec is not None:
                return sec.children
        return self.nodes

    def sec_path(self) -> tuple[str, ...]:
        secs = (self.year_sec, self.month_sec, self.day_sec)
        return self.path + tuple(s.title for s in secs if s is not None)

    def flush(self) -> None:
        if self.current is not None:
            text = join_wrapped(self.parts)
            if isinstance(self.current, Event) and (m := _ATTRIBUTION.search(text)) is not None and m.start() > 0:
                text, self.current.attribution = text[: m.start()], m.group(0)
            self.current.text = text
        self.current, self.parts = None, []

    def open_article(self, title: str, line: int, credit: tuple[str, int] | None) -> None:
        """An article the page embeds (a title, then running prose with no dated entries): a Section of kind
        ``article`` whose Blocks are its text; it ends where a dated entry or a heading starts."""
        self.flush()
        self.article = None
        sec = Section(title=title, kind="article", line=line, end=line)
        self.container().append(sec)
        self.article = sec
        if credit is not None:
            sec.children.append(Block(kind="credit", text=credit[0], line=credit[1]))
            sec.end = credit[1]

    def close_article(self) -> None:
        if self.article is not None:
            self.flush()
            self.article = None

    def open_year(self, title: str, spec: DateSpec, line: int, era: Era | None) -> None:
        self.close_article()
        self.flush()
        self.year_sec = Section(title=title, kind="year", line=line)
        self.nodes.append(self.year_sec)
        self.month_sec = self.day_sec = None
        self.year, self.month, self.month_stated = spec.start.year, None, False
        self.prev_day, self.last, self.item_date = None, None, None
        self.anchored = True
        self.era = era

    def open_month(self, title: str, month: int, line: int, *, present: bool = True) -> None:
        self.close_article()
        self.flush()
        self.month_sec = self.day_sec = None
        sec = Section(title=title, kind="month", line=line, present=present)
        self.container().append(sec)
        self.month_sec = sec
        self.month, self.month_stated = month, present
        self.prev_day, self.item_date = None, None

    def open_period(self, title: str, line: int) -> None:
        """A dynasty or period heading (``西汉``, ``中华民国``): a section, no date."""
        self.close_article()
        self.flush()
        self.year_sec = Section(title=title, kind="period", line=line)
        self.nodes.append(self.year_sec)
        self.month_sec = self.day_sec = None
        self.month, self.month_stated, self.prev_day, self.item_date = None, False, None, None

    def add_event(self, date: DateSpec, text: str, line: int, marker: str, flags: list[str]) -> None:
        self.close_article()
        self.flush()
        if validate(date):
            flags = [*flags, "impossible-date"]
        event = Event(date=date, text="", line=line, marker=marker, source_id=self.source.id,
                      path=self.sec_path(), flags=flags)
        self.container().append(event)
        self.current, self.parts = event, [text]
        self.events += 1
        self.anchored = False

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
        mon = self.month if self.month is not None else (self.last.start.month if self.last else None)
        if year is None and month and mon is not None:
            year = 0  # ``是月`` under a month heading with no year in scope: the year unknown
        if year is None:
            return DateSpec(PartialDate(0), "unknown")
        if month and mon is not None:
            return DateSpec(PartialDate(year, mon), "month")
        if month:
            return DateSpec(PartialDate(year), "year", qualifier="月份不详")
        return DateSpec(PartialDate(year), "year")

    def lunar(self) -> bool:
        return self.era is not None and not self.era.gregorian_calendar

    def match(self, text: str, *, bare: bool = False) -> DateMatch | None:
        return match_date(text, year=self.year, month=self.month, era=self.era, lunar=self.lunar(), bare=bare,
                          unknown_month=True, unknown_year=True, short=True)


def _ocr_month_day(b: _Builder, text: str) -> DateMatch | None:
    """``714日`` at the start of an entry is ``7月14日`` whose 月 OCR lost (a day has at most 2 digits)."""
    m = _OCR_MONTH_DAY.match(text)
    if m is None or b.year is None:
        return None
    hit = match_date(f"{m[1]}月{m[2]}日", year=b.year)
    if hit is None or validate(hit.spec):
        return None
    return DateMatch(replace(hit.spec, raw=m[0]), m.end(), "units")


def _token(b: _Builder, text: str) -> DateMatch | None:
    """A date token that may start an event (rule 4 of the module doc)."""
    hit = b.match(text, bare=True) or _ocr_month_day(b, text)
    mid_sentence = isinstance(b.current, Event) and b.parts and not _ends_sentence(b.parts[-1]) and not b.fresh
    if hit is None or hit.style in ("era", "bare"):
        return None if hit is not None and mid_sentence else hit
    after = text[hit.end:]
    spec = hit.spec
    if hit.style == "dotted" and _UNIT_AFTER.match(after.lstrip()):
        return None
    if spec.start.day is None and after and not after[0].isspace():
        # ``2013 年预算草案…`` and ``2020 年底，…`` after an open sentence continue it; ``6月,成立…`` and
        # ``1953年为纪念…`` (a year later than the last entry's) start an item
        if mid_sentence:
            return None
        new_year = spec.start.month is None and spec.end is None and (
            b.last is None or spec.start.year > b.last.start.year)
        in_order = spec.start.month is not None and spec.end is None and (
            b.month is None or spec.start.year == (b.year or 0) and spec.start.month >= b.month) \
            and not _NOT_AFTER_MONTH.match(after)
        if after[0] not in "，,：:、" and not new_year and not in_order:
            return None
    in_prose_form = hit.style == "units" and "月" in spec.raw
    if in_prose_form and mid_sentence:
        return None
    return hit


def _day_only(hit: DateMatch) -> bool:
    return hit.spec.start.day is not None and hit.style != "dotted" and "月" not in hit.spec.raw


def _end_day(spec: DateSpec) -> int:
    return (spec.end.day if spec.end and spec.end.day else spec.start.day) or 0


def _resolve(b: _Builder, hit: DateMatch, text: str, line: int) -> tuple[DateSpec, list[str]]:
    """Ordering checks and the unknown-month flag; update the context."""
    spec, flags = hit.spec, []
    if hit.era is not None:
        b.era = hit.era
    elif re.match(r"\s*(?:\d{4}|[〇零一二三四五六七八九○]{4})\s*年", text):
        b.era = None  # a Gregorian year ends the era in force (and its Chinese-calendar months)
    if hit.unknown and b.anchored and b.year is not None:
        # a whole year's chronicle (``2020年大事记``) whose day entries print no month: they begin in
        # January, and a day that falls back more than 3 opens the next month (the months are marked
        # inferred: sections with present=False)
        b.open_month("1月", 1, line, present=False)
        b.anchored = False
        hit = match_date(text, year=b.year, month=1)  # type: ignore[assignment]
        spec = hit.spec
    elif "year" in hit.unknown:
        # no year in scope (none printed, none in sources.yml): the year stays unknown; a month printed or
        # in force still orders the days (a day that falls back more than 3 opens the next month)
        flags.append("unknown-year")
        if "month" in hit.unknown:
            flags.append("unknown-month")
            return spec, flags
        if not _day_only(hit):
            if spec.calendar == "gregorian" and not spec.others and spec.start.month is not None:
                b.month, b.month_stated = spec.start.month, True
                b.prev_day, b.prev_start = _end_day(spec) or None, spec.start.day or 0
            return spec, flags
    elif hit.unknown:
        flags.append("unknown-month")
        return spec, flags
    if not _day_only(hit):
        # a Gregorian point, or a range that names its month, sets the context (a year range does not)
        if spec.calendar == "gregorian" and not spec.others and (spec.end is None or spec.start.month is not None):
            b.year = spec.start.year
            if spec.start.month is not None:
                b.month, b.month_stated = spec.start.month, True
                b.prev_day, b.prev_start = _end_day(spec) or None, spec.start.day or 0
        return spec, flags
    day = _end_day(spec)
    if b.prev_day is not None and not b.month_stated and day < b.prev_day - 3 and b.month and b.month < 12:
        b.open_month(f"{b.month + 1}月", b.month + 1, line, present=False)
        spec = match_date(text, year=b.year, month=b.month, unknown_year=True).spec  # type: ignore[union-attr]
    elif b.prev_day is not None and b.month_stated and day < b.prev_start:
        flags.append("out-of-order")
    b.prev_day, b.prev_start = day, spec.start.day or 0
    return spec, flags


def _is_title(b: _Builder, text: str) -> bool:
    """A line that is only a chronicle title, not the tail of a sentence."""
    if not _TITLE.match(text) or _token(b, text) and not text.rstrip().endswith(("记", "記", "纪", "紀")):
        return False
    return not (isinstance(b.current, Event) and b.parts and not _ends_sentence(b.parts[-1]))



# -- line handlers -----------------------------------------------------------


def _furniture(b: _Builder, raw: str, text: str, line: int) -> bool:
    squeezed = _SPACES.sub(" ", text)
    if _RULE.match(raw):
        b.drop(line, raw.strip(), "rule")
    elif _COMMENT.match(raw):
        b.drop(line, raw.strip(), "comment")
    elif _EMPTY.match(text) or _PAGE_NO.match(text) or _TIMESTAMP.match(text):
        b.drop(line, raw.strip(), "page-furniture")
    elif not b.iso_entries and (iso := _ISO_DAY.match(text)) is not None and not text[iso.end():].strip():
        b.drop(line, raw.strip(), "timestamp")  # a posting date alone, in a form no entry of the text uses
    elif _boilerplate(squeezed):
        b.drop(line, raw.strip(), "boilerplate")
    elif _RUNNING_HEAD.match(squeezed):
        b.drop(line, raw.strip(), "running-head")
    elif _is_title(b, text):
        b.drop(line, raw.strip(), "title")
        year = re.search(r"(?<!\d)(\d{4})\s*年?(?!\d)", text)
        if b.year is None and year and 100 < int(year[1]) < 2200:
            b.year = int(year[1])
        if b.year is not None and b.events == 0 and b.month is None:
            b.anchored = True
    else:
        return False
    return True


def _furniture_line(raw: str) -> bool:
    """Page furniture that fills a whole line (boilerplate with a timestamp must not be cut into items)."""
    squeezed = _SPACES.sub(" ", raw.strip())
    return _boilerplate(squeezed) or bool(_TIMESTAMP.match(squeezed) or _COMMENT.match(raw))


def _boilerplate(squeezed: str) -> bool:
    """Web page chrome (当前位置, 来源:, 发布时间 …): a short line (spaces squeezed) that names it."""
    return len(squeezed) <= 120 and bool(_BOILER_ANY.search(squeezed) or _BOILER_START.match(squeezed))


@lru_cache(maxsize=256)
def _plain(text: str) -> bool:
    """A line of plain text: no date, marker, bullet or heading starts it."""
    t = _clean(text)
    if not t or _BULLET.match(t) or _SAME_DAY.match(t) or _SAME_PERIOD.match(t) or t[:1] in ",，":
        return False
    squeezed = _SPACES.sub(" ", t)
    if _RULE.match(t) or _EMPTY.match(t) or _PAGE_NO.match(t) or _RUNNING_HEAD.match(squeezed) or _COMMENT.match(t):
        return False
    if _boilerplate(squeezed):
        return False
    if match_date(t, year=2000, month=1, bare=True, unknown_month=True, short=True) is not None \
            or _OCR_MONTH_DAY.match(t):
        return False
    return not (_MD_HEAD.match(t) or _TITLE.match(t) or _heading_date(t) is not None)


def _heading_date(text: str) -> tuple[DateSpec, Era | None] | None:
    """The date of a line that is only a date (``1987年``, ``一九五八年``, ``1.1952年：``, ``民国27年(1938)``,
    ``清圣祖康熙二十三年(1684年)``, ``1921年(民国十年)``, ``1684``, ``南朝梁(540年左右)``)."""
    m = _YEAR_HEAD.match(text)
    if m and ("年" in text or 1000 <= int(m[1]) <= 2100):  # ``8228`` alone is a forum counter, not a year
        return DateSpec(PartialDate(int(m[1])), "year", raw=text), None
    era_only = _ERA_NUMBER.match(text)
    if era_only:  # ``民国2``: a heading that lost its 年
        hit = match_date(text.strip() + "年")
        if hit is not None and hit.style == "era":
            return replace(hit.spec, raw=text), hit.era
    if m:
        return None
    t = re.sub(r"^(?:第\S{1,4}[章节節]\s*|\d{1,3}\s*[.、．]\s*)", "", text).rstrip("：: ")
    hit = match_date(t)
    if hit is not None and hit.spec.start.month is None and hit.spec.start.year:
        rest = t[hit.end:].strip()
        if not rest or re.fullmatch(r"[（(][^（）()]{0,24}[）)]?", rest):
            return hit.spec, hit.era
    bm = _BRACKETED.match(t)
    if bm and not any(ch in bm["name"] for ch in "年月日"):
        inner = bm["inner"].strip()
        century = re.fullmatch(r"(公元前|前)?(\d{1,2})世[纪紀](初|中|末)?", inner)
        if century:
            n = int(century[2])
            year = -n * 100 if century[1] else (n - 1) * 100 + 1
            return DateSpec(PartialDate(year), "year", raw=text, qualifier="世纪" + (century[3] or "")), None
        if not re.search(r"年|公元|前|\d{3}", inner):
            return None  # ``中华人民共和国(5)``: a part number, not a year
        inner = re.sub(r"^公元(?!前)", "", inner)
        probe = inner if "年" in inner else re.sub(r"(\d+)(?!.*\d)", r"\1年", inner, count=1)
        probe = "公元" + probe if re.match(r"\d{1,3}(?!\d)", probe) else probe
        hit = match_date(probe)
        inner = probe
        if hit is not None and hit.spec.start.month is None and not inner[hit.end:].strip(" 左右前后年代期间"):
            spec = replace(hit.spec, raw=text, approximate=hit.spec.approximate or "左右" in inner)
            return spec, None
    return None


def _period_heading(text: str) -> bool:
    t = _SPACES.sub("", text)
    if len(t) > 10 or not re.fullmatch(r"[\u4e00-\u9fff]+", t):
        return False
    if t in dynasty_names() or t.endswith(_PERIOD_END) or t in ("中华民国", "中華民國", "中华人民共和国", "中華人民共和國"):
        return True
    if len(t) >= 2 and t[-1] in "朝代" and t[:-1] in dynasty_names():
        return True  # ``明 代``, ``清代``, ``唐朝``: a dynasty named with its 代/朝
    return len(t) <= 4 and all(ch in "".join(dynasty_names()) for ch in t) and len(t) >= 2


def _heading(b: _Builder, text: str, line: int, next_text: str) -> bool:
    month = _month_heading(text)
    if month is not None:
        if not _plain(next_text):
            if month[0] is not None and month[0] != b.year:
                b.flush()
                b.year, b.year_sec = month[0], None
            b.open_month(_SPACES.sub("", text).rstrip("：:"), month[1], line)
            return True
        return False
    md = _MD_HEAD.match(text)
    if md and b.year is not None and 1 <= int(md[1]) <= 12 and 1 <= int(md[2]) <= 31 and not _plain(next_text):
        date = DateSpec(PartialDate(b.year, int(md[1]), int(md[2])), "day", raw=text)
        b.close_article()
        b.flush()
        b.last, b.item_date, b.item_line = date, date, line
        b.month, b.month_stated = int(md[1]), True
        day = Section(title=text.strip(), kind="day", line=line)
        b.day_sec = None
        b.container().append(day)
        b.day_sec = day
        return True
    head = _heading_date(text)
    if head is not None:
        spec, era = head
        spec = _calibrated(b, spec)
        if b.alone > b.heads and spec.start.month is None and _starts_with_refinement(b, next_text) \
                and not _plain(next_text):
            # ``大德七年`` + ``八月,地震…`` where every item so far was a date above its text: one item
            b.flush()
            b.carry = (text, line)
            return True
        if era is not None and b.anchored and b.year_sec is not None and b.year == spec.start.year:
            era = None  # ``1684`` then ``清康熙23年``: the era glosses the Gregorian year heading
        if _plain(next_text):
            b.flush()
            if era is not None:
                b.era = era
            b.year, b.month, b.month_stated = spec.start.year, None, False
            b.last = spec
            b.add_event(spec, "", line, text.strip(), [])
            b.alone += 1
            return True
        if spec.end is not None and spec.start.year != spec.end.year and spec.start.month is None:
            b.open_period(_SPACES.sub("", text), line)  # ``1980年~1985年``: the years a part of the book covers
            return True
        b.open_year(_SPACES.sub("", text).rstrip("：:"), spec, line, era)
        b.heads += 1
        return True
    whole = b.match(text)
    if whole is not None and whole.spec.end is not None and whole.spec.start.day is None \
            and not text[whole.end:].strip(" ：:") and not _plain(next_text):
        # a range alone on its line above dated entries (``1999年7月-9月``): a heading of its year
        b.open_year(_SPACES.sub("", text), DateSpec(PartialDate(whole.spec.start.year), "year"), line, None)
        return True
    above_heading = len(text) <= 8 and re.fullmatch(r"[\u4e00-\u9fff]+", text) is not None \
        and _heading_date(_clean(next_text)) is not None
    if _period_heading(text) and (not _plain(next_text) or len(text) <= 6) or above_heading:
        b.open_period(text.strip(), line)
        return True
    return False


def _marker(b: _Builder, text: str, line: int, next_text: str) -> bool:
    if (m := _SAME_DAY.match(text)) is not None:
        date = b.last or b.context()
        if date.start.day is None and date.precision != "unknown":
            date = replace(date, qualifier="日期不详")
        b.add_event(date, text[m.end():], line, m[1], [])
        return True
    if (m := _NEXT_DAY.match(text)) is not None and b.last is not None and b.last.start.day is not None \
            and b.last.start.month is not None and b.last.calendar == "gregorian" and b.last.start.year > 0:
        # ``次日,…`` / ``翌日,…`` at the start of a line: the day after the entry before
        end = b.last.end if b.last.end is not None and b.last.end.day is not None else b.last.start
        try:
            d = calendar_day(end.year, end.month or 1, end.day or 1) + timedelta(days=1)
        except ValueError:  # the entry's own date is impossible (flagged there)
            return False
        nxt = DateSpec(PartialDate(d.year, d.month, d.day), "day", raw=m[1])
        b.add_event(nxt, text[m.end():], line, m[1], [])
        b.last = nxt
        return True
    if (m := _SAME_PERIOD.match(text)) is not None:
        date = b.context(month="月" in m[1])
        rest = text[m.end():]
        q = match_date(rest, year=date.start.year or None, month=date.start.month, bare=True) if date.start.year else None
        marker = m[1]
        if q is not None and q.style == "bare":
            date, marker, rest = q.spec, m[1] + rest[: q.end], rest[q.end:].lstrip("，,：: \t")
        b.add_event(date, rest, line, marker, [])
        return True
    if (m := _BULLET.match(text)) is not None:
        rest = text[m.end():]
        bullet = text[: m.end()].strip()
        if (since := _SINCE.match(rest)) is not None:  # ``△从 10 月 17 日起,…``: the item dated by its start
            bullet, rest = bullet + since.group(0), rest[since.end():]
        fresh, b.fresh = b.fresh, True  # a bullet starts an item even after a sentence cut short
        try:
            if _dated(b, rest, line, next_text, bullet=bullet):
                return True
        finally:
            b.fresh = fresh
        if b.year is None and b.last is None:
            return False  # a bullet list with no date in scope is page text (web menus), not an event
        if (period := _SAME_PERIOD.match(rest)) is not None:
            b.add_event(b.context(month="月" in period[1]), rest, line, bullet, [])
            return True
        # an undated bullet is an item of the day whose items it lists (under a bare date line, or a
        # ▲/△ after a day entry: the chronicles' mark for "another item of that day" — unless the text
        # marks those with 同日, when its ▲ are undated items), else of the month whose section it stands
        # in, else of the year
        same_day = bullet in "▲△" and b.bullet_same_day and b.last is not None and b.last.start.day is not None
        date = b.item_date or (b.last if same_day else None) or (
            b.context() if b.month_sec is not None else b.context(month=False))
        start = line
        if b.item_date is not None and b.item_line and not b.current:
            start, b.item_line = b.item_line, 0
        b.add_event(date, rest, start, bullet, [])
        return True
    return False


def _dynasty_dated(b: _Builder, text: str, line: int) -> bool:
    """``南梁,改始平僚郡…``, ``唐宋,郪縣…``, ``北朝,西魏改…``: an item dated by its dynasty alone (the
    dynasty's span); with an era date after the label (``西漢,高祖六年(前201)…``) the era date counts."""
    label = _DYNASTY_LABEL.match(text)
    printed = text[: label.end()].rstrip(" ,，、:：") if label else ""
    if label is None or len(printed) < 2:
        return False
    if (span := dynasty_span(label[1])) is None and printed not in ("南朝", "北朝", "南北朝"):
        return False
    rest = text[label.end():]
    hit = b.match(rest)
    if hit is not None and hit.style != "bare":
        date, flags = _resolve(b, hit, rest, line)
        b.last, b.item_date, b.item_line = date, None, 0
        b.add_event(date, rest[hit.end:].lstrip("，,：: \t"), line, text[: label.end()] + hit.spec.raw, flags)
        return True
    inner = next((rest[:k] for k in (3, 2) if len(rest) > k and dynasty_span(rest[:k])), "")
    span = dynasty_span(inner) if inner else span
    if span is None:
        return False
    date = DateSpec(PartialDate(span[0]), "range", end=PartialDate(span[1]), raw=text[: label.end()] + inner,
                    qualifier="朝代")
    b.last, b.year = date, None
    b.add_event(date, rest[len(inner):], line, date.raw, [])
    return True


_REIGN_YEAR = re.compile(r"^(?P<name>[\u4e00-\u9fff]{1,8}?)(?P<n>元|[〇零一二三四五六七八九十廿卅百]{1,4}|\d{1,3})年$")


def _calibrated(b: _Builder, spec: DateSpec) -> DateSpec:
    """A reign year printed with its Gregorian year (``惠王九年(前668)``) fixes that reign for the years of it
    printed without one (``惠王十六年`` is 前661), whatever the era tables say or lack."""
    m = _REIGN_YEAR.match(spec.era) if spec.era else None
    n = (1 if m["n"] == "元" else cn_int(m["n"])) if m else None
    if m is None or not n:
        return spec
    name = m["name"]
    if "(" in spec.raw[len(spec.era):] or "（" in spec.raw[len(spec.era):]:
        b.reigns[name] = (n, spec.start.year)
        return spec
    if name not in b.reigns:
        return spec
    n0, y0 = b.reigns[name]
    year = y0 + (n - n0)
    if y0 < 0 <= year:
        year += 1  # no year 0
    return replace(spec, start=PartialDate(year), end=None)


def _dated(b: _Builder, text: str, line: int, next_text: str, bullet: str = "") -> bool:
    body = text
    enum = _ENUM.match(text)
    if enum and not bullet:
        body = text[enum.end():]
    hit = _token(b, body)
    if hit is None:
        return not bullet and _dynasty_dated(b, text, line)
    prefix = text[: len(text) - len(body)]
    if hit.style == "era":
        hit = DateMatch(_calibrated(b, hit.spec), hit.end, hit.style, hit.unknown, hit.era)
    date, flags = _resolve(b, hit, body, line)
    end = hit.end
    sep = re.match(r"[，,\s]+", body[end:])
    refined = refine(date, body[end + (sep.end() if sep else 0):], lunar=b.lunar()) if date.precision == "year" else None
    if refined is not None:
        # ``民國二年,夏,…``, ``嘉慶十一年丙寅(1806),五月,…``: the month or season after the year dates the item
        used = end + (sep.end() if sep else 0) + refined[1]
        date = replace(refined[0], raw=body[:used])
        hit = DateMatch(date, used, hit.style, hit.unknown, hit.era)
    rest = body[hit.end:].lstrip("，,：: \t")
    date = _narrative_end(b, date, rest) or date
    b.last = date
    b.item_date = None
    b.item_line = 0
    if b.day_sec is not None:
        b.flush()
        b.day_sec = None
    if not rest and not bullet and _BULLET.match(next_text):
        b.close_article()
        b.flush()
        day = Section(title=hit.spec.raw, kind="day", line=line)
        b.container().append(day)
        b.day_sec, b.item_date, b.item_line = day, date, line
        return True
    b.add_event(date, rest, line, bullet + prefix.strip() + hit.spec.raw, flags)
    return True


_UNTIL = re.compile(r"[\u4e00-\u9fff]{1,4}?(?:至於|至于|直至|至)")


def _narrative_end(b: _Builder, date: DateSpec, rest: str) -> DateSpec | None:
    """The end of a span the entry's first clause tells (``嘉靖二十四年乙巳(1545),秋七月,不雨至於丙午年(1546)
    夏六月,旱甚…``: from the 7th month to the 6th month of the next year): a short predicate, then 至/至於 and
    a later date that closes the clause.  A 至 in a later clause (``…成立,至1958年撤销``) is a follow-up."""
    m = _UNTIL.match(rest)
    if m is None or date.end is not None and date.calendar == "gregorian":
        return None
    target = rest[m.end():]
    hit = match_date(target, year=date.start.year, era=b.era, lunar=b.lunar())
    if hit is None or target[hit.end:][:1] not in ("", "，", ",", "。", "；", ";"):
        return None
    end = hit.spec
    first_end = date.end or date.start
    last = end.end or end.start
    if last.sort_key() <= first_end.sort_key() or end.calendar != date.calendar:
        return None
    original = f"{date.original}/{end.original}" if date.calendar == "chinese" else ""
    return replace(date, precision="range", end=last, original=original)


def _run_cuts(text: str) -> list[int]:
    """Where a second item may start inside a line (checked by ``_splits_here``)."""
    return sorted({m.end() for m in _CUT.finditer(text) if m.end() > 0 and text[: m.start()].strip()})


def _near(b: _Builder, spec: DateSpec, explicit_year: bool) -> bool:
    """A sentence-initial date starts a new item only if it is later than the entry (a date that repeats
    the entry's is a back-reference) and stays near it: in the entry's month for a day-dated entry, in
    its year otherwise; an explicit year must be the year in force."""
    last = b.last
    if last is None or last.precision == "unknown":
        return True
    if b.dense_line and explicit_year and spec.start.year > last.start.year:
        return True  # a document run into one line: a later year printed at a sentence start is its next year
    if spec.start.year != last.start.year or explicit_year and spec.start.year != b.year:
        return False
    if last.start.month is not None and spec.start.sort_key() <= last.start.sort_key():
        return False
    if last.start.day is not None:
        if spec.start.day is None:  # ``1978年4月28日,…;7月,…``: a later month after ``；`` starts its item
            return spec.start.month is not None and spec.start.month > last.start.month
        return spec.start.month == last.start.month or b.dense_line
    return True


def _glued_item(b: _Builder, piece: str, clause: str) -> bool:
    """A date OCR glued into running text (``…率团来连3月2日赣榆县…``: the sentence end between two entries
    lost) starts an item when it reads as an entry: a day (with or without its month) that keeps the
    chronicle's order (later than the entry before, in its year), after a clause of its own (at least 6
    characters since the last punctuation) and followed by an item's text (at least 6 characters before
    the next punctuation).  A date between a short subject and its verb is a follow-up and stays:
    ``…。二期工程6月20日开工,7月10日收工。``."""
    hit = b.match(piece)
    if hit is None or hit.style != "units" or hit.spec.start.day is None or hit.unknown or b.last is None:
        return False
    words = _CLAUSE_END.search(piece, hit.end)
    item = piece[hit.end: words.start() if words else len(piece)]
    if len(item) < 6 or len(clause) < 6:
        return False
    last = b.last
    return last.precision != "unknown" and hit.spec.start.year == last.start.year \
        and hit.spec.start.sort_key() > (last.end or last.start).sort_key()


def _splits_here(b: _Builder, piece: str, gap: bool, semi: bool) -> bool:
    """A cut piece starts a new event if it is a marker, an enumerated or bulleted item, or a date that
    keeps the chronicle's order (``_near``); a month-level date splits only after ``；`` (``…;9月,…``),
    since after ``。`` it is usually a follow-up (``…。8月,合并于…``)."""
    p = piece.strip()
    bullet = _BULLET.match(p)
    if bullet and not bullet.group(0).startswith(("▲", "△")) or _MD_HEAD.match(p):
        return True
    if (_COLUMN_MARK if gap else _INLINE_MARK).match(p):
        return True
    own_year = isinstance(b.current, Event) and b.current.date.precision == "year" and not b.current.date.qualifier
    if _YEAR_MARK.match(p) and b.last is not None and b.last.start.month is None and not own_year:
        # ``,孙中山…就任临时大总统。是年,废道、府…`` after an item of the year (its day lost): another item of
        # the year; after an item printed with its year alone (``順治五年(1648),大荒…。是年,疫大作``) 是年
        # repeats the entry's own date and stays in it
        return True
    enum = _ENUM.match(p)
    body = p[enum.end():] if enum else p
    hit = b.match(body, bare=b.dense_line or semi)
    if hit is None or hit.style == "bare" and not (b.dense_line or semi) or not body[hit.end:].strip():
        return False
    if hit.style == "bare":  # ``…。秋,日军…`` (a document run into one line), ``…;后季,…``: a later part of the year
        return (hit.spec.precision == "season" or hit.spec.qualifier in _HALVES) and b.last is not None \
            and b.last.start.year == hit.spec.start.year
    after = body[hit.end:]
    # a later year printed at a sentence start of a document run into one line starts its item, also a year alone
    # and one run into its verb (``…由泉州市代管。1993年撤县设市…``), where the items before print their dates
    # the same way (a year in digits); elsewhere, and after items dated by an era (``民国24年(1935年)…。1937年,
    # 被迫停办``), such a date is a follow-up
    later_year = b.dense_line and b.last is not None and b.last.precision != "unknown" \
        and hit.spec.start.year > b.last.start.year and re.match(r"\s*\d{4}\s*年", body) is not None \
        and re.match(r"\s*\d{4}\s*年", b.last.raw) is not None
    if hit.spec.start.day is None and hit.spec.start.month is None:
        if later_year:
            return True
        if hit.style == "era" and semi and b.last is not None and hit.spec.start.year > b.last.start.year:
            return True  # ``…;大業三年(607)改…``: the next reign year of a run of them
        if hit.style == "era" and ")" in hit.spec.raw + "）" and after[:1].isspace() and \
                (b.last is None or hit.spec.start.year > b.last.start.year):
            return True  # ``…。民国24年(1935年) 秋,…``: an era year with its Gregorian year, in the entry form
        return bool(enum) and after[:1] in "，,：: 縣县"
    last = b.last
    if hit.spec.start.day is not None and not b.dense and last is not None and last.start.day is None \
            and last.start.month is not None and hit.spec.start.year == last.start.year \
            and hit.spec.start.month is not None and hit.spec.start.month > (last.end or last.start).month:
        return True  # ``6、7月发大水…。8月17日大北风…``: a day in a later month than a month entry is a new item
    if after[:1] not in "，,：:、 \t" and not gap and not enum and not later_year:
        return False  # a date run into its verb is a follow-up (``1989年该县…``)
    if gap or enum:
        return hit.spec.start.month is not None or bool(enum)
    if after[:1].isspace() and hit.spec.start.day is not None:
        # ``…全会。3月8日 县政府…``: an entry in the chronicle's own form (date, space, text) run into the
        # line before — it keeps the order within the year
        last = b.last
        return last is None or hit.spec.start.year == last.start.year and \
            hit.spec.start.sort_key() > last.start.sort_key()
    entry = b.current.date if isinstance(b.current, Event) else last
    if hit.spec.start.day is None and not semi and entry is not None and entry.start.month is None \
            and hit.spec.start.year == entry.start.year and hit.spec.start.month is not None:
        return True  # ``是年秋,…。11月初,粤桂两军…``: a month after an item of the year (or a season) starts one
    if entry is not None and entry.start.day is None and entry.end is None and hit.spec.start.day \
            and hit.spec.start.month == entry.start.month and hit.spec.start.year == entry.start.year:
        return True  # ``3月,…合并为酒泉中学。3月18日,…``: a day of the month a month entry sums up
    later_month = last is not None and last.start.month is not None and hit.spec.start.month is not None \
        and hit.spec.start.year == last.start.year and hit.spec.start.month > (last.end or last.start).month \
        and "月" in hit.spec.raw
    if later_month and (semi or b.line_splits) and (hit.spec.start.day is not None or last.start.day is None):
        # ``1957年6月17日,…;8月18至24日,…``: a day of a later month after ``；``; ``1965年1月,…;4月,…。10 月,…``:
        # a later month in a paragraph that already runs month items together
        return True
    if hit.spec.start.day is None and not semi or hit.spec.start.day is not None and not (b.dense or b.dense_line):
        return False
    return _near(b, hit.spec, explicit_year=hit.style == "era" or bool(re.match(r"\s*\d{4}\s*年", body)))


def _indent(raw: str) -> int:
    return len(raw) - len(raw.lstrip(" \t\u3000"))


def _date_only(b: _Builder, piece: str) -> bool:
    """A year (era) date with nothing after it, standing after a sentence end."""
    p = piece.strip()
    hit = b.match(p)
    return hit is not None and hit.end >= len(p) and hit.spec.start.month is None and hit.style == "era"


def _starts_with_refinement(b: _Builder, text: str) -> bool:
    """The text starts with a month or day that has no year of its own (``八月,地震…``)."""
    t = _clean(text)
    hit = match_date(t, year=2000, month=1)
    return hit is not None and hit.spec.start.year == 2000 and "年" not in hit.spec.raw


def _lost_date(b: _Builder, text: str, line: int) -> bool:
    """``,孙中山在南京宣布…`` under ``民国元年(1912)``: an item whose date the copy lost (the line starts with
    the comma that followed it) is an item of the year in force."""
    if not text[:1] in ",，" or len(text) < 6 or b.year is None:
        return False
    if isinstance(b.current, Event) and b.parts and not _ends_sentence(b.parts[-1]):
        return False
    b.add_event(DateSpec(PartialDate(b.year), "year", qualifier="日期脱漏"), text[1:].lstrip(), line, "", [])
    b.last = b.last or DateSpec(PartialDate(b.year), "year")
    return True


def _one_line(b: _Builder, raw: str, line: int, next_text: str) -> None:
    if b.carry is not None:
        carried, line = b.carry
        b.carry = None
        raw = carried + raw.lstrip()
    """One line (or the first piece of a cut line): furniture, heading, marker, dated entry or text.

    Indentation counts where a layout gives it meaning: a line indented as deep as the line its entry
    began on (or deeper) starts a paragraph, so a date there starts an item even when the text before
    stops mid-sentence (OCR of two-column pages, where the other column's text comes between); undated
    text indented deeper after a finished sentence is another item of the same date (the empty date
    cell of a 志's table layout)."""
    text = _clean(raw)
    if text and b.cells and _table_cell(b, text, line, next_text):
        return
    if not text or _furniture(b, raw, text, line) or _heading(b, text, line, next_text):
        return
    indent = _indent(raw)
    deeper = isinstance(b.current, Event) and indent > b.indent
    b.fresh = isinstance(b.current, Event) and indent >= max(2, b.indent) or b.paragraph_break
    try:
        if _marker(b, text, line, next_text) or _dated(b, text, line, next_text) or _lost_date(b, text, line):
            b.indent = indent
            return
    finally:
        b.fresh = False
    if b.pending and (not isinstance(b.current, Event) or not b.parts or _ends_sentence(b.parts[-1])):
        # the text of the next date cell (the cells of a row come before their texts, in order)
        date, cell_line = b.pending.pop(0)
        b.last = date
        b.add_event(date, text, cell_line if b.stacked == 1 else line, "", [])
        b.indent = indent
        return
    if b.article is not None:  # the running prose of an embedded article: its text, one Block a paragraph
        if b.width == 0 or b.paragraph_break:
            b.flush()
        b.add_text(text, line)
        b.article.end = line
        b.indent = indent
        return
    if _article_title(b, text, next_text):
        credit = None
        title, start = text, line
        last_drop = b.dropped[-1] if b.dropped else None
        if _BYLINE.fullmatch(_SPACES.sub("", text)) and last_drop is not None and last_drop.reason == "title" \
                and b.current is None and last_drop.line < line:
            # ``歷史上富順縣疫情大事記`` / ``劉 剛`` / prose: the title above, the author's name under it
            title, start, credit = _clean(last_drop.text), last_drop.line, (text, line)
            b.dropped.pop()  # the title line is on the page now, as the article's title
        b.open_article(_SPACES.sub(" ", title).strip(), start, credit)
        b.indent = indent
        return
    if _inner_dated(b, text, line):
        b.indent = indent
        return
    if b.short_before and not b.layout and b.last is not None and isinstance(b.current, Event) and b.parts \
            and _ends_sentence(b.parts[-1]) and len(text) > 4 and not _ATTRIBUTION_START.match(text):
        # the line before ended its paragraph (a short line ending a sentence in a text whose lines are
        # wrapped at a width): an undated paragraph after it is another item of the same date
        b.add_event(b.last, text, line, "", [])
        b.indent = indent
        return
    if b.layout and deeper and b.last is not None and b.parts and _ends_sentence(b.parts[-1]) and len(text) > 4:
        b.add_event(b.last, text, line, "", [])
        b.indent = indent
        return
    b.add_text(text, line)


_ARTICLE_TITLE_BAN = re.compile(r"[。，,；;！？!?：:、]")
_BYLINE = re.compile(r"[\u4e00-\u9fff]{2,4}")  # an author's name alone on its line (``劉 剛``)


def _article_title(b: _Builder, text: str, next_text: str) -> bool:
    """A line that titles an embedded article: short, no sentence punctuation, not a wrapped line of a
    paragraph, not inside an open sentence, and followed by a paragraph of running prose that no date,
    marker or heading starts (an article's text: a preface, a speech, a notice)."""
    t = _SPACES.sub(" ", text).strip()
    if not 2 <= len(t) <= 30 or _ARTICLE_TITLE_BAN.search(t) or _ATTRIBUTION_START.match(t):
        return False
    if b.width and len(t) >= 0.7 * b.width:
        return False
    if isinstance(b.current, Event) and b.parts and not _ends_sentence(b.parts[-1]):
        return False
    nxt = next_text.strip()
    return len(nxt) >= 40 and _plain(nxt) and re.search(r"[。！？]", nxt) is not None and not _BULLET.match(nxt)


def _table_cell(b: _Builder, text: str, line: int, next_text: str) -> bool:
    """A date cell of a table flattened into paragraphs (``2000`` / ``1`` / ``1`` / text, ``6—8`` / text,
    ``17—18`` / ``20`` / text / text): in a text whose only date marks are such cells, under a year in force.
    A number followed by another cell, where no month is in force or it is the next month, is the month;
    any other cell is a day (or a range of days) whose text is the next paragraph that is not a
    continuation — cells stacked in a row date the paragraphs after them in order."""
    m = _CELL.match(text)
    if m is None or b.year is None:
        return False
    n, n2 = int(m[1]), int(m[2]) if m[2] else None
    if n2 is None and 1 <= n <= 12 and _CELL.match(next_text) and not b.pending \
            and (b.month is None or n == b.month + 1):
        b.open_month(text.strip(), n, line)
        return True
    if b.month is None:
        return False
    hit = match_date(f"{n}日" if n2 is None else f"{n}—{n2}日", year=b.year, month=b.month)
    if hit is None or validate(hit.spec):
        return False
    b.flush()
    b.stacked = b.stacked + 1 if b.pending and not b.current else 1
    b.pending.append((replace(hit.spec, raw=text.strip()), line))
    b.drop(line, text.strip(), "date-cell")  # its date goes to the event it dates (printed as it stands)
    return True


def _inner_dated(b: _Builder, text: str, line: int) -> bool:
    """In a text of one item a line, each starting with its date, a line that starts with no date but names a
    full date (year, month, day) in its first sentence, in the chronicle's order, is an item of that date (the
    date written inside the sentence: ``经国务院批准,黔南…自治州于1956年8月8日正式成立。``); never a line that
    continues an open sentence, nor one whose date is earlier than the entry before (a back-reference)."""
    if not (b.line_items or b.dense_line and b.last is None) \
            or isinstance(b.current, Event) and b.parts and not _ends_sentence(b.parts[-1]):
        return False
    first = re.split(r"[。！？；;]", text, maxsplit=1)[0]
    m = _INNER_DAY.search(first[:80])
    if m is None:
        return False
    hit = match_date(text[m.start():])
    if hit is None or hit.spec.start.day is None or hit.spec.calendar != "gregorian":
        return False
    if b.last is not None and b.last.precision != "unknown" and hit.spec.start.sort_key() < b.last.start.sort_key():
        return False
    date, flags = _resolve(b, hit, text[m.start():], line)
    b.last, b.item_date, b.item_line = date, None, 0
    b.add_event(date, text, line, "", flags)
    return True


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


def _wrap_width(lines: list[Line]) -> int:
    """The width a text's lines are wrapped at, when they are: most lines of about the same length (a
    print or OCR page); 0 for texts with a line a paragraph (web pages)."""
    lengths = sorted(len(ln.text.strip()) for ln in lines if len(ln.text.strip()) >= 8)
    if len(lengths) < 6:
        return 0
    top = lengths[int(len(lengths) * 0.75)]
    near = sum(1 for n in lengths if n >= 0.85 * top)
    return top if near * 2 >= len(lengths) else 0


def _without_noise(b: _Builder, lines: list[Line]) -> list[Line]:
    """The lines with forum anti-scraping filler taken out (to the ledger, reason ``scrape-noise``)."""
    out = []
    for ln in lines:
        if _NOISE_LINE.match(ln.text) and not is_blank(ln):
            b.drop(ln.no, ln.text.strip(), "scrape-noise")
            ln = Line(ln.no, "")
            b.noise_breaks.add(-ln.no)  # a filler line: the next line starts a paragraph
        elif (noise := _NOISE_HEAD.match(ln.text) or _NOISE_TAIL.search(ln.text)) is not None:
            b.drop(ln.no, noise.group(0).strip(), "scrape-noise")
            ln = Line(ln.no, ln.text[: noise.start()] + ln.text[noise.end():])
            b.noise_breaks.add(ln.no)  # the filler sits between paragraphs
        out.append(ln)
    return out


def parse_events(
    lines: list[Line], *, source: Source, year: int | None, path: tuple[str, ...] = (), whole_year: bool = False
) -> tuple[list[ChronicleNode], list[Dropped]]:
    """Parse chronicle lines into year/month Sections and Events, in file order.

    ``year`` is the year of entries that do not print one (yearbooks pass
    their content year; ``source.content_month`` and ``source.era`` supply a
    month and an era the text leaves out); ``path`` prefixes every Event's
    ``path``.  Text before the first event is kept as a paragraph Block.
    ``whole_year`` says the lines are a whole year's chronicle (a yearbook's
    大事记 部类), so day entries before any month begin in January.
    """
    b = _Builder(source=source, year=year if year is not None else source.content_year, path=path)
    b.anchored = whole_year and b.year is not None
    if source.content_month:
        b.month = source.content_month
    if source.era:
        b.era = next(iter(lookup(source.era)), None)
    lines = _without_noise(b, lines)
    columns = read_columns(lines)
    column_starts: frozenset[int] = frozenset()
    if columns is not None:
        # a two-column page joined line by line: its left column, then its right one (``columns``); the page is
        # listed in the ledger (nothing is dropped: the boundary is whitespace)
        lines, column_starts = columns.lines, columns.column_starts
        for no in columns.pages:
            b.drop(no, "", "two-column")
    b.bullet_same_day = sum(1 for ln in lines if _SAME_DAY.match(ln.text.lstrip())) < 3
    following = _next_nonblank(lines)
    # a sentence-initial day inside a paragraph starts an item only where the text does that as a rule
    # (at least 2 such days, and one for every two entries that start a line), not where it is rare
    # (``…成立。10月2日,開國大典消息傳到…`` is the same story)
    starts = sum(1 for ln in lines if _LINE_DAY.match(ln.text))
    inline = sum(len(_INLINE_DAY.findall(ln.text)) for ln in lines)
    b.dense = inline >= 2 and 2 * inline >= starts
    texts = [ln.text for ln in lines if not is_blank(ln)]
    indented = sum(1 for t in texts if _indent(t) > 0)
    b.layout = indented >= 2 and indented * 20 >= len(texts)
    b.width = _wrap_width(lines)
    b.iso_entries = sum(1 for t in texts if _ISO_DAY.match(t)) >= 2
    b.cells = sum(1 for t in texts if _CELL.match(t)) >= 3 and not any(_LINE_DAY.match(t) for t in texts)
    paragraphs = [t for t in texts if len(t.strip()) >= 20]
    b.line_items = b.width == 0 and len(paragraphs) >= 5 and \
        sum(1 for t in paragraphs if _LINE_DATE.match(t)) >= 0.6 * len(paragraphs)
    long_lines = [ln.no for ln in lines if len(ln.text.strip()) >= 40]
    sole = long_lines[0] if len(long_lines) == 1 else None  # the line of a text that is one paragraph
    blank_run, after_filler, prev_len = 0, False, 0
    for i, ln in enumerate(lines):
        if is_blank(ln):
            blank_run += 1
            after_filler = after_filler or -ln.no in b.noise_breaks
            continue
        b.paragraph_break = blank_run >= 2 or after_filler or ln.no in b.noise_breaks or i in column_starts
        b.short_before = b.width > 0 and prev_len < 0.8 * b.width
        blank_run, after_filler, prev_len = 0, False, len(ln.text.strip())
        if _furniture_line(ln.text):
            _one_line(b, ln.text, ln.no, "")
            continue
        cuts = _run_cuts(ln.text)
        # a whole document (or page) run into one line: its sentence-initial dates start items as line starts would
        # (or a chronicle of one paragraph: the text's only paragraph, however short)
        run_together = (len(ln.text) > 300 or sole == ln.no) and len(_INLINE_DATE.findall(ln.text)) >= 3
        b.dense_line = run_together
        b.line_splits = 0
        bounds = list(zip([0, *cuts], [*cuts, len(ln.text)]))
        head = ln.text[: bounds[0][1]]
        nxt = following[i]
        next_text = (_clean(lines[nxt].text) if nxt < len(lines) else "") if not cuts else ln.text[cuts[0]:bounds[1][1]]
        _one_line(b, head, ln.no, next_text)
        for k, (lo, hi) in enumerate(bounds[1:], start=1):
            piece = ln.text[lo:hi]
            before = ln.text[max(0, lo - 8):lo]  # what the cut follows: a column gap, a semicolon (bounded: linear)
            gap = bool(re.search(r"[ \t\u3000]{3,}$", before))
            semi = before.rstrip()[-1:] in "；;" or run_together
            after = ln.text[hi:bounds[k + 1][1]] if k + 1 < len(bounds) else (
                _clean(lines[nxt].text) if nxt < len(lines) else "")
            if k + 1 == len(bounds) and semi is False and _date_only(b, piece) and nxt < len(lines) \
                    and _starts_with_refinement(b, lines[nxt].text):
                # ``…之始。11年(922年)`` + next line ``农历四月初七,…``: a date broken across the line end
                b.carry = (piece.strip(), ln.no)
                continue
            glued = _GLUED.match(ln.text, lo) is not None and not gap and not semi
            if glued:
                window = ln.text[max(0, lo - 40):lo]  # bounded: linear in the line
                ends = list(_CLAUSE_END.finditer(window))
                clause = window[ends[-1].end():] if ends else window
            if _glued_item(b, piece, clause) if glued else _splits_here(b, piece, gap, semi):
                text = _clean(piece)
                b.fresh = gap or glued  # a column gap starts a paragraph of its own; so does an entry OCR glued on
                try:
                    if _heading(b, text, ln.no, after) or _marker(b, text, ln.no, after) \
                            or _dated(b, text, ln.no, after):
                        b.line_splits += 1
                        continue
                finally:
                    b.fresh = False
            b.add_text(piece, ln.no)
    b.flush()
    return b.nodes, b.dropped


def parse_chronicle(source: Source, lines: list[Line]) -> Document:
    """A whole chronicle document; the printed title (``大事记``) is listed in
    ``dropped`` with reason ``title`` and kept as ``meta["printed_title"]``. Entries that print
    no year before the text's first year take ``content_year``, or the first of the source's ``years``."""
    if source.lines:
        lo, hi = source.lines
        lines = [ln for ln in lines if lo <= ln.no <= hi]
    first = next((ln.no for ln in lines if not is_blank(ln)), 1)
    # the source's years (``years: [2012]``, ``[1967, 1968, 1969]``) state the year of entries that print
    # none before the text's first year: its first
    year = source.content_year or (min(source.years) if source.years else None)
    nodes, dropped = parse_events(lines, source=source, year=year)
    root = Section(title=source.title, kind="document", line=first, children=list(nodes))
    doc = Document(source=source, root=root, dropped=dropped)
    titles = [d.text for d in dropped if d.reason == "title"]
    if titles:
        doc.meta["printed_title"] = _clean(titles[0])
    return doc  # a date's flags (impossible-date, …) stay on its event, where `fangzhi check` reads them
