"""The report's sections as Markdown strings, built from dashboard.json (pure functions).

The report notebook only calls these and displays the result. Every value that came from
GitHub goes through `orgmetrics.report.tables` / `escape`, never straight into Markdown.
Unknown values show as N/A with the reason (contract "Null, zero and availability").
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from orgmetrics.report.escape import md_code, md_text
from orgmetrics.report.tables import (
    NA,
    fmt_count,
    fmt_hours,
    fmt_number,
    fmt_rate,
    fmt_text,
    markdown_table,
)
from orgmetrics.schema import RUN_METADATA_FIELDS

Dashboard = Mapping[str, Any]

SEVERITIES = ("critical", "high", "medium", "low")
DORA_LEVELS = ("elite", "high", "medium", "low")


@dataclass(frozen=True)
class ReportInfo:
    """What the title block states about this issue of the report."""

    report_id: str
    generated_at: str
    classification: str
    version: str
    git_commit: str | None
    params: Mapping[str, Any] = field(default_factory=dict)


def _section(d: Dashboard, name: str) -> Mapping[str, Any]:
    value = d.get(name)
    return value if isinstance(value, Mapping) else {}


def _repos(d: Dashboard) -> list[Mapping[str, Any]]:
    repos = d.get("repos")
    return sorted(
        (r for r in repos or [] if isinstance(r, Mapping)), key=lambda r: str(r.get("name"))
    )


def _deployment_sources(d: Dashboard) -> int:
    return sum(1 for r in _repos(d) if _section(r, "dora").get("deployment_source"))


def _coverage(d: Dashboard, source: str) -> Mapping[str, Any]:
    security_cov = _section(_section(d, "security"), "coverage")
    if source in security_cov and isinstance(security_cov[source], Mapping):
        return security_cov[source]
    quality_cov = _section(_section(d, "data_quality"), "coverage")
    alias = {
        "dependabot": "dependabot_alerts",
        "code_scanning": "code_scanning_alerts",
        "secret_scanning": "secret_scanning_alerts",
    }.get(source, source)
    value = quality_cov.get(alias)
    return value if isinstance(value, Mapping) else {}


def na_reason(d: Dashboard, section: str, key: str) -> str:
    """Why an org-level value is null, in words an auditor can check against the data."""
    explicit = _section(_section(d, section), "null_reasons").get(key)
    if isinstance(explicit, str) and explicit:
        return explicit
    if section == "dora":
        if _deployment_sources(d) == 0:
            return "no repository has a production deployment source"
        return {
            "lead_time_hours_median": "no merged PR reached a successful deployment in the window",
            "change_failure_rate": "no finished production deployments in the window",
            "rework_rate": "no successful production deployments in the window",
            "mttr_hours_median": "no incident issue was closed in the window",
            "failed_deployment_recovery_hours_median": "no failed deployment in the window",
            "performance_level": "fewer than three of the four DORA keys are known",
        }.get(key, "no deployments in the window")
    if section == "ci":
        return "no completed workflow run with a success or failure conclusion in the window"
    if section == "flow":
        if key.startswith("review"):
            return "no first review by another, non-bot account in the window"
        return "no pull request merged in the window"
    if section == "security":
        source = (
            "code_scanning"
            if key.startswith("code")
            else "secret_scanning"
            if key == "secrets"
            else "dependabot"
        )
        cov = _coverage(d, source)
        if cov.get("available") == 0:
            return f"{source.replace('_', ' ')} unavailable in every repository"
        if key == "security_mttr_hours":
            return "no Dependabot alert was fixed in the window"
        return "not known for this snapshot"
    return "not known for this snapshot"


def _value(d: Dashboard, section: str, key: str, fmt: Any) -> tuple[str, str]:
    raw = _section(d, section).get(key)
    if raw is None:
        return NA, na_reason(d, section, key)
    return fmt(raw), ""


def title_block(d: Dashboard, info: ReportInfo) -> str:
    """Identity of the report: id, org, as_of, window, run, version, generation, marking."""
    window = _section(d, "window")
    rows = [
        ("Report id", info.report_id),
        ("Organisation", d.get("org")),
        ("Data as of", d.get("as_of")),
        (
            "Reporting window",
            f"{window.get('days')} days: {window.get('start')} to {window.get('end')} "
            "(end excluded)",
        ),
        ("Collection run id", d.get("run_id")),
        ("orgmetrics version", info.version),
        ("orgmetrics git commit", info.git_commit or "unknown (not a git checkout)"),
        ("Generated at", info.generated_at),
        ("Classification", info.classification),
    ]
    return (
        f"**Classification: {md_text(info.classification)}** · Report "
        f"{md_code(info.report_id)}\n\n" + markdown_table(["Field", "Value"], rows, align="ll")
    )


def executive_summary(d: Dashboard) -> str:
    """Headline DORA, CI, flow and security figures, each with its N/A reason."""
    spec: Sequence[tuple[str, str, str, str, Any]] = (
        ("DORA", "Successful production deployments", "dora", "deployments", fmt_count),
        (
            "DORA",
            "Deployment frequency (per week)",
            "dora",
            "deployment_frequency_per_week",
            fmt_number,
        ),
        ("DORA", "Lead time for changes (median)", "dora", "lead_time_hours_median", fmt_hours),
        ("DORA", "Change failure rate", "dora", "change_failure_rate", fmt_rate),
        (
            "DORA",
            "Failed deployment recovery time (median)",
            "dora",
            "failed_deployment_recovery_hours_median",
            fmt_hours,
        ),
        ("DORA", "Incident MTTR (median)", "dora", "mttr_hours_median", fmt_hours),
        ("DORA", "Deployment rework rate", "dora", "rework_rate", fmt_rate),
        ("DORA", "Performance level", "dora", "performance_level", fmt_text),
        ("CI", "Workflow runs (success + failed)", "ci", "runs", fmt_count),
        ("CI", "CI failure rate", "ci", "ci_failure_rate", fmt_rate),
        (
            "CI",
            "Run duration (median)",
            "ci",
            "duration_minutes_median",
            lambda v: f"{float(v):.1f} min",
        ),
        ("CI", "Adoption (repos with workflows)", "ci", "adoption_rate", fmt_rate),
        ("Flow", "PRs merged (throughput)", "flow", "throughput", fmt_count),
        ("Flow", "Cycle time (median)", "flow", "cycle_time_median", fmt_hours),
        ("Flow", "Review time (median)", "flow", "review_time_median", fmt_hours),
        ("Flow", "Open non-draft PRs (WIP)", "flow", "wip", fmt_count),
        ("Security", "Open critical vulnerabilities", "security", "critical", fmt_count),
        ("Security", "Open high vulnerabilities", "security", "high", fmt_count),
        ("Security", "Open vulnerabilities (all severities)", "security", "total_vulns", fmt_count),
        ("Security", "SLA breaches", "security", "sla_breaches", fmt_count),
        ("Security", "Open code-scanning alerts", "security", "code_alerts", fmt_count),
        ("Security", "Open secret-scanning alerts", "security", "secrets", fmt_count),
        ("Security", "Vulnerability MTTR (mean)", "security", "security_mttr_hours", fmt_hours),
        ("Security", "Vulnerability trend", "security", "vuln_trend", fmt_text),
        ("Activity", "Commits on default branches", "activity", "commits", fmt_count),
        ("Activity", "Contributors", "activity", "contributors", fmt_count),
    )
    rows = []
    for area, label, section, key, fmt in spec:
        value, reason = _value(d, section, key, fmt)
        rows.append((area, label, value, reason))
    security = _section(d, "security")
    trend = security.get("vuln_trend")
    start, end = security.get("vulns_at_window_start"), security.get("total_vulns")
    trend_line = (
        f"Vulnerability trend: **{md_text(trend)}** (open Dependabot alerts "
        f"{fmt_count(start)} at the window start, {fmt_count(end)} at its end)."
        if trend is not None
        else f"Vulnerability trend: N/A ({md_text(na_reason(d, 'security', 'vuln_trend'))})."
    )
    return (
        markdown_table(["Area", "Metric", "Value", "Why N/A"], rows, align="llrl")
        + "\n"
        + trend_line
        + "\n\n"
        + dora_levels(d)
    )


def dora_levels(d: Dashboard) -> str:
    """The org DORA level and how many repositories sit at each level."""
    level = _section(d, "dora").get("performance_level")
    counts = {lvl: 0 for lvl in DORA_LEVELS}
    unknown = 0
    for repo in _repos(d):
        repo_level = _section(repo, "dora").get("performance_level")
        if repo_level in counts:
            counts[repo_level] += 1
        else:
            unknown += 1
    rows = [(lvl, counts[lvl]) for lvl in DORA_LEVELS]
    rows.append(("N/A (fewer than three keys known)", unknown))
    org_line = (
        f"Organisation DORA performance level: **{md_text(level)}**."
        if level
        else f"Organisation DORA performance level: N/A "
        f"({md_text(na_reason(d, 'dora', 'performance_level'))})."
    )
    return (
        org_line
        + "\n\n"
        + markdown_table(["DORA level", "Repositories"], rows, align="lr", caption="DORA levels")
    )


def repo_delivery_table(d: Dashboard) -> str:
    """Per-repo delivery metrics (DORA, CI, flow)."""
    rows = []
    for r in _repos(d):
        dora, ci, flow = _section(r, "dora"), _section(r, "ci"), _section(r, "flow")
        rows.append(
            (
                r.get("name"),
                fmt_count(dora.get("deployments")),
                fmt_hours(dora.get("lead_time_hours_median")),
                fmt_rate(dora.get("change_failure_rate")),
                fmt_text(dora.get("performance_level")),
                fmt_count(ci.get("runs")),
                fmt_rate(ci.get("ci_failure_rate")),
                fmt_count(flow.get("throughput")),
                fmt_hours(flow.get("cycle_time_median")),
                fmt_hours(flow.get("review_time_median")),
                fmt_count(flow.get("wip")),
            )
        )
    headers = [
        "Repository",
        "Deploys",
        "Lead time",
        "CFR",
        "DORA level",
        "CI runs",
        "CI fail",
        "Merged PRs",
        "Cycle (med.)",
        "Review (med.)",
        "WIP",
    ]
    return markdown_table(
        headers, rows, align="lrrrlrrrrrr", caption="Delivery metrics per repository"
    )


def repo_security_table(d: Dashboard) -> str:
    """Per-repo security and activity metrics with the risk score."""
    rows = []
    for r in _repos(d):
        sec, act, risk = _section(r, "security"), _section(r, "activity"), _section(r, "risk")
        score = risk.get("score")
        rows.append(
            (
                r.get("name"),
                fmt_count(sec.get("critical")),
                fmt_count(sec.get("high")),
                fmt_count(sec.get("medium")),
                fmt_count(sec.get("low")),
                fmt_count(sec.get("sla_breaches")),
                fmt_count(sec.get("code_alerts")),
                fmt_count(sec.get("secrets")),
                fmt_count(act.get("commits")),
                NA
                if score is None
                else f"{fmt_number(score, 1)}{'*' if risk.get('partial') else ''}",
            )
        )
    headers = [
        "Repository",
        "Critical",
        "High",
        "Medium",
        "Low",
        "SLA breaches",
        "Code alerts",
        "Secrets",
        "Commits",
        "Risk",
    ]
    return (
        markdown_table(
            headers, rows, align="lrrrrrrrrr", caption="Security and activity per repository"
        )
        + "\nN/A: the endpoint was unavailable for that repository (see Data quality). "
        "Risk marked \\* is partial: some inputs were unknown.\n"
    )


def top_risks(d: Dashboard, limit: int = 10) -> str:
    """The riskiest repositories with the reasons that made their score."""
    scored = [r for r in _repos(d) if isinstance(_section(r, "risk").get("score"), int | float)]
    scored.sort(key=lambda r: (-float(_section(r, "risk")["score"]), str(r.get("name"))))
    rows = [
        (
            r.get("name"),
            fmt_number(_section(r, "risk")["score"], 1),
            "yes" if _section(r, "risk").get("partial") else "no",
            "; ".join(str(x) for x in _section(r, "risk").get("reasons") or []) or "none",
        )
        for r in scored[:limit]
        if float(_section(r, "risk")["score"]) > 0
    ]
    if not rows:
        return "No repository has a risk score above 0.\n"
    return markdown_table(
        ["Repository", "Score", "Partial", "Reasons"],
        rows,
        align="lrll",
        caption=f"Top {len(rows)} repositories by risk score (0-100, higher is riskier)",
    )


def top_contributors(d: Dashboard) -> str:
    """The org's top contributors by commits on default branches (bots excluded)."""
    rows = [
        (c.get("login"), fmt_count(c.get("commits")))
        for c in _section(d, "activity").get("top_contributors") or []
        if isinstance(c, Mapping)
    ]
    if not rows:
        return "No human-authored commit on a default branch in the window.\n"
    return markdown_table(
        ["Contributor (login, or hashed e-mail when no account is linked)", "Commits"],
        rows,
        align="lr",
        caption="Top contributors in the window (bots excluded)",
    )


def sla_breaches(d: Dashboard) -> str:
    """Repositories with open Dependabot alerts older than their severity's SLA."""
    rows = [
        (
            r.get("name"),
            fmt_count(_section(r, "security").get("sla_breaches")),
            fmt_count(_section(r, "security").get("critical")),
            fmt_count(_section(r, "security").get("high")),
        )
        for r in _repos(d)
        if (_section(r, "security").get("sla_breaches") or 0) > 0
    ]
    total = _section(d, "security").get("sla_breaches")
    head = (
        f"Open Dependabot alerts past their SLA across the organisation: **{fmt_count(total)}**"
        + (f" ({md_text(na_reason(d, 'security', 'sla_breaches'))})" if total is None else "")
        + ".\n\n"
    )
    if not rows:
        return head + "No repository has an alert past its SLA.\n"
    rows.sort(key=lambda row: (-int(str(row[1]).replace(" ", "")), str(row[0])))
    return head + markdown_table(
        ["Repository", "Alerts past SLA", "Open critical", "Open high"],
        rows,
        align="lrrr",
        caption="SLA breaches per repository",
    )


def repositories(d: Dashboard, descriptions: Mapping[str, str] | None = None) -> str:
    """Every scanned repository: fork flag, deployment source, description (untrusted text)."""
    described = descriptions or {}
    with_text = any(described.get(str(r.get("name"))) for r in _repos(d))
    rows = []
    for r in _repos(d):
        source = _section(r, "dora").get("deployment_source")
        row: list[object] = [
            r.get("name"),
            "yes" if r.get("fork") else "no",
            source if source else "none (DORA N/A)",
        ]
        if with_text:
            row.append(described.get(str(r.get("name"))) or "")
        rows.append(row)
    headers = ["Repository", "Fork", "Deployment source"] + (["Description"] if with_text else [])
    return markdown_table(
        headers,
        rows,
        align="llll"[: len(headers)],
        caption="Scanned repositories and their deployment source",
    )


def data_quality(d: Dashboard) -> str:
    """Coverage per source, unavailable endpoints, truncations, errors, bot PRs left out."""
    q = _section(d, "data_quality")
    bots = q.get("bot_prs_excluded", _section(d, "flow").get("bot_prs_excluded"))
    summary = [
        ("Repositories in the organisation", fmt_count(q.get("repos_total"))),
        ("Repositories scanned", fmt_count(q.get("repos_scanned"))),
        ("Archived repositories skipped", fmt_count(q.get("archived_skipped"))),
        ("Empty repositories", fmt_count(q.get("empty_repos"))),
        ("Repositories with errors", fmt_count(q.get("repos_with_errors"))),
        ("Bot-authored PRs left out of flow metrics", fmt_count(bots)),
    ]
    parts = [markdown_table(["Check", "Value"], summary, align="lr", caption="Snapshot")]
    coverage = _section(q, "coverage") or _section(_section(d, "security"), "coverage")
    if coverage:
        rows = [
            (
                src,
                fmt_count(_section(coverage, src).get("available")),
                fmt_count(_section(coverage, src).get("unavailable")),
            )
            for src in sorted(coverage)
        ]
        parts.append(
            markdown_table(
                ["Source", "Available in repos", "Unavailable in repos"],
                rows,
                align="lrr",
                caption="Coverage per source",
            )
        )
    errors = [
        (r.get("name"), e.get("field"), fmt_text(e.get("status")), e.get("reason"))
        for r in _repos(d)
        for e in _section(r, "data_quality").get("errors") or []
        if isinstance(e, Mapping)
    ]
    if errors:
        parts.append(
            markdown_table(
                ["Repository", "Endpoint", "HTTP status", "Reason (from GitHub)"],
                errors,
                align="llrl",
                caption="Unavailable endpoints and errors",
            )
        )
    else:
        parts.append("No endpoint was unavailable and no error was recorded.\n")
    truncated = q.get("truncated_sources") or []
    if truncated:
        parts.append(
            markdown_table(
                ["Truncated listing (repository/source)"],
                [(t if isinstance(t, str) else json.dumps(t, sort_keys=True),) for t in truncated],
                caption="Truncated listings: counts from these are lower bounds",
            )
        )
    else:
        parts.append("No listing was truncated: every paginated source was read to its end.\n")
    return "\n".join(parts)


# Shown in the contract's order; `repos` and `config` are long and shown elsewhere.
RUN_FIELDS = tuple(f for f in RUN_METADATA_FIELDS if f not in ("repos", "config"))


def _plain(value: Any) -> str:
    if isinstance(value, Mapping | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return fmt_text(value)


def run_metadata(d: Dashboard) -> str:
    """The collection run's metadata, contract fields first, then anything else recorded."""
    run = _section(d, "run")
    if not run:
        return "The snapshot carries no run metadata.\n"
    keys = [k for k in RUN_FIELDS if k in run] + sorted(
        k for k in run if k not in RUN_FIELDS and k not in ("repos", "config")
    )
    rows = [(k, _plain(run[k])) for k in keys]
    return markdown_table(["Field", "Value"], rows, align="ll", caption="Collection run")


def appendix_metrics(metrics_md: str) -> str:
    """METRICS.md (our own, trusted file) with its headings moved under the appendix."""
    out = []
    fence = False
    for line in metrics_md.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        if not fence and re.match(r"^#{1,4} ", line):
            line = "##" + line
        out.append(line)
    return "\n".join(out) + "\n"


def appendix_parameters(params: Mapping[str, Any]) -> str:
    """The parameters this report was produced with (never a token: none is a parameter)."""
    rows = [(k, _plain(params[k])) for k in sorted(params)]
    return markdown_table(["Parameter", "Value"], rows, align="ll", caption="Parameters")


def appendix_manifest(manifest: Mapping[str, Any] | None) -> str:
    """SHA-256 of every input the report was built from, and of dashboard.json."""
    if not manifest:
        return "No manifest: this notebook was not run by `orgmetrics report`.\n"
    inputs = _section(manifest, "inputs")
    head = (
        f"Manifest inputs digest (SHA-256 of the canonical inputs list): "
        f"{md_code(manifest.get('inputs_sha256', 'unknown'))}. "
        f"Data directory: {md_code(manifest.get('data_dir', 'unknown'))}.\n\n"
    )
    lines = [f"- {md_code(path)}  \n  {md_code(digest)}" for path, digest in sorted(inputs.items())]
    return head + "\n".join(lines) + "\n"
