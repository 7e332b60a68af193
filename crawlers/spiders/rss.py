"""RSS/Atom feeds: each item's page is fetched and extracted."""
from __future__ import annotations

from collections.abc import Iterator

import scrapy
from scrapy.http import Response

from crawlers.spiders.base import SourceSpider
from pipeline.parse.feeds import parse_feed


class RssSpider(SourceSpider):
    """``kind: rss`` — one or more feed URLs."""

    name = "rss"
    kind = "rss"

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        """Read the feed from the response bytes and follow its new items."""
        result = parse_feed(response.body)
        if result.bozo_reason:
            reason = "feed_unparseable" if not result.entries else "feed_malformed"
            self.ctx.problem(self, reason, response.url, result.bozo_reason, http_status=response.status,
                             body=response.body if not result.entries else None)
            if not result.entries:
                self.failed_listing = f"{reason}: {result.bozo_reason}"
        links = []
        for entry in result.entries:
            if not entry.link:
                self.ctx.problem(self, "item_no_link", response.url, f"item {entry.title[:120]!r} has no link")
                continue
            if not entry.published:
                self.ctx.problem(self, "item_no_date", entry.link, "feed item has no date")
            links.append((entry.link, {"title": entry.title, "published": entry.published or "",
                                       "summary": entry.summary, "author": entry.author or ""}))
        yield from self.follow_articles(links)
