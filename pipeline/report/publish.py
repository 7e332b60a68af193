"""Write digests to ``data/digests/D/`` and send them by e-mail, once per digest.

A digest whose window holds no documents carries a banner saying so, is not
e-mailed, and never replaces a digest of the same day that had documents
(unless forced): an empty store or a broken crawl must not wipe a good digest.
"""
from __future__ import annotations

import json
import logging
from datetime import date, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from pipeline.report.digest import build_digest, digest_json
from pipeline.report.render import chart_images, digest_title, render_html, render_markdown, write_outputs
from pipeline.store.schema import DeliveryRow
from pipeline.common.options import DigestOptions
from pipeline.common.settings import Settings
from pipeline.store.store import Store

log = logging.getLogger(__name__)
EMPTY_NOTICE = ("Không có bài nào trong khoảng thời gian của bản tin. Hãy kiểm tra việc thu thập tin "
                "(duluan crawl) và kho dữ liệu đang dùng (DULUAN_DB_URL, DULUAN_DATA_DIR).")


class DigestKept(RuntimeError):
    """An empty digest was not written over an existing digest that has documents."""


def digests_dir(settings: Settings) -> Path:
    """Where digests go: ``[digest] dir`` or ``<data_dir>/digests``."""
    configured = settings.options(DigestOptions).dir
    return Path(configured).resolve() if configured else settings.data_dir / "digests"


def is_empty(doc: dict[str, Any]) -> bool:
    """True when no document was published in the digest's window."""
    return not doc["headline"]["documents"]


def documents_written(folder: Path, period: str) -> int:
    """Documents counted by the digest already written in ``folder`` (0 when there is none)."""
    path = folder / ("digest.json" if period == "day" else f"digest-{period}.json")
    try:
        return int(json.loads(path.read_text(encoding="utf-8"))["headline"]["documents"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def write_digest(store: Store, settings: Settings, day: date, period: str = "day",
                 force: bool = False) -> tuple[dict[str, Any], dict[str, Path]]:
    """Build the digest of ``period`` ending with ``day`` and write its three files.

    An empty digest gets a banner and a warning; it raises :class:`DigestKept`
    instead of replacing a digest with documents, unless ``force``."""
    doc = digest_json(build_digest(store, settings, day, period))
    folder = digests_dir(settings) / day.isoformat()
    if is_empty(doc):
        earlier = documents_written(folder, period)
        if earlier and not force:
            raise DigestKept(f"the {period} digest of {day} has no documents in its window; the one already "
                             f"written ({earlier} documents) is kept (--force replaces it)")
        log.warning("the %s digest of %s has no documents in its window (%s – %s)", period, day,
                    doc["window"]["start"], doc["window"]["end"])
        doc["notice"] = EMPTY_NOTICE
    paths = write_outputs(doc, folder, ZoneInfo(settings.timezone))
    log.debug("digest %s (%s): %d hot issues → %s", day, period, len(doc["issues"]), paths["html"])
    return doc, paths


def already_delivered(store: Store, key: str) -> bool:
    """True when something with this delivery key was sent before."""
    with store.session() as s:
        return s.scalar(select(DeliveryRow.key).where(DeliveryRow.key == key)) is not None


def mark_delivered(store: Store, key: str, detail: str) -> None:
    """Record a delivery (idempotent)."""
    with store.session() as s:
        store.upsert(s, DeliveryRow, {"key": key, "detail": detail}, key="key", keep=("sent_at",))


def email_digest(doc: dict[str, Any], tz: tzinfo) -> str | None:
    """E-mail a digest (HTML with inline charts, plain-text Markdown; times in ``tz``);
    returns the recipients, or None when e-mail is not configured."""
    from pipeline.report.notify import send_configured

    images = chart_images(doc)
    html = render_html(doc, {key: f"cid:{key}" for key in images}, tz)
    recipients = send_configured(digest_title(doc), render_markdown(doc, tz), html, images)
    return ", ".join(recipients) if recipients else None


def publish_digest(store: Store, settings: Settings, day: date, period: str = "day",
                   force: bool = False) -> dict[str, Path]:
    """Write the digest and e-mail it unless it was e-mailed already (safe to re-run);
    an empty digest is not e-mailed unless ``force``."""
    doc, paths = write_digest(store, settings, day, period, force=force)
    if is_empty(doc) and not force:
        log.warning("the %s digest of %s is not e-mailed: it has no documents", period, day)
        return paths
    key = f"digest:{period}:{day.isoformat()}"
    if already_delivered(store, key):
        log.info("digest %s already e-mailed; files rewritten only", key)
        return paths
    recipients = email_digest(doc, ZoneInfo(settings.timezone))
    if recipients:
        mark_delivered(store, key, recipients)
    return paths
