"""`orgmetrics report`, `run` and `verify`: the versioned audit report."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from orgmetrics.errors import ConfigError, ExitCode, OrgmetricsError, VerifyMismatch
from orgmetrics.timeutil import parse_iso

ENGINE_CHOICE = click.Choice(["auto", "pandoc", "quarto"])
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"

# Exception class names raised inside a notebook -> the exit code the CLI ends with.
STEP_EXIT_CODES = {
    "ConfigError": ExitCode.CONFIG,
    "BadCredentials": ExitCode.AUTH,
    "RateLimitExhausted": ExitCode.RATE_LIMITED,
    "SchemaError": ExitCode.SCHEMA,
}


class StepFailed(OrgmetricsError):
    """One step of `orgmetrics run` failed; the message names it."""

    def __init__(self, step: str, detail: str, exit_code: int = ExitCode.FAILURE) -> None:
        super().__init__(f"step '{step}' failed: {detail}")
        self.exit_code = exit_code


def _as_of(text: str | None) -> Any:
    if not text:
        return None
    try:
        return parse_iso(text)
    except ValueError as exc:
        raise ConfigError(f"--as-of must be an ISO-8601 instant, got {text!r}") from exc


def _common(func: Any) -> Any:
    options = [
        click.option(
            "--data-dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=Path("data"),
            show_default=True,
            help="The data directory holding raw/, meta/ and history/.",
        ),
        click.option(
            "--window-days",
            type=int,
            default=30,
            show_default=True,
            help="Reporting window W in days (at most the snapshot's lookback).",
        ),
        click.option(
            "--engine",
            type=ENGINE_CHOICE,
            default="auto",
            show_default=True,
            help="auto: quarto when on PATH, else pandoc + typst.",
        ),
        click.option(
            "--classification",
            default="INTERNAL",
            show_default=True,
            help="Marking printed on every page (e.g. CONFIDENTIAL).",
        ),
        click.option(
            "--output-root",
            type=click.Path(file_okay=False, path_type=Path),
            default=Path("report/_output"),
            show_default=True,
            help="Reports go to <output root>/<org>-<as_of date>-v<N>/.",
        ),
        click.option(
            "--config",
            "config_path",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="orgmetrics.toml with the metric parameters.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.command()
@_common
@click.option(
    "--as-of",
    "as_of_text",
    default=None,
    help="End of the window (ISO-8601 UTC); default the snapshot's as_of.",
)
@click.option("--run-id", default=None, help="Report this run (default: the latest complete).")
def report(
    data_dir: Path,
    window_days: int,
    engine: str,
    classification: str,
    output_root: Path,
    config_path: Path | None,
    as_of_text: str | None,
    run_id: str | None,
) -> None:
    """Render the report from an existing snapshot; print the HTML and PDF paths."""
    from orgmetrics.report import render_report

    result = render_report(
        data_dir,
        output_root=output_root,
        engine=engine,
        window_days=window_days,
        as_of=_as_of(as_of_text),
        classification=classification,
        run_id=run_id,
        config_path=config_path,
    )
    click.echo(f"report {result.report_id}")
    click.echo(f"html: {result.html}")
    click.echo(f"pdf:  {result.pdf}")


def run_step_notebook(
    step: str, notebook: Path, target: Path, parameters: Mapping[str, Any], cwd: Path
) -> Path:
    """Execute one pipeline notebook with papermill; a failure names the step and its error."""
    from papermill.exceptions import PapermillExecutionError

    from orgmetrics.report.render import execute_notebook

    try:
        execute_notebook(notebook, target, parameters, cwd=cwd)
    except PapermillExecutionError as exc:
        code = STEP_EXIT_CODES.get(str(exc.ename), ExitCode.FAILURE)
        raise StepFailed(step, f"{exc.ename}: {exc.evalue}", code) from exc
    except Exception as exc:  # kernel could not start, notebook missing, ...
        raise StepFailed(step, f"{type(exc).__name__}: {exc}") from exc
    return target


@click.command()
@_common
@click.option("--org", default=None, help="Organisation login (default: GITHUB_ORG).")
@click.option(
    "--lookback-days", type=int, default=90, show_default=True, help="Days of events to collect."
)
@click.option("--as-of", "as_of_text", default=None, help="ISO instant the data describes [now].")
def run(
    data_dir: Path,
    window_days: int,
    engine: str,
    classification: str,
    output_root: Path,
    config_path: Path | None,
    org: str | None,
    lookback_days: int,
    as_of_text: str | None,
) -> None:
    """The monthly job: collect -> aggregate -> report through the papermill notebooks."""
    from orgmetrics.report import render_report

    _as_of(as_of_text)  # fail fast on a malformed instant
    if window_days > lookback_days:
        raise ConfigError(
            f"--window-days {window_days} exceeds --lookback-days {lookback_days}: "
            "collect at least as far back as the window"
        )
    data = data_dir.resolve()
    config = str(config_path.resolve()) if config_path else ""
    with tempfile.TemporaryDirectory(prefix="orgmetrics-run-") as tmp:
        work = Path(tmp)
        click.echo("[1/3] collect: fetching the organisation from GitHub ...", err=True)
        collect_nb = run_step_notebook(
            "collect",
            NOTEBOOKS / "collect.ipynb",
            work / "collect.ipynb",
            {
                "org": org or "",
                "data_dir": str(data),
                "lookback_days": lookback_days,
                "as_of": as_of_text or "",
                "run_id": "",
                "config_path": config,
            },
            work,
        )
        click.echo("[2/3] aggregate: computing dashboard.json ...", err=True)
        aggregate_nb = run_step_notebook(
            "aggregate",
            NOTEBOOKS / "aggregate.ipynb",
            work / "aggregate.ipynb",
            {
                "data_dir": str(data),
                "window_days": window_days,
                "as_of": "",
                "run_id": "",
                "config_path": config,
            },
            work,
        )
        click.echo("[3/3] report: executing report.ipynb and rendering HTML + PDF ...", err=True)
        try:
            result = render_report(
                data,
                output_root=output_root,
                engine=engine,
                window_days=window_days,
                classification=classification,
                lookback_days=lookback_days,
                config_path=config_path,
                extra_files={"collect.ipynb": collect_nb, "aggregate.ipynb": aggregate_nb},
            )
        except OrgmetricsError as exc:
            raise StepFailed("report", str(exc), exc.exit_code) from exc
    click.echo(f"report {result.report_id}")
    click.echo(f"html: {result.html}")
    click.echo(f"pdf:  {result.pdf}")


@click.command()
@click.argument("report_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the snapshot is now, if moved (default: the folder recorded in the manifest).",
)
def verify(report_dir: Path, data_dir: Path | None) -> None:
    """Re-check a report's manifest hashes, re-aggregate its snapshot and re-render it."""
    from orgmetrics.report import verify_report

    if not report_dir.is_dir():
        raise ConfigError(f"{report_dir} is not a report folder")
    if data_dir is not None and not data_dir.is_dir():
        raise ConfigError(f"--data-dir {data_dir} is not a directory")
    problems = verify_report(report_dir, data_dir)
    if problems:
        for line in problems:
            click.echo(f"MISMATCH {line}", err=True)
        raise VerifyMismatch(f"{report_dir}: {len(problems)} difference(s) found")
    click.echo(
        f"verified {report_dir}: inputs, dashboard.json, HTML and PDF match", file=sys.stdout
    )
