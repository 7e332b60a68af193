"""A crawl killed with SIGKILL and run again loses nothing and duplicates nothing."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from crawlers.loopback import LoopbackSite
from crawlers.sitegen import generate_site
from pipeline.store.schema import DocumentRow
from pipeline.store.store import Store
from tests.conftest import REPO, duluan_env, run_duluan, slow_file

N = 60


def test_sigkill_then_rerun_loses_and_duplicates_nothing(db_url: str, tmp_path: Path, test_config: Path) -> None:
    site_dir = tmp_path / "site"
    paths = generate_site(site_dir, N)
    routes = {p: slow_file(0.4) for p in paths}
    with LoopbackSite(site_dir, routes) as site:
        sources = tmp_path / "sources.yaml"
        sources.write_text(f'sources:\n  - {{id: ban-tin, name: Bản tin, kind: rss, url: "{site.base_url}/rss.xml"}}\n',
                           encoding="utf-8")
        env = duluan_env(db_url, tmp_path / "data", test_config)
        proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "crawl", "--sources", str(sources)],
                                env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        store = Store(db_url)
        deadline = time.monotonic() + 60
        while store.count(DocumentRow) < 10 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        before = store.count(DocumentRow)
        assert 10 <= before < N, "the crawl must be killed midway"

        result = run_duluan(["crawl", "--sources", str(sources)], env)
        assert result.returncode == 0, result.stderr[-2000:]
        with store.session() as s:
            stored = dict(s.execute(select(DocumentRow.url_canonical, func.count())
                                    .group_by(DocumentRow.url_canonical)).all())
            titles = set(s.scalars(select(DocumentRow.title)))
        assert len(stored) == N and set(stored.values()) == {1}
        assert {f"{site.base_url}{p}" for p in paths} == set(stored)
        assert len(titles) == N
        # Pages stored before the kill were not fetched again.
        refetched = [p for p in paths if site.hits.count(p) > 1]
        assert len(refetched) <= N - before
