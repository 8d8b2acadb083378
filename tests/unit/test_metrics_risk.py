"""Risk score: weighted sum, clipping, partial flag and top risks, expected values by hand."""

from __future__ import annotations

from typing import Any

from orgmetrics.metrics.base import SectionResult
from orgmetrics.metrics.params import DEFAULT_RISK_WEIGHTS
from orgmetrics.metrics.risk import compute, score_repo, top_risks

W = DEFAULT_RISK_WEIGHTS  # critical 25, high 10, sla 10, secret 20, code 5, ci rate 30, no ci 10


def sections(**over: Any) -> dict[str, dict[str, Any]]:
    """A clean repo (score 0, nothing unknown) with `section__key=value` overrides."""
    base: dict[str, dict[str, Any]] = {
        "security": {
            "critical": 0,
            "high": 0,
            "sla_breaches": 0,
            "secrets": 0,
            "code_alerts_by_severity": {"critical": 0, "high": 0, "medium": 0, "low": 0},
        },
        "ci": {"has_workflows": True, "ci_failure_rate": 0.0},
        "activity": {"commits": 3},
    }
    for name, value in over.items():
        section, key = name.split("__")
        base[section][key] = value
    return base


def test_clean_repo_scores_zero_and_is_not_partial() -> None:
    assert score_repo(sections(), W) == {
        "score": 0.0,
        "partial": False,
        "reasons": [],
        "unknown_inputs": [],
    }


def test_weighted_sum_with_reasons_by_hand() -> None:
    risk = score_repo(
        sections(
            security__critical=1,
            security__high=2,
            security__code_alerts_by_severity={"high": 1, "error": 1, "medium": 4},
            ci__ci_failure_rate=0.25,
        ),
        W,
    )
    # 1*25 + 2*10 + (1 high + 1 error)*5 + 0.25*30 = 25 + 20 + 10 + 7.5 = 62.5
    assert risk["score"] == 62.5
    assert risk["partial"] is False
    assert risk["reasons"] == [
        "1 open critical vulnerability (+25.0)",
        "2 open high vulnerabilities (+20.0)",
        "2 open high/critical code-scanning alerts (+10.0)",
        "CI failure rate 25.0% (+7.5)",
    ]


def test_score_is_clipped_to_100() -> None:
    risk = score_repo(sections(security__critical=3, security__secrets=2), W)  # 75 + 40 = 115
    assert risk["score"] == 100.0
    assert risk["reasons"][0] == "3 open critical vulnerabilities (+75.0)"


def test_no_ci_and_no_commits() -> None:
    risk = score_repo(
        sections(ci__has_workflows=False, ci__ci_failure_rate=None, activity__commits=0), W
    )
    # no CI: +10 (the failure rate does not apply, so it is not unknown); no commits: +5
    assert risk == {
        "score": 15.0,
        "partial": False,
        "reasons": ["no CI workflows (+10.0)", "no commits in the window (+5.0)"],
        "unknown_inputs": [],
    }


def test_unknown_inputs_contribute_nothing_and_mark_partial() -> None:
    risk = score_repo(
        sections(
            security__critical=None,
            security__high=None,
            security__sla_breaches=None,
            security__secrets=1,
        ),
        W,
    )
    assert risk["score"] == 20.0
    assert risk["partial"] is True
    assert len(risk["unknown_inputs"]) == 3
    assert risk["reasons"] == ["1 open secret-scanning alert (+20.0)"]


def test_custom_weights() -> None:
    weights = {**W, "secret_alert": 1.5}
    assert score_repo(sections(security__secrets=2), weights)["score"] == 3.0


def test_compute_over_section_results() -> None:
    security = SectionResult(repos={"a": sections(security__critical=1)["security"]})
    ci = SectionResult(repos={"a": sections()["ci"]})
    # activity of "a" missing -> commits unknown -> partial
    risk = compute({"security": security, "ci": ci, "activity": SectionResult()}, ["a"], W)
    assert risk["a"]["score"] == 25.0
    assert risk["a"]["partial"] is True


def test_top_risks_sorted_by_score_then_name_and_skip_zero() -> None:
    repos = [
        {"name": n, "risk": {"score": s, "partial": False, "reasons": [f"r{n}"]}}
        for n, s in [("b", 50.0), ("a", 50.0), ("c", 70.0), ("z", 0.0), ("d", 10.0)]
    ]
    top = top_risks(repos, n=3)
    assert [r["name"] for r in top] == ["c", "a", "b"]
    assert top[0] == {"name": "c", "score": 70.0, "partial": False, "reasons": ["rc"]}
    assert [r["name"] for r in top_risks(repos)] == ["c", "a", "b", "d"]
