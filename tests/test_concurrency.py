"""The server's day: the scheduler (crawl → process → alert), a manual crawl and an
analyst's notebook reading, all at once on one store — no lock errors, no lost
or doubled writes. Runs on SQLite and on the PostgreSQL server."""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from crawlers.demo_news import demo_sources_file, load_news, render_site
from crawlers.loopback import LoopbackSite
from pipeline.store.schema import AnalysisRow, DocumentRow
from pipeline.store.store import Store
from tests.conftest import REPO, duluan_env, run_duluan

READER = """
import time, sys
from pipeline import frames
from pipeline.store.store import Store
store, reads, end = Store(), 0, time.monotonic() + float(sys.argv[1])
while time.monotonic() < end:
    frames.documents(store); frames.daily_counts(store, by=("topic",)); reads += 1
print("reads", reads)
"""


def test_scheduler_manual_crawl_and_reader_together(db_url: str, tmp_path: Path) -> None:
    site_dir = tmp_path / "site"
    render_site(site_dir)
    config = tmp_path / "config"
    shutil.copytree(REPO / "config", config, ignore=shutil.ignore_patterns("annotations"))
    with LoopbackSite(site_dir) as site:
        sources = demo_sources_file(site.base_url, config)  # the scheduler crawls config/sources.yaml
        settings = (config / "settings.toml").read_text(encoding="utf-8")
        (config / "settings.toml").write_text(settings.replace("cycle_minutes = 30", "cycle_minutes = 0.1"),
                                              encoding="utf-8")
        env = duluan_env(db_url, tmp_path / "data", config)
        Store(db_url)  # migrate once before the crowd arrives
        scheduler = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "schedule"], env=env, cwd=REPO,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        reader = subprocess.Popen([sys.executable, "-c", READER, "40"], env=env, cwd=REPO,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(3)
        manual = run_duluan(["crawl", "--sources", str(sources), "--refresh"], env, timeout=300)
        reader_out, reader_err = reader.communicate(timeout=120)
        time.sleep(8)  # let the scheduler finish a cycle after the manual crawl
        scheduler.terminate()
        _, sched_err = scheduler.communicate(timeout=300)
    for name, stderr in (("manual crawl", manual.stderr), ("reader", reader_err), ("scheduler", sched_err)):
        assert "database is locked" not in stderr and "Traceback" not in stderr, (name, stderr[-3000:])
    assert manual.returncode == 0 and reader.returncode == 0 and scheduler.returncode == 0, sched_err[-2000:]
    assert int(reader_out.split()[-1]) > 0
    assert "duluan-cycle ok" in sched_err
    expected = len(load_news())
    store = Store(db_url)
    with store.session() as s:
        docs = s.scalar(select(func.count()).select_from(DocumentRow))
        urls = s.scalar(select(func.count(func.distinct(DocumentRow.url_canonical))))
    assert docs == urls == expected  # none lost, none twice
    process = run_duluan(["process"], env)
    assert process.returncode == 0
    assert store.count(AnalysisRow) == expected
