"""The stage packages are layered as design.md says: the import-linter contracts
in pyproject.toml hold (no stage imports a stage above it, the CLI or crawlers/)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def test_import_contracts_kept() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout
