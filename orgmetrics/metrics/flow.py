"""Flow section of the contract: throughput, cycle time, review time, WIP (PRs into any branch).

Seam: `compute(frames, window, params) -> SectionResult` (org pooled + every scanned repo).
Event helpers shared with the weekly series:
- `merged_prs(frames, params, window=None) -> DataFrame[repo, number, author_is_bot,
  created_at, merged_at, cycle_hours]`: merged PRs (merged in the window when given);
  bot-authored PRs left out when `params.exclude_bots`.
- `first_reviews(frames, params, window=None) -> DataFrame[repo, number, author_is_bot,
  start_at, first_review_at, review_hours]`: each PR's first review by someone other than its
  author and not a bot, state not PENDING (first review in the window when given).
- `open_prs(frames, params, at) -> DataFrame[repo, number, author_is_bot, created_at]`: PRs
  open at `at` that are not drafts (WIP).

Definitions: cycle = `merged_at - created_at`; review time runs from `ready_for_review_at`
when known (else `created_at`) to the first such review, clipped at 0 when the first review
came while the PR was still a draft. A review by a deleted account counts as someone else's
unless the PR's author is deleted too (then it cannot be told apart). WIP: created before
`as_of`, not closed or merged before it (an event exactly at `as_of` is outside the window, so
not yet happened), not a draft — however old. Draft state is as collected. Bot PRs
(`exclude_bots`, default true) are left out of every flow metric; `bot_prs_excluded` counts the
bot PRs that would otherwise have entered one of them (merged in the window, first review in the
window, or open at `as_of`). Every flow value is null when the PR listing was unavailable.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from orgmetrics.metrics import stats
from orgmetrics.metrics.base import SectionResult, Window
from orgmetrics.metrics.frames import Frames
from orgmetrics.metrics.params import MetricParams

KEYS: tuple[str, ...] = (
    "throughput",
    "cycle_time_avg",
    "cycle_time_median",
    "review_time_avg",
    "review_time_median",
    "reviewed_prs",
    "wip",
    "bot_prs_excluded",
)
ORG_KEYS: tuple[str, ...] = KEYS


def _prs(frames: Frames) -> pd.DataFrame:
    """PRs of scanned repos whose PR listing answered."""
    prs = frames.prs
    return prs.loc[prs["repo"].isin(frames.available_repos("pull_requests"))]


def _drop_bots(frame: pd.DataFrame, params: MetricParams) -> pd.DataFrame:
    """Without bot-authored PRs when `exclude_bots`."""
    return frame.loc[~frame["author_is_bot"]] if params.exclude_bots else frame


def _all_merged(frames: Frames, window: Window | None) -> pd.DataFrame:
    """Merged PRs with cycle hours, bots included."""
    prs = _prs(frames)
    mask = prs["merged_at"].notna()
    if window is not None:
        mask &= stats.in_window(prs["merged_at"], window)
    out = prs.loc[mask, ["repo", "number", "author_is_bot", "created_at", "merged_at"]].copy()
    out["cycle_hours"] = stats.hours_between(out["created_at"], out["merged_at"])
    return out.reset_index(drop=True)


def merged_prs(frames: Frames, params: MetricParams, window: Window | None = None) -> pd.DataFrame:
    """Merged PRs (in the window when given) with `cycle_hours`; bots out if excluded."""
    return _drop_bots(_all_merged(frames, window), params).reset_index(drop=True)


def _all_first_reviews(frames: Frames, window: Window | None) -> pd.DataFrame:
    """Every PR's first qualifying review with review hours, bots' PRs included."""
    prs = _prs(frames)[
        ["repo", "number", "author", "author_is_bot", "created_at", "ready_for_review_at"]
    ]
    reviews = frames.reviews
    reviews = reviews.loc[
        (reviews["state"] != "PENDING")
        & reviews["submitted_at"].notna()
        & ~reviews["author_is_bot"]
    ]
    joined = reviews.rename(columns={"pr_number": "number", "author": "reviewer"}).merge(
        prs, on=["repo", "number"], how="inner"
    )
    reviewer = joined["reviewer"].astype(object)
    author = joined["author"].astype(object)
    same = (reviewer == author) | (reviewer.isna() & author.isna())
    joined = joined.loc[~same.to_numpy()]
    first = (
        joined.groupby(["repo", "number"], sort=False)["submitted_at"]
        .min()
        .rename("first_review_at")
        .reset_index()
    )
    out = first.merge(prs, on=["repo", "number"], how="left")
    out["start_at"] = out["ready_for_review_at"].fillna(out["created_at"])
    if window is not None:
        out = out.loc[stats.in_window(out["first_review_at"], window)]
    hours = stats.hours_between(out["start_at"], out["first_review_at"])
    out = out.assign(review_hours=hours.clip(lower=0.0))
    columns = ["repo", "number", "author_is_bot", "start_at", "first_review_at", "review_hours"]
    return out[columns].sort_values(["repo", "number"], kind="mergesort").reset_index(drop=True)


def first_reviews(
    frames: Frames, params: MetricParams, window: Window | None = None
) -> pd.DataFrame:
    """First qualifying review per PR (in the window when given); bots' PRs out if excluded."""
    return _drop_bots(_all_first_reviews(frames, window), params).reset_index(drop=True)


def _all_open(frames: Frames, at: datetime) -> pd.DataFrame:
    """Non-draft PRs open at `at`, bots included."""
    prs = _prs(frames)
    stamp = stats.timestamp(at)
    open_at = (
        (prs["created_at"] < stamp)
        & (prs["closed_at"].isna() | (prs["closed_at"] >= stamp))
        & (prs["merged_at"].isna() | (prs["merged_at"] >= stamp))
        & ~prs["draft"]
    )
    return prs.loc[open_at, ["repo", "number", "author_is_bot", "created_at"]].reset_index(
        drop=True
    )


def open_prs(frames: Frames, params: MetricParams, at: datetime) -> pd.DataFrame:
    """Non-draft PRs open at `at` (WIP); bots out if excluded."""
    return _drop_bots(_all_open(frames, at), params).reset_index(drop=True)


def _section(
    merged: int,
    cycle: tuple[float | None, float | None],
    reviewed: int,
    review: tuple[float | None, float | None],
    wip: int,
    bots: int,
) -> dict[str, Any]:
    """One flow section from counts and (mean, median) pairs of hours."""
    return {
        "throughput": merged,
        "cycle_time_avg": stats.round_hours(cycle[0]),
        "cycle_time_median": stats.round_hours(cycle[1]),
        "review_time_avg": stats.round_hours(review[0]),
        "review_time_median": stats.round_hours(review[1]),
        "reviewed_prs": reviewed,
        "wip": wip,
        "bot_prs_excluded": bots,
    }


def _unknown() -> dict[str, Any]:
    """The section of a repo whose PR listing was unavailable."""
    return {key: None for key in KEYS}


def compute(frames: Frames, window: Window, params: MetricParams) -> SectionResult:
    """The flow section per scanned repo and pooled for the org (contract "Flow")."""
    available = set(frames.available_repos("pull_requests"))
    all_merged = _all_merged(frames, window)
    all_reviewed = _all_first_reviews(frames, window)
    all_open = _all_open(frames, window.end)
    merged = _drop_bots(all_merged, params)
    reviewed = _drop_bots(all_reviewed, params)
    wip = _drop_bots(all_open, params)
    if params.exclude_bots:
        keys = pd.concat(
            [
                f.loc[f["author_is_bot"], ["repo", "number"]]
                for f in (all_merged, all_reviewed, all_open)
            ]
        ).drop_duplicates()
        bots_by_repo = keys["repo"].value_counts().to_dict()
    else:
        keys, bots_by_repo = pd.DataFrame({"repo": []}), {}

    n_merged, cycle_avg, cycle_med = (
        stats.group_count(merged),
        stats.group_mean(merged, "cycle_hours"),
        stats.group_median(merged, "cycle_hours"),
    )
    n_reviewed, review_avg, review_med = (
        stats.group_count(reviewed),
        stats.group_mean(reviewed, "review_hours"),
        stats.group_median(reviewed, "review_hours"),
    )
    n_wip = stats.group_count(wip)
    result = SectionResult()
    for repo in frames.scanned_repos():
        if repo not in available:
            result.repos[repo] = _unknown()
            continue
        result.repos[repo] = _section(
            n_merged.get(repo, 0),
            (cycle_avg.get(repo), cycle_med.get(repo)),
            n_reviewed.get(repo, 0),
            (review_avg.get(repo), review_med.get(repo)),
            n_wip.get(repo, 0),
            int(bots_by_repo.get(repo, 0)),
        )
    if available:
        result.org = _section(
            len(merged),
            (stats.mean(merged["cycle_hours"]), stats.median(merged["cycle_hours"])),
            len(reviewed),
            (stats.mean(reviewed["review_hours"]), stats.median(reviewed["review_hours"])),
            len(wip),
            len(keys),
        )
    else:
        result.org = _unknown()
    return result
