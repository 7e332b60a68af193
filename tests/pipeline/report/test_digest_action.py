"""The digest puts action first: "Cần xử lý hôm nay" lists exactly the đỏ and cam issues,
đỏ first; issues go by level then heat; vàng issues are folded; each issue shows 3
articles with the rest behind "xem thêm"; titles are cut at a word with "…"."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from lxml import html as lxml_html

from pipeline.common.taxonomy import taxonomy
from pipeline.report.digest import action_today, by_level, digest_json
from pipeline.report.render import ACTIONS_SHOWN, DOCS_SHOWN, LINE_CHARS, render_html, render_markdown
from pipeline.store.records import (DailySections, Digest, DocumentEntry, Headline, Issue, IssueEntry, SourceHealth,
                                    Trend)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAYS = [f"2026-11-{d}" for d in range(12, 19)]
LONG_TITLE = ("Bệnh viện Đa khoa tỉnh Quảng Ngãi quá tải nghiêm trọng vì bệnh nhân sốt xuất huyết tăng nhanh, "
              "nhiều người phải nằm ghép hai ba người một giường bệnh")


def entry(key: str, level: str | None, heat: float, documents: int = 2, title: str = "") -> IssueEntry:
    tax = taxonomy()
    docs = [DocumentEntry(f"https://baoquangngai.vn/{key}-{n}", f"Bài {n} về vấn đề {key}", "Báo Quảng Ngãi",
                          f"2026-11-18T0{n % 7}:15:00+07:00", "article", 0) for n in range(documents)]
    return IssueEntry(key=key, title=title or f"Vấn đề {key}", level=level, heat=heat, topic=tax.topics[0].code,
                      signal=tax.pressing, province="Quảng Ngãi", lead_agency=f"Cơ quan chủ trì {key}",
                      support_agency="Cơ quan phối hợp", why=f"Vì sao {key}.",
                      actions=[f"Việc đầu tiên cho {key}.", f"Việc thứ hai cho {key}."], components={},
                      trend=Trend(DAYS, [0, 0, 1, 1, 2, 3, 4], [5] * 7, [3.0] * 7, [None] * 6 + [level],
                                  [1.0] * 7), documents=docs)


def digest_doc(entries: list[IssueEntry]) -> dict:
    """A daily ``digest.json`` document holding ``entries`` (in the order given)."""
    sections = DailySections(issues=entries, action_today=action_today(entries),
                             headline=Headline(9, 5, 4.0, 6, 1, 0, {"do": 2, "cam": 1, "vang": 2}),
                             topics=[], false_information=[], good_examples=[], continuing=[],
                             sources=[SourceHealth("Báo Quảng Ngãi", "bqn", 9, "ok", {})])
    return digest_json(Digest("2026-11-18", "day", "Quảng Ngãi", datetime(2026, 11, 17, 7, tzinfo=TZ),
                              datetime(2026, 11, 18, 7, tzinfo=TZ), sections))


@pytest.fixture
def doc() -> dict:
    """Two đỏ, one cam, two vàng, in level order as build_daily gives them; the cam issue has 5 articles."""
    return digest_doc([entry("do-a", "do", 80.0), entry("do-b", "do", 72.0, title=LONG_TITLE),
                       entry("cam-a", "cam", 90.0, documents=5), entry("vang-a", "vang", 60.0, documents=4),
                       entry("vang-b", "vang", 40.0)])


def test_issues_go_by_level_then_heat() -> None:
    issues = [Issue(key=k, title=k, level=lv, heat=h, topic="", signal="", province=None, why="")
              for k, lv, h in [("a", "vang", 95), ("b", "cam", 90), ("c", "do", 71), ("d", "do", 88), ("e", "cam", 99)]]
    assert [i.key for i in by_level(issues)] == ["d", "c", "e", "b", "a"]


def test_action_today_lists_exactly_the_do_and_cam_issues_do_first() -> None:
    entries = [entry("cam-a", "cam", 90), entry("vang-a", "vang", 95), entry("do-a", "do", 70), entry("cam-b", "cam", 60)]
    items = action_today(entries)
    assert [(a.key, a.level) for a in items] == [("do-a", "do"), ("cam-a", "cam"), ("cam-b", "cam")]
    assert items[0].lead_agency == "Cơ quan chủ trì do-a" and items[0].action == "Việc đầu tiên cho do-a."
    assert action_today([entry("vang-a", "vang", 95)]) == []


def test_json_carries_the_action_block_and_keeps_the_issues(doc: dict) -> None:
    assert [a["key"] for a in doc["action_today"]] == ["do-a", "do-b", "cam-a"]
    assert set(doc["action_today"][0]) == {"key", "level", "title", "lead_agency", "action"}
    assert [i["key"] for i in doc["issues"]] == ["do-a", "do-b", "cam-a", "vang-a", "vang-b"]
    assert len(doc["issues"][2]["documents"]) == 5  # the contract keeps every document; the page folds them


def test_html_opens_with_the_action_block(doc: dict) -> None:
    tree = lxml_html.fromstring(render_html(doc, {}, TZ))
    assert tree.xpath("string(//h2[1])") == "Cần xử lý hôm nay"
    rows = tree.xpath('//section[@class="todo"]//li')
    assert [r.xpath("string(.//span[contains(@class, 'badge')])") for r in rows] == ["Đỏ", "Đỏ", "Cam"]
    assert [r.xpath("string(.//a/@href)") for r in rows] == ["#i-do-a", "#i-do-b", "#i-cam-a"]
    first = rows[0].text_content()
    assert "Vấn đề do-a" in first and "Cơ quan chủ trì do-a" in first and "Việc đầu tiên cho do-a." in first
    assert "Việc thứ hai" not in first
    long_row = rows[1].xpath("string(.//a)")
    assert long_row.endswith("…") and len(long_row) <= LINE_CHARS and LONG_TITLE.startswith(long_row[:-1])
    assert "2 vấn đề mức vàng" in tree.xpath('string(//section[@class="todo"])')


def test_html_folds_vang_and_shows_do_cam_open(doc: dict) -> None:
    tree = lxml_html.fromstring(render_html(doc, {}, TZ))
    assert [a.get("id") for a in tree.xpath("//article[contains(@class, 'issue')]")] == ["i-do-a", "i-do-b", "i-cam-a"]
    folded = tree.xpath("//details[contains(@class, 'issue')]")
    assert [d.get("id") for d in folded] == ["i-vang-a", "i-vang-b"]
    assert all(d.get("open") is None for d in folded)
    assert "Vì sao vang-a." in folded[0].text_content()  # folded, not dropped


def test_html_shows_three_articles_and_the_rest_behind_xem_them(doc: dict) -> None:
    tree = lxml_html.fromstring(render_html(doc, {}, TZ))
    cam = tree.xpath('//article[@id="i-cam-a"]')[0]
    shown = [a.get("href") for a in cam.xpath(".//a[contains(@href, 'baoquangngai')][not(ancestor::details)]")]
    assert shown == [f"https://baoquangngai.vn/cam-a-{n}" for n in range(DOCS_SHOWN)]
    more = cam.xpath(".//details[@class='more']")[0]
    assert more.xpath("string(summary)") == "Xem thêm 2 bài"
    assert [a.get("href") for a in more.xpath(".//a")] == ["https://baoquangngai.vn/cam-a-3", "https://baoquangngai.vn/cam-a-4"]
    assert not tree.xpath('//article[@id="i-do-a"]//details')  # 2 articles: nothing to fold


def test_html_shows_three_actions_and_folds_the_rest() -> None:
    busy = entry("do-a", "do", 80.0)
    busy.actions = [f"Việc số {n} cho do-a." for n in range(5)]
    tree = lxml_html.fromstring(render_html(digest_doc([busy]), {}, TZ))
    issue = tree.xpath('//article[@id="i-do-a"]')[0]
    shown = [li.text_content() for li in issue.xpath(".//li[starts-with(., 'Việc số')][not(ancestor::details)]")]
    assert shown == [f"Việc số {n} cho do-a." for n in range(ACTIONS_SHOWN)]
    more = issue.xpath(".//details[@class='more'][starts-with(summary, 'Thêm')]")[0]
    assert more.xpath("string(summary)") == "Thêm 2 việc cần làm"
    assert [li.text_content() for li in more.xpath(".//li")] == ["Việc số 3 cho do-a.", "Việc số 4 cho do-a."]


def test_html_folds_the_continuing_issues_under_a_count(doc: dict) -> None:
    tree = lxml_html.fromstring(render_html(doc, {}, TZ))
    folded = [d for d in tree.xpath("//details[not(contains(@class, 'issue'))]")
              if "Vấn đề đang tiếp diễn" in d.xpath("string(summary)")]
    assert len(folded) == 1 and "0 vấn đề" in folded[0].xpath("string(summary)")
    assert not [h for h in tree.xpath("//h2") if "tiếp diễn" in h.text_content()]


def test_markdown_opens_with_the_action_block_and_lists_vang_compactly(doc: dict) -> None:
    md = render_markdown(doc, TZ)
    sections = [line for line in md.splitlines() if line.startswith("## ")]
    assert sections[0] == "## Cần xử lý hôm nay"
    block = md.split("## Cần xử lý hôm nay")[1].split("\n## ")[0]
    rows = [line for line in block.splitlines() if re.match(r"\d+\. ", line)]
    assert [r.split("**")[1].split("]")[0] for r in rows] == ["[ĐỎ", "[ĐỎ", "[CAM"]
    assert "Cơ quan chủ trì cam-a" in rows[2] and "Việc đầu tiên cho cam-a." in rows[2]
    assert "### [VÀNG]" not in md and "### Mức vàng – theo dõi (2)" in md
    vang = [line for line in md.splitlines() if line.startswith("- **Vấn đề vang-")]
    assert len(vang) == 2 and "Vì sao vang-a." in vang[0] and "xem thêm" in vang[0] and "xem thêm" not in vang[1]
    cam = md.split("### [CAM] Vấn đề cam-a")[1].split("\n### ")[0]
    listed = [line for line in cam.splitlines() if line.startswith("- [Bài")]
    assert len(listed) == DOCS_SHOWN
    assert "- Xem thêm: [Báo Quảng Ngãi" in cam and "cam-a-4" in cam


def test_without_do_or_cam_the_block_says_so() -> None:
    doc = digest_doc([entry("vang-a", "vang", 60.0)])
    assert doc["action_today"] == []
    tree = lxml_html.fromstring(render_html(doc, {}, TZ))
    assert "Không có vấn đề mức đỏ hoặc cam." in tree.xpath('string(//section[@class="todo"])')
    assert "Không có vấn đề mức đỏ hoặc cam." in render_markdown(doc, TZ).split("## Số liệu chính")[0]


def test_a_summary_has_no_action_block(doc: dict) -> None:
    summary = {k: v for k, v in doc.items() if k != "action_today"} | {"period": "week"}
    summary["headline"] = {"documents": 9, "previous": 4, "levels": {"do": 2, "cam": 1, "vang": 2}}
    summary |= {"topics": [], "signals": []}
    assert "Cần xử lý hôm nay" not in render_html(summary, {}, TZ)
    assert "Cần xử lý hôm nay" not in render_markdown(summary, TZ)
