"""Cross-links: meetings keyed by name and date, same day elsewhere, related records."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.config.entities import load_entity_rules
from builder.config.site import load_regions
from builder.enrich.annotate import Gazetteer
from builder.enrich.links import build_links
from builder.enrich.records import Record

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def context():
    return load_entity_rules(REPO / "site_config" / "entities.yml"), Gazetteer(load_regions(REPO / "site_config" / "regions.yml"))


def _event(rid, source, date, text, precision="day"):
    return Record(id=rid, type="event", source_id=source, title="", text=text, url=f"x/#{rid}", line=1, path=(),
                  date=date, precision=precision)


def test_one_name_on_two_dates_is_two_meetings_and_forms_unify(context):
    rules, gaz = context
    records = [
        _event("a", "dsj", "2015-12-23/2015-12-25", "古塔区第十七届人民代表大会第四次会议召开。", "range"),
        _event("b", "dsj", "2016-12-25/2016-12-27", "古塔区第十七届人民代表大会第四次会议召开。", "range"),
        _event("c", "wh", "2022-12-09", "召开中国共产党望花区第十二届委员会第九次全体会议。"),
        Record(id="d", type="entry", source_id="wh", title="十二届九次全会", text="12月9日，中共望花区委十二届九次全会召开。",
               url="y/#d", line=2, path=("中国共产党望花区委员会", "重要会议")),
        _event("e", "rep", "2022-12-09", "在中共望花区委十二届九次全会上作报告。"),
    ]
    links = build_links(records, rules, gaz, {"dsj": "guta", "wh": "wanghua", "rep": "wanghua"},
                        {"dsj": None, "wh": 2022, "rep": 2022})
    meetings = [e for e in links.entities.values() if e.kind == "meeting"]
    guta = sorted((e for e in meetings if e.name == "古塔区第十七届人民代表大会第四次会议"), key=lambda e: e.date)
    assert [(e.date, e.records) for e in guta] == [("2015-12-23", ["a"]), ("2016-12-25", ["b"])]
    plenum = [e for e in meetings if e.name == "中共望花区第十二届委员会第九次全体会议"]
    assert len(plenum) == 1 and sorted(plenum[0].records) == ["c", "d", "e"]
    assert "e" in links.same_day["c"]
    assert "d" in links.related["e"] or "c" in links.related["e"]


def test_disagreeing_dates_stay_side_by_side(context):
    rules, gaz = context
    records = [
        _event("x", "wh", "2022-12-14/2022-12-15", "召开抚顺市望花区第十九届人民代表大会第二次会议。", "range"),
        Record(id="y", type="entry", source_id="wh2", title="区十九届人民代表大会二次会议",
               text="12月14—16日，区十九届人民代表大会二次会议召开。", url="y/#y", line=3, path=()),
    ]
    links = build_links(records, rules, gaz, {"wh": "wanghua", "wh2": "wanghua"}, {"wh": 2022, "wh2": 2022})
    (meeting,) = [e for e in links.entities.values() if e.kind == "meeting"]
    assert meeting.records == ["x", "y"]  # one session, both accounts kept as they are
