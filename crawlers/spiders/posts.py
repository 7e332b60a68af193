"""Public posts: exported files (CSV/JSONL/JSON) and forum-style listing pages.

Only what a post may keep reaches the store (text, title, URL, date, platform,
engagement counts, the salted hash of the author): the bytes of export files
and forum pages are never stored, not even in a problem's quarantine.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from scrapy.http import Response, TextResponse

from crawlers.items import PostItem
from crawlers.spiders.base import SourceSpider
from pipeline.common.textutil import shorten
from pipeline.parse.dates import parse_datetime
from pipeline.parse.decode import DecodeError, decode_bytes, decode_lines
from pipeline.parse.listings import next_page
from pipeline.parse.posts import ExportLimits, PostsResult, author_salt, parse_export, parse_forum_page
from pipeline.store.records import Document
from pipeline.store.schema import utcnow
from pipeline.parse.urls import canonical_url

_EXPORT_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".json")
POST_TITLE_CHARS = 120  # a post without a title is stored under the start of its text


def local_path(url: str) -> Path | None:
    """The file a source URL names (a path or ``file://``), or None for a web URL."""
    if "://" not in url:
        return Path(url).resolve()
    parts = urlsplit(url)
    return Path(unquote(parts.path)).resolve() if parts.scheme.lower() == "file" else None


class PostsSpider(SourceSpider):
    """``kind: posts`` — ``url``/``urls`` are export files (http(s), or a local
    path or ``file://`` URL, read directly) or forum pages (selectors ``post``,
    ``text``, ``link``, ``date``, ``author``, ``next``); option ``platform``."""

    name = "posts"
    kind = "posts"

    async def start(self) -> Any:
        """Read local export files here; request the others."""
        if not self.ctx.seed:
            return
        for url in self.source.urls:
            path = local_path(url)
            if path is None:
                yield self.listing_request(url)
                continue
            for item in self.read_local(path, url):
                yield item

    def read_local(self, path: Path, url: str) -> Iterator[PostItem]:
        """Posts of a local export file, within ``[crawl] max_export_bytes``."""
        self.polled = True
        limit = self.settings.getint("DULUAN_MAX_EXPORT_BYTES")
        try:
            size = path.stat().st_size
            if size > limit:
                self.fail("export_too_large", url, f"{size} bytes, more than {limit}")
                return
            body = path.read_bytes()
        except OSError as exc:
            self.fail("posts_unreadable", url, f"cannot read {path}: {exc.strerror or exc}")
            return
        yield from self.read_export(body, url, "")

    def parse(self, response: Response) -> Iterator[Any]:
        """One item per post of an export file or a forum page."""
        ctype = response.headers.get("Content-Type", b"").decode("latin-1")
        path = urlsplit(response.url).path.lower()
        if path.endswith(_EXPORT_SUFFIXES) or not isinstance(response, TextResponse):
            yield from self.read_export(response.body, response.url, ctype)
            return
        try:
            text, _ = decode_bytes(response.body, ctype)
        except DecodeError as exc:
            self.fail("posts_unreadable", response.url, str(exc))
            return
        platform = self.source.option("platform", "forum")
        yield from self._post_items(parse_forum_page(text, response.url, self.source.selectors, self.salt,
                                                     platform=platform, limits=self.limits), response.url)
        following = next_page(text, response.url, self.source.selectors.get("next"))
        page = response.meta.get("page", 1)
        if following and page < int(self.source.option("max_pages", 3)):
            yield self.listing_request(following, page=page + 1)

    def read_export(self, body: bytes, url: str, content_type: str) -> Iterator[PostItem]:
        """Decode an export line by line (naming lines in another encoding) and read its rows."""
        try:
            decoded = decode_lines(body, content_type)
        except DecodeError as exc:
            self.fail("posts_unreadable", url, str(exc))
            return
        if decoded.other_lines:
            shown = ", ".join(map(str, decoded.other_lines[:20])) + (" …" if len(decoded.other_lines) > 20 else "")
            self.ctx.problem(self, "mixed_encoding", url, f"{len(decoded.other_lines)} line(s) not in "
                             f"{decoded.encoding}, read as {decoded.other_encoding}: {shown}")
        if decoded.nul_bytes:
            self.ctx.problem(self, "nul_bytes", url, f"{decoded.nul_bytes} NUL byte(s) removed")
        result = parse_export(decoded.text, urlsplit(url).path, url, self.salt,
                              default_platform=self.source.option("platform", "forum"), limits=self.limits)
        yield from self._post_items(result, url)

    @property
    def salt(self) -> bytes:
        """The deployment's salt for author ids."""
        return author_salt(Path(self.settings.get("DULUAN_DATA_DIR", "data")))

    @property
    def limits(self) -> ExportLimits:
        """Bounds on one row, from ``[crawl]``."""
        return ExportLimits(max_depth=self.settings.getint("DULUAN_MAX_EXPORT_DEPTH"),
                            max_post_chars=self.settings.getint("DULUAN_MAX_POST_CHARS"),
                            max_cell_chars=self.settings.getint("DULUAN_MAX_EXPORT_CELL_CHARS"))

    def fail(self, reason: str, url: str, detail: str) -> None:
        """A problem that marks the source failed (no bytes kept: they may be personal)."""
        self.failed_listing = f"{reason}: {detail}"
        self.ctx.problem(self, reason, url, detail)

    def _post_items(self, result: PostsResult, where: str) -> Iterator[PostItem]:
        for row, reason in result.rejected:
            self.ctx.problem(self, "post_rejected", where, f"row {row}: {reason}")
        for row, reason in result.cut:
            self.ctx.problem(self, "post_truncated", where, f"row {row}: {reason}")
        for row, reason in result.errors:
            self.fail("export_error", where, f"row {row}: {reason}")
        tz = self.source.option("timezone") or self.settings.get("DULUAN_TIMEZONE")
        self.seen += len(result.posts)
        for post in result.posts:
            key = post.url if "#" in post.url else canonical_url(post.url)
            published = parse_datetime(post.posted_at, tz)
            if post.posted_at and published is None:
                self.ctx.problem(self, "item_no_date", post.url, f"unreadable date {post.posted_at[:100]!r}")
            yield PostItem(Document(
                url=post.url, url_canonical=key, source_id=self.source.id, kind="post",
                title=post.title or shorten(post.text[:400], POST_TITLE_CHARS), text=post.text,
                published_at=published,
                date_source="post" if published else "none", fetched_at=utcnow(),
                extra={"platform": post.platform, "author_hash": post.author_hash, **post.engagement}))
