"""Who leads, who supports and what to do: rules in ``config/routing.yaml``."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.common.errors import ConfigError, did_you_mean
from pipeline.common.files import read_yaml
from pipeline.common.labels import LEVELS
from pipeline.common.settings import config_dir
from pipeline.common.taxonomy import taxonomy
from pipeline.detect.rebuttals import NOT_REBUTTED, REBUTTED


@dataclass(frozen=True)
class Route:
    """The agencies and actions for one issue."""

    lead: str
    support: str
    actions: list[str] = field(default_factory=list)
    rule: str = ""


@dataclass(frozen=True)
class Routing:
    """Parsed routing rules."""

    agencies: dict[str, str]
    rules: list[dict[str, Any]]
    levels: dict[str, list[str]]

    def route(self, topic: str, signal: str, level: str | None, rebuttal: str | None = None) -> Route:
        """The first rule matching ``topic``, ``signal``, ``level`` and the rebuttal status of
        false information, plus the level's actions (a pressing issue about hospitals at đỏ:
        Sở Y tế leads, both leaders confer)."""
        facts = {"topic": topic, "signal": signal, "level": level, "rebuttal": rebuttal}
        for rule in self.rules:
            if all(facts.get(k) in _as_list(v) for k, v in (rule.get("when") or {}).items()):
                actions = list(rule.get("actions", [])) + list(self.levels.get(level or "", []))
                return Route(self.agencies.get(rule["lead"], rule["lead"]),
                             self.agencies.get(rule.get("support", ""), rule.get("support", "")),
                             actions, rule.get("name", ""))
        raise ValueError(f"no routing rule matches {facts}; add a rule with an empty `when`")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


_RULE_KEYS = ("name", "when", "lead", "support", "actions")
_WHEN_KEYS = ("topic", "signal", "level", "rebuttal")
REBUTTAL_STATUSES = (NOT_REBUTTED, REBUTTED)


def check_routing(routing: Routing, where: str) -> None:
    """Raise :class:`ConfigError` when a rule names a code the taxonomy does not have, an
    agency not under ``agencies``, an unknown key or level, or when no rule catches all."""
    tax = taxonomy()
    for n, rule in enumerate(routing.rules, 1):
        at = f"{where}, rule {n} ({rule.get('name', '?')})"
        for key in rule:
            if key not in _RULE_KEYS:
                raise ConfigError(f"{at}: {did_you_mean(str(key), _RULE_KEYS)}")
        when = rule.get("when") or {}
        for key, value in when.items():
            if key not in _WHEN_KEYS:
                raise ConfigError(f"{at}: when {did_you_mean(str(key), _WHEN_KEYS)}")
            if key == "level":
                for level in _as_list(value):
                    if level not in LEVELS:
                        raise ConfigError(f"{at}: level {did_you_mean(str(level), LEVELS)}")
            elif key == "rebuttal":
                for status in _as_list(value):
                    if status not in REBUTTAL_STATUSES:
                        raise ConfigError(f"{at}: rebuttal {did_you_mean(str(status), REBUTTAL_STATUSES)}")
            else:
                tax.check_codes(key, _as_list(value), at)
        for role in ("lead", "support"):
            agency = rule.get(role)
            if (role == "lead" or agency) and agency not in routing.agencies:
                raise ConfigError(f"{at}: {role} {did_you_mean(str(agency), routing.agencies)} (see `agencies`)")
    if not any(not rule.get("when") for rule in routing.rules):
        raise ConfigError(f"{where}: no rule with an empty `when` catches the issues no other rule matches")
    for level in routing.levels:
        if level not in LEVELS:
            raise ConfigError(f"{where}: levels: {did_you_mean(str(level), LEVELS)}")


@lru_cache(maxsize=4)
def load_routing(path: Path | None = None) -> Routing:
    """Read ``routing.yaml`` (default from the config folder) and check it against the taxonomy."""
    path = path or config_dir() / "routing.yaml"
    data = read_yaml(path, ConfigError)
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list) \
            or not isinstance(data.get("agencies"), dict):
        raise ConfigError(f"{path}: expected `agencies`, `rules` and optional `levels`")
    routing = Routing(dict(data["agencies"]), list(data["rules"]), dict(data.get("levels") or {}))
    check_routing(routing, str(path))
    return routing
