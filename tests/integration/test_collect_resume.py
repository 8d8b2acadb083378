"""A stopped run keeps what it wrote; `--resume` completes it into the snapshot of a clean run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orgmetrics.collect import CollectionStopped, collect_org
from orgmetrics.demo.server import FakeGitHub
from orgmetrics.errors import ExitCode
from tests.integration._collect_fixtures import (
    LOOKBACK,
    NOW,
    TOKEN,
    baseline_docs,
    config_for,
    demo_org,
    fast_client,
    read_docs,
    without_run_id,
)


def _meta(data_dir: Path) -> dict:
    (path,) = sorted((data_dir / "meta").glob("run_*.json"))
    return json.loads(path.read_text("utf-8"))


def test_resume_after_rate_limit_exhausted(tmp_path: Path) -> None:
    org = demo_org()
    data_dir = tmp_path / "data"
    with FakeGitHub(org, token=TOKEN) as fake:
        # The core budget runs out at the 6th repo (alphabetical, one worker) for an hour.
        fake.faults.add(
            r"/repos/demo-org/hostile-text/actions/workflows", "primary_limit", reset_in=3600
        )
        with pytest.raises(CollectionStopped) as info:
            collect_org(
                config_for(fake, workers=1),
                data_dir=data_dir,
                as_of=NOW,
                progress=False,
                client=fast_client(fake, max_wait=0.5),
            )
    stopped = info.value
    run_id = stopped.result.run_id
    assert stopped.exit_code == ExitCode.RATE_LIMITED
    message = str(stopped)
    assert "\n" not in message
    assert "rate limit exhausted until 20" in message
    assert f"orgmetrics collect --resume {run_id} --data-dir {data_dir}" in message
    meta = _meta(data_dir)
    assert meta["status"] == "incomplete"
    assert meta["stop_reason"] == "rate_limited"
    written = read_docs(data_dir / "raw" / run_id)
    assert 0 < len(written) < len(baseline_docs())
    assert sorted(meta["repos"]["missing"]) == sorted(set(baseline_docs()) - set(written))

    with FakeGitHub(org, token=TOKEN) as fresh:  # a new hour: a fresh budget
        result = collect_org(
            config_for(fresh, workers=3),
            data_dir=data_dir,
            resume_run_id=run_id,
            progress=False,
            client=fast_client(fresh),
        )
        resumed_repos = {
            path.split("/")[3]
            for _method, path, _status in fresh.log.entries
            if path.startswith("/repos/demo-org/") and "/actions/workflows" in path
        }
    assert result.status == "complete"
    assert result.run_id == run_id
    assert resumed_repos == set(baseline_docs()) - set(written)  # only the missing ones
    assert without_run_id(read_docs(result.raw_dir)) == baseline_docs()
    meta = _meta(data_dir)
    assert meta["status"] == "complete"
    assert meta["stop_reason"] is None
    assert [i["status"] for i in meta["invocations"]] == ["incomplete", "complete"]
    assert meta["request_count"] == sum(i["request_count"] for i in meta["invocations"])


def test_resume_after_the_process_is_killed(tmp_path: Path) -> None:
    org = demo_org()
    data_dir = tmp_path / "data"
    with FakeGitHub(org, token=TOKEN) as fake:
        fake.set_latency(0.05)
        env = {
            **os.environ,
            "GITHUB_TOKEN": TOKEN,
            "GITHUB_ORG": org.login,
            "GITHUB_API_URL": fake.url,
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        }
        env.pop("GH_TOKEN", None)
        command = [
            sys.executable,
            "-m",
            "orgmetrics",
            "collect",
            "--data-dir",
            str(data_dir),
            "--as-of",
            "2026-03-01T00:00:00Z",
            "--lookback-days",
            str(LOOKBACK),
            "--workers",
            "1",
        ]
        proc = subprocess.Popen(
            command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if any((data_dir / "raw").glob("*/*.json")) or proc.poll() is not None:
                    break
                time.sleep(0.05)
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            proc.kill()  # no chance to clean up: like a crash or `kill -9`
        finally:
            proc.wait(timeout=30)
        meta = _meta(data_dir)
        assert meta["status"] == "incomplete"
        assert meta["stop_reason"] == "in_progress"
        run_id = meta["run_id"]
        before = read_docs(data_dir / "raw" / run_id)
        assert 0 < len(before) < len(baseline_docs())

        fake.set_latency(0.0)
        result = collect_org(
            config_for(fake),
            data_dir=data_dir,
            resume_run_id=run_id,
            progress=False,
            client=fast_client(fake),
        )
    assert result.status == "complete"
    assert without_run_id(read_docs(result.raw_dir)) == baseline_docs()
    assert not list((data_dir / "raw" / run_id).glob(".*.tmp"))  # no torn temporary files


def test_resume_of_an_unknown_run_is_a_config_error(tmp_path: Path) -> None:
    org = demo_org()
    with FakeGitHub(org, token=TOKEN) as fake:
        with pytest.raises(Exception) as info:
            collect_org(
                config_for(fake),
                data_dir=tmp_path,
                resume_run_id="nope",
                progress=False,
                client=fast_client(fake),
            )
        assert fake.log.total == 0  # refused before any request
    assert getattr(info.value, "exit_code", None) == ExitCode.CONFIG
    assert "no run 'nope' in" in str(info.value)


def test_ctrl_c_keeps_the_written_repos_and_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import orgmetrics.collect.repo_collector as repo_collector

    real = repo_collector.collect_actions

    def interrupt_at_hostile_text(ctx, name):  # type: ignore[no-untyped-def]
        if name == "hostile-text":
            raise KeyboardInterrupt  # what Ctrl-C raises wherever the run happens to be
        return real(ctx, name)

    org = demo_org()
    data_dir = tmp_path / "data"
    with FakeGitHub(org, token=TOKEN) as fake:
        monkeypatch.setattr(repo_collector, "collect_actions", interrupt_at_hostile_text)
        with pytest.raises(CollectionStopped) as info:
            collect_org(
                config_for(fake, workers=1),
                data_dir=data_dir,
                as_of=NOW,
                progress=False,
                client=fast_client(fake),
            )
        monkeypatch.setattr(repo_collector, "collect_actions", real)
        run_id = info.value.result.run_id
        assert info.value.exit_code == 130
        assert f"--resume {run_id}" in str(info.value)
        meta = _meta(data_dir)
        assert (meta["status"], meta["stop_reason"]) == ("incomplete", "interrupted")
        assert "hostile-text" in meta["repos"]["missing"]
        result = collect_org(
            config_for(fake),
            data_dir=data_dir,
            resume_run_id=run_id,
            progress=False,
            client=fast_client(fake),
        )
    assert result.status == "complete"
    assert without_run_id(read_docs(result.raw_dir)) == baseline_docs()
