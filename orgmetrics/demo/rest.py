"""The fake GitHub's REST routes: path -> handler -> GitHub-shaped answer from the model.

`route(org, method, path)` finds the handler and the route template (for the request log);
`RestRequest` carries the query; each handler returns a `RestAnswer`. Filters, sort orders,
error bodies and quirks follow /work/shared/github-api/BEHAVIOUR.md (API 2022-11-28).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from orgmetrics.demo import payloads as pl
from orgmetrics.demo.model import (
    CodeScanningAlert,
    Commit,
    DependabotAlert,
    Org,
    PullRequest,
    Repo,
    SecretScanningAlert,
    WorkflowRun,
)
from orgmetrics.demo.pagination import (
    BadCursor,
    Query,
    paginate_cursor,
    paginate_pages,
)
from orgmetrics.timeutil import parse_iso

T = TypeVar("T")
DOCS = "https://docs.github.com/rest"
RUNS_SEARCH_CAP = 1000  # "will return up to 1,000 results for each search" when filtered
RUN_FILTERS = ("actor", "branch", "check_suite_id", "created", "event", "head_sha", "status")


@dataclass
class RestAnswer:
    """Status, JSON body (None = no body) and extra headers such as Link."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    last_modified: datetime | None = None  # single resources: `Last-Modified`


@dataclass(frozen=True)
class RestRequest:
    """One REST request as the handlers see it."""

    ctx: pl.Ctx
    query: Query
    params: dict[str, str]
    repo: Repo | None
    link_base: str  # absolute URL (without query) used in Link headers


def error(status: int, message: str, doc: str = DOCS) -> RestAnswer:
    """GitHub's `basic-error` body."""
    return RestAnswer(status, {"message": message, "documentation_url": doc, "status": str(status)})


def not_found() -> RestAnswer:
    """GitHub's plain 404."""
    return error(404, "Not Found")


Handler = Callable[[RestRequest], RestAnswer]


@dataclass(frozen=True)
class Route:
    """A route: its template (as logged), a compiled pattern and the handler."""

    template: str
    pattern: re.Pattern[str]
    handler: Handler


def _compile(template: str) -> re.Pattern[str]:
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template.split(" ", 1)[1])
    return re.compile(f"^{regex}/?$")


_ROUTES: list[Route] = []


def _get(template: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        full = f"GET {template}"
        _ROUTES.append(Route(full, _compile(full), fn))
        return fn

    return register


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route for a method and path (None: unknown path)."""
    if method not in ("GET", "HEAD"):
        return None
    for rt in _ROUTES:
        found = rt.pattern.match(path)
        if found:
            return rt, found.groupdict()
    return None


def _as_dt(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parse_iso(value)
    except ValueError:
        return None  # GitHub silently ignores a malformed timestamp filter


def _csv(value: str | None) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()] if value else []


def _desc(req: RestRequest, default: str = "desc") -> bool:
    return (req.query.get("direction") or default).lower() != "asc"


def _page(req: RestRequest, items: Sequence[T], **kw: Any) -> tuple[list[T], dict[str, str]]:
    chunk, link = paginate_pages(items, req.query, req.link_base, **kw)
    return chunk, ({"Link": link} if link else {})


def _repo(req: RestRequest) -> Repo:
    assert req.repo is not None
    return req.repo


# ---- organisation -----------------------------------------------------------------------


@_get("/orgs/{org}")
def get_org(req: RestRequest) -> RestAnswer:
    """`GET /orgs/{org}`."""
    return RestAnswer(200, pl.organization(req.ctx), last_modified=req.ctx.org.now)


@_get("/orgs/{org}/repos")
def list_org_repos(req: RestRequest) -> RestAnswer:
    """`GET /orgs/{org}/repos` with `type`, `sort`, `direction`."""
    kind = (req.query.get("type") or "all").lower()
    repos = list(req.ctx.org.repos)
    if kind == "public":
        repos = [r for r in repos if not r.private]
    elif kind == "private":
        repos = [r for r in repos if r.private]
    elif kind == "forks":
        repos = [r for r in repos if r.fork]
    elif kind == "sources":
        repos = [r for r in repos if not r.fork]
    elif kind not in ("all", "member"):
        return _validation("type", kind)
    sort = (req.query.get("sort") or "created").lower()
    keys: dict[str, Callable[[Repo], Any]] = {
        "created": lambda r: (r.created_at, r.id),
        "updated": lambda r: (r.updated_at, r.id),
        "pushed": lambda r: (r.pushed_at or datetime.min.replace(tzinfo=UTC), r.id),
        "full_name": lambda r: r.name.lower(),
    }
    if sort not in keys:
        return _validation("sort", sort)
    repos.sort(key=keys[sort], reverse=_desc(req, "asc" if sort == "full_name" else "desc"))
    chunk, headers = _page(req, repos)
    return RestAnswer(200, [pl.repository(req.ctx, r) for r in chunk], headers)


def _validation(field_name: str, value: str) -> RestAnswer:
    return RestAnswer(
        422,
        {
            "message": "Validation Failed",
            "errors": [
                {
                    "resource": "Search",
                    "field": field_name,
                    "code": "invalid",
                    "value": value,
                }
            ],
            "documentation_url": DOCS,
            "status": "422",
        },
    )


# ---- repository and pull requests -------------------------------------------------------


@_get("/repos/{owner}/{repo}")
def get_repo(req: RestRequest) -> RestAnswer:
    """`GET /repos/{owner}/{repo}` (full repository, with `security_and_analysis`)."""
    repo = _repo(req)
    return RestAnswer(200, pl.repository(req.ctx, repo, full=True), last_modified=repo.updated_at)


def _pull(req: RestRequest) -> PullRequest | None:
    try:
        number = int(req.params["pull_number"])
    except ValueError:
        return None
    return next((p for p in _repo(req).pulls if p.number == number), None)


@_get("/repos/{owner}/{repo}/pulls")
def list_pulls(req: RestRequest) -> RestAnswer:
    """`GET /pulls` with `state` (default open), `base`, `head`, `sort`, `direction`."""
    repo = _repo(req)
    state = (req.query.get("state") or "open").lower()
    if state not in ("open", "closed", "all"):
        return _validation("state", state)
    pulls = [p for p in repo.pulls if state == "all" or p.state == state]
    base = req.query.get("base")
    if base:
        pulls = [p for p in pulls if p.base_ref == base]
    head = req.query.get("head")
    if head:
        ref = head.split(":", 1)[-1]
        pulls = [p for p in pulls if p.head_ref == ref]
    sort = (req.query.get("sort") or "created").lower()
    if sort == "updated":
        pulls.sort(key=lambda p: (p.updated_at, p.number), reverse=_desc(req, "asc"))
    elif sort in ("created", "popularity", "long-running"):
        pulls.sort(
            key=lambda p: (p.created_at, p.number),
            reverse=_desc(req, "desc" if sort == "created" else "asc"),
        )
    else:
        return _validation("sort", sort)
    chunk, headers = _page(req, pulls)
    repo_json = pl.repository(req.ctx, repo)
    return RestAnswer(200, [pl.pull_simple(req.ctx, repo, p, repo_json) for p in chunk], headers)


@_get("/repos/{owner}/{repo}/pulls/{pull_number}")
def get_pull(req: RestRequest) -> RestAnswer:
    """`GET /pulls/{n}`."""
    pr = _pull(req)
    if pr is None:
        return not_found()
    return RestAnswer(200, pl.pull_full(req.ctx, _repo(req), pr), last_modified=pr.updated_at)


@_get("/repos/{owner}/{repo}/pulls/{pull_number}/reviews")
def list_reviews(req: RestRequest) -> RestAnswer:
    """`GET /pulls/{n}/reviews` in chronological order (PENDING last: not yet submitted)."""
    pr = _pull(req)
    if pr is None:
        return not_found()
    far = datetime.max.replace(tzinfo=UTC)
    reviews = sorted(pr.reviews, key=lambda r: (r.submitted_at or far, r.id))
    chunk, headers = _page(req, reviews)
    repo = _repo(req)
    return RestAnswer(200, [pl.review(req.ctx, repo, pr, r) for r in chunk], headers)


@_get("/repos/{owner}/{repo}/pulls/{pull_number}/commits")
def list_pull_commits(req: RestRequest) -> RestAnswer:
    """`GET /pulls/{n}/commits` (oldest first, at most 250 as on GitHub)."""
    pr = _pull(req)
    if pr is None:
        return not_found()
    repo = _repo(req)
    commits = pr.commits[:250]
    base_parent = repo.commits[0].sha if repo.commits else None
    parents = {c.sha: (commits[i - 1].sha if i else base_parent) for i, c in enumerate(commits)}
    chunk, headers = _page(req, commits)
    body = [pl.commit(req.ctx, repo, c, parents[c.sha]) for c in chunk]
    return RestAnswer(200, body, headers)


# ---- issues and commits -----------------------------------------------------------------


@_get("/repos/{owner}/{repo}/issues")
def list_issues(req: RestRequest) -> RestAnswer:
    """`GET /issues`: issues and PRs (with `pull_request`), `state`, `labels`, `since`, sort."""
    repo = _repo(req)
    state = (req.query.get("state") or "open").lower()
    if state not in ("open", "closed", "all"):
        return _validation("state", state)
    wanted = {name.lower() for name in _csv(req.query.get("labels"))}
    since = _as_dt(req.query.get("since"))
    creator = req.query.get("creator")
    rows: list[tuple[datetime, datetime, int, Callable[[], pl.Json]]] = []

    def keep(st: str, labels: list[str], updated: datetime, login: str | None) -> bool:
        if state != "all" and st != state:
            return False
        if wanted and not wanted <= {lab.lower() for lab in labels}:
            return False
        if since is not None and updated < since:
            return False
        return not (creator and login != creator)

    for it in repo.issues:
        if keep(it.state, it.labels, it.updated_at, it.user.login if it.user else None):
            rows.append(
                (it.created_at, it.updated_at, it.number, partial(pl.issue, req.ctx, repo, it))
            )
    for pr in repo.pulls:
        if keep(pr.state, pr.labels, pr.updated_at, pr.user.login if pr.user else None):
            rows.append(
                (
                    pr.created_at,
                    pr.updated_at,
                    pr.number,
                    partial(pl.issue_for_pull, req.ctx, repo, pr),
                )
            )
    sort = (req.query.get("sort") or "created").lower()
    if sort == "updated":
        rows.sort(key=lambda r: (r[1], r[2]), reverse=_desc(req))
    elif sort in ("created", "comments"):
        rows.sort(key=lambda r: (r[0], r[2]), reverse=_desc(req))
    else:
        return _validation("sort", sort)
    chunk, headers = _page(req, rows)
    return RestAnswer(200, [make() for *_, make in chunk], headers)


@_get("/repos/{owner}/{repo}/commits")
def list_commits(req: RestRequest) -> RestAnswer:
    """`GET /commits` (default branch, newest first): `sha`, `since`, `until`, `author`."""
    repo = _repo(req)
    if repo.empty:
        return error(409, "Git Repository is empty.", f"{DOCS}/commits/commits#list-commits")
    commits: list[Commit] = list(repo.commits)
    parents = {
        c.sha: (commits[i + 1].sha if i + 1 < len(commits) else None) for i, c in enumerate(commits)
    }
    sha = req.query.get("sha")
    if sha and sha != repo.default_branch:
        idx = next((i for i, c in enumerate(commits) if c.sha.startswith(sha)), None)
        if idx is None or len(sha) < 7:
            return error(422, f"No commit found for SHA: {sha}", f"{DOCS}/commits/commits")
        commits = commits[idx:]
    since, until = _as_dt(req.query.get("since")), _as_dt(req.query.get("until"))
    if since is not None:
        commits = [c for c in commits if c.committed_at >= since]
    if until is not None:
        commits = [c for c in commits if c.committed_at <= until]
    author = req.query.get("author")
    if author:
        commits = [
            c
            for c in commits
            if (c.author is not None and c.author.login.lower() == author.lower())
            or c.author_email.lower() == author.lower()
        ]
    chunk, headers = _page(req, commits)
    return RestAnswer(200, [pl.commit(req.ctx, repo, c, parents[c.sha]) for c in chunk], headers)


# ---- actions ------------------------------------------------------------------------------


@_get("/repos/{owner}/{repo}/actions/workflows")
def list_workflows(req: RestRequest) -> RestAnswer:
    """`GET /actions/workflows` -> `{total_count, workflows}`."""
    repo = _repo(req)
    chunk, headers = _page(req, repo.workflows)
    body = {
        "total_count": len(repo.workflows),
        "workflows": [pl.workflow(req.ctx, repo, w) for w in chunk],
    }
    return RestAnswer(200, body, headers)


def parse_created(spec: str) -> tuple[datetime | None, datetime | None] | None:
    """GitHub's `created` qualifier -> inclusive (low, high) bounds; None if malformed.

    Forms: `>=X`, `>X`, `<=X`, `<X`, `X..Y` (either side may be `*`), `X`; X is a date
    (`YYYY-MM-DD`, whole day) or a full ISO timestamp.
    """

    def bound(text: str, *, upper: bool) -> datetime | None:
        text = text.strip()
        if text == "*":
            return None
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = datetime.fromisoformat(text).replace(tzinfo=UTC)
            return day + timedelta(days=1) - timedelta(microseconds=1) if upper else day
        return parse_iso(text)

    spec = spec.strip()
    one_us = timedelta(microseconds=1)
    try:
        if ".." in spec:
            low_text, high_text = spec.split("..", 1)
            return bound(low_text, upper=False), bound(high_text, upper=True)
        if spec.startswith(">="):
            return bound(spec[2:], upper=False), None
        if spec.startswith("<="):
            return None, bound(spec[2:], upper=True)
        if spec.startswith(">"):
            low = bound(spec[1:], upper=True)
            return (low + one_us if low else None), None
        if spec.startswith("<"):
            high = bound(spec[1:], upper=False)
            return None, (high - one_us if high else None)
        return bound(spec, upper=False), bound(spec, upper=True)
    except ValueError:
        return None


_RUN_STATUSES = {"completed", "in_progress", "queued", "waiting", "requested", "pending"}


@_get("/repos/{owner}/{repo}/actions/runs")
def list_runs(req: RestRequest) -> RestAnswer:
    """`GET /actions/runs` -> `{total_count, workflow_runs}`; filtered queries capped at 1,000."""
    repo = _repo(req)
    q = req.query
    runs: list[WorkflowRun] = sorted(repo.runs, key=lambda r: (r.created_at, r.id), reverse=True)
    if q.get("branch"):
        runs = [r for r in runs if r.head_branch == q.get("branch")]
    if q.get("event"):
        runs = [r for r in runs if r.event == q.get("event")]
    if q.get("head_sha"):
        runs = [r for r in runs if r.head_sha == q.get("head_sha")]
    status = q.get("status")
    if status:
        if status in _RUN_STATUSES:
            runs = [r for r in runs if r.status == status]
        else:
            runs = [r for r in runs if r.conclusion == status]
    actor = q.get("actor")
    if actor:
        runs = [
            r for r in runs if (a := pl._run_actor(req.ctx, r)) is not None and a.login == actor
        ]
    created = q.get("created")
    if created:
        bounds = parse_created(created)
        if bounds is not None:
            low, high = bounds
            runs = [
                r
                for r in runs
                if (low is None or r.created_at >= low) and (high is None or r.created_at <= high)
            ]
    filtered = any(q.get(name) for name in RUN_FILTERS)
    chunk, headers = _page(req, runs, reachable=RUNS_SEARCH_CAP if filtered else None)
    by_sha = {c.sha: c for c in repo.commits}
    mini = pl.minimal_repo(req.ctx, repo)
    body = {
        "total_count": len(runs),
        "workflow_runs": [pl.workflow_run(req.ctx, repo, r, by_sha, mini) for r in chunk],
    }
    return RestAnswer(200, body, headers)


# ---- deployments and releases -----------------------------------------------------------


@_get("/repos/{owner}/{repo}/deployments")
def list_deployments(req: RestRequest) -> RestAnswer:
    """`GET /deployments` (newest first) with `environment`, `ref`, `sha`, `task`."""
    repo = _repo(req)
    deps = sorted(repo.deployments, key=lambda d: (d.created_at, d.id), reverse=True)
    for name, attr in (
        ("environment", "environment"),
        ("ref", "ref"),
        ("sha", "sha"),
        ("task", "task"),
    ):
        value = req.query.get(name)
        if value:
            deps = [d for d in deps if getattr(d, attr) == value]
    chunk, headers = _page(req, deps)
    return RestAnswer(200, [pl.deployment(req.ctx, repo, d) for d in chunk], headers)


@_get("/repos/{owner}/{repo}/deployments/{deployment_id}/statuses")
def list_deployment_statuses(req: RestRequest) -> RestAnswer:
    """`GET /deployments/{id}/statuses` (newest first, as GitHub lists them)."""
    repo = _repo(req)
    dep = next((d for d in repo.deployments if str(d.id) == req.params["deployment_id"]), None)
    if dep is None:
        return not_found()
    statuses = sorted(dep.statuses, key=lambda s: (s.created_at, s.id), reverse=True)
    chunk, headers = _page(req, statuses)
    return RestAnswer(200, [pl.deployment_status(req.ctx, repo, dep, s) for s in chunk], headers)


@_get("/repos/{owner}/{repo}/releases")
def list_releases(req: RestRequest) -> RestAnswer:
    """`GET /releases` (newest first; drafts included: the demo token has push access)."""
    repo = _repo(req)
    rels = sorted(repo.releases, key=lambda r: (r.created_at, r.id), reverse=True)
    chunk, headers = _page(req, rels)
    return RestAnswer(200, [pl.release(req.ctx, repo, r) for r in chunk], headers)


# ---- security -----------------------------------------------------------------------------

DEPENDABOT_DOCS = f"{DOCS}/dependabot/alerts#list-dependabot-alerts-for-a-repository"
CODE_SCANNING_DOCS = (
    f"{DOCS}/code-scanning/code-scanning#list-code-scanning-alerts-for-a-repository"
)
SECRET_SCANNING_DOCS = (
    f"{DOCS}/secret-scanning/secret-scanning#list-secret-scanning-alerts-for-a-repository"
)


def dependabot_refusal(repo: Repo) -> RestAnswer | None:
    """How GitHub refuses Dependabot alerts for this repo (None: served)."""
    if repo.dependabot == "disabled":
        return error(403, "Dependabot alerts are disabled for this repository.", DEPENDABOT_DOCS)
    if repo.dependabot == "forbidden":
        return error(403, "Resource not accessible by personal access token", DEPENDABOT_DOCS)
    if repo.archived:
        return error(
            403, "Dependabot alerts are not available for archived repositories.", DEPENDABOT_DOCS
        )
    return None


def code_scanning_refusal(repo: Repo) -> RestAnswer | None:
    """How GitHub refuses code-scanning alerts for this repo (None: served)."""
    if repo.code_scanning == "no_analysis":
        return error(404, "no analysis found", CODE_SCANNING_DOCS)
    if repo.code_scanning == "ghas_required":
        return error(
            403,
            "Advanced Security must be enabled for this repository to use code scanning.",
            CODE_SCANNING_DOCS,
        )
    return None


def secret_scanning_refusal(repo: Repo) -> RestAnswer | None:
    """How GitHub refuses secret-scanning alerts for this repo (None: served)."""
    if repo.secret_scanning == "disabled":
        return error(404, "Secret scanning is disabled on this repository.", SECRET_SCANNING_DOCS)
    return None


@_get("/repos/{owner}/{repo}/vulnerability-alerts")
def vulnerability_alerts(req: RestRequest) -> RestAnswer:
    """`GET /vulnerability-alerts`: 204 when Dependabot alerts are on, 404 when off."""
    repo = _repo(req)
    if repo.dependabot == "enabled":
        return RestAnswer(204)
    return error(404, "Vulnerability alerts are disabled.", f"{DOCS}/repos/repos")


def _sorted_alerts(req: RestRequest, rows: list[tuple[Repo, T]]) -> list[tuple[Repo, T]]:
    sort = (req.query.get("sort") or "created").lower()
    attr = "updated_at" if sort == "updated" else "created_at"
    rows.sort(
        key=lambda row: (getattr(row[1], attr), row[0].id, getattr(row[1], "number", 0)),
        reverse=_desc(req),
    )
    return rows


def _alert_key(row: tuple[Repo, Any]) -> str:
    return f"{row[0].id}:{row[1].number}"


def _security_page(
    req: RestRequest,
    rows: list[tuple[Repo, T]],
    render: Callable[[Repo, T], pl.Json],
    *,
    cursor_only: bool,
) -> RestAnswer:
    q = req.query
    rows = _sorted_alerts(req, rows)
    if cursor_only or q.has("after") or q.has("before"):
        try:
            chunk, link = paginate_cursor(rows, q, req.link_base, _alert_key)
        except BadCursor:
            return error(400, "Invalid cursor value", DOCS)
        headers = {"Link": link} if link else {}
    else:
        chunk, headers = _page(req, rows)
    return RestAnswer(200, [render(r, a) for r, a in chunk], headers)


def _dependabot_filter(req: RestRequest, alerts: list[DependabotAlert]) -> list[DependabotAlert]:
    q = req.query
    for name, get in (
        ("state", lambda a: a.state),
        ("severity", lambda a: a.severity),
        ("ecosystem", lambda a: a.ecosystem),
        ("package", lambda a: a.package),
    ):
        wanted = set(_csv(q.get(name)))
        if wanted:
            alerts = [a for a in alerts if get(a) in wanted]
    return alerts


def _dependabot_listing(req: RestRequest, repos: list[Repo], *, with_repo: bool) -> RestAnswer:
    if req.query.has("page"):
        return error(
            400, "Pagination using the `page` parameter is not supported.", DEPENDABOT_DOCS
        )
    rows = [(r, a) for r in repos for a in _dependabot_filter(req, r.dependabot_alerts)]
    return _security_page(
        req,
        rows,
        lambda r, a: pl.dependabot_alert(req.ctx, r, a, with_repo=with_repo),
        cursor_only=True,
    )


@_get("/repos/{owner}/{repo}/dependabot/alerts")
def list_repo_dependabot(req: RestRequest) -> RestAnswer:
    """`GET /repos/.../dependabot/alerts` (cursor only; 400 on `page`)."""
    refusal = dependabot_refusal(_repo(req))
    if refusal is not None:
        return refusal
    return _dependabot_listing(req, [_repo(req)], with_repo=False)


@_get("/orgs/{org}/dependabot/alerts")
def list_org_dependabot(req: RestRequest) -> RestAnswer:
    """`GET /orgs/{org}/dependabot/alerts`: every repo that serves them."""
    repos = [r for r in req.ctx.org.repos if dependabot_refusal(r) is None]
    return _dependabot_listing(req, repos, with_repo=True)


def _code_filter(req: RestRequest, alerts: list[CodeScanningAlert]) -> list[CodeScanningAlert]:
    q = req.query
    state = q.get("state")
    if state == "closed":
        alerts = [a for a in alerts if a.state in ("fixed", "dismissed")]
    elif state:
        alerts = [a for a in alerts if a.state == state]
    severity = set(_csv(q.get("severity")))
    if severity:
        alerts = [
            a
            for a in alerts
            if a.security_severity_level in severity or a.rule_severity in severity
        ]
    tool = q.get("tool_name")
    if tool:
        alerts = [a for a in alerts if a.tool == tool]
    return alerts


def _secret_filter(
    req: RestRequest, alerts: list[SecretScanningAlert]
) -> list[SecretScanningAlert]:
    q = req.query
    state = q.get("state")
    if state:
        alerts = [a for a in alerts if a.state == state]
    for name, get in (
        ("secret_type", lambda a: a.secret_type),
        ("resolution", lambda a: a.resolution),
    ):
        wanted = set(_csv(q.get(name)))
        if wanted:
            alerts = [a for a in alerts if get(a) in wanted]
    return alerts


def _scanning_routes(
    kind: str,
    refusal: Callable[[Repo], RestAnswer | None],
    alerts_of: Callable[[Repo], list[Any]],
    keep: Callable[[RestRequest, list[Any]], list[Any]],
    payload: Callable[..., dict[str, Any]],
) -> None:
    """Register `GET /repos/.../<kind>/alerts` and `GET /orgs/{org}/<kind>/alerts`.

    Both page by number or by cursor (`before`/`after`); the org listing simply leaves out the
    repos whose per-repo listing is refused, as GitHub does.
    """

    def repo_listing(req: RestRequest) -> RestAnswer:
        repo = _repo(req)
        refused = refusal(repo)
        if refused is not None:
            return refused
        rows = [(repo, a) for a in keep(req, alerts_of(repo))]
        return _security_page(
            req, rows, lambda r, a: payload(req.ctx, r, a, with_repo=False), cursor_only=False
        )

    def org_listing(req: RestRequest) -> RestAnswer:
        rows = [
            (r, a) for r in req.ctx.org.repos if refusal(r) is None for a in keep(req, alerts_of(r))
        ]
        return _security_page(
            req, rows, lambda r, a: payload(req.ctx, r, a, with_repo=True), cursor_only=False
        )

    _get(f"/repos/{{owner}}/{{repo}}/{kind}/alerts")(repo_listing)
    _get(f"/orgs/{{org}}/{kind}/alerts")(org_listing)


_scanning_routes(
    "code-scanning",
    code_scanning_refusal,
    lambda r: r.code_scanning_alerts,
    _code_filter,
    pl.code_scanning_alert,
)
_scanning_routes(
    "secret-scanning",
    secret_scanning_refusal,
    lambda r: r.secret_scanning_alerts,
    _secret_filter,
    pl.secret_scanning_alert,
)


# ---- dispatch -----------------------------------------------------------------------------


def canonical_path(org: Org, path: str) -> str | None:
    """Rewrite GitHub's id forms (`/repositories/{id}/...`, `/organizations/{id}/...`).

    Link headers use those forms, as GitHub does; None when the id is unknown.
    """
    found = re.match(r"^/repositories/(\d+)(/.*)?$", path)
    if found:
        repo = next((r for r in org.repos if r.id == int(found.group(1))), None)
        if repo is None:
            return None
        return f"/repos/{org.login}/{repo.name}{found.group(2) or ''}"
    found = re.match(r"^/organizations/(\d+)(/.*)?$", path)
    if found:
        if int(found.group(1)) != org.id:
            return None
        return f"/orgs/{org.login}{found.group(2) or ''}"
    return path


def dispatch(ctx: pl.Ctx, method: str, path: str, query: Query) -> tuple[str | None, RestAnswer]:
    """Answer one REST request: (route template or None, answer)."""
    org = ctx.org
    canon = canonical_path(org, path)
    if canon is None:
        return None, not_found()
    found = match(method, canon)
    if found is None:
        return None, not_found()
    rt, params = found
    repo: Repo | None = None
    link_base = ctx.api + canon
    if "org" in params:
        if params["org"].lower() != org.login.lower():
            return rt.template, not_found()
        link_base = _org_link(ctx, canon)
    if "owner" in params:
        repo = org.repo(params["repo"])
        if params["owner"].lower() != org.login.lower() or repo is None:
            return rt.template, not_found()
        rest = canon.split("/", 4)[4] if canon.count("/") >= 4 else ""
        link_base = f"{ctx.api}/repositories/{repo.id}" + (f"/{rest}" if rest else "")
    req = RestRequest(ctx=ctx, query=query, params=params, repo=repo, link_base=link_base)
    return rt.template, rt.handler(req)


def _org_link(ctx: pl.Ctx, canon: str) -> str:
    parts = canon.split("/", 3)  # ["", "orgs", login, rest?]
    rest = f"/{parts[3]}" if len(parts) > 3 else ""
    return f"{ctx.api}/organizations/{ctx.org.id}{rest}"


def route_template(org: Org, method: str, path: str) -> str | None:
    """The route template a request path belongs to (for the request log), or None."""
    canon = canonical_path(org, path)
    found = match(method, canon) if canon is not None else None
    return found[0].template if found else None
