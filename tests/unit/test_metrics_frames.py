"""frames.build_frames: columns, dtypes, nulls, bot rule and the deciding-status rule."""

from __future__ import annotations

import pandas as pd
import pytest

from orgmetrics.metrics import frames as fr
from orgmetrics.metrics.bots import is_bot_commit, is_bot_email, is_bot_login
from tests.unit._metrics_fixtures import (
    commit,
    deployment,
    doc,
    incident,
    listing,
    pr,
    review,
    run,
)

T0 = "2024-03-02T00:00:00Z"


def _one_of_each() -> dict:
    return doc(
        "a",
        pull_requests=[
            pr(
                1,
                T0,
                merged="2024-03-03T00:00:00Z",
                base="dev",
                reviews=[review("bob", "2024-03-02T05:00:00Z")],
            )
        ],
        deployments=[deployment(7, T0, [("success", "2024-03-02T00:10:00Z")])],
        incidents=[incident(3, T0)],
        commits=[commit("s1", T0, login=None, email="x@example.com")],
        workflow_runs=[run(9, T0)],
        dependabot_alerts=[
            {
                "number": 1,
                "state": "open",
                "severity": "high",
                "package": "lodash",
                "created_at": T0,
                "fixed_at": None,
                "dismissed_at": None,
                "auto_dismissed_at": None,
            }
        ],
    )


def test_every_frame_has_declared_columns_and_dtypes_empty_or_not() -> None:
    full = fr.build_frames([_one_of_each()])
    empty = fr.empty_frames()
    for name, spec in fr.COLUMNS.items():
        for frame in (getattr(full, name), getattr(empty, name)):
            assert list(frame.columns) == list(spec), name
            for column, dtype in spec.items():
                # the declared dtype as this pandas resolves it ("str" is object before pandas 3)
                assert frame[column].dtype == pd.Series([], dtype=dtype).dtype, (name, column)
    assert len(empty.prs) == 0 and len(full.prs) == 1


def test_values_and_nulls() -> None:
    f = fr.build_frames([_one_of_each(), doc("b", archived=True)])
    p = f.prs.iloc[0]
    assert p["created_at"] == pd.Timestamp("2024-03-02T00:00:00Z")
    assert p["merged_at"] == pd.Timestamp("2024-03-03T00:00:00Z")
    assert pd.isna(p["first_commit_at"]) and pd.isna(p["ready_for_review_at"])
    assert not p["is_default_base"]  # base dev, default main
    assert f.reviews.iloc[0]["pr_number"] == 1 and f.reviews.iloc[0]["author"] == "bob"
    assert pd.isna(f.commits.iloc[0]["author_login"])
    assert f.alerts.iloc[0]["source"] == "dependabot"
    assert pd.isna(f.alerts.iloc[0]["resolved_at"])
    assert f.scanned_repos() == ["a"]
    assert list(f.repos["repo"]) == ["a", "b"]


def test_availability_and_truncation_flags() -> None:
    d = doc("a", workflow_runs=listing(available=False), pull_requests=listing([], truncated=True))
    repos = fr.build_frames([d]).repos.iloc[0]
    assert not repos["available_workflow_runs"] and repos["available_workflows"]
    assert repos["truncated_pull_requests"] and not repos["truncated_commits"]
    assert fr.build_frames([d]).available_repos("workflow_runs") == []


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        # inactive after success: still a success, decided at the success status
        ([("pending", "T1"), ("success", "T2"), ("inactive", "T3")], ("success", "T2")),
        ([("in_progress", "T1"), ("failure", "T2")], ("failure", "T2")),
        ([("error", "T1")], ("error", "T1")),
        # last deciding status wins (a retried deployment)
        ([("failure", "T1"), ("success", "T2")], ("success", "T2")),
        # pending / queued / in_progress only: unfinished
        ([("pending", "T1"), ("queued", "T2"), ("in_progress", "T3")], (None, None)),
        ([], (None, None)),
        ([("inactive", "T1")], (None, None)),
    ],
)
def test_deciding_status(statuses: list[tuple[str, str]], expected: tuple) -> None:
    ts = {"T1": "2024-03-01T01:00:00Z", "T2": "2024-03-01T02:00:00Z", "T3": "2024-03-01T03:00:00Z"}
    raw = [{"state": s, "created_at": ts[t]} for s, t in statuses]
    outcome, at = fr.deciding_status(raw)
    assert outcome == expected[0]
    assert at == (ts[expected[1]] if expected[1] else None)


def test_unfinished_deployment_has_null_outcome_in_frame() -> None:
    d = doc("a", deployments=[deployment(1, T0, [("pending", T0)])])
    dep = fr.build_frames([d]).deployments.iloc[0]
    assert pd.isna(dep["outcome"]) and pd.isna(dep["outcome_at"])


def test_bot_rule() -> None:
    assert is_bot_login("dependabot[bot]")
    assert is_bot_login("renovate", flagged=True)  # GraphQL __typename Bot, no suffix
    assert not is_bot_login("alice") and not is_bot_login(None)
    assert is_bot_email("49699333+dependabot[bot]@users.noreply.github.com")
    assert not is_bot_email("alice@users.noreply.github.com")
    # the e-mail rule applies only when no user is linked
    assert is_bot_commit(None, "41898282+github-actions[bot]@users.noreply.github.com")
    assert not is_bot_commit("alice", "41898282+github-actions[bot]@users.noreply.github.com")
    d = doc(
        "a", pull_requests=[pr(1, T0, author="dependabot[bot]"), pr(2, T0, author="x", bot=True)]
    )
    assert fr.build_frames([d]).prs["author_is_bot"].tolist() == [True, True]


def test_deleted_author_is_null_not_bot() -> None:
    d = doc("a", pull_requests=[pr(1, T0, author=None)])
    row = fr.build_frames([d]).prs.iloc[0]
    assert pd.isna(row["author"]) and not row["author_is_bot"]


def test_stats_count_zero_and_skip_only_nulls() -> None:
    from orgmetrics.metrics import stats

    # a real 0 is a value: mean of (0, 4) is 2, median of (0, 0, 9) is 0 (the seed dropped 0s)
    assert stats.mean([0.0, 4.0, None, float("nan")]) == 2.0
    assert stats.median([0.0, 0.0, 9.0, None]) == 0.0
    assert stats.median([]) is None and stats.mean([None]) is None
    assert stats.median([1.0, 4.0]) == 2.5


def test_stats_rounding_and_ratio() -> None:
    from orgmetrics.metrics import stats

    assert stats.round_hours(2.25) == 2.3  # half-up, not banker's/binary 2.2
    assert stats.round_hours(0.04) == 0.0
    assert stats.round_rate(1 / 3) == 0.3333
    assert stats.round_rate(2 / 3) == 0.6667
    assert stats.ratio(0, 5) == 0.0 and stats.ratio(1, 0) is None and stats.ratio(None, 3) is None
    assert stats.per_week(3, 30) == 0.7
    assert stats.per_week(None, 30) is None


def test_stats_window_is_start_inclusive_end_exclusive() -> None:
    from orgmetrics.metrics import stats
    from tests.unit._metrics_fixtures import WINDOW

    times = pd.Series(
        pd.to_datetime(
            [
                "2024-03-01T00:00:00Z",
                "2024-02-29T23:59:59Z",
                "2024-03-31T00:00:00Z",
                "2024-03-30T23:59:59Z",
                None,
            ],
            utc=True,
        )
    )
    assert stats.in_window(times, WINDOW).tolist() == [True, False, False, True, False]


def test_repo_without_default_branch_has_no_default_base_prs() -> None:
    d = doc("a", empty=True, default_branch=None, pull_requests=[pr(1, T0, merged=T0)])
    f = fr.build_frames([d])
    assert pd.isna(f.repos.iloc[0]["default_branch"]) and f.repos.iloc[0]["empty"]
    assert not f.prs.iloc[0]["is_default_base"]


def test_parse_timestamps_is_utc_with_nat() -> None:
    parsed = fr.parse_timestamps(["2024-03-02T10:11:12Z", None, ""])
    assert parsed.dtype == fr.DT_TYPE
    assert parsed.iloc[0] == pd.Timestamp("2024-03-02T10:11:12Z")
    assert parsed.iloc[1:].isna().all()
