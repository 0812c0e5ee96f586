"""``fangzhi check``'s unknown-region warnings against hand labels: are they place names, and are the
places no dataset has among them?

The archives: the seed archive (site_config/ and source_texts/ of the repository, as ``fangzhi check``
reads them) and each chronicle of the place corpus (tests/corpus/places/, tests/corpus/places-unseen/)
loaded as a one-document archive with the region and years of its list's header and the shipped
gazetteer (as bench/places.py loads it).

The labels are tests/corpus/check/unknown-region.tsv (rules in its README): one row per archive and name,

* ``place``: a warning that is a real place name the gazetteer did not resolve (a warning wanted);
* ``not``: a warning that is no place name (a warning to lose);
* ``expected``: a place that the place corpus lists with code ``-`` (no dataset has it): check should
  warn of it when the text names it.

Figures per archive and in total:

* precision: warnings labelled ``place`` / warnings labelled (a warning with no label is listed, so
  that it is labelled, and left out of the ratio); ``strict``: the same with a name cut a character
  wrong (``bnd``: a ``place`` whose note begins ``boundary``) counted as not a place;
* recall: ``expected`` places that are warned (the name, or the name followed by a unit: 苴林 → 苴林区);
* kept: the places ever labelled ``place`` that are still warned (what a filter has lost).

Then a guard that needs no labels: every name of the shipped gazetteer's units (3–6 characters, ending in
a unit word) put in a neutral sentence (会议在…召开) and the share of them the shape finds (``_place_like``):
a rule that drops real names shows here first.

    python bench/check_regions.py             # the table
    python bench/check_regions.py --list      # and every warning with its label, every miss
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.places import Truth, load_text, read_truth
from builder.check import _UNIT_END, _place_like, region_findings, run_check
from builder.config.divisions import merge_regions
from builder.enrich.annotate import Gazetteer, quiet_jieba

CORPORA = (REPO / "tests" / "corpus" / "places", REPO / "tests" / "corpus" / "places-unseen")
LABELS = REPO / "tests" / "corpus" / "check" / "unknown-region.tsv"
SEED = "seed"
TEXTS = (REPO / "tests" / "corpus" / "chronicles", REPO / "tests" / "corpus" / "chronicles-unseen")
# the province a text's id starts with (the chronicles no place list covers are loaded as about it)
PROVINCES = {"anhui": "安徽省", "fujian": "福建省", "gansu": "甘肃省", "guangdong": "广东省", "guangxi": "广西壮族自治区",
             "guizhou": "贵州省", "hebei": "河北省", "heilongjiang": "黑龙江省", "henan": "河南省", "hubei": "湖北省",
             "hunan": "湖南省", "jiangsu": "江苏省", "jiangxi": "江西省", "jilin": "吉林省", "neimenggu": "内蒙古自治区",
             "shaanxi": "陕西省", "shandong": "山东省", "shanxi": "山西省", "sichuan": "四川省", "taiwan": "台湾省",
             "yunnan": "云南省", "zhejiang": "浙江省", "shanghai": "上海市"}


@dataclass(frozen=True)
class Warned:
    archive: str
    file: str
    line: int
    name: str


@dataclass(frozen=True)
class Label:
    archive: str
    name: str
    label: str  # place | not | expected
    line: int
    note: str


@dataclass
class Score:
    archive: str
    warnings: int = 0
    places: int = 0
    boundary: int = 0  # of the places, those cut a character off or with one extra (note ``boundary: …``)
    nots: int = 0
    unlabelled: int = 0
    expected: int = 0
    warned: int = 0
    labelled_places: int = 0
    kept: int = 0
    lines: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.places / (self.places + self.nots) if self.places + self.nots else 1.0

    @property
    def strict(self) -> float:
        """Precision counting a name cut wrong as not a place."""
        return (self.places - self.boundary) / (self.places + self.nots) if self.places + self.nots else 1.0

    @property
    def recall(self) -> float:
        return self.warned / self.expected if self.expected else 1.0


def _name(message: str) -> str:
    return message.split(":", 1)[0]


def seed_warnings() -> list[Warned]:
    report = run_check(REPO / "site_config", REPO / "source_texts")
    return [Warned(SEED, f.file, f.line, _name(f.message)) for f in report.findings if f.kind == "unknown-region"]


def listed() -> list[Truth]:
    """The chronicles of the place corpus, with the region and years of their lists."""
    return [read_truth(p) for c in CORPORA for p in sorted(c.glob("*.places.tsv"))]


def unlisted() -> list[Truth]:
    """The other chronicles of tests/corpus (no place list): each as about its province, years not given
    (a text about the whole country is left out)."""
    have = {t.text_id for t in listed()}
    out = []
    for folder in TEXTS:
        for path in sorted(folder.glob("*.txt")):
            text_id = path.stem
            province = PROVINCES.get(text_id.split("-")[0])
            if text_id not in have and province:
                out.append(Truth(text_id, province, (), text=path))
    return out


def corpus_warnings(truths: list[Truth]) -> list[Warned]:
    regions = merge_regions([], [], where="(shipped)")
    gazetteer = Gazetteer(regions)
    out = []
    for truth in truths:
        doc = load_text(truth, regions)
        out.extend(Warned(truth.text_id, truth.path.name, f.line, _name(f.message))
                   for f in region_findings(doc, gazetteer))
    return out


def archives() -> list[str]:
    return [SEED, *(t.text_id for t in listed())]


def read_labels(path: Path = LABELS) -> list[Label]:
    out = []
    for row in path.read_text(encoding="utf-8").splitlines():
        if not row or row.startswith(("#", "archive\t")):
            continue
        archive, name, label, line, *note = row.split("\t")
        if label not in ("place", "not", "expected"):
            raise SystemExit(f"check_regions: {path}: bad label {label!r} in {row!r}")
        out.append(Label(archive, name, label, int(line or 0), note[0] if note else ""))
    return out


def _warns(expected: str, names: set[str]) -> bool:
    return expected in names or any(n.startswith(expected) and n[len(expected):] in _UNIT_END for n in names)


def score(warnings: list[Warned], labels: list[Label], names: list[str]) -> list[Score]:
    by_key = {(lb.archive, lb.name): lb for lb in labels if lb.label != "expected"}
    scores = []
    for archive in names:
        s = Score(archive)
        mine = [w for w in warnings if w.archive == archive]
        names = {w.name for w in mine}
        for w in mine:
            s.warnings += 1
            lb = by_key.get((archive, w.name))
            if lb is None:
                s.unlabelled += 1
                s.lines.append(f"  UNLABELLED {archive}\t{w.name}\t?\t{w.line}\t{w.file}")
            elif lb.label == "place":
                s.places += 1
                s.boundary += lb.note.startswith("boundary")
                s.lines.append(f"  place      {archive}:{w.line} {w.name}")
            else:
                s.nots += 1
                s.lines.append(f"  NOT        {archive}:{w.line} {w.name}  ({lb.note})")
        for lb in labels:
            if lb.archive != archive:
                continue
            if lb.label == "expected":
                s.expected += 1
                if _warns(lb.name, names):
                    s.warned += 1
                else:
                    s.lines.append(f"  MISSED     {archive}:{lb.line} {lb.name}  ({lb.note})")
            elif lb.label == "place":
                s.labelled_places += 1
                if lb.name in names:
                    s.kept += 1
                else:
                    s.lines.append(f"  LOST       {archive}:{lb.line} {lb.name}")
        scores.append(s)
    return scores


def table(scores: list[Score], show: bool) -> Score:
    print(f"{'archive':58} {'warn':>4} {'place':>5} {'bnd':>3} {'not':>3} {'unlab':>5} {'prec.':>5} {'strict':>6} "
          f"{'expect':>6} {'warned':>6} {'recall':>6} {'kept':>7}")
    total = Score("all", *(sum(getattr(s, k) for s in scores) for k in
                           ("warnings", "places", "boundary", "nots", "unlabelled", "expected", "warned",
                            "labelled_places", "kept")))
    for s in [*scores, total]:
        print(f"{s.archive:58} {s.warnings:4} {s.places:5} {s.boundary:3} {s.nots:3} {s.unlabelled:5} {s.precision:5.2f} "
              f"{s.strict:6.2f} {s.expected:6} {s.warned:6} {s.recall:6.2f} {s.kept:3}/{s.labelled_places:<3}")
    if show:
        print()
        for s in scores:
            for line in s.lines:
                print(line)
    return total


def gazetteer_shape() -> tuple[int, list[str]]:
    """How many of the gazetteer's unit names the shape finds in a neutral sentence; the names it misses."""
    import jieba.posseg

    freqs, tags = quiet_jieba().dt.FREQ, jieba.posseg.dt.word_tag_tab
    names = sorted({r.name for r in merge_regions([], [], where="(shipped)")
                    if r.name.endswith(_UNIT_END) and 3 <= len(r.name) <= 6})
    missed = [n for n in names if n not in set(_place_like(f"会议在{n}召开", tags, freqs))]
    return len(names), missed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--list", action="store_true", help="every warning with its label, every expected place missed")
    args = ap.parse_args()
    labels = read_labels() if LABELS.exists() else []
    print("The seed archive and the chronicles of the place corpus (the rules were made on these):")
    table(score(seed_warnings() + corpus_warnings(listed()), labels, archives()), args.list)
    extra = unlisted()
    print("\nThe other chronicles of tests/corpus, each as about its province (labelled after the rules were made):")
    table(score(corpus_warnings(extra), labels, [t.text_id for t in extra]), args.list)
    total, missed = gazetteer_shape()
    print(f"\nGazetteer names found by the shape (会议在…召开): {total - len(missed)}/{total} = "
          f"{1 - len(missed) / total:.3f}")
    if args.list:
        print("  missed, e.g.: " + " ".join(missed[:: max(1, len(missed) // 40)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
