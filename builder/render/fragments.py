"""Which record HTML goes where, drawn once and reused.

A record is drawn on its source page (in full, with its cross-links) and as a
short item on year, region, topic and entity pages. At 10× the corpus that is
tens of thousands of records, each listed on several pages. The HTML itself
is in ``templates/records.html.j2`` (macros, autoescaped); this module walks the
records, gathers what each macro needs (cross-links, tags) and keeps what
repeats: an item listed on several pages (under each of its regions and
topics, or each of its people) is drawn once per page depth, and so is each
region or topic tag.

The page templates keep each page's frame (front matter, headings, intro,
pager) and take these fragments as ready-made Markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from jinja2 import Environment
from markupsafe import Markup

from builder.enrich.links import Links
from builder.enrich.records import Record
from builder.model.document import DateSpec, Entry, Event, Node, PartialDate, Section

TEMPLATE = "records.html.j2"


def date_label(spec: DateSpec) -> str:
    """The computed date as a reader sees it under the printed one: the Gregorian date or interval
    (EDTF's notation, with ``—`` for a range), and what it was computed from or cannot say — the Chinese
    calendar date (``农历 1942-L03``, 闰月), an era, an unknown month, 上旬/春/左右, BCE years."""
    if spec.precision == "unknown" or spec.start.year == 0 and spec.start.month is None and spec.start.day is None:
        return "日期不详"

    def year(y: int) -> str:
        return f"公元前{-y}年" if y < 0 else f"{y}"

    def point(p: PartialDate) -> str:
        if p.year < 0:
            return year(p.year)
        y = "????" if p.year == 0 else f"{p.year:04d}"  # year 0: the year is not printed
        if p.month is None:
            return y if p.day is None else f"{y}-??-{p.day:02d}"
        return y + p.iso()[4:]

    out = point(spec.start)
    if spec.end is not None and spec.end != spec.start:
        out += " — " + point(spec.end)
    for other in spec.others:
        out += "、" + point(other)
    notes = []
    if spec.calendar == "chinese" and spec.original:
        notes.append(f"农历 {spec.original}" + ("，闰月" if spec.leap else ""))
    if spec.era and spec.era not in spec.raw[: len(spec.era)] or spec.era and not notes:
        notes.append(spec.era)
    if spec.start.year == 0:
        notes.append("年份不详")
    if spec.start.month is None and spec.start.day is not None:
        notes.append("月份不详")
    if spec.qualifier and spec.qualifier not in ("月份不详",):
        notes.append(spec.qualifier)
    if spec.approximate:
        notes.append("约")
    if spec.time:
        notes.append(spec.time)
    if spec.calendar == "chinese":
        out = f"公历 {out}"
    return out + (f"（{'；'.join(notes)}）" if notes else "")


class Fragments:
    """Record HTML for one build: the macros, the cross-links, and the items drawn so far."""

    def __init__(self, env: Environment, common: dict, links: Links | None = None,
                 records: Iterable[Record] = ()) -> None:
        self.html = env.get_template(TEMPLATE).make_module(common)
        self.region_names: dict[str, str] = common["region_names"]
        self.topic_names: dict[str, str] = common["topic_names"]
        self.links = links
        self.by_id = {r.id: r for r in records}
        self._items: dict[tuple[str, int, str], tuple[Record, str]] = {}  # (kind of item, record, root) -> HTML
        self._tags: dict[tuple[str, str, str, bool], str] = {}  # (region or topic, id, root, possible) -> HTML

    # -- source reading pages ------------------------------------------------

    def tree(self, nodes: list[Node], depth: int, root: str, near: dict | None = None) -> str:
        """A page's sections and records in source order, as the reading page shows them.

        Each of the page's top-level sections (when there are two or more) is followed by a
        line leading to the sections before and after it; the first and the last lead on to
        the pages before and after this one (``near``, from ``pages._near_pages``), so a
        reader can go through a whole document section by section."""
        out: list[str] = []
        self._tree(nodes, depth, root, out, near or {})
        return "".join(out)

    def _tree(self, nodes: list[Node], depth: int, root: str, out: list[str], near: dict | None = None) -> None:
        html = self.html
        tops = [n for n in nodes if isinstance(n, Section)] if near is not None else []
        if len(tops) < 2:
            tops = []
        for n in nodes:
            if isinstance(n, Section):
                out.append(html.section_heading(n, depth))  # ends in a line break
                if tops:
                    k = next(i for i, t in enumerate(tops) if t is n)
                    out.append(html.section_nav(tops[k - 1] if k else None, tops[k + 1] if k + 1 < len(tops) else None,
                                                near.get("prev") if k == 0 else None,
                                                near.get("next") if k + 1 == len(tops) else None) + "\n\n")
                self._tree(n.children, depth + 1, root, out)
                out.append("\n")
            elif isinstance(n, Event):
                iso = n.date.iso()
                out.append(html.event(n, iso, self._meta(n, root, iso)) + "\n\n")
            elif isinstance(n, Entry):
                blocks = Markup("".join(html.block(b) for b in n.blocks))
                out.append(html.entry(n, blocks, self._meta(n, root)) + "\n\n")
            else:
                out.append(html.block(n) + "\n\n")

    def _meta(self, r: Event | Entry, root: str, iso: str = "") -> str:
        label = date_label(r.date) if isinstance(r, Event) else ""
        stamp = iso.split("/")[0] if iso[:1].isdigit() and r.date.start.month and r.date.start.year else ""  # type: ignore[union-attr]
        return self.html.record_meta(r, stamp, label, self.tags(r.regions, r.topics, root, r.topic_possible),
                                     self._record_links(r.id, root), root)

    def tags(self, regions: list[str], topics: list[str], root: str, possible: bool = False) -> Markup:
        """The region and topic tags of a record; ``possible``: its topics are a close call, each marked so."""
        return Markup("".join([*(self._tag("region", g, root) for g in regions),
                               *(self._tag("topic", t, root, possible) for t in topics)]))

    def _tag(self, kind: str, key: str, root: str, possible: bool = False) -> str:
        """A region's or topic's tag: the same few on every page at one depth, so each is drawn once."""
        tag = self._tags.get((kind, key, root, possible))
        if tag is None:
            name = self.region_names[key] if kind == "region" else self.topic_names[key]
            tag = self._tags[kind, key, root, possible] = self.html.tag(kind, key, name, root, possible)
        return tag

    def _record_links(self, record_id: str, root: str) -> str:
        """Cross-links and citation under a record on its reading page."""
        links = self.links
        if links is None:
            return ""
        record = self.by_id.get(record_id)
        return self.html.record_links(
            [links.entities[e] for e in links.by_record.get(record_id, ())],
            [self.by_id[o] for o in links.same_day.get(record_id, ())],
            links.same_day_total.get(record_id, 0),
            [self.by_id[o] for o in links.related.get(record_id, ())],
            record,
            root,
        )

    # -- items on listing pages: drawn once per record and page depth ----------------

    def _cached(self, kind: str, r: Record, root: str, draw: Callable[[Record, str], str]) -> str:
        key = (kind, id(r), root)  # the object, not r.id: nothing here relies on ids being unique
        hit = self._items.get(key)
        if hit is None:
            hit = self._items[key] = (r, draw(r, root))  # holding r keeps its id() from being reused
        return hit[1]

    def listing(self, records: list[Record], root: str, topics: bool = False) -> str:
        """Region and topic pages: one Markdown list item a record; on a topic page (``topics``) a record
        whose topic is a close call is marked possible."""
        return "".join(self._cached("possible", r, root, self._possible_item) if topics and r.topic_possible
                       else self._cached("listing", r, root, self._listing_item) for r in records)

    def _listing_item(self, r: Record, root: str) -> str:
        return self.html.listing_item(r, root) + "\n"

    def _possible_item(self, r: Record, root: str) -> str:
        return self.html.listing_item(r, root, True) + "\n"

    def year_events(self, records: list[Record], root: str) -> str:
        """Year pages: each event's whole text with its tags (most events are on one year's page only)."""
        return "".join(self.html.year_item(r, root, self.tags(r.regions, r.topics, root, r.topic_possible)) + "\n\n"
                       for r in records)

    def entity_records(self, records: list[Record], root: str) -> str:
        """Entity pages: the records that name the entity."""
        return "".join(self._cached("entity", r, root, self._entity_item) for r in records)

    def _entity_item(self, r: Record, root: str) -> str:
        return self.html.entity_item(r, root) + "\n\n"
