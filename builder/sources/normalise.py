"""Text normalisation shared by every parser.

OCR'd sources print one column line per text line, put a blank line after
almost every line, and insert spaces between CJK characters. Parsers work on
``Line`` objects (1-based line numbers kept for citations) and use
``join_wrapped`` to rebuild the running text of a paragraph.

Before parsing, ``fix_lines`` applies the *safe* OCR fixes of ``OCR_RULES``
line by line, in one pass per line (matches never overlap), and returns a
``Fix`` for every change (line, column, before, after, rule) for the ledger.
A rule is safe when its context leaves one reading only:

* ``ocr-block``: ``■`` is a misread ``一`` (``一■`` is the same ``一`` twice);
* ``ocr-permille``: ``%。`` before ``；，、。`` is a misread ``‰``;
* ``ocr-stop``: ``0``/``O``/``o`` at the end of a line after CJK, ``）》”%``,
  or after ``%`` before CJK, is a misread ``。`` (a digit ``0`` after CJK is
  left alone when the next text line starts with a unit or digit: ``气温为0``
  / ``℃``);
* ``ocr-ling``: Latin ``O``/``0`` between Chinese numerals is ``〇`` (``二O三五``);
* ``ocr-decimal``: ``L`` before a number with a unit is ``1.`` (``L6千米``);
* ``ocr-eleven``: ``n``/``H`` before ``月/日/号`` is ``11``;
* ``ocr-zero-hour``: ``o时`` after a day is ``0时``;
* ``ocr-degree``: ``。`` between degrees and minutes (``122。35'``) is ``°``;
* ``conversion-and``: `` and `` between CJK characters is ``和``;
* ``fullwidth-percent``: ``％`` is ``%``;
* ``pinyin-gloss``: a tone-marked pinyin syllable in brackets right after a
  Chinese character (``縣(xiàn)``) is a gloss a web mirror inserted, removed.

Whitespace is never part of a fix: spaces are handled by the parsers and
accounted for in the ledger as whitespace.

Before the OCR rules, ``clean_line`` makes the text uniform, each change a
``Fix`` too (so every character of a source is still on a page or in the
ledger, with its rule):

* ``zero-width``: U+200B–U+200D, U+2060 and U+FEFF are removed (one fix per
  character, ``after`` empty);
* ``control``: control characters other than tab and newline (C0, DEL, C1)
  are removed, one fix per character — a form feed or vertical tab too;
* ``nfc``: the text is put in Unicode NFC (composed characters; CJK
  compatibility ideographs become the unified ones), one fix per changed
  run, trimmed to what changed. A removable character inside a run that NFC
  changes is part of that ``nfc`` fix.

An OCR match that would overlap a cleaning fix is left out (the text stays as
printed there), so no two fixes ever overlap.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate, count

from builder.model.document import Fix, Line

# CJK ideographs, CJK punctuation, full-width forms and general punctuation
# that Chinese text uses (quotes, dashes, ellipsis, middle dot).
_WIDE = (
    "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3200-\u32ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    "\u2010-\u2027\u2030-\u205e\u00b7"
)
WIDE_CHAR = f"[{_WIDE}]"
CJK_CHAR = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"

_SPACE1 = "[ \t\u00a0\u3000]"
_ANY_SPACE = re.compile(_SPACE1)
_SPACE_RUN = re.compile(f"{_SPACE1}+")
_WIDE_RE = re.compile(WIDE_CHAR)
_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_ALPHA = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def split_lines(text: str) -> list[Line]:
    """Split decoded text into numbered lines (1-based, like ``cat -n``)."""
    return list(map(Line, count(1), text.split("\n")))


def is_blank(line: Line) -> bool:
    return not line.text.strip()


def squeeze_spaces(text: str) -> str:
    """Remove spaces OCR put next to CJK characters; keep spaces between
    Latin words and numbers (``5G 网络`` -> ``5G网络``, ``Windows 10`` stays).

    The result is that of ``(?<=WIDE)SPACE+|SPACE+(?=WIDE)`` removed, then
    runs of two or more ``[ \t\u00a0]`` made one space, then stripped — but
    computed run by run in linear time (that regex backtracks over a long run
    of spaces: 73 s for a 50 KB line). ``\u3000`` is both a space and wide."""
    if not _ANY_SPACE.search(text):  # nothing to squeeze (most Chinese text)
        return text.strip()
    return _SPACE_RUN.sub(_squeeze_run, text).strip()


def _squeeze_run(m: re.Match[str]) -> str:
    """What ``squeeze_spaces`` leaves of one maximal run of spaces."""
    text, (a, b) = m.string, m.span()
    if (a > 0 and _WIDE_RE.match(text, a - 1)) or (b < len(text) and _WIDE_RE.match(text, b)):
        return ""  # next to a wide character: all of it goes
    run = m.group(0)
    k = run.rfind("\u3000")
    if k < 0:
        return " " if len(run) > 1 else run
    # the regex removes every space but the last \u3000 (itself wide), and that one too
    # when a \u3000 comes right before it
    return "" if k > 0 and run[k - 1] == "\u3000" else "\u3000"


def join_wrapped(parts: list[str]) -> str:
    """Join the physical lines of one paragraph into running text.

    Lines are concatenated with no separator when the break sits next to a
    CJK character (Chinese has no spaces between words); a single space is
    kept between two Latin/number fragments.
    """
    out: list[str] = []
    for part in parts:
        piece = part.strip()
        if not piece:
            continue
        if out and piece[0] in _ALNUM and out[-1][-1] in _ALPHA:
            out.append(" ")
        out.append(piece)
    return squeeze_spaces("".join(out))


def compact(text: str) -> str:
    """All whitespace removed: the form used to compare names and titles."""
    return "".join(text.split())  # str.split() splits on exactly what regex \s matches, in C


# ---------------------------------------------------------------------------
# Cleaning: zero-width and control characters, NFC
# ---------------------------------------------------------------------------

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_REMOVABLE = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{ZERO_WIDTH}]")
# Runs of characters between "stable" ones: tab, printable ASCII, CJK ideographs, CJK punctuation
# (less the combining tone marks U+302A–U+302F) and full-width ASCII never change under NFC and never
# compose with the character before them, so NFC of a line is NFC of each run with the character
# before it (which a combining mark may compose with), the rest unchanged.
_UNSTABLE_RUN = re.compile("[^\t\x20-\x7e\u3000-\u3029\u3030-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e]+")


def _removal_rule(ch: str) -> str:
    return "zero-width" if ch in ZERO_WIDTH else "control"


def needs_cleaning(text: str) -> bool:
    """Whether ``clean_line`` would change ``text`` (a fast check, in C)."""
    return _REMOVABLE.search(text) is not None or not unicodedata.is_normalized("NFC", text)


def clean_line(text: str) -> tuple[str, list[tuple[int, str, str, str]]]:
    """Remove zero-width and control characters and apply NFC: the cleaned
    text and ``(col, before, after, rule)`` for each change (``col`` where
    ``after`` starts in the cleaned text), in order. Linear in the line."""
    if not needs_cleaning(text):
        return text, []
    out: list[str] = []
    changes: list[tuple[int, str, str, str]] = []
    pos = length = 0
    for m in _UNSTABLE_RUN.finditer(text):
        # the run and the stable character before it (``e`` + U+0301 compose to ``é``)
        begin = max(m.start() - 1, 0)
        seg = text[begin : m.end()]
        kept = _REMOVABLE.sub("", seg)
        if kept == seg and unicodedata.is_normalized("NFC", seg):
            continue
        out.append(text[pos:begin])
        length += begin - pos
        pos = m.end()
        if unicodedata.is_normalized("NFC", kept):  # removals only: one fix per character
            for ch in seg:
                if _REMOVABLE.match(ch):
                    changes.append((length, ch, "", _removal_rule(ch)))
                else:
                    out.append(ch)
                    length += 1
            continue
        target = unicodedata.normalize("NFC", kept)
        lead = 0
        while lead < min(len(seg), len(target)) and seg[lead] == target[lead]:
            lead += 1
        tail = 0
        while tail < min(len(seg), len(target)) - lead and seg[-1 - tail] == target[-1 - tail]:
            tail += 1
        changes.append((length + lead, seg[lead : len(seg) - tail], target[lead : len(target) - tail], "nfc"))
        out.append(target)
        length += len(target)
    out.append(text[pos:])
    return "".join(out), changes


def _merge(cleaned: str, clean: list[tuple[int, str, str, str]], ocr: list[tuple[int, str, str, str]]
           ) -> tuple[str, list[tuple[int, str, str, str]]]:
    """One line's cleaning fixes (columns in ``cleaned``) and OCR fixes (found on ``cleaned``,
    columns in the text after them): the final text and every fix with its column in it, in
    the order they apply. An OCR fix that overlaps a cleaning fix is left out; a removal
    right where an OCR fix starts comes first."""
    cols = [c for c, _, _, _ in clean]
    kept: list[tuple[int, int, tuple[int, str, str, str]]] = []  # (start in cleaned, end, fix)
    shift = 0
    for fix in ocr:
        start = fix[0] - shift
        end = start + len(fix[1])
        shift += len(fix[2]) - len(fix[1])
        i = bisect_right(cols, start - 1)  # the first cleaning fix at or after ``start``
        overlaps = i > 0 and clean[i - 1][2] != "" and cols[i - 1] + len(clean[i - 1][2]) > start
        while not overlaps and i < len(clean) and cols[i] < end:
            overlaps = cols[i] > start or clean[i][2] != ""
            i += 1
        if not overlaps:
            kept.append((start, end, fix))
    events = sorted([(c, 0, k) for k, c in enumerate(cols)] + [(st, 1, k) for k, (st, _, _) in enumerate(kept)])
    out_fixes: list[tuple[int, str, str, str]] = []
    parts: list[str] = []
    shift = pos = 0
    for at, kind, k in events:
        if kind == 0:
            _, before, after, rule = clean[k]
            out_fixes.append((at + shift, before, after, rule))
            continue
        start, end, (_, before, after, rule) = kept[k]
        out_fixes.append((start + shift, before, after, rule))
        parts.append(cleaned[pos:start])
        parts.append(after)
        pos = end
        shift += len(after) - len(before)
    parts.append(cleaned[pos:])
    return "".join(parts), out_fixes


# ---------------------------------------------------------------------------
# Safe OCR fixes
# ---------------------------------------------------------------------------

_HAN = "\u4e00-\u9fff"
_NUMERAL = "一二三四五六七八九〇"
_UNIT_AFTER_L = rf"\d{{1,3}}\s*(?!级)[{_HAN}%‰]"
# a pinyin syllable with its tone mark (``xiàn``, ``zhèn``, ``lǜ``): the glosses some web mirrors insert
_PINYIN = "[a-zü]{0,5}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]{0,4}"


@dataclass(frozen=True)
class OcrRule:
    """A safe OCR fix: ``pattern`` (no whitespace in the match) -> ``replace(match)``."""

    name: str
    pattern: str
    replace: Callable[[str], str]
    description: str


OCR_RULES: tuple[OcrRule, ...] = (
    OcrRule("ocr-block", "一■|■", lambda _: "一", "“■”是“一”的误识（“一■”为同一字重复）"),
    OcrRule("ocr-permille", "[%％]。(?=[；，、。,;])", lambda _: "‰", "“%。”后接标点时是“‰”的误识"),
    OcrRule(
        "ocr-stop",
        rf"(?:(?<=[{_HAN}）》”%])|(?<=[{_HAN}）》”%][ \t]))[0Oo](?=[ \t]*$)|(?<=%)[0Oo](?=[{_HAN}])",
        lambda _: "。",
        "行末汉字、“）》”%”之后的“0/O/o”，及“%”后接汉字的“0/o”，是句号“。”的误识",
    ),
    OcrRule(
        "ocr-ling",
        rf"(?:(?<=[{_NUMERAL}])|(?<=[{_NUMERAL}][ \t]))[Oo0](?=[ \t]?[{_NUMERAL}])",
        lambda _: "〇",
        "汉字数字之间的拉丁字母“O”是“〇”（如“二O三五”）",
    ),
    OcrRule("ocr-decimal", rf"(?<![A-Za-z0-9.])L(?={_UNIT_AFTER_L})", lambda _: "1.",
            "数字前带单位的“L”是“1.”的误识（如“L6千米”为1.6千米）"),
    OcrRule("ocr-eleven", "(?<![A-Za-z0-9])[nH](?=[ \t]*[月日号])", lambda _: "11", "“月/日/号”前的“n/H”是“11”的误识"),
    OcrRule("ocr-zero-hour", "(?:(?<=日)|(?<=日[ \t]))[oO](?=[ \t]*时)", lambda _: "0", "日期后的“o时”是“0时”"),
    OcrRule("ocr-degree", "(?<=\\d)。(?=\\d{1,2}[ \t]*['′])", lambda _: "°", "经纬度中度与分之间的“。”是“°”"),
    OcrRule("conversion-and", rf"(?<=[{_HAN}]) and (?=[{_HAN}])", lambda _: "和", "汉字之间的“ and ”是转换时误出的“和”"),
    OcrRule("fullwidth-percent", "％", lambda _: "%", "全角“％”统一为“%”"),
    OcrRule("pinyin-gloss", rf"(?<=[{_HAN}])\({_PINYIN}\)", lambda _: "",
            "网页镜像在汉字后插入的拼音注音（如“縣(xiàn)”）不是原文"),
)

_OCR_RE = re.compile("|".join(f"(?P<r{i}>{rule.pattern})" for i, rule in enumerate(OCR_RULES)))


_UNIT_START = re.compile(r"^\s*[\d.．℃%‰万亿千百十元米吨个度年月日号时分秒]")
_HAN_BEFORE = re.compile(f"[{_HAN}][ \t]?$")

# Where a match of ``_OCR_RE`` can start. The combined pattern begins with
# lookbehinds, so the regex engine would try all ten rules at every character;
# instead these cheap scans list the few positions where one can match (the
# first character each rule consumes) and ``_OCR_RE`` is tried only there.
_GATE = re.compile("[■%％0OoLnH]")  # ocr-block, -permille, -stop, -ling, -decimal, -eleven, -zero-hour, fullwidth
_GATE_BLOCK = "一■"  # ocr-block may start one character before its ■
_GATE_DEGREE = re.compile(r"\d。")  # ocr-degree: its 。 (one after the start of this match)
_GATE_AND = " and "  # conversion-and
_GATE_GLOSS = re.compile(rf"(?<=[{_HAN}])\((?={_PINYIN}\))")  # pinyin-gloss


def _candidates(text: str) -> list[int]:
    """Every position of ``text`` where a match of ``_OCR_RE`` may start, in order."""
    found = [m.start() for m in _GATE.finditer(text)]
    found += [m.start() + 1 for m in _GATE_DEGREE.finditer(text)]
    found += [m.start() for m in _GATE_GLOSS.finditer(text)]
    for literal in (_GATE_BLOCK, _GATE_AND):
        i = text.find(literal)
        while i >= 0:
            found.append(i)
            i = text.find(literal, i + 1)  # overlapping occurrences too
    return sorted(set(found))


def _zero_continues(text: str, m: re.Match[str], next_text: str) -> bool:
    """A digit 0 after a Han character that the next line continues (``为0`` / ``℃``)."""
    after_han = _HAN_BEFORE.search(text[: m.start()]) is not None
    return m.group(0) == "0" and after_han and bool(_UNIT_START.match(next_text))


def _gated_matches(text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """What ``_OCR_RE.finditer(text)`` gives, trying only at ``starts`` (``_candidates``)."""
    scan = 0
    for start in starts:
        if start < scan:  # inside the previous match, as for finditer
            continue
        m = _OCR_RE.match(text, start)
        if m is not None:
            scan = m.end()
            yield m


def _apply(text: str, matches: Iterable[re.Match[str]], next_text: str) -> tuple[str, list[tuple[int, str, str, str]]]:
    """The fixed text and its changes for these matches of ``_OCR_RE`` (see ``fix_line``)."""
    out: list[str] = []
    changes: list[tuple[int, str, str, str]] = []
    pos = length = 0
    for m in matches:
        rule = OCR_RULES[int(m.lastgroup[1:])]  # type: ignore[index]
        if rule.name == "ocr-stop" and _zero_continues(text, m, next_text):
            continue
        after = rule.replace(m.group(0))
        out.append(text[pos : m.start()])
        length += m.start() - pos
        changes.append((length, m.group(0), after, rule.name))
        out.append(after)
        length += len(after)
        pos = m.end()
    if not changes:
        return text, []
    out.append(text[pos:])
    return "".join(out), changes


def _fix_at(text: str, starts: list[int], next_text: str) -> tuple[str, list[tuple[int, str, str, str]]]:
    """``fix_line`` given the positions where a match may start (``_candidates``)."""
    return _apply(text, _gated_matches(text, starts), next_text)


def fix_line(text: str, next_text: str = "") -> tuple[str, list[tuple[int, str, str, str]]]:
    """Clean one line (``clean_line``) and apply ``OCR_RULES``: the fixed text and ``(col, before,
    after, rule)`` for each change, ``col`` being where ``after`` starts, in the order they apply.
    ``next_text`` is the next non-blank line (for ``ocr-stop``)."""
    cleaned, cleaning = clean_line(text)
    fixed, changes = _fix_at(cleaned, _candidates(cleaned), next_text)
    return _merge(cleaned, cleaning, changes) if cleaning else (fixed, changes)


def fix_lines(lines: list[Line]) -> tuple[list[Line], list[Fix]]:
    """The lines cleaned (``clean_line``) and with the safe OCR fixes applied, and one ``Fix`` per change."""
    texts = [line.text for line in lines]
    cleaning: dict[int, list[tuple[int, str, str, str]]] = {}
    if needs_cleaning("\n".join(texts)):  # rare: one check in C for the whole document first
        for row, text in enumerate(texts):
            if needs_cleaning(text):
                texts[row], cleaning[row] = clean_line(text)
    # one scan over all lines (joined by a newline, which no candidate spans) instead of one per line
    offsets = [0, *accumulate(len(t) + 1 for t in texts)]
    by_row: dict[int, list[int]] = {}
    for pos in _candidates("\n".join(texts)):
        row = bisect_right(offsets, pos) - 1
        if pos - offsets[row] < len(texts[row]):
            by_row.setdefault(row, []).append(pos - offsets[row])
    fixed = list(lines)
    fixes: list[Fix] = []
    for row in sorted(by_row.keys() | cleaning.keys()):
        text, changes = texts[row], []
        if row in by_row:
            nxt = row + 1
            while nxt < len(texts) and not texts[nxt].strip():
                nxt += 1
            text, changes = _fix_at(texts[row], by_row[row], texts[nxt] if nxt < len(texts) else "")
        if row in cleaning:
            text, changes = _merge(texts[row], cleaning[row], changes)
        if changes:
            line = lines[row]
            fixed[row] = Line(line.no, text)
            fixes.extend(Fix(line.no, col, before, after, rule) for col, before, after, rule in changes)
    return fixed, fixes


def unfix_line(text: str, fixes: list[Fix]) -> str:
    """Undo ``fixes`` (all of one line) on the fixed text: the line as printed. They are
    undone in the reverse of the order they apply (by column; at one column, as listed)."""
    for fix in sorted(fixes, key=lambda f: f.col)[::-1]:
        if text[fix.col : fix.col + len(fix.after)] != fix.after:
            raise ValueError(f"line {fix.line}: fix {fix.rule} does not match the text at column {fix.col}")
        text = text[: fix.col] + fix.before + text[fix.col + len(fix.after) :]
    return text
