"""Test fixture: a small dashboard shaped per the contract's "dashboard.json layout".

Clearly a fixture for the report's pure unit tests; the e2e test uses the real pipeline.
"""

from __future__ import annotations

from typing import Any

HOSTILE = [
    '<script>alert("xss")</script>',
    "<img src=x onerror=alert(1)>",
    '#import "/etc/passwd"',
    "$x$",
    "|pipe|",
    "@ref",
    "back\\slash \\\\ \\n",
    "日本語 ✓",
    "[x](javascript:alert(1))",
]


def _repo(name: str, **over: Any) -> dict[str, Any]:
    repo: dict[str, Any] = {
        "name": name,
        "full_name": f"demo-org/{name}",
        "archived": False,
        "fork": False,
        "description": "",
        "dora": {
            "deployments": 4,
            "deployment_frequency_per_week": 0.93,
            "lead_time_hours_median": 20.5,
            "change_failure_rate": 0.25,
            "mttr_hours_median": None,
            "failed_deployment_recovery_hours_median": 3.0,
            "rework_rate": 0.0,
            "performance_level": "high",
            "deployment_source": "deployments",
        },
        "ci": {"runs": 40, "ci_failure_rate": 0.125, "success_rate": 0.875, "has_workflows": True},
        "flow": {"throughput": 9, "cycle_time_median": 30.2, "review_time_median": 4.1, "wip": 2},
        "security": {
            "critical": 1,
            "high": 2,
            "medium": 0,
            "low": 3,
            "total_vulns": 6,
            "sla_breaches": 1,
            "code_alerts": 0,
            "secrets": 0,
            "available_dependabot": True,
        },
        "activity": {"commits": 33, "contributors": 4},
        "risk": {"score": 42.5, "partial": False, "reasons": ["1 open critical vulnerability"]},
        "data_quality": {"errors": [], "truncated": {}},
    }
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(repo.get(key), dict):
            repo[key] = {**repo[key], **value}
        else:
            repo[key] = value
    return repo


def sample_dashboard() -> dict[str, Any]:
    """A contract-shaped dashboard with nulls, an unavailable endpoint and hostile text."""
    hostile = " ".join(HOSTILE)
    repos = [
        _repo("api", description=hostile),
        _repo(
            "no-dependabot",
            security={
                "critical": None,
                "high": None,
                "medium": None,
                "low": None,
                "total_vulns": None,
                "sla_breaches": None,
            },
            risk={"score": 10.0, "partial": True, "reasons": ["CI failure rate 12.5 %"]},
            data_quality={
                "errors": [
                    {
                        "field": "dependabot_alerts",
                        "status": 403,
                        "reason": "403 Forbidden: Dependabot alerts are disabled. " + hostile,
                    }
                ],
                "truncated": {},
            },
        ),
        _repo(
            "quiet",
            dora={k: None for k in ("deployments", "lead_time_hours_median")}
            | {"deployment_source": None, "performance_level": None},
            ci={"runs": 0, "ci_failure_rate": None},
            risk={"score": 0, "partial": False, "reasons": []},
        ),
    ]
    return {
        "schema_version": "2.0",
        "org": "demo-org",
        "run_id": "0b5c1f8e-5a55-4d2c-9d9e-000000000001",
        "as_of": "2026-11-30T00:00:00Z",
        "generated_at": "2026-11-30T00:00:00Z",
        "window": {"days": 30, "start": "2026-10-31T00:00:00Z", "end": "2026-11-30T00:00:00Z"},
        "dora": {
            "deployments": 8,
            "deployment_frequency_per_week": 1.87,
            "lead_time_hours_median": 18.3,
            "change_failure_rate": 0.1667,
            "mttr_hours_median": None,
            "failed_deployment_recovery_hours_median": 2.5,
            "rework_rate": 0.0,
            "performance_level": "high",
        },
        "ci": {"runs": 80, "ci_failure_rate": 0.1125, "adoption_rate": 0.6667},
        "flow": {
            "throughput": 18,
            "cycle_time_median": 28.4,
            "review_time_median": None,
            "wip": 4,
            "bot_prs_excluded": 3,
        },
        "security": {
            "critical": 1,
            "high": 2,
            "medium": 0,
            "low": 3,
            "total_vulns": 6,
            "vulns_at_window_start": 8,
            "vuln_trend": "Improving",
            "sla_breaches": 1,
            "code_alerts": 0,
            "secrets": 0,
            "security_mttr_hours": None,
            "coverage": {
                "dependabot": {"available": 2, "unavailable": 1},
                "code_scanning": {"available": 3, "unavailable": 0},
                "secret_scanning": {"available": 3, "unavailable": 0},
            },
        },
        "activity": {
            "commits": 66,
            "contributors": 7,
            "top_contributors": [
                {"login": "alice", "commits": 40},
                {"login": "<img src=x onerror=alert(1)>", "commits": 26},
            ],
        },
        "series": {
            "weekly": [
                {"week_start": "2026-11-02", "deployments": 2, "prs_merged": 4},
                {"week_start": "2026-11-09", "deployments": 1, "prs_merged": 6},
                {"week_start": "2026-11-16", "deployments": 3, "prs_merged": 5},
                {"week_start": "2026-11-23", "deployments": 2, "prs_merged": 3},
            ]
        },
        "data_quality": {
            "repos_total": 4,
            "repos_scanned": 3,
            "archived_skipped": 1,
            "repos_with_errors": 1,
            "truncated_sources": ["api/pr.truncated"],
            "bot_prs_excluded": 3,
        },
        "run": {
            "run_id": "0b5c1f8e-5a55-4d2c-9d9e-000000000001",
            "org": "demo-org",
            "as_of": "2026-11-30T00:00:00Z",
            "request_count": 120,
        },
        "repos": repos,
    }
