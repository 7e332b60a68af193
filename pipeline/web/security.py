"""Session secret, CSRF tokens and the ``Secure`` flag of cookies behind HTTPS."""
from __future__ import annotations

import hmac
import logging
import os
import secrets
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def session_secret(data_dir: Path) -> str:
    """``DULUAN_WEB_SECRET``, else a random secret kept in ``<data_dir>/web-secret`` (mode 600),
    so that sessions survive a restart and every worker signs alike."""
    configured = os.environ.get("DULUAN_WEB_SECRET")
    if configured:
        return configured
    path = data_dir / "web-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
        log.info("new session secret in %s", path)
    return path.read_text().strip()


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use)."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_ok(request: Request, submitted: str | None) -> bool:
    """True when the submitted token (form field or ``X-CSRF-Token``) is the session's."""
    expected = request.session.get("csrf")
    given = submitted or request.headers.get(CSRF_HEADER)
    return bool(expected and given and hmac.compare_digest(expected, given))


class SecureCookies:
    """Adds ``Secure`` to every cookie set over HTTPS (directly, or behind a proxy that
    says so in ``X-Forwarded-Proto`` and that uvicorn trusts), or always when ``force``."""

    def __init__(self, app: ASGIApp, force: bool = False) -> None:
        self.app, self.force = app, force

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not (self.force or scope.get("scheme") == "https"):
            await self.app(scope, receive, send)
            return

        async def send_secure(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                cookies = headers.getlist("set-cookie")
                if cookies:
                    del headers["set-cookie"]
                    for cookie in cookies:
                        headers.append("set-cookie", cookie if "; secure" in cookie.lower() else cookie + "; Secure")
            await send(message)

        await self.app(scope, receive, send_secure)


class QuietErrors:
    """An unexpected error becomes one log line (no traceback unless debugging) and a 500 page."""

    PAGE = ("<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>Lỗi 500</title>"
            "<h1>Lỗi 500</h1><p>Lỗi máy chủ; đã ghi nhật ký.</p><p><a href=\"/\">Về bản tin</a></p></html>")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def track(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, track)
        except Exception as exc:  # noqa: BLE001 — answered and logged on one line
            log.error("%s %s failed: %s: %s", scope["method"], scope["path"], type(exc).__name__, exc,
                      exc_info=log.isEnabledFor(logging.DEBUG))
            if not started:
                body = self.PAGE.encode("utf-8")
                await send({"type": "http.response.start", "status": 500,
                            "headers": [(b"content-type", b"text/html; charset=utf-8"),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
