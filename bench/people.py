"""Precision and recall of the people finder on a hand-listed sample of mentions.

The sample is tests/corpus/people/mentions.tsv (its header gives the rules and the line ranges read):
officials named with an office in the seed texts and in the real chronicles of tests/corpus/. This
script runs the finder (``builder.enrich.people.people_by_line``, with site_config/entities.yml) over
the same files and line ranges and counts, per source and overall, a found mention as right when the
sample lists the same name on the same line. It prints precision, recall and how often the office
agrees (as printed, compared without spaces), then every miss and every wrong find.

    python bench/people.py            (exit 1 when precision or recall is below the goal)
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "corpus" / "people" / "mentions.tsv"
GOAL = 0.9

if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))


@dataclass
class Score:
    truth: set[tuple[int, str]] = field(default_factory=set)
    found: set[tuple[int, str]] = field(default_factory=set)
    offices_agree: int = 0

    @property
    def right(self) -> int:
        return len(self.truth & self.found)

    @property
    def precision(self) -> float:
        return self.right / len(self.found) if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.right / len(self.truth) if self.truth else 1.0


def load_sample(path: Path = SAMPLE) -> tuple[dict[str, tuple[int, int | None]], list[dict[str, str]]]:
    """The line ranges read (by source, glob patterns expanded) and the rows."""
    ranges: dict[str, tuple[int, int | None]] = {}
    lines = path.read_text("utf-8").splitlines()
    for line in lines:
        if line.startswith("# range\t"):
            _, pattern, span = line.split("\t")
            first, last = (1, None) if span == "all" else tuple(int(x) for x in span.split("-"))
            for file in sorted(ROOT.glob(pattern)):
                ranges[file.relative_to(ROOT).as_posix()] = (first, last)
    rows = list(csv.DictReader((x for x in lines if x and not x.startswith("#")), delimiter="\t"))
    return ranges, rows


def measure(path: Path = SAMPLE) -> dict[str, Score]:
    from builder.config.entities import load_entity_rules
    from builder.enrich.people import people_by_line

    rules = load_entity_rules(ROOT / "site_config" / "entities.yml")
    ranges, rows = load_sample(path)
    scores: dict[str, Score] = defaultdict(Score)
    offices: dict[tuple[str, int, str], str] = {}
    for row in rows:
        key = (int(row["line"]), row["name"])
        scores[row["source"]].truth.add(key)
        offices[(row["source"], *key)] = row["office"]
    for source, (first, last) in ranges.items():
        text = (ROOT / source).read_text("utf-8")
        score = scores[source]
        for line, mention in people_by_line(text, rules, first, last):
            key = (line, mention.name)
            if key in score.found:
                continue
            score.found.add(key)
            listed = offices.get((source, *key))
            office = dict(mention.attrs).get("office", "")
            if listed is not None and _plain(listed) == _plain(office):
                score.offices_agree += 1
    return dict(scores)


def _plain(office: str) -> str:
    return "".join(office.split()).replace("(", "（").replace(")", "）")


def total(scores: dict[str, Score]) -> Score:
    out = Score()
    for source, s in scores.items():
        out.truth |= {(source, *k) for k in s.truth}  # type: ignore[misc]
        out.found |= {(source, *k) for k in s.found}  # type: ignore[misc]
        out.offices_agree += s.offices_agree
    return out


def main() -> int:
    scores = measure()
    print(f"{'source':<72} {'listed':>6} {'found':>6} {'right':>6} {'prec':>6} {'recall':>6} {'office':>6}")
    groups: dict[str, dict[str, Score]] = defaultdict(dict)
    for source in sorted(scores):
        s = scores[source]
        groups["seeds" if source.startswith("source_texts/") else "corpus"][source] = s
        office = s.offices_agree / s.right if s.right else 1.0
        print(f"{source:<72} {len(s.truth):>6} {len(s.found):>6} {s.right:>6} "
              f"{s.precision:>6.2f} {s.recall:>6.2f} {office:>6.2f}")
    for name, group in (*sorted(groups.items()), ("all", scores)):
        t = total(group)
        office = t.offices_agree / t.right if t.right else 1.0
        print(f"{'== ' + name:<72} {len(t.truth):>6} {len(t.found):>6} {t.right:>6} "
              f"{t.precision:>6.2f} {t.recall:>6.2f} {office:>6.2f}")
    print("\nmissed (listed, not found):")
    for source, s in sorted(scores.items()):
        for line, name in sorted(s.truth - s.found):
            print(f"  {source}:{line} {name}")
    print("wrong (found, not listed):")
    for source, s in sorted(scores.items()):
        for line, name in sorted(s.found - s.truth):
            print(f"  {source}:{line} {name}")
    t = total(scores)
    return 0 if t.precision >= GOAL and t.recall >= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
