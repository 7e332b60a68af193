"""Run a parser on fixture bytes and summarise the result as JSON-able data,
to compare with the ``*.expected.json`` beside the fixture."""
from __future__ import annotations

from typing import Any

from pipeline.parse.decode import decode_bytes
from pipeline.parse.extract import extract_article
from pipeline.parse.feeds import parse_feed
from pipeline.parse.listings import article_links, next_page
from pipeline.parse.sitemaps import parse_sitemap


def summarise(parser: str, body: bytes, url: str, selectors: dict[str, str] | None = None) -> dict[str, Any]:
    """What the named parser makes of ``body``."""
    if parser == "feed":
        result = parse_feed(body)
        first = result.entries[0] if result.entries else None
        return {"title": result.title, "bozo": result.bozo_reason is not None, "entries": len(result.entries),
                "first": None if first is None else {"link": first.link, "title": first.title,
                                                     "published": first.published, "summary": first.summary}}
    if parser == "sitemap":
        sm = parse_sitemap(body)
        return {"error": sm.error, "entries": len(sm.entries), "sitemaps": len(sm.sitemaps),
                "first": None if not sm.entries else vars(sm.entries[0])}
    text, encoding = decode_bytes(body)
    if parser == "listing":
        links = article_links(text, url, (selectors or {}).get("links"))
        return {"links": len(links), "first_links": links[:3], "next": next_page(text, url)}
    found = extract_article(text, url, selectors)
    return {"encoding": encoding, "title": found.title, "text_start": found.text[:80],
            "text_chars_at_least": len(found.text) // 100 * 100,
            "published_at": found.published_at.isoformat() if found.published_at else None,
            "date_source": found.date_source, "author": found.author, "canonical": found.canonical}
