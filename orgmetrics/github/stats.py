"""Request accounting for the run metadata: what the run cost and what GitHub said about it.

Thread-safe: the worker pool shares one `RequestStats`; every update takes its lock.
The token is never recorded, only its scopes (`X-OAuth-Scopes`).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from orgmetrics.timeutil import to_iso


@dataclass
class RequestStats:
    """Counters of one client; `as_dict()` is what goes into run metadata."""

    requests: int = 0  # HTTP requests sent (REST + GraphQL, retries included, 304s included)
    rest_requests: int = 0
    graphql_requests: int = 0
    graphql_points: int = 0  # sum of rateLimit.cost reported in GraphQL answers
    not_modified: int = 0  # 304s served from the ETag store (not charged by GitHub)
    retries: int = 0  # re-sent requests (5xx, network, malformed body, rate-limit waits, halving)
    by_endpoint: Counter[str] = field(default_factory=Counter)  # "GET /repos/{owner}/{repo}/pulls"
    rate_limit_remaining: int | None = None  # last x-ratelimit-remaining seen (any resource)
    rate_limit_reset: datetime | None = None  # last x-ratelimit-reset seen
    scopes: list[str] | None = None  # X-OAuth-Scopes of the token (None: not sent)
    rate_limits: dict[str, dict[str, Any]] = field(default_factory=dict)  # per resource
    waited_seconds: float = 0.0  # time spent waiting for rate limits and backoff
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record_request(self, route: str, *, graphql: bool) -> None:
        """Count one HTTP request sent to `route`."""
        with self._lock:
            self.requests += 1
            if graphql:
                self.graphql_requests += 1
            else:
                self.rest_requests += 1
            self.by_endpoint[route] += 1

    def record_not_modified(self) -> None:
        """Count one 304 answered from the ETag store."""
        with self._lock:
            self.not_modified += 1

    def record_retry(self, waited: float) -> None:
        """Count one retry after waiting `waited` seconds."""
        with self._lock:
            self.retries += 1
            self.waited_seconds += max(0.0, waited)

    def record_wait(self, waited: float) -> None:
        """Add time spent waiting for a rate-limit reset before sending (no request re-sent)."""
        with self._lock:
            self.waited_seconds += max(0.0, waited)

    def record_graphql_cost(self, cost: int) -> None:
        """Add the points GitHub charged for one GraphQL query."""
        with self._lock:
            self.graphql_points += cost

    def record_rate(
        self, resource: str | None, remaining: int | None, reset: int | None, limit: int | None
    ) -> None:
        """Remember the latest rate-limit headers (per resource and overall)."""
        if remaining is None:
            return
        reset_at = datetime.fromtimestamp(reset, UTC) if reset is not None else None
        with self._lock:
            self.rate_limit_remaining = remaining
            self.rate_limit_reset = reset_at
            self.rate_limits[resource or "core"] = {
                "limit": limit,
                "remaining": remaining,
                "reset": to_iso(reset_at) if reset_at else None,
            }

    def record_scopes(self, scopes: list[str] | None) -> None:
        """Remember the token's scopes (sent on REST answers)."""
        if scopes is None:
            return
        with self._lock:
            self.scopes = scopes

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready snapshot (sorted endpoints, ISO timestamps)."""
        with self._lock:
            return {
                "requests": self.requests,
                "rest_requests": self.rest_requests,
                "graphql_requests": self.graphql_requests,
                "graphql_points": self.graphql_points,
                "not_modified": self.not_modified,
                "retries": self.retries,
                "by_endpoint": dict(sorted(self.by_endpoint.items())),
                "rate_limit_remaining": self.rate_limit_remaining,
                "rate_limit_reset": to_iso(self.rate_limit_reset)
                if self.rate_limit_reset
                else None,
                "scopes": list(self.scopes) if self.scopes is not None else None,
                "rate_limits": {k: dict(v) for k, v in sorted(self.rate_limits.items())},
                "waited_seconds": round(self.waited_seconds, 3),
            }
