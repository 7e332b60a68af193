"""A trained model (:func:`pipeline.understand.train.make_classifier`) compiled to
plain numpy arrays — vocabularies, IDF vectors, the linear model's and the
calibration's coefficients, the tuned offsets — that give the same probabilities and
decisions without scikit-learn or scipy, which take most of a cold start to import.

Only :func:`compile_model` reads the scikit-learn pipeline (and imports it); the
compiled form is kept in the local cache (:func:`pipeline.understand.models.load_compiled`).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from pipeline.understand.prepared import CUES, cue_values, prepared_record

Row = tuple[np.ndarray, np.ndarray]  # column indices (ascending) and values of one text's features
_WHITE_SPACES = re.compile(r"\s\s+")


def log_proba(proba: np.ndarray) -> np.ndarray:
    """Log-probabilities, clipped at 1e-9: what the tuned per-class offsets are added to
    (``argmax(log p + offset)`` decides, in training and in classifying alike)."""
    return np.log(np.clip(proba, 1e-9, 1.0))


@dataclass
class Tfidf:
    """A fitted ``TfidfVectorizer`` (word or ``char_wb`` n-grams, sublinear or raw
    counts, L2 norm) reading one field of the prepared records
    (:func:`pipeline.understand.prepared.prepared_record`)."""

    source: str  # the field of the prepared records: "text" or "title"
    analyzer: str
    ngram_range: tuple[int, int]
    token_pattern: str
    lowercase: bool
    sublinear_tf: bool
    vocabulary: dict[str, int]
    idf: np.ndarray

    @property
    def width(self) -> int:
        """Number of columns."""
        return len(self.idf)

    def grams(self, doc: str) -> list[str]:
        """The n-grams of ``doc``, as scikit-learn's analyzer yields them."""
        if self.lowercase:
            doc = doc.lower()
        low, high = self.ngram_range
        if self.analyzer == "char_wb":
            out: list[str] = []
            add = out.append
            for word in _WHITE_SPACES.sub(" ", doc).split():
                word = f" {word} "
                length = len(word)
                for n in range(low, high + 1):
                    offset = 0
                    add(word[:n])
                    while offset + n < length:
                        offset += 1
                        add(word[offset:offset + n])
                    if offset == 0:  # a word no longer than n counts once
                        break
            return out
        tokens = re.findall(self.token_pattern, doc)  # compiled once, in re's cache
        out = list(tokens) if low == 1 else []
        for n in range(max(low, 2), min(high, len(tokens)) + 1):
            out.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
        return out

    def vector(self, doc: str) -> Row:
        """TF-IDF of ``doc``: the known n-grams' counts (1 + log when sublinear) times
        their IDF, scaled to unit length."""
        counts = Counter(self.grams(doc))
        known = list(counts.keys() & self.vocabulary.keys())
        columns = np.fromiter(map(self.vocabulary.__getitem__, known), dtype=np.intp, count=len(known))
        values = np.fromiter(map(counts.__getitem__, known), dtype=float, count=len(known))
        order = np.argsort(columns)
        columns, values = columns[order], values[order]
        if self.sublinear_tf:
            values = np.log(values) + 1.0
        values *= self.idf[columns]
        norm = math.sqrt(float(values @ values))
        return columns, values / norm if norm else values

    def row(self, rec: dict[str, str]) -> Row:
        """The features of one prepared record."""
        return self.vector(rec[self.source])

    def terms(self) -> list[str]:
        """The n-gram of each column."""
        names = [""] * self.width
        for term, column in self.vocabulary.items():
            names[column] = term
        return names


@dataclass
class Cues:
    """The cue features: log(1 + count) of each cue group."""

    width: int = len(CUES)

    def row(self, rec: dict[str, str]) -> Row:
        """The features of one prepared record."""
        return np.arange(self.width), cue_values(rec["raw"])


@dataclass
class CompiledModel:
    """Features, linear decision values, calibrated probabilities and tuned offsets of
    one model. ``classes_``, ``predict_proba`` and ``predict`` read as in scikit-learn."""

    classes_: np.ndarray
    blocks: list[Tfidf | Cues]  # in the order of the feature union's columns; the words first
    weights: np.ndarray  # (features, decision columns): the linear model's coefficients, transposed
    intercept: np.ndarray
    calibration_coef: np.ndarray
    calibration_intercept: np.ndarray
    offset: np.ndarray
    _terms: list[str] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def words(self) -> Tfidf:
        """The word n-grams of title and lead (what ``why`` reads)."""
        return cast(Tfidf, self.blocks[0])  # compile_model checks it

    def decision_function(self, items: list[Any]) -> np.ndarray:
        """The linear model's decision values, one row per item (string or record)."""
        out = np.tile(self.intercept, (len(items), 1))
        for i, rec in enumerate(map(prepared_record, items)):
            start = 0
            for block in self.blocks:
                columns, values = block.row(rec)
                out[i] += values @ self.weights[start + columns]
                start += block.width
        return out

    def predict_proba(self, items: list[Any]) -> np.ndarray:
        """Calibrated probabilities (columns in the order of ``classes_``)."""
        scores = self.decision_function(items) @ self.calibration_coef.T + self.calibration_intercept
        if scores.shape[1] == 1:  # binary: logistic of the one score
            positive = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            return np.stack([1.0 - positive, positive], axis=1)
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        return scores / scores.sum(axis=1, keepdims=True)

    def decision_scores(self, proba: np.ndarray) -> np.ndarray:
        """Log-probabilities plus the per-class offsets tuned for macro-F1 (argmax decides)."""
        return log_proba(proba) + self.offset

    def predict(self, items: list[Any]) -> np.ndarray:
        """The decided class of each item."""
        return self.classes_[np.argmax(self.decision_scores(self.predict_proba(items)), axis=1)]

    def pushed(self, prepared: str, label: str) -> list[tuple[float, str]]:
        """(weight, term) of the word n-grams of a prepared text that pushed ``label``."""
        if self.weights.shape[1] == 1:
            weights = self.weights[:, 0] if label == self.classes_[1] else -self.weights[:, 0]
        else:
            weights = self.weights[:, list(self.classes_).index(label)]
        if self._terms is None:
            self._terms = self.words.terms()
        columns, values = self.words.vector(prepared)
        contributions = values * weights[columns]
        return [(float(v), self._terms[c]) for c, v in zip(columns, contributions) if v > 0]


def compile_model(model: Any) -> CompiledModel:
    """The compiled form of a fitted ``Pipeline([("features", text_features()), ("clf",
    TunedThresholds(linear model))])``; raises ``TypeError`` for any other shape."""
    from pipeline.understand.features import CueFeatures, Field, PreparedItems

    features, tuned = model.named_steps["features"], model.named_steps["clf"]
    items, union = features.named_steps["items"], features.named_steps["union"]
    if not isinstance(items, PreparedItems) or union.transformer_weights is not None:
        raise TypeError(f"cannot compile features {features!r}")
    blocks: list[Tfidf | Cues] = []
    for _, part in union.transformer_list:
        if isinstance(part, CueFeatures):
            blocks.append(Cues())
            continue
        (_, source), (_, tfidf) = part.steps
        if not isinstance(source, Field):
            raise TypeError(f"cannot compile feature step {part!r}")
        blocks.append(_compile_tfidf(source.name, tfidf))
    if not isinstance(blocks[0], Tfidf) or blocks[0].source != "text":
        raise TypeError("the first features must be the words of title and lead")
    linear, calibrator = tuned.estimator_, tuned.calibrator_
    width = sum(block.width for block in blocks)
    if width != linear.coef_.shape[-1]:
        raise ValueError(f"the model has {linear.coef_.shape[-1]} features but this code makes {width} "
                         f"(it was trained with other cue groups): retrain with `duluan train`")
    return CompiledModel(
        classes_=np.asarray(tuned.classes_), blocks=blocks,
        weights=np.ascontiguousarray(np.asarray(linear.coef_, dtype=float).T),
        intercept=np.asarray(linear.intercept_, dtype=float).ravel(),
        calibration_coef=np.asarray(calibrator.coef_, dtype=float),
        calibration_intercept=np.asarray(calibrator.intercept_, dtype=float),
        offset=np.asarray(tuned.offset_, dtype=float))


def _compile_tfidf(source: str, tfidf: Any) -> Tfidf:
    params = tfidf.get_params()
    expected = {"input": "content", "preprocessor": None, "tokenizer": None, "stop_words": None,
                "strip_accents": None, "binary": False, "norm": "l2", "use_idf": True, "dtype": np.float64}
    wrong = [name for name, value in expected.items() if params[name] != value]
    if params["analyzer"] not in ("word", "char_wb"):
        wrong.append("analyzer")
    if wrong:
        raise TypeError(f"cannot compile {tfidf!r}: unsupported {', '.join(wrong)}")
    return Tfidf(source=source, analyzer=params["analyzer"], ngram_range=tuple(params["ngram_range"]),
                 token_pattern=params["token_pattern"], lowercase=params["lowercase"],
                 sublinear_tf=params["sublinear_tf"], vocabulary={str(t): int(c) for t, c in tfidf.vocabulary_.items()},
                 idf=np.asarray(tfidf.idf_, dtype=float))
