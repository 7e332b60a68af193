"""Every notebook in notebooks/ runs top to bottom against the demo store, the way
Jupyter runs it (the kernel started in notebooks/, the store found through the
deployment root, not the working directory), and from the repository root.
Notebook 03 writes a correction only for a choice the analyst made."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import REPO, copy_demo_store

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
REVIEW = REPO / "notebooks" / "03-ra-soat-nhan.ipynb"
NO_CHOICE = "CHOICE = None"
A_CHOICE = 'CHOICE = (int(queue.iloc[0]["id"]), "dich_benh", "van_de_buc_xuc")'


@pytest.fixture
def deployment(demo: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A deployment folder (config and the demo store in data/) named only by DULUAN_HOME,
    as an analyst's machine has it; corrections go to a file of this test."""
    home = tmp_path / "srv"
    shutil.copytree(REPO / "config", home / "config")
    (home / "data").mkdir()
    copy_demo_store(demo, home / "data")
    for key in [k for k in os.environ if k.startswith("DULUAN_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("DULUAN_HOME", str(home))
    monkeypatch.setenv("DULUAN_AUTHOR_SALT", "test-salt")
    monkeypatch.setenv("DULUAN_CORRECTIONS", str(tmp_path / "corrections.jsonl"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    return home


def execute(path: Path, cwd: Path, replace: tuple[str, str] | None = None) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    if replace:
        cells = [c for c in notebook.cells if c.cell_type == "code" and replace[0] in c.source]
        assert len(cells) == 1
        cells[0].source = cells[0].source.replace(*replace)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert outputs and not errors, errors[:1]
    return notebook


def test_notebooks_are_named_in_order() -> None:
    assert [p.name[:3] for p in NOTEBOOKS] == [f"{n:02d}-" for n in range(1, len(NOTEBOOKS) + 1)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_as_jupyter_starts_it(path: Path, deployment: Path, tmp_path: Path) -> None:
    notebook = execute(path, REPO / "notebooks")
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert "from pipeline" in code and "\ndef " not in f"\n{code}"  # they use pipeline, never copy it
    assert str(deployment / "data" / "duluan.db") in str(notebook.cells[1].outputs)
    assert not (REPO / "notebooks" / "data").exists()
    if path == REVIEW:
        assert not (tmp_path / "corrections.jsonl").exists()  # nobody chose a label: nothing written


def test_notebook_runs_from_the_repository_root(deployment: Path) -> None:
    execute(NOTEBOOKS[0], REPO)


def test_review_notebook_writes_the_analysts_choice_only(deployment: Path, tmp_path: Path) -> None:
    execute(REVIEW, REPO / "notebooks", (NO_CHOICE, A_CHOICE))
    lines = (tmp_path / "corrections.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and '"topic": "dich_benh"' in lines[0] and '"signal": "van_de_buc_xuc"' in lines[0]
