"""`orgmetrics demo run`: the full pipeline against the fake GitHub (what `make demo` runs)."""

from __future__ import annotations

import click

from orgmetrics.errors import OrgmetricsError


@click.command(name="run")
def demo_run() -> None:
    """Collect, aggregate and report the demo organisation; print the HTML and PDF paths."""
    raise OrgmetricsError("'demo run' is not implemented yet")
