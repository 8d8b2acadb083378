"""Pull requests, deployments, incidents, releases and commits of several repos via GraphQL.

One batched query brings the first page of every source of every repo in the batch; a source
that needs more (and is still inside the lookback) is paged alone with `page_query`. A PR
whose reviews do not fit the first nested page gets its reviews paged too, so
`reviews_truncated` only means the page cap stopped it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from orgmetrics.collect import graphql_queries as q
from orgmetrics.collect import normalize as n
from orgmetrics.collect.model import RepoFacts, RunContext, SourceResult
from orgmetrics.github.errors import (
    GitHubError,
    GraphQLQueryError,
    MalformedResponse,
    ServerError,
    TransportError,
)

log = logging.getLogger(__name__)

# GraphQL connection alias -> raw document source.
RAW_OF = {
    "recentPRs": "pull_requests",
    "openPRs": "pull_requests",
    "deployments": "deployments",
    "recentIncidents": "incidents",
    "openIncidents": "incidents",
    "releases": "releases",
    "history": "commits",
}
GRAPHQL_RAW = ("pull_requests", "deployments", "incidents", "releases", "commits")

# Connections ordered newest first whose paging stops once past the lookback start:
# alias -> the node field compared with `since`.
_STOP_BEFORE_SINCE = {"recentPRs": "updatedAt", "deployments": "createdAt", "releases": "createdAt"}


@dataclass
class _Nodes:
    """Every node fetched for one connection alias of one repo."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False
    error: tuple[int | None, str] | None = None


def _dig(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _blocking(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The errors that make a source unusable.

    A `databaseId` GitHub cannot represent (its GraphQL `Int` is 32-bit; deployment and release
    ids outgrow it) nulls only that field: the item stays, with `id: null`.
    """
    return [e for e in errors if (e.get("path") or [None])[-1] != "databaseId"]


def _error_text(errors: list[dict[str, Any]]) -> str:
    first = errors[0] if errors else {}
    return f"GraphQL {first.get('type') or 'ERROR'}: {first.get('message') or 'no data'}"


def _status_of(exc: GitHubError) -> int | None:
    status = getattr(exc, "status", None)
    return status if isinstance(status, int) else None


def _past_since(ctx: RunContext, alias: str, nodes: list[dict[str, Any]]) -> bool:
    """True when a newest-first connection has reached items older than the lookback."""
    key = _STOP_BEFORE_SINCE.get(alias)
    if key is None or not nodes:
        return False
    last = nodes[-1].get(key)
    # Deployments and recent PRs reach back a margin before the lookback start (merged PRs and
    # deployments decided inside it); releases stop at the start.
    start = ctx.margin_since_iso if alias in ("deployments", "recentPRs") else ctx.since_iso
    return bool(last) and (n.ts(last) or "") < start


def _page_rest(
    ctx: RunContext, name: str, alias: str, labels: tuple[str, ...], connection: dict[str, Any]
) -> _Nodes:
    """All nodes of one connection of one repo, starting from its first page."""
    got = _Nodes(nodes=[x for x in connection.get("nodes") or [] if x])
    info = connection.get("pageInfo") or {}
    cursor = info.get("endCursor")
    if not info.get("hasNextPage") or _past_since(ctx, alias, got.nodes):
        return got
    remaining = ctx.remaining_pages(1)
    if remaining == 0 or not cursor:
        got.truncated = True
        return got
    spec = q.SOURCES[alias]
    variables: dict[str, Any] = {"owner": ctx.org, "name": name}
    for var, _kind in spec.variables:
        variables[var] = {"since": ctx.since_iso, "until": ctx.as_of_iso}.get(var, ctx.since_iso)
    if "{labels}" in spec.template:
        variables["labels"] = list(labels)
    path = ["repository", *q.connection_path(alias)]
    try:
        for result in ctx.client.graphql_pages(
            q.page_query(alias),
            variables,
            path,
            page_size=q.FOLLOW_PAGE,
            max_pages=remaining,
            after=str(cursor),
        ):
            if _blocking(result.errors):
                got.error = (None, _error_text(_blocking(result.errors)))
                return got
            page = _dig(result.data, tuple(path)) or {}
            nodes = [x for x in page.get("nodes") or [] if x]
            got.nodes.extend(nodes)
            if _past_since(ctx, alias, nodes):
                return got
            got.truncated = result.truncated
    except (GraphQLQueryError, ServerError, TransportError) as exc:
        got.error = (_status_of(exc), str(exc))
    return got


def _reviews(ctx: RunContext, name: str, pr: dict[str, Any]) -> tuple[list[dict[str, Any]], bool]:
    """Every review of a PR node (paging past the first nested page); (reviews, truncated)."""
    connection = pr.get("reviews") or {}
    info = connection.get("pageInfo") or {}
    if not info.get("hasNextPage"):
        return [r for r in connection.get("nodes") or [] if r], False
    remaining = ctx.remaining_pages(1)
    if remaining == 0:
        return [r for r in connection.get("nodes") or [] if r], True
    try:
        listing = ctx.client.complete_connection(
            connection,
            q.reviews_page_query(),
            {"owner": ctx.org, "name": name, "number": int(pr["number"])},
            ["repository", "pullRequest", "reviews"],
            page_size=q.FOLLOW_PAGE,
            max_pages=remaining,
        )
    except (GraphQLQueryError, ServerError, TransportError) as exc:
        log.warning("%s#%s: further reviews unavailable (%s)", name, pr["number"], exc)
        return [r for r in connection.get("nodes") or [] if r], True
    return [r for r in listing.items if r], listing.truncated or bool(listing.errors)


def _assemble(
    ctx: RunContext, name: str, facts: RepoFacts, connections: dict[str, _Nodes]
) -> dict[str, SourceResult]:
    """The five GraphQL raw sources of one repo from its fetched connections."""
    out = {raw: SourceResult() for raw in GRAPHQL_RAW}
    for alias, got in connections.items():
        raw = RAW_OF[alias]
        out[raw].truncated = out[raw].truncated or got.truncated
        if got.error is not None and out[raw].available:
            out[raw].fail(raw, got.error[0], got.error[1])
    as_of, since = ctx.as_of_iso, ctx.since_iso

    if out["pull_requests"].available:
        nodes: dict[int, dict[str, Any]] = {}
        recent = connections.get("recentPRs", _Nodes()).nodes
        early = ctx.margin_since_iso
        for pr in recent:
            # Updated in the lookback, or merged up to a margin before it (its first production
            # deployment may be inside the lookback: DORA lead time).
            merged = n.ts(pr.get("mergedAt")) or ""
            if (n.ts(pr.get("updatedAt")) or "") >= since or early <= merged < since:
                nodes[int(pr["number"])] = pr
        for pr in connections.get("openPRs", _Nodes()).nodes:
            nodes[int(pr["number"])] = pr
        items = []
        for number in sorted(nodes):
            pr = nodes[number]
            if (n.ts(pr["createdAt"]) or "") > as_of:
                continue
            reviews, truncated = _reviews(ctx, name, pr)
            items.append(n.pull_request(pr, reviews, truncated))
        out["pull_requests"].items = items

    if out["deployments"].available:
        # Created in the lookback, or up to a margin before it and decided (a status) inside it.
        early = ctx.margin_since_iso
        deployments = [n.deployment(d) for d in connections.get("deployments", _Nodes()).nodes]
        out["deployments"].items = n.sort_items(
            "deployments",
            [
                d
                for d in deployments
                if early <= d["created_at"] <= as_of
                and (
                    d["created_at"] >= since
                    or any(since <= s["created_at"] <= as_of for s in d["statuses"])
                )
            ],
        )

    incidents = out["incidents"]
    if facts.labels_error is not None:
        incidents.fail("incidents", facts.labels_error["status"], facts.labels_error["reason"])
    incidents.truncated = incidents.truncated or facts.labels_truncated
    if incidents.available:
        issues = [
            n.issue(i)
            for alias in q.INCIDENT_SOURCES
            for i in connections.get(alias, _Nodes()).nodes
        ]
        out["incidents"].items = n.sort_items(
            "incidents",
            [
                i
                for i in issues
                if i["created_at"] <= as_of and any(ctx.incident_re.search(x) for x in i["labels"])
            ],
        )

    if out["releases"].available:
        releases = [n.release(r) for r in connections.get("releases", _Nodes()).nodes]
        out["releases"].items = n.sort_items(
            "releases",
            [
                r
                for r in releases
                if r["created_at"] <= as_of
                and (r["created_at"] >= since or (r["published_at"] or "") >= since)
            ],
        )

    if out["commits"].available:
        commits = [n.commit(c) for c in connections.get("history", _Nodes()).nodes]
        out["commits"].items = n.sort_items(
            "commits", [c for c in commits if since <= c["authored_at"] <= as_of]
        )
    return out


def _fail_all(
    names: list[str], status: int | None, reason: str
) -> dict[str, dict[str, SourceResult]]:
    results: dict[str, dict[str, SourceResult]] = {}
    for name in names:
        sources = {raw: SourceResult() for raw in GRAPHQL_RAW}
        for raw, result in sources.items():
            result.fail(raw, status, reason)
        results[name] = sources
    return results


def _repo_sources(
    ctx: RunContext,
    spec: q.BatchRepo,
    repo: dict[str, Any],
    alias: str,
    errors_by_path: dict[tuple[str, str | None], list[dict[str, Any]]],
    facts: RepoFacts,
) -> dict[str, SourceResult]:
    """One repo's GraphQL sources from its part of the batch answer (plus further pages)."""
    connections: dict[str, _Nodes] = {}
    for key in spec.sources():
        field_name = "defaultBranchRef" if key == "history" else key
        errs = errors_by_path.get((alias, field_name))
        if errs:
            connections[key] = _Nodes(error=(None, _error_text(errs)))
            continue
        connection = _dig(repo, q.connection_path(key))
        if not isinstance(connection, dict):
            connections[key] = _Nodes()  # e.g. no default branch: an empty repository
            continue
        connections[key] = _page_rest(ctx, spec.name, key, spec.incident_labels, connection)
    return _assemble(ctx, spec.name, facts, connections)


def collect_graphql(
    ctx: RunContext, names: list[str], facts: dict[str, RepoFacts]
) -> dict[str, dict[str, SourceResult]]:
    """The GraphQL sources of every repo in `names` (one batched query, then follow-ups)."""
    batch = [q.BatchRepo(name, facts[name].incident_labels, facts[name].sizes) for name in names]
    try:
        result = ctx.client.graphql(
            q.repo_batch_query(batch),
            q.batch_variables(ctx.org, batch, since=ctx.since_iso, until=ctx.as_of_iso),
        )
    except (GraphQLQueryError, ServerError, TransportError) as exc:
        if len(names) > 1:  # one heavy or broken repo must not cost the others their data
            log.warning("GraphQL batch of %d repos failed (%s): splitting it", len(names), exc)
            merged: dict[str, dict[str, SourceResult]] = {}
            for name in names:
                merged.update(collect_graphql(ctx, [name], facts))
            return merged
        return _fail_all(names, _status_of(exc), str(exc))

    data = result.data or {}
    errors_by_path: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    for err in _blocking(result.errors):
        path = [str(p) for p in err.get("path") or []]
        if path:
            where = (path[0], path[1] if len(path) > 1 else None)
            errors_by_path.setdefault(where, []).append(err)

    results: dict[str, dict[str, SourceResult]] = {}
    for i, name in enumerate(names):
        alias = f"r{i}"
        repo = data.get(alias)
        if not isinstance(repo, dict):
            lost = errors_by_path.get((alias, None)) or result.errors
            results[name] = _fail_all([name], None, _error_text(lost))[name]
            continue
        try:
            results[name] = _repo_sources(ctx, batch[i], repo, alias, errors_by_path, facts[name])
        except (TypeError, AttributeError, KeyError, ValueError) as exc:
            raise MalformedResponse(
                f"GitHub's GraphQL answer for {ctx.org}/{name} is not what its schema promises "
                f"({type(exc).__name__}: {exc})"
            ) from exc
    return results
