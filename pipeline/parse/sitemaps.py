"""Sitemaps (plain, index, Google News, gzipped) parsed from bytes with lxml."""
from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass, field

from lxml import etree

from pipeline.parse.urls import is_http_url


@dataclass
class SitemapEntry:
    """One ``<url>``: the article link and what the sitemap says of it."""

    link: str
    title: str = ""
    published: str | None = None


@dataclass
class SitemapResult:
    """Entries of a urlset, or child sitemaps of an index; ``error`` when unreadable."""

    entries: list[SitemapEntry] = field(default_factory=list)
    sitemaps: list[tuple[str, str | None]] = field(default_factory=list)  # (url, lastmod)
    error: str | None = None


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""  # "{namespace}loc" → "loc"


def _child_text(el: etree._Element, *names: str) -> str | None:
    for node in el.iter():
        if _local(node.tag) in names and node.text and node.text.strip():
            return node.text.strip()
    return None


def parse_sitemap(body: bytes) -> SitemapResult:
    """Parse sitemap bytes (gzip allowed). News sitemaps give title and publication date."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError, zlib.error) as exc:
            return SitemapResult(error=f"bad gzip: {exc}")
    try:
        root = etree.fromstring(body, etree.XMLParser(recover=True, resolve_entities=False,
                                                      no_network=True, huge_tree=False))
    except etree.XMLSyntaxError as exc:
        return SitemapResult(error=f"not XML: {exc}")
    if root is None:
        return SitemapResult(error="not XML: empty document")
    result = SitemapResult()
    kind = _local(root.tag)
    if kind == "sitemapindex":
        for sm in root:
            loc = _child_text(sm, "loc")
            if is_http_url(loc):
                result.sitemaps.append((loc, _child_text(sm, "lastmod")))
    elif kind == "urlset":
        for url in root:
            loc = _child_text(url, "loc")
            if not is_http_url(loc):
                continue
            result.entries.append(SitemapEntry(
                link=loc,
                title=_child_text(url, "title") or "",
                published=_child_text(url, "publication_date") or _child_text(url, "lastmod"),
            ))
    else:
        result.error = f"not a sitemap: root element <{kind}>"
    return result
