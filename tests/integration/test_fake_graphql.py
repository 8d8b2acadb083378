"""The fake GitHub's `POST /graphql` over HTTP, driven by curl-like requests and the real client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from orgmetrics.demo.generate import DEMO_ORG, generate_org
from orgmetrics.demo.model import Org, PullRequest, Repo
from orgmetrics.demo.server import FakeGitHub
from orgmetrics.github import GitHubClient
from orgmetrics.github.errors import GraphQLQueryError

NOW = datetime(2026, 6, 1, tzinfo=UTC)
AUTH = {"Authorization": "Bearer x"}

# The issue-2 acceptance query: a repository's pull requests with their reviews.
PRS_WITH_REVIEWS = """
query PRs($owner: String!, $name: String!, $first: Int!, $after: String) {
  rateLimit { cost remaining }
  repository(owner: $owner, name: $name) {
    pullRequests(first: $first, after: $after, orderBy: {field: UPDATED_AT, direction: DESC}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        number state createdAt updatedAt mergedAt
        author { __typename login }
        reviews(first: 10) {
          totalCount
          pageInfo { hasNextPage endCursor }
          nodes { state submittedAt author { __typename login } }
        }
      }
    }
  }
}
"""

REVIEWS = """
query Reviews($owner: String!, $name: String!, $number: Int!, $first: Int!, $after: String) {
  repository(owner: $owner, name: $name) { pullRequest(number: $number) {
    reviews(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } nodes { databaseId state } } } }
}
"""


@pytest.fixture(scope="module")
def org() -> Org:
    return generate_org(seed=7, n_repos=25, now=NOW)


@pytest.fixture(scope="module")
def fake(org: Org) -> Iterator[FakeGitHub]:
    with FakeGitHub(org) as server:
        yield server


@pytest.fixture()
def client(fake: FakeGitHub) -> GitHubClient:
    return GitHubClient("x", api_url=fake.url, graphql_url=fake.graphql_url, sleep=lambda _: None)


def post(fake: FakeGitHub, query: str, variables: dict[str, Any] | None = None) -> Any:
    """What `curl -X POST -H 'Authorization: Bearer x' URL/graphql -d '{...}'` gets."""
    answer = requests.post(
        fake.graphql_url,
        json={"query": query, "variables": variables or {}},
        headers=AUTH,
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return answer


def busiest(org: Org) -> Repo:
    """The repo with the most pull requests (paging needs more than one page)."""
    return max(org.repos, key=lambda r: len(r.pulls))


def by_updated_desc(repo: Repo) -> list[PullRequest]:
    return sorted(repo.pulls, key=lambda p: (p.updated_at, p.number), reverse=True)


def test_curl_pull_requests_with_reviews(fake: FakeGitHub, org: Org) -> None:
    repo = busiest(org)
    answer = post(fake, PRS_WITH_REVIEWS, {"owner": DEMO_ORG, "name": repo.name, "first": 20})
    assert answer.headers["x-ratelimit-resource"] == "graphql"
    body = answer.json()
    assert "errors" not in body
    prs = body["data"]["repository"]["pullRequests"]
    assert prs["totalCount"] == len(repo.pulls)
    expected = by_updated_desc(repo)[:20]
    assert [p["number"] for p in prs["nodes"]] == [p.number for p in expected]
    for node, pr in zip(prs["nodes"], expected, strict=True):
        assert node["reviews"]["totalCount"] == len(pr.reviews)
        assert [r["state"] for r in node["reviews"]["nodes"]] == [r.state for r in pr.reviews[:10]]
        assert node["state"] == ("MERGED" if pr.merged_at else pr.state.upper())
    # (1 pullRequests + 20 reviews requests) / 100 rounds to 1 point
    assert body["data"]["rateLimit"]["cost"] == 1


def test_client_pages_every_pull_request_once(client: GitHubClient, org: Org) -> None:
    repo = busiest(org)
    listing = client.graphql_nodes(
        PRS_WITH_REVIEWS,
        {"owner": DEMO_ORG, "name": repo.name},
        ["repository", "pullRequests"],
        page_size=100,
    )
    numbers = [node["number"] for node in listing.items]
    assert numbers == [p.number for p in by_updated_desc(repo)]
    assert listing.total_count == len(repo.pulls)
    assert listing.pages == -(-len(repo.pulls) // 100)


def test_nested_reviews_page_to_the_end(client: GitHubClient, org: Org) -> None:
    repo, pr = max(((r, p) for r in org.repos for p in r.pulls), key=lambda rp: len(rp[1].reviews))
    assert len(pr.reviews) > 100  # the generator's busy PR: more than one page of 100
    listing = client.graphql_nodes(
        REVIEWS,
        {"owner": DEMO_ORG, "name": repo.name, "number": pr.number},
        ["repository", "pullRequest", "reviews"],
        page_size=40,
    )
    assert [r["databaseId"] for r in listing.items] == [r.id for r in pr.reviews]
    assert listing.total_count == len(pr.reviews)


def test_aliases_answer_several_repositories(fake: FakeGitHub, org: Org) -> None:
    picked = org.repos[:3]
    parts = " ".join(
        f'r{i}: repository(owner: "{DEMO_ORG}", name: "{r.name}") '
        "{ name isArchived isFork pullRequests(first: 1) { totalCount } }"
        for i, r in enumerate(picked)
    )
    data = post(fake, "{ " + parts + " }").json()["data"]
    for i, repo in enumerate(picked):
        assert data[f"r{i}"] == {
            "name": repo.name,
            "isArchived": repo.archived,
            "isFork": repo.fork,
            "pullRequests": {"totalCount": len(repo.pulls)},
        }


def test_bots_are_typed_bot_without_suffix(fake: FakeGitHub, org: Org) -> None:
    repo, pr = next(
        (r, p) for r in org.repos for p in r.pulls if p.user is not None and p.user.type == "Bot"
    )
    q = """query($o: String!, $n: String!, $k: Int!) { repository(owner: $o, name: $n) {
      pullRequest(number: $k) { author { __typename login } } } }"""
    assert pr.user is not None
    data = post(fake, q, {"o": DEMO_ORG, "n": repo.name, "k": pr.number}).json()["data"]
    assert data["repository"]["pullRequest"]["author"] == {
        "__typename": "Bot",
        "login": pr.user.login.removesuffix("[bot]"),
    }
    assert not data["repository"]["pullRequest"]["author"]["login"].endswith("[bot]")


def test_pagination_rules_and_invalid_fields_answer_200_with_errors(
    fake: FakeGitHub, client: GitHubClient
) -> None:
    missing = post(fake, '{ organization(login: "demo-org") { repositories { totalCount } } }')
    assert missing.json()["errors"][0]["message"] == (
        "You must provide a `first` or `last` value to properly paginate the "
        "`repositories` connection."
    )
    too_many = post(
        fake, '{ organization(login: "demo-org") { repositories(first: 101) { totalCount } } }'
    )
    assert too_many.json()["errors"][0]["message"] == (
        "Requesting 101 records on the `repositories` connection exceeds the `first` limit "
        "of 100 records."
    )
    with pytest.raises(GraphQLQueryError):
        client.graphql('{ organization(login: "demo-org") { starCount } }')


def test_rate_limit_points_count_down_by_cost(org: Org) -> None:
    q = """{ rateLimit { cost remaining }
      organization(login: "demo-org") { repositories(first: 100) { nodes {
        pullRequests(first: 100) { nodes { reviews(first: 10) { totalCount } } } } } } }"""
    with FakeGitHub(org) as server:
        first = post(server, q).json()["data"]["rateLimit"]
        second = post(server, q).json()["data"]["rateLimit"]
    # requests: 1 + 100 + 100*100 = 10,101 -> 101 points (GitHub's documented method)
    assert first["cost"] == 101
    assert first["remaining"] - second["remaining"] == 101


def test_same_seed_same_answer(org: Org, fake: FakeGitHub) -> None:
    variables = {"owner": DEMO_ORG, "name": busiest(org).name, "first": 30}
    twin = generate_org(seed=7, n_repos=25, now=NOW)
    with FakeGitHub(twin) as other:
        a = post(fake, PRS_WITH_REVIEWS, variables).json()["data"]["repository"]
        b = post(other, PRS_WITH_REVIEWS, variables).json()["data"]["repository"]
    assert a == b


def test_saml_protected_repo_gives_partial_data_and_forbidden() -> None:
    twin = generate_org(seed=7, n_repos=25, now=NOW)
    by_name = sorted(twin.repos, key=lambda r: r.name.lower())[:5]
    locked = by_name[1]
    locked.saml_protected = True  # type: ignore[attr-defined]  # the fake's FORBIDDEN hook
    q = """{ organization(login: "demo-org") {
      repositories(first: 5, orderBy: {field: NAME, direction: ASC}) { nodes { name } } } }"""
    with FakeGitHub(twin) as server:
        client = GitHubClient(
            "x", api_url=server.url, graphql_url=server.graphql_url, sleep=lambda _: None
        )
        result = client.graphql(q)
    assert result.data is not None
    nodes = result.data["organization"]["repositories"]["nodes"]
    assert nodes[1] is None
    assert [n["name"] for n in nodes if n] == [r.name for r in by_name if r is not locked]
    (error,) = result.errors
    assert error["type"] == "FORBIDDEN"
    assert error["path"] == ["organization", "repositories", "nodes", 1]
    assert error["extensions"] == {"saml_failure": True}
