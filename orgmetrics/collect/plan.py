"""Which repositories a run scans: the org listing (type=all), archived skipped, filters applied."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from orgmetrics.config import RepoFilters
from orgmetrics.github import GitHubClient
from orgmetrics.github.errors import MalformedResponse

log = logging.getLogger(__name__)

# GitHub repo names: ASCII letters, digits, '.', '-', '_' (never '/', never '.' or '..').
_SAFE_NAME = re.compile(r"^[A-Za-z0-9._-]{1,100}$")


@dataclass
class RepoSelection:
    """The org's repos split into scanned, archived (skipped) and filtered out."""

    scanned: list[dict[str, Any]] = field(default_factory=list)  # REST repo objects, by name
    archived: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    unsafe: list[str] = field(default_factory=list)  # names that cannot be file names
    total: int = 0
    truncated: bool = False  # the listing hit the page cap: some repos were not seen

    def by_name(self) -> dict[str, dict[str, Any]]:
        """The scanned repos keyed by name."""
        return {repo["name"]: repo for repo in self.scanned}


def safe_repo_name(name: str) -> bool:
    """True when `name` is a GitHub repo name that is safe as a file name."""
    return bool(_SAFE_NAME.match(name)) and name not in (".", "..")


def list_repos(client: GitHubClient, org: str, filters: RepoFilters) -> RepoSelection:
    """Every repo of the org (`type=all`), sorted by name, split per the contract."""
    listing = client.paginate(
        f"/orgs/{quote(org, safe='')}/repos",
        {"type": "all", "sort": "full_name", "per_page": 100},
        max_pages=10_000,  # the repo list is never cut short by MAX_PAGES: it defines the run
    )
    where = f"GET /orgs/{org}/repos"
    for item in listing.items:
        if not (
            isinstance(item, dict)
            and isinstance(item.get("name"), str)
            and isinstance(item.get("id"), int)
            and not isinstance(item.get("id"), bool)
        ):
            shown = repr(item)[:80]
            raise MalformedResponse(f"{where} returned an item that is not a repository: {shown}")
    selection = RepoSelection(total=len(listing.items), truncated=listing.truncated)
    for repo in sorted(listing.items, key=lambda r: str(r.get("name", ""))):
        name = str(repo.get("name", ""))
        if not safe_repo_name(name):
            log.warning("skipping a repository whose name is not a safe file name: %r", name)
            selection.unsafe.append(name)
        elif repo.get("archived"):
            selection.archived.append(name)
        elif not filters.matches(name, repo.get("topics") or [], fork=bool(repo.get("fork"))):
            selection.excluded.append(name)
        else:
            selection.scanned.append(repo)
    return selection


def batches(names: list[str], size: int) -> list[list[str]]:
    """`names` in consecutive groups of at most `size`."""
    step = max(1, size)
    return [names[i : i + step] for i in range(0, len(names), step)]
