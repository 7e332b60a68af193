"""Post exports keep only what may be kept; the sources file is validated entry by entry."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pipeline.parse.posts import hash_author, parse_export, parse_forum_page
from pipeline.store.sources import SourcesError, load_sources

SALT = b"test-salt"
CSV = """platform,url,text,posted_at,author_id,author_name,phone,reactions,comments,shares
facebook,https://www.facebook.com/groups/qn/posts/1,"Benh vien tinh qua tai, cho tu sang den chieu",22/11/2026 08:40,100045,Nguyễn Văn A,0905123456,120,45,7
zalo,https://zalo.me/p/2,,22/11/2026 09:00,200,Trần B,,1,0,0
tiktok,,Không có đường dẫn,2026-11-22T10:00:00+07:00,300,Lê C,,5,1,0
"""


def test_csv_export_keeps_only_allowed_fields() -> None:
    result = parse_export(CSV, "posts.csv", "https://example.vn/", SALT)
    assert len(result.posts) == 1
    post = result.posts[0]
    assert post.platform == "facebook" and post.text.startswith("Benh vien tinh qua tai")
    assert post.engagement == {"reactions": 120, "comments": 45, "shares": 7}
    assert post.author_hash == hash_author("facebook", "100045", SALT) and "100045" not in post.author_hash
    assert "Nguyễn" not in repr(post) and "0905123456" not in repr(post)
    assert sorted(reason for _, reason in result.rejected) == ["no text", "no url or id"]


def test_jsonl_export_with_aliases_and_bad_lines() -> None:
    text = ('{"platform": "facebook", "permalink": "https://fb.com/p/9", "message": "Sởi ở xã Bình Sơn", '
            '"created_time": "2026-11-21T07:00:00+07:00", "from_id": "77", "likes": "1,200"}\n'
            "{not json}\n"
            '["a list"]\n')
    result = parse_export(text, "x.jsonl", "https://example.vn/", SALT)
    assert [p.url for p in result.posts] == ["https://fb.com/p/9"]
    assert result.posts[0].engagement == {"reactions": 1200}
    assert [n for n, _ in result.rejected] == [2, 3]


def test_author_hash_depends_on_salt_and_platform() -> None:
    a = hash_author("facebook", "42", SALT)
    assert a != hash_author("facebook", "42", b"other") != hash_author("zalo", "42", SALT)
    assert hash_author("facebook", "", SALT) is None


def test_forum_page_posts() -> None:
    html = """<div class="post" data-id="p1"><span class="author" data-user-id="u9">Hoa</span>
    <time datetime="2026-11-21T20:15:00+07:00">21/11</time><h3 class="title">Hỏi về BHYT</h3>
    <div class="content"><p>Thẻ BHYT của mẹ em bị từ chối ở bv tỉnh, ko biết vì sao</p></div>
    <a class="permalink" href="/dien-dan/bai-viet/1">#</a></div>
    <div class="post" data-id="p2"><div class="content"></div></div>"""
    result = parse_forum_page(html, "https://forum.vn/suc-khoe.html",
                              {"post": "div.post", "text": "div.content", "title": "h3.title",
                               "link": "a.permalink", "date": "time", "author": "span.author"}, SALT)
    assert len(result.posts) == 1 and result.rejected == [(2, "no text")]
    post = result.posts[0]
    assert post.url == "https://forum.vn/dien-dan/bai-viet/1" and post.title == "Hỏi về BHYT"
    assert post.posted_at == "2026-11-21T20:15:00+07:00"
    assert post.author_hash == hash_author("forum", "u9", SALT)


def test_bad_source_entries_are_skipped_with_reason(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("""sources:
  - {id: ok, name: OK, kind: rss, url: "https://a.vn/rss"}
  - {id: ok, name: Twice, kind: rss, url: "https://b.vn/rss"}
  - {id: k, name: K, kind: telegram, url: "https://c.vn"}
  - {id: n, name: No URL, kind: listing}
  - {name: No id, kind: rss, url: "https://d.vn"}
  - {id: q, name: Q, kind: rss, url_template: "https://n.vn/s?q={query}", queries: ["sốt xuất huyết"]}
""", encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        sources = load_sources(path)
    assert [s.id for s in sources] == ["ok", "q"]
    assert sources[1].urls == ("https://n.vn/s?q=s%E1%BB%91t+xu%E1%BA%A5t+huy%E1%BA%BFt",)
    for reason in ("duplicate id", "kind 'telegram'", "no url or urls", "missing id"):
        assert reason in caplog.text


@pytest.mark.parametrize("content", ["[1, 2]", "sources: {a: 1}", "sources: [\n  - {"])
def test_unusable_sources_file_raises(tmp_path: Path, content: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourcesError):
        load_sources(path)


def test_default_sources_are_the_real_ones() -> None:
    sources = {s.id: s for s in load_sources()}
    assert {"vnexpress-suc-khoe", "suckhoedoisong", "baoquangngai-y-te", "baotuyenquang-y-te",
            "moh-portal", "gnews-quangngai"} <= set(sources)
    assert all(s.urls and not s.verified for s in sources.values())
