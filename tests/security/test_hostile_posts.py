"""Hostile post exports and forum pages, crawled end to end: rows fail loudly and
alone, URLs and titles are clean, and nothing personal reaches the store."""
from __future__ import annotations

import json
import unicodedata
import zlib
from pathlib import Path

from sqlalchemy import select

from pipeline.store.schema import Base, DocumentRow, ProblemRow, RawPageRow, SourceRow
from pipeline.store.store import Store
from tests.conftest import duluan_env, run_duluan
from tests.security.conftest import HOSTILE

_TONES = "\u0300\u0301\u0303\u0309\u0323"
# Personal values of the fixture export and forum page: none may be stored anywhere.
PERSONAL = ("100009876543210", "Trần Văn Bảo Mật", "tran.van.baomat", "0905123456", "baomat.tran@example.vn",
            "avatar-baomat", "100001112223334", "Phạm Thị Lừa Đảo", "0911000111", "luadao@example.vn",
            "zalo-55667788", "Ngô Riêng Tư", "ngo.riengtu", "0987654321",
            "Lê Thị Riêng Tư", "u-778899", "Đỗ Văn Ẩn Danh", "u-990011")


def store_text(store: Store) -> str:
    """Every value of every table as text; compressed blobs decompressed."""
    parts: list[str] = []
    with store.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        raw = bytes(value)
                        try:
                            raw = zlib.decompress(raw)
                        except zlib.error:
                            pass
                        parts.append(raw.decode("utf-8", "replace"))
                    elif isinstance(value, dict | list):
                        parts.append(json.dumps(value, ensure_ascii=False))
                    elif value is not None:
                        parts.append(str(value))
    return "\n".join(parts)


def crawl(sources: Path, db_url: str, tmp_path: Path, config: Path) -> str:
    result = run_duluan(["crawl", "--sources", str(sources)], duluan_env(db_url, tmp_path / "data", config))
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_posts_keep_nothing_personal_no_script_links_and_one_line_titles(hostile, db_url, tmp_path, test_config):
    sources = tmp_path / "sources.yaml"
    sources.write_text((HOSTILE / "sources-posts.yaml").read_text(encoding="utf-8")
                       .replace("{{EXPORTS}}", str(HOSTILE / "exports")).replace("{{BASE}}", hostile.site.base_url),
                       encoding="utf-8")
    crawl(sources, db_url, tmp_path, test_config)
    store = Store(db_url)
    with store.session() as s:
        docs = {d.url: d for d in s.scalars(select(DocumentRow))}
        problems = list(s.scalars(select(ProblemRow)))
        assert s.scalars(select(RawPageRow)).all() == []  # export and forum bytes are never kept

    text = store_text(store)
    assert [value for value in PERSONAL if value in text] == []
    # What may be kept is kept: text, a one-line title, engagement, the salted author hash.
    first = docs["https://www.facebook.com/groups/suckhoeqn/posts/5001"]
    assert first.title == "Hỏi về phun thuốc muỗi" and first.extra["reactions"] == 120
    assert len(first.extra["author_hash"]) == 32
    forum = docs[f"{hostile.site.base_url}/dien-dan/bai-1"]
    assert forum.title == "Trạm y tế xã hết thuốc huyết áp" and forum.extra["author_hash"]
    assert all("\n" not in d.title and "\r" not in d.title for d in docs.values())
    # javascript: permalinks (export and forum) are dropped, each with a problem.
    assert not any(url.startswith("javascript") for url in docs)
    rejected = [p for p in problems if p.reason == "post_rejected"]
    assert len(rejected) == 2 and all("not an absolute http(s) URL" in p.detail for p in rejected)
    assert {p.source_id for p in rejected} == {"tep-ca-nhan", "dien-dan-rieng-tu"}
    assert all(p.body_z is None for p in problems)


def cp1258(text: str) -> bytes:
    """Text as Windows tools write windows-1258: letters precomposed, tone marks combining."""
    out = []
    for ch in text:
        marks = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in marks[1:] if m in _TONES)
        out.append(unicodedata.normalize("NFC", "".join(m for m in marks if m not in _TONES)) + tones)
    return "".join(out).encode("cp1258")


def _write_hostile_exports(folder: Path, cell_chars: int) -> None:
    good = [{"url": f"https://www.facebook.com/groups/qn/posts/{n}", "text": f"Bài tốt số {n} về tiêm chủng sởi",
             "posted_at": "2026-11-23T07:00:00+07:00"} for n in range(3)]
    deep = '{"text": "sâu", "x": ' + "[" * 10_000 + "]" * 10_000 + "}"
    (folder / "sau.json").write_text("[" + ",".join([json.dumps(good[0]), deep, json.dumps(good[1])]) + "]")
    with (folder / "o-lon.csv").open("w", encoding="utf-8") as fh:
        fh.write("url,text\nhttps://zalo.me/g/qn/1,Ô nhỏ đầu tiên về ngộ độc\n")
        fh.write("https://zalo.me/g/qn/2," + "x" * cell_chars + "\n")
        fh.write("https://zalo.me/g/qn/3,Ô nhỏ cuối cùng về ngộ độc\n")
    with (folder / "dai.jsonl").open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"url": "https://tiktok.com/@qn/video/1", "text": "dài " + "y" * cell_chars}) + "\n")
        fh.write(json.dumps({"url": "https://tiktok.com/@qn/video/2", "text": "có\u0000 NUL",
                             "title": "Tiêu đề\u0000 có NUL"}) + "\n")
    (folder / "tron.csv").write_bytes(
        "url,text\nhttps://a.vn/1,Sốt xuất huyết tăng ở phường Cẩm Thành\n".encode()
        + cp1258("https://a.vn/2,Bệnh viện quá tải\n")
        + "https://a.vn/3,Tiêm chủng sởi cho trẻ em\n".encode())


def _sources(folder: Path) -> Path:
    entries = [("sau", "sau.json"), ("o-lon", "o-lon.csv"), ("dai", "dai.jsonl"), ("tron", "tron.csv")]
    path = folder / "sources.yaml"
    path.write_text("sources:\n" + "".join(
        f"  - {{id: {sid}, name: Tệp {sid}, kind: posts, url: '{folder / name}'}}\n" for sid, name in entries),
        encoding="utf-8")
    return path


def test_hostile_exports_fail_loudly_per_row_and_keep_good_rows(db_url, tmp_path, test_config):
    folder = tmp_path / "exports"
    folder.mkdir()
    _write_hostile_exports(folder, cell_chars=2_000_000)
    crawl(_sources(folder), db_url, tmp_path, test_config)
    store = Store(db_url)
    with store.session() as s:
        docs = {d.url: d for d in s.scalars(select(DocumentRow))}
        problems = {(p.source_id, p.reason): p for p in s.scalars(select(ProblemRow))}
        health = {r.id: r for r in s.scalars(select(SourceRow))}
    # JSON nested 10,000 deep: that item is an error, the items around it are kept.
    assert {"https://www.facebook.com/groups/qn/posts/0", "https://www.facebook.com/groups/qn/posts/1"} <= set(docs)
    assert "row 2: JSON nested too deeply" in problems[("sau", "export_error")].detail
    # A CSV cell over the limit: that row is an error, the rows around it are kept.
    assert {"https://zalo.me/g/qn/1", "https://zalo.me/g/qn/3"} <= set(docs) and "https://zalo.me/g/qn/2" not in docs
    assert "field larger than field limit" in problems[("o-lon", "export_error")].detail
    assert health["sau"].consecutive_failures == 1 and "export_error" in health["sau"].last_error
    assert health["o-lon"].consecutive_failures == 1
    # A huge JSON-lines cell is cut to [crawl] max_post_chars, with a problem.
    assert len(docs["https://tiktok.com/@qn/video/1"].text) == 20_000
    assert "cut to 20000 of 2000004" in problems[("dai", "post_truncated")].detail
    # NUL is stripped, so SQLite and PostgreSQL store the same row.
    nul = docs["https://tiktok.com/@qn/video/2"]
    assert (nul.text, nul.title) == ("có NUL", "Tiêu đề có NUL")
    # UTF-8 rows stay UTF-8 beside a cp1258 row, which is read as cp1258 and named.
    assert docs["https://a.vn/1"].text == "Sốt xuất huyết tăng ở phường Cẩm Thành"
    assert docs["https://a.vn/2"].text == "Bệnh viện quá tải"
    assert docs["https://a.vn/3"].text == "Tiêm chủng sởi cho trẻ em"
    assert problems[("tron", "mixed_encoding")].detail == "1 line(s) not in utf-8, read as cp1258: 3"
    assert health["tron"].consecutive_failures == 0 and health["dai"].consecutive_failures == 0
