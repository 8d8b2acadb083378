"""Pagination over real HTTP: page numbers, cursors, wrapper objects, the page cap."""

# ruff: noqa: F811 - pytest fixtures imported from _client_fixtures are used as arguments

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from orgmetrics.demo.model import Repo
from orgmetrics.demo.server import FakeGitHub
from orgmetrics.github import GitHubClient
from tests.integration._client_fixtures import (  # noqa: F401
    Sleeps,
    client,
    demo_org,
    fake,
    make_client,
    repo,
    sleeps,
)

ORG = "demo-org"


def _queries(server: FakeGitHub) -> list[dict[str, list[str]]]:
    return [parse_qs(urlsplit(e.path).query, keep_blank_values=True) for e in server.log.entries]


def test_page_numbered_listing_across_pages(client: GitHubClient, fake: FakeGitHub) -> None:
    listing = client.paginate(f"/orgs/{ORG}/repos", {"per_page": 5})
    assert sorted(r["name"] for r in listing.items) == sorted(r.name for r in demo_org().repos)
    assert listing.pages == math.ceil(len(demo_org().repos) / 5) == 3
    assert not listing.truncated and listing.unavailable is None
    # pages 2+ were fetched from the Link URLs GitHub gave (/organizations/{id}/...)
    assert all(e.path.startswith("/organizations/") for e in fake.log.entries[1:])


def test_default_page_size_is_100(client: GitHubClient, fake: FakeGitHub) -> None:
    client.paginate(f"/orgs/{ORG}/repos")
    assert _queries(fake)[0]["per_page"] == ["100"]


def _closest(size: Callable[[Repo], int], wanted: int) -> Repo:
    """The demo repo whose `size` is closest to `wanted` (keeps tests fast as the demo evolves)."""
    return min((r for r in demo_org().repos if size(r) > 0), key=lambda r: abs(size(r) - wanted))


def test_many_pages_of_pulls_follow_repository_id_links(
    client: GitHubClient, fake: FakeGitHub
) -> None:
    target = _closest(lambda r: len(r.pulls), 180)
    expected = target.pulls
    listing = client.paginate(f"/repos/{ORG}/{target.name}/pulls", {"state": "all", "per_page": 50})
    assert len(listing.items) == len(expected) > 50
    assert {p["number"] for p in listing.items} == {p.number for p in expected}
    assert listing.pages == math.ceil(len(expected) / 50)
    assert all(e.path.startswith("/repositories/") for e in fake.log.entries[1:])
    assert fake.log.by_endpoint["GET /repos/{owner}/{repo}/pulls"] >= 1


def test_cursor_pagination_never_sends_page(client: GitHubClient, fake: FakeGitHub) -> None:
    target = max(
        demo_org().repos,
        key=lambda r: len(r.dependabot_alerts) if r.dependabot == "enabled" else -1,
    )
    n = len(target.dependabot_alerts)
    assert n > 4
    listing = client.paginate(
        f"/repos/{ORG}/{target.name}/dependabot/alerts", {"per_page": 2}, feature="dependabot"
    )
    assert listing.unavailable is None
    assert sorted(a["number"] for a in listing.items) == sorted(
        a.number for a in target.dependabot_alerts
    )
    queries = _queries(fake)
    assert len(queries) == math.ceil(n / 2)
    assert all("page" not in q for q in queries)
    assert all(q.get("after") for q in queries[1:])


def test_wrapper_object_listing_keeps_total_count(client: GitHubClient) -> None:
    target = _closest(lambda r: len(r.runs), 90)
    path = f"/repos/{ORG}/{target.name}/actions/runs"
    listing = client.paginate(path, {"per_page": 30}, items_key="workflow_runs")
    assert listing.total_count == len(target.runs) == len(listing.items) > 30
    assert listing.pages == math.ceil(len(target.runs) / 30)
    guessed = client.paginate(path, {"per_page": 30})  # items_key guessed from the wrapper
    assert [r["id"] for r in guessed.items] == [r["id"] for r in listing.items]


def test_page_cap_returns_what_it_has_with_truncated(fake: FakeGitHub, sleeps: Sleeps) -> None:
    with make_client(fake, sleeps, max_pages=2) as capped:
        listing = capped.paginate(f"/orgs/{ORG}/repos", {"per_page": 5})
    assert listing.truncated and listing.pages == 2 and len(listing.items) == 10
    assert fake.log.total == 2


def test_per_call_cap_equal_to_page_count_is_not_truncated(client: GitHubClient) -> None:
    listing = client.paginate(f"/orgs/{ORG}/repos", {"per_page": 5}, max_pages=3)
    assert not listing.truncated and len(listing.items) == len(demo_org().repos)


def test_threads_share_one_client(client: GitHubClient, fake: FakeGitHub) -> None:
    names = [r.name for r in demo_org().repos if not r.archived][:8]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(
                lambda n: client.paginate(f"/repos/{ORG}/{n}/releases", {"per_page": 5}), names
            )
        )
    for name, listing in zip(names, results, strict=True):
        assert len(listing.items) == len(repo(name).releases)
    assert client.stats.requests == fake.log.total
    assert client.stats.rest_requests == fake.log.rest
    assert 1 <= len(client._sessions) <= 4  # one Session per worker thread


def test_since_is_sent_in_githubs_exact_form(client: GitHubClient, fake: FakeGitHub) -> None:
    target = _closest(lambda r: len(r.issues) + len(r.pulls), 150)
    since = datetime(2026, 4, 1, 12, 30, 15, 999999, tzinfo=timezone(timedelta(hours=2)))
    listing = client.paginate(
        f"/repos/{ORG}/{target.name}/issues", {"state": "all", "since": since}
    )
    assert _queries(fake)[0]["since"] == ["2026-04-01T10:30:15Z"]
    cut = datetime(2026, 4, 1, 10, 30, 15, tzinfo=UTC)
    expected = {i.number for i in target.issues if i.updated_at >= cut} | {
        p.number for p in target.pulls if p.updated_at >= cut
    }
    assert expected and {i["number"] for i in listing.items} == expected


def test_malformed_since_is_refused_before_any_request(
    client: GitHubClient, fake: FakeGitHub
) -> None:
    with pytest.raises(ValueError, match="since"):
        client.paginate(f"/repos/{ORG}/docs-only/issues", {"since": "2026-04-01 10:30"})
    assert fake.log.total == 0


def test_capped_listing_continues_from_next_url(client: GitHubClient, fake: FakeGitHub) -> None:
    first = client.paginate(f"/orgs/{ORG}/repos", {"per_page": 5}, max_pages=1)
    assert first.truncated and first.next_url is not None and len(first.items) == 5
    rest = client.paginate(first.next_url)
    assert not rest.truncated and rest.next_url is None
    names = [r["name"] for r in first.items + rest.items]
    assert sorted(names) == sorted(r.name for r in demo_org().repos)
    assert fake.log.total == 3
    assert all(q["per_page"] == ["5"] for q in _queries(fake))  # not overridden by the default
