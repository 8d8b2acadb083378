"""`orgmetrics collect` in-process: bad configuration fails with one line before any request."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from orgmetrics.cli import main
from orgmetrics.demo.server import FakeGitHub
from orgmetrics.errors import ExitCode
from tests.integration._collect_fixtures import TOKEN, demo_org

ENV_NAMES = (
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "GITHUB_ORG",
    "GITHUB_API_URL",
    "GITHUB_GRAPHQL_URL",
    "MAX_PAGES",
    "REQUEST_TIMEOUT",
)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub(demo_org(), token=TOKEN) as server:
        yield server


@pytest.fixture
def env(fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A clean working directory and a good environment pointing at the fake."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    good = {"GITHUB_TOKEN": TOKEN, "GITHUB_ORG": "demo-org", "GITHUB_API_URL": fake.url}
    for name, value in good.items():
        monkeypatch.setenv(name, value)
    fake.log.reset()
    return good


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(["collect", *argv])
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize(
    ("unset", "expected"),
    [
        (("GITHUB_TOKEN",), "error: GITHUB_TOKEN (or GH_TOKEN) is not set"),
        (("GITHUB_ORG",), "error: GITHUB_ORG is not set"),
    ],
)
def test_missing_environment(
    env: dict[str, str],
    fake: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    unset: tuple[str, ...],
    expected: str,
) -> None:
    for name in unset:
        monkeypatch.delenv(name)
    code, _out, err = run([], capsys)
    assert code == ExitCode.CONFIG
    assert one_line(err).startswith(expected)
    assert fake.log.total == 0


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("[collect]\nworkerz = 3\n", "unknown key 'workerz' in [collect] of"),
        ("[metrics]\nincident_label_pattern = 'sev(['\n", "not a valid regular expression"),
        ("[collect]\nlookback_days = -5\n", "[collect] lookback_days in"),
        ("[github]\nmax_pages = 'many'\n", "must be an integer"),
    ],
)
def test_bad_config_file(
    env: dict[str, str],
    fake: FakeGitHub,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    toml: str,
    expected: str,
) -> None:
    path = tmp_path / "custom.toml"
    path.write_text(toml, encoding="utf-8")
    code, _out, err = run(["--config", str(path)], capsys)
    assert code == ExitCode.CONFIG
    line = one_line(err)
    assert expected in line
    assert str(path) in line
    assert fake.log.total == 0


@pytest.mark.parametrize(
    ("argv", "extra_env", "expected"),
    [
        (["--workers", "-2"], {}, "--workers must be >= 1"),
        (["--lookback-days", "0"], {}, "--lookback-days must be >= 1"),
        (["--as-of", "last tuesday"], {}, "--as-of must be an ISO-8601 instant"),
        (["--as-of", "2999-01-01T00:00:00Z"], {}, "is in the future"),
        ([], {"MAX_PAGES": "-1"}, "MAX_PAGES must be >= 1"),
        ([], {"REQUEST_TIMEOUT": "fast"}, "REQUEST_TIMEOUT must be a number of seconds"),
        (["--resume", "no-such-run"], {}, "no run 'no-such-run' in"),
        (["--resume", "x", "--lookback-days", "9"], {}, "--resume keeps the run's own"),
    ],
)
def test_bad_command_line_or_environment(
    env: dict[str, str],
    fake: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    extra_env: dict[str, str],
    expected: str,
) -> None:
    for name, value in extra_env.items():
        monkeypatch.setenv(name, value)
    code, _out, err = run(argv, capsys)
    assert code == ExitCode.CONFIG
    assert expected in one_line(err)
    assert fake.log.total == 0


def test_wrong_token_exits_3_without_echoing_it(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_wrongTokenValue0123456789")
    code, out, err = run(["--data-dir", "data"], capsys)
    assert code == ExitCode.AUTH
    assert "Bad credentials" in one_line(err)
    assert "ghp_wrongTokenValue0123456789" not in out + err


def test_unknown_org_exits_2(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["--org", "no-such-org", "--data-dir", "data"], capsys)
    assert code == ExitCode.CONFIG
    assert "'no-such-org' not found" in one_line(err)


def test_collect_prints_run_id_and_meta_path(
    env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "orgmetrics.toml").write_text(
        '[collect]\ninclude_repos = ["empty-repo", "forked-sdk"]\nlookback_days = 14\n',
        encoding="utf-8",
    )
    code, out, err = run(["--data-dir", "data", "--as-of", "2026-03-01T00:00:00Z"], capsys)
    assert code == ExitCode.OK, err
    found = re.search(r"run ([0-9a-f-]{36}) complete: 2 repos", out)
    assert found, out
    meta_line = next(line for line in out.splitlines() if line.startswith("run metadata: "))
    meta_path = Path(meta_line.removeprefix("run metadata: "))
    assert meta_path.is_file()
    assert found.group(1) in meta_path.read_text("utf-8")
    assert sorted(p.name for p in (tmp_path / "data" / "raw" / found.group(1)).iterdir()) == [
        "empty-repo.json",
        "forked-sdk.json",
    ]
