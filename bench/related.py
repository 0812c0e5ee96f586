"""How many of the "相关记录" shown under a record a reader would call related.

The hand-judged sample is tests/related_sample.tsv (its header gives the judging rules): every
link the earlier method showed under 52 records, each judged 1 (related) or 0. This script builds
the links of the current archive (load, enrich) and prints, for the records of the sample:

* before: the share of the earlier method's links judged related (the sample itself);
* now: how many links the current method shows under those records, and the share of them
  judged related; a shown link the sample does not judge is listed (judge it and add it);
* how many of the links judged related the current method still shows.

    python bench/related.py          (exit 1 if a shown link is unjudged or the share is < 80 %)
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "related_sample.tsv"
GOAL = 0.8


def load_sample(path: Path = SAMPLE) -> dict[tuple[str, str], bool]:
    rows = [line for line in path.read_text("utf-8").splitlines() if line and not line.startswith("#")]
    reader = csv.DictReader(rows, delimiter="\t")
    return {(r["record"], r["related"]): r["judged"] == "1" for r in reader}


def measure(related: dict[str, list[str]], sample: dict[tuple[str, str], bool]) -> dict[str, object]:
    records = {a for a, _ in sample}
    shown = [(a, b) for a in sorted(records) for b in related.get(a, [])]
    judged = [p for p in shown if p in sample]
    good = sum(sample[p] for p in judged)
    return {
        "records": len(records),
        "before": (sum(sample.values()), len(sample)),
        "shown": len(shown),
        "good": good,
        "unjudged": [p for p in shown if p not in sample],
        "kept": (sum(1 for p, ok in sample.items() if ok and p in set(shown)), sum(sample.values())),
        "share": good / len(shown) if shown else None,
    }


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from builder.pipeline import enrich_archive, load_archive

    archive = load_archive(ROOT / "site_config", ROOT / "source_texts", cache_dir=ROOT / ".fangzhi-cache" / "parse")
    enrich_archive(archive, ROOT / ".fangzhi-cache" / "classifier")
    assert archive.links is not None
    m = measure(archive.links.related, load_sample())
    good_before, all_before = m["before"]  # type: ignore[misc]
    print(f"sample: {m['records']} records, {all_before} links judged by hand")
    print(f"before: {good_before}/{all_before} judged related ({good_before / all_before:.0%})")
    if m["share"] is None:
        print("now: no related record shown under these records (none is good enough)")
    else:
        print(f"now: {m['good']}/{m['shown']} shown links judged related ({m['share']:.0%})")
    kept, related = m["kept"]  # type: ignore[misc]
    print(f"links judged related still shown: {kept}/{related}")
    print(f"records with related records in the whole archive: {len(archive.links.related)}")
    for a, b in m["unjudged"]:  # type: ignore[attr-defined]
        print(f"unjudged: {a}\t{b}")
    return 1 if m["unjudged"] or (m["share"] is not None and m["share"] < GOAL) else 0


if __name__ == "__main__":
    raise SystemExit(main())
