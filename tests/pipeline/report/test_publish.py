"""A digest whose window holds no documents says so and never wipes a good digest."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from pipeline.store.store import Store
from tests.conftest import duluan_env, free_port, run_duluan, smtp_env, smtp_server

DAY = "2026-11-17"


def test_empty_digest_never_replaces_one_with_documents(demo: dict, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(demo["data"] / "digests" / DAY, data / "digests" / DAY)
    good = (data / "digests" / DAY / "digest.json").read_text(encoding="utf-8")
    assert json.loads(good)["headline"]["documents"] > 0
    empty = tmp_path / "empty.db"
    Store(f"sqlite:///{empty}")  # a store that exists but holds nothing, as a mistyped folder would
    env = duluan_env(f"sqlite:///{empty}", data)

    kept = run_duluan(["digest", "--date", DAY], env)
    assert kept.returncode == 1 and "is kept (--force replaces it)" in kept.stderr.strip().splitlines()[-1]
    assert (data / "digests" / DAY / "digest.json").read_text(encoding="utf-8") == good

    forced = run_duluan(["digest", "--date", DAY, "--force"], env)
    assert forced.returncode == 0, forced.stderr[-2000:]
    assert "WARNING" in forced.stderr and "no documents in its window" in forced.stderr
    doc = json.loads((data / "digests" / DAY / "digest.json").read_text(encoding="utf-8"))
    assert doc["headline"]["documents"] == 0 and "Không có bài nào" in doc["notice"]
    assert "Lưu ý:" in (data / "digests" / DAY / "digest.md").read_text(encoding="utf-8")
    assert 'class="notice"' in (data / "digests" / DAY / "digest.html").read_text(encoding="utf-8")


def test_empty_digest_is_written_with_a_banner_and_not_emailed(demo: dict, tmp_path: Path) -> None:
    port = free_port()
    env = duluan_env(demo["env"]["DULUAN_DB_URL"], tmp_path / "data") | smtp_env(port)
    with smtp_server(port) as inbox:
        result = run_duluan(["digest", "--date", "2025-01-01", "--send"], env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "not e-mailed" in result.stderr and not inbox.messages
    doc = json.loads((tmp_path / "data" / "digests" / "2025-01-01" / "digest.json").read_text(encoding="utf-8"))
    assert doc["notice"] and doc["issues"] == []


def test_digest_with_documents_has_no_banner(demo: dict) -> None:
    doc = json.loads((demo["data"] / "digests" / DAY / "digest.json").read_text(encoding="utf-8"))
    assert "notice" not in doc
    assert 'class="notice"' not in (demo["data"] / "digests" / DAY / "digest.html").read_text(encoding="utf-8")
