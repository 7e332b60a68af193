"""Two ``duluan crawl`` workers sharing one Redis frontier and one store fetch
every article exactly once between them, miss none, and both do some of it."""
from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from crawlers.loopback import LoopbackSite
from crawlers.sitegen import generate_site
from pipeline.store.schema import CrawlRunRow, DocumentRow, RawPageRow, SourceRow
from pipeline.store.store import Store
from tests.conftest import REPO, duluan_env, run_duluan, slow_file

N = 300


def _worker(sources: Path, redis_prefix: tuple[str, str], env: dict[str, str],
            seed: bool) -> subprocess.Popen[str]:
    url, prefix = redis_prefix
    args = ["crawl", "--sources", str(sources), "--redis", url, "--redis-prefix", prefix]
    return subprocess.Popen([sys.executable, "-m", "pipeline.cli", *args, *(["--seed"] if seed else [])],
                            env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_workers_share_the_frontier(db_url: str, redis_prefix: tuple[str, str], tmp_path: Path,
                                        test_config: Path) -> None:
    site_dir = tmp_path / "site"
    paths = generate_site(site_dir, N)
    # Slow enough pages that the second worker finds work left when it first
    # looks at the shared queue (Scrapy looks again every five seconds).
    with LoopbackSite(site_dir, {p: slow_file(0.3) for p in paths}) as site:
        sources = tmp_path / "sources.yaml"
        sources.write_text(f'sources:\n  - {{id: ban-tin, name: Bản tin, kind: rss, url: "{site.base_url}/rss.xml"}}\n',
                           encoding="utf-8")
        env = duluan_env(db_url, tmp_path / "data", test_config)
        store = Store(db_url)
        workers = [_worker(sources, redis_prefix, env, seed=True), _worker(sources, redis_prefix, env, seed=False)]
        outputs = [w.communicate(timeout=240) for w in workers]
        for worker, (out, err) in zip(workers, outputs):
            assert worker.returncode == 0, err[-3000:]
            assert out.startswith("crawl run "), out
        hits = Counter(site.hits)
        base = site.base_url

    assert {p: hits[p] for p in paths} == {p: 1 for p in paths}
    assert hits["/rss.xml"] == 1, "the feed is seeded once"
    with store.session() as s:
        stored = dict(s.execute(select(DocumentRow.url_canonical, func.count())
                                .group_by(DocumentRow.url_canonical)).all())
        pages_per_run = dict(s.execute(select(RawPageRow.run_id, func.count()).group_by(RawPageRow.run_id)).all())
        runs = s.scalars(select(CrawlRunRow)).all()
        source = s.get(SourceRow, "ban-tin")
    assert stored == {f"{base}{p}": 1 for p in paths}
    assert sorted(run.status for run in runs) == ["ok", "ok"]
    assert set(pages_per_run) == {run.id for run in runs}, "both workers fetched pages"
    assert sum(pages_per_run.values()) == N
    assert sum(run.stats["totals"].get("documents_new", 0) for run in runs) == N
    # The worker that fetched the feed recorded the poll: N seen, N new.
    assert (source.seen_total, source.new_total, source.consecutive_failures) == (N, N, 0)
    assert source.next_poll_at is not None


def test_seed_without_redis_fails_with_one_line(tmp_path: Path) -> None:
    env = duluan_env(f"sqlite:///{tmp_path / 's.db'}", tmp_path / "data")
    env.pop("DULUAN_REDIS_URL", None)
    result = run_duluan(["crawl", "--seed"], env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("duluan: --seed needs --redis")
