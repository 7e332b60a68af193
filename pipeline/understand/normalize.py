"""Vietnamese text normalisation on the way in.

NFC, tone marks in the modern place ("hoà" → "hòa", "thuỷ" → "thủy", via
underthesea's ``text_normalize``), whitespace, and boilerplate lines (bylines,
"Xem thêm", photo captions) removed.

>>> normalize_text("Bệnh viện Đa khoa tỉnh   Quảng Ngãi quá tải  hoà thuỷ\\nẢnh: Minh Hoà")
'Bệnh viện Đa khoa tỉnh Quảng Ngãi quá tải hòa thủy'
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pipeline.common.textutil import clean_whitespace, nfc

_BOILERPLATE = re.compile(
    r"^\s*(xem thêm|tin liên quan|bài liên quan|đọc thêm|ảnh\s*:|ảnh minh họa|ảnh minh hoạ|nguồn\s*:|"
    r"\(?\s*ảnh\s*:|video\s*:|clip\s*:|theo\s+[^.]{2,40}$|>>|bấm để|chia sẻ|bình luận|"
    r"[a-zđ][^.!?]{0,40}\s*\((?:ttxvn|vov|vtv|bnews)[^)]*\)\s*$)",
    re.I,
)
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


# A word with a letter beyond ASCII: the only words the tone normaliser can change.
_ACCENTED_WORD = re.compile(r"\w*[^\W\x00-\x7f]\w*")


@lru_cache(maxsize=1)
def _token_normalize():  # noqa: ANN202 — imported lazily, underthesea is slow to load
    from underthesea.pipeline.text_normalize import token_normalize

    return token_normalize


@lru_cache(maxsize=65536)
def _fix_word(word: str) -> str:
    return _token_normalize()(word)


def fix_tone_marks(text: str) -> str:
    """Modern tone placement word by word with underthesea's normaliser (the rules
    behind ``text_normalize``), leaving spacing and punctuation as they were."""
    return _ACCENTED_WORD.sub(lambda m: _fix_word(m.group()), text)


def drop_boilerplate(text: str) -> str:
    """Remove lines that are bylines, captions or "read more" links, not the story."""
    return "\n".join(line for line in text.split("\n") if not _BOILERPLATE.match(line))


def normalize_text(text: str) -> str:
    """NFC, tone marks, whitespace and boilerplate, in that order."""
    return clean_whitespace(drop_boilerplate(fix_tone_marks(clean_whitespace(nfc(text)))))


def _strip_slow(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn"))


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Latin letters with marks → base letters, and combining marks → nothing.
_STRIP_TABLE = {cp: _strip_slow(chr(cp)) for cp in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00))
                if _strip_slow(chr(cp)) != chr(cp)} | {cp: None for cp in range(0x300, 0x370)}


def strip_diacritics(text: str) -> str:
    """Vietnamese without accents, as many posts are written: "bệnh viện" → "benh vien"."""
    if text.isascii():
        return text
    stripped = unicodedata.normalize("NFC", text).translate(_STRIP_TABLE)
    if any(unicodedata.decomposition(ch) for ch in set(_NON_ASCII.findall(stripped))):
        return _strip_slow(stripped)  # marked letters of other scripts (Greek, Cyrillic …)
    return stripped


def has_diacritics(text: str) -> bool:
    """True when the text carries Vietnamese tone or vowel marks."""
    return any(unicodedata.category(ch) == "Mn" for ch in unicodedata.normalize("NFD", text)) or "đ" in text.lower()


_ABBREVIATIONS = {
    "sxh": "sốt xuất huyết", "tcm": "tay chân miệng", "bv": "bệnh viện", "bvđk": "bệnh viện đa khoa",
    "bvdk": "bệnh viện đa khoa", "bs": "bác sĩ", "bhyt": "bảo hiểm y tế", "bhxh": "bảo hiểm xã hội",
    "tyt": "trạm y tế", "ttyt": "trung tâm y tế", "syt": "sở y tế", "byt": "bộ y tế", "atvstp": "an toàn vệ sinh thực phẩm",
    "ndtp": "ngộ độc thực phẩm", "ko": "không", "k": "không", "hok": "không", "mn": "mọi người",
    "dc": "được", "đc": "được", "vs": "với", "ng": "người",
}
_ABBREVIATION_RE = re.compile(r"(?<![\wÀ-ỹ])(" + "|".join(map(re.escape, _ABBREVIATIONS)) + r")(?![\wÀ-ỹ])",
                              re.IGNORECASE)


def expand_abbreviations(text: str) -> str:
    """Common abbreviations of health posts written out: "bé bị sxh, bv ko còn giường" →
    "bé bị sốt xuất huyết, bệnh viện không còn giường"."""
    return _ABBREVIATION_RE.sub(lambda m: _ABBREVIATIONS[m.group(1).lower()], text)
