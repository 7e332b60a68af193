"""HTML section pages: article links by selector, URL pattern or heuristics; bounded paging."""
from __future__ import annotations

from collections.abc import Iterator

import scrapy
from scrapy.http import Response, TextResponse

from crawlers.spiders.base import SourceSpider
from pipeline.parse.listings import article_links, next_page


class ListingSpider(SourceSpider):
    """``kind: listing`` — selectors ``links`` and ``next``, option ``link_pattern``,
    ``max_pages`` (default from settings)."""

    name = "listing"
    kind = "listing"

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow the page's article links, then the next page while allowed."""
        if not isinstance(response, TextResponse) or not response.text.strip():
            self.failed_listing = "listing_unreadable: not an HTML page"
            self.ctx.problem(self, "listing_unreadable", response.url, "not an HTML page",
                             http_status=response.status, body=response.body)
            return
        links = article_links(response.text, response.url, self.source.selectors.get("links"),
                              self.source.option("link_pattern"))
        if not links:
            self.ctx.problem(self, "listing_empty", response.url, "no article links found")
        yield from self.follow_articles([(url, {}) for url in links])
        page = response.meta.get("page", 1)
        max_pages = int(self.source.option("max_pages", self.settings.getint("DULUAN_MAX_LISTING_PAGES", 3)))
        following = next_page(response.text, response.url, self.source.selectors.get("next"))
        if following and page < max_pages:
            yield self.listing_request(following, page=page + 1)
