"""The `orgmetrics` command: collect | aggregate | report | run | verify | demo.

Each sub-command lives in `orgmetrics/commands/<name>.py` and calls into the library.
Errors derived from `OrgmetricsError` end the command with one line on stderr and
the exit code of their class (see `orgmetrics.errors.ExitCode`); no traceback. A command-line
mistake is one line too (exit 2, pointing at `--help`), and so is a file-system error such as
a data or output folder under a regular file (exit 1, the path named; traceback only at -vv).
"""

from __future__ import annotations

import logging
import sys

import click

from orgmetrics import __version__
from orgmetrics.commands.aggregate import aggregate
from orgmetrics.commands.collect import collect
from orgmetrics.commands.demo import demo
from orgmetrics.commands.demo_run import demo_run
from orgmetrics.commands.report import report, run, verify
from orgmetrics.errors import ExitCode, OrgmetricsError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="orgmetrics")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def cli(verbose: int) -> None:
    """Engineering and security metrics of a GitHub organisation, as an audit report."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


cli.add_command(collect)
cli.add_command(aggregate)
cli.add_command(report)
cli.add_command(run)
cli.add_command(verify)
demo.add_command(demo_run)
cli.add_command(demo)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the CLI, turning known errors into one line + exit code."""
    try:
        cli.main(args=argv, prog_name="orgmetrics", standalone_mode=False)
    except OrgmetricsError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx is not None else "orgmetrics"
        click.echo(f"error: {exc.format_message()} (see '{command} --help')", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:  # a path the user gave cannot be created, read or written
        logging.getLogger("orgmetrics").debug("file-system error", exc_info=True)
        click.echo(f"error: {exc}", err=True)
        sys.exit(ExitCode.FAILURE)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    sys.exit(0)
