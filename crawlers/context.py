"""What every spider of one crawl run shares: the store, the run id, the
canonical URLs already requested, and how problems are reported."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from scrapy import Spider
from scrapy.crawler import Crawler

from pipeline.store import Store

log = logging.getLogger(__name__)


@dataclass
class CrawlContext:
    """Shared state of one crawl run."""

    store: Store
    run_id: int | None = None
    refresh: bool = False
    requested: set[str] = field(default_factory=set)

    def problem(self, spider: Spider, reason: str, url: str | None, detail: str = "",
                http_status: int | None = None, body: bytes | None = None) -> None:
        """Log, count and keep one bad-input event; the crawl goes on."""
        source_id = getattr(getattr(spider, "source", None), "id", spider.name)
        log.warning("[%s] %s: %s %s", source_id, reason, url or "-", detail)
        if spider.crawler is not None and spider.crawler.stats is not None:
            spider.crawler.stats.inc_value(f"duluan/problem/{reason}")
        self.store.record_problem(reason=reason, source_id=source_id, url=url, detail=detail,
                                  http_status=http_status, body=body, run_id=self.run_id)


_active: CrawlContext | None = None


def activate(ctx: CrawlContext) -> None:
    """Make ``ctx`` the context of the crawl this process runs (one per process)."""
    global _active
    _active = ctx


def context_for(crawler: Crawler) -> CrawlContext:
    """The run's context: set by ``duluan crawl``, or made once for ``scrapy crawl``."""
    if _active is None:
        activate(CrawlContext(store=Store(crawler.settings.get("DULUAN_DB_URL") or None),
                              refresh=crawler.settings.getbool("DULUAN_REFRESH")))
    assert _active is not None
    return _active
