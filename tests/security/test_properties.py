"""Property tests of every parser: random and mutated input gives records or named
problems, never an exception, and what comes out is clean (http(s) links, one-line
titles, no NUL, bounded text, aware UTC dates)."""
from __future__ import annotations

import gzip
import json
from datetime import timezone

from hypothesis import given
from hypothesis import strategies as st

from pipeline.parse.dates import parse_datetime, parse_visible_date
from pipeline.parse.decode import DecodeError, decode_bytes, decode_lines
from pipeline.parse.extract import extract_article
from pipeline.parse.feeds import parse_feed
from pipeline.parse.listings import article_links, next_page
from pipeline.parse.posts import ExportLimits, parse_export, parse_forum_page
from pipeline.parse.sitemaps import parse_sitemap
from pipeline.parse.urls import is_http_url

BASE = "https://bao.example.vn/suc-khoe/"
FEED = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Sức khỏe</title>
<item><title>Sốt xuất huyết tăng mạnh</title><link>https://bao.example.vn/sxh-1.html</link>
<pubDate>Fri, 20 Nov 2026 07:15:00 +0700</pubDate><description>&lt;a href="https://bao.example.vn/x"&gt;Ca bệnh&lt;/a&gt;</description></item>
<entry><title>Bệnh viện quá tải</title><link href="https://bao.example.vn/bv-2.html"/><updated>2026-11-20T08:00:00+07:00</updated></entry>
</channel></rss>""".encode()
SITEMAP = """<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://bao.example.vn/a-1.html</loc>
<news:news><news:publication_date>2026-11-20T07:15:00+07:00</news:publication_date><news:title>Tiêm chủng</news:title>
</news:news></url></urlset>""".encode()
INDEX = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://bao.example.vn/s-1.xml</loc>
<lastmod>2026-11-20</lastmod></sitemap></sitemapindex>"""
PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Ngộ độc thực phẩm</title>
<link rel="canonical" href="https://bao.example.vn/ngo-doc-123456.html">
<meta property="article:published_time" content="2026-11-20T07:15:00+07:00"></head><body>
<h1>Hơn 40 học sinh nhập viện</h1><span class="date">Thứ sáu, 20/11/2026, 07:15 (GMT+7)</span>
<article><p>Hơn 40 học sinh phải nhập viện sau bữa trưa bán trú, Sở Y tế điều tra nguyên nhân.</p></article>
<a href="/suc-khoe/hoc-sinh-nhap-vien-sau-bua-trua-ban-tru-123457.html">Hơn 40 học sinh nhập viện sau bữa trưa bán trú</a>
<a rel="next" href="?page=2">Trang sau</a>
<div class="post" id="p1"><h3 class="title">Trạm y tế</h3><a class="permalink" href="/dien-dan/1">#</a>
<span class="author" data-user-id="u1">A</span><time datetime="2026-11-23T07:00:00+07:00">23/11</time>
<div class="content">Trạm y tế xã hết thuốc huyết áp cả tuần nay.</div></div></body></html>"""
EXPORT_ROWS = [{"url": "https://www.facebook.com/groups/qn/posts/1", "text": "Phường mình nhiều người sốt cao",
                "title": "Hỏi", "posted_at": "23/11/2026 07:15", "author_id": "100001", "reactions": "12"},
               {"id": "77", "message": "Bệnh viện quá tải", "created_time": "2026-11-23T07:00:00+07:00"}]
JSONL = "\n".join(json.dumps(r, ensure_ascii=False) for r in EXPORT_ROWS).encode()
CSV = "url,text,title,posted_at,author_id,likes\nhttps://zalo.me/g/1,Ca sốt xuất huyết tăng,Tin,23/11/2026,z1,3\n".encode()
LIMITS = ExportLimits(max_depth=8, max_post_chars=500, max_cell_chars=2_000)


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """A seed document with a few random cuts, insertions and repeats."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(("insert", "delete", "repeat", "flip")))
        if action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=40)
                               | st.sampled_from([b"<", b"]]>", b"&", b"\x00", b"\r\n", b"&#0;", b'"', b"\\", b"{"]))
        elif action == "delete":
            del data[at:at + draw(st.integers(1, 60))]
        elif action == "repeat":
            data[at:at] = data[at:at + draw(st.integers(1, 200))] * draw(st.integers(1, 5))
        elif data and at < len(data):
            data[at] ^= draw(st.integers(1, 255))
    return bytes(data)


def inputs(*seeds: bytes) -> st.SearchStrategy[bytes]:
    """Random bytes, random text, or a mutated seed."""
    return st.one_of(st.binary(max_size=3000), st.text(max_size=1000).map(str.encode),
                     *(mutated(seed) for seed in seeds))


def text_of(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def one_line(title: str) -> bool:
    return "\n" not in title and "\r" not in title and "\x00" not in title


@given(inputs(FEED))
def test_feeds(data: bytes) -> None:
    result = parse_feed(data)
    for entry in result.entries:
        assert entry.link is None or is_http_url(entry.link)
        assert one_line(entry.title)
    assert one_line(result.title)


@given(inputs(SITEMAP, INDEX, gzip.compress(SITEMAP)))
def test_sitemaps(data: bytes) -> None:
    result = parse_sitemap(data)
    assert result.error is None or not result.entries
    assert all(is_http_url(e.link) for e in result.entries)
    assert all(is_http_url(url) for url, _ in result.sitemaps)


@given(inputs(PAGE.encode()), st.sampled_from([None, "a.title", "a[href*='-1']", "a::attr(href)", "h1::text"]),
       st.sampled_from([None, r"\d{6}", "hoc-sinh"]))
def test_listings(data: bytes, selector: str | None, pattern: str | None) -> None:
    html = text_of(data)  # selectors and patterns are valid: the sources file refuses others
    links = article_links(html, BASE, selector, pattern)
    assert all(is_http_url(link) for link in links)
    following = next_page(html, BASE)
    assert following is None or is_http_url(following)


def _check_posts(posts: list, limits: ExportLimits) -> None:
    for post in posts:
        assert post.url and one_line(post.title) and "\x00" not in post.text
        assert len(post.text) <= limits.max_post_chars
        assert is_http_url(post.url) or post.url.startswith(BASE + "#")


@given(inputs(JSONL, CSV, json.dumps(EXPORT_ROWS).encode(), json.dumps({"posts": EXPORT_ROWS}).encode()),
       st.sampled_from(["posts.csv", "posts.jsonl", "posts.json", "export"]))
def test_post_exports(data: bytes, name: str) -> None:
    try:
        text = decode_lines(data).text
    except DecodeError:
        return
    result = parse_export(text, name, BASE, b"salt", limits=LIMITS)
    _check_posts(result.posts, LIMITS)
    assert all(isinstance(n, int) and reason for n, reason in result.rejected + result.errors + result.cut)


@given(inputs(PAGE.encode()))
def test_forum_pages(data: bytes) -> None:
    selectors = {"post": "div.post", "text": "div.content", "title": "h3.title", "link": "a.permalink",
                 "author": "span.author"}
    _check_posts(parse_forum_page(text_of(data), BASE, selectors, b"salt", limits=LIMITS).posts, LIMITS)


@given(inputs(PAGE.encode()), st.sampled_from([{}, {"title": "h1", "body": "article", "date": "span.date",
                                                    "author": "span.author", "lead": "p"}]))
def test_extraction(data: bytes, selectors: dict[str, str]) -> None:
    try:
        html, _ = decode_bytes(data)
    except DecodeError:
        return
    found = extract_article(html, BASE + "bai-1.html", selectors, {"published": "20/11/2026"})
    assert one_line(found.title) and "\x00" not in found.text
    assert found.canonical is None or is_http_url(found.canonical)
    assert found.published_at is None or found.published_at.tzinfo == timezone.utc


DATES = ["Thứ sáu, 20/11/2026, 07:15 (GMT+7)", "2026-11-20T07:15:00+07:00", "Fri, 20 Nov 2026 07:15:00 +0700",
         "07:15 ngày 20/11/2026", "ngày 20 tháng 11 năm 2026", "20-11-2026 - 07h15", "3 giờ trước"]


@given(st.one_of(st.text(max_size=80), mutated(b"|".join(d.encode() for d in DATES)).map(text_of),
                 st.sampled_from(DATES)),
       st.sampled_from([None, "Asia/Ho_Chi_Minh", "UTC", "Not/AZone"]))
def test_dates(value: str, tz: str | None) -> None:
    for parsed in (parse_datetime(value, tz), parse_visible_date(value, tz)):
        assert parsed is None or (parsed.tzinfo == timezone.utc and parsed.year >= 1990)


def test_sources_file_refuses_selectors_and_patterns_the_parsers_cannot_use():
    from pipeline.store.sources import parse_source

    base = {"id": "bao", "name": "Báo", "kind": "listing", "url": BASE}
    for bad, reason in (({"selectors": {"links": "li >"}}, "not valid CSS"),
                        ({"selectors": {"title": "::"}}, "not valid CSS"),
                        ({"link_pattern": "(["}, "not a valid regular expression")):
        try:
            parse_source(base | bad)
        except ValueError as exc:
            assert reason in str(exc)
        else:
            raise AssertionError(f"{bad} accepted")
    assert parse_source(base | {"selectors": {"links": "a.title::attr(href)"}, "link_pattern": r"\d{6}"})
