"""The analysts' DataFrames on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pandas as pd

from pipeline import frames
from pipeline.store.schema import AnalysisRow, DocumentRow, SourceRow
from pipeline.store.store import Store

START = datetime(2026, 11, 10, 1, 0, tzinfo=timezone.utc)  # 08:00 in Vietnam


def fill(store: Store) -> None:
    """12 documents over 4 days: dengue in Quảng Ngãi growing, advice nationwide, one irrelevant."""
    plan = [(0, "dich_benh", "van_de_buc_xuc", ["Quảng Ngãi"]), (0, "kien_thuc_suc_khoe", "thong_tin_chung", []),
            (1, "dich_benh", "van_de_buc_xuc", ["Quảng Ngãi"]), (1, "dich_benh", "van_de_buc_xuc", ["Quảng Ngãi"]),
            (2, "dich_benh", "van_de_buc_xuc", ["Quảng Ngãi"]), (2, "dich_benh", "thong_tin_sai_lech", ["Quảng Ngãi"]),
            (2, "dich_benh", "van_de_buc_xuc", ["Hà Nội"]), (2, "khong_lien_quan", "thong_tin_chung", []),
            (3, "dich_benh", "van_de_buc_xuc", ["Quảng Ngãi"]), (3, "dich_benh", "van_de_buc_xuc", ["Quảng Ngãi"]),
            (3, "kham_chua_benh", "van_de_buc_xuc", []), (3, "dich_benh", "van_de_buc_xuc", ["Quảng Ngãi"])]
    with store.session() as s:
        s.add(SourceRow(id="bqn", name="Báo Quảng Ngãi", kind="rss", urls=[], province="Quảng Ngãi", config={}))
        s.flush()
        for n, (day, topic, signal, provinces) in enumerate(plan, 1):
            at = START + timedelta(days=day, minutes=n)
            s.add(DocumentRow(id=n, url_canonical=f"http://x/{n}", url=f"http://x/{n}", source_id="bqn",
                              kind="article", title=f"Sốt xuất huyết tăng ở phường Cẩm Thành {n}",
                              text="Số ca sốt xuất huyết tăng.", published_at=at, content_sha1=str(n),
                              fetched_at=at, updated_at=at, extra={}))
            s.flush()
            s.add(AnalysisRow(document_id=n, processed_at=at, models="t", relevant=topic != "khong_lien_quan",
                              topic=topic, signal=signal, scores={}, why=[], provinces=provinces, units=[],
                              facilities=[]))


def test_documents_and_filters(db_url: str) -> None:
    store = Store(db_url)
    fill(store)
    docs = frames.documents(store)
    assert len(docs) == 11 and "khong_lien_quan" not in set(docs["topic"])
    assert str(docs["published_at"].dt.tz) == "Asia/Ho_Chi_Minh"
    local = frames.documents(store, "2026-11-11", "2026-11-13", province="Quảng Ngãi", topic="dich_benh")
    assert list(local["id"]) == [3, 4, 5, 6]  # 11/11 07:00 to 13/11 07:00, Quảng Ngãi only
    unplaced = frames.documents(store, province="Quảng Ngãi", signal=["thong_tin_chung"])
    assert list(unplaced["id"]) == [2]  # no province named: the source's province


def test_daily_counts(db_url: str) -> None:
    store = Store(db_url)
    fill(store)
    counts = frames.daily_counts(store, by=("topic", "province"), topic="dich_benh", province="Quảng Ngãi")
    assert list(counts["documents"]) == [1, 2, 2, 3]
    assert list(counts["day"]) == list(pd.to_datetime(["2026-11-11", "2026-11-12", "2026-11-13", "2026-11-14"]))
    by_signal = frames.daily_counts(store, by=("signal",))
    assert by_signal["documents"].sum() == 11


def test_stories_and_issues(db_url: str) -> None:
    store = Store(db_url)
    fill(store)
    found = frames.stories("2026-11-14", store)
    assert found["documents"].sum() == 11 and found["documents"].max() >= 3
    scored = frames.issues("2026-11-14", store)
    top = scored.iloc[0]
    assert top["province"] == "Quảng Ngãi" and top["topic"] == "dich_benh" and top["documents_24h"] >= 2
    assert frames.alerts(store).empty
