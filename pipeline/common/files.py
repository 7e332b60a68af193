"""Files written whole or not at all (a temporary name beside the target, then a
rename), and YAML files read with one plain reason when they cannot be."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


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


def read_yaml(path: Path, error: type[Exception]) -> Any:
    """The YAML document in ``path``; an unreadable file or invalid YAML raises ``error``
    with the reason ("cannot read …: No such file or directory")."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"cannot read {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise error(f"{path} is not valid YAML: {exc}") from exc
