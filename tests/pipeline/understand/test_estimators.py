"""Per-class thresholds tuned for macro-F1, items as records, and the cue features."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.svm import LinearSVC

from pipeline.understand.estimators import TunedThresholds, macro_f1, tune_offsets
from pipeline.understand.features import CueFeatures, PreparedItems
from pipeline.understand.prepared import as_record, cue_counts, prepare


def test_offsets_raise_macro_f1_of_a_skewed_problem() -> None:
    rng = np.random.default_rng(0)
    truth = np.array([0] * 900 + [1] * 100)
    # The rare class gets probabilities a little above chance but never wins the argmax.
    p1 = np.clip(np.where(truth == 1, 0.40, 0.15) + rng.normal(0, 0.08, truth.size), 0.01, 0.49)
    proba = np.column_stack([1 - p1, p1])
    before = macro_f1(truth, proba.argmax(axis=1), 2)
    offsets = tune_offsets(proba, truth)
    after = macro_f1(truth, np.argmax(np.log(proba) + offsets, axis=1), 2)
    assert before < 0.5 < after
    assert offsets[1] > offsets[0] and offsets.sum() == pytest.approx(0.0)


def test_tuned_thresholds_follow_the_estimator_rules() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(300, 5))
    y = np.where(x[:, 0] + 0.3 * rng.normal(size=300) > 0.8, "rare", np.where(x[:, 1] > 0, "a", "b"))
    model = TunedThresholds(LinearSVC(C=1.0, class_weight="balanced"), cv=3)
    assert clone(model).get_params()["cv"] == 3 and not hasattr(model, "offset_")
    fitted = model.fit(x, y)
    assert fitted is model and list(model.classes_) == ["a", "b", "rare"]
    proba = model.predict_proba(x)
    assert proba.shape == (300, 3) and np.allclose(proba.sum(axis=1), 1.0)
    assert set(model.predict(x)) <= set(model.classes_)
    assert macro_f1(np.searchsorted(model.classes_, y), np.searchsorted(model.classes_, model.predict(x)), 3) > 0.7


def test_cue_counts_with_and_without_diacritics() -> None:
    text = "Sở Y tế bác bỏ tin đồn uống nước lá đu đủ chữa khỏi sốt xuất huyết"
    for version in (text, "So Y te bac bo tin don uong nuoc la du du chua khoi sot xuat huyet"):
        counts = cue_counts(version)
        assert counts["rumour_denial"] == 2 and counts["false_cure"] >= 1 and counts["gratitude_praise"] == 0
    assert cue_counts("Cảm ơn các bác sĩ đã tận tình")["gratitude_praise"] == 2
    assert cue_counts("Bệnh nhân nằm ghép, bệnh viện quá tải")["complaint"] == 2


def test_shortage_cue_names_what_ran_out() -> None:
    assert cue_counts("Trung tâm y tế hết insulin, người bệnh phải tự mua ngoài")["shortage"] == 2
    assert cue_counts("Khan hiem vac xin dai")["shortage"] == 1
    assert cue_counts("Thiếu bác sĩ gây mê, hết giờ làm việc")["shortage"] == 0


def test_emoji_are_not_words() -> None:
    assert prepare("📢 Bệnh viện quá tải 👇😮 ❤️ 👍🏻") == prepare("Bệnh viện quá tải") == "benh_vien qua_tai"


def test_items_as_strings_or_records() -> None:
    assert as_record("Tiêu đề\nThân bài")["kind"] == "news"
    assert as_record("bé nhà e bị sxh")["kind"] == "post"
    rows = PreparedItems().transform(["Bệnh viện quá tải\nbệnh nhân nằm ghép",
                                     {"title": "", "lead": "bé bị sxh", "kind": "comment", "engagement": 5.0}])
    assert rows[0]["title"] == "benh_vien qua_tai" and "sot_xuat_huyet" in rows[1]["text"]
    feats = CueFeatures().transform(rows).toarray()
    names = list(CueFeatures().get_feature_names_out())
    assert feats.shape == (2, len(names)) and feats[0, names.index("cue:complaint")] == pytest.approx(np.log(3))
    assert feats[1, names.index("cue:complaint")] == 0.0
