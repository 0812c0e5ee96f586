"""The topic classifier learns from the yearbooks' own headings and beats cue words on held-out 条目."""

from __future__ import annotations

import hashlib
from pathlib import Path

from builder.classify import TopicClassifier, example_text
from builder.enrich import Taxonomy, assign_ids
from builder.pipeline import load_and_parse

REPO = Path(__file__).resolve().parent.parent


def test_held_out_accuracy_one_fold():
    archive = load_and_parse(REPO / "site_config", REPO / "source_texts")
    taxonomy = Taxonomy(archive.cfg.topics)
    rows = []
    for doc in archive.documents:
        assign_ids(doc)
        rows += [(example_text(e.title, e.full_text), taxonomy.from_path(e.path)) for e in doc.entries()]
    rows = [r for r in rows if r[1]]
    held_out = [int(hashlib.sha1(r[0].encode("utf-8")).hexdigest(), 16) % 5 == 0 for r in rows]
    train = [r for r, h in zip(rows, held_out) if not h]
    test = [r for r, h in zip(rows, held_out) if h]
    clf = TopicClassifier().fit([r[0] for r in train], [r[1][0] for r in train])
    predicted = clf.predict([r[0] for r in test], top=1)
    accuracy = sum(p[0] in gold for p, (_, gold) in zip(predicted, test)) / len(test)
    cue_words = sum((taxonomy.from_text(t)[:1] or ["-"])[0] in gold for t, gold in test) / len(test)
    assert accuracy >= 0.82 and accuracy > 1.5 * cue_words, (accuracy, cue_words)


def test_untrained_classifier_predicts_nothing():
    clf = TopicClassifier().fit(["一条"], ["x"])
    assert not clf.trained and clf.predict(["文本"]) == [[]]
