"""False information and its rebuttals.

A false-information story is linked to the official denials and corrections
that follow it: documents of the window, published after the story began,
that deny or correct ("bác bỏ", "sai sự thật", "đính chính", a fine for
spreading false news) in the voice of an authority (Sở Y tế, Bộ Y tế, CDC, the
police, a people's committee, or an official source), and whose text is close
to the claim (TF-IDF cosine of the unaccented texts).

Status ``chua_bac_bo`` until one is found, then ``da_bac_bo`` with the hours
from the story's first document to the first denial; a story whose claim is
still published after its denial is ``still_spreading`` ("vẫn lan truyền sau
khi bác bỏ").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from pipeline.common.options import RebuttalOptions
from pipeline.store.records import Mention, Story
from pipeline.understand.normalize import expand_abbreviations, strip_diacritics

NOT_REBUTTED, REBUTTED = "chua_bac_bo", "da_bac_bo"
_DENIAL = re.compile(
    r"\b(?:bác bỏ|bác tin|sai sự thật|không đúng sự thật|thông tin sai|tin giả|tin đồn|không có cơ sở|"
    r"không có căn cứ|chưa có bằng chứng|không có bằng chứng|đính chính|cải chính|phủ nhận|khẳng định không|"
    r"giả mạo|xử phạt[^.]{0,60}(?:đăng|chia sẻ|lan truyền|tung)|phạt[^.]{0,40}(?:tin sai|tin giả|sai sự thật))",
    re.I)
_DENIAL_WORDS = ("bác", "sai", "tin giả", "tin đồn", "cơ sở", "căn cứ", "bằng chứng", "chính", "phủ nhận",
                 "khẳng định không", "giả mạo", "phạt")
_AUTHORITY = re.compile(r"\b(?:Sở Y tế|Bộ Y tế|CDC|Trung tâm Kiểm soát bệnh tật|Công an|UBND|Ủy ban nhân dân|"
                        r"Cục An toàn thực phẩm|Cục Quản lý|Viện Pasteur|Viện Vệ sinh|Bệnh viện)", re.I)


@dataclass
class Rebuttal:
    """The official denials linked to one false-information story so far."""

    status: str = NOT_REBUTTED
    documents: list[Mention] = field(default_factory=list)
    hours_to_rebuttal: float | None = None
    still_spreading: bool = False


def is_denial(m: Mention) -> bool:
    """Whether a document denies or corrects something in an authority's voice."""
    text = f"{m.title}. {m.lead}"
    low = text.lower()
    if not any(w in low for w in _DENIAL_WORDS):  # most documents: no need for the patterns
        return False
    return bool(_DENIAL.search(text)) and bool(_AUTHORITY.search(text) or _AUTHORITY.search(m.source_name))


def _text(m: Mention) -> str:
    return strip_diacritics(expand_abbreviations(f"{m.title} {m.title} {m.lead}")).lower()


def link_rebuttals(stories: list[Story], options: RebuttalOptions, false_information: str) -> dict[str, Rebuttal]:
    """A :class:`Rebuttal` for every story whose signal is ``false_information``, by story id."""
    false = [s for s in stories if s.signal == false_information]
    if not false:
        return {}
    denials = [m for s in stories for m in s.mentions if is_denial(m)]
    denial_ids = {m.id for m in denials}
    claims = [" ".join(_text(m) for m in s.mentions if m.id not in denial_ids) or _text(s.mentions[0])
              for s in false]
    result = {s.id: Rebuttal() for s in false}
    if not denials:
        return result
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w\w+\b")
    try:
        x = vectorizer.fit_transform(claims + [_text(m) for m in denials])
    except ValueError:  # nothing but stop-like words
        return result
    similarity = np.asarray((x[:len(false)] @ x[len(false):].T).todense())
    for row, story in enumerate(false):
        claim_docs = [m for m in story.mentions if m.id not in denial_ids] or story.mentions[:1]
        start = claim_docs[0].published_at
        linked = sorted((m for col, m in enumerate(denials)
                         if similarity[row, col] >= options.similarity and m.published_at >= start),
                        key=lambda m: (m.published_at, m.url))
        if not linked:
            continue
        first = linked[0].published_at
        result[story.id] = Rebuttal(
            REBUTTED, linked, round((first - start).total_seconds() / 3600, 1),
            still_spreading=any(m.published_at > first for m in claim_docs))
    return result
