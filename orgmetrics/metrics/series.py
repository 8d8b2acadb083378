"""Weekly org series over the snapshot's lookback, for the report's trend charts.

Week k is the window `[end_k - 7 days, end_k)` with `end_k = as_of - 7k days`; only whole weeks
inside the snapshot's event data (`snapshot as_of - lookback` .. `as_of`) are listed, oldest first.
Each point is the org value of the section's own definition over that 7-day window, so a weekly
point means exactly what the dashboard's key means over W = 7.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from orgmetrics.metrics import security
from orgmetrics.metrics.base import SectionResult, Window
from orgmetrics.metrics.params import MetricParams
from orgmetrics.timeutil import to_iso

WEEK = timedelta(days=7)

# Series key -> (section, org key) of the headline metrics.
SECTION_SERIES: dict[str, tuple[str, str]] = {
    "deployments": ("dora", "deployments"),
    "change_failure_rate": ("dora", "change_failure_rate"),
    "lead_time_hours_median": ("dora", "lead_time_hours_median"),
    "throughput": ("flow", "throughput"),
    "cycle_time_median": ("flow", "cycle_time_median"),
    "ci_failure_rate": ("ci", "ci_failure_rate"),
}
KEYS: tuple[str, ...] = ("week_start", "week_end", *SECTION_SERIES, "open_vulns")

SectionCompute = Callable[[Any, Window, MetricParams], SectionResult]


def week_windows(as_of: datetime, earliest: datetime) -> list[Window]:
    """Whole 7-day windows ending at `as_of`, `as_of - 7d`, ... not starting before `earliest`."""
    count = max(0, (as_of - earliest) // WEEK)
    return [Window(as_of=as_of - k * WEEK, days=7) for k in range(count - 1, -1, -1)]


def open_vulns(
    alerts: pd.DataFrame, available_repos: list[str], moments: list[datetime]
) -> list[dict[str, int] | None]:
    """Open Dependabot alerts by severity at each moment (org, over available repos)."""
    if not available_repos:
        return [None for _ in moments]
    if alerts is None or alerts.empty:
        return [dict.fromkeys(security.SEVERITIES, 0) for _ in moments]
    dep = alerts[(alerts["source"] == "dependabot") & alerts["repo"].isin(available_repos)]
    severity = security.severities(dep["severity"])
    out: list[dict[str, int] | None] = []
    for moment in moments:
        is_open = security.open_at(dep, "dependabot", moment)
        out.append({sev: int((is_open & (severity == sev)).sum()) for sev in security.SEVERITIES})
    return out


def compute(
    frames: Any,
    as_of: datetime,
    earliest: datetime,
    params: MetricParams,
    computes: Mapping[str, SectionCompute],
) -> dict[str, Any]:
    """`{"period_days": 7, "weeks": [row, ...]}`, one row per whole week, oldest first."""
    windows = week_windows(as_of, earliest)
    needed = sorted({section for section, _ in SECTION_SERIES.values()})
    vulns = open_vulns(
        frames.alerts, frames.available_repos("dependabot"), [w.end for w in windows]
    )
    rows: list[dict[str, Any]] = []
    for window, vuln in zip(windows, vulns, strict=True):
        orgs = {section: computes[section](frames, window, params).org for section in needed}
        row: dict[str, Any] = {"week_start": to_iso(window.start), "week_end": to_iso(window.end)}
        for key, (section, org_key) in SECTION_SERIES.items():
            row[key] = orgs[section].get(org_key)
        row["open_vulns"] = vuln
        rows.append(row)
    return {"period_days": 7, "weeks": rows}
