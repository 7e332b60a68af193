"""The digests written by ``duluan digest`` (``digest.json``), read once per file change."""
from __future__ import annotations

import json
import logging
import re
import threading
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from pipeline.common.settings import Settings
from pipeline.report.publish import digests_dir
from pipeline.store.schema import DocumentRow
from pipeline.store.store import Store

log = logging.getLogger(__name__)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class DigestShelf:
    """Daily digests by date, cached by file modification time (thread-safe)."""

    def __init__(self, settings: Settings) -> None:
        self.folder = digests_dir(settings)
        self._cache: dict[str, tuple[float, dict[str, Any]]] = {}
        self._days: tuple[float, list[str]] = (-1.0, [])
        self._lock = threading.Lock()

    def days(self) -> list[str]:
        """Dates that have a daily digest, newest first (listed again when the folder changes)."""
        try:
            mtime = self.folder.stat().st_mtime
        except OSError:
            return []
        if self._days[0] != mtime:
            days = sorted((p.name for p in self.folder.iterdir() if _DAY.match(p.name)
                           and (p / "digest.json").is_file()), reverse=True)
            self._days = (mtime, days)
        return self._days[1]

    def latest(self) -> str | None:
        """The newest digest date, if any."""
        days = self.days()
        return days[0] if days else None

    def get(self, day: str) -> dict[str, Any] | None:
        """The daily digest of ``day`` (None when there is none, or it is unreadable: logged)."""
        if not _DAY.match(day):
            return None
        path = self.folder / day / "digest.json"
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return None
        with self._lock:
            cached = self._cache.get(day)
        if cached and cached[0] == mtime:
            return cached[1]
        doc = _read(path)
        if doc is None or doc.get("period") != "day":
            return None
        with self._lock:
            self._cache[day] = (mtime, doc)
        return doc

    def between(self, first: date, last: date) -> list[dict[str, Any]]:
        """Daily digests from ``first`` to ``last``, oldest first."""
        days = sorted(d for d in self.days() if first.isoformat() <= d <= last.isoformat())
        return [doc for d in days if (doc := self.get(d)) is not None]


def _read(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.error("digest %s not readable: %s", path, exc)
        return None


def find_issue(doc: dict[str, Any], key: str) -> dict[str, Any] | None:
    """The issue with this key in a digest (hot issues first, then continuing ones)."""
    for section in ("issues", "continuing"):
        for issue in doc.get(section, []):
            if issue.get("key") == key:
                return issue
    return None


def document_ids(store: Store, urls: list[str]) -> dict[str, int]:
    """Stored document ids of these URLs."""
    if not urls:
        return {}
    with store.session() as s:
        return {url: doc_id for url, doc_id in s.execute(
            select(DocumentRow.url, DocumentRow.id).where(DocumentRow.url.in_(urls)))}
