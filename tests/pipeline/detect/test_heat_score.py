"""The heat score (``Detector.score``) against values computed by hand.

Settings used (the committed defaults, written out so the test does not follow the
config): weights volume .35, excess .15, sources .2, signal .2, growth .1;
volume_full 10, ratio_full 4, sources_full 6, growth_full 3, engagement_full 10 000
for 10 points; proximity local 1, unplaced .6, other .4; levels 70 / 50 / 30 with
3 / 2 / 1 documents; đỏ needs an EARS-t alarm.

The story below has 5 documents in the last 24 hours from 3 sources, 2 of them
pressing, 1 document the day before, and 5 documents where 1.25 were expected:
  volume  = ln(1+5) / ln(1+10) = 1.791759 / 2.397895 = 0.747221
  excess  = log2(5 / 1.25) / log2(4) = 1
  sources = (3 - 1) / (6 - 1) = 0.4
  signal  = 2 / 5 = 0.4
  growth  = min(1, ln(5 / 1) / ln 3 = 1.465) = 1
  heat    = 100 × (.35 × 0.747221 + .15 + .2 × .4 + .2 × .4 + .1) = 67.1527
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pipeline.common.settings import Settings, get_settings
from pipeline.detect.hotissues import Detector
from pipeline.detect.trends import Series
from pipeline.store.records import Mention, Story
from pipeline.store.store import Store

END = datetime(2026, 11, 17, 0, 0, tzinfo=timezone.utc)  # 07:00 in Quảng Ngãi
HEAT = {"volume_full": 10, "ratio_full": 4, "sources_full": 6, "growth_full": 3, "engagement_full": 10000,
        "engagement_points": 10, "do_needs_alarm": True,
        "weights": {"volume": 0.35, "excess": 0.15, "sources": 0.2, "signal": 0.2, "growth": 0.1},
        "min_documents": {"do": 3, "cam": 2, "vang": 1},
        "proximity": {"local": 1.0, "unplaced": 0.6, "other": 0.4}}
LEVELS = {"do": 70, "cam": 50, "vang": 30}
BASE_HEAT = 67.1527


@pytest.fixture
def detector(tmp_path: Path) -> Detector:
    settings = Settings(raw=get_settings().raw | {"heat": HEAT, "levels": LEVELS})
    return Detector(Store(f"sqlite:///{tmp_path / 'empty.db'}"), settings, END)


def mention(n: int, hours_before: float, source: str, signal: str = "thong_tin_chung",
            engagement: int = 0, province: str | None = "Quảng Ngãi") -> Mention:
    return Mention(id=n, url=f"https://bao.vn/{n}", title=f"Bài {n}", lead="", source_id=source,
                   source_name=source, kind="article", published_at=END - timedelta(hours=hours_before),
                   topic="dich_benh", signal=signal, province=province, engagement=engagement)


def story(province: str | None = "Quảng Ngãi", engagement: int = 0) -> Story:
    now = [mention(1, 2, "a", "van_de_buc_xuc", engagement, province), mention(2, 3, "a", province=province),
           mention(3, 4, "b", "van_de_buc_xuc", province=province), mention(4, 5, "c", province=province),
           mention(5, 6, "c", province=province)]
    return Story(id="s1", title="Sốt xuất huyết tăng", topic="dich_benh", signal="van_de_buc_xuc",
                 province=province, mentions=[mention(0, 30, "a", province=province), *now])


def with_series(detector: Detector, expected_today: float, alarm: bool) -> None:
    n = detector.n_bins
    series = Series(counts=[0] * (n - 1) + [5], expected=[math.nan] * (n - 1) + [expected_today],
                    upper=[math.nan] * n, alarm=[False] * (n - 1) + [alarm])
    detector.series = lambda topic, province: series  # type: ignore[method-assign]


def test_components_and_heat_by_hand(detector: Detector) -> None:
    with_series(detector, 1.25, alarm=True)
    heat, level, parts = detector.score(story(), detector.n_bins - 1)
    assert parts["volume"] == pytest.approx(0.747221, abs=1e-6)
    assert (parts["excess"], parts["sources"], parts["signal"], parts["growth"]) == pytest.approx((1, 0.4, 0.4, 1))
    assert heat == pytest.approx(BASE_HEAT, abs=1e-3) and level == "cam"


def test_engagement_adds_its_points_and_reaches_do_with_an_alarm(detector: Detector) -> None:
    with_series(detector, 1.25, alarm=True)
    heat, level, _ = detector.score(story(engagement=10000), detector.n_bins - 1)
    assert heat == pytest.approx(BASE_HEAT + 10, abs=1e-3) and level == "do"


def test_do_needs_an_alarm(detector: Detector) -> None:
    with_series(detector, 1.25, alarm=False)
    heat, level, _ = detector.score(story(engagement=10000), detector.n_bins - 1)
    assert heat == pytest.approx(77.1527, abs=1e-3) and level == "cam"


def test_an_unplaced_story_counts_for_less(detector: Detector) -> None:
    with_series(detector, 1.25, alarm=True)
    heat, level, _ = detector.score(story(province=None, engagement=10000), detector.n_bins - 1)
    assert heat == pytest.approx(0.6 * 77.1527, abs=1e-3) and level == "vang"  # 46.29


def test_without_a_baseline_there_is_no_excess(detector: Detector) -> None:
    with_series(detector, math.nan, alarm=False)
    heat, level, parts = detector.score(story(), detector.n_bins - 1)
    assert parts["excess"] == 0 and heat == pytest.approx(BASE_HEAT - 15, abs=1e-3) and level == "cam"


def test_a_day_without_documents_scores_nothing(detector: Detector) -> None:
    with_series(detector, 1.25, alarm=True)
    assert detector.score(story(), detector.n_bins - 3) == (0.0, None, {})
