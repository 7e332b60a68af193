"""A store filled by one backfill and a store filled day by day give the same digests."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from crawlers.demo_news import demo_sources_file, render_site
from crawlers.loopback import LoopbackSite
from tests.conftest import duluan_env, run_duluan

DAYS = [date(2026, 11, 16) + timedelta(days=n) for n in range(3)]
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _run(args: list[str], env: dict[str, str]) -> None:
    result = run_duluan(args, env, timeout=600)
    assert result.returncode == 0, (args, result.stderr[-3000:])


def _store(tmp: Path, name: str) -> dict[str, str]:
    folder = tmp / name
    folder.mkdir()
    return duluan_env(f"sqlite:///{folder / 'duluan.db'}", folder)


def test_backfill_equals_day_by_day(tmp_path: Path) -> None:
    site_dir = tmp_path / "site"
    render_site(site_dir)
    with LoopbackSite(site_dir) as site:
        sources = str(demo_sources_file(site.base_url, tmp_path / "config"))
        backfill = _store(tmp_path, "backfill")
        _run(["crawl", "--sources", sources], backfill)
        _run(["process"], backfill)
        for day in DAYS:
            _run(["digest", "--date", day.isoformat()], backfill)

        daily = _store(tmp_path, "daily")
        for day in DAYS:  # the sites as they were at each digest hour
            render_site(site_dir, as_of=datetime.combine(day, time(7), TZ))
            _run(["crawl", "--sources", sources], daily)
            _run(["process"], daily)
            _run(["digest", "--date", day.isoformat()], daily)

    for day in DAYS:
        a = (Path(backfill["DULUAN_DATA_DIR"]) / "digests" / day.isoformat() / "digest.json").read_text("utf-8")
        b = (Path(daily["DULUAN_DATA_DIR"]) / "digests" / day.isoformat() / "digest.json").read_text("utf-8")
        assert a == b, day
    assert '"level": "do"' in a or '"level": "cam"' in a  # the comparison is about a real, busy day
