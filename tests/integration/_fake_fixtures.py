"""A tiny hand-built organisation for the fake-GitHub tests: every number here is known."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests

from orgmetrics.demo.model import (
    CodeScanningAlert,
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
    SecretScanningAlert,
    User,
    Workflow,
    WorkflowRun,
)
from orgmetrics.demo.server import FakeGitHub

NOW = datetime(2026, 3, 1, tzinfo=UTC)
TOKEN = "test-token-not-real"
ALICE = User(login="alice", id=101, name="Alice")
BOB = User(login="bob", id=102)
DEPENDABOT = User(login="dependabot[bot]", id=49699333, type="Bot")
N_PULLS = 7  # in "api": numbers 1..7, created one day apart; 1, 3, 5, 7 closed
N_RUNS = 1205  # in "api": one per hour, so the 1,000 cap of filtered queries shows
N_REPOS = 5


def _at(days: float) -> datetime:
    return NOW - timedelta(days=days)


def _commit(i: int, author: User | None) -> Commit:
    return Commit(
        sha=f"{i:040x}",
        message=f"change {i}",
        author_name=author.login if author else "Ghost Writer",
        author_email=f"{author.login}@example.com" if author else "ghost@nowhere.example",
        authored_at=_at(100 - i),
        committed_at=_at(100 - i),
        author=author,
    )


def _api_repo() -> Repo:
    commits = [_commit(i, ALICE if i % 3 else None) for i in range(1, 41)]
    commits.reverse()  # newest first, as the model keeps them
    pulls = []
    for n in range(1, N_PULLS + 1):
        closed = n % 2 == 1
        created = _at(30 - n)
        pulls.append(
            PullRequest(
                number=n,
                id=5000 + n,
                title=f'PR {n} <script>alert("xss")</script>',
                user=DEPENDABOT if n == 7 else ALICE,
                state="closed" if closed else "open",
                draft=n == 6,
                created_at=created,
                updated_at=created + timedelta(hours=n),
                closed_at=created + timedelta(hours=n) if closed else None,
                merged_at=created + timedelta(hours=n) if closed and n != 5 else None,
                base_ref="main" if n != 4 else "release",
                head_ref=f"feature-{n}",
                labels=["SEV1"] if n == 3 else [],
                reviews=[
                    Review(
                        id=900 + n,
                        user=BOB,
                        state="APPROVED",
                        submitted_at=created + timedelta(hours=1),
                    ),
                    Review(id=950 + n, user=ALICE, state="PENDING", submitted_at=None),
                ],
                commits=[commits[n], commits[n + 1]],
            )
        )
    issues = [
        Issue(
            number=100 + k,
            id=8000 + k,
            title=f"issue {k}",
            user=BOB,
            state="open" if k < 3 else "closed",
            created_at=_at(20 - k),
            updated_at=_at(10 - k),
            closed_at=None if k < 3 else _at(10 - k),
            labels=["incident", "SEV1"] if k == 1 else ["bug"],
        )
        for k in range(1, 6)
    ]
    workflows = [
        Workflow(
            id=71,
            name="CI",
            path=".github/workflows/ci.yml",
            state="active",
            created_at=_at(300),
            updated_at=_at(200),
        ),
        Workflow(
            id=72,
            name="Deploy",
            path=".github/workflows/deploy.yml",
            state="active",
            created_at=_at(300),
            updated_at=_at(200),
        ),
    ]
    conclusions = [
        "success",
        "failure",
        "timed_out",
        "cancelled",
        "skipped",
        "neutral",
        "action_required",
        "startup_failure",
    ]
    runs = []
    for k in range(N_RUNS):
        created = NOW - timedelta(hours=k + 1)
        runs.append(
            WorkflowRun(
                id=100000 + k,
                workflow_id=71 if k % 5 else 72,
                name="CI" if k % 5 else "Deploy",
                path=".github/workflows/ci.yml" if k % 5 else ".github/workflows/deploy.yml",
                event="push" if k % 2 else "pull_request",
                status="completed" if k else "in_progress",
                conclusion=conclusions[k % len(conclusions)] if k else None,
                head_branch="main" if k % 4 else "feature",
                head_sha=commits[k % len(commits)].sha,
                created_at=created,
                run_started_at=created,
                updated_at=created + timedelta(minutes=7),
                run_number=N_RUNS - k,
            )
        )
    deployments = [
        Deployment(
            id=3000 + k,
            sha=commits[k].sha,
            ref="main",
            environment=env,
            created_at=_at(10 - k),
            updated_at=_at(10 - k),
            creator=ALICE,
            statuses=[
                DeploymentStatus(id=31000 + 10 * k, state="failure", created_at=_at(10 - k)),
                DeploymentStatus(
                    id=31001 + 10 * k,
                    state="success",
                    created_at=_at(10 - k) + timedelta(minutes=30),
                ),
            ],
        )
        for k, env in enumerate(["production", "Production", "prod", "staging"])
    ]
    releases = [
        Release(
            id=4001,
            tag_name="v1.0.0",
            name="One",
            draft=False,
            prerelease=False,
            created_at=_at(50),
            published_at=_at(50),
            author=ALICE,
        ),
        Release(
            id=4002,
            tag_name="v1.1.0-rc1",
            name="RC",
            draft=False,
            prerelease=True,
            created_at=_at(20),
            published_at=_at(20),
            author=ALICE,
        ),
        Release(
            id=4003,
            tag_name="v2.0.0",
            name="Draft",
            draft=True,
            prerelease=False,
            created_at=_at(5),
            published_at=None,
            author=None,
        ),
    ]
    states = ["open", "fixed", "dismissed", "auto_dismissed"]
    severities = ["critical", "high", "medium", "low"]
    dependabot = [
        DependabotAlert(
            number=k,
            state=states[k % 4],  # type: ignore[arg-type]
            severity=severities[k % 4],  # type: ignore[arg-type]
            package=f"pkg{k}",
            ecosystem="pip",
            ghsa_id=f"GHSA-aaaa-bbbb-{k:04d}",
            cve_id=f"CVE-2025-{k:04d}" if k % 2 else None,
            summary=f"bad thing {k}",
            created_at=_at(200 - k),
            updated_at=_at(100 - k),
            fixed_at=_at(90) if states[k % 4] == "fixed" else None,
            dismissed_at=_at(80) if states[k % 4] == "dismissed" else None,
            auto_dismissed_at=_at(70) if states[k % 4] == "auto_dismissed" else None,
            dismissed_reason="tolerable_risk" if states[k % 4] == "dismissed" else None,
        )
        for k in range(1, 8)
    ]
    code = [
        CodeScanningAlert(
            number=k,
            state=["open", "fixed", "dismissed"][k % 3],  # type: ignore[arg-type]
            rule_id=f"py/rule-{k}",
            rule_description="Bad pattern",
            rule_severity="error",
            security_severity_level="high" if k % 2 else None,
            tool="CodeQL",
            created_at=_at(60 - k),
            updated_at=_at(30 - k),
            fixed_at=_at(20) if k % 3 == 1 else None,
            dismissed_at=_at(20) if k % 3 == 2 else None,
        )
        for k in range(1, 5)
    ]
    secrets = [
        SecretScanningAlert(
            number=k,
            state="open" if k % 2 else "resolved",
            secret_type="github_personal_access_token",
            secret_type_display_name="GitHub Personal Access Token",
            created_at=_at(40 - k),
            updated_at=_at(20 - k),
            resolved_at=None if k % 2 else _at(15),
            resolution=None if k % 2 else "revoked",
        )
        for k in range(1, 4)
    ]
    return Repo(
        id=1001,
        name="api",
        description="The API <img src=x onerror=alert(1)> 日本語 ✓",
        private=True,
        fork=False,
        archived=False,
        language="Python",
        topics=["backend"],
        default_branch="main",
        created_at=_at(400),
        updated_at=_at(1),
        pushed_at=_at(1),
        labels=["bug", "incident", "SEV1"],
        pulls=pulls,
        issues=issues,
        commits=commits,
        workflows=workflows,
        runs=runs,
        deployments=deployments,
        releases=releases,
        dependabot_alerts=dependabot,
        code_scanning_alerts=code,
        secret_scanning_alerts=secrets,
    )


def _plain(rid: int, name: str, **kw: object) -> Repo:
    repo = Repo(
        id=rid,
        name=name,
        description=f"{name} repo",
        private=False,
        fork=False,
        archived=False,
        language="Go",
        topics=[],
        default_branch="main",
        created_at=_at(300 - rid % 100),
        updated_at=_at(3),
        pushed_at=_at(3),
        commits=[_commit(1, BOB)],
    )
    for key, value in kw.items():
        setattr(repo, key, value)
    return repo


def tiny_org() -> Org:
    """Five repos: `api` (everything), `empty`, `old` (archived), `nodeps` (Dependabot 403,
    code scanning 404, secret scanning 404), `noghas` (code scanning 403), `forked` (fork)."""
    alert = DependabotAlert(
        number=1,
        state="open",
        severity="high",
        package="x",
        ecosystem="npm",
        ghsa_id="GHSA-xxxx-yyyy-zzzz",
        cve_id=None,
        summary="s",
        created_at=_at(5),
        updated_at=_at(5),
    )
    repos = [
        _api_repo(),
        _plain(1002, "empty", commits=[], pushed_at=None),
        _plain(1003, "old", archived=True, dependabot_alerts=[alert]),
        _plain(
            1004,
            "nodeps",
            dependabot="disabled",
            code_scanning="no_analysis",
            secret_scanning="disabled",
            dependabot_alerts=[alert],
        ),
        _plain(1005, "noghas", code_scanning="ghas_required", private=True),
        _plain(1006, "forked", fork=True),
    ]
    return Org(
        login="demo-org",
        id=9000,
        name="Demo Org",
        description="A demo",
        created_at=_at(1000),
        now=NOW,
        users=[ALICE, BOB, DEPENDABOT],
        repos=repos,
    )


@pytest.fixture(scope="module", name="fake")
def fake_fixture() -> Iterator[FakeGitHub]:
    """A running fake over the tiny org (token required: TOKEN)."""
    with FakeGitHub(tiny_org(), token=TOKEN) as server:
        yield server


@pytest.fixture(name="gh")
def gh_fixture(fake: FakeGitHub) -> Iterator[requests.Session]:
    """A requests session authenticated for `fake`; faults cleared after the test."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {TOKEN}"
    yield session
    session.close()
    fake.faults.clear()
    fake.set_latency(0)
