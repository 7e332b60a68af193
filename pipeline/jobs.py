"""What ``duluan schedule`` runs. Module-level functions without arguments, so
the scheduler's job store can keep them by reference (``pipeline.jobs:run_cycle``).

Each job opens the store named by the settings (``DULUAN_DB_URL``) and is safe
to run again: crawls upsert, processing takes only pending documents, alerts
and the digest are sent once.
"""
from __future__ import annotations

import logging
import subprocess
import sys
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pipeline.understand.process import process_pending
from pipeline.common.options import ScheduleOptions
from pipeline.common.settings import Settings, get_settings
from pipeline.store.store import Store

log = logging.getLogger(__name__)
# ``duluan crawl --due``: the due sources of config/sources.yaml (due_sources + run_crawl).
CRAWL_COMMAND = [sys.executable, "-m", "pipeline.cli", "crawl", "--due"]


class CrawlError(RuntimeError):
    """The crawl of a cycle failed; the message says why."""


def run_cycle() -> None:
    """Crawl the sources that are due, process what came in, send urgent alerts.

    A failed crawl is logged and the cycle goes on: documents fetched earlier
    still get processed and alerted on.
    """
    settings = get_settings()
    try:
        crawl_due(settings)
    except CrawlError as exc:
        log.error("cycle: crawl failed (%s); going on with processing and alerts", exc)
    store = Store(settings.db_url)
    try:
        summary = process_pending(store, settings.province)
        log.info("cycle: processed %d documents, %d about health", summary.processed, summary.relevant)
        from pipeline.report.alerts import run_alerts, summary

        log.info("cycle: %s", summary(run_alerts(store, settings)))
    finally:
        store.engine.dispose()


def crawl_due(settings: Settings) -> None:
    """Run ``duluan crawl --due`` in a child process and wait for it.

    Scrapy's Twisted reactor starts once per process and only in its main
    thread, so a long-running scheduler cannot crawl in its own process.
    """
    minutes = settings.options(ScheduleOptions).crawl_timeout_minutes
    try:
        result = subprocess.run(CRAWL_COMMAND, stdin=subprocess.DEVNULL, timeout=minutes * 60, check=False)
    except subprocess.TimeoutExpired as exc:
        raise CrawlError(f"still running after {minutes:g} min, stopped") from exc
    except OSError as exc:
        raise CrawlError(f"cannot start the crawl: {exc}") from exc
    if result.returncode != 0:
        raise CrawlError(f"`duluan crawl --due` exited with {result.returncode}")


def run_digest() -> None:
    """Publish today's digest (the date in the deployment's time zone, e.g. 23/11/2026).

    ``publish_digest`` writes ``data/digests/D/`` and e-mails it at most once per day.
    """
    from pipeline.report.publish import publish_digest

    settings = get_settings()
    store = Store(settings.db_url)
    try:
        publish_digest(store, settings, today(settings))
    finally:
        store.engine.dispose()


def today(settings: Settings) -> date:
    """The date now in the deployment's time zone (Asia/Ho_Chi_Minh)."""
    return datetime.now(ZoneInfo(settings.timezone)).date()
