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
