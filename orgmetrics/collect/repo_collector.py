"""One batch of repos -> validated raw documents, each written atomically as soon as it is ready.

A document depends only on GitHub's data, the run id, `as_of` and the lookback: lists are
sorted, nothing reads the clock, so a resumed run writes the same bytes as an uninterrupted one.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from orgmetrics.collect.actions import collect_actions
from orgmetrics.collect.alerts import OrgListing, repo_alerts
from orgmetrics.collect.commits import collect_commits
from orgmetrics.collect.graphql_sources import collect_graphql
from orgmetrics.collect.model import RepoFacts, RunContext, SourceResult
from orgmetrics.collect.normalize import repo_info
from orgmetrics.schema import RAW_REPO, RAW_SOURCES, validate
from orgmetrics.store import atomic_write_json

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1.0"


def build_document(
    ctx: RunContext,
    repo: dict[str, Any],
    facts: RepoFacts,
    sources: dict[str, SourceResult],
) -> dict[str, Any]:
    """The raw document of one repo (schema `raw_repo`)."""
    empty = bool(facts.empty) or bool(
        sources["commits"].available and not sources["commits"].items and repo.get("size") == 0
    )
    errors: dict[tuple[str, str], dict[str, Any]] = {}
    for source in RAW_SOURCES:
        for entry in sources[source].errors:
            errors[(entry["field"], entry["reason"])] = entry
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "run_id": ctx.run_id,
        "org": ctx.org,
        "as_of": ctx.as_of_iso,
        "lookback_days": ctx.lookback_days,
        "since": ctx.since_iso,
        "repo": repo_info(repo, empty=empty),
        "errors": [errors[key] for key in sorted(errors)],
    }
    for source in RAW_SOURCES:
        document[source] = sources[source].block()
    document["incidents"]["label_pattern"] = ctx.incident_pattern
    return document


def write_document(path: Path, document: dict[str, Any]) -> None:
    """Validate against the raw schema (naming file, JSON path, rule), then write atomically."""
    validate(document, RAW_REPO, source=str(path))
    atomic_write_json(path, document)


def collect_batch(
    ctx: RunContext,
    repos: list[dict[str, Any]],
    facts: dict[str, RepoFacts],
    org_listings: dict[str, OrgListing],
    raw_dir: Path,
) -> list[str]:
    """Collect and write every repo of one batch; returns the names written."""
    names = [str(r["name"]) for r in repos]
    graphql = collect_graphql(ctx, names, facts)
    written: list[str] = []
    for repo in repos:
        if ctx.stop.is_set():
            break
        name = str(repo["name"])
        sources: dict[str, SourceResult] = dict(graphql[name])
        if facts[name].commits_via_rest:
            sources["commits"] = collect_commits(ctx, name, repo.get("default_branch"))
        sources.update(collect_actions(ctx, name))
        sources.update(repo_alerts(ctx, name, facts[name], org_listings))
        document = build_document(ctx, repo, facts[name], sources)
        write_document(raw_dir / f"{name}.json", document)
        log.info("%s: written (%d error entries)", name, len(document["errors"]))
        written.append(name)
    return written
