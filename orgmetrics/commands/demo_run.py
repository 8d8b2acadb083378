"""`orgmetrics demo run`: the full pipeline against the fake GitHub (what `make demo` runs).

It serves the synthetic organisation on 127.0.0.1 with a throw-away token, collects it
with the real client and collector, back-fills the previous month-ends from the same
snapshot (so the report's history chart has points), renders the report and prints
the paths of the HTML and PDF. No token of the user's and no network are involved.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from orgmetrics.errors import OrgmetricsError
from orgmetrics.store import read_json
from orgmetrics.timeutil import parse_iso

# Long enough to back-fill five month-ends with a 30-day window from one snapshot.
DEMO_LOOKBACK_DAYS = 190
BACKFILL_MONTHS = 5


def previous_month_ends(as_of: datetime, count: int) -> list[datetime]:
    """The `count` month boundaries (first day of a month, 00:00 UTC) strictly before `as_of`.

    The instant 00:00 on the 1st is the exclusive end of the previous month, which is what a
    monthly report's `as_of` is. Returned oldest first.
    """
    moment = as_of.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if moment >= as_of:
        moment = (moment - timedelta(days=1)).replace(day=1)
    ends = []
    for _ in range(count):
        ends.append(moment)
        moment = (moment - timedelta(days=1)).replace(day=1)
    return sorted(ends)


@click.command(name="run")
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    default=Path("data/demo"),
    show_default=True,
    help="Where the demo snapshot is written (kept apart from real data).",
)
@click.option(
    "--output-root",
    type=click.Path(path_type=Path),
    default=Path("report/_output"),
    show_default=True,
    help="Where the versioned report folders are created.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the demo org.")
@click.option("--repos", type=int, default=25, show_default=True, help="Repos in the demo org.")
@click.option("--window-days", type=int, default=30, show_default=True)
@click.option(
    "--engine",
    type=click.Choice(["auto", "pandoc", "quarto"]),
    default="auto",
    show_default=True,
)
def demo_run(
    data_dir: Path, output_root: Path, seed: int, repos: int, window_days: int, engine: str
) -> None:
    """Collect, aggregate and report the demo organisation; print the HTML and PDF paths."""
    from orgmetrics.aggregate import aggregate_snapshot
    from orgmetrics.collect import collect_org
    from orgmetrics.config import load_config
    from orgmetrics.demo.generate import generate_org
    from orgmetrics.demo.server import FakeGitHub
    from orgmetrics.report import render_report

    org = generate_org(seed=seed, n_repos=repos)
    token = "demo_" + secrets.token_hex(16)  # only ever sent to the fake on 127.0.0.1
    click.echo(f"demo: serving {org.login} ({len(org.repos)} repos) on a local fake GitHub")
    with FakeGitHub(org, token=token) as fake:
        env = {"GITHUB_TOKEN": token, "GITHUB_ORG": org.login, "GITHUB_API_URL": fake.url}
        config = load_config(None, env=env, overrides={"lookback_days": DEMO_LOOKBACK_DAYS})
        click.echo("demo: collecting ...")
        collected = collect_org(config, data_dir=data_dir, progress=False)
    if collected.status != "complete":
        raise OrgmetricsError(
            f"demo collection ended {collected.status}: see {collected.meta_path}"
        )
    click.echo(f"demo: run {collected.run_id} -> {collected.meta_path}")

    params = config.metric_params()
    snapshot_as_of = parse_iso(str(read_json(collected.meta_path)["as_of"]))
    for month_end in previous_month_ends(snapshot_as_of, BACKFILL_MONTHS):
        back = aggregate_snapshot(
            data_dir,
            run_id=collected.run_id,
            window_days=window_days,
            as_of=month_end,
            params=params,
        )
        click.echo(f"demo: back-filled {month_end:%Y-%m-%d} -> {back.history_path}")
    # Aggregate at the snapshot's own as_of last: aggregated/dashboard.json is the latest one.
    aggregate_snapshot(data_dir, run_id=collected.run_id, window_days=window_days, params=params)

    result = render_report(
        data_dir, output_root=output_root, engine=engine, window_days=window_days
    )
    click.echo(f"report id: {result.report_id}")
    click.echo(f"HTML: {result.html}")
    click.echo(f"PDF:  {result.pdf}")
