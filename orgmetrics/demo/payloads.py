"""GitHub REST JSON payloads (API version 2022-11-28) built from the demo model.

Pure functions: model object + `Ctx` (where the fake is served) -> the dict GitHub would send.
Field sets follow the OpenAPI response schemas of `@octokit/openapi` (validated in
`tests/integration/test_fake_openapi.py`). Text from the model is passed through untouched:
the hostile strings are the point of the demo.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
from orgmetrics.timeutil import to_iso, to_iso_opt

Json = dict[str, Any]
HTML = "https://github.com"
ISSUE_ID_OFFSET = 700_000_000  # a PR's issue id differs from its pull id, as on GitHub


@dataclass(frozen=True)
class Ctx:
    """Where the payload is served: the API base URL and the organisation."""

    api: str
    org: Org


def node_id(kind: str, ident: int | str) -> str:
    """A stable opaque GraphQL node id like GitHub's (base64 of kind and id)."""
    return base64.b64encode(f"{kind}{ident}".encode()).decode().rstrip("=")


def iso(moment: datetime) -> str:
    """GitHub's timestamp format."""
    return to_iso(moment)


def user(ctx: Ctx, who: User | None) -> Json | None:
    """A `simple-user` (None stays None: a deleted or unlinked account)."""
    if who is None:
        return None
    api_u = f"{ctx.api}/users/{who.login}"
    return {
        "login": who.login,
        "id": who.id,
        "node_id": node_id("U_", who.id),
        "avatar_url": f"https://avatars.githubusercontent.com/u/{who.id}?v=4",
        "gravatar_id": "",
        "url": api_u,
        "html_url": f"{HTML}/{who.login}",
        "followers_url": f"{api_u}/followers",
        "following_url": f"{api_u}/following{{/other_user}}",
        "gists_url": f"{api_u}/gists{{/gist_id}}",
        "starred_url": f"{api_u}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{api_u}/subscriptions",
        "organizations_url": f"{api_u}/orgs",
        "repos_url": f"{api_u}/repos",
        "events_url": f"{api_u}/events{{/privacy}}",
        "received_events_url": f"{api_u}/received_events",
        "type": who.type,
        "user_view_type": "public",
        "site_admin": False,
    }


def org_owner(ctx: Ctx) -> Json:
    """The organisation as a repository owner (`simple-user` with type Organization)."""
    org = ctx.org
    owner = user(ctx, User(login=org.login, id=org.id, type="Organization"))
    assert owner is not None
    owner["url"] = f"{ctx.api}/users/{org.login}"
    return owner


def organization(ctx: Ctx) -> Json:
    """`GET /orgs/{org}` (`organization-full`)."""
    org = ctx.org
    api_o = f"{ctx.api}/orgs/{org.login}"
    public = sum(1 for r in org.repos if not r.private)
    return {
        "login": org.login,
        "id": org.id,
        "node_id": node_id("O_", org.id),
        "url": api_o,
        "repos_url": f"{api_o}/repos",
        "events_url": f"{api_o}/events",
        "hooks_url": f"{api_o}/hooks",
        "issues_url": f"{api_o}/issues",
        "members_url": f"{api_o}/members{{/member}}",
        "public_members_url": f"{api_o}/public_members{{/member}}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{org.id}?v=4",
        "description": org.description,
        "name": org.name,
        "blog": "",
        "twitter_username": None,
        "is_verified": False,
        "has_organization_projects": True,
        "has_repository_projects": True,
        "public_repos": public,
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "html_url": f"{HTML}/{org.login}",
        "type": "Organization",
        "total_private_repos": len(org.repos) - public,
        "owned_private_repos": len(org.repos) - public,
        "created_at": iso(org.created_at),
        "updated_at": iso(org.now),
        "archived_at": None,
    }


def _repo_urls(ctx: Ctx, repo: Repo) -> Json:
    base = f"{ctx.api}/repos/{ctx.org.login}/{repo.name}"
    return {
        "url": base,
        "archive_url": f"{base}/{{archive_format}}{{/ref}}",
        "assignees_url": f"{base}/assignees{{/user}}",
        "blobs_url": f"{base}/git/blobs{{/sha}}",
        "branches_url": f"{base}/branches{{/branch}}",
        "collaborators_url": f"{base}/collaborators{{/collaborator}}",
        "comments_url": f"{base}/comments{{/number}}",
        "commits_url": f"{base}/commits{{/sha}}",
        "compare_url": f"{base}/compare/{{base}}...{{head}}",
        "contents_url": f"{base}/contents/{{+path}}",
        "contributors_url": f"{base}/contributors",
        "deployments_url": f"{base}/deployments",
        "downloads_url": f"{base}/downloads",
        "events_url": f"{base}/events",
        "forks_url": f"{base}/forks",
        "git_commits_url": f"{base}/git/commits{{/sha}}",
        "git_refs_url": f"{base}/git/refs{{/sha}}",
        "git_tags_url": f"{base}/git/tags{{/sha}}",
        "hooks_url": f"{base}/hooks",
        "issue_comment_url": f"{base}/issues/comments{{/number}}",
        "issue_events_url": f"{base}/issues/events{{/number}}",
        "issues_url": f"{base}/issues{{/number}}",
        "keys_url": f"{base}/keys{{/key_id}}",
        "labels_url": f"{base}/labels{{/name}}",
        "languages_url": f"{base}/languages",
        "merges_url": f"{base}/merges",
        "milestones_url": f"{base}/milestones{{/number}}",
        "notifications_url": f"{base}/notifications{{?since,all,participating}}",
        "pulls_url": f"{base}/pulls{{/number}}",
        "releases_url": f"{base}/releases{{/id}}",
        "stargazers_url": f"{base}/stargazers",
        "statuses_url": f"{base}/statuses/{{sha}}",
        "subscribers_url": f"{base}/subscribers",
        "subscription_url": f"{base}/subscription",
        "tags_url": f"{base}/tags",
        "teams_url": f"{base}/teams",
        "trees_url": f"{base}/git/trees{{/sha}}",
    }


def minimal_repo(ctx: Ctx, repo: Repo) -> Json:
    """A `minimal-repository`, as embedded in alerts and runs."""
    full_name = f"{ctx.org.login}/{repo.name}"
    out: Json = {
        "id": repo.id,
        "node_id": node_id("R_", repo.id),
        "name": repo.name,
        "full_name": full_name,
        "owner": org_owner(ctx),
        "private": repo.private,
        "html_url": f"{HTML}/{full_name}",
        "description": repo.description,
        "fork": repo.fork,
    }
    out.update(_repo_urls(ctx, repo))
    return out


def _open_issue_count(repo: Repo) -> int:
    return sum(1 for i in repo.issues if i.state == "open") + sum(
        1 for p in repo.pulls if p.state == "open"
    )


def repository(ctx: Ctx, repo: Repo, *, full: bool = False) -> Json:
    """A `repository` (org listing and PR base/head); `full=True` adds `GET /repos` fields."""
    full_name = f"{ctx.org.login}/{repo.name}"
    out = minimal_repo(ctx, repo)
    open_count = _open_issue_count(repo)
    out.update(
        {
            "clone_url": f"{HTML}/{full_name}.git",
            "git_url": f"git://github.com/{full_name}.git",
            "ssh_url": f"git@github.com:{full_name}.git",
            "svn_url": f"{HTML}/{full_name}",
            "mirror_url": None,
            "homepage": None,
            "language": repo.language,
            "forks": 0,
            "forks_count": 0,
            "stargazers_count": 0,
            "watchers_count": 0,
            "watchers": 0,
            "size": 0 if repo.empty else 100 + len(repo.commits),
            "default_branch": repo.default_branch,
            "open_issues": open_count,
            "open_issues_count": open_count,
            "is_template": False,
            "topics": list(repo.topics),
            "has_issues": True,
            "has_projects": True,
            "has_wiki": False,
            "has_pages": False,
            "has_downloads": True,
            "has_discussions": False,
            "archived": repo.archived,
            "disabled": False,
            "visibility": "private" if repo.private else "public",
            "pushed_at": to_iso_opt(repo.pushed_at),
            "created_at": iso(repo.created_at),
            "updated_at": iso(repo.updated_at),
            "permissions": {
                "admin": True,
                "maintain": True,
                "push": True,
                "triage": True,
                "pull": True,
            },
            "license": None,
            "allow_forking": True,
            "web_commit_signoff_required": False,
        }
    )
    if full:
        out.update(
            {
                "network_count": 0,
                "subscribers_count": 0,
                "organization": org_owner(ctx),
                "security_and_analysis": security_and_analysis(repo),
            }
        )
        if repo.fork:
            out["parent"] = out["source"] = _fork_parent(ctx, repo)
    return out


def _fork_parent(ctx: Ctx, repo: Repo) -> Json:
    """The upstream a fork was made from (outside the org, so not served)."""
    upstream = Repo(
        id=repo.id + 900_000_000,
        name=repo.name,
        description=repo.description,
        private=False,
        fork=False,
        archived=False,
        language=repo.language,
        topics=[],
        default_branch=repo.default_branch,
        created_at=repo.created_at,
        updated_at=repo.updated_at,
        pushed_at=repo.pushed_at,
    )
    upstream_ctx = Ctx(
        api=ctx.api,
        org=Org(
            login="upstream-oss",
            id=ctx.org.id + 1,
            name="Upstream",
            description=None,
            created_at=ctx.org.created_at,
            now=ctx.org.now,
        ),
    )
    return repository(upstream_ctx, upstream)


def security_and_analysis(repo: Repo) -> Json:
    """The `security_and_analysis` block GitHub shows to admins."""

    def status(on: bool) -> Json:
        return {"status": "enabled" if on else "disabled"}

    return {
        "advanced_security": status(repo.code_scanning != "ghas_required"),
        "dependabot_security_updates": status(repo.dependabot == "enabled"),
        "secret_scanning": status(repo.secret_scanning == "enabled"),
        "secret_scanning_push_protection": status(repo.secret_scanning == "enabled"),
        "secret_scanning_non_provider_patterns": status(False),
    }


def label(ctx: Ctx, repo: Repo, name: str) -> Json:
    """A `label`."""
    digest = hashlib.sha256(f"{repo.id}:{name}".encode()).hexdigest()
    return {
        "id": int(digest[:10], 16),
        "node_id": node_id("LA_", digest[:12]),
        "url": f"{ctx.api}/repos/{ctx.org.login}/{repo.name}/labels/{name}",
        "name": name,
        "description": "",
        "color": digest[:6],
        "default": name in ("bug", "enhancement", "documentation"),
    }


def _head_sha(pr: PullRequest) -> str:
    if pr.commits:
        return pr.commits[-1].sha
    return hashlib.sha1(f"pr-head:{pr.id}".encode()).hexdigest()


def _merge_sha(pr: PullRequest) -> str | None:
    if pr.merged_at is None:
        return None
    return hashlib.sha1(f"pr-merge:{pr.id}".encode()).hexdigest()


def _author_association(ctx: Ctx, who: User | None) -> str:
    if who is None or who.type == "Bot":
        return "NONE"
    return "MEMBER" if any(u.login == who.login for u in ctx.org.users) else "CONTRIBUTOR"


def pull_simple(ctx: Ctx, repo: Repo, pr: PullRequest, repo_json: Json | None = None) -> Json:
    """A `pull-request-simple` as listed by `GET /pulls` (`repo_json`: reuse across a page)."""
    full_name = f"{ctx.org.login}/{repo.name}"
    base_api = f"{ctx.api}/repos/{full_name}"
    url = f"{base_api}/pulls/{pr.number}"
    html = f"{HTML}/{full_name}/pull/{pr.number}"
    repo_json = repo_json if repo_json is not None else repository(ctx, repo)
    owner = org_owner(ctx)
    head_sha = _head_sha(pr)
    base_sha = repo.commits[0].sha if repo.commits else head_sha
    return {
        "url": url,
        "id": pr.id,
        "node_id": node_id("PR_", pr.id),
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": f"{base_api}/issues/{pr.number}",
        "commits_url": f"{url}/commits",
        "review_comments_url": f"{url}/comments",
        "review_comment_url": f"{base_api}/pulls/comments{{/number}}",
        "comments_url": f"{base_api}/issues/{pr.number}/comments",
        "statuses_url": f"{base_api}/statuses/{head_sha}",
        "number": pr.number,
        "state": pr.state,
        "locked": False,
        "title": pr.title,
        "user": user(ctx, pr.user),
        "body": pr.body or None,
        "labels": [label(ctx, repo, name) for name in pr.labels],
        "milestone": None,
        "active_lock_reason": None,
        "created_at": iso(pr.created_at),
        "updated_at": iso(pr.updated_at),
        "closed_at": to_iso_opt(pr.closed_at),
        "merged_at": to_iso_opt(pr.merged_at),
        "merge_commit_sha": _merge_sha(pr),
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [],
        "requested_teams": [],
        "head": {
            "label": f"{ctx.org.login}:{pr.head_ref}",
            "ref": pr.head_ref,
            "sha": head_sha,
            "user": owner,
            "repo": repo_json,
        },
        "base": {
            "label": f"{ctx.org.login}:{pr.base_ref}",
            "ref": pr.base_ref,
            "sha": base_sha,
            "user": owner,
            "repo": repo_json,
        },
        "_links": {
            "self": {"href": url},
            "html": {"href": html},
            "issue": {"href": f"{base_api}/issues/{pr.number}"},
            "comments": {"href": f"{base_api}/issues/{pr.number}/comments"},
            "review_comments": {"href": f"{url}/comments"},
            "review_comment": {"href": f"{base_api}/pulls/comments{{/number}}"},
            "commits": {"href": f"{url}/commits"},
            "statuses": {"href": f"{base_api}/statuses/{head_sha}"},
        },
        "author_association": _author_association(ctx, pr.user),
        "auto_merge": None,
        "draft": pr.draft,
    }


def pull_full(ctx: Ctx, repo: Repo, pr: PullRequest) -> Json:
    """A `pull-request` as answered by `GET /pulls/{n}`."""
    out = pull_simple(ctx, repo, pr)
    merged = pr.merged_at is not None
    merged_by = None
    if merged:
        approver = next(
            (r.user for r in reversed(pr.reviews) if r.state == "APPROVED" and r.user),
            pr.user,
        )
        merged_by = user(ctx, approver)
    out.update(
        {
            "merged": merged,
            "mergeable": None if pr.state == "closed" else True,
            "rebaseable": None if pr.state == "closed" else True,
            "mergeable_state": "unknown" if pr.state == "closed" else "clean",
            "merged_by": merged_by,
            "comments": 0,
            "review_comments": 0,
            "maintainer_can_modify": False,
            "commits": len(pr.commits),
            "additions": 10 * len(pr.commits),
            "deletions": 3 * len(pr.commits),
            "changed_files": len(pr.commits),
        }
    )
    return out


def review(ctx: Ctx, repo: Repo, pr: PullRequest, rev: Review) -> Json:
    """A `pull-request-review`; PENDING reviews have no `submitted_at`."""
    full_name = f"{ctx.org.login}/{repo.name}"
    html = f"{HTML}/{full_name}/pull/{pr.number}#pullrequestreview-{rev.id}"
    pr_url = f"{ctx.api}/repos/{full_name}/pulls/{pr.number}"
    out: Json = {
        "id": rev.id,
        "node_id": node_id("PRR_", rev.id),
        "user": user(ctx, rev.user),
        "body": rev.body,
        "state": rev.state,
        "html_url": html,
        "pull_request_url": pr_url,
        "_links": {"html": {"href": html}, "pull_request": {"href": pr_url}},
        "commit_id": _head_sha(pr),
        "author_association": _author_association(ctx, rev.user),
    }
    if rev.submitted_at is not None:
        out["submitted_at"] = iso(rev.submitted_at)
    return out


def commit(ctx: Ctx, repo: Repo, c: Commit, parent: str | None) -> Json:
    """A `commit` as listed by `GET /commits` and `GET /pulls/{n}/commits`."""
    full_name = f"{ctx.org.login}/{repo.name}"
    api_c = f"{ctx.api}/repos/{full_name}/commits/{c.sha}"
    tree_sha = hashlib.sha1(f"tree:{c.sha}".encode()).hexdigest()
    parents = []
    if parent is not None:
        parents.append(
            {
                "sha": parent,
                "url": f"{ctx.api}/repos/{full_name}/commits/{parent}",
                "html_url": f"{HTML}/{full_name}/commit/{parent}",
            }
        )
    git_author = {"name": c.author_name, "email": c.author_email, "date": iso(c.authored_at)}
    git_committer = {"name": "GitHub", "email": "noreply@github.com", "date": iso(c.committed_at)}
    author_json = user(ctx, c.author)
    return {
        "url": api_c,
        "sha": c.sha,
        "node_id": node_id("C_", c.sha[:16]),
        "html_url": f"{HTML}/{full_name}/commit/{c.sha}",
        "comments_url": f"{api_c}/comments",
        "commit": {
            "url": f"{ctx.api}/repos/{full_name}/git/commits/{c.sha}",
            "author": git_author,
            "committer": git_committer,
            "message": c.message,
            "tree": {"url": f"{ctx.api}/repos/{full_name}/git/trees/{tree_sha}", "sha": tree_sha},
            "comment_count": 0,
            "verification": {
                "verified": False,
                "reason": "unsigned",
                "signature": None,
                "payload": None,
                "verified_at": None,
            },
        },
        "author": author_json,
        "committer": user(ctx, User(login="web-flow", id=19864447, type="User")),
        "parents": parents,
    }


def _issue_common(
    ctx: Ctx,
    repo: Repo,
    *,
    ident: int,
    number: int,
    title: str,
    who: User | None,
    state: str,
    labels: list[str],
    body: str,
    created_at: datetime,
    updated_at: datetime,
    closed_at: datetime | None,
) -> Json:
    full_name = f"{ctx.org.login}/{repo.name}"
    api_i = f"{ctx.api}/repos/{full_name}/issues/{number}"
    return {
        "id": ident,
        "node_id": node_id("I_", ident),
        "url": api_i,
        "repository_url": f"{ctx.api}/repos/{full_name}",
        "labels_url": f"{api_i}/labels{{/name}}",
        "comments_url": f"{api_i}/comments",
        "events_url": f"{api_i}/events",
        "html_url": f"{HTML}/{full_name}/issues/{number}",
        "number": number,
        "state": state,
        "state_reason": "completed" if state == "closed" else None,
        "title": title,
        "body": body or None,
        "user": user(ctx, who),
        "labels": [label(ctx, repo, name) for name in labels],
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "locked": False,
        "active_lock_reason": None,
        "comments": 0,
        "closed_at": to_iso_opt(closed_at),
        "created_at": iso(created_at),
        "updated_at": iso(updated_at),
        "closed_by": None,
        "author_association": _author_association(ctx, who),
        "reactions": {
            "url": f"{api_i}/reactions",
            "total_count": 0,
            "+1": 0,
            "-1": 0,
            "laugh": 0,
            "confused": 0,
            "heart": 0,
            "hooray": 0,
            "eyes": 0,
            "rocket": 0,
        },
    }


def issue(ctx: Ctx, repo: Repo, it: Issue) -> Json:
    """An `issue`."""
    return _issue_common(
        ctx,
        repo,
        ident=it.id,
        number=it.number,
        title=it.title,
        who=it.user,
        state=it.state,
        labels=it.labels,
        body=it.body,
        created_at=it.created_at,
        updated_at=it.updated_at,
        closed_at=it.closed_at,
    )


def issue_for_pull(ctx: Ctx, repo: Repo, pr: PullRequest) -> Json:
    """A pull request as `GET /issues` lists it: issue fields plus a `pull_request` key."""
    out = _issue_common(
        ctx,
        repo,
        ident=pr.id + ISSUE_ID_OFFSET,
        number=pr.number,
        title=pr.title,
        who=pr.user,
        state=pr.state,
        labels=pr.labels,
        body=pr.body,
        created_at=pr.created_at,
        updated_at=pr.updated_at,
        closed_at=pr.closed_at,
    )
    full_name = f"{ctx.org.login}/{repo.name}"
    html = f"{HTML}/{full_name}/pull/{pr.number}"
    out["html_url"] = html
    out["draft"] = pr.draft
    out["pull_request"] = {
        "url": f"{ctx.api}/repos/{full_name}/pulls/{pr.number}",
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "merged_at": to_iso_opt(pr.merged_at),
    }
    return out


def workflow(ctx: Ctx, repo: Repo, wf: Workflow) -> Json:
    """A `workflow`."""
    full_name = f"{ctx.org.login}/{repo.name}"
    return {
        "id": wf.id,
        "node_id": node_id("W_", wf.id),
        "name": wf.name,
        "path": wf.path,
        "state": wf.state,
        "created_at": iso(wf.created_at),
        "updated_at": iso(wf.updated_at),
        "url": f"{ctx.api}/repos/{full_name}/actions/workflows/{wf.id}",
        "html_url": f"{HTML}/{full_name}/blob/{repo.default_branch}/{wf.path}",
        "badge_url": f"{HTML}/{full_name}/workflows/{wf.name}/badge.svg",
    }


def workflow_run(
    ctx: Ctx,
    repo: Repo,
    run: WorkflowRun,
    commits: dict[str, Commit] | None = None,
    mini: Json | None = None,
) -> Json:
    """A `workflow-run` (`commits` by sha and `mini` repo: reuse across a page)."""
    full_name = f"{ctx.org.login}/{repo.name}"
    api_r = f"{ctx.api}/repos/{full_name}/actions/runs/{run.id}"
    mini = mini if mini is not None else minimal_repo(ctx, repo)
    if commits is None:
        commits = {c.sha: c for c in repo.commits}
    head_commit = commits.get(run.head_sha)
    head_json = None
    if head_commit is not None:
        head_json = {
            "id": head_commit.sha,
            "tree_id": hashlib.sha1(f"tree:{head_commit.sha}".encode()).hexdigest(),
            "message": head_commit.message,
            "timestamp": iso(head_commit.committed_at),
            "author": {"name": head_commit.author_name, "email": head_commit.author_email},
            "committer": {"name": "GitHub", "email": "noreply@github.com"},
        }
    actor = user(ctx, _run_actor(ctx, run))
    return {
        "id": run.id,
        "name": run.name,
        "node_id": node_id("WFR_", run.id),
        "check_suite_id": run.id + 1,
        "check_suite_node_id": node_id("CS_", run.id + 1),
        "head_branch": run.head_branch,
        "head_sha": run.head_sha,
        "path": run.path,
        "display_title": run.name,
        "run_number": run.run_number,
        "run_attempt": run.run_attempt,
        "event": run.event,
        "status": run.status,
        "conclusion": run.conclusion,
        "workflow_id": run.workflow_id,
        "url": api_r,
        "html_url": f"{HTML}/{full_name}/actions/runs/{run.id}",
        "pull_requests": [],
        "created_at": iso(run.created_at),
        "updated_at": iso(run.updated_at),
        "run_started_at": iso(run.run_started_at),
        "actor": actor,
        "triggering_actor": actor,
        "jobs_url": f"{api_r}/jobs",
        "logs_url": f"{api_r}/logs",
        "check_suite_url": f"{ctx.api}/repos/{full_name}/check-suites/{run.id + 1}",
        "artifacts_url": f"{api_r}/artifacts",
        "cancel_url": f"{api_r}/cancel",
        "rerun_url": f"{api_r}/rerun",
        "previous_attempt_url": None,
        "workflow_url": f"{ctx.api}/repos/{full_name}/actions/workflows/{run.workflow_id}",
        "head_commit": head_json,
        "repository": mini,
        "head_repository": mini,
    }


def _run_actor(ctx: Ctx, run: WorkflowRun) -> User | None:
    """A deterministic actor for a run (the model does not store one)."""
    humans = [u for u in ctx.org.users if u.type == "User"]
    if not humans:
        return None
    return humans[run.id % len(humans)]


def deployment(ctx: Ctx, repo: Repo, dep: Deployment) -> Json:
    """A `deployment`."""
    full_name = f"{ctx.org.login}/{repo.name}"
    api_d = f"{ctx.api}/repos/{full_name}/deployments/{dep.id}"
    return {
        "url": api_d,
        "id": dep.id,
        "node_id": node_id("DE_", dep.id),
        "sha": dep.sha,
        "ref": dep.ref,
        "task": dep.task,
        "payload": {},
        "original_environment": dep.environment,
        "environment": dep.environment,
        "description": dep.description or None,
        "creator": user(ctx, dep.creator),
        "created_at": iso(dep.created_at),
        "updated_at": iso(dep.updated_at),
        "statuses_url": f"{api_d}/statuses",
        "repository_url": f"{ctx.api}/repos/{full_name}",
        "transient_environment": False,
        "production_environment": dep.environment.lower() in ("production", "prod"),
    }


def deployment_status(ctx: Ctx, repo: Repo, dep: Deployment, st: DeploymentStatus) -> Json:
    """A `deployment-status`."""
    full_name = f"{ctx.org.login}/{repo.name}"
    api_d = f"{ctx.api}/repos/{full_name}/deployments/{dep.id}"
    return {
        "url": f"{api_d}/statuses/{st.id}",
        "id": st.id,
        "node_id": node_id("DES_", st.id),
        "state": st.state,
        "creator": user(ctx, dep.creator),
        "description": st.description,
        "environment": dep.environment,
        "target_url": "",
        "log_url": "",
        "environment_url": "",
        "created_at": iso(st.created_at),
        "updated_at": iso(st.created_at),
        "deployment_url": api_d,
        "repository_url": f"{ctx.api}/repos/{full_name}",
    }


def release(ctx: Ctx, repo: Repo, rel: Release) -> Json:
    """A `release`; drafts have `published_at: null`."""
    full_name = f"{ctx.org.login}/{repo.name}"
    api_r = f"{ctx.api}/repos/{full_name}/releases/{rel.id}"
    author = user(ctx, rel.author) or org_owner(ctx)
    return {
        "url": api_r,
        "html_url": f"{HTML}/{full_name}/releases/tag/{rel.tag_name}",
        "assets_url": f"{api_r}/assets",
        "upload_url": f"https://uploads.github.com/repos/{full_name}/releases/{rel.id}/assets{{?name,label}}",
        "tarball_url": f"{ctx.api}/repos/{full_name}/tarball/{rel.tag_name}",
        "zipball_url": f"{ctx.api}/repos/{full_name}/zipball/{rel.tag_name}",
        "id": rel.id,
        "node_id": node_id("RE_", rel.id),
        "tag_name": rel.tag_name,
        "target_commitish": repo.default_branch,
        "name": rel.name,
        "body": None,
        "draft": rel.draft,
        "prerelease": rel.prerelease,
        "immutable": False,
        "created_at": iso(rel.created_at),
        "published_at": to_iso_opt(rel.published_at),
        "author": author,
        "assets": [],
    }


_CVSS = {"critical": 9.8, "high": 7.5, "medium": 5.3, "low": 2.1}


def dependabot_alert(ctx: Ctx, repo: Repo, al: DependabotAlert, *, with_repo: bool) -> Json:
    """A `dependabot-alert` (`-with-repository` for the org listing)."""
    full_name = f"{ctx.org.login}/{repo.name}"
    package = {"ecosystem": al.ecosystem, "name": al.package}
    vuln = {
        "package": package,
        "severity": al.severity,
        "vulnerable_version_range": "< 1.0.0",
        "first_patched_version": {"identifier": "1.0.0"},
    }
    identifiers = [{"type": "GHSA", "value": al.ghsa_id}]
    if al.cve_id:
        identifiers.append({"type": "CVE", "value": al.cve_id})
    score = _CVSS[al.severity]
    dismissed = al.state in ("dismissed", "auto_dismissed")
    out: Json = {
        "number": al.number,
        "state": al.state,
        "dependency": {
            "package": package,
            "manifest_path": _manifest(al.ecosystem),
            "scope": "runtime",
            "relationship": "direct",
        },
        "security_advisory": {
            "ghsa_id": al.ghsa_id,
            "cve_id": al.cve_id,
            "summary": al.summary,
            "description": al.summary,
            "vulnerabilities": [vuln],
            "severity": al.severity,
            "cvss": {"vector_string": None, "score": score},
            "cvss_severities": {
                "cvss_v3": {"vector_string": None, "score": score},
                "cvss_v4": None,
            },
            "epss": None,
            "cwes": [],
            "identifiers": identifiers,
            "references": [{"url": f"https://github.com/advisories/{al.ghsa_id}"}],
            "published_at": iso(al.created_at),
            "updated_at": iso(al.updated_at),
            "withdrawn_at": None,
        },
        "security_vulnerability": vuln,
        "url": f"{ctx.api}/repos/{full_name}/dependabot/alerts/{al.number}",
        "html_url": f"{HTML}/{full_name}/security/dependabot/{al.number}",
        "created_at": iso(al.created_at),
        "updated_at": iso(al.updated_at),
        "dismissed_at": to_iso_opt(al.dismissed_at or al.auto_dismissed_at) if dismissed else None,
        "dismissed_by": None,
        "dismissed_reason": al.dismissed_reason if dismissed else None,
        "dismissed_comment": None,
        "fixed_at": to_iso_opt(al.fixed_at),
        "auto_dismissed_at": to_iso_opt(al.auto_dismissed_at),
    }
    if with_repo:
        out["repository"] = minimal_repo(ctx, repo)
    return out


def _manifest(ecosystem: str) -> str:
    return {
        "pip": "requirements.txt",
        "npm": "package-lock.json",
        "maven": "pom.xml",
        "go": "go.sum",
        "rubygems": "Gemfile.lock",
        "nuget": "packages.lock.json",
        "composer": "composer.lock",
        "rust": "Cargo.lock",
        "cargo": "Cargo.lock",
    }.get(ecosystem, "manifest.lock")


def code_scanning_alert(ctx: Ctx, repo: Repo, al: CodeScanningAlert, *, with_repo: bool) -> Json:
    """A `code-scanning-alert-items` (`organization` variant adds `repository`)."""
    full_name = f"{ctx.org.login}/{repo.name}"
    api_a = f"{ctx.api}/repos/{full_name}/code-scanning/alerts/{al.number}"
    tags = ["security"] if al.security_severity_level else ["maintainability"]
    sha = repo.commits[0].sha if repo.commits else "0" * 40
    instance_state = "fixed" if al.state == "fixed" else al.state
    out: Json = {
        "number": al.number,
        "created_at": iso(al.created_at),
        "updated_at": iso(al.updated_at),
        "url": api_a,
        "html_url": f"{HTML}/{full_name}/security/code-scanning/{al.number}",
        "instances_url": f"{api_a}/instances",
        "state": al.state,
        "fixed_at": to_iso_opt(al.fixed_at),
        "dismissed_by": None,
        "dismissed_at": to_iso_opt(al.dismissed_at),
        "dismissed_reason": "won't fix" if al.state == "dismissed" else None,
        "dismissed_comment": None,
        "rule": {
            "id": al.rule_id,
            "name": al.rule_id,
            "severity": al.rule_severity,
            "security_severity_level": al.security_severity_level,
            "description": al.rule_description,
            "tags": tags,
        },
        "tool": {"name": al.tool, "guid": None, "version": "2.20.0"},
        "most_recent_instance": {
            "ref": f"refs/heads/{repo.default_branch}",
            "analysis_key": ".github/workflows/codeql.yml:analyze",
            "environment": "{}",
            "category": ".github/workflows/codeql.yml:analyze",
            "state": instance_state,
            "commit_sha": sha,
            "message": {"text": al.rule_description},
            "location": {
                "path": "src/main.py",
                "start_line": 10,
                "end_line": 10,
                "start_column": 1,
                "end_column": 20,
            },
            "classifications": [],
        },
    }
    if with_repo:
        out["repository"] = minimal_repo(ctx, repo)
    return out


def secret_scanning_alert(
    ctx: Ctx, repo: Repo, al: SecretScanningAlert, *, with_repo: bool
) -> Json:
    """A `secret-scanning-alert`; the `secret` is always a redacted placeholder."""
    full_name = f"{ctx.org.login}/{repo.name}"
    api_a = f"{ctx.api}/repos/{full_name}/secret-scanning/alerts/{al.number}"
    out: Json = {
        "number": al.number,
        "created_at": iso(al.created_at),
        "updated_at": iso(al.updated_at),
        "url": api_a,
        "html_url": f"{HTML}/{full_name}/security/secret-scanning/{al.number}",
        "locations_url": f"{api_a}/locations",
        "state": al.state,
        "resolution": al.resolution,
        "resolved_at": to_iso_opt(al.resolved_at),
        "resolved_by": None,
        "resolution_comment": None,
        "secret_type": al.secret_type,
        "secret_type_display_name": al.secret_type_display_name,
        "secret": "[redacted-demo-secret]",
        "validity": "unknown",
        "publicly_leaked": False,
        "multi_repo": False,
        "push_protection_bypassed": False,
        "push_protection_bypassed_by": None,
        "push_protection_bypassed_at": None,
    }
    if with_repo:
        out["repository"] = minimal_repo(ctx, repo)
    return out


def rate_limit_overview(resources: dict[str, Json]) -> Json:
    """`GET /rate_limit`: every resource bucket plus the deprecated `rate` (= core)."""
    return {"resources": resources, "rate": resources["core"]}
