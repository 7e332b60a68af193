"""Search over documents with and without diacritics.

SQLite: an FTS5 table ``search_fts`` of each document's title and text folded
to lower case without diacritics (rowid = document id), queried with the folded
words. PostgreSQL: ``search_fts`` holds ``to_tsvector('simple', unaccent(…))``
under a GIN index, queried with ``plainto_tsquery('simple', unaccent(…))``. So
"benh vien da khoa" finds "Bệnh viện Đa khoa" on both. The index is brought up
to date from ``documents.updated_at`` (:func:`refresh_index`), by ``duluan
serve`` in the background.
"""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text

from pipeline.store.schema import DocumentRow, SearchStateRow, SourceRow
from pipeline.store.store import Store
from pipeline.understand.normalize import strip_diacritics

log = logging.getLogger(__name__)
STATE = "documents"
OVERLAP = timedelta(minutes=10)  # documents committed late with an earlier updated_at are still indexed
_CHUNK = 2000
# Only the newest matches are ranked (by their titles): FTS5's bm25 needs every
# match of a common word, which takes seconds in a million documents.
NEWEST = 200
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Hit:
    """One search result."""

    id: int
    title: str
    lead: str
    source: str
    published_at: datetime | None
    url: str


def fold(value: str) -> str:
    """Lower case without diacritics: "Bệnh viện Đa khoa" → "benh vien da khoa"."""
    return strip_diacritics(value).lower()


def refresh_index(store: Store) -> int:
    """Index documents stored or changed since the last refresh; returns how many."""
    with store.session() as s:
        state = s.get(SearchStateRow, STATE)
        since = state.indexed_until - OVERLAP if state and state.indexed_until else None
        newest = s.scalar(select(func.max(DocumentRow.updated_at)))
    if newest is None:
        return 0
    n = _index_postgresql(store, since) if store.dialect == "postgresql" else _index_sqlite(store, since)
    with store.session() as s:
        store.upsert(s, SearchStateRow, {"name": STATE, "indexed_until": newest}, key="name")
    if n:
        log.info("search index: %d documents (re)indexed", n)
    return n


def _changed(since: datetime | None):  # noqa: ANN202 — a SQLAlchemy select
    q = select(DocumentRow.id, DocumentRow.title, DocumentRow.text)
    return q.where(DocumentRow.updated_at >= since) if since else q


def _index_sqlite(store: Store, since: datetime | None) -> int:
    n = 0
    with store.sessions() as reader:
        rows = reader.execute(_changed(since).execution_options(yield_per=_CHUNK))
        for chunk in rows.partitions(_CHUNK):
            values = [{"id": doc_id, "body": fold(f"{title}\n{body}")} for doc_id, title, body in chunk]
            with store.session() as s:
                s.execute(text("DELETE FROM search_fts WHERE rowid = :id"), values)
                s.execute(text("INSERT INTO search_fts (rowid, body) VALUES (:id, :body)"), values)
            n += len(values)
    return n


def _index_postgresql(store: Store, since: datetime | None) -> int:
    where = "WHERE updated_at >= :since" if since else ""
    with store.session() as s:
        result = s.execute(text(
            "INSERT INTO search_fts (document_id, tsv) "
            "SELECT id, to_tsvector('simple', unaccent(title || ' ' || text)) "
            f"FROM documents {where} "
            "ON CONFLICT (document_id) DO UPDATE SET tsv = EXCLUDED.tsv"), {"since": since} if since else {})
        return result.rowcount or 0


def search(store: Store, query: str, limit: int = 50) -> list[Hit]:
    """Documents matching every word of ``query`` (with or without diacritics): of the
    ``NEWEST`` most recently stored matches, those with the words in their title first
    (the phrase before the words apart), then the newest."""
    words = _WORD.findall(fold(query))
    if not words:
        return []
    if store.dialect == "postgresql":
        sql = ("SELECT document_id FROM search_fts WHERE tsv @@ plainto_tsquery('simple', unaccent(:q)) "
               "ORDER BY document_id DESC LIMIT :newest")
        params = {"q": " ".join(words), "newest": NEWEST}
    else:
        sql = "SELECT rowid FROM search_fts WHERE search_fts MATCH :q ORDER BY rowid DESC LIMIT :newest"
        params = {"q": " ".join(f'"{w}"' for w in words), "newest": NEWEST}
    phrase = " ".join(words)

    def title_first(row: Any) -> tuple[int, int]:  # only orders matches: a substring test will do
        title = fold(row.title)
        return (-(phrase in title) - all(w in title for w in words), -row.id)

    with store.session() as s:
        ids = list(s.scalars(text(sql), params))
        if not ids:
            return []
        titles = sorted(s.execute(select(DocumentRow.id, DocumentRow.title).where(DocumentRow.id.in_(ids))),
                        key=title_first)
        best = [row.id for row in titles[:limit]]
        rows = {r.id: r for r in s.execute(
            select(DocumentRow.id, DocumentRow.title, func.substr(DocumentRow.text, 1, 240).label("lead"),
                   DocumentRow.published_at, DocumentRow.url, func.coalesce(SourceRow.name, DocumentRow.source_id)
                   .label("source"))
            .outerjoin(SourceRow, SourceRow.id == DocumentRow.source_id).where(DocumentRow.id.in_(best)))}
    return [Hit(r.id, r.title, r.lead, r.source, r.published_at, r.url) for i in best if (r := rows.get(i))]


class BackgroundIndexer:
    """Refreshes the index every ``seconds`` in a daemon thread until stopped."""

    def __init__(self, store: Store, seconds: float) -> None:
        self.store, self.seconds = store, seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="search-indexer", daemon=True)

    def start(self) -> None:
        """Start refreshing."""
        self._thread.start()

    def stop(self) -> None:
        """Stop after the current refresh."""
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                refresh_index(self.store)
            except Exception as exc:  # noqa: BLE001 — logged; the next round tries again
                log.error("search index not refreshed: %s", exc)
            self._stop.wait(self.seconds)
