"""Paging past the first page: nested reviews, > 100 PRs, GitHub's 1,000-run cap, and page caps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from orgmetrics.collect import collect_org
from orgmetrics.demo.generate import generate_org
from orgmetrics.demo.model import Org
from orgmetrics.demo.server import FakeGitHub
from tests.integration._collect_fixtures import TOKEN, config_for, fast_client, read_docs

NOW = datetime(2026, 3, 1, tzinfo=UTC)
SINCE = NOW - timedelta(days=90)


@pytest.fixture(scope="module")
def org() -> Org:
    return generate_org(seed=7, n_repos=14, now=NOW)  # includes busy-monorepo and ci-heavy


def test_heavy_repos_are_complete(org: Org, tmp_path: Path) -> None:
    with FakeGitHub(org, token=TOKEN) as fake:
        config = config_for(fake, lookback_days=90, include_repos=["busy-monorepo", "ci-heavy"])
        result = collect_org(
            config, data_dir=tmp_path, as_of=NOW, progress=False, client=fast_client(fake)
        )
        run_queries = [p for _m, p, _s in fake.log.entries if "/ci-heavy/actions/runs" in p]
    docs = read_docs(result.raw_dir)
    assert sorted(docs) == ["busy-monorepo", "ci-heavy"]

    busy, repo = docs["busy-monorepo"], org.repo("busy-monorepo")
    assert repo is not None
    # Updated in the lookback, open, or merged up to 7 days before it (DORA lead time).
    early = SINCE - timedelta(days=7)
    expected = sorted(
        p.number
        for p in repo.pulls
        if p.updated_at >= SINCE
        or p.state == "open"
        or (p.merged_at is not None and early <= p.merged_at < SINCE)
    )
    assert len(expected) > 100  # more than one GraphQL page
    assert [p["number"] for p in busy["pull_requests"]["items"]] == expected
    assert busy["pull_requests"]["truncated"] is False
    by_number = {p.number: p for p in repo.pulls}
    most = max(busy["pull_requests"]["items"], key=lambda p: len(p["reviews"]))
    assert len(by_number[most["number"]].reviews) > 100  # paged past the nested first page
    assert len(most["reviews"]) == len(by_number[most["number"]].reviews)
    assert most["reviews_truncated"] is False
    for item in busy["pull_requests"]["items"]:
        commits = by_number[item["number"]].commits
        if commits:
            first = min(c.authored_at for c in commits)
            assert item["first_commit_at"] == first.strftime("%Y-%m-%dT%H:%M:%SZ")

    # More than a page of commits: listed over REST, the same items as GraphQL would give.
    commits = sorted(
        (c for c in repo.commits if SINCE <= c.committed_at <= NOW and c.authored_at >= SINCE),
        key=lambda c: (c.authored_at, c.sha),
    )
    assert len(commits) > 100
    assert [c["sha"] for c in busy["commits"]["items"]] == [c.sha for c in commits]
    for item, commit in zip(busy["commits"]["items"], commits, strict=True):
        human = commit.author is not None and commit.author.type != "Bot"
        assert item["author_login"] == (commit.author.login if human else None)
        assert item["author_email"] == commit.author_email

    heavy, ci_repo = docs["ci-heavy"], org.repo("ci-heavy")
    assert ci_repo is not None
    runs = sorted(r.id for r in ci_repo.runs if SINCE <= r.created_at <= NOW)
    assert len(runs) > 1000  # beyond GitHub's cap for one filtered query
    assert [r["id"] for r in heavy["workflow_runs"]["items"]] == runs
    assert heavy["workflow_runs"]["truncated"] is False
    assert len({q.split("created=")[1].split("&")[0] for q in run_queries}) > 1  # range split


def test_page_cap_flags_truncation(org: Org, tmp_path: Path) -> None:
    with FakeGitHub(org, token=TOKEN) as fake:
        config = config_for(fake, lookback_days=90, include_repos=["busy-monorepo"], max_pages=1)
        result = collect_org(
            config, data_dir=tmp_path, as_of=NOW, progress=False, client=fast_client(fake)
        )
    doc = read_docs(result.raw_dir)["busy-monorepo"]
    assert doc["pull_requests"]["truncated"] is True
    assert doc["workflow_runs"]["truncated"] is True
    assert doc["commits"]["truncated"] is True
    assert doc["pull_requests"]["available"] is True  # truncated is not unavailable
