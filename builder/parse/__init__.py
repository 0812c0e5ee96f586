"""Per-genre parsers. ``parse_document`` picks the parser for a source's genre."""

from __future__ import annotations

from ..models import Document, Line, Source


def parse_document(source: Source, lines: list[Line]) -> Document:
    """Parse the lines of one document with the parser for its genre."""
    if source.genre == "chronicle":
        from .chronicle import parse_chronicle

        return parse_chronicle(source, lines)
    if source.genre == "yearbook":
        from .yearbook import parse_yearbook

        return parse_yearbook(source, lines)
    if source.genre == "report":
        from .report import parse_report

        return parse_report(source, lines)
    raise ValueError(f"unknown genre {source.genre!r}")
