"""Shared helpers of the collector's integration tests: the demo org on a fake GitHub, over HTTP."""

from __future__ import annotations

import functools
import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from orgmetrics.config import Config, load_config
from orgmetrics.demo.generate import generate_org
from orgmetrics.demo.model import Org
from orgmetrics.demo.server import FakeGitHub
from orgmetrics.github import GitHubClient

NOW = datetime(2026, 3, 1, tzinfo=UTC)
TOKEN = "ghp_collectorTestToken0123456789abcdef"
LOOKBACK = 30
N_REPOS = 8


def demo_org() -> Org:
    """The demo org the collector tests share (its specials, and nothing more)."""
    return generate_org(seed=7, n_repos=N_REPOS, now=NOW)


def config_for(fake: FakeGitHub, **overrides: Any) -> Config:
    """A validated Config pointing at `fake`."""
    env = {"GITHUB_TOKEN": TOKEN, "GITHUB_ORG": fake.org.login, "GITHUB_API_URL": fake.url}
    settings = {"lookback_days": LOOKBACK, **overrides}
    empty = Path(tempfile.mkdtemp(prefix="orgmetrics-cfg-")) / "orgmetrics.toml"
    empty.write_text("", encoding="utf-8")  # never pick up a ./orgmetrics.toml by accident
    return load_config(empty, env=env, overrides=settings)


def fast_client(fake: FakeGitHub, *, max_wait: float = 900.0) -> GitHubClient:
    """A real client whose waits are skipped (tests never really sleep on backoff)."""
    return GitHubClient(
        TOKEN, fake.url, max_wait=max_wait, sleep=lambda _s: None, backoff_initial=0.01
    )


def read_docs(raw_dir: Path) -> dict[str, dict[str, Any]]:
    """Repo name -> raw document."""
    return {p.stem: json.loads(p.read_text("utf-8")) for p in sorted(raw_dir.glob("*.json"))}


def without_run_id(docs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Documents with the run id blanked, to compare two runs over the same data."""
    return {name: {**doc, "run_id": "-"} for name, doc in docs.items()}


@functools.cache
def baseline_docs() -> dict[str, dict[str, Any]]:
    """The demo org collected once without faults (cached per test process), run id blanked."""
    from orgmetrics.collect import collect_org

    data_dir = Path(tempfile.mkdtemp(prefix="orgmetrics-baseline-")) / "data"
    with FakeGitHub(demo_org(), token=TOKEN) as fake:
        result = collect_org(
            config_for(fake), data_dir=data_dir, as_of=NOW, progress=False, client=fast_client(fake)
        )
    return without_run_id(read_docs(result.raw_dir))
