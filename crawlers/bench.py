"""Crawl benchmark: N generated pages from a loopback server, pages/s and peak
memory of ``duluan crawl``, next to ``scrapy bench`` run in the same invocation;
with a Redis URL, also one and N workers sharing a frontier on the same site."""
from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from crawlers.loopback import LoopbackSite
from crawlers.sitegen import generate_site
from pipeline.store.schema import CrawlRunRow, DocumentRow, RawPageRow
from pipeline.store.store import Store

_BENCH_SETTINGS = """[deployment]
name = "duluan-bench"
contact = "bench@example.invalid"
province = "Quảng Ngãi"
timezone = "Asia/Ho_Chi_Minh"

[crawl]
concurrent_requests = {concurrency}
concurrent_per_domain = {concurrency}
download_timeout = 30
retry_times = 0
max_page_bytes = 10_485_760
warn_page_bytes = 2_097_152
redirect_max_times = 5
obey_robots = true
autothrottle = false
max_listing_pages = 1
default_poll_minutes = 60
min_poll_minutes = 10
max_poll_minutes = 1440
redis_idle_seconds = {idle_seconds}
"""


_IDLE_SECONDS = 5


@dataclass
class WorkersResult:
    """Figures of N workers sharing one Redis frontier and one store."""

    workers: int
    stored: int
    seconds: float
    span_seconds: float
    pages_per_worker: list[int]

    def report(self, pages: int) -> str:
        """One line: wall time (start to the last worker's exit) and the span
        from the first to the last page stored (without the idle wait at the end)."""
        share = " + ".join(str(n) for n in self.pages_per_worker)
        return (f"{self.workers} worker(s) via Redis: {self.stored}/{pages} pages stored in {self.seconds:.1f} s wall "
                f"= {self.stored / self.seconds:.1f} pages/s; {self.span_seconds:.1f} s first to last page = "
                f"{self.stored / max(self.span_seconds, 1e-9):.1f} pages/s; pages per worker {share}")


@dataclass
class BenchResult:
    """Figures of one benchmark run."""

    pages: int
    stored: int
    seconds: float
    peak_rss_mb: float
    scrapy_bench_pages_per_min: float | None
    shared: list[WorkersResult] = field(default_factory=list)

    def report(self) -> str:
        """Human-readable lines."""
        lines = [f"duluan crawl: {self.stored}/{self.pages} pages stored in {self.seconds:.1f} s = "
                 f"{self.stored / self.seconds:.1f} pages/s, peak memory {self.peak_rss_mb:.0f} MiB"]
        lines += [result.report(self.pages) for result in self.shared]
        if self.scrapy_bench_pages_per_min is not None:
            lines.append(f"scrapy bench (same machine, same invocation): "
                         f"{self.scrapy_bench_pages_per_min / 60:.1f} pages/s "
                         f"({self.scrapy_bench_pages_per_min:.0f} pages/min)")
        return "\n".join(lines)


def _scrapy_bench(seconds: int) -> float | None:
    """Run ``scrapy bench`` and return its best pages/min (it crawls its own loopback site)."""
    out = subprocess.run([sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}",
                          "-s", "LOG_LEVEL=INFO"], capture_output=True, text=True, cwd=tempfile.gettempdir(),
                         timeout=seconds + 120)
    rates = [float(m) for m in re.findall(r"Crawled \d+ pages \(at (\d+) pages/min\)", out.stderr)]
    return max(rates) if rates else None


def _crawl_command(sources: Path, redis_url: str | None, prefix: str, seed: bool) -> list[str]:
    args = [sys.executable, "-m", "pipeline.cli", "crawl", "--sources", str(sources)]
    if redis_url:
        args += ["--redis", redis_url, "--redis-prefix", prefix, *(["--seed"] if seed else [])]
    return args


def _crawl(root: Path, sources: Path, name: str, workers: int = 1,
           redis_url: str | None = None) -> tuple[str, float]:
    """Run ``workers`` crawl processes at once on a fresh SQLite store; its URL and the wall time."""
    db_url = f"sqlite:///{root / name}.db"
    env = dict(os.environ, DULUAN_CONFIG_DIR=str(root / "config"), DULUAN_DATA_DIR=str(root / "data"),
               DULUAN_DB_URL=db_url)
    Store(db_url)  # the schema, before the workers start
    prefix = f"duluan-bench-{uuid.uuid4().hex[:8]}"
    start = time.perf_counter()
    procs = [subprocess.Popen(_crawl_command(sources, redis_url, prefix, seed=k == 0), env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for k in range(workers)]
    for proc in procs:
        _, err = proc.communicate()
        if proc.returncode:
            raise RuntimeError(f"crawl worker failed: {err.decode(errors='replace')[-2000:]}")
    seconds = time.perf_counter() - start
    if redis_url:
        from crawlers.frontier import SharedFrontier  # the optional ``scale`` extra

        SharedFrontier(redis_url, prefix).clear()
    return db_url, seconds


def _workers_result(db_url: str, seconds: float, workers: int) -> WorkersResult:
    with Store(db_url).session() as s:
        per_run = dict(s.execute(select(RawPageRow.run_id, func.count()).group_by(RawPageRow.run_id)).all())
        first, last = s.execute(select(func.min(RawPageRow.fetched_at), func.max(RawPageRow.fetched_at))).one()
        run_ids = s.scalars(select(CrawlRunRow.id).order_by(CrawlRunRow.id)).all()
    return WorkersResult(workers=workers, stored=Store(db_url).count(DocumentRow), seconds=seconds,
                         span_seconds=(last - first).total_seconds(),
                         pages_per_worker=[per_run.get(run_id, 0) for run_id in run_ids])


def run_bench(pages: int, concurrency: int = 16, scrapy_seconds: int = 10, workers: int = 1,
              redis_url: str | None = None) -> BenchResult:
    """Generate ``pages`` articles, crawl them into a fresh SQLite store, time it;
    with ``redis_url``, crawl them again with one and with ``workers`` workers."""
    with tempfile.TemporaryDirectory(prefix="duluan-bench-") as tmp:
        root = Path(tmp)
        generate_site(root / "site", pages)
        (root / "config").mkdir()
        (root / "config" / "settings.toml").write_text(
            _BENCH_SETTINGS.format(concurrency=concurrency, idle_seconds=_IDLE_SECONDS), encoding="utf-8")
        with LoopbackSite(root / "site") as site:
            sources = root / "sources.yaml"
            sources.write_text(f'sources:\n  - {{id: bench, name: Bench, kind: rss, url: "{site.base_url}/rss.xml"}}\n',
                               encoding="utf-8")
            db_url, seconds = _crawl(root, sources, "bench")
            peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            shared = [_workers_result(*_crawl(root, sources, f"workers-{n}", n, redis_url), n)
                      for n in sorted({1, workers})] if redis_url else []
        stored = Store(db_url).count(DocumentRow)
    return BenchResult(pages=pages, stored=stored, seconds=seconds, peak_rss_mb=peak_kb / 1024,
                       scrapy_bench_pages_per_min=_scrapy_bench(scrapy_seconds) if scrapy_seconds else None,
                       shared=shared)
