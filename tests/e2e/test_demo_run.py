"""`orgmetrics demo run` end to end: fake GitHub -> collect -> aggregate + back-fill -> report."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from orgmetrics.cli import cli
from orgmetrics.commands.demo_run import previous_month_ends


def test_previous_month_ends_are_month_boundaries_before_as_of() -> None:
    as_of = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
    ends = previous_month_ends(as_of, 3)
    assert ends == [
        datetime(2026, 10, 1, tzinfo=UTC),
        datetime(2026, 11, 1, tzinfo=UTC),
        datetime(2026, 12, 1, tzinfo=UTC),
    ]


def test_previous_month_ends_skip_as_of_itself_on_a_boundary() -> None:
    as_of = datetime(2026, 3, 1, tzinfo=UTC)
    assert previous_month_ends(as_of, 2) == [
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 2, 1, tzinfo=UTC),
    ]


@pytest.mark.e2e
def test_demo_run_prints_html_and_pdf_and_backfills_history(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["demo", "run", "--data-dir", str(data_dir), "--output-root", str(out), "--repos", "8"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    lines = {
        line.split(":", 1)[0].strip(): line.split(":", 1)[1].strip()
        for line in result.output.splitlines()
        if line.startswith(("HTML:", "PDF:", "report id:"))
    }
    html, pdf = Path(lines["HTML"]), Path(lines["PDF"])
    assert html.is_file() and pdf.is_file()
    assert pdf.read_bytes().startswith(b"%PDF")
    assert lines["report id"] in html.read_text(encoding="utf-8")
    # five back-filled month-ends plus the snapshot's own date
    history = sorted(p.parent.name for p in (data_dir / "history").glob("*/dashboard.json"))
    assert len(history) == 6, history
    latest = json.loads((data_dir / "aggregated" / "dashboard.json").read_text(encoding="utf-8"))
    assert latest["as_of"][:10] == history[-1]
