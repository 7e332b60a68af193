"""Public posts: exported files (CSV/JSONL from Facebook, Zalo or TikTok tools)
and forum-style listing pages.

Export columns (names are matched case-insensitively; extra columns are dropped,
so names, avatars and profile links never reach the store):

============  ==========================================================
platform      ``facebook``, ``zalo``, ``tiktok``, ``forum`` …
url           permalink of the post (required unless ``id`` is given)
id            the platform's post id (used when there is no url)
text          the post's text (required)
title         optional headline (group name, thread title)
posted_at     when it was posted; ISO 8601 or "23/11/2026 07:15"
author_id     the platform's author id: stored only as a salted hash
reactions     likes/reactions count
comments      comment count
shares        share count
============  ==========================================================
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from parsel import Selector

from pipeline.common.textutil import clean_title, clean_whitespace, html_to_text, nfc
from pipeline.parse.markup import html_selector
from pipeline.parse.urls import absolute_url, is_http_url

log = logging.getLogger(__name__)
EXPORT_COLUMNS = ("platform", "url", "id", "text", "title", "posted_at", "author_id",
                  "reactions", "comments", "shares")
_ALIASES = {"link": "url", "permalink": "url", "post_url": "url", "message": "text", "content": "text",
            "created_time": "posted_at", "created_at": "posted_at", "time": "posted_at", "date": "posted_at",
            "author": "author_id", "user_id": "author_id", "from_id": "author_id", "likes": "reactions",
            "reaction_count": "reactions", "comment_count": "comments", "share_count": "shares",
            "post_id": "id"}
_JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_SPACE = re.compile(r"\s*")


@dataclass
class PostRecord:
    """One public post with only what the project may keep."""

    url: str
    text: str
    platform: str
    title: str = ""
    posted_at: str | None = None
    author_hash: str | None = None
    engagement: dict[str, int] = field(default_factory=dict)
    cut_from: int | None = None  # length of the text before it was cut to the limit


@dataclass(frozen=True)
class ExportLimits:
    """Bounds on what one export row may hold (``[crawl]`` settings)."""

    max_depth: int = 16  # lists and objects nested in one row
    max_post_chars: int = 20_000  # a post's text is cut there
    max_cell_chars: int = 1_000_000  # a CSV cell larger than this is an error


@dataclass
class PostsResult:
    """Posts read from a file or page, and what went wrong, by row (or line) number:
    ``rejected`` rows lack what a post needs, ``errors`` could not be read at all
    (the source is marked failed), ``cut`` posts had their text shortened."""

    posts: list[PostRecord] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    cut: list[tuple[int, str]] = field(default_factory=list)


def author_salt(data_dir: Path) -> bytes:
    """The deployment's salt: ``DULUAN_AUTHOR_SALT``, else a random one kept under data/."""
    env = os.environ.get("DULUAN_AUTHOR_SALT")
    if env:
        return env.encode("utf-8")
    path = data_dir / ".author_salt"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip().encode("utf-8")


def hash_author(platform: str, author_id: str | None, salt: bytes) -> str | None:
    """Salted SHA-256 of an author id; the id itself is never stored."""
    if not author_id or not str(author_id).strip():
        return None
    digest = hashlib.sha256(salt + f"{platform}:{str(author_id).strip()}".encode("utf-8"))
    return digest.hexdigest()[:32]


def _count(value: object) -> int | None:
    try:
        return int(float(str(value).replace(",", "").strip()))
    except (TypeError, ValueError, OverflowError):
        return None


def _no_nul(value: object) -> object:
    """A text value without NUL characters (PostgreSQL refuses them); others unchanged."""
    return value.replace("\x00", "") if isinstance(value, str) else value


def _row_to_post(row: dict[str, object], base_url: str, default_platform: str,
                 salt: bytes, max_chars: int) -> PostRecord:
    norm = {_ALIASES.get(k.strip().lower(), k.strip().lower()): _no_nul(v)
            for k, v in row.items() if isinstance(k, str) and k.strip()}
    raw_text = str(norm.get("text") or "")
    text = clean_whitespace(nfc(raw_text[:max_chars]))
    if not text:
        raise ValueError("no text")
    platform = clean_title(str(norm.get("platform") or default_platform)).lower()[:40] or default_platform
    url = str(norm.get("url") or "").strip()
    if url and not is_http_url(url):
        raise ValueError(f"url {url[:80]!r} is not an absolute http(s) URL")
    if not url and norm.get("id"):
        url = urljoin(base_url, f"#{platform}-{norm['id']}")
    if not url:
        raise ValueError("no url or id")
    engagement = {k: c for k in ("reactions", "comments", "shares") if (c := _count(norm.get(k))) is not None}
    return PostRecord(url=url, text=text, platform=platform, title=clean_title(nfc(str(norm.get("title") or ""))),
                      posted_at=str(norm["posted_at"])[:100] if norm.get("posted_at") else None,
                      author_hash=hash_author(platform, norm.get("author_id"), salt),  # type: ignore[arg-type]
                      engagement=engagement, cut_from=len(raw_text) if len(raw_text) > max_chars else None)


def _depth(value: object) -> int:
    """How deeply lists and objects nest in a decoded JSON value (a flat row is 1)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _value_end(text: str, start: int) -> int:
    """Where the JSON value starting at ``start`` ends, by matching brackets
    outside strings (for values too deep for the decoder)."""
    depth = 0
    for match in _JSON_TOKENS.finditer(text, start):
        token = match.group()
        if token in "[{":
            depth += 1
        elif token in "]}":
            depth -= 1
            if depth == 0:
                return match.end()
    return len(text)


def _skip_space(text: str, at: int) -> int:
    """The first position at or after ``at`` that is not whitespace."""
    return _SPACE.match(text, at).end()  # type: ignore[union-attr]


def _json_line_rows(text: str, result: PostsResult) -> Iterator[tuple[int, object]]:
    """JSON lines, one decoded at a time: a bad line is rejected alone."""
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield n, json.loads(line)
        except RecursionError:
            result.errors.append((n, "JSON nested too deeply to read"))
        except json.JSONDecodeError as exc:
            result.rejected.append((n, f"bad JSON: {exc.msg}"))


def _json_array_rows(text: str, result: PostsResult) -> Iterator[tuple[int, object]]:
    """The items of a JSON array, decoded one at a time, so one item too deep to
    read does not lose the others."""
    decoder = json.JSONDecoder()
    at, n = _skip_space(text, 1), 0
    while at < len(text) and text[at] != "]":
        n += 1
        try:
            value, at = decoder.raw_decode(text, at)
        except RecursionError:
            result.errors.append((n, "JSON nested too deeply to read"))
            at = _value_end(text, at)
        except json.JSONDecodeError as exc:
            result.errors.append((n, f"bad JSON at character {exc.pos}: {exc.msg}; the rest of the file is lost"))
            return
        else:
            yield n, value
        at = _skip_space(text, at)
        if at < len(text) and text[at] == ",":
            at = _skip_space(text, at + 1)
        elif at < len(text) and text[at] != "]":
            result.errors.append((n, f"bad JSON at character {at}: expected ',' or ']'; the rest of the file is lost"))
            return


def _json_object_rows(text: str, result: PostsResult) -> Iterator[tuple[int, object]]:
    """``{"posts": [...]}`` or ``{"data": [...]}``."""
    try:
        data = json.loads(text)
    except RecursionError:
        result.errors.append((0, "JSON nested too deeply to read"))
        return
    except json.JSONDecodeError as exc:
        result.errors.append((0, f"bad JSON: {exc.msg}"))
        return
    items = data.get("posts") or data.get("data") or [] if isinstance(data, dict) else []
    yield from enumerate(items if isinstance(items, list) else [], 1)


def _csv_rows(text: str, result: PostsResult, max_cell_chars: int) -> Iterator[tuple[int, object]]:
    """CSV rows by line number; a row the csv module cannot read is an error, the rest go on."""
    csv.field_size_limit(max_cell_chars)
    reader = csv.DictReader(io.StringIO(text))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            result.errors.append((reader.reader.line_num, f"CSV: {exc}"))
            continue
        yield reader.reader.line_num, row


def parse_export(text: str, name: str, base_url: str, salt: bytes,
                 default_platform: str = "unknown", limits: ExportLimits | None = None) -> PostsResult:
    """Read a CSV, JSONL or JSON export, row by row. Rows without what a post needs
    are ``rejected``; rows that cannot be read at all (too deep, broken CSV) are
    ``errors``; either way the other rows are kept."""
    limits = limits or ExportLimits()
    result = PostsResult()
    stripped = text.lstrip("\ufeff").strip()
    if name.lower().endswith((".jsonl", ".ndjson")) or (stripped.startswith("{") and "\n{" in stripped):
        rows = _json_line_rows(stripped, result)
    elif stripped.startswith("["):
        rows = _json_array_rows(stripped, result)
    elif stripped.startswith("{"):
        rows = _json_object_rows(stripped, result)
    else:
        rows = _csv_rows(stripped, result, limits.max_cell_chars)
    for n, row in rows:
        if not isinstance(row, dict):
            result.rejected.append((n, "row is not an object"))
            continue
        depth = _depth(row)
        if depth > limits.max_depth:
            result.errors.append((n, f"nested {depth} deep, more than {limits.max_depth}"))
            continue
        _add_post(result, n, row, base_url, default_platform, salt, limits)
    return result


def _add_post(result: PostsResult, n: int, row: dict[str, object], base_url: str, platform: str,
              salt: bytes, limits: ExportLimits) -> None:
    """Add row ``n`` as a post, or as rejected with the reason; note a cut text."""
    try:
        post = _row_to_post(row, base_url, platform, salt, limits.max_post_chars)
    except ValueError as exc:
        result.rejected.append((n, str(exc)))
        return
    if post.cut_from is not None:
        result.cut.append((n, f"text cut to {limits.max_post_chars} of {post.cut_from} characters"))
    result.posts.append(post)


def parse_forum_page(html: str, page_url: str, selectors: dict[str, str], salt: bytes,
                     platform: str = "forum", limits: ExportLimits | None = None) -> PostsResult:
    """Posts on a forum-style page. Selectors: ``post`` (one block per post), and
    inside it ``text``, optional ``title``, ``link``, ``date``, ``author``."""
    limits = limits or ExportLimits()
    result = PostsResult()
    sel = html_selector(html)
    for n, block in enumerate(sel.css(selectors.get("post", "article, .post, .message")), 1):
        def pick(key: str, default: str, block: Selector = block) -> str:
            return " ".join(block.css(selectors.get(key, default)).getall()).strip()
        link = block.css(f"{selectors.get('link', 'a')}::attr(href)").get()
        row = {
            "url": (absolute_url(page_url, link) or link.strip()) if link else "",  # not http(s): rejected below
            "id": block.attrib.get("id") or block.attrib.get("data-id") or "",
            "text": html_to_text(pick("text", ".content, .message-body, .post-content")
                                  or " ".join(block.css("p").getall())),
            "title": html_to_text(pick("title", "h2, h3, .title")),
            "posted_at": block.css(f"{selectors.get('date', 'time')}::attr(datetime)").get()
            or html_to_text(pick("date", "time, .date")),
            "author_id": block.css(f"{selectors.get('author', '.author')}::attr(data-user-id)").get()
            or html_to_text(pick("author", ".author")),
        }
        if not row["url"] and not row["id"]:
            row["id"] = f"{n}-{hashlib.sha1(row['text'].encode()).hexdigest()[:10]}"
        _add_post(result, n, row, page_url, platform, salt, limits)
    return result
