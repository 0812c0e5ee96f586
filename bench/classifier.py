"""Topic accuracy: hand-labelled chronicle events, and held-out yearbook 条目.

Events: ``tests/corpus/topics/events.tsv`` (rules in the README beside it) labels
chronicle events of the three seed documents and of the chronicle corpus
(tests/corpus/chronicles/). No event is ever a training example: the classifier
learns from yearbook 条目 only. The set is cut in two by a hash of source and
line: ``dev`` (rules were tuned looking at its errors) and ``test`` (only its
score and the counts of its confusions were looked at). Each event is labelled as
the build labels it (``builder.enrich.annotate.event_decisions``): the body that
opens it, its words and the bodies it names, then the classifier, or nothing when
it is not confident. A close call (no topic clearly ahead: the first named of those
close decides) is published marked possible (可能). Printed: accuracy of the first
topic over all events (an event left without a topic counts as wrong), coverage,
and precision over the events given a topic — once with the close calls answered,
once with them as abstentions (no topic); the same by what decided; and the errors of each half counted
by gold topic, by topic given and by source (``--events`` lists the misses of ``dev``).

条目: every 条目 whose yearbook heading maps to a topic is a labelled example. Five
folds by a hash of the text (deterministic); each fold is predicted by a
classifier trained on the other four. Printed: accuracy against the innermost
heading's topic and against any topic its headings map to.

    python -m bench.classifier            # both
    python -m bench.classifier --events   # events only, with every miss
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from builder.enrich.annotate import DECIDED_BY, Taxonomy, TopicDecision, assign_ids, event_decisions, labelled_examples
from builder.enrich.classify import TopicClassifier, example_text
from builder.model.document import Event, Source
from builder.parse import parse_document
from builder.pipeline import Archive, load_archive
from builder.sources.load import decode
from builder.sources.normalise import compact, split_lines

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "tests" / "corpus" / "topics" / "events.tsv"
CORPUS = ROOT / "tests" / "corpus" / "chronicles"


@dataclass(frozen=True)
class Case:
    source: str
    line: int
    topic: str
    start: str
    text: str  # the event's text as the build sees it

    @property
    def part(self) -> str:
        """``dev`` or ``test``: a fixed half of the set, by a hash of source and line."""
        digest = hashlib.sha1(f"{self.source}:{self.line}".encode()).hexdigest()
        return "test" if int(digest, 16) % 2 else "dev"


def _hints() -> dict[str, dict[str, str]]:
    with (CORPUS / "hints.tsv").open(encoding="utf-8", newline="") as fh:
        return {r["id"]: r for r in csv.DictReader(fh, delimiter="\t")}


def _corpus_events(ident: str, hints: dict[str, dict[str, str]]) -> tuple[list[Event], list[str]]:
    """The parsed events of one corpus text (and its raw lines), read as bench/chronicles.py reads it."""
    path = CORPUS / f"{ident}.txt"
    hint = hints.get(ident, {})
    lines = split_lines(decode(path.read_bytes(), name=str(path)))
    source = Source(id=ident, file=path.name, title=ident, genre="chronicle", region="", years=(),
                    content_year=int(hint["content_year"]) if hint.get("content_year") else None,
                    content_month=int(hint["content_month"]) if hint.get("content_month") else None,
                    era=hint.get("era") or "")
    raw = [getattr(line, "text", str(line)) for line in lines]
    return parse_document(source, lines).events(), raw


def load_cases(archive: Archive) -> list[Case]:
    """Every labelled event with its text: the parsed event on that line that starts so, or
    (a corpus line the parser reads otherwise) the line itself from that start on."""
    by_source: dict[str, list[Event]] = {}
    for doc in archive.documents:
        assign_ids(doc)
        by_source[doc.source.id] = [n for n in doc.root.walk() if isinstance(n, Event)]
    raw: dict[str, list[str]] = {}
    hints = _hints()
    cases = []
    with EVENTS.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            source, line, start = r["source"], int(r["line"]), r["start"]
            if source not in by_source:
                by_source[source], raw[source] = _corpus_events(source, hints)
            event = next((e for e in by_source[source] if e.line == line and compact(e.text).startswith(start)), None)
            if event is not None:
                text = event.text
            else:
                whole = compact(raw.get(source, [""] * line)[line - 1])
                if start not in whole:
                    raise ValueError(f"{EVENTS.name}: {source}:{line}: no event starts with {start!r}")
                text = whole[whole.index(start):]
            cases.append(Case(source, line, r["topic"], start, text))
    return cases


def decide(archive: Archive, cases: list[Case]) -> list[TopicDecision]:
    """The build's topic decision for each case (the classifier trained on the archive's 条目)."""
    taxonomy = Taxonomy(archive.cfg.topics)
    for doc in archive.documents:
        assign_ids(doc)
    texts, labels = labelled_examples(archive.documents, taxonomy)
    clf = TopicClassifier().fit(texts, labels)
    return event_decisions([example_text("", c.text) for c in cases], taxonomy, clf)


def _scores(rows: list[tuple[Case, TopicDecision]]) -> dict[str, float]:
    given = [(c, d) for c, d in rows if d.topics]
    hits = sum(d.topics[0] == c.topic for c, d in given)
    return {"n": len(rows), "accuracy": hits / max(len(rows), 1), "coverage": len(given) / max(len(rows), 1),
            "precision": hits / max(len(given), 1)}


def abstaining(decisions: list[TopicDecision]) -> list[TopicDecision]:
    """The decisions with every close call (``TopicDecision.possible``, marked 可能 on the site) as no topic."""
    return [TopicDecision([], "none") if d.possible else d for d in decisions]


def event_accuracy(archive: Archive, cases: list[Case], *, show: bool = False,
                   decisions: list[TopicDecision] | None = None,
                   abstain: bool = False) -> dict[str, dict[str, float]]:
    """Accuracy, coverage and precision of the build's event topics on each half of the set: a close call
    counted as answered (its topic is published, marked possible), or with ``abstain`` as no topic."""
    got = decide(archive, cases) if decisions is None else decisions
    if abstain:
        got = abstaining(got)
    out = {part: _scores([(c, d) for c, d in zip(cases, got) if part in ("all", c.part)])
           for part in ("dev", "test", "all")}
    if show:
        for c, d in zip(cases, got):
            if c.part == "dev" and (not d.topics or d.topics[0] != c.topic):
                print(f"  {c.source[:22]:22} {c.line:5} gold {c.topic:9} got {(d.topics or ['-'])[0]:9} "
                      f"{d.how:11} {compact(c.text)[:46]}")
    return out


def print_breakdown(cases: list[Case], got: list[TopicDecision]) -> None:
    """Accuracy by what decided, and the errors of each half by gold topic, topic given and source."""
    print(f"{'decided by':14}" + "".join(f"{p + ' n/prec':>16}" for p in ("dev", "test")))
    for how in DECIDED_BY:
        cells = []
        for part in ("dev", "test"):
            rows = [(c, d) for c, d in zip(cases, got) if c.part == part and d.how == how]
            s = _scores(rows)
            cells.append(f"{len(rows):>8} {s['precision'] if how != 'none' else 0:>7.3f}")
        print(f"{how:14}" + "".join(cells))
    for part in ("dev", "test"):
        wrong = [(c, d) for c, d in zip(cases, got) if c.part == part and (not d.topics or d.topics[0] != c.topic)]
        print(f"errors of {part} ({len(wrong)}):")
        for name, key in (("gold", lambda c, d: c.topic), ("given", lambda c, d: (d.topics or ["-"])[0]),
                          ("pair", lambda c, d: f"{c.topic}→{(d.topics or ['-'])[0]}"),
                          ("source", lambda c, d: c.source.split("-")[0])):
            counts = Counter(key(c, d) for c, d in wrong)
            print(f"  by {name:7}" + ", ".join(f"{k} {n}" for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))))


def entry_accuracy(archive: Archive, *, show: bool = True) -> dict[str, float]:
    """5-fold top-1 accuracy on labelled 条目: the classifier's and the cue words', against the innermost
    heading's topic and against any topic of its headings."""
    taxonomy = Taxonomy(archive.cfg.topics)
    rows = []
    for doc in archive.documents:
        assign_ids(doc)
        for entry in doc.entries():
            gold = taxonomy.from_path(entry.path)
            if gold:
                text = taxonomy.for_classifier(example_text(entry.title, entry.full_text))
                rows.append((text, gold, doc.source.id))
    folds = [int(hashlib.sha1(r[0].encode("utf-8")).hexdigest(), 16) % 5 for r in rows]
    hits = hits_any = kw_hits = kw_any = 0
    started = time.perf_counter()
    for k in range(5):
        train = [r for r, f in zip(rows, folds) if f != k]
        test = [r for r, f in zip(rows, folds) if f == k]
        clf = TopicClassifier().fit([r[0] for r in train], [r[1][0] for r in train])
        for (text, gold, _), pred in zip(test, clf.predict([r[0] for r in test], top=1)):
            hits += pred[0] == gold[0]
            hits_any += pred[0] in gold
            kw = (taxonomy.from_text(text)[:1] or ["-"])[0]
            kw_hits += kw == gold[0]
            kw_any += kw in gold
    n = len(rows)
    scores = {"innermost": hits / n, "any": hits_any / n, "cue_innermost": kw_hits / n, "cue_any": kw_any / n}
    if not show:
        return scores
    print(f"labelled 条目: {n} from {len(Counter(r[2] for r in rows))} yearbooks, "
          f"{len(Counter(r[1][0] for r in rows))} topics; 5-fold, {time.perf_counter() - started:.1f} s")
    print(f"{'':24}{'innermost heading':>20}{'any heading':>14}")
    print(f"{'classifier (top-1)':24}{hits / n:>20.3f}{hits_any / n:>14.3f}")
    print(f"{'cue-word rules (top-1)':24}{kw_hits / n:>20.3f}{kw_any / n:>14.3f}")
    print(f"{'ratio':24}{hits / max(kw_hits, 1):>20.2f}{hits_any / max(kw_any, 1):>14.2f}")
    return scores


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", action="store_true", help="events only, listing the misses of the dev half")
    args = ap.parse_args()
    archive = load_archive(ROOT / "site_config", ROOT / "source_texts")
    cases = load_cases(archive)
    decisions = decide(archive, cases)
    scores = event_accuracy(archive, cases, show=args.events, decisions=decisions)
    print(f"labelled events: {len(cases)} ({Counter(c.part for c in cases)['test']} in the test half); "
          f"close calls: {sum(d.possible for d in decisions)}")
    for heading, table in (
        ("close calls ANSWERED (their topic counts, as the site shows it with a 可能 mark):", scores),
        ("close calls as ABSTENTIONS (no topic; a gold topic then counts wrong):",
         event_accuracy(archive, cases, decisions=decisions, abstain=True)),
    ):
        print(heading)
        print(f"  {'':10}{'accuracy':>10}{'coverage':>10}{'precision':>11}")
        for part, s in table.items():
            label = f"{part} ({s['n']:.0f})"
            print(f"  {label:10}{s['accuracy']:>10.3f}{s['coverage']:>10.3f}{s['precision']:>11.3f}")
    print_breakdown(cases, decisions)
    if not args.events:
        entry_accuracy(archive)


if __name__ == "__main__":
    main()
