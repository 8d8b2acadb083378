"""Security section: expected values computed by hand from tiny alert frames."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pytest

from orgmetrics.metrics.base import Window
from orgmetrics.metrics.params import MetricParams
from orgmetrics.metrics.security import Availability, compute_security, normalize_severity, trend

AS_OF = datetime(2026, 3, 1, tzinfo=UTC)
WINDOW = Window(as_of=AS_OF, days=30)  # [2026-01-30T00:00Z, 2026-03-01T00:00Z)
PARAMS = MetricParams()
ALL = Availability(dependabot=True, code_scanning=True, secret_scanning=True)


def alert(
    repo: str, source: str, number: int, severity: str | None, created: str, **closed: str
) -> dict[str, Any]:
    """One row of the alerts frame; `closed` holds fixed_at / dismissed_at / ... as ISO strings."""
    row: dict[str, Any] = {
        "repo": repo,
        "source": source,
        "number": number,
        "state": "open",
        "severity": severity,
        "created_at": created,
        "fixed_at": None,
        "dismissed_at": None,
        "auto_dismissed_at": None,
        "resolved_at": None,
    }
    row.update(closed)
    if closed:
        row["state"] = next(iter(closed)).removesuffix("_at")
    return row


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    for column in ("created_at", "fixed_at", "dismissed_at", "auto_dismissed_at", "resolved_at"):
        df[column] = pd.to_datetime(df[column], utc=True)
    return df


DEPENDABOT_A = [
    alert("a", "dependabot", 1, "critical", "2026-02-20T00:00:00Z"),  # open, 9 d old > 7: breach
    alert("a", "dependabot", 2, "critical", "2026-02-22T00:00:00Z"),  # open, exactly 7 d: no breach
    alert("a", "dependabot", 3, "high", "2026-01-01T00:00:00Z", fixed_at="2026-02-10T00:00:00Z"),
    alert("a", "dependabot", 4, "medium", "2026-01-20T00:00:00Z", fixed_at="2026-01-25T00:00:00Z"),
    alert("a", "dependabot", 5, "low", "2026-01-10T00:00:00Z", dismissed_at="2026-02-15T00:00:00Z"),
    alert(
        "a",
        "dependabot",
        6,
        "high",
        "2026-01-05T00:00:00Z",
        auto_dismissed_at="2026-02-28T23:59:59Z",
    ),
    # fixed exactly at as_of: closed at as_of, but the window's end is exclusive -> not a fix in it
    alert("a", "dependabot", 7, "medium", "2026-02-01T00:00:00Z", fixed_at="2026-03-01T00:00:00Z"),
    alert("a", "dependabot", 8, "MODERATE", "2025-10-01T00:00:00Z"),  # medium, 151 d > 90: breach
    alert(
        "a", "dependabot", 9, "critical", "2026-01-10T00:00:00Z", fixed_at="2026-01-29T12:00:00Z"
    ),
    alert("a", "dependabot", 10, "critical", "2026-03-01T01:00:00Z"),  # after as_of: not yet open
]


def test_dependabot_counts_mttr_dismissals_sla_and_trend_by_hand() -> None:
    result = compute_security(frame(DEPENDABOT_A), {"a": ALL}, WINDOW, PARAMS)
    a = result.repos["a"]
    # open at as_of: #1, #2 (critical), #8 (MODERATE == medium)
    assert (a["critical"], a["high"], a["medium"], a["low"]) == (2, 0, 1, 0)
    assert a["total_vulns"] == 3
    # only #3 was fixed in the window: 01-01 -> 02-10 = 40 d = 960 h; dismissals never count
    assert a["security_mttr_hours"] == 960.0
    assert a["fixed_in_window"] == 1
    # #5 dismissed and #6 auto-dismissed in the window
    assert a["dismissed_in_window"] == 2
    # #1 (9 d > 7) and #8 (151 d > 90); #2 at exactly 7 d is not a breach
    assert a["sla_breaches"] == 2
    # open at window start 2026-01-30: #3, #5, #6, #8 -> 4; at the end 3 -> Improving
    assert a["vulns_at_window_start"] == 4
    assert a["vuln_trend"] == "Improving"
    assert a["available_dependabot"] is True


def test_mttr_counts_a_real_zero_and_ignores_dismissals_and_out_of_window_fixes() -> None:
    rows = [
        alert(
            "a", "dependabot", 1, "low", "2026-02-10T00:00:00Z", fixed_at="2026-02-10T00:00:00Z"
        ),  # 0 h
        alert(
            "a", "dependabot", 2, "low", "2026-02-10T00:00:00Z", fixed_at="2026-02-10T10:00:00Z"
        ),  # 10 h
        alert(
            "a", "dependabot", 3, "low", "2026-01-01T00:00:00Z", dismissed_at="2026-02-11T00:00:00Z"
        ),
        alert("a", "dependabot", 4, "low", "2026-01-01T00:00:00Z", fixed_at="2026-01-29T23:59:59Z"),
        alert(
            "a", "dependabot", 5, "low", "2026-01-01T00:00:00Z", fixed_at="2026-01-30T00:00:00Z"
        ),  # 696 h
    ]
    a = compute_security(frame(rows), {"a": ALL}, WINDOW, PARAMS).repos["a"]
    # start inclusive: #5 counts (29 d = 696 h); #4 one second before the start does not
    assert a["security_mttr_hours"] == round((0 + 10 + 696) / 3, 1)
    assert a["fixed_in_window"] == 3
    assert a["dismissed_in_window"] == 1


def test_no_fix_in_window_gives_null_mttr_not_zero() -> None:
    rows = [alert("a", "dependabot", 1, "high", "2026-02-01T00:00:00Z")]
    a = compute_security(frame(rows), {"a": ALL}, WINDOW, PARAMS).repos["a"]
    assert a["security_mttr_hours"] is None
    assert a["high"] == 1
    assert a["vuln_trend"] == "Worsening"  # 0 open at the start, 1 at the end


def test_sla_days_come_from_params() -> None:
    rows = [alert("a", "dependabot", 1, "high", "2026-02-20T00:00:00Z")]  # 9 d old
    strict = MetricParams(sla_days={"critical": 1, "high": 8, "medium": 90, "low": 180})
    assert compute_security(frame(rows), {"a": ALL}, WINDOW, strict).repos["a"]["sla_breaches"] == 1
    assert compute_security(frame(rows), {"a": ALL}, WINDOW, PARAMS).repos["a"]["sla_breaches"] == 0


def test_code_and_secret_alerts_open_at_as_of() -> None:
    rows = [
        alert("b", "code_scanning", 1, "high", "2026-02-01T00:00:00Z"),
        alert("b", "code_scanning", 2, "warning", "2026-02-01T00:00:00Z"),  # rule.severity fallback
        alert(
            "b",
            "code_scanning",
            3,
            "critical",
            "2026-02-01T00:00:00Z",
            fixed_at="2026-02-05T00:00:00Z",
        ),
        # dismissed after as_of: it was open at as_of (back-filled view)
        alert(
            "b",
            "code_scanning",
            4,
            "high",
            "2026-02-01T00:00:00Z",
            dismissed_at="2026-03-05T00:00:00Z",
        ),
        alert(
            "b",
            "secret_scanning",
            1,
            None,
            "2026-02-01T00:00:00Z",
            resolved_at="2026-02-10T00:00:00Z",
        ),
        alert("b", "secret_scanning", 2, None, "2026-02-05T00:00:00Z"),
        alert(
            "b",
            "secret_scanning",
            3,
            None,
            "2026-02-05T00:00:00Z",
            resolved_at="2026-03-02T00:00:00Z",
        ),
    ]
    b = compute_security(frame(rows), {"b": ALL}, WINDOW, PARAMS).repos["b"]
    assert b["code_alerts"] == 3
    assert b["code_alerts_by_severity"] == {
        "critical": 0,
        "high": 2,
        "medium": 0,
        "low": 0,
        "warning": 1,
    }
    assert b["secrets"] == 2
    # Dependabot available but without alerts: measured zeros
    assert (b["total_vulns"], b["sla_breaches"], b["dismissed_in_window"]) == (0, 0, 0)
    assert b["vuln_trend"] == "Stable"


def test_unavailable_sources_are_null_and_org_sums_only_available_repos() -> None:
    rows = [
        *DEPENDABOT_A,
        alert("b", "code_scanning", 1, "high", "2026-02-01T00:00:00Z"),
        alert("a", "secret_scanning", 1, None, "2026-02-05T00:00:00Z"),
    ]
    availability = {
        "a": Availability(dependabot=True, code_scanning=True, secret_scanning=True),
        "b": Availability(dependabot=False, code_scanning=True, secret_scanning=False),
        "c": Availability(dependabot=True, code_scanning=False, secret_scanning=True),
    }
    result = compute_security(frame(rows), availability, WINDOW, PARAMS)
    b = result.repos["b"]
    for key in (
        "critical",
        "total_vulns",
        "security_mttr_hours",
        "sla_breaches",
        "vuln_trend",
        "secrets",
    ):
        assert b[key] is None, key
    assert b["available_dependabot"] is False
    assert b["code_alerts"] == 1
    c = result.repos["c"]
    assert c["code_alerts"] is None and c["code_alerts_by_severity"] is None
    assert c["total_vulns"] == 0 and c["secrets"] == 0

    org = result.org
    assert org["critical"] == 2 and org["medium"] == 1 and org["total_vulns"] == 3
    assert org["security_mttr_hours"] == 960.0
    assert org["code_alerts"] == 1 and org["code_alerts_by_severity"]["high"] == 1
    assert org["secrets"] == 1
    assert org["vuln_trend"] == "Improving"
    assert org["coverage"] == {
        "dependabot": {"available": 2, "unavailable": 1},
        "code_scanning": {"available": 2, "unavailable": 1},
        "secret_scanning": {"available": 2, "unavailable": 1},
    }


def test_org_is_null_when_no_repo_has_the_source() -> None:
    none = Availability(dependabot=False, code_scanning=False, secret_scanning=False)
    result = compute_security(frame(DEPENDABOT_A), {"a": none, "b": none}, WINDOW, PARAMS)
    org = result.org
    for key in (
        "critical",
        "high",
        "total_vulns",
        "code_alerts",
        "secrets",
        "sla_breaches",
        "vuln_trend",
    ):
        assert org[key] is None, key
    assert org["coverage"]["dependabot"] == {"available": 0, "unavailable": 2}


def test_empty_alert_frame_gives_zeros_for_available_repos() -> None:
    result = compute_security(pd.DataFrame(), {"a": ALL}, WINDOW, PARAMS)
    assert result.repos["a"]["total_vulns"] == 0
    assert result.org["secrets"] == 0
    assert result.org["security_mttr_hours"] is None


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [(4, 3, "Improving"), (3, 3, "Stable"), (0, 1, "Worsening"), (None, 1, None)],
)
def test_trend(start: int | None, end: int | None, expected: str | None) -> None:
    assert trend(start, end) == expected


def test_normalize_severity() -> None:
    assert normalize_severity("MODERATE") == "medium"
    assert normalize_severity("High") == "high"
    assert normalize_severity(None) is None


def test_compute_from_frames_skips_archived_repos_and_reads_availability() -> None:
    from orgmetrics.metrics.frames import build_frames
    from orgmetrics.metrics.security import compute
    from tests.unit._metrics_fixtures import WINDOW as FIX_WINDOW
    from tests.unit._metrics_fixtures import doc, listing

    open_high = {
        "number": 1,
        "state": "open",
        "severity": "high",
        "package": "lib",
        "created_at": "2024-03-10T00:00:00Z",
        "fixed_at": None,
        "dismissed_at": None,
        "auto_dismissed_at": None,
    }
    frames = build_frames(
        [
            doc(
                "a", dependabot_alerts=[open_high], secret_scanning_alerts=listing(available=False)
            ),
            doc("old", archived=True, dependabot_alerts=[{**open_high, "number": 2}]),
        ]
    )
    result = compute(frames, FIX_WINDOW, PARAMS)
    assert sorted(result.repos) == ["a"]
    assert result.repos["a"]["high"] == 1
    assert result.repos["a"]["secrets"] is None
    assert result.org["high"] == 1
    assert result.org["coverage"]["secret_scanning"] == {"available": 0, "unavailable": 1}


# --- property: the vectorised tables agree with a plain per-alert reading of the contract ---

from datetime import timedelta  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_T0 = AS_OF - timedelta(days=60)
_hours = st.integers(min_value=0, max_value=24 * 70)


@st.composite
def _alerts(draw: Any) -> list[dict[str, Any]]:
    rows = []
    for number in range(draw(st.integers(min_value=0, max_value=12))):
        created = _T0 + timedelta(hours=draw(_hours))
        closing = draw(st.sampled_from([None, "fixed_at", "dismissed_at", "auto_dismissed_at"]))
        row = alert(
            draw(st.sampled_from(["a", "b"])),
            "dependabot",
            number,
            draw(st.sampled_from(["critical", "high", "medium", "low", "MODERATE"])),
            created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        if closing:
            closed = created + timedelta(hours=draw(_hours))
            row[closing] = closed.strftime("%Y-%m-%dT%H:%M:%SZ")
            row["state"] = closing.removesuffix("_at")
        rows.append(row)
    return rows


def _plain_reading(rows: list[dict[str, Any]], repo: str) -> dict[str, Any]:
    """The contract read literally, one alert at a time, with datetimes (no pandas)."""
    from orgmetrics.metrics.stats import round_hours
    from orgmetrics.timeutil import parse_iso_opt

    start, end = WINDOW.start, WINDOW.end
    out = dict.fromkeys(["critical", "high", "medium", "low"], 0)
    fixed_hours: list[float] = []
    dismissed = breaches = at_start = 0
    for r in (r for r in rows if r["repo"] == repo):
        created = parse_iso_opt(r["created_at"])
        assert created is not None
        fixed, dis, auto = (
            parse_iso_opt(r[k]) for k in ("fixed_at", "dismissed_at", "auto_dismissed_at")
        )
        ends = [t for t in (fixed, dis, auto) if t is not None]
        sev = "medium" if r["severity"] == "MODERATE" else r["severity"]

        def is_open(t: datetime, created: datetime = created, ends: list[datetime] = ends) -> bool:
            return created <= t and not any(e <= t for e in ends)

        if is_open(end):
            out[sev] += 1
            if (end - created).total_seconds() > PARAMS.sla_days[sev] * 86400:
                breaches += 1
        if is_open(start):
            at_start += 1
        if fixed is not None and start <= fixed < end:
            fixed_hours.append((fixed - created).total_seconds() / 3600)
        if any(t is not None and start <= t < end for t in (dis, auto)):
            dismissed += 1
    total = sum(out.values())
    mttr = round_hours(sum(fixed_hours) / len(fixed_hours)) if fixed_hours else None  # half-up
    return {
        **out,
        "total_vulns": total,
        "fixed_in_window": len(fixed_hours),
        "security_mttr_hours": mttr,
        "dismissed_in_window": dismissed,
        "sla_breaches": breaches,
        "vulns_at_window_start": at_start,
        "vuln_trend": trend(at_start, total),
    }


@settings(max_examples=60, deadline=None)
@given(_alerts())
def test_tables_agree_with_a_plain_reading_of_the_contract(rows: list[dict[str, Any]]) -> None:
    result = compute_security(
        frame(rows) if rows else pd.DataFrame(), {"a": ALL, "b": ALL}, WINDOW, PARAMS
    )
    for repo in ("a", "b"):
        got = result.repos[repo]
        expected = _plain_reading(rows, repo)
        assert {k: got[k] for k in expected} == expected, repo


def test_closed_state_without_timestamp_is_closed_at_the_snapshot_as_of() -> None:
    from orgmetrics.metrics.frames import build_frames
    from orgmetrics.metrics.security import compute
    from tests.unit._metrics_fixtures import AS_OF as SNAP_AS_OF
    from tests.unit._metrics_fixtures import doc

    fixed_no_time = {
        "number": 1,
        "state": "fixed",
        "severity": "high",
        "package": "lib",
        "created_at": "2024-03-01T00:00:00Z",
        "fixed_at": None,  # GitHub said fixed but gave no time
        "dismissed_at": None,
        "auto_dismissed_at": None,
    }
    frames = build_frames([doc("a", dependabot_alerts=[fixed_no_time])])
    at_snapshot = compute(frames, Window(as_of=SNAP_AS_OF, days=30), PARAMS).repos["a"]
    assert at_snapshot["high"] == 0  # closed by the snapshot's as_of
    assert at_snapshot["security_mttr_hours"] is None  # no fix time: not in the MTTR
    earlier = Window(as_of=SNAP_AS_OF - timedelta(days=10), days=30)
    assert compute(frames, earlier, PARAMS).repos["a"]["high"] == 1  # still open in a back-fill
