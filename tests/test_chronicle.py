"""Tests for builder.parse.chronicle on the seed sources and synthetic styles."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from builder.model.document import Block, Dropped, Event, Line, PartialDate, Section, Source
from builder.parse.chronicle import parse_chronicle, parse_events
from builder.sources.normalise import compact, split_lines

ROOT = Path(__file__).resolve().parent.parent


def _source(sid: str, file: str, genre: str = "chronicle", year: int | None = None) -> Source:
    return Source(id=sid, file=file, title="测试大事记", genre=genre, region="r", years=(), content_year=year)  # type: ignore[arg-type]


def _lines(file: str, lo: int = 1, hi: int = 10**9, skip: range = range(0)) -> list[Line]:
    lines = split_lines((ROOT / "source_texts" / file).read_text("utf-8"))
    return [ln for ln in lines if lo <= ln.no <= hi and ln.no not in skip]


def _events(nodes: list) -> list[Event]:
    out: list[Event] = []
    for node in nodes:
        if isinstance(node, Section):
            out.extend(node.events())
        elif isinstance(node, Event):
            out.append(node)
    return out


def _synthetic(text: str, year: int | None = None) -> tuple[list, list[Dropped]]:
    lines = split_lines(text.strip("\n"))
    return parse_events(lines, source=_source("syn", "syn.txt"), year=year)


def _assert_nothing_lost(lines: list[Line], nodes: list, dropped: list[Dropped]) -> None:
    parts = [d.text for d in dropped]

    def walk(children: list) -> None:
        for node in children:
            if isinstance(node, Section):
                parts.append(node.title)
                walk(node.children)
            elif isinstance(node, Event):
                parts.append(node.marker + node.text)
            else:
                parts.append(node.text)

    walk(nodes)
    big = compact("".join(parts)).replace("，", "")
    for ln in lines:
        if ln.text.strip():
            assert compact(ln.text.replace("**", "").lstrip("#")).replace("，", "") in big, ln


# -- seed 000: 古塔区大事记 -------------------------------------------------------


@pytest.fixture(scope="module")
def guta():
    lines = _lines("guta-dashiji-2012-2021.txt")
    return lines, parse_chronicle(_source("guta-dsj", "guta-dashiji-2012-2021.txt"), lines)


def test_guta_counts(guta) -> None:
    _, doc = guta
    events = doc.events()
    assert len(events) == 138
    kinds = Counter(
        e.date.precision if e.date.end is None else ("day-range" if e.date.end.day else "ym-range")
        for e in events
    )
    assert kinds == {"day": 66, "month": 32, "year": 26, "early": 1, "day-range": 8, "list": 1, "ym-range": 4}
    assert [s.title for s in doc.sections() if s.kind == "year"] == [f"{y}年" for y in range(2012, 2022)]
    assert all(e.source_id == "guta-dsj" and e.line and not e.id for e in events)


def test_guta_details(guta) -> None:
    lines, doc = guta
    events = doc.events()
    first = events[0]
    assert first.date.iso() == "2012-03" and first.line == 6 and first.path == ("2012年",)
    assert first.text.startswith("城市低保标准由每人每月360元提高到")
    by_line = {e.line: e for e in events}
    assert by_line[276].date.time == "零点" and by_line[276].date.iso() == "2016-05-01"
    assert by_line[250].date.iso() == "2016-04-04"
    assert 764 not in by_line and "2020年底" in by_line[762].text
    assert by_line[1136].date.years() == [2012, 2013, 2014, 2015]
    assert by_line[746].date.others[1] == PartialDate(2019, 11, 14)
    assert doc.meta["printed_title"] == "大事记"
    assert doc.dropped == [Dropped(2, "大事记", "title")]
    assert doc.root.kind == "document" and doc.root.title == "测试大事记"
    _assert_nothing_lost(lines, doc.root.children, doc.dropped)


# -- seed 002: 辽阳年鉴 2020年大事记 ---------------------------------------------


@pytest.mark.parametrize("first_line", [575, 577, 579])
def test_liaoyang(first_line: int) -> None:
    lines = _lines("liaoyang-nianjian-2021.txt", first_line, 3634)
    nodes, dropped = parse_events(lines, source=_source("ly", "x", "yearbook", 2020), year=2020, path=("大事记",),
                                  whole_year=True)  # as the yearbook parser calls it
    events = _events(nodes)
    assert len(events) == 345
    markers = Counter("同日" if e.marker == "同日" else "▲" if e.marker == "▲" else "dated" for e in events)
    assert markers == {"dated": 211, "同日": 130, "▲": 4}
    assert sum(1 for e in events if e.date.precision == "range") == 7
    per_month = Counter(e.date.start.month for e in events)
    assert [per_month[m] for m in range(1, 13)] == [18, 34, 35, 34, 30, 38, 28, 31, 33, 20, 25, 19]
    assert Dropped(1517, "2020年大事记 7", "running-head") in dropped
    by_line = {e.line: e for e in events}
    assert by_line[707].date.iso() == "2020-02-01"
    assert by_line[1908].date.iso() == "2020-06-04/2020-06-05"
    assert by_line[1080].date.precision == "month" and by_line[1080].date.start.month == 3
    assert by_line[603].date.iso() == "2020-01-09"
    assert "2月1日由救护车" in by_line[737].text  # a date inside the narrative
    assert not any(e.flags for e in events)
    months = [s for s in nodes if isinstance(s, Section)]
    assert [s.present for s in months] == [False] * 9 + [True] * 3
    assert by_line[3054].path == ("大事记", "10月")
    _assert_nothing_lost(lines, nodes, dropped)


# -- seed 003: 望花年鉴 大事记 (Markdown) ------------------------------------------


def test_wanghua() -> None:
    lines = _lines("wanghua-nianjian-2023.md", 986, 1175, skip=range(990, 1001))
    nodes, dropped = parse_events(lines, source=_source("wh", "x", "yearbook", 2022), year=2022)
    events = _events(nodes)
    assert len(events) == 64
    per_month = Counter(e.date.start.month for e in events)
    assert [per_month[m] for m in range(1, 13)] == [7, 11, 3, 3, 6, 9, 1, 5, 10, 3, 1, 5]
    by_line = {e.line: e for e in events}
    assert "impossible-date" in by_line[1104].flags
    assert "out-of-order" in by_line[1098].flags
    assert by_line[1052].date.iso() == "2022-03-07/2022-03-08"
    assert by_line[1014].date.iso() == "2022-01-24" and by_line[1014].marker == "同日"
    assert [d.reason for d in dropped] == ["title", "rule", "rule"]
    assert [s.title for s in nodes] == [f"{m}月" for m in range(1, 13)]
    _assert_nothing_lost(lines, nodes, dropped)


# -- synthetic chronicles in other styles --------------------------------------


def test_year_on_first_entry_then_month_day() -> None:
    nodes, _ = _synthetic("""
2022年1月3日 全区召开经济工作会议。
1月15日，举办迎春联欢会。
2月1日召开党建工作会议。5月3日 区政协召开全体会议。
3月上旬 开展植树活动。
2023年2月4日 举办冰雪节。
""")
    events = _events(nodes)
    assert [e.date.iso() for e in events] == ["2022-01-03", "2022-01-15", "2022-02-01", "2022-05-03", "2022-03", "2023-02-04"]
    assert events[1].text == "举办迎春联欢会。"
    assert events[4].date.precision == "xun"
    assert all(e.line for e in events) and events[3].line == events[2].line


def test_numbered_year_headers_month_headers_and_bare_dates() -> None:
    nodes, _ = _synthetic("""
1.1952年：
3月
5日
成立县人民政府。

是月 开展爱国卫生运动。
9/1953
12日 召开第一届人民代表大会。
（据《县志》卷三）
""")
    assert [(s.kind, s.title) for s in nodes] == [("year", "1.1952年"), ("month", "9/1953")]
    y1952 = nodes[0]
    month = y1952.children[0]
    assert (month.kind, month.title, month.line) == ("month", "3月", 2)
    events = _events(nodes)
    assert events[0].date.iso() == "1952-03-05" and events[0].text == "成立县人民政府。"
    assert events[1].date.precision == "month" and events[1].marker == "是月"
    assert events[2].date.iso() == "1953-09-12"
    assert events[2].text == "召开第一届人民代表大会。" and events[2].attribution == "（据《县志》卷三）"


def test_bullets_share_the_day_of_a_bare_date_line() -> None:
    nodes, _ = _synthetic("""
1998年
5月3日
△ 召开防汛工作会议。
△ 全县开展防汛检查。
☆5月9日 举办农民运动会。
▲ 本月共接待游客2万人次。
""")
    year = nodes[0]
    day = year.children[0]
    assert (day.kind, day.title) == ("day", "5月3日")
    assert [e.date.iso() for e in day.children] == ["1998-05-03", "1998-05-03"]
    rest = year.children[1:]
    assert rest[0].date.iso() == "1998-05-09" and rest[0].text == "举办农民运动会。"
    assert rest[1].date.precision == "month" and rest[1].date.iso() == "1998-05"


def test_ranges_times_and_era_dates() -> None:
    nodes, _ = _synthetic("""
清嘉庆三年（1798年） 重修文庙。
2001年
3月5日～8日 召开人代会。
4月1日至3日 举办博览会。
6月1—3日 开展义诊。
10月1日上午9时 举行升旗仪式。
9月 下旬 举办秋季运动会。
""")
    events = _events(nodes)
    assert events[0].date.start == PartialDate(1798) and events[0].text == "重修文庙。"
    assert isinstance(nodes[0], Event) and nodes[1].kind == "year"
    assert [e.date.iso() for e in events[1:4]] == ["2001-03-05/2001-03-08", "2001-04-01/2001-04-03", "2001-06-01/2001-06-03"]
    assert events[4].date.time == "上午9时" and events[4].text == "举行升旗仪式。"
    assert events[5].date.qualifier == "下旬"


def test_continuations_are_not_events() -> None:
    nodes, _ = _synthetic("""
2010年
2010.5.1 审议了
2011 年预算草案，决定于
2012 年底前完成，全年目标为
3月 10日起实施的办法。
2010.6 全区开展检查。
""")
    events = _events(nodes)
    assert len(events) == 2
    assert events[0].text == "审议了2011年预算草案，决定于2012年底前完成，全年目标为3月10日起实施的办法。"


def test_month_inference_and_out_of_order() -> None:
    nodes, _ = _synthetic("""
20日 甲。
28日 乙。
2日 丙。
同日 丁。
29日至 31日 戊。
""", year=2021)
    # no month in scope: the days are kept with the month unknown and flagged, never dated January
    events = _events(nodes)
    assert [e.date.edtf() for e in events[:3]] == ["2021-XX-20", "2021-XX-28", "2021-XX-02"]
    assert all(e.flags == ["unknown-month"] for e in events if e.marker != "同日")
    # a whole year's chronicle (a yearbook's 大事记) begins in January: the months are inferred
    nodes, _ = parse_events(split_lines("""
20日 甲。
28日 乙。
2日 丙。
同日 丁。
29日至 31日 戊。
""".strip("\n")), source=_source("syn", "syn.txt"), year=2021, whole_year=True)
    events = _events(nodes)
    assert [e.date.start.iso() for e in events] == ["2021-01-20", "2021-01-28", "2021-02-02", "2021-02-02", "2021-02-29"]
    assert events[4].flags == ["impossible-date"]
    nodes, _ = _synthetic("""
## 5月
10日 甲。
3日 乙。
""", year=2021)
    assert _events(nodes)[1].flags == ["out-of-order"]


def test_text_before_first_event_is_kept() -> None:
    nodes, dropped = _synthetic("""
# 某某县大事记（1949—1999）
本记以时为序，记述建县以来大事。
1949年10月1日 县人民政府成立。
""")
    assert dropped[0].reason == "title"
    assert isinstance(nodes[0], Block) and nodes[0].text.startswith("本记以时为序")
    assert _events(nodes)[0].date.iso() == "1949-10-01"


def test_two_dated_events_run_together_on_one_line() -> None:
    nodes, _ = _synthetic("""
1998年
3月5日 县委召开全会。3月8日 县政府召开常务会议。
4月1日 开展植树活动（据《某县志》）。
""")
    events = _events(nodes)
    assert [(e.date.iso(), e.text) for e in events] == [
        ("1998-03-05", "县委召开全会。"),
        ("1998-03-08", "县政府召开常务会议。"),
        ("1998-04-01", "开展植树活动（据《某县志》）。"),
    ]
    assert events[0].line == events[1].line


def test_era_name_dates_in_prose_are_found_but_do_not_start_events() -> None:
    from builder.parse.dates import find_dates

    found = find_dates("该寺始建于清嘉庆三年（1798年），民国十年（1921年）重修。")
    assert [d.start.year for d in found] == [1798, 1921]
    assert all(d.raw.endswith("年）") for d in found)
    nodes, _ = _synthetic("""
1985年
5月3日 修缮始建于清嘉庆三年（1798年）的文庙。
""")
    events = _events(nodes)
    assert len(events) == 1 and events[0].text == "修缮始建于清嘉庆三年（1798年）的文庙。"
