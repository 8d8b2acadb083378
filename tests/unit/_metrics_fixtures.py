"""Tiny hand-built raw repo documents (schema raw_repo 1.0) for the metric unit tests.

`doc(name, **sources)` returns a complete valid document whose listed sources hold the given
items; helpers build single items with only the fields a test cares about.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from orgmetrics.metrics.base import Window

AS_OF = datetime(2024, 3, 31, tzinfo=UTC)
AS_OF_ISO = "2024-03-31T00:00:00Z"
WINDOW = Window(as_of=AS_OF, days=30)  # [2024-03-01T00:00Z, 2024-03-31T00:00Z)

SOURCE_KEYS = (
    "pull_requests",
    "deployments",
    "incidents",
    "commits",
    "workflows",
    "workflow_runs",
    "releases",
    "dependabot_alerts",
    "code_scanning_alerts",
    "secret_scanning_alerts",
)


def actor(login: str | None, is_bot: bool = False) -> dict[str, Any] | None:
    """A raw actor; None login means a deleted account."""
    return None if login is None else {"login": login, "is_bot": is_bot}


def listing(
    items: list[dict[str, Any]] | None = None, *, available: bool = True, truncated: bool = False
) -> dict[str, Any]:
    """A source listing section."""
    return {"available": available, "truncated": truncated, "items": list(items or [])}


def doc(
    name: str = "r1",
    *,
    archived: bool = False,
    empty: bool = False,
    default_branch: str | None = "main",
    **sources: Any,
) -> dict[str, Any]:
    """A valid raw document; each keyword source is a list of items or a `listing(...)`."""
    out: dict[str, Any] = {
        "schema_version": "1.0",
        "run_id": "run-1",
        "org": "acme",
        "as_of": AS_OF_ISO,
        "lookback_days": 90,
        "since": "2024-01-01T00:00:00Z",
        "repo": {
            "name": name,
            "full_name": f"acme/{name}",
            "id": abs(hash(name)) % 100000,
            "archived": archived,
            "fork": False,
            "private": False,
            "empty": empty,
            "default_branch": default_branch,
            "language": None,
            "description": None,
            "topics": [],
            "created_at": "2020-01-01T00:00:00Z",
            "pushed_at": None,
        },
        "errors": [],
    }
    for key in SOURCE_KEYS:
        value = sources.pop(key, None)
        if value is None:
            out[key] = listing()
        elif isinstance(value, dict):
            out[key] = value
        else:
            out[key] = listing(value)
    if sources:
        raise TypeError(f"unknown sources: {sorted(sources)}")
    return out


def pr(
    number: int,
    created: str,
    *,
    merged: str | None = None,
    closed: str | None = None,
    author: str | None = "alice",
    bot: bool = False,
    draft: bool = False,
    base: str = "main",
    first_commit: str | None = None,
    ready: str | None = None,
    reviews: list[dict[str, Any]] | None = None,
    labels: list[str] | None = None,
    state: str | None = None,
) -> dict[str, Any]:
    """A raw pull request."""
    if state is None:
        state = "MERGED" if merged else ("CLOSED" if closed else "OPEN")
    if merged and closed is None:
        closed = merged
    return {
        "number": number,
        "title": f"PR {number}",
        "author": actor(author, bot),
        "state": state,
        "draft": draft,
        "created_at": created,
        "merged_at": merged,
        "closed_at": closed,
        "ready_for_review_at": ready,
        "base_ref": base,
        "first_commit_at": first_commit,
        "labels": list(labels or []),
        "reviews": list(reviews or []),
        "reviews_truncated": False,
    }


def review(
    login: str | None, submitted: str | None, state: str = "APPROVED", bot: bool = False
) -> dict[str, Any]:
    """A raw review."""
    return {"author": actor(login, bot), "state": state, "submitted_at": submitted}


def deployment(
    dep_id: int, created: str, statuses: list[tuple[str, str]], environment: str = "production"
) -> dict[str, Any]:
    """A raw deployment with statuses given as (state, created_at), oldest first."""
    return {
        "id": dep_id,
        "environment": environment,
        "created_at": created,
        "sha": "abc",
        "ref": "main",
        "statuses": [{"state": s, "created_at": t} for s, t in statuses],
        "statuses_truncated": False,
    }


def incident(
    number: int, created: str, closed: str | None = None, labels: tuple[str, ...] = ("incident",)
) -> dict[str, Any]:
    """A raw incident issue."""
    return {
        "number": number,
        "title": f"Incident {number}",
        "state": "closed" if closed else "open",
        "labels": list(labels),
        "created_at": created,
        "closed_at": closed,
    }


def commit(
    sha: str,
    authored: str,
    login: str | None = "alice",
    email: str | None = None,
    is_bot: bool = False,
) -> dict[str, Any]:
    """A raw default-branch commit."""
    return {
        "sha": sha,
        "authored_at": authored,
        "author_login": login,
        "author_email": email,
        "is_bot": is_bot,
    }


def workflow(
    wf_id: int, name: str = "CI", path: str = ".github/workflows/ci.yml", state: str = "active"
) -> dict[str, Any]:
    """A raw workflow."""
    return {"id": wf_id, "name": name, "path": path, "state": state}


def run(
    run_id: int,
    created: str,
    conclusion: str | None = "success",
    *,
    status: str = "completed",
    started: str | None = None,
    updated: str | None = None,
    name: str = "CI",
    path: str = ".github/workflows/ci.yml",
    branch: str = "main",
    workflow_id: int = 1,
) -> dict[str, Any]:
    """A raw workflow run (started defaults to created)."""
    return {
        "id": run_id,
        "workflow_id": workflow_id,
        "name": name,
        "path": path,
        "event": "push",
        "status": status,
        "conclusion": conclusion,
        "head_branch": branch,
        "created_at": created,
        "run_started_at": started or created,
        "updated_at": updated,
    }


def release(
    rel_id: int, published: str | None, *, draft: bool = False, prerelease: bool = False
) -> dict[str, Any]:
    """A raw release."""
    return {
        "id": rel_id,
        "tag_name": f"v{rel_id}",
        "name": None,
        "draft": draft,
        "prerelease": prerelease,
        "created_at": published or "2024-03-01T00:00:00Z",
        "published_at": published,
    }


def _iso_hours_before_as_of(hours: float) -> str:
    """AS_OF minus `hours`, in the schema's timestamp form."""
    from datetime import timedelta

    return (AS_OF - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def random_doc(name: str, seed: int) -> dict[str, Any]:
    """A small random but valid document (events over the 60 days before AS_OF)."""
    import random

    rng = random.Random(seed)
    span = 60 * 24.0

    def at(lo: float = 1.0, hi: float = span) -> float:
        return rng.uniform(lo, hi)

    prs = []
    for n in range(rng.randint(0, 8)):
        created = at(5)
        merged = created - rng.uniform(0, 4) if rng.random() < 0.6 else None
        reviews = [
            review(
                rng.choice(["alice", "bob", "ci[bot]"]),
                _iso_hours_before_as_of(created - 0.5),
                rng.choice(["APPROVED", "COMMENTED", "PENDING"]),
            )
            for _ in range(rng.randint(0, 2))
        ]
        prs.append(
            pr(
                n,
                _iso_hours_before_as_of(created),
                merged=_iso_hours_before_as_of(merged) if merged and merged > 0 else None,
                author=rng.choice(["alice", "bob", "dependabot[bot]"]),
                draft=rng.random() < 0.2,
                reviews=reviews,
            )
        )
    deps = []
    for n in range(rng.randint(0, 8)):
        t = _iso_hours_before_as_of(at())
        state = rng.choice(["success", "success", "failure", "error", "pending"])
        deps.append(
            deployment(n, t, [(state, t)], environment=rng.choice(["production", "staging"]))
        )
    incidents = []
    for n in range(rng.randint(0, 3)):
        created = at(2)
        closed = created - rng.uniform(0, 30)
        incidents.append(
            incident(
                n,
                _iso_hours_before_as_of(created),
                _iso_hours_before_as_of(closed) if closed > 0 else None,
            )
        )
    runs = [
        run(
            n,
            _iso_hours_before_as_of(at()),
            rng.choice(["success", "failure", "cancelled", "timed_out", "skipped"]),
        )
        for n in range(rng.randint(0, 8))
    ]
    commits = [
        commit(
            f"{name}-{n}",
            _iso_hours_before_as_of(at()),
            rng.choice(["alice", "bob", "carol", None, "dependabot[bot]"]),
            rng.choice(["x@example.com", "y@example.com", None]),
        )
        for n in range(rng.randint(0, 8))
    ]
    return doc(
        name,
        pull_requests=prs,
        deployments=deps,
        incidents=incidents,
        workflow_runs=runs,
        commits=commits,
    )
