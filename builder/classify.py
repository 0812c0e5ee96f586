"""Topic classifier trained on the yearbooks' own labels.

Yearbooks file every 条目 under a 部类/类目 and 分目; ``site_config/topics.yml``
maps those headings onto the archive's taxonomy, which turns each 条目 into a
labelled example (the innermost heading that maps wins). A linear SVM over
character 1–3-grams and jieba words (unigrams and bigrams) learns from them and
labels what carries no heading of its own: chronicle events and report
sections. ``bench/classifier.py`` measures it on held-out 条目.

Features are character 1–3-grams (TF-IDF, the 100,000 most frequent) plus
jieba words and word pairs; the words add about 0.005 held-out accuracy for
half again the training time (measured with bench/classifier.py).

Without labelled examples (an archive with no yearbook) the classifier is not
trained and callers fall back to the taxonomy's cue words.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

MODEL_VERSION = "1"  # bump when the features or the model change: cached models are then retrained
TITLE_WEIGHT = 3  # a 条目 title is repeated so its words weigh like a short summary


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return tuple(w for w in jieba.lcut(text) if w.strip())


def example_text(title: str, text: str) -> str:
    """The text the classifier sees for a record: its title, weighted, and its text."""
    return (f"{title}。" * TITLE_WEIGHT if title else "") + text


@dataclass
class TopicClassifier:
    min_examples: int = 50
    model: object | None = field(default=None, repr=False)

    def fit(self, texts: list[str], labels: list[str]) -> TopicClassifier:
        if len(texts) < self.min_examples or len(set(labels)) < 2:
            self.model = None
            return self
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import FeatureUnion, make_pipeline
        from sklearn.svm import LinearSVC

        features = FeatureUnion(
            [
                ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True,
                                          max_features=100_000)),
                ("words", TfidfVectorizer(tokenizer=_words, token_pattern=None, lowercase=False, ngram_range=(1, 2),
                                          sublinear_tf=True)),
            ]
        )
        self.model = make_pipeline(features, LinearSVC(C=3.0, class_weight="balanced", random_state=0))
        self.model.fit(texts, labels)  # type: ignore[attr-defined]
        return self

    def fit_cached(self, texts: list[str], labels: list[str], cache_dir: Path | None) -> TopicClassifier:
        """``fit``, or load the model trained on exactly these examples before (a rebuild
        after an unrelated edit does not retrain). Training is deterministic, so a cached
        model predicts what a fresh one would."""
        if cache_dir is None:
            return self.fit(texts, labels)
        import sklearn

        digest = hashlib.sha256("\x1e".join([MODEL_VERSION, sklearn.__version__, *texts, "\x1d", *labels])
                                .encode("utf-8")).hexdigest()
        path = cache_dir / f"{digest}.pickle"
        if path.exists():
            try:
                self.model = pickle.loads(path.read_bytes())
                return self
            except (pickle.UnpicklingError, EOFError, AttributeError, ImportError):
                pass
        self.fit(texts, labels)
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(self.model))
        tmp.replace(path)
        return self

    @property
    def trained(self) -> bool:
        return self.model is not None

    def predict(self, texts: Iterable[str], *, top: int = 2, margin: float = 0.25) -> list[list[str]]:
        """Best topic for each text, plus the runner-up when it scores within ``margin``."""
        texts = list(texts)
        if not texts or self.model is None:
            return [[] for _ in texts]
        scores = self.model.decision_function(texts)  # type: ignore[attr-defined]
        classes = list(self.model.classes_)  # type: ignore[attr-defined]
        out = []
        for row in scores:
            ranked = sorted(range(len(classes)), key=lambda i: (-row[i], classes[i]))
            best = [classes[ranked[0]]]
            for i in ranked[1:top]:
                if row[ranked[0]] - row[i] <= margin:
                    best.append(classes[i])
            out.append([str(b) for b in best])
        return out
