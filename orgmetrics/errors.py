"""The exceptions every command may end with, and the exit code each maps to.

The CLI catches `OrgmetricsError` and prints its message as one line (no traceback)
with the exit code of its class. Everything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class ExitCode:
    """Process exit codes, documented in the README."""

    OK = 0
    FAILURE = 1  # a step failed (network, GitHub answer, rendering, ...)
    CONFIG = 2  # bad configuration, environment or command-line input
    AUTH = 3  # GitHub rejected the token (401 Bad credentials)
    RATE_LIMITED = 4  # rate budget exhausted: the run is incomplete and resumable
    VERIFY_MISMATCH = 5  # `orgmetrics verify` found a difference
    SCHEMA = 6  # a document failed its JSON Schema


class OrgmetricsError(Exception):
    """Base class of the errors that end a command with a clear one-line message."""

    exit_code: int = ExitCode.FAILURE


class ConfigError(OrgmetricsError):
    """The configuration, environment or command line is wrong; the message says how to fix it."""

    exit_code = ExitCode.CONFIG


class SchemaError(OrgmetricsError):
    """A document violates its JSON Schema; the message names the file, JSON path and rule."""

    exit_code = ExitCode.SCHEMA


class VerifyMismatch(OrgmetricsError):
    """`verify` found files or numbers that differ from the manifest."""

    exit_code = ExitCode.VERIFY_MISMATCH
