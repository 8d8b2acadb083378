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

from dataclasses import dataclass
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
    for repo, has_deps, has_runs, has_releases in zip(
        flags.index,
        flags["available_deployments"],
        flags["available_workflow_runs"],
        flags["available_releases"],
        strict=True,
    ):
        name = str(repo)
        source: str | None = None
        if has_deps and name in with_prod:
            source = SOURCE_DEPLOYMENTS
        elif has_runs and name in with_workflow:
            source = SOURCE_WORKFLOW
        elif has_releases and name in with_release:
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


@dataclass(frozen=True)
class _Agg:
    """Counts and medians of one scope (a repo or the pooled org) for the DORA section."""

    ok: int = 0
    failed: int = 0
    followed: int = 0
    rework: int = 0
    unrecovered: int = 0
    recovery: float | None = None
    lead: float | None = None
    lead_n: int = 0
    opened: int = 0
    closed: int = 0
    mttr: float | None = None


def _windowed(
    attributed: pd.DataFrame, leads: pd.DataFrame, incidents: pd.DataFrame, window: Window
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Events (with a `rework` flag), lead times, incidents opened and closed, in the window."""
    events = attributed.loc[stats.in_window(attributed["at"], window)].copy()
    ok = events.loc[~events["failed"]]
    events["rework"] = events.index.isin(_rework_ids(ok, incidents))
    events["ok"] = ~events["failed"]
    events["unrecovered"] = events["failed"] & events["next_success_at"].isna()
    events["followed"] = events["ok"] & events["incident_followed"]
    leads_w = leads.loc[stats.in_window(leads["deployed_at"], window)]
    opened = incidents.loc[stats.in_window(incidents["created_at"], window)]
    closed = incidents.loc[stats.in_window(incidents["closed_at"], window)].copy()
    closed["mttr_hours"] = stats.hours_between(closed["created_at"], closed["closed_at"])
    return events, leads_w, opened, closed


def _repo_aggs(
    events: pd.DataFrame, leads_w: pd.DataFrame, opened: pd.DataFrame, closed: pd.DataFrame
) -> dict[str, _Agg]:
    """Per repo `_Agg`, from grouped counts and medians (one pass per measure)."""
    ok = stats.group_sum(events, "ok")
    failed = stats.group_sum(events, "failed")
    followed = stats.group_sum(events, "followed")
    rework = stats.group_sum(events, "rework")
    unrecovered = stats.group_sum(events, "unrecovered")
    recovery = stats.group_median(events.loc[events["failed"]], "recovery_hours")
    lead = stats.group_median(leads_w, "lead_hours")
    lead_n = stats.group_count(leads_w)
    n_opened = stats.group_count(opened)
    n_closed = stats.group_count(closed)
    mttr = stats.group_median(closed, "mttr_hours")
    names = set(ok) | set(failed) | set(lead_n) | set(n_opened) | set(n_closed)
    return {
        name: _Agg(
            ok=ok.get(name, 0),
            failed=failed.get(name, 0),
            followed=followed.get(name, 0),
            rework=rework.get(name, 0),
            unrecovered=unrecovered.get(name, 0),
            recovery=recovery.get(name),
            lead=lead.get(name),
            lead_n=lead_n.get(name, 0),
            opened=n_opened.get(name, 0),
            closed=n_closed.get(name, 0),
            mttr=mttr.get(name),
        )
        for name in names
    }


def _pooled_agg(
    events: pd.DataFrame, leads_w: pd.DataFrame, opened: pd.DataFrame, closed: pd.DataFrame
) -> _Agg:
    """The `_Agg` of already-filtered pooled frames."""
    return _Agg(
        ok=int(events["ok"].sum()),
        failed=int(events["failed"].sum()),
        followed=int(events["followed"].sum()),
        rework=int(events["rework"].sum()),
        unrecovered=int(events["unrecovered"].sum()),
        recovery=stats.median(events.loc[events["failed"], "recovery_hours"]),
        lead=stats.median(leads_w["lead_hours"]),
        lead_n=len(leads_w),
        opened=len(opened),
        closed=len(closed),
        mttr=stats.median(closed["mttr_hours"]),
    )


def _section(
    agg: _Agg,
    *,
    sourced: bool,
    incidents_known: bool,
    prs_known: bool,
    window_days: int,
    edition: str,
    cfr_known: bool | None = None,
    cfr_agg: _Agg | None = None,
) -> dict[str, Any]:
    """One DORA section from its aggregates and null flags (see the module docstring).

    `cfr_agg` (org only) holds the counts for CFR and rework, pooled over the repos whose
    incident listing answered; by default they come from `agg`.
    """
    cfr = cfr_agg or agg
    cfr_ok = incidents_known if cfr_known is None else cfr_known
    section: dict[str, Any] = {
        "mttr_hours_median": stats.round_hours(agg.mttr) if incidents_known else None,
        "incidents_opened": agg.opened if incidents_known else None,
        "incidents_closed": agg.closed if incidents_known else None,
    }
    if sourced:
        section.update(
            {
                "deployments": agg.ok,
                "deployment_frequency_per_week": stats.per_week(agg.ok, window_days),
                "lead_time_hours_median": stats.round_hours(agg.lead) if prs_known else None,
                "lead_time_prs": agg.lead_n if prs_known else None,
                "change_failure_rate": stats.ratio(cfr.failed + cfr.followed, cfr.ok + cfr.failed)
                if cfr_ok
                else None,
                "failed_deployments": agg.failed,
                "incident_followed_deployments": cfr.followed if cfr_ok else None,
                "failed_deployment_recovery_hours_median": stats.round_hours(agg.recovery),
                "unrecovered_failed_deployments": agg.unrecovered,
                "rework_rate": stats.ratio(cfr.rework, cfr.ok) if cfr_ok else None,
                "rework_deployments": cfr.rework if cfr_ok else None,
            }
        )
    else:
        section.update(
            {
                key: None
                for key in (
                    "deployments",
                    "deployment_frequency_per_week",
                    "lead_time_hours_median",
                    "lead_time_prs",
                    "change_failure_rate",
                    "failed_deployments",
                    "incident_followed_deployments",
                    "failed_deployment_recovery_hours_median",
                    "unrecovered_failed_deployments",
                    "rework_rate",
                    "rework_deployments",
                )
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
    ev_w, leads_w, opened, closed = _windowed(attributed, leads, incidents, window)
    aggs = _repo_aggs(ev_w, leads_w, opened, closed)
    empty = _Agg()

    result = SectionResult()
    for repo, source in sources.items():
        section = _section(
            aggs.get(repo, empty),
            sourced=source is not None,
            incidents_known=repo in incident_repos,
            prs_known=repo in pr_repos,
            window_days=window.days,
            edition=params.dora_bands,
        )
        section["deployment_source"] = source
        result.repos[repo] = section

    sourced = {r for r, s in sources.items() if s is not None}
    # CFR and rework pool only repos where "followed by an incident" can be known.
    cfr_events = ev_w.loc[ev_w["repo"].isin(sourced & incident_repos)]
    org = _section(
        _pooled_agg(ev_w, leads_w, opened, closed),
        sourced=bool(sourced),
        incidents_known=bool(incident_repos),
        prs_known=bool(pr_repos & sourced),
        window_days=window.days,
        edition=params.dora_bands,
        cfr_known=bool(sourced & incident_repos),
        cfr_agg=_pooled_agg(cfr_events, leads_w.iloc[0:0], opened.iloc[0:0], closed.iloc[0:0]),
    )
    counts = {SOURCE_DEPLOYMENTS: 0, SOURCE_WORKFLOW: 0, SOURCE_RELEASE: 0, "none": 0}
    for source in sources.values():
        counts[source or "none"] += 1
    org["deployment_sources"] = counts
    org["bands_edition"] = params.dora_bands
    result.org = org
    return result
