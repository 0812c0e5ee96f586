"""Places tagged right, per text of the place corpus (tests/corpus/places/).

Each ``<id>.places.tsv`` lists by hand the places that the chronicle
``tests/corpus/chronicles/<id>.txt`` names: line, name as printed, code (the division code,
or the gazetteer id ``<code>-<first year>`` of a unit no longer in use; ``-`` where no
dataset has the unit: a 1962 区, a 公社 of a bare list, a 村 not added), note. Its header
gives the region and years an editor would write in sources.yml.

Each text is loaded as an archive of one document with exactly that one sources.yml
record (the shipped gazetteer, no regions.yml of its own), parsed and enriched as a build
does; then for every record the units it is tagged with (the document's own region left
out: every record carries it) are compared with the listed places of the record's lines.

* recall: listed places with a code whose unit is among the record's tags;
* precision: tags that are listed places of the record (a tag outside the document's
  province that is not listed counts as wrong, like any other);
* places with no code are counted apart (``nocode``): no gazetteer can tag them;
* places in page furniture are counted apart (``furn.``): a row whose fifth column is
  ``furniture`` names a place on a line that is not the chronicle's text (a forum's or site's
  name, a column header, an advertisement, a running head, the page's title) and that the parser
  keeps out of every record: it sends the line to the ledger, or keeps it as a block before the
  first record. Such a place is not "a place the chronicle names": it is neither a miss nor
  expected as a tag. The mark is checked against the parser: a row marked ``furniture`` whose
  line the parser puts in a record is scored like any other (and said so with ``--misses``).
  Line by line, a line holding a furniture row is left out (its rows and its tags).

    python bench/places.py            # the table
    python bench/places.py --misses   # and every miss and false tag
    python bench/places.py --corpus tests/corpus/places-unseen   # the second development set

A list names its text in its first line (``# hand-listed place names of tests/corpus/<dir>/<id>.txt``); a list
that does not is read against ``tests/corpus/chronicles/<id>.txt``.
"""

from __future__ import annotations

import argparse
import re
import sys
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from pathlib import Path

from builder.config.divisions import merge_regions
from builder.config.site import SiteConfig, source_region
from builder.enrich.annotate import Gazetteer, assign_ids, label_regions
from builder.model.document import Document, Entry, Event, Region, Section, Source
from builder.pipeline import load_archive
from builder.sources.normalise import compact

REPO = Path(__file__).resolve().parent.parent
CHRONICLES = REPO / "tests" / "corpus" / "chronicles"
PLACES = REPO / "tests" / "corpus" / "places"


@dataclass
class Truth:
    text_id: str
    region: str
    years: tuple[int, ...]
    rows: list[tuple[int, str, str, str]] = field(default_factory=list)  # line, name, code, note
    furniture: set[int] = field(default_factory=set)  # indexes of the rows marked ``furniture``
    text: Path | None = None  # the chronicle the list is of (None: tests/corpus/chronicles/<id>.txt)

    @property
    def path(self) -> Path:
        return self.text if self.text is not None else CHRONICLES / f"{self.text_id}.txt"


def read_truth(path: Path) -> Truth:
    region, years, rows, furniture, text = "", (), [], set(), None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# hand-listed place names of "):
            text = REPO / line.removeprefix("# hand-listed place names of ").strip()
        elif line.startswith("# region:"):
            region = line.split(":", 1)[1].strip()
        elif line.startswith("# years:"):
            years = tuple(int(y) for y in line.split(":", 1)[1].split())
        elif line and not line.startswith(("#", "line\t")):
            no, name, code, *rest = line.split("\t")
            if rest[1:2] == ["furniture"]:
                furniture.add(len(rows))
            rows.append((int(no), name, code, rest[0] if rest else ""))
    return Truth(path.name.removesuffix(".places.tsv"), region, years, rows, furniture, text)


def load_text(truth: Truth, regions: list[Region]) -> Document:
    """The chronicle as a one-record archive (region by name, as an editor would write it)."""
    folder = truth.path.parent
    source = Source(id="t", file=truth.path.name, title=truth.text_id, genre="chronicle",
                    region=truth.region, years=truth.years)
    source = replace(source, region=source_region(source, regions, folder))
    archive = load_archive(folder, folder, cfg=SiteConfig([source], regions, [], []))
    return archive.documents[0]


@dataclass
class Score:
    text_id: str
    listed: int = 0
    found: int = 0
    tags: int = 0
    right: int = 0
    nocode: int = 0
    furniture: int = 0
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.listed if self.listed else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.tags if self.tags else 1.0


def _matches(code: str, region: Region) -> bool:
    return code == region.id or ("-" not in code and code == region.code)


def _record_of(records: list, starts: list[int], line: int, name: str, code: str,
               listed: dict[int, list[tuple[str, str]]]) -> object | None:
    """The record a listed place of ``line`` belongs to: of the records that start on that line
    (several where days run on in one paragraph or two columns are read across) and the one
    that started before it and may run on into it, the first whose text holds the name and has
    not had that place listed yet (the same name twice on a line: two records), else the first
    that holds it, else the first that starts on the line (or the one running on); None before
    the first record."""
    k = bisect_right(starts, line)
    if k == 0:
        return None
    first = bisect_left(starts, line)
    on_line = records[first:k]
    running = [records[first - 1]] if first > 0 else []
    pool = on_line + running
    holding = [n for n in pool if name in compact(f"{getattr(n, 'title', '')} {n.full_text}")]
    fresh = [n for n in holding if all(c != code for c, _ in listed.get(id(n), []))]
    return (fresh or holding or on_line or running)[0]


def outside_records(doc: Document, first: int | None) -> set[int]:
    """The lines the parser keeps out of every record: those it sends whole to the ledger (not only
    markup stripped from them), and those before the first record (a block of text, or the ledger)."""
    lines = {d.line for d in doc.dropped if d.reason != "markup"}
    return lines | set(range(1, first if first is not None else 1))


def score_text(truth: Truth, gazetteer: Gazetteer, regions: list[Region]) -> Score:
    doc = load_text(truth, regions)
    assign_ids(doc)
    label_regions(doc, gazetteer)
    home = doc.source.region
    records = [n for n in doc.root.walk() if isinstance(n, (Event, Entry, Section)) and n.line]
    records.sort(key=lambda n: n.line)
    starts = [n.line for n in records]
    outside = outside_records(doc, starts[0] if starts else None)
    score = Score(truth.text_id)
    listed: dict[int, list[tuple[str, str]]] = {}  # by record: (code, name) of its listed places
    for i, (line, name, code, _) in enumerate(truth.rows):
        if i in truth.furniture:
            if line in outside:
                score.furniture += 1
                continue
            score.misses.append(f"{truth.text_id}:{line}: {name} marked furniture, but the parser puts the line "
                                "in a record: scored as text")
        node = _record_of(records, starts, line, name, code, listed)
        if code == "-":
            score.nocode += 1
            continue
        if home_code(gazetteer, home) == code:
            continue
        key = id(node) if node is not None else -line
        if any(c == code for c, _ in listed.get(key, [])):
            continue  # the same place twice in one record counts once
        listed.setdefault(key, []).append((code, name))
        score.listed += 1
        tagged = [gazetteer.by_id[r] for r in (node.regions if node is not None else []) if r in gazetteer.by_id]
        if any(_matches(code, r) for r in tagged):
            score.found += 1
        else:
            score.misses.append(f"{truth.text_id}:{line}: {name} ({code}) not tagged"
                                + ("" if node is not None else " (no record: text before the first one)"))
    for node in records:
        for rid in node.regions:
            if rid == home:
                continue
            region = gazetteer.by_id[rid]
            score.tags += 1
            if any(_matches(code, region) for code, _ in listed.get(id(node), [])):
                score.right += 1
            else:
                score.wrong.append(f"{truth.text_id}:{node.line}: tagged {region.name} ({region.id})")
    return score


def home_code(gazetteer: Gazetteer, home: str) -> str:
    return gazetteer.by_id[home].id if home in gazetteer.by_id else home


_YEAR = re.compile(r"(1[89]\d\d|20\d\d)年")


def score_lines(truth: Truth, gazetteer: Gazetteer, regions: list[Region]) -> Score:
    """The gazetteer alone, line by line (what each line names, with the year printed last at or
    before it), whatever the parser makes of the text: a measure that does not depend on
    the chronicle's events being found."""
    doc = load_text(truth, regions)
    home = doc.source.region
    lines = truth.path.read_text(encoding="utf-8").splitlines()
    year = truth.years[0] if truth.years else None
    tags: dict[int, list[str]] = {}
    for no, text in enumerate(lines, start=1):
        printed = _YEAR.findall(text)
        if printed and (not truth.years or int(printed[-1]) in truth.years):
            year = int(printed[-1])
        tags[no] = [r for r in gazetteer.mentions(text, home, year) if r != home]
    score = Score(truth.text_id)
    listed: dict[int, list[str]] = {}
    furniture_lines = {truth.rows[i][0] for i in truth.furniture}
    for line, name, code, _ in truth.rows:
        if line in furniture_lines:
            score.furniture += 1
            continue
        if code == "-":
            score.nocode += 1
            continue
        if home_code(gazetteer, home) == code:
            continue  # every record carries the document's region
        if code in listed.get(line, []):
            continue
        listed.setdefault(line, []).append(code)
        score.listed += 1
        if any(_matches(code, gazetteer.by_id[r]) for r in tags.get(line, [])):
            score.found += 1
        else:
            score.misses.append(f"{truth.text_id}:{line}: {name} ({code}) not tagged")
    for line, ids in tags.items():
        if line in furniture_lines:
            continue
        for rid in ids:
            score.tags += 1
            if any(_matches(code, gazetteer.by_id[rid]) for code in listed.get(line, [])):
                score.right += 1
            else:
                score.wrong.append(f"{truth.text_id}:{line}: tagged {gazetteer.by_id[rid].name} ({rid})")
    return score


def _table(title: str, scores: list[Score], show_misses: bool) -> None:
    print(f"{title:56} {'listed':>6} {'found':>5} {'recall':>6} {'tags':>4} {'right':>5} {'prec.':>5} {'nocode':>6} "
          f"{'furn.':>5}")
    total = Score("all", *(sum(getattr(s, k) for s in scores)
                           for k in ("listed", "found", "tags", "right", "nocode", "furniture")))
    for s in [*scores, total]:
        print(f"{s.text_id:56} {s.listed:6} {s.found:5} {s.recall:6.2f} {s.tags:4} {s.right:5} {s.precision:5.2f} "
              f"{s.nocode:6} {s.furniture:5}")
    print()
    if show_misses:
        for s in scores:
            for line in [*s.misses, *s.wrong]:
                print("  " + line)
        print()


def run(show_misses: bool = False, corpus: Path = PLACES) -> tuple[list[Score], list[Score]]:
    """Both measures for every text of ``corpus`` (a folder of ``*.places.tsv``): line by line (the
    gazetteer), then as built (records)."""
    regions = merge_regions([], [], where="(shipped)")
    gazetteer = Gazetteer(regions)
    truths = [read_truth(path) for path in sorted(corpus.glob("*.places.tsv"))]
    by_line = [score_lines(t, gazetteer, regions) for t in truths]
    built = [score_text(t, gazetteer, regions) for t in truths]
    _table("by line (the gazetteer)", by_line, show_misses)
    _table("as built (records the parser found)", built, show_misses)
    return by_line, built




if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--misses", action="store_true", help="list every miss and every wrong tag")
    ap.add_argument("--corpus", type=Path, default=PLACES, metavar="DIR",
                    help="the folder of *.places.tsv lists (default: tests/corpus/places)")
    args = ap.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"places: error: no such folder: {args.corpus}")
    run(args.misses, args.corpus)
    sys.exit(0)
