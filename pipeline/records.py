"""The typed records the stages hand to each other (one per stage).

``Source ─crawl→ RawPage ─extract→ Document``; later stages add their own.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SOURCE_KINDS = ("rss", "sitemap", "listing", "posts")
DOCUMENT_KINDS = ("article", "post")


@dataclass(frozen=True)
class Source:
    """One entry of the sources file, e.g. the VnExpress health feed."""

    id: str
    name: str
    kind: str
    urls: tuple[str, ...]
    province: str | None = None
    selectors: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    verified: bool = True

    def option(self, name: str, default: Any = None) -> Any:
        """A per-source option such as ``link_pattern`` or ``timezone``."""
        return self.options.get(name, default)


@dataclass
class RawPage:
    """Bytes fetched for one article or post page, with what the feed said about it."""

    url: str
    source_id: str
    status: int
    body: bytes = field(repr=False)
    content_type: str = ""
    fetched_at: datetime | None = None
    final_url: str | None = None
    # What a feed, sitemap or listing said about the link before it was fetched:
    # title, published (raw string), summary, author.
    hints: dict[str, str] = field(default_factory=dict)


@dataclass
class Document:
    """Extracted text of one article or post, ready for processing."""

    url: str
    url_canonical: str
    source_id: str
    kind: str
    title: str
    text: str
    published_at: datetime | None
    date_source: str = "none"
    author: str | None = None
    fetched_at: datetime | None = None
    partial: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
