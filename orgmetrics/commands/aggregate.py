"""`orgmetrics aggregate`: Aggregate a snapshot into dashboard.json."""

from __future__ import annotations

import click

from orgmetrics.errors import OrgmetricsError


@click.command()
def aggregate() -> None:
    """Aggregate a snapshot into dashboard.json."""
    raise OrgmetricsError("'aggregate' is not implemented yet")
