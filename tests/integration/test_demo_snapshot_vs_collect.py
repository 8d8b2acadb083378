"""The offline snapshot writes exactly what a real collection over HTTP writes for the same org.

This is what lets the aggregation benchmark and the report tests use `write_snapshot` instead of
a fake server: any difference in a raw document would make them measure something else.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from orgmetrics.collect import collect_org
from orgmetrics.demo.generate import generate_org
from orgmetrics.demo.server import FakeGitHub
from orgmetrics.demo.snapshot import write_snapshot
from orgmetrics.store import read_json
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

HEAVY = ("busy-monorepo", "ci-heavy", "security-hotspot")


def test_raw_documents_equal_a_real_collection(tmp_path: Path) -> None:
    run_id = write_snapshot(demo_org(), tmp_path, as_of=NOW, lookback_days=LOOKBACK)
    snapshot = without_run_id(read_docs(tmp_path / "raw" / run_id))
    collected = baseline_docs()
    assert sorted(snapshot) == sorted(collected)
    for name, doc in collected.items():
        assert snapshot[name] == doc, name


def test_run_metadata_counts_like_a_real_collection(tmp_path: Path) -> None:
    run_id = write_snapshot(demo_org(), tmp_path, as_of=NOW, lookback_days=LOOKBACK)
    meta = read_json(next((tmp_path / "meta").glob("run_*.json")))
    assert meta["run_id"] == run_id and meta["status"] == "complete"
    docs = baseline_docs()
    assert meta["repos_scanned"] == len(docs)
    assert meta["errors_count"] == sum(len(d["errors"]) for d in docs.values())
    assert meta["repos_with_errors"] == sum(bool(d["errors"]) for d in docs.values())
    assert meta["repos"]["scanned"] == sorted(docs)


def test_heavy_repos_equal_a_real_collection_over_90_days(tmp_path: Path) -> None:
    """Paging of 120 reviews, > 1,000 runs under GitHub's cap, every alert state: still equal."""
    full = generate_org(seed=7, n_repos=13, now=NOW, history_days=120)
    org = replace(full, repos=[r for r in full.repos if r.name in HEAVY])
    with FakeGitHub(org, token=TOKEN) as fake:
        result = collect_org(
            config_for(fake, lookback_days=90),
            data_dir=tmp_path / "collected",
            as_of=NOW,
            progress=False,
            client=fast_client(fake),
        )
    run_id = write_snapshot(org, tmp_path / "snapshot", as_of=NOW, lookback_days=90)
    collected = without_run_id(read_docs(result.raw_dir))
    snapshot = without_run_id(read_docs(tmp_path / "snapshot" / "raw" / run_id))
    assert sorted(collected) == sorted(snapshot) == sorted(HEAVY)
    assert len(snapshot["ci-heavy"]["workflow_runs"]["items"]) > 1000
    assert max(len(p["reviews"]) for p in snapshot["busy-monorepo"]["pull_requests"]["items"]) > 100
    for name in HEAVY:
        assert snapshot[name] == collected[name], name
