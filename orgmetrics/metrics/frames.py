"""Raw repository documents (schema raw_repo 1.0) -> pandas frames, in one pass.

Seam (docs/INTERFACES.md, "Metric modules"): `build_frames(docs) -> Frames`. Every metric
module is a pure function over these frames. Columns are listed in `COLUMNS` (name -> dtype);
an empty frame has the same columns and dtypes. Datetimes are tz-aware UTC `datetime64[us, UTC]`
with NaT for unknown; strings use pandas' `str` dtype (NaN for null); `labels` and `errors` are
Python tuples/lists in object columns. Every frame has a `repo` column (the repo's `name`).

Frames (one row per ...):
- `repos` (raw document): repo, full_name, archived, fork, private, empty, default_branch,
  language, as_of, lookback_days, errors (list of {field, status, reason}), and for every
  source S in `SOURCES` the flags `available_<S>` and `truncated_<S>` (S = pull_requests,
  deployments, incidents, commits, workflows, workflow_runs, releases, dependabot,
  code_scanning, secret_scanning), plus `reviews_truncated` / `statuses_truncated`
  (any PR's reviews / any deployment's statuses were cut short).
- `prs` (pull request): repo, number, author (login; NaN for a deleted account),
  author_is_bot, state (OPEN|CLOSED|MERGED), draft, created_at, merged_at, closed_at,
  ready_for_review_at, base_ref, is_default_base, first_commit_at, labels, reviews_truncated.
- `reviews` (review): repo, pr_number, author, author_is_bot, state, submitted_at.
- `deployments` (deployment, any environment): repo, id, environment, created_at, sha, ref,
  statuses_truncated, outcome (success|failure|error, NaN when unfinished), outcome_at (the
  deciding status's created_at) — the contract's deciding-status rule, see `deciding_status`.
- `deployment_statuses` (status): repo, deployment_id, state, created_at.
- `incidents` (issue of the incidents listing): repo, number, state, created_at, closed_at,
  labels. NOT filtered by the incident label pattern here: that pattern is a metric parameter.
- `commits` (default-branch commit): repo, sha, authored_at, author_login, author_email, is_bot
  (the contract's bot rule, `orgmetrics.metrics.bots`).
- `runs` (workflow run): repo, id, workflow_id, workflow_name, workflow_path, event,
  head_branch, status, conclusion, created_at, run_started_at, updated_at.
- `workflows` (workflow): repo, id, name, path, state.
- `releases` (release): repo, id, tag, name, draft, prerelease, created_at, published_at.
- `alerts` (security alert): repo, source (dependabot|code_scanning|secret_scanning), number,
  state, severity, package, rule_id, secret_type, resolution, created_at, fixed_at,
  dismissed_at, auto_dismissed_at, resolved_at (columns a source lacks are NaN/NaT).

Speed: values are gathered into per-column Python lists and converted once per column
(timestamps parsed by numpy from the fixed `YYYY-MM-DDTHH:MM:SSZ` form, `parse_timestamps`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from orgmetrics.metrics.bots import is_bot_actor, is_bot_commit

DT = "datetime64[us, UTC]"
DT_TYPE = pd.DatetimeTZDtype(unit="us", tz="UTC")  # the same dtype, as an object
STR = "str"

# Raw document key -> short source name used in the `available_*` / `truncated_*` columns.
SOURCES: dict[str, str] = {
    "pull_requests": "pull_requests",
    "deployments": "deployments",
    "incidents": "incidents",
    "commits": "commits",
    "workflows": "workflows",
    "workflow_runs": "workflow_runs",
    "releases": "releases",
    "dependabot_alerts": "dependabot",
    "code_scanning_alerts": "code_scanning",
    "secret_scanning_alerts": "secret_scanning",
}

COLUMNS: dict[str, dict[str, str]] = {
    "repos": {
        "repo": STR,
        "full_name": STR,
        "archived": "bool",
        "fork": "bool",
        "private": "bool",
        "empty": "bool",
        "default_branch": STR,
        "language": STR,
        "as_of": DT,
        "lookback_days": "int64",
        "errors": "object",
        **{f"available_{short}": "bool" for short in SOURCES.values()},
        **{f"truncated_{short}": "bool" for short in SOURCES.values()},
        "reviews_truncated": "bool",
        "statuses_truncated": "bool",
    },
    "prs": {
        "repo": STR,
        "number": "int64",
        "author": STR,
        "author_is_bot": "bool",
        "state": STR,
        "draft": "bool",
        "created_at": DT,
        "merged_at": DT,
        "closed_at": DT,
        "ready_for_review_at": DT,
        "base_ref": STR,
        "is_default_base": "bool",
        "first_commit_at": DT,
        "labels": "object",
        "reviews_truncated": "bool",
    },
    "reviews": {
        "repo": STR,
        "pr_number": "int64",
        "author": STR,
        "author_is_bot": "bool",
        "state": STR,
        "submitted_at": DT,
    },
    "deployments": {
        "repo": STR,
        "id": "int64",
        "environment": STR,
        "created_at": DT,
        "sha": STR,
        "ref": STR,
        "statuses_truncated": "bool",
        "outcome": STR,
        "outcome_at": DT,
    },
    "deployment_statuses": {
        "repo": STR,
        "deployment_id": "int64",
        "state": STR,
        "created_at": DT,
    },
    "incidents": {
        "repo": STR,
        "number": "int64",
        "state": STR,
        "created_at": DT,
        "closed_at": DT,
        "labels": "object",
    },
    "commits": {
        "repo": STR,
        "sha": STR,
        "authored_at": DT,
        "author_login": STR,
        "author_email": STR,
        "is_bot": "bool",
    },
    "runs": {
        "repo": STR,
        "id": "int64",
        "workflow_id": "int64",
        "workflow_name": STR,
        "workflow_path": STR,
        "event": STR,
        "head_branch": STR,
        "status": STR,
        "conclusion": STR,
        "created_at": DT,
        "run_started_at": DT,
        "updated_at": DT,
    },
    "workflows": {"repo": STR, "id": "int64", "name": STR, "path": STR, "state": STR},
    "releases": {
        "repo": STR,
        "id": "int64",
        "tag": STR,
        "name": STR,
        "draft": "bool",
        "prerelease": "bool",
        "created_at": DT,
        "published_at": DT,
    },
    "alerts": {
        "repo": STR,
        "source": STR,
        "number": "int64",
        "state": STR,
        "severity": STR,
        "package": STR,
        "rule_id": STR,
        "secret_type": STR,
        "resolution": STR,
        "created_at": DT,
        "fixed_at": DT,
        "dismissed_at": DT,
        "auto_dismissed_at": DT,
        "resolved_at": DT,
    },
}

# Deployment status states that decide a deployment's outcome (contract "DORA").
DECIDING_STATES = frozenset({"success", "failure", "error"})


@dataclass(frozen=True)
class Frames:
    """All frames built from one snapshot's raw documents (see the module docstring)."""

    repos: pd.DataFrame
    prs: pd.DataFrame
    reviews: pd.DataFrame
    deployments: pd.DataFrame
    deployment_statuses: pd.DataFrame
    incidents: pd.DataFrame
    commits: pd.DataFrame
    runs: pd.DataFrame
    workflows: pd.DataFrame
    releases: pd.DataFrame
    alerts: pd.DataFrame

    def scanned_repos(self) -> list[str]:
        """Names of the scanned (non-archived) repos, sorted (contract "Which repositories")."""
        repos = self.repos
        if repos.empty:
            return []
        return sorted(str(name) for name in repos.loc[~repos["archived"], "repo"])

    def available_repos(self, source: str) -> list[str]:
        """Scanned repos whose `source` listing answered (`available_<source>` is true)."""
        repos = self.repos
        if repos.empty:
            return []
        mask = ~repos["archived"] & repos[f"available_{source}"]
        return sorted(str(name) for name in repos.loc[mask, "repo"])


def deciding_status(statuses: Sequence[dict[str, Any]]) -> tuple[str | None, str | None]:
    """(outcome, at) of a deployment: its last success/failure/error status, by created_at.

    `inactive` (GitHub marks superseded deployments inactive), `pending`, `queued` and
    `in_progress` are ignored; with none of the three deciding states the deployment is
    unfinished: (None, None). Statuses are oldest first in the raw document; ties on
    created_at keep the later list position.
    """
    best: tuple[str, str] | None = None
    for status in statuses:
        state = status.get("state")
        if state in DECIDING_STATES:
            at = str(status["created_at"])
            if best is None or at >= best[1]:
                best = (str(state), at)
    return best if best is not None else (None, None)


def parse_timestamps(values: Sequence[str | None]) -> pd.Series:
    """Schema timestamps (`YYYY-MM-DDTHH:MM:SSZ`, or None) as a `DT` series, NaT for None.

    numpy parses the 19-character ISO prefix in C (no per-value strptime, no caching
    assumptions): about 20x faster than `pd.to_datetime(format=...)` on unique values.
    """
    raw = np.array([v[:19] if v else "NaT" for v in values], dtype="datetime64[s]")
    index = pd.DatetimeIndex(raw.astype("datetime64[us]")).tz_localize("UTC")
    return pd.Series(index, dtype=DT_TYPE)


def _frame(name: str, data: dict[str, list[Any]]) -> pd.DataFrame:
    """A frame from per-column lists with the declared dtypes (timestamps parsed at once)."""
    spec = COLUMNS[name]
    columns: dict[str, Any] = {}
    for column, dtype in spec.items():
        values = data.get(column, [])
        if dtype == DT:
            columns[column] = parse_timestamps(values)
        elif dtype == "object":
            columns[column] = pd.Series(values, dtype="object")
        else:
            columns[column] = pd.Series(values, dtype=dtype)
    frame = pd.DataFrame(columns)
    return frame[list(spec)]


def empty_frame(name: str) -> pd.DataFrame:
    """An empty frame with the declared columns and dtypes of `COLUMNS[name]`."""
    return _frame(name, {})


def _login(actor: dict[str, Any] | None) -> str | None:
    """The login of a raw actor, None for a deleted account."""
    return None if actor is None else actor.get("login")


def _collect(docs: Iterable[dict[str, Any]]) -> dict[str, dict[str, list[Any]]]:
    """Walk the documents once, appending every value to its column list."""
    data: dict[str, dict[str, list[Any]]] = {
        name: {column: [] for column in spec} for name, spec in COLUMNS.items()
    }
    r, p, rv = data["repos"], data["prs"], data["reviews"]
    d, ds, inc = data["deployments"], data["deployment_statuses"], data["incidents"]
    c, ru, wf, rel, al = (
        data["commits"],
        data["runs"],
        data["workflows"],
        data["releases"],
        data["alerts"],
    )
    for doc in docs:
        meta = doc["repo"]
        name = meta["name"]
        default_branch = meta.get("default_branch")
        r["repo"].append(name)
        r["full_name"].append(meta.get("full_name"))
        r["archived"].append(bool(meta.get("archived")))
        r["fork"].append(bool(meta.get("fork")))
        r["private"].append(bool(meta.get("private")))
        r["empty"].append(bool(meta.get("empty")))
        r["default_branch"].append(default_branch)
        r["language"].append(meta.get("language"))
        r["as_of"].append(doc.get("as_of"))
        r["lookback_days"].append(int(doc.get("lookback_days", 0)))
        r["errors"].append([dict(e) for e in doc.get("errors", [])])
        for key, short in SOURCES.items():
            section = doc.get(key) or {}
            r[f"available_{short}"].append(bool(section.get("available")))
            r[f"truncated_{short}"].append(bool(section.get("truncated")))

        reviews_cut = False
        for pr in doc["pull_requests"]["items"]:
            number = pr["number"]
            author = pr.get("author")
            login = _login(author)
            p["repo"].append(name)
            p["number"].append(number)
            p["author"].append(login)
            p["author_is_bot"].append(is_bot_actor(author))
            p["state"].append(pr["state"])
            p["draft"].append(bool(pr["draft"]))
            p["created_at"].append(pr["created_at"])
            p["merged_at"].append(pr.get("merged_at"))
            p["closed_at"].append(pr.get("closed_at"))
            p["ready_for_review_at"].append(pr.get("ready_for_review_at"))
            base = pr.get("base_ref")
            p["base_ref"].append(base)
            p["is_default_base"].append(default_branch is not None and base == default_branch)
            p["first_commit_at"].append(pr.get("first_commit_at"))
            p["labels"].append(tuple(pr.get("labels") or ()))
            cut = bool(pr.get("reviews_truncated"))
            reviews_cut = reviews_cut or cut
            p["reviews_truncated"].append(cut)
            for review in pr.get("reviews") or ():
                reviewer = review.get("author")
                rv["repo"].append(name)
                rv["pr_number"].append(number)
                rv["author"].append(_login(reviewer))
                rv["author_is_bot"].append(is_bot_actor(reviewer))
                rv["state"].append(review["state"])
                rv["submitted_at"].append(review.get("submitted_at"))
        r["reviews_truncated"].append(reviews_cut)

        statuses_cut = False
        for dep in doc["deployments"]["items"]:
            statuses = dep.get("statuses") or []
            outcome, outcome_at = deciding_status(statuses)
            d["repo"].append(name)
            d["id"].append(dep["id"])
            d["environment"].append(dep["environment"])
            d["created_at"].append(dep["created_at"])
            d["sha"].append(dep.get("sha"))
            d["ref"].append(dep.get("ref"))
            cut = bool(dep.get("statuses_truncated"))
            statuses_cut = statuses_cut or cut
            d["statuses_truncated"].append(cut)
            d["outcome"].append(outcome)
            d["outcome_at"].append(outcome_at)
            for status in statuses:
                ds["repo"].append(name)
                ds["deployment_id"].append(dep["id"])
                ds["state"].append(status["state"])
                ds["created_at"].append(status["created_at"])
        r["statuses_truncated"].append(statuses_cut)

        for issue in doc["incidents"]["items"]:
            inc["repo"].append(name)
            inc["number"].append(issue["number"])
            inc["state"].append(issue["state"])
            inc["created_at"].append(issue["created_at"])
            inc["closed_at"].append(issue.get("closed_at"))
            inc["labels"].append(tuple(issue.get("labels") or ()))

        for commit in doc["commits"]["items"]:
            login = commit.get("author_login")
            email = commit.get("author_email")
            c["repo"].append(name)
            c["sha"].append(commit["sha"])
            c["authored_at"].append(commit["authored_at"])
            c["author_login"].append(login)
            c["author_email"].append(email)
            c["is_bot"].append(is_bot_commit(login, email, bool(commit.get("is_bot"))))

        for run in doc["workflow_runs"]["items"]:
            ru["repo"].append(name)
            ru["id"].append(run["id"])
            ru["workflow_id"].append(run["workflow_id"])
            ru["workflow_name"].append(run.get("name"))
            ru["workflow_path"].append(run.get("path"))
            ru["event"].append(run.get("event"))
            ru["head_branch"].append(run.get("head_branch"))
            ru["status"].append(run["status"])
            ru["conclusion"].append(run.get("conclusion"))
            ru["created_at"].append(run["created_at"])
            ru["run_started_at"].append(run.get("run_started_at"))
            ru["updated_at"].append(run.get("updated_at"))

        for workflow in doc["workflows"]["items"]:
            wf["repo"].append(name)
            wf["id"].append(workflow["id"])
            wf["name"].append(workflow["name"])
            wf["path"].append(workflow["path"])
            wf["state"].append(workflow["state"])

        for release in doc["releases"]["items"]:
            rel["repo"].append(name)
            rel["id"].append(release["id"])
            rel["tag"].append(release["tag_name"])
            rel["name"].append(release.get("name"))
            rel["draft"].append(bool(release["draft"]))
            rel["prerelease"].append(bool(release["prerelease"]))
            rel["created_at"].append(release["created_at"])
            rel["published_at"].append(release.get("published_at"))

        _collect_alerts(al, name, doc)
    return data


def _collect_alerts(al: dict[str, list[Any]], name: str, doc: dict[str, Any]) -> None:
    """Append the three alert listings of one document to the `alerts` columns."""
    for key, source in (
        ("dependabot_alerts", "dependabot"),
        ("code_scanning_alerts", "code_scanning"),
        ("secret_scanning_alerts", "secret_scanning"),
    ):
        for alert in doc[key]["items"]:
            al["repo"].append(name)
            al["source"].append(source)
            al["number"].append(alert["number"])
            al["state"].append(alert["state"])
            al["severity"].append(alert.get("severity"))
            al["package"].append(alert.get("package"))
            al["rule_id"].append(alert.get("rule_id"))
            al["secret_type"].append(alert.get("secret_type"))
            al["resolution"].append(alert.get("resolution"))
            al["created_at"].append(alert["created_at"])
            al["fixed_at"].append(alert.get("fixed_at"))
            al["dismissed_at"].append(alert.get("dismissed_at"))
            al["auto_dismissed_at"].append(alert.get("auto_dismissed_at"))
            al["resolved_at"].append(alert.get("resolved_at"))


def build_frames(docs: Iterable[dict[str, Any]]) -> Frames:
    """All frames of a snapshot from its raw repo documents (already schema-validated)."""
    data = _collect(docs)
    return Frames(**{name: _frame(name, columns) for name, columns in data.items()})


def empty_frames() -> Frames:
    """Frames of a snapshot without repositories (every frame empty, columns typed)."""
    return build_frames([])


def snapshot_as_of(frames: Frames) -> datetime | None:
    """The latest `as_of` among the documents (the snapshot's instant), None when empty."""
    if frames.repos.empty:
        return None
    latest = frames.repos["as_of"].max()
    return None if pd.isna(latest) else latest.to_pydatetime()
