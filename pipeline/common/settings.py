"""Settings: committed defaults in ``config/settings.toml``, overrides from the environment."""
from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

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

    def section(self, name: str) -> dict[str, Any]:
        """One table of settings.toml, e.g. ``settings.section("crawl")``."""
        return dict(self.raw.get(name, {}))

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


def options_from(cls: type[T], section: dict[str, Any]) -> T:
    """An options dataclass from a settings table: each field given is coerced to the
    type of its default; a dict field is merged into its default (known keys only).

    >>> options_from(TrendOptions, {"alpha": 0.05})  # doctest: +SKIP
    """
    base = cls()
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name not in section:
            continue
        default, given = getattr(base, f.name), section[f.name]
        if isinstance(default, dict):
            values[f.name] = default | {k: type(default[k])(v) for k, v in dict(given).items() if k in default}
        else:
            values[f.name] = type(default)(given)
    return dataclasses.replace(base, **values)  # type: ignore[type-var]


def load_settings(path: Path | None = None) -> Settings:
    """Read settings.toml (or ``path``)."""
    path = path or config_dir() / "settings.toml"
    with open(path, "rb") as fh:
        return Settings(raw=tomllib.load(fh))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings, read once."""
    return load_settings()
