"""Settings: committed defaults in ``config/settings.toml``, overrides from the environment."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pipeline.common.errors import ConfigError
from pipeline.common.options import check_settings, options_from

T = TypeVar("T")

REPO_ROOT = Path(__file__).resolve().parents[2]


class DeploymentError(RuntimeError):
    """The deployment's folders cannot be found; the message says what to set."""


def home() -> Path:
    """The deployment root: ``DULUAN_HOME``, else the folder that holds ``config/``
    (the repository, for an editable install). Never the current directory."""
    given = os.environ.get("DULUAN_HOME")
    if given:
        return Path(given).expanduser().resolve()
    if (REPO_ROOT / "config").is_dir():
        return REPO_ROOT
    raise DeploymentError(f"no config/ folder beside the installed package ({REPO_ROOT}); "
                          "set DULUAN_HOME to the deployment folder")


def config_dir() -> Path:
    """Folder holding settings.toml and sources.yaml: ``DULUAN_CONFIG_DIR``, else ``<home>/config``."""
    given = os.environ.get("DULUAN_CONFIG_DIR")
    return Path(given).expanduser().resolve() if given else home() / "config"


@dataclass(frozen=True)
class Settings:
    """Resolved settings for one run."""

    raw: dict[str, Any] = field(default_factory=dict)
    source: str = "settings.toml"

    def options(self, cls: type[T]) -> T:
        """The typed options of one table, e.g. ``settings.options(HeatOptions)``
        (:mod:`pipeline.common.options`)."""
        return options_from(cls, self.raw.get(cls.SECTION), self.source)  # type: ignore[attr-defined]

    @property
    def data_dir(self) -> Path:
        """Runtime output folder (store, raw pages, digests): ``DULUAN_DATA_DIR``, else
        ``[paths] data_dir`` (relative to the deployment root), else ``<home>/data``."""
        given = os.environ.get("DULUAN_DATA_DIR")
        if given:
            return Path(given).expanduser().resolve()
        return (home() / self.raw.get("paths", {}).get("data_dir", "data")).resolve()

    @property
    def db_url(self) -> str:
        """SQLAlchemy URL of the store; default a SQLite file under the data folder."""
        url = os.environ.get("DULUAN_DB_URL")
        if url:
            return url
        return f"sqlite:///{self.data_dir / 'duluan.db'}"

    @property
    def province(self) -> str:
        """The province the agencies serve (default Quảng Ngãi)."""
        return os.environ.get("DULUAN_PROVINCE") or self.raw["deployment"]["province"]

    @property
    def timezone(self) -> str:
        """IANA time zone of the deployment."""
        return self.raw["deployment"].get("timezone", "Asia/Ho_Chi_Minh")

    @property
    def user_agent(self) -> str:
        """User-Agent naming the deployment and a contact, as polite crawlers do."""
        dep = self.raw["deployment"]
        contact = os.environ.get("DULUAN_CONTACT") or dep.get("contact", "")
        return f"{dep.get('name', 'duluan')}/0.1 (+mailto:{contact}; health news monitoring)"


def load_settings(path: Path | None = None) -> Settings:
    """Read settings.toml (or ``path``); an unknown table or key, or a mistyped value,
    raises :class:`pipeline.common.errors.ConfigError`."""
    path = path or config_dir() / "settings.toml"
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    check_settings(raw, str(path))
    return Settings(raw=raw, source=str(path))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings, read once."""
    return load_settings()
