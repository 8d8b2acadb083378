"""Weekly series: week boundaries, open vulns per week end, and one section value per week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from orgmetrics.metrics.base import SectionResult, Window
from orgmetrics.metrics.frames import build_frames
from orgmetrics.metrics.params import MetricParams
from orgmetrics.metrics.series import compute, open_vulns, week_windows
from tests.unit._metrics_fixtures import doc, listing

AS_OF = datetime(2024, 3, 31, tzinfo=UTC)


def dep_alert(number: int, severity: str, created: str, **closed: str) -> dict[str, Any]:
    alert: dict[str, Any] = {
        "number": number,
        "state": "open",
        "severity": severity,
        "package": "lib",
        "created_at": created,
        "fixed_at": None,
        "dismissed_at": None,
        "auto_dismissed_at": None,
    }
    alert.update(closed)
    if closed:
        alert["state"] = next(iter(closed)).removesuffix("_at")
    return alert


def test_week_windows_are_whole_weeks_ending_at_as_of_oldest_first() -> None:
    weeks = week_windows(AS_OF, AS_OF - timedelta(days=20))  # 20 days: 2 whole weeks
    assert [(w.start, w.end) for w in weeks] == [
        (datetime(2024, 3, 17, tzinfo=UTC), datetime(2024, 3, 24, tzinfo=UTC)),
        (datetime(2024, 3, 24, tzinfo=UTC), datetime(2024, 3, 31, tzinfo=UTC)),
    ]
    assert len(week_windows(AS_OF, AS_OF - timedelta(days=90))) == 12
    assert week_windows(AS_OF, AS_OF - timedelta(days=6)) == []


def test_open_vulns_at_each_week_end_over_available_repos_only() -> None:
    frames = build_frames(
        [
            doc(
                "a",
                dependabot_alerts=[
                    dep_alert(1, "critical", "2024-03-20T00:00:00Z"),
                    dep_alert(2, "high", "2024-03-01T00:00:00Z", fixed_at="2024-03-24T00:00:00Z"),
                    dep_alert(
                        3, "low", "2024-03-10T00:00:00Z", dismissed_at="2024-03-30T00:00:00Z"
                    ),
                ],
            ),
            doc("b", dependabot_alerts=listing(available=False)),
        ]
    )
    ends = [datetime(2024, 3, 17, tzinfo=UTC), datetime(2024, 3, 24, tzinfo=UTC), AS_OF]
    got = open_vulns(frames.alerts, frames.available_repos("dependabot"), ends)
    assert got == [
        {"critical": 0, "high": 1, "medium": 0, "low": 1},  # 03-17: #2 and #3 open
        {"critical": 1, "high": 0, "medium": 0, "low": 1},  # 03-24: #2 fixed at that instant
        {"critical": 1, "high": 0, "medium": 0, "low": 0},  # 03-31: #3 dismissed
    ]
    assert open_vulns(frames.alerts, [], ends) == [None, None, None]


def test_compute_takes_each_weeks_org_value_from_the_section() -> None:
    frames = build_frames([doc("a")])
    calls: list[tuple[str, Window]] = []

    def fake(section: str) -> Any:
        def run(_frames: Any, window: Window, _params: MetricParams) -> SectionResult:
            calls.append((section, window))
            value = window.end.day  # a value that differs per week
            return SectionResult(
                org={
                    "deployments": value,
                    "change_failure_rate": None,
                    "lead_time_hours_median": 1.5,
                    "throughput": value + 1,
                    "cycle_time_median": 0.0,
                    "ci_failure_rate": 0.25,
                }
            )

        return run

    computes = {s: fake(s) for s in ("dora", "flow", "ci")}
    out = compute(frames, AS_OF, AS_OF - timedelta(days=14), MetricParams(), computes)
    assert out["period_days"] == 7
    weeks = out["weeks"]
    assert [w["week_end"] for w in weeks] == ["2024-03-24T00:00:00Z", "2024-03-31T00:00:00Z"]
    assert weeks[0]["week_start"] == "2024-03-17T00:00:00Z"
    assert [w["deployments"] for w in weeks] == [24, 31]
    assert [w["throughput"] for w in weeks] == [25, 32]
    assert weeks[1]["change_failure_rate"] is None
    assert weeks[1]["cycle_time_median"] == 0.0
    assert weeks[1]["open_vulns"] == {"critical": 0, "high": 0, "medium": 0, "low": 0}
    assert all(w.days == 7 for _, w in calls)
    assert len(calls) == 6  # three sections x two weeks
