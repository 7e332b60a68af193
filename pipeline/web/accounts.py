"""Accounts of the workspace: Argon2 password hashes, roles, rate-limited log-ins.

>>> add_user(store, "lan", "Mật-khẩu-dài", agency="syt", role="editor")  # doctest: +SKIP
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, or_, select

from pipeline.store.schema import LoginFailureRow, UserRow, utcnow
from pipeline.store.store import Store
from pipeline.web.audit import record

log = logging.getLogger(__name__)
AGENCIES = {"btg": "Ban Tuyên giáo", "syt": "Sở Y tế"}
ROLES = {"viewer": "Chỉ xem", "editor": "Biên tập", "admin": "Quản trị"}
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# Hashed once so that an unknown user name costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash("không-có-người-dùng-này")


class AccountError(ValueError):
    """A user that cannot be created as asked (unknown role, short password …)."""


@dataclass(frozen=True)
class User:
    """Who is logged in."""

    id: int
    username: str
    agency: str
    role: str

    @property
    def can_edit(self) -> bool:
        """Editors and admins change follow-ups and labels; viewers only read."""
        return self.role in ("editor", "admin")


@dataclass(frozen=True)
class LoginLimits:
    """``[web]`` limits: failed log-ins allowed per user name and per address in the window."""

    window_minutes: int = 15
    per_username: int = 5
    per_address: int = 20


def add_user(store: Store, username: str, password: str, agency: str, role: str) -> bool:
    """Create the user, or update role, agency and password of an existing one; True when created."""
    username = username.strip()
    if not username or len(username) > 100:
        raise AccountError("user name must be 1 to 100 characters")
    if agency not in AGENCIES:
        raise AccountError(f"unknown agency {agency!r}: use {', '.join(AGENCIES)}")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: use {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password must have at least {MIN_PASSWORD} characters")
    hashed = _hasher.hash(password)
    with store.session() as s:
        row = s.scalar(select(UserRow).where(UserRow.username == username))
        created = row is None
        if row is None:
            row = UserRow(username=username, created_at=utcnow())
            s.add(row)
        row.password_hash, row.agency, row.role, row.active, row.updated_at = hashed, agency, role, True, utcnow()
        record(s, "cli", "user.add" if created else "user.update", username, {"agency": agency, "role": role})
    log.info("user %s %s (%s, %s)", username, "created" if created else "updated", agency, role)
    return created


def too_many_failures(store: Store, username: str, address: str, limits: LoginLimits) -> bool:
    """True while the user name or the address has used up its failed log-ins."""
    since = utcnow() - timedelta(minutes=limits.window_minutes)
    with store.session() as s:
        by_name, by_address = s.execute(
            select(func.count().filter(LoginFailureRow.username == username),
                   func.count().filter(LoginFailureRow.address == address))
            .where(LoginFailureRow.at >= since,
                   or_(LoginFailureRow.username == username, LoginFailureRow.address == address))).one()
    return by_name >= limits.per_username or by_address >= limits.per_address


def authenticate(store: Store, username: str, password: str, address: str) -> User | None:
    """The user when the password is right; a failure is counted (and audited) otherwise."""
    with store.session() as s:
        row = s.scalar(select(UserRow).where(UserRow.username == username, UserRow.active.is_(True)))
        try:
            _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
            ok = row is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok:
            s.add(LoginFailureRow(username=username[:100], address=address[:64], at=utcnow()))
            record(s, username[:100] or "?", "login.failed", address, {})
            log.warning("failed log-in for %r from %s", username[:100], address)
            return None
        if _hasher.check_needs_rehash(row.password_hash):
            row.password_hash = _hasher.hash(password)
        s.execute(delete(LoginFailureRow).where(LoginFailureRow.username == username))
        record(s, username, "login", address, {})
        return User(row.id, row.username, row.agency, row.role)


def load_user(store: Store, user_id: int) -> User | None:
    """The active user with this id (a removed or deactivated user is logged out)."""
    with store.session() as s:
        row = s.get(UserRow, user_id)
        return User(row.id, row.username, row.agency, row.role) if row and row.active else None


class UserCache:
    """Users by id for ``seconds``: a page does not read the users table each time; a
    changed role or a deactivated account takes effect within that time."""

    def __init__(self, store: Store, seconds: float = 10.0) -> None:
        self.store, self.seconds = store, seconds
        self._users: dict[int, tuple[float, User | None]] = {}

    def get(self, user_id: int) -> User | None:
        """The active user with this id."""
        now = time.monotonic()
        cached = self._users.get(user_id)
        if cached is None or cached[0] < now:
            cached = (now + self.seconds, load_user(self.store, user_id))
            self._users[user_id] = cached
        return cached[1]
