"""pandas DataFrames of the store for analysts (notebooks): documents with their
analyses, daily counts, stories, issues and alerts, filtered by date range,
province, topic, signal and source. Rows are streamed from the database in
chunks and filtered on the way, so the whole store is never in memory.

>>> from pipeline.frames import daily_counts
>>> daily_counts(start="2026-11-01", end="2026-11-23", by=("topic",), province="Quảng Ngãi")  # doctest: +SKIP
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timezone

import pandas as pd
from sqlalchemy import func, select

from pipeline.detect.hotissues import detect
from pipeline.detect.mentions import Clock, iter_mentions
from pipeline.store.records import Mention
from pipeline.store.schema import AlertRow, DocumentRow
from pipeline.common.settings import get_settings
from pipeline.store.store import Store

DateLike = str | date | datetime | None


def _opened(store: Store | None) -> Store:
    """The given store, else the deployment's, which must exist (reading never creates one)."""
    return store if store is not None else Store(create=False)


def _moment(value: DateLike, clock: Clock, default: datetime) -> datetime:
    """A bound of a range: a date means its digest moment (07:00 local), a naive time is local."""
    if value is None:
        return default
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value)
    if not isinstance(value, datetime):
        return clock.end_of(value)
    return (value if value.tzinfo else value.replace(tzinfo=clock.tz)).astimezone(timezone.utc)


def _digest_end(day: DateLike, clock: Clock) -> datetime:
    """The digest moment of a day (default the latest); a datetime is taken as it is."""
    return _moment(day, clock, clock.end_of(clock.today()))


def _as_set(value: str | Iterable[str] | None) -> set[str] | None:
    if value is None:
        return None
    return {value} if isinstance(value, str) else set(value)


def _mentions(store: Store | None, start: DateLike, end: DateLike, province: str | Iterable[str] | None,
              topic: str | Iterable[str] | None, signal: str | Iterable[str] | None,
              source: str | Iterable[str] | None, with_text: bool) -> Iterator[Mention]:
    clock = Clock.from_settings(get_settings())
    lo = _moment(start, clock, datetime(1970, 1, 1, tzinfo=timezone.utc))
    hi = _moment(end, clock, datetime(9999, 1, 1, tzinfo=timezone.utc))
    provinces, topics, signals, sources = map(_as_set, (province, topic, signal, source))
    for m in iter_mentions(_opened(store), lo, hi, with_text=with_text):
        if ((provinces is None or m.province in provinces) and (topics is None or m.topic in topics)
                and (signals is None or m.signal in signals) and (sources is None or m.source_id in sources)):
            yield m


def documents(store: Store | None = None, start: DateLike = None, end: DateLike = None, *,
              province: str | Iterable[str] | None = None, topic: str | Iterable[str] | None = None,
              signal: str | Iterable[str] | None = None, source: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Health-relevant documents published in [start, end) with their analysis, one row each."""
    tz = Clock.from_settings(get_settings()).tz
    rows = [{"id": m.id, "published_at": m.published_at.astimezone(tz), "title": m.title, "lead": m.lead,
             "url": m.url, "source_id": m.source_id, "source": m.source_name, "kind": m.kind, "topic": m.topic,
             "signal": m.signal, "province": m.province, "facilities": m.facilities, "engagement": m.engagement}
            for m in _mentions(store, start, end, province, topic, signal, source, with_text=True)]
    columns = ["id", "published_at", "title", "lead", "url", "source_id", "source", "kind", "topic", "signal",
               "province", "facilities", "engagement"]
    return pd.DataFrame(rows, columns=columns)


def daily_counts(store: Store | None = None, start: DateLike = None, end: DateLike = None, *,
                 by: tuple[str, ...] = ("topic",), province: str | Iterable[str] | None = None,
                 topic: str | Iterable[str] | None = None, signal: str | Iterable[str] | None = None,
                 source: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Documents per digest day (the 24 hours before 07:00) and ``by`` columns (any of
    topic, signal, province, source_id), in long form: ``day, *by, documents``."""
    allowed = {"topic", "signal", "province", "source_id"}
    if not set(by) <= allowed:
        raise ValueError(f"by: choose among {sorted(allowed)}")
    clock = Clock.from_settings(get_settings())
    counts: Counter[tuple] = Counter(
        (clock.day_of(m.published_at), *(getattr(m, k) for k in by))
        for m in _mentions(store, start, end, province, topic, signal, source, with_text=False))
    frame = pd.DataFrame([(*key, n) for key, n in sorted(counts.items(), key=lambda kv: str(kv[0]))],
                         columns=["day", *by, "documents"])
    frame["day"] = pd.to_datetime(frame["day"])
    return frame


def issues(day: DateLike = None, store: Store | None = None) -> pd.DataFrame:
    """The stories scored for the digest of ``day`` (default today's): level, heat, why, who leads."""
    settings = get_settings()
    report = detect(_opened(store), settings, _digest_end(day, Clock.from_settings(settings)))
    return pd.DataFrame([{"key": i.key, "title": i.title, "level": i.level, "heat": i.heat, "topic": i.topic,
                          "signal": i.signal, "province": i.province, "why": i.why, "lead_agency": i.lead_agency,
                          "documents_24h": i.daily[-1] if i.daily else 0, "documents_7d": sum(i.daily),
                          "sources": len({m.source_id for m in i.mentions})} for i in report.issues],
                        columns=["key", "title", "level", "heat", "topic", "signal", "province", "why",
                                 "lead_agency", "documents_24h", "documents_7d", "sources"])


def stories(day: DateLike = None, store: Store | None = None) -> pd.DataFrame:
    """Stories of the 7 days before the digest of ``day``: size, sources, first and last seen."""
    settings = get_settings()
    clock = Clock.from_settings(settings)
    report = detect(_opened(store), settings, _digest_end(day, clock))
    return pd.DataFrame([{"id": s.id, "title": s.title, "topic": s.topic, "signal": s.signal, "province": s.province,
                          "documents": len(s.mentions), "copies": s.copies, "sources": len(s.sources),
                          "first_seen": s.first_seen.astimezone(clock.tz), "last_seen": s.last_seen.astimezone(clock.tz),
                          "facilities": s.facilities} for s in report.stories],
                        columns=["id", "title", "topic", "signal", "province", "documents", "copies", "sources",
                                 "first_seen", "last_seen", "facilities"])


def latest_day(store: Store | None = None) -> date:
    """The digest day of the newest document in the store (today's when it is empty)."""
    clock = Clock.from_settings(get_settings())
    with _opened(store).session() as s:
        newest = s.scalar(select(func.max(DocumentRow.published_at)))
    return clock.day_of(newest) if newest else clock.today()


def alerts(store: Store | None = None) -> pd.DataFrame:
    """Urgent notices sent so far."""
    store = _opened(store)
    with store.session() as s:
        rows = s.execute(select(AlertRow.sent_at, AlertRow.issue_key, AlertRow.level, AlertRow.heat,
                                AlertRow.title, AlertRow.delivered).order_by(AlertRow.id)).all()
    return pd.DataFrame(rows, columns=["sent_at", "issue_key", "level", "heat", "title", "delivered"])

