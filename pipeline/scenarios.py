"""The scenario suite: events written for the project replayed over real-looking background news.

Two stores are filled directly (no crawl): the demo's background news alone (the
quiet month) and the background plus the events of
``crawlers/demo_site/scenarios/events.yaml``. Both are processed by the real
pipeline, then the daily digest is built for every day. Per event it measures:

- ``first_flagged``: the first digest that shows it — an issue at vàng or above
  whose documents are mostly the event's, or, for false information and good
  examples, an item of their watch list;
- ``levels``: its highest level on each day from its first document to two days after the last;
- ``fragmentation``: issues holding its documents per day, over the days it has any;
- ``rebuttal``: for false information, the rebuttal status on each day;

and, on the quiet store, false đỏ and cam per 30 days (every đỏ or cam there is false).
"""
from __future__ import annotations

import logging
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from crawlers.demo_news import DEMO_ROOT, load_news
from pipeline.common.labels import level_rank
from pipeline.common.settings import Settings
from pipeline.common.taxonomy import taxonomy
from pipeline.detect.mentions import Clock
from pipeline.detect.rebuttals import REBUTTED
from pipeline.report.digest import build_daily, digest_json
from pipeline.store.records import Document
from pipeline.store.sources import load_sources
from pipeline.store.store import Store
from pipeline.understand.process import process_pending

log = logging.getLogger(__name__)
SCENARIOS_FILE = DEMO_ROOT / "scenarios" / "events.yaml"
SOURCE_OF_OUTLET = {"tinsuckhoe": "tinsuckhoe", "baosuckhoe": "baosuckhoe", "baoquangngai": "baoquangngai",
                    "syt": "syt-quangngai", "dien-dan": "dien-dan-suc-khoe", "mxh": "mxh-quangngai"}
QUIET_DAYS = 30
FULL_DAY_HOURS = timedelta(hours=12)  # an event is due on the first digest holding this much of it
AFTER_DAYS = 2


@dataclass
class EventResult:
    """What the digests showed of one scenario event."""

    name: str
    spec: dict[str, Any]
    first_day: date  # the digest day of its first document
    first_full_day: date  # the first digest with at least 12 hours of it
    first_flagged: date | None = None
    levels: dict[date, str | None] = field(default_factory=dict)
    issues: dict[date, int] = field(default_factory=dict)  # issues holding its documents, per day
    rebuttal: dict[date, str] = field(default_factory=dict)

    @property
    def fragmentation(self) -> float:
        """Issues per day over the days it has any."""
        days = [n for n in self.issues.values() if n]
        return sum(days) / len(days) if days else 0.0

    @property
    def peak(self) -> str | None:
        """Its highest level."""
        return max(self.levels.values(), key=level_rank, default=None)


@dataclass
class SuiteResult:
    """Every event's result and the quiet month's false alarms."""

    events: list[EventResult]
    quiet_days: int
    false_do: int
    false_cam: int

    def per_30_days(self, count: int) -> float:
        """A count over the quiet days as a rate per 30 days."""
        return count * 30 / max(self.quiet_days, 1)


def load_events(path: Path = SCENARIOS_FILE) -> list[dict[str, Any]]:
    """The scenario events as written, each document with its URL and parsed time."""
    events = yaml.safe_load(path.read_text(encoding="utf-8"))["events"]
    for event in events:
        for n, doc in enumerate(event["documents"]):
            published = doc["published"]
            doc["published"] = published if isinstance(published, datetime) else datetime.fromisoformat(published)
            doc["url"] = f"https://scenario.duluan.test/{event['name']}/{n}"
    return events


def _document(item: dict[str, Any], url: str) -> Document:
    kind = "post" if item["outlet"] in ("mxh", "dien-dan") else "article"
    text = "\n".join([item.get("lead") or "", *item.get("paragraphs", [])]).strip()
    extra = {k: item[k] for k in ("reactions", "comments", "shares") if k in item}
    return Document(url=url, url_canonical=url, source_id=SOURCE_OF_OUTLET[item["outlet"]], kind=kind,
                    title=item.get("title") or "", text=text, published_at=item["published"],
                    date_source="scenario", extra=extra)


def fill_store(store: Store, settings: Settings, events: list[dict[str, Any]]) -> None:
    """The demo's background news and ``events`` saved and processed."""
    store.sync_sources(load_sources(DEMO_ROOT / "sources.yaml"))
    for item in load_news():
        if not item.get("event"):
            store.save_document(_document(item, item["url"].replace("{{BASE}}", "https://demo.duluan.test")))
    for event in events:
        for doc in event["documents"]:
            store.save_document(_document(doc, doc["url"]))
    process_pending(store, settings.province)


def _event_of(urls: list[str], event_of: dict[str, str]) -> str | None:
    """The event most of these documents belong to (more than half), else None."""
    if not urls:
        return None
    event, n = Counter(event_of.get(u) for u in urls).most_common(1)[0]
    return event if event and n * 2 > len(urls) else None


def _digests(store: Store, settings: Settings, days: list[date],
             progress: Callable[[date], None] | None) -> dict[date, dict[str, Any]]:
    digests = {}
    for day in days:
        digests[day] = digest_json(build_daily(store, settings, day))
        if progress:
            progress(day)
    return digests


def score_events(events: list[dict[str, Any]], digests: dict[date, dict[str, Any]], clock: Clock,
                 url_of: Callable[[str], str] = str) -> list[EventResult]:
    """Per event: first day flagged, level and issues per day, rebuttal status per day."""
    event_of = {url_of(d["url"]): e["name"] for e in events for d in e["documents"]}
    tax = taxonomy()
    watch_of = {tax.false_information: "false_information", tax.commendable: "good_examples"}  # digest sections
    results = []
    for event in events:
        times = [d["published"] for d in event["documents"]]
        first = clock.day_of(min(times))
        first_full = clock.day_of(min(times) + FULL_DAY_HOURS)
        result = EventResult(event["name"], event, first, first_full)
        day = first
        while day <= clock.day_of(max(times)) + timedelta(days=AFTER_DAYS):
            sections = digests.get(day)
            if sections is None:
                break
            own = [i for i in sections["issues"] if _event_of([d["url"] for d in i["documents"]], event_of)
                   == event["name"]]
            holding = [i for i in sections["issues"]
                       if any(event_of.get(d["url"]) == event["name"] for d in i["documents"])]
            watched = [x for x in sections.get(watch_of.get(event.get("signal", ""), ""), [])
                       if event_of.get(x["url"]) == event["name"]]
            result.levels[day] = max((i["level"] for i in own), key=level_rank, default=None)
            result.issues[day] = len(holding)
            if (own or watched) and result.first_flagged is None:
                result.first_flagged = day
            statuses = [x["rebuttal"]["status"] for x in watched + own if x.get("rebuttal")]
            if statuses:
                result.rebuttal[day] = REBUTTED if REBUTTED in statuses else statuses[0]
            day += timedelta(days=1)
        results.append(result)
    return results


def run_suite(settings: Settings, workdir: Path | None = None,
              progress: Callable[[str], None] | None = None) -> SuiteResult:
    """Fill both stores, build the digests and score them."""
    clock = Clock.from_settings(settings)
    events = load_events()
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        stores = {name: Store(f"sqlite:///{Path(tmp) / f'{name}.db'}") for name in ("quiet", "events")}
        fill_store(stores["quiet"], settings, [])
        fill_store(stores["events"], settings, events)
        last = max(clock.day_of(i["published"]) for i in load_news())
        quiet_days = [last - timedelta(days=n) for n in range(QUIET_DAYS - 1, -1, -1)]
        event_days = sorted({clock.day_of(d["published"]) + timedelta(days=k)
                             for e in events for d in e["documents"] for k in range(AFTER_DAYS + 1)})

        def tell(day: date) -> None:
            if progress:
                progress(day.isoformat())

        quiet = _digests(stores["quiet"], settings, quiet_days, tell)
        with_events = _digests(stores["events"], settings, event_days, tell)
    levels = Counter(i["level"] for sections in quiet.values() for i in sections["issues"])
    return SuiteResult(score_events(events, with_events, clock), len(quiet_days), levels["do"], levels["cam"])


_LEVEL_NAMES = {"do": "đỏ", "cam": "cam", "vang": "vàng", None: "–"}


def table(result: SuiteResult) -> str:
    """The suite as a plain-text table, one line per event, then the quiet month."""
    lines = [f"{'event':16s} {'first full day':14s} {'flagged':10s} {'peak':5s} {'issues/day':10s} levels by day"]
    for e in result.events:
        flagged = e.first_flagged.isoformat() if e.first_flagged else "never"
        days = " ".join(f"{d.day:02d}/{d.month:02d}:{_LEVEL_NAMES[lv]}" for d, lv in e.levels.items())
        rebuttal = ("  rebuttal " + " ".join(f"{d.day:02d}/{d.month:02d}:{s}" for d, s in e.rebuttal.items())
                    if e.rebuttal else "")
        lines.append(f"{e.name:16s} {e.first_full_day.isoformat():14s} {flagged:10s} {_LEVEL_NAMES[e.peak]:5s} "
                     f"{e.fragmentation:<10.2f} {days}{rebuttal}")
    lines.append(f"quiet month: {result.quiet_days} days, false đỏ {result.false_do} "
                 f"({result.per_30_days(result.false_do):.1f} per 30 days), false cam {result.false_cam} "
                 f"({result.per_30_days(result.false_cam):.1f} per 30 days)")
    return "\n".join(lines)
