"""Text normalisation shared by every parser.

OCR'd sources print one column line per text line, put a blank line after
almost every line, and insert spaces between CJK characters. Parsers work on
``Line`` objects (1-based line numbers kept for citations) and use
``join_wrapped`` to rebuild the running text of a paragraph.
"""

from __future__ import annotations

import re

from .models import Line

# CJK ideographs, CJK punctuation, full-width forms and general punctuation
# that Chinese text uses (quotes, dashes, ellipsis, middle dot).
_WIDE = (
    "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3200-\u32ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    "\u2010-\u2027\u2030-\u205e\u00b7"
)
WIDE_CHAR = f"[{_WIDE}]"
CJK_CHAR = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"

_SPACE = r"[ \t\u00a0\u3000]+"
_SPACE_NEAR_WIDE = re.compile(rf"(?<={WIDE_CHAR}){_SPACE}|{_SPACE}(?={WIDE_CHAR})")
_MULTI_SPACE = re.compile(r"[ \t\u00a0]{2,}")


def split_lines(text: str) -> list[Line]:
    """Split decoded text into numbered lines (1-based, like ``cat -n``)."""
    return [Line(no=i, text=t) for i, t in enumerate(text.split("\n"), start=1)]


def is_blank(line: Line) -> bool:
    return not line.text.strip()


def squeeze_spaces(text: str) -> str:
    """Remove spaces OCR put next to CJK characters; keep spaces between
    Latin words and numbers (``5G 网络`` -> ``5G网络``, ``Windows 10`` stays)."""
    text = _SPACE_NEAR_WIDE.sub("", text)
    return _MULTI_SPACE.sub(" ", text).strip()


def join_wrapped(parts: list[str]) -> str:
    """Join the physical lines of one paragraph into running text.

    Lines are concatenated with no separator when the break sits next to a
    CJK character (Chinese has no spaces between words); a single space is
    kept between two Latin/number fragments.
    """
    out = ""
    for part in parts:
        piece = part.strip()
        if not piece:
            continue
        if out and re.match(r"[A-Za-z0-9]", piece[0]) and re.search(r"[A-Za-z]$", out):
            out += " "
        out += piece
    return squeeze_spaces(out)


def compact(text: str) -> str:
    """All whitespace removed: the form used to compare names and titles."""
    return re.sub(r"\s+", "", text)
