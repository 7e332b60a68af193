"""Severity cues, one written example each, and the points they add up to."""
from __future__ import annotations

import pytest

from pipeline.common.options import SeverityOptions
from pipeline.detect.severity import read_severity


@pytest.mark.parametrize(("text", "deaths"), [
    ("Hai người tử vong sau khi ăn cá nóc", 2),
    ("Vụ ngộ độc khiến 5 người chết, 20 người nhập viện", 5),
    ("Bé trai 3 tuổi mắc tay chân miệng đã tử vong", 1),  # a death without a number
    ("Bé gái sốt cao, vào viện cấp cứu song không qua khỏi", 1),
    ("Sốt xuất huyết tăng, chưa ghi nhận ca tử vong", 0),  # no one died
    ("Bệnh viện quá tải, bệnh nhân nằm ghép", 0),
])
def test_deaths(text: str, deaths: int) -> None:
    assert read_severity([text]).deaths == deaths


@pytest.mark.parametrize(("text", "hospitalised"), [
    ("61 học sinh nhập viện sau bữa trưa bán trú", 61),
    ("27 học sinh Trường Tiểu học Tịnh Phong nhập viện sau bữa trưa", 27),
    ("Thêm 12 học sinh nhập viện, tổng số ca ngộ độc lên 73", 73),
    ("Hơn 300 người phải nhập viện nghi ngộ độc sau ăn bánh mì", 300),
    ("Hai người nhập viện nghi ngộ độc sau ăn cá nóc", 2),
    ("Bệnh viện tiếp nhận nhiều ca sốt xuất huyết", 0),
])
def test_hospitalised(text: str, hospitalised: int) -> None:
    assert read_severity([text]).hospitalised == hospitalised


def test_children_and_pupils() -> None:
    assert read_severity(["27 học sinh Trường Tiểu học Tịnh Phong nhập viện"]).pupils
    severity = read_severity(["Bệnh nhi 5 tuổi nhập viện vì tay chân miệng"])
    assert severity.children and not severity.pupils
    assert not read_severity(["Người cao tuổi cần tiêm vắc xin cúm"]).children


@pytest.mark.parametrize(("text", "clusters"), [
    ("Quảng Ngãi ghi nhận thêm 5 ổ dịch sốt xuất huyết", 5),
    ("Phát hiện chùm ca bệnh sởi tại xã Bình Sơn", 1),
    ("Số ca sốt xuất huyết giảm", 0),
])
def test_clusters(text: str, clusters: int) -> None:
    assert read_severity([text]).clusters == clusters


@pytest.mark.parametrize(("text", "orders"), [
    ("Chủ tịch UBND tỉnh Quảng Ngãi chỉ đạo xử lý nghiêm vụ ngộ độc", ["Chủ tịch UBND tỉnh chỉ đạo"]),
    ("Bộ Y tế đề nghị làm rõ nguyên nhân vụ ngộ độc", ["Bộ Y tế đề nghị"]),
    ("Bộ Y tế có công văn hỏa tốc gửi Sở Y tế", ["Bộ Y tế đề nghị"]),
    ("Thủ tướng yêu cầu khẩn trương điều tra", ["Thủ tướng chỉ đạo"]),
    ("UBND tỉnh ban hành công điện về phòng chống dịch", ["UBND tỉnh chỉ đạo"]),
    ("Người dân đề nghị Bộ Y tế xem xét", []),  # a request to the ministry is not its order
])
def test_officials_orders(text: str, orders: list[str]) -> None:
    assert read_severity([text]).orders == orders


@pytest.mark.parametrize(("text", "prosecution"), [
    ("Công an khởi tố vụ án vi phạm quy định về an toàn thực phẩm", True),
    ("Bắt tạm giam chủ cơ sở nấu ăn không phép", True),
    ("Cơ sở nấu ăn bị nhắc nhở", False),
])
def test_prosecution(text: str, prosecution: bool) -> None:
    assert read_severity([text]).prosecution is prosecution


def test_a_story_keeps_the_largest_numbers_and_adds_up() -> None:
    severity = read_severity(["27 học sinh nhập viện sau bữa trưa", "61 học sinh nhập viện, Bộ Y tế đề nghị điều tra",
                              "Chủ tịch UBND tỉnh chỉ đạo xử lý nghiêm"])
    assert severity.hospitalised == 61
    assert severity.phrases() == ["61 học sinh nhập viện", "Bộ Y tế đề nghị", "Chủ tịch UBND tỉnh chỉ đạo"]
    options = SeverityOptions()
    assert severity.points(options) == 3.0 + 1.0 + 2.0  # ≥ 30 hospitalised, children, a national order
    assert severity.points(options) >= options.do_points
    assert read_severity(["Một người tử vong do sốt xuất huyết"]).points(options) < options.cam_points
