"""`orgmetrics report`, `run` and `verify`: the versioned audit report."""

from __future__ import annotations

import click

from orgmetrics.errors import OrgmetricsError


@click.command()
def report() -> None:
    """Render the report from an existing snapshot."""
    raise OrgmetricsError("'report' is not implemented yet")


@click.command()
def run() -> None:
    """The monthly job: collect, aggregate and report."""
    raise OrgmetricsError("'run' is not implemented yet")


@click.command()
def verify() -> None:
    """Re-check a report's manifest and re-aggregate its snapshot."""
    raise OrgmetricsError("'verify' is not implemented yet")
