"""Parameters of the metric definitions; defaults are the contract's (spec/metrics-contract.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

DeploymentFallback = Literal["workflow", "release"]

DEFAULT_SLA_DAYS: dict[str, int] = {"critical": 7, "high": 30, "medium": 90, "low": 180}

# Points added to the risk score per unit of each input (see METRICS.md "Risk score").
DEFAULT_RISK_WEIGHTS: dict[str, float] = {
    "critical_vuln": 25.0,
    "high_vuln": 10.0,
    "sla_breach": 10.0,
    "secret_alert": 20.0,
    "code_alert_high": 5.0,
    "ci_failure_rate": 30.0,  # multiplied by the rate (0..1)
    "no_ci": 10.0,
    "no_commits": 5.0,
}


@dataclass(frozen=True)
class MetricParams:
    """Every tunable of the metric definitions, in one immutable value."""

    production_env_pattern: str = r"^(prod|production)$"
    incident_label_pattern: str = r"^(incident|sev[0-9]|outage)$"
    incident_attribution_hours: float = 72.0
    deployment_fallback: DeploymentFallback | None = None
    deployment_workflow_pattern: str = r"deploy"
    sla_days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_SLA_DAYS))
    risk_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_RISK_WEIGHTS))
    exclude_bots: bool = True
    dora_bands: str = "2023"

    def production_env_re(self) -> re.Pattern[str]:
        """The production environment pattern, compiled case-insensitively."""
        return re.compile(self.production_env_pattern, re.IGNORECASE)

    def incident_label_re(self) -> re.Pattern[str]:
        """The incident label pattern, compiled case-insensitively."""
        return re.compile(self.incident_label_pattern, re.IGNORECASE)

    def deployment_workflow_re(self) -> re.Pattern[str]:
        """The fallback workflow pattern (name or path), compiled case-insensitively."""
        return re.compile(self.deployment_workflow_pattern, re.IGNORECASE)
