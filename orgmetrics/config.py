"""Settings from the environment and an optional `orgmetrics.toml`, validated before any request.

Precedence, highest first: command-line overrides, environment variables, the config
file, the defaults (the contract's). Every mistake is one `ConfigError` line that names
what to fix (and the file), raised before a single request is made. The token comes
only from the environment and never appears in `repr`, logs or files.
"""

from __future__ import annotations

import fnmatch
import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from orgmetrics.errors import ConfigError
from orgmetrics.metrics.params import DEFAULT_RISK_WEIGHTS, DEFAULT_SLA_DAYS, MetricParams

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_CONFIG_FILE = "orgmetrics.toml"
SEVERITIES = ("critical", "high", "medium", "low")

_ENV_TOKEN = ("GITHUB_TOKEN", "GH_TOKEN")


@dataclass(frozen=True)
class RepoFilters:
    """Which repositories to scan: name globs and topics (empty include = every repo)."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    include_topics: tuple[str, ...] = ()
    exclude_topics: tuple[str, ...] = ()
    include_forks: bool = True

    def matches(self, name: str, topics: list[str] | tuple[str, ...], *, fork: bool) -> bool:
        """True when a repo passes the filters (globs match case-insensitively)."""
        lowered = name.lower()
        topic_set = {t.lower() for t in topics}
        if fork and not self.include_forks:
            return False
        if self.include and not any(fnmatch.fnmatchcase(lowered, g.lower()) for g in self.include):
            return False
        if any(fnmatch.fnmatchcase(lowered, g.lower()) for g in self.exclude):
            return False
        if self.include_topics and not topic_set & {t.lower() for t in self.include_topics}:
            return False
        return not topic_set & {t.lower() for t in self.exclude_topics}

    def as_dict(self) -> dict[str, Any]:
        """The filters as plain JSON values (for run metadata)."""
        return {
            "include_repos": list(self.include),
            "exclude_repos": list(self.exclude),
            "include_topics": list(self.include_topics),
            "exclude_topics": list(self.exclude_topics),
            "include_forks": self.include_forks,
        }


@dataclass(frozen=True)
class Config:
    """Everything a command needs to know; the token is hidden from `repr`."""

    token: str | None = field(repr=False)
    org: str | None
    api_url: str = DEFAULT_API_URL
    graphql_url: str = DEFAULT_API_URL + "/graphql"
    max_pages: int | None = None
    request_timeout: float = 30.0
    max_wait: float = 900.0
    workers: int = 4
    lookback_days: int = 90
    filters: RepoFilters = field(default_factory=RepoFilters)
    metrics: MetricParams = field(default_factory=MetricParams)
    config_file: Path | None = None

    def metric_params(self) -> MetricParams:
        """The metric definitions' parameters (contract defaults unless configured)."""
        return self.metrics

    def public_dict(self) -> dict[str, Any]:
        """The non-secret settings as JSON values, for run metadata (never the token)."""
        params = self.metrics
        return {
            "org": self.org,
            "api_url": self.api_url,
            "graphql_url": self.graphql_url,
            "max_pages": self.max_pages,
            "request_timeout": self.request_timeout,
            "max_wait": self.max_wait,
            "workers": self.workers,
            "lookback_days": self.lookback_days,
            "filters": self.filters.as_dict(),
            "config_file": str(self.config_file) if self.config_file else None,
            "metrics": {
                "production_env_pattern": params.production_env_pattern,
                "incident_label_pattern": params.incident_label_pattern,
                "incident_attribution_hours": params.incident_attribution_hours,
                "deployment_fallback": params.deployment_fallback,
                "deployment_workflow_pattern": params.deployment_workflow_pattern,
                "sla_days": dict(params.sla_days),
                "risk_weights": dict(params.risk_weights),
                "exclude_bots": params.exclude_bots,
                "dora_bands": params.dora_bands,
            },
        }


def derive_graphql_url(api_url: str) -> str:
    """GitHub's GraphQL endpoint for a REST base URL (GHES `/api/v3` -> `/api/graphql`)."""
    base = api_url.rstrip("/")
    if base.endswith("/api/v3"):
        return base[: -len("/v3")] + "/graphql"
    return base + "/graphql"


# ---------------------------------------------------------------- value checkers
# Each checker takes (value, where) and returns the normalised value or raises ConfigError;
# `where` names the key and its source, e.g. "workers in orgmetrics.toml".

Checker = Callable[[Any, str], Any]


def _int(minimum: int) -> Checker:
    def check(value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} must be an integer, got {value!r}")
        if value < minimum:
            raise ConfigError(f"{where} must be >= {minimum}, got {value}")
        return value

    return check


def _number(minimum: float, *, strict: bool = False) -> Checker:
    def check(value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where} must be a number, got {value!r}")
        number = float(value)
        if not math.isfinite(number) or number < minimum or (strict and number <= minimum):
            bound = f"> {minimum:g}" if strict else f">= {minimum:g}"
            raise ConfigError(f"{where} must be {bound}, got {value!r}")
        return number

    return check


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where} must be true or false, got {value!r}")
    return value


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where} must be a non-empty string, got {value!r}")
    return value.strip()


def _regex(value: Any, where: str) -> str:
    text = _string(value, where)
    try:
        re.compile(text, re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(f"{where} is not a valid regular expression ({exc}): {text!r}") from exc
    return text


def _url(value: Any, where: str) -> str:
    text = _string(value, where).rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{where} must be an http(s) URL, got {text!r}")
    return text


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where} must be a list of non-empty strings, got {value!r}")
    return tuple(value)


def _fallback(value: Any, where: str) -> str | None:
    if value is None or value == "none":
        return None
    if value not in ("workflow", "release"):
        raise ConfigError(f"{where} must be one of none, workflow, release; got {value!r}")
    return str(value)


def _sla_days(value: Any, where: str) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table of severity = days")
    result = dict(DEFAULT_SLA_DAYS)
    for key, days in value.items():
        if key not in SEVERITIES:
            raise ConfigError(
                f"unknown key {key!r} under {where}; expected one of {', '.join(SEVERITIES)}"
            )
        result[key] = _int(0)(days, f"{where}.{key}")
    return result


def _risk_weights(value: Any, where: str) -> dict[str, float]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table of input = weight")
    result = dict(DEFAULT_RISK_WEIGHTS)
    for key, weight in value.items():
        if key not in DEFAULT_RISK_WEIGHTS:
            known = ", ".join(sorted(DEFAULT_RISK_WEIGHTS))
            raise ConfigError(f"unknown key {key!r} under {where}; expected one of {known}")
        result[key] = _number(0.0)(weight, f"{where}.{key}")
    return result


# section -> key -> (Config/param attribute, checker). Section "" is the file's top level.
_FILE_KEYS: dict[str, dict[str, tuple[str, Checker]]] = {
    "github": {
        "org": ("org", _string),
        "api_url": ("api_url", _url),
        "graphql_url": ("graphql_url", _url),
        "max_pages": ("max_pages", _int(1)),
        "request_timeout": ("request_timeout", _number(0.0, strict=True)),
        "max_wait": ("max_wait", _number(0.0)),
    },
    "collect": {
        "workers": ("workers", _int(1)),
        "lookback_days": ("lookback_days", _int(1)),
        "include_repos": ("filters.include", _string_list),
        "exclude_repos": ("filters.exclude", _string_list),
        "include_topics": ("filters.include_topics", _string_list),
        "exclude_topics": ("filters.exclude_topics", _string_list),
        "include_forks": ("filters.include_forks", _bool),
    },
    "metrics": {
        "production_env_pattern": ("metrics.production_env_pattern", _regex),
        "incident_label_pattern": ("metrics.incident_label_pattern", _regex),
        "incident_attribution_hours": ("metrics.incident_attribution_hours", _number(0.0)),
        "deployment_fallback": ("metrics.deployment_fallback", _fallback),
        "deployment_workflow_pattern": ("metrics.deployment_workflow_pattern", _regex),
        "sla_days": ("metrics.sla_days", _sla_days),
        "risk_weights": ("metrics.risk_weights", _risk_weights),
        "exclude_bots": ("metrics.exclude_bots", _bool),
        "dora_bands": ("metrics.dora_bands", _string),
    },
}

# Keys accepted as `overrides` (from the command line), by their short name.
_OVERRIDE_KEYS: dict[str, tuple[str, Checker]] = {
    key: spec for section in _FILE_KEYS.values() for key, spec in section.items()
}


def _read_file(path: Path) -> dict[str, Any]:
    """Parse the TOML file, turning I/O and syntax errors into one line naming the file."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path} is not UTF-8 text (TOML files must be UTF-8)") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc


def _file_values(document: dict[str, Any], path: Path) -> dict[str, Any]:
    """Validate every key of the file; return attribute -> value. Unknown keys are errors."""
    values: dict[str, Any] = {}
    for section, table in document.items():
        if section not in _FILE_KEYS:
            if section in ("token", "github_token"):
                raise ConfigError(
                    f"{path} must not hold the token ({section!r}); set GITHUB_TOKEN instead"
                )
            known = ", ".join(f"[{s}]" for s in _FILE_KEYS)
            raise ConfigError(f"unknown key {section!r} in {path}; expected sections {known}")
        if not isinstance(table, dict):
            raise ConfigError(f"{section!r} in {path} must be a table ([{section}])")
        for key, raw in table.items():
            if section == "github" and key in ("token", "github_token"):
                raise ConfigError(
                    f"{path} must not hold the token ([github] {key}); set GITHUB_TOKEN instead"
                )
            if key not in _FILE_KEYS[section]:
                known = ", ".join(sorted(_FILE_KEYS[section]))
                raise ConfigError(
                    f"unknown key {key!r} in [{section}] of {path}; expected one of {known}"
                )
            attribute, check = _FILE_KEYS[section][key]
            values[attribute] = check(raw, f"[{section}] {key} in {path}")
    return values


def _env_int(env: Mapping[str, str], name: str, minimum: int) -> int | None:
    text = env.get(name, "").strip()
    if not text:
        return None
    try:
        number = int(text)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {text!r}") from exc
    if number < minimum:
        raise ConfigError(f"{name} must be >= {minimum}, got {number}")
    return number


def _env_seconds(env: Mapping[str, str], name: str, *, zero_ok: bool = False) -> float | None:
    text = env.get(name, "").strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number of seconds, got {text!r}") from exc
    if not math.isfinite(number) or number < 0 or (number == 0 and not zero_ok):
        bound = ">= 0" if zero_ok else "> 0"
        raise ConfigError(f"{name} must be {bound} seconds, got {text!r}")
    return number


def _env_values(env: Mapping[str, str]) -> dict[str, Any]:
    """The settings the environment carries (the seed's variables), validated."""
    values: dict[str, Any] = {}
    org = env.get("GITHUB_ORG", "").strip()
    if org:
        values["org"] = org
    for name, attribute in (("GITHUB_API_URL", "api_url"), ("GITHUB_GRAPHQL_URL", "graphql_url")):
        text = env.get(name, "").strip()
        if text:
            values[attribute] = _url(text, name)
    max_pages = _env_int(env, "MAX_PAGES", 1)
    if max_pages is not None:
        values["max_pages"] = max_pages
    timeout = _env_seconds(env, "REQUEST_TIMEOUT")
    if timeout is not None:
        values["request_timeout"] = timeout
    max_wait = _env_seconds(env, "MAX_WAIT", zero_ok=True)
    if max_wait is not None:
        values["max_wait"] = max_wait
    return values


def _override_values(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Validate command-line overrides (None means "not given")."""
    values: dict[str, Any] = {}
    for key, raw in overrides.items():
        if raw is None:
            continue
        if key not in _OVERRIDE_KEYS:
            raise ConfigError(f"unknown setting {key!r}")
        attribute, check = _OVERRIDE_KEYS[key]
        values[attribute] = check(raw, f"--{key.replace('_', '-')}")
    return values


def _token(env: Mapping[str, str]) -> str | None:
    for name in _ENV_TOKEN:
        text = env.get(name, "").strip()
        if text:
            return text
    return None


def load_config(
    path: Path | None = None,
    env: Mapping[str, str] | None = None,
    *,
    require_token: bool = True,
    overrides: Mapping[str, Any] | None = None,
) -> Config:
    """Build the validated `Config`: overrides > env > file (`path` or ./orgmetrics.toml)."""
    environ: Mapping[str, str] = os.environ if env is None else env
    config_file: Path | None = None
    values: dict[str, Any] = {}
    if path is not None:
        config_file = Path(path)
    elif Path(DEFAULT_CONFIG_FILE).is_file():
        config_file = Path(DEFAULT_CONFIG_FILE)
    if config_file is not None:
        values.update(_file_values(_read_file(config_file), config_file))
    values.update(_env_values(environ))
    values.update(_override_values(overrides or {}))

    token = _token(environ)
    if require_token and token is None:
        raise ConfigError(
            "GITHUB_TOKEN (or GH_TOKEN) is not set: export GITHUB_TOKEN=<token> "
            "(see README 'Real use' for the permissions it needs)"
        )
    org = values.get("org")
    if require_token and not org:
        where = f" or [github] org in {config_file}" if config_file else " or --org"
        raise ConfigError(f"GITHUB_ORG is not set: export GITHUB_ORG=<organisation>{where}")

    api_url = values.get("api_url", DEFAULT_API_URL)
    graphql_url = values.get("graphql_url") or derive_graphql_url(api_url)
    filters = RepoFilters(
        include=values.get("filters.include", ()),
        exclude=values.get("filters.exclude", ()),
        include_topics=values.get("filters.include_topics", ()),
        exclude_topics=values.get("filters.exclude_topics", ()),
        include_forks=values.get("filters.include_forks", True),
    )
    metric_kwargs = {
        attribute.split(".", 1)[1]: value
        for attribute, value in values.items()
        if attribute.startswith("metrics.")
    }
    return Config(
        token=token,
        org=org,
        api_url=api_url,
        graphql_url=graphql_url,
        max_pages=values.get("max_pages"),
        request_timeout=values.get("request_timeout", 30.0),
        max_wait=values.get("max_wait", 900.0),
        workers=values.get("workers", 4),
        lookback_days=values.get("lookback_days", 90),
        filters=filters,
        metrics=MetricParams(**metric_kwargs),
        config_file=config_file,
    )
