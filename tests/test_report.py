"""Tests for builder.parse.report on the real sources and on synthetic reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.model.document import Block, Document, Line, Section, Source
from builder.parse.report import (
    ends_sentence,
    is_boilerplate,
    parse_report,
    parse_report_body,
)
from builder.sources.normalise import compact, join_wrapped, split_lines

ROOT = Path(__file__).resolve().parent.parent
HUIBIAN = "liaoning-zhengfu-gongzuo-baogao-huibian-2012-xiace.txt"
HUIBAO = "guta-tuopin-gongjian-huibao-2017.txt"
WANGHUA = "wanghua-nianjian-2023.md"


def load(name: str) -> list[Line]:
    return split_lines((ROOT / "source_texts" / name).read_text("utf-8"))


def source(sid: str = "test-report", title: str = "测试报告") -> Source:
    return Source(id=sid, file="x.txt", title=title, genre="report", region="r", years=(2011,))


def synthetic(text: str) -> list[Line]:
    return split_lines(text)


def kinds(nodes: list, kind: str) -> list[Section]:
    return [n for n in nodes if isinstance(n, Section) and n.kind == kind]


def all_text(nodes: list) -> str:
    out = []
    for node in nodes:
        if isinstance(node, Section):
            out.append(node.title)
            out.append(all_text(node.children))
        elif isinstance(node, Block):
            out.append(node.text)
    return "".join(out)


def assert_lossless(lines: list[Line], nodes: list, dropped: list) -> None:
    """Every non-blank line is in some title/Block text or dropped."""
    text = compact(all_text(nodes))
    dropped_nos = {d.line for d in dropped}
    for line in lines:
        if not line.text.strip() or line.no in dropped_nos:
            continue
        piece = compact(join_wrapped([line.text.replace("**", "").lstrip("#")]))
        assert piece in text, f"line {line.no} lost: {line.text[:40]}"


def assert_lines_set(nodes: list) -> None:
    for node in nodes:
        assert node.line > 0
        if isinstance(node, Section):
            assert node.id == ""
            assert_lines_set(node.children)


# ---------------------------------------------------------------------------
# Real sources
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def doc_a() -> Document:
    return parse_report(source("jinzhou-2012-report", "锦州市政府工作报告"), load(HUIBIAN)[19:232])


@pytest.fixture(scope="module")
def doc_b() -> Document:
    return parse_report(source("guta-2011-report", "锦州市古塔区政府工作报告"), load(HUIBIAN)[233:280])


@pytest.fixture(scope="module")
def doc_c() -> Document:
    return parse_report(source("guta-tuopin", "古塔区脱贫攻坚工作汇报"), load(HUIBAO))


def test_doc_a_meta(doc_a: Document) -> None:
    assert doc_a.meta["printed_title"] == "锦州市政府工作报告"
    assert doc_a.meta["date"] == "2012-01-06"
    assert doc_a.meta["meeting"] == "锦州市第十四届人民代表大会第五次会议"
    assert doc_a.meta["speaker_title"] == "市长"
    assert doc_a.meta["speaker"] == "刘凤海"
    assert "incomplete" not in doc_a.meta
    assert doc_a.problems == []
    notes = [c for c in doc_a.root.children if isinstance(c, Block) and c.kind == "note"]
    assert [n.line for n in notes] == [20, 22, 24, 26]


def test_doc_a_structure(doc_a: Document) -> None:
    parts = kinds(doc_a.root.children, "part")
    assert [p.line for p in parts] == [30, 124]
    first = [s.line for s in kinds(parts[0].children, "section")]
    second = [s.line for s in kinds(parts[1].children, "section")]
    assert len(first) == 8 and first[0] == 36 and first[-1] == 110
    assert len(second) == 8 and second[0] == 136 and second[-1] == 224
    assert parts[1].title == "二、2012年工作安排"


def test_doc_a_page_break_joined(doc_a: Document) -> None:
    paragraphs = [b for b in doc_a.root.walk() if isinstance(b, Block) and b.kind == "paragraph"]
    assert any("土石方回填、微地形、园区" in b.text and b.line == 40 for b in paragraphs)
    assert not any(b.line == 42 for b in paragraphs)
    # the anchored salutation: 118 `各位代表,回顾…` is a body paragraph
    assert any(b.line == 118 and b.text.startswith("各位代表,回顾") for b in paragraphs)


def test_doc_a_lossless(doc_a: Document) -> None:
    assert_lossless(load(HUIBIAN)[19:232], doc_a.root.children, doc_a.dropped)
    assert_lines_set(doc_a.root.children)


def test_doc_b_incomplete(doc_b: Document) -> None:
    assert doc_b.meta["date"] == "2011-12-27"
    assert doc_b.meta["speaker_title"] == "代区长"
    assert doc_b.meta["speaker"] == "张东群"
    assert doc_b.meta["incomplete"] == "true"
    assert list(map(str, doc_b.problems)) == ["line 280: text ends mid-sentence (document cut off?)"]
    parts = kinds(doc_b.root.children, "part")
    assert [p.line for p in parts] == [244]
    assert [s.line for s in kinds(parts[0].children, "section")] == [250, 256, 260, 264, 270, 274]
    assert "大连才华集团" in all_text(doc_b.root.children)
    assert_lossless(load(HUIBIAN)[233:280], doc_b.root.children, doc_b.dropped)


def test_untitled_work_report(doc_c: Document) -> None:
    assert "printed_title" not in doc_c.meta
    assert "incomplete" not in doc_c.meta
    parts = kinds(doc_c.root.children, "part")
    assert [p.line for p in parts] == [19, 61, 121]
    paragraphs = [b for b in doc_c.root.walk() if isinstance(b, Block)]
    assert sum("万成创客空间" in b.text for b in paragraphs) == 1
    assert any(b.line == 159 and b.text.startswith("总之，") for b in paragraphs)
    assert any("成立了由区级领导牵头" in b.text for b in paragraphs)
    assert any("截至目前累计发放" in b.text for b in paragraphs)
    assert paragraphs[0].line == 1 and paragraphs[0].text.endswith("汇报如下：")
    assert_lossless(load(HUIBAO), doc_c.root.children, doc_c.dropped)


@pytest.mark.parametrize(
    ("first", "last", "sections"),
    [
        (727, 830, [736, 742, 746, 752, 756, 762, 776, 788, 802, 820]),
        (833, 982, [847, 853, 859, 863, 869, 873, 879, 883, 889, 909, 917, 927, 935, 945, 959]),
    ],
)
def test_wanghua_tezai_bodies(first: int, last: int, sections: list[int]) -> None:
    lines = load(WANGHUA)[first - 1 : last]
    nodes, dropped = parse_report_body(lines, source=source())
    found = [n for n in nodes if isinstance(n, Section)]
    all_sections = [s for p in found for s in p.sections()]
    assert [s.line for s in all_sections if s.kind == "section"] == sections
    assert all(s.title.startswith("（") and "*" not in s.title for s in all_sections if s.kind == "section")
    assert all(s.kind == "section" for s in all_sections)
    assert [p.title for p in found] == ["2022年工作回顾", "2023年工作安排"]
    assert_lossless(lines, nodes, dropped)
    assert_lines_set(nodes)
    notes = [n for n in nodes if isinstance(n, Block) and n.kind == "note"]
    assert notes and notes[0].text.startswith("——2022年12月")


def test_wanghua_minsheng_list_is_content() -> None:
    nodes, _ = parse_report_body(load(WANGHUA)[832:982], source=source())
    part = [n for n in nodes if isinstance(n, Section)][-1]
    titles = [s.title for s in part.sections()]
    assert not any("民生实事" in t for t in titles)
    blocks = [c for c in part.children if isinstance(c, Block)]
    assert any(b.line == 971 and "民生实事" in b.text for b in blocks)
    assert any(b.line == 982 and b.text.startswith("10. 每月") for b in blocks)


def test_wanghua_report_meta() -> None:
    doc = parse_report(source(), load(WANGHUA)[831:982])
    assert doc.meta["printed_title"] == "望花区人民政府工作报告"
    assert doc.meta["subtitle"] == "——2022年12月14日在望花区第十九届人民代表大会第二次会议上"
    assert doc.meta["date"] == "2022-12-14"
    assert doc.meta["speaker"] == "张泰"
    assert doc.meta["speaker_title"] == "区长"
    doc1 = parse_report(source(), load(WANGHUA)[725:830])
    assert doc1.meta["printed_title"].startswith("全面学习宣传贯彻党的二十大精神 以新担当")
    assert doc1.meta["meeting"] == "中共望花区委十二届九次全会"
    assert doc1.meta["speaker"] == "陈万松"


# ---------------------------------------------------------------------------
# Synthetic reports in other styles
# ---------------------------------------------------------------------------

WEB_REPORT = """首页 > 政务公开 > 政府工作报告
2021年某县人民政府工作报告
发布时间：2021-01-05 09:30   来源：县政府办公室
字号：大 中 小
——2021年1月5日在某县第十八届人民代表大会
第五次会议上
县长 李 明
各位代表：
现在，我代表县人民政府，向大会报告工作。
一、2020年工作回顾
（一）加快发展。今年以来，全县经济稳中有进：
1. 工业增加值增长5%；
2. 财政收入增长3%。
(二) 改善民生
**(三)保障安全**
城乡低保标准由每人每月500元提高到
520元。
各位代表,回顾一年的工作,成绩来之不易。
二、2021年工作安排
各位代表！让我们团结一心，开拓进取！
【打印】【关闭】
分享到：
上一篇：某县2020年政府工作报告
扫一扫在手机打开当前页
Copyright © 2021 某县人民政府 版权所有
"""


def test_web_report() -> None:
    lines = synthetic(WEB_REPORT)
    doc = parse_report(source(), lines)
    meta = doc.meta
    assert meta["printed_title"] == "2021年某县人民政府工作报告"
    assert meta["published"] == "2021-01-05"
    assert meta["date"] == "2021-01-05"
    assert meta["meeting"] == "某县第十八届人民代表大会第五次会议"
    assert meta["speaker"] == "李明" and meta["speaker_title"] == "县长"
    assert "incomplete" not in meta
    assert {d.line for d in doc.dropped} == {1, 3, 4, 21, 22, 23, 24, 25}
    assert all(d.reason == "web-boilerplate" for d in doc.dropped)
    parts = kinds(doc.root.children, "part")
    assert [p.title for p in parts] == ["一、2020年工作回顾", "二、2021年工作安排"]
    sections = kinds(parts[0].children, "section")
    assert [s.title for s in sections] == ["（一）加快发展。", "(二)改善民生", "(三)保障安全"]
    run_in = [b.text for b in sections[0].children]
    assert run_in[0] == "今年以来，全县经济稳中有进："
    assert run_in[1].startswith("1.") and run_in[2].startswith("2.")
    assert sections[2].children[0].text == "城乡低保标准由每人每月500元提高到520元。"
    # the address leaves section (三): it belongs to the part
    assert isinstance(parts[0].children[-1], Block)
    assert parts[0].children[-1].text.startswith("各位代表,回顾")
    assert_lossless(lines, doc.root.children, doc.dropped)


MARKDOWN_REPORT = """## 一、过去五年工作回顾

**（一）经济发展**

全年实现生产总值100亿元，

增长5%。

### （二）社会事业

教育**优先**发展。

#### **（三）生态建设**

---

#### 重点工作：

- 植树造林。
- 河道治理
"""


def test_markdown_report_styles() -> None:
    lines = synthetic(MARKDOWN_REPORT)
    nodes, dropped = parse_report_body(lines, source=source())
    part = nodes[0]
    assert isinstance(part, Section) and part.title == "一、过去五年工作回顾"
    sections = kinds(part.children, "section")
    assert [s.title for s in sections] == ["（一）经济发展", "（二）社会事业", "（三）生态建设"]
    assert sections[0].children[0].text == "全年实现生产总值100亿元，增长5%。"
    assert sections[1].children[0].text == "教育优先发展。"
    assert [b.text for b in sections[2].children] == ["重点工作：", "- 植树造林。", "- 河道治理"]
    assert [d.reason for d in dropped] == ["markup"]


def test_cut_off_detection() -> None:
    doc = parse_report(source(), synthetic("某市政府工作报告\n\n各位代表：\n\n一、回顾\n\n今年全市经济\n\n\n\n持续增长，"))
    assert doc.meta["incomplete"] == "true"
    assert list(map(str, doc.problems)) == ["line 11: text ends mid-sentence (document cut off?)"]
    paragraphs = [b for b in doc.root.walk() if isinstance(b, Block) and b.kind == "paragraph"]
    assert paragraphs[-1].text == "今年全市经济持续增长，"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("增长5%。", True), ("”。", True), ("贡献!", True), ("如下：", True), ("取得“成效。”", True), ("“古", False), ("工程技", False)],
)
def test_ends_sentence(text: str, expected: bool) -> None:
    assert ends_sentence(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("来源：市政府办公室", True),
        ("发布时间：2021-01-05", True),
        ("字号：大 中 小", True),
        ("【打印】【关闭】", True),
        ("责任编辑：王五", True),
        ("下一篇：关于…的通知", True),
        ("首页 > 政务公开 > 规划计划", True),
        ("扫一扫在手机打开当前页", True),
        ("【概况】全县面积100平方千米。", False),
        ("来源广泛的资金投入增长5%，", False),
        ("各位代表：", False),
    ],
)
def test_boilerplate(text: str, expected: bool) -> None:
    assert is_boilerplate(text) is expected
