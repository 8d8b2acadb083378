"""aggregate_snapshot over a demo snapshot written without HTTP: validity, determinism, windows."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from orgmetrics.aggregate import aggregate_snapshot
from orgmetrics.cli import cli
from orgmetrics.demo.generate import generate_org
from orgmetrics.demo.snapshot import write_snapshot
from orgmetrics.errors import ConfigError, ExitCode, SchemaError
from orgmetrics.metrics import activity, ci, dora, flow, security
from orgmetrics.schema import validate

AS_OF = datetime(2026, 3, 1, tzinfo=UTC)
N_REPOS = 16  # the 15 special repos of the demo generator come first, plus one ordinary


@pytest.fixture(scope="module")
def snapshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo org's complete snapshot (90-day lookback), written once for the module."""
    root = tmp_path_factory.mktemp("snapshot")
    org = generate_org(seed=7, n_repos=N_REPOS, now=AS_OF, history_days=120)
    write_snapshot(org, root, as_of=AS_OF, lookback_days=90, run_id="run-demo", validate=False)
    return root


@pytest.fixture()
def data_dir(snapshot_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the snapshot (tests may write or damage it)."""
    target = tmp_path / "data"
    shutil.copytree(snapshot_dir, target)
    return target


@pytest.fixture(scope="module")
def dashboard30(snapshot_dir: Path) -> dict[str, Any]:
    return aggregate_snapshot(snapshot_dir, window_days=30, write=False).dashboard


def test_demo_snapshot_aggregates_to_a_valid_dashboard(dashboard30: dict[str, Any]) -> None:
    validate(dashboard30, "dashboard", source="test")  # the slow, reference validator too
    assert dashboard30["schema_version"] == "2.0"
    assert dashboard30["run_id"] == "run-demo"
    assert dashboard30["as_of"] == "2026-03-01T00:00:00Z"
    assert dashboard30["generated_at"] == "2026-03-01T00:00:00Z"  # from the snapshot, not the clock
    assert dashboard30["window"] == {
        "days": 30,
        "start": "2026-01-30T00:00:00Z",
        "end": "2026-03-01T00:00:00Z",
    }
    names = [r["name"] for r in dashboard30["repos"]]
    assert names == sorted(names)
    assert all(not r["archived"] for r in dashboard30["repos"])
    dq = dashboard30["data_quality"]
    assert dq["repos_scanned"] == len(names)
    assert dq["repos_total"] == dq["repos_scanned"] + dq["archived_skipped"]
    assert dq["archived_skipped"] >= 1  # the demo org has an archived repo
    assert len(dashboard30["series"]["weeks"]) == 12  # 90 days -> 12 whole weeks


def test_section_keys_are_the_modules_keys(dashboard30: dict[str, Any]) -> None:
    modules = {"dora": dora, "ci": ci, "flow": flow, "security": security, "activity": activity}
    for section, module in modules.items():
        assert set(dashboard30["repos"][0][section]) == set(module.KEYS), section
        org_keys = getattr(module, "ORG_KEYS", module.KEYS)
        assert set(dashboard30[section]) == set(org_keys), section


def test_org_security_counts_are_sums_over_available_repos(dashboard30: dict[str, Any]) -> None:
    repos = dashboard30["repos"]
    for key in ("critical", "high", "medium", "low", "total_vulns", "sla_breaches"):
        values = [r["security"][key] for r in repos if r["security"]["available_dependabot"]]
        assert dashboard30["security"][key] == sum(values), key
    unavailable = [r for r in repos if not r["security"]["available_dependabot"]]
    assert unavailable, "the demo org has a repo whose Dependabot answers 403"
    assert all(r["security"]["total_vulns"] is None for r in unavailable)
    coverage = dashboard30["security"]["coverage"]["dependabot"]
    assert coverage == {"available": len(repos) - len(unavailable), "unavailable": len(unavailable)}
    errors = [e for r in unavailable for e in r["data_quality"]["errors"]]
    assert any(e["field"] == "dependabot_alerts" and e["status"] == 403 for e in errors)


def test_top_risks_are_the_highest_repo_scores(dashboard30: dict[str, Any]) -> None:
    scores = sorted(
        (-r["risk"]["score"], r["name"]) for r in dashboard30["repos"] if r["risk"]["score"] > 0
    )
    expected = [name for _, name in scores[:10]]
    assert [t["name"] for t in dashboard30["top_risks"]] == expected


def test_inputs_are_the_sha256_of_every_raw_document_and_the_meta_file(
    snapshot_dir: Path, dashboard30: dict[str, Any]
) -> None:
    files = sorted(snapshot_dir.glob("raw/run-demo/*.json")) + sorted(
        snapshot_dir.glob("meta/run_*.json")
    )
    expected = {
        p.relative_to(snapshot_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in files
    }
    assert dashboard30["inputs"] == expected


def test_written_files_are_byte_identical_when_run_twice(data_dir: Path) -> None:
    first = aggregate_snapshot(data_dir)
    assert first.path == data_dir / "aggregated" / "dashboard.json"
    assert first.history_path == data_dir / "history" / "2026-03-01" / "dashboard.json"
    content = first.path.read_bytes()
    assert first.history_path.read_bytes() == content
    assert json.loads(content) == first.dashboard
    second = aggregate_snapshot(data_dir)
    assert second.path is not None
    assert second.path.read_bytes() == content


def test_30_and_90_day_windows_from_the_same_snapshot(
    snapshot_dir: Path, dashboard30: dict[str, Any]
) -> None:
    d90 = aggregate_snapshot(snapshot_dir, window_days=90, write=False).dashboard
    assert d90["window"]["start"] == "2025-12-01T00:00:00Z"
    assert d90["inputs"] == dashboard30["inputs"]  # the same files, nothing re-collected
    # counts over a window that contains the 30-day one can only grow
    assert d90["flow"]["throughput"] >= dashboard30["flow"]["throughput"]
    assert d90["activity"]["commits"] >= dashboard30["activity"]["commits"]
    assert d90["security"]["fixed_in_window"] >= dashboard30["security"]["fixed_in_window"]
    # open alerts at as_of do not depend on the window
    assert d90["security"]["total_vulns"] == dashboard30["security"]["total_vulns"]


def test_window_longer_than_the_lookback_is_a_clear_error(snapshot_dir: Path) -> None:
    with pytest.raises(ConfigError, match=r"--window-days 91 exceeds .*lookback of 90 days"):
        aggregate_snapshot(snapshot_dir, window_days=91, write=False)


def test_as_of_back_fill_and_its_limits(data_dir: Path) -> None:
    earlier = AS_OF - timedelta(days=31)
    result = aggregate_snapshot(data_dir, window_days=30, as_of=earlier)
    assert result.dashboard["as_of"] == "2026-01-29T00:00:00Z"
    assert result.dashboard["snapshot_as_of"] == "2026-03-01T00:00:00Z"
    assert result.history_path == data_dir / "history" / "2026-01-29" / "dashboard.json"
    assert result.dashboard["window"]["start"] == "2025-12-30T00:00:00Z"
    # the earliest as_of the 90-day snapshot covers with W=30 is as_of - 60 days
    aggregate_snapshot(data_dir, window_days=30, as_of=AS_OF - timedelta(days=60), write=False)
    with pytest.raises(ConfigError, match="too early"):
        aggregate_snapshot(
            data_dir, window_days=30, as_of=AS_OF - timedelta(days=60, seconds=1), write=False
        )
    with pytest.raises(ConfigError, match="later than the snapshot's as_of"):
        aggregate_snapshot(data_dir, as_of=AS_OF + timedelta(seconds=1), write=False)


def test_no_snapshot_and_unknown_or_incomplete_runs(data_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no snapshot"):
        aggregate_snapshot(tmp_path / "empty", write=False)
    with pytest.raises(ConfigError, match="'nope' not found"):
        aggregate_snapshot(data_dir, run_id="nope", write=False)
    meta_path = next((data_dir / "meta").glob("run_*.json"))
    meta = json.loads(meta_path.read_text())
    meta_path.write_text(json.dumps({**meta, "status": "incomplete"}))
    with pytest.raises(ConfigError, match="no complete run"):
        aggregate_snapshot(data_dir, write=False)
    with pytest.raises(ConfigError, match="is 'incomplete'"):
        aggregate_snapshot(data_dir, run_id="run-demo", write=False)
    forced = aggregate_snapshot(data_dir, allow_incomplete=True, write=False)
    assert forced.dashboard["run"]["status"] == "incomplete"


def test_an_invalid_raw_document_fails_naming_file_and_path_and_keeps_the_old_dashboard(
    data_dir: Path,
) -> None:
    good = aggregate_snapshot(data_dir)
    assert good.path is not None
    before = good.path.read_bytes()
    victim = sorted((data_dir / "raw" / "run-demo").glob("*.json"))[0]
    doc = json.loads(victim.read_text())
    doc["pull_requests"]["available"] = "yes"
    victim.write_text(json.dumps(doc))
    with pytest.raises(SchemaError, match=r"\$\.pull_requests\.available") as info:
        aggregate_snapshot(data_dir)
    assert victim.name in str(info.value)
    assert good.path.read_bytes() == before


def test_cli_prints_the_path_and_maps_errors_to_exit_codes(data_dir: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["aggregate", "--data-dir", str(data_dir), "--window-days", "7"])
    assert ok.exit_code == 0, ok.output
    assert ok.output.strip() == str(data_dir / "aggregated" / "dashboard.json")
    written = json.loads((data_dir / "aggregated" / "dashboard.json").read_text())
    assert written["window"]["days"] == 7
    bad = runner.invoke(cli, ["aggregate", "--data-dir", str(data_dir), "--window-days", "120"])
    assert isinstance(bad.exception, ConfigError)
    assert bad.exception.exit_code == ExitCode.CONFIG
    bad_as_of = runner.invoke(cli, ["aggregate", "--data-dir", str(data_dir), "--as-of", "soon"])
    assert isinstance(bad_as_of.exception, ConfigError)


def test_last_series_week_equals_the_sections_over_a_7_day_window(
    snapshot_dir: Path, dashboard30: dict[str, Any]
) -> None:
    d7 = aggregate_snapshot(snapshot_dir, window_days=7, write=False).dashboard
    last = dashboard30["series"]["weeks"][-1]
    assert last["week_start"] == d7["window"]["start"]
    assert last["deployments"] == d7["dora"]["deployments"]
    assert last["change_failure_rate"] == d7["dora"]["change_failure_rate"]
    assert last["lead_time_hours_median"] == d7["dora"]["lead_time_hours_median"]
    assert last["throughput"] == d7["flow"]["throughput"]
    assert last["cycle_time_median"] == d7["flow"]["cycle_time_median"]
    assert last["ci_failure_rate"] == d7["ci"]["ci_failure_rate"]
    sec = d7["security"]
    assert last["open_vulns"] == {s: sec[s] for s in ("critical", "high", "medium", "low")}


def test_a_nan_from_a_section_is_refused_not_written(snapshot_dir: Path) -> None:
    from orgmetrics.aggregate import build_dashboard, load_snapshot, resolve_window
    from orgmetrics.errors import OrgmetricsError
    from orgmetrics.metrics.base import SectionResult
    from orgmetrics.metrics.params import MetricParams

    snapshot = load_snapshot(snapshot_dir)
    window = resolve_window(snapshot, 30, None)
    computes = {"dora": dora.compute, "ci": ci.compute, "flow": flow.compute}
    computes["security"] = security.compute

    def broken_activity(frames: Any, w: Any, p: Any) -> SectionResult:
        result = activity.compute(frames, w, p)
        result.org["commits"] = float("nan")
        return result

    computes["activity"] = broken_activity
    with pytest.raises(OrgmetricsError, match=r"\$\.activity\.commits is nan"):
        build_dashboard(snapshot, window, MetricParams(), computes)


def test_a_raw_document_of_another_run_is_refused(data_dir: Path) -> None:
    victim = sorted((data_dir / "raw" / "run-demo").glob("*.json"))[-1]
    doc = json.loads(victim.read_text())
    victim.write_text(json.dumps({**doc, "run_id": "other-run"}))
    with pytest.raises(SchemaError, match="expected 'run-demo'"):
        aggregate_snapshot(data_dir, write=False)


def test_cli_config_parameters_reach_the_metrics_and_are_recorded(
    data_dir: Path, tmp_path: Path, dashboard30: dict[str, Any]
) -> None:
    config = tmp_path / "orgmetrics.toml"
    config.write_text(
        "[metrics.sla_days]\ncritical = 0\nhigh = 0\nmedium = 0\nlow = 0\n"
        "[metrics.risk_weights]\nsla_breach = 0.0\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    out = runner.invoke(cli, ["aggregate", "--data-dir", str(data_dir), "--config", str(config)])
    assert out.exit_code == 0, out.output
    written = json.loads((data_dir / "aggregated" / "dashboard.json").read_text())
    assert written["params"]["sla_days"] == {"critical": 0, "high": 0, "medium": 0, "low": 0}
    assert written["params"]["risk_weights"]["sla_breach"] == 0.0
    # an SLA of 0 days: every open alert older than 0 s is a breach
    assert written["security"]["sla_breaches"] == written["security"]["total_vulns"]
    assert written["security"]["sla_breaches"] > dashboard30["security"]["sla_breaches"]
    assert not any("SLA" in r for repo in written["repos"] for r in repo["risk"]["reasons"])
