"""Two-column pages whose text layer joined the columns line by line: where each line splits, and the
reading order (rule ``two-column``).

A printed page of two columns, read by OCR or a flipbook's text layer, often comes as one text line per
printed line: the left column's line, a space, the right column's line.  The boundary is either a wide gap
(three or more spaces: the layer kept the distance between the columns) or a single space, the same space
OCR puts around numbers (``19 日``, ``315 名``).  The page is found from the text alone:

* widths are display widths (``unicodedata.east_asian_width``: CJK 2, ASCII 1), spaces not counted (OCR
  adds them around numbers; print has none);
* only a text spaced sparsely is read this way: where OCR letter-spacing puts spaces between characters
  (at least a fifth of the lines have a space before a punctuation mark: ``指导 。``, ``少将 ,``; or a line
  has more than 16 runs of spaces), a single-space boundary cannot be told from them, and the page keeps its
  line order (the chronicle parser then cuts a line at a wide gap: a column gap starts an item);
* a boundary candidate is a gap of 3+ spaces (preferred where a line has one) or a single space — except
  between a number and the date unit after it (``28 日``) and before a mark no printed line starts with (``。``);
* a column line is as wide as the column (``W``) unless it ends its paragraph (a sentence end: shorter), is
  a heading (``3月``: short) or starts an entry (a date, a 同日 marker or a bullet first: the first line of
  a paragraph is narrower — indented, or its date hangs; its width ``W1``).  ``W`` and ``W1`` are the medians
  of the left halves of a first, balanced split of every line; each line then splits at the candidate whose
  two parts fit those widths best, or stays whole (a left-column line beside an empty right one) when that
  fits better and every space in it is OCR's beside a number or follows the entry's date (a space between two
  words is the boundary);
* a page (the lines between ``Page N``/``P. N`` markers) is two-column when at least 5 of its lines, and at
  least half of those after its first split line, split, and most full left parts are within 15 % of ``W``.

Reading order: the page's lines before its first split (running head, year heading) as they are, then every
left part in line order, then every right part.  Each part keeps its line number, so events and the ledger
still cite the printed line; no character is changed or dropped (the boundary is whitespace), and the page
is listed in the ledger under ``two-column``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from statistics import median

from builder.model.document import Line

__all__ = ["ColumnPages", "read_columns"]

_RUN = re.compile(r"[ \t\u3000]+")
_WIDE_GAP = 3
_PAGE_MARK = re.compile(r"^\s*(?:Page|P\.)\s*\d+\b")
_FIRST = re.compile(
    r"(?:\d{4}\s*年|\d{1,2}\s*(?:[~～—–-]\s*\d{1,2}\s*)?[月日]|(?:同|当|當|是|本|次|翌)\s?[日月年]|[▲△☆★◆●■])")
_HEADING = re.compile(r"(?:\d{4}\s*年|\d{1,2}\s*月|[一二三四五六七八九十]{1,3}月)")
_END_MARKS = "。！？；;!?"
_CLOSERS = "”」』）)"
_DATE_UNIT = re.compile(r"[年月日号號时時]")  # (patterns used with match(text, pos): no ``^``)
_SPACED_PUNCT = re.compile(r"\S[ \t\u3000]+[。，,、；;：:！？）)]")  # OCR letter-spacing: ``水 。``, ``少将 ,``
_NO_LINE_START = re.compile(r"[。，,、；;：:！？）)”」』]")  # print never starts a line with these
_MAX_LINE = 400  # characters: a line of a printed page's two columns is far shorter (hostile input stays linear)
_MAX_RUNS = 16  # space runs in a line of two columns (OCR's around numbers, and the boundary)
_MIN_SPLIT = 5
_TOLERANCE = 0.15


@dataclass(frozen=True)
class ColumnPages:
    """The lines in reading order (parts of a split line keep its number), the indexes of the lines that
    begin a column, and the first line of each two-column page."""

    lines: list[Line]
    column_starts: frozenset[int]
    pages: list[int]


class _Widths(dict[str, int]):
    """Display width per character (``unicodedata.east_asian_width``: Wide and Fullwidth 2, others 1, spaces
    0 — OCR's, not printed), looked up in C once a character has been seen."""

    def __missing__(self, ch: str) -> int:
        width = 0 if ch.isspace() else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if len(self) < 65536:  # hostile input cannot grow it without bound
            self[ch] = width
        return width


_WIDTH = _Widths()


def _display_width(text: str, lo: int, hi: int) -> int:
    return sum(map(_WIDTH.__getitem__, text[lo:hi]))


@dataclass
class _Row:
    line: Line
    text: str  # stripped
    offset: int  # where ``text`` starts in the line
    at: dict[int, int]  # display width of text[:i], at 0, the end and every candidate's start and end (if any)
    cands: list[tuple[int, int, bool]]  # (start, end, wide) of each space run inside ``text``

    def width(self, lo: int, hi: int) -> int:
        return self.at[hi] - self.at[lo]


def _row(line: Line) -> _Row | None:
    text = line.text.strip()
    if not text or len(text) > _MAX_LINE:
        return None
    offset = len(line.text) - len(line.text.lstrip())
    runs = list(_RUN.finditer(text))
    if not runs or len(runs) > _MAX_RUNS:  # one printed line, or letter-spacing (spaces between most characters)
        return _Row(line, text, offset, {}, [])
    date = _FIRST.match(text)
    cands = [(m.start(), m.end(), m.end() - m.start() >= _WIDE_GAP) for m in runs]
    # not a boundary: ``28 日`` (OCR's space between a number and its date unit), ``19 日 由…`` (the entry's date
    # and its text), a space before a mark no printed line starts with (``。``)
    cands = [(lo, hi, wide) for lo, hi, wide in cands if not _NO_LINE_START.match(text, hi) and (
        wide or not (text[lo - 1].isdigit() and _DATE_UNIT.match(text, hi) or date is not None and lo == date.end()))]
    if not cands:
        return _Row(line, text, offset, {}, [])
    at, pos, width = {0: 0}, 0, 0
    for lo, hi, _ in cands:
        width += _display_width(text, pos, lo)
        at[lo] = at[hi] = width
        pos = hi
    at[len(text)] = width + _display_width(text, pos, len(text))
    return _Row(line, text, offset, at, cands)


def _by_number(text: str, cand: tuple[int, int, bool]) -> bool:
    """The space is next to a number (or Latin letters): OCR's spacing, not a word boundary."""
    lo, hi, _ = cand
    return text[lo - 1].isascii() and text[lo - 1].isalnum() or hi < len(text) and text[hi].isascii() and text[hi].isalnum()


def _ends(text: str, lo: int, hi: int) -> bool:
    """``text[lo:hi]`` ends a sentence (or a heading): a paragraph's last line may be short."""
    last = text[hi - 1] if hi > lo else ""
    if last in _CLOSERS and hi - 1 > lo:
        last = text[hi - 2]
    return last != "" and last in _END_MARKS or hi - lo <= 8 and _HEADING.fullmatch(text, lo, hi) is not None


def _cost(text: str, lo: int, hi: int, width: int, w: float, w1: float) -> float:
    """How far the column part ``text[lo:hi]`` is from the width it should have (no copies: linear)."""
    expect = w1 if _FIRST.match(text, lo) else w
    if _ends(text, lo, hi):
        return max(0.0, width - expect)  # a paragraph's last line, a heading: shorter
    return abs(width - expect)


def _best(row: _Row, w: float, w1: float) -> tuple[int, int] | None:
    """The boundary that fits the column widths best, or None when the line fits better whole."""
    if not row.cands:
        return None
    total = row.width(0, len(row.text))
    best: tuple[float, int, int] | None = None
    words = [c for c in row.cands if not _by_number(row.text, c)]
    if total <= (1 + _TOLERANCE) * w and not words:
        # whole: a left-column line beside an empty right one — only where every space is OCR's around a number
        # (or after the entry's date): a space between two words is the boundary
        best = (_cost(row.text, 0, len(row.text), total, w, w1), -1, -1)
    wide = any(c[2] for c in row.cands)
    for lo, hi, is_wide in row.cands:
        if wide and not is_wide:
            continue  # a wide gap is the boundary where there is one
        end = len(row.text)
        lw, rw = row.width(0, lo), row.width(hi, end)
        if max(lw, rw) > (1 + _TOLERANCE) * w:
            continue
        if lw < 0.5 * w and not _ends(row.text, 0, lo):
            continue
        cost = _cost(row.text, 0, lo, lw, w, w1) + _cost(row.text, hi, end, rw, w, w1) - (w if is_wide else 0)
        if best is None or cost < best[0]:
            best = (cost, lo, hi)
    return None if best is None or best[1] < 0 else (best[1], best[2])


def _widths(rows: list[_Row]) -> tuple[float, float] | None:
    """``W`` and ``W1`` from a balanced first split of every line."""
    full, first = [], []
    for row in rows:
        if not row.cands:
            continue
        total = row.width(0, len(row.text))
        lo, _, _ = min(row.cands, key=lambda c: abs(row.width(0, c[0]) - row.width(c[1], len(row.text))))
        lw = row.width(0, lo)
        if lw < total / 3 or total - lw < total / 3:
            continue
        if _FIRST.match(row.text):
            first.append(lw)
        elif not _ends(row.text, 0, lo):
            full.append(lw)
    if len(full) < _MIN_SPLIT:
        return None
    w = median(full)
    return w, median(first) if first else w


def _page(chunk: list[Line]) -> tuple[list[Line], int, int] | None:
    """The lines of one page in reading order, where its left and its right column begin in them; None when
    the page is not two-column.  Blank lines stay with the left column (they carry no text)."""
    rows = {i: r for i, ln in enumerate(chunk) if (r := _row(ln)) is not None}
    est = _widths(list(rows.values()))
    if est is None:
        return None
    w, w1 = est
    splits = {i: _best(r, w, w1) for i, r in rows.items()}
    first = next((i for i in sorted(splits) if splits[i] is not None), None)
    if first is None:
        return None
    body = [i for i in sorted(rows) if i >= first]
    split = [i for i in body if splits[i] is not None]
    if len(split) < _MIN_SPLIT or 2 * len(split) < len(body):
        return None
    full = [rows[i].width(0, splits[i][0]) for i in split  # type: ignore[index]
            if not _FIRST.match(rows[i].text) and not _ends(rows[i].text, 0, splits[i][0])]  # type: ignore[index]
    if not full or sum(1 for x in full if abs(x - w) <= _TOLERANCE * w) * 10 < 6 * len(full):
        return None
    left: list[Line] = []
    right: list[Line] = []
    for i in range(first, len(chunk)):
        ln, s = chunk[i], splits.get(i)
        if s is None:
            left.append(ln)
            continue
        r = rows[i]
        left.append(Line(ln.no, ln.text[: r.offset + s[0]].rstrip()))
        right.append(Line(ln.no, ln.text[r.offset + s[1]:].rstrip()))
    return [*chunk[:first], *left, *right], first, first + len(left)


def read_columns(lines: list[Line]) -> ColumnPages | None:
    """The lines in reading order when some page of them is two-column (else None)."""
    texts = [ln.text.strip() for ln in lines if ln.text.strip()]
    if len(texts) < _MIN_SPLIT:
        return None
    if 5 * sum(1 for t in texts if _SPACED_PUNCT.search(t)) >= len(texts):
        # OCR letter-spacing (``水 。 这是``) puts spaces between Chinese characters in every line: a single-space
        # boundary cannot be told from them, so such a page keeps line order (its wide gaps are cut in the line)
        return None
    out: list[Line] = []
    starts: set[int] = set()
    pages: list[int] = []
    chunk: list[Line] = []

    def close() -> None:
        page = _page(chunk) if len(chunk) >= _MIN_SPLIT else None
        if page is None:
            out.extend(chunk)
        else:
            ordered, left, right = page
            pages.append(chunk[left].no)
            starts.update((len(out) + left, len(out) + right))
            out.extend(ordered)
        chunk.clear()

    for ln in lines:
        if _PAGE_MARK.match(ln.text):
            close()
            out.append(ln)
        else:
            chunk.append(ln)
    close()
    if not pages:
        return None
    return ColumnPages(out, frozenset(starts), pages)
