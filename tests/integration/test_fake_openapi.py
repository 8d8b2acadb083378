"""Every payload the fake GitHub serves validates against GitHub's official response schema.

Schemas: tests/data/openapi/responses.json, vendored from `@octokit/openapi` (MIT) by
tests/data/openapi/extract_responses.py. Payloads are fetched over HTTP from the fake.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import requests
from jsonschema import Draft202012Validator

from orgmetrics.demo.server import FakeGitHub
from tests.integration._fake_fixtures import fake_fixture, gh_fixture  # noqa: F401 - fixtures

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "openapi" / "responses.json"
R = "/repos/demo-org/api"

# (operation key in responses.json, request path, expected status)
CASES: list[tuple[str, str, int]] = [
    ("GET /orgs/{org} 200", "/orgs/demo-org", 200),
    ("GET /orgs/{org}/repos 200", "/orgs/demo-org/repos?per_page=100", 200),
    ("GET /repos/{owner}/{repo} 200", R, 200),
    ("GET /repos/{owner}/{repo} 200", "/repos/demo-org/forked", 200),
    ("GET /repos/{owner}/{repo} 404", "/repos/demo-org/missing", 404),
    ("GET /repos/{owner}/{repo}/pulls 200", f"{R}/pulls?state=all", 200),
    ("GET /repos/{owner}/{repo}/pulls/{pull_number} 200", f"{R}/pulls/1", 200),
    ("GET /repos/{owner}/{repo}/pulls/{pull_number} 200", f"{R}/pulls/2", 200),
    ("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews 200", f"{R}/pulls/1/reviews", 200),
    ("GET /repos/{owner}/{repo}/pulls/{pull_number}/commits 200", f"{R}/pulls/1/commits", 200),
    ("GET /repos/{owner}/{repo}/issues 200", f"{R}/issues?state=all", 200),
    ("GET /repos/{owner}/{repo}/commits 200", f"{R}/commits?per_page=100", 200),
    ("GET /repos/{owner}/{repo}/commits 409", "/repos/demo-org/empty/commits", 409),
    ("GET /repos/{owner}/{repo}/actions/workflows 200", f"{R}/actions/workflows", 200),
    ("GET /repos/{owner}/{repo}/actions/runs 200", f"{R}/actions/runs?per_page=20", 200),
    ("GET /repos/{owner}/{repo}/deployments 200", f"{R}/deployments", 200),
    (
        "GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses 200",
        f"{R}/deployments/3000/statuses",
        200,
    ),
    ("GET /repos/{owner}/{repo}/releases 200", f"{R}/releases", 200),
    ("GET /repos/{owner}/{repo}/dependabot/alerts 200", f"{R}/dependabot/alerts", 200),
    ("GET /repos/{owner}/{repo}/dependabot/alerts 400", f"{R}/dependabot/alerts?page=1", 400),
    (
        "GET /repos/{owner}/{repo}/dependabot/alerts 403",
        "/repos/demo-org/nodeps/dependabot/alerts",
        403,
    ),
    ("GET /orgs/{org}/dependabot/alerts 200", "/orgs/demo-org/dependabot/alerts", 200),
    ("GET /repos/{owner}/{repo}/code-scanning/alerts 200", f"{R}/code-scanning/alerts", 200),
    (
        "GET /repos/{owner}/{repo}/code-scanning/alerts 403",
        "/repos/demo-org/noghas/code-scanning/alerts",
        403,
    ),
    (
        "GET /repos/{owner}/{repo}/code-scanning/alerts 404",
        "/repos/demo-org/nodeps/code-scanning/alerts",
        404,
    ),
    ("GET /orgs/{org}/code-scanning/alerts 200", "/orgs/demo-org/code-scanning/alerts", 200),
    ("GET /repos/{owner}/{repo}/secret-scanning/alerts 200", f"{R}/secret-scanning/alerts", 200),
    ("GET /orgs/{org}/secret-scanning/alerts 200", "/orgs/demo-org/secret-scanning/alerts", 200),
    ("GET /rate_limit 200", "/rate_limit", 200),
]


@cache
def _document() -> dict[str, Any]:
    return json.loads(SCHEMAS.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@cache
def _validator(operation: str) -> Draft202012Validator:
    doc = _document()
    schema = {"$defs": doc["$defs"], **doc["operations"][operation]}
    return Draft202012Validator(schema)


def test_vendored_schemas_cover_every_case_and_have_a_licence() -> None:
    """The vendored file holds each operation used here, and its MIT licence sits beside it."""
    operations = _document()["operations"]
    assert {op for op, _, _ in CASES} == set(operations)
    licence = SCHEMAS.with_name("LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Octokit contributors" in licence


def test_validator_rejects_a_wrong_payload() -> None:
    """The schemas are strict enough to fail: a repo without `owner` is not a repository."""
    validator = _validator("GET /repos/{owner}/{repo} 200")
    assert list(validator.iter_errors({"id": 1, "name": "x"}))


@pytest.mark.parametrize(("operation", "path", "status"), CASES, ids=[c[1] for c in CASES])
def test_payload_matches_openapi_schema(
    fake: FakeGitHub,
    gh: requests.Session,
    operation: str,
    path: str,
    status: int,
) -> None:
    """The fake's answer has GitHub's status and validates against GitHub's schema."""
    answer = gh.get(fake.url + path, timeout=10)
    assert answer.status_code == status, answer.text[:300]
    body = answer.json()
    if isinstance(body, list):
        assert body, f"{path}: an empty list proves nothing about item shapes"
    if isinstance(body, dict) and "workflow_runs" in body:
        assert body["workflow_runs"]
    errors = sorted(_validator(operation).iter_errors(body), key=lambda e: list(e.path))
    messages = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors[:10]]
    assert not errors, f"{path} -> {len(errors)} schema errors:\n" + "\n".join(messages)


REPO_OPERATIONS = [  # small pages: validating a 100-PR page takes seconds
    "",
    "/pulls?state=all&per_page=3",
    "/issues?state=all&per_page=5",
    "/commits?per_page=5",
    "/actions/workflows",
    "/actions/runs?per_page=4",
    "/deployments?per_page=5",
    "/releases?per_page=15",
    "/dependabot/alerts?per_page=5",
    "/code-scanning/alerts?per_page=5",
    "/secret-scanning/alerts?per_page=5",
]


def _operation_for(path: str, status: int) -> str:
    """The responses.json key of a served path (`/repos/demo-org/x/pulls?..` -> its template)."""
    bare = path.split("?", 1)[0]
    parts = bare.strip("/").split("/")
    if parts[0] == "orgs":
        template = "/orgs/{org}" + ("/" + "/".join(parts[2:]) if len(parts) > 2 else "")
    elif parts[0] == "rate_limit":
        template = "/rate_limit"
    else:
        rest = parts[3:]
        names = {"pulls": "{pull_number}", "deployments": "{deployment_id}"}
        for i in range(1, len(rest)):
            if rest[i - 1] in names and rest[i].isdigit():
                rest[i] = names[rest[i - 1]]
        template = "/repos/{owner}/{repo}" + ("/" + "/".join(rest) if rest else "")
    return f"GET {template} {status}"


def test_generated_org_payloads_match_openapi_schemas() -> None:
    """The generated demo org (bots, unlinked authors, hostile text, refusals) validates too."""
    from datetime import UTC, datetime

    from orgmetrics.demo.generate import SPECIAL_REPOS, generate_org

    org = generate_org(seed=7, n_repos=len(SPECIAL_REPOS) + 1, now=datetime(2026, 3, 1, tzinfo=UTC))
    problems: list[str] = []
    checked = 0
    with FakeGitHub(org) as server, requests.Session() as session:
        session.headers["Authorization"] = "Bearer any"

        def check(path: str) -> Any:
            nonlocal checked
            answer = session.get(server.url + path, timeout=30)
            operation = _operation_for(path, answer.status_code)
            if answer.status_code == 204:
                return None
            if "/secret-scanning/" in path and answer.status_code == 404:  # spec: no body schema
                assert answer.json()["message"] == "Secret scanning is disabled on this repository."
                return None
            if operation not in _document()["operations"]:
                problems.append(f"{path}: undocumented answer {answer.status_code}")
                return None
            body = answer.json()
            for error in list(_validator(operation).iter_errors(body))[:3]:
                problems.append(f"{path} {list(error.absolute_path)}: {error.message[:160]}")
            checked += 1
            return body if answer.status_code == 200 else None

        for org_path in ("/orgs/demo-org", "/orgs/demo-org/repos?per_page=100"):
            check(org_path)
        for kind in ("dependabot", "code-scanning", "secret-scanning"):
            check(f"/orgs/demo-org/{kind}/alerts?per_page=10")
        for repo in org.repos:
            base = f"/repos/demo-org/{repo.name}"
            for suffix in REPO_OPERATIONS:
                check(base + suffix)
            reviewed = next((p for p in repo.pulls if p.reviews), None)
            if reviewed is not None:
                check(f"{base}/pulls/{reviewed.number}")
                check(f"{base}/pulls/{reviewed.number}/reviews?per_page=5")
                check(f"{base}/pulls/{reviewed.number}/commits?per_page=5")
            if repo.deployments:
                check(f"{base}/deployments/{repo.deployments[0].id}/statuses")
    assert checked > 150
    assert not problems, "\n".join(problems[:30])
