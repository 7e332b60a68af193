"""``duluan crawl`` then ``duluan process`` on every hostile fixture at full size:
both finish, each under 1 GB of memory, and the huge cells never reach the store whole."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from pipeline.store.schema import DocumentRow, ProblemRow
from pipeline.store.store import Store
from tests.conftest import REPO, duluan_env

GIB = 1024 ** 3


def run_measured(args: list[str], env: dict[str, str], folder: Path) -> tuple[int, int, str]:
    """(exit code, peak resident memory in bytes, stderr tail) of one ``duluan`` process."""
    out, err = folder / f"{args[0]}.out", folder / f"{args[0]}.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", *args], env=env, cwd=REPO,
                                stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss * 1024, err.read_text(encoding="utf-8", errors="replace")[-3000:]


def _write_big_exports(folder: Path) -> Path:
    row = {"url": "https://www.facebook.com/groups/qn/posts/1", "text": "Bài tốt về tiêm chủng sởi cho trẻ"}
    (folder / "sau.json").write_text("[" + json.dumps(row) + ',{"x": ' + "[" * 10_000 + "]" * 10_000 + "}]")
    with (folder / "o-50mb.csv").open("w", encoding="utf-8") as fh:  # a 50 MB cell, the file under the cap
        fh.write("url,text\nhttps://zalo.me/g/qn/1,Ô nhỏ về ngộ độc\nhttps://zalo.me/g/qn/2,")
        fh.write("x" * 50_000_000 + "\nhttps://zalo.me/g/qn/3,Ô nhỏ cuối về ngộ độc\n")
    with (folder / "dong-40mb.jsonl").open("w", encoding="utf-8") as fh:  # a 40 MB cell: read, cut
        fh.write(json.dumps({"url": "https://tiktok.com/@qn/video/1", "text": "Sốt xuất huyết " + "y" * 40_000_000}))
        fh.write("\n" + json.dumps({"url": "https://tiktok.com/@qn/video/2", "text": "Bệnh viện quá tải"}) + "\n")
    with (folder / "dong-54mb.jsonl").open("w", encoding="utf-8") as fh:  # a 54 MB file: over the cap, refused
        fh.write(json.dumps({"url": "https://tiktok.com/@qn/video/3", "text": "z" * 54_000_000}) + "\n")
    names = ("sau.json", "o-50mb.csv", "dong-40mb.jsonl", "dong-54mb.jsonl")
    sources = folder / "sources.yaml"
    sources.write_text("sources:\n" + "".join(
        f"  - {{id: tep-{n}, name: Tệp {name}, kind: posts, url: '{folder / name}'}}\n"
        for n, name in enumerate(names)), encoding="utf-8")
    return sources


def test_crawl_and_process_of_hostile_fixtures_stay_under_1_gb(hostile, tmp_path, test_config):
    folder = tmp_path / "exports"
    folder.mkdir()
    sources = _write_big_exports(folder)
    with sources.open("a", encoding="utf-8") as fh:  # and the hostile site, minus its header line
        fh.write(hostile.sources_file(tmp_path).read_text(encoding="utf-8").split("\n", 1)[1])
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    env = duluan_env(db_url, tmp_path / "data", test_config)

    code, peak, err = run_measured(["crawl", "--sources", str(sources)], env, tmp_path)
    assert code == 0, err
    assert peak < GIB, f"crawl peaked at {peak / 2**20:.0f} MiB"
    store = Store(db_url)
    with store.session() as s:
        longest = s.scalar(select(func.max(func.length(DocumentRow.text))))
        reasons = {(p.source_id, p.reason) for p in s.scalars(select(ProblemRow))}
        urls = set(s.scalars(select(DocumentRow.url)))
    assert longest <= 20_000
    assert {("tep-0", "export_error"), ("tep-1", "export_error"), ("tep-2", "post_truncated"),
            ("tep-3", "export_too_large")} <= reasons
    assert {"https://zalo.me/g/qn/1", "https://zalo.me/g/qn/3", "https://tiktok.com/@qn/video/2"} <= urls
    assert hostile.internal.hits == []

    code, peak, err = run_measured(["process"], env, tmp_path)
    assert code == 0, err
    assert peak < GIB, f"process peaked at {peak / 2**20:.0f} MiB"
