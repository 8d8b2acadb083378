"""Objects that answer GitHub GraphQL fields from the demo `Org` (the fake's resolvers).

Each node class exposes GraphQL fields under their GraphQL names: plain attributes and
properties for fields without arguments, methods `field(info, **args)` for fields with
arguments. `resolve_field` (graphql_api) dispatches on that; a field the fake does not
implement answers a clear error instead of a silent null. Connections slice the already
filtered, ordered list of model objects and wrap only the requested page (O(page)).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from graphql import GraphQLError, GraphQLResolveInfo

from orgmetrics.demo.model import (
    Commit,
    DependabotAlert,
    Deployment,
    DeploymentStatus,
    Issue,
    Org,
    PullRequest,
    Release,
    Repo,
    Review,
    User,
)

T = TypeVar("T")

SAML_MESSAGE = (
    "Resource protected by organization SAML enforcement. You must grant your Personal "
    "Access token access to this organization."
)
# REST severity -> GraphQL SecurityAdvisorySeverity (GraphQL says MODERATE where REST says medium).
SEVERITY = {"critical": "CRITICAL", "high": "HIGH", "medium": "MODERATE", "low": "LOW"}
# REST/Dependabot ecosystem names -> GraphQL SecurityAdvisoryEcosystem.
ECOSYSTEM = {
    "npm": "NPM",
    "pip": "PIP",
    "rubygems": "RUBYGEMS",
    "maven": "MAVEN",
    "nuget": "NUGET",
    "composer": "COMPOSER",
    "go": "GO",
    "rust": "RUST",
    "cargo": "RUST",
    "erlang": "ERLANG",
    "actions": "ACTIONS",
    "pub": "PUB",
    "swift": "SWIFT",
}
_CURSOR_PREFIX = "cursor:v2:"


class FakeGraphQLError(GraphQLError):
    """A resolver error carrying GitHub's top-level `type` (NOT_FOUND, FORBIDDEN, ...)."""

    def __init__(self, message: str, error_type: str, extensions: dict[str, Any] | None = None):
        super().__init__(message, extensions={"type": error_type, **(extensions or {})})


def iso(value: datetime | None) -> str | None:
    """GitHub's DateTime scalar: ISO 8601 in UTC with a `Z`, or None."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def node_id(prefix: str, kind: str, number: int) -> str:
    """A stable opaque global node id in GitHub's `PREFIX_base64` style."""
    raw = base64.b64encode(f"{kind}:{number}".encode()).decode().rstrip("=")
    return f"{prefix}_{raw}"


def encode_cursor(index: int) -> str:
    """An opaque base64 cursor for position `index` of a connection's ordered list."""
    return base64.b64encode(f"{_CURSOR_PREFIX}{index}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The position a cursor stands for; GitHub's error for anything it did not issue."""
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        if text.startswith(_CURSOR_PREFIX):
            index = int(text[len(_CURSOR_PREFIX) :])
            if index >= 0:
                return index
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise GraphQLError(f"`{cursor}` does not appear to be a valid cursor.")


@dataclass
class Context:
    """Per-request state: the org, the FORBIDDEN hook and the precomputed rate figures."""

    org: Org
    forbidden: Collection[str] = ()
    rate_limit: dict[str, Any] = field(default_factory=dict)

    def is_forbidden(self, repo: Repo) -> bool:
        """True when `repo` answers like a SAML-protected resource the token cannot read."""
        lowered = {name.lower() for name in self.forbidden}
        return repo.name.lower() in lowered or bool(getattr(repo, "saml_protected", False))


class Connection:
    """A Relay connection over an ordered list, sliced by first/last/after/before."""

    def __init__(self, items: Sequence[T], args: dict[str, Any], wrap: Callable[[T], Any]):
        start, end = 0, len(items)
        if args.get("after") is not None:
            start = min(end, decode_cursor(args["after"]) + 1)
        if args.get("before") is not None:
            end = max(start, min(end, decode_cursor(args["before"])))
        if args.get("first") is not None:
            end = min(end, start + args["first"])
        if args.get("last") is not None:
            start = max(start, end - args["last"])
        self._items: Sequence[Any] = items
        self._start, self._end = start, end
        self._wrap: Callable[[Any], Any] = wrap
        self._page: list[Any] | None = None

    def _nodes(self) -> list[Any]:
        if self._page is None:
            self._page = [self._wrap(item) for item in self._items[self._start : self._end]]
        return self._page

    @property
    def totalCount(self) -> int:
        return len(self._items)

    @property
    def nodes(self) -> list[Any]:
        return self._nodes()

    @property
    def edges(self) -> list[dict[str, Any]]:
        return [
            {"cursor": encode_cursor(self._start + i), "node": node}
            for i, node in enumerate(self._nodes())
        ]

    @property
    def pageInfo(self) -> dict[str, Any]:
        empty = self._start >= self._end
        return {
            "hasNextPage": self._end < len(self._items),
            "hasPreviousPage": self._start > 0,
            "startCursor": None if empty else encode_cursor(self._start),
            "endCursor": None if empty else encode_cursor(self._end - 1),
        }


def _ordered(items: Sequence[T], order: dict[str, Any] | None, keys: dict[str, Any]) -> list[T]:
    """Items sorted by an `orderBy` input (`field`, `direction`), default creation order."""
    field_name = (order or {}).get("field", "CREATED_AT")
    direction = (order or {}).get("direction", "ASC")
    return sorted(items, key=keys[field_name], reverse=direction == "DESC")


def _in_names(wanted: Sequence[str] | None, names: Sequence[str]) -> bool:
    """GraphQL label filters match any of the wanted names, case-insensitively."""
    if not wanted:
        return True
    lowered = {w.lower() for w in wanted}
    return any(n.lower() in lowered for n in names)


# --------------------------------------------------------------------------- actors


class ActorNode:
    """A User, Bot or Organization as an `Actor`; bots lose their `[bot]` suffix as on GitHub."""

    def __init__(self, user: User):
        self._user = user
        self.typename = user.type if user.type in ("User", "Bot", "Organization") else "User"
        self.login = user.login.removesuffix("[bot]") if user.type == "Bot" else user.login
        self.databaseId = user.id
        self.name = user.name
        self.email = user.email or ""
        prefix = {"Bot": "BOT", "Organization": "O"}.get(self.typename, "U")
        self.id = node_id(prefix, self.typename, user.id)
        self.url = f"https://github.com/{'apps/' if user.type == 'Bot' else ''}{self.login}"
        self.resourcePath = self.url.removeprefix("https://github.com")
        self.avatarUrl = f"https://avatars.githubusercontent.com/u/{user.id}?v=4"


def actor(user: User | None) -> ActorNode | None:
    """The Actor for a model user; None for a deleted account (GitHub's ghost)."""
    return ActorNode(user) if user is not None else None


def user_only(user: User | None) -> ActorNode | None:
    """A `User`-typed field: bots and organisations are not Users, so GitHub answers null."""
    return ActorNode(user) if user is not None and user.type == "User" else None


# --------------------------------------------------------------------------- git


class GitActorNode:
    """A commit's author or committer as GitHub's `GitActor`."""

    def __init__(self, commit: Commit, date: datetime):
        self.name = commit.author_name
        self.email = commit.author_email
        self.date = iso(date)
        self.user = user_only(commit.author)


class CommitNode:
    """A git commit as GitHub's `Commit` object."""

    typename = "Commit"

    def __init__(self, commit: Commit, history: Sequence[Commit] | None = None):
        self._commit = commit
        self._history: Sequence[Commit] = history if history is not None else [commit]
        self.oid = commit.sha
        self.abbreviatedOid = commit.sha[:7]
        self.message = commit.message
        self.messageHeadline = commit.message.split("\n", 1)[0]
        self.authoredDate = iso(commit.authored_at)
        self.committedDate = iso(commit.committed_at)
        self.id = node_id("C", "Commit", int(commit.sha[:12], 16) if _is_hex(commit.sha) else 0)

    @property
    def author(self) -> GitActorNode:
        return GitActorNode(self._commit, self._commit.authored_at)

    @property
    def committer(self) -> GitActorNode:
        return GitActorNode(self._commit, self._commit.committed_at)

    def history(self, info: GraphQLResolveInfo, **args: Any) -> Connection:
        """This commit and its ancestors, newest first, filtered by committed date.

        A ref's head knows the whole default branch; a PR's commit knows only itself.
        """
        commits = self._history
        since, until = args.get("since"), args.get("until")
        if since or until:
            lo = _parse_dt(since) if since else None
            hi = _parse_dt(until) if until else None
            commits = [
                c
                for c in commits
                if (lo is None or c.committed_at >= lo) and (hi is None or c.committed_at <= hi)
            ]
        return Connection(commits, args, CommitNode)


def _is_hex(text: str) -> bool:
    try:
        int(text[:12], 16)
    except ValueError:
        return False
    return True


def _parse_dt(value: str) -> datetime:
    """A GraphQL DateTime/GitTimestamp argument as an aware datetime; GitHub's error if bad."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise GraphQLError(f"`{value}` is not a valid ISO 8601 timestamp.") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class RefNode:
    """A git ref (branch); `target` is the head commit with its history."""

    typename = "Ref"

    def __init__(self, name: str, commits: list[Commit]):
        self.name = name
        self.prefix = "refs/heads/"
        self._commits = commits

    @property
    def target(self) -> CommitNode | None:
        if not self._commits:
            return None
        return CommitNode(self._commits[0], self._commits)


# --------------------------------------------------------------------------- pull requests


class LabelNode:
    """A label by name (the model keeps names only)."""

    def __init__(self, name: str):
        self.name = name
        self.id = node_id("LA", "Label", abs(hash_name(name)))


def hash_name(name: str) -> int:
    """A deterministic small integer for a name (Python's hash() is salted per process)."""
    return int.from_bytes(name.lower().encode()[:8].ljust(8, b"\0"), "big") % 10**9


def labels_connection(names: Sequence[str], args: dict[str, Any]) -> Connection:
    """A LabelConnection in GitHub's default order (by name)."""
    ordered = sorted(names, key=str.lower)
    return Connection(ordered, args, LabelNode)


class ReviewNode:
    """A pull-request review; PENDING reviews have no `submittedAt`."""

    typename = "PullRequestReview"

    def __init__(self, review: Review, pr: PullRequest):
        self.databaseId = review.id
        self.id = node_id("PRR", "PullRequestReview", review.id)
        self.state = review.state
        self.body = review.body
        self.submittedAt = iso(review.submitted_at)
        self.createdAt = iso(review.submitted_at or pr.updated_at)
        self.author = actor(review.user)


class ReadyForReviewNode:
    """The timeline event of a draft being marked ready for review."""

    typename = "ReadyForReviewEvent"

    def __init__(self, pr: PullRequest, at: datetime):
        self.createdAt = iso(at)
        self.actor = actor(pr.user)
        self.id = node_id("RFRE", "ReadyForReviewEvent", pr.id)


class PullRequestCommitNode:
    """A commit of a pull request, wrapping the Commit (GitHub's PullRequestCommit)."""

    typename = "PullRequestCommit"

    def __init__(self, commit: Commit):
        self.commit = CommitNode(commit)
        self.id = node_id("PURC", "PullRequestCommit", hash_name(commit.sha))


class PullRequestNode:
    """A pull request as GitHub's GraphQL `PullRequest`."""

    typename = "PullRequest"

    def __init__(self, pr: PullRequest, repo: Repo, owner: str):
        self._pr = pr
        self.number = pr.number
        self.databaseId = pr.id
        self.id = node_id("PR", "PullRequest", pr.id)
        self.title = pr.title
        self.body = pr.body
        self.state = "MERGED" if pr.merged_at else pr.state.upper()
        self.merged = pr.merged_at is not None
        self.closed = pr.state == "closed"
        self.isDraft = pr.draft
        self.createdAt = iso(pr.created_at)
        self.updatedAt = iso(pr.updated_at)
        self.mergedAt = iso(pr.merged_at)
        self.closedAt = iso(pr.closed_at)
        self.baseRefName = pr.base_ref
        self.headRefName = pr.head_ref
        self.url = f"https://github.com/{owner}/{repo.name}/pull/{pr.number}"
        self.author = actor(pr.user)

    def labels(self, info: GraphQLResolveInfo, **args: Any) -> Connection:
        return labels_connection(self._pr.labels, args)

    def reviews(self, info: GraphQLResolveInfo, **args: Any) -> Connection:
        """Reviews oldest first, optionally filtered by state."""
        reviews = self._pr.reviews
        states = args.get("states")
        if states:
            reviews = [r for r in reviews if r.state in states]
        pr = self._pr
        return Connection(reviews, args, lambda r: ReviewNode(r, pr))

    def commits(self, info: GraphQLResolveInfo, **args: Any) -> Connection:
        """The PR's commits, oldest first as GitHub lists them."""
        ordered = sorted(self._pr.commits, key=lambda c: (c.committed_at, c.sha))
        return Connection(ordered, args, PullRequestCommitNode)

    def timelineItems(self, info: GraphQLResolveInfo, **args: Any) -> Connection:
        """Timeline events; the fake knows only READY_FOR_REVIEW_EVENT."""
        types = args.get("itemTypes")
        events: list[Any] = []
        if self._pr.ready_for_review_at and (not types or "READY_FOR_REVIEW_EVENT" in types):
            events.append(ReadyForReviewNode(self._pr, self._pr.ready_for_review_at))
        since = args.get("since")
        if since:
            lo = _parse_dt(since)
            events = [e for e in events if _parse_dt(e.createdAt) >= lo]
        return Connection(events, args, lambda e: e)


# --------------------------------------------------------------------------- other repo data


class IssueNode:
    """An issue as GitHub's GraphQL `Issue`."""

    typename = "Issue"

    def __init__(self, issue: Issue, repo: Repo, owner: str):
        self._issue = issue
        self.number = issue.number
        self.databaseId = issue.id
        self.id = node_id("I", "Issue", issue.id)
        self.title = issue.title
        self.body = issue.body
        self.state = issue.state.upper()
        self.closed = issue.state == "closed"
        self.createdAt = iso(issue.created_at)
        self.updatedAt = iso(issue.updated_at)
        self.closedAt = iso(issue.closed_at)
        self.url = f"https://github.com/{owner}/{repo.name}/issues/{issue.number}"
        self.author = actor(issue.user)

    def labels(self, info: GraphQLResolveInfo, **args: Any) -> Connection:
        return labels_connection(self._issue.labels, args)


class DeploymentStatusNode:
    """A deployment status; states in GraphQL's upper case."""

    typename = "DeploymentStatus"

    def __init__(self, status: DeploymentStatus, deployment: Deployment):
        self.id = node_id("DES", "DeploymentStatus", status.id)
        self.state = status.state.upper()
        self.createdAt = iso(status.created_at)
        self.updatedAt = iso(status.created_at)
        self.description = status.description
        self.environment = deployment.environment
        self.creator = actor(deployment.creator)


# Deployment.state from the latest status (GitHub reports a live successful deployment ACTIVE).
_DEPLOYMENT_STATE = {"success": "ACTIVE"}


class DeploymentNode:
    """A deployment with its statuses (newest first, as GitHub lists them)."""

    typename = "Deployment"

    def __init__(self, deployment: Deployment):
        self._deployment = deployment
        self.databaseId = deployment.id
        self.id = node_id("DE", "Deployment", deployment.id)
        self.environment = deployment.environment
        self.originalEnvironment = deployment.environment
        self.latestEnvironment = deployment.environment
        self.createdAt = iso(deployment.created_at)
        self.updatedAt = iso(deployment.updated_at)
        self.commitOid = deployment.sha
        self.task = deployment.task
        self.description = deployment.description
        self.creator = actor(deployment.creator)
        self.ref = RefNode(deployment.ref, []) if deployment.ref else None
        last = deployment.statuses[-1] if deployment.statuses else None
        self.state = _DEPLOYMENT_STATE.get(last.state, last.state.upper()) if last else "PENDING"
        self.latestStatus = DeploymentStatusNode(last, deployment) if last else None

    def statuses(self, info: GraphQLResolveInfo, **args: Any) -> Connection:
        newest_first = list(reversed(self._deployment.statuses))
        d = self._deployment
        return Connection(newest_first, args, lambda s: DeploymentStatusNode(s, d))


class ReleaseNode:
    """A release as GitHub's GraphQL `Release`."""

    typename = "Release"

    def __init__(self, release: Release, repo: Repo, owner: str):
        self.databaseId = release.id
        self.id = node_id("RE", "Release", release.id)
        self.name = release.name
        self.tagName = release.tag_name
        self.isDraft = release.draft
        self.isPrerelease = release.prerelease
        self.createdAt = iso(release.created_at)
        self.publishedAt = iso(release.published_at)
        self.author = user_only(release.author)
        self.url = f"https://github.com/{owner}/{repo.name}/releases/tag/{release.tag_name}"


class VulnerabilityAlertNode:
    """A Dependabot alert as GitHub's `RepositoryVulnerabilityAlert`."""

    typename = "RepositoryVulnerabilityAlert"

    def __init__(self, alert: DependabotAlert):
        self.number = alert.number
        self.id = node_id("RVA", "RepositoryVulnerabilityAlert", alert.number)
        self.state = alert.state.upper()
        self.createdAt = iso(alert.created_at)
        self.fixedAt = iso(alert.fixed_at)
        self.dismissedAt = iso(alert.dismissed_at)
        self.autoDismissedAt = iso(alert.auto_dismissed_at)
        self.dismissReason = alert.dismissed_reason
        severity = SEVERITY[alert.severity]
        self.securityAdvisory = {
            "ghsaId": alert.ghsa_id,
            "severity": severity,
            "summary": alert.summary,
            "identifiers": [{"type": "GHSA", "value": alert.ghsa_id}]
            + ([{"type": "CVE", "value": alert.cve_id}] if alert.cve_id else []),
        }
        ecosystem = ECOSYSTEM.get(alert.ecosystem.lower(), alert.ecosystem.upper())
        self.securityVulnerability = {
            "severity": severity,
            "package": {"name": alert.package, "ecosystem": ecosystem},
        }


# --------------------------------------------------------------------------- repository


class RepositoryNode:
    """A repository as GitHub's GraphQL `Repository`."""

    typename = "Repository"

    def __init__(self, repo: Repo, owner: str):
        self._repo = repo
        self._owner = owner
        self.name = repo.name
        self.nameWithOwner = f"{owner}/{repo.name}"
        self.databaseId = repo.id
        self.id = node_id("R", "Repository", repo.id)
        self.description = repo.description
        self.isArchived = repo.archived
        self.isFork = repo.fork
        self.isEmpty = repo.empty
        self.isPrivate = repo.private
        self.visibility = "PRIVATE" if repo.private else "PUBLIC"
        self.createdAt = iso(repo.created_at)
        self.updatedAt = iso(repo.updated_at)
        self.pushedAt = iso(repo.pushed_at)
        self.url = f"https://github.com/{owner}/{repo.name}"
        self.primaryLanguage = {"name": repo.language} if repo.language else None
        self.hasVulnerabilityAlertsEnabled = repo.dependabot == "enabled"
        self.owner = {"login": owner}

    @property
    def defaultBranchRef(self) -> RefNode | None:
        """Null for an empty repository, as on GitHub."""
        if self._repo.empty:
            return None
        return RefNode(self._repo.default_branch, self._repo.commits)

    def _wrap_pr(self, pr: PullRequest) -> PullRequestNode:
        return PullRequestNode(pr, self._repo, self._owner)

    def pullRequests(self, info: GraphQLResolveInfo, **args: Any) -> Connection:
        """PRs filtered by states/base/head/labels, ordered by orderBy (default creation)."""
        pulls: list[PullRequest] = self._repo.pulls
        states = args.get("states")
        if states:
            pulls = [p for p in pulls if _pr_state(p) in states]
        if args.get("baseRefName") is not None:
            pulls = [p for p in pulls if p.base_ref == args["baseRefName"]]
        if args.get("headRefName") is not None:
            pulls = [p for p in pulls if p.head_ref == args["headRefName"]]
        if args.get("labels"):
            pulls = [p for p in pulls if _in_names(args["labels"], p.labels)]
        ordered = _ordered(
            pulls,
            args.get("orderBy"),
            {
                "CREATED_AT": lambda p: (p.created_at, p.number),
                "UPDATED_AT": lambda p: (p.updated_at, p.number),
            },
        )
        return Connection(ordered, args, self._wrap_pr)

    def pullRequest(self, info: GraphQLResolveInfo, **args: Any) -> PullRequestNode | None:
        number = args["number"]
        pr = next((p for p in self._repo.pulls if p.number == number), None)
        return self._wrap_pr(pr) if pr else None

    def issues(self, info: GraphQLResolveInfo, **args: Any) -> Connection:
        """Issues filtered by labels/states/filterBy{since,labels,states}, then ordered."""
        issues: list[Issue] = self._repo.issues
        filters = args.get("filterBy") or {}
        states = args.get("states") or filters.get("states")
        if states:
            issues = [i for i in issues if i.state.upper() in states]
        for wanted in (args.get("labels"), filters.get("labels")):
            if wanted:
                issues = [i for i in issues if _in_names(wanted, i.labels)]
        if filters.get("since"):
            since = _parse_dt(filters["since"])
            issues = [i for i in issues if i.updated_at >= since]
        ordered = _ordered(
            issues,
            args.get("orderBy"),
            {
                "CREATED_AT": lambda i: (i.created_at, i.number),
                "UPDATED_AT": lambda i: (i.updated_at, i.number),
                "COMMENTS": lambda i: (0, i.number),
            },
        )
        repo, owner = self._repo, self._owner
        return Connection(ordered, args, lambda i: IssueNode(i, repo, owner))

    def deployments(self, info: GraphQLResolveInfo, **args: Any) -> Connection:
        """Deployments, optionally limited to exact environment names, oldest first."""
        deployments: list[Deployment] = self._repo.deployments
        environments = args.get("environments")
        if environments:
            deployments = [d for d in deployments if d.environment in environments]
        ordered = _ordered(
            deployments, args.get("orderBy"), {"CREATED_AT": lambda d: (d.created_at, d.id)}
        )
        return Connection(ordered, args, DeploymentNode)

    def releases(self, info: GraphQLResolveInfo, **args: Any) -> Connection:
        ordered = _ordered(
            self._repo.releases,
            args.get("orderBy"),
            {
                "CREATED_AT": lambda r: (r.created_at, r.id),
                "NAME": lambda r: (r.name, r.id),
            },
        )
        repo, owner = self._repo, self._owner
        return Connection(ordered, args, lambda r: ReleaseNode(r, repo, owner))

    def vulnerabilityAlerts(self, info: GraphQLResolveInfo, **args: Any) -> Connection:
        """Dependabot alerts; a token-forbidden repo answers FORBIDDEN, a disabled one none."""
        if self._repo.dependabot == "forbidden":
            raise FakeGraphQLError("Resource not accessible by integration", "FORBIDDEN")
        alerts: list[DependabotAlert] = (
            self._repo.dependabot_alerts if self._repo.dependabot == "enabled" else []
        )
        states = args.get("states")
        if states:
            alerts = [a for a in alerts if a.state.upper() in states]
        ordered = sorted(alerts, key=lambda a: a.number)
        return Connection(ordered, args, VulnerabilityAlertNode)

    def labels(self, info: GraphQLResolveInfo, **args: Any) -> Connection:
        return labels_connection(self._repo.labels, args)


def _pr_state(pr: PullRequest) -> str:
    return "MERGED" if pr.merged_at else pr.state.upper()


def _forbidden_error() -> FakeGraphQLError:
    return FakeGraphQLError(SAML_MESSAGE, "FORBIDDEN", {"saml_failure": True})


class OrganizationNode:
    """The demo organisation as GitHub's GraphQL `Organization`."""

    typename = "Organization"

    def __init__(self, org: Org, context: Context):
        self._org = org
        self._context = context
        self.login = org.login
        self.name = org.name
        self.databaseId = org.id
        self.id = node_id("O", "Organization", org.id)
        self.description = org.description
        self.createdAt = iso(org.created_at)
        self.url = f"https://github.com/{org.login}"

    def _wrap(self, repo: Repo) -> RepositoryNode | GraphQLError:
        """A node, or an error in its place (null + FORBIDDEN at its path) for SAML repos."""
        if self._context.is_forbidden(repo):
            return _forbidden_error()
        return RepositoryNode(repo, self._org.login)

    def repositories(self, info: GraphQLResolveInfo, **args: Any) -> Connection:
        repos: list[Repo] = self._org.repos
        if args.get("isArchived") is not None:
            repos = [r for r in repos if r.archived == args["isArchived"]]
        if args.get("isFork") is not None:
            repos = [r for r in repos if r.fork == args["isFork"]]
        privacy = args.get("privacy") or args.get("visibility")
        if privacy:
            repos = [r for r in repos if ("PRIVATE" if r.private else "PUBLIC") == privacy]
        ordered = _ordered(
            repos,
            args.get("orderBy"),
            {
                "CREATED_AT": lambda r: (r.created_at, r.id),
                "UPDATED_AT": lambda r: (r.updated_at, r.id),
                "PUSHED_AT": lambda r: (r.pushed_at or r.created_at, r.id),
                "NAME": lambda r: (r.name.lower(), r.id),
                "STARGAZERS": lambda r: (0, r.id),
            },
        )
        return Connection(ordered, args, self._wrap)

    def repository(self, info: GraphQLResolveInfo, **args: Any) -> RepositoryNode | None:
        repo = self._org.repo(args["name"])
        if repo is None:
            return None
        if self._context.is_forbidden(repo):
            raise _forbidden_error()
        return RepositoryNode(repo, self._org.login)


class RootNode:
    """The Query root: organization, repository and rateLimit."""

    def __init__(self, context: Context):
        self._context = context

    def organization(self, info: GraphQLResolveInfo, **args: Any) -> OrganizationNode:
        org = self._context.org
        if args["login"].lower() != org.login.lower():
            raise FakeGraphQLError(
                f"Could not resolve to an Organization with the login of '{args['login']}'.",
                "NOT_FOUND",
            )
        return OrganizationNode(org, self._context)

    def repository(self, info: GraphQLResolveInfo, **args: Any) -> RepositoryNode:
        org = self._context.org
        owner, name = args["owner"], args["name"]
        repo = org.repo(name) if owner.lower() == org.login.lower() else None
        if repo is None:
            raise FakeGraphQLError(
                f"Could not resolve to a Repository with the name '{owner}/{name}'.",
                "NOT_FOUND",
            )
        if self._context.is_forbidden(repo):
            raise _forbidden_error()
        return RepositoryNode(repo, org.login)

    def rateLimit(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return self._context.rate_limit
