"""Citations in the style of GB/T 7714—2025 for every event and 条目.

GB/T 7714—2025 (published 2025-12-02, in force 2026-07-01) replaces the 2015 edition. What it
changed that matters here, as read before writing this module (the standard's text is sold, so
from public accounts of it): Wuhan University's announcement of the standard it led
(news.whu.edu.cn, "GB/T 7714-2025 正式发布": unified punctuation of the elements, changed rules
for personal names and other title information, **the access date dropped for resources that
are not network resources**, new types such as preprints [PP] and data sets [DS]), and the
examples of the 2025 styles of the zotero-chinese CSL project (its rendering of the standard's
own examples), which show:

* Chinese references take full-width ``：`` ``，`` and ``（）`` inside the elements (place
  ``：`` publisher ``，`` year ``：`` locator), while the elements are still closed by ``. ``;
* an online resource keeps its carrier code (``[M/OL]``, ``[R/OL]``, ``[Z/OL]``) and ends in
  its address followed by a full stop;
* the access date, in brackets ``[YYYY-MM-DD]`` right before the address, is kept only for
  resources that exist on the network (web pages [EB/OL], data sets, preprints); a print book
  read online ([M/OL]) no longer carries one.

A record is cited as it is read here: a part of its source document as this archive publishes
it online. The archive's text is a network resource (the editorial corrections, OCR fixes and
the line numbers the locator names exist only on this site, and change with it), so the
reference is of the document with the carrier code ``/OL`` and the access date is due: the
page shows the reference without one (two builds must be identical), and the copy button
(``fangzhi-cite.js``) puts the reader's date where ``access_date_at`` says.

The document part: responsible party and title with its type code ([M] a book such as a
yearbook, [R] a report, [Z] other, e.g. an untitled chronicle), the collection it was printed
in (``//`` analytic form) with place, publisher and year where known; then the section path
and the line in the source text as the locator, and the permalink (absolute with ``site_url``).
Fields the editors inferred (sources.yml ``inferred``) are bracketed, as a cataloguer marks
supplied information: ``[古塔区大事记（2012—2021）]``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from builder.model.document import Source

TYPE_CODES = {"yearbook": "M", "report": "R", "chronicle": "Z"}
CARRIER = "OL"  # read online, on this site
STANDARD = "GB/T 7714—2025"


class Citation(NamedTuple):
    """A reference as ``head`` (everything up to the locator) and ``url`` (absolute, or site-relative
    without a ``site_url``). ``text`` is the reference as printed; ``with_access_date`` adds the date."""

    head: str
    url: str

    @property
    def text(self) -> str:
        return self.head + (f". {self.url}." if self.url else ".")

    def with_access_date(self, day: str) -> str:
        """The reference with the access date ``day`` (YYYY-MM-DD) where the standard puts it."""
        return self.head + f"[{day}]" + (f". {self.url}." if self.url else ".")


def _supplied(value: str, field: str, source: Source) -> str:
    return f"[{value}]" if field in source.inferred and value else value


def _year(source: Source) -> str:
    printed = re.search(r"(\d{4})年", source.edition)
    if printed:  # the collection's own year (a report of 2011-12 printed in the 2012 volume)
        return printed.group(1)
    if source.date:
        return source.date[:4]
    if source.edition and source.edition[:4].isdigit():
        return source.edition[:4]
    return ""


def _full_width(text: str) -> str:
    """The 2025 edition's punctuation inside an element of a Chinese reference: ``：`` and ``，``."""
    return re.sub(r"\s*:\s*", "：", re.sub(r"\s*,\s*", "，", text))


def imprint(source: Source) -> str:
    """Place ``：`` publisher ``，`` year, as far as known."""
    return "，".join(x for x in (_full_width(source.publisher), _year(source)) if x)


def author_of(source: Source) -> str:
    """The responsible party: the speaker of a report (their name, the last word), else the editor."""
    author = source.speaker.split()[-1] if source.speaker else source.editor
    return _supplied(author, "editor", source)


def cite(source: Source, *, path: tuple[str, ...] = (), line: int | None = None, url: str = "",
         site_url: str = "") -> str:
    """A GB/T 7714—2025 reference to a place in ``source`` (without the access date)."""
    return citation(document_reference(source), path=path, line=line, url=url, site_url=site_url).text


def locator(path: tuple[str, ...] = (), line: int | None = None) -> str:
    """Where in the document: the section path and the line of the source text."""
    return "，".join(x for x in ("、".join(p for p in path if p), f"原文第{line}行" if line else "") if x)


def absolute(url: str, site_url: str) -> str:
    """``url`` (site-relative) on the published site."""
    return f"{site_url.rstrip('/')}/{url}" if site_url else url


def citation(document: str, *, path: tuple[str, ...] = (), line: int | None = None, url: str = "",
             site_url: str = "") -> Citation:
    """The reference to a place in a document, from the document's part (``document_reference``),
    which all its records share: worked out once per document, not once per record."""
    where = locator(path, line)
    return Citation(document + (f"：{where}" if where else ""), absolute(url, site_url) if url else "")


def cite_in(document: str, *, path: tuple[str, ...] = (), line: int | None = None, url: str = "",
            site_url: str = "") -> str:
    """``cite`` from the document's part of the reference."""
    return citation(document, path=path, line=line, url=url, site_url=site_url).text


def document_reference(source: Source) -> str:
    """The part of a reference that names the document: responsible party, title, type, imprint."""
    author = author_of(source)
    title = _supplied(source.title, "title", source)
    code = f"{TYPE_CODES.get(source.genre, 'Z')}/{CARRIER}"
    head = f"{author}. {title}[{code}]" if author else f"{title}[{code}]"
    printed = imprint(source)
    if source.edition.startswith("《"):
        # an analytic: the document is printed inside a collection
        collection = source.edition.strip("《》")
        host = f"{source.editor}. {collection}" if source.editor and source.editor != author else collection
        return f"{head}//{host}" + (f". {printed}" if printed else "")
    return head + (f". {printed}" if printed else "")
