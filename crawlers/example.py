"""The bundled example site (fixture pages modelled on real Vietnamese outlets)."""
from __future__ import annotations

from pathlib import Path

from pipeline.common.files import write_text_atomic

EXAMPLE_ROOT = Path(__file__).resolve().parent / "example_site"
EXAMPLE_SITE = EXAMPLE_ROOT / "site"


def example_sources_file(base_url: str, folder: Path) -> Path:
    """Write the example site's sources file for a server at ``base_url``; returns its path."""
    return write_sources_file(EXAMPLE_ROOT / "sources.yaml", base_url, folder)


def write_sources_file(template: Path, base_url: str, folder: Path) -> Path:
    """Copy a sources template into ``folder`` with ``{{BASE}}`` set to ``base_url``; returns its path."""
    text = template.read_text(encoding="utf-8").replace("{{BASE}}", base_url)
    return write_text_atomic(folder / "sources.yaml", text)
