"""Normalisation (NFD, old-style tone marks), language check, word segmentation, geotagging."""
from __future__ import annotations

import unicodedata

import pytest

from pipeline.understand.geotag import bare_unit_names, broad_in, tag_places
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


@pytest.mark.parametrize(("text", "provinces", "units"), [
    ("Dịch sởi ở thị xã Sơn Tây", ["Hà Nội"], []),  # a town of Hà Nội, not "xã Sơn Tây" elsewhere
    ("Người dân thị xã Hồng Lĩnh được tiêm vắc xin", ["Hà Tĩnh"], []),
    ("Trẻ em ở thị xã Ba Đồn mắc tay chân miệng", ["Quảng Trị"], []),
    ("Ổ dịch ở phường Đông Lễ", ["Quảng Trị"], ["phường Đông Lễ (Quảng Trị)"]),
    ("Ổ dịch ở xã Đông Lễ", [], []),  # no such commune: never cut to "xã Đông"
    ("Hai ca ở phường Thanh Khê", ["Đà Nẵng"], ["phường Thanh Khê (Đà Nẵng)"]),
    ("Học sinh xã Tịnh Phong nhập viện", ["Quảng Ngãi"], ["xã Tịnh Phong (Quảng Ngãi)"]),  # pre-reform commune
    ("Dịch sởi ở xã Bình Sơn Quảng Ngãi", ["Quảng Ngãi"], ["xã Bình Sơn (Quảng Ngãi)"]),  # province after the name
])
def test_type_word_binds_the_whole_name(text: str, provinces: list[str], units: list[str]) -> None:
    places = tag_places(text)
    assert (places.provinces, places.units) == (provinces, units)


@pytest.mark.parametrize("written", ["Đắk Lắk", "Đăk Lăk", "Daklak", "DakLak", "Đắc Lắc", "Dak Lak", "Đăk Lắk"])
def test_spelling_variants_of_dak_lak(written: str) -> None:
    assert tag_places(f"Sốt xuất huyết tăng ở {written}").provinces == ["Đắk Lắk"]


@pytest.mark.parametrize(("text", "facilities"), [
    ("Bệnh viện dã chiến Hòa Vang tiếp nhận 20 bệnh nhân", ["Bệnh viện dã chiến Hòa Vang"]),
    ("Trung tâm kiểm soát bệnh tật tỉnh Quảng Ngãi khuyến cáo", ["Trung tâm kiểm soát bệnh tật tỉnh Quảng Ngãi"]),
    ("Trung tâm y tế quận Hải Châu cho biết", ["Trung tâm y tế quận Hải Châu"]),
    ("Mẫu được gửi viện Pasteur Nha Trang xét nghiệm", ["viện Pasteur Nha Trang"]),
    ("Bệnh viện trung ương Quân đội 108 và Viện Vệ sinh Dịch tễ trung ương phối hợp",
     ["Bệnh viện trung ương Quân đội 108", "Viện Vệ sinh Dịch tễ trung ương"]),
    ("Bệnh viện Bạch Mai Bệnh viện Việt Đức đều quá tải", ["Bệnh viện Bạch Mai", "Bệnh viện Việt Đức"]),
    ("Bệnh viện Đa khoa Quốc tế Vinmec Đà Nẵng", ["Bệnh viện Đa khoa Quốc tế Vinmec Đà Nẵng"]),
    ("Phòng khám đa khoa Hoàn Mỹ - Cơ sở 2 ở đường Lê Lợi", ["Phòng khám đa khoa Hoàn Mỹ - Cơ sở 2"]),
    ("Chuyển lên Bệnh viện tỉnh cấp cứu", ["Bệnh viện tỉnh"]),
    ("Trung tâm Y tế thị xã Đức Phổ và Bệnh viện Lao và bệnh phổi tỉnh",
     ["Trung tâm Y tế thị xã Đức Phổ", "Bệnh viện Lao và bệnh phổi tỉnh"]),
    ("Đưa đến bệnh viện cấp cứu", []),  # no name
    ("Viện Kiểm sát nhân dân tỉnh truy tố", []),  # the procuracy is not a health institute
])
def test_facilities_whole_and_one_at_a_time(text: str, facilities: list[str]) -> None:
    assert tag_places(text).facilities == facilities


def test_facility_words_and_plurals() -> None:
    assert tag_places("Bác sĩ Bệnh viện Nhân dân 115 nối ngón tay").facilities == ["Bệnh viện Nhân dân 115"]
    assert tag_places("Các bệnh viện TP HCM tiếp nhận 53 học sinh").facilities == []
    assert tag_places("Khởi động lại Bệnh viện Ung bướu 500 giường").facilities == ["Bệnh viện Ung bướu"]
    assert tag_places("Bệnh viện Điều dưỡng - phục hồi chức năng T.Ư về Trường").facilities \
        == ["Bệnh viện Điều dưỡng - phục hồi chức năng T.Ư"]
    assert tag_places("cùng Phòng khám nội khoa Hoàng Thị Thanh Bình (TP.HCM)").facilities \
        == ["Phòng khám nội khoa Hoàng Thị Thanh Bình"]


def test_a_commune_named_after_a_district_is_wide_only_in_that_districts_province() -> None:
    assert broad_in("mộ đức", "Quảng Ngãi")  # the former district of Mộ Đức, Quảng Ngãi
    assert broad_in("ba vì", "Hà Nội") and not broad_in("ba vì", "Quảng Ngãi")  # Ba Vì district was in Hà Nội
    assert broad_in("ba vì", None)  # unplaced: any province
    assert broad_in("kon tum", "Gia Lai")  # a province's name is wide everywhere
    assert not broad_in("tịnh phong", "Quảng Ngãi")


def test_a_title_after_a_number_counts_people_of_a_commune() -> None:
    assert bare_unit_names("Đã 73 cháu Tịnh Phong nhập viện rồi") == {"tịnh phong"}
    assert bare_unit_names("Thương cháu Tịnh Phong quá") == set()  # may be a child's name
