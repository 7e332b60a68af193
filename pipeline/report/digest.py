"""The daily digest (and weekly / monthly summaries) for the two agencies.

A digest for date D covers what was published in the 24 hours before the
digest hour on D; every number comes from publication dates, so re-running it
or running it on a backfilled store gives the same content.
"""
from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from datetime import date, datetime, timedelta
from statistics import mean
from typing import Any

from sqlalchemy import func, select

from pipeline.common.labels import ACTION_LEVELS, LEVELS, NATIONWIDE, level_rank
from pipeline.report.followups import with_followups
from pipeline.common.settings import Settings
from pipeline.common.taxonomy import taxonomy
from pipeline.common.textutil import shorten
from pipeline.detect.hotissues import Report, detect
from pipeline.detect.rebuttals import NOT_REBUTTED, Rebuttal
from pipeline.detect.mentions import Clock, iter_mentions
from pipeline.store.records import (ActionItem, ContinuingIssue, DailySections, Digest, DocumentEntry, FlaggedIssue,
                                    Headline, Issue, IssueEntry, Mention, PeriodHeadline, PeriodSections,
                                    RebuttalDocument, RebuttalEntry, SignalPeriod, SourceHealth, TopicCount,
                                    TopicPeriod, Trend, WatchItem)
from pipeline.store.schema import DocumentRow, ProblemRow, SourceRow
from pipeline.store.store import Store

log = logging.getLogger(__name__)
PERIOD_DAYS = {"day": 1, "week": 7, "month": 30}
MAX_ISSUES = 10
MAX_ITEMS = 8
DOCS_PER_ISSUE = 5
LEAD_TITLE_CHARS = 140  # a post without a title is listed by the start of its text
SILENT_DAYS = 3
# What a summary keeps of an issue's highest day when it was lower later.
_PEAK_FIELDS = ("level", "heat", "why", "actions", "lead_agency", "support_agency")


def doc_fields(m: Mention, clock: Clock) -> dict[str, Any]:
    """The document fields of the digest contract (plus kind and engagement)."""
    title = m.title or shorten(m.lead, LEAD_TITLE_CHARS)
    return {"url": m.url, "title": title, "source": m.source_name,
            "published_at": m.published_at.astimezone(clock.tz).isoformat(), "kind": m.kind,
            "engagement": m.engagement}


def rebuttal_entry(rebuttal: Rebuttal | None, clock: Clock) -> RebuttalEntry:
    """The ``rebuttal`` of the digest contract (design.md)."""
    rebuttal = rebuttal or Rebuttal()
    documents = [RebuttalDocument(m.url, m.title, m.source_name, m.published_at.astimezone(clock.tz).isoformat())
                 for m in rebuttal.documents]
    return RebuttalEntry(rebuttal.status, documents, rebuttal.hours_to_rebuttal, rebuttal.still_spreading)


def _issue_fields(issue: Issue, clock: Clock, days: list[date],
                  rebuttals: dict[str, Rebuttal] | None = None) -> dict[str, Any]:
    """The fields of :class:`IssueEntry` (and of the records extending it) for an issue;
    false information also carries its rebuttal."""
    rebuttal = {"rebuttal": rebuttal_entry((rebuttals or {}).get(issue.key), clock)} \
        if issue.signal == taxonomy().false_information else {}
    return rebuttal | {"key": issue.key, "title": issue.title, "level": issue.level, "heat": issue.heat,
            "topic": issue.topic, "signal": issue.signal, "province": issue.province or NATIONWIDE,
            "lead_agency": issue.lead_agency, "support_agency": issue.support_agency, "why": issue.why,
            "actions": issue.actions, "components": issue.components,
            "trend": Trend([d.isoformat() for d in days], issue.daily, issue.series, issue.baseline, issue.history,
                           issue.usual),
            "documents": [DocumentEntry(**doc_fields(m, clock)) for m in issue.mentions[:DOCS_PER_ISSUE]]}


def issue_entry(issue: Issue, clock: Clock, days: list[date],
                rebuttals: dict[str, Rebuttal] | None = None) -> IssueEntry:
    """A detected issue as the digest and the alerts show it."""
    return IssueEntry(**_issue_fields(issue, clock, days, rebuttals))


def by_level(issues: list[Issue]) -> list[Issue]:
    """Issues đỏ first, then cam, then vàng; the hottest first within a level."""
    return sorted(issues, key=lambda i: (-level_rank(i.level), -i.heat, i.key))


def action_today(entries: list[IssueEntry]) -> list[ActionItem]:
    """"Cần xử lý hôm nay": each đỏ and cam issue with who leads and its first action, đỏ first."""
    urgent = [e for e in entries if e.level in ACTION_LEVELS]
    return [ActionItem(e.key, e.level or "", e.title, e.lead_agency, e.actions[0] if e.actions else "")
            for e in sorted(urgent, key=lambda e: -level_rank(e.level))]


def _norm(values: list[int]) -> float:
    return round(mean(values), 1) if values else 0.0


def _level_counts(levels: list[str | None]) -> dict[str, int]:
    counts = Counter(levels)
    return {k: counts.get(k, 0) for k in LEVELS}


def _headline(report: Report, valid_days: int) -> Headline:
    norm_span = report.totals[-1 - min(28, valid_days):-1]
    signal = {k: v[-1] for k, v in report.by_signal.items()}
    tax = taxonomy()
    return Headline(report.totals[-1], report.totals[-2], _norm(norm_span), signal.get(tax.pressing, 0),
                    signal.get(tax.false_information, 0), signal.get(tax.commendable, 0),
                    _level_counts([i.level for i in report.issues]))


def _topics(report: Report, valid_days: int) -> list[TopicCount]:
    rows = []
    for label in taxonomy().topics:
        counts = report.by_topic.get(label.code)
        if counts is None or label.role == "not_relevant":
            continue
        rows.append(TopicCount(label.code, label.name, counts[-1], counts[-2],
                               _norm(counts[-1 - min(28, valid_days):-1])))
    return sorted(rows, key=lambda r: (-r.today, -r.norm_4_weeks, r.topic))


def _items_with_signal(report: Report, signal: str, province: str, clock: Clock) -> list[WatchItem]:
    """Documents of the last 24 hours with ``signal``; false information carries its story's
    rebuttal, the rumours nobody has denied yet first."""
    start = report.end - timedelta(days=1)
    found = [(m, s) for s in report.stories for m in s.mentions if m.signal == signal and m.published_at >= start]
    rebutted = {s.id: report.rebuttals[s.id].status != NOT_REBUTTED for _, s in found if s.id in report.rebuttals}
    found.sort(key=lambda p: (rebutted.get(p[1].id, False), p[0].province != province, -p[0].engagement,
                              p[0].published_at, p[0].url))
    false = signal == taxonomy().false_information
    return [WatchItem(**doc_fields(m, clock), story=s.title, province=m.province or NATIONWIDE,
                      rebuttal=rebuttal_entry(report.rebuttals.get(s.id), clock) if false else None)
            for m, s in found[:MAX_ITEMS]]


def _continuing(report: Report, clock: Clock, days: list[date]) -> list[ContinuingIssue]:
    rows = []
    for issue in report.issues:
        if not any(issue.history[:-1]):
            continue
        peak = max((lv for lv in issue.history if lv), key=level_rank)  # today included
        today, yesterday = level_rank(issue.level), level_rank(issue.history[-2] if len(issue.history) > 1 else None)
        movement = "tăng" if today > yesterday else "giảm" if today < yesterday else "giữ nguyên"
        rows.append(ContinuingIssue(**_issue_fields(issue, clock, days, report.rebuttals), peak_level=peak,
                                    movement=movement, documents_7_days=sum(issue.daily)))
    rows.sort(key=lambda r: (-level_rank(r.level), -level_rank(r.peak_level), -r.documents_7_days))
    return rows[:MAX_ISSUES]


def source_health(store: Store, start: datetime, end: datetime) -> list[SourceHealth]:
    """Per source: documents published in the window and the 3 days before, problems logged
    during the window; ``silent`` when nothing was published for 3 days although it published
    in the 4 weeks before."""
    silent_from = end - timedelta(days=SILENT_DAYS)
    with store.session() as s:
        names = dict(s.execute(select(SourceRow.id, SourceRow.name)).all())
        def published_since(since: datetime) -> dict[str, int]:
            return dict(s.execute(select(DocumentRow.source_id, func.count())
                                  .where(DocumentRow.published_at >= since, DocumentRow.published_at < end)
                                  .group_by(DocumentRow.source_id)).all())
        today, recent, month = published_since(start), published_since(silent_from), \
            published_since(end - timedelta(days=28))
        problems: dict[str, Counter[str]] = {}
        for source_id, reason, n in s.execute(
                select(ProblemRow.source_id, ProblemRow.reason, func.count())
                .where(ProblemRow.at >= start, ProblemRow.at < end).group_by(ProblemRow.source_id, ProblemRow.reason)):
            problems.setdefault(source_id or "?", Counter())[reason] += n
    rows = []
    for sid in sorted(set(names) | set(problems)):
        status = "silent" if month.get(sid) and not recent.get(sid) else "problems" if problems.get(sid) else "ok"
        rows.append(SourceHealth(names.get(sid, sid), sid, today.get(sid, 0), status,
                                 dict(sorted(problems.get(sid, Counter()).items()))))
    rows.sort(key=lambda r: (r.status == "ok", r.id))
    return rows


def build_daily(store: Store, settings: Settings, day: date) -> Digest:
    """The daily digest for ``day``."""
    clock = Clock.from_settings(settings)
    start, end = clock.window(day)
    report = detect(store, settings, end)
    days = report.days[-7:]
    valid_days = sum(1 for t in report.totals[:-1] if t) or 1
    tax = taxonomy()
    hot = by_level([i for i in report.issues if i.level])[:MAX_ISSUES]
    issues = with_followups(store, settings, [issue_entry(i, clock, days, report.rebuttals) for i in hot],
                            hot, day, end)
    sections = DailySections(
        issues=issues,
        action_today=action_today(issues),
        headline=_headline(report, valid_days),
        topics=_topics(report, valid_days),
        false_information=_items_with_signal(report, tax.false_information, settings.province, clock),
        good_examples=_items_with_signal(report, tax.commendable, settings.province, clock),
        continuing=_continuing(report, clock, days),
        sources=source_health(store, start, end))
    return Digest(date=day.isoformat(), period="day", province=settings.province,
                  start=start.astimezone(clock.tz), end=end.astimezone(clock.tz),  # local times in every format
                  sections=sections)


def _flagged(store: Store, settings: Settings, clock: Clock, day: date, n: int) -> list[FlaggedIssue]:
    """Every issue flagged on one of the ``n`` days ending with ``day``, at its highest level."""
    flagged: dict[str, FlaggedIssue] = {}
    for offset in range(n - 1, -1, -1):
        d = day - timedelta(days=offset)
        report = detect(store, settings, clock.end_of(d))
        for issue in report.issues:
            if not issue.level:
                continue
            row = FlaggedIssue(**_issue_fields(issue, clock, report.days[-7:], report.rebuttals),
                               first_flagged=d.isoformat(),
                               last_flagged=d.isoformat(), days_flagged=1)
            old = flagged.get(issue.key)
            if old:
                row.first_flagged, row.days_flagged = old.first_flagged, old.days_flagged + 1
                if level_rank(old.level) > level_rank(issue.level):
                    row = dataclasses.replace(row, **{k: getattr(old, k) for k in _PEAK_FIELDS})
            flagged[issue.key] = row
    return sorted(flagged.values(), key=lambda r: (-level_rank(r.level), -r.days_flagged, -r.heat))


def build_periodic(store: Store, settings: Settings, day: date, period: str) -> Digest:
    """Weekly or monthly summary ending with ``day``: volumes against the period before,
    and every issue flagged on one of its days, at its highest level."""
    clock = Clock.from_settings(settings)
    n = PERIOD_DAYS[period]
    start, end = clock.window(day, n)
    issues = _flagged(store, settings, clock, day, n)
    current = Counter((m.topic, m.signal) for m in iter_mentions(store, start, end, with_text=False))
    before = Counter((m.topic, m.signal) for m in iter_mentions(store, start - (end - start), start, with_text=False))
    tax = taxonomy()
    topics = [TopicPeriod(label.code, label.name, sum(v for (t, _), v in current.items() if t == label.code),
                          sum(v for (t, _), v in before.items() if t == label.code))
              for label in tax.topics if label.role != "not_relevant"]
    signals = [SignalPeriod(label.code, label.name, sum(v for (_, s), v in current.items() if s == label.code),
                            sum(v for (_, s), v in before.items() if s == label.code)) for label in tax.signals]
    sections = PeriodSections(issues=issues, topics=topics, signals=signals,
                              headline=PeriodHeadline(sum(current.values()), sum(before.values()),
                                                      _level_counts([r.level for r in issues])),
                              sources=source_health(store, start, end))
    return Digest(date=day.isoformat(), period=period, province=settings.province,
                  start=start.astimezone(clock.tz), end=end.astimezone(clock.tz), sections=sections)


def build_digest(store: Store, settings: Settings, day: date, period: str = "day") -> Digest:
    """The digest of ``period`` (day, week, month) ending with ``day``."""
    if period not in PERIOD_DAYS:
        raise ValueError(f"unknown period {period!r}: use day, week or month")
    return build_daily(store, settings, day) if period == "day" else build_periodic(store, settings, day, period)


def digest_json(digest: Digest) -> dict[str, Any]:
    """The ``digest.json`` document (contract in design.md): date, period, province,
    window, then the sections in order, issues first."""
    return {"date": digest.date, "period": digest.period, "province": digest.province,
            "window": {"start": digest.start.isoformat(), "end": digest.end.isoformat()},
            **dataclasses.asdict(digest.sections)}
