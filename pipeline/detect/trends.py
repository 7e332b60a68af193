"""Counts per day against a weekday-aware baseline (EARS-t, as ECDC's epitweetr).

For day ``d`` the baseline is ``n`` days ending ``guard_days`` before it (the guard
band of EARS C2, so that an outbreak's first days do not raise its own
baseline), each count scaled by the
weekday effect (fewer articles at weekends), days that were alarms themselves
down-weighted; the threshold is

    U = ȳ + t(1−α, n−1) · s · √(1 + 1/n)

and ``d`` is an alarm when its count exceeds U and reaches ``min_count`` (so
that 0→1 articles is not an alarm). Days before the store holds any data do not
count towards a baseline; with fewer than 3 such days there is no alarm.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from scipy.stats import t as student_t

from pipeline.common.options import TrendOptions

MIN_BASELINE_DAYS = 3
_PSEUDO_COUNT = 2.0  # articles; keeps weekday factors near 1 when counts are low


@dataclass
class Series:
    """A daily count series with its EARS-t baseline, oldest day first."""

    counts: list[int]
    expected: list[float]  # weighted baseline mean, weekday-adjusted (nan: no baseline)
    upper: list[float]  # EARS-t threshold U (nan: no baseline)
    alarm: list[bool]

    def ratio(self, i: int = -1) -> float | None:
        """Count over the expected count (expected floored at 0.5), None without baseline."""
        if math.isnan(self.expected[i]):
            return None
        return self.counts[i] / max(self.expected[i], 0.5)


def weekday_factors(days: list[date], totals: list[int], valid: list[bool]) -> dict[int, float]:
    """Relative volume of each weekday (1.0 = average), shrunk towards 1 when counts are low."""
    kept = [(d.weekday(), n) for d, n, ok in zip(days, totals, valid) if ok]
    if not kept:
        return {w: 1.0 for w in range(7)}
    mean = sum(n for _, n in kept) / len(kept)
    factors = {}
    for w in range(7):
        values = [n for wd, n in kept if wd == w]
        expected = len(values) * mean
        factors[w] = (sum(values) + _PSEUDO_COUNT) / (expected + _PSEUDO_COUNT) if values and mean > 0 else 1.0
    return factors


def ears_upper(values: list[float], weights: list[float], alpha: float) -> tuple[float, float]:
    """(weighted mean, EARS-t upper threshold) of a baseline."""
    n = len(values)
    total = sum(weights)
    mean = sum(v * w for v, w in zip(values, weights)) / total
    var = sum(w * (v - mean) ** 2 for v, w in zip(values, weights)) / total * n / max(n - 1, 1)
    return mean, mean + float(student_t.ppf(1 - alpha, n - 1)) * math.sqrt(var) * math.sqrt(1 + 1 / n)


def ears(counts: list[int], days: list[date], valid: list[bool], factors: dict[int, float],
         options: TrendOptions) -> Series:
    """Baseline and alarms for every day of ``counts`` (oldest first), sequentially so
    that earlier alarms are down-weighted in later baselines."""
    series = Series(counts=list(counts), expected=[], upper=[], alarm=[])
    for i, (count, day) in enumerate(zip(counts, days)):
        last = i - options.guard_days
        past = [j for j in range(max(0, last - options.baseline_days), last) if valid[j]]
        if len(past) < MIN_BASELINE_DAYS or not valid[i]:
            series.expected.append(math.nan)
            series.upper.append(math.nan)
            series.alarm.append(False)
            continue
        scaled = [counts[j] * factors[day.weekday()] / factors[days[j].weekday()] for j in past]
        weights = [options.alarm_weight if series.alarm[j] else 1.0 for j in past]
        mean, upper = ears_upper(scaled, weights, options.alpha)
        series.expected.append(mean)
        series.upper.append(upper)
        series.alarm.append(count > upper and count >= options.min_count)
    return series
