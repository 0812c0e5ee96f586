"""Parsing takes linear time on any input: hostile sizes and shapes through `fangzhi parse FILE`.

Classes of input covered (the shapes of bench/parse.py, each at 1× and 8×):

* the seed chronicle repeated (source_texts/guta-dashiji-2012-2021.txt);
* one long line of prose (chronicle, yearbook, report);
* a run of tens of thousands of spaces (``squeeze_spaces`` was quadratic in a run: 73 s for a
  50 KB line);
* many short lines (the chronicle parser copied the rest of the file for every line);
* many dates in one line, many year/month headings;
* deep nesting: runs of ``（`` and ``【``, report heading levels, Markdown headings;
* a zero-width character after every character (the ledger placed each fix by re-reading its
  line: quadratic in fixes per line), OCR-rule candidates everywhere, one line of ``中 ``, one line
  holding a thousand ``【…】`` entries (the ledger's alignment stepped over every earlier piece's
  markup: 395 s for 64 K characters);
* TOC leader lines without a page number (``……`` or ``...`` runs: the leader regex backtracked
  over the run), a report subtitle with many ``日在``…``上`` (the meeting regex).

Each shape must complete, and its CPU time at 8× the size must stay below ``FACTOR`` times its CPU
time at 1× (linear code: about 8; quadratic: about 64). CPU time of this process, the best of a
few runs: wall time on a shared machine says more about the neighbours than about the code. No
absolute threshold anywhere. Also: ``squeeze_spaces`` equals the regex it replaces on every short
string of spaces, ideographic spaces, CJK and Latin characters; ``leader`` equals the regex it
replaces on every short string of leader characters, digits and spaces.
"""

from __future__ import annotations

import gc
import itertools
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import bench.parse as bench
from builder.parse.yearbook import leader
from builder.sources.normalise import WIDE_CHAR, squeeze_spaces

FACTOR = 20  # generous: linear growth gives about 8, quadratic about 64
UNIT = 16_000  # characters of each adversarial shape at 1× (bench/parse.py uses 64 K)


def _best_cpu(run: Callable[[], object], repeat: int) -> float:
    """Best CPU time of ``run``. The objects alive before (in a whole test session, a built
    archive) are frozen out of the garbage collector: otherwise every collection the larger run
    triggers scans them too, and the ratio measures the session's heap, not the parser."""
    best = float("inf")
    gc.collect()
    gc.freeze()
    try:
        for _ in range(repeat):
            start = time.process_time()
            run()
            best = min(best, time.process_time() - start)
    finally:
        gc.unfreeze()
    return best


def _parse_cpu(shape: str, k: int, folder: Path, repeat: int) -> float:
    text, genre = bench.SHAPES[shape](k)
    path = folder / f"{shape}-{k}.txt"
    path.write_text(text, "utf-8")
    return _best_cpu(lambda: bench.parse_file(path, genre), repeat)


@pytest.mark.parametrize("shape", sorted(bench.SHAPES))
def test_parse_grows_linearly(shape: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench, "UNIT", UNIT)
    monkeypatch.chdir(tmp_path)
    small = _parse_cpu(shape, 1, tmp_path, repeat=3)
    large = _parse_cpu(shape, 8, tmp_path, repeat=2)
    assert large / max(small, 0.005) < FACTOR, f"{shape}: {small:.3f} s at 1×, {large:.3f} s at 8×"


def test_a_million_spaces() -> None:
    def line(n: int) -> str:  # runs between Latin letters: the regex backtracked over each
        return "会议a" + " " * n + "b" + "\u3000" * n + "c" + " \u3000 " * n + "d"

    assert squeeze_spaces(line(1_000_000)) == _plain_squeeze(line(1_000)) == "会议a bc\u3000d"
    small = _best_cpu(lambda: squeeze_spaces(line(125_000)), 3)
    large = _best_cpu(lambda: squeeze_spaces(line(1_000_000)), 2)
    assert large / max(small, 0.001) < FACTOR


_PLAIN_NEAR_WIDE = re.compile(rf"(?<={WIDE_CHAR})[ \t\u00a0\u3000]+|[ \t\u00a0\u3000]+(?={WIDE_CHAR})")


def _plain_squeeze(text: str) -> str:
    """``squeeze_spaces`` as the regexes it replaces (quadratic in a run of spaces)."""
    return re.sub(r"[ \t\u00a0]{2,}", " ", _PLAIN_NEAR_WIDE.sub("", text)).strip()


def test_squeeze_spaces_equals_the_regex_on_every_short_string() -> None:
    alphabet = " \t\u00a0\u3000a中1"
    for n in range(1, 6):
        for chars in itertools.product(alphabet, repeat=n):
            text = "".join(chars)
            assert squeeze_spaces(text) == _plain_squeeze(text), repr(text)


# the TOC leader regex the parser used before ``leader`` (quadratic on long runs of dots): the oracle
_LEADER = re.compile(r"^\s*(?P<title>.*?)\s*(?P<dots>\.{3,}|…{2,}|·{3,})\s*(?P<page>\d{1,4})\s*$")


def test_leader_equals_the_regex_on_every_short_string() -> None:
    for n in range(7):
        for chars in itertools.product(".…·1１ a", repeat=n):
            text = "".join(chars)
            m = _LEADER.match(text)
            assert leader(text) == (m.group("title", "dots", "page") if m else None), repr(text)
