"""Per-repo facts for the plan, 50 repos per GraphQL query: emptiness, incident labels, Dependabot.

The labels tell which incident label names exist in a repo, so the heavy query can ask GitHub
for exactly those issues (GraphQL `labels:` is an OR filter) instead of every issue.
`hasVulnerabilityAlertsEnabled` is the contract's cheap per-repo Dependabot evidence.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from orgmetrics.collect import graphql_queries as q
from orgmetrics.collect.model import RepoFacts, RunContext, error_entry
from orgmetrics.collect.plan import batches
from orgmetrics.github.errors import (
    GraphQLQueryError,
    MalformedResponse,
    ServerError,
    TransportError,
)

log = logging.getLogger(__name__)

FACTS_BATCH = 50


def _alias_errors(errors: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """GitHub's partial-data errors grouped by the top-level alias they hit."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for err in errors:
        path = err.get("path") or []
        if path:
            grouped.setdefault(str(path[0]), []).append(err)
    return grouped


def _reason(errors: list[dict[str, Any]]) -> str:
    first = errors[0] if errors else {}
    return f"GraphQL {first.get('type') or 'ERROR'}: {first.get('message') or 'no data'}"


def _matching(names: list[str], pattern: re.Pattern[str]) -> tuple[str, ...]:
    return tuple(sorted({n for n in names if pattern.search(n)}))


def _label_names(nodes: Any, where: str) -> list[str]:
    """Label names from a connection's nodes; anything but objects is a malformed answer."""
    if not isinstance(nodes, list) or not all(isinstance(n, dict) or n is None for n in nodes):
        raise MalformedResponse(f"GitHub's GraphQL answer for {where}: labels are not objects")
    return [str(n["name"]) for n in nodes if n and n.get("name")]


def _all_labels(ctx: RunContext, name: str, connection: dict[str, Any]) -> tuple[list[str], bool]:
    """Every label name of a repo (paging past the first 100); (names, truncated)."""
    if not isinstance(connection, dict):
        raise MalformedResponse(f"GitHub's GraphQL answer for {ctx.org}/{name}: labels malformed")
    names = _label_names(connection.get("nodes") or [], f"{ctx.org}/{name}")
    info = connection.get("pageInfo") or {}
    if not info.get("hasNextPage"):
        return names, False
    remaining = ctx.remaining_pages(1)
    if remaining == 0:
        return names, True
    listing = ctx.client.complete_connection(
        connection,
        q.page_query("labels"),
        {"owner": ctx.org, "name": name},
        ["repository", "labels"],
        page_size=q.LABELS_PAGE,
        max_pages=remaining,
    )
    return _label_names(listing.items, f"{ctx.org}/{name}"), listing.truncated


def fetch_facts(ctx: RunContext, names: list[str]) -> dict[str, RepoFacts]:
    """Facts of every repo in `names` (unknown facts are None, with the reason kept)."""
    facts: dict[str, RepoFacts] = {}
    for group in batches(names, FACTS_BATCH):
        variables: dict[str, Any] = {
            "owner": ctx.org,
            "since": ctx.since_iso,
            "until": ctx.as_of_iso,
        }
        variables.update({f"n{i}": name for i, name in enumerate(group)})
        try:
            result = ctx.client.graphql(q.repo_facts_query(len(group)), variables)
            data, errors = result.data or {}, result.errors
        except (GraphQLQueryError, ServerError, TransportError) as exc:
            log.warning("repo facts query failed: %s", exc)
            data, errors = {}, [{"type": "ERROR", "message": str(exc)}]
        by_alias = _alias_errors(errors)
        for i, name in enumerate(group):
            repo = data.get(f"r{i}")
            evidence = data.get(f"d{i}")
            dependabot = evidence.get("hasVulnerabilityAlertsEnabled") if evidence else None
            if not isinstance(repo, dict):
                reason = _reason(by_alias.get(f"r{i}") or errors)
                facts[name] = RepoFacts(
                    dependabot_enabled=dependabot if isinstance(dependabot, bool) else None,
                    labels_error=error_entry("incidents", None, reason),
                )
                continue
            try:
                labels, truncated = _all_labels(ctx, name, repo.get("labels") or {})
            except (GraphQLQueryError, ServerError, TransportError) as exc:
                facts[name] = RepoFacts(
                    empty=bool(repo.get("isEmpty")),
                    dependabot_enabled=dependabot if isinstance(dependabot, bool) else None,
                    labels_error=error_entry("incidents", getattr(exc, "status", None), str(exc)),
                )
                continue
            facts[name] = RepoFacts(
                empty=bool(repo.get("isEmpty")),
                incident_labels=_matching(labels, ctx.incident_re),
                dependabot_enabled=dependabot if isinstance(dependabot, bool) else None,
                labels_truncated=truncated,
                sizes=q.sizes_from_facts(repo, ctx.since_iso, ctx.margin_since_iso),
                commits_via_rest=(q.commits_in_lookback(repo) or 0) > q.HISTORY_PAGE,
            )
    return facts
