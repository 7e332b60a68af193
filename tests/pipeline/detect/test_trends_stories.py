"""EARS-t baselines, story clustering and routing rules on small hand-made inputs."""
from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone

from pipeline.store.records import Mention
from pipeline.detect.routing import load_routing
from pipeline.detect.stories import StoryOptions, build_stories
from pipeline.detect.trends import TrendOptions, ears, ears_upper, weekday_factors

DAYS = [date(2026, 10, 1) + timedelta(days=i) for i in range(35)]
FLAT = {w: 1.0 for w in range(7)}


def test_ears_upper_matches_the_formula() -> None:
    values = [1, 2, 0, 1, 3, 1, 2]
    mean, upper = ears_upper(values, [1.0] * 7, 0.025)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / 6)
    assert math.isclose(mean, 10 / 7)
    assert math.isclose(upper, mean + 2.4469118 * sd * math.sqrt(1 + 1 / 7), rel_tol=1e-6)


def test_low_counts_do_not_alarm_but_a_real_jump_does() -> None:
    counts = [0, 1, 0, 0, 2, 0, 1, 0, 1, 0] * 3 + [0, 1, 2, 1, 9]
    series = ears(counts, DAYS, [True] * 35, FLAT, TrendOptions())
    assert series.alarm[-1]
    assert not any(series.alarm[:-1])  # 0–2 a day is noise


def test_zero_baseline_needs_min_count() -> None:
    counts = [0] * 33 + [2, 3]
    series = ears(counts, DAYS, [True] * 35, FLAT, TrendOptions(min_count=3))
    assert not series.alarm[-2] and series.alarm[-1]


def test_no_baseline_before_the_store_has_data() -> None:
    valid = [False] * 30 + [True] * 5
    series = ears([0] * 30 + [5, 5, 5, 5, 20], DAYS, valid, FLAT, TrendOptions(guard_days=0))
    assert not any(series.alarm[:33]) and math.isnan(series.upper[31])
    assert series.alarm[-1]  # three days of data are enough


def test_alarm_days_are_down_weighted_in_later_baselines() -> None:
    counts = [1] * 28 + [8, 8, 8, 8, 8, 8, 8]
    weighted = ears(counts, DAYS, [True] * 35, FLAT, TrendOptions(alarm_weight=0.2))
    plain = ears(counts, DAYS, [True] * 35, FLAT, TrendOptions(alarm_weight=1.0))
    assert weighted.expected[-1] < plain.expected[-1]
    assert sum(weighted.alarm) > sum(plain.alarm)


def test_weekday_factors_see_quiet_weekends() -> None:
    totals = [2 if d.weekday() >= 5 else 10 for d in DAYS]
    factors = weekday_factors(DAYS, totals, [True] * 35)
    assert factors[6] < 0.5 < 1.0 < factors[1]


def _mention(n: int, title: str, hours: float, source: str = "a", topic: str = "dich_benh",
             province: str | None = "Quảng Ngãi", signal: str = "van_de_buc_xuc") -> Mention:
    at = datetime(2026, 11, 16, tzinfo=timezone.utc) + timedelta(hours=hours)
    return Mention(id=n, url=f"http://x/{n}", title=title, lead=title, source_id=source, source_name=source,
                   kind="article", published_at=at, topic=topic, signal=signal, province=province)


def test_stories_group_an_event_and_keep_others_apart() -> None:
    mentions = [
        _mention(1, "Quảng Ngãi: số ca sốt xuất huyết tăng gần gấp đôi, 18 ổ dịch", 0),
        _mention(2, "Bệnh nhân nằm ghép tại khoa Nhi Bệnh viện Đa khoa tỉnh", 1, topic="kham_chua_benh"),
        _mention(3, "Thêm 5 ổ dịch sốt xuất huyết ở Quảng Ngãi, số ca tăng", 5, source="b"),
        _mention(4, "bé nhà e bị sxh, ổ dịch sxh gần nhà tăng quá mn", 9, source="c", topic="kien_thuc_suc_khoe"),
        _mention(5, "Số ca sốt xuất huyết ở Đồng Nai tăng", 10, province="Đồng Nai"),
        _mention(6, "Quảng Ngãi: số ca sốt xuất huyết tăng, ổ dịch mới", 200, source="d"),  # 8 days later
    ]
    stories = build_stories(mentions, StoryOptions(similarity=0.15, gap_days=3))
    groups = sorted(sorted(m.id for m in s.mentions) for s in stories)
    assert [1, 3] in groups or [1, 3, 4] in groups
    assert [2] in groups and [5] in groups and [6] in groups
    main = next(s for s in stories if 1 in [m.id for m in s.mentions])
    assert main.sources[:2] == ["a", "b"] and main.id and main.title.startswith(("Quảng Ngãi", "Thêm"))


def test_stories_do_not_depend_on_document_ids() -> None:
    mentions = [_mention(i, f"Sốt xuất huyết tăng ở phường Cẩm Thành đợt {i % 3}", i) for i in range(9)]
    renumbered = [Mention(**{**m.__dict__, "id": 100 - m.id}) for m in mentions]
    a = [(s.id, len(s.mentions), s.title) for s in build_stories(mentions)]
    b = [(s.id, len(s.mentions), s.title) for s in build_stories(renumbered)]
    assert a == b


def test_routing_follows_the_coordination_documents() -> None:
    routing = load_routing()
    rumour = routing.route("dich_benh", "thong_tin_sai_lech", "cam")
    assert rumour.lead.startswith("Ban Tuyên giáo") and rumour.support.startswith("Sở Y tế")
    incident = routing.route("kham_chua_benh", "van_de_buc_xuc", "do")
    assert incident.lead.startswith("Sở Y tế")
    assert any("Thường trực Tỉnh ủy" in a for a in incident.actions)  # đỏ: both leaders report up
    assert routing.route("dich_benh", "dien_hinh_tien_tien", None).lead.startswith("Ban Tuyên giáo")
    assert not any("Thường trực" in a for a in routing.route("kien_thuc_suc_khoe", "thong_tin_chung", "vang").actions)
