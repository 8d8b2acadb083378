"""GraphQL over real HTTP: paging, nested connections, heavy-query halving, errors, limits."""

# ruff: noqa: F811 - pytest fixtures imported from _client_fixtures are used as arguments

from __future__ import annotations

import math

import pytest

from orgmetrics.demo.server import FakeGitHub
from orgmetrics.github import GitHubClient
from orgmetrics.github.errors import GraphQLQueryError, RateLimitExhausted
from tests.integration._client_fixtures import (  # noqa: F401
    TOKEN,
    Sleeps,
    client,
    demo_org,
    fake,
    make_client,
    repo,
    sleeps,
    warm_graphql,
)

ORG = "demo-org"

PRS = """
query Prs($owner: String!, $name: String!, $first: Int!, $after: String) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) {
    pullRequests(first: $first, after: $after, states: [OPEN, CLOSED, MERGED]) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        number
        reviews(first: 10) { totalCount pageInfo { hasNextPage endCursor } nodes { state } }
      }
    }
  }
}
"""

REVIEWS = """
query Reviews($owner: String!, $name: String!, $number: Int!, $first: Int!, $after: String) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviews(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { state submittedAt }
      }
    }
  }
}
"""

REPOS = """
query Repos($login: String!, $first: Int!, $after: String) {
  organization(login: $login) {
    repositories(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { name }
    }
  }
}
"""

PATH = ["repository", "pullRequests"]


pytestmark = pytest.mark.usefixtures("warm_graphql")


def test_graphql_pages_cover_the_whole_connection(client: GitHubClient, fake: FakeGitHub) -> None:
    expected = repo("legacy-archive").pulls
    pages = list(
        client.graphql_pages(PRS, {"owner": ORG, "name": "legacy-archive"}, PATH, page_size=30)
    )
    numbers = [n["number"] for p in pages for n in p.data["repository"]["pullRequests"]["nodes"]]
    assert sorted(numbers) == sorted(p.number for p in expected)
    assert len(pages) == math.ceil(len(expected) / 30) and not pages[-1].truncated
    # points: what the fake's graphql bucket charged equals what the client added up
    assert client.stats.graphql_points == fake.bucket(TOKEN, "graphql").used > 0
    assert client.stats.graphql_requests == fake.log.graphql == len(pages)


def test_graphql_page_cap_sets_truncated(client: GitHubClient) -> None:
    listing = client.graphql_nodes(
        PRS, {"owner": ORG, "name": "legacy-archive"}, PATH, page_size=20, max_pages=2
    )
    assert listing.truncated and len(listing.items) == 40
    assert listing.total_count == len(repo("legacy-archive").pulls)


def test_heavy_query_502_halves_the_page_size(
    client: GitHubClient, fake: FakeGitHub, sleeps: Sleeps
) -> None:
    fake.faults.add("/graphql", "status", status=502, times=2)
    pages = list(
        client.graphql_pages(PRS, {"owner": ORG, "name": "legacy-archive"}, PATH, page_size=40)
    )
    sizes = [len(p.data["repository"]["pullRequests"]["nodes"]) for p in pages]
    assert sizes[0] == 10  # 40 -> 20 -> 10 after two 502s, and it stays there
    assert sum(sizes) == len(repo("legacy-archive").pulls)
    assert client.stats.retries == 2 and len(sleeps.waits) == 2


def test_heavy_query_504_at_size_one_uses_normal_retries(
    client: GitHubClient, fake: FakeGitHub
) -> None:
    fake.faults.add("/graphql", "status", status=504, times=1)
    first = next(
        client.graphql_pages(PRS, {"owner": ORG, "name": "legacy-archive"}, PATH, page_size=1)
    )
    assert len(first.data["repository"]["pullRequests"]["nodes"]) == 1
    assert client.stats.retries == 1


def test_nested_connection_is_completed(client: GitHubClient) -> None:
    busy = max(repo("busy-monorepo").pulls, key=lambda p: len(p.reviews))
    assert len(busy.reviews) > 100
    variables = {"owner": ORG, "name": "busy-monorepo", "number": busy.number}
    first = client.graphql(REVIEWS, {**variables, "first": 10, "after": None})
    nested = first.data["repository"]["pullRequest"]["reviews"]
    assert nested["pageInfo"]["hasNextPage"] and len(nested["nodes"]) == 10
    listing = client.complete_connection(
        nested, REVIEWS, variables, ["repository", "pullRequest", "reviews"]
    )
    assert len(listing.items) == len(busy.reviews) == listing.total_count
    assert not listing.truncated and listing.pages == 1 + math.ceil((len(busy.reviews) - 10) / 100)


def test_nested_connection_cap_is_flagged(client: GitHubClient) -> None:
    busy = max(repo("busy-monorepo").pulls, key=lambda p: len(p.reviews))
    variables = {"owner": ORG, "name": "busy-monorepo", "number": busy.number}
    first = client.graphql(REVIEWS, {**variables, "first": 10, "after": None})
    nested = first.data["repository"]["pullRequest"]["reviews"]
    listing = client.complete_connection(
        nested,
        REVIEWS,
        variables,
        ["repository", "pullRequest", "reviews"],
        page_size=20,
        max_pages=1,
    )
    assert listing.truncated and len(listing.items) == 30


def test_errors_without_data_raise(client: GitHubClient) -> None:
    with pytest.raises(GraphQLQueryError) as info:
        client.graphql(REVIEWS, {"owner": ORG, "name": "nope", "number": 1, "first": 1})
    assert info.value.errors and "nope" in str(info.value)


def test_partial_data_with_saml_forbidden_is_kept(sleeps: Sleeps) -> None:
    org = demo_org()
    target = repo("hostile-text")
    target.saml_protected = True  # type: ignore[attr-defined] - the fake's SAML hook
    try:
        with FakeGitHub(org, token=TOKEN) as server, make_client(server, sleeps) as c:
            listing = c.graphql_nodes(
                REPOS, {"login": ORG}, ["organization", "repositories"], page_size=50
            )
    finally:
        del target.saml_protected  # type: ignore[attr-defined]
    names = [n["name"] for n in listing.items]
    assert "hostile-text" not in names and len(names) == len(org.repos) - 1
    assert [e.get("type") for e in listing.errors] == ["FORBIDDEN"]
    assert "SAML" in listing.errors[0]["message"]


def test_graphql_rate_limited_waits_for_reset(fake: FakeGitHub) -> None:
    sleeps = Sleeps(real=0.3)
    fake.faults.add("/graphql", "primary_limit", reset_in=0.2)
    with make_client(fake, sleeps) as c:
        result = c.graphql(REPOS, {"login": ORG, "first": 5})
    assert len(result.data["organization"]["repositories"]["nodes"]) == 5
    assert len(sleeps.waits) == 1 and 1.0 <= sleeps.waits[0] <= 3.0


def test_graphql_rate_limited_beyond_max_wait_raises(fake: FakeGitHub, sleeps: Sleeps) -> None:
    fake.faults.add("/graphql", "primary_limit", reset_in=3600)
    with make_client(fake, sleeps, max_wait=60) as c, pytest.raises(RateLimitExhausted) as info:
        c.graphql(REPOS, {"login": ORG, "first": 5})
    assert info.value.resource == "graphql" and sleeps.waits == []
