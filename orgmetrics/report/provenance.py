"""Where this orgmetrics came from: version, git commit, and our own METRICS.md."""

from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path

from orgmetrics import __version__

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def version() -> str:
    """The installed orgmetrics version."""
    return __version__


@lru_cache(maxsize=1)
def git_commit() -> str | None:
    """HEAD of the checkout orgmetrics runs from, or None when it is not a git checkout."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and len(commit) == 40 else None


def metrics_md_path() -> Path:
    """METRICS.md of the project (the user-facing metric definitions, included in the report)."""
    return PROJECT_ROOT / "METRICS.md"


def report_notebook_path() -> Path:
    """The report notebook template that papermill executes."""
    return PROJECT_ROOT / "notebooks" / "report.ipynb"
