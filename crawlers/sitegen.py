"""Generate a site of N article pages and a feed listing them, for the kill/re-run
test and the crawl benchmark."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

_TOPICS = ("sốt xuất huyết", "ngộ độc thực phẩm", "quá tải bệnh viện", "tiêm chủng sởi", "bảo hiểm y tế",
           "thiếu thuốc", "an toàn thực phẩm", "y tế cơ sở")
_PAGE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="{iso}"></head><body>
<nav><a href="/">Trang chủ</a> <a href="/suc-khoe/">Sức khỏe</a></nav>
<h1 class="title-detail">{title}</h1><p class="description">{lead}</p>
<article class="fck_detail">{paragraphs}</article><footer>Báo mẫu</footer></body></html>"""


def generate_site(folder: Path, n: int, start: datetime | None = None) -> list[str]:
    """Write ``n`` articles under ``folder/bai/`` and ``folder/rss.xml``; returns article paths."""
    start = start or datetime(2026, 11, 1, tzinfo=timezone.utc)
    (folder / "bai").mkdir(parents=True, exist_ok=True)
    items, paths = [], []
    for i in range(n):
        topic = _TOPICS[i % len(_TOPICS)]
        when = start + timedelta(minutes=17 * i)
        title = f"Bản tin số {i}: tình hình {topic} tại Quảng Ngãi"
        lead = f"Sở Y tế cập nhật tình hình {topic} trong ngày, bản tin thứ {i}."
        paragraphs = "".join(
            f"<p class=\"Normal\">Đoạn {k} của bản tin {i}: các đơn vị y tế tiếp tục theo dõi {topic}, "
            f"báo cáo số liệu và hướng dẫn người dân phòng bệnh.</p>" for k in range(6))
        path = f"/bai/ban-tin-{i}-{100000 + i}.html"
        (folder / path.lstrip("/")).write_text(
            _PAGE.format(title=title, lead=lead, paragraphs=paragraphs, iso=when.isoformat()), encoding="utf-8")
        items.append(f"<item><title>{title}</title><link>{{{{BASE}}}}{path}</link>"
                     f"<pubDate>{format_datetime(when)}</pubDate><description>{lead}</description></item>")
        paths.append(path)
    (folder / "rss.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Bản tin</title>'
        + "".join(items) + "</channel></rss>", encoding="utf-8")
    return paths
