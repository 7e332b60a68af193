"""A real HTTP server on 127.0.0.1 serving a folder of fixture files.

Used by the tests, the demo and the benchmark, so that nothing touches the live
web. ``{{BASE}}`` in text files becomes the server's base URL; ``routes`` maps a
path to a function that answers it (for errors, redirects, slow pages).
"""
from __future__ import annotations

import logging
import mimetypes
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)
Route = Callable[[BaseHTTPRequestHandler], None]
_TEXT_SUFFIXES = {".html", ".htm", ".xml", ".rss", ".txt", ".csv", ".jsonl", ".json", ".atom"}
_TYPES = {".rss": "application/rss+xml; charset=utf-8", ".xml": "application/xml; charset=utf-8",
          ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
          ".csv": "text/csv; charset=utf-8", ".jsonl": "application/x-ndjson; charset=utf-8",
          ".json": "application/json; charset=utf-8", ".txt": "text/plain; charset=utf-8"}


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = unquote(urlsplit(self.path).path)
        self.server.hits.append(path)
        route = self.server.routes.get(path)
        try:
            if route is not None:
                route(self)
            else:
                self.send_file(path)
        except (ConnectionResetError, BrokenPipeError):
            log.debug("loopback: client went away during %s", path)

    def send_file(self, path: str) -> None:
        """Serve a file below the root, ``index.html`` for folders, 404 otherwise."""
        root = self.server.root
        target = (root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if root not in target.parents or not target.is_file():
            self.send_body(404, b"<html><body>Not found</body></html>", "text/html; charset=utf-8")
            return
        body = target.read_bytes()
        if target.suffix in _TEXT_SUFFIXES:
            body = body.replace(b"{{BASE}}", self.server.base_url.encode())
        ctype = _TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self.send_body(200, body, ctype)

    def send_body(self, status: int, body: bytes, content_type: str | None,
                  headers: dict[str, str] | None = None) -> None:
        """Answer with a status, a body and headers."""
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        log.debug("loopback: " + format, *args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    root: Path
    routes: dict[str, Route]
    base_url: str
    hits: list[str]


class LoopbackSite:
    """``with LoopbackSite(folder) as site: site.base_url`` — a site on 127.0.0.1
    (or another address of 127.0.0.0/8)."""

    def __init__(self, root: Path, routes: dict[str, Route] | None = None, port: int = 0,
                 host: str = "127.0.0.1") -> None:
        if not host.startswith("127."):
            raise ValueError(f"{host} is not a loopback address: tests never leave 127.0.0.0/8")
        self.server = _Server((host, port), _Handler)
        self.server.root = Path(root).resolve()
        self.server.routes = dict(routes or {})
        self.server.base_url = f"http://{host}:{self.server.server_address[1]}"
        self.server.hits = []
        self._thread = threading.Thread(target=self.server.serve_forever, name="loopback-site", daemon=True)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (or the host given)."""
        return self.server.base_url

    @property
    def hits(self) -> list[str]:
        """Paths requested so far, in order."""
        return self.server.hits

    def add_route(self, path: str, route: Route) -> None:
        """Answer ``path`` with ``route`` from now on."""
        self.server.routes[path] = route

    def start(self) -> "LoopbackSite":
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> "LoopbackSite":
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
