"""Apply the reviewed errata of ``site_config/corrections.yml`` at build time.

Rules:

* A correction names its source (document id), the 1-based ``line`` of the
  source file, the ``wrong`` text as printed (after the safe OCR fixes of
  ``builder.normalise``) and the ``right`` text; ``context`` (a longer piece of
  the text around ``wrong``) places it when ``wrong`` occurs more than once on
  the line, or — without a line — anywhere in the document (it must then
  occur exactly once).
* Spaces are not significant when matching (OCR puts spaces between CJK
  characters): ``进行了进行了`` matches ``进行了 进行了``.
* An erratum that no longer matches its text (the source changed, or the
  line number is wrong) is an error that stops the build: ``ConfigError``
  naming corrections.yml:LINE and the source file:line. It is never a silent
  no-op.
* Each applied correction is a ``Fix`` (rule ``correction``, with the note),
  so it is in the ledger and shown on the page with the original on hover. An
  OCR fix inside the corrected span is absorbed into it (its ``before`` is the
  text as printed).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from builder.config import ConfigError
from builder.model.document import Correction, Fix, Line, Source
from builder.sources.load import document_lines
from builder.sources.normalise import fix_lines, unfix_line

__all__ = ["apply_corrections", "loose_pattern", "split_stale"]


def loose_pattern(text: str) -> re.Pattern[str]:
    """A regex for ``text`` that allows spaces between any two characters."""
    chars = [re.escape(ch) for ch in text if not ch.isspace()]
    return re.compile(r"[ \t\u00a0\u3000]*".join(chars))


def _where(corr: Correction, source: Source, line: int | None = None) -> str:
    place = f"{source.file}:{line or corr.line}" if (line or corr.line) else source.file
    return f"{corr.where or 'corrections.yml'}: correction of {place} ({corr.wrong!r} → {corr.right!r})"


def _locate(corr: Correction, source: Source, lines: list[Line]) -> tuple[int, int, int]:
    """(index in ``lines``, start, end) of the wrong text; raises ConfigError."""
    wrong = loose_pattern(corr.wrong)
    context = loose_pattern(corr.context) if corr.context else None
    candidates = [i for i, ln in enumerate(lines) if ln.no == corr.line] if corr.line else range(len(lines))
    if corr.line and not candidates:
        raise ConfigError(f"{_where(corr, source)}: line {corr.line} is not part of document '{source.id}'")
    hits: list[tuple[int, int, int]] = []
    for i in candidates:
        text = lines[i].text
        spans = [(m.start(), m.end()) for m in context.finditer(text)] if context else [(0, len(text))]
        for lo, hi in spans:
            hits.extend((i, m.start(), m.end()) for m in wrong.finditer(text, lo, hi))
    if not hits:
        raise ConfigError(f"{_where(corr, source)}: no longer matches: {corr.wrong!r} is not in the text")
    if len(hits) > 1:
        found = ", ".join(str(lines[i].no) for i, _, _ in hits[:5])
        raise ConfigError(f"{_where(corr, source)}: {corr.wrong!r} occurs {len(hits)} times (lines {found}); "
                          "add a 'context' that occurs once")
    return hits[0]


def _absorb(fixes: list[Fix], line: int, start: int, end: int) -> tuple[int, int, list[Fix], list[Fix]]:
    """Widen ``[start, end)`` over the OCR fixes it overlaps; return the span,
    the overlapped fixes and the others."""
    inside, others = [], []
    for fix in fixes:
        if fix.line == line and fix.col < end and fix.col + len(fix.after) > start:
            inside.append(fix)
        else:
            others.append(fix)
    for fix in inside:
        start, end = min(start, fix.col), max(end, fix.col + len(fix.after))
    return start, end, inside, others


def _shifted(fixes: list[Fix], line: int, end: int, delta: int) -> list[Fix]:
    """Move the fixes of ``line`` that sit after a replaced span."""
    return [
        Fix(f.line, f.col + delta, f.before, f.after, f.rule, f.note) if f.line == line and f.col >= end else f
        for f in fixes
    ]


def apply_corrections(
    source: Source, lines: list[Line], fixes: list[Fix], corrections: Sequence[Correction]
) -> tuple[list[Line], list[Fix]]:
    """Apply ``corrections`` of ``source`` to ``lines`` (already OCR-fixed, with
    their ``fixes``); return the new lines and all fixes, in line order."""
    lines = list(lines)
    for corr in corrections:
        if corr.source != source.id:
            continue
        i, start, end = _locate(corr, source, lines)
        no, text = lines[i].no, lines[i].text
        # an OCR fix inside the span is absorbed: the correction records the printed original
        lo, hi, inside, fixes = _absorb(fixes, no, start, end)
        right = text[lo:start] + corr.right + text[end:hi]
        before = unfix_line(text[lo:hi], [Fix(f.line, f.col - lo, f.before, f.after, f.rule) for f in inside])
        fixes = _shifted(fixes, no, hi, len(right) - (hi - lo))
        lines[i] = Line(no, text[:lo] + right + text[hi:])
        fixes.append(Fix(no, lo, before, right, "correction", corr.note))
    return lines, sorted(fixes, key=lambda f: (f.line, f.col))


def split_stale(sources: Sequence[Source], corrections: Sequence[Correction],
                texts: dict[str, str]) -> tuple[list[tuple[Correction, str]], list[Correction]]:
    """The corrections that no longer match their text (each with the reason) and the ones
    that do; ``texts`` maps a source file to its decoded text."""
    by_id = {s.id: s for s in sources}
    stale: list[tuple[Correction, str]] = []
    good: list[Correction] = []
    fixed_of: dict[str, tuple[list[Line], list[Fix]]] = {}
    for corr in corrections:
        source = by_id.get(corr.source)
        if source is None:
            stale.append((corr, f"correction names unknown source '{corr.source}'"))
            continue
        if source.id not in fixed_of:
            fixed_of[source.id] = fix_lines(document_lines(source, texts[source.file]))
        fixed, fixes = fixed_of[source.id]
        try:
            apply_corrections(source, fixed, fixes, [corr])
        except ConfigError as exc:
            stale.append((corr, str(exc).split(": ", 1)[-1]))
            continue
        good.append(corr)
    return stale, good
