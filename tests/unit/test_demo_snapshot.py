"""The offline snapshot: what a complete collection of the demo org would write, without HTTP."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from orgmetrics import schema
from orgmetrics.demo.generate import SPECIAL_REPOS, generate_org
from orgmetrics.demo.model import Org
from orgmetrics.demo.snapshot import write_snapshot
from orgmetrics.errors import SchemaError
from orgmetrics.schema import RUN_METADATA_FIELDS
from orgmetrics.store import read_json

NOW = datetime(2026, 6, 15, tzinfo=UTC)
RUN_ID = "00000000-0000-4000-8000-000000000001"
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@pytest.fixture(scope="module")
def org() -> Org:
    return generate_org(seed=11, n_repos=len(SPECIAL_REPOS) + 1, now=NOW, history_days=200)


@pytest.fixture(scope="module")
def snapshot(org: Org, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("data")
    # The files are validated from disk below; validating again while writing would double that.
    assert write_snapshot(org, root, as_of=NOW, run_id=RUN_ID, validate=False) == RUN_ID
    return root


def _doc(root: Path, name: str) -> dict[str, Any]:
    doc: dict[str, Any] = read_json(root / "raw" / RUN_ID / f"{name}.json")
    return doc


def _timestamps(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [t for v in value.values() for t in _timestamps(v)]
    if isinstance(value, list):
        return [t for v in value for t in _timestamps(v)]
    return [value] if isinstance(value, str) and TIMESTAMP.match(value) else []


def test_every_non_archived_repo_has_a_valid_document(org: Org, snapshot: Path) -> None:
    files = sorted(p.stem for p in (snapshot / "raw" / RUN_ID).glob("*.json"))
    assert files == sorted(r.name for r in org.repos if not r.archived)
    assert "legacy-archive" not in files
    for name in files:
        schema.validate(_doc(snapshot, name), schema.RAW_REPO, source=name)


def test_run_metadata_has_every_contract_field(org: Org, snapshot: Path) -> None:
    metas = list((snapshot / "meta").glob("run_*.json"))
    assert [p.name for p in metas] == ["run_20260615_000000.json"]
    meta = read_json(metas[0])
    assert set(RUN_METADATA_FIELDS) <= set(meta)
    assert meta["status"] == "complete" and meta["run_id"] == RUN_ID
    assert meta["request_count"] == meta["graphql_points"] == meta["not_modified_count"] == 0
    assert meta["repos_total"] == len(org.repos)
    assert meta["archived_skipped"] == 1 and meta["repos"]["archived"] == ["legacy-archive"]
    assert meta["repos_scanned"] == len(meta["repos"]["scanned"]) == len(org.repos) - 1
    # Four refusals: Dependabot 403, code scanning 404 and 403, secret scanning 404.
    assert meta["errors_count"] == sum(
        len(_doc(snapshot, n)["errors"]) for n in meta["repos"]["scanned"]
    )
    assert meta["errors_count"] >= 4


@pytest.mark.parametrize(
    ("repo", "source", "status", "reason"),
    [
        ("dependabot-off", "dependabot_alerts", 403,
         "403 Forbidden: Dependabot alerts are disabled for this repository."),
        ("codescan-never-run", "code_scanning_alerts", 404, "404 Not Found: no analysis found"),
        ("codescan-no-ghas", "code_scanning_alerts", 403, "403 Forbidden: Advanced Security must "
         "be enabled for this repository to use code scanning."),
        ("secrets-off", "secret_scanning_alerts", 404,
         "404 Not Found: Secret scanning is disabled on this repository."),
    ],
)  # fmt: skip
def test_refused_sources_are_unavailable_with_an_error_entry(
    snapshot: Path, repo: str, source: str, status: int, reason: str
) -> None:
    doc = _doc(snapshot, repo)
    assert doc[source] == {"available": False, "truncated": False, "items": []}
    assert {"field": source, "status": status, "reason": reason} in doc["errors"]


def test_empty_repo_is_scanned_with_zero_activity(snapshot: Path) -> None:
    doc = _doc(snapshot, "empty-repo")
    assert doc["repo"]["empty"] is True
    assert doc["commits"] == {"available": True, "truncated": False, "items": []}
    assert doc["errors"] == []


def test_lookback_semantics(org: Org, snapshot: Path) -> None:
    since = NOW - timedelta(days=90)
    for repo in org.repos:
        if repo.archived:
            continue
        doc = _doc(snapshot, repo.name)
        prs = {p["number"]: p for p in doc["pull_requests"]["items"]}
        # Every PR open at as_of is there, however old.
        for pr in repo.pulls:
            if pr.state == "open":
                assert pr.number in prs, (repo.name, pr.number)
        # Nothing with all its activity before the lookback, except PRs merged up to 7 days
        # before it (their first production deployment may be inside it: DORA lead time).
        early = (since - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
        for p in prs.values():
            stamps = [p["created_at"], p["closed_at"]] + [r["submitted_at"] for r in p["reviews"]]
            assert (
                p["state"] == "OPEN"
                or max(s for s in stamps if s) >= "2026-03-17T00:00:00Z"
                or early <= (p["merged_at"] or "") < doc["since"]
            ), (repo.name, p["number"])
        # Every PR merged in that margin is there.
        for pr in repo.pulls:
            if pr.merged_at is not None and since - timedelta(days=7) <= pr.merged_at < since:
                assert pr.number in prs, (repo.name, pr.number)
        # Deployments: created in the lookback, or up to 7 days before it and decided inside it.
        for d in doc["deployments"]["items"]:
            assert d["created_at"] >= doc["since"] or (
                d["created_at"] >= early
                and any(s["created_at"] >= doc["since"] for s in d["statuses"])
            ), (repo.name, d["id"])
        assert all(r["created_at"] >= doc["since"] for r in doc["workflow_runs"]["items"])
        expected_commits = sum(
            since <= c.committed_at < NOW and since <= c.authored_at < NOW for c in repo.commits
        )
        assert len(doc["commits"]["items"]) == expected_commits
        if doc["dependabot_alerts"]["available"]:  # every alert, in every state
            assert len(doc["dependabot_alerts"]["items"]) == len(repo.dependabot_alerts)
    assert _doc(snapshot, "forked-sdk")["since"] == "2026-03-17T00:00:00Z"


def test_snapshot_at_an_earlier_instant_sees_the_past(org: Org, tmp_path: Path) -> None:
    as_of = NOW - timedelta(days=20)
    write_snapshot(org, tmp_path, as_of=as_of, lookback_days=30, run_id="past", validate=False)
    as_of_text = "2026-05-26T00:00:00Z"
    busy = org.repo("busy-monorepo")
    assert busy is not None
    later_merge = next(
        p for p in busy.pulls if p.created_at < as_of and p.merged_at and p.merged_at > as_of
    )
    for path in (tmp_path / "raw" / "past").glob("*.json"):
        doc = read_json(path)
        assert doc["as_of"] == as_of_text
        stamps = [
            t for key, v in doc.items() if key not in ("as_of", "repo") for t in _timestamps(v)
        ]
        assert all(t <= as_of_text for t in stamps), path.name  # as_of included
        if path.stem == "busy-monorepo":
            item = next(
                p for p in doc["pull_requests"]["items"] if p["number"] == later_merge.number
            )
            assert item["state"] == "OPEN" and item["merged_at"] is None


def test_bot_and_ghost_actors(snapshot: Path) -> None:
    docs = [_doc(snapshot, n) for n in SPECIAL_REPOS if n != "legacy-archive"]
    authors = [p["author"] for d in docs for p in d["pull_requests"]["items"]]
    assert {"login": "dependabot[bot]", "is_bot": True} in authors
    assert None in authors  # deleted account
    commits = [c for d in docs for c in d["commits"]["items"]]
    assert any(c["author_login"] is None and c["is_bot"] for c in commits)
    assert any(c["author_login"] is None and not c["is_bot"] for c in commits)


def test_same_run_id_gives_identical_bytes_and_compact_the_same_data(
    org: Org, snapshot: Path, tmp_path: Path
) -> None:
    write_snapshot(org, tmp_path / "a", as_of=NOW, run_id=RUN_ID, validate=False)
    write_snapshot(org, tmp_path / "b", as_of=NOW, run_id=RUN_ID, validate=False, compact=True)
    for path in sorted((snapshot / "raw" / RUN_ID).glob("*.json")):
        again = tmp_path / "a" / "raw" / RUN_ID / path.name
        assert again.read_bytes() == path.read_bytes()
        compact = tmp_path / "b" / "raw" / RUN_ID / path.name
        assert json.loads(compact.read_text("utf-8")) == json.loads(path.read_text("utf-8"))
        assert len(compact.read_bytes()) < len(path.read_bytes())


def test_validation_while_writing_names_the_file(org: Org, tmp_path: Path) -> None:
    hotspot = org.repo("security-hotspot")
    assert hotspot is not None and hotspot.dependabot_alerts
    # GitHub's old word for medium; the schema only knows critical/high/medium/low.
    bad_alert = replace(hotspot.dependabot_alerts[0], severity="moderate")
    bad = replace(org, repos=[replace(hotspot, dependabot_alerts=[bad_alert])])
    with pytest.raises(SchemaError, match=r"security-hotspot\.json: \$\.dependabot_alerts"):
        write_snapshot(bad, tmp_path, as_of=NOW, run_id="bad")
    assert not (tmp_path / "raw" / "bad" / "security-hotspot.json").exists()
    empty = replace(org, repos=[r for r in org.repos if r.name == "empty-repo"])
    write_snapshot(empty, tmp_path, as_of=NOW, run_id="ok")  # validates, and passes
    assert (tmp_path / "raw" / "ok" / "empty-repo.json").is_file()


def test_naive_as_of_is_refused(org: Org, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        write_snapshot(org, tmp_path, as_of=datetime(2026, 1, 1))


def test_fast_timestamp_format_equals_to_iso() -> None:
    from datetime import timezone

    from orgmetrics.demo.snapshot import _ts
    from orgmetrics.timeutil import to_iso

    base = datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC)
    moments = [base + timedelta(seconds=k * 7919) for k in range(5000)]
    moments += [
        datetime(2026, 3, 1, 12, 0, 0, 999, tzinfo=UTC),  # microseconds: the slow path
        datetime(2026, 3, 1, 1, 30, tzinfo=timezone(timedelta(hours=2))),  # another zone
        datetime(2024, 2, 29, 0, 0, tzinfo=UTC),
    ]
    assert [_ts(m) for m in moments] == [to_iso(m) for m in moments]


def test_a_token_without_dependabot_permission_is_an_error_entry(org: Org) -> None:
    from orgmetrics.demo.snapshot import raw_document

    hotspot = org.repo("security-hotspot")
    assert hotspot is not None
    doc = raw_document(
        org, replace(hotspot, dependabot="forbidden"), as_of=NOW, lookback_days=90, run_id="r"
    )
    assert doc["dependabot_alerts"]["available"] is False
    assert doc["errors"] == [
        {
            "field": "dependabot_alerts",
            "status": 403,
            "reason": "403 Forbidden: Resource not accessible by personal access token",
        }
    ]
