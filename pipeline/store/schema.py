"""SQLAlchemy 2 tables of the store (SQLite by default, PostgreSQL on servers).

Schema changes go through Alembic revisions in ``pipeline/store/migrations``.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

JsonType = JSON().with_variant(JSONB(), "postgresql")
IdType = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps them naive)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: store aware UTC times only")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=timezone.utc) if value is not None else None


def utcnow() -> datetime:
    """Now, aware UTC."""
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    """Declarative base of all tables."""


class SourceRow(Base):
    """A configured source and its health: when polled, how often, what failed."""

    __tablename__ = "sources"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    urls: Mapped[list[str]] = mapped_column(JsonType)
    province: Mapped[str | None] = mapped_column(String(100))
    verified: Mapped[bool] = mapped_column(Boolean, default=True)
    config: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    poll_minutes: Mapped[float | None] = mapped_column(Float)
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_crawl_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_ok_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_new_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    seen_total: Mapped[int] = mapped_column(Integer, default=0)
    new_total: Mapped[int] = mapped_column(Integer, default=0)


class CrawlRunRow(Base):
    """One run of ``duluan crawl``: when, what, and the counters of every outcome."""

    __tablename__ = "crawl_runs"
    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="running")
    sources_file: Mapped[str | None] = mapped_column(Text)
    stats: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)


class RawPageRow(Base):
    """The bytes of a fetched page (zlib-compressed), kept for re-processing."""

    __tablename__ = "raw_pages"
    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    url_canonical: Mapped[str] = mapped_column(Text, unique=True)
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)
    source_id: Mapped[str] = mapped_column(String(100), index=True)
    status: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(200))
    encoding: Mapped[str | None] = mapped_column(String(50))
    body_z: Mapped[bytes] = mapped_column(LargeBinary)
    body_sha1: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    hints: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))


class DocumentRow(Base):
    """An extracted article or post, keyed by its canonical URL."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    url_canonical: Mapped[str] = mapped_column(Text, unique=True)
    url: Mapped[str] = mapped_column(Text)
    source_id: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    date_source: Mapped[str] = mapped_column(String(20), default="none")
    # True when the page could not be fetched and only the feed's title and
    # summary are kept; such documents are fetched again on the next crawl.
    partial: Mapped[bool] = mapped_column(Boolean, default=False)
    author: Mapped[str | None] = mapped_column(Text)
    content_sha1: Mapped[str] = mapped_column(String(40), index=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)

    __table_args__ = (Index("ix_documents_published_at", "published_at"),
                      Index("ix_documents_url", "url"))  # the workspace finds a digest's documents by URL


class ProblemRow(Base):
    """Bad input, named and kept: a failed fetch, a malformed feed, an undecodable page.

    ``body_z`` holds the quarantined bytes when there were any.
    """

    __tablename__ = "problems"
    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    source_id: Mapped[str | None] = mapped_column(String(100), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(40), index=True)
    detail: Mapped[str | None] = mapped_column(Text)
    http_status: Mapped[int | None] = mapped_column(Integer)
    body_z: Mapped[bytes | None] = mapped_column(LargeBinary)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AnalysisRow(Base):
    """What ``duluan process`` made of one document (one row per document)."""

    __tablename__ = "analyses"
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    models: Mapped[str] = mapped_column(String(200))
    skipped: Mapped[str | None] = mapped_column(Text)
    relevant: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    topic: Mapped[str] = mapped_column(String(40), index=True)
    signal: Mapped[str] = mapped_column(String(40), index=True)
    scores: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    why: Mapped[list[str]] = mapped_column(JsonType, default=list)
    provinces: Mapped[list[str]] = mapped_column(JsonType, default=list)
    units: Mapped[list[str]] = mapped_column(JsonType, default=list)
    facilities: Mapped[list[str]] = mapped_column(JsonType, default=list)
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    dup_group: Mapped[int | None] = mapped_column(IdType, index=True)


class AlertRow(Base):
    """An urgent notice, with the documents it was about (so the same issue does not
    alert twice unless it escalates); one not ``delivered`` keeps the reason in
    ``error`` and is tried again until sent or too old."""

    __tablename__ = "alerts"
    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    issue_key: Mapped[str] = mapped_column(String(40), index=True)
    level: Mapped[str] = mapped_column(String(10))
    heat: Mapped[float] = mapped_column(Float)
    title: Mapped[str] = mapped_column(Text)
    document_ids: Mapped[list[int]] = mapped_column(JsonType, default=list)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    delivered: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str | None] = mapped_column(Text)


class DeliveryRow(Base):
    """Something sent once only, e.g. ``digest:day:2026-11-23`` by e-mail."""

    __tablename__ = "deliveries"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    detail: Mapped[str | None] = mapped_column(Text)


# --- the workspace (``duluan serve``) --------------------------------------
class UserRow(Base):
    """An official who logs in to the workspace: agency ``btg``/``syt``, role viewer/editor/admin."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(10))
    role: Mapped[str] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoginFailureRow(Base):
    """A failed log-in, counted to slow down password guessing."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class AuditRow(Base):
    """Who changed what and when (log-ins, follow-up changes, label corrections, accounts)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)


class FollowUpRow(Base):
    """How an issue is handled: status, lead agency, assignee, due time. One row follows
    an issue across days and stories: its story ids and documents point at it."""

    __tablename__ = "followups"
    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(Text)
    topic: Mapped[str] = mapped_column(String(40))
    signal: Mapped[str] = mapped_column(String(40), index=True)
    level: Mapped[str | None] = mapped_column(String(10))  # the highest level seen
    status: Mapped[str] = mapped_column(String(20), default="moi", index=True)
    lead_agency: Mapped[str] = mapped_column(String(10), default="")
    assignee: Mapped[str] = mapped_column(String(200), default="")
    first_flagged_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(100))


class FollowUpKeyRow(Base):
    """A story id (issue key) that belongs to a follow-up."""

    __tablename__ = "followup_keys"
    issue_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    followup_id: Mapped[int] = mapped_column(ForeignKey("followups.id", ondelete="CASCADE"), index=True)


class FollowUpDocumentRow(Base):
    """A document that belongs to a follow-up's issue (so a grown or re-keyed story finds it)."""

    __tablename__ = "followup_documents"
    document_id: Mapped[int] = mapped_column(IdType, primary_key=True)
    followup_id: Mapped[int] = mapped_column(ForeignKey("followups.id", ondelete="CASCADE"), index=True)


class FollowUpNoteRow(Base):
    """A note on a follow-up, with the status it set (if any) and links as attachments."""

    __tablename__ = "followup_notes"
    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    followup_id: Mapped[int] = mapped_column(ForeignKey("followups.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    username: Mapped[str] = mapped_column(String(100))
    status: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[list[str]] = mapped_column(JsonType, default=list)


class SearchStateRow(Base):
    """How far the search index got: documents updated up to ``indexed_until`` are in it.

    The index itself (``search_fts``) is dialect-specific: an FTS5 table on SQLite, a
    table of ``tsvector`` with a GIN index on PostgreSQL; see migration 0004."""

    __tablename__ = "search_state"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    indexed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
