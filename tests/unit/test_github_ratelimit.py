"""Rate-limit header parsing and the waits GitHub documents (primary, secondary, GHES)."""

from __future__ import annotations

from requests.structures import CaseInsensitiveDict

from orgmetrics.github.ratelimit import (
    is_primary_limit,
    is_secondary_limit,
    parse_rate_headers,
    primary_wait,
    retry_after_seconds,
    secondary_wait,
)

NOW = 1_700_000_000.0


def h(**values: str) -> CaseInsensitiveDict[str]:
    return CaseInsensitiveDict({k.replace("_", "-"): v for k, v in values.items()})


def test_primary_limit_is_remaining_zero_on_403_or_429() -> None:
    headers = h(x_ratelimit_limit="5000", x_ratelimit_remaining="0", x_ratelimit_reset="1700000030")
    assert is_primary_limit(403, headers, "API rate limit exceeded for user ID 1.")
    assert is_primary_limit(429, headers, "")
    assert not is_primary_limit(404, headers, "")
    assert not is_secondary_limit(403, headers, "API rate limit exceeded for user ID 1.")


def test_primary_wait_is_reset_minus_now_plus_one_second() -> None:
    assert primary_wait(1_700_000_030, NOW) == 31.0
    assert primary_wait(1_699_999_000, NOW) == 1.0  # reset already passed: minimal wait
    assert primary_wait(None, NOW) is None


def test_secondary_with_retry_after_waits_that_long() -> None:
    headers = h(retry_after="7", x_ratelimit_remaining="4000", x_ratelimit_limit="5000")
    msg = (
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
    )
    assert is_secondary_limit(403, headers, msg)
    assert not is_primary_limit(403, headers, msg)
    assert secondary_wait(headers, NOW) == 7.0


def test_secondary_without_retry_after_waits_sixty_seconds() -> None:
    headers = h(x_ratelimit_remaining="4000", x_ratelimit_limit="5000")
    assert is_secondary_limit(429, headers, "You have exceeded a secondary rate limit")
    assert secondary_wait(headers, NOW) == 60.0


def test_secondary_with_remaining_zero_waits_until_reset() -> None:
    headers = h(x_ratelimit_remaining="0", x_ratelimit_limit="5000", x_ratelimit_reset="1700000100")
    assert secondary_wait(headers, NOW) == 101.0


def test_blank_retry_after_is_ignored() -> None:
    assert retry_after_seconds(h(retry_after=" ")) is None
    assert retry_after_seconds(h(retry_after="soon")) is None
    assert retry_after_seconds(h()) is None


def test_permission_403_is_no_rate_limit() -> None:
    headers = h(x_ratelimit_remaining="4999", x_ratelimit_limit="5000")
    msg = "Dependabot alerts are disabled for this repository."
    assert not is_primary_limit(403, headers, msg)
    assert not is_secondary_limit(403, headers, msg)


def test_ghes_without_rate_headers_is_never_exhausted() -> None:
    info = parse_rate_headers(h())
    assert not info.present and not info.exhausted and info.reset_at is None
    assert not is_primary_limit(403, h(), "Must have admin rights to Repository.")


def test_ghes_disabled_limit_zero_of_zero_is_not_exhausted() -> None:
    info = parse_rate_headers(h(x_ratelimit_limit="0", x_ratelimit_remaining="0"))
    assert info.present and not info.exhausted


def test_millisecond_reset_of_normalised_fixtures_is_read_as_seconds() -> None:
    assert parse_rate_headers(h(x_ratelimit_reset="1507651200000")).reset == 1507651200


def test_garbled_values_are_none() -> None:
    info = parse_rate_headers(h(x_ratelimit_remaining="lots", x_ratelimit_reset=""))
    assert info.remaining is None and info.reset is None
