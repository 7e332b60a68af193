"""A crawl frontier shared by several ``duluan crawl`` workers, kept in Redis.

scrapy-redis' scheduler holds each source's request queue and request
fingerprints under one key prefix, so every worker pops from the same queue.
Article links are claimed by canonical URL in a Redis set before they are
requested, so two workers never fetch the same article, whatever tracking
parameters its links carry. Needs the ``scale`` extra (``scrapy-redis``).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from redis import Redis
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.connection import get_redis

log = logging.getLogger(__name__)


@dataclass
class SharedFrontier:
    """The Redis keys of one deployment's (or one batch's) shared crawl."""

    url: str
    prefix: str = "duluan"
    idle_seconds: float = 10.0
    server: Redis = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.server = get_redis(url=self.url)

    def scrapy_settings(self) -> dict[str, Any]:
        """Settings that route every request through the shared queue."""
        return {
            "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
            "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
            # Kept when one worker closes: the others may still be draining it.
            "SCHEDULER_PERSIST": True,
            "SCHEDULER_QUEUE_KEY": f"{self.prefix}:%(spider)s:requests",
            "SCHEDULER_DUPEFILTER_KEY": f"{self.prefix}:%(spider)s:dupefilter",
            "REDIS_URL": self.url,
            "EXTENSIONS": {"crawlers.frontier.CloseWhenIdle": 500},
            "DULUAN_IDLE_SECONDS": self.idle_seconds,
        }

    def ping(self) -> None:
        """Raise ``redis.RedisError`` when the server does not answer."""
        self.server.ping()

    def clear(self) -> int:
        """Delete the queues, fingerprints and claims under the prefix (a new batch)."""
        keys = list(self.server.scan_iter(match=f"{self.prefix}:*", count=1000))
        if keys:
            self.server.delete(*keys)
        log.info("shared frontier %s: cleared %d keys", self.prefix, len(keys))
        return len(keys)

    def claim(self, keys: Iterable[str]) -> set[str]:
        """Of these canonical URLs, those no worker claimed before; now claimed."""
        wanted = list(keys)
        pipe = self.server.pipeline(transaction=False)
        for key in wanted:
            pipe.sadd(f"{self.prefix}:claimed", key)
        return {key for key, added in zip(wanted, pipe.execute()) if added}


class CloseWhenIdle:
    """Close a worker's spider once the shared queue has stayed empty and the
    worker had nothing to download for ``DULUAN_IDLE_SECONDS``: long enough for
    another worker to finish parsing a feed and enqueue its links, short enough
    that a batch crawl ends. Scrapy asks again about every five seconds."""

    def __init__(self, crawler: Crawler) -> None:
        self.seconds = crawler.settings.getfloat("DULUAN_IDLE_SECONDS", 10.0)
        self.idle_since: float | None = None
        crawler.signals.connect(self.busy, signal=signals.response_received)
        crawler.signals.connect(self.idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CloseWhenIdle":
        """Scrapy's constructor hook."""
        return cls(crawler)

    def busy(self) -> None:
        """A response arrived: the idle clock starts again."""
        self.idle_since = None

    def idle(self) -> None:
        """Keep the spider open until the idle time has passed."""
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.seconds:
            raise DontCloseSpider
