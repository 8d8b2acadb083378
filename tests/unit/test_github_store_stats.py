"""ETag store persistence/keying and thread-safe request accounting."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from orgmetrics.github.etag_store import CachedResponse, EtagStore, token_identity
from orgmetrics.github.stats import RequestStats


def test_etag_store_persists_across_instances(tmp_path: Path) -> None:
    store = EtagStore.in_data_dir(tmp_path)
    key = EtagStore.key(token_identity("t1"), "https://api.github.com/orgs/a/repos?per_page=100")
    store.put(key, CachedResponse('"abc"', "[1, 2]", '<https://x/?page=2>; rel="next"'))
    store.close()
    again = EtagStore(tmp_path / "cache" / "etags.sqlite")
    assert again.get(key) == CachedResponse('"abc"', "[1, 2]", '<https://x/?page=2>; rel="next"')
    assert len(again) == 1
    again.close()


def test_token_identity_is_a_digest_not_the_token() -> None:
    token = "ghp_SECRETSECRETSECRET0123456789abcd"
    ident = token_identity(token)
    assert len(ident) == 16 and token not in ident and ident != token_identity(token + "x")


def test_rotated_token_misses_the_cache(tmp_path: Path) -> None:
    store = EtagStore.in_data_dir(tmp_path)
    url = "https://api.github.com/orgs/a"
    store.put(EtagStore.key(token_identity("old"), url), CachedResponse('"e"', "{}", None))
    assert store.get(EtagStore.key(token_identity("new"), url)) is None
    store.close()


def test_stats_are_thread_safe_and_serialisable() -> None:
    stats = RequestStats()

    def work() -> None:
        for _ in range(500):
            stats.record_request("GET /orgs/{org}/repos", graphql=False)
            stats.record_request("POST /graphql", graphql=True)
            stats.record_not_modified()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stats.record_graphql_cost(3)
    stats.record_retry(1.5)
    stats.record_rate("core", 4990, 1_700_000_000, 5000)
    stats.record_scopes(["read:org", "repo"])
    out = stats.as_dict()
    assert out["requests"] == 8000 and out["rest_requests"] == 4000
    assert out["graphql_requests"] == 4000 and out["not_modified"] == 4000
    assert out["by_endpoint"] == {"GET /orgs/{org}/repos": 4000, "POST /graphql": 4000}
    assert out["graphql_points"] == 3 and out["retries"] == 1 and out["waited_seconds"] == 1.5
    assert out["rate_limit_remaining"] == 4990
    assert out["rate_limit_reset"] == "2023-11-14T22:13:20Z"
    assert stats.rate_limit_reset == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert out["scopes"] == ["read:org", "repo"]
    assert out["rate_limits"]["core"]["remaining"] == 4990


def test_missing_rate_headers_leave_last_values() -> None:
    stats = RequestStats()
    stats.record_rate("core", 10, 1, 5000)
    stats.record_rate(None, None, None, None)  # GHES without headers
    assert stats.rate_limit_remaining == 10
