"""Versioned DORA benchmark bands: the four keys -> elite|high|medium|low.

Sources (the clusters of DORA's annual survey, Google Cloud / DORA):
- "2023": Accelerate State of DevOps Report 2023, "Software delivery performance" cluster table.
  elite: on demand (multiple deploys per day), lead time < 1 day, change failure rate 5 %,
  failed deployment recovery < 1 hour; high: between once per day and once per week,
  1 day - 1 week, 10 %, < 1 day; medium: between once per week and once per month,
  1 week - 1 month, 15 %, 1 day - 1 week; low: (same throughput text as medium in the report)
  64 %, 1 month - 6 months.
- "2022": Accelerate State of DevOps Report 2022 (three clusters, no elite).
  high: on demand, 1 day - 1 week, 0-15 %, < 1 day; medium: once per week - once per month,
  1 week - 1 month, 16-30 %, 1 day - 1 week; low: once per month - once every 6 months,
  1 month - 6 months, 46-60 %, 1 week - 1 month.

The reports give ranges in words; the numeric cut-offs below are our reading of them, written
out so an auditor can check every boundary (METRICS.md repeats this table):
- deployment frequency per week: "multiple per day" = more than 7/week, "once per day" = 7,
  "once per week" = 1, "once per month" = 12/52 (~0.2308), "once every six months" = 2/52;
- lead time and recovery in hours: 1 hour, 1 day = 24, 1 week = 168, 1 month = 720 (30 days),
  six months = 4380;
- change failure rate: a cluster's published value (or the upper end of its range) is its
  upper bound; anything above the worst listed bound is the lowest level.
Where ranges leave a gap (e.g. 2023 recovery between 1 week and 1 month), the value falls to
the next, lower level.

A key's value maps to the first (best) level whose bound it meets. The overall level needs at
least 3 of the 4 keys (DORA 2023 keys: deployment frequency, lead time, change failure rate,
failed deployment recovery time); it is the lower median of the known keys' levels (sort the
levels best to worst and take position n // 2): with 3 keys the middle one, with 4 the worse of
the middle two — one outstanding key cannot lift the level, one poor key cannot sink it alone.
DORA itself warns that these are cluster descriptions of survey respondents, not a scoring
rule; the report prints the edition used next to every level.
"""

from __future__ import annotations

from dataclasses import dataclass

LEVELS: tuple[str, ...] = ("elite", "high", "medium", "low")
DEFAULT_EDITION = "2023"
KEY_NAMES: tuple[str, ...] = (
    "deployment_frequency",
    "lead_time",
    "change_failure_rate",
    "failed_deployment_recovery",
)
MIN_KEYS_FOR_LEVEL = 3

_MONTHLY_PER_WEEK = 12 / 52
_SEMIANNUAL_PER_WEEK = 2 / 52
_DAY, _WEEK, _MONTH, _HALF_YEAR = 24.0, 168.0, 720.0, 4380.0


@dataclass(frozen=True)
class Bound:
    """One level's bound on one key: `value > bound` (strict) or `>=`/`<`/`<=` per `op`."""

    level: str
    op: str  # one of ">", ">=", "<", "<="
    value: float

    def meets(self, x: float) -> bool:
        """True when `x` satisfies this bound."""
        if self.op == ">":
            return x > self.value
        if self.op == ">=":
            return x >= self.value
        if self.op == "<":
            return x < self.value
        return x <= self.value


@dataclass(frozen=True)
class Edition:
    """A benchmark table: per key, the bounds from the best level down, then a floor level."""

    name: str
    source: str
    bounds: dict[str, tuple[Bound, ...]]
    floor: str  # level for a known value that meets no bound

    def level_of(self, key: str, value: float | None) -> str | None:
        """The level of one key's value (None when the value is unknown)."""
        if value is None:
            return None
        for bound in self.bounds[key]:
            if bound.meets(float(value)):
                return bound.level
        return self.floor


EDITIONS: dict[str, Edition] = {
    "2023": Edition(
        name="2023",
        source="Accelerate State of DevOps Report 2023 (DORA, Google Cloud)",
        bounds={
            "deployment_frequency": (
                Bound("elite", ">", 7.0),
                Bound("high", ">=", 1.0),
                Bound("medium", ">=", _MONTHLY_PER_WEEK),
            ),
            "lead_time": (
                Bound("elite", "<", _DAY),
                Bound("high", "<=", _WEEK),
                Bound("medium", "<=", _MONTH),
            ),
            "change_failure_rate": (
                Bound("elite", "<=", 0.05),
                Bound("high", "<=", 0.10),
                Bound("medium", "<=", 0.15),
            ),
            "failed_deployment_recovery": (
                Bound("elite", "<", 1.0),
                Bound("high", "<", _DAY),
                Bound("medium", "<=", _WEEK),
            ),
        },
        floor="low",
    ),
    "2022": Edition(
        name="2022",
        source="Accelerate State of DevOps Report 2022 (DORA, Google Cloud)",
        bounds={
            "deployment_frequency": (
                Bound("high", ">", 7.0),
                Bound("medium", ">=", _MONTHLY_PER_WEEK),
                Bound("low", ">=", _SEMIANNUAL_PER_WEEK),
            ),
            "lead_time": (
                Bound("high", "<=", _WEEK),
                Bound("medium", "<=", _MONTH),
                Bound("low", "<=", _HALF_YEAR),
            ),
            "change_failure_rate": (
                Bound("high", "<=", 0.15),
                Bound("medium", "<=", 0.30),
            ),
            "failed_deployment_recovery": (
                Bound("high", "<", _DAY),
                Bound("medium", "<=", _WEEK),
            ),
        },
        floor="low",
    ),
}


def edition(name: str) -> Edition:
    """The benchmark table of an edition; a clear error naming the known editions otherwise."""
    try:
        return EDITIONS[name]
    except KeyError:
        known = ", ".join(sorted(EDITIONS))
        raise ValueError(f"unknown DORA bands edition {name!r}: choose one of {known}") from None


def key_levels(
    values: dict[str, float | None], edition_name: str = DEFAULT_EDITION
) -> dict[str, str | None]:
    """Per key (`KEY_NAMES`), the level of its value in the edition (None when unknown)."""
    table = edition(edition_name)
    return {key: table.level_of(key, values.get(key)) for key in KEY_NAMES}


def overall_level(levels: dict[str, str | None]) -> str | None:
    """Lower median of the known key levels; None when fewer than 3 keys are known."""
    known = sorted(LEVELS.index(v) for v in levels.values() if v is not None)
    if len(known) < MIN_KEYS_FOR_LEVEL:
        return None
    return LEVELS[known[len(known) // 2]]


def performance_level(
    values: dict[str, float | None], edition_name: str = DEFAULT_EDITION
) -> tuple[str | None, dict[str, str | None]]:
    """(overall level, per-key levels) for the four keys' values."""
    levels = key_levels(values, edition_name)
    return overall_level(levels), levels
