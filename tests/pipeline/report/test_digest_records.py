"""The digest is built from typed records; digest.json keeps its contract, renderers
take the time zone they are given, and alerts render the typed issue."""
from __future__ import annotations

from datetime import date, timezone
from zoneinfo import ZoneInfo

from pipeline.common.settings import load_settings
from pipeline.detect.hotissues import detect
from pipeline.detect.mentions import Clock
from pipeline.report.digest import build_daily, digest_json, issue_entry
from pipeline.report.render import render_alert, render_markdown
from pipeline.store.records import Analysis, DailySections, Headline, IssueEntry, TopicCount, WatchItem
from pipeline.store.store import Store
from tests.conftest import REPO
from tests.pipeline.test_frames import fill

DAY = date(2026, 11, 14)


def test_daily_digest_sections_are_typed_and_keep_the_contract(tmp_path) -> None:  # noqa: ANN001
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    fill(store)
    settings = load_settings(REPO / "config" / "settings.toml")
    digest = build_daily(store, settings, DAY)
    sections = digest.sections
    assert isinstance(sections, DailySections) and isinstance(sections.headline, Headline)
    assert sections.headline.documents == sections.headline.pressing == 4 and sections.headline.yesterday == 3
    assert all(isinstance(t, TopicCount) for t in sections.topics)
    assert [t.topic for t in sections.topics][:2] == ["dich_benh", "kham_chua_benh"]
    assert all(isinstance(w, WatchItem) for w in sections.false_information + sections.good_examples)
    doc = digest_json(digest)
    assert list(doc) == ["date", "period", "province", "window", "issues", "action_today", "headline", "topics",
                         "false_information", "good_examples", "continuing", "sources"]
    for issue in doc["issues"]:
        assert {"title", "level", "topic", "signal", "lead_agency", "why", "documents"} <= set(issue)
        assert all(set(d) >= {"url", "title", "source", "published_at"} for d in issue["documents"])
    assert "07:00 13/11/2026 đến 07:00 14/11/2026" in render_markdown(doc, ZoneInfo("Asia/Ho_Chi_Minh"))
    assert "00:00 13/11/2026 đến 00:00 14/11/2026" in render_markdown(doc, timezone.utc)


def test_alerts_render_the_typed_issue(tmp_path) -> None:  # noqa: ANN001
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    fill(store)
    settings = load_settings(REPO / "config" / "settings.toml")
    clock = Clock.from_settings(settings)
    report = detect(store, settings, clock.end_of(DAY))
    entry = issue_entry(report.issues[0], clock, report.days[-7:])
    assert isinstance(entry, IssueEntry) and entry.trend.days[-1] == "2026-11-14"
    text, html = render_alert(entry, "cid:x")
    assert entry.title in text and entry.lead_agency in html and 'src="cid:x"' in html


def test_classify_output_is_built_from_the_analysis() -> None:
    analysis = Analysis(True, "dich_benh", "van_de_buc_xuc", {"relevance": 0.9}, ["sốt xuất huyết"],
                        ["Quảng Ngãi"], ["xã Bình Sơn (Quảng Ngãi)"], [])
    assert analysis.output(7) == {"id": 7, "relevant": True, "topic": "dich_benh", "signal": "van_de_buc_xuc",
                                  "scores": {"relevance": 0.9}, "places": ["Quảng Ngãi"], "why": ["sốt xuất huyết"],
                                  "units": ["xã Bình Sơn (Quảng Ngãi)"], "facilities": []}
