"""Weekly org series over the snapshot's lookback, for the report's trend charts.

Week k is the window `[end_k - 7 days, end_k)` with `end_k = as_of - 7k days`; only whole weeks
inside the snapshot's event data (`snapshot as_of - lookback` .. `as_of`) are listed, oldest first.
Each point is the org value of the section key over that week, pooled as the section pools it,
from the sections' own event helpers computed once up to `as_of` (so a deployment late in a week
that an incident followed early the next week counts as failed, as it does at `as_of`). The last
week equals the sections computed with W = 7.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

import pandas as pd

from orgmetrics.metrics import ci, dora, flow, security, stats
from orgmetrics.metrics.base import Window
from orgmetrics.metrics.frames import Frames
from orgmetrics.metrics.params import MetricParams
from orgmetrics.timeutil import to_iso

WEEK = timedelta(days=7)

KEYS: tuple[str, ...] = (
    "week_start",
    "week_end",
    "deployments",
    "change_failure_rate",
    "lead_time_hours_median",
    "throughput",
    "cycle_time_median",
    "ci_failure_rate",
    "open_vulns",
)


def week_windows(as_of: datetime, earliest: datetime) -> list[Window]:
    """Whole 7-day windows ending at `as_of`, `as_of - 7d`, ... not starting before `earliest`."""
    count = max(0, (as_of - earliest) // WEEK)
    return [Window(as_of=as_of - k * WEEK, days=7) for k in range(count - 1, -1, -1)]


def split_by_week(frame: pd.DataFrame, column: str, windows: list[Window]) -> list[pd.DataFrame]:
    """The rows of `frame` whose `column` lies in each (contiguous) week, in one grouping pass."""
    empty = frame.iloc[0:0]
    if not windows or frame.empty:
        return [empty for _ in windows]
    offset = (frame[column] - stats.timestamp(windows[0].start)) // WEEK  # exact integer weeks
    groups: dict[int, pd.DataFrame] = {}
    for key, group in frame.groupby(offset, sort=False):  # NaT rows (NaN offset) are dropped
        week = int(cast(float, key))
        if week >= 0:
            groups[week] = group
    return [groups.get(i, empty) for i in range(len(windows))]


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
    created = pd.to_datetime(dep["created_at"], utc=True)
    ended = security.closed_at(dep, "dependabot")
    out: list[dict[str, int] | None] = []
    for moment in moments:
        t = stats.timestamp(moment)
        is_open = (created <= t) & ~(ended <= t)  # security.open_at, lifecycle columns reused
        out.append({sev: int((is_open & (severity == sev)).sum()) for sev in security.SEVERITIES})
    return out


def _dora_weeks(
    frames: Frames, params: MetricParams, as_of: datetime, windows: list[Window]
) -> list[dict[str, Any]]:
    """deployments, change failure rate and lead time median per week (org, pooled)."""
    sources = dora.deployment_sources(frames, params, as_of)
    events = dora.deployment_events(frames, params, as_of, sources)
    incidents = dora.incident_issues(frames, params, as_of)
    attributed = dora.failure_attribution(events, incidents, params)
    leads = dora.lead_times(frames, params, as_of, events)
    sourced = {r for r, s in sources.items() if s is not None}
    with_incidents = sourced & set(frames.available_repos("incidents"))
    prs_known = bool(sourced & set(frames.available_repos("pull_requests")))
    cfr_events = attributed.loc[attributed["repo"].isin(with_incidents)]
    weeks = zip(
        split_by_week(attributed, "at", windows),
        split_by_week(cfr_events, "at", windows),
        split_by_week(leads, "deployed_at", windows),
        strict=True,
    )
    rows: list[dict[str, Any]] = []
    for ev, cfr, lead in weeks:
        ok = cfr.loc[~cfr["failed"]]
        bad = int(cfr["failed"].sum()) + int(ok["incident_followed"].sum())
        rows.append(
            {
                "deployments": int((~ev["failed"]).sum()) if sourced else None,
                "change_failure_rate": stats.ratio(bad, len(cfr)) if with_incidents else None,
                "lead_time_hours_median": stats.round_hours(stats.median(lead["lead_hours"]))
                if prs_known and sourced
                else None,
            }
        )
    return rows


def _flow_ci_weeks(
    frames: Frames, params: MetricParams, windows: list[Window]
) -> list[dict[str, Any]]:
    """throughput, cycle time median and CI failure rate per week (org, pooled)."""
    prs_known = bool(frames.available_repos("pull_requests"))
    weeks = zip(
        split_by_week(flow.merged_prs(frames, params), "merged_at", windows),
        split_by_week(ci.counted_runs(frames), "created_at", windows),
        strict=True,
    )
    rows: list[dict[str, Any]] = []
    for week_prs, week_runs in weeks:
        rows.append(
            {
                "throughput": len(week_prs) if prs_known else None,
                "cycle_time_median": stats.round_hours(stats.median(week_prs["cycle_hours"]))
                if prs_known
                else None,
                "ci_failure_rate": stats.ratio(int(week_runs["failed"].sum()), len(week_runs)),
            }
        )
    return rows


def compute(
    frames: Frames, as_of: datetime, earliest: datetime, params: MetricParams
) -> dict[str, Any]:
    """`{"period_days": 7, "weeks": [row, ...]}`, one row per whole week, oldest first."""
    windows = week_windows(as_of, earliest)
    vulns = open_vulns(
        security.alerts_with_snapshot_as_of(frames),
        frames.available_repos("dependabot"),
        [w.end for w in windows],
    )
    dora_rows = _dora_weeks(frames, params, as_of, windows)
    flow_rows = _flow_ci_weeks(frames, params, windows)
    rows: list[dict[str, Any]] = []
    for window, vuln, d_row, f_row in zip(windows, vulns, dora_rows, flow_rows, strict=True):
        rows.append(
            {
                "week_start": to_iso(window.start),
                "week_end": to_iso(window.end),
                **d_row,
                **f_row,
                "open_vulns": vuln,
            }
        )
    return {"period_days": 7, "weeks": rows}
