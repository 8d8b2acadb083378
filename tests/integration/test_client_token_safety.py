"""The token never appears in logs (DEBUG, incl. requests/urllib3), exceptions, tracebacks,
reprs, stats or files, on every error path the client has."""

# ruff: noqa: F811 - pytest fixtures imported from _client_fixtures are used as arguments

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from orgmetrics.demo.server import FakeGitHub
from orgmetrics.github import GitHubClient
from orgmetrics.github.errors import GitHubError
from tests.integration._client_fixtures import (  # noqa: F401
    TOKEN,
    Sleeps,
    demo_org,
    make_client,
    sleeps,
    warm_graphql,
)

ORG = "demo-org"
REL = f"/repos/{ORG}/release-train/releases"
GQL_BAD = 'query { repository(owner: "demo-org", name: "nope") { name } }'


def _texts(exc: BaseException) -> list[str]:
    """Every way an exception is shown: str, repr, traceback, traceback with locals, attrs."""
    return [
        str(exc),
        repr(exc),
        "".join(traceback.format_exception(exc)),
        *_client_frame_locals(exc),
        repr(vars(exc)),
    ]


def _client_frame_locals(exc: BaseException) -> list[str]:
    """repr of every local in the client's own traceback frames (what --showlocals shows)."""
    out = []
    for frame, _ in traceback.walk_tb(exc.__traceback__):
        if "orgmetrics" in frame.f_code.co_filename:
            out += [f"{k}={v!r}" for k, v in frame.f_locals.items()]
    return out


@pytest.mark.usefixtures("warm_graphql")
def test_token_never_leaks_on_any_path(
    tmp_path: Path,
    sleeps: Sleeps,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)  # root, requests, urllib3, orgmetrics: everything
    for name in ("urllib3", "requests", "orgmetrics", "orgmetrics.github"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    shown: list[str] = []
    outcomes: dict[str, str] = {}

    with FakeGitHub(demo_org(), token=TOKEN, primary_status=429) as fake:
        client = make_client(fake, sleeps, data_dir=tmp_path, max_wait=30)
        wrong = make_client(fake, sleeps, token=TOKEN + "x", data_dir=tmp_path)

        def attempt(
            name: str, call: Callable[[], Any], setup: Callable[[], Any] | None = None
        ) -> None:
            fake.faults.clear()
            if setup is not None:
                setup()
            try:
                result = call()
                outcomes[name] = "ok"
                shown.append(repr(result))
            except GitHubError as exc:
                outcomes[name] = type(exc).__name__
                shown.extend(_texts(exc))

        add = fake.faults.add
        attempt("ok+etag", lambda: client.paginate(f"/orgs/{ORG}/repos", {"per_page": 5}))
        attempt("304", lambda: client.paginate(f"/orgs/{ORG}/repos", {"per_page": 5}))
        attempt("401", lambda: wrong.paginate(f"/orgs/{ORG}/repos"))
        attempt("org404", lambda: client.check_org("missing-org"))
        attempt("404", lambda: client.get_json(f"/repos/{ORG}/missing"))
        attempt("403", lambda: client.paginate(f"/repos/{ORG}/dependabot-off/dependabot/alerts"))
        attempt("409", lambda: client.paginate(f"/repos/{ORG}/empty-repo/commits"))
        attempt("422", lambda: client.paginate(f"/orgs/{ORG}/repos", {"type": "x"}))
        attempt(
            "400", lambda: client.get_json(f"/repos/{ORG}/docs-only/dependabot/alerts", {"page": 2})
        )
        attempt(
            "5xx", lambda: client.paginate(REL), lambda: add(REL, "status", status=500, times=None)
        )
        attempt(
            "reset", lambda: client.paginate(REL), lambda: add(REL, "connection_reset", times=None)
        )
        attempt(
            "json", lambda: client.paginate(REL), lambda: add(REL, "malformed_json", times=None)
        )
        attempt(
            "secondary",
            lambda: client.paginate(REL),
            lambda: add(REL, "secondary_limit", times=None),
        )
        attempt(
            "primary", lambda: client.paginate(REL), lambda: add(REL, "primary_limit", reset_in=900)
        )
        attempt("gql-error", lambda: client.graphql(GQL_BAD))
        attempt(
            "gql-rate",
            lambda: client.graphql(GQL_BAD),
            lambda: add("/graphql", "primary_limit", reset_in=900),
        )
        attempt(
            "gql-502",
            lambda: client.graphql(GQL_BAD),
            lambda: add("/graphql", "status", status=502, times=None),
        )
        attempt("insecure", lambda: GitHubClient(TOKEN, "http://api.example.com"))
        attempt("foreign-link", lambda: client.get_json("https://evil.example/orgs/x"))
        shown += [
            repr(client),
            repr(client._auth),
            repr(client.etag_store),
            json.dumps(client.stats.as_dict()),
        ]
        client.close()
        wrong.close()

    assert outcomes == {
        "ok+etag": "ok",
        "304": "ok",
        "401": "BadCredentials",
        "org404": "OrgNotFound",
        "404": "NotFound",
        "403": "Forbidden",
        "409": "ok",
        "422": "ValidationFailed",
        "400": "ValidationFailed",
        "5xx": "ServerError",
        "reset": "TransportError",
        "json": "MalformedResponse",
        "secondary": "RateLimitExhausted",
        "primary": "RateLimitExhausted",
        "gql-error": "GraphQLQueryError",
        "gql-rate": "RateLimitExhausted",
        "gql-502": "ServerError",
        "insecure": "InsecureTransport",
        "foreign-link": "InsecureTransport",
    }
    captured = capfd.readouterr()
    assert caplog.records, "DEBUG logging captured nothing: the check would be vacuous"
    assert any(r.name.startswith("urllib3") for r in caplog.records)
    for text in [caplog.text, captured.out, captured.err, *shown]:
        assert TOKEN not in text
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files, "the ETag store wrote nothing: the file check would be vacuous"
    for path in files:
        assert TOKEN.encode() not in path.read_bytes(), path


def test_sessions_never_hold_the_token_in_default_headers(sleeps: Sleeps) -> None:
    with FakeGitHub(demo_org(), token=TOKEN) as fake, make_client(fake, sleeps) as client:
        client.get_json(f"/orgs/{ORG}")
        session = client._session()
        assert "Authorization" not in session.headers
        assert session.headers["X-GitHub-Api-Version"] == "2022-11-28"
        assert session.headers["Accept"] == "application/vnd.github+json"
        assert session.headers["User-Agent"].startswith("orgmetrics/")
