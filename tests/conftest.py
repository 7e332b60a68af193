"""Shared fixtures: stores on SQLite and PostgreSQL, loopback sites, running ``duluan``."""
from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from crawlers.demo_news import load_news
from crawlers.loopback import LoopbackSite

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("DULUAN_SHARED_DATA") or REPO.parent / "shared" / "data")
PG_ADMIN_URL = os.environ.get("DULUAN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("DULUAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI", "").lower() == "true"


def _pg_available() -> bool:
    try:
        engine = create_engine(PG_ADMIN_URL)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 — any failure means "no server here"
        return False


@pytest.fixture(scope="session")
def pg_available() -> bool:
    """Whether the PostgreSQL server answers; under CI=true it must."""
    ok = _pg_available()
    if not ok and IN_CI:
        pytest.fail(f"CI=true but PostgreSQL at {PG_ADMIN_URL} does not answer")
    return ok


def require_shared(path: Path = SHARED_DATA) -> Path:
    """``path`` (default ``../shared/data``): where it is missing the test is skipped, and
    under ``CI=true`` it fails, so CI cannot pass without the real data."""
    if not path.exists():
        message = f"{path} not here (../shared/data absent; DULUAN_SHARED_DATA overrides)"
        if IN_CI:
            pytest.fail(f"CI=true but {message}")
        pytest.skip(message)
    return path


@pytest.fixture
def shared_data() -> Path:
    """``../shared/data``, required under CI=true (see :func:`require_shared`)."""
    return require_shared()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store URL: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    if not request.getfixturevalue("pg_available"):
        pytest.skip("PostgreSQL server not available (runs under CI=true)")
    name = f"duluan_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def redis_prefix() -> Iterator[tuple[str, str]]:
    """``(url, prefix)``: the Redis server and a key prefix of this test alone,
    empty before and deleted after; skipped without a server unless CI=true."""
    redis = pytest.importorskip("redis")
    server = redis.Redis.from_url(REDIS_URL)
    try:
        server.ping()
    except redis.RedisError as exc:
        if IN_CI:
            pytest.fail(f"CI=true but Redis at {REDIS_URL} does not answer: {exc}")
        pytest.skip(f"Redis server not available at {REDIS_URL} (runs under CI=true)")
    prefix = f"duluan-test-{uuid.uuid4().hex[:12]}"

    def flush() -> None:
        keys = list(server.scan_iter(match=f"{prefix}:*"))
        if keys:
            server.delete(*keys)

    flush()
    yield REDIS_URL, prefix
    flush()
    server.close()


def _status(code: int):  # noqa: ANN202
    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_body(code, f"<html><body>Lỗi {code}</body></html>".encode(), "text/html; charset=utf-8")
    return route


def _redirect(to: str):  # noqa: ANN202
    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_body(302, b"", None, {"Location": to})
    return route


def slow_file(delay: float):  # noqa: ANN201
    """A route serving the requested file after ``delay`` seconds."""
    def route(h: BaseHTTPRequestHandler) -> None:
        time.sleep(delay)
        h.send_file(h.path)
    return route


def _slow(h: BaseHTTPRequestHandler) -> None:
    time.sleep(3)
    h.send_body(200, b"<html><body><h1>Qua cham</h1></body></html>", "text/html; charset=utf-8")


@pytest.fixture
def bad_site() -> Iterator[LoopbackSite]:
    """The fixture site with every bad-input case (errors, loops, slow, huge pages)."""
    routes = {"/err/410": _status(410), "/err/500": _status(500), "/cham": _slow,
              "/vong/a": _redirect("/vong/b"), "/vong/b": _redirect("/vong/a")}
    with LoopbackSite(FIXTURES / "badsite", routes) as site:
        yield site


def write_sources(template: Path, base_url: str, folder: Path) -> Path:
    """A sources file from a template with ``{{BASE}}`` filled in."""
    target = folder / "sources.yaml"
    target.write_text(template.read_text(encoding="utf-8").replace("{{BASE}}", base_url), encoding="utf-8")
    return target


def duluan_env(db_url: str, data_dir: Path, config_dir: Path | None = None) -> dict[str, str]:
    """Environment for a ``duluan`` subprocess on a given store."""
    env = dict(os.environ, DULUAN_DB_URL=db_url, DULUAN_DATA_DIR=str(data_dir),
               DULUAN_AUTHOR_SALT="test-salt")
    if config_dir is not None:
        env["DULUAN_CONFIG_DIR"] = str(config_dir)
    return env


def run_duluan(args: list[str], env: dict[str, str], timeout: float = 180,
               cwd: Path = REPO, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the ``duluan`` command line as a real process."""
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], env=env, capture_output=True,
                          text=True, timeout=timeout, cwd=cwd, input=stdin)


@pytest.fixture
def test_config(tmp_path: Path) -> Path:
    """A config folder with the test settings (short timeouts, small limits)."""
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "settings.toml").write_text((FIXTURES / "config" / "settings.toml").read_text(encoding="utf-8"),
                                          encoding="utf-8")
    for name in ("taxonomy.yaml", "keywords.yaml", "routing.yaml"):  # what process and digest read
        shutil.copy(REPO / "config" / name, folder / name)
    return folder


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Run ``duluan demo`` once into a fresh data folder."""
    data = tmp_path_factory.mktemp("demo")
    port = free_port()
    env = duluan_env(f"sqlite:///{data / 'duluan.db'}", data)
    result = run_duluan(["demo", "--port", str(port)], env, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    base = f"http://127.0.0.1:{port}"
    events = {i["url"].replace("{{BASE}}", base): i.get("event") for i in load_news()}
    yield {"data": data, "env": env, "stdout": result.stdout, "stderr": result.stderr, "events": events,
           "port": port}


def copy_demo_store(demo: dict, folder: Path) -> str:
    """A copy of the demo store in ``folder`` (to change without touching the shared one); its URL."""
    target = folder / "duluan.db"
    with sqlite3.connect(demo["data"] / "duluan.db") as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return f"sqlite:///{target}"


class Inbox:
    """An aiosmtpd handler that keeps every message."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        from email import message_from_bytes, policy

        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def smtp_env(port: int) -> dict[str, str]:
    """The e-mail settings for a plain SMTP server on 127.0.0.1:``port``."""
    return {"DULUAN_SMTP_HOST": "127.0.0.1", "DULUAN_SMTP_PORT": str(port), "DULUAN_SMTP_SECURITY": "none",
            "DULUAN_SMTP_FROM": "duluan@quangngai.gov.vn", "DULUAN_SMTP_TO": "khoagiao@quangngai.gov.vn"}


@contextmanager
def smtp_server(port: int) -> Iterator[Inbox]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1:``port`` while the block runs."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
