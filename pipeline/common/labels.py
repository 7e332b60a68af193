"""Labels for people that are not in the taxonomy: alert levels (their codes are
part of the digest.json contract), "toàn quốc", Vietnamese number formatting.
Topic and signal names are in ``config/taxonomy.yaml`` (:mod:`pipeline.common.taxonomy`)."""
from __future__ import annotations

LEVELS = {"do": "Đỏ", "cam": "Cam", "vang": "Vàng"}
LEVEL_ORDER = ("vang", "cam", "do")
ACTION_LEVELS = ("do", "cam")  # listed under "Cần xử lý hôm nay" and shown unfolded; vàng is folded
NATIONWIDE = "toàn quốc"
# How an issue is being handled (the workspace's follow-up); the last three settle it.
FOLLOWUP_STATUSES = {"moi": "Mới", "dang_xu_ly": "Đang xử lý", "da_tra_loi": "Đã trả lời báo chí, người dân",
                     "da_bac_bo": "Đã bác bỏ thông tin sai", "dong": "Đã đóng"}
SETTLED = ("da_tra_loi", "da_bac_bo", "dong")


def level_rank(level: str | None) -> int:
    """0 for none, 1 vàng, 2 cam, 3 đỏ."""
    return LEVEL_ORDER.index(level) + 1 if level in LEVEL_ORDER else 0


def vi_number(n: float, decimals: int = 0) -> str:
    """Vietnamese number formatting: 12.345 and 2,5."""
    text = f"{n:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
