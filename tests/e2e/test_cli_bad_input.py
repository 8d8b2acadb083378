"""Adversarial end to end: bad input to the real CLI ends with one line, the right exit code,
and an earlier snapshot left byte-identical.

Every case runs `orgmetrics.cli.main` in-process against the fake GitHub (or no network at
all), on a private copy of one snapshot collected through the CLI (see `_cli_fixtures`).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from orgmetrics.demo.server import FakeGitHub
from orgmetrics.errors import ExitCode
from orgmetrics.schema import validate
from tests.e2e._cli_fixtures import (
    AS_OF,
    LOOKBACK,
    ORG,
    TOKEN,
    assert_kept,
    digests,
    fake_server,
    good_env,
    one_line,
    pipeline,
    raw_docs,
    run_cli,
    set_env,
    snapshot,
    subprocess_cli,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("cli_e2e")]
_ = snapshot  # the fixture, imported for pytest

COLLECT = ["collect", "--as-of", AS_OF, "--lookback-days", str(LOOKBACK)]


def _collect(data: Path, *extra: str) -> list[str]:
    return [*COLLECT, "--data-dir", str(data), *extra]


# ---- collect: environment and configuration ---------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"GITHUB_ORG": ORG}, "GITHUB_TOKEN"),
        ({"GITHUB_TOKEN": TOKEN}, "GITHUB_ORG"),
    ],
    ids=["no-token", "no-org"],
)
def test_collect_missing_token_or_org(
    snapshot: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    expected: str,
) -> None:
    fake = good_env(monkeypatch)
    set_env(monkeypatch, GITHUB_API_URL=fake.url, **env)
    monkeypatch.chdir(snapshot.parent)
    before = digests(snapshot)
    fake.log.reset()
    code, _out, err = run_cli(_collect(snapshot), capsys)
    assert code == ExitCode.CONFIG
    assert expected in one_line(err)
    assert fake.log.total == 0
    assert_kept(before, snapshot)


def test_collect_gh_token_alone_is_enough(
    snapshot: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """GH_TOKEN is the documented alternative; a wrong one still gives exit 3."""
    fake = good_env(monkeypatch)
    set_env(monkeypatch, GH_TOKEN="ghp_" + "x" * 36, GITHUB_ORG=ORG, GITHUB_API_URL=fake.url)
    monkeypatch.chdir(snapshot.parent)
    before = digests(snapshot)
    code, _out, err = run_cli(_collect(snapshot), capsys)
    assert code == ExitCode.AUTH
    assert "Bad credentials: check GITHUB_TOKEN" in one_line(err)
    assert_kept(before, snapshot)


def test_collect_wrong_token_exit_3(
    snapshot: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good_env(monkeypatch)
    wrong = "ghp_" + "W" * 36
    monkeypatch.setenv("GITHUB_TOKEN", wrong)
    monkeypatch.chdir(snapshot.parent)
    before = digests(snapshot)
    code, out, err = run_cli(_collect(snapshot), capsys)
    assert code == ExitCode.AUTH
    assert "Bad credentials: check GITHUB_TOKEN" in one_line(err)
    assert wrong not in out + err
    assert_kept(before, snapshot)


def test_collect_unknown_org_names_it(
    snapshot: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good_env(monkeypatch)
    monkeypatch.chdir(snapshot.parent)
    before = digests(snapshot)
    code, _out, err = run_cli(_collect(snapshot, "--org", "no-such-org-h10"), capsys)
    assert code == ExitCode.CONFIG
    line = one_line(err)
    assert "'no-such-org-h10' not found" in line
    assert "GITHUB_ORG" in line  # the variable to fix
    assert_kept(before, snapshot)


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("[collect\nworkers = 2\n", "not valid TOML"),
        ("[collect]\nworkerz = 2\n", "unknown key 'workerz'"),
        ("[metrics]\nproduction_env_pattern = '(prod'\n", "not a valid regular expression"),
        ("[collect]\nworkers = -3\n", "[collect] workers"),
        ("[collect]\nlookback_days = 'ninety'\n", "must be an integer"),
        ("[collect]\ninclude_forks = 'yes'\n", "must be true or false"),
        ("[github]\ntoken = 'ghp_inthefile'\n", "must not hold the token"),
        ("[metrics.sla_days]\ncritical = 'soon'\n", "critical"),
    ],
    ids=[
        "syntax",
        "unknown-key",
        "bad-regex",
        "negative-workers",
        "wrong-type",
        "bool",
        "token",
        "sla-type",
    ],
)
def test_collect_malformed_config(
    snapshot: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    toml: str,
    expected: str,
) -> None:
    fake = good_env(monkeypatch)
    monkeypatch.chdir(snapshot.parent)
    path = snapshot.parent / "orgmetrics.toml"
    path.write_text(toml, encoding="utf-8")
    before = digests(snapshot)
    fake.log.reset()
    code, out, err = run_cli(_collect(snapshot, "--config", str(path)), capsys)
    assert code == ExitCode.CONFIG
    line = one_line(err)
    assert expected in line
    assert str(path) in line  # names the file to fix
    assert "ghp_inthefile" not in out + err
    assert fake.log.total == 0  # refused before the first request
    assert_kept(before, snapshot)


def test_collect_refuses_plain_http_to_a_remote_host(
    snapshot: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good_env(monkeypatch)
    monkeypatch.setenv("GITHUB_API_URL", "http://github.example.com/api/v3")
    monkeypatch.chdir(snapshot.parent)
    before = digests(snapshot)
    code, out, err = run_cli(_collect(snapshot), capsys)
    assert code == ExitCode.CONFIG
    line = one_line(err)
    assert "http" in line.lower() and "github.example.com" in line
    assert TOKEN not in out + err
    assert_kept(before, snapshot)


# ---- collect: a broken GitHub -----------------------------------------------------------------


def _new_run_files(before: dict[str, str], data: Path) -> list[Path]:
    return [data / k for k in digests(data) if k not in before and not k.startswith("cache/")]


@pytest.mark.parametrize(
    ("pattern", "kind", "status", "source"),
    [
        (r"/actions/runs", "malformed_json", 502, "workflow_runs"),
        (r"/actions/workflows", "status", 500, "workflows"),
        (r"/actions/runs", "connection_reset", 502, "workflow_runs"),
        (r"^/graphql", "status", 502, "pull_requests"),
    ],
    ids=["malformed-json", "500-storm", "connection-resets", "graphql-502-storm"],
)
def test_collect_broken_github_never_writes_a_corrupt_document(
    snapshot: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    pattern: str,
    kind: str,
    status: int,
    source: str,
) -> None:
    fake = good_env(monkeypatch)
    monkeypatch.chdir(snapshot.parent)
    shutil.rmtree(snapshot / "cache", ignore_errors=True)  # a 304 would bypass the fault
    before = digests(snapshot)
    fault = fake.faults.add(pattern, kind, times=None, status=status)
    try:
        code, _out, err = run_cli(_collect(snapshot, "--workers", "2"), capsys)
    finally:
        fake.faults.clear()
    assert fault.hits > 0
    assert "Traceback" not in err
    assert_kept(before, snapshot)
    new = _new_run_files(before, snapshot)
    metas = [p for p in new if p.parent.name == "meta"]
    assert len(metas) == 1, new
    meta = json.loads(metas[0].read_text("utf-8"))
    for path in new:
        if path.parent.parent.name == "raw":
            validate(json.loads(path.read_text("utf-8")), "raw_repo", source=str(path))
    if code == ExitCode.OK:  # a completed run must say which data is missing, never show 0
        docs = [json.loads(p.read_text("utf-8")) for p in new if p.parent.parent.name == "raw"]
        assert docs and meta["repos_with_errors"] >= 1
        for doc in docs:
            if source == "workflow_runs" and not doc["workflows"]["items"]:
                continue  # no workflow, so no runs listing was asked for
            assert doc[source]["available"] is False, doc["repo"]["name"]
            assert any(e["field"] == source for e in doc["errors"]), doc["errors"]
    else:
        assert code == ExitCode.FAILURE
        one_line(err)
        assert meta["status"] == "incomplete"
        assert meta["stop_reason"].startswith("error")


def test_collect_rate_budget_exhausted_exit_4_with_resume_command(
    snapshot: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = good_env(monkeypatch)
    monkeypatch.setenv("MAX_WAIT", "1")
    monkeypatch.chdir(snapshot.parent)
    before = digests(snapshot)
    fake.faults.add(r"/actions/workflows", "primary_limit", times=1, reset_in=3600)
    try:
        code, _out, err = run_cli(_collect(snapshot, "--workers", "1"), capsys)
    finally:
        fake.faults.clear()
        for bucket in fake._buckets.values():  # the next test gets a fresh budget
            bucket.used = 0
            bucket.reset_at = 0
    assert code == ExitCode.RATE_LIMITED
    line = one_line(err)
    match = re.search(r"orgmetrics collect --resume (\S+) --data-dir (\S+)", line)
    assert match, line
    assert Path(match.group(2)) == snapshot
    assert_kept(before, snapshot)
    metas = [p for p in _new_run_files(before, snapshot) if p.parent.name == "meta"]
    meta = json.loads(metas[0].read_text("utf-8"))
    assert meta["run_id"] == match.group(1)
    assert meta["status"] == "incomplete" and meta["stop_reason"] == "rate_limited"


# ---- aggregate --------------------------------------------------------------------------------


def _aggregate(data: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    return run_cli(["aggregate", "--data-dir", str(data), *extra], capsys)


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, snapshot: Path) -> Path:
    """No GitHub variables at all, working directory next to the snapshot copy."""
    set_env(monkeypatch)
    monkeypatch.chdir(snapshot.parent)
    return snapshot


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--window-days", str(LOOKBACK + 1)], "exceeds the snapshot's lookback of 30 days"),
        (["--window-days", "0"], "--window-days must be at least 1"),
        (["--window-days", "7", "--as-of", "2026-12-31T00:00:00Z"], "later than the snapshot"),
        (["--window-days", "7", "--as-of", "2025-01-01T00:00:00Z"], "is too early"),
        (["--as-of", "yesterday"], "not an ISO-8601 timestamp"),
        (["--run-id", "no-such-run"], "run 'no-such-run' not found"),
    ],
    ids=[
        "window>lookback",
        "window-0",
        "as-of-after",
        "as-of-before",
        "as-of-garbage",
        "unknown-run",
    ],
)
def test_aggregate_bad_window(
    offline: Path, capsys: pytest.CaptureFixture[str], extra: list[str], expected: str
) -> None:
    before = digests(offline)
    code, _out, err = _aggregate(offline, capsys, *extra)
    assert code == ExitCode.CONFIG
    assert expected in one_line(err)
    assert_kept(before, offline)


def test_aggregate_without_a_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    set_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    empty = tmp_path / "nothing"
    code, _out, err = _aggregate(empty, capsys)
    assert code == ExitCode.CONFIG
    line = one_line(err)
    assert str(empty) in line and "run 'orgmetrics collect' first" in line
    assert not empty.exists() or not any(empty.rglob("*.json"))


def test_aggregate_schema_violation_names_file_path_and_rule(
    offline: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc_path = next(p for p in raw_docs(offline) if p.stem == "forked-sdk")
    doc = json.loads(doc_path.read_text("utf-8"))
    doc["repo"]["fork"] = "yes"  # boolean in the schema
    doc_path.write_text(json.dumps(doc), encoding="utf-8")
    before = digests(offline)
    code, _out, err = _aggregate(offline, capsys)
    assert code == ExitCode.SCHEMA
    line = one_line(err)
    assert doc_path.name in line
    assert "fork" in line  # the JSON path
    assert "boolean" in line  # the rule
    assert_kept(before, offline)


def test_aggregate_truncated_raw_document(
    offline: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc_path = raw_docs(offline)[0]
    text = doc_path.read_bytes()
    doc_path.write_bytes(text[: len(text) // 2])
    before = digests(offline)
    code, _out, err = _aggregate(offline, capsys)
    assert code == ExitCode.SCHEMA
    line = one_line(err)
    assert doc_path.name in line and "not valid JSON" in line
    assert_kept(before, offline)


def test_aggregate_corrupt_run_metadata(offline: Path, capsys: pytest.CaptureFixture[str]) -> None:
    meta_path = next((offline / "meta").glob("*.json"))
    meta_path.write_text("{not json", encoding="utf-8")
    before = digests(offline)
    code, _out, err = _aggregate(offline, capsys)
    assert code == ExitCode.SCHEMA
    line = one_line(err)
    assert meta_path.name in line and "not valid JSON" in line
    assert_kept(before, offline)


# ---- report / verify --------------------------------------------------------------------------


def test_report_without_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    set_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    argv = ["report", "--data-dir", str(tmp_path / "nodata"), "--output-root", str(out)]
    code, _out, err = run_cli([*argv, "--engine", "pandoc"], capsys)
    assert code == ExitCode.CONFIG
    assert "run 'orgmetrics collect' first" in one_line(err)
    assert not out.exists() or not any(out.rglob("report.html"))


def test_report_window_longer_than_snapshot(
    offline: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = offline.parent / "out"
    before = digests(offline)
    argv = ["report", "--data-dir", str(offline), "--output-root", str(out)]
    code, _out, err = run_cli([*argv, "--window-days", str(LOOKBACK + 5)], capsys)
    assert code == ExitCode.CONFIG
    assert "lookback" in one_line(err)
    assert not out.exists() or not any(out.rglob("report.html"))
    assert_kept(before, offline)


def test_verify_not_a_report_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run_cli(["verify", str(tmp_path / "missing")], capsys)
    assert code == ExitCode.CONFIG
    assert "missing" in one_line(err)


def test_verify_tampered_report_exit_5_lists_differences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = pipeline()
    copy = tmp_path / run.report_dir.name
    shutil.copytree(run.report_dir, copy)
    html = copy / "report.html"
    html.write_text(html.read_text("utf-8").replace("hostile-text", "h0stile-text"), "utf-8")
    dashboard = json.loads((copy / "dashboard.json").read_text("utf-8"))
    dashboard["window"]["days"] = 29
    (copy / "dashboard.json").write_text(json.dumps(dashboard), "utf-8")
    before = digests(run.data)
    code, _out, err = run_cli(["verify", str(copy), "--data-dir", str(run.data)], capsys)
    assert code == ExitCode.VERIFY_MISMATCH
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    mismatches = [line for line in lines if line.startswith("MISMATCH ")]
    assert any("report.html" in line for line in mismatches), err
    assert any("dashboard.json" in line for line in mismatches), err
    errors = [line for line in lines if line.startswith("error: ")]
    assert errors == [f"error: {copy}: {len(mismatches)} difference(s) found"]
    assert_kept(before, run.data)


# ---- command line and file system -------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["collect", "--workers", "abc"], "'abc' is not a valid integer"),
        (["collect", "--config", "."], "is a directory"),
        (["aggregate", "--window-days", "thirty"], "'thirty' is not a valid integer"),
        (["report", "--engine", "latex"], "'latex' is not one of"),
        (["collect", "--no-such-flag"], "No such option '--no-such-flag'"),
        (["colect"], "No such command 'colect'"),
    ],
    ids=["int", "config-dir", "window-type", "engine", "flag", "command"],
)
def test_command_line_errors_are_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    expected: str,
) -> None:
    set_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    code, _out, err = run_cli(argv, capsys)
    assert code == ExitCode.CONFIG
    line = one_line(err)
    assert expected in line
    assert "--help" in line  # says where the usage is


def test_output_root_that_is_a_file(offline: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = offline.parent / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    before = digests(offline)
    argv = ["report", "--data-dir", str(offline), "--output-root", str(blocker / "out")]
    code, _out, err = run_cli([*argv, "--engine", "pandoc"], capsys)
    assert code == ExitCode.FAILURE
    assert str(blocker / "out") in one_line(err)
    assert_kept(before, offline)


def test_collect_data_dir_under_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    code, _out, err = run_cli(_collect(blocker / "data"), capsys)
    assert code == ExitCode.FAILURE
    assert str(blocker) in one_line(err)
    assert blocker.read_text("utf-8") == "x"


# ---- a hostile GitHub: odd answers on the repo listing and error texts ------------------------


def _tamper_listing(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch, change: Any) -> None:
    """Make the fake answer `GET /orgs/{org}/repos` with `change(original list)` as JSON."""
    original = fake._rest

    def rest(method: str, path: str, qs: str) -> Any:
        answer = original(method, path, qs)
        if path.rstrip("/") == f"/orgs/{ORG}/repos" and answer.body:
            answer.body = json.dumps(change(json.loads(answer.body))).encode()
        return answer

    monkeypatch.setattr(fake, "_rest", rest)


def _rename_first(items: list[dict[str, Any]], name: Any) -> list[dict[str, Any]]:
    live = next(i for i in items if not i["archived"])
    return [*items, {**live, "name": name, "full_name": f"{ORG}/{name}", "id": 999_999}]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda items: {"message": "Moved Permanently"}, id="object-not-list"),
        pytest.param(lambda items: [*items, "not-a-repo"], id="item-not-object"),
        pytest.param(
            lambda items: [*items, {"name": "half-a-repo"}],
            id="item-missing-fields",  # regression: once a traceback
        ),
        pytest.param(
            lambda items: _rename_first(items, 12345),
            id="name-not-string",  # regression: once a traceback
        ),
    ],
)
def test_collect_malformed_repo_listing(
    snapshot: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    change: Any,
) -> None:
    fake = good_env(monkeypatch)
    monkeypatch.chdir(snapshot.parent)
    shutil.rmtree(snapshot / "cache", ignore_errors=True)
    _tamper_listing(fake, monkeypatch, change)
    before = digests(snapshot)
    code, _out, err = run_cli(_collect(snapshot), capsys)
    assert code == ExitCode.FAILURE, err
    assert "/repos" in one_line(err)  # names the listing GitHub got wrong
    assert_kept(before, snapshot)
    for path in _new_run_files(before, snapshot):
        if path.parent.parent.name == "raw":
            validate(json.loads(path.read_text("utf-8")), "raw_repo", source=str(path))


@pytest.mark.parametrize("name", ["../../escape", "..", "a/b", ".hidden\x00"])
def test_collect_hostile_repo_name_writes_nothing_outside(
    snapshot: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
) -> None:
    fake = good_env(monkeypatch)
    monkeypatch.chdir(snapshot.parent)
    shutil.rmtree(snapshot / "cache", ignore_errors=True)
    _tamper_listing(fake, monkeypatch, lambda items: _rename_first(items, name))
    outside = digests(snapshot.parent)
    code, _out, err = run_cli(_collect(snapshot), capsys)
    assert code == ExitCode.OK, err
    new = [k for k in digests(snapshot.parent) if k not in outside]
    assert new and all(k.startswith("data/") for k in new), new
    assert_kept({k: v for k, v in outside.items() if k.startswith("data/")}, snapshot.parent)
    metas = [snapshot.parent / k for k in new if k.startswith("data/meta/")]
    meta = json.loads(metas[0].read_text("utf-8"))
    assert name in meta["repos"]["unsafe"]
    raw = [k for k in new if k.startswith("data/raw/")]
    assert len(raw) == len(meta["repos"]["written"])


def test_hostile_error_text_stays_one_clean_line(
    snapshot: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """GitHub's message is untrusted: newlines, terminal escapes and an echoed token."""
    fake = good_env(monkeypatch)
    monkeypatch.chdir(snapshot.parent)
    hostile = f"Validation Failed\nerror: fake second line \x1b[2J\x1b[31m {TOKEN} Bearer {TOKEN}"
    monkeypatch.setattr("orgmetrics.demo.server._status_message", lambda _status: hostile)
    fake.faults.add(rf"^/orgs/{ORG}$", "status", times=None, status=422)
    before = digests(snapshot)
    try:
        code, out, err = run_cli(_collect(snapshot), capsys)
    finally:
        fake.faults.clear()
    assert code == ExitCode.FAILURE
    line = one_line(err)
    assert "Validation Failed" in line
    assert "\x1b" not in out + err
    assert TOKEN not in out + err and TOKEN[4:] not in out + err
    assert_kept(before, snapshot)


@pytest.mark.parametrize("lookback", [-5, 0, "30", True, None], ids=repr)
def test_aggregate_run_metadata_with_invalid_lookback(
    offline: Path, capsys: pytest.CaptureFixture[str], lookback: object
) -> None:
    meta_path = next((offline / "meta").glob("*.json"))
    meta = json.loads(meta_path.read_text("utf-8"))
    meta["lookback_days"] = lookback
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    before = digests(offline)
    code, _out, err = _aggregate(offline, capsys)
    line = one_line(err)
    assert code == ExitCode.SCHEMA
    assert meta_path.name in line and "lookback_days" in line
    assert_kept(before, offline)


def test_aggregate_run_metadata_with_garbage_as_of(
    offline: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    meta_path = next((offline / "meta").glob("*.json"))
    meta = json.loads(meta_path.read_text("utf-8"))
    meta["as_of"] = "yesterday"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    before = digests(offline)
    code, _out, err = _aggregate(offline, capsys)
    assert code == ExitCode.SCHEMA
    line = one_line(err)
    assert meta_path.name in line and "$.as_of" in line
    assert_kept(before, offline)


def test_aggregate_raw_document_with_nan(offline: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Python's json accepts NaN; the schema must still refuse it (never a NaN in a metric)."""
    doc_path = next(p for p in raw_docs(offline) if p.stem == "forked-sdk")
    text = doc_path.read_text("utf-8")
    doc_path.write_text(re.sub(r'"number": \d+', '"number": NaN', text, count=1), "utf-8")
    before = digests(offline)
    code, _out, err = _aggregate(offline, capsys)
    assert code == ExitCode.SCHEMA
    line = one_line(err)
    assert doc_path.name in line and ".number" in line and "integer" in line
    assert_kept(before, offline)


@pytest.mark.parametrize(
    ("link", "code", "expected"),
    [
        ("{url}/orgs/demo-org/repos?{qs}", ExitCode.FAILURE, "repeats a page already read"),
        (
            "http://evil.example.com/orgs/demo-org/repos?page=2",
            ExitCode.CONFIG,
            "refusing to send the GitHub token to 'evil.example.com'",
        ),
    ],
    ids=["next-link-loop", "next-link-other-host"],
)
def test_collect_hostile_next_link(
    snapshot: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    link: str,
    code: int,
    expected: str,
) -> None:
    """A Link header that pages forever or leaves the API host stops the run in one line."""
    fake = good_env(monkeypatch)
    monkeypatch.chdir(snapshot.parent)
    shutil.rmtree(snapshot / "cache", ignore_errors=True)  # a 304 would replay the real Link
    original = fake._rest

    def rest(method: str, path: str, qs: str) -> Any:
        answer = original(method, path, qs)
        if path.rstrip("/") == f"/orgs/{ORG}/repos":
            answer.headers["Link"] = "<" + link.format(url=fake.url, qs=qs) + '>; rel="next"'
        return answer

    monkeypatch.setattr(fake, "_rest", rest)
    before = digests(snapshot)
    fake.log.reset()
    got, out, err = run_cli(_collect(snapshot), capsys)
    assert got == code
    assert expected in one_line(err)
    assert fake.log.total < 10  # stopped at once, not after thousands of pages
    assert TOKEN not in out + err
    assert_kept(before, snapshot)


def _strings_for_nodes(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: ["x" for _ in v] if k == "nodes" and isinstance(v, list) else _strings_for_nodes(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_strings_for_nodes(v) for v in value]
    return value


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda doc: {**doc, "data": {}}, id="empty-data"),
        pytest.param(lambda doc: {**doc, "data": "x"}, id="data-not-object"),
        pytest.param(
            lambda doc: {**doc, "data": {k: None for k in doc.get("data") or {}}}, id="null-roots"
        ),
        pytest.param(
            _strings_for_nodes,
            id="nodes-not-objects",  # regression: once a traceback
        ),
    ],
)
def test_collect_malformed_graphql_answers(
    snapshot: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    change: Any,
) -> None:
    """Every GraphQL answer bent out of shape: a clear stop, or every affected source flagged."""
    fake = good_env(monkeypatch)
    monkeypatch.chdir(snapshot.parent)
    original = fake._graphql

    def graphql(method: str, body: bytes, token: str, rid: str) -> Any:
        answer = original(method, body, token, rid)
        answer.body = json.dumps(change(json.loads(answer.body))).encode()
        return answer

    monkeypatch.setattr(fake, "_graphql", graphql)
    before = digests(snapshot)
    code, _out, err = run_cli(_collect(snapshot), capsys)
    assert "Traceback" not in err
    assert_kept(before, snapshot)
    new = _new_run_files(before, snapshot)
    docs = [json.loads(p.read_text("utf-8")) for p in new if p.parent.parent.name == "raw"]
    for doc in docs:
        validate(doc, "raw_repo", source=doc["repo"]["name"])
    if code == ExitCode.OK:
        assert docs
        for doc in docs:  # GraphQL sources are unknown, never an empty "available" list
            assert doc["pull_requests"]["available"] is False, doc["repo"]["name"]
            assert doc["commits"]["available"] is False, doc["repo"]["name"]
    else:
        assert code == ExitCode.FAILURE
        one_line(err)


def test_collect_config_file_not_utf8(  # regression: once a traceback
    snapshot: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = good_env(monkeypatch)
    monkeypatch.chdir(snapshot.parent)
    path = snapshot.parent / "orgmetrics.toml"
    path.write_bytes(b"\xff\xfe[\x00c\x00o\x00l\x00l\x00e\x00c\x00t\x00]\x00\n\x00")  # UTF-16
    before = digests(snapshot)
    fake.log.reset()
    code, _out, err = run_cli(_collect(snapshot, "--config", str(path)), capsys)
    assert code == ExitCode.CONFIG
    line = one_line(err)
    assert str(path) in line and "UTF-8" in line
    assert fake.log.total == 0
    assert_kept(before, snapshot)


def test_collect_interrupted_exit_130_with_resume_command(
    snapshot: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C during the per-repo work: exit 130, the resume command, earlier files intact."""
    good_env(monkeypatch)
    monkeypatch.chdir(snapshot.parent)

    def interrupted(*_args: Any, **_kwargs: Any) -> list[str]:
        raise KeyboardInterrupt

    monkeypatch.setattr("orgmetrics.collect.collect_batch", interrupted)
    before = digests(snapshot)
    code, _out, err = run_cli(_collect(snapshot), capsys)
    assert code == 130
    line = one_line(err)
    match = re.search(r"orgmetrics collect --resume (\S+) --data-dir (\S+)", line)
    assert match, line
    assert_kept(before, snapshot)
    metas = [p for p in _new_run_files(before, snapshot) if p.parent.name == "meta"]
    meta = json.loads(metas[0].read_text("utf-8"))
    assert meta["run_id"] == match.group(1)
    assert (meta["status"], meta["stop_reason"]) == ("incomplete", "interrupted")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["report", "--as-of", "2026-12-31T00:00:00Z"], "later than the snapshot"),
        (["report", "--as-of", "2025-01-01T00:00:00Z"], "is too early"),
        (["report", "--as-of", "soon"], "--as-of must be an ISO-8601 instant"),
        (["report", "--classification", ""], "--classification must not be empty"),
        (["report", "--run-id", "nope"], "run 'nope' not found"),
        (["run", "--window-days", "100", "--lookback-days", "90"], "exceeds --lookback-days 90"),
    ],
    ids=["as-of-after", "as-of-before", "as-of-garbage", "classification", "run-id", "run-window"],
)
def test_report_and_run_bad_window_fail_before_rendering(
    offline: Path, capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    out = offline.parent / "out"
    before = digests(offline)
    common = ["--data-dir", str(offline), "--output-root", str(out), "--engine", "pandoc"]
    code, _out, err = run_cli([*argv, *common], capsys)
    assert code == ExitCode.CONFIG
    assert expected in one_line(err)
    assert not out.exists() or not any(out.rglob("report.*"))
    assert_kept(before, offline)


@pytest.mark.parametrize(
    ("argv", "code", "expected"),
    [
        (["collect", "--org", "no-such-org-h10"], ExitCode.CONFIG, "'no-such-org-h10' not found"),
        (["collect", "--workers", "x"], ExitCode.CONFIG, "'x' is not a valid integer"),
        (["aggregate", "--window-days", "999"], ExitCode.CONFIG, "exceeds the snapshot's"),
    ],
    ids=["unknown-org", "usage", "window"],
)
def test_real_process_stderr_is_exactly_one_line(
    snapshot: Path, argv: list[str], code: int, expected: str
) -> None:
    """In a real process (the CLI's own logging set-up, not pytest's) stderr is one line."""
    env = {"GITHUB_TOKEN": TOKEN, "GITHUB_ORG": ORG, "GITHUB_API_URL": fake_server().url}
    before = digests(snapshot)
    got, _out, err = subprocess_cli([*argv, "--data-dir", str(snapshot)], env, snapshot.parent)
    assert got == code, err
    assert err.count("\n") == 1 and err.startswith("error: ") and expected in err, err
    assert_kept(before, snapshot)


def test_report_with_a_truncated_history_dashboard(
    offline: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An earlier history point that is not JSON stops the report (never a chart of a guess)."""
    (current,) = (offline / "history").glob("*/dashboard.json")
    earlier = offline / "history" / "2026-11-01" / "dashboard.json"
    earlier.parent.mkdir()
    earlier.write_bytes(current.read_bytes()[:500])
    out = offline.parent / "out"
    before = digests(offline)
    argv = ["report", "--data-dir", str(offline), "--output-root", str(out), "--engine", "pandoc"]
    code, _out, err = run_cli(argv, capsys)
    assert code == ExitCode.SCHEMA
    line = one_line(err)
    assert str(earlier) in line and "not valid JSON" in line
    assert not out.exists() or not any(out.rglob("report.*"))
    assert_kept(before, offline)


def test_collect_resume_of_damaged_run_metadata(  # regression: once a traceback
    snapshot: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good_env(monkeypatch)
    monkeypatch.chdir(snapshot.parent)
    meta_path = next((snapshot / "meta").glob("*.json"))
    meta = json.loads(meta_path.read_text("utf-8"))
    damaged = {"run_id": meta["run_id"], "org": meta["org"], "status": "incomplete"}
    meta_path.write_text(json.dumps(damaged), encoding="utf-8")
    before = digests(snapshot)
    code, _out, err = run_cli(
        ["collect", "--resume", meta["run_id"], "--data-dir", str(snapshot)], capsys
    )
    assert code in (ExitCode.CONFIG, ExitCode.SCHEMA)
    line = one_line(err)
    assert meta_path.name in line and "as_of" in line
    assert_kept(before, snapshot)
