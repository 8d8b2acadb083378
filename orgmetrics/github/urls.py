"""Base-URL rules, the plain-HTTP refusal, GitHub's timestamp form and route templates.

- `https://api.github.com` -> GraphQL at `https://api.github.com/graphql`;
- GitHub Enterprise Server `https://host/api/v3` -> GraphQL at `https://host/api/graphql`;
- any other base -> `<base>/graphql`, unless a GraphQL URL is given explicitly.
The token is only ever sent over https://, or over http:// to a loopback address (the fake).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from orgmetrics.github.errors import InsecureTransport
from orgmetrics.timeutil import to_iso

DEFAULT_API_URL = "https://api.github.com"
_GHES_SUFFIX = "/api/v3"
_ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_DATE = r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}Z)?"
_CREATED = re.compile(
    rf"^(?:(?:>=|<=|>|<)?{_DATE}|{_DATE}\.\.{_DATE}|{_DATE}\.\.\*|\*\.\.{_DATE})$"
)
_TIME_PARAMS = ("since", "until")


def normalise_api_url(api_url: str | None) -> str:
    """The REST base without a trailing slash (default api.github.com)."""
    url = (api_url or DEFAULT_API_URL).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InsecureTransport(f"GitHub API URL must be an http(s) URL with a host, got {url!r}")
    return url


def derive_graphql_url(api_url: str, graphql_url: str | None = None) -> str:
    """The GraphQL endpoint for a REST base, following GitHub's (and GHES's) layout."""
    if graphql_url:
        return graphql_url.strip().rstrip("/")
    base = api_url.rstrip("/")
    if base.endswith(_GHES_SUFFIX):
        return base[: -len(_GHES_SUFFIX)] + "/api/graphql"
    return base + "/graphql"


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1."""
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def require_safe_transport(url: str) -> None:
    """Raise InsecureTransport unless `url` is https, or http to a loopback address."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and parts.hostname and is_loopback(parts.hostname):
        return
    raise InsecureTransport(
        f"refusing to send the GitHub token over {parts.scheme or 'an unknown scheme'}:// to "
        f"{parts.hostname or url!r}: use https:// (plain http is only allowed to loopback)"
    )


def same_origin(url: str, base: str) -> bool:
    """True when `url` has the scheme, host and port of `base` (links must not leave GitHub)."""
    a, b = urlsplit(url), urlsplit(base)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)


def github_iso(moment: datetime) -> str:
    """GitHub's exact timestamp form `YYYY-MM-DDTHH:MM:SSZ` (malformed filters are ignored)."""
    return to_iso(moment)


def prepare_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Format datetimes with `github_iso` and reject malformed `since`/`until`/`created`."""
    out: dict[str, Any] = {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, datetime):
            value = github_iso(value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        if key in _TIME_PARAMS and not _ISO_Z.match(str(value)):
            raise ValueError(
                f"{key}={value!r} is not GitHub's YYYY-MM-DDTHH:MM:SSZ form (GitHub would "
                "silently ignore it and return everything); pass a datetime or use github_iso()"
            )
        if key == "created" and not _CREATED.match(str(value)):
            raise ValueError(f"created={value!r} is not a GitHub date or date range")
        out[key] = value
    return out


_NUMBERED = {"pulls", "issues", "milestones", "alerts"}


def route_template(method: str, path: str) -> str:
    """A route template for accounting, e.g. `GET /repos/{owner}/{repo}/pulls/{number}/reviews`."""
    segments = [s for s in path.split("?", 1)[0].split("/") if s]
    out: list[str] = []
    i = 0
    while i < len(segments):
        seg = segments[i]
        prev = segments[i - 1] if i else ""
        if i == 1 and prev == "repos" and len(segments) > 2:
            out += ["{owner}", "{repo}"]
            i += 2
            continue
        if i == 1 and prev in ("orgs", "users"):
            out.append("{org}" if prev == "orgs" else "{username}")
        elif i == 1 and prev in ("repositories", "organizations"):
            out.append("{id}")
        elif seg.isdigit():
            out.append("{number}" if prev in _NUMBERED else "{id}")
        else:
            out.append(seg)
        i += 1
    return f"{method.upper()} /" + "/".join(out)
