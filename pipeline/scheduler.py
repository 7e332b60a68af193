"""``duluan schedule``: the cycle and the morning digest on APScheduler 3.

Two jobs, with explicit ids, in time zone ``[deployment] timezone``
(Asia/Ho_Chi_Minh), settings in ``[schedule]``:

- ``duluan-cycle`` every ``cycle_minutes``: crawl the due sources, process, alert;
- ``duluan-digest`` each day at ``[digest] hour:minute`` (07:00): the digest.

The jobs live in the store's own database (table ``apscheduler_jobs``), so a
restart remembers when each is next due: a digest whose time passed while the
scheduler was down runs once when it comes back within the grace time, and
never twice. Missed runs are coalesced into one.

No overlapping runs: one worker thread runs every job, so the cycle and the
digest never run at the same time — a job that comes due while the other runs
waits for it (and runs if it is still within its grace time), and a cycle that
comes due while the previous cycle is still going is skipped (``max_instances=1``).
"""
from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Mapping
from datetime import datetime
from types import FrameType

from apscheduler.events import (EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED,
                                EVENT_JOB_SUBMITTED, EVENT_SCHEDULER_STARTED, JobEvent, SchedulerEvent)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from pipeline.common.options import DigestOptions, ScheduleOptions
from pipeline.common.settings import Settings
from pipeline.store.store import make_engine

log = logging.getLogger(__name__)
CYCLE = "duluan-cycle"
DIGEST = "duluan-digest"
JOBS: Mapping[str, str] = {CYCLE: "pipeline.jobs:run_cycle", DIGEST: "pipeline.jobs:run_digest"}
JOBSTORE_TABLE = "apscheduler_jobs"
RUN_EVENTS = EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES


def build_scheduler(settings: Settings, db_url: str, blocking: bool = True,
                    jobs: Mapping[str, str] = JOBS) -> BaseScheduler:
    """A scheduler (blocking, or running in a background thread) whose jobs are
    stored in the database at ``db_url``; they are added when it starts.

    ``jobs`` maps each job id to the function it runs, by reference.
    """
    scheduler_class = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = scheduler_class(
        jobstores={"default": SQLAlchemyJobStore(engine=make_engine(db_url), tablename=JOBSTORE_TABLE)},
        executors={"default": Worker(1)},
        timezone=settings.timezone)
    scheduler.add_listener(RunLog(), RUN_EVENTS)

    def install(_event: SchedulerEvent) -> None:
        install_jobs(scheduler, settings, jobs)

    scheduler.add_listener(install, EVENT_SCHEDULER_STARTED)
    return scheduler


def job_plans(settings: Settings) -> dict[str, tuple[BaseTrigger, int]]:
    """Each job's trigger and misfire grace time in seconds, from ``[schedule]``; the
    digest runs at ``[digest] hour:minute``, the moment its 24-hour window ends."""
    cfg, clock = settings.options(ScheduleOptions), settings.options(DigestOptions)
    tz = settings.timezone
    cycle = IntervalTrigger(minutes=cfg.cycle_minutes, timezone=tz)
    digest = CronTrigger(hour=clock.hour, minute=clock.minute, second=clock.second, timezone=tz)
    return {CYCLE: (cycle, cfg.cycle_misfire_grace_seconds), DIGEST: (digest, cfg.digest_misfire_grace_seconds)}


def install_jobs(scheduler: BaseScheduler, settings: Settings, jobs: Mapping[str, str]) -> None:
    """Add or replace the jobs in the started scheduler's store.

    A job whose trigger is unchanged keeps its stored next run time, so a run
    missed while the scheduler was down still happens once after a restart.
    """
    for job_id, (trigger, grace) in job_plans(settings).items():
        kept = stored_next_run(scheduler, job_id, trigger)
        scheduler.add_job(jobs[job_id], trigger=trigger, id=job_id, name=job_id, replace_existing=True,
                          coalesce=True, max_instances=1, misfire_grace_time=grace,
                          **({"next_run_time": kept} if kept else {}))


def stored_next_run(scheduler: BaseScheduler, job_id: str, trigger: BaseTrigger) -> datetime | None:
    """The stored job's next run time, if it is stored with the same trigger."""
    try:
        stored = scheduler.get_job(job_id)
    except LookupError as exc:
        log.warning("stored job %s cannot be loaded (%s); scheduling it afresh", job_id, exc)
        return None
    if stored is None or trigger_key(stored.trigger) != trigger_key(trigger):
        return None
    return stored.next_run_time


def trigger_key(trigger: BaseTrigger) -> tuple[str, str]:
    """What makes two triggers fire at the same times, e.g. ``("cron[hour='7', …]", "Asia/Ho_Chi_Minh")``."""
    return str(trigger), str(getattr(trigger, "timezone", ""))


class Worker(ThreadPoolExecutor):
    """The one worker thread. Once it is shut down (the scheduler is stopping and
    waited for the running job), a run the scheduler thread still hands it is not
    started: APScheduler 3 processes due jobs once more after ``shutdown`` and would
    otherwise log a traceback for a closed pool."""

    def start(self, scheduler: BaseScheduler, alias: str) -> None:
        self.stopping = False
        super().start(scheduler, alias)

    def shutdown(self, wait: bool = True) -> None:
        self.stopping = True
        super().shutdown(wait)

    def submit_job(self, job: Job, run_times: list[datetime]) -> None:
        if self.stopping:
            log.info("%s not started: the scheduler is stopping", job.id)
            return
        super().submit_job(job, run_times)


class RunLog:
    """One log line per job run: id, outcome, duration; failures with their reason.

    With one worker thread, a run starts when it is handed to the worker or
    when the run before it ends, whichever is later.
    """

    def __init__(self) -> None:
        self.handed_over: dict[str, float] = {}
        self.last_end = 0.0


    def __call__(self, event: JobEvent) -> None:
        now = time.monotonic()
        if event.code == EVENT_JOB_SUBMITTED:
            self.handed_over[event.job_id] = now
        elif event.code == EVENT_JOB_MAX_INSTANCES:
            log.warning("%s skipped: its previous run is still going", event.job_id)
        elif event.code == EVENT_JOB_MISSED:
            self.handed_over.pop(event.job_id, None)
            log.warning("%s missed its run of %s: later than its misfire grace time", event.job_id,
                        f"{event.scheduled_run_time:%Y-%m-%d %H:%M:%S}")
        else:
            self.finished(event, now)

    def finished(self, event: JobEvent, now: float) -> None:
        """Log a run that ended (``EVENT_JOB_EXECUTED`` or ``EVENT_JOB_ERROR``)."""
        started = max(self.handed_over.pop(event.job_id, now), self.last_end)
        self.last_end = now
        if event.exception is not None:
            reason = " ".join(f"{type(event.exception).__name__}: {event.exception}".split())
            log.error("%s failed after %.1f s: %s", event.job_id, now - started, reason)
        else:
            log.info("%s ok in %.1f s", event.job_id, now - started)


def run_scheduler(settings: Settings, db_url: str, jobs: Mapping[str, str] = JOBS) -> None:
    """Run the jobs until SIGTERM or SIGINT, then stop cleanly: the running job
    (and one already waiting for the worker) finishes first."""
    scheduler = build_scheduler(settings, db_url, blocking=False, jobs=jobs)
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        log.info("%s received: stopping once the running job ends", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # our RunLog says it once per run
    scheduler.start()
    log.info("scheduler started: %s", "; ".join(f"{job.id} next at {job.next_run_time:%Y-%m-%d %H:%M:%S %Z}"
                                                for job in scheduler.get_jobs()))
    stop.wait()
    scheduler.shutdown(wait=True)
    log.info("scheduler stopped")
