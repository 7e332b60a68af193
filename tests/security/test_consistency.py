"""Consistency under hostile timing and input: a document rewritten mid-batch, an
over-long source id, a crawl killed with SIGKILL, SMTP without encryption."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from sqlalchemy import select

from crawlers.loopback import LoopbackSite
from pipeline.report.notify import NotifyError, SmtpSettings
from pipeline.store.records import Document
from pipeline.store.schema import AnalysisRow, CrawlRunRow, DocumentRow, SourceRow
from pipeline.store.store import Store
from pipeline.understand import process
from tests.conftest import REPO, duluan_env, run_duluan
from tests.security.conftest import HOSTILE

EXPORT = HOSTILE / "exports" / "ca-nhan.csv"
WHEN = datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc)


def _doc(title: str, text: str) -> Document:
    url = "https://bao.vn/bai-1.html"
    return Document(url=url, url_canonical=url, source_id="bao", kind="article", title=title, text=text,
                    published_at=WHEN, date_source="meta")


def test_document_rewritten_during_its_batch_stays_pending(db_url, monkeypatch):
    store = Store(db_url)
    store.save_document(_doc("Giá vé tàu Tết tăng nhẹ", "Ngành đường sắt mở bán vé tàu Tết với nhiều ưu đãi."))
    original = process.analyse_batch
    calls = []

    def rewrite_then_analyse(docs, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if not calls:  # the crawler rewrites the page after process read it
            store.save_document(_doc("Hơn 40 học sinh nhập viện sau bữa trưa bán trú",
                                     "Hơn 40 học sinh Trường Tiểu học xã Bình Sơn, tỉnh Quảng Ngãi phải nhập viện "
                                     "sau bữa trưa bán trú vì ngộ độc thực phẩm; Sở Y tế điều tra nguyên nhân."))
        calls.append(len(docs))
        return original(docs, *args, **kwargs)

    monkeypatch.setattr(process, "analyse_batch", rewrite_then_analyse)
    summary = process.process_pending(store, "Quảng Ngãi")
    assert calls == [1, 1] and summary.processed == 2  # analysed again, with the new text
    assert process.pending_count(store) == 0
    with store.session() as s:
        analysis = s.scalars(select(AnalysisRow)).one()
        doc = s.scalars(select(DocumentRow)).one()
    assert analysis.relevant and analysis.topic == "an_toan_thuc_pham"
    assert analysis.processed_at == doc.updated_at


def test_over_long_source_id_is_skipped_alone(db_url, tmp_path, test_config):
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"sources:\n  - {{id: {'x' * 150}, name: Dài, kind: posts, url: '{EXPORT}'}}\n"
                       f"  - {{id: tep-tot, name: Tệp tốt, kind: posts, url: '{EXPORT}', platform: facebook}}\n",
                       encoding="utf-8")
    result = run_duluan(["crawl", "--sources", str(sources)], duluan_env(db_url, tmp_path / "data", test_config))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "id is 150 characters long, more than 100" in result.stderr
    store = Store(db_url)
    with store.session() as s:
        assert [r.id for r in s.scalars(select(SourceRow))] == ["tep-tot"]
        assert {d.source_id for d in s.scalars(select(DocumentRow))} == {"tep-tot"}


def _hang(h: BaseHTTPRequestHandler) -> None:
    time.sleep(15)
    h.send_body(200, b"<rss/>", "application/rss+xml")


def test_crawl_killed_with_sigkill_is_marked_aborted_on_next_start(db_url, tmp_path, test_config):
    settings = test_config / "settings.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("download_timeout = 2", "download_timeout = 30"),
                        encoding="utf-8")
    env = duluan_env(db_url, tmp_path / "data", test_config)
    with LoopbackSite(tmp_path, {"/feed.rss": _hang}) as site:
        slow = tmp_path / "slow.yaml"
        slow.write_text(f"sources:\n  - {{id: cham, name: Chậm, kind: rss, url: '{site.base_url}/feed.rss'}}\n",
                        encoding="utf-8")
        killed = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "crawl", "--sources", str(slow)],
                                  env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while "/feed.rss" not in site.hits:  # the run is open and the crawl is under way
                assert time.monotonic() < deadline and killed.poll() is None
                time.sleep(0.1)
        finally:
            killed.send_signal(signal.SIGKILL)
            killed.wait()
    store = Store(db_url)
    with store.session() as s:
        assert [r.status for r in s.scalars(select(CrawlRunRow))] == ["running"]
    good = tmp_path / "good.yaml"
    good.write_text(f"sources:\n  - {{id: tep, name: Tệp, kind: posts, url: '{EXPORT}'}}\n", encoding="utf-8")
    result = run_duluan(["crawl", "--sources", str(good)], env)
    assert result.returncode == 0, result.stderr[-3000:]
    with store.session() as s:
        runs = list(s.scalars(select(CrawlRunRow).order_by(CrawlRunRow.id)))
    assert [r.status for r in runs] == ["aborted", "ok"]
    assert f"process {killed.pid} ended" in runs[0].stats["aborted"] and runs[0].finished_at is not None


@pytest.mark.parametrize("host, allowed", [("smtp.quangngai.gov.vn", False), ("10.0.0.25", False),
                                           ("127.0.0.1", True), ("localhost", True), ("::1", True)])
def test_smtp_without_encryption_refuses_a_password_off_loopback(host: str, allowed: bool):
    env = {"DULUAN_SMTP_HOST": host, "DULUAN_SMTP_SECURITY": "none", "DULUAN_SMTP_USER": "duluan",
           "DULUAN_SMTP_PASSWORD": "mat-khau", "DULUAN_SMTP_FROM": "duluan@quangngai.gov.vn",
           "DULUAN_SMTP_TO": "khoagiao@quangngai.gov.vn"}
    if allowed:
        assert SmtpSettings.from_env(env).password == "mat-khau"
    else:
        with pytest.raises(NotifyError, match="cleartext"):
            SmtpSettings.from_env(env)
    assert SmtpSettings.from_env(env | {"DULUAN_SMTP_PASSWORD": ""}).security == "none"  # no password: allowed
    assert SmtpSettings.from_env(env | {"DULUAN_SMTP_SECURITY": "starttls"}).password == "mat-khau"
