"""People, meetings and series: the hard cases from the notes."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.config.entities import load_entity_rules
from builder.enrich.entities import cn_number, entity_id, find_meetings, find_people, find_series

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def rules():
    return load_entity_rules(REPO / "site_config" / "entities.yml")


def test_chinese_numbers():
    assert [cn_number(x) for x in ("七", "十", "十七", "二十二", "一百零五", "19")] == [7, 10, 17, 22, 105, 19]


def test_officials_with_titles_are_people(rules):
    text = "区委书记宋晓东、区委副书记、区长刘占禄、区人大常委会主任徐国庆、区政协主席齐杰出席。"
    people = {m.name: dict(m.attrs)["office"] for m in find_people(text, rules)}
    # offices joined by 、 before one name are all his (issue 13: 党委书记、局长×××)
    assert people == {"宋晓东": "区委书记", "刘占禄": "区委副书记、区长", "徐国庆": "区人大常委会主任", "齐杰": "区政协主席"}


def test_past_office_and_split_names(rules):
    (m,) = find_people("在时任市委常委、常务副市长杨晓光的见证下", rules)
    assert m.name == "杨晓光" and dict(m.attrs)["past"] == "时任"
    # names split by OCR spaces or line wraps are joined before matching
    assert [p.name for p in find_people("区长 张 泰", rules)] == ["张泰"]
    assert [p.name for p in find_people("区委书记宋晓\n东、区委副书记", rules)] == ["宋晓东"]


def test_private_persons_get_no_page(rules):
    assert find_people("区纪委监委主要领导三次深入困难户才作如、王欣欣家", rules) == []
    assert find_people("对违法建筑当事人夏凤印、赵俊杰依法处理", rules) == []


def test_meeting_surface_forms_are_unified():
    forms = ["召开中国共产党望花区第十二届委员会第九次全体会议", "在中共望花区委十二届九次全会上的报告", "十二届九次全会"]
    keys = {m.key for f in forms for m in find_meetings(f, {"区": "望花区", "": "望花区"})}
    assert keys == {"中共望花区|12|委员会|9|全体会议"}
    a = find_meetings("召开中国人民政治协商会议抚顺市望花区第十届委员会第二次会议", known=frozenset({"望花区"}))[0]
    b = find_meetings("政协十届二次全体会议", {"": "望花区"})[0]
    assert a.key == b.key
    c = find_meetings("市十六届人大四次会议", {"市": "辽阳市"})[0]
    assert c.name == "辽阳市第十六届人民代表大会第四次会议"


def test_same_meeting_name_on_two_dates_is_two_meetings():
    first = find_meetings("2015.12.23—25 古塔区第十七届人民代表大会第四次会议召开")[0]
    second = find_meetings("2016.12.25—27 古塔区第十七届人民代表大会第四次会议召")[0]
    assert first.key == second.key
    assert entity_id("meeting", first.key, "2015-12-23") != entity_id("meeting", second.key, "2016-12-25")


def test_series(rules):
    assert [m.name for m in find_series("举办第七届古塔庙会", rules)] == ["古塔庙会"]
    assert [m.name for m in find_series("开展“百亿送贷行动”", rules)] == ["百亿送贷行动"]
    assert find_series("古塔区召开工作会议", rules) == []


def test_organisations_by_any_form(rules):
    from builder.enrich.entities import find_organisations

    found = find_organisations("原古塔区国家税务局开出发票；团区委与共青团锦州市古塔区委员会", rules)
    assert [m.name for m in found] == ["共青团古塔区委员会", "古塔区税务局"] or {m.name for m in found} == {
        "共青团古塔区委员会", "古塔区税务局"}
    assert rules.org_history["古塔区税务局"]


def test_leader_directory_is_an_authority_list(rules):
    from builder.enrich.entities import find_known_people, parse_directory

    tenures = parse_directory("中共望花区委员会（12人）",
                              "书记：陈万松（2021.06—）副书记：张泰（2021.07—）王长军（2021.06—）常委：刘铁（2021.07—2022.07）")
    assert [(t.name, t.office, t.end) for t in tenures] == [
        ("陈万松", "书记", ""), ("张泰", "副书记", ""), ("王长军", "副书记", ""), ("刘铁", "常委", "2022.07")]
    assert tenures[0].label() == "中共望花区委员会 书记（2021.06—）"  # the body apart from the office
    names = frozenset(t.name for t in tenures)
    # a directory name is found without an office, but not inside a longer name
    assert [m.name for m in find_known_people("会议由张泰主持，王长军、刘铁出席。", names)] == ["刘铁", "张泰", "王长军"]
    assert find_known_people("王长军辉同志", names) == []


def test_words_before_a_bare_place_are_not_part_of_the_body():
    places = {"市": "抚顺市", "区": "望花区", "": "望花区", "省": "辽宁省"}
    known = frozenset({"抚顺市", "望花区", "辽宁省"})
    (m,) = find_meetings("区委全会传达市第十三届委员会第五次全体会议精神", places, known)
    assert m.name == "抚顺市第十三届委员会第五次全体会议" or m.name == "中共抚顺市第十三届委员会第五次全体会议"
    (n,) = find_meetings("贯彻落实省第十三届委员会第四次全体会议精神", places, known)
    assert "贯彻" not in n.name and "辽宁省" in n.name
