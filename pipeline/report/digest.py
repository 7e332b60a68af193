"""The daily digest (and weekly / monthly summaries) for the two agencies.

A digest for date D covers what was published in the 24 hours before the
digest hour on D; every number comes from publication dates, so re-running it
or running it on a backfilled store gives the same content.
"""
from __future__ import annotations

import logging
from collections import Counter
from datetime import date, datetime, timedelta
from statistics import mean
from typing import Any

from sqlalchemy import func, select

from pipeline.detect.hotissues import Report, detect
from pipeline.report.followups import with_followups
from pipeline.common.labels import LEVELS, NATIONWIDE, SIGNALS, TOPICS, level_rank
from pipeline.detect.mentions import Clock, iter_mentions
from pipeline.store.records import Digest, Issue, Mention
from pipeline.store.schema import DocumentRow, ProblemRow, SourceRow
from pipeline.common.settings import Settings
from pipeline.store.store import Store

log = logging.getLogger(__name__)
PERIOD_DAYS = {"day": 1, "week": 7, "month": 30}
MAX_ISSUES = 10
MAX_ITEMS = 8
DOCS_PER_ISSUE = 5
SILENT_DAYS = 3


def doc_fields(m: Mention, clock: Clock) -> dict[str, Any]:
    """The document fields of the digest contract (plus kind and engagement)."""
    title = m.title or (m.lead[:140].rsplit(" ", 1)[0] + "…" if len(m.lead) > 140 else m.lead)
    return {"url": m.url, "title": title, "source": m.source_name,
            "published_at": m.published_at.astimezone(clock.tz).isoformat(), "kind": m.kind,
            "engagement": m.engagement}


def issue_fields(issue: Issue, clock: Clock, days: list[date]) -> dict[str, Any]:
    """An issue as the digest contract has it, with its history for the trend chart."""
    return {"key": issue.key, "title": issue.title, "level": issue.level, "heat": issue.heat,
            "topic": issue.topic, "signal": issue.signal, "province": issue.province or NATIONWIDE,
            "lead_agency": issue.lead_agency, "support_agency": issue.support_agency, "why": issue.why,
            "actions": issue.actions, "components": issue.components,
            "trend": {"days": [d.isoformat() for d in days], "documents": issue.daily,
                      "topic_province": issue.series, "threshold": issue.baseline, "levels": issue.history},
            "documents": [doc_fields(m, clock) for m in issue.mentions[:DOCS_PER_ISSUE]]}


def _norm(values: list[int]) -> float:
    return round(mean(values), 1) if values else 0.0


def _headline(report: Report, valid_days: int) -> dict[str, Any]:
    norm_span = report.totals[-1 - min(28, valid_days):-1]
    signal = {k: v[-1] for k, v in report.by_signal.items()}
    levels = Counter(i.level for i in report.issues if i.level)
    return {"documents": report.totals[-1], "yesterday": report.totals[-2], "norm_4_weeks": _norm(norm_span),
            "pressing": signal.get("van_de_buc_xuc", 0), "false_information": signal.get("thong_tin_sai_lech", 0),
            "good_examples": signal.get("dien_hinh_tien_tien", 0),
            "levels": {k: levels.get(k, 0) for k in LEVELS}}


def _topics(report: Report, valid_days: int) -> list[dict[str, Any]]:
    rows = []
    for code, name in TOPICS.items():
        counts = report.by_topic.get(code)
        if counts is None or code == "khong_lien_quan":
            continue
        rows.append({"topic": code, "name": name, "today": counts[-1], "yesterday": counts[-2],
                     "norm_4_weeks": _norm(counts[-1 - min(28, valid_days):-1])})
    return sorted(rows, key=lambda r: (-r["today"], -r["norm_4_weeks"], r["topic"]))


def _items_with_signal(report: Report, signal: str, province: str, clock: Clock) -> list[dict[str, Any]]:
    start = report.end - timedelta(days=1)
    found = [(m, s.title) for s in report.stories for m in s.mentions
             if m.signal == signal and m.published_at >= start]
    found.sort(key=lambda p: (p[0].province != province, -p[0].engagement, p[0].published_at, p[0].url))
    return [doc_fields(m, clock) | {"story": title, "province": m.province or NATIONWIDE}
            for m, title in found[:MAX_ITEMS]]


def _continuing(report: Report, clock: Clock, days: list[date]) -> list[dict[str, Any]]:
    rows = []
    for issue in report.issues:
        earlier = [lv for lv in issue.history[:-1] if lv]
        if not earlier:
            continue
        peak = max(earlier, key=level_rank)
        today, yesterday = level_rank(issue.level), level_rank(issue.history[-2] if len(issue.history) > 1 else None)
        movement = "tăng" if today > yesterday else "giảm" if today < yesterday else "giữ nguyên"
        rows.append(issue_fields(issue, clock, days) | {"peak_level": peak, "movement": movement,
                                                         "documents_7_days": sum(issue.daily)})
    rows.sort(key=lambda r: (-level_rank(r["level"]), -level_rank(r["peak_level"]), -r["documents_7_days"]))
    return rows[:MAX_ISSUES]


def source_health(store: Store, start: datetime, end: datetime) -> list[dict[str, Any]]:
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
        rows.append({"source": names.get(sid, sid), "id": sid, "documents": today.get(sid, 0), "status": status,
                     "problems": dict(sorted(problems.get(sid, Counter()).items()))})
    rows.sort(key=lambda r: (r["status"] == "ok", r["id"]))
    return rows


def build_daily(store: Store, settings: Settings, day: date) -> Digest:
    """The daily digest for ``day``."""
    clock = Clock.from_settings(settings)
    start, end = clock.window(day)
    report = detect(store, settings, end)
    days = report.days[-7:]
    valid_days = sum(1 for t in report.totals[:-1] if t) or 1
    hot = [i for i in report.issues if i.level][:MAX_ISSUES]
    sections = {
        "headline": _headline(report, valid_days),
        "topics": _topics(report, valid_days),
        "false_information": _items_with_signal(report, "thong_tin_sai_lech", settings.province, clock),
        "good_examples": _items_with_signal(report, "dien_hinh_tien_tien", settings.province, clock),
        "continuing": _continuing(report, clock, days),
        "sources": source_health(store, start, end),
        "issues": with_followups(store, settings, [issue_fields(i, clock, days) for i in hot], hot, day, end),
    }
    return Digest(date=day.isoformat(), period="day", province=settings.province, start=start, end=end,
                  sections=sections, issues=hot)


def build_periodic(store: Store, settings: Settings, day: date, period: str) -> Digest:
    """Weekly or monthly summary ending with ``day``: volumes against the period before,
    and every issue flagged on one of its days, at its highest level."""
    clock = Clock.from_settings(settings)
    n = PERIOD_DAYS[period]
    start, end = clock.window(day, n)
    flagged: dict[str, dict[str, Any]] = {}
    for offset in range(n - 1, -1, -1):
        d = day - timedelta(days=offset)
        report = detect(store, settings, clock.end_of(d))
        for issue in report.issues:
            if not issue.level:
                continue
            row = issue_fields(issue, clock, report.days[-7:]) | {"first_flagged": d.isoformat(),
                                                                  "last_flagged": d.isoformat(), "days_flagged": 1}
            old = flagged.get(issue.key)
            if old:
                row["first_flagged"], row["days_flagged"] = old["first_flagged"], old["days_flagged"] + 1
                if level_rank(old["level"]) > level_rank(issue.level):
                    row |= {k: old[k] for k in ("level", "heat", "why", "actions", "lead_agency", "support_agency")}
            flagged[issue.key] = row
    issues = sorted(flagged.values(), key=lambda r: (-level_rank(r["level"]), -r["days_flagged"], -r["heat"]))
    current = Counter((m.topic, m.signal) for m in iter_mentions(store, start, end, with_text=False))
    before = Counter((m.topic, m.signal) for m in iter_mentions(store, start - (end - start), start, with_text=False))
    topics = [{"topic": code, "name": name, "period": sum(v for (t, _), v in current.items() if t == code),
               "previous": sum(v for (t, _), v in before.items() if t == code)}
              for code, name in TOPICS.items() if code != "khong_lien_quan"]
    signals = [{"signal": code, "name": name, "period": sum(v for (_, s), v in current.items() if s == code),
                "previous": sum(v for (_, s), v in before.items() if s == code)} for code, name in SIGNALS.items()]
    sections = {"issues": issues, "topics": topics, "signals": signals,
                "headline": {"documents": sum(current.values()), "previous": sum(before.values()),
                             "levels": {k: sum(r["level"] == k for r in issues) for k in LEVELS}},
                "sources": source_health(store, start, end)}
    return Digest(date=day.isoformat(), period=period, province=settings.province, start=start, end=end,
                  sections=sections)


def build_digest(store: Store, settings: Settings, day: date, period: str = "day") -> Digest:
    """The digest of ``period`` (day, week, month) ending with ``day``."""
    if period not in PERIOD_DAYS:
        raise ValueError(f"unknown period {period!r}: use day, week or month")
    return build_daily(store, settings, day) if period == "day" else build_periodic(store, settings, day, period)


def digest_json(digest: Digest) -> dict[str, Any]:
    """The ``digest.json`` document (contract in design.md)."""
    sections = dict(digest.sections)
    return {"date": digest.date, "period": digest.period, "province": digest.province,
            "window": {"start": digest.start.isoformat(), "end": digest.end.isoformat()},
            "issues": sections.pop("issues"), **sections}

