"""`duluan classify` as a tool: one JSON line out per line in (blank and bad lines
included, with the reason in plain words), exit 1 when every line failed, JSON lines
by default, and a command line that starts without the heavy libraries."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipeline.classify_lines import classify_lines
from pipeline.common.settings import get_settings
from pipeline.understand.models import load_compiled, model_dir
from tests.conftest import REPO, duluan_env, run_duluan

GOOD = '{"id": 1, "title": "Hơn 40 học sinh nhập viện", "text": "sau bữa trưa bán trú ở Quảng Ngãi"}'
BAD = ["", "   ", "không phải json", "[1, 2]", '{"id": 5}', '{"id": 6, "text": 3}', '{"id": 7, "text": " "}']
EXCEPTION_NAMES = ("Error", "KeyError", "TypeError", "Exception", "Traceback")


def fake_predict(texts: list[str]) -> list[dict]:
    if any("hỏng" in t for t in texts):
        raise RuntimeError("boom")
    return [{"relevant": True, "length": len(t)} for t in texts]


def test_one_output_per_input_line_with_plain_reasons() -> None:
    lines = [GOOD, *BAD, GOOD.replace('"id": 1', '"id": 9')]
    out = list(classify_lines(lines, fake_predict, batch_size=3))
    assert len(out) == len(lines)
    assert [o["id"] for o in out] == [1, None, None, None, None, 5, 6, 7, 9]
    assert "error" not in out[0] and "error" not in out[-1]
    for record in out[1:-1]:
        assert set(record) == {"id", "error"}
        assert not any(name in record["error"] for name in EXCEPTION_NAMES), record


def test_a_line_the_model_fails_on_does_not_take_its_batch_with_it() -> None:
    lines = [GOOD, '{"id": 2, "text": "bài hỏng"}', GOOD.replace('"id": 1', '"id": 3')]
    out = list(classify_lines(lines, fake_predict, batch_size=10))
    assert [o["id"] for o in out] == [1, 2, 3]
    assert "error" in out[1] and "không phân loại được" in out[1]["error"]
    assert out[0]["relevant"] and out[2]["relevant"]


def test_cli_keeps_every_line_and_reads_json_lines_by_default(tmp_path: Path) -> None:
    env = duluan_env(f"sqlite:///{tmp_path / 'x.db'}", tmp_path)
    lines = [GOOD, "", "không phải json"]
    result = run_duluan(["classify"], env, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr[-2000:]
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 3 and out[0]["id"] == 1 and out[0]["topic"] and out[1]["error"] and out[2]["error"]
    legacy = run_duluan(["classify", "--jsonl"], env, stdin=GOOD + "\n")
    assert legacy.returncode == 0 and json.loads(legacy.stdout)["id"] == 1


def test_cli_fails_when_every_line_failed(tmp_path: Path) -> None:
    env = duluan_env(f"sqlite:///{tmp_path / 'x.db'}", tmp_path)
    result = run_duluan(["classify"], env, stdin="\n".join(BAD) + "\n")
    assert result.returncode == 1 and len(result.stdout.splitlines()) == len(BAD)
    assert result.stderr.strip().splitlines()[-1].startswith("duluan: no line could be classified")


def test_help_and_argument_errors_load_no_heavy_library() -> None:
    script = ("import sys\nfrom pipeline import cli\n"
              "for args in (['--help'], ['digest', '--no-such-option'], ['classify', '--help']):\n"
              "    try:\n        cli.main(args)\n    except SystemExit:\n        pass\n"
              "heavy = ('sqlalchemy', 'sklearn', 'pandas', 'scrapy', 'underthesea', 'matplotlib', 'numpy')\n"
              "print('heavy:' + ','.join(m for m in heavy if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "heavy:"


LINES = [GOOD,
         '{"id": 2, "title": "Benh vien qua tai, benh nhan nam ghep", "text": "nguoi dan buc xuc vi cho doi"}',
         '{"id": 3, "text": "Bé nhà mình xuất viện rồi, cảm ơn các bác sĩ khoa nhi"}',
         '{"id": 4, "title": "Giá vàng hôm nay tăng mạnh", "text": "thị trường sôi động"}',
         '{"id": 5, "title": "Tin đồn uống nước chanh chữa ung thư là sai sự thật", "text": "Sở Y tế bác bỏ"}']


def test_a_warm_start_classifies_exactly_as_a_cold_one_without_scikit_learn(tmp_path: Path) -> None:
    """The first run checks the model files with skops, compiles them and caches the
    compiled models; the next runs read the cache (no skops, scikit-learn or scipy
    import) and print the very same lines."""
    env = duluan_env(f"sqlite:///{tmp_path / 'x.db'}", tmp_path)
    stdin = "\n".join(LINES) + "\n"
    cold = run_duluan(["classify"], env, stdin=stdin)
    assert cold.returncode == 0, cold.stderr[-2000:]
    assert sorted(p.name.split("-")[1] for p in (tmp_path / "cache").glob("compiled-*.pickle")) == \
        ["relevance", "signal", "topic"]
    warm = run_duluan(["classify"], env, stdin=stdin)
    assert warm.returncode == 0, warm.stderr[-2000:]
    assert warm.stdout == cold.stdout
    assert [json.loads(line)["id"] for line in warm.stdout.splitlines()] == [1, 2, 3, 4, 5]
    script = ("import sys\nfrom pipeline import cli\nsys.stdin = open(sys.argv[1], encoding='utf-8')\n"
              "try:\n    cli.main(['classify'])\nexcept SystemExit:\n    pass\n"
              "heavy = ('skops', 'sklearn', 'scipy')\n"
              "print('heavy:' + ','.join(m for m in heavy if m in sys.modules), file=sys.stderr)")
    (tmp_path / "in.jsonl").write_text(stdin, encoding="utf-8")
    loaded = subprocess.run([sys.executable, "-c", script, str(tmp_path / "in.jsonl")], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120)
    assert loaded.stdout == cold.stdout, loaded.stderr[-2000:]
    assert loaded.stderr.strip().splitlines()[-1] == "heavy:"


def test_a_changed_model_file_is_checked_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache is keyed by the file's bytes: once a file is compiled and cached, a
    changed file is not taken from the cache but goes through skops's type check,
    which refuses it."""
    monkeypatch.setenv("DULUAN_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    root = tmp_path / "models"
    shutil.copytree(model_dir("relevance"), root / model_dir("relevance").name)
    assert load_compiled("relevance", root).classes_ is not None  # checked, compiled, then cached
    assert len(list((tmp_path / "cache").glob("compiled-relevance-*.pickle"))) == 1
    path = model_dir("relevance", root) / "model.skops"
    with zipfile.ZipFile(path) as zf:
        files = {name: zf.read(name) for name in zf.namelist()}
    schema = json.loads(files["schema.json"])
    schema["__module__"], schema["__class__"] = "os", "system"
    files["schema.json"] = json.dumps(schema).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    try:
        with pytest.raises(ValueError, match="unexpected types: os.system"):
            load_compiled("relevance", root)
    finally:
        get_settings.cache_clear()
