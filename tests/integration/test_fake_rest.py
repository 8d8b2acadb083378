"""The fake GitHub's REST API over real HTTP: shapes, filters, pagination, errors, 304.

Expected values come from the hand-built org in `_fake_fixtures.py` (counted by hand there).
"""

from __future__ import annotations

import re
from typing import Any

import requests

from orgmetrics.demo.server import FakeGitHub
from tests.integration._fake_fixtures import N_RUNS, TOKEN, fake_fixture, gh_fixture  # noqa: F401 - fixtures

R = "/repos/demo-org/api"
ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
LINK_PART = re.compile(r'<([^>]+)>; rel="(\w+)"')


def _links(answer: requests.Response) -> dict[str, str]:
    return {rel: url for url, rel in LINK_PART.findall(answer.headers.get("Link", ""))}


def _walk(gh: requests.Session, url: str) -> tuple[list[Any], int]:
    """Follow rel="next" to the end; (all items, number of pages)."""
    items: list[Any] = []
    pages = 0
    next_url: str | None = url
    while next_url:
        answer = gh.get(next_url, timeout=10)
        assert answer.status_code == 200, answer.text[:200]
        body = answer.json()
        items.extend(body["workflow_runs"] if isinstance(body, dict) else body)
        pages += 1
        next_url = _links(answer).get("next")
        assert pages < 100
    return items, pages


# ---- errors and auth ----------------------------------------------------------------------


def test_unknown_org_is_404_with_github_error_body(fake: FakeGitHub, gh: requests.Session) -> None:
    """An org that does not exist answers GitHub's 404 body."""
    answer = gh.get(f"{fake.url}/orgs/no-such-org", timeout=10)
    assert answer.status_code == 404
    assert answer.json() == {
        "message": "Not Found",
        "documentation_url": "https://docs.github.com/rest",
        "status": "404",
    }
    assert gh.get(f"{fake.url}/orgs/no-such-org/repos", timeout=10).status_code == 404
    assert gh.get(f"{fake.url}/repos/demo-org/nope/pulls", timeout=10).status_code == 404


def test_missing_or_wrong_token_is_401_bad_credentials(fake: FakeGitHub) -> None:
    """No Authorization header, or another token than the server's, answers 401."""
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}):
        answer = requests.get(f"{fake.url}/orgs/demo-org", headers=headers, timeout=10)
        assert answer.status_code == 401
        assert answer.json()["message"] == "Bad credentials"
        assert answer.json()["status"] == "401"
    ok = requests.get(
        f"{fake.url}/orgs/demo-org", headers={"Authorization": f"token {TOKEN}"}, timeout=10
    )
    assert ok.status_code == 200
    assert ok.headers["X-OAuth-Scopes"] == "read:org, repo, security_events"


def test_empty_repo_commits_is_409(fake: FakeGitHub, gh: requests.Session) -> None:
    """`/commits` of a repository without commits answers 409 'Git Repository is empty.'."""
    answer = gh.get(f"{fake.url}/repos/demo-org/empty/commits", timeout=10)
    assert answer.status_code == 409
    assert answer.json()["message"] == "Git Repository is empty."


# ---- organisation and pagination ----------------------------------------------------------


def test_org_and_repo_shapes(fake: FakeGitHub, gh: requests.Session) -> None:
    """`/orgs/{org}` and `/repos/{o}/{r}` carry ids, logins, URLs, Z timestamps, S&A."""
    org = gh.get(f"{fake.url}/orgs/demo-org", timeout=10).json()
    assert (org["login"], org["id"], org["type"]) == ("demo-org", 9000, "Organization")
    assert org["html_url"] == "https://github.com/demo-org"
    repo = gh.get(f"{fake.url}{R}", timeout=10).json()
    assert repo["full_name"] == "demo-org/api" and repo["id"] == 1001
    assert repo["owner"]["login"] == "demo-org" and repo["owner"]["type"] == "Organization"
    assert repo["description"] == "The API <img src=x onerror=alert(1)> 日本語 ✓"
    assert ISO_Z.match(repo["created_at"]) and ISO_Z.match(repo["pushed_at"])
    assert repo["url"] == f"{fake.url}{R}"
    assert repo["security_and_analysis"]["secret_scanning"]["status"] == "enabled"
    nodeps = gh.get(f"{fake.url}/repos/demo-org/nodeps", timeout=10).json()
    assert nodeps["security_and_analysis"]["secret_scanning"]["status"] == "disabled"
    noghas = gh.get(f"{fake.url}/repos/demo-org/noghas", timeout=10).json()
    assert noghas["security_and_analysis"]["advanced_security"]["status"] == "disabled"
    forked = gh.get(f"{fake.url}/repos/demo-org/forked", timeout=10).json()
    assert forked["fork"] is True and forked["parent"]["full_name"] == "upstream-oss/forked"
    # GitHub matches names case-insensitively.
    assert gh.get(f"{fake.url}/repos/Demo-Org/API", timeout=10).json()["id"] == 1001


def test_org_repos_link_headers_exactly_as_github_writes_them(
    fake: FakeGitHub, gh: requests.Session
) -> None:
    """6 repos at per_page=2: 3 pages; rels in GitHub's order; query kept; id-form URLs."""
    base = f"{fake.url}/organizations/9000/repos"
    first = gh.get(f"{fake.url}/orgs/demo-org/repos?type=all&per_page=2", timeout=10)
    assert first.headers["Link"] == (
        f'<{base}?type=all&per_page=2&page=2>; rel="next", '
        f'<{base}?type=all&per_page=2&page=3>; rel="last"'
    )
    middle = gh.get(f"{base}?type=all&per_page=2&page=2", timeout=10)
    assert middle.headers["Link"] == (
        f'<{base}?type=all&per_page=2&page=1>; rel="prev", '
        f'<{base}?type=all&per_page=2&page=3>; rel="next", '
        f'<{base}?type=all&per_page=2&page=3>; rel="last", '
        f'<{base}?type=all&per_page=2&page=1>; rel="first"'
    )
    last = gh.get(f"{base}?type=all&per_page=2&page=3", timeout=10)
    assert last.headers["Link"] == (
        f'<{base}?type=all&per_page=2&page=2>; rel="prev", '
        f'<{base}?type=all&per_page=2&page=1>; rel="first"'
    )
    items, pages = _walk(gh, f"{fake.url}/orgs/demo-org/repos?per_page=2")
    assert pages == 3
    names = [r["name"] for r in items]
    assert sorted(names) == ["api", "empty", "forked", "nodeps", "noghas", "old"]
    # Default sort: created, newest first.
    created = [r["created_at"] for r in items]
    assert created == sorted(created, reverse=True)


def test_no_link_header_when_everything_fits(fake: FakeGitHub, gh: requests.Session) -> None:
    """One page -> no Link header; past the end -> empty list."""
    answer = gh.get(f"{fake.url}/orgs/demo-org/repos", timeout=10)
    assert "Link" not in answer.headers and len(answer.json()) == 6
    assert gh.get(f"{fake.url}/orgs/demo-org/repos?page=9", timeout=10).json() == []


def test_org_repos_type_and_sort(fake: FakeGitHub, gh: requests.Session) -> None:
    """`type=forks|sources|private`, `sort=full_name` (ascending by default)."""

    def names(query: str) -> list[str]:
        return [r["name"] for r in gh.get(f"{fake.url}/orgs/demo-org/repos?{query}").json()]

    assert names("type=forks") == ["forked"]
    assert sorted(names("type=private")) == ["api", "noghas"]
    assert len(names("type=sources")) == 5
    assert names("sort=full_name") == ["api", "empty", "forked", "nodeps", "noghas", "old"]
    assert names("sort=full_name&direction=desc")[0] == "old"


def test_per_page_defaults_to_30_and_caps_at_100(fake: FakeGitHub, gh: requests.Session) -> None:
    """No per_page -> 30 items; per_page=500 -> 100 items, no error."""
    default = gh.get(f"{fake.url}{R}/actions/runs", timeout=10).json()
    assert len(default["workflow_runs"]) == 30
    capped = gh.get(f"{fake.url}{R}/actions/runs?per_page=500", timeout=10)
    assert capped.status_code == 200 and len(capped.json()["workflow_runs"]) == 100
    assert "per_page=500" in capped.headers["Link"]  # the query is carried over unchanged


# ---- pull requests ------------------------------------------------------------------------


def test_pulls_state_sort_base_filters(fake: FakeGitHub, gh: requests.Session) -> None:
    """Default state=open; closed/all; created desc by default; updated asc; base filter."""

    def numbers(query: str = "") -> list[int]:
        return [p["number"] for p in gh.get(f"{fake.url}{R}/pulls?{query}", timeout=10).json()]

    assert numbers() == [6, 4, 2]
    assert numbers("state=closed") == [7, 5, 3, 1]
    assert numbers("state=all") == [7, 6, 5, 4, 3, 2, 1]
    assert numbers("state=all&sort=updated") == [1, 2, 3, 4, 5, 6, 7]
    assert numbers("state=all&sort=updated&direction=desc") == [7, 6, 5, 4, 3, 2, 1]
    assert numbers("state=all&base=release") == [4]
    assert gh.get(f"{fake.url}{R}/pulls?state=bogus", timeout=10).status_code == 422


def test_pulls_paginate_through_repositories_links(fake: FakeGitHub, gh: requests.Session) -> None:
    """Link URLs use `/repositories/{id}/pulls` and the fake serves them."""
    first = gh.get(f"{fake.url}{R}/pulls?state=all&per_page=3", timeout=10)
    assert _links(first)["next"].startswith(f"{fake.url}/repositories/1001/pulls?")
    items, pages = _walk(gh, f"{fake.url}{R}/pulls?state=all&per_page=3")
    assert pages == 3 and [p["number"] for p in items] == [7, 6, 5, 4, 3, 2, 1]


def test_pull_shapes_bot_user_draft_merge(fake: FakeGitHub, gh: requests.Session) -> None:
    """List and detail fields a client needs: user type, draft, merged_at, merged, head/base."""
    pulls = {p["number"]: p for p in gh.get(f"{fake.url}{R}/pulls?state=all").json()}
    assert pulls[7]["user"]["login"] == "dependabot[bot]" and pulls[7]["user"]["type"] == "Bot"
    assert pulls[1]["user"]["type"] == "User"
    assert pulls[6]["draft"] is True and pulls[5]["draft"] is False
    assert pulls[5]["merged_at"] is None and pulls[5]["closed_at"] is not None
    assert ISO_Z.match(pulls[1]["merged_at"])
    assert pulls[4]["base"]["ref"] == "release" and pulls[4]["head"]["ref"] == "feature-4"
    assert pulls[1]["title"] == 'PR 1 <script>alert("xss")</script>'
    detail = gh.get(f"{fake.url}{R}/pulls/1", timeout=10).json()
    assert detail["merged"] is True and detail["merged_by"]["login"] == "bob"
    assert detail["commits"] == 2
    assert gh.get(f"{fake.url}{R}/pulls/5", timeout=10).json()["merged"] is False
    assert gh.get(f"{fake.url}{R}/pulls/999", timeout=10).status_code == 404


def test_reviews_chronological_pending_has_no_submitted_at(
    fake: FakeGitHub, gh: requests.Session
) -> None:
    """Reviews in order; the PENDING one has no `submitted_at` key."""
    reviews = gh.get(f"{fake.url}{R}/pulls/2/reviews", timeout=10).json()
    assert [(r["id"], r["state"]) for r in reviews] == [(902, "APPROVED"), (952, "PENDING")]
    assert ISO_Z.match(reviews[0]["submitted_at"]) and "submitted_at" not in reviews[1]
    assert reviews[0]["user"]["login"] == "bob"


def test_pull_commits(fake: FakeGitHub, gh: requests.Session) -> None:
    """`/pulls/{n}/commits` lists the PR's commits with git author and account."""
    commits = gh.get(f"{fake.url}{R}/pulls/2/commits", timeout=10).json()
    # PR 2 holds commits[2], commits[3] of the newest-first list: i = 38, 37.
    assert [c["sha"] for c in commits] == [f"{38:040x}", f"{37:040x}"]
    assert commits[0]["author"]["login"] == "alice"
    assert commits[1]["parents"][0]["sha"] == commits[0]["sha"]


# ---- issues and commits -------------------------------------------------------------------


def test_issues_include_pulls_with_pull_request_key(fake: FakeGitHub, gh: requests.Session) -> None:
    """Default state=open: 2 open issues + 3 open PRs; PRs carry `pull_request`."""
    items = gh.get(f"{fake.url}{R}/issues", timeout=10).json()
    numbers = sorted(i["number"] for i in items)
    assert numbers == [2, 4, 6, 101, 102]
    prs = [i for i in items if "pull_request" in i]
    assert sorted(i["number"] for i in prs) == [2, 4, 6]
    assert all("pull_request" not in i for i in items if i["number"] > 100)
    pr_ids = {i["id"] for i in prs}
    assert not pr_ids & {5002, 5004, 5006}  # a PR's issue id is not its pull id
    assert prs[0]["pull_request"]["url"].startswith(f"{fake.url}{R}/pulls/")


def test_issues_labels_state_since(fake: FakeGitHub, gh: requests.Session) -> None:
    """`labels` needs every label; `since` filters on updated_at."""

    def numbers(query: str) -> list[int]:
        return sorted(i["number"] for i in gh.get(f"{fake.url}{R}/issues?{query}").json())

    assert numbers("labels=incident,SEV1") == [101]
    assert numbers("labels=SEV1&state=all") == [3, 101]
    assert numbers("state=closed") == [1, 3, 5, 7, 103, 104, 105]
    # Issue 100+k is updated at NOW-(10-k) days (2026-02-20 .. 02-24); every PR was last
    # updated before 2026-02-07, so `since` keeps issues only.
    assert numbers("state=all&since=2026-02-20T00:00:00Z") == [101, 102, 103, 104, 105]
    assert numbers("state=all&since=2026-02-24T00:00:00Z") == [105]
    assert numbers("state=all&since=not-a-date") == numbers("state=all")  # ignored, as GitHub


def test_commits_filters(fake: FakeGitHub, gh: requests.Session) -> None:
    """40 commits newest first; `author` login; `since`/`until` on commit date; `sha`."""
    commits, pages = _walk(gh, f"{fake.url}{R}/commits?per_page=15")
    assert pages == 3 and len(commits) == 40
    assert commits[0]["sha"] == f"{40:040x}" and commits[-1]["parents"] == []
    unlinked = [c for c in commits if c["author"] is None]
    assert len(unlinked) == 13  # i % 3 == 0 for i in 1..40
    assert unlinked[0]["commit"]["author"]["email"] == "ghost@nowhere.example"
    by_alice = gh.get(f"{fake.url}{R}/commits?author=alice&per_page=100").json()
    assert len(by_alice) == 27
    # commit i is committed at NOW - (100 - i) days: i=40 -> 2025-12-31, i=38 -> 2025-12-29.
    window = gh.get(
        f"{fake.url}{R}/commits?since=2025-12-29T00:00:00Z&until=2025-12-31T00:00:00Z"
    ).json()
    assert [c["sha"] for c in window] == [f"{i:040x}" for i in (40, 39, 38)]
    until = gh.get(f"{fake.url}{R}/commits?until=2025-11-23T00:00:00Z").json()
    assert [c["sha"] for c in until] == [f"{i:040x}" for i in (2, 1)]
    from_sha = gh.get(f"{fake.url}{R}/commits?sha={3:040x}").json()
    assert [c["sha"] for c in from_sha] == [f"{i:040x}" for i in (3, 2, 1)]


# ---- actions ------------------------------------------------------------------------------


def test_workflows_wrapper(fake: FakeGitHub, gh: requests.Session) -> None:
    """`/actions/workflows` answers `{total_count, workflows}`."""
    body = gh.get(f"{fake.url}{R}/actions/workflows", timeout=10).json()
    assert body["total_count"] == 2
    assert [w["name"] for w in body["workflows"]] == ["CI", "Deploy"]


def test_runs_wrapper_and_unfiltered_paging(fake: FakeGitHub, gh: requests.Session) -> None:
    """Unfiltered: every run reachable (13 pages of 100 for 1,205 runs), newest first."""
    first = gh.get(f"{fake.url}{R}/actions/runs?per_page=100", timeout=10)
    body = first.json()
    assert body["total_count"] == N_RUNS
    assert "page=13" in _links(first)["last"]
    last = gh.get(f"{fake.url}{R}/actions/runs?per_page=100&page=13", timeout=10).json()
    assert len(last["workflow_runs"]) == 5
    run = body["workflow_runs"][0]
    assert run["status"] == "in_progress" and run["conclusion"] is None
    assert body["workflow_runs"][1]["conclusion"] == "failure"
    assert ISO_Z.match(run["created_at"]) and run["repository"]["full_name"] == "demo-org/api"


def test_runs_filtered_query_capped_at_1000(fake: FakeGitHub, gh: requests.Session) -> None:
    """A filtered query reaches at most 1,000 runs; total_count stays the real count."""
    url = f"{fake.url}{R}/actions/runs?status=completed&per_page=100"
    first = gh.get(url, timeout=10)
    assert first.json()["total_count"] == N_RUNS - 1
    assert "page=10" in _links(first)["last"]
    page10 = gh.get(f"{url}&page=10", timeout=10).json()
    assert len(page10["workflow_runs"]) == 100
    page11 = gh.get(f"{url}&page=11", timeout=10).json()
    assert page11["workflow_runs"] == [] and page11["total_count"] == N_RUNS - 1
    items, _ = _walk(gh, url)
    assert len(items) == 1000


def test_runs_created_filter_syntax(fake: FakeGitHub, gh: requests.Session) -> None:
    """`created` ranges with dates or timestamps. Run k was created at NOW - (k+1) hours."""

    def total(created: str) -> int:
        answer = gh.get(f"{fake.url}{R}/actions/runs", params={"created": created}, timeout=10)
        return int(answer.json()["total_count"])

    assert total(">=2026-02-28") == 24  # 2026-02-28T00:00 .. 23:00
    assert total("2026-02-27..2026-02-27") == 24
    assert total("2026-02-27") == 24
    assert total("<=2026-02-27") == N_RUNS - 24
    assert total("<2026-02-28") == N_RUNS - 24
    assert total(">2026-02-27") == 24
    assert total("2026-02-28T20:00:00Z..2026-02-28T23:00:00Z") == 4
    assert total(">=2026-02-28T22:00:00Z") == 2
    assert total("2026-02-28..*") == 24
    assert total("not-a-date") == N_RUNS  # GitHub ignores a malformed qualifier


def test_runs_branch_event_conclusion_filters(fake: FakeGitHub, gh: requests.Session) -> None:
    """`branch`, `event` and `status` (a status or a conclusion) filter runs."""

    def total(query: str) -> int:
        return int(gh.get(f"{fake.url}{R}/actions/runs?{query}").json()["total_count"])

    assert total("branch=feature") == len(range(0, N_RUNS, 4))
    assert total("event=push") == N_RUNS // 2
    assert total("status=in_progress") == 1
    # conclusions cycle over 8 values from k=1 (k=0 is in progress): k % 8 == 2 -> timed_out
    assert total("status=timed_out") == len([k for k in range(1, N_RUNS) if k % 8 == 2])


# ---- deployments and releases -------------------------------------------------------------


def test_deployments_environment_filter_and_statuses(
    fake: FakeGitHub, gh: requests.Session
) -> None:
    """`environment` is exact (case-sensitive); statuses newest first."""
    deps = gh.get(f"{fake.url}{R}/deployments", timeout=10).json()
    assert [d["environment"] for d in deps] == ["staging", "prod", "Production", "production"]
    prod = gh.get(f"{fake.url}{R}/deployments?environment=production", timeout=10).json()
    assert [d["id"] for d in prod] == [3000]
    statuses = gh.get(f"{fake.url}{R}/deployments/3000/statuses", timeout=10).json()
    assert [s["state"] for s in statuses] == ["success", "failure"]
    assert statuses[0]["environment"] == "production"
    assert gh.get(f"{fake.url}{R}/deployments/1/statuses", timeout=10).status_code == 404


def test_releases_include_drafts_and_prereleases(fake: FakeGitHub, gh: requests.Session) -> None:
    """Newest first; the draft has `published_at: null`."""
    rels = gh.get(f"{fake.url}{R}/releases", timeout=10).json()
    assert [(r["tag_name"], r["draft"], r["prerelease"]) for r in rels] == [
        ("v2.0.0", True, False),
        ("v1.1.0-rc1", False, True),
        ("v1.0.0", False, False),
    ]
    assert rels[0]["published_at"] is None and ISO_Z.match(rels[1]["published_at"])


# ---- security -----------------------------------------------------------------------------


def test_vulnerability_alerts_204_or_404(fake: FakeGitHub, gh: requests.Session) -> None:
    """204 (no body) when Dependabot alerts are enabled, 404 when disabled."""
    enabled = gh.get(f"{fake.url}{R}/vulnerability-alerts", timeout=10)
    assert enabled.status_code == 204 and enabled.content == b""
    disabled = gh.get(f"{fake.url}/repos/demo-org/nodeps/vulnerability-alerts", timeout=10)
    assert disabled.status_code == 404


def test_dependabot_cursor_pagination(fake: FakeGitHub, gh: requests.Session) -> None:
    """Cursor pages: `after` cursors, no `last`; `before` goes back; 400 on `page`."""
    first = gh.get(f"{fake.url}{R}/dependabot/alerts?per_page=2", timeout=10)
    links = _links(first)
    assert set(links) == {"next"} and "after=" in links["next"]
    assert links["next"].startswith(f"{fake.url}/repositories/1001/dependabot/alerts?per_page=2")
    items, pages = _walk(gh, f"{fake.url}{R}/dependabot/alerts?per_page=2")
    assert pages == 4 and len(items) == 7
    assert [a["number"] for a in items] == [7, 6, 5, 4, 3, 2, 1]  # created desc
    second = gh.get(links["next"], timeout=10)
    back = _links(second)["prev"]
    assert "before=" in back and "last" not in _links(second)
    assert [a["number"] for a in gh.get(back).json()] == [7, 6]
    bad = gh.get(f"{fake.url}{R}/dependabot/alerts?page=2", timeout=10)
    assert bad.status_code == 400
    assert bad.json()["message"] == "Pagination using the `page` parameter is not supported."
    assert gh.get(f"{fake.url}{R}/dependabot/alerts?after=garbage").status_code == 400


def test_dependabot_filters_and_shape(fake: FakeGitHub, gh: requests.Session) -> None:
    """`state` and `severity` take comma lists; alerts carry advisory and timestamps."""

    def numbers(query: str) -> list[int]:
        return sorted(
            a["number"] for a in gh.get(f"{fake.url}{R}/dependabot/alerts?{query}").json()
        )

    assert numbers("state=open") == [4]
    assert numbers("state=fixed,dismissed") == [1, 2, 5, 6]
    assert numbers("severity=critical") == [4]
    fixed = gh.get(f"{fake.url}{R}/dependabot/alerts?state=fixed").json()
    assert [a["number"] for a in fixed] == [5, 1]
    alert = fixed[1]
    assert alert["security_advisory"]["severity"] == "high" and ISO_Z.match(alert["fixed_at"])
    assert alert["security_advisory"]["ghsa_id"] == "GHSA-aaaa-bbbb-0001"
    assert alert["dependency"]["package"] == {"ecosystem": "pip", "name": "pkg1"}


def test_dependabot_refusals_and_org_listing(fake: FakeGitHub, gh: requests.Session) -> None:
    """Disabled -> 403; archived -> 403; the org listing omits both repos."""
    off = gh.get(f"{fake.url}/repos/demo-org/nodeps/dependabot/alerts", timeout=10)
    assert off.status_code == 403
    assert off.json()["message"] == "Dependabot alerts are disabled for this repository."
    archived = gh.get(f"{fake.url}/repos/demo-org/old/dependabot/alerts", timeout=10)
    assert archived.status_code == 403
    org_items, _ = _walk(gh, f"{fake.url}/orgs/demo-org/dependabot/alerts?per_page=3")
    assert len(org_items) == 7
    assert {a["repository"]["name"] for a in org_items} == {"api"}
    first = gh.get(f"{fake.url}/orgs/demo-org/dependabot/alerts?per_page=3", timeout=10)
    assert _links(first)["next"].startswith(f"{fake.url}/organizations/9000/dependabot/alerts?")


def test_code_scanning_refusals_paging_and_cursor(fake: FakeGitHub, gh: requests.Session) -> None:
    """404 'no analysis found'; 403 Advanced Security; page links with last; cursor on `after=`."""
    never = gh.get(f"{fake.url}/repos/demo-org/nodeps/code-scanning/alerts", timeout=10)
    assert never.status_code == 404 and never.json()["message"] == "no analysis found"
    no_ghas = gh.get(f"{fake.url}/repos/demo-org/noghas/code-scanning/alerts", timeout=10)
    assert no_ghas.status_code == 403
    assert no_ghas.json()["message"] == (
        "Advanced Security must be enabled for this repository to use code scanning."
    )
    paged = gh.get(f"{fake.url}{R}/code-scanning/alerts?per_page=3", timeout=10)
    assert set(_links(paged)) == {"next", "last"}
    cursor = gh.get(f"{fake.url}{R}/code-scanning/alerts?per_page=3&after=", timeout=10)
    assert set(_links(cursor)) == {"next"} and "after=" in _links(cursor)["next"]
    items, _ = _walk(gh, f"{fake.url}{R}/code-scanning/alerts?per_page=3&after=")
    assert sorted(a["number"] for a in items) == [1, 2, 3, 4]
    closed = gh.get(f"{fake.url}{R}/code-scanning/alerts?state=closed").json()
    assert sorted(a["number"] for a in closed) == [1, 2, 4]  # fixed (1, 4) + dismissed (2)
    org = gh.get(f"{fake.url}/orgs/demo-org/code-scanning/alerts", timeout=10).json()
    assert {a["repository"]["name"] for a in org} == {"api"} and len(org) == 4


def test_secret_scanning_refusal_and_listings(fake: FakeGitHub, gh: requests.Session) -> None:
    """404 when disabled; state filter; org listing with repository; cursor allowed."""
    off = gh.get(f"{fake.url}/repos/demo-org/nodeps/secret-scanning/alerts", timeout=10)
    assert off.status_code == 404
    assert off.json()["message"] == "Secret scanning is disabled on this repository."
    open_ = gh.get(f"{fake.url}{R}/secret-scanning/alerts?state=open").json()
    assert sorted(a["number"] for a in open_) == [1, 3]
    resolved = gh.get(f"{fake.url}{R}/secret-scanning/alerts?state=resolved").json()
    assert resolved[0]["resolution"] == "revoked" and ISO_Z.match(resolved[0]["resolved_at"])
    org = gh.get(f"{fake.url}/orgs/demo-org/secret-scanning/alerts?per_page=2&before=")
    assert set(_links(org)) == {"next"}
    items, _ = _walk(gh, f"{fake.url}/orgs/demo-org/secret-scanning/alerts?per_page=2&after=")
    assert len(items) == 3 and items[0]["repository"]["full_name"] == "demo-org/api"


# ---- rate limit, ETag, 304 ----------------------------------------------------------------


def test_rate_limit_endpoint_is_free_and_shaped(fake: FakeGitHub, gh: requests.Session) -> None:
    """`/rate_limit` shows core and graphql buckets and `rate`, and costs nothing."""
    one = gh.get(f"{fake.url}/rate_limit", timeout=10)
    two = gh.get(f"{fake.url}/rate_limit", timeout=10)
    body = two.json()
    assert body["rate"] == body["resources"]["core"]
    assert body["resources"]["core"]["limit"] == 5000
    assert body["resources"]["graphql"]["limit"] == 5000
    assert one.json()["resources"]["core"]["used"] == body["resources"]["core"]["used"]
    assert one.headers["x-ratelimit-remaining"] == two.headers["x-ratelimit-remaining"]


def test_etag_304_flow_charges_nothing(fake: FakeGitHub, gh: requests.Session) -> None:
    """A matching If-None-Match answers 304 with no body and leaves the bucket alone."""
    url = f"{fake.url}{R}/pulls?state=all"
    first = gh.get(url, timeout=10)
    etag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{64}"', etag)
    remaining = int(first.headers["x-ratelimit-remaining"])
    charged, not_modified = fake.log.charged, fake.log.not_modified
    again = gh.get(url, headers={"If-None-Match": etag}, timeout=10)
    assert again.status_code == 304 and again.content == b""
    assert int(again.headers["x-ratelimit-remaining"]) == remaining
    assert fake.log.charged == charged and fake.log.not_modified == not_modified + 1
    weak = gh.get(url, headers={"If-None-Match": f"W/{etag}"}, timeout=10)
    assert weak.status_code == 304
    stale = gh.get(url, headers={"If-None-Match": '"deadbeef"'}, timeout=10)
    assert stale.status_code == 200 and int(stale.headers["x-ratelimit-remaining"]) == remaining - 1
    other_page = gh.get(f"{url}&per_page=2", timeout=10)
    assert other_page.headers["ETag"] != etag


def test_etag_varies_with_token() -> None:
    """Same data, different token -> different ETag (as GitHub's ETags vary by token)."""
    from tests.integration._fake_fixtures import tiny_org

    with FakeGitHub(tiny_org()) as server:
        tags = {
            requests.get(
                f"{server.url}/orgs/demo-org", headers={"Authorization": f"Bearer {t}"}, timeout=10
            ).headers["ETag"]
            for t in ("one", "two")
        }
        assert len(tags) == 2


def test_rate_headers_count_down_then_403(fake: FakeGitHub) -> None:
    """remaining/used move by one per request; at 0 -> 403 'API rate limit exceeded'."""
    from tests.integration._fake_fixtures import tiny_org

    with FakeGitHub(tiny_org(), core_limit=3) as server:
        headers = {"Authorization": "Bearer small"}
        seen = []
        for _ in range(3):
            answer = requests.get(f"{server.url}/orgs/demo-org", headers=headers, timeout=10)
            assert answer.status_code == 200
            seen.append(
                (
                    answer.headers["x-ratelimit-remaining"],
                    answer.headers["x-ratelimit-used"],
                    answer.headers["x-ratelimit-resource"],
                )
            )
        assert seen == [("2", "1", "core"), ("1", "2", "core"), ("0", "3", "core")]
        over = requests.get(f"{server.url}/orgs/demo-org", headers=headers, timeout=10)
        assert over.status_code == 403
        assert over.json()["message"].startswith("API rate limit exceeded for user ID 1.")
        assert over.headers["x-ratelimit-remaining"] == "0"
        assert int(over.headers["x-ratelimit-reset"]) > 0
        status = requests.get(f"{server.url}/rate_limit", headers=headers, timeout=10)
        assert status.status_code == 200  # /rate_limit answers even with the budget spent
        assert status.json()["resources"]["core"]["remaining"] == 0
        other = requests.get(
            f"{server.url}/orgs/demo-org", headers={"Authorization": "Bearer b"}, timeout=10
        )
        assert other.status_code == 200  # buckets are per token
        assert server.log.charged == 4


def test_request_log_counts_by_route_template(fake: FakeGitHub, gh: requests.Session) -> None:
    """`.log` counts totals, REST vs GraphQL, and requests per route template."""
    fake.log.reset()
    gh.get(f"{fake.url}{R}/pulls", timeout=10)
    gh.get(f"{fake.url}/repositories/1001/pulls?page=2", timeout=10)
    gh.get(f"{fake.url}/repos/demo-org/empty/commits", timeout=10)
    gh.get(f"{fake.url}/nowhere", timeout=10)
    log = fake.log
    assert (log.total, log.rest, log.graphql, log.charged) == (4, 4, 0, 4)
    assert log.by_endpoint["GET /repos/{owner}/{repo}/pulls"] == 2
    assert log.by_endpoint["GET /repos/{owner}/{repo}/commits"] == 1
    assert log.entries[2] == ("GET", "/repos/demo-org/empty/commits", 409)
    assert log.entries[1].path == "/repositories/1001/pulls?page=2"


def test_demo_serve_command_serves_until_interrupted() -> None:
    """`orgmetrics demo serve` prints URL and org, answers with Link headers, stops on Ctrl-C."""
    import os
    import signal
    import subprocess
    import sys

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "orgmetrics", "demo", "serve", "--port", "0", "--repos", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(3)]
        assert "'demo-org'" in lines[0]
        url = lines[1].split("REST:", 1)[1].strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        answer = requests.get(
            f"{url}/orgs/demo-org/repos?per_page=1",
            headers={"Authorization": "Bearer x"},
            timeout=10,
        )
        assert answer.status_code == 200 and len(answer.json()) == 1
        assert 'rel="next"' in answer.headers["Link"]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_last_modified_and_if_modified_since(fake: FakeGitHub, gh: requests.Session) -> None:
    """Single resources send Last-Modified; If-Modified-Since at/after it -> free 304."""
    url = f"{fake.url}{R}/pulls/1"
    first = gh.get(url, timeout=10)
    stamp = first.headers["Last-Modified"]
    # PR 1 was updated at NOW - 29 days + 1 hour = 2026-01-31T01:00:00Z.
    assert stamp == "Sat, 31 Jan 2026 01:00:00 GMT"
    charged = fake.log.charged
    same = gh.get(url, headers={"If-Modified-Since": stamp}, timeout=10)
    assert same.status_code == 304 and same.content == b"" and fake.log.charged == charged
    older = gh.get(url, headers={"If-Modified-Since": "Fri, 30 Jan 2026 00:00:00 GMT"})
    assert older.status_code == 200
    # If-None-Match takes precedence over If-Modified-Since.
    both = gh.get(url, headers={"If-Modified-Since": stamp, "If-None-Match": '"x"'}, timeout=10)
    assert both.status_code == 200


def test_head_request_and_token_never_logged(fake: FakeGitHub, gh: requests.Session) -> None:
    """HEAD answers headers only; the token appears in no log entry, header or ETag."""
    head = gh.head(f"{fake.url}{R}", timeout=10)
    assert head.status_code == 200 and head.content == b"" and "ETag" in head.headers
    answer = gh.get(f"{fake.url}{R}/pulls", timeout=10)
    assert TOKEN not in repr(fake.log.entries) and TOKEN not in repr(fake.log.by_endpoint)
    assert all(TOKEN not in value for value in answer.headers.values())
