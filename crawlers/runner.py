"""Run one crawl of many sources in one Scrapy process and record it."""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy.crawler import Crawler, CrawlerProcess

from crawlers.context import CrawlContext, activate
from crawlers.settings import scrapy_settings
from crawlers.spiders.base import SourceSpider
from crawlers.spiders.listing import ListingSpider
from crawlers.spiders.posts import PostsSpider
from crawlers.spiders.rss import RssSpider
from crawlers.spiders.sitemap import SitemapSpider
from pipeline.store.records import Source
from pipeline.store.schema import utcnow
from pipeline.common.options import CrawlOptions
from pipeline.common.settings import get_settings
from pipeline.store.store import Store

if TYPE_CHECKING:
    from crawlers.frontier import SharedFrontier

log = logging.getLogger(__name__)
SPIDERS: dict[str, type[SourceSpider]] = {
    "rss": RssSpider, "sitemap": SitemapSpider, "listing": ListingSpider, "posts": PostsSpider,
}


@dataclass
class CrawlSummary:
    """What one crawl did, as stored in its crawl-run record."""

    run_id: int
    stats: dict[str, Any]
    status: str


def due_sources(store: Store, sources: list[Source]) -> list[Source]:
    """Sources whose adaptive poll time has come (never-polled sources are due)."""
    rows = store.source_rows()
    now = utcnow()
    return [s for s in sources if rows.get(s.id) is None or rows[s.id].next_poll_at is None
            or rows[s.id].next_poll_at <= now]


def run_crawl(store: Store, sources: list[Source], *, sources_file: str | None = None,
              refresh: bool = False, extra_settings: dict[str, Any] | None = None,
              frontier: SharedFrontier | None = None, seed: bool = True) -> CrawlSummary:
    """Crawl ``sources`` once, writing pages, documents and problems as they come.

    With a ``frontier`` this process is one of several workers sharing its queue;
    a ``seed`` worker starts a new batch (clears the frontier, requests the
    sources' URLs), the others take requests until the queue stays empty.
    Each worker records its own crawl run, and the polls of the sources whose
    feeds or listings it fetched.
    """
    store.sync_sources(sources)
    run_id = store.start_run(sources_file)
    ctx = CrawlContext(store=store, run_id=run_id, refresh=refresh, frontier=frontier, seed=seed)
    activate(ctx)
    if frontier is not None and seed:
        frontier.clear()
    settings = scrapy_settings() | (frontier.scrapy_settings() if frontier else {}) | (extra_settings or {})
    process = CrawlerProcess(settings | {"LOG_INSTALL_ROOT_HANDLER": False})
    crawlers: list[tuple[Source, Crawler]] = []
    for source in sources:
        crawler = process.create_crawler(SPIDERS[source.kind])
        crawlers.append((source, crawler))
        process.crawl(crawler, source=source)
    status = "ok"
    try:
        process.start()
    except KeyboardInterrupt:
        status = "interrupted"
    totals: Counter[str] = Counter()
    crawl = get_settings().options(CrawlOptions)
    per_source: dict[str, dict[str, Any]] = {}
    for source, crawler in crawlers:
        spider = crawler.spider
        counters = {k.removeprefix("duluan/"): v for k, v in (crawler.stats.get_stats() or {}).items()
                    if k.startswith("duluan/") or k in ("downloader/request_count", "item_scraped_count")}
        totals.update({k: v for k, v in counters.items() if isinstance(v, int)})
        if spider is None or not spider.polled:
            continue
        interval = store.record_poll(source.id, seen=spider.seen, new=spider.new, error=spider.failed_listing,
                                     min_minutes=crawl.min_poll_minutes,
                                     max_minutes=crawl.max_poll_minutes,
                                     default_minutes=crawl.default_poll_minutes)
        per_source[source.id] = {"seen": spider.seen, "new": spider.new, "error": spider.failed_listing,
                                 "poll_minutes": interval}
    stats = {"totals": dict(totals), "sources": per_source}
    store.finish_run(run_id, stats, status)
    return CrawlSummary(run_id=run_id, stats=stats, status=status)
