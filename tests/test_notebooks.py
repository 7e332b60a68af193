"""Every notebook in notebooks/ runs top to bottom against the demo store."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_notebooks_are_named_in_order() -> None:
    assert [p.name[:3] for p in NOTEBOOKS] == [f"{n:02d}-" for n in range(1, len(NOTEBOOKS) + 1)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, demo: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in demo["env"].items():
        if key.startswith("DULUAN_"):
            monkeypatch.setenv(key, value)
    corrections = tmp_path / "corrections.jsonl"
    monkeypatch.setenv("DULUAN_CORRECTIONS", str(corrections))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(REPO)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert outputs and not [o for o in outputs if o.get("output_type") == "error"]
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert "from pipeline" in code and "\ndef " not in f"\n{code}"  # they use pipeline, never copy it
    if path.name.startswith("03-"):
        assert corrections.exists() and corrections.read_text(encoding="utf-8").count("\n") == 1
