"""Where each document and record lives on the site, and the flat records
(events, 条目, sections) that the data files, year/region/topic pages and
search are made from.

Layout (paths under ``docs/``, URLs with MkDocs' directory URLs):

* chronicle or report: ``sources/<source-id>/index.md`` → ``sources/<source-id>/``
* yearbook: ``sources/<source-id>/index.md`` (overview) plus one page per
  top-level part ``sources/<source-id>/<part-id>/index.md``, so no page grows
  with the size of a whole book.

Every generated page is an ``index.md`` in its own folder, so a page's URL is
``<folder>/`` on the web and ``<folder>/index.html`` in an offline bundle
(``use_directory_urls: false``) — the same mapping everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from builder.enrich.citation import cite_in, document_reference
from builder.model.document import DateSpec, Document, Entry, Event, Node, Section
from builder.parse.dates import match_date


@dataclass
class Page:
    """One reading page of a source document."""

    path: str  # docs-relative .md path
    title: str
    doc: Document
    nodes: list[Node] = field(default_factory=list)  # what the page shows, in source order

    @property
    def url(self) -> str:
        return md_url(self.path)


def md_url(path: str) -> str:
    """Site URL (relative to the site root) of a docs-relative Markdown path."""
    if path.endswith("index.md"):
        return path[: -len("index.md")]
    return path[: -len(".md")] + "/"


def source_pages(doc: Document) -> list[Page]:
    sid = doc.source.id
    if doc.source.genre != "yearbook":
        return [Page(f"sources/{sid}/index.md", doc.source.title, doc, list(doc.root.children))]
    loose = [n for n in doc.root.children if not isinstance(n, Section)]
    pages = [Page(f"sources/{sid}/index.md", doc.source.title, doc, loose)]
    for sec in doc.root.children:
        if isinstance(sec, Section):
            part = sec.id.removeprefix(f"{sid}-")
            pages.append(Page(f"sources/{sid}/{part}/index.md", sec.title, doc, [sec]))
    return pages


@dataclass
class Record:
    """A citable unit: an event, a 条目 or a section's own text."""

    id: str
    type: str  # event | entry | section
    source_id: str
    title: str
    text: str
    url: str
    line: int
    path: tuple[str, ...]
    date: str = ""
    precision: str = ""
    years: list[int] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    topic_possible: bool = False  # the topic is a close call, shown as possible (model Event.topic_possible)
    sort_key: tuple = ()
    citation: str = ""  # GB/T 7714 (builder/enrich/citation.py)
    edtf: str = ""  # an event's date in EDTF (model DateSpec.edtf)
    printed: str = ""  # the date exactly as printed
    calendar: str = ""  # gregorian | chinese
    original: str = ""  # a Chinese-calendar date's own reading (1942-L03)
    qualifier: str = ""  # 上旬/初/底/春 … what EDTF cannot say


_YEAR_IN_HEADING = re.compile(r"((?:19|20)\d{2})\s*年")


def entry_date(text: str, year: int | None) -> DateSpec | None:
    """The date a 条目's text opens with (``3月20日，召开…``, ``2019年11月27日17时许，…``,
    ``2020年，全市…``), the year of an undated month or day from ``year`` (the source's
    ``content_year``); None when the text does not open with a date."""
    found = match_date(text.lstrip(), year=year)
    if found is None or not found.spec.start.year:
        return None
    return found.spec


def section_years(headings: tuple[str, ...], default: list[int]) -> list[int]:
    """The years a report section is about: the innermost heading that names one of the
    document's years (``一、2011年工作回顾`` → 2011), else all of them."""
    for heading in reversed(headings):
        named = sorted({int(y) for y in _YEAR_IN_HEADING.findall(heading)} & set(default))
        if named:
            return named
    return list(default)


def build_records(doc: Document, pages: list[Page], site_url: str = "") -> list[Record]:
    """Flatten one document into records, each with the URL of its anchor and its citation
    (whose permalink is absolute with ``site_url``).

    Events carry their date; a 条目 the date its text opens with (``entry_date``), so that
    year pages list it; a report's section the years its headings name (``section_years``)."""
    out: list[Record] = []
    default_years = list(doc.source.years)
    report = doc.source.genre == "report"

    def add_nodes(nodes: list, page: Page, path: tuple[str, ...]) -> None:
        for node in nodes:
            if isinstance(node, Section):
                own = node.full_text
                if own:
                    out.append(
                        Record(
                            id=node.id, type="section", source_id=doc.source.id, title=node.title,
                            text=own, url=f"{page.url}#{node.id}", line=node.line, path=path,
                            years=section_years((*path, node.title), default_years) if report else list(default_years),
                            regions=node.regions, topics=node.topics, topic_possible=node.topic_possible,
                        )
                    )
                add_nodes(node.children, page, (*path, node.title))
            elif isinstance(node, Event):
                out.append(
                    Record(
                        id=node.id, type="event", source_id=doc.source.id, title="",
                        text=node.text + node.attribution, url=f"{page.url}#{node.id}", line=node.line, path=path,
                        date=node.date.iso(), precision=node.date.precision, years=node.date.years(),
                        regions=node.regions, topics=node.topics, topic_possible=node.topic_possible,
                        sort_key=node.date.sort_key(),
                        edtf=node.date.edtf(), printed=node.date.raw, calendar=node.date.calendar,
                        original=node.date.original, qualifier=node.date.qualifier,
                    )
                )
            elif isinstance(node, Entry):
                dated = entry_date(node.text, doc.source.content_year)
                out.append(
                    Record(
                        id=node.id, type="entry", source_id=doc.source.id, title=node.title,
                        text=node.full_text, url=f"{page.url}#{node.id}", line=node.line, path=path,
                        years=[doc.source.content_year] if doc.source.content_year else list(default_years),
                        regions=node.regions, topics=node.topics, topic_possible=node.topic_possible,
                        date=dated.iso() if dated else "", precision=dated.precision if dated else "",
                        sort_key=dated.sort_key() if dated else (),
                    )
                )

    for page in pages:
        add_nodes(page.nodes, page, ())
    document = document_reference(doc.source)
    for record in out:
        record.citation = cite_in(document, path=record.path, line=record.line, url=record.url, site_url=site_url)
    return out
