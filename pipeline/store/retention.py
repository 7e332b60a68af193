"""Retention: raw page bytes are kept ``[retention] raw_pages_days`` days for
re-processing, then pruned; documents, analyses and everything derived stay."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, update

from pipeline.store.schema import ProblemRow, RawPageRow, utcnow
from pipeline.common.options import RetentionOptions
from pipeline.common.settings import Settings
from pipeline.store.store import Store

log = logging.getLogger(__name__)


def raw_pages_days(settings: Settings) -> int:
    """How many days raw pages are kept (default 90)."""
    return settings.options(RetentionOptions).raw_pages_days


def prune(store: Store, days: int, now: datetime | None = None) -> tuple[int, int]:
    """Delete raw pages fetched more than ``days`` ago and drop the quarantined bytes
    of older problems (their reason and URL stay); returns (pages, problem bodies)."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    with store.session() as s:
        pages = s.execute(delete(RawPageRow).where(RawPageRow.fetched_at < cutoff)).rowcount or 0
        bodies = s.execute(update(ProblemRow).where(ProblemRow.at < cutoff, ProblemRow.body_z.is_not(None))
                           .values(body_z=None)).rowcount or 0
    log.info("pruned %d raw pages and %d problem bodies older than %s", pages, bodies, cutoff.date())
    return pages, bodies
