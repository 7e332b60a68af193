"""The audit log: who changed what and when."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.store.schema import AuditRow, utcnow
from pipeline.store.store import Store

ACTIONS = {"login": "Đăng nhập", "login.failed": "Đăng nhập sai", "logout": "Đăng xuất",
           "user.add": "Tạo tài khoản", "user.update": "Sửa tài khoản", "followup": "Cập nhật xử lý",
           "label": "Báo nhãn sai"}


def record(session: Session, username: str, action: str, target: str, detail: dict[str, Any]) -> None:
    """Add one entry in the caller's transaction, so the change and its entry commit together."""
    session.add(AuditRow(at=utcnow(), username=username, action=action, target=target[:200], detail=detail))


def recent(store: Store, limit: int = 200, target: str | None = None) -> list[AuditRow]:
    """The latest entries, newest first (of one target when given)."""
    q = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
    if target is not None:
        q = q.where(AuditRow.target == target)
    with store.session() as s:
        return list(s.scalars(q))
