"""Write, without HTTP, the snapshot a complete collection of a demo `Org` would write.

`write_snapshot(org, data_dir, as_of=...)` produces `raw/<run_id>/<repo>.json` for every
non-archived repo and `meta/run_<YYYYMMDD_HHMMSS>.json`, as the collector does, so the
aggregation benchmark (2,000 repos) and the report tests need no server. Lookback semantics
follow the collector: events in `[as_of - lookback_days, as_of]` (as_of included), every PR
and incident still open at `as_of` however old, every PR merged up to `schema.LOOKBACK_MARGIN`
before the lookback, every deployment created up to that margin before the lookback with a
status inside it, and every alert in every state. Objects are
seen as they were at `as_of` (a PR merged later is open, a status posted later is absent), so
`as_of` may lie before `org.now`.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import Any

from orgmetrics import schema
from orgmetrics.collect.runmeta import build_meta, invocation
from orgmetrics.demo.model import Org, PullRequest, Repo, User
from orgmetrics.metrics.params import MetricParams
from orgmetrics.store import DataDir, atomic_write_json, atomic_write_text, dumps_canonical
from orgmetrics.timeutil import to_iso

SCHEMA_VERSION = "1.0"
# How GitHub refuses a security listing in each non-enabled mode (status, message).
REFUSALS: dict[tuple[str, str], tuple[int, str]] = {
    ("dependabot_alerts", "disabled"): (403, "Dependabot alerts are disabled for this repository."),
    ("dependabot_alerts", "forbidden"): (403, "Resource not accessible by personal access token"),
    ("code_scanning_alerts", "no_analysis"): (404, "no analysis found"),
    ("code_scanning_alerts", "ghas_required"): (
        403,
        "Advanced Security must be enabled for this repository to use code scanning.",
    ),
    ("secret_scanning_alerts", "disabled"): (
        404,
        "Secret scanning is disabled on this repository.",
    ),
}
_PHRASES = {403: "Forbidden", 404: "Not Found"}


@cache
def _clock() -> tuple[str, ...]:
    """'HH:MM:SS' for every second of a day (built once; formatting is the hot spot)."""
    return tuple(f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400))


_DAYS: dict[int, str] = {}


def _ts(moment: datetime) -> str:
    """`to_iso`, with a fast path for the generator's whole-second UTC datetimes."""
    if moment.tzinfo is UTC and not moment.microsecond:
        day, second = divmod(int(moment.timestamp()), 86400)
        date = _DAYS.get(day)
        if date is None:
            date = _DAYS[day] = moment.date().isoformat()
        return f"{date}T{_clock()[second]}Z"
    return to_iso(moment)


def _iso(moment: datetime | None, as_of: datetime) -> str | None:
    """The timestamp if it had happened by `as_of`, else None."""
    return _ts(moment) if moment is not None and moment <= as_of else None


def _actor(user: User | None) -> dict[str, Any] | None:
    """A raw actor `{login, is_bot}`, or None for a deleted account."""
    if user is None:
        return None
    return {"login": user.login, "is_bot": user.type == "Bot" or user.login.endswith("[bot]")}


# The collector's item order (`orgmetrics.collect.normalize.sort_items`) as C-level sort keys: the
# demo's items are unique already, and sorting is a third of the time of a 2,000-repo snapshot.
# tests/integration/test_demo_snapshot_vs_collect.py keeps the two in step.
_ORDER = {
    "deployments": itemgetter("created_at", "id"),
    "releases": itemgetter("created_at", "id"),
    "commits": itemgetter("authored_at", "sha"),
    "workflows": itemgetter("id"),
    "workflow_runs": itemgetter("id"),
}
_BY_NUMBER = itemgetter("number")


def _source(items: list[dict[str, Any]], name: str) -> dict[str, Any]:
    """An available source, its items in the collector's order."""
    items.sort(key=_ORDER.get(name, _BY_NUMBER))
    return {"available": True, "truncated": False, "items": items}


def _unavailable(name: str, mode: str, errors: list[dict[str, Any]]) -> dict[str, Any]:
    """A refused source, and the error entry naming GitHub's status and message."""
    status, message = REFUSALS[(name, mode)]
    errors.append(
        {"field": name, "status": status, "reason": f"{status} {_PHRASES[status]}: {message}"}
    )
    return {"available": False, "truncated": False, "items": []}


def _pull_request(pr: PullRequest, as_of: datetime) -> dict[str, Any]:
    """A raw pull request as it stood at `as_of`."""
    merged = _iso(pr.merged_at, as_of)
    closed = _iso(pr.closed_at, as_of)
    ready = _iso(pr.ready_for_review_at, as_of)
    draft = pr.draft or (pr.ready_for_review_at is not None and ready is None)
    reviews = [
        {"author": _actor(r.user), "state": r.state, "submitted_at": _ts(r.submitted_at)}
        if r.submitted_at is not None
        else {"author": _actor(r.user), "state": r.state, "submitted_at": None}
        for r in pr.reviews
        if r.submitted_at is None or r.submitted_at <= as_of
    ]
    first = min((c.authored_at for c in pr.commits), default=None)
    return {
        "number": pr.number,
        "title": pr.title,
        "author": _actor(pr.user),
        "state": "MERGED" if merged else ("CLOSED" if closed else "OPEN"),
        "draft": draft,
        "created_at": _ts(pr.created_at),
        "merged_at": merged,
        "closed_at": closed,
        "ready_for_review_at": ready,
        "base_ref": pr.base_ref,
        "first_commit_at": _ts(first) if first is not None else None,
        "labels": sorted(set(pr.labels)),
        "reviews": reviews,
        "reviews_truncated": False,
    }


def _in_lookback(
    created: datetime, closed: datetime | None, since: datetime, as_of: datetime
) -> bool:
    """Created by `as_of` and open then, or created or closed within the lookback."""
    if created > as_of:
        return False
    open_at_as_of = closed is None or closed > as_of
    return open_at_as_of or created >= since or since <= closed <= as_of  # type: ignore[operator]


def raw_document(
    org: Org,
    repo: Repo,
    *,
    as_of: datetime,
    lookback_days: int,
    run_id: str,
    incident_label_pattern: str = MetricParams().incident_label_pattern,
) -> dict[str, Any]:
    """The raw document (schema `raw_repo`) a complete collection at `as_of` writes for `repo`."""
    since = as_of - timedelta(days=lookback_days)
    errors: list[dict[str, Any]] = []

    pulls = [
        _pull_request(pr, as_of)
        for pr in repo.pulls
        if _in_lookback(pr.created_at, pr.closed_at, since, as_of)
        or any(r.submitted_at is not None and since <= r.submitted_at <= as_of for r in pr.reviews)
        or (pr.merged_at is not None and since - schema.LOOKBACK_MARGIN <= pr.merged_at < since)
    ]
    deployments = [
        {
            "id": d.id,
            "environment": d.environment,
            "created_at": _ts(d.created_at),
            "sha": d.sha,
            "ref": d.ref,
            "statuses": [
                {"state": s.state, "created_at": _ts(s.created_at)}
                for s in d.statuses
                if s.created_at <= as_of
            ],
            "statuses_truncated": False,
        }
        for d in repo.deployments
        if since - schema.LOOKBACK_MARGIN <= d.created_at <= as_of
        and (d.created_at >= since or any(since <= s.created_at <= as_of for s in d.statuses))
    ]
    label_re = re.compile(incident_label_pattern, re.IGNORECASE)
    incidents = [
        {
            "number": i.number,
            "title": i.title,
            "state": "closed" if i.closed_at is not None and i.closed_at <= as_of else "open",
            "labels": sorted(set(i.labels)),
            "created_at": _ts(i.created_at),
            "closed_at": _iso(i.closed_at, as_of),
        }
        for i in repo.issues
        if any(label_re.search(label) for label in i.labels)
        and _in_lookback(i.created_at, i.closed_at, since, as_of)
    ]
    # As the collector reads GraphQL history: `author.user` is a User, so a bot's commit has no
    # login (its noreply e-mail marks it); kept when committed and authored in the lookback.
    commits = [
        {
            "sha": c.sha,
            "authored_at": _ts(c.authored_at),
            "author_login": c.author.login
            if c.author is not None and c.author.type == "User"
            else None,
            "author_email": c.author_email or None,
            "is_bot": (c.author is not None and c.author.login.endswith("[bot]"))
            or c.author_email.lower().endswith("[bot]@users.noreply.github.com"),
        }
        for c in repo.commits
        if since <= c.committed_at <= as_of and since <= c.authored_at <= as_of
    ]
    workflows = [
        {"id": w.id, "name": w.name, "path": w.path, "state": w.state}
        for w in repo.workflows
        if w.created_at <= as_of
    ]
    runs = []
    for r in repo.runs:
        if not since <= r.created_at <= as_of:
            continue
        done = r.status == "completed" and r.updated_at <= as_of
        runs.append(
            {
                "id": r.id,
                "workflow_id": r.workflow_id,
                "name": r.name,
                "path": r.path,
                "event": r.event,
                "status": r.status
                if done or r.status != "completed"
                else ("in_progress" if r.run_started_at <= as_of else "queued"),
                "conclusion": r.conclusion if done else None,
                "head_branch": r.head_branch,
                "created_at": _ts(r.created_at),
                "run_started_at": _iso(r.run_started_at, as_of),
                "updated_at": _ts(r.updated_at) if r.updated_at <= as_of else None,
            }
        )
    releases = [
        {
            "id": r.id,
            "tag_name": r.tag_name,
            "name": r.name,
            "draft": r.draft or r.published_at is None or r.published_at > as_of,
            "prerelease": r.prerelease,
            "created_at": _ts(r.created_at),
            "published_at": _iso(r.published_at, as_of),
        }
        for r in repo.releases
        if r.created_at <= as_of
        and (since <= r.created_at or (r.published_at is not None and since <= r.published_at))
    ]

    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "run_id": run_id,
        "org": org.login,
        "as_of": _ts(as_of),
        "lookback_days": lookback_days,
        "since": _ts(since),
        "repo": {
            "name": repo.name,
            "full_name": f"{org.login}/{repo.name}",
            "id": repo.id,
            "archived": repo.archived,
            "fork": repo.fork,
            "private": repo.private,
            "empty": repo.empty,
            "default_branch": repo.default_branch,
            "language": repo.language,
            "description": repo.description,
            "topics": sorted(repo.topics),
            "created_at": _ts(repo.created_at),
            "pushed_at": _ts(repo.pushed_at) if repo.pushed_at is not None else None,
        },
        "pull_requests": _source(pulls, "pull_requests"),
        "deployments": _source(deployments, "deployments"),
        "incidents": {**_source(incidents, "incidents"), "label_pattern": incident_label_pattern},
        "commits": _source(commits, "commits"),
        "workflows": _source(workflows, "workflows"),
        "workflow_runs": _source(runs, "workflow_runs"),
        "releases": _source(releases, "releases"),
        "dependabot_alerts": _dependabot(repo, as_of, errors),
        "code_scanning_alerts": _code_scanning(repo, as_of, errors),
        "secret_scanning_alerts": _secret_scanning(repo, as_of, errors),
        "errors": errors,
    }
    return doc


def _dependabot(repo: Repo, as_of: datetime, errors: list[dict[str, Any]]) -> dict[str, Any]:
    """Every Dependabot alert created by `as_of`, in its state then."""
    if repo.dependabot != "enabled":
        return _unavailable("dependabot_alerts", repo.dependabot, errors)
    items = []
    for a in repo.dependabot_alerts:
        if a.created_at > as_of:
            continue
        fixed = _iso(a.fixed_at, as_of)
        dismissed = _iso(a.dismissed_at, as_of)
        auto = _iso(a.auto_dismissed_at, as_of)
        if auto and not dismissed:  # the fake GitHub reports an auto-dismissal as a dismissal too
            dismissed = auto
        state = (
            "fixed" if fixed else "auto_dismissed" if auto else "dismissed" if dismissed else "open"
        )
        items.append(
            {
                "number": a.number,
                "state": state,
                "severity": a.severity,
                "package": a.package,
                "created_at": _ts(a.created_at),
                "fixed_at": fixed,
                "dismissed_at": dismissed,
                "auto_dismissed_at": auto,
            }
        )
    return _source(items, "dependabot_alerts")


def _code_scanning(repo: Repo, as_of: datetime, errors: list[dict[str, Any]]) -> dict[str, Any]:
    """Every code-scanning alert created by `as_of`, in its state then."""
    if repo.code_scanning != "enabled":
        return _unavailable("code_scanning_alerts", repo.code_scanning, errors)
    items = []
    for a in repo.code_scanning_alerts:
        if a.created_at > as_of:
            continue
        fixed = _iso(a.fixed_at, as_of)
        dismissed = _iso(a.dismissed_at, as_of)
        items.append(
            {
                "number": a.number,
                "state": "fixed" if fixed else "dismissed" if dismissed else "open",
                "severity": a.security_severity_level or a.rule_severity,
                "rule_id": a.rule_id,
                "created_at": _ts(a.created_at),
                "fixed_at": fixed,
                "dismissed_at": dismissed,
            }
        )
    return _source(items, "code_scanning_alerts")


def _secret_scanning(repo: Repo, as_of: datetime, errors: list[dict[str, Any]]) -> dict[str, Any]:
    """Every secret-scanning alert created by `as_of`, in its state then."""
    if repo.secret_scanning != "enabled":
        return _unavailable("secret_scanning_alerts", repo.secret_scanning, errors)
    items = []
    for a in repo.secret_scanning_alerts:
        if a.created_at > as_of:
            continue
        resolved = _iso(a.resolved_at, as_of)
        items.append(
            {
                "number": a.number,
                "state": "resolved" if resolved else "open",
                "secret_type": a.secret_type,
                "created_at": _ts(a.created_at),
                "resolved_at": resolved,
                "resolution": a.resolution if resolved else None,
            }
        )
    return _source(items, "secret_scanning_alerts")


def _dumps_compact(document: Any) -> str:
    """Deterministic JSON without whitespace (the C encoder; same data as `dumps_canonical`)."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_snapshot(
    org: Org,
    data_dir: Path,
    *,
    as_of: datetime,
    lookback_days: int = 90,
    run_id: str | None = None,
    validate: bool = True,
    compact: bool = False,
    incident_label_pattern: str = MetricParams().incident_label_pattern,
) -> str:
    """Write the raw documents and run metadata of a complete collection at `as_of`; the run id.

    `validate=False` skips the per-document schema check and `compact=True` writes the raw
    documents without indentation (sorted keys still, so still deterministic) through the C
    JSON encoder: together they make a 2,000-repo snapshot several times faster to write.
    """
    if as_of.tzinfo is None:
        raise ValueError("write_snapshot: `as_of` must be timezone-aware (UTC)")
    if lookback_days < 1:
        raise ValueError("write_snapshot: lookback_days must be at least 1")
    as_of = as_of.replace(microsecond=0)
    run_id = run_id or str(uuid.uuid4())
    layout = DataDir(Path(data_dir))
    scanned: list[str] = []
    archived: list[str] = []
    errors_count = repos_with_errors = 0
    for repo in sorted(org.repos, key=lambda r: r.name):
        if repo.archived:
            archived.append(repo.name)
            continue
        doc = raw_document(
            org,
            repo,
            as_of=as_of,
            lookback_days=lookback_days,
            run_id=run_id,
            incident_label_pattern=incident_label_pattern,
        )
        path = layout.raw_file(run_id, repo.name)
        if validate:
            schema.validate(doc, schema.RAW_REPO, source=str(path))
        atomic_write_text(path, _dumps_compact(doc) if compact else dumps_canonical(doc))
        scanned.append(repo.name)
        errors_count += len(doc["errors"])
        repos_with_errors += bool(doc["errors"])
    base = {
        "run_id": run_id,
        "source": "orgmetrics.demo.snapshot (synthetic organisation, written without HTTP)",
        "org": org.login,
        "api_url": None,
        "as_of": to_iso(as_of),
        "lookback_days": lookback_days,
        "since": to_iso(as_of - timedelta(days=lookback_days)),
        "config": {
            "org": org.login,
            "lookback_days": lookback_days,
            "incident_label_pattern": incident_label_pattern,
        },
    }
    meta = build_meta(
        base=base,
        invocations=[invocation({}, as_of, as_of, "complete")],
        stats={},
        status="complete",
        stop_reason=None,
        repos={
            "scanned": scanned,
            "written": list(scanned),
            "archived": archived,
            "excluded": [],
            "missing": [],
            "unsafe": [],
            "vanished": [],
        },
        counts={
            "repos_total": len(scanned) + len(archived),
            "errors_count": errors_count,
            "repos_with_errors": repos_with_errors,
        },
        resume_command=None,
    )
    meta_path = layout.meta_dir / f"run_{as_of.strftime('%Y%m%d_%H%M%S')}.json"
    atomic_write_json(meta_path, meta)
    return run_id
