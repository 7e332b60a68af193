"""scikit-learn steps for Vietnamese text (they follow the estimator rules:
no logic in ``__init__``, ``fit`` returns ``self``, learned state ends in ``_``);
the words and cues they read come from :mod:`pipeline.understand.prepared`.

Features are computed on the text *without* diacritics, after underthesea has
segmented the accented text: "bệnh viện quá tải" and "benh vien qua tai" then
meet on the same words ("benh_vien", "qua_tai") and character n-grams.

The models see the words of title and lead together, the title's words apart,
cue counts (rumour and denial, false cures, gratitude and praise,
complaint, casualties, shortages, calls to share).
"""
from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from pipeline.understand.prepared import CUES, cue_values, prepared_record


class _Stateless(BaseEstimator, TransformerMixin):
    """A transformer that learns nothing: fitted from the start."""

    def fit(self, X: Any, y: Any = None) -> "_Stateless":  # noqa: N803
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return True


class PreparedItems(_Stateless):
    """Strings or records in; records with the prepared words of title and lead out."""

    def transform(self, X: Any) -> np.ndarray:  # noqa: N803
        return np.array([prepared_record(item) for item in X], dtype=object)


class Field(_Stateless):
    """One field of the prepared records (for a vectorizer)."""

    def __init__(self, name: str = "text") -> None:
        self.name = name

    def transform(self, X: Any) -> list[str]:  # noqa: N803
        return [rec[self.name] for rec in X]


class CueFeatures(_Stateless):
    """log(1 + count) of each cue group. The kind of item and its engagement were tried
    as features and left out: in the gold they stand for the corpus (posts are ReINTEL,
    half of them false information; only ReINTEL has engagement), and they turned a
    thank-you post into false information."""

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.array([f"cue:{n}" for n in CUES], dtype=object)

    def transform(self, X: Any) -> sparse.csr_matrix:  # noqa: N803
        rows = [cue_values(rec["raw"]) for rec in X]
        return sparse.csr_matrix(np.array(rows, dtype=float).reshape(len(rows), len(CUES)))


class CompactTfidfVectorizer(TfidfVectorizer):
    """A ``TfidfVectorizer`` whose saved form is small: the vocabulary is kept as
    one newline-joined string (terms never hold a newline) instead of a large
    mapping, and ``stop_words_`` (only for introspection) is dropped."""

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        state.pop("stop_words_", None)
        vocabulary = state.pop("vocabulary_", None)
        if vocabulary is not None:
            state["vocabulary_terms_"] = "\n".join(sorted(vocabulary, key=vocabulary.__getitem__))
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        terms = state.pop("vocabulary_terms_", None)
        if terms is not None:
            state["vocabulary_"] = {term: i for i, term in enumerate(terms.split("\n"))}
        super().__setstate__(state)


def text_features(min_df: int = 2, max_words: int = 60_000, max_chars: int = 80_000) -> Pipeline:
    """Word 1–2-grams and character 2–5-grams of title and lead (TF-IDF), the title's
    words apart, and the cue counts. The words of title and lead come first: ``why``
    reads their weights."""
    return Pipeline([
        ("items", PreparedItems()),
        ("union", FeatureUnion([
            ("words", Pipeline([("field", Field("text")), ("tfidf", CompactTfidfVectorizer(
                token_pattern=r"[^\s]+", ngram_range=(1, 2), min_df=min_df, sublinear_tf=True,
                max_features=max_words))])),
            ("chars", Pipeline([("field", Field("text")), ("tfidf", CompactTfidfVectorizer(
                analyzer="char_wb", ngram_range=(2, 5), min_df=min_df, sublinear_tf=True,
                max_features=max_chars))])),
            ("title", Pipeline([("field", Field("title")), ("tfidf", CompactTfidfVectorizer(
                token_pattern=r"[^\s]+", min_df=min_df, sublinear_tf=True, max_features=20_000))])),
            ("cues", CueFeatures()),
        ])),
    ])
