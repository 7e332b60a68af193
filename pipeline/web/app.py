"""The workspace application: sessions, log-in, CSRF, roles and the pages' routes.

>>> app = create_app(Store(), get_settings())  # doctest: +SKIP
"""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from pipeline.common.labels import LEVELS
from pipeline.common.taxonomy import taxonomy
from pipeline.common.options import WebOptions
from pipeline.common.settings import Settings
from pipeline.detect.mentions import Clock
from pipeline.store.store import Store
from pipeline.web.accounts import AGENCIES, ROLES, LoginLimits, User, UserCache, authenticate, too_many_failures
from pipeline.web.audit import ACTIONS, record
from pipeline.web.digests import DigestShelf
from pipeline.web.followup import STATUSES, DueOptions, Registry
from pipeline.web.search import BackgroundIndexer
from pipeline.web.security import CSRF_FIELD, QuietErrors, SecureCookies, csrf_ok, csrf_token, session_secret

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
COOKIE = "duluan_session"


class LoginRequired(Exception):
    """Raised by :func:`current_user` when nobody is logged in."""


@dataclass
class Workspace:
    """What every request needs: the store, settings and the digests."""

    store: Store
    settings: Settings
    options: WebOptions
    limits: LoginLimits
    due: DueOptions
    clock: Clock
    digests: DigestShelf
    templates: Jinja2Templates
    users: UserCache


def workspace(request: Request) -> Workspace:
    """The application's :class:`Workspace`."""
    return request.app.state.workspace


def current_user(request: Request) -> User:
    """The logged-in user, else :class:`LoginRequired` (answered with a redirect to /login)."""
    user_id = request.session.get("uid")
    user = workspace(request).users.get(user_id) if isinstance(user_id, int) else None
    if user is None:
        request.session.pop("uid", None)
        raise LoginRequired
    return user


def editor(request: Request, csrf: str | None) -> User:
    """The logged-in user allowed to change things, with a valid CSRF token; 403 otherwise."""
    user = current_user(request)
    if not csrf_ok(request, csrf):
        raise HTTPException(403, "Thiếu hoặc sai mã chống giả mạo (CSRF). Hãy tải lại trang.")
    if not user.can_edit:
        raise HTTPException(403, "Tài khoản chỉ xem không được thay đổi dữ liệu.")
    return user


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """A page from ``templates/``, with the user, the CSRF token and the code names."""
    ws = workspace(request)
    user_id = request.session.get("uid")
    if "user" not in context:
        context = context | {"user": ws.users.get(user_id) if isinstance(user_id, int) else None}
    tax = taxonomy()
    base = {"csrf_field": CSRF_FIELD, "csrf_token": csrf_token(request), "LEVELS": LEVELS, "TOPICS": tax.topic_names,
            "SIGNALS": tax.signal_names, "FALSE_INFORMATION": tax.false_information, "STATUSES": STATUSES,
            "AGENCIES": AGENCIES, "ROLES": ROLES, "ACTIONS": ACTIONS, "tz": ws.clock.tz}
    return ws.templates.TemplateResponse(request, name, base | context, status_code=status_code)


def create_app(store: Store, settings: Settings) -> FastAPI:
    """The workspace over ``store``."""
    from pipeline.web import actions, views
    from pipeline.web.templating import make_templates

    options = settings.options(WebOptions)
    ws = Workspace(store=store, settings=settings, options=options,
                   limits=LoginLimits(options.window_minutes, options.per_username, options.per_address),
                   due=DueOptions(**options.due_days),
                   clock=Clock.from_settings(settings), digests=DigestShelf(settings),
                   templates=make_templates(HERE / "templates"), users=UserCache(store))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        indexer = BackgroundIndexer(store, options.index_seconds) if options.index_seconds > 0 else None
        if indexer:
            indexer.start()
        yield
        if indexer:
            indexer.stop()

    app = FastAPI(title="duluan", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.workspace = ws
    app.state.registry = Registry(store, ws.clock, ws.due)
    app.add_middleware(QuietErrors)
    app.add_middleware(SessionMiddleware, secret_key=session_secret(settings.data_dir), session_cookie=COOKIE,
                       max_age=options.session_hours * 3600, same_site="lax", https_only=options.secure_cookie)
    app.add_middleware(SecureCookies, force=options.secure_cookie)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(LoginRequired)
    async def _to_login(request: Request, _: LoginRequired) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(HTTPException)
    async def _error(request: Request, exc: HTTPException) -> Response:
        return render(request, "error.html.j2", {"status": exc.status_code, "detail": exc.detail},
                      status_code=exc.status_code)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> Response:
        try:
            with store.session() as s:
                s.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            log.error("health check: store not reachable: %s", exc)
            return JSONResponse({"status": "store unreachable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request) -> Response:
        return render(request, "login.html.j2", {"error": None, "username": ""})

    @app.post("/login", response_class=HTMLResponse)
    def login(request: Request, username: str = Form(""), password: str = Form(""),
              csrf_token: str | None = Form(None)) -> Response:
        if not csrf_ok(request, csrf_token):
            return render(request, "login.html.j2", {"error": "Phiên đăng nhập đã hết hạn, hãy thử lại.",
                                                     "username": username}, status_code=403)
        address = request.client.host if request.client else "?"
        if too_many_failures(store, username, address, ws.limits):
            log.warning("log-in refused (too many failures) for %r from %s", username[:100], address)
            return render(request, "login.html.j2", {
                "error": f"Đăng nhập sai quá nhiều lần. Hãy thử lại sau {ws.limits.window_minutes} phút.",
                "username": username}, status_code=429)
        user = authenticate(store, username, password, address)
        if user is None:
            return render(request, "login.html.j2", {"error": "Sai tên đăng nhập hoặc mật khẩu.",
                                                     "username": username}, status_code=401)
        request.session.clear()  # a new session (and CSRF token) after log-in
        request.session["uid"] = user.id
        return RedirectResponse("/", status_code=303)

    @app.post("/logout")
    def logout(request: Request, csrf_token: str | None = Form(None)) -> Response:
        if not csrf_ok(request, csrf_token):
            raise HTTPException(403, "Thiếu hoặc sai mã chống giả mạo (CSRF).")
        user_id = request.session.get("uid")
        user = ws.users.get(user_id) if isinstance(user_id, int) else None
        if user is not None:
            with store.session() as s:
                record(s, user.username, "logout", request.client.host if request.client else "?", {})
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    app.include_router(views.router)
    app.include_router(actions.router)
    return app
