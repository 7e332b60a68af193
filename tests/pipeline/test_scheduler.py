"""The scheduler in real time on SQLite and PostgreSQL: stored jobs, restarts,
coalescing, no overlap, SIGTERM; and the jobs it runs."""
from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time
import types
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import create_engine, func, inspect, select, text

from crawlers.example import EXAMPLE_SITE, example_sources_file
from crawlers.loopback import LoopbackSite
from pipeline import jobs
from pipeline.understand.process import ProcessSummary
from pipeline.scheduler import CYCLE, DIGEST, JOBS, build_scheduler
from pipeline.store.schema import DocumentRow
from pipeline.common.settings import Settings
from pipeline.store.store import Store
from tests.conftest import REPO

TZ = "Asia/Ho_Chi_Minh"
MARKS_ENV = "DULUAN_TEST_MARKS"
TEST_JOBS = {CYCLE: f"{__name__}:mark_cycle", DIGEST: f"{__name__}:mark_digest"}


# --- job functions the scheduler runs by reference in these tests ------------
def _mark(line: str) -> None:
    with open(os.environ[MARKS_ENV], "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def mark_cycle() -> None:
    _mark("cycle")


def mark_digest() -> None:
    _mark(f"digest {time.time():.3f} {time.time():.3f}")


def slow_cycle() -> None:
    started = time.time()
    time.sleep(2.5)
    _mark(f"cycle {started:.3f} {time.time():.3f}")


def slow_cycle_in_steps() -> None:
    _mark("cycle started")
    time.sleep(2)
    _mark("cycle ended")


# --- helpers -----------------------------------------------------------------
@pytest.fixture
def marks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file test jobs append their lines to."""
    path = tmp_path / "marks.txt"
    path.touch()
    monkeypatch.setenv(MARKS_ENV, str(path))
    return path


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def schedule_settings(**schedule: Any) -> Settings:
    """Settings with ``[schedule]``; ``digest_hour``/``_minute``/``_second`` go to ``[digest]``."""
    digest = {k.removeprefix("digest_"): schedule.pop(k) for k in ("digest_hour", "digest_minute", "digest_second")
              if k in schedule}
    return Settings(raw={"deployment": {"province": "Quảng Ngãi", "timezone": TZ}, "schedule": schedule,
                         "digest": digest})


def digest_at(seconds: float) -> tuple[float, dict[str, int]]:
    """A whole second at least ``seconds`` from now: its epoch time and [schedule] digest keys."""
    at = math.ceil(time.time() + seconds)
    local = datetime.fromtimestamp(at, ZoneInfo(TZ))
    return at, {"digest_hour": local.hour, "digest_minute": local.minute, "digest_second": local.second}


def run_for(settings: Settings, db_url: str, seconds: float, until: Callable[[], bool] | None = None,
            jobs_: dict[str, str] = TEST_JOBS) -> None:
    """Start a scheduler, let it run ``seconds`` (or until ``until()``), shut it down cleanly."""
    scheduler = build_scheduler(settings, db_url, blocking=False, jobs=jobs_)
    scheduler.start()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not (until and until()):
        time.sleep(0.05)
    scheduler.shutdown(wait=True)


def sleep_until(epoch: float) -> None:
    time.sleep(max(0.0, epoch - time.time()))


# --- the scheduler -------------------------------------------------------------
def test_jobs_are_stored_beside_the_store_once(db_url: str) -> None:
    store = Store(db_url)
    settings = schedule_settings(cycle_minutes=15, digest_hour=6, digest_minute=30)
    assert isinstance(build_scheduler(settings, db_url), BlockingScheduler)
    for _ in range(2):
        run_for(settings, db_url, 0, jobs_=dict(JOBS))

    tables = set(inspect(store.engine).get_table_names())
    assert {"documents", "apscheduler_jobs"} <= tables
    engine = create_engine(db_url)
    with engine.connect() as conn:
        assert sorted(conn.scalars(text("select id from apscheduler_jobs"))) == [CYCLE, DIGEST]
    engine.dispose()

    reader = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=db_url)}, timezone=TZ)
    reader.start(paused=True)
    stored = {job.id: job for job in reader.get_jobs()}
    reader.shutdown()
    cycle, digest = stored[CYCLE], stored[DIGEST]
    assert cycle.func_ref == "pipeline.jobs:run_cycle" and digest.func_ref == "pipeline.jobs:run_digest"
    assert isinstance(cycle.trigger, IntervalTrigger) and cycle.trigger.interval == timedelta(minutes=15)
    assert isinstance(digest.trigger, CronTrigger)
    assert str(digest.trigger) == "cron[hour='6', minute='30', second='0']"
    assert str(digest.trigger.timezone) == TZ
    assert (digest.next_run_time.hour, digest.next_run_time.minute) == (6, 30)
    for job, grace in ((cycle, 600), (digest, 3600)):
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, grace)


def test_restart_across_the_digest_time_runs_it_exactly_once(db_url: str, marks: Path) -> None:
    at, when = digest_at(3)
    settings = schedule_settings(**when)
    run_for(settings, db_url, 0)  # down before the digest time …
    sleep_until(at + 1.5)  # … and still down when it passes
    run_for(settings, db_url, 5, until=lambda: bool(lines(marks)))
    assert [line.split()[0] for line in lines(marks)] == ["digest"]
    run_for(settings, db_url, 1.5)
    assert len(lines(marks)) == 1


def test_a_digest_missed_beyond_its_grace_time_is_skipped(db_url: str, marks: Path,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    at, when = digest_at(1)
    settings = schedule_settings(digest_misfire_grace_seconds=1, **when)
    run_for(settings, db_url, 0)
    sleep_until(at + 2.5)
    run_for(settings, db_url, 1)
    assert lines(marks) == []
    assert "duluan-digest missed its run" in caplog.text


def test_missed_cycles_coalesce_into_one_run(db_url: str, marks: Path) -> None:
    settings = schedule_settings(cycle_minutes=0.05)  # every 3 s
    run_for(settings, db_url, 0)
    time.sleep(7.5)  # the runs due at +3 s and +6 s are missed
    run_for(settings, db_url, 1, until=lambda: bool(lines(marks)))
    assert lines(marks) == ["cycle"]


def test_cycle_and_digest_never_overlap(db_url: str, marks: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="pipeline.scheduler")
    _, when = digest_at(2)  # due while the first cycle (from +1.2 s, 2.5 s long) runs
    settings = schedule_settings(cycle_minutes=0.02, **when)
    run_for(settings, db_url, 10, until=lambda: any(line.startswith("digest") for line in lines(marks)),
            jobs_={CYCLE: f"{__name__}:slow_cycle", DIGEST: f"{__name__}:mark_digest"})

    runs = sorted((float(start), float(end), name) for name, start, end in map(str.split, lines(marks)))
    assert [name for *_, name in runs][:2] == ["cycle", "digest"]
    for (_, end, _), (start, _, _) in zip(runs, runs[1:]):
        assert start >= end, f"runs overlap: {runs}"
    messages = [r.getMessage() for r in caplog.records if r.name == "pipeline.scheduler"]
    assert any(m.startswith("duluan-cycle ok in 2.") for m in messages), messages
    assert any(m.startswith("duluan-digest ok in 0.") for m in messages), messages


def test_sigterm_lets_the_running_job_finish_and_exits_0(db_url: str, marks: Path, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    past_hour = (datetime.now(ZoneInfo(TZ)) - timedelta(hours=1)).hour
    (config / "settings.toml").write_text(
        f'[deployment]\nprovince = "Quảng Ngãi"\ntimezone = "{TZ}"\n\n'
        f"[schedule]\ncycle_minutes = 0.02\n\n[digest]\nhour = {past_hour}\n", encoding="utf-8")
    script = ("import logging, sys\n"
              "from pipeline.scheduler import run_scheduler\n"
              "from pipeline.common.settings import get_settings\n"
              "logging.basicConfig(level=logging.INFO, stream=sys.stderr)\n"
              "settings = get_settings()\n"
              f"run_scheduler(settings, settings.db_url, jobs={{'{CYCLE}': '{__name__}:slow_cycle_in_steps', "
              f"'{DIGEST}': '{__name__}:mark_digest'}})\n")
    env = dict(os.environ, DULUAN_CONFIG_DIR=str(config), DULUAN_DB_URL=db_url)
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, cwd=REPO, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 15
    while "cycle started" not in lines(marks) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert lines(marks) == ["cycle started"], "the cycle should be running"
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=10)
    assert proc.returncode == 0, stderr
    assert lines(marks) == ["cycle started", "cycle ended"]
    assert "SIGTERM received" in stderr
    assert stderr.rstrip().endswith("scheduler stopped"), stderr
    assert "Traceback" not in stderr and "Error submitting" not in stderr, stderr


# --- the jobs ----------------------------------------------------------------------
@pytest.fixture
def fake_module(monkeypatch: pytest.MonkeyPatch) -> Callable[..., types.ModuleType]:
    """Put a stand-in for a module the jobs import lazily (``pipeline.report.alerts``, ``pipeline.report.publish``)."""
    def make(name: str, **functions: Callable[..., Any]) -> types.ModuleType:
        module = types.ModuleType(name)
        for attr, fn in functions.items():
            setattr(module, attr, fn)
        monkeypatch.setitem(sys.modules, name, module)
        return module
    return make


def test_cycle_goes_on_after_a_failed_crawl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            caplog: pytest.LogCaptureFixture,
                                            fake_module: Callable[..., types.ModuleType]) -> None:
    caplog.set_level("INFO", logger="pipeline.jobs")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("DULUAN_DB_URL", url)
    monkeypatch.setattr(jobs, "CRAWL_COMMAND", [sys.executable, "-c", "raise SystemExit(2)"])
    calls: list[tuple[str, str]] = []

    def process(store: Store, province: str) -> ProcessSummary:
        calls.append(("process", store.url))
        return ProcessSummary(processed=3, relevant=2)

    def alerts(store: Store, settings: Settings) -> list[str]:
        calls.append(("alerts", store.url))
        return ["alert"]

    monkeypatch.setattr(jobs, "process_pending", process)
    fake_module("pipeline.report.alerts", run_alerts=alerts, summary=lambda sent: f"{len(sent)} alert(s) sent")
    jobs.run_cycle()
    assert calls == [("process", url), ("alerts", url)]
    assert "crawl failed (`duluan crawl --due` exited with 2)" in caplog.text
    assert "1 alert(s) sent" in caplog.text


def test_crawl_runs_in_a_child_process_every_cycle(db_url: str, tmp_path: Path, test_config: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"DULUAN_CONFIG_DIR": str(test_config), "DULUAN_DB_URL": db_url,
                        "DULUAN_DATA_DIR": str(tmp_path / "data"), "DULUAN_AUTHOR_SALT": "test-salt"}.items():
        monkeypatch.setenv(name, value)
    with LoopbackSite(EXAMPLE_SITE) as site:
        example_sources_file(site.base_url, test_config)
        jobs.crawl_due(schedule_settings())
        jobs.crawl_due(schedule_settings())  # a second crawl in this process: nothing due, no error
    with Store(db_url).session() as s:
        assert s.scalar(select(func.count()).select_from(DocumentRow)) > 0


def test_digest_is_for_today_in_vietnam(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        fake_module: Callable[..., types.ModuleType]) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("DULUAN_DB_URL", url)
    published: list[tuple[str, Any]] = []
    fake_module("pipeline.report.publish", publish_digest=lambda store, settings, day: published.append((store.url, day)))
    jobs.run_digest()
    assert published == [(url, datetime.now(ZoneInfo(TZ)).date())]
