"""How the classifiers do on sources they have not seen.

- ``committed``: the committed models on the gold items, by corpus and by kind
  (news, posts, comments); items the models were trained on flatter the figure.
- ``loco``: leave one corpus out: models retrained without a corpus (gold, silver
  and correction rows from it removed) and tested on it; figures by held-out
  corpus and pooled.
- ``era``: the same with eras of writing (2005–07, 2017–20, 2024–26).
- ``kind``: the pooled leave-one-corpus-out predictions by kind of item.

Figures are those of the decision ``classify`` makes: relevance F1, topic
macro-F1 over the topic codes (the not-relevant one included), signal macro-F1
over the signals, and F1 of the false-information signal, each
on the text as written and with diacritics stripped.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sklearn.metrics import cohen_kappa_score, f1_score

from pipeline.common.taxonomy import taxonomy
from pipeline.understand.classify import Classifier
from pipeline.understand.corpora import Gold, Item, annotations_dir, gold_items, load_gold
from pipeline.understand.models import MODELS_DIR, model_dir
from pipeline.understand.normalize import strip_diacritics

log = logging.getLogger(__name__)
SPLITS_NAME = "splits"
Pair = tuple[Gold, Item]


@dataclass(frozen=True)
class Decision:
    """What classify decided for one item."""

    relevant: bool
    topic: str
    signal: str


def decide(classifier: Classifier, items: list[Item]) -> tuple[list[Decision], list[Decision]]:
    """Decisions on the items as written and with diacritics stripped."""
    plain = [_without_diacritics(item) for item in items]
    return tuple(  # type: ignore[return-value]
        [Decision(p.relevant, p.topic, p.signal) for p in classifier.predict_items(batch)]
        for batch in (items, plain))


def _without_diacritics(item: Item) -> Item:
    return Item(item.key, strip_diacritics(item.title), strip_diacritics(item.text), item.sha1, item.kind,
                item.engagement)


def scores(gold: list[Gold], decisions: list[Decision]) -> dict[str, float]:
    """Relevance F1, topic and signal macro-F1 and false-information F1 of decisions."""
    if not gold:
        return {"n": 0}
    topics = sorted({g.topic for g in gold} | {d.topic for d in decisions})
    signals = sorted({g.signal for g in gold} | {d.signal for d in decisions})
    true_sig, pred_sig = [g.signal for g in gold], [d.signal for d in decisions]
    out: dict[str, float] = {
        "n": len(gold),
        "relevance_f1": _f1([g.topic != taxonomy().irrelevant for g in gold], [d.relevant for d in decisions]),
        "topic_macro_f1": round(float(f1_score([g.topic for g in gold], [d.topic for d in decisions],
                                               labels=topics, average="macro", zero_division=0)), 4),
        "signal_macro_f1": round(float(f1_score(true_sig, pred_sig, labels=signals, average="macro",
                                                zero_division=0)), 4),
    }
    false_info = taxonomy().false_information
    if false_info in true_sig:
        out["false_info_f1"] = _f1([s == false_info for s in true_sig], [s == false_info for s in pred_sig])
    return out


def _f1(truth: list[bool], pred: list[bool]) -> float:
    return round(float(f1_score(truth, pred, zero_division=0)), 4) if any(truth) else float("nan")


def scores_both(gold: list[Gold], written: list[Decision], plain: list[Decision]) -> dict[str, Any]:
    """Scores as written and without diacritics."""
    return {"written": scores(gold, written), "no_diacritics": scores(gold, plain)}


def by_group(pairs: list[Pair], written: list[Decision], plain: list[Decision],
             key: Callable[[Pair], str]) -> dict[str, Any]:
    """Scores of each group of items (corpus, kind …)."""
    out = {}
    for name in sorted({key(p) for p in pairs}):
        idx = [i for i, p in enumerate(pairs) if key(p) == name]
        out[name] = scores_both([pairs[i][0] for i in idx], [written[i] for i in idx], [plain[i] for i in idx])
    return out


def committed(pairs: list[Pair], classifier: Classifier | None = None) -> dict[str, Any]:
    """The committed models on gold items, by corpus and by kind."""
    written, plain = decide(classifier or Classifier(), [item for _, item in pairs])
    return {"corpus": by_group(pairs, written, plain, lambda p: p[0].corpus),
            "kind": by_group(pairs, written, plain, lambda p: p[1].kind),
            "all": scores_both([g for g, _ in pairs], written, plain)}


def held_out_runs(pairs: list[Pair], key: Callable[[Gold], str],
                  fit: Callable[[Callable[[str], bool]], Classifier]) -> dict[str, Any]:
    """Train without each group of ``key`` (``fit`` gets a predicate telling which
    corpus keys to leave out), test on it; scores by group, pooled and by kind."""
    written: list[Decision | None] = [None] * len(pairs)
    plain: list[Decision | None] = [None] * len(pairs)
    groups = sorted({key(g) for g, _ in pairs})
    for name in groups:
        idx = [i for i, (g, _) in enumerate(pairs) if key(g) == name]
        held = {pairs[i][0].key for i in idx}
        log.info("held out %s: %d items; training on the rest", name, len(idx))
        classifier = fit(lambda k, held=held, name=name: k in held or _in_group(k, name, key))
        w, p = decide(classifier, [pairs[i][1] for i in idx])
        for j, i in enumerate(idx):
            written[i], plain[i] = w[j], p[j]
    done_w, done_p = [d for d in written if d], [d for d in plain if d]
    return {"group": by_group(pairs, done_w, done_p, lambda p: key(p[0])),
            "kind": by_group(pairs, done_w, done_p, lambda p: p[1].kind),
            "pooled": scores_both([g for g, _ in pairs], done_w, done_p)}


def _in_group(corpus_key: str, name: str, key: Callable[[Gold], str]) -> bool:
    """Whether a silver or correction row (known by its key only) belongs to the held-out group."""
    return key(Gold(corpus_key, "", "", "", "")) == name


def run_splits(fit: Callable[[Callable[[str], bool]], Classifier], pairs: list[Pair] | None = None,
               classifier: Classifier | None = None, models: str = "relevance, topic, signal") -> dict[str, Any]:
    """Every split: committed models, leave-one-corpus-out, by era, by kind
    (``models`` says which models were retrained for each split)."""
    pairs = pairs if pairs is not None else gold_items(load_gold())
    loco = held_out_runs(pairs, lambda g: g.corpus, fit)
    era = held_out_runs(pairs, lambda g: g.era, fit)
    return {"measured": date.today().isoformat(), "retrained": models, "committed": committed(pairs, classifier),
            "loco": {"corpus": loco["group"], "pooled": loco["pooled"]},
            "era": {"era": era["group"], "pooled": era["pooled"]},
            "kind": loco["kind"]}


def save_splits(results: dict[str, Any]) -> str:
    """Write the figures to ``models/splits-<date>/metrics.json`` (older folders removed)."""
    folder = MODELS_DIR / f"{SPLITS_NAME}-{results['measured']}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "metrics.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n",
                                         encoding="utf-8")
    for old in MODELS_DIR.glob(f"{SPLITS_NAME}-????-??-??"):
        if old != folder:
            for f in old.iterdir():
                f.unlink()
            old.rmdir()
    return str(folder)


def load_splits() -> dict[str, Any]:
    """The latest saved split figures; raises ``FileNotFoundError`` without any."""
    return json.loads((model_dir(SPLITS_NAME) / "metrics.json").read_text(encoding="utf-8"))


FIGURES = (("relevance_f1", "relevance F1"), ("topic_macro_f1", "topic macro-F1"),
           ("signal_macro_f1", "signal macro-F1"), ("false_info_f1", "false-info F1"))


def format_row(name: str, row: dict[str, Any]) -> str:
    """One line: each figure as written / without diacritics."""
    written, plain = row["written"], row["no_diacritics"]
    parts = [f"{label} {written[k]:.3f}/{plain[k]:.3f}" for k, label in FIGURES
             if k in written and written[k] == written[k]]
    return f"  {name:22s} n={written['n']:<5d} " + "  ".join(parts)


def format_splits(results: dict[str, Any]) -> Iterable[str]:
    """Printable lines of every split (figures as written / without diacritics)."""
    yield (f"splits measured {results['measured']}, retrained: {results.get('retrained', 'relevance, topic, signal')}"
           " (each figure: as written / without diacritics)")
    sections = [("leave one corpus out: retrained without the corpus, tested on it", results["loco"]["corpus"]),
                ("leave one corpus out, by kind", results["kind"]),
                ("by era: retrained without the era, tested on it", results["era"]["era"])]
    if "committed" in results:
        sections[:0] = [("committed models on all gold, by corpus (trained-on items flatter it)",
                         results["committed"]["corpus"]),
                        ("committed models, by kind", results["committed"]["kind"])]
    if "before" in results:
        sections.append((f"before: {results['before']['models']}, on gold they had not seen",
                         results["before"]["corpus"]))
    for title, rows in sections:
        yield title
        yield from (format_row(name, row) for name, row in rows.items())
    yield format_row("LOCO pooled", results["loco"]["pooled"])
    yield format_row("era pooled", results["era"]["pooled"])



def summary_line(task: str, metrics: dict[str, Any]) -> str:
    """One line of a model's headline figures."""
    key = "f1_health" if task == "relevance" else "macro_f1"
    held, plain = metrics["heldout"], metrics["heldout_no_diacritics"]
    line = (f"{task}: held-out {key} {held[key]:.3f} (n={held['n']}), "
            f"without diacritics {plain[key]:.3f}")
    if "cross_validation" in metrics:
        cv = metrics["cross_validation"]
        line += f", 5-fold CV {cv['mean']:.3f} ± {cv['std']:.3f}"
    return line


def per_class_lines(metrics: dict[str, Any]) -> list[str]:
    """Held-out precision, recall and F1 of each class."""
    return [f"    {label:22s} P {row['precision']:.2f}  R {row['recall']:.2f}  "
            f"F1 {row['f1-score']:.2f}  n {row['support']:.0f}"
            for label, row in metrics["heldout"]["per_class"].items()]


def combined_relevance() -> str:
    """Held-out F1 of ``Prediction.relevant`` (the decision ``process`` and ``classify`` use)."""
    from pipeline.understand.train import heldout_keys

    gold = load_gold()
    held = heldout_keys(gold)
    pairs = [(g, item) for g, item in gold_items(gold) if g.key in held]
    if not pairs:
        raise ValueError("no held-out gold item readable (is ../shared/data there?)")
    written, plain = decide(Classifier(), [item for _, item in pairs])
    truth = [g.topic != taxonomy().irrelevant for g, _ in pairs]
    return (f"relevance as classify decides ({len(pairs)} held-out): F1 "
            f"{f1_score(truth, [d.relevant for d in written]):.3f}, "
            f"without diacritics {f1_score(truth, [d.relevant for d in plain]):.3f}")


def informal_recall(n: int) -> str:
    """Share of real patients' questions (all about health) kept as health, as
    written and with diacritics stripped."""
    from pipeline.understand.corpora import read_item

    items = [read_item(f"vihealthbert-faq/test/test.txt.src:{i}") for i in range(1, n + 1)]
    written, plain = decide(Classifier(), items)
    return (f"patients' questions kept as health ({len(items)}, vihealthbert-faq test): "
            f"{sum(d.relevant for d in written) / len(items):.1%}, "
            f"without diacritics {sum(d.relevant for d in plain) / len(items):.1%}")


def keyword_disagreement() -> str:
    """One line: share of gold items whose keyword-rule labels differ from the gold."""
    from pipeline.understand.keywords import propose

    items = gold_items(load_gold())
    if not items:
        raise ValueError("no gold items readable (is ../shared/data there?)")
    proposed = [(propose(item.document), g) for g, item in items]
    topic = sum(p[0] != g.topic for p, g in proposed) / len(items)
    signal = sum(p[1] != g.signal for p, g in proposed) / len(items)
    return (f"keyword rules vs gold ({len(items)} items): topic disagrees {topic:.1%}, "
            f"signal disagrees {signal:.1%}")


def agreement() -> list[str]:
    """How a blind second reading (``review-*.jsonl`` in the annotations) agrees with the
    gold labels of the same items: percent agreement and Cohen's kappa, topic and signal."""
    gold = {g.key: g for g in load_gold()}
    lines = []
    for path in sorted(annotations_dir().glob("review-*.jsonl")):
        pairs = [(gold[r.key], r) for r in load_gold(pattern=path.name) if r.key in gold]
        if not pairs:
            continue
        for axis in ("topic", "signal"):
            first, second = [getattr(g, axis) for g, _ in pairs], [getattr(r, axis) for _, r in pairs]
            agree = sum(a == b for a, b in zip(first, second)) / len(pairs)
            lines.append(f"{path.name} vs gold ({len(pairs)} items): {axis} agreement {agree:.1%}, "
                         f"Cohen's kappa {cohen_kappa_score(first, second):.3f}")
    return lines
