"""GitHub payloads -> raw items: the small rules, checked on hand-written payloads."""

from __future__ import annotations

from orgmetrics.collect import normalize as n


def test_graphql_bot_gets_the_rest_suffix_and_ghosts_are_null() -> None:
    assert n.actor({"__typename": "Bot", "login": "dependabot"}) == {
        "login": "dependabot[bot]",
        "is_bot": True,
    }
    assert n.actor({"type": "Bot", "login": "renovate[bot]"}) == {
        "login": "renovate[bot]",
        "is_bot": True,
    }
    assert n.actor({"__typename": "User", "login": "ada"}) == {"login": "ada", "is_bot": False}
    assert n.actor(None) is None


def test_timestamps_are_normalised_to_seconds_and_z() -> None:
    assert n.ts("2026-02-01T10:00:00.123+02:00") == "2026-02-01T08:00:00Z"
    assert n.ts(None) is None


def test_pull_request_first_commit_ready_time_and_labels() -> None:
    node = {
        "number": 7,
        "title": "<b>x</b>",
        "state": "MERGED",
        "isDraft": False,
        "createdAt": "2026-02-02T00:00:00Z",
        "mergedAt": "2026-02-03T00:00:00Z",
        "closedAt": "2026-02-03T00:00:00Z",
        "baseRefName": "main",
        "author": {"__typename": "User", "login": "ada"},
        "labels": {"nodes": [{"name": "b"}, {"name": "a"}]},
        "commits": {
            "nodes": [
                {"commit": {"authoredDate": "2026-02-01T12:00:00Z"}},
                {"commit": {"authoredDate": "2026-01-31T09:00:00Z"}},
            ]
        },
        "timelineItems": {"nodes": [{"createdAt": "2026-02-02T06:00:00Z"}]},
    }
    review = {"state": "APPROVED", "submittedAt": "2026-02-02T08:00:00Z", "author": None}
    item = n.pull_request(node, [review], False)
    assert item["first_commit_at"] == "2026-01-31T09:00:00Z"  # the earliest, not the first listed
    assert item["ready_for_review_at"] == "2026-02-02T06:00:00Z"
    assert item["labels"] == ["a", "b"]
    assert item["title"] == "<b>x</b>"  # stored as GitHub sent it; outputs escape it
    assert item["reviews"] == [
        {"author": None, "state": "APPROVED", "submitted_at": "2026-02-02T08:00:00Z"}
    ]


def test_deployment_statuses_become_oldest_first_lower_case() -> None:
    node = {
        "databaseId": None,
        "environment": None,
        "originalEnvironment": "production",
        "createdAt": "2026-02-01T00:00:00Z",
        "commitOid": "abc",
        "ref": None,
        "statuses": {
            "pageInfo": {"hasNextPage": False},
            "nodes": [
                {"state": "SUCCESS", "createdAt": "2026-02-01T00:10:00Z"},
                {"state": "IN_PROGRESS", "createdAt": "2026-02-01T00:05:00Z"},
            ],
        },
    }
    item = n.deployment(node)
    assert [s["state"] for s in item["statuses"]] == ["in_progress", "success"]
    assert item["environment"] == "production"
    assert (item["id"], item["ref"], item["statuses_truncated"]) == (None, None, False)


def test_commit_without_account_keeps_the_email_and_spots_bot_addresses() -> None:
    human = {"oid": "1", "authoredDate": "2026-02-01T00:00:00Z", "author": {"email": "a@x.org"}}
    bot = {
        "oid": "2",
        "authoredDate": "2026-02-01T00:00:00Z",
        "author": {"email": "49699333+dependabot[bot]@users.noreply.github.com", "user": None},
    }
    assert n.commit(human)["author_login"] is None
    assert n.commit(human)["author_email"] == "a@x.org"
    assert n.commit(human)["is_bot"] is False
    assert n.commit(bot)["is_bot"] is True


def test_alert_severities() -> None:
    code = {
        "number": 1,
        "state": "open",
        "created_at": "2026-01-01T00:00:00Z",
        "rule": {"id": "py/x", "severity": "warning", "security_severity_level": None},
    }
    assert n.code_scanning_alert(code)["severity"] == "warning"  # fallback: rule.severity
    code["rule"]["security_severity_level"] = "high"  # type: ignore[index]
    assert n.code_scanning_alert(code)["severity"] == "high"
    dependabot = {
        "number": 2,
        "state": "fixed",
        "created_at": "2026-01-01T00:00:00Z",
        "fixed_at": "2026-01-05T00:00:00Z",
        "security_advisory": {"severity": "critical"},
        "dependency": {"package": {"name": "lodash"}},
    }
    item = n.dependabot_alert(dependabot)
    assert (item["severity"], item["package"], item["fixed_at"]) == (
        "critical",
        "lodash",
        "2026-01-05T00:00:00Z",
    )
    secret = {
        "number": 3,
        "state": "resolved",
        "created_at": "2026-01-01T00:00:00Z",
        "secret": "ghp_should_never_be_copied",
        "secret_type": "github_pat",
        "resolved_at": "2026-01-02T00:00:00Z",
        "resolution": "revoked",
    }
    assert "secret" not in n.secret_scanning_alert(secret)


def test_sort_items_dedupes_and_orders() -> None:
    items = [{"number": 3}, {"number": 1}, {"number": 3}]
    assert n.sort_items("incidents", items) == [{"number": 1}, {"number": 3}]
