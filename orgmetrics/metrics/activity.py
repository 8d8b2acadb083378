"""Activity section of the contract: default-branch commits, contributors, top contributors.

Seam: `compute(frames, window, params) -> SectionResult` (org pooled + every scanned repo).
Event helper shared with the weekly series: `window_commits(frames, params, window=None) ->
DataFrame[repo, sha, authored_at, identity, is_bot]` — default-branch commits of repos whose
commit listing answered (authored in the window when given).

Definitions: `commits` counts every default-branch commit authored in the window, bots
included (the contract excludes bots only from contributors). `contributors` counts distinct
identities of non-bot commits (when `exclude_bots`): the author's GitHub login, or — for a
commit with no linked account — `email:` + the first 16 hex digits of the SHA-256 of the
lower-cased address (the contract allows "hashed or as given"; hashing keeps addresses out of
the report). A commit with neither login nor e-mail has no identity: it counts in `commits` and
in `unattributed_commits`, not in `contributors`. The org's `contributors` counts distinct
identities across the org (not a sum); `top_contributors` is the org's top 10 `{login, commits}`
by commits, ties by login ascending. An empty repository (GitHub 409) is scanned with zero
activity; a repo whose commit listing was unavailable is null.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd

from orgmetrics.metrics import stats
from orgmetrics.metrics.base import SectionResult, Window
from orgmetrics.metrics.frames import Frames
from orgmetrics.metrics.params import MetricParams

TOP_N = 10
KEYS: tuple[str, ...] = ("commits", "contributors", "bot_commits", "unattributed_commits")
ORG_KEYS: tuple[str, ...] = (*KEYS, "top_contributors")


def email_identity(email: str) -> str:
    """The identity of a commit author without a GitHub account (hashed address)."""
    digest = hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()
    return f"email:{digest[:16]}"


def _identities(logins: pd.Series, emails: pd.Series) -> pd.Series:
    """Login when linked, else the hashed e-mail identity, else None."""
    out: list[str | None] = []
    for login, email in zip(logins.astype(object), emails.astype(object), strict=True):
        if isinstance(login, str) and login:
            out.append(login)
        elif isinstance(email, str) and email.strip():
            out.append(email_identity(email))
        else:
            out.append(None)
    return pd.Series(out, index=logins.index, dtype=object)


def _known_repos(frames: Frames) -> set[str]:
    """Scanned repos whose commits are known: listing answered, or the repo is empty."""
    repos = frames.repos
    scanned = repos.loc[~repos["archived"]]
    known = scanned.loc[scanned["available_commits"] | scanned["empty"], "repo"]
    return {str(r) for r in known}


def window_commits(
    frames: Frames, params: MetricParams, window: Window | None = None
) -> pd.DataFrame:
    """Default-branch commits (in the window when given) with the author identity."""
    del params  # identity rules take no parameter; kept for a uniform helper signature
    commits = frames.commits
    mask = commits["repo"].isin(_known_repos(frames))
    if window is not None:
        mask &= stats.in_window(commits["authored_at"], window)
    picked = commits.loc[mask]
    return pd.DataFrame(
        {
            "repo": picked["repo"],
            "sha": picked["sha"],
            "authored_at": picked["authored_at"],
            "identity": _identities(picked["author_login"], picked["author_email"]),
            "is_bot": picked["is_bot"],
        }
    ).reset_index(drop=True)


def _section(commits: pd.DataFrame, exclude_bots: bool) -> dict[str, Any]:
    """Commit and contributor counts of one repo's (or the org's) window commits."""
    people = commits.loc[~commits["is_bot"]] if exclude_bots else commits
    return {
        "commits": len(commits),
        "contributors": int(people["identity"].dropna().nunique()),
        "bot_commits": int(commits["is_bot"].sum()),
        "unattributed_commits": int(commits["identity"].isna().sum()),
    }


def top_contributors(commits: pd.DataFrame, exclude_bots: bool, n: int = TOP_N) -> list[dict]:
    """Top `n` `{login, commits}` by commits, ties broken by login ascending."""
    people = commits.loc[~commits["is_bot"]] if exclude_bots else commits
    counts = people["identity"].dropna().value_counts()
    ranked = sorted(counts.items(), key=lambda item: (-int(item[1]), str(item[0])))
    return [{"login": str(login), "commits": int(count)} for login, count in ranked[:n]]


def _contributors_by_repo(commits: pd.DataFrame, exclude_bots: bool) -> dict[str, int]:
    """Distinct identities per repo."""
    people = commits.loc[~commits["is_bot"]] if exclude_bots else commits
    people = people.loc[people["identity"].notna()]
    if people.empty:
        return {}
    counts = people.groupby("repo", sort=False)["identity"].nunique()
    return {str(k): int(v) for k, v in counts.items()}


def compute(frames: Frames, window: Window, params: MetricParams) -> SectionResult:
    """The activity section per scanned repo and pooled for the org (contract "Activity")."""
    known = _known_repos(frames)
    commits = window_commits(frames, params, window)
    commits = commits.assign(unattributed=commits["identity"].isna())
    n_commits = stats.group_count(commits)
    contributors = _contributors_by_repo(commits, params.exclude_bots)
    bots = stats.group_sum(commits, "is_bot")
    unattributed = stats.group_sum(commits, "unattributed")
    result = SectionResult()
    for repo in frames.scanned_repos():
        if repo in known:
            result.repos[repo] = {
                "commits": n_commits.get(repo, 0),
                "contributors": contributors.get(repo, 0),
                "bot_commits": bots.get(repo, 0),
                "unattributed_commits": unattributed.get(repo, 0),
            }
        else:
            result.repos[repo] = {key: None for key in KEYS}
    if known:
        org = _section(commits, params.exclude_bots)
        org["top_contributors"] = top_contributors(commits, params.exclude_bots)
    else:
        org = {key: None for key in ORG_KEYS}
    result.org = org
    return result
