"""Trend charts are sharp (SVG; PNG at 2× for e-mail), plot the issue's own documents per
day against its usual count, carry a key readable on a phone, and are the same bytes each time."""
from __future__ import annotations

import re
import struct
from zoneinfo import ZoneInfo

from lxml import etree

from pipeline.report.charts import PNG_SCALE, WIDTH_PX, trend_png, trend_svg, trend_text
from pipeline.report.render import chart_svgs, write_outputs
from pipeline.store.records import Trend
from tests.pipeline.report.test_digest_action import digest_doc, entry

SVG = "{http://www.w3.org/2000/svg}"
PHONE_COLUMN_PX = 339  # 390 px less the page's and the issue card's padding and borders
# The topic × province counts are ten times the issue's own: a chart of those would scale to 60.
TREND = Trend([f"2026-11-{d}" for d in range(12, 19)], [0, 1, 1, 2, 3, 4, 6], [40, 45, 50, 55, 60, 58, 60],
              [3.0] * 7, [None, None, "vang", "vang", "cam", "do", "do"], [1.0, 1.2, None, 1.5, 1.5, 1.8, 2.0])


def _svg(trend: Trend = TREND) -> etree._Element:
    return etree.fromstring(trend_svg(trend).encode("utf-8"))


def _height(path: etree._Element) -> float:
    ys = [float(y) for y in re.findall(r"[ML] [-\d.]+ ([-\d.]+)", path.get("d"))]
    return max(ys) - min(ys)


def test_bars_are_the_issues_own_documents() -> None:
    root = _svg()
    heights = [_height(root.find(f".//{SVG}g[@id='documents-{n}']/{SVG}path")) for n in range(7)]
    unit = heights[-1] / TREND.documents[-1]
    assert [round(h / unit, 2) for h in heights] == [float(n) for n in TREND.documents]
    ticks = [float(t.text) for t in root.iterfind(f".//{SVG}g[@id='matplotlib.axis_2']//{SVG}text")]
    assert max(TREND.documents) <= max(ticks) * 1.5 and max(ticks) < min(TREND.topic_province)
    usual = root.find(f".//{SVG}g[@id='usual']/{SVG}path")
    assert usual is not None and "stroke-dasharray" in usual.get("style")


def test_key_names_the_levels_shown_and_the_baseline() -> None:
    labels = [t.text for t in _svg().iterfind(f".//{SVG}g[@id='legend_1']//{SVG}text")]
    assert labels == ["Đỏ", "Cam", "Vàng", "dưới ngưỡng", "mức thường"]
    quiet = Trend(TREND.days, [0, 1, 0, 0, 0, 0, 2], [1] * 7, [3.0] * 7, [None] * 6 + ["vang"], [None] * 7)
    assert [t.text for t in _svg(quiet).iterfind(f".//{SVG}g[@id='legend_1']//{SVG}text")] == ["Vàng", "dưới ngưỡng"]
    new = Trend(TREND.days, [0, 0, 0, 0, 0, 0, 2], [1] * 7, [3.0] * 7, [None] * 6 + ["cam"], [1.0] * 7)
    assert [t.text for t in _svg(new).iterfind(f".//{SVG}g[@id='legend_1']//{SVG}text")] == ["Cam", "mức thường"]


def test_text_is_readable_on_a_phone() -> None:
    root = _svg()
    view_width = float(root.get("viewBox").split()[2])
    natural_px = float(root.get("width").removesuffix("pt")) * 4 / 3
    assert abs(natural_px - WIDTH_PX) < 1
    drawn_px = min(natural_px, PHONE_COLUMN_PX)
    sizes = [float(re.search(r"font-size: ([\d.]+)px", t.get("style")).group(1)) for t in root.iter(f"{SVG}text")]
    assert sizes and min(sizes) * drawn_px / view_width >= 11


def test_png_is_twice_the_css_size_and_charts_repeat_exactly() -> None:
    png = trend_png(TREND)
    width, height = struct.unpack(">II", png[16:24])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and width == PNG_SCALE * WIDTH_PX and height > 200
    assert trend_svg(TREND) == trend_svg(TREND) and trend_png(TREND) == png


def test_alt_text_gives_the_numbers() -> None:
    assert trend_text(TREND) == "Số bài của vấn đề 7 ngày: 0, 1, 1, 2, 3, 4, 6; mức thường 2,0 bài/ngày"


def test_the_page_embeds_svg_its_policy_allows(tmp_path) -> None:  # noqa: ANN001
    doc = digest_doc([entry("do-a", "do", 80.0)])
    assert list(chart_svgs(doc)) == ["do-a"]
    page = write_outputs(doc, tmp_path, ZoneInfo("Asia/Ho_Chi_Minh"))["html"].read_text(encoding="utf-8")
    tree = etree.HTML(page)
    policy = tree.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')[0]
    img = tree.xpath("//article//img[@class='chart']")[0]
    assert img.get("src").startswith("data:image/svg+xml;base64,") and "img-src data:" in policy
    assert img.get("width") == str(WIDTH_PX) and img.get("alt").startswith("Số bài của vấn đề 7 ngày")
