"""Periodic reviews ("sơ kết, tổng kết"): the issues of a week, month, quarter or year
and how they were handled — counts by field, level and agency; hours from the first
flag to the first action and to settled; rumours and hours to rebuttal; the good
examples commended."""
from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from pipeline.common.labels import LEVELS, level_rank
from pipeline.common.taxonomy import taxonomy
from pipeline.store.schema import FollowUpNoteRow, FollowUpRow
from pipeline.web.followup import STATUSES, Registry

if TYPE_CHECKING:
    from pipeline.web.app import Workspace

PERIODS = {"week": "Tuần", "month": "Tháng", "quarter": "Quý", "year": "Năm"}


@dataclass
class ReviewRow:
    """One issue of the period and its handling."""

    followup: FollowUpRow
    level: str
    days_flagged: int
    hours_to_action: float | None
    hours_to_settled: float | None
    hours_to_rebuttal: float | None


@dataclass
class Review:
    """A period's review."""

    period: str
    start: date
    end: date
    digests: int
    rows: list[ReviewRow] = field(default_factory=list)
    good_examples: list[dict[str, Any]] = field(default_factory=list)

    def count(self, attribute: str) -> Counter[str]:
        """Issues by ``topic``, ``level``, ``lead_agency`` or ``status``."""
        return Counter(getattr(r, attribute) if attribute == "level" else getattr(r.followup, attribute) or "–"
                       for r in self.rows)

    def median_hours(self, attribute: str) -> float | None:
        """Median of ``hours_to_action``, ``hours_to_settled`` or ``hours_to_rebuttal`` where known."""
        values = [v for r in self.rows if (v := getattr(r, attribute)) is not None]
        return round(median(values), 1) if values else None

    @property
    def rumours(self) -> list[ReviewRow]:
        """Issues about false information."""
        return [r for r in self.rows if r.followup.signal == taxonomy().false_information]


def period_range(period: str, day: date) -> tuple[date, date]:
    """The calendar week (Monday first), month, quarter or year holding ``day``, up to ``day``."""
    if period == "week":
        return day - timedelta(days=day.weekday()), day
    if period == "month":
        return day.replace(day=1), day
    if period == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1), day
    if period == "year":
        return date(day.year, 1, 1), day
    raise ValueError(f"unknown period {period!r}")


def _hours(start: datetime, end: datetime | None) -> float | None:
    return round((end - start).total_seconds() / 3600, 1) if end else None


def build_review(ws: Workspace, registry: Registry, period: str, day: date) -> Review:
    """The review of ``period`` up to ``day`` from the daily digests and the follow-ups."""
    start, end = period_range(period, day)
    digests = ws.digests.between(start, end)
    levels: dict[int, str] = {}
    days: Counter[int] = Counter()
    good: dict[str, dict[str, Any]] = {}
    for doc in digests:
        hot = [i for i in doc.get("issues", []) if i.get("level")]
        followups = registry.followups(doc, hot)
        for issue in hot:
            fid = followups[issue["key"]].id
            days[fid] += 1
            if level_rank(issue["level"]) > level_rank(levels.get(fid)):
                levels[fid] = issue["level"]
        for item in doc.get("good_examples", []):
            good.setdefault(item["url"], item)
    with ws.store.session() as s:
        rows = list(s.scalars(select(FollowUpRow).where(FollowUpRow.id.in_(list(levels)))))
        rebutted = dict(s.execute(select(FollowUpNoteRow.followup_id, FollowUpNoteRow.at)
                                  .where(FollowUpNoteRow.followup_id.in_(list(levels)),
                                         FollowUpNoteRow.status == "da_bac_bo").order_by(FollowUpNoteRow.at.desc())).all())
    review = Review(period, start, end, len(digests), good_examples=list(good.values()))
    for row in rows:
        review.rows.append(ReviewRow(row, levels[row.id], days[row.id], _hours(row.first_flagged_at, row.first_action_at),
                                     _hours(row.first_flagged_at, row.settled_at),
                                     _hours(row.first_flagged_at, rebutted.get(row.id))))
    review.rows.sort(key=lambda r: (-level_rank(r.level), r.followup.first_flagged_at))
    return review


def review_csv(review: Review) -> bytes:
    """The review's issues, one row each (UTF-8 with BOM)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["vấn đề", "lĩnh vực", "loại tin", "mức cao nhất", "số ngày trong bản tin", "cơ quan chủ trì",
                     "người xử lý", "trạng thái", "lần đầu cảnh báo", "giờ đến xử lý đầu tiên",
                     "giờ đến khi xong", "giờ đến khi bác bỏ"])
    for r in review.rows:
        f = r.followup
        writer.writerow([f.title, taxonomy().topic_names.get(f.topic, f.topic), taxonomy().signal_names.get(f.signal, f.signal),
                         LEVELS.get(r.level, r.level), r.days_flagged, f.lead_agency, f.assignee,
                         STATUSES.get(f.status, f.status), f.first_flagged_at.isoformat(),
                         _blank(r.hours_to_action), _blank(r.hours_to_settled), _blank(r.hours_to_rebuttal)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _blank(value: float | None) -> str:
    return "" if value is None else f"{value}"
