"""``duluan process``: documents become analyses, incrementally and re-runnably."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select

from pipeline.understand.process import process_pending
from pipeline.store.records import Document
from pipeline.store.schema import AnalysisRow
from pipeline.store.store import Store
from tests.conftest import duluan_env, run_duluan

WHEN = datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc)
STORY = ("Hơn 40 học sinh Trường Tiểu học xã Bình Sơn, tỉnh Quảng Ngãi phải nhập viện sau bữa trưa bán trú. "
         "Các em có biểu hiện đau bụng, nôn ói sau khi ăn cơm gà. Trung tâm Y tế khu vực đã lấy mẫu thức ăn "
         "để xét nghiệm, Sở Y tế chỉ đạo điều tra nguyên nhân vụ ngộ độc thực phẩm.")


def _doc(n: int, title: str, text: str) -> Document:
    url = f"https://bao.vn/bai-{n}.html"
    return Document(url=url, url_canonical=url, source_id="bao", kind="article", title=title, text=text,
                    published_at=WHEN, date_source="meta")


def _analyses(store: Store) -> dict[int, AnalysisRow]:
    with store.session() as s:
        return {a.document_id: a for a in s.scalars(select(AnalysisRow))}


def test_process_is_incremental_and_rerunnable(db_url: str) -> None:
    store = Store(db_url)
    store.save_document(_doc(1, "Hơn 40 học sinh nhập viện sau bữa trưa bán trú", STORY))
    store.save_document(_doc(2, "40 học sinh nhập viện sau bữa trưa", STORY + " Theo báo địa phương."))
    store.save_document(_doc(3, "Hospital overcrowding in the province",
                             "The provincial hospital is overcrowded and patients wait for hours every day."))
    store.save_document(_doc(4, "Giá vé tàu Tết tăng nhẹ", "Ngành đường sắt mở bán vé tàu Tết với nhiều ưu đãi."))
    summary = process_pending(store, "Quảng Ngãi", batch_size=2)
    assert (summary.processed, summary.skipped) == (4, 1)
    rows = _analyses(store)
    first = rows[1]
    assert first.relevant and first.topic == "an_toan_thuc_pham" and first.signal == "van_de_buc_xuc"
    assert first.provinces == ["Quảng Ngãi"] and "xã Bình Sơn (Quảng Ngãi)" in first.units
    assert first.why and first.models.startswith("relevance-")
    assert rows[2].dup_group == rows[1].dup_group == 1  # syndicated copy joins the first
    assert rows[3].skipped.startswith("not Vietnamese") and not rows[3].relevant
    assert not rows[4].relevant and rows[4].topic == "khong_lien_quan" and rows[4].dup_group == 4

    assert process_pending(store, "Quảng Ngãi").processed == 0  # nothing new: nothing done
    store.save_document(_doc(4, "Bệnh viện tỉnh quá tải", "Người bệnh nằm ghép hai ba người một giường."))
    again = process_pending(store, "Quảng Ngãi")
    assert again.processed == 1 and _analyses(store)[4].relevant


def test_process_command(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 's.db'}"
    Store(db_url).save_document(_doc(1, "Hơn 40 học sinh nhập viện sau bữa trưa bán trú", STORY))
    env = duluan_env(db_url, tmp_path / "data")
    first = run_duluan(["process"], env)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "processed 1 documents: 1 about health" in first.stdout
    assert "processed 0 documents" in run_duluan(["process"], env).stdout
