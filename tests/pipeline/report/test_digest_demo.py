"""The demo end to end: six weeks of news crawled from loopback sites, processed,
and one digest per day; the demo's events must be flagged on the right days."""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator

import pytest

from pipeline.report.render import render_html, render_markdown
from tests.conftest import Inbox, free_port, run_duluan, smtp_env, smtp_server


def digest(demo: dict, day: str) -> dict:
    return json.loads((demo["data"] / "digests" / day / "digest.json").read_text(encoding="utf-8"))


def event_of(issue: dict, events: dict) -> str | None:
    """The demo event most of an issue's documents belong to."""
    counts = Counter(events.get(d["url"]) for d in issue["documents"])
    event, n = counts.most_common(1)[0]
    return event if n * 2 > len(issue["documents"]) else None


def days(first: int, last: int, month: int = 11) -> list[str]:
    return [f"2026-{month:02d}-{d:02d}" for d in range(first, last + 1)]


def test_demo_prints_the_latest_digest(demo: dict) -> None:
    assert f"latest digest: {demo['data'] / 'digests' / '2026-11-23' / 'digest.html'}" in demo["stdout"]
    doc = digest(demo, "2026-11-23")
    assert doc["date"] == "2026-11-23" and doc["province"] == "Quảng Ngãi"
    assert {"issues", "false_information", "good_examples", "continuing", "topics", "sources", "headline"} <= set(doc)


def test_outbreak_reaches_do_as_it_peaks(demo: dict) -> None:
    flagged = {}
    for day in days(10, 23):
        for issue in digest(demo, day)["issues"]:
            if event_of(issue, demo["events"]) == "sxh":
                flagged.setdefault(day, []).append(issue["level"])
    assert any("do" in flagged.get(d, []) for d in days(16, 19)), flagged
    do_days = [d for d, lv in flagged.items() if "do" in lv]
    assert min(do_days) >= "2026-11-15"  # not in the first, quiet days of the build-up
    sxh = next(i for d in do_days for i in digest(demo, d)["issues"] if i["level"] == "do")
    assert sxh["lead_agency"].startswith("Sở Y tế") and sxh["topic"] == "dich_benh"
    assert "bài từ" in sxh["why"] and "nguồn trong 24 giờ" in sxh["why"]
    assert any("Thường trực Tỉnh ủy" in a for a in sxh["actions"])


def test_hospital_overload_is_flagged_cam_or_higher(demo: dict) -> None:
    levels = [i["level"] for d in days(16, 19) for i in digest(demo, d)["issues"]
              if event_of(i, demo["events"]) == "quatai"]
    assert any(lv in ("cam", "do") for lv in levels), levels
    issue = next(i for d in days(16, 19) for i in digest(demo, d)["issues"] if event_of(i, demo["events"]) == "quatai")
    assert issue["lead_agency"].startswith("Sở Y tế")


def test_rumour_then_denial_in_false_information_watch(demo: dict) -> None:
    watched = {d: [x for x in digest(demo, d)["false_information"] if demo["events"].get(x["url"]) == "tindon"]
               for d in days(17, 21)}
    assert watched["2026-11-18"], "the rumour's posts of 17/11 are watched on 18/11"
    assert watched["2026-11-20"], "the denial of 19/11 is watched on 20/11"
    assert not any(demo["events"].get(x["url"]) == "tindon" for x in digest(demo, "2026-11-17")["false_information"])
    rumour = [i for d in days(18, 20) for i in digest(demo, d)["issues"] if event_of(i, demo["events"]) == "tindon"]
    led = [i for i in rumour if i["signal"] == "thong_tin_sai_lech"]
    assert led and all(i["lead_agency"].startswith("Ban Tuyên giáo") for i in led)


def test_quiet_weeks_raise_no_do(demo: dict) -> None:
    quiet = days(13, 31, month=10) + days(1, 12)
    assert not [(d, i["title"]) for d in quiet for i in digest(demo, d)["issues"] if i["level"] == "do"]


def test_other_provinces_never_reach_do(demo: dict) -> None:
    for day in days(13, 31, month=10) + days(1, 23):
        for issue in digest(demo, day)["issues"]:
            if issue["province"] != "Quảng Ngãi":
                assert issue["level"] != "do", (day, issue["title"])


def test_good_examples_are_listed(demo: dict) -> None:
    found = [x for d in days(21, 22) for x in digest(demo, d)["good_examples"]
             if demo["events"].get(x["url"]) == "dienhinh"]
    assert found


def test_rerun_gives_the_same_digest(demo: dict) -> None:
    folder = demo["data"] / "digests" / "2026-11-18"
    before = {p.name: p.read_bytes() for p in folder.glob("digest.*")}
    result = run_duluan(["digest", "--date", "2026-11-18"], demo["env"])
    assert result.returncode == 0, result.stderr[-2000:]
    assert {p.name: p.read_bytes() for p in folder.glob("digest.*")} == before


def test_weekly_summary(demo: dict) -> None:
    result = run_duluan(["digest", "--date", "2026-11-23", "--period", "week"], demo["env"])
    assert result.returncode == 0, result.stderr[-2000:]
    doc = json.loads((demo["data"] / "digests" / "2026-11-23" / "digest-week.json").read_text(encoding="utf-8"))
    assert doc["period"] == "week" and doc["issues"]
    top = doc["issues"][0]
    assert top["level"] == "do" and top["days_flagged"] >= 1
    assert sum(t["period"] for t in doc["topics"]) > sum(t["previous"] for t in doc["topics"]) > 0


def test_scraped_text_is_escaped(demo: dict) -> None:
    doc = digest(demo, "2026-11-17")
    evil = "<script>alert('x')</script> Sốt xuất huyết"
    doc["issues"][0]["title"] = evil
    doc["issues"][0]["documents"][0]["title"] = evil
    html = render_html(doc, {})
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<script>" not in render_markdown(doc)


def test_digest_for_a_date_without_news_is_empty_not_an_error(demo: dict) -> None:
    result = run_duluan(["digest", "--date", "2025-01-01"], demo["env"])
    assert result.returncode == 0, result.stderr[-2000:]
    doc = json.loads((demo["data"] / "digests" / "2025-01-01" / "digest.json").read_text(encoding="utf-8"))
    assert doc["issues"] == [] and doc["headline"]["documents"] == 0


def test_bad_date_is_a_one_line_failure(demo: dict) -> None:
    result = run_duluan(["digest", "--date", "23/11/2026"], demo["env"])
    assert result.returncode == 1 and result.stderr.strip().startswith("duluan: not a date")


@pytest.fixture
def smtp(demo: dict) -> Iterator[tuple[Inbox, dict]]:
    """A real SMTP server on 127.0.0.1 and the demo's environment pointing at it."""
    port = free_port()
    with smtp_server(port) as inbox:
        yield inbox, demo["env"] | smtp_env(port) | {
            "DULUAN_SMTP_TO": "khoagiao@quangngai.gov.vn,nghiepvuy@syt.quangngai.gov.vn"}


def test_alert_once_for_the_outbreak_unless_it_escalates(smtp: tuple[Inbox, dict]) -> None:
    inbox, env = smtp
    quiet = run_duluan(["alert", "--now", "2026-11-05T12:00+07:00"], env)
    assert quiet.returncode == 0 and "no new alert" in quiet.stdout and not inbox.messages
    first = run_duluan(["alert", "--now", "2026-11-17T07:00+07:00"], env)
    assert first.returncode == 0, first.stderr[-2000:]
    assert inbox.messages, first.stdout
    recipients, message = inbox.messages[0]
    assert recipients == ["khoagiao@quangngai.gov.vn", "nghiepvuy@syt.quangngai.gov.vn"]
    assert message["Subject"].startswith("[Khẩn – Đỏ]")
    assert "sốt xuất huyết" in message.get_body(("plain",)).get_content().lower()
    sent = len(inbox.messages)
    again = run_duluan(["alert", "--now", "2026-11-17T08:00+07:00"], env)
    assert again.returncode == 0 and "no new alert" in again.stdout
    assert len(inbox.messages) == sent


def test_digest_is_emailed_once(smtp: tuple[Inbox, dict]) -> None:
    inbox, env = smtp
    for _ in range(2):
        result = run_duluan(["digest", "--date", "2026-11-18", "--send"], env)
        assert result.returncode == 0, result.stderr[-2000:]
    assert len(inbox.messages) == 1
    message = inbox.messages[0][1]
    assert "18/11/2026" in message["Subject"]
    html = message.get_body(("html",)).get_content()
    assert "cid:" in html and "Vấn đề nóng" in html
    assert any(part.get_content_type() == "image/png" for part in message.walk())


def test_window_is_shown_in_vietnam_time_even_without_issues(demo: dict) -> None:
    doc = digest(demo, "2026-11-17")
    doc["issues"] = []
    assert "07:00 16/11/2026 đến 07:00 17/11/2026" in render_markdown(doc)


def test_rumour_carries_its_rebuttal_status(demo: dict) -> None:
    before = [x for x in digest(demo, "2026-11-18")["false_information"] if demo["events"].get(x["url"]) == "tindon"]
    assert before and {x["rebuttal"]["status"] for x in before} == {"chua_bac_bo"}
    assert all(x["rebuttal"]["documents"] == [] and x["rebuttal"]["hours_to_rebuttal"] is None for x in before)
    after = [x for x in digest(demo, "2026-11-20")["false_information"] if demo["events"].get(x["url"]) == "tindon"]
    assert after and {x["rebuttal"]["status"] for x in after} == {"da_bac_bo"}
    linked = after[0]["rebuttal"]
    assert linked["hours_to_rebuttal"] > 0
    assert {"url", "title", "source", "published_at"} <= set(linked["documents"][0])
    assert all(demo["events"].get(d["url"]) == "tindon" for d in linked["documents"])
    false_issues = [i for d in days(18, 20) for i in digest(demo, d)["issues"] if i["signal"] == "thong_tin_sai_lech"]
    assert false_issues and all(i["rebuttal"]["status"] in ("chua_bac_bo", "da_bac_bo") for i in false_issues)
    assert "Chưa bác bỏ:" in render_markdown(digest(demo, "2026-11-18"))
    assert "Đã bác bỏ sau" in render_html(digest(demo, "2026-11-20"), {})


def test_window_is_local_and_the_peak_includes_today(demo: dict) -> None:
    from pipeline.common.labels import LEVELS, level_rank

    doc = digest(demo, "2026-11-18")
    assert doc["window"] == {"start": "2026-11-17T07:00:00+07:00", "end": "2026-11-18T07:00:00+07:00"}
    times = re.findall(r'"(\d{4}-\d\d-\d\dT[\d:.]+[^"]*)"', json.dumps(doc))
    assert times and all(t.endswith("+07:00") for t in times), [t for t in times if not t.endswith("+07:00")]
    assert doc["continuing"]
    assert all(level_rank(row["peak_level"]) >= level_rank(row["level"]) for row in doc["continuing"])
    folder = demo["data"] / "digests" / "2026-11-18"
    names = {v: k for k, v in LEVELS.items()} | {"Dưới ngưỡng": None}
    for fmt, row in (("md", r"\[([^\]]+)\] .*— cao nhất: (\w+),"), ("html", r'">([^<]+)</span> .*— cao nhất: (\w+),')):
        text = (folder / f"digest.{fmt}").read_text(encoding="utf-8")
        assert "tin đăng từ 07:00 17/11/2026 đến 07:00 18/11/2026" in text
        first = doc["issues"][0]["documents"][0]
        assert f"{first['published_at'][11:16]} {first['published_at'][8:10]}/{first['published_at'][5:7]}" in text
        shown = re.findall(row, text)
        assert len(shown) == len(doc["continuing"]), fmt
        assert all(level_rank(names[peak]) >= level_rank(names[today]) for today, peak in shown), shown
