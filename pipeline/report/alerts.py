"""Urgent alerts between digests: an issue that reaches đỏ in the last 24 hours
is announced once; it is announced again only when it escalates (a higher level,
or heat ``escalation_points`` above the last notice).

Every notice is recorded in the ``alerts`` table. One that was not sent (SMTP
down, e-mail not configured, a notice that could not be built) keeps the reason
and is tried again on the next run, rebuilt from the store as it was at its
window's end, until it is sent or older than ``[alerts] retry_hours``. An error
with one issue is recorded against its alert and the other issues go on.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from pipeline.common.labels import LEVELS, level_rank
from pipeline.common.logs import one_line
from pipeline.common.options import AlertOptions
from pipeline.common.settings import Settings
from pipeline.common.textutil import shorten
from pipeline.detect.hotissues import detect
from pipeline.detect.mentions import Clock
from pipeline.report.charts import trend_png
from pipeline.report.digest import issue_entry
from pipeline.report.render import render_alert
from pipeline.store.records import Issue
from pipeline.store.schema import AlertRow, utcnow
from pipeline.store.store import Store

log = logging.getLogger(__name__)
MEMORY_DAYS = 7
SUBJECT_CHARS = 150
SENT, NOT_SENT, NO_EMAIL = "sent", "not sent", "e-mail not configured"


@dataclass
class Alert:
    """One notice and what became of it: ``status`` is :data:`SENT`, :data:`NOT_SENT`
    (``error`` says why) or :data:`NO_EMAIL`."""

    key: str
    level: str
    title: str
    text: str
    status: str
    error: str | None = None
    retry: bool = False


def subject_of(issue: Issue) -> str:
    """The e-mail subject: the level and the title on one line (a title with a line
    break would be refused by the mail library)."""
    return f"[Khẩn – {LEVELS[issue.level]}] {shorten(issue.title, SUBJECT_CHARS)}"


def _deliver(issue: Issue, clock: Clock, days: list[date]) -> tuple[str, str, str | None]:
    """Build and send the notice of one issue: (text, status, error); never raises."""
    from pipeline.report.notify import NotifyError, send_configured

    text = ""
    try:
        entry = issue_entry(issue, clock, days)
        text, html = render_alert(entry, f"cid:{issue.key}")
        recipients = send_configured(subject_of(issue), text, html, {issue.key: trend_png(entry.trend)})
    except NotifyError as exc:
        return text, NOT_SENT, one_line(str(exc))
    except Exception as exc:  # noqa: BLE001 — one bad issue must not stop the others' alerts
        log.exception("alert for issue %s could not be built or sent", issue.key)
        return text, NOT_SENT, f"{type(exc).__name__}: {one_line(str(exc))}"
    if recipients is None:
        return text, NO_EMAIL, "e-mail not configured (DULUAN_SMTP_HOST unset)"
    return text, SENT, None


def _same_issue(row: AlertRow, key: str, doc_ids: set[int]) -> bool:
    return row.issue_key == key or bool(doc_ids & set(row.document_ids))


def _is_new_or_escalated(issue: Issue, doc_ids: set[int], previous: Iterable[AlertRow],
                         options: AlertOptions) -> bool:
    same = [a for a in previous if _same_issue(a, issue.key, doc_ids)]
    if not same:
        return True
    top = max(same, key=lambda a: (level_rank(a.level), a.heat))
    return level_rank(issue.level) > level_rank(top.level) or issue.heat >= top.heat + options.escalation_points


def _log(alert: Alert, heat: float) -> None:
    what = "alert resent" if alert.retry else "alert"
    if alert.status == SENT:
        log.info("%s %s (%s, heat %.0f) sent: %s", what, alert.key, alert.level, heat, alert.title)
    else:
        log.warning("%s %s (%s, heat %.0f) %s: %s — %s", what, alert.key, alert.level, heat, alert.status,
                    alert.title, alert.error)


def retry_pending(store: Store, settings: Settings, options: AlertOptions, now: datetime) -> list[Alert]:
    """Send again the notices not sent within ``retry_hours`` before ``now``, each rebuilt
    from the store at its window's end; a notice superseded by a later one of the same
    issue (it escalated) is left."""
    clock = Clock.from_settings(settings)
    oldest = now - timedelta(hours=options.retry_hours)
    with store.session() as s:
        recent = list(s.scalars(select(AlertRow).where(AlertRow.window_end >= oldest, AlertRow.window_end <= now)
                                .order_by(AlertRow.id)))
    pending = [row for row in recent if not row.delivered
               and not any(later.id > row.id and _same_issue(later, row.issue_key, set(row.document_ids))
                           for later in recent)]
    done: list[Alert] = []
    reports: dict[datetime, Any] = {}
    for row in pending:
        if row.window_end not in reports:
            reports[row.window_end] = detect(store, settings, row.window_end)
        report = reports[row.window_end]
        issue = next((i for i in report.issues if i.key == row.issue_key), None)
        if issue is None:
            log.warning("alert %s of %s not sent and its issue is no longer found; not retried",
                        row.issue_key, row.window_end)
            continue
        text, status, error = _deliver(issue, clock, report.days[-7:])
        alert = Alert(row.issue_key, row.level, row.title, text, status, error, retry=True)
        with store.session() as s:
            stored = s.get(AlertRow, row.id)
            stored.delivered, stored.error = status == SENT, error
            if status == SENT:
                stored.sent_at = now
        _log(alert, row.heat)
        done.append(alert)
    return done


def run_alerts(store: Store, settings: Settings, now: datetime | None = None) -> list[Alert]:
    """Retry the notices not sent yet, then look at the 24 hours before ``now`` and send a
    notice for each issue newly at an alert level; returns every notice tried."""
    options = settings.options(AlertOptions)
    now = now or utcnow()
    clock = Clock.from_settings(settings)
    tried = retry_pending(store, settings, options, now)
    report = detect(store, settings, now)
    given_up = now - timedelta(hours=options.retry_hours)
    with store.session() as s:
        previous = [row for row in s.scalars(select(AlertRow).where(AlertRow.sent_at >= now - timedelta(days=MEMORY_DAYS))
                                             .order_by(AlertRow.id))
                    if row.delivered or row.window_end >= given_up]  # a notice never sent does not count
    for issue in report.issues:
        if issue.level not in options.levels:
            continue
        doc_ids = {m.id for m in issue.mentions}
        if not _is_new_or_escalated(issue, doc_ids, previous, options):
            log.debug("issue %s already alerted at this level: %s", issue.key, issue.title)
            continue
        text, status, error = _deliver(issue, clock, report.days[-7:])
        row = AlertRow(issue_key=issue.key, level=issue.level, heat=issue.heat, title=issue.title,
                       document_ids=sorted(doc_ids), window_end=now, sent_at=now, delivered=status == SENT,
                       error=error)
        with store.session() as s:
            s.add(row)
        previous.append(row)
        alert = Alert(issue.key, issue.level, issue.title, text, status, error)
        _log(alert, issue.heat)
        tried.append(alert)
    return tried


def summary(alerts: list[Alert]) -> str:
    """One line: how many notices were sent and how many were not (and will be retried)."""
    if not alerts:
        return "no new alert"
    sent = sum(a.status == SENT for a in alerts)
    parts = [f"{sent} alert(s) sent"]
    failed = sum(a.status == NOT_SENT for a in alerts)
    unconfigured = sum(a.status == NO_EMAIL for a in alerts)
    if failed:
        parts.append(f"{failed} NOT SENT (tried again on the next run)")
    if unconfigured:
        parts.append(f"{unconfigured} not sent: e-mail not configured (DULUAN_SMTP_HOST)")
    return ", ".join(parts)
