"""DORA metrics: expected values computed by hand from tiny raw documents.

Window: [2024-03-01T00:00Z, 2024-03-31T00:00Z), W = 30 days, so frequency = n / (30/7).
"""

from __future__ import annotations

import pytest

from orgmetrics.metrics import dora, dora_bands
from orgmetrics.metrics.base import Window
from orgmetrics.metrics.frames import build_frames
from orgmetrics.metrics.params import MetricParams
from tests.unit._metrics_fixtures import (
    AS_OF,
    WINDOW,
    deployment,
    doc,
    incident,
    listing,
    pr,
    release,
    run,
    workflow,
)

P = MetricParams()


def ok(dep_id: int, at: str, env: str = "production") -> dict:
    """A deployment created and succeeded at `at`."""
    return deployment(dep_id, at, [("in_progress", at), ("success", at)], environment=env)


def bad(dep_id: int, at: str, state: str = "failure") -> dict:
    """A deployment that failed at `at`."""
    return deployment(dep_id, at, [(state, at)])


def compute(*docs: dict, params: MetricParams = P, window: Window = WINDOW):
    return dora.compute(build_frames(list(docs)), window, params)


# ---- which deployments count ---------------------------------------------------------------


def test_only_production_environments_count_case_insensitively() -> None:
    d = doc(
        "a",
        deployments=[
            ok(1, "2024-03-02T10:00:00Z", env="Production"),
            ok(2, "2024-03-03T10:00:00Z", env="prod"),
            ok(3, "2024-03-04T10:00:00Z", env="staging"),
            ok(4, "2024-03-05T10:00:00Z", env="production-eu"),  # not ^(prod|production)$
        ],
    )
    r = compute(d).repos["a"]
    assert r["deployments"] == 2
    assert r["deployment_frequency_per_week"] == round(2 / (30 / 7), 4) == 0.4667
    assert r["deployment_source"] == "deployments"


def test_inactive_after_success_is_success_and_pending_is_not_counted() -> None:
    d = doc(
        "a",
        deployments=[
            deployment(
                1,
                "2024-03-02T00:00:00Z",
                [
                    ("pending", "2024-03-02T00:00:00Z"),
                    ("success", "2024-03-02T00:05:00Z"),
                    ("inactive", "2024-03-09T00:00:00Z"),  # superseded later
                ],
            ),
            deployment(2, "2024-03-03T00:00:00Z", [("pending", "2024-03-03T00:00:00Z")]),
            deployment(
                3,
                "2024-03-04T00:00:00Z",
                [("queued", "2024-03-04T00:00:00Z"), ("in_progress", "2024-03-04T00:01:00Z")],
            ),
        ],
    )
    r = compute(d).repos["a"]
    assert r["deployments"] == 1
    assert r["failed_deployments"] == 0
    assert r["change_failure_rate"] == 0.0  # 0 of 1 measured: zero, not null


def test_window_start_inclusive_end_exclusive() -> None:
    d = doc(
        "a",
        deployments=[
            ok(1, "2024-03-01T00:00:00Z"),  # = start: in
            ok(2, "2024-02-29T23:59:59Z"),  # before: out
            ok(3, "2024-03-30T23:59:59Z"),  # in
            ok(4, "2024-03-31T00:00:00Z"),  # = end (as_of): out
        ],
    )
    assert compute(d).repos["a"]["deployments"] == 2


# ---- change failure rate and incidents -----------------------------------------------------


def test_cfr_incident_within_and_beyond_72h_and_pr_label_ignored() -> None:
    d = doc(
        "a",
        deployments=[
            ok(1, "2024-03-02T00:00:00Z"),  # incident 10 at +72h exactly: followed
            ok(2, "2024-03-10T00:00:00Z"),  # incident 11 at +73h: beyond the window
            ok(3, "2024-03-20T00:00:00Z"),  # only a PR labelled incident: not followed
            bad(4, "2024-03-25T00:00:00Z"),  # failed: counts once
        ],
        incidents=[
            incident(10, "2024-03-05T00:00:00Z", "2024-03-05T06:00:00Z"),
            incident(11, "2024-03-13T01:00:00Z", "2024-03-13T03:00:00Z"),
        ],
        pull_requests=[pr(5, "2024-03-20T01:00:00Z", labels=["incident"])],
    )
    r = compute(d).repos["a"]
    # numerator: failed (1) + followed (dep 1) = 2; denominator: 3 ok + 1 failed = 4
    assert r["incident_followed_deployments"] == 1
    assert r["failed_deployments"] == 1
    assert r["change_failure_rate"] == 0.5
    assert r["incidents_opened"] == 2


def test_cfr_counts_each_deployment_once_and_stops_at_next_success() -> None:
    d = doc(
        "a",
        deployments=[
            ok(1, "2024-03-02T00:00:00Z"),
            ok(2, "2024-03-02T12:00:00Z"),
            bad(3, "2024-03-05T00:00:00Z", state="error"),
        ],
        incidents=[
            # both after deployment 2 and within 72 h: deployment 2 counted once;
            # deployment 1 is not followed: the incidents come after the next success (2)
            incident(10, "2024-03-02T13:00:00Z"),
            incident(11, "2024-03-02T14:00:00Z"),
            # after the failed deployment 3: it is already failed, counted once
            incident(12, "2024-03-05T01:00:00Z"),
        ],
    )
    r = compute(d).repos["a"]
    assert r["incident_followed_deployments"] == 1
    assert r["change_failure_rate"] == round(2 / 3, 4) == 0.6667


def test_incident_labels_follow_the_pattern() -> None:
    d = doc(
        "a",
        deployments=[ok(1, "2024-03-02T00:00:00Z"), ok(2, "2024-03-10T00:00:00Z")],
        incidents=[
            incident(10, "2024-03-02T01:00:00Z", labels=("SEV2",)),  # matches sev[0-9]
            incident(11, "2024-03-10T01:00:00Z", labels=("bug", "incident-review")),  # no
        ],
    )
    r = compute(d).repos["a"]
    assert r["change_failure_rate"] == 0.5
    assert r["incidents_opened"] == 1


def test_rework_deployment_while_incident_open() -> None:
    d = doc(
        "a",
        deployments=[
            ok(1, "2024-03-02T00:00:00Z"),  # before the incident
            ok(2, "2024-03-05T00:00:00Z"),  # incident 10 open: rework
            ok(3, "2024-03-06T00:00:00Z"),  # = closed_at of 10: no longer open
            ok(4, "2024-03-20T00:00:00Z"),  # incident 11 still open: rework
            ok(5, "2024-03-15T00:00:00Z"),  # = created_at of 11: open (created_at <= t)
        ],
        incidents=[
            incident(10, "2024-03-04T00:00:00Z", "2024-03-06T00:00:00Z"),
            incident(11, "2024-03-15T00:00:00Z"),
        ],
    )
    r = compute(d).repos["a"]
    assert r["rework_deployments"] == 3
    assert r["rework_rate"] == 0.6


def test_mttr_median_counts_zero_and_only_incidents_closed_in_window() -> None:
    d = doc(
        "a",
        incidents=[
            incident(1, "2024-03-02T00:00:00Z", "2024-03-02T00:00:00Z"),  # 0 h (a real 0)
            incident(2, "2024-03-03T00:00:00Z", "2024-03-03T04:00:00Z"),  # 4 h
            incident(3, "2024-02-20T00:00:00Z", "2024-03-01T10:00:00Z"),  # 226 h, closed in
            incident(4, "2024-02-01T00:00:00Z", "2024-02-02T00:00:00Z"),  # closed before
            incident(5, "2024-03-04T00:00:00Z"),  # still open
            incident(6, "2024-03-30T00:00:00Z", "2024-03-31T00:00:00Z"),  # closed at end: out
        ],
    )
    r = compute(d).repos["a"]
    # closed in window: 0, 4, 226 -> median 4 (dropping the 0 would give 115)
    assert r["mttr_hours_median"] == 4.0
    assert r["incidents_closed"] == 3
    assert r["deployment_source"] is None and r["deployments"] is None  # mttr needs no deploys


def test_failed_deployment_recovery_median_and_unrecovered() -> None:
    d = doc(
        "a",
        deployments=[
            bad(1, "2024-03-02T00:00:00Z"),
            bad(2, "2024-03-02T01:00:00Z"),
            ok(3, "2024-03-02T03:00:00Z"),  # recovers 1 (3 h) and 2 (2 h)
            bad(4, "2024-03-10T00:00:00Z"),
            ok(5, "2024-03-10T00:30:00Z"),  # recovers 4 (0.5 h)
            bad(6, "2024-03-29T00:00:00Z"),  # never recovered: left out, counted apart
        ],
    )
    r = compute(d).repos["a"]
    assert r["failed_deployment_recovery_hours_median"] == 2.0  # median(3, 2, 0.5)
    assert r["unrecovered_failed_deployments"] == 1
    assert r["failed_deployments"] == 4
    assert r["deployments"] == 2


# ---- lead time -----------------------------------------------------------------------------


def test_lead_time_first_successful_deployment_at_or_after_merge() -> None:
    d = doc(
        "a",
        pull_requests=[
            # first commit known: 2024-03-01T20:00 -> deploy at 03-02T10:00 = 14 h
            pr(
                1,
                "2024-03-02T00:00:00Z",
                merged="2024-03-02T06:00:00Z",
                first_commit="2024-03-01T20:00:00Z",
            ),
            # first commit unknown: created_at 03-02T08:00; merge 09:00; the failed deploy at
            # 09:30 is skipped, first success is 10:00 -> 2 h
            pr(2, "2024-03-02T08:00:00Z", merged="2024-03-02T09:00:00Z"),
            # merged exactly at the deploy instant (at or after): 03-05T00:00 - 03-04T00:00 = 24 h
            pr(3, "2024-03-04T00:00:00Z", merged="2024-03-05T00:00:00Z"),
            # bot PR counts for lead time: 03-05T12:00 -> 03-06T00:00 = 12 h
            pr(4, "2024-03-05T12:00:00Z", merged="2024-03-05T13:00:00Z", author="dependabot[bot]"),
            # not into the default branch: ignored
            pr(5, "2024-03-02T00:00:00Z", merged="2024-03-02T01:00:00Z", base="release/1"),
            # merged but never deployed: ignored
            pr(6, "2024-03-20T00:00:00Z", merged="2024-03-20T01:00:00Z"),
        ],
        deployments=[
            ok(9, "2024-03-01T23:00:00Z"),  # before every merge
            bad(10, "2024-03-02T09:30:00Z"),
            ok(11, "2024-03-02T10:00:00Z"),
            ok(12, "2024-03-05T00:00:00Z"),
            ok(13, "2024-03-06T00:00:00Z"),
        ],
    )
    r = compute(d).repos["a"]
    assert r["lead_time_prs"] == 4
    assert r["lead_time_hours_median"] == 13.0  # median(14, 2, 24, 12)


def test_lead_time_only_for_deployments_in_window() -> None:
    d = doc(
        "a",
        pull_requests=[
            pr(1, "2024-02-27T00:00:00Z", merged="2024-02-28T00:00:00Z"),  # deployed 02-29
            pr(2, "2024-02-29T12:00:00Z", merged="2024-02-29T23:00:00Z"),  # deployed 03-01
        ],
        deployments=[ok(1, "2024-02-29T00:00:00Z"), ok(2, "2024-03-01T00:00:00Z")],
    )
    r = compute(d).repos["a"]
    assert r["lead_time_prs"] == 1
    assert r["lead_time_hours_median"] == 12.0


def test_org_lead_time_is_pooled_not_median_of_repo_medians() -> None:
    def repo(name: str, hours: list[int]) -> dict:
        prs, deps = [], []
        for i, h in enumerate(hours, start=1):
            day = f"2024-03-{10 + i:02d}"
            prs.append(pr(i, f"{day}T00:00:00Z", merged=f"{day}T00:00:00Z"))
            deps.append(ok(i, f"{day}T{h:02d}:00:00Z"))
        return doc(name, pull_requests=prs, deployments=deps)

    res = compute(repo("a", [1, 2, 3]), repo("b", [10]))
    assert res.repos["a"]["lead_time_hours_median"] == 2.0
    assert res.repos["b"]["lead_time_hours_median"] == 10.0
    # pooled median of (1, 2, 3, 10) = 2.5; the median of repo medians would be 6.0
    assert res.org["lead_time_hours_median"] == 2.5
    assert res.org["deployments"] == 4
    assert res.org["deployment_frequency_per_week"] == round(4 / (30 / 7), 4)


# ---- null rules ----------------------------------------------------------------------------


def test_null_without_source_zero_with_source_but_no_deployments() -> None:
    none = doc("none")
    quiet = doc("quiet", deployments=[ok(1, "2024-01-15T00:00:00Z")])  # before the window
    unavailable = doc("unavail", deployments=listing(available=False))
    res = compute(none, quiet, unavailable)
    assert res.repos["none"]["deployment_source"] is None
    assert res.repos["none"]["deployments"] is None
    assert res.repos["none"]["change_failure_rate"] is None
    assert res.repos["unavail"]["deployment_source"] is None
    assert res.repos["unavail"]["deployments"] is None
    q = res.repos["quiet"]
    assert q["deployment_source"] == "deployments"
    assert q["deployments"] == 0 and q["deployment_frequency_per_week"] == 0.0
    assert q["change_failure_rate"] is None  # no deployments: null, not 0
    assert q["rework_rate"] is None
    assert q["lead_time_hours_median"] is None
    assert q["failed_deployment_recovery_hours_median"] is None
    assert res.org["deployments"] == 0  # only the repo with a source counts
    assert res.org["deployment_sources"] == {
        "deployments": 1,
        "workflow": 0,
        "release": 0,
        "none": 2,
    }


def test_org_deployment_values_null_when_no_repo_has_a_source() -> None:
    res = compute(doc("a"), doc("b"))
    assert res.org["deployments"] is None
    assert res.org["deployment_frequency_per_week"] is None
    assert res.org["performance_level"] is None
    assert res.org["bands_edition"] == "2023"


def test_cfr_and_mttr_null_when_incidents_unavailable() -> None:
    d = doc(
        "a",
        deployments=[ok(1, "2024-03-02T00:00:00Z"), bad(2, "2024-03-03T00:00:00Z")],
        incidents=listing(available=False),
    )
    r = compute(d).repos["a"]
    assert r["deployments"] == 1 and r["failed_deployments"] == 1
    assert r["change_failure_rate"] is None
    assert r["rework_rate"] is None
    assert r["mttr_hours_median"] is None
    assert r["incidents_opened"] is None


def test_archived_repos_are_not_scanned() -> None:
    res = compute(doc("a"), doc("old", archived=True, deployments=[ok(1, "2024-03-02T00:00:00Z")]))
    assert set(res.repos) == {"a"}
    assert res.org["deployments"] is None


def test_as_of_earlier_ignores_later_events() -> None:
    d = doc(
        "a",
        deployments=[
            ok(1, "2024-03-02T00:00:00Z"),
            bad(2, "2024-03-03T00:00:00Z"),
            ok(3, "2024-03-20T00:00:00Z"),
        ],
        incidents=[incident(1, "2024-03-02T05:00:00Z", "2024-03-12T00:00:00Z")],
    )
    early = Window(as_of=AS_OF.replace(day=10), days=30)  # [02-09, 03-10)
    r = compute(d, window=early).repos["a"]
    assert r["deployments"] == 1
    assert r["unrecovered_failed_deployments"] == 1  # its recovery (03-20) is after as_of
    assert r["failed_deployment_recovery_hours_median"] is None
    assert r["incidents_closed"] == 0  # closed after as_of: still open then


# ---- fallbacks -----------------------------------------------------------------------------


def test_workflow_fallback() -> None:
    d = doc(
        "a",
        workflows=[workflow(1, "Deploy", ".github/workflows/deploy.yml"), workflow(2)],
        workflow_runs=[
            run(
                1,
                "2024-03-02T00:00:00Z",
                "success",
                name="Deploy",
                path=".github/workflows/deploy.yml",
                updated="2024-03-02T00:10:00Z",
            ),
            run(
                2,
                "2024-03-03T00:00:00Z",
                "failure",
                name="Deploy",
                path=".github/workflows/deploy.yml",
                updated="2024-03-03T00:10:00Z",
            ),
            run(
                3,
                "2024-03-03T01:00:00Z",
                "success",
                name="Deploy",
                path=".github/workflows/deploy.yml",
                updated="2024-03-03T02:10:00Z",
            ),
            run(
                4,
                "2024-03-04T00:00:00Z",
                "success",
                name="Deploy",
                path=".github/workflows/deploy.yml",
                branch="feature",
            ),  # not default branch
            run(5, "2024-03-04T00:00:00Z", "success"),  # CI, not a deploy workflow
            run(
                6,
                "2024-03-05T00:00:00Z",
                "cancelled",
                name="Deploy",
                path=".github/workflows/deploy.yml",
            ),
        ],
    )
    params = MetricParams(deployment_fallback="workflow")
    r = compute(d, params=params).repos["a"]
    assert r["deployment_source"] == "workflow"
    assert r["deployments"] == 2
    assert r["failed_deployments"] == 1
    assert r["failed_deployment_recovery_hours_median"] == 2.0  # 00:10 -> 02:10
    assert compute(d).repos["a"]["deployment_source"] is None  # no fallback configured


def test_release_fallback_and_deployments_take_precedence() -> None:
    rel = doc(
        "rel",
        releases=[
            release(1, "2024-03-02T00:00:00Z"),
            release(2, "2024-03-03T00:00:00Z", prerelease=True),
            release(3, None, draft=True),
            release(4, "2024-03-09T00:00:00Z"),
        ],
    )
    both = doc(
        "both",
        deployments=[ok(1, "2024-03-02T00:00:00Z")],
        releases=[release(1, "2024-03-02T00:00:00Z"), release(2, "2024-03-03T00:00:00Z")],
    )
    res = compute(rel, both, params=MetricParams(deployment_fallback="release"))
    assert res.repos["rel"]["deployment_source"] == "release"
    assert res.repos["rel"]["deployments"] == 2
    assert res.repos["both"]["deployment_source"] == "deployments"
    assert res.repos["both"]["deployments"] == 1
    assert res.org["deployments"] == 3
    assert res.org["deployment_sources"]["release"] == 1


# ---- performance level ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "level"),
    [
        ("deployment_frequency", 7.5, "elite"),
        ("deployment_frequency", 7.0, "high"),  # once per day is "high" in 2023
        ("deployment_frequency", 1.0, "high"),
        ("deployment_frequency", 0.5, "medium"),
        ("deployment_frequency", 0.2, "low"),  # less than once per month (12/52 = 0.2308)
        ("deployment_frequency", 0.0, "low"),
        ("lead_time", 23.9, "elite"),
        ("lead_time", 24.0, "high"),
        ("lead_time", 168.0, "high"),
        ("lead_time", 168.1, "medium"),
        ("lead_time", 721.0, "low"),
        ("change_failure_rate", 0.0, "elite"),
        ("change_failure_rate", 0.05, "elite"),
        ("change_failure_rate", 0.1, "high"),
        ("change_failure_rate", 0.15, "medium"),
        ("change_failure_rate", 0.1501, "low"),
        ("failed_deployment_recovery", 0.5, "elite"),
        ("failed_deployment_recovery", 1.0, "high"),
        ("failed_deployment_recovery", 24.0, "medium"),
        ("failed_deployment_recovery", 200.0, "low"),
    ],
)
def test_bands_2023(key: str, value: float, level: str) -> None:
    assert dora_bands.edition("2023").level_of(key, value) == level


def test_overall_level_needs_three_keys_and_is_lower_median() -> None:
    levels = dora_bands.overall_level
    assert levels({"a": "elite", "b": "low", "c": None, "d": None}) is None
    assert levels({"a": "elite", "b": "low", "c": "high", "d": None}) == "high"
    assert levels({"a": "elite", "b": "high", "c": "medium", "d": "low"}) == "medium"
    assert levels({"a": "elite", "b": "elite", "c": "elite", "d": "low"}) == "elite"


def test_edition_selectable_and_unknown_rejected() -> None:
    assert dora_bands.edition("2022").level_of("deployment_frequency", 7.5) == "high"
    with pytest.raises(ValueError, match="unknown DORA bands edition '1999'"):
        dora_bands.edition("1999")
    with pytest.raises(ValueError, match="2023"):
        compute(doc("a"), params=MetricParams(dora_bands="1999"))


def test_repo_performance_level_from_its_keys() -> None:
    # 10 daily successes (freq 2.3333/week: high), lead time 2 h (elite),
    # CFR 0/10 (elite), no failed deployment: recovery unknown -> 3 keys known
    deps = [ok(i, f"2024-03-{i + 1:02d}T02:00:00Z") for i in range(1, 11)]
    prs = [
        pr(i, f"2024-03-{i + 1:02d}T00:00:00Z", merged=f"2024-03-{i + 1:02d}T01:00:00Z")
        for i in range(1, 11)
    ]
    r = compute(doc("a", deployments=deps, pull_requests=prs)).repos["a"]
    assert r["deployment_frequency_per_week"] == 2.3333
    assert r["lead_time_hours_median"] == 2.0
    assert r["change_failure_rate"] == 0.0
    assert r["failed_deployment_recovery_hours_median"] is None
    assert r["performance_levels_by_key"] == {
        "deployment_frequency": "high",
        "lead_time": "elite",
        "change_failure_rate": "elite",
        "failed_deployment_recovery": None,
    }
    assert r["performance_level"] == "elite"  # lower median of (elite, elite, high)
    # without PRs only 2 keys are known: no level
    assert compute(doc("a", deployments=deps)).repos["a"]["performance_level"] is None


def test_keys_constant_lists_every_emitted_key() -> None:
    res = compute(doc("a", deployments=[ok(1, "2024-03-02T00:00:00Z")]))
    assert set(res.repos["a"]) == set(dora.KEYS)
    assert set(res.org) == set(dora.ORG_KEYS)


def test_org_cfr_is_pooled_and_skips_repos_without_incident_listing() -> None:
    a = doc("a", deployments=[ok(1, "2024-03-02T00:00:00Z"), bad(2, "2024-03-03T00:00:00Z")])
    b = doc("b", deployments=[ok(i, f"2024-03-0{i + 1}T00:00:00Z") for i in range(1, 4)])
    c = doc("c", deployments=[bad(1, "2024-03-02T00:00:00Z")], incidents=listing(available=False))
    res = compute(a, b, c)
    assert res.repos["a"]["change_failure_rate"] == 0.5
    assert res.repos["b"]["change_failure_rate"] == 0.0
    assert res.repos["c"]["change_failure_rate"] is None
    # pooled over a and b: 1 failed of 5 = 0.2 (mean of repo rates: 0.25); c's unknown
    # attribution keeps it out of the CFR pool, but its failed deployment still counts
    assert res.org["change_failure_rate"] == 0.2
    assert res.org["failed_deployments"] == 2
    assert res.org["deployments"] == 4


def test_org_performance_level_from_pooled_keys() -> None:
    # a: 8 successes in March, lead 1 h each; b: 1 failed then recovered after 30 min
    a_deps = [ok(i, f"2024-03-{i + 1:02d}T01:00:00Z") for i in range(1, 9)]
    a_prs = [
        pr(i, f"2024-03-{i + 1:02d}T00:00:00Z", merged=f"2024-03-{i + 1:02d}T00:30:00Z")
        for i in range(1, 9)
    ]
    b_deps = [bad(1, "2024-03-20T00:00:00Z"), ok(2, "2024-03-20T00:30:00Z")]
    res = compute(doc("a", deployments=a_deps, pull_requests=a_prs), doc("b", deployments=b_deps))
    org = res.org
    assert org["deployments"] == 9
    assert org["deployment_frequency_per_week"] == 2.1  # 9 / (30/7)
    assert org["lead_time_hours_median"] == 1.0
    assert org["change_failure_rate"] == 0.1  # 1 failed of 10
    assert org["failed_deployment_recovery_hours_median"] == 0.5
    assert org["performance_levels_by_key"] == {
        "deployment_frequency": "high",
        "lead_time": "elite",
        "change_failure_rate": "high",
        "failed_deployment_recovery": "elite",
    }
    assert org["performance_level"] == "high"  # lower median of (elite, elite, high, high)
    # repo b alone: frequency and CFR known, recovery known, lead time unknown (no PRs) = 3 keys
    # b: frequency 1/(30/7) = 0.2333 >= 12/52 (medium), CFR 0.5 (low), recovery 0.5 h (elite)
    assert res.repos["b"]["performance_level"] == "medium"  # middle of (elite, medium, low)
    assert res.repos["b"]["lead_time_hours_median"] is None


def test_result_independent_of_document_order() -> None:
    a = doc(
        "a",
        deployments=[ok(1, "2024-03-02T00:00:00Z"), bad(2, "2024-03-03T00:00:00Z")],
        incidents=[incident(1, "2024-03-02T01:00:00Z", "2024-03-02T05:00:00Z")],
    )
    b = doc(
        "b",
        deployments=[ok(1, "2024-03-05T00:00:00Z")],
        pull_requests=[pr(1, "2024-03-04T00:00:00Z", merged="2024-03-04T12:00:00Z")],
    )
    first, second = compute(a, b), compute(b, a)
    assert first.org == second.org
    assert first.repos == second.repos
