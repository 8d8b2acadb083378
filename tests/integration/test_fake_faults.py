"""Every fault switch of the fake GitHub, observed over real HTTP."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from orgmetrics.demo.server import FakeGitHub
from tests.integration._fake_fixtures import TOKEN, fake_fixture, gh_fixture, tiny_org  # noqa: F401 - fixtures

R = "/repos/demo-org/api"


def test_status_fault_fires_times_then_heals(fake: FakeGitHub, gh: requests.Session) -> None:
    """`status` answers the given status with GitHub's error body, `times` times, per pattern."""
    fault = fake.faults.add(r"/pulls$", "status", times=2, status=502)
    assert gh.get(f"{fake.url}{R}/issues", timeout=10).status_code == 200  # not matched
    first = gh.get(f"{fake.url}{R}/pulls", timeout=10)
    assert first.status_code == 502
    assert first.json()["message"] == "Server Error" and "documentation_url" in first.json()
    assert gh.get(f"{fake.url}{R}/pulls", timeout=10).status_code == 502
    assert gh.get(f"{fake.url}{R}/pulls", timeout=10).status_code == 200
    assert fault.hits == 2


def test_status_fault_forever_and_method_filter(fake: FakeGitHub, gh: requests.Session) -> None:
    """`times=None` matches every request; `method` restricts it."""
    fake.faults.add(r"/releases", "status", times=None, status=503, method="GET")
    fake.faults.add(r"/graphql", "status", times=None, status=504, method="GET")
    for _ in range(3):
        assert gh.get(f"{fake.url}{R}/releases", timeout=10).status_code == 503
    answer = gh.post(fake.graphql_url, json={"query": "{ rateLimit { cost } }"}, timeout=10)
    assert answer.status_code == 200  # the 504 fault only matches GET
    fake.faults.clear()
    assert gh.get(f"{fake.url}{R}/releases", timeout=10).status_code == 200


def test_faults_reject_unknown_kinds(fake: FakeGitHub) -> None:
    """A typo in a fault kind is an error, not a silently healthy server."""
    with pytest.raises(ValueError, match="unknown fault kind"):
        fake.faults.add("/x", "statuss")


def test_secondary_limit_with_and_without_retry_after(
    fake: FakeGitHub, gh: requests.Session
) -> None:
    """403 (or 429) 'secondary rate limit' with `retry-after` when given, none otherwise."""
    fake.faults.add(r"/pulls", "secondary_limit", retry_after=7)
    answer = gh.get(f"{fake.url}{R}/pulls", timeout=10)
    assert answer.status_code == 403
    assert "secondary rate limit" in answer.json()["message"]
    assert answer.headers["retry-after"] == "7"
    assert int(answer.headers["x-ratelimit-remaining"]) > 0  # primary budget untouched
    fake.faults.add(r"/pulls", "secondary_limit", retry_after=None, status=429)
    bare = gh.get(f"{fake.url}{R}/pulls", timeout=10)
    assert bare.status_code == 429 and "retry-after" not in bare.headers
    assert gh.get(f"{fake.url}{R}/pulls", timeout=10).status_code == 200


def test_primary_limit_until_reset_then_recovers() -> None:
    """remaining 0 + 403 'API rate limit exceeded' until `reset_in`, then a fresh window."""
    with FakeGitHub(tiny_org(), token=TOKEN) as server:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        server.faults.add(r"/pulls", "primary_limit", reset_in=1.0)
        start = time.time()
        limited = requests.get(f"{server.url}{R}/pulls", headers=headers, timeout=10)
        assert limited.status_code == 403
        assert limited.json()["message"].startswith("API rate limit exceeded for user ID")
        assert limited.headers["x-ratelimit-remaining"] == "0"
        reset = int(limited.headers["x-ratelimit-reset"])
        assert start <= reset <= start + 2.5
        # The whole core bucket is exhausted, not just the faulted path.
        other = requests.get(f"{server.url}/orgs/demo-org", headers=headers, timeout=10)
        assert other.status_code == 403 and other.headers["x-ratelimit-remaining"] == "0"
        time.sleep(max(0.0, reset - time.time()) + 0.05)
        healed = requests.get(f"{server.url}{R}/pulls", headers=headers, timeout=10)
        assert healed.status_code == 200
        assert healed.headers["x-ratelimit-remaining"] == "4999"


def test_primary_limit_status_429_when_configured() -> None:
    """`primary_status=429` answers the primary limit with 429."""
    with FakeGitHub(tiny_org(), primary_status=429) as server:
        server.faults.add(r"/orgs/", "primary_limit", reset_in=30)
        answer = requests.get(
            f"{server.url}/orgs/demo-org", headers={"Authorization": "Bearer x"}, timeout=10
        )
        assert answer.status_code == 429 and answer.headers["x-ratelimit-remaining"] == "0"


def test_primary_limit_on_graphql_is_200_rate_limited(
    fake: FakeGitHub, gh: requests.Session
) -> None:
    """GraphQL's primary limit is HTTP 200 with errors[].type RATE_LIMITED, REST unaffected."""
    fake.faults.add(r"^/graphql$", "primary_limit", reset_in=30)
    answer = gh.post(fake.graphql_url, json={"query": "{ rateLimit { cost } }"}, timeout=10)
    assert answer.status_code == 200
    assert answer.json()["errors"][0]["type"] == "RATE_LIMITED"
    assert answer.headers["x-ratelimit-resource"] == "graphql"
    assert answer.headers["x-ratelimit-remaining"] == "0"
    assert gh.get(f"{fake.url}/orgs/demo-org", timeout=10).status_code == 200


def test_latency_fault_and_set_latency(fake: FakeGitHub, gh: requests.Session) -> None:
    """`latency` delays matching requests once; `set_latency` delays every request."""
    fake.faults.add(r"/releases", "latency", delay=0.3)
    start = time.perf_counter()
    assert gh.get(f"{fake.url}{R}/releases", timeout=10).status_code == 200
    assert time.perf_counter() - start >= 0.3
    start = time.perf_counter()
    gh.get(f"{fake.url}{R}/releases", timeout=10)
    assert time.perf_counter() - start < 0.3
    fake.set_latency(0.2)
    start = time.perf_counter()
    gh.get(f"{fake.url}/orgs/demo-org", timeout=10)
    assert time.perf_counter() - start >= 0.2
    fake.set_latency(0)


def test_malformed_json_fault(fake: FakeGitHub, gh: requests.Session) -> None:
    """200 with a truncated body that does not parse."""
    fake.faults.add(r"/deployments$", "malformed_json")
    answer = gh.get(f"{fake.url}{R}/deployments", timeout=10)
    assert answer.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(answer.text)
    assert gh.get(f"{fake.url}{R}/deployments", timeout=10).json()[0]["id"] == 3003


def test_connection_reset_fault(fake: FakeGitHub, gh: requests.Session) -> None:
    """The socket is closed without an answer; the next request is served."""
    fake.faults.add(r"/issues", "connection_reset")
    before = fake.log.total
    with pytest.raises(requests.ConnectionError):
        gh.get(f"{fake.url}{R}/issues", timeout=10)
    assert fake.log.entries[-1].status == 0 and fake.log.total == before + 1
    assert gh.get(f"{fake.url}{R}/issues", timeout=10).status_code == 200


def test_graphql_is_charged_to_its_own_bucket() -> None:
    """POST /graphql takes its cost from the graphql bucket and says so in the headers."""
    with FakeGitHub(tiny_org()) as server:
        headers = {"Authorization": "Bearer g"}
        query = '{ rateLimit { cost remaining } organization(login: "demo-org") { login } }'
        answer = requests.post(server.graphql_url, json={"query": query}, headers=headers)
        assert answer.status_code == 200, answer.text
        assert answer.headers["x-ratelimit-resource"] == "graphql"
        assert answer.headers["x-ratelimit-remaining"] == "4999"
        assert answer.json()["data"]["rateLimit"] == {"cost": 1, "remaining": 4999}
        core = requests.get(f"{server.url}/rate_limit", headers=headers, timeout=10).json()
        assert core["resources"]["core"]["used"] == 0
        assert core["resources"]["graphql"]["used"] == 1
        assert (server.log.graphql, server.log.rest) == (1, 1)
        assert server.log.by_endpoint["POST /graphql"] == 1


def test_concurrent_requests_are_all_counted() -> None:
    """Parallel clients: the log and the bucket count every request exactly once."""
    with FakeGitHub(tiny_org()) as server:
        headers = {"Authorization": "Bearer c"}

        def call(i: int) -> int:
            url = f"{server.url}{R}/pulls?state=all&page={i % 3 + 1}&per_page=3"
            return requests.get(url, headers=headers, timeout=10).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(call, range(80)))
        assert statuses == [200] * 80
        assert server.log.total == 80 and server.log.charged == 80
        last = requests.get(f"{server.url}/rate_limit", headers=headers, timeout=10).json()
        assert last["resources"]["core"]["used"] == 80


def test_missing_user_agent_403_and_unknown_api_version_400(fake: FakeGitHub) -> None:
    """GitHub refuses requests without a User-Agent and with an API version it does not know."""
    import urllib.request

    request = urllib.request.Request(
        f"{fake.url}/orgs/demo-org", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    request.remove_header("User-agent")
    opener = urllib.request.build_opener()
    opener.addheaders = []  # urllib adds "Python-urllib/3.x" unless told not to
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(request, timeout=10)
    assert refused.value.code == 403
    assert "User-Agent" in json.loads(refused.value.read())["message"]
    headers = {"Authorization": f"Bearer {TOKEN}", "X-GitHub-Api-Version": "2019-01-01"}
    answer = requests.get(f"{fake.url}/orgs/demo-org", headers=headers, timeout=10)
    assert answer.status_code == 400
    headers["X-GitHub-Api-Version"] = "2022-11-28"
    answer = requests.get(f"{fake.url}/orgs/demo-org", headers=headers, timeout=10)
    assert answer.status_code == 200
    assert answer.headers["X-GitHub-Api-Version-Selected"] == "2022-11-28"


def test_stop_closes_keep_alive_connections() -> None:
    """After `stop()` a session that kept its connection open gets no more answers."""
    server = FakeGitHub(tiny_org()).start()
    session = requests.Session()
    session.headers["Authorization"] = "Bearer s"
    assert session.get(f"{server.url}/orgs/demo-org", timeout=10).status_code == 200
    server.stop()
    with pytest.raises(requests.ConnectionError):
        session.get(f"{server.url}/orgs/demo-org", timeout=5)
    session.close()
