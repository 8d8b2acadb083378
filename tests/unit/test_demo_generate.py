"""The synthetic organisation: deterministic, and every edge case the metrics need is in it.

Features are found by inspecting the generated org (never by constants copied from its output).
"""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from orgmetrics.demo.generate import (
    DEMO_ORG,
    HOSTILE_TEXTS,
    RUN_CONCLUSIONS,
    SPECIAL_REPOS,
    generate_org,
)
from orgmetrics.demo.model import Deployment, Org, Repo
from orgmetrics.metrics.params import DEFAULT_SLA_DAYS

NOW = datetime(2026, 6, 15, tzinfo=UTC)
PROD = ("production", "Production", "prod")


@pytest.fixture(scope="module")
def org() -> Org:
    return generate_org(seed=7, n_repos=25, now=NOW)


def _repo(org: Org, name: str) -> Repo:
    repo = org.repo(name)
    assert repo is not None, f"missing special repo {name}"
    return repo


def _outcome(dep: Deployment) -> str | None:
    decisive = [s.state for s in dep.statuses if s.state in ("success", "failure", "error")]
    return decisive[-1] if decisive else None


def _success_time(dep: Deployment) -> datetime:
    return next(s.created_at for s in dep.statuses if s.state == "success")


# -- determinism ------------------------------------------------------------------------------


def test_same_arguments_give_the_same_org() -> None:
    assert generate_org(seed=3, n_repos=18, now=NOW, history_days=60) == generate_org(
        seed=3, n_repos=18, now=NOW, history_days=60
    )


def test_different_seed_gives_a_different_org() -> None:
    a = generate_org(seed=1, n_repos=18, now=NOW, history_days=60)
    b = generate_org(seed=2, n_repos=18, now=NOW, history_days=60)
    assert [r.name for r in a.repos] == [r.name for r in b.repos]  # names are fixed
    assert a.repos != b.repos


def test_a_repo_does_not_depend_on_how_many_repos_were_asked_for() -> None:
    small = generate_org(seed=5, n_repos=17, now=NOW, history_days=45)
    large = generate_org(seed=5, n_repos=23, now=NOW, history_days=45)
    assert large.repos[:17] == small.repos


def test_now_none_means_today_midnight_utc() -> None:
    before = datetime.now(UTC)
    org = generate_org(n_repos=1, now=None, history_days=5)
    assert org.now.tzinfo is not None and org.now.utcoffset() == timedelta(0)
    assert (org.now.hour, org.now.minute, org.now.second, org.now.microsecond) == (0, 0, 0, 0)
    assert org.now.date() in {before.date(), datetime.now(UTC).date()}


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        generate_org(n_repos=1, now=datetime(2026, 1, 1))


# -- shape of the org -------------------------------------------------------------------------


def test_org_has_the_special_repos_first_and_unique_names(org: Org) -> None:
    assert org.login == DEMO_ORG
    names = [r.name for r in org.repos]
    assert names[: len(SPECIAL_REPOS)] == list(SPECIAL_REPOS)
    assert len(set(names)) == len(names) == 25
    assert org.now == NOW


def test_several_languages(org: Org) -> None:
    assert len({r.language for r in org.repos if r.language}) >= 5


def test_every_timestamp_is_aware_whole_second_and_not_after_now(org: Org) -> None:
    stamps: list[datetime] = []
    for r in org.repos:
        stamps += [
            r.created_at,
            *(p.created_at for p in r.pulls),
            *(c.authored_at for c in r.commits),
        ]
        for p in r.pulls:
            stamps += [t for t in (p.merged_at, p.closed_at, p.ready_for_review_at) if t]
            stamps += [rv.submitted_at for rv in p.reviews if rv.submitted_at]
        stamps += [x.updated_at for x in r.runs] + [i.created_at for i in r.issues]
        stamps += [s.created_at for d in r.deployments for s in d.statuses]
    assert stamps
    assert all(t.utcoffset() == timedelta(0) and t.microsecond == 0 for t in stamps)
    assert max(stamps) <= NOW


def test_twelve_months_of_history(org: Org) -> None:
    created = [p.created_at for r in org.repos for p in r.pulls]
    assert min(created) < NOW - timedelta(days=330)
    assert max(created) > NOW - timedelta(days=3)


def test_typical_repo_has_tens_of_prs_a_month(org: Org) -> None:
    ordinary = [r for r in org.repos if r.name not in SPECIAL_REPOS]
    per_month = [sum(p.created_at >= NOW - timedelta(days=30) for p in r.pulls) for r in ordinary]
    assert 10 <= statistics.median(per_month) <= 100


def test_chronology_of_pull_requests(org: Org) -> None:
    for r in org.repos:
        numbers = sorted([p.number for p in r.pulls] + [i.number for i in r.issues])
        assert numbers == list(range(1, len(numbers) + 1)), r.name  # one shared sequence
        for p in r.pulls:
            assert (p.merged_at is None) or (p.closed_at == p.merged_at >= p.created_at)
            assert (p.state == "open") == (p.closed_at is None)
            for rv in p.reviews:
                assert rv.submitted_at is None or rv.submitted_at >= p.created_at
    ids = [p.id for r in org.repos for p in r.pulls]
    assert len(ids) == len(set(ids))


# -- special repos ----------------------------------------------------------------------------


def test_archived_fork_and_empty_repos(org: Org) -> None:
    assert _repo(org, "legacy-archive").archived and _repo(org, "legacy-archive").pulls
    assert _repo(org, "forked-sdk").fork
    empty = _repo(org, "empty-repo")
    assert empty.empty and not empty.commits and not empty.pulls and not empty.runs
    assert sum(r.archived for r in org.repos) == 1


def test_security_features_refused_in_github_ways(org: Org) -> None:
    assert _repo(org, "dependabot-off").dependabot == "disabled"
    assert _repo(org, "codescan-never-run").code_scanning == "no_analysis"
    assert _repo(org, "codescan-no-ghas").code_scanning == "ghas_required"
    assert _repo(org, "codescan-no-ghas").private
    assert _repo(org, "secrets-off").secret_scanning == "disabled"
    assert not _repo(org, "dependabot-off").dependabot_alerts


def test_hostile_text_everywhere_it_can_be(org: Org) -> None:
    hostile = _repo(org, "hostile-text")
    assert hostile.description is not None
    for text in HOSTILE_TEXTS:
        assert text in hostile.description
    titles = " ".join(p.title for p in hostile.pulls)
    issue_titles = " ".join(i.title for i in hostile.issues)
    authors = " ".join(c.author_name for c in hostile.commits if c.author is None)
    releases = " ".join(r.name for r in hostile.releases)
    for field in (titles, issue_titles, authors, releases):
        assert sum(text in field for text in HOSTILE_TEXTS) >= 3
    everything = titles + issue_titles + authors + releases
    assert all(text in everything for text in HOSTILE_TEXTS)


def test_pull_requests_cover_drafts_open_old_and_other_branches(org: Org) -> None:
    pulls = [(r, p) for r in org.repos for p in r.pulls]
    assert any(p.draft and p.state == "open" for _, p in pulls)
    assert any(p.ready_for_review_at is not None and not p.draft for _, p in pulls)
    assert any(p.state == "open" and p.created_at < NOW - timedelta(days=90) for _, p in pulls)
    assert any(p.state == "closed" and p.merged_at is None for _, p in pulls)
    assert any(p.base_ref != r.default_branch and p.merged_at for r, p in pulls)
    assert any(p.user is None for _, p in pulls)  # a deleted account


def test_reviews_of_every_kind(org: Org) -> None:
    reviews = [(p, rv) for r in org.repos for p in r.pulls for rv in p.reviews]
    states = Counter(rv.state for _, rv in reviews)
    for state in ("APPROVED", "COMMENTED", "CHANGES_REQUESTED", "PENDING", "DISMISSED"):
        assert states[state] > 0, state
    assert all(rv.submitted_at is None for _, rv in reviews if rv.state == "PENDING")
    assert any(p.user is not None and rv.user == p.user for p, rv in reviews)  # self-review
    assert any(rv.user is not None and rv.user.type == "Bot" for _, rv in reviews)


def test_bots_open_prs_and_commit(org: Org) -> None:
    authors = Counter(p.user.login for r in org.repos for p in r.pulls if p.user)
    assert authors["dependabot[bot]"] > 0 and authors["renovate[bot]"] > 0
    commits = [c for r in org.repos for c in r.commits]
    linked_bots = {c.author.login for c in commits if c.author and c.author.type == "Bot"}
    assert {"dependabot[bot]", "renovate[bot]"} <= linked_bots
    unlinked = [c for c in commits if c.author is None]
    assert any(c.author_email.endswith("[bot]@users.noreply.github.com") for c in unlinked)
    assert any("[bot]" not in c.author_email and "@" in c.author_email for c in unlinked)


def test_incidents_after_deployments_within_and_beyond_72h(org: Org) -> None:
    gaps: list[float] = []
    open_incidents = 0
    for r in org.repos:
        incidents = [i for i in r.issues if {"incident", "SEV1"} & set(i.labels)]
        open_incidents += sum(i.state == "open" for i in incidents)
        successes = sorted(
            _success_time(d)
            for d in r.deployments
            if d.environment in PROD and _outcome(d) == "success"
        )
        for i in incidents:
            before = [t for t in successes if t <= i.created_at]
            if before:
                gaps.append((i.created_at - before[-1]).total_seconds() / 3600)
    assert any(g <= 72 for g in gaps) and any(g > 72 for g in gaps)
    assert open_incidents > 0
    labelled_prs = [p for r in org.repos for p in r.pulls if "incident" in p.labels]
    assert labelled_prs  # a PR with an incident label, which must not count as an incident


def test_workflows_and_runs_of_every_conclusion(org: Org) -> None:
    runs = [x for r in org.repos for x in r.runs]
    conclusions = {x.conclusion for x in runs if x.status == "completed"}
    assert set(RUN_CONCLUSIONS) <= conclusions
    assert {"in_progress", "queued"} <= {x.status for x in runs if x.conclusion is None}
    assert any(w.name == "Deploy" for r in org.repos for w in r.workflows)
    for r in org.repos:
        per_workflow: dict[int, list[int]] = {}
        for x in r.runs:
            per_workflow.setdefault(x.workflow_id, []).append(x.run_number)
            assert x.run_started_at >= x.created_at and x.updated_at >= x.run_started_at
        for numbers in per_workflow.values():
            assert numbers == list(range(1, len(numbers) + 1))


def test_deployments_and_their_status_histories(org: Org) -> None:
    deps = [d for r in org.repos for d in r.deployments]
    assert {"production", "Production", "prod", "staging"} <= {d.environment for d in deps}
    sequences = [[s.state for s in d.statuses] for d in deps]
    assert all(
        [s.created_at for s in d.statuses] == sorted(s.created_at for s in d.statuses) for d in deps
    )
    assert any(seq[-2:] == ["success", "inactive"] for seq in sequences)
    assert any("error" in seq for seq in sequences)
    assert any(seq and not {"success", "failure", "error"} & set(seq) for seq in sequences)
    # A failed production deployment followed by a successful one (recovery).
    recovered = False
    for r in org.repos:
        prod = sorted(
            (d for d in r.deployments if d.environment in PROD), key=lambda d: d.created_at
        )
        for k, d in enumerate(prod):
            if _outcome(d) == "failure" and any(_outcome(n) == "success" for n in prod[k + 1 :]):
                recovered = True
    assert recovered


def test_fallback_repos_for_release_and_workflow_sources(org: Org) -> None:
    release_train = _repo(org, "release-train")
    assert not [
        d for d in release_train.deployments if d.environment.lower() in ("prod", "production")
    ]
    assert any(not x.draft and not x.prerelease and x.published_at for x in release_train.releases)
    by_workflow = _repo(org, "deploy-by-workflow")
    assert not by_workflow.deployments and not by_workflow.releases
    deploy_ids = {w.id for w in by_workflow.workflows if "deploy" in w.name.lower()}
    assert any(
        x.workflow_id in deploy_ids
        and x.conclusion == "success"
        and x.head_branch == by_workflow.default_branch
        for x in by_workflow.runs
    )


def test_releases_include_drafts_and_prereleases(org: Org) -> None:
    releases = [x for r in org.repos for x in r.releases]
    assert any(x.draft and x.published_at is None for x in releases)
    assert any(x.prerelease and not x.draft for x in releases)


def test_dependabot_alerts_every_state_severity_and_sla_breaches(org: Org) -> None:
    alerts = [a for r in org.repos for a in r.dependabot_alerts]
    assert {a.state for a in alerts} == {"open", "fixed", "dismissed", "auto_dismissed"}
    assert {a.severity for a in alerts} == {"critical", "high", "medium", "low"}
    for a in alerts:
        assert (a.fixed_at is not None) == (a.state == "fixed")
        assert (a.dismissed_at is not None) == (a.state == "dismissed")
        assert (a.auto_dismissed_at is not None) == (a.state == "auto_dismissed")
    breached = {
        a.severity
        for a in alerts
        if a.state == "open" and NOW - a.created_at > timedelta(days=DEFAULT_SLA_DAYS[a.severity])
    }
    assert breached == {"critical", "high", "medium", "low"}
    assert any(
        a.state == "open" and a.severity == "critical" and NOW - a.created_at < timedelta(days=7)
        for a in alerts
    )


def test_code_and_secret_scanning_alerts(org: Org) -> None:
    code = [a for r in org.repos for a in r.code_scanning_alerts]
    assert any(a.security_severity_level is not None for a in code)
    assert any(a.security_severity_level is None and a.rule_severity for a in code)
    assert {"open", "fixed", "dismissed"} <= {a.state for a in code}
    secrets = [a for r in org.repos for a in r.secret_scanning_alerts]
    assert {"open", "resolved"} <= {a.state for a in secrets}
    assert all((a.resolved_at is None) == (a.state == "open") for a in secrets)


def test_volume_specials_for_paging_and_caps(org: Org) -> None:
    since = NOW - timedelta(days=90)
    busy = _repo(org, "busy-monorepo")
    assert sum(p.created_at >= since for p in busy.pulls) > 100
    assert max(len(p.reviews) for p in busy.pulls) > 100
    assert max(len(p.commits) for p in busy.pulls) > 100
    heavy = _repo(org, "ci-heavy")
    assert sum(x.created_at >= since for x in heavy.runs) > 1000


def test_docs_only_and_dormant_repos(org: Org) -> None:
    assert not _repo(org, "docs-only").workflows and not _repo(org, "docs-only").runs
    dormant = _repo(org, "dormant-tool")
    assert dormant.commits and max(c.committed_at for c in dormant.commits) < NOW - timedelta(
        days=90
    )


def test_repo_names_stay_unique_for_large_orgs() -> None:
    from orgmetrics.demo.generate import _repo_name

    names = [_repo_name(i) for i in range(10_000)]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z0-9-]+", n) for n in names)  # valid GitHub repo names


def test_large_org_builds_quickly_with_proportional_volume() -> None:
    started = time.perf_counter()
    big = generate_org(n_repos=200, history_days=90, now=NOW)
    elapsed = time.perf_counter() - started
    assert len(big.repos) == 200 and len({r.name for r in big.repos}) == 200
    events = sum(len(r.pulls) + len(r.runs) for r in big.repos)
    assert events > 200 * 100  # scales to hundreds of thousands at 2,000 repos
    assert elapsed < 20  # generous: the machine is shared; README has the measured figure
