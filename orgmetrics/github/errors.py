"""The exceptions the GitHub client raises, each mapped to a process exit code.

Hierarchy (all subclass `orgmetrics.errors.OrgmetricsError`, so the CLI prints one line)::

    GitHubError                 any failure talking to GitHub (exit 1)
    ├── BadCredentials          401: "Bad credentials: check GITHUB_TOKEN" (exit 3)
    ├── InsecureTransport       refusing to send the token over http:// to a remote host (exit 2)
    ├── HTTPStatusError         a 4xx answer that is not handled otherwise (status, message, url)
    │   ├── Forbidden           403 that is not a rate limit
    │   ├── NotFound            404 / 410
    │   │   └── OrgNotFound     404 on GET /orgs/{org}; names the org (exit 2)
    │   └── ValidationFailed    422 (or 400) with GitHub's message
    ├── RateLimitExhausted      primary (or persistent secondary) limit beyond max_wait;
    │                           carries `reset_at` so the run can stop and resume (exit 4)
    ├── TransportError          connection errors / timeouts that outlived the retries
    ├── ServerError             5xx that outlived the retries (carries `status`)
    ├── MalformedResponse       a body that is not the JSON GitHub promises, after retries
    └── GraphQLQueryError       a GraphQL answer with errors and no usable data (`errors`)

Feature endpoints (Dependabot, code and secret scanning, ...) do not raise for 403/404/410:
`GitHubClient.paginate(..., feature=...)` returns `Listing(unavailable=Unavailable(...))`.

Messages are built from GitHub's text, which is untrusted: `clean_message` strips control
characters, redacts anything shaped like a GitHub token and caps the length. The token itself is
never part of any message, attribute or traceback of these exceptions.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from orgmetrics.errors import ExitCode, OrgmetricsError
from orgmetrics.timeutil import to_iso

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
# Classic and fine-grained GitHub token shapes (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_).
_TOKEN_SHAPES = re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9_]{10,}|github_pat_[A-Za-z0-9_]{10,})")
_MAX_MESSAGE = 300


def clean_message(text: Any, *, secret: str | None = None) -> str:
    """Make untrusted text from GitHub safe for a one-line error: no control chars or tokens."""
    value = "" if text is None else str(text)
    if secret:
        value = value.replace(secret, "***")
    value = _TOKEN_SHAPES.sub("***", value)
    value = _CONTROL.sub(" ", value).strip()
    if len(value) > _MAX_MESSAGE:
        value = value[: _MAX_MESSAGE - 1] + "…"
    return value


class GitHubError(OrgmetricsError):
    """Base class: talking to GitHub failed in a way the caller should not paper over."""

    exit_code = ExitCode.FAILURE


class BadCredentials(GitHubError):
    """GitHub answered 401: the token is missing, wrong, expired or revoked."""

    exit_code = ExitCode.AUTH

    def __init__(self, message: str = "Bad credentials: check GITHUB_TOKEN") -> None:
        super().__init__(message)


class InsecureTransport(GitHubError):
    """The configured URL is plain http:// to a non-loopback host; the token would leak."""

    exit_code = ExitCode.CONFIG


class HTTPStatusError(GitHubError):
    """GitHub answered a 4xx that is an error for this call; carries status, message and URL."""

    def __init__(self, status: int, message: str, url: str) -> None:
        self.status = status
        self.github_message = message
        self.url = url
        super().__init__(f"GitHub answered {status} for {url}: {message or '(no message)'}")


class Forbidden(HTTPStatusError):
    """403 that is not a rate limit: the token lacks a permission or the feature is off."""


class NotFound(HTTPStatusError):
    """404 (or 410 Gone): the resource does not exist or the token cannot see it."""


class OrgNotFound(NotFound):
    """GET /orgs/{org} answered 404: the organisation does not exist or is invisible."""

    exit_code = ExitCode.CONFIG

    def __init__(self, org: str, url: str, message: str = "Not Found") -> None:
        self.org = org
        super().__init__(404, message, url)
        self.args = (
            f"Organisation {org!r} not found on GitHub (404): check GITHUB_ORG / --org and "
            "that the token can see it",
        )


class ValidationFailed(HTTPStatusError):
    """422 (or 400): GitHub rejected the request's parameters; the message is GitHub's."""


class RateLimitExhausted(GitHubError):
    """The rate budget is spent until `reset_at`, later than `max_wait` allows; resume later."""

    exit_code = ExitCode.RATE_LIMITED

    def __init__(
        self, reset_at: datetime | None, *, resource: str | None = None, detail: str = ""
    ) -> None:
        self.reset_at = reset_at
        self.resource = resource
        when = to_iso(reset_at) if reset_at is not None else "an unknown time"
        what = f"GitHub {resource} rate limit" if resource else "GitHub rate limit"
        extra = f" ({detail})" if detail else ""
        super().__init__(
            f"{what} exhausted until {when}{extra}: the run is incomplete; resume it later"
        )


class TransportError(GitHubError):
    """Connection refused/reset or timeout, still failing after the bounded retries."""


class ServerError(GitHubError):
    """GitHub answered 5xx, still after the bounded retries."""

    def __init__(self, status: int, message: str, url: str) -> None:
        self.status = status
        self.url = url
        super().__init__(f"GitHub answered {status} for {url}: {message or '(no message)'}")


class MalformedResponse(GitHubError):
    """The body was not the JSON (or shape) GitHub documents, still after the bounded retries."""


class GraphQLQueryError(GitHubError):
    """A GraphQL answer carried `errors` and no usable data; `errors` holds GitHub's list."""

    def __init__(self, errors: list[dict[str, Any]], *, secret: str | None = None) -> None:
        self.errors = errors
        parts = []
        for err in errors[:3]:
            kind = clean_message(err.get("type") or "ERROR", secret=secret)
            parts.append(f"{kind}: {clean_message(err.get('message'), secret=secret)}")
        more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
        super().__init__("GraphQL query failed: " + "; ".join(parts) + more)


__all__ = [
    "BadCredentials",
    "Forbidden",
    "GitHubError",
    "GraphQLQueryError",
    "HTTPStatusError",
    "InsecureTransport",
    "MalformedResponse",
    "NotFound",
    "OrgNotFound",
    "RateLimitExhausted",
    "ServerError",
    "TransportError",
    "ValidationFailed",
    "clean_message",
]
