"""The ledger: source text = page text + ledger, for every source; safe OCR fixes; originals on hover."""

from __future__ import annotations

import json

import pytest

from builder.model.document import Event, Line, Source
from builder.parse import parse_document
from builder.sources.ledger import verify_conservation
from builder.sources.load import document_lines
from builder.sources.normalise import fix_line, fix_lines, split_lines, unfix_line


@pytest.mark.parametrize(("text", "fixed", "rules"), [
    ("全省各市调研工作的最 后■站 O", "全省各市调研工作的最 后一站 。", ["ocr-block", "ocr-stop"]),
    ("最多跑一■ 次", "最多跑一 次", ["ocr-block"]),
    ("出生率 5.151%。；死亡率", "出生率 5.151‰；死亡率", ["ocr-permille"]),
    ("二 O三五年远景目标", "二 〇三五年远景目标", ["ocr-ling"]),
    ("北 L6千米处", "北 1.6千米处", ["ocr-decimal"]),
    ("提高重大疫情防控 and 应对能力", "提高重大疫情防控和应对能力", ["conversion-and"]),
    ("3月 n日，市委常委会", "3月 11日，市委常委会", ["ocr-eleven"]),
    ("1日 o时起", "1日 0时起", ["ocr-zero-hour"]),
    ("东经 122。35'至", "东经 122°35'至", ["ocr-degree"]),
    ("覆盖率达 45%0主要由", "覆盖率达 45%。主要由", ["ocr-stop"]),
    ("完成 101％", "完成 101%", ["fullwidth-percent"]),
])
def test_safe_ocr_fixes(text: str, fixed: str, rules: list[str]) -> None:
    out, changes = fix_line(text)
    assert out == fixed
    assert [c[3] for c in changes] == rules


@pytest.mark.parametrize("text", [
    "比上年增长 44.39%。在全省", "L2级自动驾驶", "共 1000", "Windows 10 系统", "GDP 增长", "a and b",
    "增长 8%。",
])
def test_ambiguous_text_is_left_alone(text: str) -> None:
    assert fix_line(text) == (text, [])


def test_zero_before_a_unit_on_the_next_line_is_a_digit() -> None:
    lines, fixes = fix_lines(split_lines("平均气温为0\n\n℃，较常年偏高。\n会议审议了规划O\n"))
    assert lines[0].text == "平均气温为0" and [f.line for f in fixes] == [4]


def test_fixes_undo_exactly() -> None:
    text = "最 后■站 O，北 L6千米处 and 二O三五 5.1%。；"
    fixed, changes = fix_line(text)
    assert fixed != text
    from builder.model.document import Fix

    assert unfix_line(fixed, [Fix(1, c, b, a, r) for c, b, a, r in changes]) == text


def _doc(text: str, genre: str = "chronicle") -> tuple[object, list[Line]]:
    source = Source(id="t", file="t.txt", title="测试", genre=genre, region="", years=(2020,),  # type: ignore[arg-type]
                    content_year=2020)
    lines = split_lines(text)
    return parse_document(source, lines), lines


def test_fix_is_marked_in_the_event_that_shows_it() -> None:
    doc, lines = _doc("大事记\n\n2020年\n\n2020.3.5 召开第■次会议O\n\n2020.4 全区开展检查。\n")
    event = next(e for e in doc.events() if e.line == 5)
    assert isinstance(event, Event) and event.text == "召开第一次会议。"
    assert [(m.original, event.text[m.start:m.end], m.rule) for m in event.marks] == [
        ("■", "一", "ocr-block"), ("O", "。", "ocr-stop")]
    assert verify_conservation(doc, lines) == []


def test_markup_and_separators_are_in_the_ledger() -> None:
    doc, lines = _doc("## 2020年\n\n**2020.3.5**，召开会议。\n\n- 2020.4 开展检查。\n")
    assert {d.reason for d in doc.dropped} == {"markup"}
    assert "".join(d.text for d in doc.dropped).count("*") == 4
    assert verify_conservation(doc, lines) == []


def test_a_two_column_page_read_column_by_column_is_conserved() -> None:
    # the left column's last entry runs on at the head of the right column: its text goes back up the page
    page = """2001 年
17~18日 副省长某某在副市长 会议,市长某某出席并讲话。
陈某陪同下,到罗平调研教育工作。 28 日 市委、市政府召开计划生育先
18~22日 政协曲靖市第一届委员 进集体和先进个人表彰大会,麒麟区计生
会第四次会议在曲靖举行,315 名政协委员 委等 30 个先进集体和高某等 100 名先进
出席开幕式,市政协主席李某作常委会工 个人受到表彰,王某、高某、陈某某及
作报告,市长王某某代表市政府作《政府 原地级老领导朱某出席表彰会。
工作报告》的说明,会议通过市政协一届 2 月 以某某为代表的世界粮食计
四次会议决议和提案收集情况的报告。 划署官员到宣威市、罗平县等地对 1992 年
19 日 由曲靖市老体协、市直机关老 以来实施的援粮农业综合开发项
体协、麒麟区老体协、曲烟企业老体协联 目进行验收。
合举办的曲靖城区迎接新世纪老年体育运 3月
动会举行,来自麒麟区的市直单位代表队 1 日 国家烟草专卖局局长倪某、
的老年运动员参赛,是曲靖市有史以来规 副省长程某、省烟草专卖局局长李某某
模最大,参赛单位、参赛人数最多的一次 在曲靖市领导的陪同下,对罗平的“两烟”
老年体育盛会。开幕式后,代表队在城区 情况进行实地考察调研并召开座谈"""
    doc, lines = _doc(page)
    assert [d.reason for d in doc.dropped if not d.text] == ["two-column"]
    last = next(e for e in doc.events() if e.line == 10)
    assert last.text.endswith("开幕式后,代表队在城区会议,市长某某出席并讲话。")
    assert [(e.line, e.date.edtf()) for e in doc.events()] == [
        (2, "2001-01-17/2001-01-18"), (4, "2001-01-18/2001-01-22"), (10, "2001-01-19"), (3, "2001-01-28"),
        (8, "2001-02"), (13, "2001-03-01")]
    assert verify_conservation(doc, lines) == [] and not doc.problems


def test_a_lost_character_is_detected() -> None:
    doc, lines = _doc("大事记\n\n2020年\n\n2020.3.5 召开会议。\n")
    doc.events()[0].text = "召开会"
    problems = verify_conservation(doc, lines)
    assert any("议" in p for p in problems)
    doc.events()[0].text = "召开会议。另"
    assert any("另" in p for p in verify_conservation(doc, lines))


def test_conservation_holds_for_every_source(built) -> None:
    archive, _, _ = built
    for doc in archive.documents:
        lines = document_lines(doc.source, archive.texts[doc.source.file])
        assert verify_conservation(doc, lines) == [], doc.source.id


def test_ledger_is_published(built) -> None:
    archive, _, site = built
    data = json.loads((site / "data" / "ledger.json").read_text("utf-8"))
    summary = data["summary"]
    assert set(summary) == {d.source.id for d in archive.documents}
    liaoyang = summary["liaoyang-yearbook-2021"]
    for rule in ("ocr-block", "ocr-permille", "ocr-stop", "ocr-ling", "ocr-decimal", "toc", "running-head",
                 "photo-ocr", "markup"):
        assert liaoyang.get(rule, 0) > 0, rule
    assert summary["wanghua-yearbook-2023"]["conversion-and"] == 14  # notes §4.3: 14 times
    assert summary["wanghua-yearbook-2023"]["slogan"] > 0
    assert summary["guta-dsj"]["correction"] >= 2
    assert all(r in data["rules"] for s in summary.values() for r in s)
    ws = data["whitespace"]["guta-dsj"]
    assert ws["blank_lines"] > 600 and ws["spaces_in_lines"] >= ws["spaces_on_pages"] > 0
    entry = next(e for e in data["entries"] if e["rule"] == "ocr-decimal")
    assert set(entry) == {"source", "line", "before", "after", "rule", "note"} and entry["before"] == "L"
    csv_text = (site / "data" / "ledger.csv").read_text("utf-8-sig")
    assert csv_text.splitlines()[0] == "source,line,rule,before,after,note"
    import csv
    import io

    assert len(list(csv.reader(io.StringIO(csv_text)))) == len(data["entries"]) + 1
    page = (site / "data" / "index.html").read_text("utf-8")
    assert "ledger.json" in page and "校勘账" in page


def test_originals_show_on_hover(built) -> None:
    _, _, site = built
    html = (site / "sources" / "guta-dsj" / "index.html").read_text("utf-8")
    assert 'class="fz-fix fz-corr"' in html and "原文：进行了进行了" in html
    yearbook = "".join(p.read_text("utf-8") for p in (site / "sources" / "liaoyang-yearbook-2021").rglob("*.html"))
    assert 'data-rule="ocr-decimal" title="原文：L（OCR 校正）">1.</span>' in yearbook


def test_zero_width_control_and_nfc_are_in_the_ledger_with_their_rules() -> None:
    text = ("大事记\n\n2020\x1c年\n\n2020.3.5 召开第\x07一次\u200b会议\ufeff。\n\n"
            "2020.4 全区开展\uf900检查O\n\x0c\n2020.5 Cafe\u0301 开业\u2060。\n")
    doc, lines = _doc(text)
    assert verify_conservation(doc, lines) == []
    cleaning = [(f.line, f.before, f.after, f.rule) for f in doc.fixes if f.rule in ("zero-width", "control", "nfc")]
    assert cleaning == [(3, "\x1c", "", "control"), (5, "\x07", "", "control"), (5, "\u200b", "", "zero-width"),
                        (5, "\ufeff", "", "zero-width"), (7, "\uf900", "\u8c48", "nfc"), (8, "\x0c", "", "control"),
                        (9, "e\u0301", "é", "nfc"), (9, "\u2060", "", "zero-width")]
    assert [s.title for s in doc.sections()] == ["2020年"]
    assert [e.text for e in doc.events()] == ["召开第一次会议。", "全区开展\u8c48检查。", "Café开业。"]
    assert [f.rule for f in doc.fixes if f.line == 7] == ["nfc", "ocr-stop"]  # both kinds on one line


@pytest.mark.parametrize("text", ["一\u200b■", "\u200b■站", "e\u200b\u0301中", "二\u200bO三", "L6\u200b千米", "\x07" * 5 + "中"])
def test_cleaning_and_ocr_fixes_undo_exactly(text: str) -> None:
    from builder.model.document import Fix

    fixed, changes = fix_line(text)
    assert unfix_line(fixed, [Fix(1, c, b, a, r) for c, b, a, r in changes]) == text
    assert "\u200b" not in fixed and "\x07" not in fixed
