"""Activity metrics: expected values computed by hand from tiny raw documents (March 2024)."""

from __future__ import annotations

import hashlib

from orgmetrics.metrics import activity
from orgmetrics.metrics.frames import build_frames
from orgmetrics.metrics.params import MetricParams
from tests.unit._metrics_fixtures import WINDOW, commit, doc, listing

P = MetricParams()


def compute(*docs: dict, params: MetricParams = P):
    return activity.compute(build_frames(list(docs)), WINDOW, params)


def t(day: int, month: int = 3) -> str:
    return f"2024-{month:02d}-{day:02d}T12:00:00Z"


def test_commits_contributors_by_login_and_email_bots_excluded() -> None:
    d = doc(
        "a",
        commits=[
            commit("1", t(2), "alice"),
            commit("2", t(3), "alice"),
            commit("3", t(4), "bob"),
            commit("4", t(5), None, "Carol@Example.com"),  # no account: counted by e-mail
            commit("5", t(6), None, "carol@example.com"),  # same person (case-insensitive)
            commit("6", t(7), None, "dave@example.com"),
            commit("7", t(8), "dependabot[bot]"),  # bot by login
            commit("8", t(9), None, "41898282+github-actions[bot]@users.noreply.github.com"),
            commit("9", t(10), "renovate", is_bot=True),  # bot flagged by GitHub
            commit("10", t(11), None, None),  # no identity
            commit("11", t(20, month=2), "zed"),  # before the window
        ],
    )
    r = compute(d).repos["a"]
    assert r["commits"] == 10  # bots included in commits
    assert r["contributors"] == 4  # alice, bob, carol (e-mail), dave (e-mail)
    assert r["bot_commits"] == 3
    assert r["unattributed_commits"] == 1
    assert compute(d, params=MetricParams(exclude_bots=False)).repos["a"]["contributors"] == 7


def test_email_identity_is_hashed_not_the_address() -> None:
    digest = hashlib.sha256(b"carol@example.com").hexdigest()[:16]
    assert activity.email_identity(" Carol@Example.com ") == f"email:{digest}"


def test_org_contributors_distinct_across_repos_and_top_contributors_ties() -> None:
    a = doc(
        "a",
        commits=[
            commit("1", t(2), "zoe"),
            commit("2", t(3), "zoe"),
            commit("3", t(4), "bob"),
            commit("4", t(5), "amy"),
        ],
    )
    b = doc(
        "b",
        commits=[
            commit("5", t(2), "bob"),
            commit("6", t(3), "amy"),
            commit("7", t(4), "dependabot[bot]"),
            commit("8", t(4), "dependabot[bot]"),
            commit("9", t(4), "dependabot[bot]"),
        ],
    )
    res = compute(a, b)
    assert res.repos["a"]["contributors"] == 3 and res.repos["b"]["contributors"] == 2
    assert res.org["contributors"] == 3  # distinct identities, not 3 + 2
    assert res.org["commits"] == 9
    # 2 each for amy, bob, zoe: ties by login ascending; the bot (3 commits) is excluded
    assert res.org["top_contributors"] == [
        {"login": "amy", "commits": 2},
        {"login": "bob", "commits": 2},
        {"login": "zoe", "commits": 2},
    ]


def test_top_contributors_keeps_ten() -> None:
    commits = [commit(f"{i}-{k}", t(2), f"u{i:02d}") for i in range(12) for k in range(i + 1)]
    res = compute(doc("a", commits=commits))
    top = res.org["top_contributors"]
    assert len(top) == 10
    assert top[0] == {"login": "u11", "commits": 12}
    assert top[-1] == {"login": "u02", "commits": 3}


def test_window_boundaries() -> None:
    d = doc(
        "a",
        commits=[
            commit("1", "2024-03-01T00:00:00Z"),
            commit("2", "2024-03-31T00:00:00Z"),
            commit("3", "2024-02-29T23:59:59Z"),
            commit("4", "2024-03-30T23:59:59Z"),
        ],
    )
    assert compute(d).repos["a"]["commits"] == 2


def test_empty_repo_zero_unavailable_null() -> None:
    empty = doc("empty", empty=True, commits=listing(available=False))
    quiet = doc("quiet")
    gone = doc("gone", commits=listing(available=False))
    res = compute(empty, quiet, gone)
    assert res.repos["empty"] == {
        "commits": 0,
        "contributors": 0,
        "bot_commits": 0,
        "unattributed_commits": 0,
    }
    assert res.repos["quiet"]["commits"] == 0
    assert all(v is None for v in res.repos["gone"].values())
    only_gone = compute(gone)
    assert only_gone.org["commits"] is None and only_gone.org["top_contributors"] is None


def test_keys_constant_lists_every_emitted_key() -> None:
    res = compute(doc("a", commits=[commit("1", t(2))]))
    assert set(res.repos["a"]) == set(activity.KEYS)
    assert set(res.org) == set(activity.ORG_KEYS)
