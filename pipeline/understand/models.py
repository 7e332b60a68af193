"""Model files: ``models/<name>-<YYYY-MM-DD>/`` with ``model.skops``,
``metrics.json`` and ``card.md``; the newest date of a name is the one used,
compiled (:mod:`pipeline.understand.compiled`) and cached for classifying."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from pipeline.common.cache import cached, versions
from pipeline.common.settings import REPO_ROOT
from pipeline.understand import compiled, prepared
from pipeline.understand.compiled import CompiledModel, compile_model

MODELS_DIR = REPO_ROOT / "models"
MODEL_NAMES = ("relevance", "topic", "signal")
_TRUSTED_PREFIXES = ("pipeline.understand.features.", "pipeline.understand.estimators.", "sklearn.", "numpy.", "scipy.", "builtins.", "collections.")


def model_dir(name: str, root: Path | None = None) -> Path:
    """The newest folder of model ``name``; raises ``FileNotFoundError`` if there is none."""
    folders = sorted((root or MODELS_DIR).glob(f"{name}-????-??-??"))
    if not folders:
        raise FileNotFoundError(f"no trained {name!r} model under {root or MODELS_DIR}; run `duluan train`")
    return folders[-1]


def save_model(estimator: Any, name: str, date: str, metrics: dict[str, Any], card: str,
               root: Path | None = None) -> Path:
    """Write model, metrics and card to ``models/<name>-<date>/`` (temporary name, then rename)."""
    folder = (root or MODELS_DIR) / f"{name}-{date}"
    tmp = folder.with_name(folder.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    import skops.io as sio  # slow to import: only where models are written or first read

    sio.dump(estimator, tmp / "model.skops", compression=zipfile.ZIP_DEFLATED)
    (tmp / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (tmp / "card.md").write_text(card, encoding="utf-8")
    if folder.exists():
        for old in folder.iterdir():
            old.unlink()
        folder.rmdir()
    tmp.rename(folder)
    return folder


def load_model(name: str, root: Path | None = None) -> Any:
    """The newest model ``name`` as scikit-learn saved it, read by skops trusting only
    our own and scientific-Python types."""
    return _load_skops(model_dir(name, root) / "model.skops")


def load_compiled(name: str, root: Path | None = None) -> CompiledModel:
    """The newest model ``name`` compiled to numpy arrays (what classifying uses). The
    file is checked and read by skops and compiled the first time; the result is then
    kept in the local cache under the SHA-256 of the file's bytes, the compiling and
    text-preparing code and the library versions, so that later processes import neither skops nor
    scikit-learn."""
    path = model_dir(name, root) / "model.skops"
    parts = [path.read_bytes(), Path(compiled.__file__).read_bytes(), Path(prepared.__file__).read_bytes(),
             versions("scikit-learn", "numpy", "scipy", "skops")]
    return cached(f"compiled-{name}", parts, lambda: compile_model(load_model(name, root)))


def _load_skops(path: Path) -> Any:
    import skops.io as sio  # slow to import: only where models are written or first read

    untrusted = sio.get_untrusted_types(file=path)
    unknown = [t for t in untrusted if not t.startswith(_TRUSTED_PREFIXES)]
    if unknown:
        raise ValueError(f"{path} contains unexpected types: {', '.join(unknown)}")
    return sio.load(path, trusted=untrusted)


def load_metrics(name: str, root: Path | None = None) -> dict[str, Any]:
    """The metrics.json of the newest model ``name``."""
    return json.loads((model_dir(name, root) / "metrics.json").read_text(encoding="utf-8"))
