"""Topic classifier: top-1 accuracy on held-out yearbook 条目, against cue-word rules.

Every 条目 whose yearbook heading maps to a topic (site_config/topics.yml) is a
labelled example. Five folds by a hash of the text (deterministic); each fold is
predicted by a classifier trained on the other four. Prints accuracy against the
innermost heading's topic and against any topic its headings map to.

    python -m bench.classifier
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from pathlib import Path

from builder.enrich.annotate import Taxonomy, assign_ids
from builder.enrich.classify import TopicClassifier, example_text
from builder.pipeline import load_archive

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    archive = load_archive(ROOT / "site_config", ROOT / "source_texts")
    taxonomy = Taxonomy(archive.cfg.topics)
    rows = []
    for doc in archive.documents:
        assign_ids(doc)
        for entry in doc.entries():
            gold = taxonomy.from_path(entry.path)
            if gold:
                text = example_text(entry.title, entry.full_text)
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
    print(f"labelled 条目: {n} from {len(Counter(r[2] for r in rows))} yearbooks, "
          f"{len(Counter(r[1][0] for r in rows))} topics; 5-fold, {time.perf_counter() - started:.1f} s")
    print(f"{'':24}{'innermost heading':>20}{'any heading':>14}")
    print(f"{'classifier (top-1)':24}{hits / n:>20.3f}{hits_any / n:>14.3f}")
    print(f"{'cue-word rules (top-1)':24}{kw_hits / n:>20.3f}{kw_any / n:>14.3f}")
    print(f"{'ratio':24}{hits / max(kw_hits, 1):>20.2f}{hits_any / max(kw_any, 1):>14.2f}")


if __name__ == "__main__":
    main()
