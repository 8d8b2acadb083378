"""Flow metrics: expected values computed by hand from tiny raw documents (window: March 2024)."""

from __future__ import annotations

from orgmetrics.metrics import flow
from orgmetrics.metrics.frames import build_frames
from orgmetrics.metrics.params import MetricParams
from tests.unit._metrics_fixtures import WINDOW, doc, listing, pr, review

P = MetricParams()


def compute(*docs: dict, params: MetricParams = P):
    return flow.compute(build_frames(list(docs)), WINDOW, params)


def t(day: int, hh: int = 0, mm: int = 0, month: int = 3) -> str:
    return f"2024-{month:02d}-{day:02d}T{hh:02d}:{mm:02d}:00Z"


def test_throughput_and_cycle_time_count_a_real_zero() -> None:
    d = doc(
        "a",
        pull_requests=[
            pr(1, t(2), merged=t(2)),  # 0 h
            pr(2, t(3), merged=t(3, 2)),  # 2 h
            pr(3, t(4), merged=t(4, 10), base="feature/x"),  # 10 h, any base branch counts
            pr(4, t(20, month=2), merged=t(29, month=2)),  # merged before the window
            pr(5, t(5), closed=t(6)),  # closed unmerged
            pr(6, t(30, 23), merged=t(31)),  # merged at the window end: out
            pr(7, t(28, month=2), merged=t(1)),  # merged at the window start: in, 48 h
        ],
    )
    r = compute(d).repos["a"]
    assert r["throughput"] == 4
    assert r["cycle_time_avg"] == 15.0  # (0 + 2 + 10 + 48) / 4; without the 0: 20.0
    assert r["cycle_time_median"] == 6.0  # median(0, 2, 10, 48)


def test_first_review_excludes_self_bot_and_pending() -> None:
    d = doc(
        "a",
        pull_requests=[
            pr(
                1,
                t(2),
                author="alice",
                reviews=[
                    review("alice", t(2, 1), "COMMENTED"),  # self
                    review("ci-bot", t(2, 2), bot=True),  # bot (flagged)
                    review("renovate[bot]", t(2, 2)),  # bot (suffix)
                    review("bob", None, "PENDING"),  # pending, never submitted
                    review("carol", t(2, 3), "PENDING"),  # pending
                    review("dave", t(2, 5), "CHANGES_REQUESTED"),  # first real: 5 h
                    review("erin", t(2, 4, 30), "DISMISSED"),  # earlier, dismissed still counts
                ],
            ),
            # ready for review known: from 03-05T00 (not created 03-03) to 03-05T06 = 6 h
            pr(2, t(3), ready=t(5), reviews=[review("bob", t(5, 6))]),
            # reviewed while a draft, before ready: clipped to 0 (a real 0)
            pr(3, t(6), ready=t(8), reviews=[review("bob", t(7))]),
            # first review before the window: not counted
            pr(4, t(20, month=2), reviews=[review("bob", t(25, month=2)), review("c", t(2))]),
            # review by a deleted account counts as someone else's: 1 h
            pr(5, t(10), reviews=[review(None, t(10, 1))]),
        ],
    )
    r = compute(d).repos["a"]
    assert r["reviewed_prs"] == 4
    # PR1 4.5 h (erin), PR2 6 h, PR3 0 h, PR5 1 h
    assert r["review_time_median"] == 2.8  # median(0, 1, 4.5, 6) = 2.75 -> half-up 2.8
    assert r["review_time_avg"] == 2.9  # 11.5 / 4 = 2.875 -> 2.9


def test_wip_drafts_excluded_old_open_prs_included() -> None:
    d = doc(
        "a",
        pull_requests=[
            pr(1, "2022-06-01T00:00:00Z"),  # very old, still open: WIP
            pr(2, t(10), draft=True),  # draft: not WIP
            pr(3, t(10), merged=t(11)),  # merged before as_of
            pr(4, t(10), closed=t(31), state="CLOSED"),  # closed exactly at as_of: still open
            pr(5, t(31)),  # created at as_of: not yet
            pr(6, t(12), closed=t(13), state="CLOSED"),  # closed
            pr(7, t(1, month=4)),  # created after as_of
        ],
    )
    r = compute(d).repos["a"]
    assert r["wip"] == 2  # PRs 1 and 4


def test_bot_prs_excluded_and_counted() -> None:
    d = doc(
        "a",
        pull_requests=[
            pr(1, t(2), merged=t(2, 4)),  # human: 4 h
            pr(2, t(2), merged=t(2, 1), author="dependabot[bot]"),  # bot merged in window
            pr(3, t(3), author="renovate", bot=True),  # bot open at as_of
            pr(4, t(1, month=2), merged=t(2, month=2), author="dependabot[bot]"),  # irrelevant
            pr(
                5, t(4), author="dependabot[bot]", merged=t(5), reviews=[review("bob", t(4, 2))]
            ),  # bot: merged and reviewed: counted once
        ],
    )
    r = compute(d).repos["a"]
    assert r["throughput"] == 1
    assert r["cycle_time_median"] == 4.0
    assert r["wip"] == 0
    assert r["reviewed_prs"] == 0
    assert r["bot_prs_excluded"] == 3  # PRs 2, 3, 5
    kept = compute(d, params=MetricParams(exclude_bots=False)).repos["a"]
    assert kept["throughput"] == 3 and kept["wip"] == 1 and kept["bot_prs_excluded"] == 0


def test_null_when_pr_listing_unavailable_zero_when_empty() -> None:
    res = compute(doc("gone", pull_requests=listing(available=False)), doc("quiet"))
    assert all(v is None for v in res.repos["gone"].values())
    q = res.repos["quiet"]
    assert q["throughput"] == 0 and q["wip"] == 0 and q["bot_prs_excluded"] == 0
    assert q["cycle_time_median"] is None and q["review_time_avg"] is None
    assert res.org["throughput"] == 0


def test_org_cycle_time_is_pooled() -> None:
    a = doc(
        "a",
        pull_requests=[
            pr(1, t(2), merged=t(2, 1)),
            pr(2, t(2), merged=t(2, 2)),
            pr(3, t(2), merged=t(2, 3)),
        ],
    )
    b = doc("b", pull_requests=[pr(1, t(2), merged=t(2, 20))])
    res = compute(a, b)
    assert res.repos["a"]["cycle_time_median"] == 2.0
    assert res.repos["b"]["cycle_time_median"] == 20.0
    assert res.org["cycle_time_median"] == 2.5  # median(1, 2, 3, 20); of repo medians: 11.0
    assert res.org["cycle_time_avg"] == 6.5  # 26 / 4; mean of repo means would be 11.0
    assert res.org["throughput"] == 4


def test_helpers_match_section_definitions() -> None:
    d = doc(
        "a", pull_requests=[pr(1, t(2), merged=t(2, 3)), pr(2, t(1, month=1), merged=t(2, month=1))]
    )
    frames = build_frames([d])
    assert flow.merged_prs(frames, P)["number"].tolist() == [1, 2]
    assert flow.merged_prs(frames, P, WINDOW)["cycle_hours"].tolist() == [3.0]
    assert flow.open_prs(frames, P, WINDOW.end).empty


def test_keys_constant_lists_every_emitted_key() -> None:
    res = compute(doc("a"))
    assert set(res.repos["a"]) == set(flow.KEYS)
    assert set(res.org) == set(flow.ORG_KEYS)


def test_org_counts_are_sums_and_pooled_values_lie_between_repo_values() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from orgmetrics.metrics import activity, ci, dora
    from tests.unit._metrics_fixtures import random_doc

    @settings(max_examples=5, deadline=None)
    @given(st.lists(st.integers(0, 10_000), min_size=1, max_size=4))
    def check(seeds: list[int]) -> None:
        frames = build_frames([random_doc(f"r{i}", s) for i, s in enumerate(seeds)])
        sections = {
            "flow": (flow.compute(frames, WINDOW, P), ("throughput", "wip", "bot_prs_excluded")),
            "ci": (ci.compute(frames, WINDOW, P), ("runs", "failed_runs", "excluded_runs")),
            "dora": (dora.compute(frames, WINDOW, P), ("deployments", "failed_deployments")),
            "activity": (activity.compute(frames, WINDOW, P), ("commits", "bot_commits")),
        }
        for result, keys in sections.values():
            for key in keys:
                repo_values = [r[key] for r in result.repos.values() if r[key] is not None]
                assert result.org[key] == (sum(repo_values) if repo_values else None), key
        fl = sections["flow"][0]
        medians = [
            r["cycle_time_median"] for r in fl.repos.values() if r["cycle_time_median"] is not None
        ]
        if medians:  # the pooled median lies between the repo medians (rounding aside)
            pooled = fl.org["cycle_time_median"]
            assert min(medians) - 0.05 <= pooled <= max(medians) + 0.05
        act = sections["activity"][0]
        assert act.org["contributors"] <= sum(r["contributors"] for r in act.repos.values())

    check()
