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
import json
import logging
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .parsecache import write_atomic

MODEL_VERSION = "1"  # bump when the features or the model change: cached models are then retrained
PREDICTIONS_VERSION = "1"  # bump when ``predict`` changes: cached predictions are then recomputed
TITLE_WEIGHT = 3  # a 条目 title is repeated so its words weigh like a short summary


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return tuple(w for w in jieba.lcut(text) if w.strip())


def example_text(title: str, text: str) -> str:
    """The text the classifier sees for a record: its title, weighted, and its text."""
    return (f"{title}。" * TITLE_WEIGHT if title else "") + text


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return ""


@dataclass
class TopicClassifier:
    """A linear SVM over character n-grams and jieba words.

    ``fit_cached`` keeps trained models and their predictions under a cache
    folder, keyed by a digest of the training examples (and the versions that
    shape the features): a rebuild whose examples are unchanged neither trains
    nor loads the model (nor scikit-learn and jieba) unless a record's text is
    new, since each text's prediction is cached too.
    """

    min_examples: int = 50
    model: object | None = field(default=None, repr=False)
    digest: str = field(default="", init=False)  # of the examples the model learns from (fit_cached only)
    cache_dir: Path | None = field(default=None, init=False)
    _unloaded: tuple[list[str], list[str]] | None = field(default=None, init=False, repr=False)  # until first use

    def _can_learn(self, texts: list[str], labels: list[str]) -> bool:
        return len(texts) >= self.min_examples and len(set(labels)) >= 2

    def fit(self, texts: list[str], labels: list[str]) -> TopicClassifier:
        """Train on these examples now (nothing cached)."""
        self.digest, self.cache_dir, self._unloaded = "", None, None
        self.model = self._train(texts, labels)
        return self

    def _train(self, texts: list[str], labels: list[str]) -> object | None:
        if not self._can_learn(texts, labels):
            return None
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
        model = make_pipeline(features, LinearSVC(C=3.0, class_weight="balanced", random_state=0))
        model.fit(texts, labels)
        return model

    def fit_cached(self, texts: list[str], labels: list[str], cache_dir: Path | None) -> TopicClassifier:
        """``fit``, or the model trained on exactly these examples before (a rebuild
        after an unrelated edit does not retrain). Training is deterministic, so a cached
        model predicts what a fresh one would. The model is read (or trained) only when
        a prediction is not in the cache itself."""
        if cache_dir is None:
            return self.fit(texts, labels)
        self.digest = hashlib.sha256("\x1e".join([MODEL_VERSION, _version("scikit-learn"), *texts, "\x1d", *labels])
                                     .encode("utf-8")).hexdigest()
        self.cache_dir = cache_dir
        self.model = None
        self._unloaded = (texts, labels) if self._can_learn(texts, labels) else None
        return self

    def _model(self) -> object | None:
        """The model; a cached one is read (or trained and cached) on first use."""
        if self._unloaded is None or self.cache_dir is None:
            return self.model
        texts, labels = self._unloaded
        path = self.cache_dir / f"{self.digest}.pickle"
        self.model = None
        if path.exists():
            try:
                self.model = pickle.loads(path.read_bytes())
            except (pickle.UnpicklingError, EOFError, AttributeError, ImportError):
                pass
        if self.model is None:
            self.model = self._train(texts, labels)
            write_atomic(path, pickle.dumps(self.model))
        self._unloaded = None
        return self.model

    @property
    def trained(self) -> bool:
        return self.model is not None or self._unloaded is not None

    def predict(self, texts: Iterable[str], *, top: int = 2, margin: float = 0.25) -> list[list[str]]:
        """Best topic for each text, plus the runner-up when it scores within ``margin``.

        Each text is scored on its own, so a cached prediction (``fit_cached``) is
        the one the model would make now."""
        texts = list(texts)
        if not texts or not self.trained:
            return [[] for _ in texts]
        if self.cache_dir is None:
            return self._predict(texts, top, margin)
        salt = "\x1f".join([PREDICTIONS_VERSION, self.digest, _version("jieba"), str(top), repr(margin)])
        keys = [hashlib.sha256(f"{salt}\x1e{t}".encode()).hexdigest()[:32] for t in texts]
        path = self.cache_dir / f"{self.digest}.predictions.json"
        cached = _read_predictions(path)
        missing = {k: t for k, t in zip(keys, texts) if k not in cached}
        if missing:
            cached.update(zip(missing, self._predict(list(missing.values()), top, margin)))
            write_atomic(path, json.dumps(cached, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        return [list(cached[k]) for k in keys]

    def _predict(self, texts: list[str], top: int, margin: float) -> list[list[str]]:
        model = self._model()
        if model is None:
            return [[] for _ in texts]
        scores = model.decision_function(texts)  # type: ignore[attr-defined]
        classes = list(model.classes_)  # type: ignore[attr-defined]
        out = []
        for row in scores:
            ranked = sorted(range(len(classes)), key=lambda i: (-row[i], classes[i]))
            best = [classes[ranked[0]]]
            for i in ranked[1:top]:
                if row[ranked[0]] - row[i] <= margin:
                    best.append(classes[i])
            out.append([str(b) for b in best])
        return out


def _read_predictions(path: Path) -> dict[str, list[str]]:
    """Cached predictions by text key; an unreadable cache is an empty one."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, list) and all(isinstance(t, str) for t in v)}
