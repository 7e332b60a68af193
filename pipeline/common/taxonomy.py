"""The taxonomy as data: topic and signal codes, their Vietnamese names and their
roles, read once from ``config/taxonomy.yaml`` into a frozen :class:`Taxonomy`.

Code never spells a code: it asks for a role (``taxonomy().false_information``)
or loops over the codes. The models, ``keywords.yaml`` and ``routing.yaml`` are
checked against it when they are loaded (:meth:`Taxonomy.check_codes`).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.common.errors import ConfigError, did_you_mean
from pipeline.common.files import read_yaml
from pipeline.common.settings import config_dir

TOPIC_ROLES = ("not_relevant",)
SIGNAL_ROLES = ("pressing", "false_information", "commendable", "default")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_LABEL_KEYS = {"code", "name", "short", "role"}


@dataclass(frozen=True)
class Label:
    """One code of the taxonomy with its Vietnamese name, short name and role."""

    code: str
    name: str
    short: str
    role: str | None = None


@dataclass(frozen=True)
class Taxonomy:
    """Topics and signals in the order of ``taxonomy.yaml``, and the relevance model's classes."""

    topics: tuple[Label, ...]
    signals: tuple[Label, ...]
    relevant_class: str
    not_relevant_class: str
    path: str = "taxonomy.yaml"

    def _role(self, labels: tuple[Label, ...], role: str) -> str:
        return next(label.code for label in labels if label.role == role)

    @property
    def irrelevant(self) -> str:
        """The topic of items not about health."""
        return self._role(self.topics, "not_relevant")

    @property
    def default_signal(self) -> str:
        """The signal of ordinary items (and of every not-relevant one)."""
        return self._role(self.signals, "default")

    @property
    def pressing(self) -> str:
        """The pressing-issue signal (vấn đề bức xúc)."""
        return self._role(self.signals, "pressing")

    @property
    def false_information(self) -> str:
        """The false-information signal (thông tin sai lệch)."""
        return self._role(self.signals, "false_information")

    @property
    def commendable(self) -> str:
        """The good-example signal (điển hình tiên tiến)."""
        return self._role(self.signals, "commendable")

    @property
    def heat_signals(self) -> tuple[str, str]:
        """Signals whose share raises an issue's heat: pressing and false information."""
        return self.pressing, self.false_information

    @property
    def topic_codes(self) -> tuple[str, ...]:
        """Every topic code, the not-relevant one included."""
        return tuple(label.code for label in self.topics)

    @property
    def relevant_topics(self) -> tuple[str, ...]:
        """Topic codes of health items (every topic but the not-relevant one)."""
        return tuple(label.code for label in self.topics if label.role != "not_relevant")

    @property
    def signal_codes(self) -> tuple[str, ...]:
        """Every signal code."""
        return tuple(label.code for label in self.signals)

    @property
    def signal_priority(self) -> tuple[str, ...]:
        """Signals from the one that matters most to the agencies (false information,
        pressing, commendable, then signals without a role) to the default: a story's
        signal on a tie."""
        rank = {"false_information": 0, "pressing": 1, "commendable": 2, None: 3, "default": 4}
        return tuple(label.code for label in sorted(self.signals, key=lambda label: rank[label.role]))

    @property
    def topic_names(self) -> dict[str, str]:
        """Code → Vietnamese name of every topic."""
        return {label.code: label.name for label in self.topics}

    @property
    def signal_names(self) -> dict[str, str]:
        """Code → Vietnamese name of every signal."""
        return {label.code: label.name for label in self.signals}

    def topic_short(self, code: str) -> str:
        """The short name of a topic for running text ("dịch bệnh")."""
        return next(label.short for label in self.topics if label.code == code)

    def is_valid_pair(self, topic: str, signal: str) -> bool:
        """Known codes, and a not-relevant item has the default signal."""
        return topic in self.topic_codes and signal in self.signal_codes \
            and (topic != self.irrelevant or signal == self.default_signal)

    def check_codes(self, axis: str, codes: Iterable[str], where: str, *, expected: Iterable[str] | None = None) -> None:
        """Raise :class:`ConfigError` when ``codes`` (found in ``where``) hold a code that is
        not a ``axis`` ("topic", "signal") of the taxonomy, or, when ``expected`` is given,
        when they are not exactly those codes."""
        known = self.topic_codes if axis == "topic" else self.signal_codes
        found = list(codes)
        for code in found:
            if code not in known:
                raise ConfigError(f"{where}: {axis} {did_you_mean(str(code), known)} "
                                  f"(the {axis}s are in {self.path})")
        if expected is not None:
            missing = [code for code in expected if code not in found]
            if missing:
                raise ConfigError(f"{where}: no {axis} {', '.join(missing)} although {self.path} has it")


def _labels(data: Any, axis: str, roles: tuple[str, ...], path: Path) -> tuple[Label, ...]:
    if not isinstance(data, list) or not data:
        raise ConfigError(f"{path}: `{axis}s` must be a non-empty list of {{code, name, short, role?}}")
    labels = []
    for n, entry in enumerate(data, 1):
        if not isinstance(entry, dict):
            raise ConfigError(f"{path}: {axis} {n} is not a mapping")
        for key in entry:
            if key not in _LABEL_KEYS:
                raise ConfigError(f"{path}: {axis} {n}: {did_you_mean(str(key), _LABEL_KEYS)}")
        code, name = str(entry.get("code") or ""), str(entry.get("name") or "")
        if not _CODE.match(code) or not name:
            raise ConfigError(f"{path}: {axis} {n} needs a snake_case `code` and a `name`")
        role = entry.get("role")
        if role is not None and role not in roles:
            raise ConfigError(f"{path}: {axis} {code}: role {did_you_mean(str(role), roles)}")
        labels.append(Label(code, name, str(entry.get("short") or name), role))
    codes = [label.code for label in labels]
    if len(set(codes)) != len(codes):
        raise ConfigError(f"{path}: {axis} code {next(c for c in codes if codes.count(c) > 1)} appears twice")
    for role in roles:
        holders = [label.code for label in labels if label.role == role]
        if len(holders) != 1:
            raise ConfigError(f"{path}: exactly one {axis} must have role {role} (found {len(holders)})")
    return tuple(labels)


@lru_cache(maxsize=4)
def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Read and check ``taxonomy.yaml`` (default from the config folder)."""
    path = path or config_dir() / "taxonomy.yaml"
    data = read_yaml(path, ConfigError)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected `topics`, `signals` and `relevance`")
    for key in data:
        if key not in ("topics", "signals", "relevance"):
            raise ConfigError(f"{path}: {did_you_mean(str(key), ('topics', 'signals', 'relevance'))}")
    relevance = data.get("relevance") or {}
    if not isinstance(relevance, dict) or set(relevance) != {"relevant", "not_relevant"}:
        raise ConfigError(f"{path}: `relevance` must give the relevance model's classes as "
                          f"{{relevant: …, not_relevant: …}}")
    return Taxonomy(_labels(data.get("topics"), "topic", TOPIC_ROLES, path),
                    _labels(data.get("signals"), "signal", SIGNAL_ROLES, path),
                    str(relevance["relevant"]), str(relevance["not_relevant"]), str(path))


def taxonomy() -> Taxonomy:
    """The deployment's taxonomy (``config/taxonomy.yaml``), read once per config folder."""
    return load_taxonomy(config_dir() / "taxonomy.yaml")
