"""What every spider of one crawl run shares: the store, the run id, the
canonical URLs already requested, and how problems are reported."""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scrapy import Spider
from scrapy.crawler import Crawler

from pipeline.store.store import Store

if TYPE_CHECKING:
    from crawlers.frontier import SharedFrontier

log = logging.getLogger(__name__)


@dataclass
class CrawlContext:
    """Shared state of one crawl run; with a ``frontier`` the run is one of
    several workers, and only a ``seed`` worker requests the sources' URLs."""

    store: Store
    run_id: int | None = None
    refresh: bool = False
    frontier: SharedFrontier | None = None
    seed: bool = True
    requested: set[str] = field(default_factory=set)

    def claim(self, keys: Iterable[str]) -> set[str]:
        """Of these canonical URLs, those not requested yet by this run (or by
        any worker sharing its frontier); they count as requested from now on."""
        fresh = {key for key in keys if key not in self.requested}
        if self.frontier is not None and fresh:
            fresh = self.frontier.claim(fresh)
        self.requested.update(fresh)
        return fresh

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
