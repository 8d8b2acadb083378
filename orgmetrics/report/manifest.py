"""The report manifest: SHA-256 of every input and output, the parameters, and provenance.

Inputs are keyed `data/<path in the data dir>`, `project/<path in the project>` and
`report/dashboard.json`; `inputs_sha256` digests the canonical inputs list, which the
report prints, so the printed digest pins every input.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from orgmetrics.report import provenance
from orgmetrics.store import sha256_file

MANIFEST_VERSION = "1"
OUTPUT_FILES = ("report.html", "report.pdf", "report.ipynb")


def inputs_digest(inputs: Mapping[str, str]) -> str:
    """SHA-256 of the inputs list in canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(dict(sorted(inputs.items())), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def collect_inputs(
    data_dir: Path,
    data_inputs: Mapping[str, str],
    history_files: list[Path],
    dashboard_file: Path,
    config_path: Path | None,
) -> dict[str, str]:
    """Every file the report is built from, with its SHA-256."""
    inputs = {f"data/{rel}": digest for rel, digest in data_inputs.items()}
    for path in history_files:
        inputs[f"data/{path.relative_to(data_dir).as_posix()}"] = sha256_file(path)
    for path in (provenance.metrics_md_path(), provenance.report_notebook_path()):
        if path.is_file():
            inputs[f"project/{path.relative_to(provenance.PROJECT_ROOT).as_posix()}"] = sha256_file(
                path
            )
    if config_path is not None:
        inputs[f"config/{config_path.name}"] = sha256_file(config_path)
    inputs["report/dashboard.json"] = sha256_file(dashboard_file)
    return dict(sorted(inputs.items()))


def build_manifest(
    *,
    report_id: str,
    dashboard: Mapping[str, Any],
    data_dir: Path,
    inputs: Mapping[str, str],
    params: Mapping[str, Any],
    generated_at: str,
    engine: str,
    version: str,
    git_commit: str | None,
    config_path: Path | None,
) -> dict[str, Any]:
    """The manifest before rendering (the notebook prints its inputs digest)."""
    return {
        "manifest_version": MANIFEST_VERSION,
        "report_id": report_id,
        "org": dashboard.get("org"),
        "as_of": dashboard.get("as_of"),
        "run_id": dashboard.get("run_id"),
        "window_days": (dashboard.get("window") or {}).get("days"),
        "data_dir": str(data_dir),
        "config_path": str(config_path) if config_path else None,
        "generated_at": generated_at,
        "engine": engine,
        "orgmetrics_version": version,
        "git_commit": git_commit,
        "params": dict(params),
        "inputs": dict(inputs),
        "inputs_sha256": inputs_digest(inputs),
        "outputs": {},
    }


def add_outputs(manifest: dict[str, Any], report_dir: Path, extra: list[str]) -> dict[str, Any]:
    """Record the SHA-256 of the rendered files (and extra evidence) in the manifest."""
    names = [n for n in (*OUTPUT_FILES, *extra) if (report_dir / n).is_file()]
    manifest["outputs"] = {name: sha256_file(report_dir / name) for name in sorted(names)}
    return manifest


def input_path(
    key: str, manifest: Mapping[str, Any], report_dir: Path, data_dir: Path | None = None
) -> Path:
    """Where the input named `key` lives now (`data_dir`: a moved copy of the snapshot)."""
    area, _, rel = key.partition("/")
    if area == "data":
        return (data_dir or Path(str(manifest["data_dir"]))) / rel
    if area == "project":
        return provenance.PROJECT_ROOT / rel
    if area == "config" and manifest.get("config_path"):
        return Path(str(manifest["config_path"]))
    return report_dir / rel
