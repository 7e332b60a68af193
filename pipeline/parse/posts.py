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
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from parsel import Selector

from pipeline.common.textutil import clean_whitespace, html_to_text, nfc

log = logging.getLogger(__name__)
EXPORT_COLUMNS = ("platform", "url", "id", "text", "title", "posted_at", "author_id",
                  "reactions", "comments", "shares")
_ALIASES = {"link": "url", "permalink": "url", "post_url": "url", "message": "text", "content": "text",
            "created_time": "posted_at", "created_at": "posted_at", "time": "posted_at", "date": "posted_at",
            "author": "author_id", "user_id": "author_id", "from_id": "author_id", "likes": "reactions",
            "reaction_count": "reactions", "comment_count": "comments", "share_count": "shares",
            "post_id": "id"}


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


@dataclass
class PostsResult:
    """Posts read from a file or page, and the rows that were rejected with why."""

    posts: list[PostRecord] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)


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
    except (TypeError, ValueError):
        return None


def _row_to_post(row: dict[str, object], base_url: str, default_platform: str,
                 salt: bytes) -> PostRecord:
    norm = {_ALIASES.get(k.strip().lower(), k.strip().lower()): v for k, v in row.items() if k}
    text = clean_whitespace(nfc(str(norm.get("text") or "")))
    if not text:
        raise ValueError("no text")
    platform = str(norm.get("platform") or default_platform).strip().lower() or default_platform
    url = str(norm.get("url") or "").strip()
    if not url and norm.get("id"):
        url = urljoin(base_url, f"#{platform}-{norm['id']}")
    if not url:
        raise ValueError("no url or id")
    engagement = {k: c for k in ("reactions", "comments", "shares") if (c := _count(norm.get(k))) is not None}
    return PostRecord(url=url, text=text, platform=platform, title=nfc(str(norm.get("title") or "")).strip(),
                      posted_at=str(norm["posted_at"]) if norm.get("posted_at") else None,
                      author_hash=hash_author(platform, norm.get("author_id"), salt),  # type: ignore[arg-type]
                      engagement=engagement)


def parse_export(text: str, name: str, base_url: str, salt: bytes,
                 default_platform: str = "unknown") -> PostsResult:
    """Read a CSV, JSONL or JSON export. Bad rows are rejected with their reason."""
    result = PostsResult()
    stripped = text.lstrip("\ufeff").strip()
    if name.lower().endswith((".jsonl", ".ndjson")) or (stripped.startswith("{") and "\n{" in stripped):
        rows: list[tuple[int, object]] = []
        for n, line in enumerate(stripped.splitlines(), 1):
            if line.strip():
                try:
                    rows.append((n, json.loads(line)))
                except json.JSONDecodeError as exc:
                    result.rejected.append((n, f"bad JSON: {exc.msg}"))
    elif stripped.startswith(("[", "{")):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            result.rejected.append((0, f"bad JSON: {exc.msg}"))
            return result
        items = data if isinstance(data, list) else data.get("posts") or data.get("data") or []
        rows = list(enumerate(items, 1))
    else:
        rows = list(enumerate(csv.DictReader(io.StringIO(stripped)), 2))
    for n, row in rows:
        if not isinstance(row, dict):
            result.rejected.append((n, "row is not an object"))
            continue
        try:
            result.posts.append(_row_to_post(row, base_url, default_platform, salt))
        except ValueError as exc:
            result.rejected.append((n, str(exc)))
    return result


def parse_forum_page(html: str, page_url: str, selectors: dict[str, str], salt: bytes,
                     platform: str = "forum") -> PostsResult:
    """Posts on a forum-style page. Selectors: ``post`` (one block per post), and
    inside it ``text``, optional ``title``, ``link``, ``date``, ``author``."""
    result = PostsResult()
    sel = Selector(text=html)
    for n, block in enumerate(sel.css(selectors.get("post", "article, .post, .message")), 1):
        def pick(key: str, default: str, block: Selector = block) -> str:
            return " ".join(block.css(selectors.get(key, default)).getall()).strip()
        link = block.css(f"{selectors.get('link', 'a')}::attr(href)").get()
        row = {
            "url": urljoin(page_url, link) if link else "",
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
        try:
            result.posts.append(_row_to_post(row, page_url, platform, salt))
        except ValueError as exc:
            result.rejected.append((n, str(exc)))
    return result
