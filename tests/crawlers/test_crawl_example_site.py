"""End to end: ``duluan crawl --sources FILE`` on the example site (a national
paper, a provincial paper with listing and news sitemap, a government portal,
a forum and post exports) fills the store with exactly what the pages say."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from crawlers.example import EXAMPLE_ROOT, EXAMPLE_SITE
from crawlers.loopback import LoopbackSite
from pipeline.store.schema import DocumentRow, ProblemRow
from pipeline.store.store import Store
from pipeline.parse.urls import canonical_url
from tests.conftest import REPO, duluan_env, run_duluan, write_sources

SITE_SOURCES = {"tinsuckhoe": {"tinsuckhoe"}, "baotinh": {"baotinh-y-te", "baotinh-sitemap"},
                "congthongtin": {"congthongtin"}, "dien-dan": {"dien-dan", "mang-xa-hoi"}}


def test_example_site_is_stored_as_written(db_url: str, tmp_path: Path) -> None:
    manifest = json.loads((EXAMPLE_ROOT / "manifest.json").read_text(encoding="utf-8"))
    with LoopbackSite(EXAMPLE_SITE) as site:
        sources = write_sources(EXAMPLE_ROOT / "sources.yaml", site.base_url, tmp_path)
        result = run_duluan(["crawl", "--sources", str(sources)], duluan_env(db_url, tmp_path / "data"))
        assert result.returncode == 0, result.stderr[-3000:]
        base = site.base_url
    store = Store(db_url)
    with store.session() as s:
        docs = {d.url_canonical: d for d in s.scalars(select(DocumentRow))}
        problems = [p.reason for p in s.scalars(select(ProblemRow))]
    assert problems == []
    assert len(docs) == len(manifest)
    for item in manifest:
        doc = docs[canonical_url(base + item["path"] if item["path"].startswith("/") else item["path"])]
        assert doc.kind == item["kind"], item["path"]
        assert doc.source_id in SITE_SOURCES[item["site"]], item["path"]
        if item["title"]:
            assert doc.title == item["title"], item["path"]
        elif doc.kind == "post":  # titled by the start of its text, cut after a whole word
            start = doc.title.removesuffix("…")
            assert start and " ".join(doc.text.split()).startswith(start), (doc.title, doc.text[:150])
            assert doc.title == start or " ".join(doc.text.split())[len(start)] in " ,.;:!?", doc.title
        assert doc.text.startswith(item["text_start"]), (item["path"], doc.text[:80])
        assert doc.published_at == datetime.fromisoformat(item["published_at"]), item["path"]
        if doc.kind == "post":
            assert doc.extra["author_hash"] and len(doc.extra["author_hash"]) == 32
    stored_text = " ".join(d.text + " " + json.dumps(d.extra, ensure_ascii=False) for d in docs.values())
    assert "author_name" not in stored_text and "u12345" not in stored_text


def test_unknown_sources_file_fails_with_one_line(tmp_path: Path) -> None:
    result = run_duluan(["crawl", "--sources", str(tmp_path / "missing.yaml")],
                        duluan_env(f"sqlite:///{tmp_path / 's.db'}", tmp_path / "data"))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("duluan: cannot read")


def test_scrapy_crawl_keeps_working(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 's.db'}"
    with LoopbackSite(EXAMPLE_SITE) as site:
        sources = write_sources(EXAMPLE_ROOT / "sources.yaml", site.base_url, tmp_path)
        env = duluan_env(db_url, tmp_path / "data")
        result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "rss", "-a", "source=tinsuckhoe",
                                 "-a", f"sources_file={sources}"], env=env, cwd=REPO, capture_output=True,
                                text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    with Store(db_url).session() as s:
        titles = set(s.scalars(select(DocumentRow.title).where(DocumentRow.source_id == "tinsuckhoe")))
    assert "Số ca sốt xuất huyết ở Quảng Ngãi tăng gần gấp đôi" in titles and len(titles) == 6
