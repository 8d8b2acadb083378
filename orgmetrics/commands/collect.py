"""`orgmetrics collect`: Collect raw data for an organisation."""

from __future__ import annotations

import click

from orgmetrics.errors import OrgmetricsError


@click.command()
def collect() -> None:
    """Collect raw data for an organisation."""
    raise OrgmetricsError("'collect' is not implemented yet")
