"""Who leads, who supports and what to do: rules in ``config/routing.yaml``."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from pipeline.common.settings import config_dir


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
        """The first rule matching ``topic``, ``signal``, ``level`` and the rebuttal status
        of false information, plus the level's actions.

        >>> load_routing().route("kham_chua_benh", "van_de_buc_xuc", "do").lead
        'Sở Y tế (Phòng Nghiệp vụ Y)'
        """
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


@lru_cache(maxsize=4)
def load_routing(path: Path | None = None) -> Routing:
    """Read ``routing.yaml`` (default from the config folder)."""
    data = yaml.safe_load((path or config_dir() / "routing.yaml").read_text(encoding="utf-8"))
    return Routing(dict(data["agencies"]), list(data["rules"]), dict(data.get("levels") or {}))
