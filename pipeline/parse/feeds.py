"""RSS/Atom feeds parsed with feedparser from bytes, tolerant of malformed XML.

A feed with a raw ``&`` (as VnExpress's 2025 feeds have) is repaired and parsed
again, so no item is lost; the problem is still reported as the feed's
``bozo`` reason.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import feedparser

from pipeline.common.textutil import clean_title, html_to_text, nfc
from pipeline.parse.urls import is_http_url

log = logging.getLogger(__name__)
_RAW_AMP = re.compile(rb"&(?!(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});)")
_HREF = re.compile(r"""href=["'](https?://[^"']+)["']""")


@dataclass
class FeedEntry:
    """One item of a feed: what we know of an article before fetching it."""

    link: str | None
    title: str
    published: str | None
    summary: str
    author: str | None = None


@dataclass
class FeedResult:
    """A parsed feed: its items and, when the XML was not well-formed, why."""

    entries: list[FeedEntry] = field(default_factory=list)
    bozo_reason: str | None = None
    title: str = ""


def _entry_link(entry: feedparser.FeedParserDict) -> str | None:
    link = entry.get("link")
    if is_http_url(link):
        return link.strip()
    guid = entry.get("id")
    if is_http_url(guid):
        return guid.strip()
    match = _HREF.search(entry.get("summary", "") or "")
    return match.group(1).strip() if match and is_http_url(match.group(1)) else None


def _entries(parsed: feedparser.FeedParserDict) -> list[FeedEntry]:
    out = []
    for e in parsed.entries:
        out.append(FeedEntry(
            link=_entry_link(e),
            title=clean_title(nfc(html_to_text(e.get("title", "")))),
            published=e.get("published") or e.get("updated") or e.get("created"),
            summary=html_to_text(e.get("summary", "")),
            author=e.get("author"),
        ))
    return out


def parse_feed(body: bytes) -> FeedResult:
    """Parse feed bytes. Never raises on bad XML: the reason goes in ``bozo_reason``.

    >>> parse_feed(b"<rss><channel><item><title>Sốt xuất huyết</title>"
    ...            b"<link>https://a.vn/x?a=1&b=2</link></item></channel></rss>").entries[0].link
    'https://a.vn/x?a=1&b=2'
    """
    try:
        parsed = feedparser.parse(body)
    except (ValueError, LookupError) as exc:  # feedparser trips on some bogus encoding declarations
        return FeedResult(bozo_reason=f"unreadable feed: {type(exc).__name__}: {exc}")
    reason = None
    if parsed.bozo:
        reason = f"{type(parsed.bozo_exception).__name__}: {parsed.bozo_exception}"
        try:
            repaired = feedparser.parse(_RAW_AMP.sub(b"&amp;", body))
        except (ValueError, LookupError):
            repaired = parsed
        if not repaired.bozo or len(repaired.entries) >= len(parsed.entries):
            parsed = repaired
    if not parsed.entries and parsed.get("version", "") == "" and reason is None:
        reason = "not a feed: no RSS or Atom root element"
    return FeedResult(entries=_entries(parsed), bozo_reason=reason,
                      title=clean_title(nfc(parsed.feed.get("title", ""))) if parsed.get("feed") else "")
