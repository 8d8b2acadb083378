"""Every GraphQL document the collector can send is valid against GitHub's published schema."""

from __future__ import annotations

import pytest

from orgmetrics.collect import graphql_queries as q
from orgmetrics.demo.graphql_api import validate_query

BATCHES = [
    [q.BatchRepo("one")],
    [q.BatchRepo("one", ("incident",))],
    [q.BatchRepo("a", ("incident", "sev1")), q.BatchRepo("b"), q.BatchRepo("c", ("outage",))],
]


@pytest.mark.parametrize("repos", BATCHES, ids=["plain", "incidents", "mixed"])
def test_batch_queries_are_valid(repos: list[q.BatchRepo]) -> None:
    assert validate_query(q.repo_batch_query(repos)) == []


@pytest.mark.parametrize("count", [1, 7, 50])
def test_facts_queries_are_valid(count: int) -> None:
    assert validate_query(q.repo_facts_query(count)) == []


@pytest.mark.parametrize("source", sorted(q.SOURCES))
def test_page_queries_are_valid(source: str) -> None:
    assert validate_query(q.page_query(source)) == []


def test_reviews_page_query_is_valid() -> None:
    assert validate_query(q.reviews_page_query()) == []


def test_validation_is_not_vacuous() -> None:
    broken = q.page_query("releases").replace("tagName", "tagname")
    assert validate_query(broken) != []


def test_batch_declares_labels_only_for_repos_that_have_incident_labels() -> None:
    text = q.repo_batch_query([q.BatchRepo("a"), q.BatchRepo("b", ("incident",))])
    assert "$l1: [String!]" in text
    assert "$l0" not in text
    variables = q.batch_variables(
        "org", [q.BatchRepo("a"), q.BatchRepo("b", ("incident",))], since="S", until="U"
    )
    assert variables == {
        "owner": "org",
        "since": "S",
        "until": "U",
        "issuesSince": "S",
        "n0": "a",
        "n1": "b",
        "l1": ["incident"],
    }


def test_measured_sizes_shape_the_batch_query() -> None:
    sized = q.BatchRepo("a", ("incident",), (("recentPRs", 7), ("openPRs", 0), ("deployments", 0)))
    quiet = q.BatchRepo("b", (), (("recentPRs", 0), ("openPRs", 0), ("deployments", 0)))
    text = q.repo_batch_query([sized, quiet])
    assert validate_query(text) == []
    assert "recentPRs: pullRequests(first: 7," in text
    assert sized.sources() == [
        "recentPRs",
        "recentIncidents",
        "openIncidents",
        "releases",
        "history",
    ]
    assert quiet.sources() == ["releases", "history"]
    nothing = q.BatchRepo(
        "c", (), (("recentPRs", 0), ("openPRs", 0), ("deployments", 0), ("history", 0))
    )
    assert validate_query(q.repo_batch_query([nothing])) == []  # no unused variables
    assert q.batch_variables("o", [nothing], since="S", until="U") == {"owner": "o", "n0": "c"}


def test_sizes_from_facts_counts_the_lookback_plus_one() -> None:
    since = "2026-02-01T00:00:00Z"
    repo = {
        "sizeRecentPRs": {
            "nodes": [{"updatedAt": "2026-02-20T00:00:00Z"}] * 3
            + [{"updatedAt": "2026-01-20T00:00:00Z"}] * 5
        },
        "sizeOpenPRs": {"totalCount": 4},
        "sizeDeployments": {"nodes": []},
    }
    assert dict(q.sizes_from_facts(repo, since)) == {
        "recentPRs": 4,  # three inside, one older so paging stops
        "openPRs": 4,
        "deployments": 0,  # nothing to fetch
    }
    # With the lookback margin, recent PRs count from 7 days earlier (PRs merged just before the
    # lookback start are fetched for DORA lead time): the five of 2026-01-20 are still outside.
    margin = "2026-01-25T00:00:00Z"
    assert dict(q.sizes_from_facts(repo, since, margin))["recentPRs"] == 4
    assert dict(q.sizes_from_facts(repo, since, "2026-01-18T00:00:00Z"))["recentPRs"] == 8
    full = {"sizeRecentPRs": {"nodes": [{"updatedAt": "2026-02-20T00:00:00Z"}] * 100}}
    assert dict(q.sizes_from_facts(full, since))["recentPRs"] == 100


def test_busy_history_goes_to_rest_and_empty_history_is_skipped() -> None:
    def probe(total: int) -> dict[str, object]:
        return {"sizeHistory": {"target": {"history": {"totalCount": total}}}}

    assert dict(q.sizes_from_facts(probe(250), "2026-01-01T00:00:00Z"))["history"] == 0
    assert q.commits_in_lookback(probe(250)) == 250
    assert dict(q.sizes_from_facts(probe(0), "2026-01-01T00:00:00Z"))["history"] == 0
    assert "history" not in dict(q.sizes_from_facts(probe(40), "2026-01-01T00:00:00Z"))
    assert q.commits_in_lookback({"sizeHistory": None}) is None  # empty repo: no branch
