"""Shared fixtures for the GitHub client's integration tests (real HTTP to FakeGitHub)."""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from orgmetrics.demo.generate import generate_org
from orgmetrics.demo.model import Org, Repo
from orgmetrics.demo.server import FakeGitHub
from orgmetrics.github import EtagStore, GitHubClient

# Recognisable: the token-safety test greps every log line, exception and file for it.
TOKEN = "ghp_RECOGNISABLE0token0SHOULD0NEVER0LEAK0zz"
NOW = datetime(2026, 6, 1, tzinfo=UTC)


@functools.cache
def demo_org() -> Org:
    """The demo organisation (generated once per session; tests must not mutate it)."""
    return generate_org(seed=7, n_repos=14, now=NOW)


def repo(name: str) -> Repo:
    """A repo of the demo org by name."""
    return next(r for r in demo_org().repos if r.name == name)


@dataclass
class Sleeps:
    """An injectable `sleep` that records each requested wait and sleeps at most `real` s."""

    real: float = 0.0
    waits: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self.real:
            time.sleep(min(seconds, self.real))


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    """A fresh fake GitHub (own rate buckets, faults and log) accepting only TOKEN."""
    with FakeGitHub(demo_org(), token=TOKEN) as server:
        yield server


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def make_client(
    server: FakeGitHub,
    sleeps: Sleeps,
    *,
    token: str = TOKEN,
    data_dir: Path | None = None,
    **kwargs: Any,
) -> GitHubClient:
    """A client for `server` with the injectable sleep and, optionally, an ETag store."""
    store = EtagStore.in_data_dir(data_dir) if data_dir is not None else None
    kwargs.setdefault("max_retries", 3)
    kwargs.setdefault("timeout", 5.0)
    return GitHubClient(
        token, server.url, server.graphql_url, etag_store=store, sleep=sleeps, **kwargs
    )


@pytest.fixture
def client(fake: FakeGitHub, sleeps: Sleeps) -> Iterator[GitHubClient]:
    with make_client(fake, sleeps) as c:
        yield c


@pytest.fixture(scope="session")
def warm_graphql() -> None:
    """Build the fake's GraphQL schema once (seconds on a busy machine), outside timed tests."""
    from orgmetrics.demo.graphql_api import execute_graphql

    execute_graphql(demo_org(), "{ rateLimit { cost } }", None)
