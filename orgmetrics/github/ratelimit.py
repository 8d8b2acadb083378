"""Read GitHub's rate-limit headers and decide how long to wait, as GitHub documents.

- Primary limit: 403/429 with `x-ratelimit-remaining: 0` (or a GraphQL `RATE_LIMITED` /
  `RATE_LIMIT` error): wait until `x-ratelimit-reset` (epoch seconds) + 1 s.
- Secondary limit: 403/429 with `retry-after`, or whose message says "secondary rate limit":
  wait `retry-after`; else until reset when remaining is 0; else at least 60 s.
- GitHub Enterprise Server with rate limiting disabled sends no `x-ratelimit-*` headers (or a
  limit of 0): that is never read as "exhausted", so the client never waits forever.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

SECONDARY_FALLBACK_WAIT = 60.0  # GitHub: "wait for at least one minute" without retry-after
PRIMARY_MARGIN = 1.0  # octokit waits reset - now + 1 s
_SECONDARY_TEXT = re.compile(
    r"secondary rate|abuse detection|please wait a few minutes|retry your request again later",
    re.IGNORECASE,
)
_PRIMARY_TEXT = re.compile(r"api rate limit exceeded", re.IGNORECASE)
GRAPHQL_RATE_TYPES = frozenset({"RATE_LIMITED", "RATE_LIMIT"})


def _int(value: str | None) -> int | None:
    """An integer header value, or None when missing or garbled."""
    if value is None:
        return None
    try:
        return int(float(value.strip()))
    except ValueError:
        return None


@dataclass(frozen=True)
class RateInfo:
    """The `x-ratelimit-*` headers of one response (None where absent, as on some GHES)."""

    limit: int | None
    remaining: int | None
    used: int | None
    reset: int | None  # epoch seconds
    resource: str | None

    @property
    def present(self) -> bool:
        """True when the server sends rate-limit headers at all."""
        return self.remaining is not None

    @property
    def exhausted(self) -> bool:
        """Remaining is 0 on an enforced limit (a limit of 0 means "disabled" on GHES)."""
        return self.remaining == 0 and self.limit != 0

    @property
    def reset_at(self) -> datetime | None:
        """The reset instant as an aware UTC datetime."""
        return datetime.fromtimestamp(self.reset, UTC) if self.reset is not None else None


def parse_rate_headers(headers: Mapping[str, str]) -> RateInfo:
    """Read `x-ratelimit-*` (case-insensitive mapping expected, e.g. requests' headers)."""
    reset = _int(headers.get("x-ratelimit-reset"))
    if reset is not None and reset > 10**11:  # octokit's normalised fixtures use milliseconds
        reset //= 1000
    return RateInfo(
        limit=_int(headers.get("x-ratelimit-limit")),
        remaining=_int(headers.get("x-ratelimit-remaining")),
        used=_int(headers.get("x-ratelimit-used")),
        reset=reset,
        resource=headers.get("x-ratelimit-resource"),
    )


def parse_scopes(headers: Mapping[str, str]) -> list[str] | None:
    """The token's OAuth scopes from `X-OAuth-Scopes` (sorted), None when not sent."""
    value = headers.get("x-oauth-scopes")
    if value is None:
        return None
    return sorted({part.strip() for part in value.split(",") if part.strip()})


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """`retry-after` in seconds (GitHub sends delta-seconds), None when absent or blank."""
    value = headers.get("retry-after")
    if value is None or not value.strip():
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        return None


def is_secondary_limit(status: int, headers: Mapping[str, str], message: str) -> bool:
    """403/429 carrying `retry-after` or GitHub's secondary-limit wording."""
    if status not in (403, 429):
        return False
    if _SECONDARY_TEXT.search(message or ""):
        return True
    return retry_after_seconds(headers) is not None and not parse_rate_headers(headers).exhausted


def is_primary_limit(status: int, headers: Mapping[str, str], message: str) -> bool:
    """403/429 with remaining 0 (enforced), or a 429 saying "API rate limit exceeded"."""
    if status not in (403, 429):
        return False
    if parse_rate_headers(headers).exhausted:
        return True
    return status == 429 and bool(_PRIMARY_TEXT.search(message or ""))


def secondary_wait(headers: Mapping[str, str], now: float) -> float:
    """Seconds to wait after a secondary limit, per GitHub's documented order."""
    after = retry_after_seconds(headers)
    if after is not None:
        return after
    info = parse_rate_headers(headers)
    if info.exhausted and info.reset is not None:
        return max(info.reset - now + PRIMARY_MARGIN, PRIMARY_MARGIN)
    return SECONDARY_FALLBACK_WAIT


def primary_wait(reset: int | None, now: float) -> float | None:
    """Seconds until the primary limit resets (+1 s), or None when the reset is unknown."""
    if reset is None:
        return None
    return max(reset - now + PRIMARY_MARGIN, PRIMARY_MARGIN)
