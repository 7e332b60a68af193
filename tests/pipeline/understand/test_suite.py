"""The behavioural suite (config/suite): enough cases of every kind, perturbations
that do what they say, and the committed models' pass rates pinned per capability."""
from __future__ import annotations

from collections import Counter

import pytest

from pipeline.common.taxonomy import taxonomy
from pipeline.understand.classify import Classifier
from pipeline.understand.suite import _read, run_suite, teencode, with_emoji

# Pass rates the committed models reach (a retrained model must not fall below them);
# the target is 0.90 for every capability: see the model cards for what is missed.
# Pinned for the models of 2026-12-05 (gold with b6–b9, signal learnt on health texts,
# shortage cue, emoji dropped). Against those of 2026-12-04 they gain duoc_thiet_bi,
# dich_benh, rumour-denial, khong_lien_quan and emoji, and lose commendation-incident,
# dir:signal, dien_hinh_tien_tien, dan_so_sinh_san, kham_chua_benh, kien_thuc_suc_khoe and
# one teencode case; they were kept because they do better on real text they were not
# trained on (leave-one-corpus-out signal and false information; see the project notes).
FLOORS: dict[str, float] = {
    "contrast:advice-false-cure": 0.66,
    "contrast:commendation-incident": 0.5,
    "contrast:rumour-denial": 0.66,
    "contrast:thanks-complaint": 0.83,
    "dir:signal": 0.8,
    "inv:diacritics": 0.7,
    "inv:emoji": 1.0,
    "inv:province": 1.0,
    "inv:teencode": 0.99,
    "mft:signal:dien_hinh_tien_tien": 0.58,
    "mft:signal:thong_tin_chung": 0.84,
    "mft:signal:thong_tin_sai_lech": 0.83,
    "mft:signal:van_de_buc_xuc": 0.7,
    "mft:topic:an_toan_thuc_pham": 0.9,
    "mft:topic:bao_hiem_y_te": 1.0,
    "mft:topic:dan_so_sinh_san": 0.47,
    "mft:topic:dich_benh": 0.95,
    "mft:topic:duoc_thiet_bi": 0.8,
    "mft:topic:kham_chua_benh": 0.85,
    "mft:topic:khong_lien_quan": 1.0,
    "mft:topic:kien_thuc_suc_khoe": 0.63,
    "mft:topic:nhan_luc_to_chuc": 0.52,
    "mft:topic:quan_ly_tai_chinh": 0.61,
}


def test_enough_cases_of_every_class_and_contrast() -> None:
    minimum = _read("minimum.jsonl", None)
    topics = Counter(c["topic"] for c in minimum)
    signals = Counter(c["signal"] for c in minimum if c["topic"] != "khong_lien_quan")
    assert set(topics) == set(taxonomy().topic_codes) and min(topics.values()) >= 20
    assert set(signals) == set(taxonomy().signal_codes) and min(signals.values()) >= 20
    assert len({c["text"] for c in minimum}) == len(minimum)
    contrast = Counter(c["capability"] for c in _read("contrast.jsonl", None))
    assert set(contrast) == {"thanks-complaint", "rumour-denial", "advice-false-cure", "commendation-incident"}
    assert min(contrast.values()) >= 6
    assert len(_read("directional.jsonl", None)) >= 20


def test_perturbations() -> None:
    assert teencode("Không biết bệnh viện được mở chưa, mọi người ơi") == "ko bít bv dc mở chưa, mn ơi"
    assert with_emoji("Tin") != "Tin" and "Tin" in with_emoji("Tin")


@pytest.fixture(scope="module")
def outcomes() -> dict:
    return run_suite(Classifier())


def test_every_capability_is_run(outcomes: dict) -> None:
    names = set(outcomes)
    assert {f"mft:topic:{t}" for t in taxonomy().topic_codes} | {f"mft:signal:{s}" for s in taxonomy().signal_codes} <= names
    assert {"inv:diacritics", "inv:teencode", "inv:emoji", "inv:province", "dir:signal"} <= names
    assert all(o.total >= 6 for o in outcomes.values())


def test_pass_rates_meet_floors(outcomes: dict) -> None:
    below = {name: round(outcomes[name].rate, 3) for name, floor in FLOORS.items() if outcomes[name].rate < floor}
    assert not below, below
