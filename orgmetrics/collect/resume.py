"""What a run has already written: the basis of `--resume` and of the run's error counts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from orgmetrics.store import read_json


def written_docs(raw_dir: Path, run_id: str) -> dict[str, dict[str, Any]]:
    """Repo name -> document, for every complete raw document of `run_id` in `raw_dir`.

    Writes are atomic, so a file is either whole or absent; a file of another run or one
    that does not parse is ignored (and collected again).
    """
    docs: dict[str, dict[str, Any]] = {}
    if not raw_dir.is_dir():
        return docs
    for path in sorted(raw_dir.glob("*.json")):
        try:
            document = read_json(path)
        except (OSError, json.JSONDecodeError):
            continue
        if isinstance(document, dict) and document.get("run_id") == run_id:
            docs[path.stem] = document
    return docs


def error_counts(docs: dict[str, dict[str, Any]]) -> dict[str, int]:
    """`errors_count` (entries over all repos) and `repos_with_errors`."""
    entries = [len(doc.get("errors") or []) for doc in docs.values()]
    return {
        "errors_count": sum(entries),
        "repos_with_errors": sum(1 for count in entries if count),
    }


def missing_repos(planned: list[str], docs: dict[str, dict[str, Any]]) -> list[str]:
    """The planned repos that have no document yet, in plan order."""
    return [name for name in planned if name not in docs]
