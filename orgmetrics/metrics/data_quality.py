"""Data quality of a snapshot (contract "Data quality"): availability, errors, truncation, coverage.

Read straight from the validated raw documents, so the flags say exactly what the collector saw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from orgmetrics.schema import RAW_SOURCES

# The raw document's sources; their names are also the availability keys in the dashboard.
SOURCES: tuple[str, ...] = RAW_SOURCES

# Contract truncation flag -> the raw sources whose listing it covers.
TRUNCATION_FLAGS: dict[str, tuple[str, ...]] = {
    "pr.truncated": ("pull_requests",),
    "issues.truncated": ("incidents",),
    "commits.truncated": ("commits",),
    "ci.truncated": ("workflows", "workflow_runs"),
    "security.dependabot_truncated": ("dependabot_alerts",),
    "security.code_scanning_truncated": ("code_scanning_alerts",),
    "security.secret_scanning_truncated": ("secret_scanning_alerts",),
    "deployments.truncated": ("deployments",),
    "releases.truncated": ("releases",),
}

SECURITY_FLAGS: dict[str, str] = {
    "available_dependabot": "dependabot_alerts",
    "available_code_scanning": "code_scanning_alerts",
    "available_secret_scanning": "secret_scanning_alerts",
}


def repo_quality(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Per-repo data quality: availability per source, errors, truncation flags."""
    truncated = {
        flag: any(bool(doc[src]["truncated"]) for src in sources)
        for flag, sources in TRUNCATION_FLAGS.items()
    }
    truncated["pr.reviews_truncated"] = any(
        bool(pr["reviews_truncated"]) for pr in doc["pull_requests"]["items"]
    )
    truncated["deployments.statuses_truncated"] = any(
        bool(d["statuses_truncated"]) for d in doc["deployments"]["items"]
    )
    errors = sorted(
        (
            {"field": e["field"], "status": e["status"], "reason": e["reason"]}
            for e in doc["errors"]
        ),
        key=lambda e: (e["field"], e["status"] if e["status"] is not None else -1, e["reason"]),
    )
    return {
        "available": {src: bool(doc[src]["available"]) for src in SOURCES},
        **{flag: bool(doc[src]["available"]) for flag, src in SECURITY_FLAGS.items()},
        "empty": bool(doc["repo"]["empty"]),
        "errors": errors,
        "truncated": truncated,
    }


def org_quality(
    scanned: Mapping[str, Mapping[str, Any]],
    meta: Mapping[str, Any],
    *,
    archived_docs: Sequence[str] = (),
    bot_prs_excluded: int | None = None,
) -> dict[str, Any]:
    """Org data quality from the per-repo qualities (by name) and the run metadata."""
    names = sorted(scanned)
    truncated_sources = [
        f"{name}/{flag}" for name in names for flag, on in scanned[name]["truncated"].items() if on
    ]
    coverage = {
        src: {
            "available": sum(1 for n in names if scanned[n]["available"][src]),
            "unavailable": sum(1 for n in names if not scanned[n]["available"][src]),
        }
        for src in SOURCES
    }
    archived = meta.get("archived_skipped")
    archived_skipped = int(archived) if archived is not None else len(archived_docs)
    total = meta.get("repos_total")
    return {
        "repos_total": int(total) if total is not None else len(names) + archived_skipped,
        "repos_scanned": len(names),
        "archived_skipped": archived_skipped,
        "empty_repos": sum(1 for n in names if scanned[n]["empty"]),
        "repos_with_errors": sum(1 for n in names if scanned[n]["errors"]),
        "errors_count": sum(len(scanned[n]["errors"]) for n in names),
        "truncated_sources": truncated_sources,
        "coverage": coverage,
        "bot_prs_excluded": bot_prs_excluded,
    }
