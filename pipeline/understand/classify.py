"""Relevance, topic and signal of a text, with calibrated scores and the words
that pushed the decision (``why``), from the committed models."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.common.errors import ConfigError
from pipeline.common.taxonomy import Taxonomy, taxonomy
from pipeline.store.records import Analysis
from pipeline.understand.corpora import LEAD_CHARS, Item
from pipeline.understand.geotag import tag_places
from pipeline.understand.models import load_model
from pipeline.understand.normalize import normalize_text, strip_diacritics
from pipeline.understand.tokenize import segment

WHY_TERMS = 5


@dataclass
class Prediction:
    """What the classifiers say of one text (codes from the taxonomy)."""

    relevant: bool
    topic: str
    signal: str
    scores: dict[str, Any] = field(default_factory=dict)
    why: list[str] = field(default_factory=list)


def _linear_parts(model: Any) -> tuple[Any, Any, np.ndarray, np.ndarray]:
    """(features pipeline, word vectorizer, coefficients, class names) of a tuned,
    calibrated linear model."""
    features = model.named_steps["features"]
    words = features.named_steps["union"].transformer_list[0][1].named_steps["tfidf"]
    tuned = model.named_steps["clf"]
    return features, words, tuned.estimator_.coef_, tuned.classes_


def _decision_scores(model: Any, proba: np.ndarray) -> np.ndarray:
    """Log-probabilities plus the per-class offsets tuned for macro-F1 (argmax decides)."""
    return np.log(np.clip(proba, 1e-9, 1.0)) + model.named_steps["clf"].offset_


class _Explainer:
    """Word n-grams of a text weighted by how much they pushed a label of one model."""

    def __init__(self, model: Any) -> None:
        self.features, self.words, self.coef, self.classes = _linear_parts(model)
        self.names = self.words.get_feature_names_out()

    def terms(self, row: Any, label: str) -> list[tuple[float, str]]:
        """(weight, term) of the terms of ``row`` (one text's word features) that pushed ``label``."""
        if self.coef.shape[0] == 1:
            weights = self.coef[0] if label == self.classes[1] else -self.coef[0]
        else:
            weights = self.coef[list(self.classes).index(label)]
        contrib = row.multiply(weights[: row.shape[1]]).tocsr()
        return [(float(v), self.names[i]) for i, v in zip(contrib.indices, contrib.data) if v > 0]


def lead_of(text: str) -> str:
    """Title line and the first ``LEAD_CHARS`` characters of the text after it."""
    title, _, body = text.partition("\n")
    return f"{title}\n{body[:LEAD_CHARS]}" if body else title


def _readable(term: str, originals: dict[str, str]) -> str:
    """Map an unaccented model term back to the words as written in the text."""
    return " ".join(originals.get(part, part) for part in term.split(" ")).replace("_", " ")


def check_model_classes(models: Any, tax: Taxonomy) -> None:
    """Raise :class:`ConfigError` unless the models' classes are the taxonomy's codes
    (``models`` has ``relevance``, ``topic`` and ``signal`` fitted models; a relevance
    model left out, as in a quick leave-one-corpus-out, is not checked)."""
    expected = {"relevance": (tax.relevant_class, tax.not_relevant_class),
                "topic": tax.topic_codes, "signal": tax.signal_codes}
    for name, codes in expected.items():
        model = getattr(models, name)
        if model is None:
            continue
        classes = [str(c) for c in model.classes_]
        extra = sorted(set(classes) - set(codes))
        missing = [c for c in codes if c not in classes]
        if extra or missing:
            said = "; ".join(part for part in (f"classes not in the taxonomy: {', '.join(extra)}" if extra else "",
                                               f"no class for: {', '.join(missing)}" if missing else "") if part)
            raise ConfigError(f"the {name} model does not match {tax.path}: {said} "
                              f"(retrain with `duluan train`, or fix the taxonomy)")


class Classifier:
    """The three committed models, loaded once."""

    def __init__(self, models_root: Path | None = None, models: dict[str, Any] | None = None) -> None:
        models = models or {name: load_model(name, models_root) for name in ("relevance", "topic", "signal")}
        # Without a relevance model (a quicker leave-one-corpus-out), the topic model decides relevance.
        self.relevance = models.get("relevance")
        self.topic, self.signal = models["topic"], models["signal"]
        self.taxonomy = taxonomy()
        check_model_classes(self, self.taxonomy)
        self._explain = {name: _Explainer(model) for name, model in models.items()}

    def predict_items(self, items: list[Item]) -> list[Prediction]:
        """Predict for corpus items: title, lead, kind and engagement as separate fields."""
        return self.predict([item.record() for item in items])

    def predict(self, texts: list[str] | list[dict[str, Any]]) -> list[Prediction]:
        """Predict for a batch of texts (title and text joined by a newline) or records
        (title, lead, kind, engagement). Like the annotators, the models read the title
        and the lead only."""
        texts = [lead_of(t) if isinstance(t, str) else t for t in texts]
        if self.relevance is not None:
            rel = self.relevance.predict_proba(texts)
            rel_idx = list(self.relevance.classes_).index(self.taxonomy.relevant_class)
            rel_decision = _decision_scores(self.relevance, rel)
        topics = self.topic.predict_proba(texts)
        topic_decision = _decision_scores(self.topic, topics)
        signals = self.signal.predict_proba(texts)
        signal_decision = _decision_scores(self.signal, signals)
        topic_names, signal_names = list(self.topic.classes_), list(self.signal.classes_)
        irrelevant = self.taxonomy.irrelevant
        out = []
        for i, text in enumerate(texts):
            topic_scores = dict(zip(topic_names, map(float, topics[i])))
            signal_scores = dict(zip(signal_names, map(float, signals[i])))
            # Health when either model says so (each with its tuned offsets): the relevance
            # model (news sections + gold) misses informal posts ("bé nhà e bị sxh") that the
            # topic model, trained on gold with a not-relevant class, recognises.
            relevant = topic_names[int(np.argmax(topic_decision[i]))] != irrelevant
            if self.relevance is not None:
                p_rel = float(rel[i, rel_idx])
                relevant = relevant or int(np.argmax(rel_decision[i])) == rel_idx
            else:
                p_rel = 1.0 - topic_scores.get(irrelevant, 0.0)
            if relevant:
                topic = max((c for c in topic_names if c != irrelevant),
                            key=lambda c: topic_decision[i, topic_names.index(c)])
                signal = signal_names[int(np.argmax(signal_decision[i]))]
            else:
                topic, signal = irrelevant, self.taxonomy.default_signal
            scores = {"relevance": round(p_rel, 4),
                      "topic": {k: round(v, 4) for k, v in topic_scores.items()},
                      "signal": {k: round(v, 4) for k, v in signal_scores.items()}}
            out.append(Prediction(relevant, topic, signal, scores))
        self._add_why(texts, out)
        return out

    def _add_why(self, texts: list[str] | list[dict[str, Any]], predictions: list[Prediction]) -> None:
        """Fill each prediction's ``why``; each model's word features of the whole batch
        are computed at once (the same rows as one text at a time, in far less time)."""
        plains = [t if isinstance(t, str) else f"{t['title']}\n{t['lead']}" for t in texts]
        items = self._explain["topic"].features.named_steps["items"]
        prepared = [rec["text"] for rec in items.transform(
            [{"title": title, "lead": lead} for title, _, lead in (p.partition("\n") for p in plains)])]
        rows = {name: explainer.words.transform(prepared) for name, explainer in self._explain.items()}
        for i, (plain, pred) in enumerate(zip(plains, predictions)):
            pred.why = self.why(plain, {name: matrix[i] for name, matrix in rows.items()}, pred.topic,
                                pred.signal, pred.relevant)

    def analyse(self, texts: list[str], province: str) -> list[Analysis]:
        """Classify and geotag normalised texts (title and text joined by a newline);
        places are resolved preferring ``province``."""
        out = []
        for text, pred in zip(texts, self.predict(texts) if texts else []):
            places = tag_places(text, prefer=province)
            out.append(Analysis(pred.relevant, pred.topic, pred.signal, pred.scores, pred.why,
                                places.provinces, places.units, places.facilities))
        return out

    def why(self, text: str, rows: dict[str, Any], topic: str, signal: str, relevant: bool) -> list[str]:
        """The few Vietnamese terms that pushed the topic and signal decisions of ``text``
        (``rows``: its word features in each model)."""
        originals = {strip_diacritics(w): w for w in segment(normalize_text(text)).split()}
        if relevant:
            pairs = self._explain["topic"].terms(rows["topic"], topic) + \
                self._explain["signal"].terms(rows["signal"], signal)
        elif "relevance" in self._explain:
            pairs = self._explain["relevance"].terms(rows["relevance"], self.taxonomy.not_relevant_class)
        else:
            pairs = self._explain["topic"].terms(rows["topic"], self.taxonomy.irrelevant)
        seen: list[str] = []
        for _, term in sorted(pairs, reverse=True):
            readable = _readable(term, originals)
            if readable not in seen and not any(readable in s or s in readable for s in seen):
                seen.append(readable)
            if len(seen) == WHY_TERMS:
                break
        return seen
