"""The CLI starts, lists its commands and reports errors as one line with an exit code."""

from click.testing import CliRunner

from orgmetrics import __version__
from orgmetrics.cli import cli


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in ("collect", "aggregate", "report", "run", "verify", "demo"):
        assert name in result.output


def test_version_comes_from_package_metadata() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output
