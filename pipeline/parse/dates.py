"""Publication dates from feeds, meta tags, JSON-LD and visible Vietnamese text.

Everything is returned as an aware UTC ``datetime``; a date written without an
offset is read in the source's time zone (default ``Asia/Ho_Chi_Minh``).

>>> parse_datetime("Thứ hai, 23/11/2026, 07:15 (GMT+7)").isoformat()
'2026-11-23T00:15:00+00:00'
"""
from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import dateparser

log = logging.getLogger(__name__)

DEFAULT_TZ = "Asia/Ho_Chi_Minh"
_MIN_YEAR = 1990

# 23/11/2026, 07:15 (GMT+7) · 23-11-2026 - 07:15 · 07:15 23/11/2026 · 23/11/2026
_DMY = r"(?P<d>\d{1,2})[/\-.](?P<m>\d{1,2})[/\-.](?P<y>\d{4})"
_HM = r"(?P<H>\d{1,2})[:hg](?P<M>\d{2})(?::(?P<S>\d{2}))?"
_GMT = r"(?:\s*\(?\s*(?:GMT|UTC)\s*(?P<off>[+\-]\d{1,2})(?::?(?P<offm>\d{2}))?\s*\)?)?"
_VISIBLE = (
    re.compile(_DMY + r"(?:[,\s\-|]+" + _HM + r")?" + _GMT),
    re.compile(_HM + r"[,\s\-|]+(?:ngày\s+)?" + _DMY + _GMT, re.I),
)
_WORDS = re.compile(r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})", re.I)


def _tz(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TZ)
    except (KeyError, ValueError):
        log.warning("unknown time zone %r, using %s", name, DEFAULT_TZ)
        return ZoneInfo(DEFAULT_TZ)


def _finish(dt: datetime, tz: str | None) -> datetime | None:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=_tz(tz))
    dt = dt.astimezone(timezone.utc)
    if dt.year < _MIN_YEAR:
        return None
    return dt


def _from_match(m: re.Match[str], tz: str | None) -> datetime | None:
    g = m.groupdict()
    try:
        dt = datetime(int(g["y"]), int(g["m"]), int(g["d"]),
                      int(g.get("H") or 0), int(g.get("M") or 0), int(g.get("S") or 0))
    except (TypeError, ValueError):
        return None
    if g.get("off"):
        sign = -1 if g["off"].startswith("-") else 1
        offset = timedelta(hours=abs(int(g["off"])), minutes=int(g.get("offm") or 0))
        try:
            dt = dt.replace(tzinfo=timezone(sign * offset))
        except ValueError:  # "GMT+72": no such offset
            return None
    return _finish(dt, tz)


def parse_visible_date(text: str, tz: str | None = None) -> datetime | None:
    """The first Vietnamese-style date in visible text ("Thứ hai, 23/11/2026, 07:15 (GMT+7)")."""
    found = [m for m in (p.search(text) for p in _VISIBLE) if m]
    for m in sorted(found, key=lambda m: m.start()):
        dt = _from_match(m, tz)
        if dt:
            return dt
    m = _WORDS.search(text)
    return _from_match(m, tz) if m else None


def parse_datetime(value: str | None, tz: str | None = None) -> datetime | None:
    """Parse a date string of any common form into aware UTC, or ``None``."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        return _finish(datetime.fromisoformat(value.replace("Z", "+00:00")), tz)
    except ValueError:
        pass
    try:
        return _finish(parsedate_to_datetime(value), tz)
    except (TypeError, ValueError, IndexError):
        pass
    visible = parse_visible_date(value, tz)
    if visible:
        return visible
    parsed = dateparser.parse(
        value,
        languages=["vi", "en"],
        settings={"TIMEZONE": _tz(tz).key, "RETURN_AS_TIMEZONE_AWARE": True,
                  "PREFER_DATES_FROM": "past"},
    )
    return _finish(parsed, tz) if parsed else None
