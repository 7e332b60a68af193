"""A linear classifier with calibrated probabilities and per-class decision
thresholds tuned for macro-F1, both learned from out-of-fold decision values of
its own training data (it follows the estimator rules)."""
from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from pipeline.understand.compiled import log_proba

OFFSETS = np.round(np.arange(-2.0, 2.01, 0.1), 2)


def macro_f1(truth: np.ndarray, pred: np.ndarray, n_classes: int) -> float:
    """Macro-F1 over class indices ``0..n_classes-1`` (fast; classes absent from both count 0)."""
    f1s = []
    for c in range(n_classes):
        tp = np.sum((pred == c) & (truth == c))
        denom = np.sum(pred == c) + np.sum(truth == c)
        f1s.append(2 * tp / denom if denom else 0.0)
    return float(np.mean(f1s))


def tune_offsets(proba: np.ndarray, truth: np.ndarray, rounds: int = 3) -> np.ndarray:
    """Log-probability offsets per class that maximise macro-F1 of ``argmax(log p + offset)``
    (coordinate ascent over a grid; the offsets are centred on zero)."""
    logp = log_proba(proba)
    n = proba.shape[1]
    offsets = np.zeros(n)
    best = macro_f1(truth, np.argmax(logp, axis=1), n)
    for _ in range(rounds):
        improved = False
        for c in range(n):
            for value in OFFSETS:
                trial = offsets.copy()
                trial[c] = value
                score = macro_f1(truth, np.argmax(logp + trial, axis=1), n)
                if score > best + 1e-6:
                    best, offsets, improved = score, trial, True
        if not improved:
            break
    return offsets - offsets.mean()


class TunedThresholds(BaseEstimator, ClassifierMixin):
    """Wraps a linear classifier with a ``decision_function``. Out-of-fold decision
    values (``cv`` folds) fit a multinomial logistic calibrator (probabilities) and
    the per-class log-probability offsets; ``predict`` is ``argmax(log p + offset_)``.
    The wrapped estimator is then refitted on all rows (``estimator_``)."""

    def __init__(self, estimator: Any = None, cv: int = 3) -> None:
        self.estimator = estimator
        self.cv = cv

    def fit(self, X: Any, y: Any) -> "TunedThresholds":  # noqa: N803
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        folds = StratifiedKFold(self.cv, shuffle=True, random_state=42)
        oof = _as_matrix(cross_val_predict(clone(self.estimator), X, y, cv=folds, method="decision_function"))
        self.calibrator_ = LogisticRegression(C=1.0, max_iter=1000).fit(oof, y)
        self.offset_ = tune_offsets(self.calibrator_.predict_proba(oof), np.searchsorted(self.classes_, y))
        self.estimator_ = clone(self.estimator).fit(X, y)
        return self

    def decision_function(self, X: Any) -> np.ndarray:  # noqa: N803
        return _as_matrix(self.estimator_.decision_function(X))

    def predict_proba(self, X: Any) -> np.ndarray:  # noqa: N803
        return self.calibrator_.predict_proba(self.decision_function(X))

    def predict(self, X: Any) -> np.ndarray:  # noqa: N803
        return self.classes_[np.argmax(log_proba(self.predict_proba(X)) + self.offset_, axis=1)]


def _as_matrix(decision: np.ndarray) -> np.ndarray:
    """Decision values as a 2-D array (a binary classifier gives one column)."""
    return decision.reshape(len(decision), -1)
