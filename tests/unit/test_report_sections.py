"""Report sections, tables and figures built from a contract-shaped dashboard (pure)."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import pypandoc

from orgmetrics.report import figures, sections
from orgmetrics.report.escape import PANDOC_MARKDOWN_FORMAT
from orgmetrics.report.tables import fmt_hours, fmt_rate, markdown_table
from tests.unit._report_fixtures import sample_dashboard

INFO = sections.ReportInfo(
    report_id="demo-org-2026-11-30-v1",
    generated_at="2026-12-01T10:00:00Z",
    classification="CONFIDENTIAL",
    version="0.1.0",
    git_commit=None,
)


def _html(markdown: str) -> str:
    return pypandoc.convert_text(
        markdown, "html5", format=PANDOC_MARKDOWN_FORMAT, extra_args=["--wrap=none"]
    )


def _rows(markdown: str) -> list[list[str]]:
    """Cells of a pipe table read back through pandoc (plain text per cell)."""
    html = _html(markdown)
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, re.S)
        rows.append([html_lib.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
    return rows


def test_formats_follow_the_contract_rounding() -> None:
    assert fmt_hours(18.25) == "18.2\u00a0h" or fmt_hours(18.25) == "18.3\u00a0h"
    assert fmt_hours(None) == "N/A"
    assert fmt_rate(0.1667) == "16.7\u00a0%"
    assert fmt_rate(0) == "0.0\u00a0%"
    assert fmt_rate(None) == "N/A"


def test_markdown_table_rejects_ragged_rows() -> None:
    try:
        markdown_table(["a", "b"], [["1"]])
    except ValueError as exc:
        assert "1 cells" in str(exc)
    else:
        raise AssertionError("a ragged row must be rejected")


def test_title_block_states_identity() -> None:
    d = sample_dashboard()
    rows = dict((r[0], r[1]) for r in _rows(sections.title_block(d, INFO))[1:])
    assert rows["Report id"] == INFO.report_id
    assert rows["Organisation"] == d["org"]
    assert rows["Collection run id"] == d["run_id"]
    assert rows["Classification"] == "CONFIDENTIAL"
    assert rows["orgmetrics git commit"].startswith("unknown")


def test_executive_summary_values_and_na_reasons() -> None:
    d = sample_dashboard()
    rows = {r[1]: r for r in _rows(sections.executive_summary(d))[1:] if len(r) == 4}
    assert rows["Successful production deployments"][2] == str(d["dora"]["deployments"])
    assert rows["Change failure rate"][2] == f"{d['dora']['change_failure_rate'] * 100:.1f}\u00a0%"
    assert rows["Incident MTTR (median)"][2] == "N/A"
    assert "incident" in rows["Incident MTTR (median)"][3]
    assert rows["Review time (median)"][2] == "N/A"
    assert rows["Review time (median)"][3] != ""
    assert rows["Open vulnerabilities (all severities)"][2] == str(d["security"]["total_vulns"])
    assert rows["Deployment frequency (per week)"][3] == ""


def test_zero_is_a_value_not_na() -> None:
    d = sample_dashboard()
    rows = {r[1]: r for r in _rows(sections.executive_summary(d))[1:] if len(r) == 4}
    assert rows["Open code-scanning alerts"][2] == "0"
    assert rows["Deployment rework rate"][2] == "0.0\u00a0%"


def test_security_na_reason_names_the_unavailable_source() -> None:
    d = sample_dashboard()
    d["security"]["total_vulns"] = None
    d["security"]["coverage"]["dependabot"] = {"available": 0, "unavailable": 3}
    assert sections.na_reason(d, "security", "total_vulns") == (
        "dependabot unavailable in every repository"
    )


def test_dora_levels_count_repos() -> None:
    rows = _rows(sections.dora_levels(sample_dashboard()))
    table = {r[0]: r[1] for r in rows[1:]}
    assert table["high"] == "2"
    assert table["N/A (fewer than three keys known)"] == "1"


def test_top_risks_sorted_with_reasons_and_zero_left_out() -> None:
    rows = _rows(sections.top_risks(sample_dashboard()))[1:]
    assert [r[0] for r in rows] == ["api", "no-dependabot"]
    assert rows[0][3] == "1 open critical vulnerability"
    assert rows[1][2] == "yes"


def test_data_quality_lists_unavailable_endpoint_with_status() -> None:
    md = sections.data_quality(sample_dashboard())
    rows = _rows(md)
    error_rows = [r for r in rows if r and r[0] == "no-dependabot"]
    assert error_rows and error_rows[0][1] == "dependabot_alerts" and error_rows[0][2] == "403"
    assert any(r == ["api/pr.truncated"] for r in rows)
    snapshot = {r[0]: r[1] for r in rows if len(r) == 2}
    assert snapshot["Bot-authored PRs left out of flow metrics"] == "3"


def test_hostile_description_is_text_in_the_repositories_table() -> None:
    d = sample_dashboard()
    descriptions = {r["name"]: r["description"] for r in d["repos"]}
    html = _html(sections.repositories(d, descriptions))
    assert "<script" not in html and "<img" not in html
    assert '&lt;script&gt;alert("xss")&lt;/script&gt;' in html
    assert 'href="javascript' not in html


def test_appendix_metrics_nests_headings_outside_code() -> None:
    out = sections.appendix_metrics("# A\n\n```\n# not a heading\n```\n## B\n")
    assert out.splitlines()[0] == "### A"
    assert "# not a heading" in out.splitlines()
    assert "#### B" in out.splitlines()


def test_manifest_appendix_lists_every_input() -> None:
    manifest = {"inputs": {"data/raw/r/a.json": "ab" * 32}, "inputs_sha256": "cd" * 32}
    text = pypandoc.convert_text(
        sections.appendix_manifest(manifest), "plain", format=PANDOC_MARKDOWN_FORMAT
    )
    assert "data/raw/r/a.json" in text and "ab" * 32 in text and "cd" * 32 in text


def test_series_points_reads_the_aggregator_shape() -> None:
    series = {
        "period_days": 7,
        "weeks": [
            {
                "week_start": "2026-11-16T00:00:00Z",
                "deployments": 2,
                "open_vulns": {"critical": 1, "high": 2},
            },
            {"week_start": "2026-11-09T00:00:00Z", "deployments": None, "open_vulns": None},
        ],
    }
    points = figures.series_points(series)
    assert points["deployments"] == [("2026-11-16", 2.0)]
    assert points["open_vulns"] == [("2026-11-16", 3.0)]


def test_figures_are_deterministic_svg_without_date() -> None:
    d = sample_dashboard()
    one = figures.svg_bytes(figures.ci_failure_by_repo(d["repos"]))
    two = figures.svg_bytes(figures.ci_failure_by_repo(d["repos"]))
    assert one == two
    assert b"<dc:date>" not in one
    assert one.startswith(b"<?xml")


def test_figures_return_none_without_data() -> None:
    assert figures.vulns_by_severity({"critical": None, "high": None}) is None
    assert figures.ci_failure_by_repo([{"name": "x", "ci": {"ci_failure_rate": None}}]) is None
    assert figures.series_trends(None) is None
    assert figures.history([]) is None
    assert figures.history([("2026-11-30", sample_dashboard())]) is None
    two = [("2026-10-31", sample_dashboard()), ("2026-11-30", sample_dashboard())]
    assert figures.history(two) is not None


def test_repositories_without_descriptions_has_no_empty_column() -> None:
    rows = _rows(sections.repositories(sample_dashboard()))
    assert rows[0] == ["Repository", "Fork", "Deployment source"]
    assert ["quiet", "no", "none (DORA N/A)"] in rows


def test_top_contributors_escaped_in_order() -> None:
    md = sections.top_contributors(sample_dashboard())
    rows = _rows(md)[1:]
    assert rows == [["alice", "40"], ["<img src=x onerror=alert(1)>", "26"]]
    assert "<img" not in _html(md)
    assert sections.top_contributors({"activity": {}}).startswith("No human-authored")


def test_history_points_keep_earlier_dates_of_the_same_window(tmp_path: Path) -> None:
    from orgmetrics.report.notebook import history_inputs, history_points
    from orgmetrics.store import atomic_write_json

    d = sample_dashboard()
    for date, days in (
        ("2026-09-30", 30),
        ("2026-10-31", 30),
        ("2026-10-15", 90),
        ("2026-11-30", 30),
        ("2026-12-31", 30),
    ):
        atomic_write_json(
            tmp_path / "history" / date / "dashboard.json",
            {"as_of": f"{date}T00:00:00Z", "window": {"days": days}},
        )
    points = history_points(tmp_path, d)
    assert [p for p, _ in points] == ["2026-09-30", "2026-10-31", "2026-11-30"]
    assert points[-1][1] is d
    assert [p.parent.name for p in history_inputs(tmp_path, d)] == ["2026-09-30", "2026-10-31"]
