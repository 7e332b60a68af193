"""Sitemaps (index, news, gzip, broken) and listing pages."""
from __future__ import annotations

import gzip

from pipeline.parse.listings import article_links, next_page
from pipeline.parse.sitemaps import parse_sitemap

NEWS = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://bao.vn/a-1.htm</loc><news:news><news:publication_date>2026-11-20T09:30:00+07:00</news:publication_date>
<news:title>Ngộ độc thực phẩm &amp; bán trú</news:title></news:news></url>
<url><loc>not a url</loc></url>
<url><loc>https://bao.vn/b-2.htm</loc><lastmod>2026-11-21</lastmod></url></urlset>""".encode()


def test_news_sitemap_gives_titles_and_dates() -> None:
    result = parse_sitemap(NEWS)
    assert result.error is None and len(result.entries) == 2
    assert result.entries[0].title == "Ngộ độc thực phẩm & bán trú"
    assert result.entries[0].published == "2026-11-20T09:30:00+07:00"
    assert result.entries[1].published == "2026-11-21"


def test_gzipped_index() -> None:
    index = (b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b"<sitemap><loc>https://bao.vn/s1.xml</loc><lastmod>2026-11-20</lastmod></sitemap>"
             b"<sitemap><loc>https://bao.vn/s2.xml.gz</loc></sitemap></sitemapindex>")
    result = parse_sitemap(gzip.compress(index))
    assert result.sitemaps == [("https://bao.vn/s1.xml", "2026-11-20"), ("https://bao.vn/s2.xml.gz", None)]


def test_broken_sitemaps_are_named() -> None:
    assert parse_sitemap(b"\x1f\x8bnot gzip").error.startswith("bad gzip")
    assert parse_sitemap(b"<html><body>x</body></html>").error == "not a sitemap: root element <html>"


LISTING = """<html><body><nav><a href="/xa-hoi/">Xã hội</a><a href="/kinh-te/">Kinh tế</a>
<a href="/tag/y-te">Y tế</a></nav>
<div class="story"><h3><a href="/y-te/benh-vien-tinh-qua-tai-nguoi-benh-nam-ghep-156431.htm">Bệnh viện tỉnh quá tải, người bệnh nằm ghép</a></h3></div>
<div class="story"><h3><a href="https://bao.vn/y-te/phun-thuoc-diet-muoi-phong-sot-xuat-huyet-o-cam-thanh.htm">Phun thuốc diệt muỗi phòng sốt xuất huyết ở Cẩm Thành</a></h3></div>
<a href="https://other.vn/bai-viet-khac-123456.htm">Báo khác viết gì về chuyện này hôm nay</a>
<a href="/y-te/?page=2" rel="next">2</a></body></html>"""


def test_generic_listing_takes_articles_only() -> None:
    links = article_links(LISTING, "https://bao.vn/y-te/")
    assert links == ["https://bao.vn/y-te/benh-vien-tinh-qua-tai-nguoi-benh-nam-ghep-156431.htm",
                     "https://bao.vn/y-te/phun-thuoc-diet-muoi-phong-sot-xuat-huyet-o-cam-thanh.htm"]
    assert next_page(LISTING, "https://bao.vn/y-te/") == "https://bao.vn/y-te/?page=2"


def test_listing_by_selector_and_pattern() -> None:
    assert len(article_links(LISTING, "https://bao.vn/y-te/", selector="div.story h3 a")) == 2
    assert article_links(LISTING, "https://bao.vn/y-te/", pattern=r"-\d{6}\.htm$") == [
        "https://bao.vn/y-te/benh-vien-tinh-qua-tai-nguoi-benh-nam-ghep-156431.htm",
        "https://other.vn/bai-viet-khac-123456.htm"]
