"""The HTML of records, built in Python for the pages that show many of them.

A record is drawn on its source page (in full, with its cross-links) and as a
short item on year, region, topic and entity pages. At 10× the corpus that is
tens of thousands of records, each drawn several times: as Jinja2 macros and
loops this took most of the render stage (a macro call, a new context per
include, an escape per field). Here each record is a few f-strings, and an
item shared by several pages (a record listed under each of its regions and
topics, or on each of its people's pages) is built once and reused.

The templates keep each page's frame (front matter, headings, intro, pager)
and take these fragments as ready-made Markup. Everything taken from a source
is escaped exactly as Jinja2's autoescape did (``esc`` is MarkupSafe's
escaping), so the pages are byte for byte what the macros made.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from .links import Entity, Links
from .models import Block, Entry, Event, Node, Section
from .records import Record

# Jinja2's ``truncate`` leaves a string alone while it is at most this much over the limit
TRUNCATE_LEEWAY = 5

MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|~$"})  # each gets a backslash
# translate looks up every character of a non-ASCII string: it runs only where there is something to escape
_HAS_MD_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+\-.!|~$]")


def esc(text: str) -> str:
    """MarkupSafe's ``escape`` as a plain string (``&<>'"``; the same entities)."""
    if "&" in text or "<" in text or ">" in text or "'" in text or '"' in text:  # rare: test before replacing
        return (text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
                .replace("'", "&#39;").replace('"', "&#34;"))
    return text


def esc_md(text: str) -> str:
    """Escaped, then Markdown's special characters backslashed: literal in a heading or link label."""
    text = esc(text)
    return text.translate(MD_SPECIAL) if _HAS_MD_SPECIAL.search(text) else text


def truncate(text: str, length: int, end: str = "…") -> str:
    """Jinja2's ``text|truncate(length, true, end)``: cut mid-word, with its default leeway."""
    if len(text) <= length + TRUNCATE_LEEWAY:
        return text
    return text[: length - len(end)] + end


def marked_text(node: Block | Entry | Event) -> str:
    """A record's text with its fixes (OCR fixes, reviewed corrections) as spans that
    show the printed original on hover, like a printed [sic]; each slice escaped on its own."""
    text = node.text
    if not node.marks:
        return esc(text)
    out = []
    pos = 0
    for mk in node.marks:
        if mk.start < pos:  # overlaps the fix before it: shown unmarked
            continue
        if mk.rule == "correction":
            kind, why = "corr", "（勘误" + (f"：{esc(mk.note)}" if mk.note else "") + "）"
        else:
            kind, why = "ocr", "（OCR 校正）"
        out.append(f'{esc(text[pos:mk.start])}<span class="fz-fix fz-{kind}" data-rule="{esc(mk.rule)}" '
                   f'title="原文：{esc(mk.original)}{why}">{esc(text[mk.start:mk.end])}</span>')
        pos = mk.end
    out.append(esc(text[pos:]))
    return "".join(out)


class Fragments:
    """Record HTML for one build: the display names it needs, its cross-links, and the items made so far."""

    def __init__(self, common: dict, links: Links | None = None, records: Iterable[Record] = ()) -> None:
        self.source_files: dict[str, str] = {sid: esc(s.file) for sid, s in common["source_of"].items()}
        self.source_titles: dict[str, str] = {sid: esc(t) for sid, t in common["source_titles"].items()}
        self.region_names: dict[str, str] = {k: esc(v) for k, v in common["region_names"].items()}
        self.topic_names: dict[str, str] = {k: esc(v) for k, v in common["topic_names"].items()}
        self.precision_names: dict[str, str] = {k: esc(v) for k, v in common["precision_names"].items()}
        self.kind_names: dict[str, str] = {k: esc(v) for k, v in common["kind_names"].items()}
        self.links = links
        self.by_id = {r.id: r for r in records}
        self._items: dict[tuple[str, int, str], tuple[Record, str]] = {}  # (kind of item, record, root) -> HTML
        self._tags: dict[tuple[str, str, str], str] = {}  # (region or topic, id, root) -> HTML

    # -- source reading pages ------------------------------------------------

    def tree(self, nodes: list[Node], depth: int, root: str) -> str:
        """A page's sections and records in source order, as the reading page shows them."""
        out: list[str] = []
        self._tree(nodes, depth, root, out)
        return "".join(out)

    def _tree(self, nodes: list[Node], depth: int, root: str, out: list[str]) -> None:
        for n in nodes:
            if isinstance(n, Section):
                out.append(f'{"#" * min(depth, 6)} {esc_md(n.title)} {{ #{esc(n.id)} data-line="{n.line}" }}\n')
                if not n.present:
                    out.append('<p class="fz-note">（原书此处无标题，据目录补出。）</p>\n')
                self._tree(n.children, depth + 1, root, out)
                out.append("\n")
            elif isinstance(n, Event):
                out.append(self.event(n, root) + "\n\n")
            elif isinstance(n, Entry):
                out.append(self.entry(n, root) + "\n\n")
            else:
                out.append(self.block(n) + "\n\n")

    def event(self, ev: Event, root: str) -> str:
        ident, iso = esc(ev.id), esc(ev.date.iso())
        label = esc(ev.marker or ev.date.raw) or iso
        return (f'<div class="fz-record fz-event" id="{ident}" data-date="{iso}" data-line="{ev.line}"><p>'
                f'<a class="fz-date" href="#{ident}" title="永久链接 · {iso}（{self.precision_names[ev.date.precision]}）">'
                f"{label}</a> {marked_text(ev)}</p>{self.record_meta(ev, root, iso)}</div>")

    def entry(self, en: Entry, root: str) -> str:
        ident = esc(en.id)
        blocks = "".join(self.block(b) for b in en.blocks)
        return (f'<div class="fz-record fz-entry" id="{ident}" data-line="{en.line}"><p>'
                f'<a class="fz-entry-title" href="#{ident}" title="永久链接">【{esc(en.title)}】</a>'
                f"{marked_text(en)}</p>{blocks}{self.record_meta(en, root)}</div>")

    def block(self, b: Block) -> str:
        if b.kind == "table" and b.rows:
            rows = "".join("<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>" for row in b.rows)
            return f'<div class="fz-table" data-line="{b.line}"><table><tbody>{rows}</tbody></table></div>'
        if b.kind == "caption":
            return f'<p class="fz-caption" data-line="{b.line}" title="图片说明">〔图〕{marked_text(b)}</p>'
        if b.kind == "credit":
            return f'<p class="fz-credit" data-line="{b.line}" title="撰稿/供稿">{marked_text(b)}</p>'
        return f'<p class="fz-{esc(b.kind)}" data-line="{b.line}">{marked_text(b)}</p>'

    def record_meta(self, r: Event | Entry, root: str, iso: str = "") -> str:
        """Date (an event's, ``iso`` escaped), source line, region and topic tags, then cross-links and citation."""
        when = f'<time class="fz-iso" datetime="{iso}">{iso}</time> · ' if isinstance(r, Event) else ""
        return (f'<p class="fz-meta">{when}<span class="fz-line">{self.source_files[r.source_id]} 第 {r.line} 行</span>'
                f"{self.tags(r.regions, r.topics, root)}</p>{self.record_links(r.id, root)}")

    def tags(self, regions: list[str], topics: list[str], root: str) -> str:
        return "".join([*(self._tag("region", g, root) for g in regions), *(self._tag("topic", t, root) for t in topics)])

    def _tag(self, kind: str, key: str, root: str) -> str:
        """A region's or topic's tag: the same few on every page at one depth, so each is made once."""
        tag = self._tags.get((kind, key, root))
        if tag is None:
            name = self.region_names[key] if kind == "region" else self.topic_names[key]
            tag = self._tags[kind, key, root] = f' <a class="fz-tag fz-{kind}" href="{root}{kind}s/{esc(key)}/">{name}</a>'
        return tag

    def record_links(self, record_id: str, root: str) -> str:
        """Cross-links and citation under a record on its reading page."""
        links = self.links
        if links is None:
            return ""
        out = []
        entities = [links.entities[e] for e in links.by_record.get(record_id, ())]
        if entities:
            out.append('<p class="fz-entities">' + "".join(self._entity_tag(e, root) for e in entities) + "</p>")
        same_day = [self.by_id[o] for o in links.same_day.get(record_id, ())]
        related = [self.by_id[o] for o in links.related.get(record_id, ())]
        if same_day or related:
            summary = ""
            if same_day:
                total = links.same_day_total.get(record_id, 0)
                summary = f"同日他处 {total}" + (f"（列出 {len(same_day)} 条）" if total > len(same_day) else "")
            if same_day and related:
                summary += " · "
            if related:
                summary += f"相关记录 {len(related)}"
            items = [f'<li>同日 · <a href="{root}{esc(o.url)}">{self.source_titles[o.source_id]}：'
                     f"{esc(truncate(o.text, 50))}</a></li>" for o in same_day]
            items += [f'<li>相关 · <a href="{root}{esc(o.url)}">{self.source_titles[o.source_id]}：'
                      + (f"【{esc(o.title)}】" if o.title else "") + f"{esc(truncate(o.text, 50))}</a></li>"
                      for o in related]
            out.append(f'<details class="fz-related"><summary>{summary}</summary><ul>{"".join(items)}</ul></details>')
        record = self.by_id.get(record_id)
        if record is not None and record.citation:
            out.append(f'<details class="fz-cite"><summary>引用</summary><p class="fz-citation">{esc(record.citation)}'
                       "</p></details>")
        return "".join(out)

    def _entity_tag(self, e: Entity, root: str) -> str:
        date = f"（{esc(e.date)}）" if e.kind == "meeting" and e.date else ""
        return (f'<a class="fz-tag fz-{esc(e.kind)}" href="{root}{esc(e.url)}" title="{self.kind_names[e.kind]}">'
                f"{esc(e.name)}{date}</a> ")

    # -- items on listing pages: built once per record and page depth ---------------

    def _cached(self, kind: str, r: Record, root: str, make: Callable[[Record, str], str]) -> str:
        key = (kind, id(r), root)  # the object, not r.id: nothing here relies on ids being unique
        hit = self._items.get(key)
        if hit is None:
            hit = self._items[key] = (r, make(r, root))  # holding r keeps its id() from being reused
        return hit[1]

    def listing(self, records: list[Record], root: str) -> str:
        """Region and topic pages: one Markdown list item a record."""
        return "".join(self._cached("listing", r, root, self._listing_item) for r in records)

    def _listing_item(self, r: Record, root: str) -> str:
        date = f'<span class="fz-date">{esc(r.date)}</span> ' if r.date else ""
        title = ""
        if r.title:
            title = f"【{esc_md(r.title)}】" if r.type == "entry" else f"§ {esc_md(r.title)}："
        return (f'- <a href="{root}{esc(r.url)}">{date}{title}{esc_md(truncate(r.text, 60))}</a> '
                f'<span class="fz-src">{self.source_titles[r.source_id]}</span>\n')

    def year_events(self, records: list[Record], root: str) -> str:
        """Year pages: each event's whole text with its tags."""
        return "".join(self._year_item(r, root) for r in records)  # most events are on one year's page only

    def _year_item(self, r: Record, root: str) -> str:
        url = esc(r.url)
        return (f'<div class="fz-record fz-event fz-listed" data-date="{esc(r.date)}"><p><a class="fz-date" '
                f'href="{root}{url}">{esc(r.date.replace("/", " — "))}</a> {esc(r.text)}</p><p class="fz-meta">'
                f'<a href="{root}{url}">{self.source_titles[r.source_id]} 第 {r.line} 行</a>'
                f"{self.tags(r.regions, r.topics, root)}</p></div>\n\n")

    def entity_records(self, records: list[Record], root: str) -> str:
        """Entity pages: the records that name the entity."""
        return "".join(self._cached("entity", r, root, self._entity_item) for r in records)

    def _entity_item(self, r: Record, root: str) -> str:
        url = esc(r.url)
        date = f'<a class="fz-date" href="{root}{url}">{esc(r.date)}</a> ' if r.date else ""
        title = f'<a class="fz-entry-title" href="{root}{url}">【{esc(r.title)}】</a>' if r.title else ""
        return (f'<div class="fz-record fz-listed" data-date="{esc(r.date)}"><p>{date}{title}'
                f'{esc(truncate(r.text, 160))}</p><p class="fz-meta"><a href="{root}{url}">'
                f"{self.source_titles[r.source_id]} 第 {r.line} 行</a></p></div>\n\n")
