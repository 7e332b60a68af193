"""Train and measure the relevance, topic and signal classifiers.

Data: gold annotations (fixed held-out split, stratified by topic, in
``config/annotations/heldout.txt``), section labels of vntc/tc201805 for
relevance, synthetic examples for rare classes and analysts' corrections
(training only). Rows are records (title, lead, kind, engagement), each doubled
with an unaccented copy.
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sklearn.metrics import classification_report, confusion_matrix, f1_score
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from pipeline.common.taxonomy import taxonomy
from pipeline.understand.classify import Classifier
from pipeline.understand.corpora import Gold, Item, annotations_dir, gold_items, load_gold, section_items, synthetic_examples
from pipeline.understand.corrections import correction_examples
from pipeline.understand.estimators import TunedThresholds
from pipeline.understand.features import text_features
from pipeline.understand.models import save_model
from pipeline.understand.normalize import strip_diacritics

log = logging.getLogger(__name__)
HELDOUT_SHARE = 5  # every 5th item of each topic, by SHA-1 order


C = 0.5


def make_classifier(min_df: int = 2) -> Pipeline:
    """Features (words, characters, title, cues, kind, engagement) + class-weighted
    linear SVM; probabilities calibrated (multinomial logistic on out-of-fold
    decision values, 3-fold) and decision offsets per class tuned for macro-F1 on
    the same out-of-fold values (:class:`TunedThresholds`)."""
    return Pipeline([
        ("features", text_features(min_df=min_df)),
        ("clf", TunedThresholds(LinearSVC(C=C, class_weight="balanced"), cv=3)),
    ])


Row = dict[str, object]


def unaccented(row: Row) -> Row:
    """The record as typed without diacritics."""
    return {**row, "title": strip_diacritics(str(row["title"])), "lead": strip_diacritics(str(row["lead"]))}


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

    train_x: list[Row]
    train_y: list[str]
    test_x: list[Row]
    test_y: list[str]
    cv_x: list[Row]
    cv_y: list[str]
    cv_groups: list[str]
    cv_extra_x: list[Row]
    cv_extra_y: list[str]


def relevance_class(health: bool) -> str:
    """The relevance model's class for a health (or not) item."""
    tax = taxonomy()
    return tax.relevant_class if health else tax.not_relevant_class


def _label(g: Gold, task: str) -> str:
    if task == "relevance":
        return relevance_class(g.topic != taxonomy().irrelevant)
    return g.topic if task == "topic" else g.signal


def _about_health(rows: list[tuple[Gold, Item]]) -> list[tuple[Gold, Item]]:
    return [(g, item) for g, item in rows if g.topic != taxonomy().irrelevant]


def build_dataset(task: str, gold: list[tuple[Gold, Item]], synthetic: list[tuple[Gold, Item]],
                  heldout: set[str], corrections: list[tuple[Gold, Item]] = (),  # type: ignore[assignment]
                  leave_out: Callable[[str], bool] = lambda key: False) -> Dataset:
    """Rows for ``task`` (relevance, topic, signal); cross-validation runs on all
    real gold items, with silver, synthetic and analysts' correction rows added to
    every training fold (never to the evaluation). Keys for which ``leave_out`` is
    true are dropped everywhere (leave-one-corpus-out). The signal model learns from
    texts about health only: the classifier gives every other text the default signal,
    and hundreds of unrelated thanks and complaints taught it that such words mean
    nothing (leave-one-corpus-out on all 9,390 gold items, this and the shortage cue together:
    signal macro-F1 0.545 → 0.558, false information 0.206 → 0.235)."""
    gold = [(g, item) for g, item in gold if not leave_out(g.key)]
    if task == "signal":
        gold, synthetic, corrections = (_about_health(rows) for rows in (gold, synthetic, corrections))
    real = [(item.record(), _label(g, task)) for g, item in gold]
    test = [(item.record(), _label(g, task)) for g, item in gold if g.key in heldout]
    train = [(item.record(), _label(g, task)) for g, item in gold if g.key not in heldout]
    extra: list[tuple[Row, str]] = []
    if task == "relevance":
        gold_keys = {g.key for g, _ in gold}
        extra = [(item.record(), relevance_class(health)) for item, health in section_items()
                 if item.key not in gold_keys and not leave_out(item.key)]
    else:
        extra = [(item.record(), _label(g, task)) for g, item in synthetic]
    extra += [(item.record(), _label(g, task)) for g, item in corrections if not leave_out(g.key)]
    # Unaccented copies of the real training rows teach the models how posts are typed.
    plain = [(unaccented(row), label) for row, label in train]
    xs, ys = zip(*(train + plain + extra))
    return Dataset(list(xs), list(ys), [t for t, _ in test], [y for _, y in test],
                   [t for t, _ in real], [y for _, y in real], [g.group for g, _ in gold],
                   [t for t, _ in extra], [y for _, y in extra])


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


def calibration(model: Pipeline, x: list[Row], y: list[str], bins: int = 10) -> dict[str, float]:
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


def evaluate_model(model: Pipeline, task: str, x: list[Row], y: list[str]) -> dict[str, Any]:
    """Held-out figures on the texts as written and with diacritics stripped."""
    labels = sorted(set(y) | set(model.classes_))
    pred = list(model.predict(x))
    plain = list(model.predict([unaccented(row) for row in x]))
    out = {"heldout": _scores(y, pred, labels), "heldout_no_diacritics": _scores(y, plain, labels)}
    out["heldout"]["calibration"] = calibration(model, x, y)
    if task == "relevance":
        out["heldout"]["f1_health"] = relevance_f1(y, pred)
        out["heldout_no_diacritics"]["f1_health"] = relevance_f1(y, plain)
    return out


def cross_validate(task: str, data: Dataset, folds: int = 5) -> dict[str, Any]:
    """Stratified k-fold over the real gold items, near-duplicates kept in one fold;
    extra rows join every training fold."""
    x, y = np.array(data.cv_x, dtype=object), np.array(data.cv_y)
    per_fold = []
    splits = StratifiedGroupKFold(folds, shuffle=True, random_state=42).split(x, y, data.cv_groups)
    for n, (tr, te) in enumerate(splits, 1):
        plain = [unaccented(row) for row in x[tr]]
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
**Input**: a record (title, lead, kind news/post/comment, engagement) or a string "title\\nbody".
**Model** (scikit-learn Pipeline, saved with skops): underthesea word segmentation of title and
lead, emoji dropped, abbreviations and teencode written out, diacritics stripped; TF-IDF of words (1–2-grams)
and character 2–5-grams of title and lead, the title's words apart; cue counts (rumour and
denial, false cures, gratitude and praise, complaint, casualties, shortages, calls to
share). Class-weighted linear SVM (C={c}); probabilities calibrated by a
multinomial logistic regression on 3-fold out-of-fold decision values; per-class decision
offsets tuned on the same out-of-fold values for macro-F1 (training data only).
Training rows are doubled with unaccented copies. The signal model learns from, and is
held out on, texts about health only (any other text gets the default signal).
**Data**: {data}
**Training rows**: {n_train} ({counts}).
**Held-out**: {n_test} real gold items (fixed list `config/annotations/heldout.txt`).
**Figures**: see `metrics.json` (held-out as written and without diacritics) and
`models/splits-*/metrics.json` (leave one corpus out, by era, by kind: `duluan evaluate`).
**Known limits**: false information in the gold is mostly COVID-19 posts of 2020 and recent
news about folk remedies and fake cures; comments come from one corpus (ViCTSD);
rare classes ({rare}) have few real examples, partly made up for by synthetic training rows;
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
        gold_note = ("gold annotations read by annotators (vntc, tc201805, vihealthbert-faq, ReINTEL, "
                     "ViCTSD, vinews-fake-real, clickbait-ds108, news-2025) and analysts' corrections")
        data_note = (f"{gold_note}, plus section labels of vntc and tc201805 and patients' question "
                     "headlines of vihealthbert-faq" if task == "relevance" else
                     f"{gold_note}, plus synthetic rows for rare classes")
        save_model(model, task, day, metrics, CARD.format(
            task=task, day=day, use=USES[task], c=C, data=data_note, n_train=len(data.train_x),
            counts=", ".join(f"{k} {v}" for k, v in counts.most_common()), n_test=len(data.test_x), rare=rare))
        results[task] = metrics
    return results


TASKS = ("relevance", "topic", "signal")


def loco_fitter(gold: list[tuple[Gold, Item]] | None = None,
                tasks: tuple[str, ...] = TASKS) -> Callable[[Callable[[str], bool]], Classifier]:
    """A function that trains the models on every row whose key is not left out (all
    real gold, no held-out split) and returns them as a :class:`Classifier`; with
    ``tasks`` topic and signal only, the topic model decides relevance (quicker)."""
    gold = gold if gold is not None else gold_items(load_gold())
    synthetic, corrections = synthetic_examples(), correction_examples()

    def fit(leave_out: Callable[[str], bool]) -> Classifier:
        models = {}
        for task in tasks:
            data = build_dataset(task, gold, synthetic, set(), corrections, leave_out)
            models[task] = make_classifier().fit(data.train_x, data.train_y)
        return Classifier(models=models)

    return fit
