"""Workspace benchmark: 20 concurrent readers on 127.0.0.1 against ``duluan serve``.

Pages: the digest and issue pages of the store in use (the demo store after
``duluan demo``). Search: a generated store of N documents (the digest benchmark's
generator, kept in ``--folder`` for re-runs) with its search index built. Each
reader logs in and makes a fixed number of requests, so the run stops by itself;
the report gives p50/p95 per kind of page. A temporary ``bench-web`` user is
added for the run and removed after it.
"""
from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from statistics import quantiles

import httpx
from sqlalchemy import delete, func, select

from pipeline.bench_digest import generate_store
from pipeline.store.schema import DocumentRow, UserRow
from pipeline.store.store import Store
from pipeline.web.accounts import add_user
from pipeline.web.search import refresh_index

USER = "bench-web"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
QUERIES = ["benh vien da khoa", "sốt xuất huyết", "ngo doc thuc pham", "bảo hiểm y tế", "tiem chung vac xin",
           "thiếu thuốc", "bac si", "dịch tay chân miệng", "quang ngai", "trạm y tế xã"]


@dataclass
class Timings:
    """Response times in seconds by kind of page, and failed requests."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0

    def line(self, kind: str) -> str:
        """"issue: 1000 requests, p50 41 ms, p95 120 ms"."""
        values = sorted(self.seconds.get(kind, []))
        if len(values) < 2:
            return f"{kind}: not enough requests"
        cuts = quantiles(values, n=100)
        return f"{kind}: {len(values)} requests, p50 {cuts[49] * 1000:.0f} ms, p95 {cuts[94] * 1000:.0f} ms"


@contextmanager
def running_server(env: dict[str, str], port: int, workers: int) -> Iterator[str]:
    """``duluan serve`` in a child process until the block ends."""
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--port", str(port),
                             "--workers", str(workers)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise RuntimeError("duluan serve did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextmanager
def bench_user(store: Store) -> Iterator[str]:
    """A viewer for the run; returns its password and removes it after."""
    password = secrets.token_urlsafe(16)
    add_user(store, USER, password, "btg", "viewer")
    try:
        yield password
    finally:
        with store.session() as s:
            s.execute(delete(UserRow).where(UserRow.username == USER))


async def _login(client: httpx.AsyncClient, password: str) -> None:
    token = CSRF.search((await client.get("/login")).text).group(1)  # type: ignore[union-attr]
    await client.post("/login", data={"username": USER, "password": password, "csrf_token": token})


async def _reader(client: httpx.AsyncClient, paths: list[tuple[str, str]], n: int, offset: int,
                  timings: Timings) -> None:
    for i in range(n):
        kind, path = paths[(offset + i) % len(paths)]
        t0 = time.perf_counter()
        response = await client.get(path)
        elapsed = time.perf_counter() - t0
        if response.status_code != 200:
            timings.errors += 1
            continue
        timings.seconds.setdefault(kind, []).append(elapsed)


def load(base: str, password: str, paths: list[tuple[str, str]], readers: int, per_reader: int) -> Timings:
    """``readers`` concurrent clients, each making ``per_reader`` requests over ``paths``.
    Every reader logs in before any starts reading: the Argon2 checks of the log-ins
    are not the pages' time."""
    timings = Timings()

    async def main() -> None:
        clients = [httpx.AsyncClient(base_url=base, timeout=30) for _ in range(readers)]
        try:
            await asyncio.gather(*(_login(client, password) for client in clients))
            await asyncio.gather(*(_reader(client, paths, per_reader, k * 7, timings)
                                   for k, client in enumerate(clients)))
        finally:
            await asyncio.gather(*(client.aclose() for client in clients))

    asyncio.run(main())
    return timings


def page_paths(base: str, password: str) -> list[tuple[str, str]]:
    """The digest pages of the last 14 days and the issue pages of their issues."""
    with httpx.Client(base_url=base, timeout=60) as client:
        token = CSRF.search(client.get("/login").text).group(1)  # type: ignore[union-attr]
        client.post("/login", data={"username": USER, "password": password, "csrf_token": token})
        days = re.findall(r'<option value="([\d-]+)"', client.get("/").text)[:14]
        paths: list[tuple[str, str]] = []
        for day in days:
            html = client.get(f"/digest/{day}").text  # also registers the day's follow-ups once
            paths.append(("digest", f"/digest/{day}"))
            paths += [("issue", p) for p in dict.fromkeys(re.findall(r'href="(/issue/\w+\?date=[\d-]+)"', html))]
    return paths


def search_store(search_docs: int, folder: Path, url: str | None) -> tuple[Store, list[str]]:
    """The store searched: ``url``, else a SQLite file in ``folder``; filled with
    ``search_docs`` generated documents when it has none, and indexed."""
    lines = []
    if url is None:
        folder.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{folder / f'bench-{search_docs}.db'}"
    store = Store(url)
    with store.session() as s:
        stored = s.scalar(select(func.count()).select_from(DocumentRow)) or 0
    if not stored:
        t0 = time.perf_counter()
        generate_store(url, search_docs, datetime(2026, 11, 23, tzinfo=timezone.utc))
        lines.append(f"generated {search_docs:,} documents in {time.perf_counter() - t0:.0f} s")
    t0 = time.perf_counter()
    indexed = refresh_index(store)
    lines.append(f"search index: {indexed:,} documents indexed in {time.perf_counter() - t0:.0f} s")
    return store, lines


def run_web_bench(readers: int, per_reader: int, search_docs: int, folder: Path, port: int, workers: int,
                  search_url: str | None = None) -> str:
    """Pages on the configured store, then search on a generated store of ``search_docs``
    (in ``search_url`` when given, else a SQLite file in ``folder``)."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request
    from pipeline.common.settings import get_settings

    lines = []
    store = Store()
    env = dict(os.environ, DULUAN_DB_URL=store.url)
    with bench_user(store) as password, running_server(env, port, workers) as base:
        paths = page_paths(base, password)
        if not paths:
            raise RuntimeError(f"no digest under {get_settings().data_dir}: run duluan demo (or duluan digest) first")
        t0 = time.perf_counter()
        timings = load(base, password, paths, readers, per_reader)
        lines.append(f"pages on {store.url.split('@')[-1]}, {workers} worker(s): {readers} readers × "
                     f"{per_reader} requests in {time.perf_counter() - t0:.1f} s, {timings.errors} errors")
        lines += ["  " + timings.line("digest"), "  " + timings.line("issue")]
    if search_docs:
        searched, notes = search_store(search_docs, folder, search_url)
        lines += notes
        kind = "PostgreSQL full-text" if searched.dialect == "postgresql" else "SQLite FTS5"
        search_env = dict(os.environ, DULUAN_DB_URL=searched.url, DULUAN_DATA_DIR=str(folder))
        with bench_user(searched) as password, running_server(search_env, port, workers) as base:
            paths = [("search", f"/search?q={q}") for q in QUERIES]
            t0 = time.perf_counter()
            timings = load(base, password, paths, readers, per_reader)
            lines.append(f"search on {search_docs:,} documents ({kind}): {readers} readers × {per_reader} "
                         f"requests in {time.perf_counter() - t0:.1f} s, {timings.errors} errors")
            lines.append("  " + timings.line("search"))
    return "\n".join(lines)
