"""The ledger: every character of a source is on a page or accounted for.

Source text = page text + ledger. The ledger of a document holds:

* every ``Fix`` reported by the normaliser (zero-width and control characters
  removed, NFC, safe OCR fixes) and by
  ``corrections`` (reviewed errata): line, before, after, rule;
* every ``Dropped`` piece reported by the parsers (running heads, TOC,
  slogans, photo-OCR junk, titles, web boilerplate …), with the parser's reason;
* markup the parsers strip while reading structure (``#`` and ``**`` of
  Markdown, the ``【】`` around a 条目 title, list markers, the ``：``/``，``
  between a date or heading and its text) — found by ``account`` below and
  recorded as ``Dropped`` with reason ``markup``;
* whitespace, counted per document (OCR puts spaces between CJK characters;
  lines are joined): ``whitespace_summary``.

``account`` aligns the whitespace-free text of the fixed source lines with the
whitespace-free text of everything on the pages (section titles, event
markers and texts, 条目 titles and texts, blocks, table cells) and of the
dropped pieces, each piece starting at its own line: dropped pieces are
claimed first (exact, within their line), then page pieces in line order,
matching character by character; where a piece skips ahead (a caption or a
running head interrupts it) it resynchronises on its next characters — further
on, or, where a text runs back up the page (a two-column page read column by
column), on free characters before.
Characters left over between two pieces (or markup inside one) are markup;
any other leftover is ``unaccounted`` and a page character not found in the
source is ``inserted`` — both are reported as problems and must never occur
(the conservation test checks every source). The same alignment places each
fix in the record text that shows it (``Mark``), so the page can show the
original on hover.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

from builder.model.document import Block, Document, Dropped, Entry, Event, Fix, Line, Mark, Problem, Section
from builder.sources.normalise import OCR_RULES, unfix_line

__all__ = [
    "LedgerEntry",
    "Piece",
    "account",
    "document_ledger",
    "verify_conservation",
    "whitespace_summary",
]

MARKUP_ANYWHERE = frozenset("*")
MARKUP_AT_EDGE = frozenset("#*【】［］[]-+>：:，,、|_")
UNACCOUNTED = "unaccounted"
INSERTED = "inserted"
_RESYNC = 12
_WS = re.compile(r"\s+")
_NON_WS = re.compile(r"\S+")
_WINDOW = 6000

RULE_NAMES = {
    **{rule.name: rule.description for rule in OCR_RULES},
    "zero-width": "零宽字符（U+200B–U+200D、U+2060、U+FEFF），删去",
    "control": "控制字符（制表符、换行之外），删去",
    "nfc": "Unicode 规范化（NFC）：组合字符合成，兼容汉字改为统一汉字",
    "correction": "编者勘误（site_config/corrections.yml），附说明",
    "markup": "解析结构时去掉的标记：Markdown 的 # 与 **、条目标题的【】、列表符号、日期或标题后的冒号逗号",
    "toc": "目录（据目录恢复章节结构，目录本身不作正文）",
    "running-head": "书眉、页码",
    "photo-ocr": "图片中文字的识别乱码",
    "slogan": "装饰性标语",
    "title": "文献标题行（作为题名显示）",
    "rule": "分隔线",
    "web-boilerplate": "网页转载时的页面杂项（来源、发布时间、打印、关闭等）",
    "table-continued": "“续表”标记（续表并入前表）",
    "table-header-repeat": "续表重复的表头",
    "date-cell": "表格拆散后单独成行的日期格（日期记在它所标的大事上）",
    "timestamp": "网页的发布日期（单独一行、正文条目不用的写法）",
    "two-column": "两栏排版：文本层把左右两栏的同一行连成一行，本页按版面先读左栏、再读右栏（只改顺序，不删字）",
}


@dataclass(frozen=True)
class LedgerEntry:
    """One removed or changed piece of a source, for the published ledger."""

    source: str
    line: int
    before: str
    after: str
    rule: str
    note: str = ""


# ---------------------------------------------------------------------------
# Pieces: the text on the pages, each with its line
# ---------------------------------------------------------------------------


@dataclass
class Piece:
    """One text on a page (or dropped), with the node and field it belongs to."""

    line: int
    text: str
    node: object | None = None
    role: str = "text"  # text | title | marker | cell | dropped
    compact: str = ""
    pos: list[int] = field(default_factory=list)  # index in ``text`` of each compact char

    def __post_init__(self) -> None:
        # str.split() drops exactly the characters str.isspace() accepts, in C
        self.compact = "".join(self.text.split())
        if len(self.compact) == len(self.text):  # most Chinese texts have no whitespace at all
            self.pos = list(range(len(self.text)))
        else:
            self.pos = [i for m in _NON_WS.finditer(self.text) for i in range(m.start(), m.end())]


def _page_texts(doc: Document) -> list[tuple[int, str, object, str]]:
    """(line, text, node, role) of everything the pages show, in tree order."""
    out: list[tuple[int, str, object, str]] = []

    def block(b: Block) -> None:
        if b.kind == "table" and b.rows:
            if b.caption:
                out.append((b.line, b.caption, b, "cell"))
            out.extend((b.line, cell, b, "cell") for row in b.rows for cell in row)
        else:
            out.append((b.line, b.text, b, "text"))

    def visit(sec: Section) -> None:
        for node in sec.children:
            if isinstance(node, Section):
                if node.present:
                    out.append((node.line, node.title, node, "title"))
                visit(node)
            elif isinstance(node, Event):
                out.append((node.line, node.marker, node, "marker"))
                out.append((node.line, node.text, node, "text"))
                if node.attribution:
                    out.append((node.line, node.attribution, node, "attribution"))
            elif isinstance(node, Entry):
                out.append((node.line, node.title, node, "title"))
                out.append((node.line, node.text, node, "text"))
                for b in node.blocks:
                    block(b)
            else:
                block(node)

    visit(doc.root)
    return out


def page_pieces(doc: Document) -> list[Piece]:
    """Everything the pages show from this document, in tree order."""
    pieces = (Piece(line, text, node, role) for line, text, node, role in _page_texts(doc))
    return [p for p in pieces if p.compact]


# ---------------------------------------------------------------------------
# Alignment
# ---------------------------------------------------------------------------


@dataclass
class _Source:
    """The whitespace-free text of the (fixed) lines, with line maps."""

    text: str
    starts: list[int]  # index of the first char of each line (in ``numbers`` order)
    numbers: list[int]  # the line numbers
    start_of: dict[int, int]  # line number -> index of its first char (or the next line's)

    @classmethod
    def of(cls, lines: list[Line]) -> _Source:
        parts = ["".join(ln.text.split()) for ln in lines]
        starts = [0, *accumulate(map(len, parts))][: len(parts)]
        numbers = [ln.no for ln in lines]
        return cls("".join(parts), starts, numbers, dict(zip(numbers, starts)))

    def _row(self, i: int) -> int:
        return bisect_right(self.starts, i) - 1

    def line_of(self, i: int) -> int:
        return self.numbers[self._row(i)]

    def line_end(self, i: int) -> int:
        row = self._row(i)
        return self.starts[row + 1] if row + 1 < len(self.starts) else len(self.text)

    def start(self, line: int) -> int:
        if line in self.start_of:
            return self.start_of[line]
        row = bisect_left(self.numbers, line)
        return self.starts[row] if row < len(self.starts) else len(self.text)


@dataclass
class Alignment:
    """Who owns each source character: piece index and index in its compact text."""

    src: _Source
    pieces: list[Piece]
    owner: list[int]
    index: list[int]
    inserted: list[tuple[Piece, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    used: bytearray = field(default_factory=bytearray)  # 1 where ``owner`` is set (for C-level scans)


def _free_run(src: str, used: bytearray, i: int, piece: str, j: int, stop: int) -> int:
    """Length of the run where ``src[i:stop]`` equals ``piece[j:]`` on free positions."""
    limit = min(stop - i, len(piece) - j)
    if src[i : i + limit] == piece[j : j + limit] and used.find(1, i, i + limit) < 0:
        return limit  # the usual case: the whole rest of the line matches
    n = 0
    while n < limit:
        step = min(32, limit - n)
        if src[i + n : i + n + step] == piece[j + n : j + n + step] and used.find(1, i + n, i + n + step) < 0:
            n += step
            continue
        while n < limit and src[i + n] == piece[j + n] and not used[i + n]:
            n += 1
        break
    return n


def _resync(src: str, used: bytearray, i: int, want: str, end: int | None = None) -> int:
    """Next free position at or after ``i`` where ``want`` starts (and ends by ``end``), or -1."""
    hi = min(len(src) if end is None else end, i + _WINDOW)
    pos = src.find(want, i, hi)
    while pos >= 0:
        if used.find(1, pos, pos + len(want)) < 0:
            return pos
        pos = src.find(want, pos + 1, hi)
    return -1


def align(lines: list[Line], pieces: list[Piece], dropped: list[Piece], late: list[Piece] | None = None) -> Alignment:
    """Assign every source character to a dropped piece or a page piece;
    ``late`` pieces (markup already in the ledger) claim what is left on
    their line at the end."""
    src = _Source.of(lines)
    n = len(src.text)
    used = bytearray(n)
    late = late or []
    al = Alignment(src, [*dropped, *pieces, *late], [-1] * n, [-1] * n, used=used)

    def take(p: int, i: int, j: int, k: int) -> None:
        used[i : i + k] = b"\x01" * k
        al.owner[i : i + k] = [p] * k
        al.index[i : i + k] = range(j, j + k)

    def claim(p: int, piece: Piece) -> None:
        """Exact, within the piece's own line."""
        lo = src.start(piece.line)
        hi = src.start_of.get(piece.line + 1, n) if piece.line + 1 in src.start_of else n
        pos = _resync(src.text, used, lo, piece.compact, hi)
        if pos < 0:
            al.problems.append(Problem("text-lost", piece.line,
                                       f"ledger text not found on its line: {piece.text[:30]!r}"))
        else:
            take(p, pos, 0, len(piece.compact))

    for p, piece in enumerate(dropped):
        claim(p, piece)
    order = sorted(range(len(pieces)), key=lambda k: pieces[k].line)  # stable: ties keep tree order
    starts, last_row = src.starts, len(src.starts) - 1
    # per row: a position before which every free character is markup. A piece whose first
    # character is not markup would step over each of them (below) before reaching its own
    # text; it starts there instead. Without this, a line holding many pieces (a thousand
    # 【…】 entries on one line) costs pieces × line length.
    clear: dict[int, int] = {}
    for k in order:
        p, piece = len(dropped) + k, pieces[k]
        text, i, j = piece.compact, src.start(piece.line), 0
        if text and i < n and text[0] not in MARKUP_AT_EDGE:
            row = bisect_right(starts, i) - 1
            stop = starts[row + 1] if row < last_row else n
            c = clear.get(row, i)
            while c < stop:
                c = used.find(0, c, stop)
                if c < 0:
                    c = stop
                elif src.text[c] in MARKUP_AT_EDGE:
                    c += 1
                else:
                    break
            clear[row] = c
            i = max(i, c)
        while j < len(text):
            free = used.find(0, i)
            if free < 0:
                back = _resync(src.text, used, max(0, n - _WINDOW), text[j : j + _RESYNC], n)
                if back < 0:
                    al.inserted.append((piece, text[j:]))
                    break
                free = back
            i = free
            row = bisect_right(starts, i) - 1  # src.line_end(i), inlined: this loop runs per line of each piece
            stop = starts[row + 1] if row < last_row else n
            run = _free_run(src.text, used, i, text, j, stop)
            if 0 < run < min(4, len(text) - j) and i + run < stop:
                # a short run may be a coincidence (a caption between two halves
                # of a paragraph): prefer where the piece's next characters are
                pos = _resync(src.text, used, i, text[j : j + _RESYNC])
                if pos > i:
                    i = pos
                    continue
            if run:
                take(p, i, j, run)
                i, j = i + run, j + run
                continue
            if src.text[i] in MARKUP_AT_EDGE:
                i += 1
                continue
            pos = _resync(src.text, used, i, text[j : j + _RESYNC])
            if pos < 0 and len(text) - j > 3:
                pos = _resync(src.text, used, i, text[j : j + 3])
            if pos < 0:
                # a text that goes back up the page: a paragraph running from the foot of a page's left column
                # on at the head of its right one (read column by column, ``parse.columns``)
                pos = _resync(src.text, used, max(0, i - _WINDOW), text[j : j + _RESYNC], i)
            if pos >= 0:
                i = pos
                continue
            al.inserted.append((piece, text[j]))
            j += 1
    base = len(dropped) + len(pieces)
    for k, piece in enumerate(late):
        claim(base + k, piece)
    return al


def _leftovers(al: Alignment) -> list[tuple[int, int, str]]:
    """Runs of unowned source characters: (start, end, reason)."""
    runs: list[tuple[int, int, str]] = []
    owner, n = al.owner, len(al.owner)
    used = al.used if len(al.used) == n else bytearray(o >= 0 for o in owner)
    i = used.find(0)
    while i >= 0:
        stop = al.src.line_end(i)
        j = used.find(1, i, stop)
        if j < 0:
            j = stop
        chars = al.src.text[i:j]
        inside = (
            i > 0 and j < n and owner[i - 1] == owner[j] and owner[j] >= 0
            and al.index[j] == al.index[i - 1] + 1
        )
        allowed = MARKUP_ANYWHERE if inside else MARKUP_AT_EDGE
        runs.append((i, j, "markup" if set(chars) <= allowed else UNACCOUNTED))
        i = used.find(0, j)
    return runs


def _mark(al: Alignment, fixes: list[Fix], fixed: dict[int, str]) -> None:
    """Attach a ``Mark`` to the record text that shows each fix."""
    solid: dict[int, list[int]] = {}  # per line: how many non-whitespace characters precede each column
    for fix in fixes:
        text = fixed.get(fix.line, "")
        if fix.line not in al.src.start_of:
            continue
        if fix.line not in solid:  # once per line, not per fix: a long line may hold many fixes
            solid[fix.line] = list(accumulate((not ch.isspace() for ch in text), initial=0))
        before = solid[fix.line]
        first = al.src.start_of[fix.line] + before[min(fix.col, len(before) - 1)]
        idx = list(range(first, first + len(_WS.sub("", fix.after))))
        if not idx or idx[-1] >= len(al.owner):
            continue
        owners = {al.owner[i] for i in idx}
        if len(owners) != 1 or min(owners) < 0:
            continue
        piece = al.pieces[owners.pop()]
        if piece.role != "text" or not isinstance(piece.node, (Block, Entry, Event)):
            continue
        start = piece.pos[min(al.index[i] for i in idx)]
        end = piece.pos[max(al.index[i] for i in idx)] + 1
        piece.node.marks.append(Mark(start, end, fix.before, fix.rule, fix.note))
    for piece in al.pieces:
        if isinstance(piece.node, (Block, Entry, Event)) and piece.node.marks:
            piece.node.marks.sort(key=lambda m: m.start)


def _dropped_pieces(doc: Document, *, markup: bool) -> list[Piece]:
    pieces = [Piece(d.line, d.text, d, "dropped") for d in doc.dropped if (d.reason == "markup") == markup]
    return [p for p in pieces if p.compact]


def account(doc: Document, fixed_lines: list[Line]) -> None:
    """Add the markup the parsers stripped to ``doc.dropped`` (reason
    ``markup``), mark each fix in its record, and report anything unaccounted."""
    dropped = [p for p in (Piece(d.line, d.text, d, "dropped") for d in doc.dropped) if p.compact]
    al = align(fixed_lines, page_pieces(doc), dropped)
    for i, j, reason in _leftovers(al):
        line = al.src.line_of(i)
        doc.dropped.append(Dropped(line, al.src.text[i:j], reason))
        if reason == UNACCOUNTED:
            doc.problems.append(Problem("text-lost", line, f"text not on any page: {al.src.text[i:j][:30]!r}"))
    for piece, chars in al.inserted:
        doc.problems.append(Problem("text-lost", piece.line, f"page text not found in the source: {chars[:30]!r}"))
    doc.problems.extend(al.problems)
    _mark(al, doc.fixes, {ln.no: ln.text for ln in fixed_lines})
    doc.dropped.sort(key=lambda d: d.line)


# ---------------------------------------------------------------------------
# Conservation (for tests and `fangzhi check`)
# ---------------------------------------------------------------------------


def verify_conservation(doc: Document, source_lines: list[Line]) -> list[str]:
    """Problems with "source text = page text + ledger" for one document.

    Applies the ledger's fixes to the printed lines, aligns the result with
    what the pages show plus what the ledger lists as dropped (markup
    included), and checks that nothing is left over on either side and that
    undoing the fixes gives the printed lines back. Returns [] when every
    character is accounted for.
    """
    problems: list[str] = []
    fixed_lines = _apply(source_lines, doc.fixes, problems)
    al = align(fixed_lines, page_pieces(doc), _dropped_pieces(doc, markup=False), _dropped_pieces(doc, markup=True))
    problems.extend(map(str, al.problems))
    for i, j, _ in _leftovers(al):
        problems.append(f"line {al.src.line_of(i)}: not on a page and not in the ledger: {al.src.text[i:j][:30]!r}")
    for piece, chars in al.inserted:
        problems.append(f"line {piece.line}: on a page but not in the source: {chars[:30]!r}")
    fixes_by_line: dict[int, list[Fix]] = {}
    for fix in doc.fixes:
        fixes_by_line.setdefault(fix.line, []).append(fix)
    for ln, fx in zip(source_lines, fixed_lines):
        try:
            back = unfix_line(fx.text, fixes_by_line.get(ln.no, []))
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if back != ln.text:
            problems.append(f"line {ln.no}: undoing the fixes does not give the printed line")
    return problems


def _apply(lines: list[Line], fixes: list[Fix], problems: list[str]) -> list[Line]:
    """Apply the ledger's fixes to printed lines. Columns are in the fixed
    text, so applying them left to right puts each one at its own column."""
    by_line: dict[int, list[Fix]] = {}
    for fix in fixes:
        by_line.setdefault(fix.line, []).append(fix)
    out = []
    for ln in lines:
        text = ln.text
        for fix in sorted(by_line.get(ln.no, []), key=lambda f: f.col):
            if text[fix.col : fix.col + len(fix.before)] != fix.before:
                problems.append(f"line {ln.no}: fix {fix.rule} {fix.before!r} does not match the printed text")
                continue
            text = text[: fix.col] + fix.after + text[fix.col + len(fix.before) :]
        out.append(Line(ln.no, text))
    return out


# ---------------------------------------------------------------------------
# The published ledger
# ---------------------------------------------------------------------------


def document_ledger(doc: Document) -> list[LedgerEntry]:
    """Fixes and dropped pieces of one document, in line order."""
    sid = doc.source.id
    entries = [LedgerEntry(sid, f.line, f.before, f.after, f.rule, f.note) for f in doc.fixes]
    entries += [LedgerEntry(sid, d.line, d.text, "", d.reason) for d in doc.dropped]
    return sorted(entries, key=lambda e: e.line)


def _spaces(text: str) -> int:
    """How many characters of ``text`` are whitespace (``str.isspace``)."""
    return len(text) - sum(map(len, text.split()))


def whitespace_summary(doc: Document, source_lines: list[Line]) -> dict[str, int]:
    """Whitespace as printed and as kept on the pages (removed = the rest)."""
    texts = [ln.text for ln in source_lines]
    blank = sum(1 for t in texts if not t or t.isspace())
    spaces = _spaces("".join(texts))
    # a text with no other character strips to "" (no spaces): no need to build its Piece
    kept = sum(_spaces(text.strip()) for _, text, _, _ in _page_texts(doc))
    return {
        "lines": len(source_lines),
        "blank_lines": blank,
        "spaces_in_lines": spaces,
        "spaces_on_pages": kept,
    }
