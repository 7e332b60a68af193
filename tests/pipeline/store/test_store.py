"""The store on SQLite and PostgreSQL: migrations, upserts, bookkeeping."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select

from pipeline.store import migrate
from pipeline.store.records import Document, RawPage, Source
from pipeline.store.schema import Base, DocumentRow, RawPageRow, SourceRow
from pipeline.store.store import Store, decompress

WHEN = datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc)


def _doc(url: str, title: str = "Sốt xuất huyết tăng", partial: bool = False) -> Document:
    return Document(url=url, url_canonical=url, source_id="s", kind="article", title=title,
                    text="Nội dung bài.", published_at=WHEN, date_source="meta", partial=partial)


def test_migrations_match_the_models(db_url: str) -> None:
    store = Store(db_url)
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"include_name": migrate.include_name}),
                                 Base.metadata)
    assert diffs == []
    Store(db_url)  # opening again is a no-op


def test_upsert_updates_in_place_and_keeps_first_fetch(db_url: str) -> None:
    store = Store(db_url)
    assert store.save_document(_doc("https://a.vn/1")) is True
    with store.session() as s:
        first = s.scalars(select(DocumentRow)).one()
    assert store.save_document(_doc("https://a.vn/1", title="Sốt xuất huyết tăng mạnh")) is False
    with store.session() as s:
        rows = list(s.scalars(select(DocumentRow)))
    assert len(rows) == 1 and rows[0].title == "Sốt xuất huyết tăng mạnh"
    assert rows[0].fetched_at == first.fetched_at and rows[0].published_at == WHEN


def test_known_urls_ignores_partial_documents(db_url: str) -> None:
    store = Store(db_url)
    store.save_document(_doc("https://a.vn/full"))
    store.save_document(_doc("https://a.vn/partial", partial=True))
    store.save_page(RawPage(url="https://a.vn/raw", source_id="s", status=200, body=b"<html>x</html>"),
                        "https://a.vn/raw", "utf-8", None)
    assert store.known_urls(["https://a.vn/full", "https://a.vn/partial", "https://a.vn/raw",
                             "https://a.vn/new"]) == {"https://a.vn/full", "https://a.vn/raw"}


def test_raw_pages_are_compressed_and_recoverable(db_url: str) -> None:
    store = Store(db_url)
    body = ("<html><body>" + "Bệnh viện quá tải. " * 500 + "</body></html>").encode()
    store.save_page(RawPage(url="https://a.vn/x", source_id="s", status=200, body=body),
                        "https://a.vn/x", "utf-8", None)
    with store.session() as s:
        row = s.scalars(select(RawPageRow)).one()
    assert decompress(row.body_z) == body and len(row.body_z) < len(body) / 10 and row.size == len(body)


@pytest.mark.parametrize(("seen", "new", "error", "expected"), [
    (10, 9, None, 30.0), (10, 1, None, 90.0), (10, 4, None, 60.0), (0, 0, "http_500", 120.0)])
def test_polling_adapts_to_how_often_a_source_publishes(db_url: str, seen: int, new: int,
                                                         error: str | None, expected: float) -> None:
    store = Store(db_url)
    store.sync_sources([Source(id="s", name="S", kind="rss", urls=("https://a.vn/rss",))])
    interval = store.record_poll("s", seen=seen, new=new, error=error, min_minutes=10,
                                 max_minutes=1440, default_minutes=60)
    assert interval == expected
    with store.session() as s:
        row = s.get(SourceRow, "s")
    assert row.consecutive_failures == (1 if error else 0)
    assert row.next_poll_at > row.last_crawl_at


def test_upgrading_an_old_store_keeps_its_data(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = Store(url, migrate_schema=False)
    migrate.upgrade(old.engine, "0001")
    old.save_document(_doc("https://a.vn/kept"))
    Store(url)  # opening migrates to the newest schema
    with Store(url).session() as s:
        assert [d.url for d in s.scalars(select(DocumentRow))] == ["https://a.vn/kept"]
    assert migrate.current_revision(old.engine) == migrate.head_revision()
