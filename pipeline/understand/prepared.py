"""The words and cue counts the models see, one implementation for the
scikit-learn features (:mod:`pipeline.understand.features`, used in training) and
the compiled models (:mod:`pipeline.understand.compiled`, used in classifying).

An item is a string ("title\nbody") or a record ``{"title", "lead", "kind",
"engagement"}``; it is prepared into the words of title and lead together
(``text``), the title's words (``title``) and the raw title and lead (``raw``,
where the cues are counted).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np

from pipeline.understand.corpora import LEAD_CHARS
from pipeline.understand.geotag import gazetteer
from pipeline.understand.normalize import expand_abbreviations, normalize_text, strip_diacritics
from pipeline.understand.tokenize import segment

PLACE = "Địa danh"
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
    "shortage": r"(?:thieu|het|khan hiem|can kiet|dut|khong co|khong du|chua co) (?:\w+ ){0,2}?"
                r"(?:thuoc|insulin|vac ?xin|vaccine|vat tu|thiet bi|may|mau|oxy|sinh pham|hoa chat|khau trang)|"
                r"thieu hut|dut hang|gian doan cung ung|tu (?:di )?mua (?:thuoc|ngoai)|mua (?:thuoc )?ben ngoai|"
                r"ra ngoai mua|may (?:\w+ ){0,2}?hong|hong hoc|chua duoc sua",
    "share_call": r"chia se|share|chuyen tiep|moi nguoi (?:can|nen|hay|chu y|luu y)|ai (?:co|biet)|"
                  r"khan cap|cuc ky nguy hiem|ngay lap tuc|hay (?:gui|bao)|canh bao|luu y|\?|!",
}
_CUE_RES = {name: re.compile(rf"(?<![a-z0-9])(?:{pattern})", re.I) if not pattern.endswith("!")
            else re.compile(pattern) for name, pattern in CUES.items()}


# Emoji and pictographs (with their joiners, variation selectors and skin tones): a
# post framed by "📢 … 👇" means what it says without them. Left in, they stood for the
# corpus that uses them (social posts and comments) and changed decisions.
_PICTOGRAPHS = re.compile("[\U0001F000-\U0001FAFF\u2190-\u21FF\u2300-\u23FF\u2600-\u27BF"
                          "\u2B00-\u2BFF\u3030\u303D\u3297\u3299\uFE0E\uFE0F\u200D\u20E3]+")


@lru_cache(maxsize=4096)  # each model's features and ``why`` prepare the same title and lead
def prepare(text: str) -> str:
    """Normalise, drop emoji, expand abbreviations and teencode, put one placeholder for
    every province name (a story means the same in any province), segment, lower-case
    and strip diacritics: the words the models see."""
    text = _PICTOGRAPHS.sub(" ", text)
    text = gazetteer().province_pattern.sub(PLACE, expand_abbreviations(normalize_text(text)))
    return strip_diacritics(segment(text))


def as_record(item: Any) -> dict[str, Any]:
    """A record from a record or a string ("title\nbody": news; one line or an empty
    title: a post)."""
    if isinstance(item, dict):
        return item
    title, _, body = str(item).partition("\n")
    if not body or not title.strip():
        return {"title": "", "lead": (body or title)[:LEAD_CHARS], "kind": "post", "engagement": 0.0}
    return {"title": title, "lead": body[:LEAD_CHARS], "kind": "news", "engagement": 0.0}


def prepared_record(item: Any) -> dict[str, str]:
    """``{"text", "title", "raw"}`` of a string or record: the prepared words of title
    and lead, of the title alone, and the title and lead as written."""
    rec = as_record(item)
    title, lead = prepare(str(rec.get("title") or "")), prepare(str(rec.get("lead") or ""))
    return {"text": f"{title} {lead}".strip(), "title": title,
            "raw": f"{rec.get('title') or ''}\n{rec.get('lead') or ''}"}


def cue_counts(text: str) -> dict[str, int]:
    """How often each cue group occurs in a text (accented or not)."""
    return dict(zip(_CUE_RES, _cue_tuple(text)))


def cue_values(text: str) -> np.ndarray:
    """log(1 + count) of each cue group, in the order of :data:`CUES` (the cue features)."""
    return np.log1p(np.array(_cue_tuple(text), dtype=float))


@lru_cache(maxsize=4096)  # the three models count the cues of the same text
def _cue_tuple(text: str) -> tuple[int, ...]:
    plain = strip_diacritics(text.lower())
    return tuple(len(rx.findall(plain)) for rx in _CUE_RES.values())
