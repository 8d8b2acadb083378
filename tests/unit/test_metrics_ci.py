"""CI metrics: expected values computed by hand from tiny raw documents (window: March 2024)."""

from __future__ import annotations

from orgmetrics.metrics import ci
from orgmetrics.metrics.frames import build_frames
from orgmetrics.metrics.params import MetricParams
from tests.unit._metrics_fixtures import WINDOW, doc, listing, run, workflow

P = MetricParams()


def compute(*docs: dict):
    return ci.compute(build_frames(list(docs)), WINDOW, P)


def t(day: int, hh: int = 0, mm: int = 0) -> str:
    return f"2024-03-{day:02d}T{hh:02d}:{mm:02d}:00Z"


def test_conclusions_counted_excluded_and_failed() -> None:
    d = doc(
        "a",
        workflows=[workflow(1)],
        workflow_runs=[
            run(1, t(2), "success", updated=t(2, 0, 10)),  # 10 min
            run(2, t(3), "failure", updated=t(3, 0, 4)),  # 4 min
            run(3, t(4), "timed_out", updated=t(4, 6, 0)),  # 360 min
            run(4, t(5), "startup_failure", updated=t(5)),  # 0 min (a real 0)
            run(5, t(6), "cancelled", updated=t(6, 1)),
            run(6, t(6), "skipped"),
            run(7, t(6), "neutral"),
            run(8, t(6), "action_required"),
            run(9, t(6), "stale"),
            run(10, t(7), None, status="in_progress"),  # not completed
            run(11, t(8), "success", updated=None),  # duration unknown
        ],
    )
    r = compute(d).repos["a"]
    assert r["runs"] == 5  # runs 1, 2, 3, 4, 11
    assert r["failed_runs"] == 3 and r["successful_runs"] == 2
    assert r["excluded_runs"] == 5
    assert r["ci_failure_rate"] == 0.6
    assert r["success_rate"] == 0.4
    # durations 10, 4, 360, 0 (run 11 unknown): median (4 + 10) / 2 = 7; dropping 0 gives 10
    assert r["duration_minutes_median"] == 7.0
    assert r["has_workflows"] is True


def test_zero_runs_when_actions_answered_null_when_unavailable() -> None:
    none = doc("none")  # answered, no workflows, no runs
    gone = doc("gone", workflow_runs=listing(available=False), workflows=listing(available=False))
    res = compute(none, gone)
    n = res.repos["none"]
    assert n["runs"] == 0
    assert n["ci_failure_rate"] is None and n["success_rate"] is None
    assert n["duration_minutes_median"] is None
    assert n["has_workflows"] is False
    g = res.repos["gone"]
    assert g["runs"] is None and g["ci_failure_rate"] is None and g["has_workflows"] is None
    assert res.org["runs"] == 0
    assert res.org["adoption_rate"] == 0.0  # 0 of 1 known repo
    assert res.org["repos_workflows_known"] == 1


def test_window_boundaries_on_created_at() -> None:
    d = doc(
        "a",
        workflow_runs=[
            run(1, "2024-03-01T00:00:00Z", "success"),  # start: in
            run(2, "2024-02-29T23:59:59Z", "failure"),  # out
            run(3, "2024-03-31T00:00:00Z", "failure"),  # end: out
            run(4, "2024-03-30T23:59:59Z", "failure"),  # in
        ],
    )
    r = compute(d).repos["a"]
    assert r["runs"] == 2 and r["ci_failure_rate"] == 0.5


def test_org_pooled_rates_and_median_and_adoption() -> None:
    a = doc(
        "a",
        workflows=[workflow(1)],
        workflow_runs=[run(i, t(2), "failure", updated=t(2, 0, 1)) for i in range(1, 4)]
        + [run(9, t(3), "success", updated=t(3, 0, 1))],  # a: 3/4 failed, durations 1,1,1,1
    )
    b = doc(
        "b",
        workflows=[workflow(1, state="disabled_manually")],  # not active: no workflows
        workflow_runs=[
            run(1, t(2), "success", updated=t(2, 0, 30)),
            run(2, t(2), "success", updated=t(2, 0, 50)),
        ],  # b: 0/2, 30 and 50 min
    )
    res = compute(a, b)
    assert res.repos["a"]["ci_failure_rate"] == 0.75
    assert res.repos["b"]["ci_failure_rate"] == 0.0
    # pooled: 3 failed of 6 = 0.5 (the mean of repo rates would be 0.375)
    assert res.org["ci_failure_rate"] == 0.5
    assert res.org["runs"] == 6
    # pooled median of (1, 1, 1, 1, 30, 50) = 1; median of repo medians would be 20.5
    assert res.org["duration_minutes_median"] == 1.0
    assert res.repos["b"]["has_workflows"] is False
    assert res.org["adoption_rate"] == 0.5
    assert res.org["repos_with_workflows"] == 1


def test_org_runs_null_when_no_repo_answered_and_archived_skipped() -> None:
    gone = doc("gone", workflow_runs=listing(available=False))
    old = doc("old", archived=True, workflow_runs=[run(1, t(2), "failure")])
    res = compute(gone, old)
    assert set(res.repos) == {"gone"}
    assert res.org["runs"] is None and res.org["ci_failure_rate"] is None


def test_counted_runs_helper_matches_section() -> None:
    d = doc(
        "a",
        workflow_runs=[
            run(1, t(2), "success"),
            run(2, t(3), "cancelled"),
            run(3, "2024-01-10T00:00:00Z", "timed_out"),
        ],
    )
    frames = build_frames([d])
    assert ci.counted_runs(frames)["id"].tolist() == [1, 3]
    assert ci.counted_runs(frames, WINDOW)["id"].tolist() == [1]
    assert ci.counted_runs(frames)["failed"].tolist() == [False, True]


def test_keys_constant_lists_every_emitted_key() -> None:
    res = compute(doc("a", workflow_runs=[run(1, t(2), "success")]))
    assert set(res.repos["a"]) == set(ci.KEYS)
    assert set(res.org) == set(ci.ORG_KEYS)
