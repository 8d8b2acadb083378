"""Every command and long option of the CLI is documented in the README (datasette-style)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from orgmetrics.cli import cli

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _commands(
    group: click.Group, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, click.Command]]:
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, path)
        else:
            yield " ".join(path), command


COMMANDS = list(_commands(cli))


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_command_and_its_options_are_in_the_readme(name: str, command: click.Command) -> None:
    assert f"orgmetrics {name}" in README, f"README never shows `orgmetrics {name}`"
    options = [
        opt
        for param in command.params
        if isinstance(param, click.Option)
        for opt in param.opts
        if opt.startswith("--")
    ]
    missing = [opt for opt in options if opt not in README]
    assert not missing, f"`orgmetrics {name}` options missing from README: {missing}"
