"""Lists the contract (shared/spec/metrics-contract.md) spells out, written once for the tests."""

from __future__ import annotations

# "Run metadata (every collection run)", plus the collector's `status`, `config` and `repos`.
RUN_METADATA_FIELDS = (
    "run_id",
    "started_at",
    "finished_at",
    "duration_seconds",
    "org",
    "api_url",
    "as_of",
    "lookback_days",
    "repos_total",
    "repos_scanned",
    "archived_skipped",
    "request_count",
    "graphql_points",
    "not_modified_count",
    "retries",
    "errors_count",
    "rate_limit_remaining",
    "rate_limit_reset",
    "collector_version",
    "python_version",
    "git_commit",
    "status",
    "config",
    "repos",
)
