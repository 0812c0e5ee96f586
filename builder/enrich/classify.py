"""Topic classifier trained on the yearbooks' own labels.

Yearbooks file every 条目 under a 部类/类目 and 分目; ``site_config/topics.yml``
maps those headings onto the archive's taxonomy, which turns each 条目 into a
labelled example (the innermost heading that maps wins). A linear SVM over
character 1–3-grams learns from them and labels what carries no heading of its
own (chronicle events and report sections) when what the text says does not
decide and the SVM is confident (builder/enrich/annotate.py, ``event_topics``).
``bench/classifier.py`` measures it on held-out 条目 and on hand-labelled events.

The features are TF-IDF weights (sublinear term frequency, smoothed IDF, rows
scaled to unit length) of the 50,000 most frequent character 1–3-grams. They
are computed with numpy over the texts laid end to end (``CharGrams``), not a
Python loop per character: at 1× this takes 0.2 s where scikit-learn's
analyzer took 1.4 s. Measured with bench/classifier.py (5-fold top-1 accuracy
against the innermost heading): jieba words and word pairs as extra features
gave 0.850 for twice the training time; 100,000 grams 0.849; 50,000 grams
0.851, and a looser SVM tolerance halves training at the same accuracy.

Without labelled examples (an archive with no yearbook) the classifier is not
trained and callers fall back to the taxonomy's cue words.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

from builder.files import read_verified, write_verified

MODEL_VERSION = "5"  # bump when the features or the model change: cached models are then retrained
PREDICTIONS_VERSION = "2"  # bump when ``predict`` changes: cached predictions are then recomputed
TITLE_WEIGHT = 3  # a 条目 title is repeated so its words weigh like a short summary
MAX_FEATURES = 50_000
SVM_TOLERANCE = 1e-2  # liblinear's default is 1e-4: the same held-out accuracy in half the training time
BATCH_CHARS = 1 << 21  # characters turned into features at once (bounds memory at any archive size)
_SPACES = re.compile(r"\s\s+")
_CODE_BITS = 21  # every code point + 1 fits in 21 bits, so a 3-gram key fits in 63
Weights = tuple[np.ndarray, np.ndarray, np.ndarray]  # (record, column, weight) of each gram that occurs


@dataclass
class CharGrams:
    """TF-IDF of character 1–3-grams; ``fit_transform`` learns the vocabulary and IDF."""

    max_features: int = MAX_FEATURES
    vocabulary: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False)  # sorted keys
    idf: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)

    @staticmethod
    def _grams(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(record number, gram key) of every 1-, 2- and 3-gram within each text."""
        texts = [_SPACES.sub(" ", t.lower()) for t in texts]
        codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.int64) + 1
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        owner = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        keys, rows = [codes], [owner]
        key = codes
        for n in (2, 3):
            m = len(codes) - n + 1
            if m <= 0:
                break
            key = (key[:m] << _CODE_BITS) | codes[n - 1:]
            within = owner[:m] == owner[n - 1:]
            keys.append(key[within])
            rows.append(owner[:m][within])
        return np.concatenate(rows), np.concatenate(keys)

    @staticmethod
    def _pairs(rows: np.ndarray, cols: np.ndarray, n_cols: int) -> Weights:
        """Each (record, column) that occurs once, in record order, with its count."""
        pairs, counts = np.unique(rows * max(n_cols, 1) + cols, return_counts=True)
        rows, cols = np.divmod(pairs, max(n_cols, 1))
        return rows, cols, counts

    def _weights(self, pairs: Weights) -> Weights:
        """Sublinear TF × IDF of each (record, gram) pair, each record scaled to unit length."""
        rows, cols, counts = pairs
        values = (1.0 + np.log(counts)) * self.idf[cols]
        norms = np.sqrt(np.bincount(rows, weights=values * values))
        return rows, cols, values / norms[rows]

    @staticmethod
    def _matrix(weights: Weights, n_rows: int, n_cols: int) -> object:
        from scipy import sparse

        rows, cols, values = weights
        return sparse.csr_matrix((values, (rows, cols)), shape=(n_rows, n_cols))

    def fit_transform(self, texts: list[str]) -> object:
        """Learn the vocabulary and IDF from ``texts``; their weights as a scipy CSR matrix (for training)."""
        rows, keys = self._grams(texts)
        unique, cols = np.unique(keys, return_inverse=True)
        rows, cols, counts = self._pairs(rows, cols, len(unique))
        df = np.bincount(cols, minlength=len(unique))
        keep = np.arange(len(unique))
        if len(unique) > self.max_features:  # the most frequent grams; ties by key, so the choice is fixed
            total = np.bincount(cols, weights=counts, minlength=len(unique))
            keep = np.sort(np.lexsort((unique, -total))[: self.max_features])
        self.vocabulary = unique[keep]
        self.idf = np.log((1.0 + len(texts)) / (1.0 + df[keep])) + 1.0
        column = np.full(len(unique), -1, dtype=np.int64)
        column[keep] = np.arange(len(keep))
        cols = column[cols]
        kept = cols >= 0
        weights = self._weights((rows[kept], cols[kept], counts[kept]))
        return self._matrix(weights, len(texts), len(self.vocabulary))

    def transform(self, texts: list[str]) -> object:
        """The weights of ``texts`` as a scipy CSR matrix."""
        return self._matrix(self.weights(texts), len(texts), len(self.vocabulary))

    def weights(self, texts: list[str]) -> Weights:
        """(record, column, weight) of every known gram in ``texts``, with numpy alone,
        ``BATCH_CHARS`` characters at a time."""
        parts: list[Weights] = []
        start, size = 0, 0
        for end, text in enumerate(texts, 1):
            size += len(text)
            if size >= BATCH_CHARS or end == len(texts):
                rows, cols, values = self._known(texts[start:end])
                parts.append((rows + start, cols, values))
                start, size = end, 0
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
        rows, cols, values = zip(*parts)
        return np.concatenate(rows), np.concatenate(cols), np.concatenate(values)

    def _known(self, texts: list[str]) -> Weights:
        rows, keys = self._grams(texts)
        cols = np.searchsorted(self.vocabulary, keys)
        cols[cols == len(self.vocabulary)] = 0
        known = self.vocabulary[cols] == keys if len(self.vocabulary) else np.zeros(len(keys), dtype=bool)
        return self._weights(self._pairs(rows[known], cols[known], len(self.vocabulary)))


@dataclass
class Model:
    """What is trained (and cached): the features and the SVM's weights.

    Scoring is a weighted sum per class over the grams that occur, with numpy
    alone (``decision_function``): a rebuild that scores a few changed texts
    with a cached model imports neither scikit-learn nor scipy."""

    features: CharGrams
    classes: list[str]
    coef: np.ndarray  # one row of weights per class (one row in all for two classes, as liblinear gives it)
    intercept: np.ndarray

    @classmethod
    def of(cls, features: CharGrams, svm: object) -> Model:
        return cls(features, [str(c) for c in svm.classes_], svm.coef_, svm.intercept_)  # type: ignore[attr-defined]

    def decision_function(self, texts: list[str]) -> np.ndarray:
        """A score per text and class (what scikit-learn's ``decision_function`` gives), with numpy alone."""
        rows, cols, values = self.features.weights(texts)
        scores = np.column_stack([np.bincount(rows, weights=values * w[cols], minlength=len(texts)) for w in self.coef])
        scores += self.intercept
        if len(self.classes) == 2:  # one score for the second class against the first
            scores = np.column_stack([-scores[:, 0], scores[:, 0]])
        return scores


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
    """A linear SVM over character n-grams (``CharGrams``).

    ``fit_cached`` keeps trained models and their predictions under a cache
    folder, keyed by a digest of the training examples (and the versions that
    shape the features): a rebuild whose examples are unchanged neither trains
    nor loads the model (nor scikit-learn) unless a record's text is
    new, since each text's prediction is cached too.
    """

    min_examples: int = 50
    model: Model | None = field(default=None, repr=False)
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

    def _train(self, texts: list[str], labels: list[str]) -> Model | None:
        if not self._can_learn(texts, labels):
            return None
        from sklearn.svm import LinearSVC

        features = CharGrams()
        svm = LinearSVC(C=3.0, class_weight="balanced", random_state=0, tol=SVM_TOLERANCE)
        return Model.of(features, svm.fit(features.fit_transform(texts), labels))

    def fit_cached(self, texts: list[str], labels: list[str], cache_dir: Path | None) -> TopicClassifier:
        """``fit``, or the model trained on exactly these examples before (a rebuild
        after an unrelated edit does not retrain). Training is deterministic, so a cached
        model predicts what a fresh one would. The model is read (or trained) only when
        a prediction is not in the cache itself."""
        if cache_dir is None:
            return self.fit(texts, labels)
        self.digest = hashlib.sha256("\x1e".join([MODEL_VERSION, _version("scikit-learn"), _version("numpy"),
                                                  *texts, "\x1d", *labels])
                                     .encode("utf-8")).hexdigest()
        self.cache_dir = cache_dir
        self.model = None
        self._unloaded = (texts, labels) if self._can_learn(texts, labels) else None
        return self

    def _model(self) -> Model | None:
        """The model; a cached one is read (or trained and cached) on first use."""
        if self._unloaded is None or self.cache_dir is None:
            return self.model
        texts, labels = self._unloaded
        path = self.cache_dir / f"{self.digest}.model.npz"
        self.model = _load_model(path)
        if self.model is None:
            self.model = self._train(texts, labels)
            if self.model is not None:
                write_verified(path, _dump_model(self.model))
        self._unloaded = None
        return self.model

    @property
    def trained(self) -> bool:
        return self.model is not None or self._unloaded is not None

    def predict(self, texts: Iterable[str], *, top: int = 2, margin: float = 0.25) -> list[list[str]]:
        """Best topic for each text, plus the runner-up when it scores within ``margin``.

        Each text is scored on its own, so a cached prediction (``fit_cached``) is
        the one the model would make now; a model already trained or cached scores with
        a sparse product (no scikit-learn)."""
        texts = list(texts)
        if not texts or not self.trained:
            return [[] for _ in texts]
        if self.cache_dir is None:  # trained by fit()
            return self._predict(texts, top, margin)
        salt = "\x1f".join([PREDICTIONS_VERSION, self.digest, str(top), repr(margin)])
        keys = [hashlib.sha256(f"{salt}\x1e{t}".encode()).hexdigest()[:32] for t in texts]
        path = self.cache_dir / f"{self.digest}.predictions.json"
        cached = _read_predictions(path)
        missing = {k: t for k, t in zip(keys, texts) if k not in cached}
        if missing:
            cached.update(zip(missing, self._predict(list(missing.values()), top, margin)))
            write_verified(path, json.dumps(cached, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        return [list(cached[k]) for k in keys]

    def _predict(self, texts: list[str], top: int, margin: float) -> list[list[str]]:
        model = self._model()
        if model is None:
            return [[] for _ in texts]
        unique = list(dict.fromkeys(texts))  # a reprinted text is scored once
        if len(unique) < len(texts):
            by_text = dict(zip(unique, self._predict(unique, top, margin)))
            return [list(by_text[t]) for t in texts]
        scores = model.decision_function(texts)
        classes = list(model.classes)
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
    """Cached predictions by text key; an unreadable or unverified cache is an empty one."""
    raw = read_verified(path)
    if raw is None:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, list) and all(isinstance(t, str) for t in v)}


def _dump_model(model: Model) -> bytes:
    """The model as an .npz of plain arrays (no pickle: ``_load_model`` reads it with allow_pickle=False)."""
    buf = io.BytesIO()
    np.savez(buf, max_features=np.int64(model.features.max_features), vocabulary=model.features.vocabulary,
             idf=model.features.idf, classes=np.array(model.classes, dtype=np.str_), coef=model.coef,
             intercept=model.intercept)
    return buf.getvalue()


def _load_model(path: Path) -> Model | None:
    """A cached model (verified by ``read_verified``), or None: a miss."""
    raw = read_verified(path)
    if raw is None:
        return None
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as data:
            features = CharGrams(int(data["max_features"]), data["vocabulary"], data["idf"])
            return Model(features, [str(c) for c in data["classes"]], data["coef"], data["intercept"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
