"""The command line as a user meets it: a wrong folder or URL never creates a store,
every failure is one line ``duluan: …`` with a non-zero exit, tracebacks only with
--verbose."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from tests.conftest import REPO, duluan_env, free_port, run_duluan

READ_ONLY = [["digest", "--date", "2026-11-17"], ["alert", "--now", "2026-11-17T07:00+07:00"],
             ["export", "documents", "out.csv"], ["prune"]]


def one_line_failure(result, starts: str = "duluan: ") -> str:  # noqa: ANN001
    lines = result.stderr.strip().splitlines()
    assert result.returncode != 0, result.stdout
    assert len(lines) == 1 and lines[0].startswith(starts), result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.fixture
def deployment(tmp_path: Path) -> dict[str, str]:
    """A deployment folder (config copied, no data yet) and an environment naming only it."""
    root = tmp_path / "srv"
    shutil.copytree(REPO / "config", root / "config")
    env = duluan_env("", tmp_path)
    for name in ("DULUAN_DB_URL", "DULUAN_DATA_DIR", "DULUAN_CONFIG_DIR"):
        env.pop(name, None)
    return env | {"DULUAN_HOME": str(root)}


@pytest.mark.parametrize("args", READ_ONLY, ids=lambda a: a[0])
def test_read_only_command_from_another_folder_creates_nothing(args: list[str], deployment: dict[str, str],
                                                               tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    line = one_line_failure(run_duluan(args, deployment, cwd=elsewhere))
    assert f"no store at {tmp_path / 'srv' / 'data' / 'duluan.db'}" in line
    assert not (tmp_path / "srv" / "data" / "duluan.db").exists()
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("args", READ_ONLY, ids=lambda a: a[0])
def test_mistyped_store_url_is_an_error_not_a_new_store(args: list[str], tmp_path: Path) -> None:
    wrong = tmp_path / "wrong" / "x.db"
    line = one_line_failure(run_duluan(args, duluan_env(f"sqlite:///{wrong}", tmp_path / "data"), cwd=tmp_path))
    assert "no store at" in line and not wrong.exists() and not wrong.parent.exists()


def test_a_database_without_the_store_is_not_filled_by_a_reader(db_url: str, tmp_path: Path) -> None:
    one_line_failure(run_duluan(["digest", "--date", "2026-11-17"], duluan_env(db_url, tmp_path / "data")),
                     "duluan: no ")
    if db_url.startswith("postgresql"):
        engine = create_engine(db_url)
        assert inspect(engine).get_table_names() == []
        engine.dispose()
    else:
        assert not Path(db_url.removeprefix("sqlite:///")).exists()


@pytest.mark.parametrize(("url", "says"), [
    ("notaurl", "not a database URL"),
    ("postgresql+psycopg://duluan@127.0.0.1:{port}/duluan", "cannot open the store"),
    ("sqlite:///{tmp}/file/under/a/file.db", "cannot open the store"),
], ids=["not-a-url", "server-down", "unwritable-folder"])
def test_store_problems_are_one_line(url: str, says: str, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    env = duluan_env(url.format(port=free_port(), tmp=tmp_path), tmp_path / "data")
    assert says in one_line_failure(run_duluan(["process"], env))


def test_date_out_of_range_is_one_line(tmp_path: Path) -> None:
    env = duluan_env(f"sqlite:///{tmp_path / 'x.db'}", tmp_path)
    assert "date out of range" in one_line_failure(run_duluan(["digest", "--date", "0001-01-01"], env))


def test_traceback_only_with_verbose(tmp_path: Path) -> None:
    broken = tmp_path / "duluan.db"
    broken.write_bytes(b"this is not a SQLite database" * 100)
    env = duluan_env(f"sqlite:///{broken}", tmp_path)
    line = one_line_failure(run_duluan(["export", "documents", str(tmp_path / "d.csv")], env))
    assert "not a database" in line
    verbose = run_duluan(["--verbose", "export", "documents", str(tmp_path / "d.csv")], env)
    assert verbose.returncode == 1 and "Traceback" in verbose.stderr
    assert verbose.stderr.strip().splitlines()[-1] == line


def test_quiet_and_verbose_exclude_each_other(tmp_path: Path) -> None:
    result = run_duluan(["--quiet", "--verbose", "prune"], duluan_env(f"sqlite:///{tmp_path / 'x.db'}", tmp_path))
    assert result.returncode == 2 and "exclude each other" in result.stderr


def test_a_full_disk_is_one_line() -> None:
    import errno
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from pipeline.cli import describe

    disk = OSError(errno.ENOSPC, "No space left on device", "/srv/duluan/data/digests/2026-11-17/digest.html")
    assert describe(disk) == "No space left on device (/srv/duluan/data/digests/2026-11-17/digest.html)"
    store = OperationalError("INSERT INTO documents …", {}, sqlite3.OperationalError("database or disk is full"))
    assert describe(store) == "store error: database or disk is full"


def test_frames_never_create_a_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import frames
    from pipeline.store.store import StoreError

    missing = tmp_path / "data" / "duluan.db"
    monkeypatch.setenv("DULUAN_DB_URL", f"sqlite:///{missing}")
    with pytest.raises(StoreError, match="no store at"):
        frames.documents(start="2026-11-01")
    assert not missing.exists() and not missing.parent.exists()
