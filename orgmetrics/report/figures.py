"""The report's charts (matplotlib), as deterministic SVG bytes of a fixed size.

Each chart function takes dashboard data and returns a Figure, or None when there is
nothing to draw (the notebook then says why). `svg_bytes` strips the date and fixes the
hash salt so the same data always gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
from matplotlib.figure import Figure

FIGSIZE = (7.0, 3.2)
SEVERITY_COLOURS = {"critical": "#7a1f1f", "high": "#c0392b", "medium": "#e69f00", "low": "#999999"}
STYLE: Any = {
    "svg.hashsalt": "orgmetrics",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
}
MAX_BARS = 30


def _figure(nrows: int = 1, ncols: int = 1, size: tuple[float, float] = FIGSIZE) -> Any:
    with mpl.rc_context(STYLE):
        fig = Figure(figsize=size, layout="constrained")
        axes = fig.subplots(nrows, ncols)
    return fig, axes


def svg_bytes(fig: Figure) -> bytes:
    """Render a Figure to SVG without a date and with a fixed hash salt (same data, same bytes)."""
    buffer = io.BytesIO()
    with mpl.rc_context(STYLE):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "orgmetrics"})
    return buffer.getvalue()


def _label(text: object, limit: int = 28) -> str:
    value = str(text)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def series_points(series: Any) -> dict[str, list[tuple[str, float]]]:
    """Normalise `series` to {metric: [(period start, value), ...]} (numeric values only).

    Accepts a list of period rows (`{"week_start"|"week"|"start"|"date": ..., metric: n}`),
    a `{"weeks": rows}` / `{"weekly": rows}` wrapper (a by-severity dict counts as its total),
    or `{metric: [{"week_start"|...: ..., "value": n}]}`.
    """
    for wrapper in ("weeks", "weekly"):
        if isinstance(series, Mapping) and isinstance(series.get(wrapper), list):
            series = series[wrapper]
            break
    out: dict[str, list[tuple[str, float]]] = {}

    def period(row: Mapping[str, Any]) -> str | None:
        for key in ("week_start", "week", "start", "date", "period"):
            if isinstance(row.get(key), str):
                return str(row[key])[:10]
        return None

    if isinstance(series, list):
        for row in series:
            if not isinstance(row, Mapping) or period(row) is None:
                continue
            for key, value in row.items():
                if isinstance(value, Mapping):  # e.g. open_vulns by severity -> their total
                    parts = list(value.values())
                    if parts and all(isinstance(v, int | float) for v in parts):
                        value = sum(parts)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    out.setdefault(key, []).append((str(period(row)), float(value)))
    elif isinstance(series, Mapping):
        for metric, rows in series.items():
            if not isinstance(rows, list):
                continue
            for row in rows:
                if isinstance(row, Mapping) and isinstance(row.get("value"), int | float):
                    p = period(row)
                    if p is not None:
                        out.setdefault(str(metric), []).append((p, float(row["value"])))
    return {k: sorted(v) for k, v in sorted(out.items()) if v}


def series_trends(series: Any, metrics: Sequence[str] | None = None) -> Figure | None:
    """Weekly trends of up to four series, one small panel each."""
    points = series_points(series)
    names = [m for m in (metrics or list(points)) if m in points][:4]
    if not names:
        return None
    fig, axes = _figure(1, len(names))
    axes_list = list(axes) if len(names) > 1 else [axes]
    for ax, name in zip(axes_list, names, strict=True):
        scale, unit = (100.0, " (%)") if name.endswith("rate") else (1.0, "")
        xs = [p for p, _ in points[name]]
        ys = [v * scale for _, v in points[name]]
        ax.plot(range(len(xs)), ys, marker="o", markersize=3, color="#1f4e79")
        ax.set_title(name.replace("_", " ") + unit, fontsize=8.5)
        step = max(1, -(-len(xs) // 3))  # at most three labels: the panels are narrow
        ax.set_xticks(range(0, len(xs), step), [x[5:] for x in xs[::step]], fontsize=7, rotation=30)
        ax.set_ylim(bottom=0)
    fig.supxlabel("week starting (MM-DD)", fontsize=8)
    return fig


def vulns_by_severity(security: Mapping[str, Any]) -> Figure | None:
    """Open Dependabot alerts at as_of by severity (org totals)."""
    values = [security.get(s) for s in SEVERITY_COLOURS]
    if all(v is None for v in values):
        return None
    fig, ax = _figure(size=(7.0, 2.6))
    counts = [int(v) if isinstance(v, int | float) else 0 for v in values]
    bars = ax.bar(list(SEVERITY_COLOURS), counts, color=list(SEVERITY_COLOURS.values()))
    ax.bar_label(bars, labels=[str(v) if v is not None else "N/A" for v in values], fontsize=8)
    ax.set_ylabel("open alerts")
    ax.set_title("Open Dependabot alerts by severity at as_of", fontsize=9)
    return fig


def ci_failure_by_repo(repos: Sequence[Mapping[str, Any]]) -> Figure | None:
    """CI failure rate per repository with runs in the window (highest first)."""
    rows = [
        (str(r.get("name")), float(r["ci"]["ci_failure_rate"]), int(r["ci"].get("runs") or 0))
        for r in repos
        if isinstance(r.get("ci"), Mapping)
        and isinstance(r["ci"].get("ci_failure_rate"), int | float)
    ]
    if not rows:
        return None
    rows.sort(key=lambda x: (-x[1], x[0]))
    rows = rows[:MAX_BARS]
    height = max(2.2, 0.22 * len(rows) + 0.9)
    fig, ax = _figure(size=(7.0, height))
    ax.barh(
        [_label(n) for n, _, _ in rows][::-1], [v * 100 for _, v, _ in rows][::-1], color="#c0392b"
    )
    for index, (_, rate, runs) in enumerate(rows[::-1]):
        ax.text(rate * 100, index, f" {rate * 100:.1f} % of {runs}", va="center", fontsize=7)
    ax.set_xlabel("CI failure rate (%) — failed / (success + failed) runs in the window")
    ax.set_xlim(0, max(5.0, rows[0][1] * 100 * 1.35))
    ax.tick_params(axis="y", labelsize=7)
    return fig


def time_distributions(repos: Sequence[Mapping[str, Any]]) -> Figure | None:
    """Distribution over repositories of the median lead time and median cycle time (hours)."""
    lead = [
        float(r["dora"]["lead_time_hours_median"])
        for r in repos
        if isinstance(r.get("dora"), Mapping)
        and isinstance(r["dora"].get("lead_time_hours_median"), int | float)
    ]
    cycle = [
        float(r["flow"]["cycle_time_median"])
        for r in repos
        if isinstance(r.get("flow"), Mapping)
        and isinstance(r["flow"].get("cycle_time_median"), int | float)
    ]
    if not lead and not cycle:
        return None
    fig, axes = _figure(1, 2)
    for ax, values, title in (
        (axes[0], lead, "Lead time for changes"),
        (axes[1], cycle, "PR cycle time"),
    ):
        if values:
            ax.hist(values, bins=min(12, max(3, len(values))), color="#1f4e79", alpha=0.85)
            ax.set_title(f"{title}: per-repo medians (n={len(values)})", fontsize=8.5)
        else:
            ax.text(0.5, 0.5, "no data in the window", ha="center", transform=ax.transAxes)
            ax.set_title(title, fontsize=8.5)
        ax.set_xlabel("hours")
        ax.set_ylabel("repositories")
    return fig


HISTORY_METRICS = (
    ("dora", "deployment_frequency_per_week", "Deployments per week", 1.0),
    ("ci", "ci_failure_rate", "CI failure rate (%)", 100.0),
    ("flow", "cycle_time_median", "Cycle time median (h)", 1.0),
    ("security", "total_vulns", "Open vulnerabilities", 1.0),
)


def history(points: Sequence[tuple[str, Mapping[str, Any]]]) -> Figure | None:
    """Headline metrics across earlier reports: [(as_of date, dashboard), ...] oldest first.

    None with fewer than two points: one point is not a history.
    """
    if len(points) < 2:
        return None
    fig, axes = _figure(1, 4, size=(7.0, 2.6))
    dates = [p for p, _ in points]
    for ax, (section, key, title, scale) in zip(axes, HISTORY_METRICS, strict=True):
        xs, ys = [], []
        for index, (_, dash) in enumerate(points):
            value = (dash.get(section) or {}).get(key)
            if isinstance(value, int | float):
                xs.append(index)
                ys.append(float(value) * scale)
        ax.plot(xs, ys, marker="o", markersize=3, color="#1f4e79")
        ax.set_title(title, fontsize=7.5)
        ax.set_xticks(range(len(dates)), dates, fontsize=6, rotation=45, ha="right")
        ax.tick_params(axis="y", labelsize=7)
        ax.set_ylim(bottom=0)
    return fig
