"""Weekly series: week boundaries, open vulns per week end, and one section value per week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd

from orgmetrics.metrics.frames import build_frames
from orgmetrics.metrics.params import MetricParams
from orgmetrics.metrics.series import compute, open_vulns, week_windows
from tests.unit._metrics_fixtures import deployment, doc, incident, listing, pr, run

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


def test_compute_by_hand_over_two_weeks() -> None:
    docs = [
        doc(
            "a",
            deployments=[
                deployment(1, "2024-03-18T09:00:00Z", [("success", "2024-03-18T10:00:00Z")]),
                deployment(2, "2024-03-25T09:00:00Z", [("failure", "2024-03-25T10:00:00Z")]),
                deployment(3, "2024-03-26T09:00:00Z", [("success", "2024-03-26T10:00:00Z")]),
            ],
            # 15 h after deployment 1 and before the next success: deployment 1 failed
            incidents=[incident(1, "2024-03-19T01:00:00Z", "2024-03-20T00:00:00Z")],
            pull_requests=[
                pr(
                    1,
                    "2024-03-17T00:00:00Z",
                    merged="2024-03-18T00:00:00Z",
                    first_commit="2024-03-16T10:00:00Z",
                ),  # lead 48 h (to dep 1), cycle 24 h
                pr(2, "2024-03-24T00:00:00Z", merged="2024-03-25T12:00:00Z"),  # lead 58, cycle 36
                pr(
                    3,
                    "2024-03-25T00:00:00Z",
                    merged="2024-03-25T06:00:00Z",
                    author="dependabot[bot]",
                    bot=True,
                ),  # bot: lead 34 h, not in flow
            ],
            workflow_runs=[
                run(1, "2024-03-18T00:00:00Z", "success"),
                run(2, "2024-03-18T01:00:00Z", "failure"),
                run(3, "2024-03-25T00:00:00Z", "timed_out"),
                run(4, "2024-03-25T01:00:00Z", "cancelled"),  # excluded from the rate
                run(5, "2024-03-25T02:00:00Z", "success"),
                run(6, "2024-03-25T03:00:00Z", "success"),
            ],
        )
    ]
    out = compute(build_frames(docs), AS_OF, AS_OF - timedelta(days=14), MetricParams())
    assert out["period_days"] == 7
    week1, week2 = out["weeks"]
    assert week1 == {
        "week_start": "2024-03-17T00:00:00Z",
        "week_end": "2024-03-24T00:00:00Z",
        "deployments": 1,
        "change_failure_rate": 1.0,  # its one deployment was followed by an incident
        "lead_time_hours_median": 48.0,
        "throughput": 1,
        "cycle_time_median": 24.0,
        "ci_failure_rate": 0.5,
        "open_vulns": {"critical": 0, "high": 0, "medium": 0, "low": 0},
    }
    assert week2["deployments"] == 1
    assert week2["change_failure_rate"] == 0.5  # 1 failed of 2
    assert week2["lead_time_hours_median"] == 46.0  # median(58, 34): bot PRs count here
    assert week2["throughput"] == 1  # the bot PR is not
    assert week2["cycle_time_median"] == 36.0
    assert week2["ci_failure_rate"] == 0.3333  # timed_out fails, cancelled is left out


def test_no_deployment_source_gives_null_dora_points() -> None:
    out = compute(build_frames([doc("a")]), AS_OF, AS_OF - timedelta(days=7), MetricParams())
    (week,) = out["weeks"]
    assert week["deployments"] is None and week["change_failure_rate"] is None
    assert week["throughput"] == 0 and week["cycle_time_median"] is None
    assert week["ci_failure_rate"] is None


def test_split_by_week_boundaries_start_inclusive_end_exclusive() -> None:
    from orgmetrics.metrics.series import split_by_week

    windows = week_windows(AS_OF, AS_OF - timedelta(days=14))  # [03-17, 03-24), [03-24, 03-31)
    times = [
        "2024-03-16T23:59:59Z",  # before the first week: dropped
        "2024-03-17T00:00:00Z",  # first instant of week 1
        "2024-03-23T23:59:59Z",  # last second of week 1
        "2024-03-24T00:00:00Z",  # first instant of week 2
        "2024-03-31T00:00:00Z",  # = as_of: outside every week
        None,  # unknown time: in no week
    ]
    frame = pd.DataFrame({"n": range(len(times)), "at": pd.to_datetime(times, utc=True)})
    week1, week2 = split_by_week(frame, "at", windows)
    assert list(week1["n"]) == [1, 2]
    assert list(week2["n"]) == [3]
