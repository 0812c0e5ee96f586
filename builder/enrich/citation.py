"""Citations in the style of GB/T 7714—2015 for every event and 条目.

A record is cited as a part of its source document: the document's
responsible party and title with its type code ([M] a book such as a yearbook,
[R] a report, [Z] other, e.g. an untitled chronicle), the collection it was
printed in (``//`` analytic form) with place, publisher and year where known,
then the section path and the line in the source text, and the permalink.
Fields the editors inferred (sources.yml ``inferred``) are bracketed, as a
cataloguer marks supplied information: ``[古塔区大事记（2012—2021）]``.
"""

from __future__ import annotations

import re

from builder.model.document import Source

TYPE_CODES = {"yearbook": "M", "report": "R", "chronicle": "Z"}


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


def cite(source: Source, *, path: tuple[str, ...] = (), line: int | None = None, url: str = "",
         site_url: str = "") -> str:
    """A GB/T 7714 reference to a place in ``source``."""
    return cite_in(document_reference(source), path=path, line=line, url=url, site_url=site_url)


def cite_in(document: str, *, path: tuple[str, ...] = (), line: int | None = None, url: str = "",
            site_url: str = "") -> str:
    """``cite`` from the document's part of the reference (``document_reference``), which all
    its records share: worked out once per document, not once per record."""
    locator = "，".join(x for x in ("、".join(p for p in path if p), f"原文第{line}行" if line else "") if x)
    reference = document + (f": {locator}" if locator else "") + "."
    if url:
        reference += f" {site_url.rstrip('/') + '/' if site_url else ''}{url}"
    return reference


def document_reference(source: Source) -> str:
    """The part of a reference that names the document: responsible party, title, type, imprint."""
    author = source.speaker.split()[-1] if source.speaker else source.editor
    author = _supplied(author, "editor", source)
    title = _supplied(source.title, "title", source)
    code = TYPE_CODES.get(source.genre, "Z")
    parts = []
    head = f"{author}. {title}[{code}]" if author else f"{title}[{code}]"
    year = _year(source)
    if source.edition.startswith("《"):
        # an analytic: the document is printed inside a collection
        collection = source.edition.strip("《》")
        host = f"{source.editor}. {collection}" if source.editor and source.editor != author else collection
        imprint = ", ".join(x for x in (source.publisher, year) if x)
        parts.append(f"{head}//{host}" + (f". {imprint}" if imprint else ""))
    else:
        imprint = ", ".join(x for x in (source.publisher, year) if x)
        parts.append(head + (f". {imprint}" if imprint else ""))
    return ". ".join(parts)
