"""Parse throughput on real and adversarial text, through `fangzhi parse FILE` (what a user runs).

    .venv/bin/python -m bench.parse                 # the chronicle at 1× and 64×, every shape at 1× and 8×
    .venv/bin/python -m bench.parse --big           # also the chronicle repeated to about 50 MB
    .venv/bin/python -m bench.parse --shape spaces  # one shape only

Each line: shape, size factor, characters, seconds, characters per second. A shape is a
function of a size factor ``k`` giving the text and the genre to parse it as; its text grows
linearly with ``k``. Linear code keeps characters per second about the same from 1× to 8×
(tests/test_hostile_sizes.py asserts that, with a generous margin); a quadratic spot shows as
throughput falling by about the size factor.

Shapes (each about 64 K characters at 1×):

* ``chronicle``: the seed chronicle source_texts/guta-dashiji-2012-2021.txt repeated k times;
* ``long-line``: one line of Chinese prose without a line break (chronicle, yearbook, report);
* ``spaces``: an event whose text is mostly one run of spaces (OCR spacing gone wrong);
* ``short-lines``: many one-character lines (``续``), and many lines of a bare digit;
* ``dates``: one line holding many dated events (``…。3月5日…``), and many year/month headings;
* ``nesting``: deep bracket and heading shapes — ``（`` and ``【`` runs, report headings
  ``一、（一）1.（1）①`` in turn, Markdown ``#`` lines;
* ``zero-width``: text with a zero-width character after every character;
* ``spaced-cjk``, ``ocr-candidates``, ``sentence-dates``, ``entries-in-line``: one long line of
  ``中 `` (OCR spacing), of what the OCR rules look for, of ``。2001.3.5 `` (a date after every
  sentence end), of ``【概况】`` titles;
* ``toc-dots``, ``toc-ellipses``, ``toc-mixed-leaders``: one line of TOC leaders with no page number
  (the leader regex backtracked over the run: quadratic); ``meeting-subtitle``: a report subtitle
  holding many ``日在`` and ``上`` (the meeting regex tried every ``上`` after every ``日在``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from builder.cli import main

REPO = Path(__file__).resolve().parent.parent
CHRONICLE = REPO / "source_texts" / "guta-dashiji-2012-2021.txt"
UNIT = 64_000  # characters of each adversarial shape at 1× (tests use less: ``set_unit``)
PROSE = "古塔区召开全区经济工作会议，部署全年工作任务，区委书记讲话"  # 30 characters, no sentence end


def _chronicle(k: int) -> tuple[str, str]:
    return CHRONICLE.read_text("utf-8") * k, "chronicle"


def _long_line(genre: str) -> Callable[[int], tuple[str, str]]:
    def shape(k: int) -> tuple[str, str]:
        return "2001.3.5 " + PROSE * (UNIT * k // len(PROSE)) + "。\n", genre
    return shape


def _spaces(k: int) -> tuple[str, str]:
    # between two Latin letters: a run next to a wide character was never the slow case
    return "2001年\n\n2001.3.5 会议a" + " " * (UNIT * k) + "b c\n", "chronicle"


def _short_lines(text: str, genre: str) -> Callable[[int], tuple[str, str]]:
    def shape(k: int) -> tuple[str, str]:
        return "2001年\n\n2001.3.5 会议召开。\n" + text * (UNIT * k // len(text)), genre
    return shape


def _dates_in_line(k: int) -> tuple[str, str]:
    return "2001年\n\n" + "".join(f"{m}月{d}日召开会议。" for _ in range(k * UNIT // 1000)
                                  for m in range(1, 13) for d in range(1, 8)) + "\n", "chronicle"


def _headings(k: int) -> tuple[str, str]:
    return "".join(f"{y}年\n\n{m}月\n\n{d}日 会议。\n" for y in range(k * UNIT // 2000)
                   for m in range(1, 13) for d in (1, 15)), "chronicle"


def _brackets(text: str, genre: str) -> Callable[[int], tuple[str, str]]:
    def shape(k: int) -> tuple[str, str]:
        return text * (UNIT * k // len(text)) + "\n", genre
    return shape


def _report_levels(k: int) -> tuple[str, str]:
    block = "一、总体要求\n（一）主要目标\n1.经济发展\n（1）增长速度\n①地区生产总值增长。\n"
    return "政府工作报告\n\n各位代表：\n\n" + block * (UNIT * k // len(block)), "report"


def _markdown(k: int) -> tuple[str, str]:
    block = "# 卷\n## 篇\n### 章\n#### 节\n##### 目\n###### 条\n【概况】内容。\n"
    return block * (UNIT * k // len(block)), "yearbook"


def _mixed_line(unit_text: str, genre: str) -> Callable[[int], tuple[str, str]]:
    def shape(k: int) -> tuple[str, str]:
        return "2001年\n\n2001.3.5 " + unit_text * (UNIT * k // len(unit_text)) + "\n", genre
    return shape


def _meeting(k: int) -> tuple[str, str]:
    return "政府工作报告\n——2012年1月6日在" + "日在上" * (UNIT * k // 3) + "x\n\n各位代表：\n", "report"


def _zero_width(k: int) -> tuple[str, str]:
    unit = "会\u200b议\u200c召\u2060开\ufeff。"
    return "2001年\n\n2001.3.5 " + unit * (UNIT * k // len(unit)) + "\n", "chronicle"


SHAPES: dict[str, Callable[[int], tuple[str, str]]] = {
    "chronicle": _chronicle,
    "long-line-chronicle": _long_line("chronicle"),
    "long-line-yearbook": _long_line("yearbook"),
    "long-line-report": _long_line("report"),
    "spaces": _spaces,
    "short-lines": _short_lines("续\n", "chronicle"),
    "short-lines-digits": _short_lines("1\n", "chronicle"),
    "short-lines-yearbook": _short_lines("续\n", "yearbook"),
    "short-lines-report": _short_lines("续\n", "report"),
    "dates-in-one-line": _dates_in_line,
    "headings": _headings,
    "nesting-parens": _brackets("（", "report"),
    "nesting-lenticular": _brackets("【", "yearbook"),
    "nesting-report-levels": _report_levels,
    "nesting-markdown": _markdown,
    "zero-width": _zero_width,
    "spaced-cjk": _mixed_line("中 ", "chronicle"),
    "ocr-candidates": _mixed_line("二O三■%。；0L6千米n日", "chronicle"),
    "sentence-dates": _mixed_line("。2001.3.5 ", "chronicle"),
    "entries-in-line": _mixed_line("【概况】内容。", "yearbook"),
    "toc-dots": _brackets(".", "yearbook"),
    "toc-ellipses": _brackets("…", "yearbook"),
    "toc-mixed-leaders": _brackets("…" * 7 + "..", "yearbook"),
    "meeting-subtitle": _meeting,
}


def parse_file(path: Path, genre: str) -> tuple[float, int]:
    """Run `fangzhi parse FILE --genre GENRE`; (seconds, lines of JSON output). Raises on failure."""
    start = time.perf_counter()
    result = CliRunner().invoke(main, ["parse", str(path), "--genre", genre])
    seconds = time.perf_counter() - start
    if result.exit_code != 0:
        raise RuntimeError(f"fangzhi parse {path} failed: {result.output[-500:]}")
    return seconds, result.output.count("\n")


def measure(shape: str, k: int, folder: Path) -> tuple[int, float]:
    """(characters, seconds) of parsing ``shape`` at size factor ``k``."""
    text, genre = SHAPES[shape](k)
    path = folder / f"{shape}-{k}.txt"
    path.write_text(text, "utf-8")
    try:
        seconds, _ = parse_file(path, genre)
    finally:
        path.unlink()
    return len(text), seconds


def report(shape: str, k: int, folder: Path) -> float:
    chars, seconds = measure(shape, k, folder)
    print(f"{shape:24} {k:5}× {chars:>11,} chars {seconds:8.2f} s {chars / seconds:>12,.0f} chars/s", flush=True)
    return seconds


def main_(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=sorted(SHAPES), help="one shape only")
    parser.add_argument("--big", action="store_true", help="also the chronicle at about 50 MB")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cwd = os.getcwd()
        os.chdir(folder)  # `fangzhi parse` writes nothing, but keep any cache out of the repository
        try:
            for shape in [args.shape] if args.shape else SHAPES:
                for k in ((1, 64) if shape == "chronicle" else (1, 8)):
                    report(shape, k, folder)
            if args.big:
                size = len(CHRONICLE.read_text("utf-8").encode("utf-8"))
                report("chronicle", 50_000_000 // size, folder)
        finally:
            os.chdir(cwd)


if __name__ == "__main__":
    main_(sys.argv[1:])
