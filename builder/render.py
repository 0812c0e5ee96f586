"""Render the enriched archive to Markdown pages with Jinja2 templates.

Generated pages go to sub-folders of ``docs/`` that are git-ignored and never
hand-edited: sources/, years/, regions/, topics/, data/, search/.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from .config import SiteConfig
from .models import Document, Section
from .records import Page, Record

GENERATED_DIRS = ("sources", "years", "regions", "topics", "data", "search")

GENRE_NAMES = {"chronicle": "大事记", "yearbook": "年鉴", "report": "工作报告"}
PRECISION_NAMES = {
    "day": "日", "xun": "旬", "month": "月", "season": "季", "early": "年初/月初",
    "year": "年", "range": "区间", "list": "多日", "unknown": "未详",
}
FIELD_NAMES = {"title": "题名", "region": "地区", "years": "年份", "date": "日期", "editor": "编者"}

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$])")


def md_heading(text: str) -> Markup:
    """Escape text for use in a Markdown heading or link label: literal, never markup."""
    return Markup(_MD_SPECIAL.sub(r"\\\1", str(escape(text))))


def yaml_str(text: str) -> Markup:
    return Markup('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')


@dataclass
class Renderer:
    cfg: SiteConfig
    docs_dir: Path

    def __post_init__(self) -> None:
        self.env = Environment(
            loader=PackageLoader("builder", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["mdh"] = md_heading
        self.env.filters["yaml"] = yaml_str
        self.common = {
            "genre_names": GENRE_NAMES,
            "precision_names": PRECISION_NAMES,
            "field_names": FIELD_NAMES,
            "region_names": {r.id: r.name for r in self.cfg.regions},
            "topic_names": {t.id: t.name for t in self.cfg.topics},
            "source_of": {s.id: s for s in self.cfg.sources},
            "source_titles": {s.id: s.title for s in self.cfg.sources},
        }
        self.written: list[Path] = []

    def write(self, rel: str, template: str, **context: object) -> None:
        assert rel.endswith("index.md"), rel  # every page is a folder index (see records.py)
        depth = rel.count("/")
        root = "../" * depth
        text = self.env.get_template(template).render(**self.common, root=root, **context)
        text = re.sub(r"\n{3,}", "\n\n", text)
        path = self.docs_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.written.append(path)

    # -- source reading pages -------------------------------------------------

    def source_page(self, page: Page, parts: list[dict], stats: dict[str, int]) -> None:
        self.write(page.path, "source.md.j2", page=page, parts=parts, stats=stats)

    def sources_index(self, docs: list[Document], pages: dict[str, list[Page]], stats: dict) -> None:
        items = [
            {
                "name": d.source.title,
                "link": pages[d.source.id][0].path.removeprefix("sources/"),
                "note": f"{GENRE_NAMES[d.source.genre]} · {self.common['region_names'][d.source.region]} · "
                f"{_year_span(d.source.years)} · 大事 {stats[d.source.id]['events']} · 条目 {stats[d.source.id]['entries']}",
            }
            for d in docs
        ]
        self.write("sources/index.md", "index_list.md.j2", title="文献", items=items,
                   intro="本站收录的全部文献。点开可按原文顺序通读，每条大事、条目都有永久链接。")

    # -- years -------------------------------------------------------------------

    def year_pages(self, records: list[Record], docs: list[Document]) -> list[int]:
        by_year: dict[int, list[Record]] = defaultdict(list)
        for r in records:
            if r.type == "event":
                for y in r.years:
                    by_year[y].append(r)
        all_years = sorted(set(by_year) | {y for d in docs for y in d.source.years})
        for year in all_years:
            events = sorted(by_year.get(year, []), key=lambda r: r.sort_key)
            months: dict[str, list[dict]] = defaultdict(list)
            for r in events:
                months[_month_label(r, year)].append({**r.__dict__, "date_label": _date_label(r)})
            other = [
                {"title": d.source.title, "url": f"sources/{d.source.id}/"}
                for d in docs
                if year in d.source.years and d.source.genre != "chronicle"
            ]
            self.write(
                f"years/{year}/index.md", "year.md.j2", year=year, events=events,
                by_source={r.source_id for r in events}, months=sorted(months.items(), key=_month_order),
                other_sources=other, chart="",
            )
        items = [
            {"name": f"{y}年", "link": f"{y}/index.md", "note": f"大事 {len(by_year.get(y, []))} 条"}
            for y in all_years
        ]
        self.write("years/index.md", "index_list.md.j2", title="年份", items=items,
                   intro="按年份浏览各文献所记大事。跨年的事件列在它涉及的每一年。")
        return all_years

    # -- regions and topics --------------------------------------------------

    def facet_pages(self, kind: str, records: list[Record]) -> None:
        names = self.common["region_names"] if kind == "regions" else self.common["topic_names"]
        attr = "regions" if kind == "regions" else "topics"
        members: dict[str, list[Record]] = defaultdict(list)
        for r in records:
            for key in getattr(r, attr):
                members[key].append(r)
        items = []
        for key, name in names.items():
            recs = members.get(key, [])
            if not recs:
                continue
            groups = _group_records(recs)
            intro = self._facet_intro(kind, key, recs)
            self.write(f"{kind}/{key}/index.md", "listing.md.j2", title=name, groups=groups, intro=intro)
            items.append({"name": name, "link": f"{key}/index.md", "note": f"{len(recs)} 条"})
        title = "地区" if kind == "regions" else "主题"
        intro = (
            "按行政区划浏览。地区据文献所属地区与正文所提地名标注（“我区”“我市”按文献所属地区解析）。"
            if kind == "regions"
            else "按主题浏览。年鉴条目按其所在部类/类目归类，其余记录按关键词归类（初版）。"
        )
        self.write(f"{kind}/index.md", "index_list.md.j2", title=title, items=items, intro=intro)

    def _facet_intro(self, kind: str, key: str, recs: list[Record]) -> Markup:
        counts = defaultdict(int)
        for r in recs:
            counts[r.type] += 1
        text = f"大事 {counts['event']} 条 · 条目 {counts['entry']} 条 · 章节 {counts['section']} 个。"
        if kind == "regions":
            region = next(g for g in self.cfg.regions if g.id == key)
            chain = []
            parent = region.parent
            while parent:
                p = next(g for g in self.cfg.regions if g.id == parent)
                chain.insert(0, f'<a href="../{p.id}/">{escape(p.name)}</a>')
                parent = p.parent
            children = [g for g in self.cfg.regions if g.parent == key]
            below = "、".join(f'<a href="../{c.id}/">{escape(c.name)}</a>' for c in children)
            text = (
                f'<p class="fz-hierarchy">{" › ".join(chain)}{" › " if chain else ""}<strong>{escape(region.name)}</strong>'
                f"（{escape(region.level)}）</p>"
                + (f'<p class="fz-below">下辖：{below}</p>' if below else "")
                + f"<p>{text}</p>"
            )
            return Markup(text)
        return Markup(f"<p>{text}</p>")

    # -- search and data -------------------------------------------------------

    def search_page(self) -> None:
        self.write("search/index.md", "search.md.j2")

    def data_page(self, files: list[dict]) -> None:
        self.write("data/index.md", "data.md.j2", files=files)


def section_parts(page: Page, pages: list[Page]) -> list[dict]:
    """The table of contents of a yearbook overview page."""
    if page is not pages[0] or page.doc.source.genre != "yearbook":
        return []
    out = []
    for p in pages[1:]:
        sec = p.nodes[0]
        assert isinstance(sec, Section)
        out.append({"title": sec.title, "link": p.path.removeprefix(page.path.removesuffix("index.md")), "count": sum(1 for _ in sec.entries()) + sum(1 for _ in sec.events())})
    return out


def _year_span(years: tuple[int, ...]) -> str:
    if not years:
        return ""
    return f"{years[0]}" if len(years) == 1 else f"{years[0]}—{years[-1]}"


def _month_label(r: Record, year: int) -> str:
    start = r.date.split("/")[0]
    parts = start.split("-")
    if int(parts[0]) != year or "/" in r.date and r.precision == "range" and len(parts) == 1:
        return "跨年"
    if len(parts) == 1:
        return "全年"
    return f"{int(parts[1])}月"


def _month_order(item: tuple[str, list]) -> int:
    label = item[0]
    if label.endswith("月"):
        return int(label[:-1])
    return 13 if label == "全年" else 14


def _date_label(r: Record) -> str:
    return r.date.replace("/", " — ")


def _group_records(recs: list[Record]) -> list[tuple[str, list[Record]]]:
    groups: dict[str, list[Record]] = defaultdict(list)
    for r in recs:
        key = f"{min(r.years)}年" if r.years else "年份未详"
        groups[key].append(r)
    return [(k, sorted(v, key=lambda r: (r.date, r.source_id, r.line))) for k, v in sorted(groups.items())]
