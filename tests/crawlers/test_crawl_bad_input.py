"""End to end: ``duluan crawl`` against a loopback site full of bad input."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, select

from pipeline.store.schema import CrawlRunRow, DocumentRow, ProblemRow, RawPageRow, SourceRow
from pipeline.store.store import Store, decompress
from tests.conftest import FIXTURES, duluan_env, run_duluan, write_sources


def _crawl(bad_site, db_url: str, tmp_path: Path, test_config: Path, *extra: str):
    sources = write_sources(FIXTURES / "badsite" / "sources.yaml", bad_site.base_url, tmp_path)
    result = run_duluan(["crawl", "--sources", str(sources), *extra],
                        duluan_env(db_url, tmp_path / "data", test_config))
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_bad_input_is_named_counted_and_kept(bad_site, db_url, tmp_path, test_config):
    result = _crawl(bad_site, db_url, tmp_path, test_config)
    store = Store(db_url)
    with store.session() as s:
        docs = {d.url_canonical.removeprefix(bad_site.base_url): d for d in s.scalars(select(DocumentRow))}
        problems = list(s.scalars(select(ProblemRow)))
        run = s.scalars(select(CrawlRunRow)).one()
        sources = {r.id: r for r in s.scalars(select(SourceRow))}
    reasons = Counter(p.reason for p in problems)

    # Every bad case is named with its reason, against its source and URL.
    by_url = {(p.url or "").removeprefix(bad_site.base_url): p for p in problems}
    assert by_url["/bai/da-go-123010.html"].reason == "http_404"
    assert by_url["/err/410"].reason == "http_410"
    assert by_url["/err/500"].reason == "http_500"
    assert by_url["/cham"].reason == "timeout"
    assert by_url["/vong/a"].reason == "redirect_loop"
    assert by_url["/bai/trang-rong-123004.html"].reason == "empty_page"
    assert by_url["/bai/tai-lieu-123005.pdf"].reason == "not_html"
    assert by_url["/bai/trang-qua-lon-123009.html"].reason == "oversized"
    assert by_url["/private/cam-123003.html"].reason == "robots_disallowed"
    assert by_url["/feeds/khong-phai-feed.rss"].reason == "feed_unparseable"
    assert by_url["/feeds/khong-co.rss"].reason == "http_404"
    assert by_url["/feeds/loi.rss"].reason == "feed_malformed"
    assert reasons["item_no_link"] == 1 and reasons["item_no_date"] == 1
    assert all(p.source_id for p in problems)
    # Quarantined bytes are kept for the cases that had bytes.
    assert decompress(by_url["/bai/tai-lieu-123005.pdf"].body_z).startswith(b"%PDF")
    assert decompress(by_url["/feeds/khong-phai-feed.rss"].body_z).startswith(b"<html>")

    # Counted in the crawl-run record.
    totals = run.stats["totals"]
    assert run.status == "ok"
    assert totals["problem/http_404"] == 2 and totals["problem/timeout"] == 1
    assert totals["problem/redirect_loop"] == 1 and totals["problem/oversized"] == 1

    # Source health: a failing feed is marked, a good one is not.
    assert sources["mat-tich"].consecutive_failures == 1 and "http_404" in sources["mat-tich"].last_error
    assert sources["khong-phai-feed"].consecutive_failures == 1
    assert sources["bao-thu"].consecutive_failures == 0 and sources["bao-thu"].last_ok_at is not None

    # Good articles are stored, decoded, with dates in UTC; variants collapse.
    sxh = docs["/bai/sot-xuat-huyet-tang-manh-123001.html"]
    assert sxh.title == "Sốt xuất huyết tăng mạnh ở phường Cẩm Thành"
    assert sxh.text.startswith("Trong tuần qua, phường Cẩm Thành ghi nhận 45 ca")
    assert sxh.published_at == datetime(2026, 11, 20, 0, 15, tzinfo=timezone.utc)
    cp1258 = docs["/bai/tram-y-te-thieu-thuoc-123006.html"]
    assert cp1258.title == "Trạm y tế xã thiếu thuốc điều trị tăng huyết áp"
    assert "Nguyễn Thị Hoà" in cp1258.text and cp1258.extra["encoding"] == "cp1258"
    utf16 = docs["/bai/bac-bo-tin-don-123007.html"]
    assert utf16.title.startswith("Sở Y tế bác bỏ tin đồn") and utf16.extra["encoding"] == "utf-16"
    assert utf16.published_at == datetime(2026, 11, 22, 12, 45, tzinfo=timezone.utc)
    nodate = docs["/bai/phong-benh-mua-mua-123008.html"]
    assert nodate.published_at is None and reasons["no_date"] == 1
    # The print version declares the same canonical URL: one document, not two.
    assert "/bai/ngo-doc-ban-tru-123002.html" in docs
    assert "/bai/ngo-doc-ban-tru-ban-in-123002.html" not in docs
    # The AMP and tracking variants were never requested separately.
    assert not any(h.endswith("/amp") for h in bad_site.hits)
    # A 404 article keeps what the feed said, marked partial.
    gone = docs["/bai/da-go-123010.html"]
    assert gone.partial and gone.title == "Bài đã bị gỡ" and "quá tải" in gone.text
    complete = [d for d in docs.values() if not d.partial]
    assert len(complete) == 5
    assert "documents: 5 new" in result.stdout


def test_rerun_duplicates_nothing_and_refetches_nothing_stored(bad_site, db_url, tmp_path, test_config):
    _crawl(bad_site, db_url, tmp_path, test_config)
    store = Store(db_url)
    first_docs = store.count(DocumentRow)
    first_pages = store.count(RawPageRow)
    hits_before = len(bad_site.hits)
    article = "/bai/sot-xuat-huyet-tang-manh-123001.html"
    assert bad_site.hits.count(article) == 1

    _crawl(bad_site, db_url, tmp_path, test_config)
    assert store.count(DocumentRow) == first_docs
    assert store.count(RawPageRow) == first_pages
    assert bad_site.hits[hits_before:].count(article) == 0  # stored: not fetched again
    assert "/bai/da-go-123010.html" in bad_site.hits[hits_before:]  # partial: tried again
    with store.session() as s:
        dupes = s.execute(select(DocumentRow.url_canonical, func.count())
                          .group_by(DocumentRow.url_canonical).having(func.count() > 1)).all()
    assert dupes == []

    _crawl(bad_site, db_url, tmp_path, test_config, "--refresh")
    assert bad_site.hits.count(article) == 2
    assert store.count(DocumentRow) == first_docs
