"""GitHub payloads (REST and GraphQL) -> the raw document's items. Pure functions, no I/O.

Every timestamp is re-formatted to `YYYY-MM-DDTHH:MM:SSZ`; every list the collector writes is
sorted by a stable key so a snapshot does not depend on page order, batching or workers.
Bot logins from GraphQL (`__typename: Bot`, no suffix) get REST's `[bot]` suffix so one
account has one login in every source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from orgmetrics.timeutil import parse_iso, to_iso

_BOT_EMAIL = re.compile(r"\[bot\]@users\.noreply\.github\.com$", re.IGNORECASE)


def ts(value: Any) -> str | None:
    """GitHub's timestamp in the project's one form, or None."""
    if not value:
        return None
    return to_iso(parse_iso(str(value)))


def actor(node: dict[str, Any] | None) -> dict[str, Any] | None:
    """A GraphQL or REST account -> {login, is_bot}; None for a deleted account (ghost)."""
    if not node or not node.get("login"):
        return None
    login = str(node["login"])
    is_bot = node.get("__typename") == "Bot" or node.get("type") == "Bot"
    if login.endswith("[bot]"):
        is_bot = True
    elif is_bot:
        login += "[bot]"
    return {"login": login, "is_bot": is_bot}


def _names(connection: dict[str, Any] | None) -> list[str]:
    nodes = (connection or {}).get("nodes") or []
    return sorted({str(n["name"]) for n in nodes if n and n.get("name")})


def pull_request(
    node: dict[str, Any], reviews: list[dict[str, Any]], truncated: bool
) -> dict[str, Any]:
    """A GraphQL PullRequest node (plus all its fetched reviews) -> raw pull_request."""
    commit_dates = [
        ts(c["commit"]["authoredDate"])
        for c in ((node.get("commits") or {}).get("nodes") or [])
        if c and c.get("commit") and c["commit"].get("authoredDate")
    ]
    ready = [
        ts(item["createdAt"])
        for item in ((node.get("timelineItems") or {}).get("nodes") or [])
        if item and item.get("createdAt")
    ]
    return {
        "number": int(node["number"]),
        "title": str(node.get("title") or ""),
        "author": actor(node.get("author")),
        "state": node["state"],
        "draft": bool(node.get("isDraft")),
        "created_at": ts(node["createdAt"]),
        "merged_at": ts(node.get("mergedAt")),
        "closed_at": ts(node.get("closedAt")),
        "ready_for_review_at": max((r for r in ready if r), default=None),
        "base_ref": str(node.get("baseRefName") or ""),
        "first_commit_at": min((d for d in commit_dates if d), default=None),
        "labels": _names(node.get("labels")),
        "reviews": [review(r) for r in reviews if r],
        "reviews_truncated": truncated,
    }


def review(node: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL PullRequestReview -> raw review (GitHub's chronological order is kept)."""
    return {
        "author": actor(node.get("author")),
        "state": node["state"],
        "submitted_at": ts(node.get("submittedAt")),
    }


def deployment(node: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL Deployment -> raw deployment, statuses oldest first."""
    statuses_conn = node.get("statuses") or {}
    raw_statuses = [s for s in (statuses_conn.get("nodes") or []) if s]
    statuses = [
        {"state": str(s["state"]).lower(), "created_at": ts(s["createdAt"]) or ""}
        for s in raw_statuses
    ]
    # Oldest first; GitHub's order breaks ties (sorted() is stable).
    if len(statuses) > 1 and statuses[0]["created_at"] > statuses[-1]["created_at"]:
        statuses.reverse()
    statuses = sorted(statuses, key=lambda s: s["created_at"])
    ref = node.get("ref") or {}
    return {
        "id": node.get("databaseId"),
        "environment": str(node.get("environment") or node.get("originalEnvironment") or ""),
        "created_at": ts(node["createdAt"]),
        "sha": node.get("commitOid"),
        "ref": ref.get("name") if isinstance(ref, dict) else None,
        "statuses": statuses,
        "statuses_truncated": bool((statuses_conn.get("pageInfo") or {}).get("hasNextPage")),
    }


def issue(node: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL Issue -> raw issue."""
    return {
        "number": int(node["number"]),
        "title": str(node.get("title") or ""),
        "state": str(node["state"]).lower(),
        "labels": _names(node.get("labels")),
        "created_at": ts(node["createdAt"]),
        "closed_at": ts(node.get("closedAt")),
    }


def release(node: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL Release -> raw release."""
    return {
        "id": node.get("databaseId"),
        "tag_name": str(node.get("tagName") or ""),
        "name": node.get("name"),
        "draft": bool(node.get("isDraft")),
        "prerelease": bool(node.get("isPrerelease")),
        "created_at": ts(node["createdAt"]),
        "published_at": ts(node.get("publishedAt")),
    }


def commit(node: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL history Commit -> raw commit (login of the linked account, else e-mail)."""
    author = node.get("author") or {}
    user = author.get("user") or {}
    login = user.get("login")
    email = author.get("email") or None
    is_bot = bool(login and str(login).endswith("[bot]")) or bool(
        email and _BOT_EMAIL.search(email)
    )
    return {
        "sha": str(node["oid"]),
        "authored_at": ts(node["authoredDate"]),
        "author_login": login,
        "author_email": email,
        "is_bot": is_bot,
    }


def rest_commit(item: dict[str, Any]) -> dict[str, Any]:
    """A REST commit -> raw commit, as `commit` gives it from GraphQL.

    GraphQL links a commit only to a user account (`GitActor.user`), never to a bot app, so a
    bot's login is left out here too; the bot shows in `is_bot` (account type or e-mail).
    """
    git_author = (item.get("commit") or {}).get("author") or {}
    account = item.get("author") or {}
    is_bot_account = account.get("type") == "Bot" or str(account.get("login", "")).endswith("[bot]")
    email = git_author.get("email") or None
    return {
        "sha": str(item["sha"]),
        "authored_at": ts(git_author.get("date")),
        "author_login": None if is_bot_account else account.get("login"),
        "author_email": email,
        "is_bot": is_bot_account or bool(email and _BOT_EMAIL.search(email)),
    }


def workflow(item: dict[str, Any]) -> dict[str, Any]:
    """A REST workflow -> raw workflow."""
    return {
        "id": int(item["id"]),
        "name": str(item.get("name") or ""),
        "path": str(item.get("path") or ""),
        "state": str(item.get("state") or ""),
    }


def workflow_run(item: dict[str, Any]) -> dict[str, Any]:
    """A REST workflow run -> raw workflow_run."""
    return {
        "id": int(item["id"]),
        "workflow_id": int(item.get("workflow_id") or 0),
        "name": item.get("name"),
        "path": item.get("path"),
        "event": item.get("event"),
        "status": str(item.get("status") or ""),
        "conclusion": item.get("conclusion"),
        "head_branch": item.get("head_branch"),
        "created_at": ts(item["created_at"]),
        "run_started_at": ts(item.get("run_started_at")),
        "updated_at": ts(item.get("updated_at")),
    }


def dependabot_alert(item: dict[str, Any]) -> dict[str, Any]:
    """A REST Dependabot alert -> raw alert (severity from the advisory)."""
    advisory = item.get("security_advisory") or {}
    vulnerability = item.get("security_vulnerability") or {}
    dependency = item.get("dependency") or {}
    package = (dependency.get("package") or vulnerability.get("package") or {}).get("name")
    severity = advisory.get("severity") or vulnerability.get("severity")
    return {
        "number": int(item["number"]),
        "state": item["state"],
        "severity": severity,
        "package": package,
        "created_at": ts(item["created_at"]),
        "fixed_at": ts(item.get("fixed_at")),
        "dismissed_at": ts(item.get("dismissed_at")),
        "auto_dismissed_at": ts(item.get("auto_dismissed_at")),
    }


def code_scanning_alert(item: dict[str, Any]) -> dict[str, Any]:
    """A REST code-scanning alert -> raw alert (security severity, else rule severity)."""
    rule = item.get("rule") or {}
    return {
        "number": int(item["number"]),
        "state": item["state"],
        "severity": rule.get("security_severity_level") or rule.get("severity"),
        "rule_id": rule.get("id"),
        "created_at": ts(item["created_at"]),
        "fixed_at": ts(item.get("fixed_at")),
        "dismissed_at": ts(item.get("dismissed_at")),
    }


def secret_scanning_alert(item: dict[str, Any]) -> dict[str, Any]:
    """A REST secret-scanning alert -> raw alert. The secret itself is never copied."""
    return {
        "number": int(item["number"]),
        "state": item["state"],
        "secret_type": item.get("secret_type"),
        "created_at": ts(item["created_at"]),
        "resolved_at": ts(item.get("resolved_at")),
        "resolution": item.get("resolution"),
    }


def repo_info(item: dict[str, Any], *, empty: bool) -> dict[str, Any]:
    """A REST repository (org listing) -> the raw document's `repo` object."""
    return {
        "name": str(item["name"]),
        "full_name": str(item.get("full_name") or ""),
        "id": int(item["id"]),
        "archived": bool(item.get("archived")),
        "fork": bool(item.get("fork")),
        "private": bool(item.get("private")),
        "empty": empty,
        "default_branch": item.get("default_branch"),
        "language": item.get("language"),
        "description": item.get("description"),
        "topics": sorted(str(t) for t in (item.get("topics") or [])),
        "created_at": ts(item.get("created_at")),
        "pushed_at": ts(item.get("pushed_at")),
    }


def sort_items(source: str, items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stable order of each source's items (deduplicated by their identity)."""
    keyed: dict[Any, dict[str, Any]] = {}
    for item in items:
        keyed[_identity(source, item)] = item
    return sorted(keyed.values(), key=lambda item: _order(source, item))


def _identity(source: str, item: dict[str, Any]) -> Any:
    if source in ("workflows", "workflow_runs", "releases") and item.get("id") is not None:
        return item["id"]
    if source == "deployments":
        return (item.get("id"), item["created_at"], item["environment"])
    if source == "commits":
        return item["sha"]
    if "number" in item:
        return item["number"]
    return tuple(sorted((k, str(v)) for k, v in item.items()))


def _order(source: str, item: dict[str, Any]) -> tuple[Any, ...]:
    if source in ("deployments", "releases"):
        return (item["created_at"], item.get("id") or 0)
    if source == "commits":
        return (item["authored_at"], item["sha"])
    if source in ("workflows", "workflow_runs"):
        return (item["id"],)
    return (item.get("number", 0),)
