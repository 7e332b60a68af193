"""Labels for people that are not in the taxonomy: alert levels (their codes are
part of the digest.json contract), "toàn quốc", Vietnamese number formatting.
Topic and signal names are in ``config/taxonomy.yaml`` (:mod:`pipeline.common.taxonomy`)."""
from __future__ import annotations

LEVELS = {"do": "Đỏ", "cam": "Cam", "vang": "Vàng"}
LEVEL_ORDER = ("vang", "cam", "do")
NATIONWIDE = "toàn quốc"


def level_rank(level: str | None) -> int:
    """0 for none, 1 vàng, 2 cam, 3 đỏ."""
    return LEVEL_ORDER.index(level) + 1 if level in LEVEL_ORDER else 0


def vi_number(n: float, decimals: int = 0) -> str:
    """Vietnamese number formatting: 12.345 and 2,5."""
    text = f"{n:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
