"""Per-genre parsers. ``parse_document`` picks the parser for a source's genre.

Every document goes through the same three steps around its parser:

1. the safe OCR fixes (``normalise.fix_lines``) and the reviewed corrections
   of the source (``corrections.apply_corrections``) are applied to the lines,
   each change recorded as a ``Fix`` in ``Document.fixes``;
2. the genre's parser reads the fixed lines (what it leaves off the pages goes
   to ``Document.dropped`` with a reason);
3. ``ledger.account`` checks that every character of the fixed lines is on a
   page or in the ledger, records the markup the parser stripped, and marks
   each fix in the record text that shows it.
"""

from __future__ import annotations

from collections.abc import Sequence

from builder.model.document import Correction, Document, Line, Source
from builder.parse.chronicle import parse_chronicle
from builder.parse.report import parse_report
from builder.parse.yearbook import parse_yearbook
from builder.sources.corrections import apply_corrections
from builder.sources.ledger import account
from builder.sources.normalise import fix_lines

PARSERS = {"chronicle": parse_chronicle, "yearbook": parse_yearbook, "report": parse_report}


def _parse(source: Source, lines: list[Line]) -> Document:
    parser = PARSERS.get(source.genre)
    if parser is None:
        raise ValueError(f"unknown genre {source.genre!r}")
    return parser(source, lines)


def parse_document(source: Source, lines: list[Line], corrections: Sequence[Correction] = ()) -> Document:
    """Parse the lines of one document with the parser for its genre.

    ``corrections`` are the reviewed errata (those of other sources are
    ignored); one that no longer matches raises ``ConfigError``.
    """
    if source.lines:
        lo, hi = source.lines
        lines = [ln for ln in lines if lo <= ln.no <= hi]
    fixed, fixes = fix_lines(lines)
    fixed, fixes = apply_corrections(source, fixed, fixes, corrections)
    doc = _parse(source, fixed)
    doc.fixes = fixes
    account(doc, fixed)
    return doc
