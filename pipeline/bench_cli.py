"""``duluan bench cli``: how long the command line takes to answer — ``--help``, an
argument error, and a cold ``classify`` of one line (each a fresh process, median of N):
wall-clock seconds, and the CPU seconds of the process, which depend less on what
else the machine is doing."""
from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

DULUAN = [sys.executable, "-m", "pipeline.cli"]
ONE_LINE = '{"id": 1, "title": "Hơn 40 học sinh nhập viện", "text": "sau bữa trưa bán trú ở Quảng Ngãi"}\n'


@dataclass(frozen=True)
class CliTimes:
    """Median (wall-clock, CPU) seconds of each case."""

    help: tuple[float, float]
    usage_error: tuple[float, float]
    classify_cold: tuple[float, float]
    runs: int

    def report(self) -> str:
        """The figures, one per line."""
        cases = (("duluan --help", self.help), ("duluan digest --no-such-option (argument error)", self.usage_error),
                 ("duluan classify, one line, cold start", self.classify_cold))
        return "\n".join(f"{name}: {wall:.2f} s ({cpu:.2f} s CPU), median of {self.runs}"
                         for name, (wall, cpu) in cases)


def _seconds(args: list[str], stdin: str = "", expect: int = 0) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(DULUAN + args, input=stdin, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != expect:
        raise RuntimeError(f"`duluan {' '.join(args)}` exited with {done.returncode}: {done.stderr.strip()[-300:]}")
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run_cli_bench(runs: int = 5) -> CliTimes:
    """Time each case ``runs`` times in new processes."""
    def median(args: list[str], stdin: str = "", expect: int = 0) -> tuple[float, float]:
        times = [_seconds(args, stdin, expect) for _ in range(runs)]
        return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)

    return CliTimes(help=median(["--help"]), usage_error=median(["digest", "--no-such-option"], expect=2),
                    classify_cold=median(["classify"], ONE_LINE), runs=runs)
