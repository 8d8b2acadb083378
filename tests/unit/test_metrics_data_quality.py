"""Data quality flags read from raw documents (contract "Data quality")."""

from __future__ import annotations

from orgmetrics.metrics.data_quality import org_quality, repo_quality
from tests.unit._metrics_fixtures import deployment, doc, listing, pr


def test_repo_quality_flags_errors_and_truncation() -> None:
    broken = doc(
        "api",
        dependabot_alerts=listing(available=False),
        workflow_runs=listing(truncated=True),
        pull_requests=[{**pr(1, "2024-03-02T00:00:00Z"), "reviews_truncated": True}],
        deployments=[
            {
                **deployment(1, "2024-03-02T00:00:00Z", [("success", "2024-03-02T00:00:00Z")]),
                "statuses_truncated": True,
            }
        ],
    )
    broken["errors"] = [
        {
            "field": "dependabot_alerts",
            "status": 403,
            "reason": "403 Forbidden: Dependabot alerts are disabled for this repository.",
        },
        {"field": "commits", "status": None, "reason": "connection reset"},
    ]
    q = repo_quality(broken)
    assert q["available_dependabot"] is False
    assert q["available_code_scanning"] is True
    assert q["available"]["dependabot_alerts"] is False and q["available"]["commits"] is True
    assert [e["field"] for e in q["errors"]] == ["commits", "dependabot_alerts"]  # sorted
    assert q["errors"][1]["status"] == 403
    t = q["truncated"]
    assert t["ci.truncated"] is True  # workflow runs cut short
    assert t["pr.truncated"] is False
    assert t["pr.reviews_truncated"] is True
    assert t["deployments.statuses_truncated"] is True
    assert set(t) >= {
        "pr.truncated",
        "issues.truncated",
        "commits.truncated",
        "ci.truncated",
        "security.dependabot_truncated",
        "security.code_scanning_truncated",
        "security.secret_scanning_truncated",
        "deployments.truncated",
    }


def test_org_quality_counts_by_hand() -> None:
    a = repo_quality(doc("a", secret_scanning_alerts=listing(truncated=True)))
    b_doc = doc("b", empty=True, code_scanning_alerts=listing(available=False))
    b_doc["errors"] = [
        {
            "field": "code_scanning_alerts",
            "status": 404,
            "reason": "404 Not Found: no analysis found",
        }
    ]
    b = repo_quality(b_doc)
    meta = {"repos_total": 4, "archived_skipped": 2}
    org = org_quality({"b": b, "a": a}, meta, bot_prs_excluded=3)
    assert org["repos_total"] == 4
    assert org["repos_scanned"] == 2
    assert org["archived_skipped"] == 2
    assert org["repos_with_errors"] == 1
    assert org["errors_count"] == 1
    assert org["empty_repos"] == 1
    assert org["truncated_sources"] == ["a/security.secret_scanning_truncated"]
    assert org["coverage"]["code_scanning_alerts"] == {"available": 1, "unavailable": 1}
    assert org["coverage"]["dependabot_alerts"] == {"available": 2, "unavailable": 0}
    assert org["bot_prs_excluded"] == 3


def test_org_quality_without_meta_counts_from_documents() -> None:
    org = org_quality({"a": repo_quality(doc("a"))}, {}, archived_docs=["old"])
    assert (org["repos_total"], org["repos_scanned"], org["archived_skipped"]) == (2, 1, 1)
