"""Word segmentation with underthesea: "bệnh viện" is one word, "bệnh_viện".

>>> segment("Bệnh viện Đa khoa tỉnh Quảng Ngãi quá tải")
'bệnh_viện đa_khoa tỉnh quảng_ngãi quá_tải'
"""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _word_tokenize():  # noqa: ANN202 — underthesea is imported on first use (slow import)
    from underthesea import word_tokenize

    return word_tokenize


@lru_cache(maxsize=100_000)
def segment(text: str) -> str:
    """Lower-cased words joined by ``_`` inside, separated by spaces."""
    if not text.strip():
        return ""
    return _word_tokenize()(text, format="text").lower()
