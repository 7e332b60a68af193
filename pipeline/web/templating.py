"""Jinja2 templates of the workspace and their filters (Vietnamese dates and numbers)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi.templating import Jinja2Templates

from pipeline.common.labels import vi_number
from pipeline.common.textutil import shorten


def local_time(value: datetime | str | None, tz: ZoneInfo, with_time: bool = True) -> str:
    """"07:30 23/11/2026" in the deployment's time zone ("" for none)."""
    if value is None or value == "":
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = moment.astimezone(tz)
    return local.strftime("%H:%M %d/%m/%Y") if with_time else local.strftime("%d/%m/%Y")


def vi_day(value: str) -> str:
    """"2026-11-23" → "23/11/2026"."""
    year, month, day = value.split("-")
    return f"{day}/{month}/{year}"


def hours(value: float | None) -> str:
    """A duration in hours, Vietnamese style ("–" when unknown)."""
    return "–" if value is None else f"{vi_number(value, 1)} giờ"


def make_templates(folder: Path) -> Jinja2Templates:
    """The templates with the workspace's filters."""
    templates = Jinja2Templates(directory=str(folder))
    templates.env.filters.update(local_time=local_time, vi_day=vi_day, vi_number=vi_number, hours=hours,
                                 shorten=shorten)
    templates.env.trim_blocks = templates.env.lstrip_blocks = True
    return templates
