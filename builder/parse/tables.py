"""Tables printed in OCR text, recovered as rows and cells.

OCR flattens a printed table into lines: each cell's wrapped lines, cell after cell, row
after row (辽阳年鉴: 市委常委会议纪要一览表, 人事任免情况一览表, 议案办理情况一览表, 发文目录 …).
Read as running text, a row number glues onto the text after it ("13" + "2020年6月3日…"
→ "132020年6月3日…") and a cell's fragments become one-word paragraphs ("议", "示满意").

A table is recognised from its shape, not from its name:

* a **title line**: a short line ending in ``一览表`` or ``目录`` with no punctuation;
* an optional **header**: the next line, two to eight words with no digit or punctuation
  (``序号 名称 领衔人 主要内容 办理形式 办理结果``; letter-spaced ``标 题`` is one word);
* **rows**, each opening with a key of one kind, the kind of the first row's key: a document
  number (``辽市委发〔2020〕4号``), an issue (``第 1期（总第 47期）``), a numbered item
  (``第 10号``), a date alone on its line (``3月 20日``), or a sequence number (``1``, ``2``,
  … each the one before plus one, alone or before the row's text). Every line up to the
  next key belongs to the row; ``续表`` (the table continued on a new page) is dropped.

The table ends at the end of its section, at a contributor credit ``（…供稿）``, a 【条目】 or
another table's title. A row's lines are cut into cells:

* two columns (or a key that is a document number or an issue): the rest is one cell;
* a date key without a header: the run of short lines after it (a cell wrapped into a narrow
  column: ``市十六届人民 代`` / ``表大会常务 委员`` / ``会第二十 二次会`` / ``议``) is the
  second cell, the rest the third;
* more columns: the lines are cut into exactly as many cells as the header has columns
  after the key, choosing the cut whose cells look most like wrapped columns: within a cell
  every line but the last is about as long as the cell's longest (a column wraps at its
  width; a line ending before punctuation, or holding half-width commas, is a little shorter);
  each column's width is about the same in every row (a second pass, against the median
  width of each column in the first); a cell ending a sentence (``。``) and a cell of one
  short line (a name, ``姜丽华``; a unit, ``市发改委``) are likelier.

No text is added or left out: the title becomes the table's caption, the header its first
row, every other line is in a cell (so the ledger still accounts for every character).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from builder.sources.normalise import CJK_CHAR, compact, join_wrapped

__all__ = ["Table", "is_table_title", "recover_table"]

_TITLE = re.compile(r"(?:一览表|目录)$")
_PUNCT = re.compile(r"[。，；：！？、,;:!?]")
_DIGIT = re.compile(r"\d")
_ONE_CJK = re.compile(CJK_CHAR)
_ENDS_ONE_CJK = re.compile(f"(?:^|\\s){CJK_CHAR}$")
_CREDIT_END = re.compile(r"[（(][^（）()]{1,60}?供\s*稿\s*[）)]\s*$")
_ENTRY = re.compile(r"^[【［\[](?!\d{4}[\]］】])")
_SENT_END = re.compile(r"[。；;][”’」』）)》]*$")
_CONTINUED = {"续表", "续"}
_KEYS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("document", re.compile(r"^(\S{1,12}?〔\s*\d{4}\s*〕\s*\d+\s*号)\s*")),
    ("issue", re.compile(r"^(第\s*\d+\s*期\s*[（(]\s*总第\s*\d+\s*期\s*[）)])\s*")),
    ("item", re.compile(r"^(第\s*\d+\s*号)\s*")),
    ("date", re.compile(r"^(\d{1,2}\s*月\s*\d{1,2}\s*日)\s*$")),
    ("sequence", re.compile(r"^(\d{1,3})(?:\s+|$)")),
)
ONE_CELL_KEYS = {"document", "issue"}
SHORT_CELL = 8  # characters: a line of a narrow column
NAME_CELL = 4  # a cell of one line this short (a name, a unit) stands alone
MAX_ROW_LINES = 60  # a row longer than this is not a row of a table
MAX_CUT_LINES = 40
FULL = 0.85  # a wrapped line is at least this share of its column's width (punctuation, half-width commas)  # lines of a row cut into cells (the search is cubic in them)


@dataclass
class Table:
    """A recovered table: the lines it took (``end`` is one past the last, in the lines given),
    its caption and rows (the header first when ``head``), and the lines it dropped."""

    end: int
    line: int  # the title's line number
    caption: str
    rows: list[list[str]]
    head: int  # header rows (0 or 1)
    dropped: list[tuple[int, str]]  # (line number, text) of 续表 marks


def is_table_title(text: str) -> bool:
    body = compact(text)
    return 4 <= len(body) <= 40 and bool(_TITLE.search(body)) and not _PUNCT.search(body)


def _close_spacing(text: str) -> str:
    out: list[str] = []
    for token in text.split():
        if out and _ONE_CJK.fullmatch(token) and _ENDS_ONE_CJK.search(out[-1]):
            out[-1] += token
        else:
            out.append(token)
    return " ".join(out)


def _header(text: str) -> list[str] | None:
    words = _close_spacing(text).split()
    if not 2 <= len(words) <= 8 or any(_DIGIT.search(w) or _PUNCT.search(w) or len(w) > 6 for w in words):
        return None
    return words


def _key(text: str, kind: str | None = None) -> tuple[str, re.Match[str]] | None:
    for name, pattern in _KEYS:
        if kind is not None and name != kind:
            continue
        m = pattern.match(text)
        if m:
            return name, m
    return None


def _ends_table(text: str) -> bool:
    return bool(_CREDIT_END.search(text)) or bool(_ENTRY.match(text)) or is_table_title(text)


def recover_table(lines: Sequence[tuple[int, str]], start: int) -> Table | None:
    """The table whose title is ``lines[start]`` ((line number, stripped text) pairs, to the end
    of the section), or None when what follows the title is not rows of a table."""
    title_no, title = lines[start]
    if not is_table_title(title):
        return None
    i = start + 1
    header = _header(lines[i][1]) if i < len(lines) else None
    if header is not None:
        i += 1
    first = _key(lines[i][1]) if i < len(lines) else None
    if first is None:
        return None
    kind = first[0]
    if kind == "sequence" and first[1].group(1) != "1":
        return None
    rows: list[tuple[str, list[tuple[int, str]]]] = []  # key, the row's other lines
    dropped: list[tuple[int, str]] = []
    end = i
    while end < len(lines):
        no, text = lines[end]
        if end > i and _ends_table(text):
            break
        if compact(text) in _CONTINUED:
            dropped.append((no, text))
            end += 1
            continue
        found = _key(text, kind)
        if found is not None and (kind != "sequence" or int(found[1].group(1)) == len(rows) + 1):
            rest = text[found[1].end():]
            rows.append((found[1].group(1), [(no, rest)] if rest.strip() else []))
        elif rows:
            rows[-1][1].append((no, text))
        end += 1
    if len(rows) < 2 or any(len(r) > MAX_ROW_LINES for _, r in rows):
        return None
    columns = len(header) if header else 0
    if kind in ONE_CELL_KEYS or columns == 2 or (not columns and kind != "date"):
        cells = [[key, join_wrapped([t for _, t in rest])] for key, rest in rows]
    elif not columns:  # a date key without a header: date, a narrow cell, the rest
        cells = [[key, *_narrow_then_rest([t for _, t in rest])] for key, rest in rows]
    else:
        cells = _cut_rows([[t for _, t in rest] for _, rest in rows], columns - 1)
        cells = [[key, *row] for (key, _), row in zip(rows, cells)]
    table_rows = ([header] if header else []) + cells
    return Table(end, title_no, join_wrapped([title]), table_rows, 1 if header else 0, dropped)


def _narrow_then_rest(texts: list[str]) -> list[str]:
    k = 0
    while k < len(texts) and len(compact(texts[k])) <= SHORT_CELL and not _PUNCT.search(texts[k]):
        k += 1
    if k == 0:
        return [join_wrapped(texts)]
    return [join_wrapped(texts[:k]), join_wrapped(texts[k:])]


def _cut_rows(rows: list[list[str]], k: int) -> list[list[str]]:
    """Each row's lines cut into ``k`` cells (module docstring): a first pass per row, then a
    second against each column's median width in the first."""
    first = [_cut(row, k, None) for row in rows]
    widths: list[float | None] = []
    for col in range(k):
        seen = [max(map(len, (compact(t) for t in cut[col])), default=0) for cut in first if len(cut[col]) > 1]
        widths.append(statistics.median(seen) if seen else None)
    second = [_cut(row, k, tuple(widths)) for row in rows]
    return [[join_wrapped(cell) for cell in cut] for cut in second]


def _cut(texts: list[str], k: int, widths: tuple[float | None, ...] | None) -> list[list[str]]:
    if len(texts) <= k or len(texts) > MAX_CUT_LINES:  # too few lines to cut (or too many): a cell a line
        cells = [[t] for t in texts[: k - 1]] + [texts[k - 1 :]]
        return cells + [[] for _ in range(k - len(cells))]
    sizes = tuple(len(compact(t)) for t in texts)
    ends = tuple(bool(_SENT_END.search(t)) for t in texts)

    def cost(lo: int, hi: int, col: int) -> float:
        group = sizes[lo:hi]
        width = max(group)
        c: float = sum(max(0.0, FULL * width - n) for n in group[:-1])
        if len(group) == 1 and group[0] <= NAME_CELL:
            c -= 1
        if ends[hi - 1]:
            c -= 1
        if widths is not None and widths[col] is not None and len(group) > 1:
            c += abs(width - widths[col]) / 2
        return c

    @cache
    def best(lo: int, col: int) -> tuple[float, tuple[int, ...]]:
        if col == k - 1:
            return cost(lo, len(texts), col), (len(texts),)
        options = []
        for hi in range(lo + 1, len(texts) - (k - col - 1) + 1):
            rest, cuts = best(hi, col + 1)
            options.append((cost(lo, hi, col) + rest, (hi, *cuts)))
        return min(options)

    cuts = best(0, 0)[1]
    out, lo = [], 0
    for hi in cuts:
        out.append(texts[lo:hi])
        lo = hi
    return out
