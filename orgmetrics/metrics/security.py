"""Security section of the contract: open alerts at `as_of`, fixes, dismissals, SLA, trend.

Every count is reconstructed from the alerts' lifecycle timestamps, so any `as_of` that the
snapshot covers gives the state at that instant (not the state at collection time).
Pure functions over the `alerts` frame of `orgmetrics.metrics.frames` (columns: repo, source,
number, state, severity, created_at, fixed_at, dismissed_at, auto_dismissed_at, resolved_at).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from orgmetrics.metrics.base import SectionResult, Window
from orgmetrics.metrics.params import MetricParams
from orgmetrics.metrics.stats import in_window, round_hours

SEVERITIES: tuple[str, ...] = ("critical", "high", "medium", "low")
SOURCES: tuple[str, ...] = ("dependabot", "code_scanning", "secret_scanning")
TREND_IMPROVING, TREND_STABLE, TREND_WORSENING = "Improving", "Stable", "Worsening"

# Lifecycle columns that end an alert's open period, per source (contract "Security").
CLOSING_COLUMNS: dict[str, tuple[str, ...]] = {
    "dependabot": ("fixed_at", "dismissed_at", "auto_dismissed_at"),
    "code_scanning": ("fixed_at", "dismissed_at"),
    "secret_scanning": ("resolved_at",),
}

KEYS: tuple[str, ...] = (
    "critical",
    "high",
    "medium",
    "low",
    "total_vulns",
    "code_alerts",
    "code_alerts_by_severity",
    "secrets",
    "security_mttr_hours",
    "fixed_in_window",
    "dismissed_in_window",
    "sla_breaches",
    "vulns_at_window_start",
    "vuln_trend",
    "available_dependabot",
    "available_code_scanning",
    "available_secret_scanning",
)
ORG_KEYS: tuple[str, ...] = (*(k for k in KEYS if not k.startswith("available_")), "coverage")

_ALERT_COLUMNS = (
    "repo",
    "source",
    "number",
    "state",
    "severity",
    "created_at",
    "fixed_at",
    "dismissed_at",
    "auto_dismissed_at",
    "resolved_at",
)


@dataclass(frozen=True)
class Availability:
    """Which alert endpoints answered for one repo (evidence per repo, contract "Security")."""

    dependabot: bool
    code_scanning: bool
    secret_scanning: bool

    def of(self, source: str) -> bool:
        """Availability of one source by its name in `SOURCES`."""
        return bool(getattr(self, source))


def normalize_severity(value: object) -> str | None:
    """Lower-case a severity; GitHub GraphQL's `MODERATE` is the REST `medium`."""
    if not isinstance(value, str):
        return None  # None, NaN and pd.NA: no severity
    text = str(value).strip().lower()
    return "medium" if text == "moderate" else text


def severities(column: pd.Series) -> pd.Series:
    """`normalize_severity` over a column, vectorised (NaN stays NaN)."""
    lowered = (
        column.astype("object")
        .where(column.notna(), None)
        .map(lambda v: None if v is None else str(v).strip().lower())
    )
    return lowered.replace({"moderate": "medium"})


def _ts(moment: datetime) -> pd.Timestamp:
    stamp = pd.Timestamp(moment)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _utc(series: pd.Series) -> pd.Series:
    """A timestamp column as tz-aware UTC datetimes (NaT for missing)."""
    return pd.to_datetime(series, utc=True)


def closed_at(alerts: pd.DataFrame, source: str) -> pd.Series:
    """When each alert stopped being open: the earliest of its source's closing timestamps.

    An alert whose `state` is closed but which carries no closing timestamp was closed at some
    unknown time before collection: it is taken as closed at the snapshot's `as_of` (column
    `snapshot_as_of` when present), so it is not open then but still open in any back-fill.
    """
    columns = [_utc(alerts[c]) for c in CLOSING_COLUMNS[source] if c in alerts.columns]
    if not columns:
        ended = pd.Series(pd.NaT, index=alerts.index, dtype="datetime64[ns, UTC]")
    else:
        ended = pd.concat(columns, axis=1).min(axis=1)
    if "state" in alerts.columns and "snapshot_as_of" in alerts.columns:
        unknown = ended.isna() & alerts["state"].notna() & (alerts["state"] != "open")
        if bool(unknown.any()):
            ended = ended.where(~unknown, _utc(alerts["snapshot_as_of"]))
    return ended


def open_at(alerts: pd.DataFrame, source: str, moment: datetime) -> pd.Series:
    """Boolean mask: created at or before `moment` and not closed by it (contract "open at t")."""
    t = _ts(moment)
    created = _utc(alerts["created_at"])
    ended = closed_at(alerts, source)
    return (created <= t) & ~(ended <= t)


def _in_window(column: pd.Series, window: Window) -> pd.Series:
    return in_window(_utc(column), window)


def trend(at_start: int | None, at_end: int | None) -> str | None:
    """`Improving` (fewer open at the end), `Stable`, `Worsening`; None when either is unknown."""
    if at_start is None or at_end is None:
        return None
    if at_end < at_start:
        return TREND_IMPROVING
    if at_end > at_start:
        return TREND_WORSENING
    return TREND_STABLE


# Per-repo count columns of the Dependabot table; all are sums, so the org row is their total.
_DEP_COUNTS: tuple[str, ...] = (
    *SEVERITIES,
    "total_vulns",
    "fixed_in_window",
    "fixed_hours",
    "dismissed_in_window",
    "sla_breaches",
    "vulns_at_window_start",
)


def dependabot_table(
    alerts: pd.DataFrame, window: Window, sla_days: Mapping[str, int]
) -> pd.DataFrame:
    """Per repo (index) the Dependabot counts of `_DEP_COUNTS`, vectorised over all alerts."""
    if alerts.empty:
        return pd.DataFrame(columns=list(_DEP_COUNTS), dtype="float64")
    severity = severities(alerts["severity"])
    created = _utc(alerts["created_at"])
    open_now = open_at(alerts, "dependabot", window.end)
    fixed = _in_window(alerts["fixed_at"], window)
    hours = (_utc(alerts["fixed_at"]) - created).dt.total_seconds() / 3600.0
    dismissed = _in_window(alerts["dismissed_at"], window) | _in_window(
        alerts["auto_dismissed_at"], window
    )
    age_days = (_ts(window.end) - created).dt.total_seconds() / 86400.0
    limit = severity.map(lambda v: sla_days.get(v) if v is not None else None).astype("float64")
    columns: dict[str, pd.Series] = {sev: open_now & (severity == sev) for sev in SEVERITIES}
    columns.update(
        {
            "total_vulns": open_now,
            "fixed_in_window": fixed,
            "fixed_hours": hours.where(fixed, 0.0),
            "dismissed_in_window": dismissed,
            # age strictly greater than the SLA: exactly at the SLA is not yet a breach
            "sla_breaches": open_now & limit.notna() & (age_days > limit),
            "vulns_at_window_start": open_at(alerts, "dependabot", window.start),
        }
    )
    table = pd.DataFrame({k: v.astype("float64") for k, v in columns.items()})
    table["repo"] = alerts["repo"].astype(object).to_numpy()
    return table.groupby("repo", sort=True).sum()


def _dependabot_values(row: Mapping[Any, Any]) -> dict[str, Any]:
    """The Dependabot keys from one row (a repo's, or the org's totals) of the table."""
    counts = {key: int(row[key]) for key in _DEP_COUNTS if key != "fixed_hours"}
    fixed = counts["fixed_in_window"]
    mttr = round_hours(float(row["fixed_hours"]) / fixed) if fixed else None
    return {
        **counts,
        "security_mttr_hours": mttr,
        "vuln_trend": trend(counts["vulns_at_window_start"], counts["total_vulns"]),
    }


def code_severity_table(alerts: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Per repo (index) open code-scanning alerts at `as_of` by severity (columns)."""
    if alerts.empty:
        return pd.DataFrame(dtype="float64")
    open_now = open_at(alerts, "code_scanning", window.end)
    frame = pd.DataFrame(
        {
            "repo": alerts["repo"].astype(object).to_numpy(),
            "severity": severities(alerts["severity"]).fillna("unknown").to_numpy(),
        }
    )[open_now.to_numpy()]
    if frame.empty:
        return pd.DataFrame(dtype="float64")
    return frame.groupby(["repo", "severity"]).size().unstack(fill_value=0).astype("float64")


def _code_values(row: Mapping[Any, Any] | None) -> dict[str, Any]:
    """`code_alerts` and `code_alerts_by_severity` (critical..low always present)."""
    by_severity = dict.fromkeys(SEVERITIES, 0)
    if row is not None:
        for sev, n in row.items():
            if n or sev in by_severity:
                by_severity[str(sev)] = int(n)
    return {"code_alerts": sum(by_severity.values()), "code_alerts_by_severity": by_severity}


def secret_table(alerts: pd.DataFrame, window: Window) -> pd.Series:
    """Per repo (index) open secret-scanning alerts at `as_of`."""
    if alerts.empty:
        return pd.Series(dtype="float64")
    open_now = open_at(alerts, "secret_scanning", window.end).astype("float64")
    return open_now.groupby(alerts["repo"].astype(object).to_numpy()).sum()


_NULL_BY_SOURCE: dict[str, tuple[str, ...]] = {
    "dependabot": (
        *SEVERITIES,
        "total_vulns",
        "security_mttr_hours",
        "fixed_in_window",
        "dismissed_in_window",
        "sla_breaches",
        "vulns_at_window_start",
        "vuln_trend",
    ),
    "code_scanning": ("code_alerts", "code_alerts_by_severity"),
    "secret_scanning": ("secrets",),
}


def _empty_alerts() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in _ALERT_COLUMNS})


def _row(table: pd.DataFrame, repo: str) -> dict[Any, Any] | None:
    return table.loc[repo].to_dict() if repo in table.index else None


def compute_security(
    alerts: pd.DataFrame,
    availability: Mapping[str, Availability],
    window: Window,
    params: MetricParams,
) -> SectionResult:
    """The Security section per repo (by name) and for the org (sums over available repos)."""
    if alerts is None or alerts.empty:
        alerts = _empty_alerts()
    available = {src: sorted(r for r, a in availability.items() if a.of(src)) for src in SOURCES}
    frames = {
        src: alerts[(alerts["source"] == src) & alerts["repo"].isin(available[src])]
        for src in SOURCES
    }
    dep = dependabot_table(frames["dependabot"], window, params.sla_days)
    dep = dep.reindex(available["dependabot"], fill_value=0.0)
    code = code_severity_table(frames["code_scanning"], window)
    secrets = secret_table(frames["secret_scanning"], window)

    result = SectionResult()
    for repo in sorted(availability):
        avail = availability[repo]
        section: dict[str, Any] = {}
        if avail.dependabot:
            section.update(_dependabot_values(dep.loc[repo].to_dict()))
        else:
            section.update(dict.fromkeys(_NULL_BY_SOURCE["dependabot"]))
        if avail.code_scanning:
            section.update(_code_values(_row(code, repo)))
        else:
            section.update(dict.fromkeys(_NULL_BY_SOURCE["code_scanning"]))
        section["secrets"] = int(secrets.get(repo, 0)) if avail.secret_scanning else None
        section["available_dependabot"] = avail.dependabot
        section["available_code_scanning"] = avail.code_scanning
        section["available_secret_scanning"] = avail.secret_scanning
        result.repos[repo] = section

    org: dict[str, Any] = {}
    if available["dependabot"]:
        org.update(_dependabot_values(dep.sum().to_dict()))
    else:
        org.update(dict.fromkeys(_NULL_BY_SOURCE["dependabot"]))
    if available["code_scanning"]:
        org.update(_code_values(code.sum().to_dict() if not code.empty else None))
    else:
        org.update(dict.fromkeys(_NULL_BY_SOURCE["code_scanning"]))
    org["secrets"] = int(secrets.sum()) if available["secret_scanning"] else None
    org["coverage"] = {
        src: {
            "available": len(available[src]),
            "unavailable": len(availability) - len(available[src]),
        }
        for src in SOURCES
    }
    result.org = org
    return result


def compute(frames: Any, window: Window, params: MetricParams) -> SectionResult:
    """Section entry point used by the aggregator: `frames.alerts` over the scanned repos."""
    repos: pd.DataFrame = frames.repos
    scanned = repos[~repos["archived"].astype(bool)]
    availability = {
        str(name): Availability(bool(dep), bool(code), bool(secret))
        for name, dep, code, secret in zip(
            scanned["repo"],
            scanned["available_dependabot"],
            scanned["available_code_scanning"],
            scanned["available_secret_scanning"],
            strict=True,
        )
    }
    return compute_security(alerts_with_snapshot_as_of(frames), availability, window, params)


def alerts_with_snapshot_as_of(frames: Any) -> pd.DataFrame:
    """`frames.alerts` plus each alert's document `as_of` (`snapshot_as_of`, see `closed_at`)."""
    alerts: pd.DataFrame = frames.alerts
    if alerts.empty:
        return alerts
    as_of_by_repo = frames.repos.set_index("repo")["as_of"]
    return alerts.assign(snapshot_as_of=alerts["repo"].map(as_of_by_repo))
