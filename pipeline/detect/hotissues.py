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

"Vấn đề đột xuất" (``[severity]``): a story of the configured province whose
content is severe (:mod:`pipeline.detect.severity`: deaths, many hospitalised,
children, clusters, officials' orders, prosecutions) is đỏ from ``do_points``
with ``min_documents`` in 24 hours, and at least cam from ``cam_points``,
whatever its volume; elsewhere it is at least vàng from ``vang_points_elsewhere``.
False-information stories are not read this way. Good examples stay at vàng at
most (``[heat] commendable_max_level``): they are to be commended, not handled urgently.
"""
from __future__ import annotations

import logging
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from pipeline.common.labels import LEVEL_ORDER, NATIONWIDE, level_rank, vi_number
from pipeline.common.taxonomy import taxonomy
from pipeline.detect.mentions import Clock, iter_mentions
from pipeline.store.records import Issue, Mention, Story
from pipeline.detect.routing import load_routing
from pipeline.store.schema import AnalysisRow, DocumentRow
from pipeline.common.options import (HeatOptions, LevelOptions, RebuttalOptions, SeverityOptions, StoryOptions,
                                     TrendOptions)
from pipeline.common.settings import Settings
from pipeline.detect.rebuttals import NOT_REBUTTED, Rebuttal, link_rebuttals
from pipeline.detect.severity import Severity, read_severity
from pipeline.detect.stories import build_stories
from pipeline.store.store import Store
from pipeline.detect.trends import Series, ears, weekday_factors

log = logging.getLogger(__name__)
DAY = timedelta(days=1)


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
    rebuttals: dict[str, Rebuttal] = field(default_factory=dict)  # false-information story id → its rebuttal


class Detector:
    """Scores the stories of one window; ``bin`` 0 is the oldest day, -1 the last 24 hours."""

    def __init__(self, store: Store, settings: Settings, end: datetime) -> None:
        self.province = settings.province
        self.trend = settings.options(TrendOptions)
        self.heat = settings.options(HeatOptions)
        self.levels = settings.options(LevelOptions)
        self.story_options = settings.options(StoryOptions)
        self.severity_options = settings.options(SeverityOptions)
        self._severity_of: dict[int, Severity] = {}
        self.rebuttal_options = settings.options(RebuttalOptions)
        self.rebuttals: dict[str, Rebuttal] = {}
        self.routing = load_routing()  # checked against the taxonomy before any work
        self.taxonomy = taxonomy()
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

    def severity(self, story: Story, b: int) -> Severity:
        """What the story's documents published up to the end of bin ``b`` say about its severity."""
        total = Severity()
        if story.signal == self.taxonomy.false_information:
            return total
        for m in story.mentions:
            if self.bin_of(m.published_at) <= b:
                if m.id not in self._severity_of:
                    self._severity_of[m.id] = read_severity([f"{m.title}. {m.lead}"])
                total = total.merge(self._severity_of[m.id])
        return total

    def sudden(self, story: Story, severity: Severity, documents: int, level: str | None) -> str | None:
        """The level after the "vấn đề đột xuất" rule (cam needs the heat of vàng already)."""
        options = self.severity_options
        points = severity.points(options)
        if options.local_only and story.province != self.province:
            return level or ("vang" if points >= options.vang_points_elsewhere else None)
        if points >= options.do_points and documents >= options.min_documents:
            return "do"
        if points >= options.cam_points and level is not None and level_rank(level) < level_rank("cam"):
            return "cam"
        return level

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
            "signal": sum(m.signal in self.taxonomy.heat_signals for m in now) / len(now),
            "growth": min(1.0, max(0.0, math.log(len(now) / max(before, 1)) / math.log(h.growth_full))),
        }
        bonus = h.engagement_points * min(1.0, math.log1p(engagement) / math.log1p(h.engagement_full))
        proximity = self.proximity(story.province)
        heat = min(100.0, proximity * (100 * sum(h.weights[k] * v for k, v in parts.items()) + bonus))
        alarm = series.alarm[b]
        level = None
        for name in reversed(LEVEL_ORDER):  # do, cam, vang
            if heat >= self.levels.floor(name) and len(now) >= h.min_documents[name] \
                    and (name != "do" or alarm or not h.do_needs_alarm):
                level = name
                break
        severity = self.severity(story, b)
        level = self.sudden(story, severity, len(now), level)
        if story.signal == self.taxonomy.commendable and level_rank(level) > level_rank(h.commendable_max_level):
            level = h.commendable_max_level
        return heat, level, parts | {"engagement": float(engagement), "proximity": proximity,
                                     "alarm": float(alarm), "ratio": ratio or 0.0,
                                     "severity": severity.points(self.severity_options)}

    def issue(self, story: Story) -> Issue:
        """The story as an issue scored for the last 24 hours, with its history and route."""
        last = self.n_bins - 1
        heat, level, parts = self.score(story, last)
        series = self.series(story.topic, story.province)
        window = range(last - self.trend.baseline_days + 1, last + 1)
        rebuttal = self.rebuttals.get(story.id)
        route = self.routing.route(story.topic, story.signal, level, rebuttal.status if rebuttal else None)
        now = self.in_bin(story, last)
        now_ids = {m.id for m in now}
        return Issue(
            key=story.id, title=story.title, level=level, heat=round(heat, 1), topic=story.topic,
            signal=story.signal, province=story.province, why=self.why(story, now, parts),
            lead_agency=route.lead, support_agency=route.support, actions=route.actions,
            components={k: round(v, 3) for k, v in parts.items()},
            daily=[len(self.in_bin(story, b)) for b in window],
            baseline=[round(series.upper[b], 2) for b in window], series=[series.counts[b] for b in window],
            usual=[None if math.isnan(series.expected[b]) else round(series.expected[b], 2) for b in window],
            history=[self.score(story, b)[1] for b in window[:-1]] + [level],
            mentions=sorted(now, key=_importance, reverse=True)
            + [m for m in reversed(story.mentions) if m.id not in now_ids])

    def why(self, story: Story, now: list[Mention], parts: dict[str, float]) -> str:
        """One plain-Vietnamese sentence saying why, e.g. "12 bài từ 7 nguồn trong 24 giờ, gấp 4 lần mức thường; …"."""
        where = story.province or NATIONWIDE
        last = self.n_bins - 1
        severity = self.severity(story, last)
        pieces = severity.phrases()
        first = max(0, self.bin_of(story.first_seen))
        if first < last:
            earlier = self.severity(story, first)
            pieces.insert(0, f"ngày thứ {last - first + 1}")
            if 0 < earlier.hospitalised < severity.hospitalised:
                grown = next(p for p in pieces if p.endswith("nhập viện"))
                pieces.remove(grown)
                pieces[0] += f": từ {earlier.hospitalised} lên {grown}"
        pieces.append(f"{len(now)} bài từ {len({m.source_id for m in now})} nguồn trong 24 giờ")
        ratio = parts.get("ratio") or 0
        if ratio >= 1.5:
            pieces[-1] += f", gấp {vi_number(ratio, 0 if ratio >= 3 else 1)} lần mức thường về " \
                         f"{self.taxonomy.topic_short(story.topic)} ở {where}"
        elif ratio:
            pieces[-1] += ", quanh mức thường"
        facility, n_fac = (Counter(f for m in now for f in m.facilities).most_common(1) or [("", 0)])[0]
        pressing = sum(m.signal == self.taxonomy.pressing for m in now)
        false = sum(m.signal == self.taxonomy.false_information for m in now)
        if n_fac >= 2:
            pieces.append(f"{n_fac} bài nói về {facility}")
        if false:
            pieces.append(f"{false} bài về thông tin sai lệch")
        rebuttal = self.rebuttals.get(story.id)
        if rebuttal and rebuttal.status == NOT_REBUTTED:
            pieces.append("chưa có cơ quan chức năng bác bỏ")
        elif rebuttal:
            pieces.append(f"đã được {rebuttal.documents[0].source_name} bác bỏ sau "
                          f"{vi_number(rebuttal.hours_to_rebuttal or 0)} giờ")
            if rebuttal.still_spreading:
                pieces.append("vẫn lan truyền sau khi bác bỏ")
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
    detector.rebuttals = link_rebuttals(stories, detector.rebuttal_options, detector.taxonomy.false_information)
    last = detector.n_bins - 1
    candidates = [s for s in stories if len(s.mentions) > 1 or detector.bin_of(s.last_seen) == last]
    issues = sorted((detector.issue(s) for s in candidates), key=lambda i: (-i.heat, i.key))
    log.debug("detected %d stories; %d at vàng or above in the last 24 h",
             len(stories), sum(i.level is not None for i in issues))
    return Report(end=end, days=detector.days, totals=detector.totals, by_topic=detector.by_topic,
                  by_signal=detector.by_signal, stories=stories, issues=issues, rebuttals=detector.rebuttals)
