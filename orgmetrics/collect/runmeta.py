"""Run metadata `data/meta/run_<YYYYMMDD_HHMMSS>.json` (contract "Run metadata"), and finding it.

Written when a run starts (status `incomplete`, so a killed run is recognisable), again when it
stops for any reason, and once more when it completes. A resumed run appends an invocation and
updates the totals. Never the token: only the non-secret configuration and GitHub's counters.
"""

from __future__ import annotations

import json
import platform
from datetime import datetime
from pathlib import Path
from typing import Any

from orgmetrics import __version__
from orgmetrics.buildinfo import git_commit
from orgmetrics.errors import ConfigError
from orgmetrics.store import DataDir, atomic_write_json, read_json
from orgmetrics.timeutil import to_iso

COUNTERS = ("request_count", "graphql_points", "not_modified_count", "retries")


def meta_path_for(data: DataDir, started_at: datetime, run_id: str) -> Path:
    """A fresh `run_<YYYYMMDD_HHMMSS>.json` path (suffixed if another run took that second)."""
    stem = f"run_{started_at.strftime('%Y%m%d_%H%M%S')}"
    path = data.meta_dir / f"{stem}.json"
    counter = 2
    while path.exists() and _run_id_of(path) != run_id:
        path = data.meta_dir / f"{stem}_{counter}.json"
        counter += 1
    return path


def _run_id_of(path: Path) -> str | None:
    try:
        value = read_json(path).get("run_id")
    except (OSError, ValueError, AttributeError):
        return None
    return str(value) if value else None


def find_run(data: DataDir, run_id: str) -> tuple[Path, dict[str, Any]]:
    """The metadata file and document of `run_id`, or a ConfigError naming what was searched."""
    if data.meta_dir.is_dir():
        for path in sorted(data.meta_dir.glob("run_*.json")):
            try:
                document = read_json(path)
            except (OSError, json.JSONDecodeError):
                continue
            if isinstance(document, dict) and document.get("run_id") == run_id:
                return path, document
    raise ConfigError(f"no run {run_id!r} in {data.meta_dir}: check --resume and --data-dir")


def invocation(stats: dict[str, Any], started: datetime, finished: datetime, status: str) -> dict:
    """One invocation's share of the run (a resumed run has several)."""
    return {
        "started_at": to_iso(started),
        "finished_at": to_iso(finished),
        "duration_seconds": round((finished - started).total_seconds(), 3),
        "status": status,
        "request_count": stats.get("requests", 0),
        "rest_requests": stats.get("rest_requests", 0),
        "graphql_requests": stats.get("graphql_requests", 0),
        "graphql_points": stats.get("graphql_points", 0),
        "not_modified_count": stats.get("not_modified", 0),
        "retries": stats.get("retries", 0),
        "by_endpoint": stats.get("by_endpoint", {}),
    }


def build_meta(
    *,
    base: dict[str, Any],
    invocations: list[dict[str, Any]],
    stats: dict[str, Any],
    status: str,
    stop_reason: str | None,
    repos: dict[str, list[str]],
    counts: dict[str, int],
    resume_command: str | None,
) -> dict[str, Any]:
    """The whole metadata document from the run's fixed part and its invocations so far."""
    started = min(i["started_at"] for i in invocations)
    finished = max(i["finished_at"] for i in invocations)
    meta = dict(base)
    meta.update(
        {
            "started_at": started,
            "finished_at": finished,
            "duration_seconds": round(sum(i["duration_seconds"] for i in invocations), 3),
            "status": status,
            "stop_reason": stop_reason,
            "resume_command": resume_command,
            "repos_total": counts["repos_total"],
            "repos_planned": len(repos["scanned"]),
            "repos_scanned": len(repos["written"]),
            "archived_skipped": len(repos["archived"]),
            "excluded_by_filter": len(repos["excluded"]),
            "errors_count": counts["errors_count"],
            "repos_with_errors": counts["repos_with_errors"],
            "request_count": sum(i["request_count"] for i in invocations),
            "graphql_points": sum(i["graphql_points"] for i in invocations),
            "not_modified_count": sum(i["not_modified_count"] for i in invocations),
            "retries": sum(i["retries"] for i in invocations),
            "rate_limit_remaining": stats.get("rate_limit_remaining"),
            "rate_limit_reset": stats.get("rate_limit_reset"),
            "rate_limits": stats.get("rate_limits", {}),
            "token_scopes": stats.get("scopes"),
            "collector_version": __version__,
            "python_version": platform.python_version(),
            "git_commit": git_commit(),
            "repos": {key: sorted(value) for key, value in repos.items()},
            "invocations": invocations,
        }
    )
    return meta


def write_meta(path: Path, meta: dict[str, Any]) -> None:
    """Write the metadata atomically."""
    atomic_write_json(path, meta)
