"""Is a text Vietnamese? Accented or not ("benh vien qua tai" is Vietnamese too).

>>> is_vietnamese("benh vien tinh qua tai, cho kham tu sang den chieu")
(True, '')
>>> is_vietnamese("The provincial hospital is overloaded again this week.")[0]
False
"""
from __future__ import annotations

import re

from pipeline.understand.normalize import strip_diacritics

# Frequent Vietnamese syllables written without accents; English shares few of them.
_COMMON = set("""
va cua cac nhung mot la co khong duoc cho nguoi trong nay da voi tai den tu khi cung theo
nhu se con ra vao lam di benh vien y te bac si thuoc suc khoe dieu tri tre em me ngay nam
thang tinh xa phuong huyen so ca bi dan nhieu hon rat cho biet sau truoc cong tac phong chong
dich sot xuat huyet an toan thuc pham bao hiem kham chua tram nha viec mat qua tai gi ko k
minh em anh chi oi nhe thi ma neu vi nen do duoi tren giua hay hoac nhat moi ve het lai
""".split())
_TOKEN = re.compile(r"[^\W\d_]+")
_NOISE = re.compile(r"https?://\S+|www\.\S+|[#@]\w+")
_MIN_TOKENS = 4


def is_vietnamese(text: str) -> tuple[bool, str]:
    """``(True, "")`` for Vietnamese; ``(False, reason)`` otherwise.

    Short texts get the benefit of the doubt: too little to judge is not a reason to skip.
    """
    sample = _NOISE.sub(" ", text[:3000])
    letters = [ch for ch in sample if ch.isalpha()]
    if not letters:
        return True, ""
    non_latin = sum(ord(ch) > 0x24F and not 0x1E00 <= ord(ch) <= 0x1EFF for ch in letters)
    if non_latin > len(letters) / 2:
        return False, f"not Vietnamese: {non_latin / len(letters):.0%} of letters are not Latin script"
    tokens = _TOKEN.findall(strip_diacritics(sample).lower())
    if len(tokens) < _MIN_TOKENS:
        return True, ""
    share = sum(t in _COMMON for t in tokens) / len(tokens)
    if share >= 0.12:
        return True, ""
    return False, f"not Vietnamese: {share:.0%} of {len(tokens)} words are common Vietnamese syllables"
