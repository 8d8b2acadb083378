"""`orgmetrics collect`: one validated raw document per repository, plus run metadata."""

from __future__ import annotations

from pathlib import Path

import click

from orgmetrics.config import load_config
from orgmetrics.errors import ConfigError
from orgmetrics.timeutil import parse_iso


@click.command()
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="orgmetrics.toml to read (default: ./orgmetrics.toml when present).",
)
@click.option("--org", default=None, help="Organisation login (default: GITHUB_ORG).")
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("data"),
    show_default=True,
    help="Where raw/, meta/ and cache/ live.",
)
@click.option("--lookback-days", type=int, default=None, help="Days of events to fetch [90].")
@click.option("--as-of", default=None, help="ISO instant the data describes [now].")
@click.option("--workers", type=int, default=None, help="Parallel workers [4].")
@click.option("--max-pages", type=int, default=None, help="Page cap per listing [none].")
@click.option("--resume", "resume_run_id", default=None, help="Finish an incomplete run.")
def collect(
    config_path: Path | None,
    org: str | None,
    data_dir: Path,
    lookback_days: int | None,
    as_of: str | None,
    workers: int | None,
    max_pages: int | None,
    resume_run_id: str | None,
) -> None:
    """Collect raw data for an organisation (GITHUB_TOKEN and GITHUB_ORG from the environment)."""
    config = load_config(
        config_path,
        overrides={
            "org": org,
            "lookback_days": lookback_days,
            "workers": workers,
            "max_pages": max_pages,
        },
    )
    moment = None
    if as_of is not None:
        try:
            moment = parse_iso(as_of)
        except ValueError as exc:
            raise ConfigError(f"--as-of must be an ISO-8601 instant, got {as_of!r}") from exc
    if resume_run_id is not None and (as_of is not None or lookback_days is not None):
        raise ConfigError("--resume keeps the run's own --as-of and --lookback-days; drop them")

    from orgmetrics.collect import collect_org  # the client stack loads only when needed

    result = collect_org(config, data_dir=data_dir, as_of=moment, resume_run_id=resume_run_id)
    click.echo(f"run {result.run_id} {result.status}: {result.repos_written} repos")
    click.echo(f"raw documents: {result.raw_dir}")
    click.echo(f"run metadata: {result.meta_path}")
