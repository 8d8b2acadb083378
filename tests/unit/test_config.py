"""Configuration: env + orgmetrics.toml, validated with one clear line per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgmetrics.config import RepoFilters, derive_graphql_url, load_config
from orgmetrics.errors import ConfigError, ExitCode
from orgmetrics.metrics.params import MetricParams

TOKEN = "ghp_unitTestSecret0123456789"
ENV = {"GITHUB_TOKEN": TOKEN, "GITHUB_ORG": "acme"}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "orgmetrics.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(**kwargs: object) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(**kwargs)  # type: ignore[arg-type]
    assert info.value.exit_code == ExitCode.CONFIG
    message = str(info.value)
    assert "\n" not in message
    return message


def test_defaults_from_env_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./orgmetrics.toml here
    config = load_config(env=ENV)
    assert config.token == TOKEN
    assert config.org == "acme"
    assert config.api_url == "https://api.github.com"
    assert config.graphql_url == "https://api.github.com/graphql"
    assert (config.max_pages, config.request_timeout, config.workers) == (None, 30.0, 4)
    assert config.lookback_days == 90
    assert config.metric_params() == MetricParams()
    assert config.config_file is None


def test_gh_token_is_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config(env={"GH_TOKEN": "abc", "GITHUB_ORG": "acme"})
    assert config.token == "abc"


def test_repr_and_public_dict_hide_the_token(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""), env=ENV)
    assert TOKEN not in repr(config)
    assert TOKEN not in str(config)
    assert TOKEN not in str(config.public_dict())
    assert config.public_dict()["org"] == "acme"


def test_missing_token_is_one_line(tmp_path: Path) -> None:
    message = error_of(path=write(tmp_path, ""), env={"GITHUB_ORG": "acme"})
    assert message.startswith("GITHUB_TOKEN (or GH_TOKEN) is not set")


def test_blank_token_counts_as_missing(tmp_path: Path) -> None:
    message = error_of(path=write(tmp_path, ""), env={"GITHUB_TOKEN": "  ", "GITHUB_ORG": "a"})
    assert "GITHUB_TOKEN (or GH_TOKEN) is not set" in message


def test_missing_org(tmp_path: Path) -> None:
    message = error_of(path=write(tmp_path, ""), env={"GITHUB_TOKEN": TOKEN})
    assert "GITHUB_ORG is not set" in message


def test_token_not_required_for_offline_steps(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""), env={}, require_token=False)
    assert config.token is None
    assert config.org is None


def test_env_variables_of_the_seed(tmp_path: Path) -> None:
    env = {
        **ENV,
        "GITHUB_API_URL": "https://ghe.example.com/api/v3/",
        "MAX_PAGES": "7",
        "REQUEST_TIMEOUT": "12.5",
        "MAX_WAIT": "0",
    }
    config = load_config(write(tmp_path, ""), env=env)
    assert config.api_url == "https://ghe.example.com/api/v3"
    assert config.graphql_url == "https://ghe.example.com/api/graphql"
    assert config.max_pages == 7
    assert config.request_timeout == 12.5
    assert config.max_wait == 0.0


def test_explicit_graphql_url_wins(tmp_path: Path) -> None:
    env = {**ENV, "GITHUB_API_URL": "http://127.0.0.1:9", "GITHUB_GRAPHQL_URL": "http://x:1/gql"}
    config = load_config(write(tmp_path, ""), env=env)
    assert config.graphql_url == "http://x:1/gql"


def test_derive_graphql_url() -> None:
    assert derive_graphql_url("https://api.github.com") == "https://api.github.com/graphql"
    assert derive_graphql_url("http://127.0.0.1:8080/") == "http://127.0.0.1:8080/graphql"
    assert derive_graphql_url("https://h/api/v3") == "https://h/api/graphql"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("MAX_PAGES", "abc", "MAX_PAGES must be an integer, got 'abc'"),
        ("MAX_PAGES", "0", "MAX_PAGES must be >= 1, got 0"),
        ("MAX_PAGES", "-3", "MAX_PAGES must be >= 1, got -3"),
        ("REQUEST_TIMEOUT", "-1", "REQUEST_TIMEOUT must be > 0 seconds"),
        ("REQUEST_TIMEOUT", "soon", "REQUEST_TIMEOUT must be a number of seconds"),
        ("GITHUB_API_URL", "ftp://x", "GITHUB_API_URL must be an http(s) URL"),
        ("MAX_WAIT", "-1", "MAX_WAIT must be >= 0 seconds"),
    ],
)
def test_bad_env_values(tmp_path: Path, name: str, value: str, expected: str) -> None:
    message = error_of(path=write(tmp_path, ""), env={**ENV, name: value})
    assert expected in message


def test_file_settings_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[github]
org = "from-file"
max_wait = 60
[collect]
workers = 2
lookback_days = 30
include_repos = ["svc-*"]
exclude_repos = ["*-old"]
exclude_topics = ["sandbox"]
[metrics]
production_env_pattern = "^live$"
deployment_fallback = "release"
exclude_bots = false
[metrics.sla_days]
critical = 3
[metrics.risk_weights]
no_ci = 1.5
""",
    )
    config = load_config(path, env={"GITHUB_TOKEN": TOKEN})
    assert config.org == "from-file"
    assert (config.workers, config.lookback_days, config.max_wait) == (2, 30, 60.0)
    params = config.metric_params()
    assert params.production_env_pattern == "^live$"
    assert params.deployment_fallback == "release"
    assert params.exclude_bots is False
    assert params.sla_days == {"critical": 3, "high": 30, "medium": 90, "low": 180}
    assert params.risk_weights["no_ci"] == 1.5
    assert params.risk_weights["critical_vuln"] == 25.0
    assert config.filters.matches("svc-api", [], fork=False)
    assert not config.filters.matches("svc-api-old", [], fork=False)
    assert not config.filters.matches("web", [], fork=False)
    assert not config.filters.matches("svc-x", ["Sandbox"], fork=False)


def test_env_beats_file_and_overrides_beat_env(tmp_path: Path) -> None:
    path = write(tmp_path, '[github]\norg = "file-org"\nmax_pages = 3\n')
    config = load_config(path, env={**ENV, "MAX_PAGES": "5"}, overrides={"workers": 9})
    assert config.org == "acme"
    assert config.max_pages == 5
    assert config.workers == 9
    config = load_config(path, env=ENV, overrides={"org": "cli-org", "max_pages": None})
    assert config.org == "cli-org"
    assert config.max_pages == 3


def test_default_file_in_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "[collect]\nworkers = 3\n")
    monkeypatch.chdir(tmp_path)
    config = load_config(env=ENV)
    assert config.workers == 3
    assert config.config_file == Path("orgmetrics.toml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[collect]\nworkerz = 2\n", "unknown key 'workerz' in [collect] of"),
        ("colour = 'red'\n", "unknown key 'colour' in"),
        ("[metrics]\nincident_label_pattern = '(unclosed'\n", "not a valid regular expression"),
        ("[metrics]\nproduction_env_pattern = '[a-'\n", "[metrics] production_env_pattern"),
        ("[collect]\nworkers = -1\n", "[collect] workers in"),
        ("[collect]\nlookback_days = 0\n", "must be >= 1, got 0"),
        ("[collect]\nworkers = 'four'\n", "must be an integer, got 'four'"),
        ("[collect]\nworkers = true\n", "must be an integer, got True"),
        ("[github]\nrequest_timeout = 0\n", "must be > 0"),
        ("[github]\nmax_wait = -5\n", "must be >= 0"),
        ("[metrics]\nexclude_bots = 'yes'\n", "must be true or false"),
        ("[metrics]\ndeployment_fallback = 'jenkins'\n", "must be one of none, workflow, release"),
        ("[metrics.sla_days]\nurgent = 1\n", "unknown key 'urgent' under [metrics] sla_days"),
        ("[metrics.sla_days]\nhigh = -1\n", "sla_days in"),
        ("[metrics.risk_weights]\nno_ci = -2\n", "must be >= 0"),
        ("[metrics.risk_weights]\nmystery = 2\n", "unknown key 'mystery'"),
        ("[collect]\ninclude_repos = [1]\n", "must be a list of non-empty strings"),
        ("[github]\ntoken = 'x'\n", "must not hold the token"),
        ("[github\n", "is not valid TOML"),
        ("collect = 3\n", "must be a table"),
    ],
)
def test_bad_file_values(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    message = error_of(path=path, env=ENV)
    assert expected in message
    assert str(path) in message


def test_missing_explicit_file(tmp_path: Path) -> None:
    message = error_of(path=tmp_path / "nope.toml", env=ENV)
    assert message == f"config file not found: {tmp_path / 'nope.toml'}"


def test_bad_overrides(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    assert "--workers must be >= 1" in error_of(path=path, env=ENV, overrides={"workers": 0})
    assert "--lookback-days must be >= 1" in error_of(
        path=path, env=ENV, overrides={"lookback_days": -4}
    )
    assert "unknown setting 'colour'" in error_of(path=path, env=ENV, overrides={"colour": 1})


def test_fallback_none_string_means_none(tmp_path: Path) -> None:
    path = write(tmp_path, "[metrics]\ndeployment_fallback = 'none'\n")
    assert load_config(path, env=ENV).metric_params().deployment_fallback is None


def test_filters_forks_and_include_topics() -> None:
    filters = RepoFilters(include_topics=("team-a",), include_forks=False)
    assert filters.matches("x", ["TEAM-A"], fork=False)
    assert not filters.matches("x", ["team-b"], fork=False)
    assert not filters.matches("x", ["team-a"], fork=True)
    assert RepoFilters().matches("anything", [], fork=True)


def test_the_commented_example_file_loads_and_states_the_defaults() -> None:
    example = Path(__file__).resolve().parents[2] / "orgmetrics.toml.example"
    config = load_config(example, env=ENV)
    assert config.metric_params() == MetricParams()
    assert (config.workers, config.lookback_days) == (4, 90)
    assert (config.request_timeout, config.max_wait, config.max_pages) == (30.0, 900.0, None)
    assert config.filters == RepoFilters()
