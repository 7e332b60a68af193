"""Pruning old raw pages keeps documents; exports are readable CSV and Parquet."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from pipeline.export import table, write
from pipeline.store.retention import prune
from pipeline.store.schema import DocumentRow, ProblemRow, RawPageRow
from pipeline.store.store import Store
from tests.pipeline.test_frames import fill

NOW = datetime(2026, 11, 23, tzinfo=timezone.utc)


def test_prune_keeps_documents_and_recent_pages(db_url: str) -> None:
    store = Store(db_url)
    fill(store)
    with store.session() as s:
        for n, age in enumerate((200, 100, 10), 1):
            s.add(RawPageRow(url_canonical=f"http://x/{n}", url=f"http://x/{n}", source_id="bqn", status=200,
                             body_z=b"x", body_sha1="0" * 40, size=1, hints={}, fetched_at=NOW - timedelta(days=age)))
        s.add(ProblemRow(reason="http_500", body_z=b"bad", at=NOW - timedelta(days=120)))
        s.add(ProblemRow(reason="http_404", body_z=b"new", at=NOW - timedelta(days=1)))
    assert prune(store, 90, now=NOW) == (2, 1)
    assert prune(store, 90, now=NOW) == (0, 0)  # re-running is safe
    assert store.count(RawPageRow) == 1 and store.count(DocumentRow) == 12 and store.count(ProblemRow) == 2


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_export_round_trip(db_url: str, tmp_path: Path, suffix: str) -> None:
    store = Store(db_url)
    fill(store)
    path = write(table("documents", store, "2026-11-11", None), tmp_path / f"docs{suffix}")
    back = pd.read_parquet(path) if suffix == ".parquet" else pd.read_csv(path, encoding="utf-8-sig")
    assert len(back) == 9 and back["title"].str.startswith("Sốt xuất huyết").all()
    counts = write(table("counts", store, None, None), tmp_path / f"counts{suffix}")
    back = pd.read_parquet(counts) if suffix == ".parquet" else pd.read_csv(counts, encoding="utf-8-sig")
    assert back["documents"].sum() == 11
    with pytest.raises(ValueError):
        write(back, tmp_path / "x.xlsx")
