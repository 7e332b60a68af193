"""Under CI=true the tests that need ../shared/data fail when it is missing instead of
being skipped, so CI cannot be green without them."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

DATA_TESTS = ["tests/pipeline/understand/test_models.py::test_relevance_decision_of_classify_on_heldout",
              "tests/pipeline/parse/test_parsers_golden.py::test_parser_matches_expected[baocantho-article]"]


def run_data_tests(tmp_path: Path, ci: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CI=ci, DULUAN_SHARED_DATA=str(tmp_path / "no-shared-data"))
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *DATA_TESTS],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize(("ci", "outcome"), [("true", "failed"), ("", "skipped")])
def test_missing_shared_data_fails_under_ci_and_skips_elsewhere(tmp_path: Path, ci: str, outcome: str) -> None:
    result = run_data_tests(tmp_path, ci)
    summary = result.stdout.strip().splitlines()[-1]
    assert outcome in summary and "passed" not in summary, result.stdout[-3000:]
    assert (result.returncode != 0) == (outcome == "failed")
