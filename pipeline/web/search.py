"""Search over documents with and without diacritics.

SQLite: an FTS5 table ``search_fts`` of each document's title and text folded
to lower case without diacritics (rowid = document id), queried with the folded
words. PostgreSQL: ``search_fts`` holds ``strip(to_tsvector('simple', unaccent(…)))``
(no positions: queries are words, not phrases) under a GIN index, queried with
``plainto_tsquery('simple', unaccent(…))``. So "benh vien da khoa" finds "Bệnh viện Đa khoa" on both. The index is brought up
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
            "SELECT id, strip(to_tsvector('simple', unaccent(title || ' ' || text))) "
            f"FROM documents {where} "
            "ON CONFLICT (document_id) DO UPDATE SET tsv = EXCLUDED.tsv"), {"since": since} if since else {})
        return result.rowcount or 0


_SQLITE_NEWEST = ("SELECT rowid AS id, substr(body, 1, instr(body || char(10), char(10)) - 1) AS title "
                  "FROM search_fts WHERE search_fts MATCH :q ORDER BY rowid DESC LIMIT :newest")
_PG_QUERY = "plainto_tsquery('simple', unaccent(:q))"
_PG_NEWEST = f"SELECT document_id FROM search_fts WHERE tsv @@ {_PG_QUERY} ORDER BY document_id DESC LIMIT :newest"
# The newest ids read in id order, each tested against the query, stopping at NEWEST matches
# (OFFSET 0 keeps the planner from turning it into the GIN scan above).
_PG_NEWEST_OF_RECENT = (
    "SELECT document_id FROM (SELECT document_id, tsv FROM search_fts WHERE document_id > :floor "
    f"ORDER BY document_id DESC OFFSET 0) recent WHERE tsv @@ {_PG_QUERY} ORDER BY document_id DESC LIMIT :newest")
# PostgreSQL: how many of the newest ids are tested first, and at most in a second, wider try.
PROBE_IDS, MAX_WINDOW_IDS = 2_000, 200_000
# Testing one of the newest ids costs about half of visiting one GIN match (measured, 1M documents).
READ_COST_RATIO = 2


def _newest_matches_postgresql(s: Any, q: str) -> list[int]:
    """The ``NEWEST`` highest matching ids. A GIN scan visits every match's row before it
    can sort them (a second for a common word in a million documents, when they are not
    cached); reading the newest ids backwards stops at the ``NEWEST``-th match but tests
    every id it passes. So: test the newest ``PROBE_IDS`` ids; from the share of matches
    there, guess how many ids hold ``NEWEST`` matches and how many matches there are in
    all, and read the ids when that costs less (at most ``MAX_WINDOW_IDS``, each at
    ``1 / READ_COST_RATIO`` of a match); else, or when the guess falls short, scan GIN."""
    top = s.scalar(text("SELECT max(document_id) FROM search_fts"))
    if top is None:
        return []
    params = {"q": q, "newest": NEWEST}
    ids = list(s.scalars(text(_PG_NEWEST_OF_RECENT), params | {"floor": top - PROBE_IDS}))
    if len(ids) == NEWEST:
        return ids
    share = len(ids) / PROBE_IDS
    window = int(NEWEST / share * 1.25) if share else None
    if window and window <= min(MAX_WINDOW_IDS, share * top * READ_COST_RATIO):
        ids = list(s.scalars(text(_PG_NEWEST_OF_RECENT), params | {"floor": top - window}))
        if len(ids) == NEWEST:
            return ids
    return list(s.scalars(text(_PG_NEWEST), params))


def search(store: Store, query: str, limit: int = 50) -> list[Hit]:
    """Documents matching every word of ``query`` (with or without diacritics): of the
    ``NEWEST`` most recently stored matches, those with the words in their title first
    (the phrase before the words apart), then the newest."""
    words = _WORD.findall(fold(query))
    if not words:
        return []
    phrase = " ".join(words)

    def title_first(row: Any) -> tuple[int, int]:  # only orders matches: a substring test will do
        return (-(phrase in row.title) - all(w in row.title for w in words), -row.id)

    with store.session() as s:
        if store.dialect == "postgresql":
            ids = _newest_matches_postgresql(s, phrase)
            titles = s.execute(select(DocumentRow.id, func.lower(func.unaccent(DocumentRow.title)).label("title"))
                               .where(DocumentRow.id.in_(ids))) if ids else []
        else:  # the index holds each folded title as its body's first line
            titles = s.execute(text(_SQLITE_NEWEST), {"q": " ".join(f'"{w}"' for w in words), "newest": NEWEST})
        best = [row.id for row in sorted(titles, key=title_first)[:limit]]
        if not best:
            return []
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
