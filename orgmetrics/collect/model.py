"""The collector's in-memory values: one source's result, a repo's facts, the run's context."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from orgmetrics.github import GitHubClient
from orgmetrics.github.errors import clean_message
from orgmetrics.schema import LOOKBACK_MARGIN
from orgmetrics.timeutil import to_iso


def error_entry(source: str, status: int | None, reason: str) -> dict[str, Any]:
    """One `errors` entry of a raw document: {field, status, reason} (reason cleaned)."""
    return {"field": source, "status": status, "reason": clean_message(reason)}


@dataclass
class SourceResult:
    """What one source of one repo gave: `{available, truncated, items}` plus its errors."""

    available: bool = True
    truncated: bool = False
    items: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def fail(self, source: str, status: int | None, reason: str) -> None:
        """Mark the source unavailable (its metrics become null) with an error entry."""
        self.available = False
        self.items = []
        self.errors.append(error_entry(source, status, reason))

    def block(self) -> dict[str, Any]:
        """The document's `{available, truncated, items}` object."""
        return {"available": self.available, "truncated": self.truncated, "items": self.items}


@dataclass(frozen=True)
class RepoFacts:
    """What the plan learns about a repo before the heavy queries."""

    empty: bool | None = None  # GraphQL isEmpty; None: unknown
    incident_labels: tuple[str, ...] = ()  # label names matching the incident pattern
    dependabot_enabled: bool | None = None  # hasVulnerabilityAlertsEnabled; None: unknown
    labels_error: dict[str, Any] | None = None  # the labels could not be read: incidents unknown
    labels_truncated: bool = False
    sizes: tuple[tuple[str, int], ...] = ()  # measured first-page sizes (graphql_queries)
    commits_via_rest: bool = False  # more than a page of commits: list them over REST


@dataclass
class RunContext:
    """Everything a worker needs to collect one repo of this run."""

    client: GitHubClient
    org: str
    run_id: str
    as_of: datetime
    since: datetime
    lookback_days: int
    max_pages: int | None
    incident_re: re.Pattern[str]
    incident_pattern: str
    stop: threading.Event = field(default_factory=threading.Event)

    @property
    def as_of_iso(self) -> str:
        """`as_of` as GitHub's timestamp."""
        return to_iso(self.as_of)

    @property
    def since_iso(self) -> str:
        """The lookback start as GitHub's timestamp."""
        return to_iso(self.since)

    @property
    def margin_since_iso(self) -> str:
        """How far back deployments and merged PRs are fetched: a margin before the lookback
        start, so a deployment created before it but decided (its success/failure status) inside
        it counts, and a PR merged before it whose first production deployment is inside it."""
        return to_iso(self.since - LOOKBACK_MARGIN)

    @property
    def deployments_since_iso(self) -> str:
        """How far back deployments are fetched (= `margin_since_iso`)."""
        return self.margin_since_iso

    def remaining_pages(self, used: int) -> int | None:
        """How many more pages a source may fetch after `used` ones (None: no cap)."""
        if self.max_pages is None:
            return None
        return max(0, self.max_pages - used)
