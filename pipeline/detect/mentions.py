"""Digest windows and the analysed documents inside them.

Every window is cut on *publication* time, so a store filled by a backfill and
one filled day by day give the same answers. A digest day ``D`` covers the 24
hours before the digest hour (07:00 Asia/Ho_Chi_Minh by default) on ``D``.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from pipeline.store.records import Mention
from pipeline.store.schema import AnalysisRow, DocumentRow, SourceRow
from pipeline.common.options import DigestOptions
from pipeline.common.settings import Settings
from pipeline.store.store import Store

LEAD_CHARS = 400
_FETCH_ROWS = 5000


@dataclass(frozen=True)
class Clock:
    """Where digest days begin and end: the time zone and the digest hour."""

    tz: ZoneInfo
    hour: int = 7
    minute: int = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> Clock:
        """The deployment's time zone and ``[digest] hour``/``minute``."""
        digest = settings.options(DigestOptions)
        return cls(ZoneInfo(settings.timezone), digest.hour, digest.minute)

    def end_of(self, day: date) -> datetime:
        """The digest moment of ``day`` in UTC, e.g. 23/11 07:00 (+07) → 23/11 00:00Z."""
        return datetime.combine(day, time(self.hour, self.minute), self.tz).astimezone(timezone.utc)

    def window(self, day: date, days: int = 1) -> tuple[datetime, datetime]:
        """[start, end) in UTC of the ``days`` digest days ending with ``day``."""
        end = self.end_of(day)
        return self.end_of(day - timedelta(days=days)), end

    def day_of(self, moment: datetime) -> date:
        """The digest day whose window holds ``moment``."""
        local = moment.astimezone(self.tz)
        cut = datetime.combine(local.date(), time(self.hour, self.minute), self.tz)
        return local.date() + timedelta(days=1) if local >= cut else local.date()

    def today(self, now: datetime | None = None) -> date:
        """The digest day of the most recent digest moment (today after 07:00, else yesterday)."""
        return self.day_of(now or datetime.now(timezone.utc)) - timedelta(days=1)


def _select(with_text: bool) -> Any:
    columns = [DocumentRow.id, DocumentRow.url, DocumentRow.source_id, DocumentRow.kind,
               DocumentRow.published_at, AnalysisRow.topic, AnalysisRow.signal, AnalysisRow.provinces,
               AnalysisRow.facilities, SourceRow.province, SourceRow.name, DocumentRow.extra]
    if with_text:
        columns += [DocumentRow.title, func.substr(DocumentRow.text, 1, LEAD_CHARS), AnalysisRow.minhash]
    return (select(*columns).join(AnalysisRow, AnalysisRow.document_id == DocumentRow.id)
            .outerjoin(SourceRow, SourceRow.id == DocumentRow.source_id)
            .where(AnalysisRow.relevant.is_(True), AnalysisRow.skipped.is_(None)))


def _engagement(extra: dict[str, Any] | None) -> int:
    extra = extra or {}
    return sum(int(extra.get(k) or 0) for k in ("reactions", "comments", "shares"))


def iter_mentions(store: Store, start: datetime, end: datetime, with_text: bool = True) -> Iterator[Mention]:
    """Relevant analysed documents published in [start, end), oldest first (then by URL),
    streamed from the database in chunks."""
    q = (_select(with_text).where(DocumentRow.published_at >= start, DocumentRow.published_at < end)
         .order_by(DocumentRow.published_at, DocumentRow.url_canonical)
         .execution_options(yield_per=_FETCH_ROWS))
    with store.session() as s:
        for row in s.execute(q):
            doc_id, url, source_id, kind, published, topic, signal, provinces, facilities, \
                source_province, source_name, extra = row[:12]
            title, lead, blob = row[12:] if with_text else ("", "", None)
            yield Mention(id=doc_id, url=url, title=title, lead=lead or "", source_id=source_id,
                          source_name=source_name or source_id, kind=kind, published_at=published,
                          topic=topic, signal=signal,
                          province=(provinces or [None])[0] or source_province,
                          facilities=list(facilities or []), engagement=_engagement(extra), minhash=blob)

