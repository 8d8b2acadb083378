"""Client behaviour that needs no server: reprs, headers, GraphQL answer rules, messages."""

from __future__ import annotations

import pytest
import requests

from orgmetrics.github import GitHubClient, Unavailable
from orgmetrics.github.client import _body_message, _Retry, _usable
from orgmetrics.github.errors import BadCredentials, GraphQLQueryError, RateLimitExhausted
from orgmetrics.github.ratelimit import RateInfo

TOKEN = "ghp_UNITtokenUNITtokenUNITtoken0123"
NO_RATE = RateInfo(None, None, None, None, None)


def make() -> GitHubClient:
    return GitHubClient(TOKEN, "https://ghe.example.com/api/v3", sleep=lambda s: None)


def test_repr_and_auth_hide_the_token() -> None:
    client = make()
    assert TOKEN not in repr(client) and TOKEN not in repr(client._auth)
    assert client.graphql_url == "https://ghe.example.com/api/graphql"


def test_auth_hook_sets_bearer_header_only_on_the_request() -> None:
    client = make()
    prepared = requests.Request("GET", "https://ghe.example.com/api/v3/orgs/a").prepare()
    client._auth(prepared)
    assert prepared.headers["Authorization"] == f"Bearer {TOKEN}"
    session = client._session()
    assert "Authorization" not in session.headers
    assert session.headers["X-GitHub-Api-Version"] == "2022-11-28"


def test_empty_token_is_refused() -> None:
    with pytest.raises(BadCredentials):
        GitHubClient("  ")


def test_unavailable_reason() -> None:
    assert Unavailable(410, "Gone away").reason == "410 Gone: Gone away"
    assert Unavailable(499, "x").reason == "499 HTTP error: x"


def test_validation_details_are_part_of_the_message() -> None:
    body = {"message": "Validation Failed", "errors": [{"field": "type", "code": "invalid"}]}
    assert _body_message(body, "") == "Validation Failed (type: invalid)"
    assert _body_message(None, "<html>oops</html>") == "<html>oops</html>"


def test_usable_data_ignores_rate_limit_and_nulls() -> None:
    assert not _usable(None)
    assert not _usable({"rateLimit": {"cost": 1}, "repository": None})
    assert _usable({"repository": {"name": "a"}})


def test_something_went_wrong_without_data_is_retried() -> None:
    body = {
        "data": None,
        "errors": [{"message": "Something went wrong while executing your query."}],
    }
    with pytest.raises(_Retry) as info:
        make()._check_graphql(body, NO_RATE, "/api/graphql")
    assert isinstance(info.value.final, GraphQLQueryError)


def test_graphql_rate_limited_without_headers_uses_reset_at_or_bounded_fallback() -> None:
    client = make()
    client._clock = lambda: 1_700_000_000.0
    body = {
        "data": {"rateLimit": {"resetAt": "2023-11-14T22:14:00Z"}},
        "errors": [{"type": "RATE_LIMIT", "message": "API rate limit exceeded"}],
    }
    with pytest.raises(_Retry) as info:
        client._check_graphql(body, NO_RATE, "/api/graphql")
    assert info.value.delay == 41.0  # 22:14:00 - 22:13:20 + 1 s
    no_reset = {"data": None, "errors": [{"type": "RATE_LIMITED", "message": "limit"}]}
    with pytest.raises(_Retry) as info:
        client._check_graphql(no_reset, NO_RATE, "/api/graphql")
    assert info.value.delay == 60.0  # never "wait forever" when GHES sends no reset
    client.max_wait = 30
    with pytest.raises(RateLimitExhausted):
        client._check_graphql(no_reset, NO_RATE, "/api/graphql")


def test_partial_data_is_not_retried() -> None:
    body = {
        "data": {"repository": {"name": "a"}},
        "errors": [{"type": "FORBIDDEN", "message": "x"}],
    }
    make()._check_graphql(body, NO_RATE, "/api/graphql")  # no exception: caller keeps the data
