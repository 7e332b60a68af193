"""Urgent alerts between digests: an issue that reaches đỏ in the last 24 hours
is announced once; it is announced again only when it escalates (a higher level,
or heat ``escalation_points`` above the last notice)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from pipeline.report.charts import trend_png
from pipeline.report.digest import issue_entry
from pipeline.detect.hotissues import detect
from pipeline.common.labels import LEVELS, level_rank
from pipeline.detect.mentions import Clock
from pipeline.report.render import render_alert
from pipeline.store.records import IssueEntry
from pipeline.store.schema import AlertRow, utcnow
from pipeline.common.options import AlertOptions
from pipeline.common.settings import Settings
from pipeline.store.store import Store

log = logging.getLogger(__name__)
MEMORY_DAYS = 7


@dataclass
class Alert:
    """One notice: the issue as in the digest, and whether e-mail delivered it."""

    issue: IssueEntry
    text: str
    delivered: bool


def _previous(store: Store, since: datetime) -> list[AlertRow]:
    with store.session() as s:
        return list(s.scalars(select(AlertRow).where(AlertRow.sent_at >= since).order_by(AlertRow.id)))


def _is_new_or_escalated(issue_key: str, level: str, heat: float, doc_ids: set[int], previous: list[AlertRow],
                         options: AlertOptions) -> bool:
    same = [a for a in previous if a.issue_key == issue_key or doc_ids & set(a.document_ids)]
    if not same:
        return True
    top = max(same, key=lambda a: (level_rank(a.level), a.heat))
    return level_rank(level) > level_rank(top.level) or heat >= top.heat + options.escalation_points


def _send(subject: str, text: str, html: str, images: dict[str, bytes]) -> bool:
    from pipeline.report.notify import NotifyError, send_configured

    try:
        return send_configured(subject, text, html, images) is not None
    except NotifyError as exc:
        log.error("alert not delivered: %s", exc)
        return False


def run_alerts(store: Store, settings: Settings, now: datetime | None = None) -> list[Alert]:
    """Look at the 24 hours before ``now``; send a notice for each issue newly at an alert level."""
    options = settings.options(AlertOptions)
    now = now or utcnow()
    clock = Clock.from_settings(settings)
    report = detect(store, settings, now)
    previous = _previous(store, now - timedelta(days=MEMORY_DAYS))
    sent = []
    for issue in report.issues:
        if issue.level not in options.levels:
            continue
        doc_ids = {m.id for m in issue.mentions}
        if not _is_new_or_escalated(issue.key, issue.level, issue.heat, doc_ids, previous, options):
            log.info("issue %s already alerted at this level: %s", issue.key, issue.title)
            continue
        entry = issue_entry(issue, clock, report.days[-7:])
        png = trend_png(entry.trend)
        text, html = render_alert(entry, f"cid:{issue.key}")
        subject = f"[Khẩn – {LEVELS[issue.level]}] {issue.title}"
        delivered = _send(subject, text, html, {issue.key: png})
        row = AlertRow(issue_key=issue.key, level=issue.level, heat=issue.heat, title=issue.title,
                       document_ids=sorted(doc_ids), window_end=now, delivered=delivered)
        with store.session() as s:
            s.add(row)
        previous.append(row)
        sent.append(Alert(entry, text, delivered))
        log.info("alert %s (%s, heat %.0f): %s", issue.key, issue.level, issue.heat, issue.title)
    return sent
