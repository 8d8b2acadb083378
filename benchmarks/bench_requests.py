"""Requests the collector spends, against a naive REST-only plan, on the fake GitHub (`make bench`).

Prints, for the demo organisation and a larger generated one:
1. requests, charged requests (that used rate budget), GraphQL points, requests per repo, and
   the ratio naive / ours;
2. the charged requests per repo for the repos whose lookback fits one page of every source;
3. the wall time of both plans with a fixed latency injected per request;
4. a second collection into the same data directory: the share of its requests that were
   charged (the rest are 304s answered from the ETag store).

The naive plan is the seed's pattern, written here: REST only, the PR list then one reviews
call per PR, the deployment list then one statuses call per deployment, and per-repo alert
listings, run with the same worker count.

    python benchmarks/bench_requests.py [--repos 500] [--latency 0.05] [--workers 4]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from orgmetrics.collect import collect_org  # noqa: E402
from orgmetrics.config import load_config  # noqa: E402
from orgmetrics.demo.generate import generate_org  # noqa: E402
from orgmetrics.demo.model import Org, Repo  # noqa: E402
from orgmetrics.demo.server import FakeGitHub  # noqa: E402
from orgmetrics.github import GitHubClient  # noqa: E402
from orgmetrics.timeutil import to_iso  # noqa: E402

NOW = datetime(2026, 3, 1, tzinfo=UTC)
LOOKBACK = 90
TOKEN = "bench-token"
UNLIMITED = 10**9


@dataclass
class Figures:
    """What one collection cost, as the fake GitHub counted it."""

    plan: str
    repos: int
    requests: int
    charged: int
    not_modified: int
    points: int
    seconds: float

    @property
    def per_repo(self) -> float:
        return self.requests / max(1, self.repos)

    @property
    def charged_per_repo(self) -> float:
        return self.charged / max(1, self.repos)


def _fake(org: Org) -> FakeGitHub:
    return FakeGitHub(org, token=TOKEN, core_limit=UNLIMITED, graphql_limit=UNLIMITED).start()


def _config(fake: FakeGitHub, workers: int, include: list[str] | None = None) -> Any:
    env = {"GITHUB_TOKEN": TOKEN, "GITHUB_ORG": fake.org.login, "GITHUB_API_URL": fake.url}
    empty = Path(tempfile.mkdtemp(prefix="bench-cfg-")) / "orgmetrics.toml"
    empty.write_text("", encoding="utf-8")
    overrides: dict[str, Any] = {"workers": workers, "lookback_days": LOOKBACK}
    if include is not None:
        overrides["include_repos"] = include
    return load_config(empty, env=env, overrides=overrides)


def ours(
    fake: FakeGitHub, data_dir: Path, workers: int, include: list[str] | None = None
) -> Figures:
    """One collection by orgmetrics (its own client, ETag store in `data_dir/cache`)."""
    fake.log.reset()
    started = time.perf_counter()
    result = collect_org(
        _config(fake, workers, include), data_dir=data_dir, as_of=NOW, progress=False
    )
    seconds = time.perf_counter() - started
    meta = json.loads(result.meta_path.read_text("utf-8"))
    return Figures(
        "orgmetrics",
        result.repos_written,
        fake.log.total,
        fake.log.charged,
        fake.log.not_modified,
        int(meta["invocations"][-1]["graphql_points"]),
        seconds,
    )


def _naive_repo(client: GitHubClient, org: str, repo: dict[str, Any], since: str) -> None:
    """The seed's per-repo pattern: listings plus one call per PR and per deployment."""
    base = f"/repos/{org}/{repo['name']}"
    pulls = client.paginate(
        f"{base}/pulls", {"state": "all", "sort": "updated", "direction": "desc"}
    ).items
    for pr in pulls:
        if pr["updated_at"] >= since:
            client.paginate(f"{base}/pulls/{pr['number']}/reviews")
    deployments = client.paginate(f"{base}/deployments").items
    for deployment in deployments:
        if deployment["created_at"] >= since:
            client.paginate(f"{base}/deployments/{deployment['id']}/statuses")
    client.paginate(f"{base}/issues", {"state": "all", "since": since})
    client.paginate(f"{base}/commits", {"since": since})
    client.paginate(f"{base}/actions/workflows", items_key="workflows")
    client.paginate(
        f"{base}/actions/runs",
        {"created": f"{since}..{to_iso(NOW)}"},
        items_key="workflow_runs",
    )
    client.paginate(f"{base}/releases")
    for feature, path in (
        ("dependabot_alerts", "dependabot/alerts"),
        ("code_scanning_alerts", "code-scanning/alerts"),
        ("secret_scanning_alerts", "secret-scanning/alerts"),
    ):
        client.paginate(f"{base}/{path}", feature=feature)


def naive(fake: FakeGitHub, workers: int, sample: int = 0) -> Figures:
    """The naive REST-only plan over every non-archived repo (or every k-th, `sample` of them).

    With a sample the figures are scaled up to the whole org and the plan is labelled so.
    """
    fake.log.reset()
    started = time.perf_counter()
    client = GitHubClient(TOKEN, fake.url, max_wait=5.0)
    org = fake.org.login
    everything = [
        r for r in client.paginate(f"/orgs/{org}/repos", {"type": "all"}).items if not r["archived"]
    ]
    repos = everything
    if 0 < sample < len(everything):
        step = len(everything) / sample
        repos = [everything[int(i * step)] for i in range(sample)]
    since = to_iso(NOW - timedelta(days=LOOKBACK))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda r: _naive_repo(client, org, r, since), repos))
    client.close()
    scale = len(everything) / max(1, len(repos))
    label = "naive REST" if scale == 1 else f"naive REST (sample of {len(repos)}, scaled)"
    return Figures(
        label,
        len(everything),
        round(fake.log.total * scale),
        round(fake.log.charged * scale),
        fake.log.not_modified,
        0,
        (time.perf_counter() - started) * scale,
    )


def fits_one_page(repo: Repo) -> bool:
    """The repo's lookback fits the first page of every source the collector reads."""
    since = NOW - timedelta(days=LOOKBACK)
    recent_prs = [p for p in repo.pulls if p.updated_at >= since or p.state == "open"]
    return (
        not repo.archived
        and len(recent_prs) <= 50
        and all(len(p.reviews) <= 30 for p in recent_prs)
        and len([d for d in repo.deployments if d.created_at >= since]) <= 50
        and all(len(d.statuses) <= 30 for d in repo.deployments)
        and len([c for c in repo.commits if c.committed_at >= since]) <= 100
        and len([r for r in repo.runs if r.created_at >= since]) <= 100
        and len(repo.workflows) <= 100
        and len([r for r in repo.releases if r.created_at >= since]) <= 25
        and len([i for i in repo.issues if i.updated_at >= since]) <= 50
    )


def _row(f: Figures) -> str:
    return (
        f"| {f.plan} | {f.repos} | {f.requests} | {f.charged} | {f.points} | "
        f"{f.per_repo:.2f} | {f.charged_per_repo:.2f} | {f.seconds:.1f} |"
    )


HEADER = (
    "| plan | repos | requests | charged | GraphQL points | requests/repo | charged/repo | s |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|"
)


def compare(
    title: str, org: Org, workers: int, work: Path, latency: float = 0.0, sample: int = 0
) -> None:
    """Both plans on one org: request figures (and wall time when `latency` is set)."""
    fake = _fake(org)
    fake.set_latency(latency)
    try:
        mine = ours(fake, work / f"{org.login}-{len(org.repos)}-{latency}", workers)
        theirs = naive(fake, workers, sample)
    finally:
        fake.stop()
    print(f"\n### {title}" + (f" ({latency * 1000:.0f} ms per request)" if latency else ""))
    print(HEADER)
    print(_row(mine))
    print(_row(theirs))
    print(
        f"naive / orgmetrics: {theirs.requests / max(1, mine.requests):.1f}x requests, "
        f"{theirs.charged / max(1, mine.charged):.1f}x charged"
        + (f", {theirs.seconds / max(1e-9, mine.seconds):.1f}x wall time" if latency else "")
    )


def one_page_repos(org: Org, workers: int, work: Path) -> None:
    """Charged requests per repo for repos that fit one page of each source."""
    names = sorted(r.name for r in org.repos if fits_one_page(r))
    if not names:
        print("\n(no repo fits one page of every source)")
        return
    fake = _fake(org)
    try:
        mine = ours(fake, work / "one-page", workers, include=names)
    finally:
        fake.stop()
    print(f"\n### Repos whose lookback fits one page of every source ({len(names)} repos)")
    print(HEADER)
    print(_row(mine))
    # Run-level requests, paid once per run whatever its size: GET /orgs/{org}, the repo list,
    # the three org alert listings and one facts query per 50 repos.
    fixed = 5 + -(-len(names) // 50)
    print(
        f"charged per repo without the {fixed} run-level requests: "
        f"{(mine.charged - fixed) / len(names):.2f} (target <= 4)"
    )


def second_run(org: Org, workers: int, work: Path) -> None:
    """Collect twice into one data directory: the second run's charged share."""
    fake = _fake(org)
    data_dir = work / "twice"
    try:
        first = ours(fake, data_dir, workers)
        again = ours(fake, data_dir, workers)
    finally:
        fake.stop()
    share = again.charged / max(1, again.requests)
    print("\n### Second collection into the same data directory")
    print(HEADER)
    print(_row(first))
    print(_row(again))
    print(
        f"second run: {again.not_modified} of {again.requests} requests answered 304; "
        f"charged share {share:.1%} (target < 20%)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repos", type=int, default=500, help="size of the large org (0: skip)")
    parser.add_argument("--demo-repos", type=int, default=25, help="size of the demo org")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--naive-sample",
        type=int,
        default=50,
        help="large org: run the naive plan on this many repos and scale up (0: all)",
    )
    parser.add_argument("--skip-demo", action="store_true", help="only the large org")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    work = Path(tempfile.mkdtemp(prefix="bench-requests-"))
    try:
        if not args.skip_demo:
            demo = generate_org(seed=7, n_repos=args.demo_repos, now=NOW)
            compare(f"Demo org, {args.demo_repos} repos", demo, args.workers, work)
            one_page_repos(demo, args.workers, work)
            second_run(demo, args.workers, work)
            if args.latency > 0:
                compare(
                    f"Demo org, {args.demo_repos} repos", demo, args.workers, work, args.latency
                )
        if args.repos > 0:
            large = generate_org(seed=11, n_repos=args.repos, now=NOW)
            title = f"Generated org, {args.repos} repos"
            compare(title, large, args.workers, work, sample=args.naive_sample)
            one_page_repos(large, args.workers, work)
            second_run(large, args.workers, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
