"""Run the workspace with uvicorn, logging in the CLI's one-line format."""
from __future__ import annotations

import logging

import uvicorn
from fastapi import FastAPI

from pipeline.common.settings import get_settings
from pipeline.store.store import Store
from pipeline.web.app import create_app

log = logging.getLogger(__name__)


def make_app() -> FastAPI:
    """The application of one worker process (store and settings from the environment)."""
    if not logging.getLogger().handlers:  # a worker process started by uvicorn: the CLI's format
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return create_app(Store(migrate_schema=False), get_settings())


def serve(host: str, port: int, workers: int = 1, forwarded_allow_ips: str = "127.0.0.1") -> None:
    """Serve until SIGINT/SIGTERM with ``workers`` processes. Behind a reverse proxy on
    ``forwarded_allow_ips``, ``X-Forwarded-Proto: https`` makes cookies ``Secure``."""
    store = Store()  # migrated once, before the workers start
    store.engine.dispose()
    log.info("workspace on http://%s:%d, %d worker(s) (store %s)", host, port, workers,
             store.url.split("@")[-1])
    uvicorn.run("pipeline.web.serve:make_app", factory=True, host=host, port=port, workers=workers,
                log_config=None, proxy_headers=True, forwarded_allow_ips=forwarded_allow_ips, server_header=False)
