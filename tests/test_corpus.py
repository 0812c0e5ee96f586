"""The chronicle corpus (tests/corpus/chronicles/): every truth file is well formed and says what its text says.

bench/chronicles.py measures the parser against these files; this checks the files themselves, so that
a slip in labelling (a wrong line number, a start that is not in the text, a date in another notation)
is caught here rather than counted against the parser.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from builder.sources.normalise import compact

CORPUS = Path(__file__).resolve().parent / "corpus" / "chronicles"
TEXTS = sorted(p.name.removesuffix(".truth.tsv") for p in CORPUS.glob("*.truth.tsv"))
_PART = r"(?:-?\d{4}|\?{4})(?:-(?:\d{2}|\?\?|L\d{2}))?(?:-(?:\d{2}|\?\?))?"
DATE = re.compile(rf"^{_PART}(?:~(?:early|mid|late|spring|summer|autumn|winter)\w*)?(?:/{_PART}(?:~\w+)?)?$")


def test_the_corpus_has_its_texts_and_sources_note() -> None:
    assert len(TEXTS) >= 15
    sources = (CORPUS / "SOURCES.md").read_text("utf-8")
    for ident in TEXTS:
        assert (CORPUS / f"{ident}.txt").exists() and (CORPUS / f"{ident}.notes.md").exists(), ident
        assert ident in sources, f"{ident} has no provenance in SOURCES.md"


@pytest.mark.parametrize("ident", TEXTS)
def test_truth_file_is_well_formed_and_matches_its_text(ident: str) -> None:
    lines = (CORPUS / f"{ident}.txt").read_text("utf-8").split("\n")
    with (CORPUS / f"{ident}.truth.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert rows and list(rows[0]) == ["line", "date", "start_text", "confidence"]
    numbers = [int(r["line"]) for r in rows]
    assert numbers == sorted(numbers), "rows are sorted by line"
    for r in rows:
        no = int(r["line"])
        assert 1 <= no <= len(lines), r
        assert DATE.match(r["date"]), f"line {no}: date {r['date']!r} is not in the conventions' notation"
        assert r["confidence"] in ("high", "medium", "low"), r
        # the start is on the event's line, or (a date alone on its line) on the next non-blank one
        start = compact(r["start_text"])[:6]
        following = next((ln for ln in lines[no:] if ln.strip()), "")
        assert start in compact(lines[no - 1]) or start in compact(following), f"line {no}: {start!r} not there"
