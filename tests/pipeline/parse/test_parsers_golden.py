"""Parser tests: fixture bytes in, compared with the expected JSON beside them.

Fixtures of our own live in ``tests/fixtures/parsers``; the real saved pages of
``../shared/data/crawler-fixtures`` are described in ``tests/fixtures/real``
(skipped where ``../shared`` is absent, failed under ``CI=true``). Regenerate an expected file only after
reading the difference: ``python -m tests.pipeline.regen_golden``.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SHARED_DATA, require_shared
from tests.pipeline.parse.golden import summarise

CASES = sorted((FIXTURES / "real").glob("*.expected.json")) + sorted((FIXTURES / "parsers").glob("*.expected.json"))


def load_case(path: Path) -> tuple[dict, bytes]:
    """The expected JSON and the fixture bytes it describes."""
    case = json.loads(path.read_text(encoding="utf-8"))
    fixture = require_shared(SHARED_DATA / case["fixture"]) if case.get("shared") else path.parent / case["fixture"]
    return case, fixture.read_bytes()


@pytest.mark.parametrize("path", CASES, ids=[p.name.removesuffix(".expected.json") for p in CASES])
def test_parser_matches_expected(path: Path) -> None:
    case, body = load_case(path)
    got = summarise(case["parser"], body, case["url"], case.get("selectors"))
    assert got == case["expected"]
