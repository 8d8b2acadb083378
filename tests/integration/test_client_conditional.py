"""Conditional requests over real HTTP: 304s from the persistent ETag store cost nothing."""

# ruff: noqa: F811 - pytest fixtures imported from _client_fixtures are used as arguments

from __future__ import annotations

from pathlib import Path

from orgmetrics.demo.server import FakeGitHub
from tests.integration._client_fixtures import (  # noqa: F401
    Sleeps,
    demo_org,
    fake,
    make_client,
    sleeps,
)

ORG = "demo-org"


def test_second_run_is_served_by_304s_with_zero_charged(
    fake: FakeGitHub, sleeps: Sleeps, tmp_path: Path
) -> None:
    with make_client(fake, sleeps, data_dir=tmp_path) as first:
        before = first.paginate(f"/orgs/{ORG}/repos", {"per_page": 5})
        org = first.get_json(f"/orgs/{ORG}")
        assert first.stats.not_modified == 0
    assert (tmp_path / "cache" / "etags.sqlite").is_file()
    fake.log.reset()
    with make_client(fake, sleeps, data_dir=tmp_path) as second:  # a new run, same data dir
        after = second.paginate(f"/orgs/{ORG}/repos", {"per_page": 5})
        assert second.get_json(f"/orgs/{ORG}") == org
        assert second.stats.not_modified == 4 == second.stats.requests
    assert after.items == before.items and after.pages == before.pages == 3
    assert fake.log.not_modified == 4 and fake.log.total == 4
    assert fake.log.charged == 0


def test_rotated_token_gets_200_not_a_crash(sleeps: Sleeps, tmp_path: Path) -> None:
    with FakeGitHub(demo_org()) as server:  # accepts any token
        with make_client(server, sleeps, token="ghp_oldoldoldoldold0001", data_dir=tmp_path) as a:
            first = a.paginate(f"/orgs/{ORG}/repos", {"per_page": 5})
        server.log.reset()
        with make_client(server, sleeps, token="ghp_newnewnewnewnew0002", data_dir=tmp_path) as b:
            second = b.paginate(f"/orgs/{ORG}/repos", {"per_page": 5})
            assert b.stats.not_modified == 0
        assert [r["id"] for r in second.items] == [r["id"] for r in first.items]
        assert server.log.not_modified == 0 and server.log.charged == 3


def test_no_store_means_no_conditional_requests(fake: FakeGitHub, sleeps: Sleeps) -> None:
    with make_client(fake, sleeps) as c:
        c.get_json(f"/orgs/{ORG}")
        c.get_json(f"/orgs/{ORG}")
        assert c.stats.not_modified == 0
    assert fake.log.not_modified == 0 and fake.log.charged == 2


def test_stats_by_endpoint_and_scopes(fake: FakeGitHub, sleeps: Sleeps) -> None:
    with make_client(fake, sleeps) as c:
        c.paginate(f"/orgs/{ORG}/repos", {"per_page": 5})
        c.get_json(f"/repos/{ORG}/docs-only")
        stats = c.stats.as_dict()
    assert stats["by_endpoint"] == {"GET /orgs/{org}/repos": 3, "GET /repos/{owner}/{repo}": 1}
    assert stats["rest_requests"] == 4 == fake.log.rest
    assert stats["scopes"] == ["read:org", "repo", "security_events"]
    assert stats["rate_limit_remaining"] == 5000 - 4
    assert stats["rate_limits"]["core"]["limit"] == 5000
