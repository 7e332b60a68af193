"""Article extraction: title, text, date and author from page HTML.

A chain, first answer wins: per-site selectors from the sources file, then
trafilatura, then plain fallbacks (``og:title``, ``<h1>``, all ``<p>``).
Dates: meta tags, JSON-LD, the feed's date, a date selector, visible
Vietnamese date text, and last htmldate's day (via trafilatura).
"""
from __future__ import annotations

import json
import re
import logging
from dataclasses import dataclass
from datetime import datetime

import trafilatura
from parsel import Selector

from pipeline.parse.dates import parse_datetime, parse_visible_date
from pipeline.common.textutil import clean_title, clean_whitespace, html_to_text, nfc
from pipeline.parse.markup import clean_markup
from pipeline.parse.urls import absolute_url

log = logging.getLogger(__name__)

_META_DATES = (
    'meta[property="article:published_time"]::attr(content)',
    'meta[name="pubdate"]::attr(content)',
    'meta[name="publishdate"]::attr(content)',
    'meta[itemprop="datePublished"]::attr(content)',
    'meta[name="dc.date.issued"]::attr(content)',
    'meta[name="date"]::attr(content)',
    '[itemprop="datePublished"]::attr(datetime)',
    'time[pubdate]::attr(datetime)',
)
_META_AUTHORS = ('meta[name="author"]::attr(content)', '[itemprop="author"] [itemprop="name"]::text',
                 '[itemprop="author"]::text', 'meta[property="article:author"]::attr(content)')
_VISIBLE_DATE_NODES = ('[class*="date"]', '[class*="time"]', '[data-role="publishdate"]', "time", '[class*="Date"]')
MIN_TEXT_CHARS = 40
_TIME = re.compile(r"\d{1,2}[:h]\d{2}")


@dataclass
class Extracted:
    """What extraction found on one page."""

    title: str
    text: str
    published_at: datetime | None
    date_source: str
    author: str | None
    canonical: str | None


def _first(sel: Selector, queries: tuple[str, ...]) -> str | None:
    for q in queries:
        value = sel.css(q).get()
        if value and value.strip():
            return value.strip()
    return None


def _jsonld_items(sel: Selector) -> list[dict]:
    items: list[dict] = []
    for raw in sel.css('script[type="application/ld+json"]::text').getall():
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, ValueError):
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                items.append(item)
                stack.extend(v for v in item.get("@graph", []) if isinstance(v, dict))
    return items


def _jsonld(sel: Selector, key: str) -> str | None:
    for item in _jsonld_items(sel):
        value = item.get(key)
        if isinstance(value, dict):
            value = value.get("name")
        elif isinstance(value, list) and value:
            value = value[0].get("name") if isinstance(value[0], dict) else value[0]
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _selected_text(sel: Selector, css: str | None) -> str:
    if not css:
        return ""
    parts = []
    for node in sel.css(css):
        for bad in node.css("script, style, figure, figcaption, .caption"):
            bad.drop()
        parts.append(html_to_text(node.get()))
    return clean_whitespace("\n".join(p for p in parts if p))


def _has_time(value: str) -> bool:
    return bool(_TIME.search(value))


def _find_date(sel: Selector, selectors: dict[str, str], hints: dict[str, str],
               tz: str | None, fallback_day: str | None) -> tuple[datetime | None, str]:
    """First date of the chain; a day without a time ("2026-01-08") only wins
    when nothing later in the chain gives the time of day."""
    candidates: list[tuple[str, str | None, bool]] = [
        ("meta", _first(sel, _META_DATES), False), ("jsonld", _jsonld(sel, "datePublished"), False),
        ("feed", hints.get("published"), False)]
    nodes = [selectors["date"]] if selectors.get("date") else list(_VISIBLE_DATE_NODES)
    for css in nodes:
        for node in sel.css(css)[:5]:
            stamp = node.attrib.get("datetime")
            candidates.append(("text", stamp or html_to_text(node.get()), not stamp))
    candidates.append(("htmldate", fallback_day, False))
    day_only: tuple[datetime, str] | None = None
    for source, value, visible in candidates:
        if not value:
            continue
        dt = parse_visible_date(value, tz) if visible else parse_datetime(value, tz)
        if dt is None:
            continue
        if _has_time(value):
            return dt, source
        day_only = day_only or (dt, source)
    return day_only if day_only else (None, "none")


def _drop_leading_title(text: str, title: str) -> str:
    """Extractors often repeat the headline as the first line of the text."""
    first, _, rest = text.partition("\n")
    return rest.lstrip() if title and first.strip() == title else text


def extract_article(html: str, url: str, selectors: dict[str, str] | None = None,
                    hints: dict[str, str] | None = None, tz: str | None = None) -> Extracted:
    """Extract one article page. Never fetches; ``html`` is the decoded page."""
    selectors = selectors or {}
    hints = hints or {}
    html = clean_markup(html)
    sel = Selector(text=html)
    meta = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                       include_tables=False, favor_precision=True)
    t_title = getattr(meta, "title", None) if meta else None
    t_text = getattr(meta, "text", None) if meta else None
    t_date = getattr(meta, "date", None) if meta else None
    t_author = getattr(meta, "author", None) if meta else None

    title = (html_to_text(" ".join(sel.css(selectors["title"]).getall())) if selectors.get("title") else "") \
        or (t_title or "") or _first(sel, ('meta[property="og:title"]::attr(content)', "h1 *::text", "h1::text", "title::text")) \
        or hints.get("title", "")
    text = _selected_text(sel, selectors.get("body"))
    if selectors.get("lead"):
        text = clean_whitespace(_selected_text(sel, selectors["lead"]) + "\n\n" + text)
    if len(text) < MIN_TEXT_CHARS:
        text = clean_whitespace(t_text or "")
    if len(text) < MIN_TEXT_CHARS:
        text = clean_whitespace("\n".join(html_to_text(p) for p in sel.css("p").getall()))
    title = clean_title(nfc(title))
    text = _drop_leading_title(nfc(text), title)
    published_at, date_source = _find_date(sel, selectors, hints, tz, t_date)
    author = (html_to_text(sel.css(selectors["author"]).get()) if selectors.get("author") else None) \
        or _first(sel, _META_AUTHORS) or _jsonld(sel, "author") or t_author or hints.get("author")
    canonical = sel.css('link[rel="canonical"]::attr(href)').get() or sel.css('meta[property="og:url"]::attr(content)').get()
    canonical = absolute_url(url, canonical) or None
    return Extracted(title=title, text=text, published_at=published_at,
                     date_source=date_source, author=nfc(author).strip() if author else None,
                     canonical=canonical)
