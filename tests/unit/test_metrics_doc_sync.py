"""METRICS.md and dashboard.schema.json name the same metric keys (both directions)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from orgmetrics.schema import load_schema

METRICS_MD = Path(__file__).resolve().parents[2] / "METRICS.md"
SECTIONS = ("dora", "ci", "flow", "security", "activity")
TOKEN = re.compile(r"`(dora|ci|flow|security|activity|risk|series|data_quality)\.([a-z0-9_.]+)`")
HEADING = re.compile(r"^#{2,4} `([a-z_]+)\.([a-z0-9_]+)`\s*$", re.MULTILINE)


def _props(schema: dict[str, Any], name: str) -> set[str]:
    return set(schema["$defs"][name]["properties"])


def schema_keys() -> set[str]:
    """`section.key` for every metric key the dashboard schema defines."""
    schema = load_schema("dashboard")
    keys: set[str] = set()
    for section in SECTIONS:
        for variant in ("repo", "org"):
            keys |= {f"{section}.{k}" for k in _props(schema, f"{section}_{variant}")}
    keys |= {f"risk.{k}" for k in _props(schema, "risk")}
    keys |= {f"series.{k}" for k in _props(schema, "series") | _props(schema, "series_week")}
    keys |= {f"data_quality.{k}" for k in _props(schema, "data_quality_org")}
    return keys


def truncation_flags() -> set[str]:
    """The per-repo truncation flag names (`pr.truncated`, ...), which the text also mentions."""
    truncated = load_schema("dashboard")["$defs"]["data_quality_repo"]["properties"]["truncated"]
    return set(truncated["properties"])


def test_every_schema_key_has_a_heading_in_metrics_md() -> None:
    text = METRICS_MD.read_text("utf-8")
    documented = {f"{s}.{k}" for s, k in HEADING.findall(text)}
    missing = sorted(schema_keys() - documented)
    assert not missing, f"METRICS.md lacks a '### `key`' heading for: {missing}"


def test_metrics_md_names_no_key_the_schema_lacks() -> None:
    text = METRICS_MD.read_text("utf-8")
    named = {f"{s}.{k}" for s, k in TOKEN.findall(text)}
    named |= {f"{s}.{k}" for s, k in HEADING.findall(text)}
    unknown = sorted(named - schema_keys() - truncation_flags())
    assert not unknown, f"METRICS.md names keys that dashboard.schema.json lacks: {unknown}"


def test_the_check_itself_sees_a_missing_and_an_extra_key() -> None:
    text = METRICS_MD.read_text("utf-8")
    doctored = text.replace("### `security.sla_breaches`", "### `security.sla_breachez`")
    documented = {f"{s}.{k}" for s, k in HEADING.findall(doctored)}
    assert "security.sla_breaches" in schema_keys() - documented
    assert "security.sla_breachez" in documented - schema_keys()
