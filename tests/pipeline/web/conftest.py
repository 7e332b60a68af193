"""A workspace over a small store (SQLite and PostgreSQL) with two daily digests."""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pipeline.common.settings import Settings, load_settings
from pipeline.store.records import Document, Source
from pipeline.store.store import Store
from pipeline.web.accounts import add_user
from pipeline.web.app import create_app

PASSWORD = "mat-khau-rat-dai-1"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
DOCS = [
    ("https://baoqn.vn/ngo-doc-1", "Bệnh viện Đa khoa tỉnh tiếp nhận 30 ca ngộ độc", "Sau bữa tiệc cưới, 30 người nhập viện."),
    ("https://baoqn.vn/ngo-doc-2", "Ngộ độc tiệc cưới: thêm 12 người nhập viện", "Bệnh viện Đa khoa tỉnh điều trị tích cực."),
    ("https://baoqn.vn/ngo-doc-3", "Xác định nguyên nhân vụ ngộ độc tiệc cưới", "Sở Y tế lấy mẫu thức ăn xét nghiệm."),
    ("https://baoqn.vn/tin-don", "Tin đồn vắc xin gây vô sinh lan trên mạng", "Thông tin sai sự thật về tiêm chủng."),
]


@dataclass
class Web:
    """The app, its store, settings and helpers to log in."""

    store: Store
    settings: Settings
    data: Path
    new_client: Callable[..., TestClient]

    def login(self, username: str, password: str = PASSWORD, **client_args: Any) -> TestClient:
        """A client logged in as ``username``."""
        client = self.new_client(**client_args)
        token = csrf_of(client.get("/login").text)
        response = client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                               follow_redirects=False)
        assert response.status_code == 303, response.text[:500]
        return client


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = CSRF.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def issue(key: str, urls: list[str], level: str = "cam", signal: str = "van_de_buc_xuc") -> dict[str, Any]:
    """An issue as ``digest.json`` has it."""
    days = ["2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"]
    return {"key": key, "title": f"Vấn đề {key}", "level": level, "heat": 55.0, "topic": "an_toan_thuc_pham",
            "signal": signal, "province": "Quảng Ngãi", "lead_agency": "Sở Y tế (Phòng Nghiệp vụ Y)",
            "support_agency": "Ban Tuyên giáo Tỉnh ủy (Phòng Khoa giáo)", "why": "3 bài từ 2 nguồn trong 24 giờ.",
            "actions": ["Sở Y tế làm rõ sự việc."], "components": {"volume": 0.5, "ratio": 2.0},
            "trend": {"days": days, "documents": [0, 0, 0, 0, 0, 1, 3], "topic_province": [1, 1, 2, 1, 1, 2, 4],
                      "threshold": [3.0] * 7, "levels": [None] * 5 + ["vang", level]},
            "documents": [{"url": u, "title": u, "source": "Báo Quảng Ngãi", "published_at": "2026-11-22T20:00:00+07:00",
                           "kind": "article", "engagement": 0} for u in urls]}


def write_digest(data: Path, day: str, issues: list[dict[str, Any]]) -> None:
    """A daily ``digest.json`` in the data folder."""
    folder = data / "digests" / day
    folder.mkdir(parents=True, exist_ok=True)
    doc = {"date": day, "period": "day", "province": "Quảng Ngãi",
           "window": {"start": f"{day}T00:00:00+00:00", "end": f"{day}T00:00:00+00:00"}, "issues": issues,
           "headline": {"documents": 4, "yesterday": 1, "norm_4_weeks": 2.0, "pressing": 3, "false_information": 1,
                        "good_examples": 0, "levels": {"do": 0, "cam": 1, "vang": 0}},
           "topics": [], "false_information": [], "good_examples": [
               {"url": DOCS[2][0], "title": DOCS[2][1], "source": "Báo Quảng Ngãi"}], "continuing": [], "sources": []}
    (folder / "digest.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def web(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    """Users ``bien-tap`` (editor), ``chi-xem`` (viewer); digests of 22/11 and 23/11."""
    data = tmp_path / "data"
    monkeypatch.setenv("DULUAN_DATA_DIR", str(data))
    monkeypatch.setenv("DULUAN_CORRECTIONS", str(tmp_path / "corrections.jsonl"))
    base = load_settings()
    settings = replace(base, raw=base.raw | {"web": base.raw.get("web", {}) | {"index_seconds": 0}})
    store = Store(db_url)
    store.sync_sources([Source(id="baoqn", name="Báo Quảng Ngãi", kind="rss", urls=("https://baoqn.vn/rss",))])
    when = datetime(2026, 11, 22, 13, 0, tzinfo=timezone.utc)
    for url, title, text in DOCS:
        store.save_document(Document(url=url, url_canonical=url, source_id="baoqn", kind="article", title=title,
                                     text=text, published_at=when, date_source="meta"))
    add_user(store, "bien-tap", PASSWORD, "syt", "editor")
    add_user(store, "chi-xem", PASSWORD, "btg", "viewer")
    write_digest(data, "2026-11-22", [issue("aaaa00000001", [DOCS[0][0], DOCS[1][0]])])
    write_digest(data, "2026-11-23", [issue("bbbb00000002", [DOCS[1][0], DOCS[2][0]], level="do"),
                                      issue("cccc00000003", [DOCS[3][0]], level="vang", signal="thong_tin_sai_lech")])
    clients: list[TestClient] = []

    def new_client(settings_: Settings = settings, **kwargs: Any) -> TestClient:
        client = TestClient(create_app(store, settings_), **kwargs)
        clients.append(client)
        return client

    yield Web(store, settings, data, new_client)
    for client in clients:
        client.close()
    store.engine.dispose()
