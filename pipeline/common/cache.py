"""A local cache of objects that are slow to build or to load safely (the gazetteer,
models verified by skops), so that a new process such as ``duluan classify`` starts
fast.

An entry is a pickle under ``<data_dir>/cache/`` named after what it holds and a
SHA-256 of everything it was built from (the input files' bytes, the code that
builds it, the library versions): a changed input is a new name, never a stale
entry. Only this deployment writes there, and only objects it built itself from
inputs it has checked; a file there is trusted as much as the deployment's own
code. An entry that cannot be read is built again; one that cannot be written is
skipped (the object is returned all the same).
"""
from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TypeVar

from pipeline.common.settings import get_settings

T = TypeVar("T")
log = logging.getLogger(__name__)


def cache_dir() -> Path:
    """Where the entries live: ``<data_dir>/cache``."""
    return get_settings().data_dir / "cache"


def versions(*packages: str) -> str:
    """"python 3.11.7; numpy 2.4.6; …": part of a key, so that an upgrade rebuilds."""
    def one(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "-"

    return "; ".join([f"python {sys.version.split()[0]}", *(f"{p} {one(p)}" for p in packages)])


def cache_key(parts: Iterable[str | bytes]) -> str:
    """SHA-256 of the parts (each length-prefixed, so that no two lists collide)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def cached(name: str, parts: Iterable[str | bytes], build: Callable[[], T], folder: Path | None = None) -> T:
    """The object ``build()`` returns for these inputs, from the cache when an entry
    for the same ``parts`` exists; a new entry replaces the older ones of ``name``."""
    folder = folder or cache_dir()
    path = folder / f"{name}-{cache_key(parts)[:32]}.pickle"
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)  # noqa: S301 — written below by this deployment only
    except FileNotFoundError:
        pass
    except Exception as exc:  # noqa: BLE001 — a damaged or outdated entry is built again
        log.warning("cache entry %s unreadable (%s); building it again", path.name, exc)
    value = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # one per writer: processes may race
        with tmp.open("wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
        for old in folder.glob(f"{name}-{'[0-9a-f]' * 32}.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.debug("cache entry %s not written: %s", path.name, exc)
    return value
