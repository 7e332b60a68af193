"""``duluan process``: new or changed documents → analyses, in batches, re-runnable.

Per document: normalise, skip non-Vietnamese text with a reason, classify
(relevance, topic, signal with scores and why), geotag (provinces, communes,
health facilities) and place it in a near-duplicate group.
"""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, or_, select

from pipeline.common.taxonomy import taxonomy
from pipeline.store.records import Analysis
from pipeline.understand.classify import Classifier
from pipeline.understand.dedup import DuplicateIndex, from_bytes, minhash, to_bytes
from pipeline.understand.language import is_vietnamese
from pipeline.understand.models import MODEL_NAMES, model_dir
from pipeline.understand.normalize import normalize_text
from pipeline.store.schema import AnalysisRow, DocumentRow, utcnow
from pipeline.store.store import Store

log = logging.getLogger(__name__)
DUP_WINDOW_DAYS = 14
# A document's text is read up to this many characters (a hostile page or post
# cannot make one analysis take minutes and gigabytes).
MAX_TEXT_CHARS = 100_000


@dataclass
class ProcessSummary:
    """Counts of one ``process`` run."""

    processed: int = 0
    skipped: int = 0
    relevant: int = 0


def models_version() -> str:
    """Names of the model folders in use, e.g. ``relevance-2026-11-23,…``."""
    return ",".join(model_dir(name).name for name in MODEL_NAMES)


def _pending_filter() -> Any:
    return or_(AnalysisRow.document_id.is_(None), AnalysisRow.processed_at < DocumentRow.updated_at)


def pending(store: Store, limit: int) -> list[DocumentRow]:
    """Documents with no analysis yet, or changed since theirs, oldest first."""
    with store.session() as s:
        q = (select(DocumentRow).outerjoin(AnalysisRow, AnalysisRow.document_id == DocumentRow.id)
             .where(_pending_filter()).order_by(DocumentRow.id).limit(limit))
        return list(s.scalars(q))


def pending_count(store: Store) -> int:
    """How many documents :func:`pending` would return without a limit."""
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(DocumentRow)
                        .outerjoin(AnalysisRow, AnalysisRow.document_id == DocumentRow.id)
                        .where(_pending_filter())) or 0


def load_duplicate_index(store: Store) -> DuplicateIndex:
    """Signatures of recently processed documents, so new ones can join their groups."""
    index = DuplicateIndex()
    since = utcnow() - timedelta(days=DUP_WINDOW_DAYS)
    with store.session() as s:
        rows = s.execute(select(AnalysisRow.document_id, AnalysisRow.minhash, AnalysisRow.dup_group)
                         .join(DocumentRow, DocumentRow.id == AnalysisRow.document_id)
                         .where(AnalysisRow.minhash.is_not(None), DocumentRow.fetched_at >= since)
                         .order_by(AnalysisRow.document_id))
        for doc_id, blob, group in rows:
            index.add(doc_id, from_bytes(blob), group)
    return index


def skipped(reason: str) -> Analysis:
    """The analysis of a text that was not classified (e.g. not Vietnamese)."""
    tax = taxonomy()
    return Analysis(relevant=False, topic=tax.irrelevant, signal=tax.default_signal, skipped=reason)


def analyse_batch(docs: list[DocumentRow], classifier: Classifier, index: DuplicateIndex,
                  province: str, version: str) -> list[dict]:
    """Analysis rows (as dicts of ``AnalysisRow`` columns) for a batch of documents."""
    texts = [normalize_text(f"{d.title}\n{d.text[:MAX_TEXT_CHARS]}") for d in docs]
    checks = [is_vietnamese(t) for t in texts]
    analysed = iter(classifier.analyse([t for t, (ok, _) in zip(texts, checks) if ok], province))
    rows = []
    for doc, text, (ok, reason) in zip(docs, texts, checks):
        if not ok:
            log.info("document %s skipped: %s", doc.id, reason)
        analysis = next(analysed) if ok else skipped(reason)
        sig = minhash(text)
        # The version read: a document rewritten while its batch runs is newer, so stays pending.
        rows.append({"document_id": doc.id, "processed_at": doc.updated_at, "models": version, "minhash": to_bytes(sig),
                     "dup_group": index.add(doc.id, sig)} | dataclasses.asdict(analysis))
    return rows


def process_pending(store: Store, province: str, batch_size: int = 200,
                    progress: Callable[[int], None] | None = None) -> ProcessSummary:
    """Analyse every pending document, one committed batch at a time."""
    classifier = Classifier()
    index = load_duplicate_index(store)
    version = models_version()
    summary = ProcessSummary()
    while True:
        docs = pending(store, batch_size)
        if not docs:
            return summary
        rows = analyse_batch(docs, classifier, index, province, version)
        with store.session() as s:
            for row in rows:
                store.upsert(s, AnalysisRow, row, key="document_id")
        summary.processed += len(rows)
        summary.skipped += sum(r["skipped"] is not None for r in rows)
        summary.relevant += sum(r["relevant"] for r in rows)
        if progress:
            progress(len(rows))
