"""What all source spiders share: the source, article requests, error reporting."""
from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawlers import egress
from crawlers.context import CrawlContext, context_for
from crawlers.problems import failure_reason
from pipeline.store.records import Document, RawPage, Source
from pipeline.store.schema import utcnow
from pipeline.store.sources import load_sources
from pipeline.common.textutil import clean_title
from pipeline.parse.urls import canonical_url, is_http_url
from pipeline.parse.dates import parse_datetime

log = logging.getLogger(__name__)
_TEXT_TYPE = re.compile(r"html|xml|text/", re.I)


def first_url(request: scrapy.Request) -> str:
    """The URL a request started at, before any redirect."""
    return request.meta.get("redirect_urls", [request.url])[0]


class SourceSpider(scrapy.Spider):
    """Base of the source spiders. ``source`` is a :class:`Source`, or its id
    with ``sources_file`` when run as ``scrapy crawl KIND -a source=ID``."""

    kind = ""

    def __init__(self, source: Source | str, sources_file: str | None = None, **kwargs: Any) -> None:
        if isinstance(source, str):
            found = {s.id: s for s in load_sources(sources_file)}
            if source not in found:
                raise ValueError(f"no source {source!r} in the sources file")
            source = found[source]
        if source.kind != self.kind:
            raise ValueError(f"source {source.id} is of kind {source.kind}, not {self.kind}")
        super().__init__(name=f"{self.kind}:{source.id}", **kwargs)
        self.source = source
        egress.policy.allow_urls(source.urls)  # the operator wrote these hosts: the guard lets them through
        self.seen = 0
        self.new = 0
        self.failed_listing: str | None = None
        self.polled = False

    @property
    def ctx(self) -> CrawlContext:
        """The crawl run's shared context."""
        return context_for(self.crawler)

    async def start(self) -> Any:
        """Request every URL of the source (feeds, sitemaps, listing pages, exports);
        a worker that does not seed the shared frontier only takes from its queue."""
        if not self.ctx.seed:
            return
        for url in self.source.urls:
            yield self.listing_request(self.start_url(url))

    def start_url(self, url: str) -> str:
        """The URL to request for one of the source's URLs."""
        return url

    def listing_request(self, url: str, **meta: Any) -> scrapy.Request:
        """A request for a feed/sitemap/listing URL; its failure marks the source unhealthy."""
        return scrapy.Request(url, callback=self.parse_listing, errback=self.listing_failed,
                              meta={"listing": True, **meta}, dont_filter=True)

    def parse_listing(self, response: Response) -> Any:
        """Note that this worker polled the source, then parse the listing."""
        self.polled = True
        return self.parse(response)

    def listing_failed(self, failure: Failure) -> None:
        """A feed, sitemap or listing could not be fetched."""
        self.polled = True
        reason, status, detail = failure_reason(failure)
        self.failed_listing = f"{reason}: {detail}"
        self.ctx.problem(self, reason, first_url(failure.request), detail, http_status=status)

    def follow_articles(self, links: list[tuple[str, dict[str, str]]]) -> Iterator[scrapy.Request]:
        """Requests for article links not stored yet (all of them with ``--refresh``).

        ``links`` pairs each URL with what the feed said (title, published, summary).
        """
        valid = [(url, hints) for url, hints in links if is_http_url(url)]
        by_canonical: dict[str, tuple[str, dict[str, str]]] = {}
        for url, hints in valid:
            by_canonical.setdefault(canonical_url(url), (url, hints))
        self.seen += len(by_canonical)
        known = set() if self.ctx.refresh else self.ctx.store.known_urls(by_canonical)
        wanted = [key for key in by_canonical if key not in known]
        self.new += len(wanted)
        fresh = self.ctx.claim(wanted)
        for key in wanted:
            if key not in fresh:
                self.crawler.stats.inc_value("duluan/duplicate_link")
                continue
            url, hints = by_canonical[key]
            # Duplicates are filtered by canonical URL above; Scrapy's own filter
            # would silently drop a redirect loop instead of reporting it.
            yield scrapy.Request(url, callback=self.parse_article, errback=self.article_failed,
                                 meta={"hints": hints}, dont_filter=True)

    def parse_article(self, response: Response) -> Iterator[RawPage]:
        """Hand the article's bytes to the item pipeline; non-text bodies are quarantined."""
        hints = response.meta.get("hints", {})
        ctype = response.headers.get("Content-Type", b"").decode("latin-1")
        if not isinstance(response, TextResponse) or (ctype and not _TEXT_TYPE.search(ctype)):
            self.ctx.problem(self, "not_html", response.url, f"content type {ctype or 'unknown'}",
                             http_status=response.status, body=response.body)
            self.keep_feed_entry(response.request.url, hints, "not_html")
            return
        yield RawPage(url=first_url(response.request),
                      final_url=response.url, source_id=self.source.id, status=response.status,
                      body=response.body, fetched_at=utcnow(), hints=hints, content_type=ctype)

    def article_failed(self, failure: Failure) -> None:
        """An article could not be fetched: report it and keep what the feed said."""
        reason, status, detail = failure_reason(failure)
        url = first_url(failure.request)
        self.ctx.problem(self, reason, url, detail, http_status=status)
        if reason != "blocked_address":  # a guarded link is never kept, not even as a partial
            self.keep_feed_entry(url, failure.request.meta.get("hints", {}), reason)

    def keep_feed_entry(self, url: str, hints: dict[str, str], reason: str) -> None:
        """Store the feed's title and summary as a partial document, so nothing
        fetched is lost; the page is tried again on the next crawl."""
        title = clean_title(hints.get("title", ""))
        if not title:
            return
        key = canonical_url(url)
        if key in self.ctx.store.known_urls([key]):
            return
        tz = self.source.option("timezone") or self.settings.get("DULUAN_TIMEZONE")
        published = parse_datetime(hints.get("published"), tz)
        self.ctx.store.save_document(Document(
            url=url, url_canonical=key, source_id=self.source.id, kind="article", title=title,
            text=hints.get("summary", ""), published_at=published,
            date_source="feed" if published else "none", author=hints.get("author"),
            fetched_at=utcnow(), partial=True, extra={"fetch_problem": reason}))
        self.crawler.stats.inc_value("duluan/partial_documents")
