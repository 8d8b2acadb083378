"""A deterministic synthetic GitHub organisation that exercises every metric and every edge case.

`generate_org(seed, n_repos, now)` builds an `Org` (see `model.py`). Each repository draws from
its own `random.Random` seeded by (seed, repo index), so a repo's content never depends on how
many repos were asked for. The first repos are the special ones of `SPECIAL_REPOS` (fixed
names, each there to exercise one behaviour); the rest are ordinary repos of varied activity.
Only `now=None` reads the clock (today 00:00 UTC), so `make demo` always has recent activity.
"""

from __future__ import annotations

import gc
import random
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate, pairwise
from math import exp
from typing import TypeVar

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

_T = TypeVar("_T")

DEMO_ORG = "demo-org"

# name -> what is special about it. They come first, in this order.
SPECIAL_REPOS: dict[str, str] = {
    "legacy-archive": "archived: the collector must skip it and count it in archived_skipped",
    "forked-sdk": "a fork: scanned but flagged",
    "empty-repo": "no commits at all: /commits answers 409 'Git Repository is empty.'",
    "dependabot-off": "Dependabot alerts disabled: 403 'Dependabot alerts are disabled for "
    "this repository.'",
    "codescan-never-run": "code scanning enabled but never run: 404 'no analysis found'",
    "codescan-no-ghas": "private repo without Advanced Security: code scanning answers 403 "
    "'Advanced Security must be enabled for this repository to use code scanning.'",
    "secrets-off": "secret scanning disabled: 404 'Secret scanning is disabled on this "
    "repository.'",
    "hostile-text": "hostile text (HTML, Typst, Markdown, LaTeX, backslashes, Unicode) in its "
    "description, PR/issue titles, commit author names and release names",
    "release-train": "no production deployments, but releases: for the `release` deployment "
    "fallback",
    "deploy-by-workflow": "no deployments and no releases, only a 'Deploy' workflow: for the "
    "`workflow` deployment fallback",
    "busy-monorepo": "> 100 PRs in 90 days, and one PR with ~120 reviews and > 100 commits "
    "(nested-connection paging)",
    "ci-heavy": "> 1,000 workflow runs in 90 days (GitHub's 1,000-result cap per filtered query)",
    "security-hotspot": "every alert state and severity, open alerts breaching every SLA, "
    "code-scanning and secret-scanning alerts",
    "docs-only": "no workflows at all (ci.has_workflows false, ci.runs 0)",
    "dormant-tool": "no activity in the last 120 days (no commits in the window)",
}

# Text that must come out of every output escaped, never interpreted.
HOSTILE_TEXTS: tuple[str, ...] = (
    '<script>alert("xss")</script>',
    "<img src=x onerror=alert(1)>",
    '#import "/etc/passwd"',
    "$x$",
    "|pipe|",
    "@ref",
    "C:\\temp\\",
    "日本語 ✓",
    "*bold*",
    "[link](javascript:alert(1))",
)

LANGUAGES = ("Python", "TypeScript", "Go", "Java", "Rust", "Ruby", "Kotlin", "C#", "Shell", "HCL")
PRODUCTION_NAMES = ("production", "Production", "prod")
# Every conclusion GitHub reports, with the share a typical workflow sees.
RUN_CONCLUSIONS: tuple[str, ...] = (
    "success",
    "failure",
    "timed_out",
    "startup_failure",
    "cancelled",
    "skipped",
    "neutral",
    "action_required",
    "stale",
)
_CONCLUSION_WEIGHTS = (84.0, 8.0, 0.8, 0.5, 3.5, 2.0, 0.5, 0.5, 0.2)
_CONCLUSION_CUM = tuple(accumulate(_CONCLUSION_WEIGHTS))
_SEVERITIES = ("critical", "high", "medium", "low")
_FIRST = (
    "alice",
    "bruno",
    "chen",
    "dana",
    "emeka",
    "fatima",
    "goran",
    "hana",
    "ivan",
    "jonas",
    "kavya",
    "lena",
    "mateo",
    "nadia",
    "oren",
    "priya",
    "quinn",
    "rosa",
    "sven",
    "tomoko",
    "umar",
    "vera",
    "wei",
    "ximena",
    "yusuf",
    "zofia",
)
_LAST = (
    "ng",
    "silva",
    "okafor",
    "meyer",
    "kowalski",
    "tanaka",
    "haddad",
    "larsen",
    "rossi",
    "petrov",
    "garcia",
    "kim",
    "novak",
    "dubois",
    "sato",
    "ali",
)
_ADJ = (
    "billing",
    "auth",
    "search",
    "ledger",
    "catalog",
    "notify",
    "gateway",
    "profile",
    "report",
    "ingest",
    "inventory",
    "pricing",
    "checkout",
    "session",
    "metrics",
    "config",
    "media",
    "routing",
    "audit",
    "export",
)
_NOUN = ("service", "api", "worker", "web", "cli", "lib", "infra", "jobs", "ui", "proxy")
_PR_VERBS = ("Add", "Fix", "Refactor", "Remove", "Update", "Speed up", "Document", "Test")
_PR_THINGS = (
    "retry on timeouts",
    "pagination",
    "the login flow",
    "caching layer",
    "error messages",
    "metrics export",
    "config loading",
    "rate limiting",
    "the CSV export",
    "flaky test",
    "null handling",
    "feature flag",
    "database index",
    "logging",
    "input validation",
)
_PACKAGES = (
    ("npm", "lodash"),
    ("npm", "axios"),
    ("npm", "express"),
    ("pip", "requests"),
    ("pip", "urllib3"),
    ("pip", "jinja2"),
    ("go", "golang.org/x/net"),
    ("maven", "log4j-core"),
    ("rubygems", "nokogiri"),
    ("cargo", "openssl"),
    ("pip", "cryptography"),
    ("npm", "ws"),
)
_CODE_RULES: tuple[tuple[str, str, str, str | None], ...] = (
    ("js/xss", "Client-side cross-site scripting", "error", "high"),
    ("py/sql-injection", "SQL query built from user-controlled sources", "error", "critical"),
    (
        "py/weak-cryptographic-algorithm",
        "Use of a broken or weak cryptographic algorithm",
        "warning",
        "medium",
    ),
    ("rb/path-injection", "Uncontrolled data used in path expression", "error", "high"),
    (
        "actions/untrusted-checkout",
        "Checkout of untrusted code in a privileged context",
        "warning",
        "low",
    ),
    ("js/unused-local-variable", "Unused variable, import, function or class", "note", None),
    ("java/missing-override-annotation", "Missing Override annotation", "warning", None),
    ("go/useless-assignment", "Useless assignment", "none", None),
)
_SECRET_TYPES = (
    ("github_personal_access_token", "GitHub Personal Access Token"),
    ("aws_access_key_id", "Amazon AWS Access Key ID"),
    ("slack_incoming_webhook_url", "Slack Incoming Webhook URL"),
    ("stripe_api_key", "Stripe API Key"),
)
_NO_ACCOUNT_AUTHORS = (
    ("Jane Contractor", "jane@contractor.example"),
    ("build-server", "build@ci.internal.example"),
    ("Old Laptop", "root@localhost"),
)
_INCIDENT_LABEL_SETS = (["incident"], ["SEV1"], ["incident", "SEV2"], ["outage"], ["sev3"])

_BOT_SPECS = (  # login, GitHub's bot account id
    ("dependabot[bot]", 49699333),
    ("renovate[bot]", 29139614),
    ("github-actions[bot]", 41898282),
    ("github-advanced-security[bot]", 62310815),
)
_HOUR = 3600.0
_DAY = 86400.0


def _bot_email(user: User) -> str:
    """GitHub's noreply address of a bot account, e.g. `49699333+dependabot[bot]@...`."""
    return f"{user.id}+{user.login}@users.noreply.github.com"


def _human(k: int) -> User:
    """The k-th human of the org; the same for every seed and size."""
    first = _FIRST[k % len(_FIRST)]
    last = _LAST[(k // len(_FIRST)) % len(_LAST)]
    round_ = k // (len(_FIRST) * len(_LAST))
    login = f"{first}-{last}" + (str(round_ + 1) if round_ else "")
    return User(
        login=login,
        id=10_000 + k,
        type="User",
        name=f"{first.title()} {last.title()}",
        email=f"{login}@{DEMO_ORG}.example",
    )


def _pool_size(index: int) -> int:
    """How many humans repo `index` may draw its team from (grows with the org)."""
    return 40 + index // 4


def _repo_name(index: int) -> str:
    """The name of repo `index`: the specials first, then adjective-noun names (unique)."""
    specials = list(SPECIAL_REPOS)
    if index < len(specials):
        return specials[index]
    k = index - len(specials)
    base = f"{_ADJ[k % len(_ADJ)]}-{_NOUN[(k // len(_ADJ)) % len(_NOUN)]}"
    cycle = k // (len(_ADJ) * len(_NOUN))
    return base if cycle == 0 else f"{base}-{cycle + 1}"


class _Rng(random.Random):
    """`random.Random` with cheaper `choice`/`randint` (one `random()` call each).

    The generator calls them millions of times for a 2,000-repo org; the stdlib versions
    draw rejection-sampled bits. The results are just as deterministic.
    """

    def choice(self, seq: Sequence[_T]) -> _T:  # type: ignore[override]
        """One element, with a single `random()` draw."""
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        """An integer in [a, b], with a single `random()` draw."""
        return a + int(self.random() * (b - a + 1))


@dataclass
class _Profile:
    """How one repository behaves; the specials override parts of it."""

    pr_per_day: float
    issues_per_day: float
    deploy: str  # "continuous", "daily", "none"
    prod_env: str
    deploy_workflow: bool
    releases_every_days: float | None
    active_from: datetime
    active_until: datetime
    extra_runs_per_day: float
    workflows: bool
    alerts: int
    bots: bool


class _RepoBuilder:
    """Builds one repository's history from its own random stream."""

    def __init__(
        self,
        rng: _Rng,
        index: int,
        name: str,
        now: datetime,
        start: datetime,
        humans: Callable[[int], User],
        bots: dict[str, User],
    ) -> None:
        """Draw the repo's team from the people its index may use."""
        self.rng = rng
        self.index = index
        self.name = name
        self.now = now
        self.start = start
        self.bots = bots
        self._next_id = (index + 1) * 10_000_000
        pool = _pool_size(index)
        team_size = rng.randint(3, 9)
        self.team = [humans(k) for k in rng.sample(range(pool), team_size)]
        self.hostile = name == "hostile-text"

    # -- small helpers ----------------------------------------------------------------------
    def nid(self) -> int:
        """A new GitHub id, unique in the org (each repo has its own range)."""
        self._next_id += 1
        return self._next_id

    def sha(self) -> str:
        """A random 40-hex commit SHA."""
        return f"{self.rng.getrandbits(160):040x}"

    def at(self, base: datetime, seconds: float) -> datetime:
        """`base` plus whole `seconds` (negative goes back)."""
        return base + timedelta(0, int(seconds))

    def lognorm(self, mu: float, sigma: float) -> float:
        """`random.lognormvariate`, via the cheaper `gauss`."""
        return exp(mu + sigma * self.rng.gauss())

    def times(self, per_day: float, lo: datetime, hi: datetime) -> list[datetime]:
        """Sorted random instants in [lo, hi) at about `per_day` per day."""
        span = (hi - lo).total_seconds()
        if span <= 0 or per_day <= 0:
            return []
        expected = per_day * span / _DAY
        n = max(0, int(self.rng.gauss(expected, max(1.0, expected**0.5) * 0.5) + 0.5))
        rand = self.rng.random
        offsets = sorted(int(rand() * span) for _ in range(n))
        return [lo + timedelta(0, o) for o in offsets]

    def title(self, hostile_rate: float = 0.01) -> str:
        """A PR or issue title; hostile text always in `hostile-text`, sometimes elsewhere."""
        rng = self.rng
        if self.hostile or rng.random() < hostile_rate:
            return f"{rng.choice(_PR_VERBS)} {rng.choice(HOSTILE_TEXTS)}"
        return f"{rng.choice(_PR_VERBS)} {rng.choice(_PR_THINGS)}"


def _profile(rng: _Rng, name: str, now: datetime, start: datetime) -> _Profile:
    """How busy the repo is and how it deploys; the special repos get their fixed traits."""
    kind = rng.random()
    if kind < 0.2:
        pr_rate = rng.uniform(0.05, 0.3)
    elif kind < 0.85:
        pr_rate = rng.uniform(0.4, 1.3)
    else:
        pr_rate = rng.uniform(1.5, 2.5)
    deploy_roll = rng.random()
    deploy = "continuous" if deploy_roll < 0.45 else ("daily" if deploy_roll < 0.8 else "none")
    prof = _Profile(
        pr_per_day=pr_rate,
        issues_per_day=rng.uniform(0.05, 0.4),
        deploy=deploy,
        prod_env=rng.choice(PRODUCTION_NAMES),
        deploy_workflow=deploy != "none" and rng.random() < 0.6,
        releases_every_days=rng.choice((None, 14.0, 21.0, 30.0)),
        active_from=start,
        active_until=now,
        extra_runs_per_day=rng.choice((0.0, 0.0, 0.0, 0.5, 1.0)),
        workflows=True,
        alerts=rng.randint(0, 18),
        bots=rng.random() < 0.8,
    )
    span_days = (now - start).total_seconds() / _DAY
    if name == "legacy-archive":
        prof.active_until = max(start + timedelta(days=1), now - timedelta(days=200))
        prof.active_from = start
        prof.pr_per_day = 0.5
    elif name == "forked-sdk":
        prof.pr_per_day, prof.deploy, prof.releases_every_days = 0.1, "none", None
    elif name == "release-train":
        prof.deploy, prof.deploy_workflow, prof.releases_every_days = "none", False, 7.0
    elif name == "deploy-by-workflow":
        prof.deploy, prof.deploy_workflow, prof.releases_every_days = "workflow", True, None
    elif name == "busy-monorepo":
        prof.pr_per_day, prof.deploy, prof.bots = 3.0, "continuous", True
    elif name == "ci-heavy":
        prof.pr_per_day, prof.extra_runs_per_day = 2.0, 10.0
    elif name == "security-hotspot":
        prof.alerts, prof.deploy = 30, "continuous"
    elif name == "docs-only":
        prof.workflows, prof.deploy, prof.deploy_workflow = False, "none", False
    elif name == "dormant-tool":
        prof.active_until = max(start + timedelta(days=1), now - timedelta(days=120))
        prof.pr_per_day = 0.3
    elif name == "hostile-text":
        prof.pr_per_day, prof.deploy, prof.releases_every_days = 0.5, "continuous", 14.0
    if span_days < 1:
        prof.active_until = prof.active_from
    return prof


def _reviews(b: _RepoBuilder, pr_author: User, begin: datetime, end: datetime) -> list[Review]:
    """A realistic review history between `begin` and `end` (exclusive)."""
    rng = b.rng
    out: list[Review] = []
    span = (end - begin).total_seconds()
    if span <= 60:
        return out
    if rng.random() < 0.10:  # bot review (code scanning comments)
        bot = b.bots["github-advanced-security[bot]"]
        out.append(
            Review(b.nid(), bot, "COMMENTED", begin + timedelta(0, int(min(300.0, span / 4))))
        )
    if rng.random() < 0.06 and pr_author.type == "User":  # self-review (a comment)
        out.append(
            Review(b.nid(), pr_author, "COMMENTED", begin + timedelta(0, int(min(600.0, span / 3))))
        )
    others = [u for u in b.team if u.login != pr_author.login]
    if not others or rng.random() < 0.1:
        return out
    first = int(rng.random() * len(others))
    reviewers = [others[first]]
    if len(others) > 1 and rng.random() < 0.3:  # a second reviewer, never the same person
        reviewers.append(others[(first + 1 + int(rng.random() * (len(others) - 1))) % len(others)])
    t = b.at(begin, min(span * 0.9, b.lognorm(1.4, 1.0) * _HOUR))
    for reviewer in reviewers:
        if t >= end:
            break
        roll = rng.random()
        if roll < 0.15:
            out.append(Review(b.nid(), reviewer, "CHANGES_REQUESTED", t))
            t2 = t + timedelta(0, int(rng.uniform(0.5, 20) * _HOUR))
            if t2 < end:
                out.append(Review(b.nid(), reviewer, "APPROVED", t2))
        elif roll < 0.40:
            out.append(Review(b.nid(), reviewer, "COMMENTED", t))
        elif roll < 0.42:
            out.append(Review(b.nid(), reviewer, "DISMISSED", t))
        else:
            out.append(Review(b.nid(), reviewer, "APPROVED", t))
        t = t + timedelta(0, int(rng.uniform(0.1, 6) * _HOUR))
    if rng.random() < 0.04:  # a review someone started and never submitted
        out.append(Review(b.nid(), rng.choice(others), "PENDING", None))
    return out


def _build_repo(
    seed: int,
    index: int,
    now: datetime,
    start: datetime,
    humans: Callable[[int], User],
    bots: dict[str, User],
) -> Repo:
    """Repository `index`, from its own random stream (independent of the org's size)."""
    name = _repo_name(index)
    rng = _Rng(f"orgmetrics-demo:{seed}:{index}")
    b = _RepoBuilder(rng, index, name, now, start, humans, bots)
    prof = _profile(rng, name, now, start)
    created = start - timedelta(days=rng.randint(30, 900), seconds=rng.randrange(86400))
    language = rng.choice(LANGUAGES)
    private = rng.random() < 0.6
    description: str | None = rng.choice(
        (f"The {name} component.", f"{name}: owned by the platform team.", None)
    )
    if name == "hostile-text":
        description = " ".join(HOSTILE_TEXTS)
        private = False
    repo = Repo(
        id=5_000_000 + index,
        name=name,
        description=description,
        private=private,
        fork=name == "forked-sdk",
        archived=name == "legacy-archive",
        language=language,
        topics=sorted(
            rng.sample(
                ("backend", "frontend", "infra", "payments", "internal", "pci", "data"),
                rng.randint(0, 3),
            )
        ),
        default_branch=rng.choice(("main", "main", "main", "master")),
        created_at=created,
        updated_at=created,
        pushed_at=created,
        # Every label any issue or PR of the demo uses (GitHub lists them all on the repo).
        labels=[
            *("bug", "enhancement", "dependencies", "question", "build"),
            *("incident", "SEV1", "SEV2", "outage", "sev3"),
        ],
    )
    if name == "empty-repo":
        repo.language = None
        repo.description = "Created for a project that never started."
        repo.updated_at = created
        return repo
    # Security feature availability.
    if name == "dependabot-off" or (index >= len(SPECIAL_REPOS) and rng.random() < 0.04):
        repo.dependabot = "disabled"
    if name == "codescan-never-run":
        repo.code_scanning = "no_analysis"
    elif name == "codescan-no-ghas":
        repo.code_scanning, repo.private = "ghas_required", True
    elif index >= len(SPECIAL_REPOS) and rng.random() < 0.12:
        repo.code_scanning = "ghas_required" if repo.private else "no_analysis"
    if name == "secrets-off" or (index >= len(SPECIAL_REPOS) and rng.random() < 0.08):
        repo.secret_scanning = "disabled"

    _activity(b, repo, prof)
    _security(b, repo, prof)
    last = max(
        [repo.created_at]
        + [c.committed_at for c in repo.commits[:1]]
        + [p.updated_at for p in repo.pulls]
        + [i.updated_at for i in repo.issues]
    )
    repo.pushed_at = repo.commits[0].committed_at if repo.commits else created
    repo.updated_at = last
    return repo


def _activity(b: _RepoBuilder, repo: Repo, prof: _Profile) -> None:
    """PRs, commits, issues, workflows and runs, deployments, incidents and releases."""
    rng = b.rng
    lo, hi = prof.active_from, prof.active_until
    default = repo.default_branch
    dependabot, renovate = b.bots["dependabot[bot]"], b.bots["renovate[bot]"]

    # Workflows.
    wf_ci = wf_deploy = wf_nightly = None
    if prof.workflows:
        wf_created = repo.created_at + timedelta(days=1)
        wf_ci = Workflow(
            b.nid(), "CI", ".github/workflows/ci.yml", "active", wf_created, wf_created
        )
        repo.workflows.append(wf_ci)
        if rng.random() < 0.5:
            repo.workflows.append(
                Workflow(
                    b.nid(),
                    "Lint",
                    ".github/workflows/lint.yml",
                    rng.choice(("active", "disabled_manually")),
                    wf_created,
                    wf_created,
                )
            )
        if prof.deploy_workflow:
            wf_deploy = Workflow(
                b.nid(), "Deploy", ".github/workflows/deploy.yml", "active", wf_created, wf_created
            )
            repo.workflows.append(wf_deploy)
        if prof.extra_runs_per_day > 0:
            wf_nightly = Workflow(
                b.nid(),
                "Nightly",
                ".github/workflows/nightly.yml",
                "active",
                wf_created,
                wf_created,
            )
            repo.workflows.append(wf_nightly)

    runs: list[WorkflowRun] = []
    now = b.now
    rand, gauss, nid = rng.random, rng.gauss, b.nid
    at, new_sha, uniform, choice = b.at, b.sha, rng.uniform, rng.choice
    cum, total = _CONCLUSION_CUM, _CONCLUSION_CUM[-1]

    def add_run(
        wf: Workflow, event: str, branch: str, sha: str, t: datetime, conclusion: str | None = None
    ) -> WorkflowRun | None:
        """Record a run of `wf` triggered at `t` (none if `t` is after the history ends)."""
        if t >= now:  # triggered after the end of the history: not there yet
            return None
        started = t + timedelta(0, int(2 + 38 * rand()))
        concl = conclusion or RUN_CONCLUSIONS[bisect(cum, rand() * total)]
        if concl in ("skipped", "startup_failure"):
            end = started + timedelta(0, int(1 + 4 * rand()))
        else:
            end = started + timedelta(0, int(exp(6.0 + 0.6 * gauss())))  # ~7 minutes median
        if end >= now:  # still going at the end of the history
            status = "in_progress" if started < now else "queued"
            first = min(started, now)
            run = WorkflowRun(
                nid(),
                wf.id,
                wf.name,
                wf.path,
                event,
                status,  # type: ignore[arg-type]
                None,
                branch,
                sha,
                t,
                first,
                first,
            )
        else:
            run = WorkflowRun(
                nid(),
                wf.id,
                wf.name,
                wf.path,
                event,
                "completed",
                concl,  # type: ignore[arg-type]
                branch,
                sha,
                t,
                started,
                end,
            )
        runs.append(run)
        return run

    # Pull requests and the default branch's commits.
    commits: list[Commit] = []
    merges: list[tuple[datetime, str]] = []  # (merged_at, squash sha) into the default branch
    squashes: list[tuple[Commit, PullRequest]] = []
    pr_times = b.times(prof.pr_per_day, lo, hi)
    pulls: list[PullRequest] = []
    bot_share = 0.17 if prof.bots else 0.0
    for created in pr_times:
        roll = rand()
        if roll < bot_share * 0.7:
            author: User = dependabot
        elif roll < bot_share:
            author = renovate
        else:
            author = choice(b.team)
        is_bot = author.type == "Bot"
        base = default if (is_bot or rand() < 0.92) else choice(("develop", "release/1.x"))
        pkg = choice(_PACKAGES)[1]
        if is_bot:
            title = f"Bump {pkg} from 1.{rng.randint(0, 9)}.0 to 1.{rng.randint(10, 19)}.0"
            head = f"{author.login[:-5]}/{pkg}-{rng.randint(1, 999)}"
        else:
            title = b.title()
            head = f"{author.login}/{choice(_PR_THINGS).replace(' ', '-')}"
        # Commits of the PR: the first one a little before the PR was opened.
        n_commits = 1 if is_bot else rng.randint(1, 4)
        first = created + timedelta(0, int(-uniform(0, 48) * _HOUR))
        pr_commits: list[Commit] = []
        t = first
        for _ in range(n_commits):
            pr_commits.append(
                Commit(
                    new_sha(),
                    title,
                    author.name or author.login,
                    author.email or _bot_email(author),
                    t,
                    t,
                    author,
                )
            )
            t = t + timedelta(0, int(uniform(0.1, 10) * _HOUR))
            if t > created:
                t = created
        draft = False
        ready: datetime | None = None
        if not is_bot and rand() < 0.12:  # opened as a draft
            ready = created + timedelta(0, int(uniform(0.5, 72) * _HOUR))
            if ready >= now or rand() < 0.15:  # still a draft (some are abandoned work)
                draft, ready = True, None
        begin = ready or created
        life = exp(3.0 + 1.2 * gauss()) * _HOUR  # ~20 h median
        if is_bot:
            life = exp(2.5 + 1.5 * gauss()) * _HOUR
        outcome_end = begin + timedelta(0, int(life))
        fate = rand()
        stays_open = draft or fate < 0.03 or outcome_end >= now
        merged_at = closed_at = None
        if not stays_open:
            closed_at = outcome_end
            if fate < 0.88:
                merged_at = outcome_end
        state = "closed" if closed_at else "open"
        end = closed_at or now
        reviews = [] if draft else _reviews(b, author, begin, end)
        if is_bot and not draft and rand() < 0.5:
            reviews = reviews[:1]
        labels: list[str] = []
        if is_bot:
            labels.append("dependencies")
        elif rand() < 0.1:
            labels.append(choice(("bug", "enhancement")))
        updated = max(
            [end if closed_at else created] + [r.submitted_at for r in reviews if r.submitted_at]
        )
        pr = PullRequest(
            number=0,
            id=nid(),
            title=title,
            user=author,
            state=state,  # type: ignore[arg-type]
            draft=draft,
            created_at=created,
            updated_at=updated,
            closed_at=closed_at,
            merged_at=merged_at,
            base_ref=base,
            head_ref=head,
            labels=labels,
            reviews=reviews,
            commits=pr_commits,
            ready_for_review_at=ready,
        )
        pulls.append(pr)
        if wf_ci is not None:
            add_run(wf_ci, "pull_request", head, pr_commits[-1].sha, created + timedelta(0, 30))
            if rand() < 0.12:
                add_run(
                    wf_ci,
                    "pull_request",
                    head,
                    pr_commits[-1].sha,
                    created + timedelta(0, int(uniform(1, 30) * _HOUR)),
                )
        if merged_at is not None and base == default:
            squash = Commit(
                new_sha(),
                title,
                pr_commits[-1].author_name,
                pr_commits[-1].author_email,
                pr_commits[-1].authored_at,
                merged_at,
                author,
            )
            commits.append(squash)
            squashes.append((squash, pr))
            merges.append((merged_at, squash.sha))
            if wf_ci is not None:
                add_run(wf_ci, "push", default, squash.sha, merged_at + timedelta(0, 20))

    # Commits whose author has no GitHub account, and bot commits without a linked account.
    for t in b.times(0.08, lo, hi):
        name_, email = choice(_NO_ACCOUNT_AUTHORS)
        if b.hostile:
            name_ = f"{choice(HOSTILE_TEXTS)} {name_}"
        commits.append(Commit(new_sha(), "Direct push", name_, email, t, t, None))
    if prof.bots:
        for t in b.times(1 / 7, lo, hi):
            commits.append(
                Commit(
                    new_sha(),
                    "chore(deps): lock file maintenance",
                    "renovate[bot]",
                    _bot_email(renovate),
                    t,
                    t,
                    None,
                )
            )
        for t in b.times(0.05, lo, hi):
            commits.append(
                Commit(
                    new_sha(),
                    "Dependabot auto-merge",
                    "dependabot[bot]",
                    _bot_email(dependabot),
                    t,
                    t,
                    dependabot,
                )
            )

    # Issues (incidents are added with the deployments).
    issue_objs: list[Issue] = []
    for t in b.times(prof.issues_per_day, lo, hi):
        life = b.lognorm(4.0, 1.5) * _HOUR
        closed = at(t, life)
        closed_at = closed if closed < now and rand() < 0.85 else None
        issue_objs.append(
            Issue(
                0,
                nid(),
                b.title(0.01),
                choice(b.team),
                "closed" if closed_at else "open",
                t,
                closed_at or t,
                closed_at,
                [choice(("bug", "enhancement", "question"))],
            )
        )

    # Deployments to staging and production, with their status histories.
    deploys: list[tuple[datetime, str, str]] = []  # (time, sha, outcome) to production
    if prof.deploy in ("continuous", "daily", "workflow") and merges:
        if prof.deploy == "continuous":
            deploys = [(at(m, uniform(5, 90) * 60), sha, "") for m, sha in merges]
        else:
            merges.sort()
            day = lo.replace(hour=14, minute=0, second=0)
            i = 0
            while day < hi:
                latest = None
                while i < len(merges) and merges[i][0] < day:
                    latest = merges[i][1]
                    i += 1
                if latest is not None and day.weekday() < 5:
                    deploys.append((day, latest, ""))
                day += timedelta(days=1)
    deploys.sort()
    successes: list[tuple[datetime, int, Deployment]] = []
    for when, sha, _ in deploys:
        if when >= now:
            continue
        roll = rand()
        outcome = (
            "success"
            if roll < 0.84
            else ("failure" if roll < 0.94 else ("error" if roll < 0.97 else "pending"))
        )
        if prof.deploy == "workflow":
            if wf_deploy is not None:
                add_run(
                    wf_deploy,
                    "push",
                    default,
                    sha,
                    when,
                    "success" if outcome == "success" else "failure",
                )
            continue
        if rand() < 0.8:  # staging first
            st = at(when, -uniform(10, 40) * 60)
            repo.deployments.append(
                Deployment(
                    nid(),
                    sha,
                    default,
                    "staging",
                    st,
                    st,
                    choice(b.team),
                    statuses=[DeploymentStatus(nid(), "success", at(st, 120))],
                )
            )
        attempts = [(when, outcome)]
        if outcome in ("failure", "error"):  # recovery: a redeploy a few hours later
            attempts.append((at(when, uniform(0.3, 8) * _HOUR), "success"))
        for t0, out in attempts:
            if t0 >= now:
                break
            dep = Deployment(nid(), sha, default, prof.prod_env, t0, t0, choice(b.team))
            dep.statuses.append(DeploymentStatus(nid(), "pending", t0))
            t1 = at(t0, uniform(20, 120))
            if t1 < now:
                dep.statuses.append(DeploymentStatus(nid(), "in_progress", t1))
            t2 = at(t1, uniform(60, 1200))
            if out != "pending" and t2 < now:
                dep.statuses.append(DeploymentStatus(nid(), out, t2))  # type: ignore[arg-type]
                if out == "success":
                    successes.append((t2, dep.id, dep))
            dep.updated_at = dep.statuses[-1].created_at
            repo.deployments.append(dep)
            if wf_deploy is not None:
                add_run(
                    wf_deploy,
                    "push",
                    default,
                    sha,
                    t0,
                    "success" if out == "success" else "failure",
                )

    # GitHub marks a successful deployment inactive when the next one succeeds.
    successes.sort()
    for (_, _, older), (t_next, _, _) in pairwise(successes):
        older.statuses.append(DeploymentStatus(nid(), "inactive", t_next))
        older.updated_at = t_next
    incident_bases = [t for t, _, _ in successes]

    # Incidents: some shortly after a deployment (within and beyond 72 h), a few unrelated.
    incident_times: list[datetime] = []
    for base_t in incident_bases:
        roll = rand()
        if roll < 0.05:
            incident_times.append(at(base_t, uniform(0.5, 70) * _HOUR))
        elif roll < 0.07:
            incident_times.append(at(base_t, uniform(74, 140) * _HOUR))
    incident_times.extend(b.times(0.01, lo, hi))
    for t in incident_times:
        if t >= now:
            continue
        closed = at(t, b.lognorm(1.8, 1.0) * _HOUR)
        closed_at = closed if closed < now and rand() < 0.9 else None
        title = f"Incident: {choice(('elevated 5xx', 'latency spike', 'login failures'))}"
        if b.hostile:
            title = f"Incident: {choice(HOSTILE_TEXTS)}"
        issue_objs.append(
            Issue(
                0,
                nid(),
                title,
                choice(b.team),
                "closed" if closed_at else "open",
                t,
                closed_at or t,
                closed_at,
                list(choice(_INCIDENT_LABEL_SETS)),
            )
        )

    # Other workflow runs: nightly schedules, extra CI load.
    if wf_nightly is not None:
        for t in b.times(prof.extra_runs_per_day, lo, hi):
            add_run(wf_nightly, "schedule", default, new_sha(), t)

    # Releases.
    if prof.releases_every_days:
        t = at(lo, uniform(0, prof.releases_every_days) * _DAY)
        minor = 0
        while t < hi:
            minor += 1
            tag = f"v1.{minor}.0"
            rel_name = tag if not b.hostile else f"{tag} {choice(HOSTILE_TEXTS)}"
            if rand() < 0.15:
                rc = at(t, -2 * _DAY)
                if rc >= lo:
                    repo.releases.append(
                        Release(
                            nid(),
                            f"{tag}-rc.1",
                            f"{rel_name} RC",
                            False,
                            True,
                            rc,
                            rc,
                            choice(b.team),
                        )
                    )
            repo.releases.append(
                Release(nid(), tag, rel_name, False, False, t, at(t, 600), choice(b.team))
            )
            t = at(t, prof.releases_every_days * _DAY * uniform(0.7, 1.3))
        if rand() < 0.5 or b.name == "release-train":
            repo.releases.append(
                Release(
                    nid(),
                    f"v1.{minor + 1}.0",
                    "Next release (draft)",
                    True,
                    False,
                    at(hi, -_DAY),
                    None,
                    choice(b.team),
                )
            )

    _specials(b, repo, pulls, issue_objs, add_run, wf_ci)

    # Numbers: PRs and issues share one sequence, in creation order.
    numbered: list[PullRequest | Issue] = [*pulls, *issue_objs]
    numbered.sort(key=lambda o: (o.created_at, o.id))
    for n, obj in enumerate(numbered, start=1):
        obj.number = n
    for squash, pr in squashes:  # GitHub's squash-merge message names the PR
        squash.message = f"{pr.title} (#{pr.number})"
    repo.pulls = sorted(pulls, key=lambda p: p.number)
    repo.issues = sorted(issue_objs, key=lambda i: i.number)
    commits.sort(key=lambda c: (c.committed_at, c.sha), reverse=True)
    repo.commits = commits
    runs.sort(key=lambda r: (r.created_at, r.id))
    counters: dict[int, int] = {}
    for r in runs:
        counters[r.workflow_id] = counters.get(r.workflow_id, 0) + 1
        r.run_number = counters[r.workflow_id]
    repo.runs = runs
    repo.deployments.sort(key=lambda d: (d.created_at, d.id))
    repo.releases.sort(key=lambda r: (r.created_at, r.id))


def _specials(
    b: _RepoBuilder,
    repo: Repo,
    pulls: list[PullRequest],
    issues: list[Issue],
    add_run: Callable[..., WorkflowRun | None],
    wf_ci: Workflow | None,
) -> None:
    """The deliberate, always-present edge cases of the special repos."""
    rng, now = b.rng, b.now
    span = (now - b.start).total_seconds()

    def ago(days: float) -> datetime:
        """`days` before now, but never before the history starts."""
        return b.at(now, -min(days * _DAY, max(span - _HOUR, 0.0)))

    if b.name == "busy-monorepo":
        author = b.team[0]
        created = ago(25)
        merged = ago(18)
        reviewers = [u for u in b.team if u.login != author.login]
        states = ("COMMENTED", "COMMENTED", "CHANGES_REQUESTED", "COMMENTED", "APPROVED")
        reviews = [
            Review(
                b.nid(),
                reviewers[k % len(reviewers)],
                states[k % len(states)],  # type: ignore[arg-type]
                b.at(created, 3600 + k * 3000),
            )
            for k in range(120)
        ]
        t0 = b.at(created, -5 * _DAY)
        pr_commits = [
            Commit(
                b.sha(),
                f"WIP step {k}",
                author.name or author.login,
                author.email or "",
                b.at(t0, k * 1800),
                b.at(t0, k * 1800),
                author,
            )
            for k in range(105)
        ]
        pulls.append(
            PullRequest(
                0,
                b.nid(),
                "Migrate the monorepo build to Bazel",
                author,
                "closed",
                False,
                created,
                merged,
                merged,
                merged,
                repo.default_branch,
                f"{author.login}/bazel",
                labels=["build"],
                reviews=reviews,
                commits=pr_commits,
            )
        )
        # A PR labelled like an incident: it must not count as an incident (PRs are not issues).
        pr_author = b.team[-1]
        t = ago(6)
        pulls.append(
            PullRequest(
                0,
                b.nid(),
                "Hotfix for the checkout outage",
                pr_author,
                "closed",
                False,
                t,
                b.at(t, 3 * _HOUR),
                b.at(t, 3 * _HOUR),
                b.at(t, 3 * _HOUR),
                repo.default_branch,
                "hotfix/checkout",
                labels=["incident", "SEV1"],
                commits=[
                    Commit(
                        b.sha(),
                        "Hotfix",
                        pr_author.name or "",
                        pr_author.email or "",
                        t,
                        t,
                        pr_author,
                    )
                ],
                reviews=[Review(b.nid(), b.team[0], "APPROVED", b.at(t, _HOUR))],
            )
        )
    if b.name == "ci-heavy" and wf_ci is not None:
        # One run of every conclusion, plus runs still going, so each appears for sure.
        for k, concl in enumerate(RUN_CONCLUSIONS):
            add_run(wf_ci, "push", repo.default_branch, b.sha(), ago(3 + k * 0.5), concl)
        running = add_run(wf_ci, "push", repo.default_branch, b.sha(), b.at(now, -300))
        queued = add_run(wf_ci, "workflow_dispatch", repo.default_branch, b.sha(), b.at(now, -30))
        if running is not None and queued is not None:
            running.status, running.conclusion = "in_progress", None
            running.updated_at = running.run_started_at = b.at(now, -240)
            queued.status, queued.conclusion = "queued", None
            queued.updated_at = queued.run_started_at = b.at(now, -30)
    if b.name == "security-hotspot":
        # Old open PRs (opened long before any lookback), a draft and a PR into a side branch.
        for days, draft, base in (
            (300, False, repo.default_branch),
            (150, True, "develop"),
            (2, True, repo.default_branch),
            (40, False, "release/2.x"),
        ):
            author = rng.choice(b.team)
            t = ago(days)
            pulls.append(
                PullRequest(
                    0,
                    b.nid(),
                    f"Long-running: {rng.choice(_PR_THINGS)}",
                    author,
                    "open",
                    draft,
                    t,
                    t,
                    None,
                    None,
                    base,
                    f"{author.login}/long-{days}",
                    commits=[
                        Commit(
                            b.sha(), "start", author.name or "", author.email or "", t, t, author
                        )
                    ],
                    reviews=[Review(b.nid(), b.team[0], "PENDING", None)],
                )
            )
        # A merged PR whose author and one reviewer deleted their accounts (GitHub's "ghost").
        t = ago(10)
        merged = b.at(t, 20 * _HOUR)
        pulls.append(
            PullRequest(
                0,
                b.nid(),
                "Work by a deleted account",
                None,
                "closed",
                False,
                t,
                merged,
                merged,
                merged,
                repo.default_branch,
                "ghost/branch",
                reviews=[
                    Review(b.nid(), None, "COMMENTED", b.at(t, _HOUR)),
                    Review(b.nid(), b.team[0], "APPROVED", b.at(t, 2 * _HOUR)),
                ],
            )
        )
        # An incident still open at the end of the history.
        t = ago(1)
        issues.append(
            Issue(
                0,
                b.nid(),
                "Incident: payment provider timeouts",
                b.team[0],
                "open",
                t,
                t,
                None,
                ["incident", "SEV1"],
            )
        )


def _security(b: _RepoBuilder, repo: Repo, prof: _Profile) -> None:
    """Dependabot, code-scanning and secret-scanning alerts over the repo's life."""
    rng, now = b.rng, b.now
    if repo.dependabot == "enabled":
        alerts: list[DependabotAlert] = []
        life_span = (now - max(repo.created_at, b.start - timedelta(days=180))).total_seconds()
        fix_days = {"critical": 5.0, "high": 20.0, "medium": 60.0, "low": 120.0}
        for _ in range(prof.alerts):
            sev = rng.choices(_SEVERITIES, (8, 25, 45, 22))[0]
            created = b.at(now, -rng.uniform(0, life_span))
            alerts.append(_dependabot_alert(b, sev, created, rng.expovariate(1 / fix_days[sev])))
        if b.name == "security-hotspot":
            # Open alerts past every SLA (critical 7, high 30, medium 90, low 180 days), one
            # critical still inside it, and every closed state of every severity.
            for sev, days in (
                ("critical", 12),
                ("high", 45),
                ("medium", 100),
                ("low", 200),
                ("critical", 2),
                ("high", 3),
            ):
                alerts.append(_dependabot_alert(b, sev, b.at(now, -days * _DAY), None))
            for k, sev in enumerate(_SEVERITIES):
                for state in ("fixed", "dismissed", "auto_dismissed"):
                    created = b.at(now, -(20 + k) * _DAY)
                    alerts.append(_dependabot_alert(b, sev, created, 5 + k, state))
        alerts.sort(key=lambda a: a.created_at)
        for n, a in enumerate(alerts, start=1):
            a.number = n
        repo.dependabot_alerts = alerts
    if repo.code_scanning == "enabled":
        n_code = rng.randint(0, 8) if b.name != "security-hotspot" else 16
        code: list[CodeScanningAlert] = []
        for k in range(n_code):
            rule = (
                _CODE_RULES[k % len(_CODE_RULES)]
                if b.name == "security-hotspot"
                else (rng.choice(_CODE_RULES))
            )
            created = b.at(now, -rng.uniform(1, 200) * _DAY)
            roll = rng.random()
            if b.name == "security-hotspot":  # 8 open, 4 fixed, 4 dismissed, for sure
                created = b.at(now, -rng.uniform(61, 200) * _DAY)
                roll = 0.1 if k < 8 else (0.7 if k < 12 else 0.9)
            fixed = dismissed = None
            state = "open"
            if roll > 0.55:
                t = b.at(created, rng.uniform(1, 60) * _DAY)
                if t < now:
                    if roll > 0.85:
                        state, dismissed = "dismissed", t
                    else:
                        state, fixed = "fixed", t
            code.append(
                CodeScanningAlert(
                    0,
                    state,  # type: ignore[arg-type]
                    rule[0],
                    rule[1],
                    rule[2],  # type: ignore[arg-type]
                    rule[3],  # type: ignore[arg-type]
                    "CodeQL",
                    created,
                    fixed or dismissed or created,
                    fixed,
                    dismissed,
                )
            )
        code.sort(key=lambda a: a.created_at)
        for n, c in enumerate(code, start=1):
            c.number = n
        repo.code_scanning_alerts = code
    if repo.secret_scanning == "enabled":
        n_secret = rng.choice((0, 0, 0, 1, 2)) if b.name != "security-hotspot" else 4
        secrets: list[SecretScanningAlert] = []
        for k in range(n_secret):
            stype, display = rng.choice(_SECRET_TYPES)
            hotspot = b.name == "security-hotspot"  # alternately resolved and open, for sure
            created = b.at(now, -rng.uniform(30 if hotspot else 1, 150) * _DAY)
            resolved = b.at(created, rng.uniform(1, 20) * _DAY)
            if (k % 2 == 1 or (not hotspot and rng.random() < 0.5)) and resolved < now:
                secrets.append(
                    SecretScanningAlert(
                        0,
                        "resolved",
                        stype,
                        display,
                        created,
                        resolved,
                        resolved,
                        rng.choice(("revoked", "false_positive", "used_in_tests", "wont_fix")),
                    )
                )
            else:
                secrets.append(SecretScanningAlert(0, "open", stype, display, created, created))
        secrets.sort(key=lambda a: a.created_at)
        for n, s in enumerate(secrets, start=1):
            s.number = n
        repo.secret_scanning_alerts = secrets


def _dependabot_alert(
    b: _RepoBuilder,
    severity: str,
    created: datetime,
    close_after_days: float | None,
    state: str | None = None,
) -> DependabotAlert:
    """One alert, closed `close_after_days` after creation (in `state`) if that is before now."""
    rng, now = b.rng, b.now
    eco, pkg = rng.choice(_PACKAGES)
    ghsa = "GHSA-" + "-".join(
        "".join(rng.choice("23456789cfghjmpqrvwx") for _ in range(4)) for _ in range(3)
    )
    year = created.year
    alert = DependabotAlert(
        number=0,
        state="open",
        severity=severity,  # type: ignore[arg-type]
        package=pkg,
        ecosystem=eco,
        ghsa_id=ghsa,
        cve_id=f"CVE-{year}-{rng.randint(10000, 59999)}" if rng.random() < 0.8 else None,
        summary=f"{pkg} vulnerable to {rng.choice(('ReDoS', 'prototype pollution', 'SSRF'))}",
        created_at=created,
        updated_at=created,
    )
    if close_after_days is None:
        return alert
    closed = b.at(created, close_after_days * _DAY)
    if closed >= now:
        return alert
    if state is None:
        roll = rng.random()
        state = "fixed" if roll < 0.7 else ("dismissed" if roll < 0.9 else "auto_dismissed")
    alert.state = state  # type: ignore[assignment]
    alert.updated_at = closed
    if state == "fixed":
        alert.fixed_at = closed
    elif state == "dismissed":
        alert.dismissed_at = closed
        alert.dismissed_reason = rng.choice(
            ("tolerable_risk", "no_bandwidth", "inaccurate", "not_used")
        )
    else:
        alert.auto_dismissed_at = closed
    return alert


def _today(now: datetime | None) -> datetime:
    """The end of the history: `now` to the second, or today 00:00 UTC when None."""
    if now is None:
        return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if now.tzinfo is None:
        raise ValueError("generate_org: `now` must be timezone-aware (UTC)")
    return now.astimezone(UTC).replace(microsecond=0)


def generate_org(
    seed: int = 7,
    n_repos: int = 25,
    now: datetime | None = None,
    history_days: int = 365,
    login: str = DEMO_ORG,
) -> Org:
    """Build the demo organisation; the same arguments always give the same `Org`."""
    if n_repos < 1:
        raise ValueError("generate_org: n_repos must be at least 1")
    if history_days < 1:
        raise ValueError("generate_org: history_days must be at least 1")
    end = _today(now)
    start = end - timedelta(days=history_days)
    bots = {
        login_: User(login=login_, id=bot_id, type="Bot", name=None, email=None)
        for login_, bot_id in _BOT_SPECS
    }
    humans_cache: dict[int, User] = {}

    def humans(k: int) -> User:
        """The k-th human, one shared object per person."""
        user = humans_cache.get(k)
        if user is None:
            user = humans_cache[k] = _human(k)
        return user

    # Millions of small objects and no cycles: the cyclic GC would only slow this down.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        repos = [_build_repo(seed, i, end, start, humans, bots) for i in range(n_repos)]
    finally:
        if gc_was_enabled:
            gc.enable()
    users = [humans_cache[k] for k in sorted(humans_cache)] + list(bots.values())
    return Org(
        login=login,
        id=9_000_001,
        name="Demo Organisation",
        description="A synthetic organisation for orgmetrics' demo and tests.",
        created_at=start - timedelta(days=1000),
        now=end,
        users=users,
        repos=repos,
    )
