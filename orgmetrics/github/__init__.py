"""orgmetrics.github: the only package that talks to GitHub (REST and GraphQL).

Public API::

    from orgmetrics.github import GitHubClient, Listing, Unavailable, RequestStats, EtagStore
    client = GitHubClient(token, api_url, graphql_url, max_pages=..., max_wait=900.0,
                          etag_store=EtagStore.in_data_dir(data_dir))
    repos = client.paginate(f"/orgs/{org}/repos", {"type": "all"})          # -> Listing
    alerts = client.paginate(f"/repos/{org}/{repo}/dependabot/alerts", {"state": "open"},
                             feature="dependabot_alerts")                    # 403 -> unavailable
    runs = client.paginate(f"/repos/{org}/{repo}/actions/runs", {"created": ">=2026-01-01"},
                           items_key="workflow_runs")
    for page in client.graphql_pages(QUERY, {"owner": o, "name": r},
                                     ["repository", "pullRequests"]): ...
    client.stats.as_dict()   # accounting for the run metadata

- `GitHubClient` (`client.py`): headers, base URLs, pagination, classification, retries, rate
  limits, conditional requests, thread-local Sessions; exceptions in `errors.py`.
- `Listing(items, truncated, unavailable, empty_repo, total_count, pages, errors)`.
- `Unavailable(status, message)`, `.reason` == "403 Forbidden: <GitHub's message>".
- `GraphQLResult(data, errors, truncated, cost)`.
- `RequestStats` (`stats.py`), `EtagStore` (`etag_store.py`), `github_iso` (`urls.py`).
"""

from orgmetrics.github.client import (
    API_VERSION,
    GitHubClient,
    GraphQLResult,
    Listing,
    Unavailable,
)
from orgmetrics.github.etag_store import EtagStore
from orgmetrics.github.stats import RequestStats
from orgmetrics.github.urls import derive_graphql_url, github_iso

__all__ = [
    "API_VERSION",
    "EtagStore",
    "GitHubClient",
    "GraphQLResult",
    "Listing",
    "RequestStats",
    "Unavailable",
    "derive_graphql_url",
    "github_iso",
]
