"""settings.toml is read strictly: every table has a typed options class, and an
unknown table or key, or a mistyped value, stops the run naming the file and key."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.common.errors import ConfigError
from pipeline.common.options import (SECTIONS, AlertOptions, CrawlOptions, DigestOptions, HeatOptions, LevelOptions,
                                     options_from)
from pipeline.common.settings import load_settings
from tests.conftest import FIXTURES, REPO, duluan_env, run_duluan

COMMITTED = (REPO / "config" / "settings.toml").read_text(encoding="utf-8")


def _settings(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_committed_settings_are_read_into_typed_options() -> None:
    settings = load_settings(REPO / "config" / "settings.toml")
    assert set(settings.raw) == set(SECTIONS)
    heat = settings.options(HeatOptions)
    assert heat.volume_full == 10.0 and heat.weights["volume"] == 0.35 and heat.min_documents == {"do": 3, "cam": 2,
                                                                                                   "vang": 1}
    assert settings.options(LevelOptions).floor("cam") == 50.0
    assert settings.options(AlertOptions).levels == ("do",)
    assert settings.options(CrawlOptions).redis_url == "" and settings.options(DigestOptions).hour == 7
    load_settings(FIXTURES / "config" / "settings.toml")


@pytest.mark.parametrize(("old", "new", "message"), [
    ("volume_full = 10 ", "volume_ful = 10 ", "[heat] volume_ful — did you mean volume_full?"),
    ("[heat.weights]\nvolume = 0.35", "[heat.weights]\nvolum = 0.35", "[heat] weights: volum — did you mean volume?"),
    ("[trends]", "[trend]", "table trend — did you mean trends?"),
    ("obey_robots = true", 'obey_robots = "yes"', "[crawl] obey_robots = 'yes' is not true or false"),
    ("concurrent_requests = 16", "concurrent_requests = 1.5", "[crawl] concurrent_requests = 1.5 is not a whole number"),
    ('levels = ["do"]', 'levels = ["red"]', "[alerts] levels: red — not one of cam, do, vang"),
    ("[levels]\n# Minimum heat of each level (đỏ, cam, vàng).\ndo = 70",
     "[levels]\n# Minimum heat of each level (đỏ, cam, vàng).\ndoo = 70", "[levels] doo — did you mean do?"),
])
def test_a_wrong_key_names_the_file_the_key_and_the_closest(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in COMMITTED
    path = _settings(tmp_path, COMMITTED.replace(old, new, 1))
    with pytest.raises(ConfigError, match=re.escape(f"{path}: {message}")):
        load_settings(path)


def test_options_from_keeps_defaults_and_merges_tables() -> None:
    heat = options_from(HeatOptions, {"weights": {"volume": 1}, "growth_full": 2})
    assert heat.weights == {"volume": 1.0, "excess": 0.15, "sources": 0.2, "signal": 0.2, "growth": 0.1}
    assert heat.growth_full == 2.0 and isinstance(heat.growth_full, float) and heat.ratio_full == 4.0


def test_an_unknown_key_stops_the_command_with_one_line(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    _settings(config, COMMITTED.replace("volume_full = 10 ", "volume_ful = 10 "))
    result = run_duluan(["digest", "--date", "2026-11-17"], duluan_env(f"sqlite:///{tmp_path / 's.db'}",
                                                                        tmp_path / "data", config))
    assert result.returncode == 1
    assert result.stderr.strip() == f"duluan: {config / 'settings.toml'}: [heat] volume_ful — did you mean volume_full?"
    assert not (tmp_path / "data").exists()
