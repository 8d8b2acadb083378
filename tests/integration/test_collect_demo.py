"""End-to-end collection of the demo org over HTTP against the fake GitHub, with faults injected.

Expected values come from the demo model (what GitHub stores), never from the collector.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from orgmetrics.collect import CollectResult, collect_org
from orgmetrics.collect.repo_collector import write_document
from orgmetrics.demo.generate import SPECIAL_REPOS
from orgmetrics.demo.model import Deployment, Org, Repo
from orgmetrics.demo.server import FakeGitHub
from orgmetrics.errors import SchemaError
from orgmetrics.schema import RUN_METADATA_FIELDS
from orgmetrics.timeutil import to_iso
from tests.integration._collect_fixtures import (
    LOOKBACK,
    NOW,
    TOKEN,
    baseline_docs,
    config_for,
    demo_org,
    fast_client,
    read_docs,
    without_run_id,
)

SINCE = NOW - timedelta(days=LOOKBACK)
INCIDENT = re.compile(r"(incident|sev[0-9]|outage)", re.IGNORECASE)
SOURCES = (
    "pull_requests",
    "deployments",
    "incidents",
    "commits",
    "workflows",
    "workflow_runs",
    "releases",
    "dependabot_alerts",
    "code_scanning_alerts",
    "secret_scanning_alerts",
)


class Collected:
    """One collection of the demo org: its result, documents, metadata and the fake's log."""

    def __init__(self, org: Org, result: CollectResult, fake: FakeGitHub, retries: int) -> None:
        self.org = org
        self.result = result
        self.docs = read_docs(result.raw_dir)
        self.meta: dict[str, Any] = json.loads(result.meta_path.read_text("utf-8"))
        self.requests_seen = fake.log.total
        self.statuses = Counter(entry.status for entry in fake.log.entries)
        self.retries = retries
        self.data_dir = result.raw_dir.parent.parent


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collected]:
    """The demo org collected once, surviving one 5xx and one secondary rate limit."""
    org = demo_org()
    data_dir = tmp_path_factory.mktemp("collect") / "data"
    with FakeGitHub(org, token=TOKEN) as fake:
        fake.faults.add(r"^/graphql", "status", status=502, times=1)
        fake.faults.add(r"/actions/workflows", "secondary_limit", retry_after=1, times=1)
        client = fast_client(fake)
        result = collect_org(
            config_for(fake), data_dir=data_dir, as_of=NOW, progress=False, client=client
        )
        yield Collected(org, result, fake, client.stats.retries)


def model_repo(org: Org, name: str) -> Repo:
    repo = org.repo(name)
    assert repo is not None
    return repo


def test_run_completes_and_skips_archived(collected: Collected) -> None:
    org = collected.org
    archived = sorted(r.name for r in org.repos if r.archived)
    scanned = sorted(r.name for r in org.repos if not r.archived)
    assert archived == ["legacy-archive"]
    assert collected.result.status == "complete"
    assert sorted(collected.docs) == scanned
    meta = collected.meta
    assert meta["status"] == "complete"
    assert meta["repos_total"] == len(org.repos)
    assert meta["archived_skipped"] == 1
    assert meta["repos_scanned"] == len(scanned)
    assert meta["repos"]["archived"] == archived
    assert meta["repos"]["missing"] == []


def test_faults_were_survived(collected: Collected) -> None:
    assert collected.statuses[502] == 1  # the injected 5xx happened ...
    assert collected.statuses[403] >= 1  # ... and so did the secondary limit
    assert collected.retries >= 2  # both were retried, not recorded as data errors
    assert collected.meta["retries"] == collected.retries
    for name, doc in collected.docs.items():
        assert doc["errors"] == EXPECTED_ERRORS.get(name, []), name


EXPECTED_ERRORS = {
    "dependabot-off": [
        {
            "field": "dependabot_alerts",
            "status": 403,
            "reason": "403 Forbidden: Dependabot alerts are disabled for this repository.",
        }
    ],
    "codescan-never-run": [
        {
            "field": "code_scanning_alerts",
            "status": 404,
            "reason": "404 Not Found: no analysis found",
        }
    ],
    "codescan-no-ghas": [
        {
            "field": "code_scanning_alerts",
            "status": 403,
            "reason": "403 Forbidden: Advanced Security must be enabled for this repository to "
            "use code scanning.",
        }
    ],
    "secrets-off": [
        {
            "field": "secret_scanning_alerts",
            "status": 404,
            "reason": "404 Not Found: Secret scanning is disabled on this repository.",
        }
    ],
}


SPECIALS_HERE = sorted(
    r.name for r in demo_org().repos if r.name in SPECIAL_REPOS and not r.archived
)


@pytest.mark.parametrize("name", SPECIALS_HERE)
def test_special_repo_flags_and_errors(collected: Collected, name: str) -> None:
    doc = collected.docs[name]
    repo = model_repo(collected.org, name)
    assert doc["errors"] == EXPECTED_ERRORS.get(name, [])
    unavailable = {e["field"] for e in doc["errors"]}
    for source in SOURCES:
        assert doc[source]["available"] is (source not in unavailable), source
        assert doc[source]["truncated"] is False, source
        if source in unavailable:
            assert doc[source]["items"] == []
    assert doc["repo"]["fork"] is repo.fork
    assert doc["repo"]["empty"] is repo.empty
    assert doc["repo"]["archived"] is False


def test_empty_repo_is_zero_activity_not_an_error(collected: Collected) -> None:
    doc = collected.docs["empty-repo"]
    assert doc["repo"]["empty"] is True
    assert doc["commits"] == {"available": True, "truncated": False, "items": []}
    assert doc["errors"] == []


def test_fork_is_flagged(collected: Collected) -> None:
    assert collected.docs["forked-sdk"]["repo"]["fork"] is True
    assert all(not d["repo"]["fork"] for n, d in collected.docs.items() if n != "forked-sdk")


def _in_lookback(moment: Any) -> bool:
    return bool(moment is not None and SINCE <= moment <= NOW)


def _collected_deployment(d: Deployment) -> bool:
    """Created in the lookback, or up to 7 days before it with a status inside it."""
    return SINCE - timedelta(days=7) <= d.created_at <= NOW and (
        d.created_at >= SINCE or any(_in_lookback(s.created_at) for s in d.statuses)
    )


@pytest.mark.parametrize("name", ["secrets-off", "hostile-text", "codescan-never-run"])
def test_items_are_what_github_holds(collected: Collected, name: str) -> None:
    doc, repo = collected.docs[name], model_repo(collected.org, name)
    prs = sorted(
        p.number
        for p in repo.pulls
        if p.created_at <= NOW
        and (
            p.updated_at >= SINCE
            or p.state == "open"
            or (p.merged_at is not None and SINCE - timedelta(days=7) <= p.merged_at < SINCE)
        )
    )
    assert [p["number"] for p in doc["pull_requests"]["items"]] == prs
    commits = sorted(
        c.sha for c in repo.commits if _in_lookback(c.authored_at) and _in_lookback(c.committed_at)
    )
    assert sorted(c["sha"] for c in doc["commits"]["items"]) == commits
    runs = sorted(r.id for r in repo.runs if _in_lookback(r.created_at))
    assert [r["id"] for r in doc["workflow_runs"]["items"]] == runs
    assert [w["id"] for w in doc["workflows"]["items"]] == sorted(w.id for w in repo.workflows)
    deployments = sorted(d.id for d in repo.deployments if _collected_deployment(d))
    assert sorted(d["id"] for d in doc["deployments"]["items"]) == deployments
    if doc["dependabot_alerts"]["available"]:
        alerts = sorted(a.number for a in repo.dependabot_alerts if a.created_at <= NOW)
        assert [a["number"] for a in doc["dependabot_alerts"]["items"]] == alerts
        states = {a.number: a.state for a in repo.dependabot_alerts}
        assert all(a["state"] == states[a["number"]] for a in doc["dependabot_alerts"]["items"])


def test_pull_request_details(collected: Collected) -> None:
    repo = model_repo(collected.org, "secrets-off")
    by_number = {p.number: p for p in repo.pulls}
    items = collected.docs["secrets-off"]["pull_requests"]["items"]
    assert items, "the demo repo has pull requests"
    for item in items:
        pr = by_number[item["number"]]
        assert item["created_at"] == to_iso(pr.created_at)
        assert item["merged_at"] == (to_iso(pr.merged_at) if pr.merged_at else None)
        assert item["draft"] is pr.draft
        assert item["base_ref"] == pr.base_ref
        first = min((c.authored_at for c in pr.commits), default=None)
        assert item["first_commit_at"] == (to_iso(first) if first else None)
        submitted = [r for r in pr.reviews]
        assert len(item["reviews"]) == len(submitted)
        assert item["reviews_truncated"] is False
        if pr.user is not None and pr.user.type == "Bot":
            assert item["author"] == {"login": pr.user.login, "is_bot": True}


def test_incidents_are_labelled_issues_only(collected: Collected) -> None:
    for name, doc in collected.docs.items():
        repo = model_repo(collected.org, name)
        wanted = sorted(
            i.number
            for i in repo.issues
            if i.created_at <= NOW
            and (i.updated_at >= SINCE or i.state == "open")
            and any(INCIDENT.fullmatch(label) for label in i.labels)
        )
        assert [i["number"] for i in doc["incidents"]["items"]] == wanted, name
        assert doc["incidents"]["label_pattern"] == r"^(incident|sev[0-9]|outage)$"


def test_run_metadata_has_every_contract_field(collected: Collected) -> None:
    meta = collected.meta
    for key in RUN_METADATA_FIELDS:
        assert key in meta, key
    assert meta["run_id"] == collected.result.run_id
    assert meta["as_of"] == "2026-03-01T00:00:00Z"
    assert meta["request_count"] == collected.requests_seen
    assert meta["errors_count"] == sum(len(d["errors"]) for d in collected.docs.values())
    assert meta["graphql_points"] > 0
    assert collected.result.meta_path.name.startswith("run_")
    assert "token" not in json.dumps(meta["config"]).lower()


def test_no_file_under_data_contains_the_token(collected: Collected) -> None:
    files = [p for p in collected.data_dir.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert TOKEN.encode() not in path.read_bytes(), path


def test_documents_are_deterministic_text(collected: Collected) -> None:
    for name in collected.docs:
        text = (collected.result.raw_dir / f"{name}.json").read_text("utf-8")
        assert (
            text
            == json.dumps(collected.docs[name], sort_keys=True, indent=2, ensure_ascii=False) + "\n"
        )


def test_schema_violation_names_file_path_and_rule(collected: Collected, tmp_path: Path) -> None:
    doc = json.loads(json.dumps(collected.docs["secrets-off"]))
    doc["pull_requests"]["items"][0]["created_at"] = "yesterday"
    target = tmp_path / "secrets-off.json"
    with pytest.raises(SchemaError) as info:
        write_document(target, doc)
    message = str(info.value)
    assert str(target) in message
    assert "$.pull_requests.items[0].created_at" in message
    assert "'pattern'" in message
    assert not target.exists()


def test_without_org_alert_listings_per_repo_listings_give_the_same_snapshot(
    tmp_path: Path,
) -> None:
    """A token that is not an org owner gets 403 on the org listings: same data, per repo."""
    with FakeGitHub(demo_org(), token=TOKEN) as fake:
        fake.faults.add(
            r"^/orgs/demo-org/(dependabot|code-scanning|secret-scanning)/alerts",
            "status",
            status=403,
            times=None,
        )
        result = collect_org(
            config_for(fake),
            data_dir=tmp_path,
            as_of=NOW,
            progress=False,
            client=fast_client(fake),
        )
        per_repo = fake.log.by_endpoint
    assert without_run_id(read_docs(result.raw_dir)) == baseline_docs()
    scanned = len(baseline_docs())
    for route in ("dependabot", "code-scanning", "secret-scanning"):
        assert per_repo[f"GET /repos/{{owner}}/{{repo}}/{route}/alerts"] == scanned
    meta = json.loads(result.meta_path.read_text("utf-8"))
    assert meta["org_alert_listings"]["dependabot_alerts"]["available"] is False
    assert meta["org_alert_listings"]["dependabot_alerts"]["reason"].startswith("403 Forbidden")


def test_ids_beyond_graphql_int_do_not_lose_the_deployment(tmp_path: Path) -> None:
    """GitHub's GraphQL `databaseId: Int` is 32-bit; a larger id is a field error, not data loss."""
    org = demo_org()
    repo = model_repo(org, "hostile-text")
    recent = [d for d in repo.deployments if _collected_deployment(d)]
    assert recent
    recent[0].id = 2**32 + 5
    with FakeGitHub(org, token=TOKEN) as fake:
        config = config_for(fake, include_repos=["hostile-text"])
        result = collect_org(
            config, data_dir=tmp_path, as_of=NOW, progress=False, client=fast_client(fake)
        )
    doc = read_docs(result.raw_dir)["hostile-text"]
    assert doc["deployments"]["available"] is True
    assert doc["errors"] == []
    assert len(doc["deployments"]["items"]) == len(recent)
    assert sum(1 for d in doc["deployments"]["items"] if d["id"] is None) == 1


def test_request_budget_for_repos_that_fit_one_page(tmp_path: Path) -> None:
    """At most 4 charged requests per repo whose lookback fits one page of every source."""
    names = ["codescan-no-ghas", "empty-repo", "forked-sdk"]
    with FakeGitHub(demo_org(), token=TOKEN) as fake:
        config = config_for(fake, include_repos=names, workers=1)
        collect_org(config, data_dir=tmp_path, as_of=NOW, progress=False, client=fast_client(fake))
        charged = fake.log.charged
        by_route = dict(fake.log.by_endpoint)
    # Paid once per run: the org, the repo list, three org alert listings, one facts query.
    run_level = 1 + 1 + 3 + 1
    assert by_route["GET /orgs/{org}"] == 1
    assert (charged - run_level) / len(names) <= 4, by_route
