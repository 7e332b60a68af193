"""The deployment root: config and data come from DULUAN_HOME or the folder that
holds config/, never from the working directory; the environment overrides."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.common.settings import Settings, config_dir, home
from tests.conftest import REPO

DEFAULTS = Settings(raw={"paths": {"data_dir": "data"}})


@pytest.fixture(autouse=True)
def _no_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("DULUAN_HOME", "DULUAN_CONFIG_DIR", "DULUAN_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # a folder that is not the deployment


def test_home_is_the_folder_that_holds_config() -> None:
    assert home() == REPO
    assert config_dir() == REPO / "config"
    assert DEFAULTS.data_dir == REPO / "data"


def test_data_dir_does_not_follow_the_working_directory(tmp_path: Path) -> None:
    assert not DEFAULTS.data_dir.is_relative_to(tmp_path)


def test_duluan_home_moves_config_and_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DULUAN_HOME", str(tmp_path / "srv"))
    assert config_dir() == tmp_path / "srv" / "config"
    assert DEFAULTS.data_dir == tmp_path / "srv" / "data"
    assert Settings(raw={"paths": {"data_dir": "/var/lib/duluan"}}).data_dir == Path("/var/lib/duluan")


def test_environment_overrides_win(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DULUAN_HOME", str(tmp_path / "srv"))
    monkeypatch.setenv("DULUAN_DATA_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("DULUAN_CONFIG_DIR", str(tmp_path / "conf"))
    assert DEFAULTS.data_dir == tmp_path / "elsewhere"
    assert DEFAULTS.db_url == f"sqlite:///{tmp_path / 'elsewhere' / 'duluan.db'}"
    assert config_dir() == tmp_path / "conf"
