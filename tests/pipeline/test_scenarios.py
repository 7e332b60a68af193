"""The scenario suite: every event flagged on its first full day, one issue per event per
day, no false đỏ and at most 2 false cam per 30 quiet days, the poisoning đỏ at its peak,
the rumour unrebutted before its denial and rebutted after."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from pipeline.common.labels import level_rank
from pipeline.common.settings import get_settings
from pipeline.detect.mentions import Clock
from pipeline.scenarios import SuiteResult, load_events, run_suite, score_events, table


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> SuiteResult:
    return run_suite(get_settings(), workdir=tmp_path_factory.mktemp("scenarios"))


def test_the_suite_has_the_events_the_project_promised() -> None:
    names = {e["name"] for e in load_events()}
    assert {"outbreak", "poisoning", "hospital", "shortage", "rumour_denied", "rumour_undenied", "good_example",
            "other_province"} <= names


def test_every_event_is_flagged_on_its_first_full_day(suite: SuiteResult) -> None:
    late = [(e.name, e.first_full_day, e.first_flagged) for e in suite.events
            if e.first_flagged is None or e.first_flagged > e.first_full_day]
    assert not late


def test_one_event_is_one_issue_per_day(suite: SuiteResult) -> None:
    assert all(e.fragmentation <= 1.2 for e in suite.events), {e.name: e.fragmentation for e in suite.events}


def test_quiet_month_raises_no_do_and_at_most_two_cam(suite: SuiteResult) -> None:
    assert suite.quiet_days == 30
    assert suite.false_do == 0 and suite.per_30_days(suite.false_cam) <= 2


def test_levels_match_what_each_event_deserves(suite: SuiteResult) -> None:
    for event in suite.events:
        expected = str(event.spec["peak"])
        if expected.startswith("max "):
            assert level_rank(event.peak) <= level_rank(expected.split()[1]), (event.name, event.levels)
        else:
            assert level_rank(event.peak) >= level_rank(expected), (event.name, event.levels)
    poisoning = next(e for e in suite.events if e.name == "poisoning")
    assert poisoning.peak == "do"
    elsewhere = next(e for e in suite.events if e.name == "other_province")
    assert elsewhere.peak != "do"


def test_rumours_show_their_rebuttal_status(suite: SuiteResult) -> None:
    denied = next(e for e in suite.events if e.name == "rumour_denied")
    statuses = list(denied.rebuttal.values())
    assert statuses[0] == "chua_bac_bo" and "da_bac_bo" in statuses
    never = next(e for e in suite.events if e.name == "rumour_undenied")
    assert never.rebuttal and set(never.rebuttal.values()) == {"chua_bac_bo"}


def test_table_prints_a_line_per_event_and_the_quiet_month(suite: SuiteResult) -> None:
    lines = table(suite).splitlines()
    assert len(lines) == len(suite.events) + 2
    assert lines[-1].startswith("quiet month: 30 days, false đỏ 0")
    assert any(line.startswith("poisoning") and " đỏ " in line for line in lines)


def test_fragmentation_counts_every_issue_holding_an_event_document() -> None:
    event = {"name": "e", "documents": [
        {"url": "u1", "published": datetime(2026, 11, 12, 2, tzinfo=timezone.utc)},
        {"url": "u2", "published": datetime(2026, 11, 12, 3, tzinfo=timezone.utc)}]}
    clock = Clock.from_settings(get_settings())
    day = date(2026, 11, 13)
    digests = {day: {"issues": [{"level": "cam", "documents": [{"url": "u1"}]},
                                {"level": "vang", "documents": [{"url": "u2"}, {"url": "x"}]}]}}
    (result,) = score_events([event], digests, clock)
    assert result.first_flagged == day and result.issues[day] == 2 and result.fragmentation == 2.0
    assert result.levels[day] == "cam"  # the split-off issue is not mostly the event's
