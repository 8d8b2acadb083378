"""`verify_report`: prove a report follows from its inputs, or list what differs.

Checks, in order: every input hash of the manifest, every output hash, a fresh aggregation
of the snapshot the manifest names (byte-compared with the report's dashboard.json), and a
fresh render with the manifest's identity (report id, generation instant, parameters,
version) byte-compared with the report's HTML and PDF.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from orgmetrics.errors import OrgmetricsError
from orgmetrics.report import manifest as manifest_mod
from orgmetrics.report import provenance
from orgmetrics.report.notebook import DASHBOARD_FILE, MANIFEST_FILE
from orgmetrics.report.render import choose_engine, render_into
from orgmetrics.store import dumps_canonical, read_json, sha256_file
from orgmetrics.timeutil import parse_iso


def _check_hashes(manifest: dict[str, Any], report_dir: Path, data_dir: Path) -> list[str]:
    problems: list[str] = []
    for key, expected in sorted((manifest.get("inputs") or {}).items()):
        path = manifest_mod.input_path(key, manifest, report_dir, data_dir)
        if not path.is_file():
            problems.append(f"input {key}: missing ({path})")
        elif sha256_file(path) != expected:
            problems.append(f"input {key}: SHA-256 differs from the manifest ({path})")
    if manifest_mod.inputs_digest(manifest.get("inputs") or {}) != manifest.get("inputs_sha256"):
        problems.append("manifest: inputs_sha256 does not match its inputs list")
    for name, expected in sorted((manifest.get("outputs") or {}).items()):
        path = report_dir / name
        if not path.is_file():
            problems.append(f"output {name}: missing")
        elif sha256_file(path) != expected:
            problems.append(f"output {name}: SHA-256 differs from the manifest")
    return problems


def _reaggregate(
    manifest: dict[str, Any], report_dir: Path, data_dir: Path
) -> tuple[list[str], Any]:
    from orgmetrics.aggregate import aggregate_snapshot
    from orgmetrics.report.render import _metric_params

    config = Path(manifest["config_path"]) if manifest.get("config_path") else None
    try:
        result = aggregate_snapshot(
            data_dir,
            run_id=manifest.get("run_id"),
            window_days=int(manifest["window_days"]),
            as_of=parse_iso(str(manifest["as_of"])),
            params=_metric_params(config),
            write=False,
        )
    except (OrgmetricsError, OSError, ValueError) as exc:
        return [f"re-aggregation failed: {exc}"], None
    stored = report_dir / DASHBOARD_FILE
    fresh = dumps_canonical(result.dashboard).encode("utf-8")
    if not stored.is_file() or stored.read_bytes() != fresh:
        return ["dashboard.json: re-aggregating the snapshot gives different bytes"], result
    return [], result


def _rerender(
    manifest: dict[str, Any], report_dir: Path, aggregated: Any, data_dir: Path
) -> list[str]:
    engine = str(manifest.get("engine") or "pandoc")
    if engine == "quarto" and choose_engine("auto") != "quarto":
        return ["re-render skipped: the report was rendered by quarto, which is not on PATH"]
    config = Path(manifest["config_path"]) if manifest.get("config_path") else None
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="orgmetrics-verify-") as tmp:
        staging = Path(tmp)
        try:
            html, pdf, _ = render_into(
                staging,
                data_dir=data_dir,
                dashboard=aggregated.dashboard,
                data_inputs=aggregated.inputs,
                report_id=str(manifest["report_id"]),
                notebook_params=manifest.get("params") or {},
                generated_at=str(manifest["generated_at"]),
                engine=engine,
                version=str(manifest.get("orgmetrics_version")),
                git_commit=manifest.get("git_commit"),
                config_path=config,
                timeout=600.0,
            )
        except OrgmetricsError as exc:
            return [f"re-render failed: {exc}"]
        for fresh in (html, pdf):
            stored = report_dir / fresh.name
            if not stored.is_file() or stored.read_bytes() != fresh.read_bytes():
                problems.append(f"{fresh.name}: re-rendering gives different bytes")
    if problems and manifest.get("orgmetrics_version") != provenance.version():
        problems.append(
            f"note: rendered by orgmetrics {manifest.get('orgmetrics_version')}, "
            f"verified with {provenance.version()}"
        )
    if problems and manifest.get("git_commit") != provenance.git_commit():
        problems.append(
            f"note: rendered at git commit {manifest.get('git_commit')}, "
            f"verified at {provenance.git_commit()}"
        )
    return problems


def verify_report(report_dir: Path, data_dir: Path | None = None) -> list[str]:
    """Differences between the report and what its inputs give now (empty = verified).

    `data_dir`: where the snapshot is now, when it was moved or copied (e.g. to an
    auditor's machine); default the data directory recorded in the manifest.
    """
    report_dir = Path(report_dir)
    manifest_path = report_dir / MANIFEST_FILE
    if not manifest_path.is_file():
        return [f"{manifest_path}: no manifest.json (is this a report folder?)"]
    manifest = read_json(manifest_path)
    if not isinstance(manifest, dict) or "inputs" not in manifest:
        return [f"{manifest_path}: not an orgmetrics report manifest"]
    root = Path(data_dir).resolve() if data_dir else Path(str(manifest["data_dir"]))
    problems = _check_hashes(manifest, report_dir, root)
    aggregate_problems, aggregated = _reaggregate(manifest, report_dir, root)
    problems += aggregate_problems
    if problems:  # a re-render from inputs that already differ proves nothing more
        problems.append("re-render skipped: inputs or dashboard.json already differ")
    elif aggregated is not None:
        problems += _rerender(manifest, report_dir, aggregated, root)
    return problems
