"""Keyword rules that propose labels (never decide gold labels): used to hunt
candidates for annotation and measured against the gold set."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pipeline.understand.normalize import strip_diacritics
from pipeline.common.errors import ConfigError
from pipeline.common.files import read_yaml
from pipeline.common.settings import config_dir
from pipeline.common.taxonomy import taxonomy


@lru_cache(maxsize=4)
def load_rules(path: Path | None = None) -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """``{"topic": [(label, pattern)], "signal": [...]}`` from ``config/keywords.yaml``,
    checked against the taxonomy: a rule for every health topic and every signal but
    the default, and no other code."""
    path = path or config_dir() / "keywords.yaml"
    data = read_yaml(path, ConfigError)
    tax = taxonomy()
    if not isinstance(data, dict) or set(data) != {"topic", "signal"}:
        raise ConfigError(f"{path}: expected two tables, `topic` and `signal`")
    tax.check_codes("topic", data["topic"], str(path), expected=tax.relevant_topics)
    tax.check_codes("signal", data["signal"], str(path),
                    expected=[c for c in tax.signal_codes if c != tax.default_signal])
    return {axis: [(label, re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b"))
                   for label, words in table.items()] for axis, table in data.items()}


def propose(text: str) -> tuple[str, str]:
    """``(topic, signal)`` of the first matching rule of each axis."""
    plain = strip_diacritics(text).lower()
    rules = load_rules()
    tax = taxonomy()
    topic = next((label for label, rx in rules["topic"] if rx.search(plain)), tax.irrelevant)
    signal = next((label for label, rx in rules["signal"] if rx.search(plain)), tax.default_signal)
    return topic, signal
