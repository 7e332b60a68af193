"""Titles are one line wherever they come from: a line break in an e-mail subject
is refused by the standard library, and stops whatever sends it."""
from __future__ import annotations

from email.message import EmailMessage

from pipeline.parse.extract import extract_article
from pipeline.parse.feeds import parse_feed
from pipeline.parse.posts import parse_export

BROKEN = "Sốt xuất huyết\r\n tăng mạnh\x0bở phường\u2028Cẩm Thành"
ONE_LINE = "Sốt xuất huyết tăng mạnh ở phường Cẩm Thành"
TEXT = "<p>Trong tuần qua, phường Cẩm Thành ghi nhận 45 ca sốt xuất huyết, tăng gấp đôi tuần trước.</p>"


def _subject_ok(title: str) -> bool:
    msg = EmailMessage()
    msg["Subject"] = title
    return msg["Subject"] == title


def test_feed_titles_are_one_line():
    feed = parse_feed(f"<rss><channel><title>Báo\nThử</title><item><title>{BROKEN}</title>"
                      "<link>https://bao.example.vn/a-1.html</link></item></channel></rss>".encode())
    assert feed.entries[0].title == ONE_LINE and feed.title == "Báo Thử"


def test_article_titles_are_one_line_with_and_without_selectors():
    page = f"<html><head><title>{BROKEN}</title></head><body><h1>{BROKEN}</h1><article>{TEXT}</article></body></html>"
    for selectors in ({}, {"title": "h1", "body": "article"}):
        title = extract_article(page, "https://bao.example.vn/a-1.html", selectors).title
        assert title == ONE_LINE and _subject_ok(title)


def test_post_titles_are_one_line():
    export = f'url,text,title\nhttps://zalo.me/g/1,"Ca bệnh","{BROKEN}"\n'
    post = parse_export(export, "posts.csv", "https://zalo.me/", b"salt").posts[0]
    assert post.title == ONE_LINE and _subject_ok(post.title)
