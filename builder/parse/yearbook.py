"""Parse yearbooks (年鉴) into 部类/类目 -> 分目 -> 次分目 -> 条目 trees.

Two text styles are read; Markdown is recognised by ``# `` headings.

**OCR text** (one printed column line per text line, blank lines between):

* Zones: front matter up to the TOC (Section kind "front"); the TOC from its
  page head ``目录`` (or its first dot-leader line) to its last dot-leader line
  (every line dropped, reason "toc"); the body after it.
* TOC: ``title ....... page`` lines. Indentation is lost, but the display width
  of title + leader is constant per level: the widths fall in two clusters, split
  at the largest gap (部类 above, 分目 below). Text lines without a leader are
  the first lines of a wrapped title.
* Page furniture: running heads ``• N • <book title>``, ``<book title> N``,
  ``<部类> • N •`` (even mid-sentence: the sentence simply continues); photo
  OCR junk (Latin/symbol-heavy lines, letter-spaced banners, runs of one
  character lines, screenshot clock times, and the unterminated short lines or
  【】 lines that follow such junk). A page-start leading space is stripped.
* Skeleton: body lines equal to a TOC title (spaces and bracket widths
  normalised; 概述/综述 are not anchors) are candidate headings; the largest
  set of candidates in TOC order and line order is kept (so a title that also
  occurs elsewhere cannot pull the alignment out of its 部类's window).
  分目 missing between two anchors are placed at the best boundaries in the gap:
  after a ``（…供稿）`` credit (+2), on a page-start line (+1), opening with
  【概况】/概述/综述 (+1); a boundary must follow a finished sentence. Missing
  部类 start with their first 分目 (``present=False``). A heading found in the
  body keeps its printed wording (``(总商会)`` vs the TOC's ``（总商会）``); a
  missing one takes the TOC's. TOC items after the last
  anchor are not in the file: their 部类 go to ``meta["toc_missing"]``.
* Inside a 分目: 条目 titles ``【…】`` (any of 【［[ with any of 】］], not
  ``[2020]``) are found on the joined text, so they may wrap and start
  mid-line; ``（…供稿）`` -> credit Block; ``…（X摄）`` -> caption Block (in
  source order: inside the open 条目, after the text before it); a short
  unpunctuated line after a finished sentence is a 次分目 when a 条目 or 概述
  follows it, otherwise a caption. A paragraph ends at a short line that ends
  a sentence. A 大事记 部类 goes to ``chronicle.parse_events``.

**Markdown**: the TOC runs from ``## 目 录`` to the next ``# `` heading
(dropped "toc"); what precedes it is front matter. ``# `` opens a top-level
part, ``## `` a 分目, other headings a 次分目, except enumerated headings
(``一、``, ``（一）``, ``2.``) which are text; a ``# `` heading followed by a
``——`` subtitle is a report (``report.parse_report_body``) inside the current
part. 条目 are paragraphs opening with ``【…】`` in any bold/heading style. A
block of short lines that recurs right after many ``# `` headings is a slogan
(dropped). Tab-separated lines are tables (``续表`` continuations merged). A
lone 2–3 character name paragraph is a credit. ``**`` is removed; letter-spaced
titles (``军 事``) are closed up between single CJK characters.
"""

from __future__ import annotations

import itertools
import re
import statistics
import unicodedata
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field

from builder.model.document import Block, Document, Dropped, Entry, Line, Problem, Section, Source
from builder.parse.chronicle import parse_events
from builder.parse.report import parse_report_body
from builder.parse.tables import Table, is_table_title, recover_table
from builder.sources.normalise import CJK_CHAR, compact, join_wrapped

# ---------------------------------------------------------------------------
# Shared patterns and helpers
# ---------------------------------------------------------------------------

_TITLE = r"[【［\[](?!\d{4}[\]］】])(?P<title>[^【】［］\[\]]{1,80}?)[】］\]]"
_CREDIT = r"[（(](?P<credit>[^（）()【】［］]{1,60}?)供\s*稿\s*[）)]"
_PHOTO = r"[（(][^（）()【】［］]{1,20}?摄\s*影?\s*[）)]"
_STREAM = re.compile(f"{_TITLE}|{_CREDIT}|(?P<photo>{_PHOTO})")
_TITLE_RE = re.compile(_TITLE)
_ONE_CJK = re.compile(CJK_CHAR)
_ENDS_CJK_WORD = re.compile(f"(?:^|\\s){CJK_CHAR}$")
_BRACKETED = re.compile(r"[【】［］\[\]（）()]")
_CREDIT_END = re.compile(_CREDIT + r"\s*$")
_SENT_END = re.compile(r"[。！？；!?;…][”’」』）)》]*$")
_PUNCT = re.compile(r"[。，；：！？、,;:!?]")
_ENUM = re.compile(r"^(?:[一二三四五六七八九十]+\s*、|[（(][一二三四五六七八九十\d]+[）)]|\d+\s*[.、．])")
_DATE_START = re.compile(r"^(?:\d{1,2}\s*[日月]|同日|▲)")
_GENERIC = {"概述", "综述"}
_OVERVIEW = re.compile(r"^[【［\[]概况[】］\]]")
_YEAR_SUMMARY = re.compile(r"^\s*(?:19|20)\d{2}\s*年\s*[，,]")
_BRACKETS = str.maketrans({"(": "（", ")": "）", "[": "［", "]": "］", "【": "［", "】": "］"})
_BRACKET_CHAR = re.compile(r"[()\[\]【】]")


def _key(text: str) -> str:
    """Comparison form of a title: no spaces, one width of brackets."""
    key = compact(text)
    # str.translate looks up every character: skip it when there is no bracket to map
    return key.translate(_BRACKETS) if _BRACKET_CHAR.search(key) else key


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text if not c.isspace())


def _close_letter_spacing(text: str) -> str:
    """``军 事`` -> ``军事``: drop spaces only between single CJK characters."""
    out: list[str] = []
    for token in text.split():
        if out and _ONE_CJK.fullmatch(token) and _ENDS_CJK_WORD.search(out[-1]):
            out[-1] += token
        else:
            out.append(token)
    return " ".join(out)


def _spaced(text: str) -> str:
    """A regex matching ``text`` with optional spaces and either bracket width."""
    parts = []
    for char in compact(text):
        if char in "（(":
            parts.append("[（(]")
        elif char in "）)":
            parts.append("[）)]")
        else:
            parts.append(re.escape(char))
    return r"\s*".join(parts)


@dataclass
class _Tree:
    """Adds records to sections, keeping the open 条目 and paragraph."""

    source: Source
    short: int = 18
    entry: Entry | None = None
    parts: list[str] = field(default_factory=list)
    para_line: int = 0

    def flush(self, target: Section) -> None:
        if not self.parts:
            return
        text = join_wrapped(self.parts)
        line, self.parts = self.para_line, []
        if not text:
            return
        if self.entry is not None and not self.entry.text and not self.entry.blocks:
            self.entry.text = text
        elif self.entry is not None:
            self.entry.blocks.append(Block("paragraph", text, line))
        else:
            target.children.append(Block("paragraph", text, line))

    def text(self, piece: str, line: int) -> None:
        if not self.parts:
            self.para_line = line
        self.parts.append(piece)

    def close(self, target: Section) -> None:
        self.flush(target)
        self.entry = None

    def open_entry(self, target: Section, title: str, line: int, path: tuple[str, ...]) -> None:
        self.close(target)
        self.entry = Entry(title=title, text="", line=line, source_id=self.source.id, path=path)
        target.children.append(self.entry)


def _path(*sections: Section | None) -> tuple[str, ...]:
    return tuple(s.title for s in sections if s is not None)


def parse_yearbook(source: Source, lines: list[Line]) -> Document:
    """Parse a yearbook (OCR text or Markdown) into a ``Document``."""
    root = Section(title=source.title, kind="document", line=lines[0].no if lines else 1)
    doc = Document(source=source, root=root)
    if sum(1 for ln in lines[:2000] if ln.text.startswith("# ")) >= 2:
        _MarkdownParser(doc, lines).run()
    else:
        _OcrParser(doc, lines).run()
    return doc


# ---------------------------------------------------------------------------
# OCR yearbooks
# ---------------------------------------------------------------------------

_LEADER_DOTS = re.compile(r"\.\.\.|……|···")  # in every leader line: a cheap test before ``leader``
_LEADER_MIN = {".": 3, "…": 2, "·": 3}


def leader(text: str) -> tuple[str, str, str] | None:
    r"""(title, dots, page) of a TOC line ``标题……12``: what the regex
    ``^\s*(.*?)\s*(\.{3,}|…{2,}|·{3,})\s*(\d{1,4})\s*$`` gives, in linear time (that regex
    backtracks over a long run of dots or ellipses: quadratic in the line; the test compares the two)."""
    end = len(text.rstrip())
    k = end
    while k > 0 and text[k - 1].isdecimal():
        k -= 1
    if not 1 <= end - k <= 4:
        return None
    j = len(text[:k].rstrip())
    if j == 0 or text[j - 1] not in _LEADER_MIN:
        return None
    dot = text[j - 1]
    b = j
    while b > 0 and text[b - 1] == dot:
        b -= 1
    if j - b < _LEADER_MIN[dot]:
        return None
    lead = len(text) - len(text.lstrip())
    w = len(text[:b].rstrip())
    return text[lead:max(w, lead)], text[b:j], text[k:end]
_TOC_HEAD = re.compile(r"^\s*目\s*录\s*\d*\s*$")
_DOT = r"[•・·]"
_CLOCK = re.compile(r"\d{1,2}:\d{2}")
_LATIN_SYM = re.compile(r"[A-Za-z~=_^#*|\\/<>@&$+\-]")


@dataclass
class _TocItem:
    title: str
    level: int  # 1 = 部类, 2 = 分目
    page: int
    line: int
    parent: int = -1  # index of the 部类
    has_children: bool = False


@dataclass
class _CLine:
    """A body line kept for content (stripped), with its page-start flag."""

    no: int
    text: str
    page_start: bool
    size: int = field(init=False)  # characters other than whitespace (asked for again and again)

    def __post_init__(self) -> None:
        self.size = len(compact(self.text))


@dataclass
class _Seg:
    item: int
    ci: int  # content index of the first line (heading or content)
    span: int  # heading lines (0 = heading absent)


def _book_pattern(title: str) -> str:
    """``辽阳年鉴（2021）`` -> regex for the book title with loose brackets."""
    m = re.match(r"^(.*?)[（(]\s*(\d{4})\s*[）)]\s*$", title)
    if not m:
        return _spaced(title)
    return _spaced(m.group(1)) + r"\s*[（(]?\s*" + m.group(2) + r"\s*[）)]?"


def _head_regex(book: str, parts: list[str]) -> re.Pattern[str]:
    num = rf"(?:{_DOT}\s*)?\d{{1,3}}\s*(?:{_DOT})?"
    names = "|".join([_spaced(p) for p in parts] + [r"目\s*录"])
    return re.compile(rf"^\s*(?:{num}\s*(?:{book})|(?:{book})\s*{num}|(?:{names})\s*{num})\s*$")


def _is_noise(text: str) -> bool:
    """Photo/screenshot OCR: Latin/symbol-heavy, letter-spaced, clock lines."""
    body = compact(text)
    if not body:
        return False
    tokens = text.split()
    if len(tokens) >= 4 and all(_ONE_CJK.fullmatch(t) for t in tokens):
        return True
    if _PUNCT.search(text):
        return False
    odd = len(_LATIN_SYM.findall(body))
    if odd >= 2 and odd / len(body) >= 0.3:
        return True
    return bool(_CLOCK.search(text)) and len(body) < 25


class _OcrParser:
    def __init__(self, doc: Document, lines: list[Line]) -> None:
        self.doc = doc
        self.source = doc.source
        self.lines = lines
        self.items: list[_TocItem] = []
        self.content: list[_CLine] = []
        self.short = 18

    # -- zones -------------------------------------------------------------
    def run(self) -> None:
        toc_start, toc_end = self._toc_zone()
        self._front(self.lines[:toc_start])
        self._toc(self.lines[toc_start:toc_end])
        self._body(self.lines[toc_end:])
        segs = self._skeleton()
        self._build(segs)

    def _toc_zone(self) -> tuple[int, int]:
        leaders = [i for i, ln in enumerate(self.lines) if _LEADER_DOTS.search(ln.text) and leader(ln.text)]
        if len(leaders) < 3:
            return 0, 0
        first = last = leaders[0]
        for i in leaders[1:]:
            if i - last > 60:
                break
            last = i
        start = first
        for j in range(first - 1, max(first - 60, -1), -1):
            if _TOC_HEAD.match(self.lines[j].text):
                start = j
                break
        return start, last + 1

    def _front(self, lines: list[Line]) -> None:
        text = [ln for ln in lines if ln.text.strip()]
        if not text:
            return
        section = Section(title=join_wrapped([text[0].text]), kind="front", line=text[0].no)
        tree = _Tree(self.source)
        for ln in text[1:]:
            if _ENUM.match(ln.text.strip()):
                tree.flush(section)
            tree.text(ln.text, ln.no)
        tree.flush(section)
        self.doc.root.children.append(section)

    # -- table of contents -------------------------------------------------
    def _toc(self, lines: list[Line]) -> None:
        book_head = _head_regex(_book_pattern(self.source.title), [])
        raw: list[tuple[str, int, int, int]] = []  # title, width, page, line
        pending: list[Line] = []
        seen_leader = False
        for ln in lines:
            if ln.text.strip():
                self.doc.dropped.append(Dropped(ln.no, ln.text, "toc"))
            m = leader(ln.text)
            if m:
                first = pending[0].no if pending else ln.no
                head, dots, page = m
                title = join_wrapped([p.text for p in pending] + [head])
                width = _width(head) + _width(dots) * (2 if "…" in dots else 1)
                raw.append((title, width, int(page), first))
                pending, seen_leader = [], True
            elif seen_leader and self._toc_text(ln.text, book_head):
                pending = (pending + [ln])[-3:]
        if not raw:
            return
        widths = sorted({w for _, w, _, _ in raw})
        gaps = [(b - a, b) for a, b in itertools.pairwise(widths)]
        cut = max(gaps)[1] if gaps else widths[0]
        parent = -1
        for title, width, page, line in raw:
            level = 1 if width >= cut else 2
            if level == 1:
                parent = len(self.items)
            elif parent >= 0:
                self.items[parent].has_children = True
            self.items.append(_TocItem(title, level, page, line, parent))

    @staticmethod
    def _toc_text(text: str, head: re.Pattern[str]) -> bool:
        t = text.strip()
        return bool(t) and bool(_ONE_CJK.search(t)) and "@" not in t and not head.match(t)

    # -- body lines ----------------------------------------------------------
    def _body(self, lines: list[Line]) -> None:
        parts = [it.title for it in self.items if it.level == 1]
        head = _head_regex(_book_pattern(self.source.title), parts)
        kept: list[_CLine] = []
        for ln in lines:
            text = ln.text.strip()
            if not text:
                continue
            if head.match(text):
                self.doc.dropped.append(Dropped(ln.no, ln.text, "running-head"))
            elif _is_noise(text):
                self.doc.dropped.append(Dropped(ln.no, ln.text, "photo-ocr"))
                kept.append(_CLine(ln.no, "", False))  # marks the junk position
            else:
                page_start = ln.text.startswith(" ") and not ln.text.startswith("  ")
                kept.append(_CLine(ln.no, text, page_start))
        lengths = [c.size for c in kept if c.text]
        self.short = int(statistics.median(lengths) * 0.8) if lengths else 18
        self.content = self._drop_junk_runs(kept)

    def _drop_junk_runs(self, kept: list[_CLine]) -> list[_CLine]:
        """Drop one-character runs, and short unfinished lines after junk."""
        drop: set[int] = set()
        i = 0
        while i < len(kept):
            j = i
            while j < len(kept) and kept[j].text and kept[j].size <= 1:
                j += 1
            if j - i >= 3:
                drop.update(range(i, j))
            i = max(j, i + 1)
        after_junk = False
        for i, c in enumerate(kept):
            if not c.text or i in drop:
                after_junk = True
                continue
            if after_junk and self._junk_tail(kept, i):
                drop.add(i)
                continue
            after_junk = False
        out = []
        for i, c in enumerate(kept):
            if i in drop and c.text:
                self.doc.dropped.append(Dropped(c.no, c.text, "photo-ocr"))
            elif c.text:
                out.append(c)
        return out

    def _junk_tail(self, kept: list[_CLine], i: int) -> bool:
        """A line after junk is junk when short and unfinished; a 【】 line
        is junk when what follows it is junk-like too (a screenshot)."""
        text = kept[i].text
        if _CREDIT_END.search(text):
            return False
        if _TITLE_RE.search(text):
            nxt = kept[i + 1].text if i + 1 < len(kept) else ""
            return not nxt or self._unfinished(nxt)
        return self._unfinished(text)

    def _unfinished(self, text: str) -> bool:
        return len(compact(text)) < self.short and not _SENT_END.search(text)

    # -- skeleton ------------------------------------------------------------
    def _candidates(self) -> list[tuple[int, int, int]]:
        index: dict[str, list[int]] = {}
        for k, it in enumerate(self.items):
            key = _key(it.title)
            if key not in _GENERIC:
                index.setdefault(key, []).append(k)
        found = []
        keys = [_key(c.text) for c in self.content]
        for ci, key in enumerate(keys):
            if len(key) > 40:
                continue
            for k in index.get(key, []):
                found.append((k, ci, 1))
            if ci + 1 < len(keys) and len(key) < 20:
                key2 = key + keys[ci + 1]
                for k in index.get(key2, []):
                    found.append((k, ci, 2))
        return sorted(found)

    def _skeleton(self) -> list[_Seg]:
        cands = self._candidates()
        best = [1] * len(cands)
        prev = [-1] * len(cands)
        for j, (kj, cj, _) in enumerate(cands):
            for i in range(j):
                ki, ci, _ = cands[i]
                if ki < kj and ci < cj and best[i] + 1 > best[j]:
                    best[j], prev[j] = best[i] + 1, i
        chain: list[_Seg] = []
        j = max(range(len(cands)), key=lambda n: (best[n], -n)) if cands else -1
        while j >= 0:
            chain.append(_Seg(*cands[j]))
            j = prev[j]
        chain.reverse()
        return self._fill_gaps(chain)

    def _fill_gaps(self, anchors: list[_Seg]) -> list[_Seg]:
        segs: list[_Seg] = []
        prev_item, lo = -1, 0
        for seg in [*anchors, _Seg(len(self.items), len(self.content), 0)]:
            missing = list(range(prev_item + 1, seg.item))
            if seg.item == len(self.items):
                self._not_in_file(missing)
                break
            units = [m for m in missing if self.items[m].level == 2 or not self.items[m].has_children]
            after_head = prev_item < 0 or (bool(units) and self.items[units[0]].parent == prev_item)
            segs.extend(self._place(units, lo, seg.ci, after_head))
            segs.append(seg)
            prev_item, lo = seg.item, seg.ci + seg.span
        return segs

    def _opens_part(self, unit: int) -> bool:
        item = self.items[unit]
        return item.level == 1 or self.items[unit - 1].level == 1

    def _place(self, units: list[int], lo: int, hi: int, after_head: bool) -> list[_Seg]:
        placed: list[_Seg] = []
        if not units:
            return placed
        if after_head:
            placed.append(_Seg(units[0], lo, 0))
            units, lo = units[1:], lo + 1
        pages = any(self._opens_part(u) for u in units)
        scored = [(self._boundary(ci, pages), ci) for ci in range(max(lo, 1), hi)]
        # a 分目 summary opens "2020年，全市…": the first such paragraph in a gap is a likely start
        first = next((i for i, (score, ci) in enumerate(scored)
                      if _SENT_END.search(self.content[ci - 1].text) and _YEAR_SUMMARY.match(self.content[ci].text)),
                     None)
        if first is not None:
            scored[first] = (scored[first][0] + 1, scored[first][1])
        chosen = sorted(sorted((s for s in scored if s[0] > 0), reverse=True)[: len(units)], key=lambda s: s[1])
        for unit, (_, ci) in zip(units, chosen):
            placed.append(_Seg(unit, ci, 0))
        for unit in units[len(chosen) :]:
            self.doc.problems.append(Problem("toc-missing", self.items[unit].line,
                                             f"TOC heading {self.items[unit].title} not found in the body"))
        return placed

    def _boundary(self, ci: int, pages: bool) -> int:
        c, before = self.content[ci], self.content[ci - 1].text
        credit = bool(_CREDIT_END.search(before))
        if not (credit or _SENT_END.search(before)) or _DATE_START.match(c.text):
            return 0
        opens = bool(_OVERVIEW.match(c.text)) or _key(c.text) in _GENERIC
        return 2 * credit + (c.page_start and pages) + 2 * opens

    def _not_in_file(self, missing: list[int]) -> None:
        parts = [self.items[m].title for m in missing if self.items[m].level == 1]
        if parts:
            self.doc.meta["toc_missing"] = "、".join(parts)
        for m in missing:
            if self.items[m].level == 2 and self.items[self.items[m].parent].title not in parts:
                self.doc.problems.append(Problem("toc-missing", self.items[m].line,
                                                 f"TOC heading {self.items[m].title} not in the file"))

    # -- tree --------------------------------------------------------------
    def _build(self, segs: list[_Seg]) -> None:
        root = self.doc.root
        first = segs[0].ci if segs else len(self.content)
        if first:
            self._fill(root, self.content[:first], ())
        part: Section | None = None
        part_item = -1
        for n, seg in enumerate(segs):
            end = segs[n + 1].ci if n + 1 < len(segs) else len(self.content)
            item = self.items[seg.item]
            line = self.content[seg.ci].no if seg.ci < len(self.content) else self.lines[-1].no
            # the heading as printed in the body; the TOC's wording when it is missing
            printed = [c.text for c in self.content[seg.ci : seg.ci + seg.span]]
            title = join_wrapped(printed or [item.title])
            if item.level == 1:
                part = Section(title, "chronicle" if "大事记" in title else "category", line, present=seg.span > 0)
                root.children.append(part)
                part_item, node = seg.item, part
            else:
                if part is None or part_item != item.parent:
                    parent = self.items[item.parent]
                    part = Section(join_wrapped([parent.title]), "category", line, present=False)
                    root.children.append(part)
                    part_item = item.parent
                node = Section(title, "subcategory", line, present=seg.span > 0)
                part.children.append(node)
            body = self.content[seg.ci + seg.span : end]
            if node.kind == "chronicle":
                self._chronicle(node, body)
            else:
                self._fill(node, body, _path(part) if node is part else _path(part, node))

    def _chronicle(self, section: Section, body: list[_CLine]) -> None:
        lines = [Line(c.no, c.text) for c in body]
        nodes, dropped = parse_events(lines, source=self.source, year=self.source.content_year, path=(section.title,),
                                      whole_year=True)
        section.children.extend(nodes)
        self.doc.dropped.extend(dropped)

    def _fill(self, section: Section, body: list[_CLine], path: tuple[str, ...]) -> None:
        _OcrRegion(self, section, path).run(body)


class _OcrRegion:
    """Builds the children of one 部类/分目 from its content lines."""

    def __init__(self, parser: _OcrParser, section: Section, path: tuple[str, ...]) -> None:
        self.parser = parser
        self.section = section
        self.target = section
        self.path = path
        self.tree = _Tree(parser.source)

    def run(self, body: list[_CLine]) -> None:
        run: list[_CLine] = []
        closed = True
        skip_to = 0
        for n, c in enumerate(body):
            if n < skip_to:
                continue
            if is_table_title(c.text):
                table = recover_table([(b.no, b.text) for b in body], n)
                if table is not None:  # builder/parse/tables.py
                    self._stream(run)
                    run = []
                    self._table(table)
                    skip_to, closed = table.end, True
                    continue
            nxt = body[n + 1].text if n + 1 < len(body) else ""
            kind = self._standalone(c.text, nxt) if closed else ""
            if kind:
                self._stream(run)
                run = []
                self._standalone_line(kind, c)
            else:
                run.append(c)
            closed = bool(kind) or bool(_SENT_END.search(c.text) or _CREDIT_END.search(c.text))
        self._stream(run)
        self.tree.close(self.target)

    @staticmethod
    def _standalone(text: str, nxt: str) -> str:
        if _key(text) in _GENERIC:
            return "sub"
        if _PUNCT.search(text) or _BRACKETED.search(text) or len(_ONE_CJK.findall(text)) < 2:
            return ""
        if len(compact(text)) > 30 or text.count("《") > text.count("》") or text.count("“") > text.count("”"):
            return ""  # too long, or an open quote continues on the next line
        if _TITLE_RE.match(nxt.strip()) or _key(nxt) in _GENERIC:
            return "sub"
        return "caption"

    def _table(self, table: Table) -> None:
        self.tree.close(self.target)
        text = "\n".join("\t".join(row) for row in table.rows)
        self.target.children.append(Block("table", text, table.line, rows=table.rows, head=table.head,
                                          caption=table.caption))
        self.parser.doc.dropped.extend(Dropped(no, text, "table-continued") for no, text in table.dropped)

    def _standalone_line(self, kind: str, c: _CLine) -> None:
        title = join_wrapped([c.text])
        if kind == "caption":
            self.target.children.append(Block("caption", title, c.no))
            return
        self.tree.close(self.target)
        self.target = Section(title, "subsubcategory", c.no)
        self.section.children.append(self.target)

    def _stream(self, run: list[_CLine]) -> None:
        """Find titles, credits and photo credits on the joined text of a run."""
        if not run:
            return
        starts, pos = [], 0
        for c in run:
            starts.append(pos)
            pos += len(c.text)
        text = "".join(c.text for c in run)
        cursor = 0
        for m in _STREAM.finditer(text):
            if m.group("photo"):
                cut = max(cursor, self._caption_start(text, starts, m.start()))  # never re-use emitted text
                self._text(run, starts, text, cursor, cut)
                line = self._line_at(run, starts, cut)
                caption = Block("caption", join_wrapped([text[cut : m.end()]]), line)
                # in source order: after the text before it (inside the open 条目, if any)
                self.tree.flush(self.target)
                (self.tree.entry.blocks if self.tree.entry is not None else self.target.children).append(caption)
            else:
                self._text(run, starts, text, cursor, m.start())
                line = self._line_at(run, starts, m.start())
                if m.group("title") is not None:
                    path = self.path + ((self.target.title,) if self.target is not self.section else ())
                    self.tree.open_entry(self.target, join_wrapped([m.group("title")]), line, path)
                else:
                    self.tree.close(self.target)
                    self.target.children.append(Block("credit", join_wrapped([m.group(0)]), line))
            cursor = m.end()
        self._text(run, starts, text, cursor, len(text))

    @staticmethod
    def _line_at(run: list[_CLine], starts: list[int], pos: int) -> int:
        return run[max(bisect_right(starts, pos) - 1, 0)].no

    @staticmethod
    def _caption_start(text: str, starts: list[int], pos: int) -> int:
        line_start = starts[bisect_right(starts, pos) - 1]
        stop = max(text.rfind(ch, line_start, pos) for ch in "。】］")
        return stop + 1 if stop >= 0 else line_start

    def _text(self, run: list[_CLine], starts: list[int], text: str, lo: int, hi: int) -> None:
        """Add text[lo:hi] line by line; a short finished line ends a paragraph."""
        # only the lines that overlap [lo, hi): from the one holding ``lo`` (a run can be long)
        for n in range(max(bisect_right(starts, lo) - 1, 0), len(run)):
            if starts[n] >= hi:
                break
            c = run[n]
            a, b = max(lo, starts[n]), min(hi, starts[n] + len(c.text))
            if a >= b:
                continue
            piece = text[a:b]
            if piece.strip():
                self.tree.text(piece, c.no)
            line_end = b == starts[n] + len(c.text)
            if line_end and c.size < self.parser.short and _SENT_END.search(c.text):
                self.tree.flush(self.target)


# ---------------------------------------------------------------------------
# Markdown yearbooks
# ---------------------------------------------------------------------------

_MD_HEAD = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_MD_TOC = re.compile(r"^#{1,6}\s*目\s*录\s*$")
_MD_TITLE = re.compile(
    r"^(?:#{1,6}\s*)?(?:\*\*)?\s*[【［](?!\d{4}[】］])(?P<title>[^【】［］]{1,80})[】］]\s*(?:\*\*)?\s*(?P<rest>.*)$",
    re.DOTALL,
)
_NAME = re.compile(f"(?:{CJK_CHAR}(?: ?{CJK_CHAR}){{1,2}})")
_NAMES = re.compile(f"^{_NAME.pattern}(?:\\s+{_NAME.pattern}){{0,2}}$")


def _md_clean(text: str) -> str:
    return text.replace("**", "")


def _paragraphs(lines: list[Line]) -> list[list[Line]]:
    out: list[list[Line]] = []
    cur: list[Line] = []
    for ln in lines:
        if not ln.text.strip():
            if cur:
                out.append(cur)
            cur = []
        elif _MD_HEAD.match(ln.text):
            if cur:
                out.append(cur)
            out.append([ln])
            cur = []
        else:
            cur.append(ln)
    if cur:
        out.append(cur)
    return out


class _MarkdownParser:
    def __init__(self, doc: Document, lines: list[Line]) -> None:
        self.doc = doc
        self.source = doc.source
        self.lines = lines
        self.slogan_lines: set[int] = set()

    def run(self) -> None:
        start, end = self._toc_zone()
        for ln in self.lines[start:end]:
            if ln.text.strip():
                self.doc.dropped.append(Dropped(ln.no, ln.text, "toc"))
        self._front(self.lines[:start])
        body = self.lines[end:]
        self._find_slogans(body)
        chunks: list[list[Line]] = []
        for ln in body:
            if ln.no in self.slogan_lines:
                self.doc.dropped.append(Dropped(ln.no, ln.text, "slogan"))
            elif ln.text.startswith("# ") or not chunks:
                chunks.append([ln])
            else:
                chunks[-1].append(ln)
        part: Section | None = None
        for chunk in chunks:
            part = self._chunk(chunk, part)

    def _toc_zone(self) -> tuple[int, int]:
        for i, ln in enumerate(self.lines):
            if _MD_TOC.match(ln.text):
                for j in range(i + 1, len(self.lines)):
                    if self.lines[j].text.startswith("# "):
                        return i, j
                return i, len(self.lines)
        return 0, 0

    def _front(self, lines: list[Line]) -> None:
        section: Section | None = None
        tree = _Tree(self.source)
        for para in _paragraphs(lines):
            head = _MD_HEAD.match(para[0].text)
            if head:
                if section is not None:
                    tree.flush(section)
                section = Section(_close_letter_spacing(_md_clean(head.group(2))), "front", para[0].no)
                self.doc.root.children.append(section)
                continue
            if section is None:
                section = Section(self.source.title, "front", para[0].no, present=False)
                self.doc.root.children.append(section)
            for ln in para:
                tree.text(_md_clean(ln.text), ln.no)
            tree.flush(section)

    def _find_slogans(self, body: list[Line]) -> None:
        """A short-line block recurring after many ``# `` headings is a slogan."""
        runs: list[tuple[str, list[int]]] = []
        for i, ln in enumerate(body):
            if ln.text.startswith("# "):
                runs.append(self._short_run(body, i + 1))
        counts = Counter(text for text, _ in runs if len(text) >= 4)
        if not counts:
            return
        slogan, times = counts.most_common(1)[0]
        if times < 3:
            return
        for i, ln in enumerate(body):
            if ln.text.startswith("# "):
                acc, nos = "", []
                for nxt in body[i + 1 :]:
                    if not nxt.text.strip():
                        continue
                    if not slogan.startswith(acc + compact(nxt.text)):
                        break
                    acc += compact(nxt.text)
                    nos.append(nxt.no)
                    if acc == slogan:
                        self.slogan_lines.update(nos)
                        break

    @staticmethod
    def _short_run(body: list[Line], i: int) -> tuple[str, list[int]]:
        text, nos = "", []
        for ln in body[i:]:
            if not ln.text.strip():
                continue
            if ln.text.startswith("#") or len(compact(ln.text)) > 8:
                break
            text += compact(ln.text)
            nos.append(ln.no)
        return text, nos

    def _chunk(self, chunk: list[Line], part: Section | None) -> Section | None:
        head = _MD_HEAD.match(chunk[0].text)
        if not head:
            self._fill(self.doc.root, chunk, ())
            return part
        title = _close_letter_spacing(_md_clean(head.group(2)))
        if part is not None and self._is_report(chunk):
            self._report(part, title, chunk)
            return part
        if "大事记" in compact(title):
            section = Section(title, "chronicle", chunk[0].no)
            self.doc.root.children.append(section)
            self._chronicle(section, chunk[1:])
            return section
        section = Section(title, "category", chunk[0].no)
        self.doc.root.children.append(section)
        self._fill(section, chunk[1:], (title,))
        return section

    @staticmethod
    def _is_report(chunk: list[Line]) -> bool:
        texts = [ln.text.strip() for ln in chunk[1:] if ln.text.strip()][:2]
        return any(t.startswith("——") for t in texts)

    def _report(self, part: Section, title: str, chunk: list[Line]) -> None:
        section = Section(title, "report", chunk[0].no)
        part.children.append(section)
        nodes, dropped = parse_report_body(chunk[1:], source=self.source)
        section.children.extend(nodes)
        self.doc.dropped.extend(dropped)

    def _chronicle(self, section: Section, lines: list[Line]) -> None:
        nodes, dropped = parse_events(lines, source=self.source, year=self.source.content_year, path=(section.title,),
                                      whole_year=True)
        section.children.extend(nodes)
        self.doc.dropped.extend(dropped)

    def _fill(self, section: Section, lines: list[Line], path: tuple[str, ...]) -> None:
        _MarkdownRegion(self, section, path).run(lines)


_CAPTION_DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日[，,]")
_INNER_PUNCT = re.compile(r"[。！？；：:!?;，,、…]")


def _is_caption(para: list[Line], before: list[Line] | None, after: list[Line] | None) -> bool:
    """A lone short phrase between paragraphs is a photo caption when it interrupts a
    sentence (the text before it ends mid-sentence) or stands right before a heading or a
    【条目】 — not when it merely starts a paragraph the conversion broke in two."""
    if len(para) != 1 or before is None or after is None:
        return False
    line = para[0].text.strip()
    text = compact(_md_clean(line))
    if not 6 <= len(text) <= 40 or "\t" in line or line.startswith(("#", "-", "*", "【", "|", ">", "$", "——")):
        return False
    if _INNER_PUNCT.search(_CAPTION_DATE.sub("", text)) or _ENUM.match(text) or _NAMES.match(line):
        return False
    if re.search(r"\d{4}\.\d", text) or all("\t" in ln.text for ln in after):
        return False  # a directory line, or a table's own caption
    prev_end = compact(_md_clean(before[-1].text))[-1:]
    interrupts = bool(prev_end) and prev_end not in "。！？；：!?;:）)”」》*"
    nxt = after[0].text.strip()
    opens = nxt.startswith("#") or bool(_MD_TITLE.match(nxt))
    return interrupts or opens


class _MarkdownRegion:
    """Builds 分目/次分目/条目/tables of one top-level Markdown part."""

    def __init__(self, parser: _MarkdownParser, part: Section, path: tuple[str, ...]) -> None:
        self.parser = parser
        self.part = part
        self.sub: Section | None = None
        self.subsub: Section | None = None
        self.path = path
        self.tree = _Tree(parser.source)
        self.table: Block | None = None
        self.continued = False

    @property
    def target(self) -> Section:
        return self.subsub or self.sub or self.part

    def run(self, lines: list[Line]) -> None:
        paras = _paragraphs(lines)
        for i, para in enumerate(paras):
            before = paras[i - 1] if i else None
            after = paras[i + 1] if i + 1 < len(paras) else None
            if _is_caption(para, before, after):
                self._caption(para[0])
            else:
                self._para(para)
        self.tree.close(self.target)

    def _caption(self, line: Line) -> None:
        """A photo caption: kept as a caption block where it stands, never as running text."""
        block = Block("caption", _close_letter_spacing(_md_clean(line.text).strip()), line.no)
        entry = self.tree.entry
        (entry.blocks if entry is not None and (entry.text or self.tree.parts) else self.target.children).append(block)

    def _para(self, para: list[Line]) -> None:
        first = para[0]
        raw = first.text.strip()
        head = _MD_HEAD.match(first.text)
        if head and not _MD_TITLE.match(raw):
            self._heading(len(head.group(1)), _md_clean(head.group(2)), first)
        elif all("\t" in ln.text for ln in para):
            self._table(para)
        elif compact(raw) in ("续表", "续"):
            self.continued = True
            self.parser.doc.dropped.append(Dropped(first.no, first.text, "table-continued"))
        elif len(para) == 1 and _NAMES.match(raw) and len(compact(raw)) <= 8:
            self.tree.close(self.target)
            self.target.children.append(Block("credit", _close_letter_spacing(raw), first.no))
        else:
            self._text(para)

    def _heading(self, level: int, text: str, line: Line) -> None:
        title = _close_letter_spacing(text.strip())
        if _ENUM.match(title):
            self._text([line], title)
            return
        self.tree.close(self.target)
        self.table = None
        section = Section(title, "subcategory" if level <= 2 else "subsubcategory", line.no)
        if level <= 2:
            self.sub, self.subsub = section, None
            self.part.children.append(section)
        else:
            (self.sub or self.part).children.append(section)
            self.subsub = section

    def _table(self, para: list[Line]) -> None:
        rows = [[_close_letter_spacing(cell.strip()) for cell in ln.text.rstrip("\n").split("\t")] for ln in para]
        rows = [r[:-1] if len(r) > 1 and not r[-1] else r for r in rows]
        if self.continued and self.table is not None and self.table.rows is not None:
            if rows and rows[0] == self.table.rows[0]:
                self.parser.doc.dropped.append(Dropped(para[0].no, para[0].text, "table-header-repeat"))
                rows = rows[1:]
            self.table.rows.extend(rows)
            self.table.text = "\n".join("\t".join(r) for r in self.table.rows)
        else:
            self.tree.flush(self.target)
            self.table = Block("table", "\n".join("\t".join(r) for r in rows), para[0].no, rows=rows)
            entry = self.tree.entry
            (entry.blocks if entry is not None else self.target.children).append(self.table)
        self.continued = False

    def _text(self, para: list[Line], override: str | None = None) -> None:
        self.continued = False
        joined = override if override is not None else "".join(ln.text.strip() for ln in para)
        m = _MD_TITLE.match(joined)
        if m:
            self.table = None
            path = _path(self.part, self.sub, self.subsub)
            self.tree.open_entry(self.target, join_wrapped([_md_clean(m.group("title"))]), para[0].no, path)
            rest = _md_clean(m.group("rest")).strip()
            if rest:
                self.tree.text(rest, para[0].no)
                self.tree.flush(self.target)
            return
        if override is None:
            self.tree.flush(self.target)
            for ln in para:
                self.tree.text(_md_clean(ln.text), ln.no)
        else:
            self.tree.flush(self.target)
            self.tree.text(override, para[0].no)
        self.tree.flush(self.target)
