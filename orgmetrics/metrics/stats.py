"""Shared numeric helpers of the metric modules: null-aware averages, rounding, windows.

Contract rules implemented here (spec "Null, zero and availability", "Time"):
- averages and medians ignore null (None / NaN / NaT) ONLY — a real 0 is a value and counts
  (the seed's `safe_avg` dropped zeros; we do not);
- no values -> None (unknown), never a placeholder number;
- durations in hours rounded to 1 decimal, rates (fractions in [0, 1]) to 4 decimals;
  rounding is half-up on the value's shortest decimal form, so 2.25 h -> 2.3 h
  (Python's `round` would give 2.2 through binary representation);
- an event is in the window when `start <= t < end`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from orgmetrics.metrics.base import Window

HOURS_DECIMALS = 1
RATE_DECIMALS = 4
MINUTES_DECIMALS = 1
PER_WEEK_DECIMALS = 4


def is_null(value: object) -> bool:
    """True for None, NaN and NaT (the only values averages skip)."""
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(float(value))
    return False


def _clean(values: Iterable[Any]) -> list[float]:
    """The non-null values as floats (zeros kept)."""
    return [float(v) for v in values if not is_null(v)]


def median(values: Iterable[Any]) -> float | None:
    """Median ignoring nulls only (0 counts); None when nothing is left."""
    clean = _clean(values)
    if not clean:
        return None
    return float(np.median(np.asarray(clean, dtype=float)))


def mean(values: Iterable[Any]) -> float | None:
    """Arithmetic mean ignoring nulls only (0 counts); None when nothing is left."""
    clean = _clean(values)
    if not clean:
        return None
    return math.fsum(clean) / len(clean)


def round_half_up(value: float | None, decimals: int) -> float | None:
    """Round half-up on the shortest decimal form of `value`; None and NaN stay None."""
    if value is None or is_null(value):
        return None
    quantum = Decimal(1).scaleb(-decimals)
    rounded = float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))
    return rounded + 0.0  # normalise -0.0 to 0.0


def round_hours(value: float | None) -> float | None:
    """A duration in hours, 1 decimal (contract "Time")."""
    return round_half_up(value, HOURS_DECIMALS)


def round_minutes(value: float | None) -> float | None:
    """A duration in minutes, 1 decimal."""
    return round_half_up(value, MINUTES_DECIMALS)


def round_rate(value: float | None) -> float | None:
    """A fraction in [0, 1], 4 decimals (contract "Time")."""
    return round_half_up(value, RATE_DECIMALS)


def ratio(numerator: int | float | None, denominator: int | float | None) -> float | None:
    """`numerator / denominator` rounded as a rate; None when either is unknown or den is 0."""
    if numerator is None or denominator is None or is_null(numerator) or is_null(denominator):
        return None
    if denominator == 0:
        return None
    return round_rate(float(numerator) / float(denominator))


def per_week(count: int | None, window_days: int) -> float | None:
    """`count / (W / 7)` (deployment frequency), 4 decimals; None when count is unknown."""
    if count is None:
        return None
    return round_half_up(count / (window_days / 7.0), PER_WEEK_DECIMALS)


def timestamp(moment: datetime) -> pd.Timestamp:
    """An aware datetime as a UTC pandas Timestamp (for comparisons with frame columns)."""
    stamp = pd.Timestamp(moment)
    if stamp.tzinfo is None:
        raise ValueError("naive datetime: every timestamp in orgmetrics is timezone-aware UTC")
    return stamp.tz_convert("UTC")


def in_window(times: pd.Series, window: Window) -> pd.Series:
    """Boolean mask `start <= t < end` (NaT is never in the window)."""
    start, end = timestamp(window.start), timestamp(window.end)
    return (times >= start) & (times < end)


def hours_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """`end - start` in hours as float (NaN where either side is NaT)."""
    delta: pd.Series = end - start
    return delta.dt.total_seconds() / 3600.0


def minutes_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """`end - start` in minutes as float (NaN where either side is NaT)."""
    delta: pd.Series = end - start
    return delta.dt.total_seconds() / 60.0


def as_int(value: Any) -> int | None:
    """A count as a Python int, None for null."""
    return None if is_null(value) else int(value)


def group_count(frame: pd.DataFrame, by: str = "repo") -> dict[str, int]:
    """Rows per group (groups without rows are absent: callers default to 0)."""
    if frame.empty:
        return {}
    return {str(k): int(v) for k, v in frame[by].value_counts(sort=False).items()}


def group_sum(frame: pd.DataFrame, column: str, by: str = "repo") -> dict[str, int]:
    """Integer sum of a (boolean or count) column per group."""
    if frame.empty:
        return {}
    sums = frame.groupby(by, sort=False, observed=True)[column].sum()
    return {str(k): int(v) for k, v in sums.items()}


def group_median(frame: pd.DataFrame, column: str, by: str = "repo") -> dict[str, float]:
    """Median of a column per group, nulls skipped (0 counts); all-null groups are absent."""
    clean = frame.loc[frame[column].notna(), [by, column]] if not frame.empty else frame
    if clean.empty:
        return {}
    medians = clean.groupby(by, sort=False, observed=True)[column].median()
    return {str(k): float(v) for k, v in medians.items()}


def group_mean(frame: pd.DataFrame, column: str, by: str = "repo") -> dict[str, float]:
    """Mean of a column per group, nulls skipped (0 counts); all-null groups are absent."""
    clean = frame.loc[frame[column].notna(), [by, column]] if not frame.empty else frame
    if clean.empty:
        return {}
    means = clean.groupby(by, sort=False, observed=True)[column].mean()
    return {str(k): float(v) for k, v in means.items()}
