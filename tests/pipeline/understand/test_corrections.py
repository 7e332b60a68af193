"""The corrections loop: review queue, recorded corrections, training rows."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.understand.corpora import Gold, Item
from pipeline.understand.corrections import correction_examples, record_correction, review_queue
from pipeline.store.schema import AnalysisRow, DocumentRow
from pipeline.store.store import Store
from pipeline.understand.train import build_dataset
from tests.pipeline.test_frames import fill


def test_corrections_become_training_rows_only(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    fill(store)
    path = tmp_path / "corrections.jsonl"
    record_correction(store, 2, "dich_benh", "van_de_buc_xuc", "analyst", path)
    record_correction(store, 2, "dich_benh", "thong_tin_sai_lech", "analyst", path)  # replaces the first
    record_correction(store, 8, "khong_lien_quan", "thong_tin_chung", "analyst", path)
    with pytest.raises(ValueError):
        record_correction(store, 8, "khong_lien_quan", "van_de_buc_xuc", "analyst", path)
    assert len(path.read_text(encoding="utf-8").splitlines()) == 2
    with store.session() as s:  # a document edited after its correction no longer counts
        s.get(DocumentRow, 8).content_sha1 = "changed"
    examples = correction_examples(store, path)
    assert [(g.key, g.signal) for g, _ in examples] == [("http://x/2", "thong_tin_sai_lech")]
    assert "Sốt xuất huyết" in examples[0][1].title and "x/2" not in path.read_text(encoding="utf-8").split('"sha1"')[1]
    gold = [(Gold("g1", "s", "kien_thuc_suc_khoe", "thong_tin_chung", "a1"), Item("g1", "Ăn rau", "tốt", "s"))]
    data = build_dataset("signal", gold, [], {"g1"}, examples)
    assert "thong_tin_sai_lech" in data.train_y and "thong_tin_sai_lech" not in data.test_y
    assert data.test_x == [gold[0][1].record()]


def test_review_queue_lists_unsure_and_disputed(db_url: str) -> None:
    store = Store(db_url)
    fill(store)
    with store.session() as s:
        for a in s.query(AnalysisRow):
            a.scores = {"relevance": 0.55 if a.document_id == 3 else 0.99,
                        "topic": {a.topic: 0.9, "khong_lien_quan": 0.1}}
        s.get(AnalysisRow, 11).topic = "an_toan_thuc_pham"  # the keyword rules say dịch bệnh (sốt xuất huyết)
    queue = review_queue(store)
    assert list(queue["id"])[:1] == [3] and bool(queue.set_index("id").loc[11, "disputed"])
