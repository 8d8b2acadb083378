"""DORA section of the contract: deployments, lead time, CFR, MTTR, recovery, rework, level.

Seam: `compute(frames, window, params) -> SectionResult` (org pooled + every scanned repo).
Event helpers shared with the weekly series (H7's `series.py`), so both use one definition:
- `deployment_sources(frames, params) -> dict[repo, "deployments"|"workflow"|"release"|None]`
- `deployment_events(frames, params, until=None) -> DataFrame[repo, id, at, outcome, failed,
  source]`: every finished deployment of each repo's source (outcome success|failure|error),
  sorted by (repo, at); `until` (exclusive) drops events at or after it.
- `incident_issues(frames, params, until=None) -> DataFrame[repo, number, created_at,
  closed_at]`: issues whose label matches the incident pattern, from repos whose incident
  listing answered; `closed_at` at or after `until` is treated as still open (NaT).
- `lead_times(frames, params, until=None) -> DataFrame[repo, number, start_at, merged_at,
  deployed_at, lead_hours]`: PRs merged into the default branch with their first successful
  deployment at or after the merge (PRs without one are left out).
- `failure_attribution(events, incidents, params) -> DataFrame`: events with `next_success_at`,
  `incident_followed` (success followed by an incident within the attribution window and before
  the next success) and `recovery_hours` (failed -> next success).

Nothing at or after `as_of` (the window end) is used, so a back-filled `--as-of` gives what a
collection at that instant would have given. Null rules: a repo without a deployment source has
every deployment metric null; CFR and rework are null when the incident listing was unavailable
(followed-by-incident cannot be known) or there were no deployments; MTTR needs only incidents.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from orgmetrics.metrics import dora_bands, stats
from orgmetrics.metrics.base import SectionResult, Window
from orgmetrics.metrics.frames import DT, DT_TYPE, Frames
from orgmetrics.metrics.params import MetricParams

SOURCE_DEPLOYMENTS, SOURCE_WORKFLOW, SOURCE_RELEASE = "deployments", "workflow", "release"
FAILED_OUTCOMES = frozenset({"failure", "error"})
FAILED_RUN_CONCLUSIONS = frozenset({"failure", "timed_out", "startup_failure"})

KEYS: tuple[str, ...] = (
    "deployments",
    "deployment_frequency_per_week",
    "lead_time_hours_median",
    "change_failure_rate",
    "mttr_hours_median",
    "failed_deployment_recovery_hours_median",
    "rework_rate",
    "performance_level",
    "performance_levels_by_key",
    "deployment_source",
    "failed_deployments",
    "incident_followed_deployments",
    "unrecovered_failed_deployments",
    "rework_deployments",
    "lead_time_prs",
    "incidents_opened",
    "incidents_closed",
)
ORG_KEYS: tuple[str, ...] = (
    *(k for k in KEYS if k != "deployment_source"),
    "deployment_sources",
    "bands_edition",
)

_EVENT_COLUMNS = {
    "repo": "str",
    "id": "int64",
    "at": DT,
    "outcome": "str",
    "failed": "bool",
    "source": "str",
}


def _until(frames: Frames, until: datetime | None) -> pd.Timestamp | None:
    """`until` as a Timestamp (None = no cut-off)."""
    return None if until is None else stats.timestamp(until)


def _scanned_flags(frames: Frames) -> pd.DataFrame:
    """The rows of `frames.repos` for scanned repos, indexed by repo name."""
    repos = frames.repos
    return repos.loc[~repos["archived"]].set_index("repo")


def _prod_deployments(frames: Frames, params: MetricParams) -> pd.DataFrame:
    """Deployments whose environment matches the production pattern (any outcome)."""
    deps = frames.deployments
    if deps.empty:
        return deps
    rx = params.production_env_re()
    envs = deps["environment"].astype(object)
    unique = {env: bool(rx.search(str(env))) for env in envs.dropna().unique()}
    mask = envs.map(lambda env: unique.get(env, False)).astype(bool)
    return deps.loc[mask]


def _published_releases(frames: Frames) -> pd.DataFrame:
    """Published, non-draft, non-prerelease releases."""
    rel = frames.releases
    return rel.loc[~rel["draft"] & ~rel["prerelease"] & rel["published_at"].notna()]


def _deploy_workflow_runs(frames: Frames, params: MetricParams) -> pd.DataFrame:
    """Completed runs on the default branch of workflows whose name or path matches."""
    runs = frames.runs
    if runs.empty:
        return runs
    rx = params.deployment_workflow_re()
    names = runs["workflow_name"].astype(object).fillna("")
    paths = runs["workflow_path"].astype(object).fillna("")
    keys = pd.Series(list(zip(names, paths, strict=True)), index=runs.index)
    cache = {k: bool(rx.search(k[0]) or rx.search(k[1])) for k in set(keys)}
    match = keys.map(cache).astype(bool)
    default = runs["repo"].map(frames.repos.set_index("repo")["default_branch"])
    on_default = runs["head_branch"].astype(object) == default.astype(object)
    return runs.loc[match & on_default & (runs["status"] == "completed")]


def _matching_workflows(frames: Frames, params: MetricParams) -> set[str]:
    """Repos with a workflow (listing) whose name or path matches the fallback pattern."""
    rx = params.deployment_workflow_re()
    wf = frames.workflows
    return {
        str(repo)
        for repo, name, path in zip(wf["repo"], wf["name"], wf["path"], strict=True)
        if rx.search(str(name)) or rx.search(str(path))
    }


def deployment_sources(
    frames: Frames, params: MetricParams, until: datetime | None = None
) -> dict[str, str | None]:
    """The deployment source of every scanned repo (contract "DORA", fallback rule)."""
    cut = _until(frames, until)
    flags = _scanned_flags(frames)
    prod = _prod_deployments(frames, params)
    if cut is not None and not prod.empty:
        prod = prod.loc[prod["created_at"] < cut]
    with_prod = set(prod["repo"].astype(object))
    with_workflow: set[str] = set()
    with_release: set[str] = set()
    if params.deployment_fallback == SOURCE_WORKFLOW:
        runs = _deploy_workflow_runs(frames, params)
        with_workflow = set(runs["repo"].astype(object)) | _matching_workflows(frames, params)
    elif params.deployment_fallback == SOURCE_RELEASE:
        rel = _published_releases(frames)
        if cut is not None:
            rel = rel.loc[rel["published_at"] < cut]
        with_release = set(rel["repo"].astype(object))
    result: dict[str, str | None] = {}
    for repo, row in flags.iterrows():
        name = str(repo)
        source: str | None = None
        if row["available_deployments"] and name in with_prod:
            source = SOURCE_DEPLOYMENTS
        elif name in with_workflow and row["available_workflow_runs"]:
            source = SOURCE_WORKFLOW
        elif name in with_release and row["available_releases"]:
            source = SOURCE_RELEASE
        result[name] = source
    return dict(sorted(result.items()))


def _empty_events() -> pd.DataFrame:
    """An empty deployment-events frame with its dtypes."""
    return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in _EVENT_COLUMNS.items()})


def deployment_events(
    frames: Frames,
    params: MetricParams,
    until: datetime | None = None,
    sources: dict[str, str | None] | None = None,
) -> pd.DataFrame:
    """Every finished deployment of each repo's source, sorted by (repo, at)."""
    if sources is None:
        sources = deployment_sources(frames, params, until)
    by_source: dict[str, list[str]] = {}
    for repo, source in sources.items():
        if source is not None:
            by_source.setdefault(source, []).append(repo)
    parts: list[pd.DataFrame] = []
    if by_source.get(SOURCE_DEPLOYMENTS):
        deps = _prod_deployments(frames, params)
        deps = deps.loc[deps["repo"].isin(by_source[SOURCE_DEPLOYMENTS]) & deps["outcome"].notna()]
        parts.append(
            pd.DataFrame(
                {
                    "repo": deps["repo"],
                    "id": deps["id"],
                    "at": deps["outcome_at"],
                    "outcome": deps["outcome"],
                    "failed": deps["outcome"].isin(FAILED_OUTCOMES),
                    "source": SOURCE_DEPLOYMENTS,
                }
            )
        )
    if by_source.get(SOURCE_WORKFLOW):
        runs = _deploy_workflow_runs(frames, params)
        runs = runs.loc[runs["repo"].isin(by_source[SOURCE_WORKFLOW])]
        conclusion = runs["conclusion"].astype(object)
        ok = conclusion == "success"
        bad = conclusion.isin(FAILED_RUN_CONCLUSIONS)
        runs = runs.loc[ok | bad]
        at = runs["updated_at"].fillna(runs["run_started_at"]).fillna(runs["created_at"])
        parts.append(
            pd.DataFrame(
                {
                    "repo": runs["repo"],
                    "id": runs["id"],
                    "at": at,
                    "outcome": np.where(bad.loc[runs.index], "failure", "success"),
                    "failed": bad.loc[runs.index],
                    "source": SOURCE_WORKFLOW,
                }
            )
        )
    if by_source.get(SOURCE_RELEASE):
        rel = _published_releases(frames)
        rel = rel.loc[rel["repo"].isin(by_source[SOURCE_RELEASE])]
        parts.append(
            pd.DataFrame(
                {
                    "repo": rel["repo"],
                    "id": rel["id"],
                    "at": rel["published_at"],
                    "outcome": "success",
                    "failed": False,
                    "source": SOURCE_RELEASE,
                }
            )
        )
    if not parts:
        return _empty_events()
    events = pd.concat([p.astype(_EVENT_COLUMNS) for p in parts], ignore_index=True)
    events = events.loc[events["at"].notna()]
    cut = _until(frames, until)
    if cut is not None:
        events = events.loc[events["at"] < cut]
    return events.sort_values(["repo", "at", "id"], kind="mergesort").reset_index(drop=True)


def incident_issues(
    frames: Frames, params: MetricParams, until: datetime | None = None
) -> pd.DataFrame:
    """Incident issues (label matches the pattern) of repos whose incident listing answered."""
    inc = frames.incidents
    available = set(frames.available_repos("incidents"))
    rx = params.incident_label_re()
    match = inc["labels"].map(lambda labels: any(rx.search(str(x)) for x in labels)).astype(bool)
    out = inc.loc[
        match & inc["repo"].isin(available), ["repo", "number", "created_at", "closed_at"]
    ]
    cut = _until(frames, until)
    if cut is not None:
        out = out.loc[out["created_at"] < cut].copy()
        out.loc[out["closed_at"] >= cut, "closed_at"] = pd.NaT
    return out.sort_values(["repo", "created_at", "number"], kind="mergesort").reset_index(
        drop=True
    )


def _next_success(events: pd.DataFrame) -> pd.Series:
    """For every event, the time of the repo's next successful event strictly after it."""
    if events.empty:
        return pd.Series([], dtype=DT)
    ordered = events.reset_index().sort_values("at", kind="mergesort")
    successes = ordered.loc[~ordered["failed"], ["repo", "at"]].rename(columns={"at": "next_at"})
    successes = successes.assign(key_at=successes["next_at"])
    merged = pd.merge_asof(
        ordered,
        successes.sort_values("key_at", kind="mergesort"),
        left_on="at",
        right_on="key_at",
        by="repo",
        direction="forward",
        allow_exact_matches=False,
    )
    values = pd.Series(merged["next_at"].to_numpy(), index=merged["index"].to_numpy())
    return _utc(values.reindex(events.index))


def _utc(series: pd.Series) -> pd.Series:
    """A datetime-like series as tz-aware UTC `DT` (all-NaT results may come back naive)."""
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        return series.astype(DT_TYPE)
    return pd.Series(pd.to_datetime(series, utc=True), index=series.index).astype(DT_TYPE)


def failure_attribution(
    events: pd.DataFrame, incidents: pd.DataFrame, params: MetricParams
) -> pd.DataFrame:
    """Events plus `next_success_at`, `incident_followed` and `recovery_hours` (see module)."""
    out = events.copy()
    out["next_success_at"] = _next_success(events)
    out["incident_followed"] = False
    out["recovery_hours"] = np.nan
    if out.empty:
        return out
    failed = out["failed"]
    out.loc[failed, "recovery_hours"] = stats.hours_between(
        out.loc[failed, "at"], out.loc[failed, "next_success_at"]
    )
    if incidents.empty:
        return out
    ok = out.loc[~failed].reset_index().sort_values("at", kind="mergesort")
    first = incidents[["repo", "created_at"]].rename(columns={"created_at": "incident_at"})
    first = first.assign(key_at=first["incident_at"]).sort_values("key_at", kind="mergesort")
    merged = pd.merge_asof(
        ok,
        first,
        left_on="at",
        right_on="key_at",
        by="repo",
        direction="forward",
        allow_exact_matches=False,
    )
    limit = pd.Timedelta(hours=params.incident_attribution_hours)
    inc_at = merged["incident_at"]
    followed = (
        inc_at.notna()
        & (inc_at - merged["at"] <= limit)
        & (merged["next_success_at"].isna() | (inc_at < merged["next_success_at"]))
    )
    out.loc[merged.loc[followed.to_numpy(), "index"].to_numpy(), "incident_followed"] = True
    return out


def _rework_ids(successes: pd.DataFrame, incidents: pd.DataFrame) -> pd.Index:
    """Index labels of successful events made while an incident of the same repo was open."""
    if successes.empty or incidents.empty:
        return pd.Index([])
    pairs = successes.reset_index().merge(
        incidents[["repo", "created_at", "closed_at"]], on="repo", how="inner"
    )
    open_then = (pairs["created_at"] <= pairs["at"]) & (
        pairs["closed_at"].isna() | (pairs["at"] < pairs["closed_at"])
    )
    return pd.Index(pairs.loc[open_then, "index"].unique())


def lead_times(
    frames: Frames,
    params: MetricParams,
    until: datetime | None = None,
    events: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Default-branch merged PRs with their first successful deployment at or after the merge.

    Start is the PR's first commit (earliest authored date) or its `created_at` when unknown.
    Bot PRs count: they are changes that reached production.
    """
    dtypes = {
        "repo": "str",
        "number": "int64",
        "start_at": DT,
        "merged_at": DT,
        "deployed_at": DT,
        "lead_hours": "float64",
    }
    columns = list(dtypes)
    if events is None:
        events = deployment_events(frames, params, until)
    prs = frames.prs
    available = set(frames.available_repos("pull_requests"))
    mask = prs["is_default_base"] & prs["merged_at"].notna() & prs["repo"].isin(available)
    cut = _until(frames, until)
    if cut is not None:
        mask &= prs["merged_at"] < cut
    merged = prs.loc[mask, ["repo", "number", "created_at", "merged_at", "first_commit_at"]]
    successes = events.loc[~events["failed"], ["repo", "at"]]
    if merged.empty or successes.empty:
        return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in dtypes.items()})
    successes = successes.rename(columns={"at": "deployed_at"})
    successes = successes.assign(key_at=successes["deployed_at"]).sort_values(
        "key_at", kind="mergesort"
    )
    joined = pd.merge_asof(
        merged.sort_values("merged_at", kind="mergesort"),
        successes,
        left_on="merged_at",
        right_on="key_at",
        by="repo",
        direction="forward",
        allow_exact_matches=True,
    )
    joined = joined.loc[joined["deployed_at"].notna()].copy()
    joined["start_at"] = joined["first_commit_at"].fillna(joined["created_at"])
    joined["lead_hours"] = stats.hours_between(joined["start_at"], joined["deployed_at"])
    return joined[columns].sort_values(["repo", "number"], kind="mergesort").reset_index(drop=True)


def _section(
    *,
    sourced: bool,
    incidents_known: bool,
    window: Window,
    events: pd.DataFrame,
    leads: pd.DataFrame,
    prs_known: bool,
    incidents: pd.DataFrame,
    edition: str,
) -> dict[str, Any]:
    """One DORA section (a repo's or the pooled org's) from its already-filtered events."""
    closed = incidents.loc[stats.in_window(incidents["closed_at"], window)]
    mttr_values = stats.hours_between(closed["created_at"], closed["closed_at"])
    section: dict[str, Any] = {
        "mttr_hours_median": stats.round_hours(stats.median(mttr_values))
        if incidents_known
        else None,
        "incidents_opened": int(stats.in_window(incidents["created_at"], window).sum())
        if incidents_known
        else None,
        "incidents_closed": len(closed) if incidents_known else None,
    }
    if not sourced:
        section.update(
            {
                "deployments": None,
                "deployment_frequency_per_week": None,
                "lead_time_hours_median": None,
                "lead_time_prs": None,
                "change_failure_rate": None,
                "failed_deployments": None,
                "incident_followed_deployments": None,
                "failed_deployment_recovery_hours_median": None,
                "unrecovered_failed_deployments": None,
                "rework_rate": None,
                "rework_deployments": None,
            }
        )
    else:
        in_win = events.loc[stats.in_window(events["at"], window)]
        successes = in_win.loc[~in_win["failed"]]
        failures = in_win.loc[in_win["failed"]]
        n_ok, n_failed = len(successes), len(failures)
        followed = int(successes["incident_followed"].sum())
        lead_in = leads.loc[stats.in_window(leads["deployed_at"], window)]
        rework = len(_rework_ids(successes, incidents))
        section.update(
            {
                "deployments": n_ok,
                "deployment_frequency_per_week": stats.per_week(n_ok, window.days),
                "lead_time_hours_median": stats.round_hours(stats.median(lead_in["lead_hours"]))
                if prs_known
                else None,
                "lead_time_prs": len(lead_in) if prs_known else None,
                "change_failure_rate": stats.ratio(n_failed + followed, n_ok + n_failed)
                if incidents_known
                else None,
                "failed_deployments": n_failed,
                "incident_followed_deployments": followed if incidents_known else None,
                "failed_deployment_recovery_hours_median": stats.round_hours(
                    stats.median(failures["recovery_hours"])
                ),
                "unrecovered_failed_deployments": int(failures["next_success_at"].isna().sum()),
                "rework_rate": stats.ratio(rework, n_ok) if incidents_known else None,
                "rework_deployments": rework if incidents_known else None,
            }
        )
    level, by_key = dora_bands.performance_level(
        {
            "deployment_frequency": section["deployment_frequency_per_week"],
            "lead_time": section["lead_time_hours_median"],
            "change_failure_rate": section["change_failure_rate"],
            "failed_deployment_recovery": section["failed_deployment_recovery_hours_median"],
        },
        edition,
    )
    section["performance_level"] = level
    section["performance_levels_by_key"] = by_key
    return section


def compute(frames: Frames, window: Window, params: MetricParams) -> SectionResult:
    """The DORA section per scanned repo and pooled for the org (contract "DORA")."""
    dora_bands.edition(params.dora_bands)  # fail fast on an unknown edition
    until = window.end
    sources = deployment_sources(frames, params, until)
    events = deployment_events(frames, params, until, sources)
    incidents = incident_issues(frames, params, until)
    attributed = failure_attribution(events, incidents, params)
    leads = lead_times(frames, params, until, events)
    incident_repos = set(frames.available_repos("incidents"))
    pr_repos = set(frames.available_repos("pull_requests"))

    ev_groups = dict(tuple(attributed.groupby("repo", sort=False)))
    lead_groups = dict(tuple(leads.groupby("repo", sort=False)))
    inc_groups = dict(tuple(incidents.groupby("repo", sort=False)))
    empty_ev, empty_lead, empty_inc = attributed.iloc[0:0], leads.iloc[0:0], incidents.iloc[0:0]

    result = SectionResult()
    for repo, source in sources.items():
        section = _section(
            sourced=source is not None,
            incidents_known=repo in incident_repos,
            window=window,
            events=ev_groups.get(repo, empty_ev),
            leads=lead_groups.get(repo, empty_lead),
            prs_known=repo in pr_repos,
            incidents=inc_groups.get(repo, empty_inc),
            edition=params.dora_bands,
        )
        section["deployment_source"] = source
        result.repos[repo] = section

    sourced = [r for r, s in sources.items() if s is not None]
    sourced_with_incidents = [r for r in sourced if r in incident_repos]
    org = _section(
        sourced=bool(sourced),
        incidents_known=bool(incident_repos),
        window=window,
        events=attributed,
        leads=leads,
        prs_known=bool(pr_repos & set(sourced)),
        incidents=incidents,
        edition=params.dora_bands,
    )
    if sourced:
        # CFR and rework pool only repos where followed-by-incident can be known.
        pooled = attributed.loc[attributed["repo"].isin(sourced_with_incidents)]
        in_win = pooled.loc[stats.in_window(pooled["at"], window)]
        ok = in_win.loc[~in_win["failed"]]
        n_failed = int(in_win["failed"].sum())
        followed = int(ok["incident_followed"].sum())
        rework = len(_rework_ids(ok, incidents))
        known = bool(sourced_with_incidents)
        org["change_failure_rate"] = (
            stats.ratio(n_failed + followed, len(in_win)) if known else None
        )
        org["incident_followed_deployments"] = followed if known else None
        org["rework_rate"] = stats.ratio(rework, len(ok)) if known else None
        org["rework_deployments"] = rework if known else None
        level, by_key = dora_bands.performance_level(
            {
                "deployment_frequency": org["deployment_frequency_per_week"],
                "lead_time": org["lead_time_hours_median"],
                "change_failure_rate": org["change_failure_rate"],
                "failed_deployment_recovery": org["failed_deployment_recovery_hours_median"],
            },
            params.dora_bands,
        )
        org["performance_level"], org["performance_levels_by_key"] = level, by_key
    counts = {SOURCE_DEPLOYMENTS: 0, SOURCE_WORKFLOW: 0, SOURCE_RELEASE: 0, "none": 0}
    for source in sources.values():
        counts[source or "none"] += 1
    org["deployment_sources"] = counts
    org["bands_edition"] = params.dora_bands
    result.org = org
    return result
