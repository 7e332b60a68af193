"""A sources file entry with an unknown key or selector is a bad entry: logged with
the closest valid key and skipped, and the other entries are used."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pipeline.store.sources import load_sources


def test_unknown_keys_make_an_entry_bad(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("""sources:
  - {id: ok, name: OK, kind: listing, url: "https://a.vn/y-te/", max_pages: 2, link_pattern: "/y-te/"}
  - {id: typo, name: Typo, kind: listing, url: "https://b.vn/y-te/", max_page: 2}
  - {id: sel, name: Selector, kind: rss, url: "https://c.vn/rss", selectors: {titel: h1}}
  - {id: far, name: Far, kind: rss, url: "https://d.vn/rss", colour: red}
""", encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        sources = load_sources(path)
    assert [s.id for s in sources] == ["ok"]
    assert sources[0].options == {"max_pages": 2, "link_pattern": "/y-te/"}
    lines = [r.getMessage() for r in caplog.records]
    assert f"sources file {path}, entry 2 (typo) skipped: unknown key max_page — did you mean max_pages?" in lines
    assert f"sources file {path}, entry 3 (sel) skipped: unknown selector titel — did you mean title?" in lines
    assert any(line.startswith(f"sources file {path}, entry 4 (far) skipped: unknown key colour — not one of")
               for line in lines)
