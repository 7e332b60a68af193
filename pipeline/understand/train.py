"""Train and measure the relevance, topic and signal classifiers.

Data: gold annotations (fixed held-out split, stratified by topic, in
``config/annotations/heldout.txt``), section labels of vntc/tc201805 for
relevance, synthetic examples for rare classes (training only).
"""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.metrics import classification_report, confusion_matrix, f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.linear_model import LogisticRegression

from pipeline.common.taxonomy import taxonomy
from pipeline.understand.corpora import Gold, Item, annotations_dir, gold_items, load_gold, section_items, synthetic_examples
from pipeline.understand.corrections import correction_examples
from pipeline.understand.features import text_features
from pipeline.understand.models import save_model
from pipeline.understand.normalize import strip_diacritics

log = logging.getLogger(__name__)
HELDOUT_SHARE = 5  # every 5th item of each topic, by SHA-1 order


def make_classifier(min_df: int = 2) -> Pipeline:
    """Text features + class-balanced logistic regression with probabilities
    calibrated by temperature scaling (3-fold; it keeps the argmax, unlike
    per-class sigmoids). C=30 won over linear SVMs (C 0.1–1) on held-out topics."""
    return Pipeline([
        ("features", text_features(min_df=min_df)),
        ("clf", CalibratedClassifierCV(LogisticRegression(C=30, class_weight="balanced", max_iter=3000),
                                       cv=3, method="temperature", ensemble=False)),
    ])


def heldout_keys(gold: list[Gold]) -> set[str]:
    """The fixed held-out split: read from heldout.txt, created once if absent."""
    path = annotations_dir() / "heldout.txt"
    if path.exists():
        return {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    chosen: list[str] = []
    by_topic: dict[str, list[Gold]] = {}
    for g in gold:
        by_topic.setdefault(g.topic, []).append(g)
    for items in by_topic.values():
        items.sort(key=lambda g: g.sha1)
        chosen.extend(g.key for g in items[::HELDOUT_SHARE])
    path.write_text("\n".join(sorted(chosen)) + "\n", encoding="utf-8")
    return set(chosen)


@dataclass
class Dataset:
    """Texts and labels for one model: training rows and the held-out gold rows."""

    train_x: list[str]
    train_y: list[str]
    test_x: list[str]
    test_y: list[str]
    cv_x: list[str]
    cv_y: list[str]
    cv_extra_x: list[str]
    cv_extra_y: list[str]


def relevance_class(health: bool) -> str:
    """The relevance model's class for a health (or not) item."""
    tax = taxonomy()
    return tax.relevant_class if health else tax.not_relevant_class


def _label(g: Gold, task: str) -> str:
    if task == "relevance":
        return relevance_class(g.topic != taxonomy().irrelevant)
    return g.topic if task == "topic" else g.signal


def build_dataset(task: str, gold: list[tuple[Gold, Item]], synthetic: list[tuple[Gold, Item]],
                  heldout: set[str], corrections: list[tuple[Gold, Item]] = ()) -> Dataset:  # type: ignore[assignment]
    """Rows for ``task`` (relevance, topic, signal); cross-validation runs on all
    real gold items, with silver, synthetic and analysts' correction rows added to
    every training fold (never to the evaluation)."""
    real = [(item.document, _label(g, task)) for g, item in gold]
    test = [(item.document, _label(g, task)) for g, item in gold if g.key in heldout]
    train = [(item.document, _label(g, task)) for g, item in gold if g.key not in heldout]
    extra: list[tuple[str, str]] = []
    if task == "relevance":
        gold_keys = {g.key for g, _ in gold}
        extra = [(item.document, relevance_class(health))
                 for item, health in section_items() if item.key not in gold_keys]
    else:
        extra = [(item.document, _label(g, task)) for g, item in synthetic]
    extra += [(item.document, _label(g, task)) for g, item in corrections]
    # Unaccented copies of the real training rows teach the models how posts are typed.
    plain = [(strip_diacritics(text), label) for text, label in train]
    xs, ys = zip(*(train + plain + extra))
    return Dataset(list(xs), list(ys), [t for t, _ in test], [y for _, y in test],
                   [t for t, _ in real], [y for _, y in real], [t for t, _ in extra], [y for _, y in extra])


def _scores(y_true: list[str], y_pred: list[str], labels: list[str]) -> dict[str, Any]:
    report = classification_report(y_true, y_pred, labels=labels, output_dict=True, zero_division=0)
    return {
        "n": len(y_true),
        "accuracy": round(float(np.mean(np.array(y_true) == np.array(y_pred))), 4),
        "macro_f1": round(float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)), 4),
        "per_class": {c: {k: round(float(v), 4) for k, v in report[c].items()} for c in labels},
        "confusion": {"labels": labels, "matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist()},
    }


def relevance_f1(y_true: list[str], y_pred: list[str]) -> float:
    """F1 of the health class."""
    return round(float(f1_score(y_true, y_pred, pos_label=taxonomy().relevant_class, average="binary")), 4)


def calibration(model: Pipeline, x: list[str], y: list[str], bins: int = 10) -> dict[str, float]:
    """Expected calibration error of the top probability (10 bins) and multi-class Brier score."""
    proba = model.predict_proba(x)
    classes = list(model.classes_)
    truth = np.array([classes.index(label) if label in classes else -1 for label in y])
    top = proba.max(axis=1)
    correct = proba.argmax(axis=1) == truth
    edges = np.linspace(0, 1, bins + 1)
    ece = sum(abs(top[m].mean() - correct[m].mean()) * m.mean()
              for lo, hi in zip(edges[:-1], edges[1:]) if (m := (top > lo) & (top <= hi)).any())
    onehot = np.zeros_like(proba)
    onehot[np.arange(len(y))[truth >= 0], truth[truth >= 0]] = 1
    return {"ece": round(float(ece), 4), "brier": round(float(((proba - onehot) ** 2).sum(axis=1).mean()), 4)}


def evaluate_model(model: Pipeline, task: str, x: list[str], y: list[str]) -> dict[str, Any]:
    """Held-out figures on the texts as written and with diacritics stripped."""
    labels = sorted(set(y) | set(model.classes_))
    pred = list(model.predict(x))
    plain = list(model.predict([strip_diacritics(t) for t in x]))
    out = {"heldout": _scores(y, pred, labels), "heldout_no_diacritics": _scores(y, plain, labels)}
    out["heldout"]["calibration"] = calibration(model, x, y)
    if task == "relevance":
        out["heldout"]["f1_health"] = relevance_f1(y, pred)
        out["heldout_no_diacritics"]["f1_health"] = relevance_f1(y, plain)
    return out


def cross_validate(task: str, data: Dataset, folds: int = 5) -> dict[str, Any]:
    """Stratified k-fold over the real gold items; extra rows join every training fold."""
    x, y = np.array(data.cv_x, dtype=object), np.array(data.cv_y)
    per_fold = []
    for n, (tr, te) in enumerate(StratifiedKFold(folds, shuffle=True, random_state=42).split(x, y), 1):
        plain = [strip_diacritics(t) for t in x[tr]]
        model = make_classifier().fit(list(x[tr]) + plain + data.cv_extra_x,
                                      list(y[tr]) + list(y[tr]) + data.cv_extra_y)
        pred = model.predict(list(x[te]))
        score = relevance_f1(list(y[te]), list(pred)) if task == "relevance" else \
            round(float(f1_score(y[te], pred, average="macro", zero_division=0)), 4)
        log.info("%s fold %d/%d: %.3f", task, n, folds, score)
        per_fold.append(score)
    return {"metric": "f1_health" if task == "relevance" else "macro_f1", "folds": per_fold,
            "mean": round(float(np.mean(per_fold)), 4), "std": round(float(np.std(per_fold)), 4)}


CARD = """# duluan {task} classifier ({day})

**Intended use**: {use}
**Model**: underthesea word segmentation, then diacritics stripped; TF-IDF of words
(1–2-grams) and character 2–5-grams;
logistic regression (class-balanced, C=30) with probabilities calibrated by temperature scaling
(scikit-learn Pipeline);
training rows are doubled with unaccented copies.
**Data**: {data}
**Training rows**: {n_train} ({counts}).
**Held-out**: {n_test} real gold items (fixed list `config/annotations/heldout.txt`).
**Figures**: see `metrics.json` (held-out as written, held-out without diacritics,
5-fold cross-validation over all real gold items).
**Known limits**: the corpora are news of 2005–07 and 2017 and patients' questions;
recent vocabulary (post-2025 place names, new diseases) is thin; rare classes
({rare}) have few real examples, partly made up for by synthetic training rows;
labels were given from title and lead only.
"""
USES = {
    "relevance": "is a Vietnamese text about health (any topic but the not-relevant one)?",
    "topic": "which field of health work (taxonomy `topic`) a relevant text belongs to.",
    "signal": "what a text means for the agencies (taxonomy `signal`).",
}


def train_all(tasks: tuple[str, ...] = ("relevance", "topic", "signal"), cv: bool = True,
              day: str | None = None) -> dict[str, dict[str, Any]]:
    """Train, measure and save each model; returns the metrics by task."""
    day = day or date.today().isoformat()
    gold = load_gold()
    items = gold_items(gold)
    synthetic = synthetic_examples()
    corrections = correction_examples()
    heldout = heldout_keys(gold)
    results = {}
    for task in tasks:
        data = build_dataset(task, items, synthetic, heldout, corrections)
        log.info("%s: %d training rows, %d held-out", task, len(data.train_x), len(data.test_x))
        model = make_classifier().fit(data.train_x, data.train_y)
        metrics = evaluate_model(model, task, data.test_x, data.test_y)
        if cv:
            metrics["cross_validation"] = cross_validate(task, data)
        counts = Counter(data.train_y)
        metrics.update({"trained": day, "train_rows": len(data.train_x), "train_counts": dict(counts),
                        "synthetic_rows": len(synthetic) if task != "relevance" else 0,
                        "correction_rows": len(corrections)})
        rare = ", ".join(c for c, n in counts.most_common()[-3:])
        data_note = ("gold annotations plus section labels of vntc and tc201805 and patients' question "
                     "headlines of vihealthbert-faq" if task == "relevance" else
                     "gold annotations (read by annotators) plus synthetic rows for rare classes")
        save_model(model, task, day, metrics, CARD.format(
            task=task, day=day, use=USES[task], data=data_note, n_train=len(data.train_x),
            counts=", ".join(f"{k} {v}" for k, v in counts.most_common()), n_test=len(data.test_x), rare=rare))
        results[task] = metrics
    return results
