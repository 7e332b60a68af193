"""Article links and the next page of an HTML section (listing) page.

With a CSS selector or URL pattern from the sources file the choice is exact;
without, links that look like articles on the same site are taken.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from pipeline.parse.markup import html_selector
from pipeline.parse.urls import absolute_url

_ID_PATH = re.compile(r"\d{5,}(\.[a-z]{2,5})?/?$", re.I)
_SLUG_PATH = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){5,}(\.[a-z]{2,5})?/?$", re.I)
_NOT_ARTICLE = re.compile(r"/(tag|tags|tim-kiem|search|video|photo|author|tac-gia|rss|lien-he|contact)(/|$)|\.(jpg|png|gif|pdf|mp4)$", re.I)
_NEXT_TEXT = re.compile(r"^\s*(trang sau|tiếp|xem thêm|next|sau|›|»|>)\s*$", re.I)


def _same_site(a: str, b: str) -> bool:
    ha, hb = (urlsplit(u).hostname or "" for u in (a, b))
    return ha.removeprefix("www.") == hb.removeprefix("www.")


def article_links(html: str, base_url: str, selector: str | None = None,
                  pattern: str | None = None) -> list[str]:
    """Absolute article URLs on a listing page, in page order, without repeats."""
    sel = html_selector(html)
    base = sel.css("base::attr(href)").get() or base_url
    anchors = sel.css(selector) if selector else sel.css("a[href]")
    rx = re.compile(pattern) if pattern else None
    seen: set[str] = set()
    links = []
    for a in anchors:
        if isinstance(a.root, str):  # a selector ending in ::attr(href) or ::text gives the value itself
            href = a.root
        else:
            href = a.attrib.get("href") or a.css("a::attr(href)").get()
        if not href:
            continue
        url = absolute_url(base, href).split("#", 1)[0]
        if not url or url in seen:
            continue
        if rx is not None:
            if not rx.search(url):
                continue
        elif selector is None and not _looks_like_article(url, base_url, " ".join(a.css("::text").getall())):
            continue
        seen.add(url)
        links.append(url)
    return links


def _looks_like_article(url: str, base_url: str, anchor_text: str) -> bool:
    """Same site, not a tag/search/media page, and an id in the path or a long
    slug behind a headline-like anchor (section links have short labels)."""
    path = urlsplit(url).path
    if not _same_site(url, base_url) or _NOT_ARTICLE.search(path):
        return False
    if _ID_PATH.search(path):
        return True
    return bool(_SLUG_PATH.search(path)) and len(anchor_text.split()) >= 5


def next_page(html: str, base_url: str, selector: str | None = None) -> str | None:
    """The URL of the next listing page: by selector, ``rel=next``, or a "Trang sau" link."""
    sel = html_selector(html)
    href = sel.css(f"{selector}::attr(href)").get() if selector else None
    href = href or sel.css("a[rel~=next]::attr(href), link[rel~=next]::attr(href)").get()
    if not href:
        for a in sel.css("a"):
            text = " ".join(a.css("::text").getall())
            label = a.attrib.get("aria-label", "") or a.attrib.get("title", "")
            if _NEXT_TEXT.match(text) or _NEXT_TEXT.match(label):
                href = a.attrib.get("href")
                break
    url = absolute_url(base_url, href)
    return url if url and url != base_url else None
