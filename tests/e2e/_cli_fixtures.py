"""Shared helpers of the adversarial CLI tests: a fake GitHub, one collected snapshot, digests.

The snapshot is collected once per test process (through the real `orgmetrics collect`) and
copied per test, so every test can check that a failing command leaves it byte-identical.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from orgmetrics.cli import main
from orgmetrics.demo.generate import generate_org
from orgmetrics.demo.server import FakeGitHub
from orgmetrics.github import GitHubClient

NOW = datetime(2026, 11, 30, tzinfo=UTC)
AS_OF = "2026-11-30T00:00:00Z"
LOOKBACK = 30
N_REPOS = 8  # the special repos up to and including `hostile-text`
MARKER = "H10tokenMARKERzz"
TOKEN = "ghp_" + (MARKER * 3)[:36]
ORG = "demo-org"
ENV_NAMES = (
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "GITHUB_ORG",
    "GITHUB_API_URL",
    "GITHUB_GRAPHQL_URL",
    "MAX_PAGES",
    "REQUEST_TIMEOUT",
    "MAX_WAIT",
)


class FastClient(GitHubClient):
    """The real client, with backoff waits skipped (the CLI cannot inject `sleep`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("sleep", lambda _s: None)
        kwargs.setdefault("backoff_initial", 0.001)
        super().__init__(*args, **kwargs)


@functools.cache
def fake_server() -> FakeGitHub:
    """One fake GitHub for the process, serving the demo org and accepting only TOKEN."""
    return FakeGitHub(generate_org(seed=7, n_repos=N_REPOS, now=NOW), token=TOKEN).start()


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`orgmetrics ARGV` in-process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    code = info.value.code
    return (code if isinstance(code, int) else 1 if code else 0), out, err


def one_line(err: str) -> str:
    """The single non-empty stderr line (asserts there is exactly one and no traceback)."""
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    return lines[0]


def digests(root: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under `root`."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def assert_kept(before: dict[str, str], root: Path) -> None:
    """Every earlier file is still there, byte-identical (the ETag cache under cache/ may grow)."""
    after = digests(root)
    changed = sorted(
        k for k, v in before.items() if after.get(k) != v and not k.startswith("cache/")
    )
    assert not changed, f"earlier files changed or removed: {changed}"


def set_env(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    """A clean environment: only `values` of the orgmetrics variables are set."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def good_env(monkeypatch: pytest.MonkeyPatch) -> FakeGitHub:
    """Environment pointing the CLI at the fake, with fast retries; returns the fake."""
    fake = fake_server()
    fake.faults.clear()
    set_env(monkeypatch, GITHUB_TOKEN=TOKEN, GITHUB_ORG=ORG, GITHUB_API_URL=fake.url)
    monkeypatch.setattr("orgmetrics.collect.GitHubClient", FastClient)
    return fake


@functools.cache
def _master_snapshot() -> Path:
    """Collect + aggregate the demo org once through the CLI; the data dir (never modified)."""
    fake = fake_server()
    data = Path(tempfile.mkdtemp(prefix="orgmetrics-h10-")) / "data"
    with pytest.MonkeyPatch.context() as mp:
        set_env(mp, GITHUB_TOKEN=TOKEN, GITHUB_ORG=ORG, GITHUB_API_URL=fake.url)
        mp.chdir(data.parent)
        common = ["--data-dir", str(data)]
        args = ["collect", *common, "--as-of", AS_OF, "--lookback-days", str(LOOKBACK)]
        for argv in (args, ["aggregate", *common, "--window-days", "30"]):
            try:
                main(argv)
            except SystemExit as exc:
                assert exc.code in (0, None), f"{argv} exited {exc.code}"
    return data


@pytest.fixture
def snapshot(tmp_path: Path) -> Iterator[Path]:
    """A private copy of the collected + aggregated snapshot (data dir)."""
    data = tmp_path / "data"
    shutil.copytree(_master_snapshot(), data)
    yield data


def raw_docs(data: Path) -> list[Path]:
    """The raw documents of the snapshot, sorted."""
    return sorted((data / "raw").rglob("*.json"))


ORGMETRICS = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "orgmetrics"


@dataclass(frozen=True)
class Pipeline:
    """What `orgmetrics -vv collect/aggregate/report` left: folders and every process's output."""

    data: Path
    out: Path
    report_dir: Path
    outputs: tuple[str, ...]  # stdout + stderr of each step


def subprocess_cli(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    """`.venv/bin/orgmetrics ARGV` in a child process (real logging set-up, real stderr)."""
    keep = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    done = subprocess.run(
        [str(ORGMETRICS), *argv],
        env={**keep, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


@functools.cache
def pipeline() -> Pipeline:
    """The demo org collected, aggregated and reported by the real command, at -vv, once."""
    fake = fake_server()
    root = Path(tempfile.mkdtemp(prefix="orgmetrics-h10-pipeline-"))
    data, out = root / "data", root / "out"
    env = {"GITHUB_TOKEN": TOKEN, "GITHUB_ORG": ORG, "GITHUB_API_URL": fake.url}
    steps = [
        ["-vv", "collect", "--data-dir", str(data), "--as-of", AS_OF, "--lookback-days", "30"],
        ["-vv", "aggregate", "--data-dir", str(data), "--window-days", "30"],
        ["-vv", "report", "--data-dir", str(data), "--output-root", str(out), "--engine", "pandoc"],
    ]
    outputs: list[str] = []
    for argv in steps:
        code, stdout, stderr = subprocess_cli(argv, env, root)
        outputs += [stdout, stderr]
        assert code == 0, f"{argv} exited {code}: {stderr[-2000:]}"
    (report_dir,) = [p for p in out.iterdir() if p.is_dir()]
    return Pipeline(data, out, report_dir, tuple(outputs))
