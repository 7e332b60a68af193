"""Normalisation (NFD, old-style tone marks), language check, word segmentation, geotagging."""
from __future__ import annotations

import unicodedata

import pytest

from pipeline.understand.geotag import tag_places
from pipeline.understand.language import is_vietnamese
from pipeline.understand.normalize import normalize_text, strip_diacritics
from pipeline.understand.tokenize import segment


@pytest.mark.parametrize(("raw", "expected"), [
    ("Thuốc chữa bệnh cho người cao tuổi ở Khánh Hoà", "Thuốc chữa bệnh cho người cao tuổi ở Khánh Hòa"),
    ("Thuỷ đậu bùng phát, trẻ khoẻ lại sau điều trị", "Thủy đậu bùng phát, trẻ khỏe lại sau điều trị"),
    (unicodedata.normalize("NFD", "Bệnh viện quá tải"), "Bệnh viện quá tải"),
    ("Người bệnh   nằm ghép\n\nẢnh: Minh Hoà\nXem thêm: Bài khác\nTheo VnExpress", "Người bệnh nằm ghép"),
])
def test_normalize(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_segmentation_joins_words_and_handles_nfd() -> None:
    nfd = unicodedata.normalize("NFD", "Bệnh viện Đa khoa tỉnh quá tải")
    assert segment(normalize_text(nfd)) == "bệnh_viện đa_khoa tỉnh quá_tải"
    assert strip_diacritics("Đắk Lắk, bệnh viện") == "Dak Lak, benh vien"


@pytest.mark.parametrize(("text", "vietnamese"), [
    ("Hơn 40 học sinh nhập viện sau bữa trưa bán trú", True),
    ("benh vien tinh qua tai, cho kham tu sang den chieu ma ko ai giai quyet", True),
    ("The provincial hospital is overloaded and patients wait for hours", False),
    ("病院は混雑しています。患者は長い時間待っています。", False),
    ("Xem video: http://youtube.com/watch?v=abc #suckhoe", True),
])
def test_language(text: str, vietnamese: bool) -> None:
    ok, reason = is_vietnamese(text)
    assert ok is vietnamese
    assert bool(reason) is not vietnamese


@pytest.mark.parametrize(("text", "provinces"), [
    ("Sốt xuất huyết tăng ở Kon Tum", ["Quảng Ngãi"]),  # merged into Quảng Ngãi
    ("Bệnh viện Đa khoa tỉnh Hà Giang quá tải", ["Tuyên Quang"]),  # merged into Tuyên Quang
    ("Ca bệnh ở TP.HCM và Thừa Thiên Huế", ["Hồ Chí Minh", "Huế"]),
    ("Học sinh ở Q.Ngãi nhập viện", ["Quảng Ngãi"]),
    ("Chị Hà Giang, 32 tuổi, đưa con đi khám", []),  # a person, not a place
    ("Bà Nguyễn Thị Hà Giang kể lại", []),
    ("Quảng Ngãimột chuỗi ký tự dính liền", []),  # not a whole word
    ("Trạm y tế phường Trương Quang Trọng thiếu thuốc", ["Quảng Ngãi"]),
])
def test_provinces(text: str, provinces: list[str]) -> None:
    assert tag_places(text).provinces == provinces


def test_ambiguous_commune_uses_context_then_preference() -> None:
    assert tag_places("Dịch sởi ở xã Bình Sơn").provinces == []
    assert tag_places("Dịch sởi ở xã Bình Sơn", prefer="Quảng Ngãi").units == ["xã Bình Sơn (Quảng Ngãi)"]
    assert tag_places("Thanh Hóa: dịch sởi ở xã Bình Sơn").units == ["xã Bình Sơn (Thanh Hóa)"]


def test_facilities() -> None:
    places = tag_places("Trạm y tế xã Bình Sơn hết thuốc; BV Nhi Trung ương và Trung tâm Y tế huyện Sơn Tịnh "
                        "chuyển bệnh nhân lên Bệnh viện Đa khoa tỉnh Quảng Ngãi", prefer="Quảng Ngãi")
    assert places.facilities == ["Trạm y tế xã Bình Sơn", "BV Nhi Trung ương", "Trung tâm Y tế huyện Sơn Tịnh",
                                 "Bệnh viện Đa khoa tỉnh Quảng Ngãi"]


def test_keyword_rules_propose_labels() -> None:
    from pipeline.understand.keywords import propose

    assert propose("Hơn 40 học sinh ngộ độc thực phẩm sau bữa trưa") == ("an_toan_thuc_pham", "van_de_buc_xuc")
    assert propose("Sở Y tế bác bỏ tin đồn về sốt xuất huyết") == ("dich_benh", "thong_tin_sai_lech")
    assert propose("Giá vé tàu Tết tăng nhẹ") == ("khong_lien_quan", "thong_tin_chung")
