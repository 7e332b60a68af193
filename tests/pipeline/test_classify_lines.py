"""`duluan classify` as a tool: one JSON line out per line in (blank and bad lines
included, with the reason in plain words), exit 1 when every line failed, JSON lines
by default, and a command line that starts without the heavy libraries."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pipeline.classify_lines import classify_lines
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
