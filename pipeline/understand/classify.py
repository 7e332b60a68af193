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
from pipeline.understand.compiled import CompiledModel, compile_model
from pipeline.understand.models import MODEL_NAMES, load_compiled
from pipeline.understand.normalize import normalize_text, strip_diacritics
from pipeline.understand.prepared import prepared_record
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
    """The three committed models, compiled (:mod:`pipeline.understand.compiled`) and
    loaded once; ``models`` (fitted scikit-learn pipelines by name) replaces them."""

    def __init__(self, models_root: Path | None = None, models: dict[str, Any] | None = None) -> None:
        compiled: dict[str, CompiledModel] = \
            {name: compile_model(model) for name, model in models.items()} if models else \
            {name: load_compiled(name, models_root) for name in MODEL_NAMES}
        # Without a relevance model (a quicker leave-one-corpus-out), the topic model decides relevance.
        self.relevance = compiled.get("relevance")
        self.topic, self.signal = compiled["topic"], compiled["signal"]
        self.taxonomy = taxonomy()
        check_model_classes(self, self.taxonomy)

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
            rel_decision = self.relevance.decision_scores(rel)
        topics = self.topic.predict_proba(texts)
        topic_decision = self.topic.decision_scores(topics)
        signals = self.signal.predict_proba(texts)
        signal_decision = self.signal.decision_scores(signals)
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
        """Fill each prediction's ``why``."""
        for text, pred in zip(texts, predictions):
            plain = text if isinstance(text, str) else f"{text['title']}\n{text['lead']}"
            title, _, lead = plain.partition("\n")
            prepared = prepared_record({"title": title, "lead": lead})["text"]
            pred.why = self.why(plain, prepared, pred.topic, pred.signal, pred.relevant)

    def analyse(self, texts: list[str], province: str) -> list[Analysis]:
        """Classify and geotag normalised texts (title and text joined by a newline);
        places are resolved preferring ``province``."""
        out = []
        for text, pred in zip(texts, self.predict(texts) if texts else []):
            places = tag_places(text, prefer=province)
            out.append(Analysis(pred.relevant, pred.topic, pred.signal, pred.scores, pred.why,
                                places.provinces, places.units, places.facilities))
        return out

    def why(self, text: str, prepared: str, topic: str, signal: str, relevant: bool) -> list[str]:
        """The few Vietnamese terms that pushed the topic and signal decisions of ``text``
        (``prepared``: the words of its title and lead as the models see them)."""
        originals = {strip_diacritics(w): w for w in segment(normalize_text(text)).split()}
        if relevant:
            pairs = self.topic.pushed(prepared, topic) + self.signal.pushed(prepared, signal)
        elif self.relevance is not None:
            pairs = self.relevance.pushed(prepared, self.taxonomy.not_relevant_class)
        else:
            pairs = self.topic.pushed(prepared, self.taxonomy.irrelevant)
        seen: list[str] = []
        for _, term in sorted(pairs, reverse=True):
            readable = _readable(term, originals)
            if readable not in seen and not any(readable in s or s in readable for s in seen):
                seen.append(readable)
            if len(seen) == WHY_TERMS:
                break
        return seen
