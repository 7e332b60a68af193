"""Rewrite the ``expected`` part of every golden case from the current parsers.
Read ``git diff`` afterwards: every change must be a fix, not a regression."""
from __future__ import annotations

import json

from tests.pipeline.parse.golden import summarise
from tests.pipeline.parse.test_parsers_golden import CASES, load_case

if __name__ == "__main__":
    for path in CASES:
        case, body = load_case(path)
        case["expected"] = summarise(case["parser"], body, case["url"], case.get("selectors"))
        path.write_text(json.dumps(case, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print("wrote", path)
