"""News sitemaps and sitemap indexes (newest child sitemaps first, bounded)."""
from __future__ import annotations

from collections.abc import Iterator

import scrapy
from scrapy.http import Response

from crawlers.spiders.base import SourceSpider
from pipeline.parse.sitemaps import parse_sitemap


class SitemapSpider(SourceSpider):
    """``kind: sitemap`` — a urlset or an index; option ``max_sitemaps`` (default 3)."""

    name = "sitemap"
    kind = "sitemap"

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow child sitemaps of an index, or the article links of a urlset."""
        result = parse_sitemap(response.body)
        if result.error:
            self.failed_listing = f"sitemap_unparseable: {result.error}"
            self.ctx.problem(self, "sitemap_unparseable", response.url, result.error,
                             http_status=response.status, body=response.body)
            return
        children = sorted(result.sitemaps, key=lambda s: s[1] or "", reverse=True)
        for url, _lastmod in children[: int(self.source.option("max_sitemaps", 3))]:
            yield self.listing_request(url)
        max_items = int(self.source.option("max_items", 500))
        entries = sorted(result.entries, key=lambda e: e.published or "", reverse=True)[:max_items]
        yield from self.follow_articles(
            [(e.link, {"title": e.title, "published": e.published or ""}) for e in entries])
