"""The item pipeline: keep the bytes, extract the document, upsert both."""
from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from crawlers.context import context_for
from crawlers.items import PostItem
from pipeline.common.textutil import clean_title
from pipeline.parse.decode import DecodeError, decode_bytes
from pipeline.parse.extract import MIN_TEXT_CHARS, extract_article
from pipeline.store.records import Document, RawPage
from pipeline.store.store import content_sha1
from pipeline.parse.urls import canonical_url

log = logging.getLogger(__name__)


def _same_host(a: str, b: str) -> bool:
    return canonical_url(a).split("/")[2] == canonical_url(b).split("/")[2]


class StorePipeline:
    """Writes each item in its own transaction, so a killed crawl keeps all
    that was written and a re-run upserts instead of duplicating."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "StorePipeline":
        """Scrapy's constructor hook."""
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        """Store a fetched page (and its document) or a parsed post."""
        spider = self.crawler.spider
        if isinstance(item, PostItem):
            self._save_post(item.document, spider)
        elif isinstance(item, RawPage):
            self._save_page(item, spider)
        return item

    def _save_post(self, doc: Document, spider: Spider) -> None:
        stats = spider.crawler.stats
        if context_for(spider.crawler).store.save_document(doc):
            stats.inc_value("duluan/documents_new")
            spider.new += 1
        else:
            stats.inc_value("duluan/documents_updated")

    def _save_page(self, page: RawPage, spider: Spider) -> None:
        ctx = context_for(spider.crawler)
        stats = spider.crawler.stats
        source = spider.source
        link_key = canonical_url(page.url)
        try:
            text, encoding = decode_bytes(page.body, page.content_type)
        except DecodeError as exc:
            reason = "empty_page" if "empty" in str(exc) else "binary_body" if "binary" in str(exc) else "decode_error"
            ctx.problem(spider, reason, page.url, str(exc), http_status=page.status, body=page.body)
            spider.keep_feed_entry(page.url, page.hints, reason)
            return
        tz = source.option("timezone") or spider.settings.get("DULUAN_TIMEZONE")
        found = extract_article(text, page.final_url or page.url, source.selectors, page.hints, tz)
        if not found.title and len(found.text) < MIN_TEXT_CHARS:
            ctx.problem(spider, "empty_page", page.url, "no title and no text extracted",
                        http_status=page.status, body=page.body)
            ctx.store.save_page(page, link_key, encoding, ctx.run_id)
            return
        key = link_key
        if found.canonical and _same_host(found.canonical, page.final_url or page.url):
            key = canonical_url(found.canonical)
        title = found.title or clean_title(page.hints.get("title", ""))
        content = content_sha1(title, found.text)
        twin = ctx.store.document_with_content(content, source.id, other_than=key)
        if twin:
            ctx.problem(spider, "duplicate", page.url, f"same text as {twin}")
            ctx.store.save_page(page, link_key, encoding, ctx.run_id)
            return
        if found.published_at is None:
            ctx.problem(spider, "no_date", page.url, "no publication date in feed or page")
        is_new = ctx.store.save_page(page, link_key, encoding, ctx.run_id, Document(
            url=page.final_url or page.url, url_canonical=key, source_id=source.id, kind="article",
            title=title, text=found.text,
            published_at=found.published_at, date_source=found.date_source, author=found.author,
            fetched_at=page.fetched_at, extra={"encoding": encoding}))
        stats.inc_value("duluan/documents_new" if is_new else "duluan/documents_updated")
