"""Year timeline charts are self-contained SVG."""

from __future__ import annotations

from collections import Counter

from jinja2 import Environment, PackageLoader

from builder.render.chart import MonthCounts, month_topic_chart


def test_chart_is_inline_svg_with_a_bar_per_month():
    env = Environment(loader=PackageLoader("builder.render", "templates"), autoescape=True)
    data = MonthCounts(2020, {1: Counter({"renda": 2, "dangjian": 1}), 3: Counter({"renda": 1}), 0: Counter({"x": 1})})
    svg = str(month_topic_chart(env, data, {"renda": "人大", "dangjian": "党建"}))
    assert svg.startswith("<figure") and "<svg" in svg and "http://" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert svg.count(">1月<") == 1 and svg.count(">12月<") == 1
    assert "1月 · 人大：2 条" in svg
    assert "人大" in svg and "党建" in svg


def test_empty_year_has_no_chart():
    env = Environment(loader=PackageLoader("builder.render", "templates"), autoescape=True)
    assert str(month_topic_chart(env, MonthCounts(2019, {}), {})) == ""
