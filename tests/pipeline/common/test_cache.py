"""The local cache of slow-to-build objects: reused for the same inputs, built again
for new inputs or a damaged entry, and never in the way when it cannot be written."""
from __future__ import annotations

from pathlib import Path

from pipeline.common.cache import cache_key, cached


def counting_builder(value: object) -> tuple[list[int], object]:
    calls: list[int] = []

    def build() -> object:
        calls.append(1)
        return value

    return calls, build


def test_same_inputs_are_built_once(tmp_path: Path) -> None:
    calls, build = counting_builder({"a": [1, 2]})
    assert cached("thing", [b"input", "v1"], build, tmp_path) == {"a": [1, 2]}
    assert cached("thing", [b"input", "v1"], build, tmp_path) == {"a": [1, 2]}
    assert len(calls) == 1


def test_new_inputs_build_again_and_replace_the_old_entry(tmp_path: Path) -> None:
    calls, build = counting_builder("value")
    cached("thing", [b"input", "v1"], build, tmp_path)
    cached("other", [b"input"], build, tmp_path)
    cached("thing", [b"changed input", "v1"], build, tmp_path)
    assert len(calls) == 3
    assert len(list(tmp_path.glob("thing-*.pickle"))) == 1
    assert len(list(tmp_path.glob("other-*.pickle"))) == 1


def test_a_damaged_entry_is_built_again(tmp_path: Path) -> None:
    calls, build = counting_builder([3, 4])
    cached("thing", ["x"], build, tmp_path)
    (entry,) = tmp_path.glob("thing-*.pickle")
    entry.write_bytes(b"not a pickle")
    assert cached("thing", ["x"], build, tmp_path) == [3, 4]
    assert len(calls) == 2


def test_an_unwritable_folder_still_returns_the_object(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert cached("thing", ["x"], lambda: 5, blocker / "cache") == 5


def test_keys_do_not_collide_when_parts_are_split_differently() -> None:
    assert cache_key(["ab", "c"]) != cache_key(["a", "bc"])
    assert cache_key([b"ab"]) == cache_key(["ab"])
