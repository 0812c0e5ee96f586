"""Property tests: the fast text operations of normalise/ledger equal their plain definitions.

``fix_line`` tries ``OCR_RULES`` only where a match can start, ``fix_lines``
scans all lines at once, ``squeeze_spaces`` uses regexes rewritten to start
with a character class, ``compact``/``Piece``/``whitespace_summary`` use
``str.split``. Each is checked here against the obvious per-character or
per-line version, on text made of the characters the rules look at.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from builder.model.document import Document, Line, Section, Source
from builder.sources.ledger import Piece, whitespace_summary
from builder.sources.normalise import (
    _OCR_RE,
    WIDE_CHAR,
    _apply,
    _merge,
    clean_line,
    compact,
    fix_line,
    fix_lines,
    squeeze_spaces,
)

CHARS = list("■一二〇%％。0Oo LnH日时月1 \t\u00a0\u3000\u2003a中，；、'′℃\n\x1c") + [" and ", "二O三", "%0中", "L6千米", "122。35'", "日o时", "一■"]
TEXT = st.lists(st.sampled_from(CHARS), max_size=14).map("".join)
NEXT = st.sampled_from(["", "℃", "5吨", "中文", " 3"])
SETTINGS = settings(max_examples=600, deadline=None, database=None)

_SPACE = r"[ \t\u00a0\u3000]+"
_PLAIN_NEAR_WIDE = re.compile(rf"(?<={WIDE_CHAR}){_SPACE}|{_SPACE}(?={WIDE_CHAR})")


def plain_fix_line(text: str, next_text: str = "") -> tuple[str, list[tuple[int, str, str, str]]]:
    """``fix_line`` as first written: every match of ``finditer`` (no gate), after the cleaning."""
    cleaned, cleaning = clean_line(text)
    fixed, changes = _apply(cleaned, _OCR_RE.finditer(cleaned), next_text)
    return _merge(cleaned, cleaning, changes) if cleaning else (fixed, changes)


@SETTINGS
@given(TEXT, NEXT)
def test_fix_line_equals_finditer(text: str, next_text: str) -> None:
    assert fix_line(text, next_text) == plain_fix_line(text, next_text)


@SETTINGS
@given(st.lists(TEXT, max_size=8))
def test_fix_lines_equals_line_by_line(texts: list[str]) -> None:
    lines = [Line(no, text) for no, text in enumerate(texts, start=1)]
    fixed, fixes = fix_lines(lines)
    expected = []
    for i, line in enumerate(lines):
        following = next((ln.text for ln in lines[i + 1 :] if ln.text.strip()), "")
        text, changes = plain_fix_line(line.text, following)
        expected.append(text)
        assert [(f.col, f.before, f.after, f.rule) for f in fixes if f.line == line.no] == changes
    assert [ln.text for ln in fixed] == expected


@SETTINGS
@given(TEXT)
def test_squeeze_spaces_and_compact(text: str) -> None:
    plain = re.sub(r"[ \t\u00a0]{2,}", " ", _PLAIN_NEAR_WIDE.sub("", text)).strip()
    assert squeeze_spaces(text) == plain
    assert compact(text) == re.sub(r"\s+", "", text)


def test_compact_removes_what_regex_whitespace_matches_at_every_code_point() -> None:
    every = "".join(map(chr, range(0x110000)))  # surrogates included: a str may hold them
    assert compact(every) == re.sub(r"\s+", "", every)


@SETTINGS
@given(TEXT)
def test_piece_positions(text: str) -> None:
    piece = Piece(1, text)
    assert piece.pos == [i for i, ch in enumerate(text) if not ch.isspace()]
    assert piece.compact == "".join(ch for ch in text if not ch.isspace())


@SETTINGS
@given(st.lists(TEXT, max_size=6))
def test_whitespace_summary(texts: list[str]) -> None:
    lines = [Line(no, text) for no, text in enumerate(texts, start=1)]
    source = Source(id="p", file="p.txt", title="测试", genre="report", region="", years=(2020,))
    root = Section(title="测试", kind="document", line=1, children=[Section(t, "part", 1) for t in texts])
    counts = whitespace_summary(Document(source=source, root=root), lines)
    assert counts == {
        "lines": len(texts),
        "blank_lines": sum(1 for t in texts if not t.strip()),
        "spaces_in_lines": sum(1 for t in texts for ch in t if ch.isspace()),
        "spaces_on_pages": sum(1 for t in texts for ch in t.strip() if ch.isspace()),
    }
