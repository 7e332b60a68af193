"""The sources file: a YAML list under ``sources:``.

Each entry has ``id``, ``name``, ``kind`` (rss, sitemap, listing, posts) and
``url`` or ``urls``; optional ``province``, ``selectors`` (title, body, lead,
date, author, links, next, post, text, link), ``verified`` and the options
``link_pattern``, ``max_pages``, ``max_items``, ``max_sitemaps``, ``timezone``,
``platform``. A ``url_template`` with ``queries`` expands to one URL per query
(Google News searches). Bad entries — an unknown key or selector among them
("max_page — did you mean max_pages?") — are logged with the reason and skipped.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

from cssselect import SelectorError
from parsel import Selector

from pipeline.common.errors import did_you_mean
from pipeline.common.files import read_yaml
from pipeline.common.settings import config_dir
from pipeline.store.records import SOURCE_KINDS, Source
from pipeline.store.schema import SourceRow

log = logging.getLogger(__name__)
_KNOWN = ("id", "name", "kind", "url", "urls", "province", "selectors", "verified", "url_template", "queries")
OPTIONS = ("link_pattern", "max_pages", "max_items", "max_sitemaps", "timezone", "platform")
SELECTORS = ("title", "lead", "body", "date", "author", "links", "next", "post", "text", "link")
# What the store's columns hold (a longer value would fail the whole crawl on PostgreSQL).
_LENGTHS = {key: SourceRow.__table__.c[key].type.length for key in ("id", "name", "province")}
_PROBE = Selector(text="<p></p>")


class SourcesError(ValueError):
    """The sources file cannot be used at all."""


def default_sources_file() -> Path:
    """``config/sources.yaml``."""
    return config_dir() / "sources.yaml"


def _urls(entry: dict[str, Any]) -> tuple[str, ...]:
    urls: list[str] = []
    if entry.get("url"):
        urls.append(str(entry["url"]))
    urls.extend(str(u) for u in entry.get("urls") or [])
    template = entry.get("url_template")
    for query in entry.get("queries") or []:
        urls.append(str(template).format(query=quote_plus(str(query))))
    return tuple(dict.fromkeys(u.strip() for u in urls if u and u.strip()))


def parse_source(entry: Any) -> Source:
    """Validate one entry; raises ``ValueError`` with the reason."""
    if not isinstance(entry, dict):
        raise ValueError("entry is not a mapping")
    for key in entry:
        if key not in _KNOWN and key not in OPTIONS:
            raise ValueError(f"unknown key {did_you_mean(str(key), _KNOWN + OPTIONS)}")
    missing = [k for k in ("id", "name", "kind") if not entry.get(k)]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    if entry["kind"] not in SOURCE_KINDS:
        raise ValueError(f"kind {entry['kind']!r} is not one of {', '.join(SOURCE_KINDS)}")
    if entry.get("queries") and not entry.get("url_template"):
        raise ValueError("queries need a url_template")
    urls = _urls(entry)
    if not urls:
        raise ValueError("no url or urls")
    selectors = entry.get("selectors") or {}
    if not isinstance(selectors, dict):
        raise ValueError("selectors must be a mapping")
    for key, css in selectors.items():
        if key not in SELECTORS:
            raise ValueError(f"unknown selector {did_you_mean(str(key), SELECTORS)}")
        try:
            _PROBE.css(str(css))
        except SelectorError as exc:
            raise ValueError(f"selector {key} {css!r} is not valid CSS: {exc}") from exc
    if entry.get("link_pattern"):
        try:
            re.compile(str(entry["link_pattern"]))
        except re.error as exc:
            raise ValueError(f"link_pattern {entry['link_pattern']!r} is not a valid regular expression: {exc}") from exc
    for key, limit in _LENGTHS.items():
        if entry.get(key) is not None and len(str(entry[key])) > limit:
            raise ValueError(f"{key} is {len(str(entry[key]))} characters long, more than {limit}")
    return Source(id=str(entry["id"]), name=str(entry["name"]), kind=entry["kind"], urls=urls,
                  province=entry.get("province"), selectors={k: str(v) for k, v in selectors.items()},
                  options={k: v for k, v in entry.items() if k in OPTIONS},
                  verified=bool(entry.get("verified", True)))


def load_sources(path: Path | str | None = None) -> list[Source]:
    """Read a sources file; raises ``SourcesError`` when the file itself is unusable."""
    path = Path(path) if path else default_sources_file()
    data = read_yaml(path, SourcesError)
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise SourcesError(f"{path}: top level must be 'sources:' with a list")
    sources: list[Source] = []
    seen: set[str] = set()
    for n, entry in enumerate(data["sources"], 1):
        try:
            source = parse_source(entry)
        except ValueError as exc:
            named = f" ({entry['id']})" if isinstance(entry, dict) and entry.get("id") else ""
            log.error("sources file %s, entry %d%s skipped: %s", path, n, named, exc)
            continue
        if source.id in seen:
            log.error("sources file %s, entry %d skipped: duplicate id %r", path, n, source.id)
            continue
        seen.add(source.id)
        sources.append(source)
    return sources
