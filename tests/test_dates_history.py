"""The date grammar on Chinese historical dating (issue 12): Chinese numerals, the Chinese (lunar) calendar,
民国 and era names, BCE, seasons, 旬, half years, ranges in every form, lists, times of day, unknown parts, and
the EDTF every parsed date is written in (validated with the ``edtf`` library).

Classes of input: Arabic and Chinese numerals (``二〇一二年``, ``十二月``, ``廿九年``, ``卅日``, ``元月``, ``正月``,
``冬月``, ``腊月``); 农历 and 闰 months (converted by lunar-python, the printed lunar date kept); 民国N年 and era
names with and without a bracketed Gregorian year, a bare year continuing the era in force, a ruler's reign year
the tables lack; BCE (``前206年``, ``公元前2070年``); seasons, 上旬/中旬/下旬, 月初/年底, 上半年; ranges across
months and years (``10月29日至11月1日``, ``10月29～11月3日``, ``1953年2月19日～22日``, ``至翌年3月28日``, ``7至8月``);
several days (``9日、10日``); a time of day after the date; a day with no month in scope.
"""

from __future__ import annotations

import pytest
from edtf import parse_edtf

from builder.model.document import PartialDate as P
from builder.parse.dates import cn_int, match_date, refine
from builder.parse.eras import lookup


def _m(text: str, **kw):  # type: ignore[no-untyped-def]
    hit = match_date(text, **kw)
    assert hit is not None, text
    parse_edtf(hit.spec.edtf())  # every date we write is valid EDTF
    return hit


@pytest.mark.parametrize(("numeral", "value"), [("二〇一二", 2012), ("一九五八", 1958), ("十二", 12), ("廿九", 29),
                                                  ("卅", 30), ("三十一", 31), ("元", 1), ("正", 1), ("冬", 11),
                                                  ("腊", 12), ("初五", 5), ("12", 12)])
def test_chinese_numerals_by_cn2an(numeral: str, value: int) -> None:
    assert cn_int(numeral) == value


@pytest.mark.parametrize(("text", "kw", "edtf", "printed"), [
    ("二〇一二年十二月", {}, "2012-12", "二〇一二年十二月"),
    ("十二月三日", {"year": 1958}, "1958-12-03", "十二月三日"),
    ("卅日", {"year": 1958, "month": 1}, "1958-01-30", "卅日"),
    ("元月5日", {"year": 1958}, "1958-01-05", "元月5日"),
    ("民国27年", {}, "1938", "民国27年"),
    ("民國二十八年三月", {}, "1939-03", "民國二十八年三月"),
    ("康熙二十三年", {}, "1684", "康熙二十三年"),
    ("清圣祖康熙二十三年(1684年)", {}, "1684", "清圣祖康熙二十三年(1684年)"),
    ("周襄王廿七年(前625)", {}, "-0624", "周襄王廿七年(前625)"),  # EDTF counts 1 BCE as 0000
    ("前206年", {}, "-0205", "前206年"),
    ("公元前2070年", {}, "-2069", "公元前2070年"),
    ("乾隆年间(1736~1796)", {}, "1736/1796", "乾隆年间(1736~1796)"),
    ("1987年春", {}, "1987-21", "1987年春"),
    ("夏秋,", {"year": 1687, "bare": True}, "1687-22/1687-23", "夏秋"),
    ("1964年上半年", {}, "1964-01/1964-06", "1964年上半年"),
    ("10月29日至11月1日", {"year": 1986}, "1986-10-29/1986-11-01", "10月29日至11月1日"),
    ("10月29～11月3日", {"year": 1986}, "1986-10-29/1986-11-03", "10月29～11月3日"),
    ("1953年2月19日～22日", {}, "1953-02-19/1953-02-22", "1953年2月19日～22日"),
    ("11 月 4 日至翌年 3 月 28 日", {"year": 1949}, "1949-11-04/1950-03-28", "11 月 4 日至翌年 3 月 28 日"),
    ("12月至1950年2月", {"year": 1949}, "1949-12/1950-02", "12月至1950年2月"),
    ("民國二十年七至八月", {}, "1931-07/1931-08", "民國二十年七至八月"),
    ("1----3月", {"year": 1962}, "1962-01/1962-03", "1----3月"),
    ("9日、10日", {"year": 2000, "month": 3}, "{2000-03-09,2000-03-10}", "9日、10日"),
    ("13日", {"year": 2017, "unknown_month": True}, "2017-XX-13", "13日"),
    ("17~18日", {"year": 2001, "unknown_month": True}, "2001-XX-17/2001-XX-18", "17~18日"),
])
def test_forms(text: str, kw: dict, edtf: str, printed: str) -> None:
    hit = _m(text, **kw)
    assert (hit.spec.edtf(), hit.spec.raw) == (edtf, printed)


def test_lunar_dates_are_converted_and_the_printed_date_kept() -> None:
    hit = _m("农历三月", year=1942)
    assert hit.spec.calendar == "chinese" and hit.spec.original == "1942-L03"
    assert (hit.spec.start, hit.spec.end) == (P(1942, 4, 15), P(1942, 5, 14))  # never "1942-03"
    hit = _m("正月初一", year=1942)
    assert hit.spec.start == P(1942, 2, 15) and hit.spec.original == "1942-L01-01"
    hit = _m("闰四月二十一日", year=1686)
    assert hit.spec.leap and hit.spec.original == "1686-L04-21" and hit.spec.start == P(1686, 6, 11)
    # months under a pre-1912 era are Chinese-calendar months; 民国 dates are Gregorian
    qing = lookup("嘉慶")[0]
    assert _m("五月", year=1806, lunar=not qing.gregorian_calendar).spec.original == "1806-L05"
    assert _m("民國四年八月").spec.calendar == "gregorian"


def test_a_bare_year_continues_the_era_in_force() -> None:
    roc = lookup("民国")[0]
    assert match_date("廿九年") is None  # no era in force: not a date
    assert _m("廿九年", era=roc).spec.start == P(1940)
    assert _m("39年12月15日", era=roc).spec.start == P(1950, 12, 15)
    assert _m("11年(922年)", era=roc).spec.start == P(1922)  # a bracket year that lost a digit


def test_a_year_refined_by_what_follows_the_comma() -> None:
    base = _m("嘉慶十一年丙寅(1806)").spec
    spec, used = refine(base, "五月,瘟疫大作", lunar=True)
    assert spec.original == "1806-L05" and used == 2
    spec, _ = refine(_m("民國九年").spec, "自春至秋數月無雨")
    assert (spec.precision, spec.qualifier, spec.end) == ("season", "春秋", P(1920))
    assert refine(_m("2012年").spec, "召开大会") is None


def test_time_of_day_after_the_date() -> None:
    hit = _m("10月1日上午9时", year=2001)
    assert hit.spec.time == "上午9时"
    hit = _m("5日晚,", year=1999, month=1)
    assert hit.spec.time == "晚"


def test_an_era_name_printed_with_a_variant_character() -> None:
    # shanxi-quwo line 43 (real): 嘉佑 for 嘉祐 — 佑/祐 are variants OpenCC does not relate; yitizi's tables do
    assert [e.name for e in lookup("嘉佑")][:1] == ["嘉祐"]
    assert _m("嘉佑四年(1059)").spec.edtf() == "1059"
    assert not lookup("今年") and not lookup("去年")


def test_a_range_of_years_of_one_era_checked_by_its_bracket() -> None:
    # shanxi-quwo line 48 (real): ``大定五年一十三年(1165—1173)``, the dash OCR read as 一
    assert _m("大定五年一十三年(1165—1173)").spec.edtf() == "1165/1173"
    assert _m("大定五年至十三年(1165—1173)").spec.edtf() == "1165/1173"
    # without a bracket that fits both years the second number is not read as the range's end
    assert _m("大定五年一十三年(1165)").spec.edtf() == "1165"
    assert _m("大定五年至十三年(1165—1170)").spec.edtf() == "1165"
