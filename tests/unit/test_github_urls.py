"""Base-URL rules, plain-HTTP refusal, GitHub's timestamp form and route templates."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orgmetrics.github.errors import InsecureTransport
from orgmetrics.github.urls import (
    derive_graphql_url,
    github_iso,
    normalise_api_url,
    prepare_params,
    require_safe_transport,
    route_template,
    same_origin,
)
from orgmetrics.timeutil import parse_iso


@pytest.mark.parametrize(
    ("api", "graphql"),
    [
        ("https://api.github.com", "https://api.github.com/graphql"),
        ("https://api.github.com/", "https://api.github.com/graphql"),
        ("https://ghe.example.com/api/v3", "https://ghe.example.com/api/graphql"),
        ("https://ghe.example.com/api/v3/", "https://ghe.example.com/api/graphql"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765/graphql"),
        ("https://proxy.example.com/github", "https://proxy.example.com/github/graphql"),
    ],
)
def test_graphql_url_derivation(api: str, graphql: str) -> None:
    assert derive_graphql_url(normalise_api_url(api)) == graphql


def test_explicit_graphql_url_wins() -> None:
    url = derive_graphql_url("https://ghe.example.com/api/v3", "https://gql.example.com/q/")
    assert url == "https://gql.example.com/q"


def test_default_api_url() -> None:
    assert normalise_api_url(None) == "https://api.github.com"


@pytest.mark.parametrize(
    "url",
    ["https://api.github.com", "http://127.0.0.1:9/x", "http://localhost:1", "http://[::1]:80/"],
)
def test_safe_transports(url: str) -> None:
    require_safe_transport(url)


@pytest.mark.parametrize(
    "url", ["http://api.github.com", "http://10.0.0.5/api/v3", "ftp://x.example", "http://"]
)
def test_plain_http_to_remote_is_refused(url: str) -> None:
    with pytest.raises(InsecureTransport):
        require_safe_transport(url)


def test_same_origin() -> None:
    assert same_origin(
        "https://api.github.com/repositories/1/issues?page=2", "https://api.github.com"
    )
    assert not same_origin("https://evil.example/x", "https://api.github.com")
    assert not same_origin("http://127.0.0.1:2/x", "http://127.0.0.1:1")


def test_github_iso_exact_form() -> None:
    cet = timezone(timedelta(hours=1))
    assert github_iso(datetime(2026, 3, 1, 0, 30, 5, 123456, tzinfo=cet)) == "2026-02-28T23:30:05Z"
    with pytest.raises(ValueError):
        github_iso(datetime(2026, 3, 1))  # naive: refused, never guessed


def test_prepare_params_formats_datetimes_and_drops_none() -> None:
    out = prepare_params(
        {"since": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "state": "all", "sha": None}
    )
    assert out == {"since": "2026-01-02T03:04:05Z", "state": "all"}


@pytest.mark.parametrize(
    "bad", ["2026-01-02", "2026-01-02T03:04:05+00:00", "2026-01-02 03:04:05", "yesterday"]
)
def test_malformed_since_is_refused_not_silently_sent(bad: str) -> None:
    with pytest.raises(ValueError, match="since"):
        prepare_params({"since": bad})


@pytest.mark.parametrize(
    "ok", [">=2026-01-01", "2026-01-01..2026-02-01", "2026-01-01T00:00:00Z..2026-01-02T00:00:00Z"]
)
def test_created_ranges(ok: str) -> None:
    assert prepare_params({"created": ok}) == {"created": ok}


def test_malformed_created_is_refused() -> None:
    with pytest.raises(ValueError, match="created"):
        prepare_params({"created": ">=01/02/2026"})


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/orgs/acme/repos", "GET /orgs/{org}" + "/repos"),
        ("/orgs/acme", "GET /orgs/{org}"),
        ("/repos/acme/api/pulls", "GET /repos/{owner}/{repo}/pulls"),
        ("/repos/acme/api/pulls/12/reviews", "GET /repos/{owner}/{repo}/pulls/{number}/reviews"),
        (
            "/repos/acme/api/deployments/99/statuses",
            "GET /repos/{owner}/{repo}/deployments/{id}/statuses",
        ),
        (
            "/repos/acme/api/dependabot/alerts?after=xyz",
            "GET /repos/{owner}/{repo}/dependabot/alerts",
        ),
        ("/repositories/515435940/issues", "GET /repositories/{id}/issues"),
        ("/rate_limit", "GET /rate_limit"),
    ],
)
def test_route_templates(path: str, template: str) -> None:
    assert route_template("get", path) == template


@given(
    st.datetimes(
        timezones=st.timezones(), min_value=datetime(1971, 1, 2), max_value=datetime(9998, 12, 30)
    )
)
def test_github_iso_always_exact_and_round_trips(moment: datetime) -> None:
    text = github_iso(moment)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", text)
    assert parse_iso(text) == moment.astimezone(UTC).replace(microsecond=0)
    assert prepare_params({"since": moment}) == {"since": text}
