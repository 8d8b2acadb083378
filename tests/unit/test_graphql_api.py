"""The fake GitHub's GraphQL API over a tiny hand-built org: shapes, paging, limits, cost."""

from __future__ import annotations

import base64
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from orgmetrics.demo.graphql_api import (
    GraphQLRate,
    execute_graphql,
    get_schema,
    validate_query,
)
from orgmetrics.demo.model import (
    Commit,
    DependabotAlert,
    Deployment,
    DeploymentStatus,
    Issue,
    Org,
    PullRequest,
    Release,
    Repo,
    Review,
    User,
)

T0 = datetime(2026, 3, 1, tzinfo=UTC)
ALICE = User("alice", 1, name="Alice", email="alice@example.com")
BOB = User("bob", 2)
DEPENDABOT = User("dependabot[bot]", 3, type="Bot")


def h(hours: float) -> datetime:
    """T0 plus some hours."""
    return T0 + timedelta(hours=hours)


def _pr(n: int, **kw: Any) -> PullRequest:
    """PR n created at T0+n h and updated at T0+(200-n) h, so the two orders differ."""
    base: dict[str, Any] = {
        "number": n,
        "id": 1000 + n,
        "title": f"PR {n}",
        "user": ALICE,
        "state": "open",
        "draft": False,
        "created_at": h(n),
        "updated_at": h(200 - n),
        "closed_at": None,
        "merged_at": None,
        "base_ref": "main",
        "head_ref": f"feature-{n}",
    }
    base.update(kw)
    return PullRequest(**base)


def _commit(sha_digit: str, at: datetime, author: User | None, name: str = "A") -> Commit:
    return Commit(
        sha_digit * 40, f"commit {sha_digit}\n\nbody", name, f"{name}@x.org", at, at, author
    )


def build_org() -> Org:
    """api: 7 PRs (one merged with reviews, one by a bot, one draft); web: empty repo."""
    reviews = [
        Review(1, BOB, "COMMENTED", h(2)),
        Review(2, DEPENDABOT, "APPROVED", h(3)),
        Review(3, BOB, "CHANGES_REQUESTED", h(4)),
        Review(4, BOB, "APPROVED", h(5)),
        Review(5, ALICE, "PENDING", None),
    ]
    pulls = [
        _pr(
            1,
            state="closed",
            closed_at=h(6),
            merged_at=h(6),
            reviews=reviews,
            labels=["SEV1", "bug"],
            commits=[_commit("b", h(0.5), ALICE), _commit("a", h(0.2), None, "Ghost")],
        ),
        _pr(2, user=DEPENDABOT),
        _pr(3, state="closed", closed_at=h(9)),
        _pr(4, draft=True),
        _pr(5, ready_for_review_at=h(7)),
        _pr(6, base_ref="release"),
        _pr(7, user=None),
    ]
    api = Repo(
        id=10,
        name="api",
        description="<script>alert('x')</script>",
        private=True,
        fork=False,
        archived=False,
        language="Python",
        topics=[],
        default_branch="main",
        created_at=T0,
        updated_at=h(100),
        pushed_at=h(99),
        pulls=pulls,
        issues=[
            Issue(1, 501, "outage", ALICE, "closed", h(1), h(3), h(3), labels=["incident"]),
            Issue(2, 502, "typo", BOB, "open", h(2), h(50), None, labels=["docs"]),
            Issue(3, 503, "db down", BOB, "open", h(4), h(5), None, labels=["SEV1"]),
        ],
        commits=[
            _commit("3", h(30), ALICE),
            _commit("2", h(20), DEPENDABOT, "dependabot[bot]"),
            _commit("1", h(10), None, "Nobody"),
        ],
        deployments=[
            Deployment(
                70,
                "3" * 40,
                "main",
                "production",
                h(31),
                h(33),
                ALICE,
                statuses=[
                    DeploymentStatus(701, "failure", h(32)),
                    DeploymentStatus(702, "success", h(33)),
                ],
            ),
            Deployment(71, "2" * 40, "main", "staging", h(21), h(21), ALICE),
        ],
        releases=[
            Release(80, "v1.0.0", "One", False, False, h(40), h(41)),
            Release(81, "v1.1.0-rc1", "Two rc", False, True, h(50), h(50)),
            Release(82, "v2.0.0", "Draft", True, False, h(60), None),
        ],
        dependabot_alerts=[
            DependabotAlert(
                1, "open", "medium", "lodash", "npm", "GHSA-aaaa", None, "s", h(1), h(1)
            ),
            DependabotAlert(
                2,
                "fixed",
                "critical",
                "django",
                "pip",
                "GHSA-bbbb",
                "CVE-1",
                "s",
                h(1),
                h(9),
                fixed_at=h(9),
            ),
        ],
    )
    web = Repo(
        11,
        "web",
        None,
        False,
        True,
        False,
        None,
        [],
        "main",
        h(1),
        h(1),
        None,
        dependabot="forbidden",
    )
    old = Repo(
        12,
        "old",
        "archived",
        False,
        False,
        True,
        "Go",
        [],
        "main",
        h(2),
        h(2),
        h(2),
        commits=[_commit("9", h(2), BOB)],
    )
    return Org(
        "demo-org", 99, "Demo Org", None, T0, h(24 * 30), [ALICE, BOB, DEPENDABOT], [api, web, old]
    )


@pytest.fixture(scope="module")
def org() -> Org:
    get_schema()  # build once for the module (about a second)
    return build_org()


def data(org: Org, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> Any:
    """The `data` of an answer that must have no errors."""
    body = execute_graphql(org, query, variables, **kw).body
    assert "errors" not in body, body
    return body["data"]


PRS_WITH_REVIEWS = """
query RepoPRs($owner: String!, $name: String!, $n: Int!, $cursor: String) {
  rateLimit { cost remaining nodeCount }
  repository(owner: $owner, name: $name) {
    pullRequests(first: $n, after: $cursor, orderBy: {field: UPDATED_AT, direction: DESC}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        number title state isDraft createdAt updatedAt mergedAt closedAt
        baseRefName headRefName
        author { __typename login }
        labels(first: 10) { nodes { name } }
        reviews(first: 50) {
          totalCount
          pageInfo { hasNextPage endCursor }
          nodes { state submittedAt createdAt author { __typename login } }
        }
        commits(first: 1) {
          nodes { commit { authoredDate committedDate author { email user { login } } } }
        }
      }
    }
  }
}
"""


def test_pull_requests_with_reviews_carry_githubs_shapes(org: Org) -> None:
    d = data(org, PRS_WITH_REVIEWS, {"owner": "demo-org", "name": "api", "n": 50})
    prs = d["repository"]["pullRequests"]
    assert prs["totalCount"] == 7
    assert prs["pageInfo"]["hasNextPage"] is False
    # UPDATED_AT DESC: PR n was updated at T0+(200-n) h, so PR 1 comes first.
    assert [p["number"] for p in prs["nodes"]] == [1, 2, 3, 4, 5, 6, 7]
    first = prs["nodes"][0]
    assert first["state"] == "MERGED"
    assert first["mergedAt"] == "2026-03-01T06:00:00Z"
    assert first["createdAt"] == "2026-03-01T01:00:00Z"
    assert first["author"] == {"__typename": "User", "login": "alice"}
    assert [x["name"] for x in first["labels"]["nodes"]] == ["bug", "SEV1"]
    reviews = first["reviews"]
    assert reviews["totalCount"] == 5
    assert [r["state"] for r in reviews["nodes"]] == [
        "COMMENTED",
        "APPROVED",
        "CHANGES_REQUESTED",
        "APPROVED",
        "PENDING",
    ]
    assert reviews["nodes"][4]["submittedAt"] is None
    assert reviews["nodes"][1]["author"] == {"__typename": "Bot", "login": "dependabot"}
    # first commit = the oldest one, whose author e-mail is linked to no account
    commit = first["commits"]["nodes"][0]["commit"]
    assert commit["authoredDate"] == "2026-03-01T00:12:00Z"
    assert commit["author"] == {"email": "Ghost@x.org", "user": None}
    states = {p["number"]: p["state"] for p in prs["nodes"]}
    assert states[3] == "CLOSED" and states[2] == "OPEN"
    assert prs["nodes"][1]["author"] == {"__typename": "Bot", "login": "dependabot"}
    assert prs["nodes"][6]["author"] is None  # deleted account
    # requests: 1 (pullRequests) + 50 each for labels, reviews, commits = 151 -> 2 points;
    # nodes: 50 + 50*10 + 50*50 + 50*1
    assert d["rateLimit"] == {"cost": 2, "remaining": 4998, "nodeCount": 3100}


def test_forward_pagination_visits_each_pr_once(org: Org) -> None:
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        d = data(
            org, PRS_WITH_REVIEWS, {"owner": "demo-org", "name": "api", "n": 3, "cursor": cursor}
        )
        conn = d["repository"]["pullRequests"]
        assert conn["totalCount"] == 7
        seen += [p["number"] for p in conn["nodes"]]
        pages += 1
        if not conn["pageInfo"]["hasNextPage"]:
            break
        cursor = conn["pageInfo"]["endCursor"]
    assert pages == 3
    assert seen == [1, 2, 3, 4, 5, 6, 7]


def test_cursors_are_opaque_base64_and_bad_ones_are_refused(org: Org) -> None:
    q = (
        '{ repository(owner:"demo-org", name:"api") { '
        "pullRequests(first: 2) { pageInfo { endCursor } } } }"
    )
    cursor = data(org, q)["repository"]["pullRequests"]["pageInfo"]["endCursor"]
    base64.b64decode(cursor, validate=True)
    assert not cursor.isdigit()
    bad = execute_graphql(
        org,
        '{ repository(owner:"demo-org", name:"api") { '
        'pullRequests(first: 2, after: "nope") { totalCount } } }',
        None,
    ).body
    assert bad["data"]["repository"] is None
    assert bad["errors"][0]["message"] == "`nope` does not appear to be a valid cursor."


def test_backward_pagination_with_last_and_before(org: Org) -> None:
    q = """query($before: String) { repository(owner:"demo-org", name:"api") {
      pullRequests(last: 3, before: $before) {
        pageInfo { hasPreviousPage hasNextPage startCursor } nodes { number } } } }"""
    page = data(org, q)["repository"]["pullRequests"]
    assert [p["number"] for p in page["nodes"]] == [5, 6, 7]
    assert page["pageInfo"]["hasPreviousPage"] is True
    prev = data(org, q, {"before": page["pageInfo"]["startCursor"]})["repository"]
    assert [p["number"] for p in prev["pullRequests"]["nodes"]] == [2, 3, 4]


def test_nested_reviews_page_with_their_own_cursor(org: Org) -> None:
    q = """query($after: String) { repository(owner:"demo-org", name:"api") {
      pullRequests(first: 1) { nodes { reviews(first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } nodes { state } } } } } }"""
    states: list[str] = []
    after = None
    for _ in range(5):
        reviews = data(org, q, {"after": after})["repository"]["pullRequests"]["nodes"][0][
            "reviews"
        ]
        assert reviews["totalCount"] == 5
        states += [r["state"] for r in reviews["nodes"]]
        if not reviews["pageInfo"]["hasNextPage"]:
            break
        after = reviews["pageInfo"]["endCursor"]
    assert states == ["COMMENTED", "APPROVED", "CHANGES_REQUESTED", "APPROVED", "PENDING"]


def test_review_states_filter_narrows_total_count(org: Org) -> None:
    q = """{ repository(owner:"demo-org", name:"api") { pullRequests(first: 1) { nodes {
      reviews(first: 10, states: [APPROVED, CHANGES_REQUESTED]) { totalCount } } } } }"""
    node = data(org, q)["repository"]["pullRequests"]["nodes"][0]
    assert node["reviews"]["totalCount"] == 3


def test_pull_request_filters(org: Org) -> None:
    q = """{ repository(owner:"demo-org", name:"api") {
      open: pullRequests(first: 100, states: [OPEN]) { totalCount }
      merged: pullRequests(first: 100, states: [MERGED]) { totalCount }
      closed: pullRequests(first: 100, states: [CLOSED]) { totalCount }
      release: pullRequests(first: 100, baseRefName: "release") { nodes { number } }
      draft: pullRequests(first: 1, orderBy: {field: CREATED_AT, direction: DESC}) {
        nodes { number } }
      ready: pullRequest(number: 5) { timelineItems(first: 5, itemTypes: [READY_FOR_REVIEW_EVENT]) {
        nodes { __typename ... on ReadyForReviewEvent { createdAt } } } }
    } }"""
    r = data(org, q)["repository"]
    assert (r["open"]["totalCount"], r["merged"]["totalCount"], r["closed"]["totalCount"]) == (
        5,
        1,
        1,
    )
    assert r["release"]["nodes"] == [{"number": 6}]
    assert r["draft"]["nodes"] == [{"number": 7}]
    assert r["ready"]["timelineItems"]["nodes"] == [
        {"__typename": "ReadyForReviewEvent", "createdAt": "2026-03-01T07:00:00Z"}
    ]


def test_first_or_last_is_required_on_every_connection(org: Org) -> None:
    body = execute_graphql(
        org,
        '{ repository(owner:"demo-org", name:"api") { '
        "pullRequests(first: 5) { nodes { reviews { totalCount } } } } }",
        None,
    ).body
    assert "data" not in body
    (error,) = body["errors"]
    assert error["type"] == "MISSING_PAGINATION_BOUNDARIES"
    assert error["message"] == (
        "You must provide a `first` or `last` value to properly paginate the `reviews` connection."
    )
    assert error["path"] == ["repository", "pullRequests", "nodes", "reviews"]


def test_more_than_100_records_is_refused(org: Org) -> None:
    answer = execute_graphql(
        org,
        "query($n: Int) { "
        'repository(owner:"demo-org", name:"api") { pullRequests(last: $n) { totalCount } } }',
        {"n": 101},
    )
    assert answer.cost == 0
    (error,) = answer.body["errors"]
    assert error["type"] == "EXCESSIVE_PAGINATION"
    assert error["message"] == (
        "Requesting 101 records on the `pullRequests` connection exceeds the `last` limit of "
        "100 records."
    )


def test_first_and_last_together_are_refused(org: Org) -> None:
    body = execute_graphql(
        org,
        '{ organization(login: "demo-org") { repositories(first: 1, last: 1) { totalCount } } }',
        None,
    ).body
    assert body["errors"][0]["message"] == (
        "Passing both `first` and `last` to paginate the `repositories` connection is not "
        "supported."
    )


def test_invalid_field_is_a_github_style_error(org: Org) -> None:
    q = '{ repository(owner:"demo-org", name:"api") { nope } }'
    body = execute_graphql(org, q, None).body
    assert body == {
        "errors": [
            {
                "extensions": {
                    "code": "undefinedField",
                    "typeName": "Repository",
                    "fieldName": "nope",
                },
                "locations": [{"line": 1, "column": 46}],
                "message": "Field 'nope' doesn't exist on type 'Repository'",
            }
        ]
    }
    assert validate_query(q) == ["Field 'nope' doesn't exist on type 'Repository'"]
    assert validate_query(PRS_WITH_REVIEWS) == []
    assert validate_query("{ repository(") != []


def test_edges_carry_the_same_cursors_as_page_info(org: Org) -> None:
    q = """{ repository(owner: "demo-org", name: "api") { pullRequests(first: 3, after: null) {
      pageInfo { startCursor endCursor } edges { cursor node { number } } } } }"""
    conn = data(org, q)["repository"]["pullRequests"]
    assert [e["node"]["number"] for e in conn["edges"]] == [1, 2, 3]
    assert conn["edges"][0]["cursor"] == conn["pageInfo"]["startCursor"]
    assert conn["edges"][-1]["cursor"] == conn["pageInfo"]["endCursor"]
    after_second = data(
        org,
        'query($c: String) { repository(owner: "demo-org", name: "api") { '
        "pullRequests(first: 1, after: $c) { nodes { number } } } }",
        {"c": conn["edges"][1]["cursor"]},
    )
    assert after_second["repository"]["pullRequests"]["nodes"] == [{"number": 3}]


def test_cost_minimum_and_skipped_connections(org: Org) -> None:
    assert execute_graphql(org, "{ __typename }", None).cost == 1
    q = """query($skip: Boolean!) { organization(login: "demo-org") {
      repositories(first: 100) { nodes {
        issues(first: 100) @skip(if: $skip) { totalCount } } } } }"""
    # with the issues: 1 + 100 requests -> 1 point, 10,100 nodes; skipped: 100 nodes
    assert execute_graphql(org, q, {"skip": False}).node_count == 10_100
    assert execute_graphql(org, q, {"skip": True}).node_count == 100


def test_bad_variables_are_refused_before_execution(org: Org) -> None:
    answer = execute_graphql(org, PRS_WITH_REVIEWS, {"owner": "demo-org", "n": 5})
    assert answer.cost == 0
    assert "data" not in answer.body
    assert "$name" in answer.body["errors"][0]["message"]


def test_aliases_fetch_several_repositories_in_one_query(org: Org) -> None:
    q = """{ a: repository(owner:"demo-org", name:"api") { nameWithOwner isPrivate isEmpty
                pullRequests(first: 1) { totalCount } }
             b: repository(owner:"demo-org", name:"web") { nameWithOwner isFork isEmpty
                defaultBranchRef { name } pullRequests(first: 1) { totalCount } }
             c: repository(owner:"DEMO-ORG", name:"OLD") { name isArchived
                 primaryLanguage { name } } }"""
    d = data(org, q)
    assert d["a"] == {
        "nameWithOwner": "demo-org/api",
        "isPrivate": True,
        "isEmpty": False,
        "pullRequests": {"totalCount": 7},
    }
    assert d["b"] == {
        "nameWithOwner": "demo-org/web",
        "isFork": True,
        "isEmpty": True,
        "defaultBranchRef": None,
        "pullRequests": {"totalCount": 0},
    }
    assert d["c"] == {"name": "old", "isArchived": True, "primaryLanguage": {"name": "Go"}}


def test_unknown_repository_is_null_with_not_found(org: Org) -> None:
    body = execute_graphql(
        org, '{ x: repository(owner:"demo-org", name:"ghost") { name } }', None
    ).body
    assert body["data"] == {"x": None}
    assert body["errors"][0]["type"] == "NOT_FOUND"
    assert body["errors"][0]["path"] == ["x"]
    assert body["errors"][0]["message"] == (
        "Could not resolve to a Repository with the name 'demo-org/ghost'."
    )


def test_unknown_organization_is_null_with_not_found(org: Org) -> None:
    body = execute_graphql(org, '{ organization(login: "other") { login } }', None).body
    assert body["data"] == {"organization": None}
    assert body["errors"][0]["type"] == "NOT_FOUND"
    assert body["errors"][0]["message"] == (
        "Could not resolve to an Organization with the login of 'other'."
    )


def test_cost_follows_githubs_documented_example(org: Org) -> None:
    # GitHub's docs: 1 + 100 + 5,000 requests = 5,101 -> 51 points; nodes 100 + 5,000 + 300,000.
    q = """{ rateLimit { cost nodeCount }
      organization(login: "demo-org") { repositories(first: 100) { nodes {
        issues(first: 50) { nodes { labels(first: 60) { nodes { name } } } } } } } }"""
    answer = execute_graphql(org, q, None)
    assert answer.cost == 51
    assert answer.body["data"]["rateLimit"] == {"cost": 51, "nodeCount": 305_100}
    assert answer.node_count == 305_100


def test_node_limit_of_500000(org: Org) -> None:
    q = """{ organization(login: "demo-org") { repositories(first: 100) { nodes {
        issues(first: 100) { nodes { labels(first: 100) { totalCount } } } } } } }"""
    (error,) = execute_graphql(org, q, None).body["errors"]
    assert error["type"] == "MAX_NODE_LIMIT_EXCEEDED"


def test_rate_limit_reports_the_callers_budget_and_refuses_when_spent(org: Org) -> None:
    reset = datetime(2026, 4, 1, 12, tzinfo=UTC)
    q = "{ rateLimit { limit cost used remaining resetAt } }"
    d = data(org, q, rate=GraphQLRate(limit=100, used=40, reset_at=reset))
    assert d["rateLimit"] == {
        "limit": 100,
        "cost": 1,
        "used": 41,
        "remaining": 59,
        "resetAt": "2026-04-01T12:00:00Z",
    }
    spent = execute_graphql(org, q, None, rate=GraphQLRate(limit=100, used=100))
    assert spent.rate_limited and spent.cost == 0
    assert spent.body["errors"][0]["type"] == "RATE_LIMITED"


def test_forbidden_repos_answer_null_with_saml_error(org: Org) -> None:
    q = """{ organization(login: "demo-org") { repositories(first: 10) {
        totalCount nodes { name } } }
      api: repository(owner: "demo-org", name: "api") { name } }"""
    body = execute_graphql(org, q, None, forbidden={"api"}).body
    assert body["data"]["organization"]["repositories"] == {
        "totalCount": 3,
        "nodes": [None, {"name": "web"}, {"name": "old"}],
    }
    assert body["data"]["api"] is None
    paths = sorted(str(e["path"]) for e in body["errors"])
    assert paths == [str(["api"]), str(["organization", "repositories", "nodes", 0])]
    assert all(e["type"] == "FORBIDDEN" for e in body["errors"])
    assert all(e["extensions"] == {"saml_failure": True} for e in body["errors"])


def test_organization_repositories_filters_and_order(org: Org) -> None:
    q = """{ organization(login: "demo-org") { login name
      live: repositories(first: 10, isArchived: false, orderBy: {field: NAME, direction: ASC}) {
        totalCount nodes { name } }
      private: repositories(first: 10, privacy: PRIVATE) { nodes { name } } } }"""
    o = data(org, q)["organization"]
    assert (o["login"], o["name"]) == ("demo-org", "Demo Org")
    assert o["live"] == {"totalCount": 2, "nodes": [{"name": "api"}, {"name": "web"}]}
    assert o["private"]["nodes"] == [{"name": "api"}]


def test_deployments_with_latest_status_and_statuses(org: Org) -> None:
    q = """{ repository(owner: "demo-org", name: "api") {
      deployments(first: 10, environments: ["production"],
          orderBy: {field: CREATED_AT, direction: DESC}) {
        totalCount nodes { databaseId environment createdAt ref { name } commitOid
          latestStatus { state createdAt }
          statuses(first: 10) { totalCount nodes { state createdAt } } } }
      all: deployments(first: 10) { nodes { databaseId latestStatus { state } } } } }"""
    r = data(org, q)["repository"]
    assert r["deployments"]["totalCount"] == 1
    (dep,) = r["deployments"]["nodes"]
    assert dep["databaseId"] == 70 and dep["ref"] == {"name": "main"}
    assert dep["commitOid"] == "3" * 40
    assert dep["latestStatus"] == {"state": "SUCCESS", "createdAt": "2026-03-02T09:00:00Z"}
    assert dep["statuses"]["nodes"] == [
        {"state": "SUCCESS", "createdAt": "2026-03-02T09:00:00Z"},
        {"state": "FAILURE", "createdAt": "2026-03-02T08:00:00Z"},
    ]
    assert r["all"]["nodes"] == [
        {"databaseId": 71, "latestStatus": None},
        {"databaseId": 70, "latestStatus": {"state": "SUCCESS"}},
    ]


def test_issues_filter_by_labels_states_and_since(org: Org) -> None:
    q = """{ repository(owner: "demo-org", name: "api") {
      incidents: issues(first: 10, labels: ["incident", "sev1"]) { totalCount nodes { number } }
      open: issues(first: 10, states: [OPEN]) { totalCount }
      recent: issues(first: 10, filterBy: {since: "2026-03-01T04:30:00Z"}) {
        nodes { number title state createdAt closedAt author { login }
            labels(first: 5) { nodes { name } } } } } }"""
    r = data(org, q)["repository"]
    assert [i["number"] for i in r["incidents"]["nodes"]] == [1, 3]
    assert r["open"]["totalCount"] == 2
    assert r["recent"]["nodes"] == [
        {
            "number": 2,
            "title": "typo",
            "state": "OPEN",
            "createdAt": "2026-03-01T02:00:00Z",
            "closedAt": None,
            "author": {"login": "bob"},
            "labels": {"nodes": [{"name": "docs"}]},
        },
        {
            "number": 3,
            "title": "db down",
            "state": "OPEN",
            "createdAt": "2026-03-01T04:00:00Z",
            "closedAt": None,
            "author": {"login": "bob"},
            "labels": {"nodes": [{"name": "SEV1"}]},
        },
    ]


def test_releases_and_vulnerability_alerts(org: Org) -> None:
    q = """{ repository(owner: "demo-org", name: "api") { hasVulnerabilityAlertsEnabled
      releases(first: 10, orderBy: {field: CREATED_AT, direction: DESC}) {
        nodes { name tagName isDraft isPrerelease createdAt publishedAt } }
      vulnerabilityAlerts(first: 10) { totalCount nodes { number state createdAt fixedAt
        dismissedAt autoDismissedAt securityAdvisory { severity ghsaId }
        securityVulnerability { severity package { name ecosystem } } } } } }"""
    r = data(org, q)["repository"]
    assert r["hasVulnerabilityAlertsEnabled"] is True
    assert [x["tagName"] for x in r["releases"]["nodes"]] == ["v2.0.0", "v1.1.0-rc1", "v1.0.0"]
    assert r["releases"]["nodes"][0]["publishedAt"] is None
    assert r["releases"]["nodes"][0]["isDraft"] is True
    assert r["releases"]["nodes"][1]["isPrerelease"] is True
    first, second = r["vulnerabilityAlerts"]["nodes"]
    assert first["securityAdvisory"] == {"severity": "MODERATE", "ghsaId": "GHSA-aaaa"}
    assert first["securityVulnerability"] == {
        "severity": "MODERATE",
        "package": {"name": "lodash", "ecosystem": "NPM"},
    }
    assert (second["state"], second["fixedAt"]) == ("FIXED", "2026-03-01T09:00:00Z")
    fixed = data(
        org,
        '{ repository(owner:"demo-org", name:"api") { '
        "vulnerabilityAlerts(first: 5, states: [FIXED]) { totalCount } } }",
    )
    assert fixed["repository"]["vulnerabilityAlerts"]["totalCount"] == 1


def test_vulnerability_alerts_forbidden_for_the_token(org: Org) -> None:
    body = execute_graphql(
        org,
        '{ repository(owner:"demo-org", name:"web") { '
        "name vulnerabilityAlerts(first: 5) { totalCount } } }",
        None,
    ).body
    assert body["data"]["repository"] == {"name": "web", "vulnerabilityAlerts": None}
    assert body["errors"][0]["type"] == "FORBIDDEN"


def test_default_branch_history_since_until(org: Org) -> None:
    q = """{ repository(owner: "demo-org", name: "api") { defaultBranchRef { name target {
      ... on Commit { oid history(first: 10, since: "2026-03-01T15:00:00Z",
          until: "2026-03-02T05:00:00Z") {
        totalCount pageInfo { hasNextPage }
        nodes { oid authoredDate committedDate author { name email user { login } } } } } } } } }"""
    ref = data(org, q)["repository"]["defaultBranchRef"]
    assert ref["name"] == "main"
    assert ref["target"]["oid"] == "3" * 40
    history = ref["target"]["history"]
    assert history["totalCount"] == 1
    (commit,) = history["nodes"]
    # a bot is not a User, so GitActor.user is null for it, as on GitHub
    assert commit["author"] == {
        "name": "dependabot[bot]",
        "email": "dependabot[bot]@x.org",
        "user": None,
    }
    assert commit["committedDate"] == "2026-03-01T20:00:00Z"


def test_unimplemented_field_says_so_instead_of_null(org: Org) -> None:
    body = execute_graphql(
        org, '{ repository(owner:"demo-org", name:"api") { stargazerCount } }', None
    ).body
    assert "does not implement `Repository.stargazerCount`" in body["errors"][0]["message"]


def test_answers_are_deterministic(org: Org) -> None:
    variables = {"owner": "demo-org", "name": "api", "n": 4}
    first = execute_graphql(org, PRS_WITH_REVIEWS, variables)
    second = execute_graphql(build_org(), PRS_WITH_REVIEWS, variables)
    assert first == second


def test_concurrent_requests_get_identical_answers(org: Org) -> None:
    variables = {"owner": "demo-org", "name": "api", "n": 3}
    expected = execute_graphql(org, PRS_WITH_REVIEWS, variables)
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(
            pool.map(lambda _: execute_graphql(org, PRS_WITH_REVIEWS, variables), range(12))
        )
    assert all(a == expected for a in answers)


def test_fifty_prs_with_reviews_answer_well_under_100ms() -> None:
    reviews = [Review(k, BOB, "APPROVED", h(k)) for k in range(5)]
    big = build_org()
    big.repos[0].pulls = [_pr(n, reviews=list(reviews), labels=["a", "b"]) for n in range(1, 501)]
    variables = {"owner": "demo-org", "name": "api", "n": 50}
    execute_graphql(big, PRS_WITH_REVIEWS, variables)  # parse + validate once (cached)
    # CPU time, best of 5: the shared test machine's load must not decide the result
    best = min(_timed(big, variables) for _ in range(5))
    assert best < 0.1, f"{best * 1000:.0f} ms"


def _timed(org: Org, variables: dict[str, Any]) -> float:
    start = time.process_time()
    answer = execute_graphql(org, PRS_WITH_REVIEWS, variables)
    elapsed = time.process_time() - start
    assert len(answer.body["data"]["repository"]["pullRequests"]["nodes"]) == 50
    return elapsed
