"""Docs kept in sync with the packaging: every dependency is explained and mirrored for conda."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    """The distribution name of a requirement string such as `pandas>=2.1`."""
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower()


def _project() -> dict[str, list[str]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    return {
        "runtime": [_name(r) for r in project["dependencies"]],
        "test": [_name(r) for r in project["optional-dependencies"]["test"]],
    }


def _readme_dependency_names() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Dependencies", 1)[1]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| ") and not line.startswith(("| package", "|---")):
            names.update(n.strip().lower() for n in line.split("|")[1].split(","))
    return names


def test_every_dependency_has_a_line_in_the_readme() -> None:
    deps = _project()
    missing = sorted(set(deps["runtime"] + deps["test"]) - _readme_dependency_names())
    assert not missing, f"README 'Dependencies' lacks: {missing}"


def test_environment_yml_mirrors_the_runtime_dependencies() -> None:
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    listed = {_name(m) for m in re.findall(r"^\s*-\s+([A-Za-z0-9_.\-]+[^\n]*)$", text, re.M)}
    missing = sorted(set(_project()["runtime"]) - listed)
    assert not missing, f"environment.yml lacks: {missing}"
