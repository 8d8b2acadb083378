"""Dependabot, code- and secret-scanning alerts: org listings first, per repo only if needed.

One paginated org listing per feature (every state) serves all repos. A repo takes its alerts
from the org listing only with per-repo evidence that the feature is on for it (the contract:
an org listing lacking a repo is not "available"): alerts of its own in the listing, or, for
Dependabot, `hasVulnerabilityAlertsEnabled`. Every other repo gets its own listing, whose
403/404 is the authoritative "unavailable" with GitHub's status and message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from orgmetrics.collect import normalize as n
from orgmetrics.collect.model import RepoFacts, RunContext, SourceResult
from orgmetrics.github.errors import HTTPStatusError, ServerError, TransportError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Feature:
    """One alert feature: where its org and repo listings live and how items are read."""

    source: str
    org_path: str
    repo_path: str
    params: dict[str, str]
    normalize: Callable[[dict[str, Any]], dict[str, Any]]


FEATURES: tuple[Feature, ...] = (
    Feature(
        "dependabot_alerts",
        "/orgs/{org}/dependabot/alerts",
        "/repos/{org}/{repo}/dependabot/alerts",
        {"state": "auto_dismissed,dismissed,fixed,open"},  # every state, explicitly
        n.dependabot_alert,
    ),
    Feature(
        "code_scanning_alerts",
        "/orgs/{org}/code-scanning/alerts",
        "/repos/{org}/{repo}/code-scanning/alerts",
        {},  # no `state`: every state
        n.code_scanning_alert,
    ),
    Feature(
        "secret_scanning_alerts",
        "/orgs/{org}/secret-scanning/alerts",
        "/repos/{org}/{repo}/secret-scanning/alerts",
        {"hide_secret": "true"},  # no `state`: every state; never transfer the secret
        n.secret_scanning_alert,
    ),
)


@dataclass
class OrgListing:
    """One feature's org-level listing, grouped by repo name."""

    available: bool = False
    truncated: bool = False
    reason: str | None = None  # why it is unavailable (status and GitHub's message)
    by_repo: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def as_meta(self) -> dict[str, Any]:
        """The listing's availability for the run metadata."""
        return {
            "available": self.available,
            "truncated": self.truncated,
            "reason": self.reason,
            "repos_with_alerts": len(self.by_repo),
        }


def fetch_org_alerts(ctx: RunContext) -> dict[str, OrgListing]:
    """The three org listings; one that answers 403/404/410 (not an org owner) is unavailable."""
    org = quote(ctx.org, safe="")
    listings: dict[str, OrgListing] = {}
    for feature in FEATURES:
        try:
            listing = ctx.client.paginate(
                feature.org_path.format(org=org),
                dict(feature.params),
                feature=feature.source,
                max_pages=ctx.max_pages,
            )
        except (HTTPStatusError, ServerError, TransportError) as exc:
            log.warning("org listing of %s failed: %s; falling back per repo", feature.source, exc)
            listings[feature.source] = OrgListing(reason=str(exc))
            continue
        if listing.unavailable is not None:
            listings[feature.source] = OrgListing(reason=listing.unavailable.reason)
            continue
        grouped: dict[str, list[dict[str, Any]]] = {}
        for item in listing.items:
            repo = (item.get("repository") or {}).get("name")
            if repo:
                grouped.setdefault(str(repo), []).append(item)
        listings[feature.source] = OrgListing(
            available=True, truncated=listing.truncated, by_repo=grouped
        )
    return listings


def _has_evidence(feature: Feature, name: str, facts: RepoFacts, listing: OrgListing) -> bool:
    if not listing.available:
        return False
    if name in listing.by_repo:
        return True
    return feature.source == "dependabot_alerts" and facts.dependabot_enabled is True


def _items(ctx: RunContext, feature: Feature, raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    items = [feature.normalize(item) for item in raw]
    return n.sort_items(feature.source, [i for i in items if i["created_at"] <= ctx.as_of_iso])


def repo_alerts(
    ctx: RunContext, name: str, facts: RepoFacts, org_listings: dict[str, OrgListing]
) -> dict[str, SourceResult]:
    """The three alert sources of one repo."""
    out: dict[str, SourceResult] = {}
    for feature in FEATURES:
        listing = org_listings.get(feature.source, OrgListing())
        result = SourceResult()
        if _has_evidence(feature, name, facts, listing):
            result.truncated = listing.truncated
            result.items = _items(ctx, feature, listing.by_repo.get(name, []))
            out[feature.source] = result
            continue
        path = feature.repo_path.format(org=quote(ctx.org, safe=""), repo=quote(name, safe=""))
        try:
            own = ctx.client.paginate(
                path, dict(feature.params), feature=feature.source, max_pages=ctx.max_pages
            )
        except (HTTPStatusError, ServerError, TransportError) as exc:
            status = getattr(exc, "status", None)
            result.fail(feature.source, status if isinstance(status, int) else None, str(exc))
            out[feature.source] = result
            continue
        if own.unavailable is not None:
            result.fail(feature.source, own.unavailable.status, own.unavailable.reason)
        else:
            result.truncated = own.truncated
            result.items = _items(ctx, feature, own.items)
        out[feature.source] = result
    return out
