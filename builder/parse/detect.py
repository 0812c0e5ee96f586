"""Guess the genre of a source text from its content.

Three kinds of evidence are counted, one pass over the lines, each line
matched against a few anchored regular expressions (fast on 40k lines):

* chronicle (大事记): lines that *start* with a date token followed by text:
  ``2012.3 …``, ``2012.12.24—27 …``, ``1952年3月5日 …``, ``3月5日 …``; bare
  year or month headers (``2013年``, ``9/2001``, ``3月``); day-only entries
  (``13日 …``, ``同日 …``) count half, because yearbooks carry a 大事记 too;
  a title line ``大事记`` adds a bonus.
* yearbook (年鉴): titled entries ``【概况】…`` (also bold or as a Markdown
  heading, or ``［…］``), plus a large bonus for the book's own vocabulary
  (年鉴, 编辑说明, 类目/部类/分目/条目) near the top of the text — only when
  there are entries: without them the words count one each, at most 3, so
  one "年鉴" never outweighs a page of dated lines.
* report (工作报告/工作汇报): a title ending in 工作报告/工作汇报/报告, an address
  ``各位代表：``, ``汇报如下``, and the ``一、…``/``（一）…`` heading structure.

The genre with the highest score wins; a tie (including no evidence at all)
goes to chronicle, then yearbook, then report.
"""

from __future__ import annotations

import re

from builder.model.document import Genre, Line

_HEAD_LINES = 400  # book vocabulary is looked for in the front matter

_DATED = re.compile(
    r"^\s*(?:"
    r"\d{4}\s*[.．/-]\s*\d{1,2}(?:\s*[.．/-]\s*\d{1,2})?(?:\s|[—–~-]|、|月|$)"
    r"|\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"
    r"|\d{1,2}\s*月\s*\d{1,2}\s*日"
    r")"
)
_HEADER = re.compile(r"^\s*(?:#{1,6}\s*)?(?:\d{4}\s*年|\d{1,2}\s*月|\d{1,2}\s*/\s*\d{4})\s*$")
_DAY = re.compile(r"^\s*(?:\d{1,2}\s*日|同日|是日|本月)")
_CHRONICLE_TITLE = re.compile(r"^\s*(?:#{1,6}\s*)?(?:\S{0,12}大\s*事\s*记|大事年表)\s*$")

_ENTRY = re.compile(r"^\s*(?:#{1,6}\s*)?(?:\*\*)?[【［](?!\d{4}[】］])[^【】［］]{1,40}[】］]")
_BOOK_WORDS = re.compile(r"年\s*鉴|编辑说明|编纂说明|凡\s*例|类目|部类|分目|条目")

_REPORT_TITLE = re.compile(r"(?:工作报告|工作汇报|政府工作报告)\s*$")
_REPORT_WORDS = re.compile(r"^\s*各位(?:代表|委员)|汇报如下|报告如下|向大会报告工作")
_PART = re.compile(r"^\s*(?:#{1,6}\s*)?(?:\*\*)?[一二三四五六七八九十]+、")
_SECTION = re.compile(r"^\s*(?:#{1,6}\s*)?(?:\*\*)?[（(][一二三四五六七八九十]+[）)]")


def _chronicle_score(text: str) -> float:
    if _DATED.match(text) or _HEADER.match(text):
        return 1.0
    if _DAY.match(text):
        return 0.5
    return 0.0


def genre_scores(lines: list[Line]) -> dict[str, float]:
    """The evidence for each genre (exposed for diagnostics and tests)."""
    scores = {"chronicle": 0.0, "yearbook": 0.0, "report": 0.0}
    book_words = 0
    for index, line in enumerate(lines):
        text = line.text
        if not text.strip():
            continue
        scores["chronicle"] += _chronicle_score(text)
        if _CHRONICLE_TITLE.match(text) and index < _HEAD_LINES:
            scores["chronicle"] += 5
        if _ENTRY.match(text):
            scores["yearbook"] += 1
        if index < _HEAD_LINES:
            book_words += len(_BOOK_WORDS.findall(text))
        if _REPORT_TITLE.search(text):
            scores["report"] += 5
        if _REPORT_WORDS.search(text):
            scores["report"] += 5
        if _PART.match(text) or _SECTION.match(text):
            scores["report"] += 2
    # the book's vocabulary backs up its structure but never decides alone: without 【】 entries a
    # page that names its yearbook (a yearbook's 大事记 page on the web) is still a chronicle
    entries = scores["yearbook"]
    scores["yearbook"] += 10 * min(book_words, 10) if entries >= 3 else min(book_words, 3)
    return scores


def detect_genre(lines: list[Line]) -> Genre:
    """Return "chronicle", "yearbook" or "report" for a source's lines."""
    scores = genre_scores(lines)
    order: list[Genre] = ["chronicle", "yearbook", "report"]
    return max(order, key=lambda genre: scores[genre])
