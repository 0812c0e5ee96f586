"""Parse government work reports (政府工作报告, 工作汇报, 全会报告).

A report is read in two steps.

Front matter (``parse_report``), each at most once, in any order, before the
first body line:

* title: the first content line when it ends in 工作报告/工作汇报/报告/讲话
  or is a Markdown ``# `` heading -> ``meta["printed_title"]``;
* subtitle: a line starting with a dash (``——2012年1月6日在…会议上``) or a
  bracketed date line; it may wrap over several lines and runs until it ends in
  ``上``/``上的报告``/``）`` -> ``meta["subtitle"]``, ``meta["date"]`` (ISO) and
  ``meta["meeting"]``;
* speaker: ``<office ending in 长/书记/主任/主席> <name>`` (``区长 张 泰``; inner
  spaces of the name are removed) -> ``meta["speaker_title"]``/``["speaker"]``;
* salutation: a whole line ``各位代表：`` (anchored: ``各位代表,回顾…`` is body).

These lines stay in the tree as ``note`` Blocks at the top of the root section.

Body (``parse_report_body``):

* part: ``一、…`` (or an unnumbered Markdown ``#``/``##`` heading such as
  ``## 2022年工作回顾``) -> Section kind "part";
* section: ``（一）…``/``(一)…`` in either bracket width, plain, bold or as a
  Markdown heading of any depth -> Section kind "section". When the heading runs
  into its paragraph (``（一）加快发展。今年以来，…``) the title runs up to and
  including the first 。/： (kept, so no text is lost) and the rest becomes a
  paragraph;
* other Markdown headings (``#### 民生实事：``, ``#### 2. …``) are content: a
  paragraph of their own;
* paragraphs: a line continues the open paragraph, across blank lines and
  page breaks, unless the previous line ended with sentence-final punctuation
  (。！？：!?:… optionally followed by a closing quote or bracket). Numbered
  items (``1.``, ``1、``) and Markdown list items always open a new paragraph.
  ``**`` bold markers are removed; Markdown hard breaks are ignored;
* an address to the audience (``各位代表,…``, ``各位委员、同志们，…``) leaves the
  current （一） section: it and what follows belong to the part;
* web boilerplate (来源：, 发布时间：, 字号, 【打印】【关闭】, 分享到, 责任编辑,
  上一篇/下一篇, breadcrumbs ``首页 > …``, Copyright, 扫一扫…) is dropped with
  reason "web-boilerplate"; a 发布时间 date becomes ``meta["published"]``.

When the last paragraph does not end a sentence the document is marked
``meta["incomplete"] = "true"`` and a problem is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from builder.model.document import Block, Document, Dropped, Line, Problem, Section, Source
from builder.sources.normalise import join_wrapped

BOILERPLATE = "web-boilerplate"

_CN_NUM = "一二三四五六七八九十百零〇"
_CLOSERS = "\"'”’」』）)》】"
_FINAL = re.compile(rf"[。！？：!?:…][{_CLOSERS}]*$")
_MD_HEADING = re.compile(r"^(#{1,6})\s*(.*)$")
_PART = re.compile(rf"^([{_CN_NUM}]+)\s*、\s*(\S.*)$")
_SECTION = re.compile(rf"^[（(]\s*([{_CN_NUM}]+)\s*[）)]\s*(\S.*)$")
_RUN_IN = re.compile(r"^(.+?[。：:])\s*(\S.*)$")
_NEW_ITEM = re.compile(r"^(?:\d{1,2}\s*[.、．](?!\d)|[-*+]\s)")
_RULE = re.compile(r"^(?:[-*_]\s*){3,}$")
_ITEM_MARKER = re.compile(r"^([-*+]|\d{1,2}\s*[.．])\s+")
_ADDRESS = re.compile(r"^各位(?:代表|委员|同志)")
_MAX_PART_TITLE = 60

_TITLE = re.compile(r"^.{2,60}?(?:工作报告|工作汇报|报告|讲话)$")
_SUBTITLE_START = re.compile(r"^(?:——|—|--|－－)|^[（(]\s*\d{4}\s*年")
_SUBTITLE_END = re.compile(r"(?:上|上的(?:报告|讲话|发言))$|[）)]$")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# the meeting's name is at most 100 characters: unbounded, the search is quadratic in a line
# holding many 日在 and 上 (it tries every 上 after every 日在)
_MEETING = re.compile(r"日\s*在\s*(.{1,100}?)\s*上(?:的(?:报告|讲话|发言))?$")
_SPEAKER = re.compile(
    r"^(?P<title>[\u4e00-\u9fff]{0,10}(?:长|书记|主任|主席))\s+"
    r"(?P<name>[\u4e00-\u9fff](?:\s?[\u4e00-\u9fff]){1,3})$"
)
_SALUTATION = re.compile(r"^各位[^，,。！!]{1,15}[：:]$")

_FIELD_BOILER = re.compile(
    r"^(?:信息来源|文章来源|来源|发布时间|发布日期|发文日期|更新时间|责任编辑|编辑|作者"
    r"|浏览次数|阅读次数|访问次数|点击数|点击量|字号|字体|分享到)\s*[：:]"
)
_LINE_BOILER = re.compile(
    r"^(?:上一篇|下一篇|上一条|下一条|扫一扫|手机扫一扫|当前位置|您的位置|您现在的位置)"
    r"|Copyright|版权所有|©|ICP备|网站标识码|在手机(?:上)?打开|打印本页|关闭窗口|返回顶部",
    re.IGNORECASE,
)
_BRACKET_WORD = re.compile(r"[【\[]\s*([^】\]]{1,6}?)\s*[】\]]")
_BUTTON_WORDS = {"打印", "关闭", "收藏", "打印本页", "关闭窗口", "返回顶部", "返回", "大", "中", "小", "分享"}
_BREADCRUMB = re.compile(r"^[^>＞»›]{1,15}(?:\s*[>＞»›]\s*[^>＞»›]{1,20}){2,}$")
_PUBLISHED = re.compile(r"发布(?:时间|日期)\s*[：:]\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")


# ---------------------------------------------------------------------------
# Line helpers
# ---------------------------------------------------------------------------


def is_boilerplate(text: str) -> bool:
    """True for web-page furniture around a report published online."""
    text = text.strip()
    if not text or len(text) > 120:
        return False
    if _FIELD_BOILER.match(text) or _LINE_BOILER.search(text) or _BREADCRUMB.match(text):
        return True
    words = _BRACKET_WORD.findall(text)
    return bool(words) and _BRACKET_WORD.sub("", text).strip() == "" and set(words) <= _BUTTON_WORDS


def ends_sentence(text: str) -> bool:
    """True when ``text`` ends with sentence-final punctuation."""
    return bool(_FINAL.search(text.rstrip()))


def _plain(text: str) -> tuple[int, str]:
    """Markdown heading depth (0 = none) and the text without ``#``/``**``."""
    text = text.strip()
    depth = 0
    match = _MD_HEADING.match(text)
    if match:
        depth, text = len(match.group(1)), match.group(2)
    return depth, text.replace("**", "").strip()


def _split_run_in(text: str) -> tuple[str, str]:
    """Split ``加快发展。今年以来，…`` into a title and the paragraph after it."""
    match = _RUN_IN.match(text)
    if match:
        return match.group(1), match.group(2)
    return text, ""


def _join(parts: list[str]) -> str:
    """``join_wrapped``, keeping a list marker (``- ``, ``1. ``) as printed."""
    marker = _ITEM_MARKER.match(parts[0])
    if not marker:
        return join_wrapped(parts)
    return marker.group(1) + " " + join_wrapped([parts[0][marker.end() :], *parts[1:]])


def _heading(text: str, match: re.Match[str]) -> tuple[str, str]:
    """Title (marker as printed + words) and run-in rest of a numbered heading."""
    title, rest = _split_run_in(match.group(2))
    return join_wrapped([text[: match.start(2)] + title]), rest


def published_date(dropped: list[Dropped]) -> str:
    """The ISO date of a ``发布时间：`` line among the dropped lines, or ""."""
    for item in dropped:
        match = _PUBLISHED.search(item.text)
        if match:
            y, m, d = (int(g) for g in match.groups())
            return f"{y:04d}-{m:02d}-{d:02d}"
    return ""


# ---------------------------------------------------------------------------
# Body
# ---------------------------------------------------------------------------


@dataclass
class _Body:
    """Builds the part/section/paragraph tree line by line."""

    nodes: list[Section | Block] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    part: Section | None = None
    section: Section | None = None
    parts: list[str] = field(default_factory=list)
    para_line: int = 0
    para_closed: bool = True

    def container(self) -> list:
        if self.section is not None:
            return self.section.children
        if self.part is not None:
            return self.part.children
        return self.nodes

    def flush(self) -> None:
        if self.parts:
            self.container().append(Block("paragraph", _join(self.parts), self.para_line))
        self.parts = []
        self.para_closed = True

    def text(self, no: int, text: str) -> None:
        if self.para_closed or _NEW_ITEM.match(text):
            self.flush()
            self.para_line = no
            if _ADDRESS.match(text):
                self.section = None
        self.parts.append(text)
        self.para_closed = ends_sentence(text)

    def add_part(self, no: int, title: str, rest: str) -> None:
        self.flush()
        self.part = Section(title=title, kind="part", line=no)
        self.section = None
        self.nodes.append(self.part)
        if rest:
            self.text(no, rest)

    def add_section(self, no: int, title: str, rest: str) -> None:
        self.flush()
        parent = self.part.children if self.part is not None else self.nodes
        self.section = Section(title=title, kind="section", line=no)
        parent.append(self.section)
        if rest:
            self.text(no, rest)

    def heading_block(self, no: int, text: str) -> None:
        self.flush()
        self.container().append(Block("paragraph", _join([text]), no))

    def line(self, line: Line) -> None:
        raw = line.text.strip()
        if not raw:
            return
        if is_boilerplate(raw):
            self.dropped.append(Dropped(line.no, line.text, BOILERPLATE))
            return
        depth, text = _plain(raw)
        if not text:
            self.dropped.append(Dropped(line.no, line.text, "markup"))
            return
        if _RULE.match(text):
            self.dropped.append(Dropped(line.no, line.text, "markup"))
            return
        section = _SECTION.match(text)
        part = _PART.match(text)
        if section:
            title, rest = _heading(text, section)
            self.add_section(line.no, title, rest)
        elif part and (len(part.group(2)) <= _MAX_PART_TITLE or _RUN_IN.match(part.group(2))):
            title, rest = _heading(text, part)
            self.add_part(line.no, title, rest)
        elif depth and depth <= 2 and not ends_sentence(text) and not _NEW_ITEM.match(text):
            self.add_part(line.no, join_wrapped([text]), "")
        elif depth:
            self.heading_block(line.no, text)
        else:
            self.text(line.no, text)


def _parse_body(lines: list[Line]) -> tuple[list[Section | Block], list[Dropped]]:
    body = _Body()
    for line in lines:
        body.line(line)
    body.flush()
    return body.nodes, body.dropped


def parse_report_body(lines: list[Line], *, source: Source) -> tuple[list[Section | Block], list[Dropped]]:
    """Parse a report given without (or with) its front matter.

    Leading subtitle/speaker/salutation lines become ``note`` Blocks; then come
    paragraphs before the first part, then the parts. Returns the top-level
    nodes and the dropped lines (web boilerplate, Markdown rules). ``source`` is
    the document being parsed; the body records carry no id or source id.
    """
    del source  # Section and Block have no source_id field in the model
    notes, _meta, dropped, start = parse_report_front(lines)
    nodes, body_dropped = _parse_body(lines[start:])
    return [*notes, *nodes], dropped + body_dropped


# ---------------------------------------------------------------------------
# Front matter
# ---------------------------------------------------------------------------


@dataclass
class _Front:
    notes: list[Block] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    dropped: list[Dropped] = field(default_factory=list)


def _subtitle(lines: list[Line], i: int) -> tuple[str, int]:
    """Join a subtitle that may wrap; return its text and the next index."""
    parts = [_plain(lines[i].text)[1]]
    j = i + 1
    while not _SUBTITLE_END.search(parts[-1]) and j < len(lines) and len(parts) < 3:
        if lines[j].text.strip():
            nxt = _plain(lines[j].text)[1]
            if _SPEAKER.match(nxt) or _SALUTATION.match(nxt) or len(nxt) > 40:
                break
            parts.append(nxt)
        j += 1
    return join_wrapped(parts), j if len(parts) > 1 else i + 1


def _subtitle_meta(text: str) -> dict[str, str]:
    meta = {"subtitle": text}
    date = _DATE.search(text)
    if date:
        y, m, d = (int(g) for g in date.groups())
        meta["date"] = f"{y:04d}-{m:02d}-{d:02d}"
    meeting = _MEETING.search(text)
    if meeting:
        meta["meeting"] = meeting.group(1)
    return meta


def _front_line(front: _Front, lines: list[Line], i: int, first: bool) -> int | None:
    """Consume one front-matter item at ``i``; return the next index or None."""
    line = lines[i]
    depth, text = _plain(line.text)
    meta = front.meta
    if first and "printed_title" not in meta and (depth == 1 or _TITLE.match(text)):
        meta["printed_title"] = re.sub(r"\s{2,}", " ", text.strip())
        front.notes.append(Block("note", meta["printed_title"], line.no))
        return i + 1
    if "subtitle" not in meta and _SUBTITLE_START.match(text):
        subtitle, j = _subtitle(lines, i)
        meta.update(_subtitle_meta(subtitle))
        front.notes.append(Block("note", subtitle, line.no))
        return j
    speaker = _SPEAKER.match(text)
    if speaker and "speaker" not in meta:
        meta["speaker_title"] = speaker.group("title")
        meta["speaker"] = re.sub(r"\s+", "", speaker.group("name"))
        front.notes.append(Block("note", text, line.no))
        return i + 1
    if "salutation" not in meta and _SALUTATION.match(text):
        meta["salutation"] = text
        front.notes.append(Block("note", text, line.no))
        return i + 1
    return None


def parse_report_front(lines: list[Line]) -> tuple[list[Block], dict[str, str], list[Dropped], int]:
    """Read title, subtitle, speaker and salutation at the top of a report.

    Returns the ``note`` Blocks, the metadata found, dropped boilerplate and
    the index in ``lines`` where the body starts.
    """
    front = _Front()
    i, first = 0, True
    while i < len(lines):
        line = lines[i]
        if not line.text.strip():
            i += 1
            continue
        if is_boilerplate(line.text):
            front.dropped.append(Dropped(line.no, line.text, BOILERPLATE))
            i += 1
            continue
        nxt = _front_line(front, lines, i, first)
        if nxt is None:
            break
        i, first = nxt, False
    return front.notes, front.meta, front.dropped, i


# ---------------------------------------------------------------------------
# Document
# ---------------------------------------------------------------------------


def _last_text_line(lines: list[Line]) -> Line | None:
    for line in reversed(lines):
        if line.text.strip() and not is_boilerplate(line.text):
            return line
    return None


def _last_block(root: Section) -> Block | None:
    last = None
    for node in root.walk():
        if isinstance(node, Block) and node.kind == "paragraph":
            last = node
    return last


def parse_report(source: Source, lines: list[Line]) -> Document:
    """Parse one report (the lines of one document) into a ``Document``."""
    notes, meta, front_dropped, start = parse_report_front(lines)
    nodes, dropped = _parse_body(lines[start:])
    first_no = lines[0].no if lines else 1
    root = Section(title=source.title, kind="document", line=first_no)
    root.children.extend(notes)
    root.children.extend(nodes)
    doc = Document(source=source, root=root, meta=meta, dropped=front_dropped + dropped)
    published = published_date(doc.dropped)
    if published:
        doc.meta["published"] = published
    last = _last_block(root)
    last_line = _last_text_line(lines[start:])
    if last is not None and last_line is not None and not ends_sentence(last.text):
        doc.meta["incomplete"] = "true"
        doc.problems.append(Problem("incomplete", last_line.no, "text ends mid-sentence (document cut off?)"))
    return doc
