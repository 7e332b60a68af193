"""Vietnamese names of the taxonomy's codes (``taxonomy.md``), for people."""
from __future__ import annotations

TOPICS = {
    "dich_benh": "Dịch bệnh, y tế dự phòng",
    "kham_chua_benh": "Khám, chữa bệnh",
    "an_toan_thuc_pham": "An toàn thực phẩm",
    "duoc_thiet_bi": "Dược, vật tư, thiết bị y tế",
    "bao_hiem_y_te": "Bảo hiểm y tế",
    "dan_so_sinh_san": "Dân số, sức khỏe sinh sản, bà mẹ – trẻ em",
    "nhan_luc_to_chuc": "Nhân lực, tổ chức, y tế cơ sở",
    "quan_ly_tai_chinh": "Quản lý nhà nước, tài chính, đầu tư",
    "kien_thuc_suc_khoe": "Kiến thức, lời khuyên sức khỏe",
    "khong_lien_quan": "Không liên quan y tế",
}
# Short names for running text: "gấp 4 lần mức thường về dịch bệnh ở Quảng Ngãi".
TOPIC_SHORT = {
    "dich_benh": "dịch bệnh", "kham_chua_benh": "khám chữa bệnh", "an_toan_thuc_pham": "an toàn thực phẩm",
    "duoc_thiet_bi": "thuốc và thiết bị y tế", "bao_hiem_y_te": "bảo hiểm y tế",
    "dan_so_sinh_san": "dân số, sức khỏe sinh sản", "nhan_luc_to_chuc": "nhân lực y tế",
    "quan_ly_tai_chinh": "quản lý, tài chính y tế", "kien_thuc_suc_khoe": "kiến thức sức khỏe",
    "khong_lien_quan": "chủ đề khác",
}
SIGNALS = {
    "van_de_buc_xuc": "Vấn đề bức xúc, nổi cộm",
    "thong_tin_sai_lech": "Thông tin sai lệch",
    "dien_hinh_tien_tien": "Điển hình tiên tiến",
    "thong_tin_chung": "Thông tin chung",
}
LEVELS = {"do": "Đỏ", "cam": "Cam", "vang": "Vàng"}
LEVEL_ORDER = ("vang", "cam", "do")
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
