"""UTC timestamps in the one form the project uses everywhere: ISO-8601 with a `Z`.

GitHub silently ignores a malformed `since`/`created` filter, so every timestamp we
send or store goes through `to_iso` (second precision, `Z`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def utcnow() -> datetime:
    """The current instant, timezone-aware UTC, truncated to whole seconds."""
    return datetime.now(UTC).replace(microsecond=0)


def parse_iso(value: str) -> datetime:
    """Parse an ISO-8601 timestamp (with `Z` or an offset) into an aware UTC datetime."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_iso_opt(value: str | None) -> datetime | None:
    """`parse_iso`, passing `None` (and empty strings) through as `None`."""
    return parse_iso(value) if value else None


def to_iso(moment: datetime) -> str:
    """Format an aware datetime as GitHub's `YYYY-MM-DDTHH:MM:SSZ`."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every timestamp in orgmetrics is timezone-aware UTC")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_iso_opt(moment: datetime | None) -> str | None:
    """`to_iso`, passing `None` through."""
    return to_iso(moment) if moment is not None else None


def days_before(moment: datetime, days: int | float) -> datetime:
    """`moment - days`, the start of a window or lookback that ends at `moment`."""
    return moment - timedelta(days=days)
