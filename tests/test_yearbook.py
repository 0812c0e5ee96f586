"""Tests for the yearbook (年鉴) parser: the two real sources and synthetic excerpts."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from builder.model.document import Block, Document, Entry, Event, Section, Source
from builder.parse.yearbook import parse_yearbook
from builder.sources.normalise import split_lines

ROOT = Path(__file__).resolve().parent.parent

LIAOYANG = Source(
    id="liaoyang-yearbook-2021",
    file="liaoyang-nianjian-2021.txt",
    title="辽阳年鉴（2021）",
    genre="yearbook",
    region="liaoyang",
    years=(2020,),
    content_year=2020,
)
WANGHUA = Source(
    id="wanghua-yearbook-2023",
    file="wanghua-nianjian-2023.md",
    title="望花年鉴（2023）",
    genre="yearbook",
    region="wanghua",
    years=(2022,),
    content_year=2022,
)


@cache
def _real(source: Source) -> Document:
    lines = split_lines((ROOT / "source_texts" / source.file).read_text("utf-8"))
    return parse_yearbook(source, lines)


def _parse(text: str, title: str = "某县年鉴（2019）", year: int = 2018) -> Document:
    source = Source(id="t", file="t.txt", title=title, genre="yearbook", region="x", years=(year,), content_year=year)
    return parse_yearbook(source, split_lines(text))


def _parts(doc: Document) -> dict[str, Section]:
    return {c.title: c for c in doc.root.children if isinstance(c, Section)}


def _entry_counts(doc: Document) -> dict[str, int]:
    return {
        s.title: sum(1 for _ in s.entries())
        for s in doc.root.children
        if isinstance(s, Section) and s.kind == "category"
    }


def _all_blocks(doc: Document) -> list[Block]:
    out: list[Block] = []
    for node in doc.root.walk():
        if isinstance(node, Block):
            out.append(node)
        elif isinstance(node, Entry):
            out.extend(node.blocks)
    return out


# ---------------------------------------------------------------------------
# 辽阳年鉴 2021 (OCR)
# ---------------------------------------------------------------------------


def test_liaoyang_entry_counts() -> None:
    doc = _real(LIAOYANG)
    entries = doc.entries()
    assert len(entries) == 976
    assert sum(e.title == "概况" for e in entries) == 85
    # The notes' per-部类 summary says 群众团体 138 / 军事 56, but their own
    # per-分目 table gives 137 real (社科联 14 includes the false 【国家安全】)
    # and 军事 57 (42 + 15, with 35620 ``[…】``); the totals agree (976).
    assert _entry_counts(doc) == {
        "辽阳概貌": 74,
        "中国共产党辽阳市委员会": 184,
        "辽阳市人民代表大会": 29,
        "辽阳市人民政府": 100,
        "政协辽阳市委员会": 45,
        "民主党派和工商联": 85,
        "群众团体": 137,
        "法治": 81,
        "军事": 57,
        "综合经济管理": 165,
        "财政税务": 19,
    }
    assert all(e.source_id == LIAOYANG.id and e.line > 0 and not e.id for e in entries)


def test_liaoyang_skeleton_and_missing_headings() -> None:
    doc = _real(LIAOYANG)
    parts = _parts(doc)
    assert parts["编辑说明"].kind == "front"
    assert (parts["2020年大事记"].kind, parts["2020年大事记"].line) == ("chronicle", 577)
    starts = {t: (s.line, s.present) for t, s in parts.items()}
    assert starts["辽阳概貌"] == (3635, False)
    assert starts["中国共产党辽阳市委员会"] == (5222, False)
    assert starts["辽阳市人民代表大会"] == (10924, True)
    assert starts["辽阳市人民政府"] == (13906, False)
    assert starts["政协辽阳市委员会"] == (22057, False)
    assert starts["法治"] == (31800, False)
    assert starts["军事"] == (33819, False)
    assert starts["财政税务"] == (39286, False)
    fazhi = [(c.title, c.line) for c in parts["法治"].children if isinstance(c, Section)]
    assert fazhi == [("公安", 31800), ("检察", 32308), ("审判", 32751), ("司法", 33250)]
    gaimao = {c.title: (c.line, c.present) for c in parts["辽阳概貌"].children if isinstance(c, Section)}
    assert gaimao["水文"] == (4091, False) and gaimao["气候"] == (4493, False)  # at their first summary paragraph
    assert len(doc.meta["toc_missing"].split("、")) == 19
    assert "农业" not in parts and "统计资料" not in parts


def test_liaoyang_dropped_and_joined_text() -> None:
    doc = _real(LIAOYANG)
    reasons = {d.line: d.reason for d in doc.dropped}
    assert reasons[67] == reasons[571] == "toc"
    assert reasons[35945] == reasons[1517] == reasons[17299] == "running-head"
    assert reasons[30089] == "photo-ocr"  # 【国家安全】 inside screenshot OCR
    entries = {e.line: e for e in doc.entries()}
    assert entries[4048].title == "大黑山"  # title wrapped over two lines, mid-line start
    assert entries[5596].title.startswith("中共辽阳市委十二届十二次全委（扩大）会议暨上半年")
    assert entries[35620].title == "2020年度新春团拜会文艺演出"
    texts = [e.full_text for e in doc.entries()]
    assert any("规划盘子。市发改委" in t for t in texts)  # running head removed mid-sentence
    assert any("投入412万元，用于公共体育场地" in t for t in texts)  # page start joined
    credits = [b for b in _all_blocks(doc) if b.kind == "credit"]
    assert any(b.line == 31799 for b in credits)
    assert doc.events()  # the 大事记 went to the chronicle parser


# ---------------------------------------------------------------------------
# 望花年鉴 2023 (Markdown)
# ---------------------------------------------------------------------------


def test_wanghua_entry_counts() -> None:
    doc = _real(WANGHUA)
    assert len(doc.entries()) == 547
    counts = _entry_counts(doc)
    expected = "0 12 65 48 33 17 12 4 31 11 45 56 10 15 13 9 21 21 16 25 77 3 3"
    assert list(counts.values()) == [int(n) for n in expected.split()]
    assert list(counts)[:2] == ["特载", "区情概览"]
    assert "军事" in counts and "表彰" in counts and "附录" in counts


def test_wanghua_parts_reports_and_furniture() -> None:
    doc = _real(WANGHUA)
    parts = _parts(doc)
    assert parts["编辑说明"].kind == "front"
    reports = [c for c in parts["特载"].children if isinstance(c, Section)]
    assert [(r.kind, r.line) for r in reports] == [("report", 726), ("report", 832)]
    assert parts["大事记"].kind == "chronicle"
    assert any(isinstance(n, Event) for n in parts["大事记"].walk())
    reasons = {d.line: d.reason for d in doc.dropped}
    assert reasons[60] == "toc" and reasons[694] == reasons[1182] == reasons[5282] == "slogan"
    assert 1204 not in reasons
    entries = {e.line: e for e in doc.entries()}
    school = entries[4109]
    assert school.title == "学校选介" and school.text.startswith("抚顺市雷锋中学。1960年")
    assert entries[2164].title == "望花区十九届人民政府第二次常务会议"
    assert entries[1204].path[0] == "区情概览" and "**" not in entries[1204].text


def test_wanghua_tables_and_credits() -> None:
    doc = _real(WANGHUA)
    blocks = _all_blocks(doc)
    tables = {b.line: b for b in blocks if b.kind == "table"}
    proposals = next(b for line, b in tables.items() if 2534 < line < 2545)
    assert proposals.rows is not None and len(proposals.rows) == 154  # header + 153 rows over 6 pages
    assert proposals.rows[17][1] == ""  # empty 提案人 cell kept
    credits = {b.line: b.text for b in blocks if b.kind == "credit"}
    assert credits[1584] == "于跃" and credits[5049] == "王冠" and credits[4459] == "苏宇哲 郑廉"


# ---------------------------------------------------------------------------
# Synthetic excerpts in other styles
# ---------------------------------------------------------------------------

_OCR = """\
 凡例

一、本年鉴记述某县 2018年情况。

目录 1

大事记 ......................................1
    自然地理 .................................. 9
        概述 .............................. 9
        气候 .............................. 10
    政治 ...................................... 20
        综述 .............................. 20
        人大工作 .......................... 22
    农业 ...................................... 40
        种植业 ............................ 40



大事记

1月

3日 县委召开全会。

 全县位于平原中部，面积 900平方千米。

气候

【概况】 2018年，全县平均气温 9摄氏度，降水

量 600毫米。

（张三供稿）
 2018年，全县各项工作稳步推进，经济运行平

稳。
人大工作
【常委会会议】全年召开常委会会议 6次，审议 议



• 12 • 某县年鉴（2019）
题 20项。【主任会 议】召开主任会议 12次。
( 李四供稿 )
"""


def test_synthetic_ocr_yearbook() -> None:
    doc = _parse(_OCR)
    parts = _parts(doc)
    assert parts["凡例"].kind == "front"
    assert doc.meta["toc_missing"] == "农业"
    nature, politics = parts["自然地理"], parts["政治"]
    assert (nature.present, politics.present) == (False, False)
    assert politics.line == 34  # page start after the credit opens the missing 部类
    subs = [(s.title, s.present) for s in politics.children if isinstance(s, Section)]
    assert subs == [("综述", False), ("人大工作", True)]
    entries = doc.entries()
    assert [e.title for e in entries] == ["概况", "常委会会议", "主任会议"]
    assert entries[1].text == "全年召开常委会会议6次，审议议题20项。"
    assert entries[0].path == ("自然地理", "气候")
    assert any(d.reason == "running-head" and d.line == 42 for d in doc.dropped)
    assert all(d.reason == "toc" for d in doc.dropped if 5 <= d.line <= 16)


_MD = """\
# 某区年鉴

## 编辑说明

本年鉴记述2018年情况。

## 目 录

## 综 合	1

# 综 合

繁荣
某区

## 概 况

**【地理位置】** 某区位于城市西部。

### 【人口】

全区人口10万人。

2018 年主要指标

指标	单位	数值
人口	万人	10

续表

指标	单位	数值
面积	平方千米	90

李明

# 民 生

繁荣
某区

## 教 育

【学校】 全区学校
20所。

## 二、存在问题

问题较多。
"""


def test_synthetic_markdown_yearbook() -> None:
    doc = _parse(_MD, title="某区年鉴（2019）")
    parts = _parts(doc)
    assert parts["编辑说明"].kind == "front"
    assert [t for t, s in parts.items() if s.kind == "category"] == ["综合", "民生"]
    assert any(d.line == 9 and d.reason == "toc" for d in doc.dropped)
    # two headings share the block 繁荣/某区 -> not enough to call it a slogan
    assert not any(d.reason == "slogan" for d in doc.dropped)
    entries = doc.entries()
    assert [(e.title, e.path) for e in entries] == [
        ("地理位置", ("综合", "概况")),
        ("人口", ("综合", "概况")),
        ("学校", ("民生", "教育")),
    ]
    assert entries[2].text == "全区学校20所。"
    assert [b.text for b in entries[2].blocks] == ["二、存在问题", "问题较多。"]
    table = next(b for b in entries[1].blocks if b.kind == "table")
    assert table.rows == [["指标", "单位", "数值"], ["人口", "万人", "10"], ["面积", "平方千米", "90"]]
    credit = [b for b in parts["综合"].walk() if isinstance(b, Block) and b.kind == "credit"]
    assert [b.text for b in credit] == ["李明"]


def test_markdown_slogan_recurring_block() -> None:
    opener = "\n创新\n某区\n\n实干\n某区\n\n"
    text = "".join(f"# 部类{n}\n{opener}## 分目\n\n【条目{n}】 内容。\n\n" for n in range(3))
    doc = _parse("# 书\n\n## 目 录\n\n" + text)
    slogans = [d for d in doc.dropped if d.reason == "slogan"]
    assert len(slogans) == 12
    assert len(doc.entries()) == 3


def test_wanghua_photo_captions_are_captions() -> None:
    doc = _real(WANGHUA)
    captions = {b.line: b.text for b in _all_blocks(doc) if b.kind == "caption"}
    assert captions[2396] == "政协抚顺市望花区第十届委员会第二次会议"
    assert captions[4237].startswith("望花区“工商银行杯”")
    assert captions[4959].startswith("2022年3月2日，建设街道")  # it interrupts the sentence "…“健 / 康知识栏”"
    texts = [b.text for b in _all_blocks(doc) if b.kind == "paragraph"] + [e.full_text for e in doc.entries()]
    assert not any("乒乓球大赛" in t and "体育产业" not in t and len(t) < 30 for t in texts)

