"""`orgmetrics demo ...`: the synthetic organisation and the fake GitHub serving it."""

from __future__ import annotations

import click


@click.group()
def demo() -> None:
    """The built-in demo organisation (no token, no network)."""
