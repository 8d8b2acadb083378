"""What the report notebook calls: load the dashboard and its context, display Markdown and charts.

Kept here so the notebook stays a thin sequence of calls that papermill, Quarto and an
analyst in Jupyter all run the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from orgmetrics.errors import SchemaError
from orgmetrics.report import figures, provenance
from orgmetrics.report.escape import md_text
from orgmetrics.report.sections import ReportInfo
from orgmetrics.store import read_json
from orgmetrics.timeutil import parse_iso, to_iso, utcnow

DASHBOARD_FILE = "dashboard.json"
MANIFEST_FILE = "manifest.json"


@dataclass
class ReportContext:
    """Everything the report's sections need, loaded once per notebook run."""

    dashboard: dict[str, Any]
    history: list[tuple[str, Mapping[str, Any]]]
    info: ReportInfo
    manifest: dict[str, Any] | None
    metrics_md: str
    params: dict[str, Any] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)


def raw_descriptions(data_dir: Path, run_id: str | None) -> dict[str, str]:
    """Repository descriptions (untrusted text) from the snapshot's raw documents."""
    raw_dir = Path(data_dir) / "raw" / str(run_id or "")
    out: dict[str, str] = {}
    if not run_id or not raw_dir.is_dir():
        return out
    for path in sorted(raw_dir.glob("*.json")):
        doc = read_json(path)
        repo = doc.get("repo") if isinstance(doc, dict) else None
        if isinstance(repo, dict) and isinstance(repo.get("description"), str):
            out[str(repo.get("name"))] = repo["description"]
    return out


def _history(data_dir: Path, dashboard: Mapping[str, Any]) -> list[tuple[Path, dict[str, Any]]]:
    """Earlier aggregations (dates before this as_of) with the same window length."""
    as_of_date = str(dashboard.get("as_of", ""))[:10]
    days = (dashboard.get("window") or {}).get("days")
    history_dir = Path(data_dir) / "history"
    found: list[tuple[Path, dict[str, Any]]] = []
    for path in sorted(history_dir.glob("*/dashboard.json")) if history_dir.is_dir() else []:
        if path.parent.name >= as_of_date:
            continue
        try:
            earlier = read_json(path)
        except ValueError as exc:  # truncated or edited by hand: never chart a guess
            raise SchemaError(
                f"{path}: not valid JSON ({exc}); re-run 'orgmetrics aggregate' for that date "
                "or remove the file"
            ) from None
        if isinstance(earlier, dict) and (earlier.get("window") or {}).get("days") == days:
            found.append((path, earlier))
    return found


def history_points(
    data_dir: Path, dashboard: Mapping[str, Any]
) -> list[tuple[str, Mapping[str, Any]]]:
    """[(date, dashboard)] of earlier aggregations of the same window length, then this one."""
    points: list[tuple[str, Mapping[str, Any]]] = [
        (path.parent.name, earlier) for path, earlier in _history(data_dir, dashboard)
    ]
    points.append((str(dashboard.get("as_of", ""))[:10], dashboard))
    return points


def history_inputs(data_dir: Path, dashboard: Mapping[str, Any]) -> list[Path]:
    """The history files `history_points` uses (hashed in the manifest)."""
    return [path for path, _ in _history(data_dir, dashboard)]


def load_dashboard(
    data_dir: Path,
    output_dir: Path | None,
    *,
    window_days: int,
    as_of: str | None,
    run_id: str | None,
) -> dict[str, Any]:
    """The dashboard `orgmetrics report` wrote next to the report, else a fresh aggregation."""
    if output_dir is not None and (Path(output_dir) / DASHBOARD_FILE).is_file():
        loaded = read_json(Path(output_dir) / DASHBOARD_FILE)
        if not isinstance(loaded, dict):
            raise ValueError(f"{output_dir}/{DASHBOARD_FILE} is not a JSON object")
        return loaded
    from orgmetrics.aggregate import aggregate_snapshot

    result = aggregate_snapshot(
        Path(data_dir),
        run_id=run_id or None,
        window_days=int(window_days),
        as_of=parse_iso(as_of) if as_of else None,
        write=False,
    )
    return dict(result.dashboard)


def load_context(
    *,
    data_dir: str | Path,
    output_dir: str | Path | None = None,
    window_days: int = 30,
    as_of: str | None = None,
    run_id: str | None = None,
    classification: str = "INTERNAL",
    report_id: str | None = None,
    generated_at: str | None = None,
    version: str | None = None,
    git_commit: str | None = None,
    params: Mapping[str, Any] | None = None,
) -> ReportContext:
    """Load dashboard, history, manifest and METRICS.md for the notebook's parameters."""
    out = Path(output_dir) if output_dir else None
    dashboard = load_dashboard(
        Path(data_dir), out, window_days=window_days, as_of=as_of, run_id=run_id
    )
    manifest_path = out / MANIFEST_FILE if out is not None else None
    manifest = read_json(manifest_path) if manifest_path and manifest_path.is_file() else None
    metrics_path = provenance.metrics_md_path()
    metrics_md = (
        metrics_path.read_text(encoding="utf-8")
        if metrics_path.is_file()
        else "METRICS.md was not found next to this orgmetrics installation.\n"
    )
    when = to_iso(parse_iso(generated_at)) if generated_at else to_iso(utcnow())
    rid = report_id or f"{dashboard.get('org')}-{str(dashboard.get('as_of'))[:10]}-draft"
    info = ReportInfo(
        report_id=rid,
        generated_at=when,
        classification=classification,
        version=version or provenance.version(),
        git_commit=git_commit if git_commit is not None else provenance.git_commit(),
        params=dict(params or {}),
    )
    return ReportContext(
        dashboard=dashboard,
        history=history_points(Path(data_dir), dashboard),
        info=info,
        manifest=manifest,
        metrics_md=metrics_md,
        params=dict(params or {}),
        descriptions=raw_descriptions(Path(data_dir), dashboard.get("run_id")),
    )


def show_markdown(text: str) -> None:
    """Display a Markdown string as the cell's only output (text/markdown)."""
    from IPython.display import Markdown, display

    display(Markdown(text))


def show_figure(fig: Any, caption: str, *, missing: str) -> None:
    """Display a chart as SVG with its caption, or say why there is no chart."""
    from IPython.display import SVG, display

    if fig is None:
        show_markdown(f"*{md_text(caption)}: no chart — {md_text(missing)}.*")
        return
    display(
        SVG(data=figures.svg_bytes(fig)), metadata={"orgmetrics": {"caption": md_text(caption)}}
    )


def generated(moment: datetime | None = None) -> str:
    """The generation instant as ISO-8601 `Z` (now when not given)."""
    return to_iso(moment or utcnow())
