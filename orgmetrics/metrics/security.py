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
from orgmetrics.metrics.stats import in_window, mean, round_hours

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
    """When each alert stopped being open: the earliest of its source's closing timestamps."""
    columns = [_utc(alerts[c]) for c in CLOSING_COLUMNS[source] if c in alerts.columns]
    if not columns:
        return pd.Series(pd.NaT, index=alerts.index, dtype="datetime64[ns, UTC]")
    return pd.concat(columns, axis=1).min(axis=1)


def open_at(alerts: pd.DataFrame, source: str, moment: datetime) -> pd.Series:
    """Boolean mask: created at or before `moment` and not closed by it (contract "open at t")."""
    t = _ts(moment)
    created = _utc(alerts["created_at"])
    ended = closed_at(alerts, source)
    return (created <= t) & ~(ended <= t)


def _in_window(column: pd.Series, window: Window) -> pd.Series:
    return in_window(_utc(column), window)


def _dependabot_repo(
    alerts: pd.DataFrame, window: Window, sla_days: Mapping[str, int]
) -> dict[str, Any]:
    """The Dependabot keys for one repo (or the pooled org) from its Dependabot alerts."""
    severity = severities(alerts["severity"])
    open_now = open_at(alerts, "dependabot", window.end)
    counts = {sev: int((open_now & (severity == sev)).sum()) for sev in SEVERITIES}
    total = int(open_now.sum())

    fixed = _in_window(alerts["fixed_at"], window)
    hours = (_utc(alerts["fixed_at"]) - _utc(alerts["created_at"])).dt.total_seconds() / 3600.0
    fixed_hours = hours[fixed]
    mttr = round_hours(mean(fixed_hours))

    dismissed = _in_window(alerts["dismissed_at"], window) | _in_window(
        alerts["auto_dismissed_at"], window
    )

    age_days = (_ts(window.end) - _utc(alerts["created_at"])).dt.total_seconds() / 86400.0
    limit = severity.map(lambda s: sla_days.get(s) if s is not None else None).astype("float64")
    breaches = int((open_now & limit.notna() & (age_days > limit)).sum())

    at_start = int(open_at(alerts, "dependabot", window.start).sum())
    return {
        **counts,
        "total_vulns": total,
        "security_mttr_hours": mttr,
        "fixed_in_window": int(fixed.sum()),
        "dismissed_in_window": int(dismissed.sum()),
        "sla_breaches": breaches,
        "vulns_at_window_start": at_start,
        "vuln_trend": trend(at_start, total),
    }


def trend(at_start: int | None, at_end: int | None) -> str | None:
    """`Improving` (fewer open at the end), `Stable`, `Worsening`; None when either is unknown."""
    if at_start is None or at_end is None:
        return None
    if at_end < at_start:
        return TREND_IMPROVING
    if at_end > at_start:
        return TREND_WORSENING
    return TREND_STABLE


def _code_severity_counts(alerts: pd.DataFrame, open_now: pd.Series) -> dict[str, int]:
    """Open code-scanning alerts per severity; critical/high/medium/low are always present."""
    severity = severities(alerts["severity"]).fillna("unknown")
    counts = {sev: 0 for sev in SEVERITIES}
    for sev, n in severity[open_now].value_counts().items():
        counts[str(sev)] = int(n)
    return counts


def _code_repo(alerts: pd.DataFrame, window: Window) -> dict[str, Any]:
    open_now = open_at(alerts, "code_scanning", window.end)
    return {
        "code_alerts": int(open_now.sum()),
        "code_alerts_by_severity": _code_severity_counts(alerts, open_now),
    }


def _secret_repo(alerts: pd.DataFrame, window: Window) -> dict[str, Any]:
    return {"secrets": int(open_at(alerts, "secret_scanning", window.end).sum())}


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


def _section(
    alerts: pd.DataFrame, source: str, window: Window, params: MetricParams
) -> dict[str, Any]:
    if source == "dependabot":
        return _dependabot_repo(alerts, window, params.sla_days)
    if source == "code_scanning":
        return _code_repo(alerts, window)
    return _secret_repo(alerts, window)


def compute_security(
    alerts: pd.DataFrame,
    availability: Mapping[str, Availability],
    window: Window,
    params: MetricParams,
) -> SectionResult:
    """The Security section per repo (by name) and for the org (sums over available repos)."""
    if alerts is None or alerts.empty:
        alerts = _empty_alerts()
    result = SectionResult()
    by_source = {src: alerts[alerts["source"] == src] for src in SOURCES}
    grouped = {
        src: dict(tuple(frame.groupby("repo", sort=False))) for src, frame in by_source.items()
    }
    empty = _empty_alerts()

    for repo in sorted(availability):
        avail = availability[repo]
        section: dict[str, Any] = {}
        for src in SOURCES:
            if avail.of(src):
                section.update(_section(grouped[src].get(repo, empty), src, window, params))
            else:
                section.update(dict.fromkeys(_NULL_BY_SOURCE[src]))
        section["available_dependabot"] = avail.dependabot
        section["available_code_scanning"] = avail.code_scanning
        section["available_secret_scanning"] = avail.secret_scanning
        result.repos[repo] = section

    result.org = _org(by_source, availability, window, params)
    return result


def _org(
    by_source: Mapping[str, pd.DataFrame],
    availability: Mapping[str, Availability],
    window: Window,
    params: MetricParams,
) -> dict[str, Any]:
    """Org values: pooled over the repos where each source was available, null when none was."""
    org: dict[str, Any] = {}
    coverage: dict[str, dict[str, int]] = {}
    for src in SOURCES:
        available = sorted(r for r, a in availability.items() if a.of(src))
        coverage[src] = {
            "available": len(available),
            "unavailable": len(availability) - len(available),
        }
        if not available:
            org.update(dict.fromkeys(_NULL_BY_SOURCE[src]))
            continue
        frame = by_source[src]
        pooled = frame[frame["repo"].isin(available)] if not frame.empty else _empty_alerts()
        org.update(_section(pooled, src, window, params))
    org["coverage"] = coverage
    return org


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
    return compute_security(frames.alerts, availability, window, params)
