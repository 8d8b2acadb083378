"""`collect_org`: an organisation -> one validated raw document per repo + run metadata.

The request plan (see README "Performance"): the repo listing (REST, 100 per page); one GraphQL
query for the facts of 50 repos (labels, emptiness, Dependabot evidence); the three org-level
alert listings; then per batch of repos one GraphQL query for pull requests (with reviews,
first commit and ready-for-review time), deployments (with statuses), incident issues,
releases and default-branch commits; per repo the Actions workflows and runs (REST), and a
per-repo alert listing only where the org listing gives no evidence for that repo.

A run that stops (rate limit beyond `max_wait`, Ctrl-C, a crash, a kill) keeps every document
it wrote; `collect_org(..., resume_run_id=...)` collects only the rest into the same run.
"""

from __future__ import annotations

import logging
import math
import os
import re
import sys
import uuid
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from orgmetrics.collect.alerts import OrgListing, fetch_org_alerts
from orgmetrics.collect.facts import fetch_facts
from orgmetrics.collect.model import RepoFacts, RunContext
from orgmetrics.collect.plan import RepoSelection, batches, list_repos
from orgmetrics.collect.repo_collector import collect_batch
from orgmetrics.collect.resume import error_counts, missing_repos, written_docs
from orgmetrics.collect.runmeta import (
    build_meta,
    find_run,
    invocation,
    meta_path_for,
    write_meta,
)
from orgmetrics.config import Config
from orgmetrics.errors import ConfigError, ExitCode, OrgmetricsError
from orgmetrics.github import EtagStore, GitHubClient
from orgmetrics.github.errors import RateLimitExhausted
from orgmetrics.store import DataDir
from orgmetrics.timeutil import days_before, parse_iso, to_iso, utcnow

log = logging.getLogger(__name__)

GRAPHQL_BATCH = 5  # repos per heavy GraphQL query (cost ~6 points per repo per query)

Status = Literal["complete", "incomplete"]


@dataclass(frozen=True)
class CollectResult:
    """Where a collection run left its files and whether it finished."""

    run_id: str
    meta_path: Path
    status: Status
    raw_dir: Path
    repos_written: int = 0
    repos_planned: int = 0


class CollectionStopped(OrgmetricsError):
    """The run stopped early (rate limit, interrupt); what was written stays; resume it."""

    def __init__(self, message: str, *, exit_code: int, result: CollectResult) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.result = result


def resume_command(run_id: str, data_dir: Path) -> str:
    """The command line that resumes `run_id`."""
    return f"orgmetrics collect --resume {run_id} --data-dir {data_dir}"


def _want_progress(progress: bool | None) -> bool:
    if progress is not None:
        return progress
    return sys.stderr.isatty() and not os.environ.get("CI")


class _Run:
    """The mutable state of one invocation of `collect_org`."""

    def __init__(self, config: Config, data_dir: Path, client: GitHubClient) -> None:
        self.config = config
        self.data = DataDir(data_dir)
        self.client = client
        self.started = utcnow()
        self.invocations: list[dict[str, Any]] = []
        self.base: dict[str, Any] = {}
        self.repos: dict[str, list[str]] = {}
        self.repos_total = 0
        self.meta_path = Path()
        self.run_id = ""

    def save(self, status: Status, stop_reason: str | None) -> dict[str, Any]:
        docs = written_docs(self.data.raw_dir(self.run_id), self.run_id)
        self.repos["written"] = sorted(docs)
        self.repos["missing"] = missing_repos(self.repos["scanned"], docs)
        stats = self.client.stats.as_dict()
        current = invocation(stats, self.started, utcnow(), status)
        counts = {"repos_total": self.repos_total, **error_counts(docs)}
        meta = build_meta(
            base=self.base,
            invocations=[*self.invocations, current],
            stats=stats,
            status=status,
            stop_reason=stop_reason,
            repos=self.repos,
            counts=counts,
            resume_command=(
                None if status == "complete" else resume_command(self.run_id, self.data.root)
            ),
        )
        write_meta(self.meta_path, meta)
        return meta

    def result(self, status: Status) -> CollectResult:
        return CollectResult(
            run_id=self.run_id,
            meta_path=self.meta_path,
            status=status,
            raw_dir=self.data.raw_dir(self.run_id),
            repos_written=len(self.repos.get("written", [])),
            repos_planned=len(self.repos.get("scanned", [])),
        )


def _new_client(config: Config, data_dir: Path) -> GitHubClient:
    if not config.token:
        raise ConfigError("GITHUB_TOKEN (or GH_TOKEN) is not set: export GITHUB_TOKEN=<token>")
    return GitHubClient(
        config.token,
        config.api_url,
        config.graphql_url,
        timeout=config.request_timeout,
        max_pages=config.max_pages,
        max_wait=config.max_wait,
        etag_store=EtagStore.in_data_dir(data_dir),
    )


def collect_org(
    config: Config,
    *,
    data_dir: Path,
    as_of: datetime | None = None,
    resume_run_id: str | None = None,
    progress: bool | None = None,
    client: GitHubClient | None = None,
) -> CollectResult:
    """Collect every scanned repo of `config.org` into `data_dir` (see the module docstring)."""
    if not config.org:
        raise ConfigError("GITHUB_ORG is not set: export GITHUB_ORG=<organisation> or --org")
    own_client = client is None
    gh = client if client is not None else _new_client(config, data_dir)
    try:
        return _collect(config, data_dir, as_of, resume_run_id, progress, gh)
    finally:
        if own_client:
            gh.close()
            if gh.etag_store is not None:
                gh.etag_store.close()


def _resumable(path: Path, previous: dict[str, Any]) -> tuple[datetime, int, list[str]]:
    """`as_of`, lookback and planned repos of a run to resume; a damaged file is a ConfigError."""
    try:
        moment = parse_iso(str(previous["as_of"]))
        lookback = previous["lookback_days"]
        if isinstance(lookback, bool) or not isinstance(lookback, int) or lookback < 1:
            raise ValueError("lookback_days")
        planned = (previous.get("repos") or {}).get("scanned")
        if not isinstance(planned, list) or not all(isinstance(n, str) for n in planned):
            raise ValueError("repos.scanned")
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise ConfigError(
            f"{path} cannot be resumed: its run metadata lacks a valid as_of, lookback_days or "
            f"repos.scanned ({exc}); start a new run instead"
        ) from None
    return moment, lookback, list(planned)


def _collect(
    config: Config,
    data_dir: Path,
    as_of: datetime | None,
    resume_run_id: str | None,
    progress: bool | None,
    client: GitHubClient,
) -> CollectResult:
    org = str(config.org)
    run = _Run(config, data_dir, client)
    planned: list[str] | None = None
    if resume_run_id is not None:
        run.meta_path, previous = find_run(run.data, resume_run_id)
        if str(previous.get("org", "")).lower() != org.lower():
            raise ConfigError(
                f"run {resume_run_id} is of org {previous.get('org')!r}, not {org!r}: "
                "resume it with the same GITHUB_ORG / --org"
            )
        run.run_id = resume_run_id
        run.base = {
            k: previous[k]
            for k in ("run_id", "org", "api_url", "as_of", "lookback_days", "since", "config")
            if k in previous
        }
        run.invocations = list(previous.get("invocations") or [])
        moment, lookback, planned = _resumable(run.meta_path, previous)
        if previous.get("status") == "complete":
            log.info("run %s is already complete", resume_run_id)
            run.repos = {k: list(v) for k, v in (previous.get("repos") or {}).items()}
            return run.result("complete")
    else:
        run.run_id = str(uuid.uuid4())
        moment = (as_of or run.started).replace(microsecond=0)
        lookback = config.lookback_days
        if moment > run.started:
            raise ConfigError(f"--as-of {to_iso(moment)} is in the future")
        run.meta_path = meta_path_for(run.data, run.started, run.run_id)
        run.base = {
            "run_id": run.run_id,
            "org": org,
            "api_url": config.api_url,
            "as_of": to_iso(moment),
            "lookback_days": lookback,
            "since": to_iso(days_before(moment, lookback)),
            "config": config.public_dict(),
        }

    params = config.metric_params()
    ctx = RunContext(
        client=client,
        org=org,
        run_id=run.run_id,
        as_of=moment,
        since=days_before(moment, lookback),
        lookback_days=lookback,
        max_pages=config.max_pages,
        incident_re=re.compile(params.incident_label_pattern, re.IGNORECASE),
        incident_pattern=params.incident_label_pattern,
    )

    client.check_org(org)
    selection = list_repos(client, org, config.filters)
    run.repos_total = selection.total
    listed = selection.by_name()
    if planned is None:
        planned = sorted(listed)
    run.repos = {
        "scanned": planned,
        "archived": selection.archived,
        "excluded": selection.excluded,
        "unsafe": selection.unsafe,
        "vanished": sorted(name for name in planned if name not in listed),
    }
    run.save("incomplete", "in_progress")
    return _run_batches(run, ctx, selection, listed, progress)


def _run_batches(
    run: _Run,
    ctx: RunContext,
    selection: RepoSelection,
    listed: dict[str, dict[str, Any]],
    progress: bool | None,
) -> CollectResult:
    raw_dir = run.data.raw_dir(run.run_id)
    docs = written_docs(raw_dir, run.run_id)
    todo = [name for name in missing_repos(run.repos["scanned"], docs) if name in listed]
    total = len(run.repos["scanned"])
    log.info("run %s: %d repos to collect (%d already written)", run.run_id, len(todo), len(docs))
    try:
        org_listings: dict[str, OrgListing] = fetch_org_alerts(ctx) if todo else {}
        run.base["org_alert_listings"] = {k: v.as_meta() for k, v in org_listings.items()}
        facts: dict[str, RepoFacts] = fetch_facts(ctx, todo) if todo else {}
        size = max(1, min(GRAPHQL_BATCH, math.ceil(len(todo) / max(1, run.config.workers))))
        groups = batches(todo, size)
        _pool(run, ctx, groups, listed, facts, org_listings, raw_dir, progress, total - len(todo))
    except RateLimitExhausted as exc:
        ctx.stop.set()
        meta = run.save("incomplete", "rate_limited")
        when = to_iso(exc.reset_at) if exc.reset_at else "an unknown time"
        raise CollectionStopped(
            f"GitHub rate limit exhausted until {when}: {len(meta['repos']['written'])} of "
            f"{total} repos written, run {run.run_id} is incomplete; after the reset run: "
            f"{resume_command(run.run_id, run.data.root)}",
            exit_code=ExitCode.RATE_LIMITED,
            result=run.result("incomplete"),
        ) from None
    except KeyboardInterrupt:
        ctx.stop.set()
        meta = run.save("incomplete", "interrupted")
        raise CollectionStopped(
            f"interrupted: {len(meta['repos']['written'])} of {total} repos written, run "
            f"{run.run_id} is incomplete; resume it with: "
            f"{resume_command(run.run_id, run.data.root)}",
            exit_code=130,
            result=run.result("incomplete"),
        ) from None
    except BaseException as exc:
        ctx.stop.set()
        run.save("incomplete", f"error: {type(exc).__name__}")
        raise
    # A repo that vanished from the org since the run started cannot be collected any more;
    # it is listed under repos.vanished and the run still completes.
    meta = run.save("complete", None)
    log.info("run %s complete: %d repos", run.run_id, len(meta["repos"]["written"]))
    return run.result("complete")


def _pool(
    run: _Run,
    ctx: RunContext,
    groups: list[list[str]],
    listed: dict[str, dict[str, Any]],
    facts: dict[str, RepoFacts],
    org_listings: dict[str, OrgListing],
    raw_dir: Path,
    progress: bool | None,
    already: int,
) -> None:
    """Run the batches on a bounded pool; the first exception stops the rest and propagates."""
    from tqdm import tqdm

    bar = tqdm(
        total=already + sum(len(g) for g in groups),
        initial=already,
        unit="repo",
        desc=f"collect {ctx.org}",
        disable=not _want_progress(progress),
        leave=False,
    )
    pool = ThreadPoolExecutor(max_workers=max(1, run.config.workers), thread_name_prefix="collect")
    try:
        pending: set[Future[list[str]]] = {
            pool.submit(
                collect_batch, ctx, [listed[name] for name in group], facts, org_listings, raw_dir
            )
            for group in groups
        }
        while pending:
            done, pending = wait(pending, timeout=0.5, return_when=FIRST_EXCEPTION)
            for future in done:
                bar.update(len(future.result()))  # re-raises the worker's exception
    except BaseException:
        ctx.stop.set()  # running batches finish their current repo, queued ones are dropped
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        bar.close()


__all__ = ["CollectResult", "CollectionStopped", "collect_org", "resume_command"]
