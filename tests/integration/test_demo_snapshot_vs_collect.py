"""The offline snapshot writes exactly what a real collection over HTTP writes for the same org.

This is what lets the aggregation benchmark and the report tests use `write_snapshot` instead of
a fake server: any difference in a raw document would make them measure something else.
"""

from __future__ import annotations

from pathlib import Path

from orgmetrics.demo.snapshot import write_snapshot
from orgmetrics.store import read_json
from tests.integration._collect_fixtures import (
    LOOKBACK,
    NOW,
    baseline_docs,
    demo_org,
    read_docs,
    without_run_id,
)


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
