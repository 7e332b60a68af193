"""Hostile sites for the security suite: every server listens in 127.0.0.0/8 only."""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from crawlers.loopback import LoopbackSite
from tests.conftest import FIXTURES, IN_CI

HOSTILE = FIXTURES / "hostile"
METADATA_PATH = "/computeMetadata/v1/instance/service-accounts/default/token"


@dataclass
class HostileSites:
    """The site named in the sources file, and an internal one it must never reach."""

    site: LoopbackSite
    internal: LoopbackSite
    folder: Path

    @property
    def internal_port(self) -> int:
        """Port of the internal server (on 127.0.0.1, like the site, but not in the sources file)."""
        return int(self.internal.base_url.rsplit(":", 1)[1])

    def fill(self, text: str) -> str:
        """Put the internal server's address into a fixture text."""
        return (text.replace("{{INTERNAL_PORT}}", str(self.internal_port))
                .replace("{{INTERNAL}}", self.internal.base_url))

    def sources_file(self, folder: Path, template: Path = HOSTILE / "sources.yaml") -> Path:
        """The hostile sources file with both servers' addresses filled in."""
        target = folder / "sources.yaml"
        target.write_text(self.fill(template.read_text(encoding="utf-8")).replace("{{BASE}}", self.site.base_url),
                          encoding="utf-8")
        return target


def _metadata(h: BaseHTTPRequestHandler) -> None:
    h.send_body(200, b'{"access_token": "ya29.SECRET-TOKEN", "expires_in": 3599}', "application/json")


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[HostileSites]:
    """The hostile site (links, redirects, meta-refresh, sitemaps into the internal
    server) and the internal server, both on 127.0.0.1 with different ports."""
    with LoopbackSite(HOSTILE / "internal", {METADATA_PATH: _metadata}) as internal:
        folder = tmp_path / "site"
        shutil.copytree(HOSTILE / "site", folder)
        sites = HostileSites(site=None, internal=internal, folder=folder)  # type: ignore[arg-type]
        for path in folder.rglob("*"):
            if path.is_file():
                path.write_text(sites.fill(path.read_text(encoding="utf-8")), encoding="utf-8")

        def to_metadata(h: BaseHTTPRequestHandler) -> None:
            h.send_body(302, b"", None, {"Location": internal.base_url + METADATA_PATH})

        with LoopbackSite(folder, {"/chuyen/sieu-du-lieu": to_metadata}) as site:
            sites.site = site
            yield sites


# Property tests: 2,000 examples per property under CI=true, fewer locally;
# HYPOTHESIS_PROFILE=long runs 20,000 (see the README's Security section).
hypothesis_settings.register_profile("dev", max_examples=200, deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
hypothesis_settings.register_profile("ci", max_examples=2_000, deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
hypothesis_settings.register_profile("long", max_examples=20_000, deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if IN_CI else "dev"))
