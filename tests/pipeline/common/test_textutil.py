"""Titles are cut in one place, at a word boundary, with "…"."""
from __future__ import annotations

import re
import unicodedata

import pytest

from pipeline.common.textutil import shorten
from tests.conftest import REPO

TITLE = "Quảng Ngãi: Bệnh viện tuyến tỉnh quá tải nặng do sốt xuất huyết, bệnh nhân nằm ghép"


@pytest.mark.parametrize("limit", [12, 20, 33, 47, 60, 80])
def test_cut_at_a_word_boundary_with_an_ellipsis(limit: int) -> None:
    cut = shorten(TITLE, limit)
    assert cut.endswith("…") and len(cut) <= limit
    kept = cut[:-1]
    assert TITLE.startswith(kept) and TITLE[len(kept)] in " ,:"  # the next character ends a word
    assert not kept.endswith((" ", ",", ":"))


def test_short_text_is_kept_whole_on_one_line() -> None:
    assert shorten(TITLE, len(TITLE)) == TITLE
    assert shorten("Sốt xuất huyết\r\n tăng  mạnh", 40) == "Sốt xuất huyết tăng mạnh"
    assert shorten(None, 10) == "" and shorten("", 10) == ""


def test_a_word_ending_exactly_at_the_limit_is_kept() -> None:
    assert shorten("ca bệnh mới tăng", 12) == "ca bệnh mới…"  # "ca bệnh mới" is 11 characters
    assert shorten("Thêm 12 học sinh nhập viện", 8) == "Thêm 12…"


def test_one_long_word_is_cut_inside_it() -> None:
    assert shorten("https://baoquangngai.vn/a-very-long-address", 10) == "https://b…"


def test_decomposed_text_is_measured_as_written() -> None:
    nfd = unicodedata.normalize("NFD", TITLE)
    assert shorten(nfd, 30).endswith("…")


def test_no_other_code_cuts_a_title() -> None:
    """Slicing a title or text and adding "…" by hand anywhere else is what gave cut words."""
    hand_cut = re.compile(r"""\[:[\w\s+-]+\]\s*(\.\w+\(\))?\s*\+\s*["']…|rsplit\(" ", 1\)\[0\].*…"""
                          r"""|(title|lead)\[:\d+\]""")
    files = [*(REPO / "pipeline").rglob("*.py"), *(REPO / "pipeline").rglob("*.j2"), *(REPO / "crawlers").rglob("*.py")]
    found = [f"{f.relative_to(REPO)}:{n}" for f in files if f.name != "textutil.py"
             for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1)
             if hand_cut.search(line) and "!r" not in line]
    assert not found, found
