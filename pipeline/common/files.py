"""Files written whole or not at all: a temporary name beside the target, then a rename."""
from __future__ import annotations

from pathlib import Path


def temporary_beside(path: Path) -> Path:
    """The temporary name used while ``path`` is written (hidden, same folder)."""
    return path.with_name(f".{path.name}.tmp")


def write_text_atomic(path: Path, text: str) -> Path:
    """Write UTF-8 text to ``path`` through a temporary file and a rename; returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_beside(path)
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path
