"""The client's exception hierarchy: exit codes and safe one-line messages."""

from __future__ import annotations

from datetime import UTC, datetime

from orgmetrics.errors import ExitCode, OrgmetricsError
from orgmetrics.github.errors import (
    BadCredentials,
    GitHubError,
    GraphQLQueryError,
    InsecureTransport,
    NotFound,
    OrgNotFound,
    RateLimitExhausted,
    ValidationFailed,
    clean_message,
)


def test_exit_codes() -> None:
    assert BadCredentials().exit_code == ExitCode.AUTH == 3
    assert RateLimitExhausted(None).exit_code == ExitCode.RATE_LIMITED == 4
    assert InsecureTransport("x").exit_code == ExitCode.CONFIG
    assert OrgNotFound("acme", "/orgs/acme").exit_code == ExitCode.CONFIG
    assert ValidationFailed(422, "m", "/x").exit_code == ExitCode.FAILURE
    for cls in (BadCredentials, RateLimitExhausted, GraphQLQueryError, NotFound):
        assert issubclass(cls, GitHubError) and issubclass(cls, OrgmetricsError)


def test_bad_credentials_message() -> None:
    assert str(BadCredentials()) == "Bad credentials: check GITHUB_TOKEN"


def test_org_not_found_names_the_org_and_is_a_not_found() -> None:
    err = OrgNotFound("acme-corp", "/orgs/acme-corp")
    assert isinstance(err, NotFound) and err.status == 404
    assert "'acme-corp'" in str(err) and "not found" in str(err)


def test_rate_limit_exhausted_carries_reset() -> None:
    reset = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
    err = RateLimitExhausted(reset, resource="core")
    assert err.reset_at == reset
    assert "2026-12-04T17:00:00Z" in str(err) and "core" in str(err)


def test_validation_failed_keeps_githubs_message() -> None:
    err = ValidationFailed(422, "Validation Failed", "/repos/a/b/actions/runs")
    assert err.github_message == "Validation Failed" and "422" in str(err)


def test_clean_message_strips_control_chars_tokens_and_length() -> None:
    hostile = "bad\x1b[31m\nthing ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 " + "x" * 500
    out = clean_message(hostile)
    assert "\x1b" not in out and "\n" not in out and "ghp_" not in out
    assert len(out) <= 300
    assert clean_message("has s3cret inside", secret="s3cret") == "has *** inside"
    assert clean_message(None) == ""


def test_graphql_query_error_summarises_errors() -> None:
    err = GraphQLQueryError(
        [{"type": "NOT_FOUND", "message": "Could not resolve to a Repository"}] * 4
    )
    assert "NOT_FOUND: Could not resolve" in str(err) and "(+1 more)" in str(err)
    assert len(err.errors) == 4
