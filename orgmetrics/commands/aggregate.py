"""`orgmetrics aggregate`: Aggregate a snapshot into dashboard.json."""

from __future__ import annotations

from pathlib import Path

import click

from orgmetrics.errors import ConfigError


@click.command()
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data"),
    show_default=True,
    help="The data directory holding raw/ and meta/.",
)
@click.option("--run-id", default=None, help="Aggregate this run (default: the latest complete).")
@click.option(
    "--window-days",
    type=int,
    default=30,
    show_default=True,
    help="Reporting window W in days; at most the snapshot's lookback.",
)
@click.option(
    "--as-of",
    "as_of_text",
    default=None,
    help="End of the window (ISO-8601 UTC); default the snapshot's as_of. For back-fills.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="orgmetrics.toml with the metric parameters (default ./orgmetrics.toml if present).",
)
@click.option(
    "--allow-incomplete",
    is_flag=True,
    default=False,
    help="Aggregate a run that did not complete (its numbers are partial).",
)
def aggregate(
    data_dir: Path,
    run_id: str | None,
    window_days: int,
    as_of_text: str | None,
    config_path: Path | None,
    allow_incomplete: bool,
) -> None:
    """Aggregate a snapshot into dashboard.json."""
    from orgmetrics.aggregate import aggregate_snapshot
    from orgmetrics.config import load_config
    from orgmetrics.timeutil import parse_iso

    as_of = None
    if as_of_text is not None:
        try:
            as_of = parse_iso(as_of_text)
        except ValueError:
            raise ConfigError(
                f"--as-of {as_of_text!r} is not an ISO-8601 timestamp (e.g. 2024-03-31T00:00:00Z)"
            ) from None
    params = load_config(config_path, require_token=False).metric_params()
    result = aggregate_snapshot(
        data_dir,
        run_id=run_id,
        window_days=window_days,
        as_of=as_of,
        params=params,
        allow_incomplete=allow_incomplete,
    )
    click.echo(str(result.path))
