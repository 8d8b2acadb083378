"""Where this orgmetrics came from: version, git commit, and our own METRICS.md."""

from __future__ import annotations

from pathlib import Path

from orgmetrics.buildinfo import git_commit, version

__all__ = ["git_commit", "metrics_md_path", "report_notebook_path", "version"]

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def metrics_md_path() -> Path:
    """METRICS.md of the project (the user-facing metric definitions, included in the report)."""
    return PROJECT_ROOT / "METRICS.md"


def report_notebook_path() -> Path:
    """The report notebook template that papermill executes."""
    return PROJECT_ROOT / "notebooks" / "report.ipynb"
