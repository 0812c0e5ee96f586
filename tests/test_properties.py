"""Property tests: arbitrary text into every parser — no crash, and nothing is lost.

The texts are built from pieces real sources are made of (dates, headings,
markers, brackets, Markdown, OCR junk, blank lines) mixed with arbitrary
characters, so the parsers' special paths are exercised, not only plain prose.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.model.document import Source
from builder.parse import parse_document
from builder.parse.detect import detect_genre
from builder.sources.ledger import verify_conservation
from builder.sources.normalise import split_lines

PIECES = [
    "2012 年", "2013年", "2016.4．4 ", "2012.12.24—27 ", "2019.9.20、10.14、11.14 ", "2021 年初 ", "3月", "## 5月",
    "13日 ", "7—8 日 ", "同日 ", "是月，", "▲", "△ ", "1.1952年：", "9/2001", "上旬", "清嘉庆三年（1798年）",
    "【概况】", "**【工作】** ", "［测试］", "[2020]", "（张三供稿）", "（李四摄）", "# 经 济", "## 财 政", "### （一）",
    "一、", "（二）", "(三) ", "各位代表：", "——2012年1月6日在会议上", "市长 刘某", "目 录", "概况 ...... 12",
    "• 112 • 辽阳年鉴（2021）", "---", "- ", "1. ", "续表", "甲\t乙\t丙", "■", "%。；", "L6千米", " and ", "O", "0",
    "n日", "二O三五", "％", "大事记", "工作报告", "来源：县政府", "【打印】【关闭】", "<script>", "$a$", "|", "*",
    "古塔区", "召开会议。", "。", "，", "；", "”", "“", "《", "》", " ", "  ", "\t", "\n", "\n\n", "\n\n\n\n",
]
TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=60).map("".join)
SETTINGS = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def _check(text: str, genre: str) -> None:
    source = Source(id="p", file="p.txt", title="测试", genre=genre, region="", years=(2020,),  # type: ignore[arg-type]
                    content_year=2020)
    lines = split_lines(text.replace("\r", ""))
    doc = parse_document(source, lines)
    assert verify_conservation(doc, lines) == []


@SETTINGS
@given(TEXT)
def test_chronicle_parser(text: str) -> None:
    _check(text, "chronicle")


@SETTINGS
@given(TEXT)
def test_yearbook_parser(text: str) -> None:
    _check(text, "yearbook")


@SETTINGS
@given(TEXT.map(lambda t: "# 望花年鉴\n\n# 编辑说明\n\n" + t))
def test_markdown_yearbook_parser(text: str) -> None:
    _check(text, "yearbook")


@SETTINGS
@given(TEXT)
def test_report_parser(text: str) -> None:
    _check(text, "report")


@SETTINGS
@given(TEXT)
def test_detect_then_parse(text: str) -> None:
    genre = detect_genre(split_lines(text))
    assert genre in ("chronicle", "yearbook", "report")
    _check(text, genre)
