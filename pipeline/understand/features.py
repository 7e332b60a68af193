"""scikit-learn steps for Vietnamese text (they follow the estimator rules:
no logic in ``__init__``, ``fit`` returns ``self``, learned state ends in ``_``).

Features are computed on the text *without* diacritics, after underthesea has
segmented the accented text: "bệnh viện quá tải" and "benh vien qua tai" then
meet on the same words ("benh_vien", "qua_tai") and character n-grams.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from pipeline.understand.normalize import normalize_text, strip_diacritics
from pipeline.understand.tokenize import segment


def prepare(text: str) -> str:
    """Normalise, segment, lower-case and strip diacritics: the words the models see."""
    return strip_diacritics(segment(normalize_text(text)))


class VietnameseWords(BaseEstimator, TransformerMixin):
    """Raw text in, segmented unaccented words out (see :func:`prepare`)."""

    def fit(self, X: Any, y: Any = None) -> "VietnameseWords":  # noqa: N803
        return self

    def transform(self, X: Any) -> np.ndarray:  # noqa: N803
        return np.array([prepare(str(x)) for x in X], dtype=object)


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
    """Word 1–2-grams and character 2–5-grams of the prepared text, TF-IDF weighted."""
    return Pipeline([
        ("words_of", VietnameseWords()),
        ("union", FeatureUnion([
            ("words", CompactTfidfVectorizer(token_pattern=r"[^\s]+", ngram_range=(1, 2), min_df=min_df,
                                      sublinear_tf=True, max_features=max_words)),
            ("chars", CompactTfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=min_df,
                                      sublinear_tf=True, max_features=max_chars)),
        ])),
    ])
