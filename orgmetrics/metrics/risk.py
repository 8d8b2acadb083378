"""Risk score per repo (0-100, higher is riskier): a documented weighted sum of section values.

score = min(100, sum(weight[input] * value(input))) over INPUTS (METRICS.md "Risk score");
an input whose value is unknown (null) contributes nothing and marks the score `partial`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from orgmetrics.metrics.base import SectionResult

MAX_SCORE = 100.0
# Code-scanning severities counted as "high or above" (security levels, and rule.severity `error`).
HIGH_CODE_SEVERITIES: tuple[str, ...] = ("critical", "high", "error")

Sections = Mapping[str, Mapping[str, Any]]


def _get(sections: Sections, section: str, key: str) -> Any:
    return (sections.get(section) or {}).get(key)


def _num(sections: Sections, section: str, key: str) -> float | None:
    value = _get(sections, section, key)
    return None if value is None else float(value)


def _open_critical(s: Sections) -> float | None:
    return _num(s, "security", "critical")


def _open_high(s: Sections) -> float | None:
    return _num(s, "security", "high")


def _sla_breaches(s: Sections) -> float | None:
    return _num(s, "security", "sla_breaches")


def _secrets(s: Sections) -> float | None:
    return _num(s, "security", "secrets")


def _code_high(s: Sections) -> float | None:
    by_severity = _get(s, "security", "code_alerts_by_severity")
    if by_severity is None:
        return None
    return float(sum(int(by_severity.get(sev, 0)) for sev in HIGH_CODE_SEVERITIES))


def _ci_failure_rate(s: Sections) -> float | None:
    if _get(s, "ci", "has_workflows") is False:
        return 0.0  # no CI: scored by `no_ci`, the failure rate does not apply
    return _num(s, "ci", "ci_failure_rate")


def _no_ci(s: Sections) -> float | None:
    has = _get(s, "ci", "has_workflows")
    return None if has is None else float(not has)


def _no_commits(s: Sections) -> float | None:
    commits = _get(s, "activity", "commits")
    return None if commits is None else float(commits == 0)


def _count(n: float, one: str, many: str) -> str:
    return f"{int(n)} {one if int(n) == 1 else many}"


@dataclass(frozen=True)
class RiskInput:
    """One input of the score: its weight key, how to read it, and how to say it."""

    weight_key: str
    value: Callable[[Sections], float | None]
    describe: Callable[[float], str]


INPUTS: tuple[RiskInput, ...] = (
    RiskInput(
        "critical_vuln",
        _open_critical,
        lambda n: _count(n, "open critical vulnerability", "open critical vulnerabilities"),
    ),
    RiskInput(
        "high_vuln",
        _open_high,
        lambda n: _count(n, "open high vulnerability", "open high vulnerabilities"),
    ),
    RiskInput(
        "sla_breach",
        _sla_breaches,
        lambda n: _count(n, "vulnerability past its SLA", "vulnerabilities past their SLA"),
    ),
    RiskInput(
        "secret_alert",
        _secrets,
        lambda n: _count(n, "open secret-scanning alert", "open secret-scanning alerts"),
    ),
    RiskInput(
        "code_alert_high",
        _code_high,
        lambda n: _count(
            n, "open high/critical code-scanning alert", "open high/critical code-scanning alerts"
        ),
    ),
    RiskInput("ci_failure_rate", _ci_failure_rate, lambda r: f"CI failure rate {r:.1%}"),
    RiskInput("no_ci", _no_ci, lambda _: "no CI workflows"),
    RiskInput("no_commits", _no_commits, lambda _: "no commits in the window"),
)

UNKNOWN_TEXT: dict[str, str] = {
    "critical_vuln": "open critical vulnerabilities unknown (Dependabot unavailable)",
    "high_vuln": "open high vulnerabilities unknown (Dependabot unavailable)",
    "sla_breach": "SLA breaches unknown (Dependabot unavailable)",
    "secret_alert": "secret-scanning alerts unknown (secret scanning unavailable)",
    "code_alert_high": "code-scanning alerts unknown (code scanning unavailable)",
    "ci_failure_rate": "CI failure rate unknown (no finished runs in the window)",
    "no_ci": "CI presence unknown (Actions unavailable)",
    "no_commits": "commit activity unknown (commits unavailable)",
}


def score_repo(sections: Sections, weights: Mapping[str, float]) -> dict[str, Any]:
    """`{score, partial, reasons, unknown_inputs}` from one repo's security, ci, activity."""
    contributions: list[tuple[float, int, str]] = []
    unknown: list[str] = []
    total = 0.0
    for order, item in enumerate(INPUTS):
        value = item.value(sections)
        if value is None:
            unknown.append(UNKNOWN_TEXT[item.weight_key])
            continue
        points = float(weights.get(item.weight_key, 0.0)) * float(value)
        if points > 0:
            total += points
            contributions.append((points, order, f"{item.describe(float(value))} (+{points:.1f})"))
    contributions.sort(key=lambda c: (-c[0], c[1]))
    return {
        "score": round(min(MAX_SCORE, max(0.0, total)), 1),
        "partial": bool(unknown),
        "reasons": [text for _, _, text in contributions],
        "unknown_inputs": unknown,
    }


def compute(
    sections: Mapping[str, SectionResult], repo_names: Iterable[str], weights: Mapping[str, float]
) -> dict[str, dict[str, Any]]:
    """Risk per repo name from the computed sections (`security`, `ci`, `activity`)."""
    out: dict[str, dict[str, Any]] = {}
    for name in sorted(repo_names):
        per_repo = {key: result.repos.get(name, {}) for key, result in sections.items()}
        out[name] = score_repo(per_repo, weights)
    return out


def top_risks(repos: Iterable[Mapping[str, Any]], n: int = 10) -> list[dict[str, Any]]:
    """The `n` riskiest repos with a score above 0: score descending, then name ascending."""
    scored = [
        {
            "name": repo["name"],
            "score": repo["risk"]["score"],
            "partial": repo["risk"]["partial"],
            "reasons": list(repo["risk"]["reasons"]),
        }
        for repo in repos
        if repo["risk"]["score"] > 0
    ]
    scored.sort(key=lambda r: (-r["score"], r["name"]))
    return scored[:n]
