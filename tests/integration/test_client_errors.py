"""Error classification, retries and rate limits over real HTTP against FakeGitHub's faults."""

# ruff: noqa: F811 - pytest fixtures imported from _client_fixtures are used as arguments

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from orgmetrics.demo.server import FakeGitHub, RateBucket
from orgmetrics.errors import ExitCode
from orgmetrics.github import GitHubClient
from orgmetrics.github.errors import (
    BadCredentials,
    Forbidden,
    InsecureTransport,
    MalformedResponse,
    NotFound,
    OrgNotFound,
    RateLimitExhausted,
    ServerError,
    TransportError,
    ValidationFailed,
)
from tests.integration._client_fixtures import (  # noqa: F401
    TOKEN,
    Sleeps,
    client,
    demo_org,
    fake,
    make_client,
    repo,
    sleeps,
)

ORG = "demo-org"
RELEASES = f"/repos/{ORG}/release-train/releases"


# ---- classification ------------------------------------------------------------------------


def test_401_fails_fast_with_exit_code_3(fake: FakeGitHub, sleeps: Sleeps) -> None:
    bad = make_client(fake, sleeps, token="ghp_wrongwrongwrongwrong")
    with pytest.raises(BadCredentials) as info:
        bad.paginate(f"/orgs/{ORG}/repos")
    assert str(info.value) == "Bad credentials: check GITHUB_TOKEN"
    assert info.value.exit_code == ExitCode.AUTH == 3
    assert fake.log.total == 1 and sleeps.waits == []  # no retry


def test_unknown_org_names_the_org(client: GitHubClient) -> None:
    with pytest.raises(OrgNotFound) as info:
        client.check_org("no-such-org")
    assert "'no-such-org'" in str(info.value)
    assert client.check_org(ORG)["login"] == ORG


@pytest.mark.parametrize(
    ("name", "path", "status", "message"),
    [
        ("dependabot-off", "dependabot/alerts", 403, "Dependabot alerts are disabled"),
        ("codescan-never-run", "code-scanning/alerts", 404, "no analysis found"),
        ("codescan-no-ghas", "code-scanning/alerts", 403, "Advanced Security must be enabled"),
        ("secrets-off", "secret-scanning/alerts", 404, "Secret scanning is disabled"),
    ],
)
def test_feature_endpoint_unavailable_is_a_reason_not_zero(
    client: GitHubClient, name: str, path: str, status: int, message: str
) -> None:
    listing = client.paginate(f"/repos/{ORG}/{name}/{path}", feature=path)
    assert listing.items == [] and listing.unavailable is not None
    assert listing.unavailable.status == status
    assert message in listing.unavailable.message
    phrase = "Forbidden" if status == 403 else "Not Found"
    assert listing.unavailable.reason.startswith(f"{status} {phrase}: {message}")


def test_same_403_without_feature_raises(client: GitHubClient) -> None:
    with pytest.raises(Exception, match="Dependabot alerts are disabled") as info:
        client.paginate(f"/repos/{ORG}/dependabot-off/dependabot/alerts")
    assert getattr(info.value, "status", None) == 403


def test_empty_repo_commits_409_is_empty_not_error(client: GitHubClient) -> None:
    listing = client.paginate(f"/repos/{ORG}/empty-repo/commits", feature="commits")
    assert listing.empty_repo and listing.items == [] and listing.unavailable is None
    assert client.paginate(f"/repos/{ORG}/empty-repo/commits").empty_repo


def test_404_on_a_plain_endpoint_raises_not_found(client: GitHubClient) -> None:
    with pytest.raises(NotFound) as info:
        client.paginate(f"/repos/{ORG}/does-not-exist/pulls")
    assert info.value.status == 404 and "/repos/demo-org/does-not-exist/pulls" in str(info.value)


def test_422_keeps_githubs_message(client: GitHubClient) -> None:
    with pytest.raises(ValidationFailed) as info:
        client.paginate(f"/orgs/{ORG}/repos", {"type": "bogus"})
    assert info.value.status == 422 and "Validation Failed" in str(info.value)


def test_page_param_on_dependabot_is_githubs_400(client: GitHubClient) -> None:
    with pytest.raises(ValidationFailed) as info:
        client.get_json(f"/repos/{ORG}/release-train/dependabot/alerts", {"page": 2})
    assert info.value.status == 400
    assert "Pagination using the `page` parameter is not supported." in str(info.value)


# ---- transient failures --------------------------------------------------------------------


def test_5xx_then_success(client: GitHubClient, fake: FakeGitHub, sleeps: Sleeps) -> None:
    fake.faults.add("/releases", "status", status=502, times=2)
    listing = client.paginate(RELEASES)
    assert len(listing.items) == len(repo("release-train").releases)
    assert [e.status for e in fake.log.entries] == [502, 502, 200]
    assert client.stats.retries == 2 and len(sleeps.waits) == 2
    assert 0 < sleeps.waits[0] <= sleeps.waits[1] + 1.0  # exponential with jitter


def test_5xx_storm_exhausts_bounded_retries(
    client: GitHubClient, fake: FakeGitHub, sleeps: Sleeps
) -> None:
    fake.faults.add("/releases", "status", status=503, times=None)
    with pytest.raises(ServerError) as info:
        client.paginate(RELEASES)
    assert info.value.status == 503
    assert fake.log.total == client.max_retries + 1 == 4
    assert len(sleeps.waits) == 3


def test_connection_reset_is_retried(client: GitHubClient, fake: FakeGitHub) -> None:
    fake.faults.add("/releases", "connection_reset", times=1)
    listing = client.paginate(RELEASES)
    assert len(listing.items) == len(repo("release-train").releases)
    assert client.stats.retries == 1


def test_connection_reset_storm_raises_transport_error(
    client: GitHubClient, fake: FakeGitHub
) -> None:
    fake.faults.add("/releases", "connection_reset", times=None)
    with pytest.raises(TransportError):
        client.paginate(RELEASES)
    assert fake.log.total == 4


def test_timeout_is_retried(fake: FakeGitHub, sleeps: Sleeps) -> None:
    fake.faults.add("/releases", "latency", delay=0.6, times=1)
    with make_client(fake, sleeps, timeout=0.2) as quick:
        listing = quick.paginate(RELEASES)
        assert quick.stats.retries == 1
    assert len(listing.items) == len(repo("release-train").releases)


def test_malformed_json_is_retried_then_raised(client: GitHubClient, fake: FakeGitHub) -> None:
    fake.faults.add("/releases", "malformed_json", times=1)
    assert len(client.paginate(RELEASES).items) == len(repo("release-train").releases)
    fake.faults.add("/releases", "malformed_json", times=None)
    with pytest.raises(MalformedResponse):
        client.paginate(RELEASES)


# ---- rate limits ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [403, 429])
def test_secondary_limit_waits_retry_after(
    client: GitHubClient, fake: FakeGitHub, sleeps: Sleeps, status: int
) -> None:
    fake.faults.add("/releases", "secondary_limit", status=status, retry_after=3)
    listing = client.paginate(RELEASES)
    assert len(listing.items) == len(repo("release-train").releases)
    assert sleeps.waits == [3.0]


def test_secondary_limit_without_retry_after_waits_a_minute(
    client: GitHubClient, fake: FakeGitHub, sleeps: Sleeps
) -> None:
    fake.faults.add("/releases", "secondary_limit", retry_after=None)
    client.paginate(RELEASES)
    assert sleeps.waits == [60.0]


def test_primary_limit_within_max_wait_waits_for_reset(fake: FakeGitHub) -> None:
    sleeps = Sleeps(real=0.3)  # the fake resets after 0.2 s; record the wait GitHub implies
    fake.faults.add("/releases", "primary_limit", reset_in=0.2)
    with make_client(fake, sleeps) as c:
        listing = c.paginate(RELEASES)
    assert len(listing.items) == len(repo("release-train").releases)
    assert len(sleeps.waits) == 1 and 1.0 <= sleeps.waits[0] <= 3.0  # reset - now + 1 s
    assert [e.status for e in fake.log.entries] == [403, 200]


def test_primary_limit_beyond_max_wait_raises_with_reset(fake: FakeGitHub, sleeps: Sleeps) -> None:
    fake.faults.add("/releases", "primary_limit", reset_in=600)
    with make_client(fake, sleeps, max_wait=60) as c, pytest.raises(RateLimitExhausted) as info:
        c.paginate(RELEASES)
    err = info.value
    assert err.exit_code == ExitCode.RATE_LIMITED == 4 and sleeps.waits == []
    assert err.reset_at is not None
    expected = datetime.fromtimestamp(time.time() + 600, UTC)
    assert abs((err.reset_at - expected).total_seconds()) < 5
    assert fake.log.total == 1


def test_primary_limit_on_429(sleeps: Sleeps) -> None:
    with FakeGitHub(demo_org(), token=TOKEN, primary_status=429) as server:
        server.faults.add("/releases", "primary_limit", reset_in=900)
        with make_client(server, sleeps, max_wait=10) as c, pytest.raises(RateLimitExhausted):
            c.paginate(RELEASES)


def test_bare_429_counts_as_secondary(
    client: GitHubClient, fake: FakeGitHub, sleeps: Sleeps
) -> None:
    fake.faults.add("/releases", "status", status=429)
    client.paginate(RELEASES)
    assert sleeps.waits == [60.0]


# ---- transport safety ----------------------------------------------------------------------


def test_plain_http_to_remote_host_is_refused() -> None:
    with pytest.raises(InsecureTransport) as info:
        GitHubClient(TOKEN, "http://github.example.com/api/v3")
    assert info.value.exit_code == ExitCode.CONFIG
    with pytest.raises(InsecureTransport):
        GitHubClient(TOKEN, "https://ghe.example.com/api/v3", "http://ghe.example.com/graphql")


def test_urls_on_other_hosts_are_refused(client: GitHubClient, fake: FakeGitHub) -> None:
    with pytest.raises(InsecureTransport):
        client.get_json("https://evil.example.com/orgs/demo-org")
    assert fake.log.total == 0


def test_secondary_limit_backs_off_exponentially_while_it_persists(
    client: GitHubClient, fake: FakeGitHub, sleeps: Sleeps
) -> None:
    fake.faults.add("/releases", "secondary_limit", retry_after=2, times=2)
    client.paginate(RELEASES)
    assert sleeps.waits == [2.0, 4.0]


def test_budget_spent_on_a_200_waits_before_the_next_request() -> None:
    sleeps = Sleeps(real=1.05)  # the fake's window below is 1 s; the implied wait is longer
    with FakeGitHub(demo_org(), token=TOKEN, core_limit=2, rate_window_seconds=1.0) as server:
        with make_client(server, sleeps) as c:
            c.get_json(f"/orgs/{ORG}")
            c.get_json(f"/orgs/{ORG}")  # remaining 0 now
            assert c.check_org(ORG)["login"] == ORG
            assert c.stats.waited_seconds > 0 and c.stats.retries == 0
        assert [e.status for e in server.log.entries] == [200, 200, 200]  # no wasted 403
    assert len(sleeps.waits) == 1 and 1.0 <= sleeps.waits[0] <= 3.0  # ceil(reset) - now + 1


def test_budget_spent_beyond_max_wait_stops_without_sending(sleeps: Sleeps) -> None:
    with FakeGitHub(demo_org(), token=TOKEN, core_limit=1) as server:
        with make_client(server, sleeps, max_wait=60) as c:
            c.get_json(f"/orgs/{ORG}")
            with pytest.raises(RateLimitExhausted) as info:
                c.get_json(f"/orgs/{ORG}")
        assert server.log.total == 1 and sleeps.waits == []
    assert info.value.resource == "core" and info.value.reset_at is not None


def test_secondary_limit_pauses_the_other_worker_threads(
    client: GitHubClient, fake: FakeGitHub, sleeps: Sleeps
) -> None:
    fake.faults.add("/releases", "secondary_limit", retry_after=30)
    client.paginate(RELEASES)  # this thread: 403, waits 30 s (injected), succeeds
    assert sleeps.waits == [30.0]
    with ThreadPoolExecutor(max_workers=1) as pool:  # another worker, same client
        org = pool.submit(client.check_org, ORG).result()
    assert org["login"] == ORG
    assert len(sleeps.waits) == 2 and 25.0 < sleeps.waits[1] <= 30.0  # it paused too
    assert [e.status for e in fake.log.entries] == [403, 200, 200]
    client.check_org(ORG)  # the first thread already waited for that pause: no second wait
    assert len(sleeps.waits) == 2


def test_ghes_without_rate_headers_never_waits_for_a_reset(
    monkeypatch: pytest.MonkeyPatch, sleeps: Sleeps
) -> None:
    """GHES with rate limiting disabled sends no x-ratelimit-* headers at all."""
    monkeypatch.setattr(RateBucket, "headers", lambda self, resource: {})
    with FakeGitHub(demo_org(), token=TOKEN) as server, make_client(server, sleeps) as c:
        listing = c.paginate(f"/orgs/{ORG}/repos", {"per_page": 5})
        assert len(listing.items) == len(demo_org().repos)
        assert c.stats.rate_limit_remaining is None and sleeps.waits == []
        server.faults.add("/releases", "status", status=403)  # a plain 403: no limit, no wait
        with pytest.raises(Forbidden):
            c.paginate(RELEASES)
        assert sleeps.waits == []
        server.faults.add("/releases", "status", status=429, times=None)  # bounded, not forever
        with pytest.raises(RateLimitExhausted):
            c.paginate(RELEASES)
        assert sleeps.waits == [60.0, 120.0, 240.0]  # max_retries=3, doubling
