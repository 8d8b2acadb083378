"""Default-branch commits over REST, for repos with more than one page of them in the lookback.

Quiet repos get their commits inside the batched GraphQL query for free; a busy repo needs
several pages either way, and REST pages come back as uncharged 304s on the next collection.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from orgmetrics.collect import normalize as n
from orgmetrics.collect.model import RunContext, SourceResult
from orgmetrics.github.errors import HTTPStatusError, ServerError, TransportError


def collect_commits(ctx: RunContext, name: str, default_branch: str | None) -> SourceResult:
    """Commits of the default branch committed in the lookback and authored in it."""
    result = SourceResult()
    params: dict[str, Any] = {"since": ctx.since_iso, "until": ctx.as_of_iso, "per_page": 100}
    if default_branch:
        params["sha"] = default_branch
    path = f"/repos/{quote(ctx.org, safe='')}/{quote(name, safe='')}/commits"
    try:
        listing = ctx.client.paginate(path, params, max_pages=ctx.max_pages)
    except (HTTPStatusError, ServerError, TransportError) as exc:
        status = getattr(exc, "status", None)
        result.fail("commits", status if isinstance(status, int) else None, str(exc))
        return result
    result.truncated = listing.truncated
    commits = [n.rest_commit(item) for item in listing.items]
    result.items = n.sort_items(
        "commits",
        [
            c
            for c in commits
            if c["authored_at"] and ctx.since_iso <= c["authored_at"] <= ctx.as_of_iso
        ],
    )
    return result
