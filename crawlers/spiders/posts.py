"""Public posts: exported files (CSV/JSONL/JSON) and forum-style listing pages."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response, TextResponse

from crawlers.items import PostItem
from crawlers.spiders.base import SourceSpider
from pipeline.parse.dates import parse_datetime
from pipeline.parse.decode import DecodeError, decode_bytes
from pipeline.parse.listings import next_page
from pipeline.parse.posts import PostsResult, author_salt, parse_export, parse_forum_page
from pipeline.store.records import Document, RawPage
from pipeline.store.schema import utcnow
from pipeline.parse.urls import canonical_url

_EXPORT_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".json")


class PostsSpider(SourceSpider):
    """``kind: posts`` — ``url``/``urls`` are export files (http(s), file:// or a
    local path) or forum pages (selectors ``post``, ``text``, ``link``, ``date``,
    ``author``, ``next``); option ``platform``."""

    name = "posts"
    kind = "posts"

    def start_url(self, url: str) -> str:
        """Local paths become file:// URLs; everything else is requested as is."""
        return url if "://" in url else Path(url).resolve().as_uri()

    def parse(self, response: Response) -> Iterator[Any]:
        """Keep the file or page bytes, then one item per post."""
        try:
            text, encoding = decode_bytes(response.body, response.headers.get("Content-Type", b"").decode("latin-1"))
        except DecodeError as exc:
            self.failed_listing = f"posts_unreadable: {exc}"
            self.ctx.problem(self, "posts_unreadable", response.url, str(exc), body=response.body)
            return
        yield RawPage(url=response.url, final_url=response.url, source_id=self.source.id,
                      status=response.status, body=response.body, fetched_at=utcnow(),
                      content_type=response.headers.get("Content-Type", b"").decode("latin-1"),
                      hints={"role": "posts_container", "encoding": encoding})
        salt = author_salt(Path(self.settings.get("DULUAN_DATA_DIR", "data")))
        platform = self.source.option("platform", "forum")
        path = urlsplit(response.url).path.lower()
        if path.endswith(_EXPORT_SUFFIXES) or not isinstance(response, TextResponse):
            result = parse_export(text, path, response.url, salt, default_platform=platform)
        else:
            result = parse_forum_page(text, response.url, self.source.selectors, salt, platform=platform)
            following = next_page(text, response.url, self.source.selectors.get("next"))
            page = response.meta.get("page", 1)
            if following and page < int(self.source.option("max_pages", 3)):
                yield self.listing_request(following, page=page + 1)
        yield from self._post_items(result, response.url)

    def _post_items(self, result: PostsResult, where: str) -> Iterator[PostItem]:
        for row, reason in result.rejected:
            self.ctx.problem(self, "post_rejected", where, f"row {row}: {reason}")
        tz = self.source.option("timezone") or self.settings.get("DULUAN_TIMEZONE")
        self.seen += len(result.posts)
        for post in result.posts:
            key = post.url if "#" in post.url else canonical_url(post.url)
            published = parse_datetime(post.posted_at, tz)
            if post.posted_at and published is None:
                self.ctx.problem(self, "item_no_date", post.url, f"unreadable date {post.posted_at!r}")
            yield PostItem(Document(
                url=post.url, url_canonical=key, source_id=self.source.id, kind="post",
                title=post.title or post.text[:120], text=post.text, published_at=published,
                date_source="post" if published else "none", fetched_at=utcnow(),
                extra={"platform": post.platform, "author_hash": post.author_hash, **post.engagement}))
