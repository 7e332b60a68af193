"""``duluan bench cli``: how long the command line takes to answer — ``--help``, an
argument error, and a cold ``classify`` of one line (each a fresh process, median of N)."""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

DULUAN = [sys.executable, "-m", "pipeline.cli"]
ONE_LINE = '{"id": 1, "title": "Hơn 40 học sinh nhập viện", "text": "sau bữa trưa bán trú ở Quảng Ngãi"}\n'


@dataclass(frozen=True)
class CliTimes:
    """Median wall-clock seconds of each case."""

    help: float
    usage_error: float
    classify_cold: float
    runs: int

    def report(self) -> str:
        """The figures, one per line."""
        return (f"duluan --help: {self.help:.2f} s (median of {self.runs})\n"
                f"duluan digest --no-such-option (argument error): {self.usage_error:.2f} s\n"
                f"duluan classify, one line, cold start: {self.classify_cold:.2f} s")


def _seconds(args: list[str], stdin: str = "", expect: int = 0) -> float:
    started = time.perf_counter()
    done = subprocess.run(DULUAN + args, input=stdin, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != expect:
        raise RuntimeError(f"`duluan {' '.join(args)}` exited with {done.returncode}: {done.stderr.strip()[-300:]}")
    return seconds


def run_cli_bench(runs: int = 5) -> CliTimes:
    """Time each case ``runs`` times in new processes."""
    def median(args: list[str], stdin: str = "", expect: int = 0) -> float:
        return statistics.median(_seconds(args, stdin, expect) for _ in range(runs))

    return CliTimes(help=median(["--help"]), usage_error=median(["digest", "--no-such-option"], expect=2),
                    classify_cold=median(["classify"], ONE_LINE), runs=runs)
