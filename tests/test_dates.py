"""Tests for builder.parse.dates: the chronicle date-token grammar."""

from __future__ import annotations

import pytest

from builder.model.document import PartialDate as P
from builder.parse.dates import find_dates, match_date, parse_date, validate


@pytest.mark.parametrize(
    ("token", "start", "precision"),
    [
        ("2013.8.1", P(2013, 8, 1), "day"),
        ("2019.9.01", P(2019, 9, 1), "day"),
        ("2016.4．4", P(2016, 4, 4), "day"),
        ("２０１６.４.４", P(2016, 4, 4), "day"),
        ("2012.3", P(2012, 3), "month"),
        ("2019.3 月", P(2019, 3), "month"),
        ("2012 年", P(2012), "year"),
        ("2014年", P(2014), "year"),
        ("2021 年初", P(2021), "early"),
        ("2022年3月2日", P(2022, 3, 2), "day"),
        ("2020-03-05", P(2020, 3, 5), "day"),
        ("2015年春", P(2015), "season"),
        ("2020年3月上旬", P(2020, 3), "xun"),
        ("清嘉庆三年（1798年）", P(1798), "year"),
        ("民国三十八年(1949)", P(1949), "year"),
    ],
)
def test_full_tokens(token: str, start: P, precision: str) -> None:
    spec = parse_date(token)
    assert spec is not None
    assert (spec.start, spec.precision) == (start, precision)
    assert spec.raw == token


def test_time_of_day() -> None:
    spec = parse_date("2016.5.1 零点")
    assert spec is not None and spec.start == P(2016, 5, 1) and spec.time == "零点"
    spec = parse_date("1日 o时起", year=2020, month=2)
    assert spec is not None and spec.start == P(2020, 2, 1) and spec.time == "o时起"
    spec = parse_date("5日下午3时30分", year=2020, month=2)
    assert spec is not None and spec.time == "下午3时30分"


@pytest.mark.parametrize(
    ("token", "start", "end"),
    [
        ("2012.12.24—27", P(2012, 12, 24), P(2012, 12, 27)),
        ("2013.10-2015.10", P(2013, 10), P(2015, 10)),
        ("2020-2021 年", P(2020), P(2021)),
        ("2012 年-2015 年", P(2012), P(2015)),
        ("1998年～2001年", P(1998), P(2001)),
        ("3月5日至4月2日", P(2020, 3, 5), P(2020, 4, 2)),
        ("3月5日~8日", P(2020, 3, 5), P(2020, 3, 8)),
        ("3—4月", P(2020, 3), P(2020, 4)),
        ("7—8 日", P(2020, 6, 7), P(2020, 6, 8)),
        ("9日至 10日", P(2020, 6, 9), P(2020, 6, 10)),
        ("1日——3日", P(2020, 6, 1), P(2020, 6, 3)),
    ],
)
def test_ranges(token: str, start: P, end: P) -> None:
    spec = parse_date(token, year=2020, month=6)
    assert spec is not None
    assert (spec.precision, spec.start, spec.end) == ("range", start, end)


def test_range_years_lists_every_year() -> None:
    spec = parse_date("2012 年-2015 年")
    assert spec is not None and spec.years() == [2012, 2013, 2014, 2015]


def test_list_resets_month() -> None:
    spec = parse_date("2019.9.20、10.14、11.14")
    assert spec is not None and spec.precision == "list"
    assert spec.others == (P(2019, 10, 14), P(2019, 11, 14))
    spec = parse_date("5日、8日", year=2020, month=6)
    assert spec is not None and spec.others == (P(2020, 6, 8),)


def test_context_dates() -> None:
    assert parse_date("13日", year=2022, month=1) is not None
    assert parse_date("13 日", year=2022, month=1).start == P(2022, 1, 13)  # type: ignore[union-attr]
    assert parse_date("1月24日", year=2022).start == P(2022, 1, 24)  # type: ignore[union-attr]
    assert parse_date("13日") is None  # no month known
    assert parse_date("1月24日") is None  # no year known


def test_not_dates() -> None:
    assert parse_date("2013 年预算草案") is None
    assert parse_date("城市低保") is None
    assert match_date("2016 辽西花鸟鱼") is None
    hit = match_date("2020 年底，我区共接收")
    assert hit is not None and hit.spec.qualifier == "底" and hit.end == len("2020 年底")


def test_validate() -> None:
    assert validate(parse_date("31日", year=2022, month=6)) == ["start: 2022-06 has no day 31"]  # type: ignore[arg-type]
    assert validate(parse_date("2013.13")) == ["start: month 13 does not exist"]  # type: ignore[arg-type]
    assert validate(parse_date("2020.2.29")) == []  # type: ignore[arg-type]
    assert validate(parse_date("2019.2.29")) != []  # type: ignore[arg-type]
    assert validate(parse_date("2015 年-2012 年")) != []  # type: ignore[arg-type]


def test_find_dates_in_prose() -> None:
    text = "2013 年 8 月开土动工，2014 年 5 月迁走，2020年中国农民丰收节，始建于清嘉庆三年（1798年）。"
    found = [d.start for d in find_dates(text)]
    assert found == [P(2013, 8), P(2014, 5), P(2020), P(1798)]


def test_round_trip_property() -> None:
    from datetime import date

    from hypothesis import given
    from hypothesis import strategies as st

    @given(st.dates(min_value=date(1000, 1, 1), max_value=date(2999, 12, 31)))
    def check(d: date) -> None:
        for token in (f"{d.year}.{d.month}.{d.day}", f"{d.year}年{d.month}月{d.day}日", f"{d.year} 年 {d.month} 月 {d.day} 日"):
            spec = parse_date(token)
            assert spec is not None and spec.start == P(d.year, d.month, d.day) and validate(spec) == []

    check()
