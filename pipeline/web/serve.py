"""Run the workspace with uvicorn, logging in the CLI's one-line format."""
from __future__ import annotations

import logging

import uvicorn

from pipeline.common.settings import Settings
from pipeline.store.store import Store
from pipeline.web.app import create_app

log = logging.getLogger(__name__)


def serve(settings: Settings, host: str, port: int, forwarded_allow_ips: str = "127.0.0.1") -> None:
    """Serve until SIGINT/SIGTERM. Behind a reverse proxy on ``forwarded_allow_ips``,
    ``X-Forwarded-Proto: https`` makes cookies ``Secure``."""
    app = create_app(Store(), settings)
    log.info("workspace on http://%s:%d (store %s)", host, port, settings.db_url.split("@")[-1])
    uvicorn.run(app, host=host, port=port, log_config=None, proxy_headers=True,
                forwarded_allow_ips=forwarded_allow_ips, server_header=False)
