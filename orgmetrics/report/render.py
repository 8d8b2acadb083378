"""`render_report`: snapshot -> aggregated dashboard -> executed report notebook -> HTML + PDF.

Everything lands in `<output root>/<org>-<as_of date>-v<N>/` (report.html, report.pdf, the
executed report.ipynb, dashboard.json, manifest.json), rendered in a staging folder and
renamed into place only when complete. Same snapshot, parameters and version give the same
HTML and PDF bytes: the generation instant is a parameter recorded in the manifest.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from orgmetrics.errors import ConfigError
from orgmetrics.report import manifest as manifest_mod
from orgmetrics.report import provenance, versioning
from orgmetrics.report.notebook import DASHBOARD_FILE, MANIFEST_FILE, history_inputs
from orgmetrics.report.pandoc_engine import DocumentMeta, RenderError, render_pandoc
from orgmetrics.report.quarto_engine import run_quarto
from orgmetrics.store import atomic_write_json, atomic_write_text, dumps_canonical
from orgmetrics.timeutil import parse_iso, to_iso, utcnow

log = logging.getLogger(__name__)

ENGINES = ("auto", "pandoc", "quarto")
NOTEBOOK_FILE = "report.ipynb"
TITLE = "Engineering and security audit report: {org}"


@dataclass(frozen=True)
class ReportResult:
    """One issued report: its id, folder and the two documents."""

    report_id: str
    out_dir: Path
    html: Path
    pdf: Path


def choose_engine(engine: str) -> str:
    """`auto` -> `quarto` when the quarto binary is on PATH, else `pandoc`; fail fast otherwise."""
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    if engine == "auto":
        return "quarto" if shutil.which("quarto") else "pandoc"
    if engine == "quarto" and shutil.which("quarto") is None:
        raise ConfigError(
            "--engine quarto needs the quarto binary on PATH; use --engine pandoc (or auto)"
        )
    return engine


def _metric_params(config_path: Path | None) -> Any:
    if config_path is None:
        return None
    from orgmetrics.config import load_config

    return load_config(config_path, require_token=False).metric_params()


@contextmanager
def venv_kernel() -> Iterator[None]:
    """Make kernel `python3` resolve to this interpreter's environment first.

    Jupyter searches JUPYTER_PATH before the user's and the system's folders, so a
    user-level `python3` kernelspec of another Python cannot shadow the venv's.
    """
    previous = os.environ.get("JUPYTER_PATH")
    own = os.path.join(sys.prefix, "share", "jupyter")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (own, previous) if p)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = previous


def execute_notebook(
    notebook: Path,
    target: Path,
    parameters: Mapping[str, Any],
    *,
    cwd: Path,
    timeout: float | None = None,
) -> None:
    """Execute one notebook with papermill on this environment's `python3` kernel.

    The one place orgmetrics runs a notebook: the report and the `run` pipeline's steps.
    Raises papermill's `PapermillExecutionError` when a cell fails.
    """
    import papermill

    with venv_kernel():
        papermill.execute_notebook(
            str(notebook),
            str(target),
            parameters=dict(parameters),
            kernel_name="python3",
            cwd=str(cwd),
            progress_bar=False,
            execution_timeout=None if timeout is None else int(timeout),
            log_output=False,
            kernel_manager_class=encrypted_kernel_manager(),
        )


def encrypted_kernel_manager() -> type:
    """A jupyter KernelManager that provisions CurveZMQ keys when the kernel supports them.

    The notebook kernel talks to papermill over loopback TCP; with encryption the channel is not
    readable by other local users, and ipykernel stops warning about plain-text transport.
    Without libzmq's curve support the default (unencrypted) manager is returned.
    """
    import zmq
    from jupyter_client.manager import KernelManager

    if not zmq.has("curve"):
        return KernelManager

    class EncryptedKernelManager(KernelManager):
        """`transport_encryption = "auto"`: keys when the kernelspec declares curve support."""

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.transport_encryption = "auto"

    return EncryptedKernelManager


def execute_report_notebook(
    out_dir: Path, parameters: Mapping[str, Any], *, timeout: float
) -> Path:
    """Run notebooks/report.ipynb with papermill into out_dir/report.ipynb (cwd = out_dir)."""
    from papermill.exceptions import PapermillExecutionError

    target = out_dir / NOTEBOOK_FILE
    template = provenance.report_notebook_path()
    if not template.is_file():
        raise RenderError(
            f"{template} not found: orgmetrics renders from a source checkout "
            "(pip install -e .), where notebooks/report.ipynb sits next to the package"
        )
    try:
        execute_notebook(template, target, parameters, cwd=out_dir, timeout=timeout)
    except PapermillExecutionError as exc:
        raise RenderError(
            f"report notebook failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
        ) from exc
    return target


def render_into(
    staging: Path,
    *,
    data_dir: Path,
    dashboard: Mapping[str, Any],
    data_inputs: Mapping[str, str],
    report_id: str,
    notebook_params: Mapping[str, Any],
    generated_at: str,
    engine: str,
    version: str,
    git_commit: str | None,
    config_path: Path | None,
    timeout: float,
) -> tuple[Path, Path, dict[str, Any]]:
    """Write dashboard + manifest, execute the notebook and render HTML/PDF into `staging`."""
    dashboard_file = staging / DASHBOARD_FILE
    atomic_write_text(dashboard_file, dumps_canonical(dashboard))
    inputs = manifest_mod.collect_inputs(
        data_dir, data_inputs, history_inputs(data_dir, dashboard), dashboard_file, config_path
    )
    # The data directory as recorded (verify may read a moved copy but states the original).
    data_dir_label = str(notebook_params.get("data_dir") or data_dir)
    manifest = manifest_mod.build_manifest(
        report_id=report_id,
        dashboard=dashboard,
        data_dir=Path(data_dir_label),
        inputs=inputs,
        params=notebook_params,
        generated_at=generated_at,
        engine=engine,
        version=version,
        git_commit=git_commit,
        config_path=config_path,
    )
    atomic_write_json(staging / MANIFEST_FILE, manifest)
    parameters = {
        **notebook_params,
        "data_dir": str(data_dir),
        "data_dir_label": data_dir_label,
        "output_dir": str(staging),
        "report_id": report_id,
        "generated_at": generated_at,
        "version": version,
        "git_commit": git_commit or "",
    }
    executed = execute_report_notebook(staging, parameters, timeout=timeout)
    meta = DocumentMeta(
        title=TITLE.format(org=dashboard.get("org")),
        report_id=report_id,
        classification=str(notebook_params.get("classification", "INTERNAL")),
        generated_at=parse_iso(generated_at),
        version=version,
    )
    if engine == "quarto":
        html, pdf = run_quarto(executed, staging, meta, timeout=timeout)
    else:
        html, pdf = render_pandoc(executed, staging, meta)
    return html, pdf, manifest


def render_report(
    data_dir: Path,
    *,
    output_root: Path = Path("report/_output"),
    engine: str = "auto",
    window_days: int = 30,
    as_of: datetime | None = None,
    classification: str = "INTERNAL",
    run_id: str | None = None,
    lookback_days: int | None = None,
    config_path: Path | None = None,
    generated_at: datetime | None = None,
    timeout: float = 600.0,
    extra_files: Mapping[str, Path] | None = None,
) -> ReportResult:
    """Aggregate the snapshot, issue report `<org>-<as_of date>-v<N>` and return its paths.

    `extra_files` (name -> path) are copied into the report folder as evidence (e.g. the
    executed collect/aggregate notebooks of `orgmetrics run`) and hashed in the manifest.
    """
    from orgmetrics.aggregate import aggregate_snapshot

    chosen = choose_engine(engine)
    data_dir = Path(data_dir).resolve()
    output_root = Path(output_root).resolve()
    config = Path(config_path).resolve() if config_path else None
    if not classification.strip():
        raise ConfigError("--classification must not be empty (e.g. INTERNAL, CONFIDENTIAL)")
    aggregated = aggregate_snapshot(
        data_dir,
        run_id=run_id,
        window_days=window_days,
        as_of=as_of,
        params=_metric_params(config),
        write=False,
    )
    dashboard = aggregated.dashboard
    org = str(dashboard.get("org"))
    report_id = versioning.reserve_report_id(
        output_root, versioning.id_prefix(org, str(dashboard.get("as_of")))
    )
    staging = versioning.staging_dir(output_root, report_id)
    params = {
        "org": org,
        "data_dir": str(data_dir),
        "window_days": int(window_days),
        "lookback_days": int(lookback_days or dashboard.get("lookback_days") or 90),
        "as_of": to_iso(as_of) if as_of else "",
        "run_id": str(dashboard.get("run_id") or run_id or ""),
        "config_path": str(config) if config else "",
        "classification": classification,
    }
    try:
        html, pdf, manifest = render_into(
            staging,
            data_dir=data_dir,
            dashboard=dashboard,
            data_inputs=aggregated.inputs,
            report_id=report_id,
            notebook_params=params,
            generated_at=to_iso(generated_at or utcnow()),
            engine=chosen,
            version=provenance.version(),
            git_commit=provenance.git_commit(),
            config_path=config,
            timeout=timeout,
        )
        for name, source in sorted((extra_files or {}).items()):
            shutil.copyfile(source, staging / name)
        manifest_mod.add_outputs(manifest, staging, sorted((extra_files or {}).keys()))
        atomic_write_json(staging / MANIFEST_FILE, manifest)
        final = versioning.publish(staging, output_root, report_id)
    except BaseException:
        versioning.discard(staging)
        raise
    finally:
        versioning.release(output_root, report_id)
    log.info("report %s written to %s", report_id, final)
    return ReportResult(report_id, final, final / html.name, final / pdf.name)
