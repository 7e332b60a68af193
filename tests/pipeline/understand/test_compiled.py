"""The compiled models give what the scikit-learn pipelines give: the same n-grams,
probabilities within 1e-9, the same decisions and the same words behind ``why``."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from pipeline.understand.compiled import CompiledModel, Tfidf, compile_model
from pipeline.understand.corpora import gold_items, load_gold
from pipeline.understand.estimators import TunedThresholds
from pipeline.understand.features import CueFeatures, Field, PreparedItems, text_features
from pipeline.understand.models import load_model
from pipeline.understand.normalize import strip_diacritics
from pipeline.understand.prepared import prepared_record

TEXTS = {
    "benh": ["Bệnh viện quá tải, bệnh nhân nằm ghép\nngười dân bức xúc vì chờ đợi",
             "bé nhà e bị sxh, bv ko còn giường", "Sốt xuất huyết tăng mạnh ở Quảng Ngãi\nsố ca mắc tăng",
             "Cảm ơn các bác sĩ khoa nhi đã tận tình", "Ngộ độc thực phẩm sau bữa trưa bán trú\n40 học sinh nhập viện",
             "Tin đồn uống nước chanh chữa ung thư là sai sự thật\nSở Y tế bác bỏ"],
    "khac": ["Giá vàng hôm nay tăng mạnh\nthị trường sôi động", "Đội tuyển bóng đá thắng 2-0",
             "Giá xăng giảm từ chiều nay\nliên bộ điều chỉnh", "Mưa lớn ở miền Trung, giao thông ách tắc",
             "Chứng khoán giảm điểm phiên cuối tuần", "Lễ hội hoa xuân khai mạc ở công viên"],
    "tin_gia": ["Chia sẻ ngay: lá đu đủ chữa khỏi sốt xuất huyết 100%!", "bài thuốc dân gian thần kỳ trị dứt ung thư",
                "Cảnh báo: tiêm vắc xin gây vô sinh, ai biết chia sẻ", "Thực phẩm chức năng chữa bách bệnh, thần dược",
                "Mẹo dân gian ngâm rượu tỏi chữa khỏi tiểu đường", "Tỏi nhét vào tai chữa viêm tai giữa thần kỳ"],
}
PROBES = ["", "x", "\n", "  nhiều   khoảng    trắng  ", "Benh vien qua tai\nbenh nhan nam ghep",
          {"title": "Ngộ độc", "lead": "ăn cơm gà", "kind": "news", "engagement": 0.0}]


def _fit(labels: list[str]) -> Pipeline:
    x = [text for label in labels for text in TEXTS[label]]
    y = [label for label in labels for _ in TEXTS[label]]
    return Pipeline([("features", text_features(min_df=1)),
                     ("clf", TunedThresholds(LinearSVC(C=0.5, class_weight="balanced"), cv=3))]).fit(x, y)


def _word_terms(model: Pipeline, prepared: str, label: str) -> list[tuple[float, str]]:
    """What ``why`` read from the scikit-learn pipeline: word features times the label's weights."""
    tuned = model.named_steps["clf"]
    words = model.named_steps["features"].named_steps["union"].transformer_list[0][1].named_steps["tfidf"]
    row = words.transform([prepared])
    coef = tuned.estimator_.coef_
    weights = (coef[0] if label == tuned.classes_[1] else -coef[0]) if coef.shape[0] == 1 else \
        coef[list(tuned.classes_).index(label)]
    contrib = row.multiply(weights[: row.shape[1]]).tocsr()
    names = words.get_feature_names_out()
    return [(float(v), names[i]) for i, v in zip(contrib.indices, contrib.data) if v > 0]


def assert_same(model: Pipeline, compiled: CompiledModel, items: list[Any]) -> None:
    assert list(compiled.classes_) == list(model.classes_)
    np.testing.assert_allclose(compiled.predict_proba(items), model.predict_proba(items), rtol=0, atol=1e-9)
    assert list(compiled.predict(items)) == list(model.predict(items))
    for item in items[:100]:
        prepared = prepared_record(item)["text"]
        for label in compiled.classes_:
            ours = {term: weight for weight, term in compiled.pushed(prepared, label)}
            theirs = {term: weight for weight, term in _word_terms(model, prepared, label)}
            assert ours.keys() == theirs.keys()
            assert all(abs(ours[term] - theirs[term]) <= 1e-12 for term in ours)


@pytest.mark.parametrize("labels", [["benh", "khac"], ["benh", "khac", "tin_gia"]])
def test_binary_and_multiclass_models_compile_exactly(labels: list[str]) -> None:
    model = _fit(labels)
    items = [t for texts in TEXTS.values() for t in texts] + PROBES
    assert_same(model, compile_model(model), items + [strip_diacritics(t) for t in items if isinstance(t, str)])


def test_ngrams_are_those_of_scikit_learn() -> None:
    docs = ["benh_vien qua_tai", "a bb  ccc   dddd eeeee", "", "x", "Hoa HOA\thoa\nhoa"]
    for params in ({"token_pattern": r"[^\s]+", "ngram_range": (1, 2)}, {"analyzer": "char_wb", "ngram_range": (2, 5)},
                   {"analyzer": "char_wb", "ngram_range": (1, 3)}, {"ngram_range": (2, 3)}):
        analyse = TfidfVectorizer(**params).build_analyzer()
        tfidf = Tfidf(source="text", analyzer=params.get("analyzer", "word"), ngram_range=params["ngram_range"],
                      token_pattern=params.get("token_pattern", r"(?u)\b\w\w+\b"), lowercase=True,
                      sublinear_tf=True, vocabulary={}, idf=np.zeros(0))
        assert [tfidf.grams(d) for d in docs] == [analyse(d) for d in docs], params


def test_other_pipelines_are_refused() -> None:
    model = _fit(["benh", "khac"])
    union = model.named_steps["features"].named_steps["union"]
    words = union.transformer_list[0][1].named_steps["tfidf"]
    words.set_params(analyzer="char")
    with pytest.raises(TypeError, match="unsupported analyzer"):
        compile_model(model)
    words.set_params(analyzer="word")
    union.transformer_list.insert(0, ("cues", CueFeatures()))
    with pytest.raises(TypeError, match="first features"):
        compile_model(model)
    union.transformer_list[0] = ("raw", Pipeline([("items", PreparedItems()), ("field", Field("text"))]))
    with pytest.raises(TypeError, match="cannot compile"):
        compile_model(model)


@pytest.mark.parametrize("name", ["relevance", "topic", "signal"])
def test_committed_models_compile_exactly_on_gold_texts(shared_data: Path, name: str) -> None:
    items = [item for _, item in gold_items(load_gold())][::7][:300]
    texts = [item.record() for item in items] + [f"{i.title}\n{i.text}" for i in items[:50]]
    model = load_model(name)
    assert_same(model, compile_model(model), texts)


def test_a_model_trained_with_other_cue_groups_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A model saved before a cue group was added has one feature fewer than the code
    makes: compiling it says to retrain instead of reading weights out of place."""
    from pipeline.understand import prepared

    fewer = dict(list(prepared.CUES.items())[:-1])
    monkeypatch.setattr(prepared, "CUES", fewer)
    monkeypatch.setattr(prepared, "_CUE_RES", {n: prepared._CUE_RES[n] for n in fewer})
    prepared._cue_tuple.cache_clear()
    monkeypatch.setattr("pipeline.understand.features.CUES", fewer)
    old = _fit(["benh", "khac"])
    monkeypatch.undo()
    prepared._cue_tuple.cache_clear()
    with pytest.raises(ValueError, match="retrain"):
        compile_model(old)
    compile_model(_fit(["benh", "khac"]))
