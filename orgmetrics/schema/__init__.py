"""The JSON Schemas of the project's documents and the one function that checks them.

`validate(document, "raw_repo", source=path)` raises `SchemaError` naming the file,
the JSON path and the rule that failed (the first error in a stable order).
"""

from __future__ import annotations

import json
from datetime import timedelta
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from orgmetrics.errors import SchemaError

RAW_REPO = "raw_repo"
DASHBOARD = "dashboard"

# The contract's run metadata ("Run metadata (every collection run)"), in the contract's order,
# followed by what the collector adds: `status`, the non-secret `config` and the `repos` lists.
RUN_METADATA_FIELDS: tuple[str, ...] = (
    "run_id",
    "started_at",
    "finished_at",
    "duration_seconds",
    "org",
    "api_url",
    "as_of",
    "lookback_days",
    "repos_total",
    "repos_scanned",
    "archived_skipped",
    "request_count",
    "graphql_points",
    "not_modified_count",
    "retries",
    "errors_count",
    "rate_limit_remaining",
    "rate_limit_reset",
    "collector_version",
    "python_version",
    "git_commit",
    "status",
    "config",
    "repos",
)

# The sources of a raw repo document (schema `raw_repo`), in document order; each is an object
# `{available, truncated, items}`. The collector writes them, the aggregator reads them.
RAW_SOURCES: tuple[str, ...] = (
    "pull_requests",
    "deployments",
    "incidents",
    "commits",
    "workflows",
    "workflow_runs",
    "releases",
    "dependabot_alerts",
    "code_scanning_alerts",
    "secret_scanning_alerts",
)

# The lookback margin. Deployments in a raw document: those created in the lookback, plus those
# created up to this margin before its start whose deciding status (any status) is inside it.
# Pull requests: those updated in the lookback (plus every open one), plus those merged up to
# this margin before its start (their first production deployment may be inside it: DORA lead
# time). The collector fetches and the demo snapshot selects by this one rule.
LOOKBACK_MARGIN = timedelta(days=7)
DEPLOYMENT_MARGIN = LOOKBACK_MARGIN  # the older name, kept importable


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema `<name>.schema.json` shipped in this package."""
    text = resources.files(__package__).joinpath(f"{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator(name: str) -> Draft202012Validator:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def json_path(error: ValidationError) -> str:
    """The failing location as a JSONPath, e.g. `$.pull_requests.items[3].created_at`."""
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def validate(document: Any, name: str, *, source: str) -> None:
    """Check `document` against schema `name`; raise `SchemaError` on the first violation."""
    errors = sorted(_validator(name).iter_errors(document), key=lambda e: list(map(str, e.path)))
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise SchemaError(
            f"{source}: {json_path(first)} violates '{first.validator}' of the {name} schema: "
            f"{first.message}{more}"
        )
