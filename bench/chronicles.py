"""How well the chronicle parser finds and dates the events of real chronicles (figures, not a test).

    python bench/chronicles.py                 # every text of tests/corpus/chronicles/
    python bench/chronicles.py --show ID       # and list the misses and wrong dates of one text

For each text with a hand-checked truth file (``<id>.truth.tsv``, labelled by the conventions in
``shared/notes/chronicle-truth-conventions.md``; provenance in ``SOURCES.md``) it prints: the events in
the truth file, the events the parser found, how many of the truth events it matched (same line, and
its text starts the way the truth file says), how many of those it dated exactly, the genre ``--genre
auto`` chose, and the error classes:

* ``missed``: a truth event with no parsed event on its line that starts with its text;
* ``extra``: a parsed event that matches no truth event (a header, a follow-up date, boilerplate …);
* ``year`` / ``month`` / ``day``: a matched event whose date differs first in that part;
* ``form``: the same start but another shape (a range read as a day, a 旬 or season missed …).

Dates are compared in the truth files' notation: ``YYYY-MM-DD``, ranges ``start/end``, 上旬/中旬/下旬 as
``~early``/``~mid``/``~late`` on the month, seasons ``~spring`` … on the year, an unknown part ``??``
(an unknown year ``????``).  An event whose year the text does not print (and no hint gives) is found
when its line and text match, but dated exactly only if the truth's date has the same known parts: an
unknown year against a truth year counts as a ``year`` error, never as dated.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from builder.model.document import DateSpec, Event, PartialDate, Source
from builder.parse import parse_document
from builder.parse.detect import detect_genre
from builder.sources.load import decode
from builder.sources.normalise import compact, split_lines

CORPUS = REPO / "tests" / "corpus" / "chronicles"
XUN = {"上旬": "early", "中旬": "mid", "下旬": "late"}
SEASONS = {"春": "spring", "夏": "summer", "秋": "autumn", "冬": "winter"}


@dataclass(frozen=True)
class Truth:
    line: int
    date: str
    start: str


@dataclass
class Result:
    id: str
    truth: int = 0
    found: int = 0
    matched: int = 0
    dated: int = 0
    genre: str = ""
    errors: Counter[str] = field(default_factory=Counter)
    details: list[str] = field(default_factory=list)


def read_truth(path: Path) -> list[Truth]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(fh, delimiter="\t")
        return [Truth(int(r["line"]), r["date"].strip(), compact(r["start_text"] or "")) for r in rows]


def _point(p: PartialDate) -> str:
    if p.year == 0:  # an unknown year (EDTF ``XXXX``): never equal to a truth year
        return "????" + p.iso()[4:]
    if p.year < 0:
        return f"-{-p.year:04d}" + p.iso()[len(str(p.year)):]
    return p.iso()


def truth_notation(spec: DateSpec) -> str:
    """The parser's date written as the truth files write dates."""
    if spec.precision == "unknown":
        return "????"
    if spec.calendar == "chinese" and spec.original:
        return spec.original
    if spec.start.month is None and spec.start.day is not None:
        return f"{_point(PartialDate(spec.start.year))}-??-{spec.start.day:02d}"
    if spec.qualifier in ("日期不详",) and spec.start.month is not None:
        return f"{_point(spec.start)}-??"
    if spec.qualifier in ("月份不详", "日期不详"):
        return f"{_point(PartialDate(spec.start.year))}-??-??"
    if spec.precision == "season" and spec.end is not None:
        a, b = spec.qualifier[0], spec.qualifier[-1]
        return f"{_point(spec.start)}~{SEASONS[a]}/{_point(spec.end)}~{SEASONS[b]}"
    if spec.end is not None:
        return f"{_point(spec.start)}/{_point(spec.end)}"
    if spec.precision == "xun" and spec.qualifier in XUN:
        return f"{_point(spec.start)}~{XUN[spec.qualifier]}"
    if spec.precision == "season" and spec.qualifier[:1] in SEASONS:
        return f"{_point(spec.start)}~{SEASONS[spec.qualifier[0]]}"
    return _point(spec.start)


def _first_difference(ours: str, truth: str) -> str:
    a, b = ours.split("/")[0].split("~")[0], truth.split("/")[0].split("~")[0]
    for part, (x, y) in zip(("year", "month", "day"), zip(a.split("-"), b.split("-"))):
        if x != y:
            return part
    return "form"


_PARTIAL_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]*$")
_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zü]{0,5}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]{0,4}\)")


def _starts(event: Event, start: str) -> bool:
    """The event's text starts as the truth says (pinyin glosses, which the parser's clean-up takes out, are
    compared without)."""
    text = _GLOSS.sub("", compact(event.text))
    start = _PARTIAL_GLOSS.sub("", _GLOSS.sub("", start))  # a gloss the 12 characters cut in half
    return bool(start) and (text.startswith(start[:6]) or start[:6] in text[:40])


def read_hints(corpus: Path) -> dict[str, dict[str, str]]:
    """What an editor would write in sources.yml for a text that does not print it (content_year,
    content_month, era), from ``hints.tsv`` beside the texts."""
    path = corpus / "hints.tsv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["id"]: r for r in csv.DictReader(fh, delimiter="\t")}


def measure(text_path: Path, hints: dict[str, dict[str, str]] | None = None) -> Result:
    ident = text_path.name.removesuffix(".txt")
    hint = (hints or {}).get(ident, {})
    res = Result(ident)
    truth = read_truth(text_path.with_name(ident + ".truth.tsv"))
    lines = split_lines(decode(text_path.read_bytes(), name=str(text_path)))
    res.genre = detect_genre(lines)
    source = Source(id=ident, file=text_path.name, title=ident, genre="chronicle", region="", years=(),
                    content_year=int(hint["content_year"]) if hint.get("content_year") else None,
                    content_month=int(hint["content_month"]) if hint.get("content_month") else None,
                    era=hint.get("era") or "")
    events = parse_document(source, lines).events()
    res.truth, res.found = len(truth), len(events)
    used: set[int] = set()
    for t in truth:
        candidates = [i for i, e in enumerate(events) if e.line == t.line and i not in used]
        hit = next((i for i in candidates if _starts(events[i], t.start)), None)
        if hit is None:
            res.errors["missed"] += 1
            res.details.append(f"  missed  {t.line}: {t.date} {t.start}")
            continue
        used.add(hit)
        res.matched += 1
        ours = truth_notation(events[hit].date)
        if ours == t.date:
            res.dated += 1
        else:
            kind = _first_difference(ours, t.date)
            res.errors[kind] += 1
            res.details.append(f"  {kind:<7} {t.line}: ours {ours}, truth {t.date} — {t.start}")
    extra = len(events) - len(used)
    if extra:
        res.errors["extra"] += extra
        for i, e in enumerate(events):
            if i not in used:
                res.details.append(f"  extra   {e.line}: {truth_notation(e.date)} {compact(e.text)[:16]}")
    return res


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "   — "


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", action="append", default=[], help="list the errors of this text (repeatable)")
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="a folder of texts with truth files "
                    "(tests/corpus/chronicles-unseen/ holds the texts the parser was not developed on)")
    ap.add_argument("--no-hints", action="store_true", help="ignore hints.tsv (what sources.yml would supply): "
                    "the parser then knows only what the text prints")
    args = ap.parse_args()
    hints = {} if args.no_hints else read_hints(args.corpus)
    results = [measure(p, hints) for p in sorted(args.corpus.glob("*.txt"))
               if p.with_suffix(".truth.tsv").exists()]
    head = f"{'text':<46} {'truth':>5} {'found':>5} {'match':>5} {'dated':>5} {'found%':>6} {'dated%':>6}  genre      errors"
    print(head)
    print("-" * len(head))
    for r in results:
        errors = ", ".join(f"{k} {v}" for k, v in sorted(r.errors.items()))
        print(f"{r.id[:46]:<46} {r.truth:>5} {r.found:>5} {r.matched:>5} {r.dated:>5} "
              f"{_pct(r.matched, r.truth)} {_pct(r.dated, r.truth)}  {r.genre:<10} {errors}")
    total = Result("all")
    for r in results:
        total.truth += r.truth
        total.found += r.found
        total.matched += r.matched
        total.dated += r.dated
        total.errors.update(r.errors)
    print("-" * len(head))
    errors = ", ".join(f"{k} {v}" for k, v in sorted(total.errors.items()))
    print(f"{'all ' + str(len(results)) + ' texts':<46} {total.truth:>5} {total.found:>5} {total.matched:>5} "
          f"{total.dated:>5} {_pct(total.matched, total.truth)} {_pct(total.dated, total.truth)}  "
          f"{sum(r.genre == 'chronicle' for r in results)}/{len(results)} chr  {errors}")
    print("goals: ≥ 98% found and ≥ 97% dated exactly on every text; genre right on all")
    for r in results:
        if r.id in args.show:
            print(f"\n{r.id}:")
            print("\n".join(r.details) or "  (no errors)")


if __name__ == "__main__":
    main()
