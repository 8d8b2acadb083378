"""The contract's metric definitions, computed loop by loop straight from a demo `Org`.

Independent of `orgmetrics.metrics` on purpose: the cross-check compares the pipeline's
dashboard with these values, so nothing here may reuse the code under test. Where the contract
is silent, the documented choice of the metric modules is followed and named in a comment.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from orgmetrics.demo.model import Deployment, Issue, PullRequest, Repo, User

PROD = re.compile(r"^(prod|production)$", re.IGNORECASE)
INCIDENT = re.compile(r"^(incident|sev[0-9]|outage)$", re.IGNORECASE)
ATTRIBUTION = timedelta(hours=72)
SLA_DAYS = {"critical": 7, "high": 30, "medium": 90, "low": 180}
FAILED_RUNS = {"failure", "timed_out", "startup_failure"}
SEVERITIES = ("critical", "high", "medium", "low")


@dataclass(frozen=True)
class Span:
    """`[start, end)`: the reporting window, or `[since, as_of]` for the lookback."""

    start: datetime
    end: datetime

    def has(self, t: datetime | None) -> bool:
        """An event is in the window when start <= t < end."""
        return t is not None and self.start <= t < self.end


def round_half_up(value: float | None, places: int) -> float | None:
    """The contract's rounding (hours 1 dp, rates 4 dp), half up; None stays None."""
    if value is None:
        return None
    step = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP))


def hours(a: datetime, b: datetime) -> float:
    """`b - a` in hours."""
    return (b - a).total_seconds() / 3600


def median(values: list[float]) -> float | None:
    """The plain median (mean of the two middle values for an even count); None if empty."""
    if not values:
        return None
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def mean(values: list[float]) -> float | None:
    """The arithmetic mean; None if empty."""
    return sum(values) / len(values) if values else None


def rate(n: int, d: int) -> float | None:
    """n / d rounded to 4 decimals; None when d is 0."""
    return round_half_up(n / d, 4) if d else None


def is_bot_user(user: User | None) -> bool:
    """Contract "Bots": type Bot or a login ending in [bot]; a deleted account is not a bot."""
    return user is not None and (user.type == "Bot" or user.login.endswith("[bot]"))


def is_incident(issue: Issue) -> bool:
    """An issue with a label matching the default incident pattern."""
    return any(INCIDENT.search(label) for label in issue.labels)


# ---- DORA ----------------------------------------------------------------------------------


def deciding(dep: Deployment, as_of: datetime) -> tuple[str, datetime] | None:
    """(outcome, time) of the last success/failure/error status before as_of.

    A status exactly at as_of has not happened yet: the window is `[start, as_of)` and the
    contract does not say otherwise for deployments; dora.py reads it the same way
    (METRICS.md, Conventions: the window is half-open).
    """
    found = None
    for status in sorted(dep.statuses, key=lambda s: (s.created_at, s.id)):
        if status.created_at >= as_of:
            continue
        if status.state == "success":
            found = ("success", status.created_at)
        elif status.state in ("failure", "error"):
            found = ("failed", status.created_at)
    return found


def prod_events(repo: Repo, as_of: datetime) -> list[tuple[str, datetime]]:
    """Finished production deployments of a repo, (outcome, time), oldest first."""
    events = []
    for dep in repo.deployments:
        if PROD.search(dep.environment) and dep.created_at <= as_of:
            got = deciding(dep, as_of)
            if got is not None:
                events.append(got)
    return sorted(events, key=lambda e: e[1])


def has_prod(repo: Repo, as_of: datetime) -> bool:
    """The repo has production deployments (the deployment source of the contract)."""
    return any(PROD.search(d.environment) and d.created_at <= as_of for d in repo.deployments)


@dataclass
class Dora:
    """The raw material of one repo's DORA values (pooled for the org by concatenation)."""

    source: bool
    successes: int = 0
    failed: int = 0
    followed: int = 0
    lead_hours: tuple[float, ...] = ()
    mttr_hours: tuple[float, ...] = ()
    recovery_hours: tuple[float, ...] = ()
    rework: int = 0
    incidents_opened: int = 0
    incidents_closed: int = 0


def dora(repo: Repo, window: Span) -> Dora:
    """Successful/failed deployments, incident-followed ones, lead times and MTTR samples."""
    as_of = window.end
    incidents = [i for i in repo.issues if is_incident(i) and i.created_at <= as_of]
    mttr = tuple(
        hours(i.created_at, i.closed_at)
        for i in incidents
        if i.closed_at is not None and window.has(i.closed_at)
    )
    out = Dora(
        source=has_prod(repo, as_of),
        mttr_hours=mttr,
        incidents_opened=sum(1 for i in incidents if window.has(i.created_at)),
        incidents_closed=len(mttr),
    )
    if not out.source:
        return out
    events = prod_events(repo, as_of)
    success_times = [t for outcome, t in events if outcome == "success"]
    followed = 0
    for outcome, t in events:
        if not window.has(t):
            continue
        if outcome == "failed":
            out.failed += 1
            recovered = next((s for s in success_times if s > t), None)
            if recovered is not None:
                out.recovery_hours += (hours(t, recovered),)
            continue
        out.successes += 1
        out.rework += any(
            i.created_at <= t and (i.closed_at is None or t < i.closed_at) for i in incidents
        )
        later = [s for s in success_times if s > t]
        next_success = later[0] if later else None
        for inc in incidents:
            opened = inc.created_at
            if t < opened <= t + ATTRIBUTION and (next_success is None or opened < next_success):
                followed += 1
                break
    out.followed = followed
    leads = []
    for pr in repo.pulls:
        if pr.merged_at is None or pr.base_ref != repo.default_branch or pr.merged_at > as_of:
            continue
        start = min((c.authored_at for c in pr.commits), default=pr.created_at)
        deployed = next((s for s in success_times if s >= pr.merged_at), None)
        if deployed is not None and window.has(deployed):
            leads.append(hours(start, deployed))
    out.lead_hours = tuple(leads)
    return out


def dora_values(parts: Iterable[Dora]) -> dict[str, Any]:
    """The compared DORA keys from one repo's (or the pooled org's) material."""
    parts = list(parts)
    sourced = [p for p in parts if p.source]
    mttr = [h for p in parts for h in p.mttr_hours]
    values: dict[str, Any] = {
        "mttr_hours_median": round_half_up(median(mttr), 1),
        "incidents_opened": sum(p.incidents_opened for p in parts),
        "incidents_closed": sum(p.incidents_closed for p in parts),
    }
    if not sourced:
        values.update(
            deployments=None,
            change_failure_rate=None,
            lead_time_hours_median=None,
            failed_deployment_recovery_hours_median=None,
            rework_rate=None,
        )
        return values
    succ = sum(p.successes for p in sourced)
    failed = sum(p.failed for p in sourced)
    followed = sum(p.followed for p in sourced)
    leads = [h for p in sourced for h in p.lead_hours]
    values.update(
        deployments=succ,
        change_failure_rate=rate(failed + followed, succ + failed),
        lead_time_hours_median=round_half_up(median(leads), 1),
        failed_deployment_recovery_hours_median=round_half_up(
            median([h for p in sourced for h in p.recovery_hours]), 1
        ),
        rework_rate=rate(sum(p.rework for p in sourced), succ),
    )
    return values


# ---- CI --------------------------------------------------------------------------------------


def ci_counts(repo: Repo, window: Span) -> tuple[int, int, int]:
    """(successful, failed, excluded) completed runs created in the window."""
    ok = bad = other = 0
    for run in repo.runs:
        if run.status != "completed" or not window.has(run.created_at):
            continue
        if run.conclusion == "success":
            ok += 1
        elif run.conclusion in FAILED_RUNS:
            bad += 1
        else:
            other += 1
    return ok, bad, other


def ci_minutes(repo: Repo, window: Span) -> list[float]:
    """`updated_at - run_started_at` in minutes over the runs counted in `ci.runs`."""
    return [
        (run.updated_at - run.run_started_at).total_seconds() / 60
        for run in repo.runs
        if run.status == "completed"
        and window.has(run.created_at)
        and (run.conclusion == "success" or run.conclusion in FAILED_RUNS)
    ]


def has_workflows(repo: Repo) -> bool:
    """At least one workflow in the active state."""
    return any(w.state == "active" for w in repo.workflows)


# ---- Flow ------------------------------------------------------------------------------------


@dataclass
class Flow:
    """One repo's flow samples (bot PRs already left out) and the bot PRs left out."""

    cycle_hours: tuple[float, ...]
    review_hours: tuple[float, ...]
    wip: int
    bots: int


def first_review_at(pr: PullRequest) -> datetime | None:
    """The first submitted, non-pending review by someone else who is not a bot.

    A deleted reviewer (user None) counts as someone else unless the author is deleted too:
    the contract is silent; this is the flow module's documented choice.
    """
    times = []
    for review in pr.reviews:
        if review.state == "PENDING" or review.submitted_at is None:
            continue
        if is_bot_user(review.user):
            continue
        if review.user is None:
            if pr.user is None:
                continue
        elif pr.user is not None and review.user.login == pr.user.login:
            continue
        times.append(review.submitted_at)
    return min(times, default=None)


def flow(repo: Repo, window: Span) -> Flow:
    """Throughput/cycle, review, WIP samples and the bot PRs that would have entered them."""
    as_of = window.end
    cycles, reviews, wip, bots = [], [], 0, 0
    for pr in repo.pulls:
        if pr.created_at > as_of:
            continue
        merged = pr.merged_at is not None and window.has(pr.merged_at)
        first = first_review_at(pr)
        reviewed = first is not None and window.has(first)
        closed = pr.closed_at if pr.closed_at is not None else pr.merged_at
        is_open = pr.created_at < as_of and (closed is None or closed >= as_of) and not pr.draft
        if is_bot_user(pr.user):
            bots += merged or reviewed or is_open
            continue
        if merged and pr.merged_at is not None:
            cycles.append(hours(pr.created_at, pr.merged_at))
        if reviewed and first is not None:
            start = pr.ready_for_review_at or pr.created_at
            # Clipped at 0 when reviewed while still a draft (flow module's documented choice).
            reviews.append(max(0.0, hours(start, first)))
        wip += is_open
    return Flow(tuple(cycles), tuple(reviews), wip, bots)


def flow_values(parts: Iterable[Flow]) -> dict[str, Any]:
    """The compared flow keys of one repo or the pooled org."""
    parts = list(parts)
    cycles = [h for p in parts for h in p.cycle_hours]
    reviews = [h for p in parts for h in p.review_hours]
    return {
        "throughput": len(cycles),
        "cycle_time_median": round_half_up(median(cycles), 1),
        "cycle_time_avg": round_half_up(mean(cycles), 1),
        "review_time_median": round_half_up(median(reviews), 1),
        "reviewed_prs": len(reviews),
        "wip": sum(p.wip for p in parts),
        "bot_prs_excluded": sum(p.bots for p in parts),
    }


# ---- Security ------------------------------------------------------------------------------


def gone_by(t: datetime, *stamps: datetime | None) -> bool:
    """Some lifecycle end (fixed, dismissed, resolved...) happened at or before t."""
    return any(s is not None and s <= t for s in stamps)


def availability(repo: Repo) -> dict[str, bool]:
    """Which alert listings answer for a repo (the demo's modes, GitHub's refusals)."""
    return {
        "dependabot": repo.dependabot == "enabled" and not repo.archived,
        "code_scanning": repo.code_scanning == "enabled",
        "secret_scanning": repo.secret_scanning == "enabled",
    }


def security(repo: Repo, window: Span) -> dict[str, Any]:
    """Per-repo security values; a source's values are None when it is unavailable."""
    as_of = window.end
    avail = availability(repo)
    out: dict[str, Any] = {f"available_{k}": v for k, v in avail.items()}
    if avail["dependabot"]:
        counts = dict.fromkeys(SEVERITIES, 0)
        breaches = dismissed = at_start = 0
        fixes = []
        for a in repo.dependabot_alerts:
            if a.created_at > as_of:
                continue
            if not gone_by(as_of, a.fixed_at, a.dismissed_at, a.auto_dismissed_at):
                counts[a.severity] += 1
                if as_of - a.created_at > timedelta(days=SLA_DAYS[a.severity]):
                    breaches += 1
            start = window.start
            if a.created_at <= start and not gone_by(
                start, a.fixed_at, a.dismissed_at, a.auto_dismissed_at
            ):
                at_start += 1
            if a.fixed_at is not None and window.has(a.fixed_at):
                fixes.append(hours(a.created_at, a.fixed_at))
            if window.has(a.dismissed_at) or window.has(a.auto_dismissed_at):
                dismissed += 1
        out.update(counts)
        out.update(
            total_vulns=sum(counts.values()),
            sla_breaches=breaches,
            dismissed_in_window=dismissed,
            fixed_in_window=len(fixes),
            vulns_at_window_start=at_start,
            vuln_trend=trend(at_start, sum(counts.values())),
            _fix_hours=tuple(fixes),
        )
    else:
        out.update(dict.fromkeys(SEVERITIES))
        out.update(
            total_vulns=None,
            sla_breaches=None,
            dismissed_in_window=None,
            fixed_in_window=None,
            vulns_at_window_start=None,
            vuln_trend=None,
            _fix_hours=(),
        )
    by_severity: dict[str, int] | None = None
    if avail["code_scanning"]:
        by_severity = dict.fromkeys(SEVERITIES, 0)
        for c in repo.code_scanning_alerts:
            if c.created_at <= as_of and not gone_by(as_of, c.fixed_at, c.dismissed_at):
                level = c.security_severity_level or c.rule_severity
                by_severity[level] = by_severity.get(level, 0) + 1
    out["code_alerts_by_severity"] = by_severity
    out["code_alerts"] = None if by_severity is None else sum(by_severity.values())
    out["secrets"] = (
        sum(
            1
            for s in repo.secret_scanning_alerts
            if s.created_at <= as_of and not gone_by(as_of, s.resolved_at)
        )
        if avail["secret_scanning"]
        else None
    )
    return out


def trend(start: int, end: int) -> str:
    """Open total at the window end vs its start."""
    return "Improving" if end < start else "Worsening" if end > start else "Stable"


SECURITY_COUNTS = (
    *SEVERITIES,
    "total_vulns",
    "sla_breaches",
    "dismissed_in_window",
    "fixed_in_window",
    "vulns_at_window_start",
)


def security_org(per_repo: list[dict[str, Any]]) -> dict[str, Any]:
    """Org sums over repos where the source answered (None when none did), and coverage."""
    out: dict[str, Any] = {}
    source_of = dict.fromkeys(SECURITY_COUNTS, "dependabot")
    source_of.update(code_alerts="code_scanning", secrets="secret_scanning")
    for key, source in source_of.items():
        values = [r[key] for r in per_repo if r[f"available_{source}"]]
        out[key] = sum(values) if values else None
    tables = [r["code_alerts_by_severity"] for r in per_repo if r["available_code_scanning"]]
    by_severity: dict[str, int] | None = None
    if tables:
        by_severity = dict.fromkeys(SEVERITIES, 0)
        for table in tables:
            for level, n in table.items():
                by_severity[level] = by_severity.get(level, 0) + n
    out["code_alerts_by_severity"] = by_severity
    start, end = out["vulns_at_window_start"], out["total_vulns"]
    out["vuln_trend"] = None if start is None else trend(start, end)
    fixes = [h for r in per_repo for h in r["_fix_hours"]]
    out["security_mttr_hours"] = round_half_up(mean(fixes), 1)
    out["coverage"] = {
        source: {
            "available": sum(1 for r in per_repo if r[f"available_{source}"]),
            "unavailable": sum(1 for r in per_repo if not r[f"available_{source}"]),
        }
        for source in ("dependabot", "code_scanning", "secret_scanning")
    }
    return out


# ---- Activity --------------------------------------------------------------------------------

BOT_EMAIL = re.compile(r"\[bot\]@users\.noreply\.github\.com$", re.IGNORECASE)


def window_identities(repo: Repo, window: Span) -> list[str | None]:
    """One entry per default-branch commit authored in the window: its human identity or None.

    None marks a bot commit (a bot account, or no linked account and a bot e-mail address).
    """
    out: list[str | None] = []
    for c in repo.commits:
        if not window.has(c.authored_at):
            continue
        if c.author is not None:
            out.append(None if is_bot_user(c.author) else f"login:{c.author.login}")
        else:
            bot = BOT_EMAIL.search(c.author_email) is not None
            out.append(None if bot else email_identity(c.author_email))
    return out


def email_identity(email: str) -> str:
    """A commit author without an account: `email:` + 16 hex of the address's SHA-256.

    The contract allows "hashed or as given"; this is activity.py's documented form, rebuilt
    here with hashlib so top_contributors can be compared name for name.
    """
    return "email:" + hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()[:16]


def top_contributors(identities: Iterable[str | None], n: int = 10) -> list[dict[str, Any]]:
    """The top n `{login, commits}` by commits, ties by login ascending (bots left out)."""
    counts: dict[str, int] = {}
    for ident in identities:
        if ident is not None:
            counts[ident] = counts.get(ident, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].removeprefix("login:")))
    return [{"login": k.removeprefix("login:"), "commits": v} for k, v in ranked[:n]]


# ---- Lookback (what the raw documents must hold) ---------------------------------------------


def lookback_items(repo: Repo, as_of: datetime, since: datetime) -> dict[str, set[Any]]:
    """Per raw source, the ids of the model's items the collector must fetch for the lookback.

    Per the contract and INTERFACES: PRs updated in the lookback plus every open PR, and PRs
    merged up to 7 days before `since` (lead time of a first deployment inside it); events
    (deployments, runs) created in `[since, as_of]`, and deployments created up to 7 days before
    `since` with a status in `[since, as_of]`; commits authored and committed there;
    incident issues updated in the lookback or still open; releases created or published in
    the lookback; every workflow; every alert created by `as_of`.
    """
    look = Span(since, as_of + timedelta(microseconds=1))  # [since, as_of] inclusive
    return {
        "pull_requests": {
            p.number
            for p in repo.pulls
            if p.created_at <= as_of
            and (
                look.has(p.updated_at)
                or p.state == "open"
                or (p.merged_at is not None and since - timedelta(days=7) <= p.merged_at < since)
            )
        },
        "deployments": {
            d.id
            for d in repo.deployments
            if look.has(d.created_at)
            or (
                since - timedelta(days=7) <= d.created_at
                and any(look.has(s.created_at) for s in d.statuses)
            )
        },
        "workflow_runs": {r.id for r in repo.runs if look.has(r.created_at)},
        "workflows": {w.id for w in repo.workflows},
        "commits": {
            c.sha for c in repo.commits if look.has(c.authored_at) and look.has(c.committed_at)
        },
        "incidents": {
            i.number
            for i in repo.issues
            if is_incident(i)
            and i.created_at <= as_of
            and (look.has(i.updated_at) or i.state == "open")
        },
        "releases": {
            r.id
            for r in repo.releases
            if r.created_at <= as_of and (look.has(r.created_at) or look.has(r.published_at))
        },
        "dependabot_alerts": {a.number for a in repo.dependabot_alerts if a.created_at <= as_of},
        "code_scanning_alerts": {
            a.number for a in repo.code_scanning_alerts if a.created_at <= as_of
        },
        "secret_scanning_alerts": {
            a.number for a in repo.secret_scanning_alerts if a.created_at <= as_of
        },
    }


RAW_ID = {
    "pull_requests": "number",
    "deployments": "id",
    "workflow_runs": "id",
    "workflows": "id",
    "commits": "sha",
    "incidents": "number",
    "releases": "id",
    "dependabot_alerts": "number",
    "code_scanning_alerts": "number",
    "secret_scanning_alerts": "number",
}
