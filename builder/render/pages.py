"""Render the enriched archive to Markdown pages with Jinja2 templates.

Generated pages go to sub-folders of ``docs/`` that are git-ignored and never
hand-edited: sources/, years/, regions/, topics/, data/, search/.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from jinja2 import BytecodeCache, Environment, PackageLoader, StrictUndefined
from jinja2.bccache import Bucket
from markupsafe import Markup

from builder.config import SiteConfig
from builder.config.divisions import region_labels
from builder.enrich.links import KIND_DIRS, Entity, Links
from builder.enrich.records import Page, Record
from builder.files import read_verified, same_content, write_atomic, write_verified
from builder.model.document import Document, Line, Region, Section, Source
from builder.render.chart import MonthCounts, month_topic_chart, year_timeline
from builder.render.cite import cite_file, page_meta
from builder.render.fragments import Fragments
from builder.render.maps import children_by_parent, coverage_map, locator_map
from builder.render.safe import finalize, md_heading, yaml_map, yaml_str
from builder.render.viewer import LINES_PER_PAGE, chunks, lines_html, node_href

OVERVIEW = "data/.overview.md"  # the home page's overview, included by docs/index.md (a dot file: not a page)
GENERATED_DIRS = ("sources", "years", "regions", "topics", "data", "search", "people", "meetings", "series",
                  "organisations", "entities")
KIND_NAMES = {"person": "人物", "meeting": "会议", "series": "系列活动", "organisation": "机构"}
# records per listing page: pages must not grow with the archive; a full page stays under ~55 KB of HTML
PAGER_AROUND = 2  # page numbers shown on each side of the current one
PAGE_SIZE = 60
YEAR_PAGE_SIZE = 40  # year pages show each event's whole text
HOLD_PAGES = 500  # changed pages held back at most before they are written (Renderer.flush)

GENRE_NAMES = {"chronicle": "大事记", "yearbook": "年鉴", "report": "工作报告"}
PRECISION_NAMES = {
    "day": "日", "xun": "旬", "month": "月", "season": "季", "early": "年初/月初",
    "year": "年", "range": "区间", "list": "多日", "unknown": "未详",
}
FIELD_NAMES = {"title": "题名", "region": "地区", "years": "年份", "date": "日期", "editor": "编者"}

_BLANK_LINES = re.compile(r"\n\n\n+")  # runs of 3+ newlines; the literal prefix lets re skip ahead fast


class VerifiedBytecodeCache(BytecodeCache):
    """Compiled templates kept between builds (about 0.4 s of compiling saved per build), each
    behind an HMAC (builder/files.py): marshal data is code, so bytes this machine did not
    write are never loaded; a corrupt entry is a miss, recompiled and reported."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, bucket: Bucket) -> Path:
        # the name says the code was compiled with ``finalize`` (render/safe.py): code compiled
        # without it, by an older build, would print values unescaped
        return self.folder / f"{bucket.key}.finalize-1.jinja"

    def load_bytecode(self, bucket: Bucket) -> None:
        data = read_verified(self._path(bucket))
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        write_verified(self._path(bucket), bucket.bytecode_to_string())


def template_env(cache_dir: Path | None = None) -> Environment:
    """The templates in builder/templates, compiled ones kept under ``cache_dir``."""
    bytecode = None
    if cache_dir is not None:
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
        except OSError:  # a cache that cannot be made only costs speed
            cache_dir = None
    if cache_dir is not None:
        bytecode = VerifiedBytecodeCache(cache_dir)  # keyed by each template's name and source
    env = Environment(
        bytecode_cache=bytecode,
        loader=PackageLoader("builder.render", "templates"),
        autoescape=True,
        finalize=finalize,  # every {{ value }} is literal text (builder/render/safe.py)
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates do not change during a build: skip the per-use freshness check
    )
    env.filters["mdh"] = md_heading
    env.filters["yaml"] = yaml_str
    return env


@dataclass
class Renderer:
    cfg: SiteConfig
    docs_dir: Path
    cache_dir: Path | None = None  # compiled templates are kept here between builds
    write_if_changed: bool = False  # fangzhi serve: leave a page whose text is the same untouched

    def __post_init__(self) -> None:
        self.written: set[str] = set()  # every page this renderer produced (docs-relative)
        self.changed: list[str] = []  # those whose file was (re)written, with write_if_changed
        self._held: dict[Path, bytes] = {}  # changed pages not yet written (see flush)
        self.env = template_env(self.cache_dir)
        self.common = {
            "genre_names": GENRE_NAMES,
            "precision_names": PRECISION_NAMES,
            "field_names": FIELD_NAMES,
            "region_names": region_labels(self.cfg.regions),
            "topic_names": {t.id: t.name for t in self.cfg.topics},
            "source_of": {s.id: s for s in self.cfg.sources},
            "source_titles": {s.id: s.title for s in self.cfg.sources},
            "kind_names": KIND_NAMES,
            "pager": None,
            "text_href": node_href,  # a record's lines in the source viewer (viewer.py)
            "cite_file": lambda url: cite_file(url.partition("#")[0]),  # its page's exports (cite.py)
            "site_name": "",
        }
        self.fragments = Fragments(self.env, self.common)  # record HTML; link_records adds the cross-links
        self.year_counts: dict[int, Counter[str]] = {}  # records listed per year page (year_pages), for the home page
        self.region_pages: set[str] = set()  # regions that have a page (facet_pages)
        self.region_by_id = {r.id: r for r in self.cfg.regions}
        # a page → the same person, place or meeting in a portal's other collections (pipeline.BuildContext)
        self.elsewhere: dict[str, list[tuple[str, str]]] = {}
        self.common["portal"] = ""  # a portal collection's home page links up to the portal (pipeline.BuildContext)
        self.region_children = children_by_parent(self.cfg.regions)  # for the lists of subunits
        self.map_children = children_by_parent(self.region_by_id.values())  # for the maps (by id, as drawn)

    def write(self, rel: str, template: str, **context: object) -> None:
        assert rel.endswith("index.md"), rel  # every page is a folder index (see records.py)
        text = self.env.get_template(template).render({**self.common, "root": _root(rel),
                                                       "elsewhere_here": self.elsewhere.get(rel, ()), **context})
        self.put(rel, _BLANK_LINES.sub("\n\n", text))

    def put(self, rel: str, text: str) -> None:
        """Write one generated file (a page, or the home page's overview) under docs/."""
        path = self.docs_dir / rel
        self.written.add(rel)
        if self.write_if_changed:
            data = text.encode("utf-8")
            if not same_content(path, data):
                self.changed.append(rel)
                self._held[path] = data
                if len(self._held) >= HOLD_PAGES:
                    self.flush()
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def flush(self) -> None:
        """Write the changed pages held back (write_if_changed): at once, so that a watcher
        (MkDocs' dev server) sees them all in one rebuild rather than in several."""
        for path, data in self._held.items():
            write_atomic(path, data)
        self._held.clear()

    # -- source reading pages -------------------------------------------------

    def source_page(self, page: Page, parts: list[dict], stats: dict[str, int],
                    pages: list[Page] | None = None) -> None:
        """A reading page. A yearbook part's page is headed by the part's own heading (its
        anchor kept), not by the part's title and then its heading again; ``pages`` (the
        document's pages) gives the links to the pages before and after it."""
        root = _root(page.path)
        head = page.nodes[0] if len(page.nodes) == 1 and isinstance(page.nodes[0], Section) and parts == [] \
            and page.doc.source.genre == "yearbook" and pages and page is not pages[0] else None
        near = _near_pages(page, pages or [page])
        if head is not None:
            tree = Markup(self.fragments.tree(head.children, 2, root, near))
        else:
            depth = 2 if page.doc.source.genre != "yearbook" or not parts else 3  # of the first headings
            tree = Markup(self.fragments.tree(page.nodes, depth, root, near))
        self.write(page.path, "source.md.j2", page=page, parts=parts, stats=stats, tree=tree, head=head,
                   near=near, meta=yaml_map(page_meta(page, self.common["site_name"])))

    def text_pages(self, source: Source, lines: list[Line], raw_url: str = "") -> None:
        """The source viewer's pages of one document (builder/render/viewer.py)."""
        parts = chunks(lines)
        base = f"sources/{source.id}/text"
        common = {"source": source, "raw_url": raw_url, "count": len(parts), "per_page": LINES_PER_PAGE}
        listing = [(k, part[0].no, part[-1].no) for k, part in parts]
        self.write(f"{base}/index.md", "source_text.md.j2", title=f"{source.title} · 原文", number=None,
                   parts=listing, **common)
        for i, (k, part) in enumerate(parts):
            self.write(f"{base}/{k}/index.md", "source_text.md.j2", number=k,
                       title=f"{source.title} · 原文第 {part[0].no}—{part[-1].no} 行",
                       prev=parts[i - 1][0] if i else None, next=parts[i + 1][0] if i + 1 < len(parts) else None,
                       lines=lines_html(part), **common)

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
        """One page (paginated) per year: every dated record of the year from every genre —
        events, 条目 whose text opens with a date, a report's sections about the year — grouped
        by month. Each page opens with the month index of the whole year, whose links lead
        to the page a month starts on (``#m4`` on page 3), and links to the years before and after."""
        by_year: dict[int, list[Record]] = defaultdict(list)
        sections: dict[int, list[Record]] = defaultdict(list)
        for r in records:
            if r.type == "section":
                if self.common["source_of"][r.source_id].genre == "report":
                    for y in r.years:
                        sections[y].append(r)
                continue
            for y in _date_years(r):
                by_year[y].append(r)
        all_years = sorted(set(by_year) | set(sections) | {y for d in docs for y in d.source.years})
        report_dates = {d.source.id: d.source.date for d in docs}
        for n, year in enumerate(all_years):
            dated = sorted(by_year.get(year, []), key=lambda r: (r.sort_key, r.source_id, r.line))
            groups: dict[str, list[Record]] = defaultdict(list)
            for r in dated:
                groups[_month_label(r, year)].append(r)
            reports = sorted(sections.get(year, []), key=lambda r: (report_dates[r.source_id], r.source_id, r.line))
            if reports:
                groups[REPORT_GROUP] = reports
            flat = [(label, item) for label, items in sorted(groups.items(), key=_month_order) for item in items]
            events = [r for r in dated if r.type == "event"]
            counts = Counter(r.type for r in dated) + Counter(section=len(reports))
            chart = month_topic_chart(self.env, _month_counts(year, events), self.common["topic_names"])
            other = [
                {"title": d.source.title, "url": f"sources/{d.source.id}/"}
                for d in docs
                if year in d.source.years and d.source.genre != "chronicle"
            ]
            chunks = paginate(f"years/{year}", flat, YEAR_PAGE_SIZE)
            first_page: dict[str, int] = {}  # group label -> the page it starts on
            for pager, chunk in chunks:
                for label, _ in chunk:
                    first_page.setdefault(label, pager.number)
            near = {"prev": all_years[n - 1] if n else None, "next": all_years[n + 1] if n + 1 < len(all_years) else None}
            for pager, chunk in chunks:
                grouped: dict[str, list[Record]] = {}
                for label, item in chunk:
                    grouped.setdefault(label, []).append(item)
                root = _root(pager.path)
                index = [
                    {"label": label, "anchor": _month_anchor(label), "count": len(groups[label]),
                     "href": ("" if first_page[label] == pager.number else pager.href(first_page[label]))
                     + "#" + _month_anchor(label), "here": first_page[label] == pager.number}
                    for label, _ in sorted(groups.items(), key=_month_order)
                ]
                months = [
                    {"label": label, "anchor": _month_anchor(label), "continued": first_page[label] < pager.number,
                     "html": Markup(self.fragments.year_events(items, root))}
                    for label, items in grouped.items()
                ]
                self.write(
                    pager.path, "year.md.j2", year=year, counts=counts, by_source={r.source_id for _, r in flat},
                    months=months, index=index, near=near, other_sources=other,
                    chart=chart if pager.number == 1 else "", pager=pager,
                )
        self.year_counts = {
            y: Counter(r.type for r in by_year.get(y, [])) + Counter(section=len(sections.get(y, [])))
            for y in all_years
        }
        items = [
            {"name": f"{y}年", "link": f"{y}/index.md", "note": _year_note(by_year.get(y, []), sections.get(y, []))}
            for y in all_years
        ]
        self.write("years/index.md", "index_list.md.j2", title="年份", items=items,
                   intro="按年份浏览各文献所记大事、有日期的条目与工作报告。跨年的记录列在它涉及的每一年。")
        return all_years

    # -- regions and topics --------------------------------------------------

    def facet_pages(self, kind: str, records: list[Record]) -> None:
        names = self.common["region_names"] if kind == "regions" else self.common["topic_names"]
        attr = "regions" if kind == "regions" else "topics"
        members: dict[str, list[Record]] = defaultdict(list)  # in record order (the intro counts them so)
        for r in records:
            for key in getattr(r, attr):
                members[key].append(r)
        # one sort for all pages: a stable sort of the whole list, split by key, orders each
        # key's records as sorting them one key at a time would
        listed: dict[str, list[Record]] = defaultdict(list)
        for r in sorted(records, key=lambda r: (min(r.years) if r.years else 9999, r.date, r.source_id, r.line)):
            for key in getattr(r, attr):
                listed[key].append(r)
        self.with_page = {k for k, v in members.items() if v}  # link only regions that have a page
        if kind == "regions":  # and the units that hold them: only these of the whole gazetteer get pages
            for key in list(self.with_page):
                parent = self.region_by_id[key].parent if key in self.region_by_id else None
                while parent and parent not in self.with_page and parent in self.region_by_id:
                    self.with_page.add(parent)
                    parent = self.region_by_id[parent].parent
            self.region_pages = self.with_page
        items = []
        for key, name in names.items():
            recs = members.get(key, [])
            if key not in self.with_page:
                continue
            intros: dict[str, Markup] = {}  # page 1 and the later pages differ only in their relative links
            for pager, chunk in paginate(f"{kind}/{key}", listed[key]):
                up = "../" if pager.number == 1 else "../../"
                if up not in intros:
                    intros[up] = self._facet_intro(kind, key, recs, up=up, with_map=pager.number == 1)
                root = _root(pager.path)
                groups = [(label, Markup(self.fragments.listing(group, root, topics=kind == "topics")))
                          for label, group in _group_records(chunk)]
                self.write(pager.path, "listing.md.j2", title=name, groups=groups, intro=intros[up], pager=pager)
            items.append({"name": name, "link": f"{key}/index.md", "note": f"{len(recs)} 条"})
        if kind == "regions":
            self.write("regions/index.md", "region_tree.md.j2", tree=self._region_tree(members),
                       count=len(items))
            return
        title = "地区" if kind == "regions" else "主题"
        intro = (
            "按行政区划浏览。地区据文献所属地区与正文所提地名标注（“我区”“我市”按文献所属地区解析）。"
            if kind == "regions"
            else "按主题浏览。年鉴条目按其所在部类/类目归类，其余记录按开头的机构名或类目词归类；几类词语并列、"
            "无一明显居先的，暂按首先提到的一类归入，并标“可能”。"
        )
        self.write(f"{kind}/index.md", "index_list.md.j2", title=title, items=items, intro=intro)

    def _region_tree(self, members: dict[str, list[Record]]) -> list[dict]:
        """The regions that have a page, as a tree (province → prefecture → county → town →
        village): each with its page, its records and its subunits; an ancestor without a
        page of its own is shown (unlinked) to hold its subunits."""
        shown = {key for key, recs in members.items() if recs and key in self.region_by_id}
        for key in list(shown):
            parent = self.region_by_id[key].parent
            while parent and parent in self.region_by_id and parent not in shown:
                shown.add(parent)
                parent = self.region_by_id[parent].parent
        order = {r.id: i for i, r in enumerate(self.cfg.regions)}

        def node(key: str, depth: int) -> dict:
            region = self.region_by_id[key]
            below = sorted((c.id for c in self.region_children.get(key, ()) if c.id in shown),
                           key=lambda c: (self.region_by_id[c].code or "~", order[c]))
            return {"id": key, "name": region.name, "level": region.level, "count": len(members.get(key, ())),
                    "page": key in self.with_page, "depth": depth,
                    "children": [node(c, depth + 1) for c in below]}

        tops = [k for k in shown if not self.region_by_id[k].parent or self.region_by_id[k].parent not in shown]
        tops.sort(key=lambda k: (-len(members.get(k, ())), self.region_by_id[k].code or "~", order[k]))
        return [node(k, 0) for k in tops]

    def _facet_intro(self, kind: str, key: str, recs: list[Record], up: str = "../", with_map: bool = True) -> Markup:
        """Counts, and for a region its place in the hierarchy, code, history and map
        (templates/facet_intro.html.j2). ``up`` leads from the page to the folder of its
        siblings. The map is drawn on a listing's first page only (``with_map``): it is the
        largest part of a region's intro."""
        counts = Counter(r.type for r in recs)
        context: dict[str, object] = {"counts": {t: counts[t] for t in ("event", "entry", "section")}, "up": up,
                                      "with_page": self.with_page, "region": None}
        if kind == "regions":
            region = self.region_by_id[key]
            chain = []
            parent = region.parent
            while parent:
                chain.insert(0, self.region_by_id[parent])
                parent = chain[0].parent
            context.update(
                region=region, chain=chain,
                below=[g for g in self.region_children.get(key, ()) if g.id in self.with_page],
                successor=self.region_by_id[region.successor] if region.successor else None,
                map=locator_map(self.env, region, self.region_by_id, self.map_children) if with_map else "",
            )
        else:
            names = self.common["topic_names"]
            related = Counter(t for r in recs for t in r.topics if t != key)
            context["related"] = [(t, names[t], n) for t, n in related.most_common(6)]
            context["possible"] = sum(r.topic_possible for r in recs)
        return Markup(self.env.get_template("facet_intro.html.j2").render(context))

    # -- people, meetings, series, organisations ---------------------------------

    def link_records(self, links: Links, records: list[Record]) -> None:
        """Show cross-links and citations under the records of the reading pages."""
        self.fragments = Fragments(self.env, self.common, links, records)

    def entity_pages(self, links: Links, records: list[Record]) -> dict[str, int]:
        by_id = {r.id: r for r in records}
        counts: dict[str, int] = defaultdict(int)
        listing: dict[str, list[Entity]] = defaultdict(list)
        org_history = getattr(self.cfg.entities, "org_history", {}) or {}
        for entity in sorted(links.entities.values(), key=lambda e: (e.kind, e.name, e.date, e.id)):
            items = [by_id[r] for r in entity.records]
            history = org_history.get(entity.name, ()) if entity.kind == "organisation" else ()
            for pager, chunk in paginate(entity.url.rstrip("/"), items):
                self.write(pager.path, "entity.md.j2", entity=entity, history=history, pager=pager,
                           records=Markup(self.fragments.entity_records(chunk, _root(pager.path))))
            listing[entity.kind].append(entity)
            counts[entity.kind] += 1
        for kind, directory in KIND_DIRS.items():
            entities = sorted(listing.get(kind, []), key=lambda e: (-len(e.records), e.name, e.date))
            items = [
                {"name": e.name + (f"（{e.date}）" if e.date else ""), "link": f"{e.id}/index.md",
                 "note": f"{len(e.records)} 条"}
                for e in entities
            ]
            self.write(f"{directory}/index.md", "index_list.md.j2", title=KIND_NAMES[kind], items=items,
                       intro=ENTITY_INTROS[kind])
        hub = [
            {"name": KIND_NAMES[kind], "link": f"../{directory}/index.md", "note": f"{counts.get(kind, 0)} 个"}
            for kind, directory in KIND_DIRS.items()
        ]
        self.write("entities/index.md", "index_list.md.j2", title="人物·会议·机构", items=hub,
                   intro="从各文献中识别出的人物（带职务者）、会议（按届次与日期区分）、机构与系列活动，每个都列出提到它的全部记录。")
        return dict(counts)

    # -- the home page's overview -------------------------------------------------

    def home_overview(self, records: list[Record], docs: list[Document], stats: dict[str, dict[str, int]]) -> None:
        """The collection at a glance, included in the hand-written home page (docs/index.md,
        ``--8<-- "data/.overview.md"``): counts by genre and by source, records per year (an
        SVG timeline, each bar a link to its year page), a map of the places covered and the
        data licence (site_config/licence.yml)."""
        genres: dict[str, Counter[str]] = defaultdict(Counter)
        for d in docs:
            genres[d.source.genre]["documents"] += 1
            for kind, n in stats[d.source.id].items():
                genres[d.source.genre][kind] += n
        by_source = [{"title": d.source.title, "url": f"sources/{d.source.id}/", "genre": GENRE_NAMES[d.source.genre],
                      "region": self.common["region_names"][d.source.region], "years": _year_span(d.source.years),
                      **stats[d.source.id]} for d in docs]
        per_year = self.year_counts
        timeline = year_timeline(self.env, per_year, {y: f"years/{y}/" for y in per_year})
        covered: Counter[str] = Counter()
        for r in records:
            for key in r.regions:
                covered[key] += 1
        frame = self._coverage_frame(docs)
        with_page = self.region_pages
        the_map = coverage_map(self.env, frame, covered, self.region_by_id, self.map_children,
                               {k: f"regions/{k}/" for k in covered if k in with_page},
                               {d.source.region for d in docs}) if frame else Markup("")
        text = self.env.get_template("home_overview.md.j2").render(
            {**self.common, "root": "", "genres": genres, "by_source": by_source, "timeline": timeline,
             "map": the_map, "licence": self.cfg.licence, "total": len(records),
             "years": sorted(per_year), "places": len([k for k in covered if k in with_page])})
        self.put(OVERVIEW, _BLANK_LINES.sub("\n\n", text))

    def _coverage_frame(self, docs: list[Document]) -> Region | None:
        """The province most of the documents are about (the map's frame)."""
        provinces: Counter[str] = Counter()
        for d in docs:
            unit = self.region_by_id.get(d.source.region)
            while unit is not None and unit.parent and unit.parent in self.region_by_id:
                unit = self.region_by_id[unit.parent]
            if unit is not None:
                provinces[unit.id] += 1
        if not provinces:
            return None
        return self.region_by_id[min(provinces, key=lambda k: (-provinces[k], k))]

    # -- search and data -------------------------------------------------------

    def search_page(self) -> None:
        self.write("search/index.md", "search.md.j2")

    def data_page(self, files: list[dict]) -> None:
        self.write("data/index.md", "data.md.j2", files=files)


ENTITY_INTROS = {
    "person": "文中以职务相称的人物（如“区委书记宋晓东”）。未以职务出现的私人（困难户、当事人等）不立页面。",
    "meeting": "会议按机关、届次、会次统一写法（如“十二届九次全会”即“第十二届委员会第九次全体会议”），并按日期区分同名会议。",
    "series": "年年举办或多次出现的活动（庙会、读书节、专项行动等）。",
    "organisation": "机构及其别称、更名（如2018年国税、地税合并为税务局）。",
}


@dataclass
class Pager:
    """One page of a paginated listing: ``base/index.md``, ``base/p2/index.md`` …"""

    base: str
    number: int
    count: int

    @property
    def path(self) -> str:
        return f"{self.base}/index.md" if self.number == 1 else f"{self.base}/p{self.number}/index.md"

    def href(self, n: int) -> str:
        here = "" if self.number == 1 else "../"
        return here if n == 1 else f"{here}p{n}/"

    def window(self, around: int = PAGER_AROUND) -> list[int | None]:
        """The page numbers the pager shows: the first and last two, and ``around`` on
        each side of this one; None where numbers are left out. A pager of every
        number would grow with the archive (320 numbers, twice, on each page of a
        19,000-record topic at 30×)."""
        keep = {1, 2, self.count - 1, self.count, *range(self.number - around, self.number + around + 1)}
        out: list[int | None] = []
        for n in sorted(k for k in keep if 1 <= k <= self.count):
            if out and n - (out[-1] or 0) > 1:
                out.append(None)
            out.append(n)
        return out


def _root(rel: str) -> str:
    """From a page (a docs-relative path) back to the site root."""
    return "../" * rel.count("/")


def paginate(base: str, items: list, size: int = PAGE_SIZE) -> list[tuple[Pager, list]]:
    count = max(1, -(-len(items) // size))
    return [(Pager(base, n + 1, count), items[n * size : (n + 1) * size]) for n in range(count)]


def _month_counts(year: int, events: list[Record]) -> MonthCounts:
    by_month: dict[int, Counter[str]] = defaultdict(Counter)
    for r in events:
        start = r.date.split("/")[0].split("-")
        month = int(start[1]) if len(start) > 1 and int(start[0]) == year else 0
        by_month[month][r.topics[0] if r.topics else ""] += 1
    return MonthCounts(year, dict(by_month))


def _near_pages(page: Page, pages: list[Page]) -> dict[str, dict[str, str] | None]:
    """The pages before and after ``page`` in its document, and its overview, as links from it."""
    i = next((n for n, p in enumerate(pages) if p is page), 0)
    here = page.url

    def link(p: Page) -> dict[str, str]:
        return {"title": p.title, "href": _relative(here, p.url)}

    return {"prev": link(pages[i - 1]) if i > 0 else None,
            "next": link(pages[i + 1]) if i + 1 < len(pages) else None,
            "up": link(pages[0]) if i > 0 else None}


def _relative(here: str, there: str) -> str:
    """The relative link from the page at URL ``here`` to the page at URL ``there`` (both folders)."""
    a, b = here.strip("/").split("/"), there.strip("/").split("/")
    common = 0
    while common < min(len(a), len(b)) and a[common] == b[common]:
        common += 1
    return "../" * (len(a) - common) + "".join(f"{x}/" for x in b[common:])


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


REPORT_GROUP = "工作报告"
MONTH_ANCHORS = {"全年": "whole-year", "跨年": "across-years", REPORT_GROUP: "reports"}


def _date_years(r: Record) -> list[int]:
    """The years a record's date falls in (an event's every year; a 条目's from its date); none if undated."""
    if r.type == "event":
        return r.years
    if not r.date:
        return []
    first, _, last = r.date.partition("/")
    lo, hi = int(first[:4]), int((last or first)[:4])
    return list(range(lo, hi + 1)) if hi - lo < 50 else [lo, hi]


def _year_note(dated: list[Record], reports: list[Record]) -> str:
    counts = Counter(r.type for r in dated)
    parts = [f"大事 {counts['event']} 条"]
    if counts["entry"]:
        parts.append(f"条目 {counts['entry']} 条")
    if reports:
        parts.append(f"报告章节 {len(reports)} 个")
    return " · ".join(parts)


def _month_anchor(label: str) -> str:
    """A month's anchor on a year page: ``m4`` for April, whatever page it is on."""
    return f"m{label[:-1]}" if label.endswith("月") else MONTH_ANCHORS[label]


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
    return {"全年": 13, "跨年": 14}.get(label, 15)


def _group_records(recs: list[Record]) -> list[tuple[str, list[Record]]]:
    groups: dict[str, list[Record]] = defaultdict(list)
    for r in recs:
        key = f"{min(r.years)}年" if r.years else "年份未详"
        groups[key].append(r)
    return [(k, sorted(v, key=lambda r: (r.date, r.source_id, r.line))) for k, v in sorted(groups.items())]
