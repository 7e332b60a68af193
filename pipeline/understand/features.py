"""scikit-learn steps for Vietnamese text (they follow the estimator rules:
no logic in ``__init__``, ``fit`` returns ``self``, learned state ends in ``_``).

Features are computed on the text *without* diacritics, after underthesea has
segmented the accented text: "bệnh viện quá tải" and "benh vien qua tai" then
meet on the same words ("benh_vien", "qua_tai") and character n-grams.

An item is a string ("title\nbody") or a record ``{"title", "lead", "kind",
"engagement"}``. The models see the words of title and lead together, the title's
words apart, cue counts (rumour and denial, false cures, gratitude and praise,
complaint, casualties, calls to share).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from pipeline.understand.geotag import gazetteer
from pipeline.understand.normalize import expand_abbreviations, normalize_text, strip_diacritics
from pipeline.understand.tokenize import segment


PLACE = "Địa danh"


@lru_cache(maxsize=4096)  # each model's pipeline and ``why`` prepare the same title and lead
def prepare(text: str) -> str:
    """Normalise, expand abbreviations and teencode, put one placeholder for every
    province name (a story means the same in any province), segment, lower-case and
    strip diacritics: the words the models see."""
    text = gazetteer().province_pattern.sub(PLACE, expand_abbreviations(normalize_text(text)))
    return strip_diacritics(segment(text))


LEAD_CHARS = 600
# Cue words, written without diacritics (they are matched on unaccented lower-case text).
CUES: dict[str, str] = {
    "rumour_denial": r"tin don|don thoi|bac bo|bac tin|sai su that|khong dung su that|chua duoc kiem chung|"
                     r"kiem chung|tin gia|thuc hu|that gia|khong co co so|bia dat|xuyen tac|thong tin sai|"
                     r"gia mao|mao danh|gia danh|lua dao|canh giac|khong co tac dung|chua co bang chung|"
                     r"khong co bang chung|tung tin|dang tin|lan truyen",
    "false_cure": r"chua khoi|chua dut|tri dut|dut diem|khoi han|than duoc|than ky|than thanh|bai thuoc|"
                  r"meo dan gian|dan gian|truyen mieng|thuoc nam|thuoc la|ngam ruou|bi truyen|phuong thuc la|"
                  r"tu chua|tu dieu tri|nho toi|nhet toi|trich mau|chich mau|thuc pham chuc nang|"
                  r"quang cao|tiet lo|bi mat|khong can thuoc|100%|thay thuoc|chua duoc",
    "gratitude_praise": r"cam on|biet on|tri an|tan tam|tan tuy|tan tinh|khen thuong|bang khen|tam guong|"
                        r"guong sang|dien hinh|vinh danh|ghi nhan|cuu song|hoi sinh|vuot can|thanh cong|"
                        r"xuat vien|khoi benh|hoi phuc|me tron con vuong|hien mau|hien tang|mien phi|"
                        r"tu thien|ung ho|tinh nguyen|sang kien|dau tien|ky tich|hat giong|cong hien",
    "complaint": r"buc xuc|phan nan|to cao|qua tai|nam ghep|thieu thuoc|thieu|cho doi|cho qua lau|tac trach|"
                 r"vo cam|hach sach|lam thu|thu sai|bo mac|that vong|keu cuu|sai sot|tac nghen|yeu kem|"
                 r"vi pham|xu phat|dinh chi|thu hoi|tieu huy|khong ro nguon goc|kem chat luong|"
                 r"te hai|tham hoa|boi thuong|khieu nai|tranh cai|phan doi|that trach|khong ai",
    "casualties": r"tu vong|chet|thiet mang|qua doi|nhap vien|cap cuu|nguy kich|hon me|ngo doc|"
                  r"ca mac|ca nhiem|bung phat|o dich|lay lan|tai bien|di chung|bien chung|nguy hiem",
    "share_call": r"chia se|share|chuyen tiep|moi nguoi (?:can|nen|hay|chu y|luu y)|ai (?:co|biet)|"
                  r"khan cap|cuc ky nguy hiem|ngay lap tuc|hay (?:gui|bao)|canh bao|luu y|\?|!",
}
_CUE_RES = {name: re.compile(rf"(?<![a-z0-9])(?:{pattern})", re.I) if not pattern.endswith("!")
            else re.compile(pattern) for name, pattern in CUES.items()}


def as_record(item: Any) -> dict[str, Any]:
    """A record from a record or a string ("title\nbody": news; one line or an empty
    title: a post)."""
    if isinstance(item, dict):
        return item
    title, _, body = str(item).partition("\n")
    if not body or not title.strip():
        return {"title": "", "lead": (body or title)[:LEAD_CHARS], "kind": "post", "engagement": 0.0}
    return {"title": title, "lead": body[:LEAD_CHARS], "kind": "news", "engagement": 0.0}


def cue_counts(text: str) -> dict[str, int]:
    """How often each cue group occurs in a text (accented or not)."""
    return dict(zip(_CUE_RES, _cue_tuple(text)))


@lru_cache(maxsize=4096)  # the three models count the cues of the same text
def _cue_tuple(text: str) -> tuple[int, ...]:
    plain = strip_diacritics(text.lower())
    return tuple(len(rx.findall(plain)) for rx in _CUE_RES.values())


class _Stateless(BaseEstimator, TransformerMixin):
    """A transformer that learns nothing: fitted from the start."""

    def fit(self, X: Any, y: Any = None) -> "_Stateless":  # noqa: N803
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return True


class PreparedItems(_Stateless):
    """Strings or records in; records with the prepared words of title and lead out."""

    def transform(self, X: Any) -> np.ndarray:  # noqa: N803
        out = []
        for rec in map(as_record, X):
            title, lead = prepare(str(rec.get("title") or "")), prepare(str(rec.get("lead") or ""))
            out.append({"text": f"{title} {lead}".strip(), "title": title,
                        "raw": f"{rec.get('title') or ''}\n{rec.get('lead') or ''}"})
        return np.array(out, dtype=object)


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
        rows = [[np.log1p(count) for count in cue_counts(rec["raw"]).values()] for rec in X]
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
