"""Timeline charts drawn at build time as inline SVG (nothing loaded from a CDN).

A year page shows its events per month as bars stacked by topic (each event
counted once, under its first topic). Colours come from a fixed palette in
topic order, so the same topic has the same colour on every page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from jinja2 import Environment
from markupsafe import Markup

PALETTE = (
    "#8d6e63", "#5c6bc0", "#26a69a", "#ef6c00", "#ab47bc", "#7cb342", "#ec407a", "#29b6f6",
    "#ffca28", "#78909c", "#d4e157", "#8e24aa", "#00897b", "#f4511e", "#3949ab", "#c0ca33",
)
OTHER = "#bdbdbd"


@dataclass
class MonthCounts:
    """Events of one year: ``by_month[m][topic] = n`` (month 0 = no month given)."""

    year: int
    by_month: dict[int, Counter[str]]


def month_topic_chart(env: Environment, data: MonthCounts, topic_names: dict[str, str], *,
                      top: int = 8) -> Markup:
    """An SVG bar chart of events per month stacked by topic, or nothing for an empty year."""
    totals = Counter()
    for counts in data.by_month.values():
        totals.update(counts)
    if not totals:
        return Markup("")
    order = list(topic_names)
    main = sorted(totals, key=lambda t: (-totals[t], order.index(t) if t in order else 999, t))[:top]
    colors = {t: PALETTE[(order.index(t) if t in order else i) % len(PALETTE)] for i, t in enumerate(main)}
    width, height, bar_width, gap, base = 12 * 44 + 20, 180, 30, 14, 24
    peak = max(sum(c.values()) for c in data.by_month.values()) or 1
    scale = (height - base - 24) / peak
    bars = []
    for i, month in enumerate(range(1, 13)):
        counts = data.by_month.get(month, Counter())
        y = height - base
        segments = []
        for topic in [*main, ""]:
            n = counts.get(topic, 0) if topic else sum(v for t, v in counts.items() if t not in main)
            if not n:
                continue
            h = round(n * scale, 1)
            y = round(y - h, 1)
            segments.append({"y": y, "h": h, "n": n, "color": colors.get(topic, OTHER),
                             "name": topic_names.get(topic, "其他") if topic else "其他"})
        bars.append({"x": 10 + i * (bar_width + gap), "label": f"{month}月", "segments": segments,
                     "total": sum(counts.values()), "top": y})
    legend = [{"name": topic_names.get(t, t), "color": colors[t]} for t in main]
    if any(t not in main for t in totals):
        legend.append({"name": "其他", "color": OTHER})
    svg = env.get_template("chart.svg.j2").render(year=data.year, width=width, height=height, bar_width=bar_width,
                                                  bars=bars, legend=legend)
    return Markup(svg)


TYPE_NAMES = {"event": "大事", "entry": "条目", "section": "章节"}
TYPE_COLORS = {"event": "#8d6e63", "entry": "#5c6bc0", "section": "#26a69a"}


def year_timeline(env: Environment, by_year: dict[int, Counter[str]], href: dict[int, str]) -> Markup:
    """An SVG bar chart of the records per year (stacked by type), every year from the first
    to the last (a gap shows as a gap), each bar a link to its year page; nothing if empty."""
    years = sorted(y for y, c in by_year.items() if sum(c.values()))
    if not years:
        return Markup("")
    span = list(range(years[0], years[-1] + 1))
    if len(span) > 120:  # centuries of sparse dates: draw only the years that have records
        span = years
    step = max(16, min(44, 640 // len(span)))
    bar_width = max(8, step - 6)
    width, height, base = len(span) * step + 20, 200, 26
    peak = max(sum(c.values()) for c in by_year.values()) or 1
    scale = (height - base - 22) / peak
    bars = []
    for i, year in enumerate(span):
        counts = by_year.get(year, Counter())
        y = height - base
        segments = []
        for kind, name in TYPE_NAMES.items():
            n = counts.get(kind, 0)
            if not n:
                continue
            h = max(round(n * scale, 1), 1.0)
            y = round(y - h, 1)
            segments.append({"y": y, "h": h, "n": n, "color": TYPE_COLORS[kind], "name": name})
        bars.append({"x": 10 + i * step, "year": year, "segments": segments, "total": sum(counts.values()), "top": y,
                     "href": href.get(year, ""), "label": str(year) if len(span) <= 16 or year % 5 == 0 or
                     year in (span[0], span[-1]) else ""})
    legend = [{"name": name, "color": TYPE_COLORS[kind]} for kind, name in TYPE_NAMES.items()]
    return Markup(env.get_template("timeline.svg.j2").render(width=width, height=height, bar_width=bar_width,
                                                             bars=bars, legend=legend, first=span[0], last=span[-1]))
