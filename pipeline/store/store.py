"""The store: one SQLAlchemy engine, upserts keyed by canonical URL, run bookkeeping.

``Store()`` opens the database named by ``DULUAN_DB_URL`` (default a SQLite
file under the data folder) and migrates it to the newest schema; commands that
only read open it with ``create=False``, so a wrong URL or folder is an error
instead of a new empty store. Opening problems raise :class:`StoreError`.
"""
from __future__ import annotations

import logging
import os
import socket
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, func, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from pipeline.store import migrate
from pipeline.store.records import Document, RawPage, Source
from pipeline.store.schema import Base, CrawlRunRow, DocumentRow, ProblemRow, RawPageRow, SourceRow, utcnow
from pipeline.common.hashing import sha1
from pipeline.common.settings import get_settings

log = logging.getLogger(__name__)


class StoreError(RuntimeError):
    """The store cannot be opened (bad URL, missing file, server down); one-line message."""


def shown_url(url: str) -> str:
    """The URL with its password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory SQLite)."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[-1] if "///" in url else ""
    return Path(path) if path and path != ":memory:" else None


def first_line(exc: BaseException) -> str:
    """The driver's own reason, on one line (SQLAlchemy adds the statement and a link)."""
    reason = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(reason).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def make_engine(url: str) -> Engine:
    """Engine for ``url``; SQLite gets WAL, a busy timeout and its folder created."""
    path = sqlite_file(url)
    if url.startswith("sqlite"):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def compress(body: bytes) -> bytes:
    """zlib-compress page bytes for storage."""
    return zlib.compress(body, 6)


def decompress(blob: bytes) -> bytes:
    """Inverse of :func:`compress`."""
    return zlib.decompress(blob)


def _process_alive(pid: int) -> bool:
    """True when a process with this id runs on this machine (owned by anyone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def content_sha1(title: str, text: str) -> str:
    """The key that tells two documents have the same title and text."""
    return sha1(title + "\n" + text)


class Store:
    """Access to the database: sessions, upserts and the crawl's bookkeeping."""

    def __init__(self, url: str | None = None, *, migrate_schema: bool = True, create: bool = True) -> None:
        """Open the store at ``url`` (default the settings' ``db_url``); with ``create=False``
        a store that does not exist yet is a :class:`StoreError`, never created."""
        self.url = url or get_settings().db_url
        where = shown_url(self.url)
        path = sqlite_file(self.url)
        if not create and path is not None and not path.is_file():
            raise StoreError(f"no store at {path} (run `duluan crawl` or `duluan demo` first, "
                             f"or set DULUAN_DB_URL / DULUAN_DATA_DIR)")
        try:
            self.engine = make_engine(self.url)
        except ArgumentError as exc:
            raise StoreError(f"not a database URL: {where} (DULUAN_DB_URL)") from exc
        except (OSError, ImportError) as exc:
            raise StoreError(f"cannot open the store at {where}: {exc}") from exc
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        try:
            if not create and not inspect(self.engine).has_table(migrate.VERSION_TABLE):
                raise StoreError(f"no duluan store in the database at {where}")
            if migrate_schema:
                migrate.upgrade(self.engine)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the store at {where}: {first_line(exc)}") from exc

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success and rolled back on error."""
        with self.sessions() as session:
            with session.begin():
                yield session

    def upsert(self, session: Session, model: type[Base], values: dict[str, Any],
               key: str, keep: Iterable[str] = ()) -> None:
        """Insert ``values`` or update the row with the same ``key``; columns in
        ``keep`` keep their stored value on update (e.g. the first ``fetched_at``)."""
        dialect = postgresql if self.dialect == "postgresql" else sqlite
        stmt = dialect.insert(model).values(**values)
        update = {k: stmt.excluded[k] for k in values if k != key and k not in keep}
        session.execute(stmt.on_conflict_do_update(index_elements=[key], set_=update))

    # --- sources -------------------------------------------------------
    def sync_sources(self, sources: Iterable[Source]) -> None:
        """Record the configured sources; their polling state is kept."""
        with self.session() as s:
            for src in sources:
                values = {"id": src.id, "name": src.name, "kind": src.kind, "urls": list(src.urls),
                          "province": src.province, "verified": src.verified,
                          "config": {"selectors": src.selectors, "options": src.options}}
                self.upsert(s, SourceRow, values | {"consecutive_failures": 0, "seen_total": 0,
                                                    "new_total": 0},
                            key="id", keep=("consecutive_failures", "seen_total", "new_total"))

    def source_rows(self) -> dict[str, SourceRow]:
        """All source rows by id."""
        with self.session() as s:
            return {row.id: row for row in s.scalars(select(SourceRow))}

    def record_poll(self, source_id: str, *, seen: int, new: int, error: str | None,
                    min_minutes: float, max_minutes: float, default_minutes: float) -> float:
        """Update a source's health after a crawl and adapt how often it is polled.

        Mostly-new items halve the interval, mostly-seen items stretch it by half
        (Media Cloud's rule of thumb); failures back off. Returns the new interval.
        """
        now = utcnow()
        with self.session() as s:
            row = s.get(SourceRow, source_id)
            if row is None:
                raise KeyError(source_id)
            interval = row.poll_minutes or default_minutes
            if error:
                row.consecutive_failures += 1
                row.last_error = error
                interval *= 2
            else:
                row.consecutive_failures = 0
                row.last_ok_at = now
                if seen:
                    share_new = new / seen
                    if share_new > 0.5:
                        interval /= 2
                    elif share_new < 0.2:
                        interval *= 1.5
            interval = max(min_minutes, min(max_minutes, interval))
            row.poll_minutes = interval
            row.last_crawl_at = now
            row.next_poll_at = now + timedelta(minutes=interval)
            row.seen_total += seen
            row.new_total += new
            if new:
                row.last_new_at = now
            return interval

    # --- runs and problems ----------------------------------------------
    def start_run(self, sources_file: str | None) -> int:
        """Open a crawl-run record (naming the process that runs it) and return its id;
        runs left "running" by a process of this machine that died are marked aborted first."""
        self.abort_dead_runs()
        with self.session() as s:
            run = CrawlRunRow(sources_file=sources_file, stats={"pid": os.getpid(), "host": socket.gethostname()},
                              status="running", started_at=utcnow())
            s.add(run)
            s.flush()
            return run.id

    def abort_dead_runs(self) -> list[int]:
        """Mark ``aborted`` the runs still "running" whose process, on this machine, is
        gone (killed with SIGKILL, or the machine lost power); returns their ids.
        Runs of other machines (several workers) are left to their own next start."""
        host, aborted = socket.gethostname(), []
        with self.session() as s:
            for run in s.scalars(select(CrawlRunRow).where(CrawlRunRow.status == "running")):
                pid = (run.stats or {}).get("pid")
                if (run.stats or {}).get("host") != host or not isinstance(pid, int) or _process_alive(pid):
                    continue
                run.status, run.finished_at = "aborted", utcnow()
                run.stats = {**run.stats, "aborted": f"process {pid} ended without finishing the run"}
                aborted.append(run.id)
        for run_id in aborted:
            log.warning("crawl run %d was left running by a process that died: marked aborted", run_id)
        return aborted

    def finish_run(self, run_id: int, stats: dict[str, Any], status: str) -> None:
        """Close a crawl run with its counters."""
        with self.session() as s:
            run = s.get(CrawlRunRow, run_id)
            run.finished_at = utcnow()
            run.stats = stats
            run.status = status

    def record_problem(self, *, reason: str, source_id: str | None, url: str | None,
                       detail: str | None = None, http_status: int | None = None,
                       body: bytes | None = None, run_id: int | None = None) -> None:
        """Keep one bad-input event (with the bytes, when there were any)."""
        with self.session() as s:
            s.add(ProblemRow(run_id=run_id, source_id=source_id, url=url, reason=reason,
                             detail=(detail or "")[:2000], http_status=http_status,
                             body_z=compress(body) if body else None, at=utcnow()))

    # --- pages and documents ----------------------------------------------
    def known_urls(self, canonical_urls: Iterable[str]) -> set[str]:
        """Which of these canonical URLs were fetched already (a raw page or a
        complete document); partial documents from a failed fetch do not count."""
        wanted = list(set(canonical_urls))
        found: set[str] = set()
        with self.session() as s:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i:i + 500]
                found.update(s.scalars(select(DocumentRow.url_canonical).where(
                    DocumentRow.url_canonical.in_(chunk), DocumentRow.partial.is_(False))))
                found.update(s.scalars(select(RawPageRow.url_canonical)
                                       .where(RawPageRow.url_canonical.in_(chunk))))
        return found

    def document_with_content(self, content_sha1: str, source_id: str, other_than: str) -> str | None:
        """Canonical URL of another document of the same source with the same text, if any."""
        with self.session() as s:
            return s.scalar(select(DocumentRow.url_canonical).where(
                DocumentRow.content_sha1 == content_sha1, DocumentRow.source_id == source_id,
                DocumentRow.url_canonical != other_than).limit(1))

    def save_page(self, page: RawPage, url_canonical: str, encoding: str | None, run_id: int | None,
                  document: Document | None = None) -> bool:
        """Upsert the fetched bytes of one page and, in the same transaction, the
        document extracted from it (so a crash never leaves one without the other).
        Returns True when the document was not stored before."""
        with self.session() as s:
            self.upsert(s, RawPageRow, {
                "url_canonical": url_canonical, "url": page.url, "final_url": page.final_url,
                "source_id": page.source_id, "status": page.status,
                "content_type": (page.content_type or "")[:200], "encoding": encoding,
                "body_z": compress(page.body), "body_sha1": sha1(page.body), "size": len(page.body),
                "hints": page.hints, "fetched_at": page.fetched_at or utcnow(), "run_id": run_id,
            }, key="url_canonical")
            return self._upsert_document(s, document) if document is not None else False

    def save_document(self, doc: Document) -> bool:
        """Upsert a document; returns True when it was not stored before."""
        with self.session() as s:
            return self._upsert_document(s, doc)

    def _upsert_document(self, s: Session, doc: Document) -> bool:
        """Insert, or update when something changed (an unchanged document keeps its
        ``updated_at``, so it is not processed again)."""
        now = utcnow()
        content = content_sha1(doc.title, doc.text)
        existing = s.execute(select(DocumentRow.content_sha1, DocumentRow.extra, DocumentRow.published_at,
                                    DocumentRow.partial)
                             .where(DocumentRow.url_canonical == doc.url_canonical)).first()
        if existing is not None and tuple(existing) == (content, doc.extra, doc.published_at, doc.partial):
            return False
        self.upsert(s, DocumentRow, {
            "url_canonical": doc.url_canonical, "url": doc.url, "source_id": doc.source_id,
            "kind": doc.kind, "title": doc.title, "text": doc.text,
            "published_at": doc.published_at, "date_source": doc.date_source, "partial": doc.partial,
            "author": doc.author, "content_sha1": content,
            "fetched_at": doc.fetched_at or now, "updated_at": now, "extra": doc.extra,
        }, key="url_canonical", keep=("fetched_at",))
        return existing is None

    def count(self, model: type[Base]) -> int:
        """Number of rows of a table."""
        with self.session() as s:
            return s.scalar(select(func.count()).select_from(model)) or 0

    def documents(self, since: datetime | None = None) -> list[DocumentRow]:
        """Documents, optionally those updated since a time (for small stores and tests)."""
        with self.session() as s:
            q = select(DocumentRow).order_by(DocumentRow.id)
            if since is not None:
                q = q.where(DocumentRow.updated_at >= since)
            return list(s.scalars(q))
