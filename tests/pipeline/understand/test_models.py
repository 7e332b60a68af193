"""The committed models: they load without ../shared, keep their pinned floors
on the committed held-out split, and classify as the contract says."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.understand.classify import Classifier
from pipeline.understand.corpora import gold_items, load_gold
from pipeline.understand.models import load_metrics
from pipeline.understand.train import evaluate_model, heldout_keys
from tests.conftest import REPO

# Pinned floors: a retrained model must not fall below these (figures in metrics.json).
FLOORS = {
    "relevance": {"f1_health": 0.97, "f1_health_plain": 0.97},
    "topic": {"macro_f1": 0.70, "macro_f1_plain": 0.69},
    "signal": {"macro_f1": 0.73, "macro_f1_plain": 0.71},
}


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier()


@pytest.mark.parametrize("task", sorted(FLOORS))
def test_committed_metrics_meet_floors(task: str) -> None:
    metrics = load_metrics(task)
    key = "f1_health" if task == "relevance" else "macro_f1"
    assert metrics["heldout"][key] >= FLOORS[task][key]
    assert metrics["heldout_no_diacritics"][key] >= FLOORS[task][f"{key}_plain"]


@pytest.mark.parametrize("task", sorted(FLOORS))
def test_floors_hold_on_the_committed_heldout_split(shared_data: Path, classifier: Classifier, task: str) -> None:
    gold = load_gold()
    held = heldout_keys(gold)
    items = [(g, i) for g, i in gold_items(gold) if g.key in held]
    assert len(items) == len(held)
    if task == "signal":  # learnt and measured on texts about health: others get the default signal
        items = [(g, i) for g, i in items if g.topic != "khong_lien_quan"]
    model = getattr(classifier, task)
    labels = [("khong" if g.topic == "khong_lien_quan" else "y_te") if task == "relevance" else
              getattr(g, task) for g, _ in items]
    metrics = evaluate_model(model, task, [i.record() for _, i in items], labels)
    key = "f1_health" if task == "relevance" else "macro_f1"
    assert metrics["heldout"][key] >= FLOORS[task][key]
    assert metrics["heldout_no_diacritics"][key] >= FLOORS[task][f"{key}_plain"]
    assert metrics["heldout"][key] == pytest.approx(load_metrics(task)["heldout"][key], abs=0.02)


def test_relevance_decision_of_classify_on_heldout(shared_data: Path, classifier: Classifier) -> None:
    """What process and classify decide (either model says health): at least as good as
    the relevance model alone, with and without diacritics."""
    from sklearn.metrics import f1_score

    from pipeline.understand.normalize import strip_diacritics

    gold = load_gold()
    held = heldout_keys(gold)
    items = [(g, i) for g, i in gold_items(gold) if g.key in held]
    truth = [g.topic != "khong_lien_quan" for g, _ in items]
    texts = [f"{i.title}\n{i.text}" for _, i in items]
    for batch in (texts, [strip_diacritics(t) for t in texts]):
        assert f1_score(truth, [p.relevant for p in classifier.predict(batch)]) >= 0.97


def test_informal_posts_about_health_are_relevant(classifier: Classifier) -> None:
    posts = ["bé nhà e bị sxh, tiểu cầu giảm mà bv ko còn giường, phải nằm ghép mn ơi",
             "Khu Truong Quang Trong muoi qua troi, bao gio moi phun thuoc diet muoi vay",
             "co ai thu nuoc la du du pha chanh chua sxh chua? thay clip tren tiktok"]
    assert all(p.relevant for p in classifier.predict(posts))


@pytest.mark.parametrize(("text", "topic", "signal"), [
    ("Hơn 40 học sinh nhập viện sau bữa trưa bán trú. Các em đau bụng, nôn ói sau khi ăn cơm gà tại trường.",
     "an_toan_thuc_pham", "van_de_buc_xuc"),
    ("Sở Y tế bác bỏ tin đồn uống nước lá đu đủ chữa khỏi sốt xuất huyết đang lan truyền trên mạng xã hội.",
     "dich_benh", "thong_tin_sai_lech"),
    ("5 loại rau giúp hạ men gan. Chuyên gia dinh dưỡng khuyên nên ăn nhiều rau xanh.",
     "kien_thuc_suc_khoe", "thong_tin_chung"),
])
def test_taxonomy_examples(classifier: Classifier, text: str, topic: str, signal: str) -> None:
    pred = classifier.predict([text])[0]
    assert pred.relevant and pred.topic == topic and pred.signal == signal
    assert pred.why and all(isinstance(w, str) for w in pred.why)


def test_unrelated_and_unaccented(classifier: Classifier) -> None:
    off, plain = classifier.predict([
        "Giá vé tàu Tết tăng nhẹ. Ngành đường sắt mở bán vé tàu Tết từ tháng 10 với nhiều ưu đãi.",
        "benh vien tinh qua tai, benh nhan nam ghep 3 nguoi 1 giuong, cho kham tu sang den chieu"])
    assert not off.relevant and off.topic == "khong_lien_quan" and off.signal == "thong_tin_chung"
    assert plain.relevant and plain.topic == "kham_chua_benh"
    assert 0.0 <= plain.scores["relevance"] <= 1.0
    assert sum(plain.scores["topic"].values()) == pytest.approx(1.0, abs=0.01)


def test_classify_command_contract() -> None:
    lines = [{"id": 1, "title": "Trạm y tế xã thiếu thuốc điều trị tăng huyết áp",
              "text": "Người bệnh ở xã Bình Sơn, Quảng Ngãi phải tự mua thuốc nhiều tháng nay."},
             {"id": "b", "text": "Đội tuyển bóng đá giành chiến thắng 2-0 trong trận đấu tối qua."},
             {"no_text": True}]
    stdin = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\nnot json\n"
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "classify", "--jsonl"], input=stdin,
                            capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, "b", None, None]
    first, second = out[0], out[1]
    assert set(first) >= {"id", "relevant", "topic", "signal", "scores", "places", "why"}
    assert first["relevant"] and first["topic"] == "duoc_thiet_bi" and "Quảng Ngãi" in first["places"]
    assert not second["relevant"] and second["topic"] == "khong_lien_quan"
    assert "error" in out[2] and "error" in out[3]
