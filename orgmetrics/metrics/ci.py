"""CI section of the contract (GitHub Actions): runs, failure/success rate, duration, adoption.

Seam: `compute(frames, window, params) -> SectionResult` (org pooled + every scanned repo).
Event helper shared with the weekly series: `counted_runs(frames, window=None) -> DataFrame
[repo, id, workflow_name, created_at, conclusion, failed, duration_minutes]` — completed runs
with a success or failed conclusion, of repos whose run listing answered, created in the window
when one is given.

Definitions: runs counted are created in the window with `status == completed`; `success` is a
success, `failure`/`timed_out`/`startup_failure` are failed; `cancelled`, `skipped`, `neutral`,
`action_required`, `stale` are left out of the rate (reported as `excluded_runs`). Duration is
`updated_at - run_started_at` in minutes (1 decimal); a missing or negative duration is unknown.
Nulls: `runs` is null only when the run listing was unavailable (0 when it answered with none);
rates and the median are null when there is no counted run; `has_workflows` (an `active`
workflow exists) is null when the workflow listing was unavailable. Org `adoption_rate` =
scanned repos with workflows / scanned repos whose workflow listing answered (an unknown repo
is neither counted as having nor as lacking CI), with both counts reported.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from orgmetrics.metrics import stats
from orgmetrics.metrics.base import SectionResult, Window
from orgmetrics.metrics.frames import Frames
from orgmetrics.metrics.params import MetricParams

SUCCESS_CONCLUSIONS = frozenset({"success"})
FAILED_CONCLUSIONS = frozenset({"failure", "timed_out", "startup_failure"})
EXCLUDED_CONCLUSIONS = frozenset({"cancelled", "skipped", "neutral", "action_required", "stale"})

KEYS: tuple[str, ...] = (
    "runs",
    "ci_failure_rate",
    "success_rate",
    "duration_minutes_median",
    "has_workflows",
    "successful_runs",
    "failed_runs",
    "excluded_runs",
)
ORG_KEYS: tuple[str, ...] = (
    *(k for k in KEYS if k != "has_workflows"),
    "adoption_rate",
    "repos_with_workflows",
    "repos_workflows_known",
)


def _completed_in(frames: Frames, window: Window | None) -> pd.DataFrame:
    """Completed runs of scanned repos whose run listing answered (in the window if given)."""
    runs = frames.runs
    mask = (runs["status"] == "completed") & runs["repo"].isin(
        frames.available_repos("workflow_runs")
    )
    if window is not None:
        mask &= stats.in_window(runs["created_at"], window)
    return runs.loc[mask]


def counted_runs(frames: Frames, window: Window | None = None) -> pd.DataFrame:
    """Completed runs with a success or failed conclusion, with `failed` and duration."""
    runs = _completed_in(frames, window)
    conclusion = runs["conclusion"].astype(object)
    runs = runs.loc[conclusion.isin(SUCCESS_CONCLUSIONS | FAILED_CONCLUSIONS)]
    duration = stats.minutes_between(runs["run_started_at"], runs["updated_at"])
    duration = duration.where(duration >= 0, np.nan)
    return pd.DataFrame(
        {
            "repo": runs["repo"],
            "id": runs["id"],
            "workflow_name": runs["workflow_name"],
            "created_at": runs["created_at"],
            "conclusion": runs["conclusion"],
            "failed": runs["conclusion"].astype(object).isin(FAILED_CONCLUSIONS).astype(bool),
            "duration_minutes": duration.astype(float),
        }
    ).reset_index(drop=True)


def _section(total: int, failed: int, excluded: int, duration: float | None) -> dict[str, Any]:
    """Run counts, rates and the duration median of one repo (or the pooled org)."""
    return {
        "runs": total,
        "successful_runs": total - failed,
        "failed_runs": failed,
        "excluded_runs": excluded,
        "ci_failure_rate": stats.ratio(failed, total),
        "success_rate": stats.ratio(total - failed, total),
        "duration_minutes_median": stats.round_minutes(duration),
    }


def _unknown_section() -> dict[str, Any]:
    """The section of a repo whose run listing was unavailable."""
    return {
        "runs": None,
        "successful_runs": None,
        "failed_runs": None,
        "excluded_runs": None,
        "ci_failure_rate": None,
        "success_rate": None,
        "duration_minutes_median": None,
    }


def has_workflows(frames: Frames) -> dict[str, bool | None]:
    """Per scanned repo: an active workflow exists (None when the listing was unavailable)."""
    known = set(frames.available_repos("workflows"))
    wf = frames.workflows
    active = set(wf.loc[wf["state"] == "active", "repo"].astype(object))
    return {repo: (repo in active) if repo in known else None for repo in frames.scanned_repos()}


def compute(frames: Frames, window: Window, params: MetricParams) -> SectionResult:
    """The CI section per scanned repo and pooled for the org (contract "CI")."""
    del params  # CI has no tunables; the argument keeps every section's signature alike
    available = set(frames.available_repos("workflow_runs"))
    counted = counted_runs(frames, window)
    completed = _completed_in(frames, window)
    excluded = completed.loc[completed["conclusion"].astype(object).isin(EXCLUDED_CONCLUSIONS)]
    totals = stats.group_count(counted)
    failed = stats.group_sum(counted, "failed")
    durations = stats.group_median(counted, "duration_minutes")
    excluded_by_repo = stats.group_count(excluded)
    workflows = has_workflows(frames)

    result = SectionResult()
    for repo in frames.scanned_repos():
        if repo in available:
            section = _section(
                totals.get(repo, 0),
                failed.get(repo, 0),
                excluded_by_repo.get(repo, 0),
                durations.get(repo),
            )
        else:
            section = _unknown_section()
        section["has_workflows"] = workflows[repo]
        result.repos[repo] = section

    if available:
        org = _section(
            len(counted),
            int(counted["failed"].sum()),
            len(excluded),
            stats.median(counted["duration_minutes"]),
        )
    else:
        org = _unknown_section()
    known = [v for v in workflows.values() if v is not None]
    with_workflows = sum(1 for v in known if v)
    org["repos_with_workflows"] = with_workflows if known else None
    org["repos_workflows_known"] = len(known)
    org["adoption_rate"] = stats.ratio(with_workflows, len(known)) if known else None
    result.org = org
    return result
