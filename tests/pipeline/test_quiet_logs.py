"""Quiet logs: `duluan demo` writes a handful of lines to stderr (no Scrapy settings
dumps, no remote-control endpoint, no matplotlib chatter), one timed line per stage
on stdout, and log lines go above progress bars instead of through them."""
from __future__ import annotations

import io
import logging
import re

from tqdm import tqdm

from crawlers.settings import scrapy_settings
from pipeline.common.logs import AboveProgress, QuietLibraries


def test_demo_stderr_is_a_few_lines(demo: dict) -> None:
    lines = demo["stderr"].splitlines()
    assert len(lines) <= 10, demo["stderr"][-3000:]
    for chatter in ("Overridden settings", "Enabled extensions", "Remote control", "matplotlib", "Telnet"):
        assert chatter not in demo["stderr"]


def test_demo_prints_one_timed_line_per_stage(demo: dict) -> None:
    out = demo["stdout"]
    assert re.search(r"^crawl run \d+ \(\d+\.\d s\):$", out, re.M)
    assert re.search(r"^processed \d+ documents: \d+ about health, .*, in \d+\.\d s$", out, re.M)
    assert re.search(r"^digests: \d+ written \(0 without documents, 0 kept as they were\) in \d+\.\d s$", out, re.M)


def test_no_remote_control_of_a_crawl() -> None:
    settings = scrapy_settings()
    assert settings["TELNETCONSOLE_ENABLED"] is False and settings["REMOTE_CONTROL_ENABLED"] is False


def test_library_info_is_dropped_and_warnings_kept() -> None:
    keep = QuietLibraries().filter
    record = lambda name, level: logging.LogRecord(name, level, __file__, 1, "m", None, None)  # noqa: E731
    assert not keep(record("scrapy.middleware", logging.INFO))
    assert not keep(record("matplotlib.category", logging.INFO))
    assert keep(record("scrapy.core.scraper", logging.WARNING))
    assert keep(record("pipeline.report.publish", logging.INFO))
    assert keep(record("scrapyard", logging.INFO))


def test_log_line_is_written_above_a_progress_bar() -> None:
    stream = io.StringIO()
    handler = AboveProgress(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    with tqdm(total=10, file=stream, disable=False, ascii=True) as bar:
        bar.update(3)
        handler.emit(logging.LogRecord("x", logging.WARNING, __file__, 1, "Nguồn tin im lặng", None, None))
        bar.update(3)
    line = next(part for part in stream.getvalue().split("\n") if "Nguồn tin im lặng" in part)
    assert line.split("\r")[-1] == "Nguồn tin im lặng"
