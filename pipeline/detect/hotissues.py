"""Hot-issue detection: stories scored by heat, levels đỏ / cam / vàng, why and who acts.

Heat (0–100) = proximity × (weighted sum of components in [0, 1]) + engagement points:

- ``volume``: documents in the last 24 hours (log scale, full at ``volume_full``);
- ``excess``: the story's topic × province count against its EARS-t baseline
  (log₂ of the ratio, full at ``ratio_full`` times the usual);
- ``sources``: distinct sources in 24 hours (full at ``sources_full``);
- ``signal``: share of pressing or misinformation documents;
- ``growth``: against the 24 hours before (full at ``growth_full`` times);
- proximity: 1 in the configured province, less for unplaced or other provinces;
- engagement points: reactions + comments + shares of public posts, log scale.

A level also needs ``min_documents`` in 24 hours (đỏ 3, cam 2, vàng 1), and đỏ an EARS-t alarm on the topic × province series, so a quiet
day cannot reach it on one loud story alone.
"""
from __future__ import annotations

import logging
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from pipeline.common.labels import LEVEL_ORDER, NATIONWIDE, TOPIC_SHORT, vi_number
from pipeline.detect.mentions import Clock, iter_mentions
from pipeline.store.records import Issue, Mention, Story
from pipeline.detect.routing import load_routing
from pipeline.store.schema import AnalysisRow, DocumentRow
from pipeline.common.settings import Settings, options_from
from pipeline.detect.stories import StoryOptions, build_stories
from pipeline.store.store import Store
from pipeline.detect.trends import Series, TrendOptions, ears, weekday_factors

log = logging.getLogger(__name__)
PRESSING = ("van_de_buc_xuc", "thong_tin_sai_lech")
DAY = timedelta(days=1)


@dataclass(frozen=True)
class HeatOptions:
    """Weights, scales and level thresholds (``[heat]`` and ``[levels]`` in settings.toml;
    read with :func:`pipeline.common.settings.options_from`)."""

    weights: dict[str, float] = field(default_factory=lambda: {
        "volume": 0.35, "excess": 0.15, "sources": 0.2, "signal": 0.2, "growth": 0.1})
    volume_full: float = 10.0
    ratio_full: float = 4.0
    sources_full: float = 6.0
    growth_full: float = 3.0
    engagement_full: float = 10_000.0
    engagement_points: float = 10.0
    proximity: dict[str, float] = field(default_factory=lambda: {"local": 1.0, "unplaced": 0.6, "other": 0.4})
    levels: dict[str, float] = field(default_factory=lambda: {"do": 70.0, "cam": 50.0, "vang": 30.0})
    min_documents: dict[str, int] = field(default_factory=lambda: {"do": 3, "cam": 2, "vang": 1})
    do_needs_alarm: bool = True


@dataclass
class Report:
    """Everything detection found for the 24 hours ending at ``end``."""

    end: datetime
    days: list[date]  # the digest day of each bin, oldest first (the last is today)
    totals: list[int]  # relevant documents per day
    by_topic: dict[str, list[int]]
    by_signal: dict[str, list[int]]
    stories: list[Story]
    issues: list[Issue]  # stories with news in the last 24 hours or more than one document, hottest first


class Detector:
    """Scores the stories of one window; ``bin`` 0 is the oldest day, -1 the last 24 hours."""

    def __init__(self, store: Store, settings: Settings, end: datetime) -> None:
        self.province = settings.province
        self.trend = options_from(TrendOptions, settings.section("trends"))
        self.heat = options_from(HeatOptions, settings.section("heat") | {"levels": settings.section("levels")})
        self.story_options = options_from(StoryOptions, settings.section("stories"))
        self.clock = Clock.from_settings(settings)
        self.end = end
        self.n_bins = self.trend.history_days + self.trend.baseline_days
        self.bin_ends = [end - DAY * (self.n_bins - 1 - i) for i in range(self.n_bins)]
        first = _first_published(store)
        self.valid = [first is not None and e > first for e in self.bin_ends]
        self.days = [self.clock.day_of(e - timedelta(seconds=1)) for e in self.bin_ends]
        self.counts: dict[tuple[str, str], list[int]] = {}
        self.totals = [0] * self.n_bins
        self.by_topic: dict[str, list[int]] = {}
        self.by_signal: dict[str, list[int]] = {}
        for m in iter_mentions(store, self.bin_ends[0] - DAY, end, with_text=False):
            b = self.bin_of(m.published_at)
            self.totals[b] += 1
            for table, key in ((self.counts, (m.topic, m.province or NATIONWIDE)),
                               (self.by_topic, m.topic), (self.by_signal, m.signal)):
                table.setdefault(key, [0] * self.n_bins)[b] += 1  # type: ignore[index]
        self.factors = weekday_factors(self.days, self.totals, self.valid)
        self._series: dict[tuple[str, str], Series] = {}

    def bin_of(self, moment: datetime) -> int:
        """Index of the day bin holding ``moment``."""
        return self.n_bins - 1 - int((self.end - moment) // DAY)

    def in_bin(self, story: Story, b: int) -> list[Mention]:
        """The story's documents published in bin ``b``."""
        return [m for m in story.mentions if self.bin_of(m.published_at) == b]

    def series(self, topic: str, province: str | None) -> Series:
        """EARS-t series of a topic × province (province None: nationwide/unplaced)."""
        key = (topic, province or NATIONWIDE)
        if key not in self._series:
            counts = self.counts.get(key, [0] * self.n_bins)
            self._series[key] = ears(counts, self.days, self.valid, self.factors, self.trend)
        return self._series[key]

    def proximity(self, province: str | None) -> float:
        """How close a story is to the configured province."""
        kind = "local" if province == self.province else "unplaced" if province is None else "other"
        return self.heat.proximity[kind]

    def score(self, story: Story, b: int) -> tuple[float, str | None, dict[str, float]]:
        """(heat, level, components) of a story as of the end of bin ``b``."""
        h = self.heat
        now = self.in_bin(story, b)
        before = len(self.in_bin(story, b - 1))
        if not now:
            return 0.0, None, {}
        series = self.series(story.topic, story.province)
        ratio = series.ratio(b)
        engagement = sum(m.engagement for m in now)
        parts = {
            "volume": min(1.0, math.log1p(len(now)) / math.log1p(h.volume_full)),
            "excess": min(1.0, max(0.0, math.log2(ratio) / math.log2(h.ratio_full))) if ratio else 0.0,
            "sources": min(1.0, (len({m.source_id for m in now}) - 1) / (h.sources_full - 1)),
            "signal": sum(m.signal in PRESSING for m in now) / len(now),
            "growth": min(1.0, max(0.0, math.log(len(now) / max(before, 1)) / math.log(h.growth_full))),
        }
        bonus = h.engagement_points * min(1.0, math.log1p(engagement) / math.log1p(h.engagement_full))
        proximity = self.proximity(story.province)
        heat = min(100.0, proximity * (100 * sum(h.weights[k] * v for k, v in parts.items()) + bonus))
        alarm = series.alarm[b]
        level = None
        for name in reversed(LEVEL_ORDER):  # do, cam, vang
            if heat >= h.levels[name] and len(now) >= h.min_documents[name] \
                    and (name != "do" or alarm or not h.do_needs_alarm):
                level = name
                break
        return heat, level, parts | {"engagement": float(engagement), "proximity": proximity,
                                     "alarm": float(alarm), "ratio": ratio or 0.0}

    def issue(self, story: Story) -> Issue:
        """The story as an issue scored for the last 24 hours, with its history and route."""
        last = self.n_bins - 1
        heat, level, parts = self.score(story, last)
        series = self.series(story.topic, story.province)
        window = range(last - self.trend.baseline_days + 1, last + 1)
        route = load_routing().route(story.topic, story.signal, level)
        now = self.in_bin(story, last)
        now_ids = {m.id for m in now}
        return Issue(
            key=story.id, title=story.title, level=level, heat=round(heat, 1), topic=story.topic,
            signal=story.signal, province=story.province, why=self.why(story, now, parts),
            lead_agency=route.lead, support_agency=route.support, actions=route.actions,
            components={k: round(v, 3) for k, v in parts.items()},
            daily=[len(self.in_bin(story, b)) for b in window],
            baseline=[round(series.upper[b], 2) for b in window], series=[series.counts[b] for b in window],
            history=[self.score(story, b)[1] for b in window[:-1]] + [level],
            mentions=sorted(now, key=_importance, reverse=True)
            + [m for m in reversed(story.mentions) if m.id not in now_ids])

    def why(self, story: Story, now: list[Mention], parts: dict[str, float]) -> str:
        """One plain-Vietnamese sentence saying why, e.g. "12 bài từ 7 nguồn trong 24 giờ, gấp 4 lần mức thường; …"."""
        where = story.province or NATIONWIDE
        pieces = [f"{len(now)} bài từ {len({m.source_id for m in now})} nguồn trong 24 giờ"]
        ratio = parts.get("ratio") or 0
        if ratio >= 1.5:
            pieces[0] += f", gấp {vi_number(ratio, 0 if ratio >= 3 else 1)} lần mức thường về " \
                         f"{TOPIC_SHORT[story.topic]} ở {where}"
        elif ratio:
            pieces[0] += ", quanh mức thường"
        facility, n_fac = (Counter(f for m in now for f in m.facilities).most_common(1) or [("", 0)])[0]
        pressing = sum(m.signal == "van_de_buc_xuc" for m in now)
        false = sum(m.signal == "thong_tin_sai_lech" for m in now)
        if n_fac >= 2:
            pieces.append(f"{n_fac} bài nói về {facility}")
        if false:
            pieces.append(f"{false} bài về thông tin sai lệch")
        elif pressing:
            pieces.append(f"{pressing} bài phản ánh vấn đề bức xúc")
        engagement = int(parts.get("engagement", 0))
        if engagement:
            pieces.append(f"{vi_number(engagement)} lượt tương tác trên mạng xã hội")
        return "; ".join(pieces) + "."


def _importance(m: Mention) -> tuple[int, int, datetime]:
    return (m.kind == "article", m.engagement, m.published_at)


def _first_published(store: Store) -> datetime | None:
    with store.session() as s:
        return s.scalar(select(func.min(DocumentRow.published_at))
                        .join(AnalysisRow, AnalysisRow.document_id == DocumentRow.id))


def detect(store: Store, settings: Settings, end: datetime) -> Report:
    """Stories of the ``baseline_days`` before ``end`` and their issues, hottest first."""
    detector = Detector(store, settings, end)
    start = end - DAY * detector.trend.baseline_days
    mentions = list(iter_mentions(store, start, end))
    stories = build_stories(mentions, detector.story_options)
    last = detector.n_bins - 1
    candidates = [s for s in stories if len(s.mentions) > 1 or detector.bin_of(s.last_seen) == last]
    issues = sorted((detector.issue(s) for s in candidates), key=lambda i: (-i.heat, i.key))
    log.debug("detected %d stories; %d at vàng or above in the last 24 h",
             len(stories), sum(i.level is not None for i in issues))
    return Report(end=end, days=detector.days, totals=detector.totals, by_topic=detector.by_topic,
                  by_signal=detector.by_signal, stories=stories, issues=issues)
