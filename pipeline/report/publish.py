"""Write digests to ``data/digests/D/`` and send them by e-mail, once per digest."""
from __future__ import annotations

import logging
from datetime import date, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from pipeline.report.digest import build_digest, digest_json
from pipeline.report.render import chart_images, digest_title, render_html, render_markdown, write_outputs
from pipeline.store.schema import DeliveryRow
from pipeline.common.settings import Settings
from pipeline.store.store import Store

log = logging.getLogger(__name__)


def digests_dir(settings: Settings) -> Path:
    """Where digests go: ``[digest] dir`` or ``<data_dir>/digests``."""
    configured = settings.section("digest").get("dir")
    return Path(configured).resolve() if configured else settings.data_dir / "digests"


def write_digest(store: Store, settings: Settings, day: date, period: str = "day") -> tuple[dict[str, Any], dict[str, Path]]:
    """Build the digest of ``period`` ending with ``day`` and write its three files."""
    doc = digest_json(build_digest(store, settings, day, period))
    paths = write_outputs(doc, digests_dir(settings) / day.isoformat(), ZoneInfo(settings.timezone))
    log.info("digest %s (%s): %d hot issues → %s", day, period, len(doc["issues"]), paths["html"])
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


def publish_digest(store: Store, settings: Settings, day: date, period: str = "day") -> dict[str, Path]:
    """Write the digest and e-mail it unless it was e-mailed already (safe to re-run)."""
    doc, paths = write_digest(store, settings, day, period)
    key = f"digest:{period}:{day.isoformat()}"
    if already_delivered(store, key):
        log.info("digest %s already e-mailed; files rewritten only", key)
        return paths
    recipients = email_digest(doc, ZoneInfo(settings.timezone))
    if recipients:
        mark_delivered(store, key, recipients)
    return paths
