"""Typed options for every table of ``settings.toml``, read strictly: an unknown
table or key, or a value of the wrong type, is a :class:`ConfigError` naming the
file, the key and the closest valid key ("[heat] volume_ful — did you mean volume_full?").
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from pipeline.common.errors import ConfigError, did_you_mean
from pipeline.common.labels import LEVELS

T = TypeVar("T")


@dataclass(frozen=True)
class DeploymentOptions:
    """``[deployment]``: who runs duluan, for which province, in which time zone."""

    SECTION: ClassVar[str] = "deployment"
    name: str = "duluan"
    contact: str = ""
    province: str = ""
    timezone: str = "Asia/Ho_Chi_Minh"


@dataclass(frozen=True)
class PathsOptions:
    """``[paths]``: where runtime output goes."""

    SECTION: ClassVar[str] = "paths"
    data_dir: str = "data"


@dataclass(frozen=True)
class DemoOptions:
    """``[demo]``: the port the example site of ``duluan demo`` serves on."""

    SECTION: ClassVar[str] = "demo"
    port: int = 8642


@dataclass(frozen=True)
class CrawlOptions:
    """``[crawl]``: politeness, limits, adaptive polling and the shared frontier."""

    SECTION: ClassVar[str] = "crawl"
    concurrent_requests: int = 16
    concurrent_per_domain: int = 2
    download_timeout: float = 20.0
    retry_times: int = 2
    max_page_bytes: int = 10_485_760
    warn_page_bytes: int = 2_097_152
    redirect_max_times: int = 5
    obey_robots: bool = True
    autothrottle: bool = True
    autothrottle_target_concurrency: float = 2.0
    max_export_bytes: int = 52_428_800
    max_export_depth: int = 16
    max_export_cell_chars: int = 1_000_000
    max_post_chars: int = 20_000
    max_listing_pages: int = 3
    default_poll_minutes: float = 60.0
    min_poll_minutes: float = 10.0
    max_poll_minutes: float = 1440.0
    redis_url: str = ""
    redis_prefix: str = "duluan"
    redis_idle_seconds: float = 10.0


@dataclass(frozen=True)
class RetentionOptions:
    """``[retention]``: how long raw page bytes are kept."""

    SECTION: ClassVar[str] = "retention"
    raw_pages_days: int = 90


@dataclass(frozen=True)
class DigestOptions:
    """``[digest]``: the moment a digest day ends, and where digests go (default
    ``<data_dir>/digests``)."""

    SECTION: ClassVar[str] = "digest"
    hour: int = 7
    minute: int = 0
    second: int = 0
    dir: str = ""


@dataclass(frozen=True)
class StoryOptions:
    """Clustering parameters (``[stories]``)."""

    SECTION: ClassVar[str] = "stories"
    similarity: float = 0.15
    gap_days: float = 3.0


@dataclass(frozen=True)
class TrendOptions:
    """EARS-t parameters (``[trends]``)."""

    SECTION: ClassVar[str] = "trends"
    baseline_days: int = 7
    guard_days: int = 2
    alpha: float = 0.025
    alarm_weight: float = 0.2
    min_count: int = 3
    history_days: int = 28


@dataclass(frozen=True)
class HeatOptions:
    """Weights and scales of the heat score (``[heat]`` and its sub-tables)."""

    SECTION: ClassVar[str] = "heat"
    weights: dict[str, float] = field(default_factory=lambda: {
        "volume": 0.35, "excess": 0.15, "sources": 0.2, "signal": 0.2, "growth": 0.1})
    volume_full: float = 10.0
    ratio_full: float = 4.0
    sources_full: float = 6.0
    growth_full: float = 3.0
    engagement_full: float = 10_000.0
    engagement_points: float = 10.0
    proximity: dict[str, float] = field(default_factory=lambda: {"local": 1.0, "unplaced": 0.6, "other": 0.4})
    min_documents: dict[str, int] = field(default_factory=lambda: {"do": 3, "cam": 2, "vang": 1})
    do_needs_alarm: bool = True
    commendable_max_level: str = "vang"  # good examples are commended, not handled urgently

    def problem(self) -> str | None:
        """What is wrong with the values beyond their types, if anything."""
        if self.commendable_max_level not in LEVELS:
            return f"commendable_max_level: {did_you_mean(self.commendable_max_level, LEVELS)}"
        return None


@dataclass(frozen=True)
class LevelOptions:
    """``[levels]``: the minimum heat of each level, by level code."""

    SECTION: ClassVar[str] = "levels"
    do: float = 70.0
    cam: float = 50.0
    vang: float = 30.0

    def floor(self, level: str) -> float:
        """The minimum heat of ``level`` (``do``, ``cam``, ``vang``)."""
        return float(getattr(self, level))


@dataclass(frozen=True)
class SeverityOptions:
    """``[severity]``: points per content cue and the "vấn đề đột xuất" rule."""

    SECTION: ClassVar[str] = "severity"
    points: dict[str, float] = field(default_factory=lambda: {
        "death": 3.0, "hospitalised_10": 1.5, "hospitalised_30": 3.0, "children": 1.0, "cluster": 1.0,
        "provincial_order": 1.5, "national_order": 2.0, "prosecution": 1.0})
    do_points: float = 6.0  # đột xuất: đỏ from this many points …
    cam_points: float = 4.0  # … and at least cam from this many
    min_documents: int = 2  # documents in 24 hours the đỏ rule needs
    local_only: bool = True  # đỏ and cam for the configured province only …
    vang_points_elsewhere: float = 3.0  # … elsewhere at least vàng from this many


@dataclass(frozen=True)
class RebuttalOptions:
    """``[rebuttals]``: how close a denial's text must be to the claim it denies."""

    SECTION: ClassVar[str] = "rebuttals"
    similarity: float = 0.12


@dataclass(frozen=True)
class AlertOptions:
    """``[alerts]``: the levels that trigger an urgent notice, and how much hotter an
    announced issue must get to be announced again."""

    SECTION: ClassVar[str] = "alerts"
    levels: tuple[str, ...] = ("do",)
    escalation_points: float = 15.0
    retry_hours: float = 24.0  # a notice not sent is tried again on each run until this old

    def problem(self) -> str | None:
        """What is wrong with the values beyond their types, if anything."""
        unknown = [level for level in self.levels if level not in LEVELS]
        return f"levels: {did_you_mean(unknown[0], LEVELS)}" if unknown else None


@dataclass(frozen=True)
class ScheduleOptions:
    """``[schedule]``: the unattended cycle and digest of ``duluan schedule``."""

    SECTION: ClassVar[str] = "schedule"
    cycle_minutes: float = 30.0
    cycle_misfire_grace_seconds: int = 600
    crawl_timeout_minutes: float = 20.0
    digest_misfire_grace_seconds: int = 3600


@dataclass(frozen=True)
class WebOptions:
    """``[web]``: the workspace (``duluan serve``): where the digest's links point, its
    cookies and search index, log-in limits and how soon an issue must be handled."""

    SECTION: ClassVar[str] = "web"
    base_url: str = "http://127.0.0.1:8000"
    secure_cookie: bool = False  # also Secure over plain HTTP (it always is over HTTPS)
    session_hours: int = 12
    index_seconds: float = 60.0  # how often the search index takes in new documents (0: never)
    window_minutes: int = 15  # failed log-ins allowed per user name and per address in this window
    per_username: int = 5
    per_address: int = 20
    due_days: dict[str, int] = field(default_factory=lambda: {"do": 0, "cam": 2, "vang": 7})


OPTION_CLASSES: tuple[type, ...] = (DeploymentOptions, PathsOptions, DemoOptions, CrawlOptions, RetentionOptions,
                                    DigestOptions, StoryOptions, TrendOptions, HeatOptions, LevelOptions,
                                    SeverityOptions, RebuttalOptions, AlertOptions, ScheduleOptions, WebOptions)
SECTIONS: dict[str, type] = {cls.SECTION: cls for cls in OPTION_CLASSES}  # type: ignore[attr-defined]


def _coerce(default: Any, given: Any, where: str) -> Any:
    """``given`` as the type of ``default``; a table is checked key by key."""
    if isinstance(default, dict):
        if not isinstance(given, dict):
            raise ConfigError(f"{where} must be a table")
        for key in given:
            if key not in default:
                raise ConfigError(f"{where}: {did_you_mean(str(key), default)}")
        return default | {k: _coerce(default[k], v, f"{where}.{k}") for k, v in given.items()}
    if isinstance(default, bool):
        if not isinstance(given, bool):
            raise ConfigError(f"{where} = {given!r} is not true or false")
        return given
    if isinstance(default, int):
        if isinstance(given, bool) or not isinstance(given, int):
            raise ConfigError(f"{where} = {given!r} is not a whole number")
        return given
    if isinstance(default, float):
        if isinstance(given, bool) or not isinstance(given, (int, float)):
            raise ConfigError(f"{where} = {given!r} is not a number")
        return float(given)
    if isinstance(default, tuple):
        if not isinstance(given, list) or not all(isinstance(v, str) for v in given):
            raise ConfigError(f"{where} = {given!r} is not a list of strings")
        return tuple(given)
    if not isinstance(given, str):
        raise ConfigError(f"{where} = {given!r} is not a string")
    return given


def options_from(cls: type[T], table: dict[str, Any] | None, where: str = "settings.toml") -> T:
    """An options dataclass from one table of settings.toml: keys left out keep their
    default, a sub-table is merged into its default; an unknown key or a value of the
    wrong type raises :class:`ConfigError` (``where`` names the file).

    >>> options_from(TrendOptions, {"alpha": 0.05}).alpha
    0.05
    """
    section = f"{where}: [{getattr(cls, 'SECTION', cls.__name__)}]"
    base = cls()
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    values = {}
    for key, given in (table or {}).items():
        if key not in names:
            raise ConfigError(f"{section} {did_you_mean(str(key), names)}")
        values[key] = _coerce(getattr(base, key), given, f"{section} {key}")
    options = dataclasses.replace(base, **values)  # type: ignore[type-var]
    problem = options.problem() if hasattr(options, "problem") else None
    if problem:
        raise ConfigError(f"{section} {problem}")
    return options


def check_settings(raw: dict[str, Any], where: str) -> None:
    """Raise :class:`ConfigError` at the first unknown table, unknown key or mistyped value."""
    for name, table in raw.items():
        cls = SECTIONS.get(name)
        if cls is None or not isinstance(table, dict):
            raise ConfigError(f"{where}: table {did_you_mean(name, SECTIONS)}")
        options_from(cls, table, where)
