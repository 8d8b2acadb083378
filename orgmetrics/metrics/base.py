"""Types shared by the metric modules: the reporting window and a section's result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class Window:
    """The reporting window `[as_of - days, as_of)` of the contract ("Time")."""

    as_of: datetime
    days: int

    @property
    def start(self) -> datetime:
        """Inclusive start of the window."""
        return self.as_of - timedelta(days=self.days)

    @property
    def end(self) -> datetime:
        """Exclusive end of the window (= as_of)."""
        return self.as_of


@dataclass
class SectionResult:
    """One contract section computed for the org (pooled) and for every repo by name."""

    org: dict[str, Any] = field(default_factory=dict)
    repos: dict[str, dict[str, Any]] = field(default_factory=dict)
