"""Per-record citation exports (RIS, BibTeX, CSL-JSON) and the page metadata reference managers read.

Exports. Each reading page's records are written, once per page, to ``data/cite/<page>.js`` (a
script, so that it loads from file:// as well as over http): for each record its CSL-JSON item and
its RIS and BibTeX records, as strings. The page's 导出 buttons (``fangzhi-cite.js``) load the file
when first pressed and save the record's text as a file, with the reader's access date put in
(``ACCESSED`` in the RIS and BibTeX text, ``accessed`` in the CSL-JSON item). One file per page,
not per record: at 30× the corpus that is about 1,400 files instead of 200,000.

* RIS is written by ``rispy`` (a maintained RIS reader/writer: the tags and their order, the
  ``ER`` line), every value made one line by ``safe.ris_text`` (a line break in a value would
  start a tag or end the record).
* BibTeX is written by ``bibtexparser`` 2 (maintained; its writer lays out the entry and its
  fields), every value escaped for TeX by ``safe.bibtex_text`` (an unbalanced brace would end
  a field, ``%`` start a comment).
* CSL-JSON is plain JSON (``json``); a CSL processor reads it: the tests render it with
  ``citeproc-py``. The formatted GB/T 7714—2025 reference itself is not made by citeproc-py:
  no CSL style of the 2025 edition could be shipped without copying a third party's, and the
  Chinese styles rely on CSL-M extensions that citeproc-py does not implement. It is
  builder/enrich/citation.py's, and the CSL-JSON carries it as ``note``.

Page metadata. ``page_meta`` gives the Highwire Press (``citation_*``, what Zotero and Google
Scholar read) and Dublin Core (``DC.*``) fields of a reading page; the front matter holds them
and the MkDocs plugin (builder/publish/plugins.py) writes the ``<meta>`` tags with
``safe.meta_tag``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import bibtexparser
import rispy
from bibtexparser import model
from bibtexparser.middlewares.parsestack import default_unparse_stack

from builder.enrich.citation import STANDARD, absolute, author_of, imprint, locator
from builder.enrich.records import Page, Record
from builder.model.document import Source
from builder.render.safe import bibtex_text, bibtex_url, js_json, ris_text

CITE_DIR = "data/cite"
ACCESSED = "\x01"  # where the access date goes; no value from the data holds a control character
GENRE_TYPES = {"yearbook": ("chapter", "CHAP", "incollection"), "report": ("report", "RPRT", "techreport"),
               "chronicle": ("manuscript", "MANSCPT", "misc")}


_UNPARSE = default_unparse_stack(allow_inplace_modification=True)


class _RisWriter(rispy.RisWriter):
    """rispy's writer without the "1." line it puts before each record (not RIS; some readers stop at it)."""

    def set_header(self, count: int) -> str:
        return ""


def cite_file(page_url: str) -> str:
    """The export file of the reading page at ``page_url`` (site-relative, ``sources/…/``)."""
    return f"{CITE_DIR}/{page_url.strip('/')}.js"


def _place_publisher(source: Source) -> tuple[str, str]:
    place, _, publisher = source.publisher.rpartition(":")
    return place.strip(), publisher.strip()


def _year(source: Source) -> str:
    printed = imprint(source).rpartition("，")[2]
    return printed if printed.isdigit() else ""


def record_title(r: Record) -> str:
    """A record's own title: a 条目's or section's title; an event's date and the start of its text."""
    if r.title:
        return r.title
    text = r.text if len(r.text) <= 40 else r.text[:40] + "…"
    return f"{r.date} {text}".strip()


def csl_item(r: Record, source: Source, site_name: str, site_url: str) -> dict[str, object]:
    """The record as a CSL-JSON item."""
    place, publisher = _place_publisher(source)
    year = _year(source)
    author = author_of(source)
    item: dict[str, object] = {
        "id": r.id,
        "type": GENRE_TYPES.get(source.genre, GENRE_TYPES["chronicle"])[0],
        "title": record_title(r),
        "container-title": source.title,
        "URL": absolute(r.url, site_url),
        "language": "zh-CN",
        "archive": site_name,
        "archive_location": locator(r.path, r.line),
        "note": f"{STANDARD}: {r.citation}",
    }
    if author:
        item["author"] = [{"literal": author}]
    if publisher:
        item["publisher"] = publisher
    if place:
        item["publisher-place"] = place
    if year:
        item["issued"] = {"date-parts": [[int(year)]]}
    return item


def ris_record(r: Record, source: Source, site_name: str, site_url: str) -> str:
    """The record as one RIS record (``rispy``), with ``ACCESSED`` for the access date."""
    place, publisher = _place_publisher(source)
    entry: dict[str, object] = {
        "type_of_reference": GENRE_TYPES.get(source.genre, GENRE_TYPES["chronicle"])[1],
        "id": r.id,
        "title": ris_text(record_title(r)),
        "secondary_title": ris_text(source.title),
        "urls": [ris_text(absolute(r.url, site_url))],
        "language": "zh",
        "name_of_database": ris_text(site_name),
        "notes": [ris_text(f"{STANDARD}: {r.citation}"), ris_text(locator(r.path, r.line))],
        "access_date": ACCESSED,
    }
    author = author_of(source)
    if author:
        entry["authors"] = [ris_text(author)]
    if publisher:
        entry["publisher"] = ris_text(publisher)
    if place:
        entry["place_published"] = ris_text(place)
    if _year(source):
        entry["year"] = _year(source)
    return rispy.dumps([entry], implementation=_RisWriter)


def bibtex_record(r: Record, source: Source, site_name: str, site_url: str) -> str:
    """The record as one BibTeX entry (``bibtexparser``), with ``ACCESSED`` for the access date."""
    place, publisher = _place_publisher(source)
    kind = GENRE_TYPES.get(source.genre, GENRE_TYPES["chronicle"])[2]
    fields = [
        ("title", "{" + bibtex_text(record_title(r)) + "}"),  # braced: kept as written, no case change
        ("booktitle" if kind == "incollection" else "howpublished", bibtex_text(source.title)),
        ("author", "{" + bibtex_text(author_of(source)) + "}" if author_of(source) else ""),
        ("publisher", bibtex_text(publisher)),
        ("address", bibtex_text(place)),
        ("year", _year(source)),
        ("url", bibtex_url(absolute(r.url, site_url))),
        ("urldate", ACCESSED),
        ("note", bibtex_text(f"{STANDARD}: {r.citation}")),
        ("language", "chinese"),
    ]
    if kind == "techreport":
        fields.append(("institution", bibtex_text(publisher or site_name)))
    library = bibtexparser.Library([model.Entry(kind, r.id, [model.Field(k, v) for k, v in fields if v])])
    # the library is made here and thrown away: the writer may change it in place (no deep copy)
    return bibtexparser.write_string(library, unparse_stack=_UNPARSE).strip() + "\n"


def cite_files(records: list[Record], sources: dict[str, Source], site_name: str, site_url: str) -> dict[str, str]:
    """The export file of every reading page: its path (site-relative) → its text."""
    by_page: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        if r.type != "section":
            by_page[r.url.partition("#")[0]].append(r)
    out = {}
    for page_url, recs in sorted(by_page.items()):
        data = {
            r.id: {
                "csl": csl_item(r, sources[r.source_id], site_name, site_url),
                "ris": ris_record(r, sources[r.source_id], site_name, site_url),
                "bib": bibtex_record(r, sources[r.source_id], site_name, site_url),
            }
            for r in recs
        }
        out[cite_file(page_url)] = (f"window.FangzhiCite=window.FangzhiCite||{{}};"
                                    f"window.FangzhiCite[{json.dumps(page_url)}]={js_json(data)};\n")
    return out


def write_cite_files(records: list[Record], sources: dict[str, Source], site_name: str, site_url: str,
                     docs_dir: Path) -> int:
    """Write ``cite_files`` under ``docs_dir``; return how many."""
    files = cite_files(records, sources, site_name, site_url)
    for rel, text in files.items():
        path = docs_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return len(files)


def page_meta(page: Page, site_name: str) -> dict[str, str]:
    """Highwire (``citation_*``) and Dublin Core (``DC.*``) fields of a reading page: the document
    (or the yearbook part) with its responsible party, publisher and date. The plugin adds the
    page's address (absolute with ``site_url``) and the fields every page has."""
    s = page.doc.source
    publisher = _place_publisher(s)[1]
    year = _year(s)
    author = author_of(s)
    title = page.title if page.title == s.title else f"{s.title}：{page.title}"
    meta: dict[str, str] = {
        "citation_title": title,
        "DC.title": title,
        "DC.type": "Text",
        "DC.source": s.title,
        "DC.relation.ispartof": site_name,
    }
    if page.title != s.title:
        meta["citation_inbook_title"] = s.title
    if author:
        meta["citation_author"] = author
        meta["DC.creator"] = author
    if publisher:
        meta["citation_publisher"] = publisher
        meta["DC.publisher"] = publisher
    if year:
        meta["citation_publication_date"] = year
        meta["DC.date"] = year
    if s.edition.startswith("《"):
        meta["citation_inbook_title"] = s.edition.strip("《》")
    return meta
