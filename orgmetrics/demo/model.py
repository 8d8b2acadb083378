"""The state of a synthetic GitHub organisation, in GitHub's own terms.

The generator (`generate.py`) builds one `Org`; the fake GitHub serves it over REST
(`server.py`) and GraphQL (`graphql_api.py`). All datetimes are timezone-aware UTC.
Nothing here knows about metrics: it is what GitHub would store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

UserType = Literal["User", "Bot", "Organization"]
ReviewState = Literal["PENDING", "COMMENTED", "APPROVED", "CHANGES_REQUESTED", "DISMISSED"]
DeploymentState = Literal[
    "error", "failure", "inactive", "pending", "success", "queued", "in_progress"
]
RunConclusion = Literal[
    "success",
    "failure",
    "timed_out",
    "startup_failure",
    "cancelled",
    "skipped",
    "neutral",
    "action_required",
    "stale",
]
# How a security feature answers for a repo: enabled, or the exact way GitHub refuses.
DependabotMode = Literal["enabled", "disabled", "forbidden"]  # disabled: 403 "...disabled..."
CodeScanningMode = Literal["enabled", "no_analysis", "ghas_required"]  # 404 / 403
SecretScanningMode = Literal["enabled", "disabled"]  # disabled: 404


@dataclass
class User:
    """A GitHub account. Bots have `type == "Bot"` and a login ending in `[bot]`."""

    login: str
    id: int
    type: UserType = "User"
    name: str | None = None
    email: str | None = None


@dataclass
class Commit:
    """A git commit. `author` is None when the author e-mail is linked to no account."""

    sha: str
    message: str
    author_name: str
    author_email: str
    authored_at: datetime
    committed_at: datetime
    author: User | None = None


@dataclass
class Review:
    """A pull-request review. PENDING reviews have no `submitted_at`."""

    id: int
    user: User | None
    state: ReviewState
    submitted_at: datetime | None
    body: str = ""


@dataclass
class PullRequest:
    """A pull request and what GraphQL/REST expose of it."""

    number: int
    id: int
    title: str
    user: User | None
    state: Literal["open", "closed"]
    draft: bool
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    merged_at: datetime | None
    base_ref: str
    head_ref: str
    body: str = ""
    labels: list[str] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    commits: list[Commit] = field(default_factory=list)
    ready_for_review_at: datetime | None = None  # when a draft was marked ready


@dataclass
class Issue:
    """An issue (PRs are separate objects; REST `/issues` mixes them in)."""

    number: int
    id: int
    title: str
    user: User | None
    state: Literal["open", "closed"]
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    labels: list[str] = field(default_factory=list)
    body: str = ""


@dataclass
class Workflow:
    """A GitHub Actions workflow file."""

    id: int
    name: str
    path: str
    state: str  # active, disabled_manually, disabled_inactivity
    created_at: datetime
    updated_at: datetime


@dataclass
class WorkflowRun:
    """One run of a workflow. `conclusion` is None while not completed."""

    id: int
    workflow_id: int
    name: str
    path: str
    event: str
    status: Literal["completed", "in_progress", "queued", "waiting", "requested", "pending"]
    conclusion: RunConclusion | None
    head_branch: str
    head_sha: str
    created_at: datetime
    run_started_at: datetime
    updated_at: datetime
    run_number: int = 1
    run_attempt: int = 1


@dataclass
class DeploymentStatus:
    """A status of a deployment; a deployment's statuses are kept oldest first."""

    id: int
    state: DeploymentState
    created_at: datetime
    description: str = ""


@dataclass
class Deployment:
    """A GitHub Deployment to an environment, with its status history."""

    id: int
    sha: str
    ref: str
    environment: str
    created_at: datetime
    updated_at: datetime
    creator: User | None
    task: str = "deploy"
    description: str = ""
    statuses: list[DeploymentStatus] = field(default_factory=list)


@dataclass
class Release:
    """A release; drafts have no `published_at`."""

    id: int
    tag_name: str
    name: str
    draft: bool
    prerelease: bool
    created_at: datetime
    published_at: datetime | None
    author: User | None = None


@dataclass
class DependabotAlert:
    """A Dependabot alert and its lifecycle timestamps."""

    number: int
    state: Literal["open", "fixed", "dismissed", "auto_dismissed"]
    severity: Literal["critical", "high", "medium", "low"]
    package: str
    ecosystem: str
    ghsa_id: str
    cve_id: str | None
    summary: str
    created_at: datetime
    updated_at: datetime
    fixed_at: datetime | None = None
    dismissed_at: datetime | None = None
    auto_dismissed_at: datetime | None = None
    dismissed_reason: str | None = None


@dataclass
class CodeScanningAlert:
    """A code-scanning alert; `security_severity_level` is None for non-security rules."""

    number: int
    state: Literal["open", "fixed", "dismissed"]
    rule_id: str
    rule_description: str
    rule_severity: Literal["none", "note", "warning", "error"]
    security_severity_level: Literal["low", "medium", "high", "critical"] | None
    tool: str
    created_at: datetime
    updated_at: datetime
    fixed_at: datetime | None = None
    dismissed_at: datetime | None = None


@dataclass
class SecretScanningAlert:
    """A secret-scanning alert. The fake never serves a real-looking secret."""

    number: int
    state: Literal["open", "resolved"]
    secret_type: str
    secret_type_display_name: str
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None = None
    resolution: str | None = None  # false_positive, wont_fix, revoked, used_in_tests


@dataclass
class Repo:
    """A repository with everything the fake serves for it."""

    id: int
    name: str
    description: str | None
    private: bool
    fork: bool
    archived: bool
    language: str | None
    topics: list[str]
    default_branch: str
    created_at: datetime
    updated_at: datetime
    pushed_at: datetime | None
    dependabot: DependabotMode = "enabled"
    code_scanning: CodeScanningMode = "enabled"
    secret_scanning: SecretScanningMode = "enabled"
    labels: list[str] = field(default_factory=list)
    pulls: list[PullRequest] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    commits: list[Commit] = field(default_factory=list)  # default branch, newest first
    workflows: list[Workflow] = field(default_factory=list)
    runs: list[WorkflowRun] = field(default_factory=list)
    deployments: list[Deployment] = field(default_factory=list)
    releases: list[Release] = field(default_factory=list)
    dependabot_alerts: list[DependabotAlert] = field(default_factory=list)
    code_scanning_alerts: list[CodeScanningAlert] = field(default_factory=list)
    secret_scanning_alerts: list[SecretScanningAlert] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """An empty repository has no commits (GitHub answers 409 on /commits)."""
        return not self.commits


@dataclass
class Org:
    """An organisation, its members and bots, and its repositories."""

    login: str
    id: int
    name: str
    description: str | None
    created_at: datetime
    now: datetime  # the instant the synthetic history ends
    users: list[User] = field(default_factory=list)
    repos: list[Repo] = field(default_factory=list)

    def repo(self, name: str) -> Repo | None:
        """The repo called `name` (case-insensitive, as GitHub matches), or None."""
        lowered = name.lower()
        return next((r for r in self.repos if r.name.lower() == lowered), None)
