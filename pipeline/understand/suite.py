"""The behavioural suite, in the manner of CheckList (Ribeiro et al., ACL 2020):
cases written by the project in ``config/suite/``.

- minimum functionality (``minimum.jsonl``): short texts whose topic and signal
  are plain; one capability per topic and per signal;
- contrast pairs (``contrast.jsonl``): thanks vs complaint about the same
  hospital, a rumour vs its denial, advice vs a false cure claim, a commendation
  vs an incident: both sides must get their signal;
- invariances, generated from the minimum cases: diacritics stripped, teencode,
  emoji, another province's name: relevance, topic and signal must not change;
- directional (``directional.jsonl``): adding a phrase must raise (or lower) the
  probability of a signal.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.common.settings import config_dir
from pipeline.common.taxonomy import taxonomy
from pipeline.understand.classify import Classifier, Prediction
from pipeline.understand.normalize import strip_diacritics

TEENCODE = {"không": "ko", "được": "dc", "bệnh viện": "bv", "bác sĩ": "bs", "mọi người": "mn", "với": "vs",
            "người": "ng", "biết": "bít", "rồi": "r", "gì": "j", "quá": "wá", "thôi": "thui"}
_TEENCODE_RE = re.compile(r"(?<!\w)(" + "|".join(sorted(map(re.escape, TEENCODE), key=len, reverse=True))
                          + r")(?!\w)", re.IGNORECASE)


def teencode(text: str) -> str:
    """Words as typed in quick posts: "không" → "ko", "bệnh viện" → "bv", "gì" → "j" …"""
    return _TEENCODE_RE.sub(lambda m: TEENCODE[m.group(1).lower()], text)


def with_emoji(text: str) -> str:
    """The text framed by emoji, as posts often are."""
    return f"📢 {text} 👇😮"


PLACES = ("ở Quảng Ngãi", "ở Điện Biên")
PERTURBATIONS: dict[str, Callable[[str], str]] = {
    "inv:diacritics": strip_diacritics,
    "inv:teencode": teencode,
    "inv:emoji": with_emoji,
}


def suite_dir() -> Path:
    """``config/suite``."""
    return config_dir() / "suite"


def _read(name: str, folder: Path | None) -> list[dict[str, Any]]:
    path = (folder or suite_dir()) / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass
class Outcome:
    """Cases run and passed for one capability, with the ids of failures."""

    total: int = 0
    passed: int = 0
    failed: list[str] | None = None

    def add(self, ok: bool, case_id: str) -> None:
        self.total += 1
        self.passed += ok
        if not ok:
            self.failed = [*(self.failed or []), case_id]

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 0.0


def _same(a: Prediction, b: Prediction) -> bool:
    return (a.relevant, a.topic, a.signal) == (b.relevant, b.topic, b.signal)


def run_suite(classifier: Classifier | None = None, folder: Path | None = None) -> dict[str, Outcome]:
    """Pass counts per capability."""
    clf = classifier or Classifier()
    out: dict[str, Outcome] = {}

    def record(capability: str, ok: bool, case_id: str) -> None:
        out.setdefault(capability, Outcome()).add(ok, case_id)

    minimum = _read("minimum.jsonl", folder)
    texts = [c["text"] for c in minimum]
    base = clf.predict(texts)
    for case, pred in zip(minimum, base):
        if case["topic"] == taxonomy().irrelevant:
            record(f"mft:topic:{case['topic']}", not pred.relevant, case["id"])
            continue
        record(f"mft:topic:{case['topic']}", pred.relevant and pred.topic == case["topic"], case["id"])
        record(f"mft:signal:{case['signal']}", pred.relevant and pred.signal == case["signal"], case["id"])
    for capability, perturb in PERTURBATIONS.items():
        for case, pred, changed in zip(minimum, base, clf.predict([perturb(t) for t in texts])):
            record(capability, _same(pred, changed), case["id"])
    here, there = (clf.predict([f"{t} {place}" for t in texts]) for place in PLACES)
    for case, a, b in zip(minimum, here, there):
        record("inv:province", _same(a, b), case["id"])
    contrast = _read("contrast.jsonl", folder)
    sides = clf.predict([text for c in contrast for text in (c["a"]["text"], c["b"]["text"])])
    for n, case in enumerate(contrast):
        a, b = sides[2 * n], sides[2 * n + 1]
        record(f"contrast:{case['capability']}", a.signal == case["a"]["signal"] and b.signal == case["b"]["signal"],
               case["id"])
    directional = _read("directional.jsonl", folder)
    before = clf.predict([c["base"] for c in directional])
    after = clf.predict([c["base"] + c["added"] for c in directional])
    for case, p0, p1 in zip(directional, before, after):
        s0, s1 = p0.scores["signal"][case["signal"]], p1.scores["signal"][case["signal"]]
        record("dir:signal", s1 > s0 if case["direction"] == "up" else s1 < s0, case["id"])
    return dict(sorted(out.items()))


def format_suite(outcomes: dict[str, Outcome]) -> list[str]:
    """One line per capability: pass rate, counts and the first failures."""
    lines = []
    for name, o in outcomes.items():
        failed = f"  failed: {', '.join(o.failed[:4])}{' …' if len(o.failed) > 4 else ''}" if o.failed else ""
        lines.append(f"  {name:36s} {o.rate:6.1%}  ({o.passed}/{o.total}){failed}")
    return lines
