"""Each digest issue's follow-up status (from the workspace) and its link there;
by level, overdue issues first within a level."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pipeline.common.labels import FOLLOWUP_STATUSES, SETTLED, level_rank
from pipeline.common.options import WebOptions
from pipeline.common.settings import Settings
from pipeline.store.followups import followup_of
from pipeline.store.records import FollowupEntry, Issue, IssueEntry
from pipeline.store.store import Store


def with_followups(store: Store, settings: Settings, entries: list[IssueEntry], issues: list[Issue],
                   day: date, end: datetime) -> list[IssueEntry]:
    """``entries`` (the issues as the digest shows them) with ``followup`` (None until someone
    follows the issue up; its due time in the deployment's time zone) and ``link`` (``[web] base_url``);
    đỏ, cam, vàng in turn, overdue at the digest moment ``end`` first within a level."""
    base_url = settings.options(WebOptions).base_url.rstrip("/")
    tz = ZoneInfo(settings.timezone)
    out = []
    with store.session() as s:
        for entry, issue in zip(entries, issues, strict=True):
            found = followup_of(s, issue.key, [m.id for m in issue.mentions])
            followup = None
            if found is not None:
                overdue = found.status not in SETTLED and found.due_at is not None and found.due_at < end
                followup = FollowupEntry(status=found.status, status_name=FOLLOWUP_STATUSES[found.status],
                                         assignee=found.assignee,
                                         due_at=found.due_at.astimezone(tz).isoformat() if found.due_at else None,
                                         overdue=overdue)
            link = f"{base_url}/issue/{issue.key}?date={day.isoformat()}" if base_url else None
            out.append(dataclasses.replace(entry, followup=followup, link=link))
    return sorted(out, key=lambda e: (-level_rank(e.level), not (e.followup and e.followup.overdue)))
