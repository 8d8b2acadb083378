"""Which orgmetrics produced a file: the installed version and the git commit of the checkout.

Run metadata and report manifests both record these, so auditors can tie a number to code.
"""

from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path

from orgmetrics import __version__

PACKAGE_DIR = Path(__file__).resolve().parent


def version() -> str:
    """The installed orgmetrics version."""
    return __version__


@lru_cache(maxsize=1)
def git_commit() -> str | None:
    """HEAD of the checkout orgmetrics runs from, or None when it is not a git checkout."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=PACKAGE_DIR,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and len(commit) == 40 else None
