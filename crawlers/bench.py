"""Crawl benchmark: N generated pages from a loopback server, pages/s and peak
memory of ``duluan crawl``, next to ``scrapy bench`` run in the same invocation."""
from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from crawlers.loopback import LoopbackSite
from crawlers.sitegen import generate_site

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
"""


@dataclass
class BenchResult:
    """Figures of one benchmark run."""

    pages: int
    stored: int
    seconds: float
    peak_rss_mb: float
    scrapy_bench_pages_per_min: float | None

    def report(self) -> str:
        """Human-readable lines."""
        lines = [f"duluan crawl: {self.stored}/{self.pages} pages stored in {self.seconds:.1f} s = "
                 f"{self.stored / self.seconds:.1f} pages/s, peak memory {self.peak_rss_mb:.0f} MiB"]
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


def run_bench(pages: int, concurrency: int = 16, scrapy_seconds: int = 10) -> BenchResult:
    """Generate ``pages`` articles, crawl them into a fresh SQLite store, time it."""
    with tempfile.TemporaryDirectory(prefix="duluan-bench-") as tmp:
        root = Path(tmp)
        generate_site(root / "site", pages)
        (root / "config").mkdir()
        (root / "config" / "settings.toml").write_text(_BENCH_SETTINGS.format(concurrency=concurrency),
                                                       encoding="utf-8")
        with LoopbackSite(root / "site") as site:
            sources = root / "sources.yaml"
            sources.write_text(f'sources:\n  - {{id: bench, name: Bench, kind: rss, url: "{site.base_url}/rss.xml"}}\n',
                               encoding="utf-8")
            db = root / "bench.db"
            env = dict(os.environ, DULUAN_CONFIG_DIR=str(root / "config"), DULUAN_DATA_DIR=str(root / "data"),
                       DULUAN_DB_URL=f"sqlite:///{db}")
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "pipeline.cli", "crawl", "--sources", str(sources)],
                           env=env, check=True, capture_output=True)
            seconds = time.perf_counter() - start
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        from pipeline.schema import DocumentRow
        from pipeline.store import Store
        stored = Store(f"sqlite:///{db}").count(DocumentRow)
    return BenchResult(pages=pages, stored=stored, seconds=seconds, peak_rss_mb=peak_kb / 1024,
                       scrapy_bench_pages_per_min=_scrapy_bench(scrapy_seconds) if scrapy_seconds else None)
