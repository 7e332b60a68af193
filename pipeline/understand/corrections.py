"""The corrections loop: analysts review low-confidence and disputed predictions
(notebook ``03-label-review``) and record the right labels; ``duluan train``
adds the corrected documents to every model's training rows (never to the
evaluation). A correction points at a stored document by URL and the SHA-1 of
its title and text — the text itself stays in the store, not in the repository.
"""
from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from pipeline.understand.corpora import LEAD_CHARS, Gold, Item, annotations_dir
from pipeline.common.files import write_text_atomic
from pipeline.understand.keywords import propose
from pipeline.common.taxonomy import taxonomy
from pipeline.store.schema import AnalysisRow, DocumentRow
from pipeline.store.store import Store

log = logging.getLogger(__name__)


def corrections_file() -> Path:
    """``config/annotations/corrections.jsonl`` (``DULUAN_CORRECTIONS`` overrides)."""
    return Path(os.environ.get("DULUAN_CORRECTIONS") or annotations_dir() / "corrections.jsonl")


def _read(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def record_correction(store: Store, document_id: int, topic: str, signal: str, annotator: str,
                      path: Path | None = None) -> dict:
    """Record the right labels of a stored document (a later correction of the same
    document replaces the earlier one); returns the record."""
    tax = taxonomy()
    if topic not in tax.topic_codes or signal not in tax.signal_codes:
        raise ValueError(f"unknown code: {topic} / {signal}")
    if not tax.is_valid_pair(topic, signal):
        raise ValueError(f"a {tax.irrelevant} item always has signal {tax.default_signal}")
    with store.session() as s:
        doc = s.get(DocumentRow, document_id)
        if doc is None:
            raise ValueError(f"no document {document_id} in the store")
        record = {"url": doc.url_canonical, "sha1": doc.content_sha1, "topic": topic, "signal": signal,
                  "annotator": annotator, "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    path = path or corrections_file()
    records = [r for r in _read(path) if r["url"] != record["url"]] + [record]
    write_text_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return record


def correction_examples(store: Store | None = None, path: Path | None = None) -> list[tuple[Gold, Item]]:
    """Corrected documents as training examples; a document no longer in the store,
    or changed since it was corrected, is skipped with a log line."""
    records = _read(path or corrections_file())
    if not records:
        return []
    try:
        store = store or Store()
        with store.session() as s:
            docs = {d.url_canonical: d for d in s.scalars(
                select(DocumentRow).where(DocumentRow.url_canonical.in_([r["url"] for r in records])))}
    except SQLAlchemyError as exc:
        log.warning("corrections not used: the store cannot be read (%s)", exc)
        return []
    out = []
    for r in records:
        doc = docs.get(r["url"])
        if doc is None or doc.content_sha1 != r["sha1"]:
            log.warning("correction of %s skipped: document %s", r["url"], "absent" if doc is None else "changed")
            continue
        out.append((Gold(r["url"], r["sha1"], r["topic"], r["signal"], r["annotator"]),
                    Item(r["url"], doc.title, doc.text, r["sha1"])))
    return out


def review_queue(store: Store | None = None, limit: int = 50) -> pd.DataFrame:
    """Predictions worth a human look: low confidence (relevance near 0.5, or no topic
    above 0.5) or disputed (the keyword rules propose another topic), least sure first."""
    store = store or Store()
    with store.session() as s:  # streamed: only title and lead leave the database
        rows = s.execute(select(DocumentRow.id, DocumentRow.title, func.substr(DocumentRow.text, 1, LEAD_CHARS),
                                DocumentRow.url, AnalysisRow.relevant, AnalysisRow.topic, AnalysisRow.signal,
                                AnalysisRow.scores)
                         .join(AnalysisRow, AnalysisRow.document_id == DocumentRow.id)
                         .where(AnalysisRow.skipped.is_(None)).execution_options(yield_per=5000))
        queue = [row for row in map(_review_row, rows) if row is not None]
    queue.sort(key=lambda r: (r["certainty"], r["id"]))
    return pd.DataFrame(queue[:limit], columns=["id", "title", "url", "relevant", "topic", "signal", "relevance",
                                                "topic_score", "keyword_topic", "disputed", "certainty"])


def _review_row(row: tuple) -> dict | None:
    """A review-queue entry for an analysed document, or None when it is sure and undisputed."""
    doc_id, title, lead, url, relevant, topic, signal, scores = row
    if scores:
        top = max(scores["topic"].values())
        keyword_topic, _ = propose(f"{title}\n{lead}")
        disputed = relevant and keyword_topic not in (taxonomy().irrelevant, topic)
        certainty = min(abs(scores["relevance"] - 0.5) * 2, top)
        if certainty < 0.5 or disputed:
            return {"id": doc_id, "title": title, "url": url, "relevant": relevant, "topic": topic,
                    "signal": signal, "relevance": scores["relevance"], "topic_score": round(top, 3),
                    "keyword_topic": keyword_topic, "disputed": disputed, "certainty": round(certainty, 3)}
    return None
