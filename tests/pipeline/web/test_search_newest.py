"""Search keeps the newest matches whichever way it reads them: on PostgreSQL the
backwards read of the newest ids (probe, then a wider window) gives the very ids of
the GIN scan, for rare and common queries alike."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import text

from pipeline.bench_digest import generate_store
from pipeline.store.store import Store
from pipeline.web import search as search_module
from pipeline.web.search import fold, refresh_index, search

QUERIES = ["benh vien", "sốt xuất huyết", "ngo doc thuc pham", "y te", "quang ngai tu vong", "xyzzy", "trẻ em"]


@pytest.fixture
def generated(db_url: str) -> Store:
    store = Store(db_url)
    generate_store(db_url, 600, datetime(2026, 11, 23, tzinfo=timezone.utc), days=30)
    assert refresh_index(store) == 600
    return store


@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_postgresql_reads_the_same_newest_ids_as_a_gin_scan(generated: Store,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    assert generated.dialect == "postgresql"
    monkeypatch.setattr(search_module, "NEWEST", 15)
    monkeypatch.setattr(search_module, "PROBE_IDS", 40)
    found = 0
    with generated.session() as s:
        for query in QUERIES:
            q = " ".join(search_module._WORD.findall(fold(query)))
            expected = list(s.scalars(text(search_module._PG_NEWEST), {"q": q, "newest": 15}))
            assert search_module._newest_matches_postgresql(s, q) == expected, query
            found += len(expected)
    assert found > 15  # some queries match: the comparison is not between empty lists


def test_search_lists_the_newest_matches_with_their_words_in_the_title_first(generated: Store) -> None:
    hits = search(generated, "benh vien", limit=20)
    assert len(hits) == 20
    in_title = ["benh" in fold(h.title) and "vien" in fold(h.title) for h in hits]
    assert in_title == sorted(in_title, reverse=True)


@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_postgresql_index_keeps_words_without_positions(generated: Store) -> None:
    with generated.session() as s:
        vectors = list(s.scalars(text("SELECT tsv::text FROM search_fts LIMIT 50")))
    assert vectors and all("'" in v for v in vectors)  # words are there
    assert not any(":" in v for v in vectors)  # "'benh':3" would carry a position
    assert search(generated, "Bệnh viện")  # and queries still match
