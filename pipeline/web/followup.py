"""Follow-up of issues: status, lead agency, assignee, due time and notes with links.

One follow-up follows an issue across days and stories: the story ids it was
listed under and its documents point at it, so when a story grows (or a new
story id takes over its documents) the status is found again, the way urgent
alerts recognise an issue they already announced.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from pipeline.common.labels import FOLLOWUP_STATUSES, SETTLED, level_rank
from pipeline.detect.mentions import Clock
from pipeline.detect.routing import load_routing
from pipeline.store.followups import followup_of
from pipeline.store.schema import FollowUpDocumentRow, FollowUpKeyRow, FollowUpNoteRow, FollowUpRow, utcnow
from pipeline.store.store import Store
from pipeline.web.audit import record
from pipeline.web.digests import document_ids

log = logging.getLogger(__name__)
STATUSES = FOLLOWUP_STATUSES
MAX_LINKS = 10


class FollowUpError(ValueError):
    """A follow-up change that cannot be made (unknown status, bad link …)."""


@dataclass(frozen=True)
class DueOptions:
    """``[web.due_days]``: days after the day an issue is flagged by when it must be handled
    (0: the same day)."""

    do: int = 0
    cam: int = 2
    vang: int = 7

    def due(self, level: str | None, flagged: datetime, clock: Clock) -> datetime:
        """End of the local day ``days[level]`` after the flag (vàng's when no level)."""
        days = getattr(self, level) if level in ("do", "cam", "vang") else self.vang
        local_day = flagged.astimezone(clock.tz).date() + timedelta(days=days)
        return datetime.combine(local_day + timedelta(days=1), time(0), clock.tz) - timedelta(seconds=1)


@dataclass(frozen=True)
class FollowUp:
    """A follow-up as pages show it."""

    id: int
    status: str
    lead_agency: str
    assignee: str
    due_at: datetime | None
    settled_at: datetime | None

    @property
    def overdue(self) -> bool:
        """Not settled and past its due time."""
        return self.status not in SETTLED and self.due_at is not None and self.due_at < utcnow()

    @classmethod
    def of(cls, row: FollowUpRow) -> FollowUp:
        """From its row."""
        return cls(row.id, row.status, row.lead_agency, row.assignee, row.due_at, row.settled_at)


def _first_flagged(issue: dict[str, Any], digest_day: date, clock: Clock) -> datetime:
    trend = issue.get("trend", {})
    for day, level in zip(trend.get("days", []), trend.get("levels", [])):
        if level:
            return clock.end_of(date.fromisoformat(day))
    return clock.end_of(digest_day)


def _link(s: Session, dialect: str, followup_id: int, key: str, doc_ids: list[int]) -> None:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    s.execute(insert(FollowUpKeyRow).values(issue_key=key, followup_id=followup_id).on_conflict_do_nothing())
    if doc_ids:
        s.execute(insert(FollowUpDocumentRow).values([{"document_id": d, "followup_id": followup_id}
                                                      for d in doc_ids]).on_conflict_do_nothing())


def register_issues(store: Store, issues: list[dict[str, Any]], digest_day: date, clock: Clock,
                    due: DueOptions) -> dict[str, FollowUp]:
    """The follow-up of each issue of a digest, created (status ``moi``) when it is new;
    the issue's story id and documents are linked to it and its level kept at the highest."""
    ids = document_ids(store, [d["url"] for i in issues for d in i.get("documents", [])])
    agency_codes = {name: code for code, name in load_routing().agencies.items()}
    found: dict[str, FollowUp] = {}
    with store.session() as s:
        for issue in issues:
            doc_ids = [ids[d["url"]] for d in issue.get("documents", []) if d["url"] in ids]
            row = followup_of(s, issue["key"], doc_ids)
            level = issue.get("level")
            if row is None:
                flagged = _first_flagged(issue, digest_day, clock)
                row = FollowUpRow(title=issue["title"], topic=issue["topic"], signal=issue["signal"], level=level,
                                  status="moi", lead_agency=agency_codes.get(issue.get("lead_agency", ""), ""), assignee="",
                                  first_flagged_at=flagged, due_at=due.due(level, flagged, clock),
                                  updated_at=utcnow())
                s.add(row)
                s.flush()
            elif level_rank(level) > level_rank(row.level):
                row.level = level
                sooner = due.due(level, clock.end_of(digest_day), clock)
                row.due_at = min(row.due_at, sooner) if row.due_at else sooner
            _link(s, store.dialect, row.id, issue["key"], doc_ids)
            found[issue["key"]] = FollowUp.of(row)
    return found


def by_keys(store: Store, keys: list[str]) -> dict[str, FollowUp]:
    """The follow-ups these issue keys are linked to (read only, one query)."""
    if not keys:
        return {}
    with store.session() as s:
        return {key: FollowUp.of(row) for key, row in s.execute(
            select(FollowUpKeyRow.issue_key, FollowUpRow).join(FollowUpRow, FollowUpRow.id == FollowUpKeyRow.followup_id)
            .where(FollowUpKeyRow.issue_key.in_(keys)))}


class Registry:
    """Registers each digest's issues once per digest file (and process); later reads
    of the same digest only look the follow-ups up."""

    def __init__(self, store: Store, clock: Clock, due: DueOptions) -> None:
        self.store, self.clock, self.due = store, clock, due
        self._done: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def followups(self, digest: dict[str, Any], issues: list[dict[str, Any]]) -> dict[str, FollowUp]:
        """The follow-up of each of these issues of ``digest`` (created when new)."""
        marks = {(digest["date"], i["key"]) for i in issues}
        with self._lock:
            new = not marks <= self._done
        if not new:
            found = by_keys(self.store, [i["key"] for i in issues])
            if len(found) == len(issues):
                return found
        found = register_issues(self.store, issues, date.fromisoformat(digest["date"]), self.clock, self.due)
        with self._lock:
            self._done |= marks
        return found


def notes(store: Store, followup_id: int) -> list[FollowUpNoteRow]:
    """A follow-up's notes, oldest first."""
    with store.session() as s:
        return list(s.scalars(select(FollowUpNoteRow).where(FollowUpNoteRow.followup_id == followup_id)
                              .order_by(FollowUpNoteRow.at, FollowUpNoteRow.id)))


def parse_links(text: str) -> list[str]:
    """Attachments as links, one per line; only http(s) URLs are accepted."""
    links = [line.strip() for line in text.splitlines() if line.strip()]
    for link in links:
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FollowUpError(f"liên kết không hợp lệ: {link[:100]}")
    if len(links) > MAX_LINKS:
        raise FollowUpError(f"tối đa {MAX_LINKS} liên kết")
    return links


def update(store: Store, key: str, username: str, *, status: str, note: str, links: list[str],
           assignee: str | None = None, lead_agency: str | None = None) -> FollowUp:
    """Change an issue's follow-up and add the note; audited in the same transaction."""
    if status not in STATUSES:
        raise FollowUpError(f"trạng thái không hợp lệ: {status[:40]}")
    if lead_agency not in (None, "", "btg", "syt"):
        raise FollowUpError(f"cơ quan chủ trì không hợp lệ: {lead_agency[:40]}")
    now = utcnow()
    with store.session() as s:
        row = followup_of(s, key, [])
        if row is None:
            raise LookupError(key)
        before = {"status": row.status, "assignee": row.assignee, "lead_agency": row.lead_agency}
        row.status = status
        if assignee is not None:
            row.assignee = assignee.strip()[:200]
        if lead_agency:
            row.lead_agency = lead_agency
        if row.first_action_at is None:
            row.first_action_at = now
        if status in SETTLED and row.settled_at is None:
            row.settled_at = now
        elif status not in SETTLED:
            row.settled_at = None
        row.updated_at, row.updated_by = now, username
        changed = status if status != before["status"] else None
        s.add(FollowUpNoteRow(followup_id=row.id, at=now, username=username, status=changed,
                              text=note.strip()[:5000], links=links))
        after = {"status": row.status, "assignee": row.assignee, "lead_agency": row.lead_agency}
        record(s, username, "followup", f"issue:{key}",
               {"before": before, "after": after, "note": note.strip()[:200], "links": links})
        return FollowUp.of(row)


def statuses_since(store: Store, start: datetime) -> dict[int, list[tuple[datetime, str]]]:
    """Status changes (time, status) of each follow-up from ``start`` on, oldest first."""
    out: dict[int, list[tuple[datetime, str]]] = {}
    with store.session() as s:
        for fid, at, status in s.execute(select(FollowUpNoteRow.followup_id, FollowUpNoteRow.at,
                                                FollowUpNoteRow.status)
                                         .where(FollowUpNoteRow.status.is_not(None), FollowUpNoteRow.at >= start)
                                         .order_by(FollowUpNoteRow.at)):
            out.setdefault(fid, []).append((at, status))
    return out
