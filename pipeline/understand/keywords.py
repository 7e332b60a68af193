"""Keyword rules that propose labels (never decide gold labels): used to hunt
candidates for annotation and measured against the gold set."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline.understand.normalize import strip_diacritics
from pipeline.common.settings import config_dir

NO_TOPIC = "khong_lien_quan"
NO_SIGNAL = "thong_tin_chung"


@lru_cache(maxsize=4)
def load_rules(path: Path | None = None) -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """``{"topic": [(label, pattern)], "signal": [...]}`` from ``config/keywords.yaml``."""
    data = yaml.safe_load((path or config_dir() / "keywords.yaml").read_text(encoding="utf-8"))
    return {axis: [(label, re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b"))
                   for label, words in table.items()] for axis, table in data.items()}


def propose(text: str) -> tuple[str, str]:
    """``(topic, signal)`` of the first matching rule of each axis."""
    plain = strip_diacritics(text).lower()
    rules = load_rules()
    topic = next((label for label, rx in rules["topic"] if rx.search(plain)), NO_TOPIC)
    signal = next((label for label, rx in rules["signal"] if rx.search(plain)), NO_SIGNAL)
    return topic, signal
