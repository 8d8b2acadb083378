"""Pure parts of the fake GitHub: page/cursor pagination and the runs `created` qualifier."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from orgmetrics.demo.pagination import (
    BadCursor,
    Query,
    decode_cursor,
    encode_cursor,
    paginate_cursor,
    paginate_pages,
    per_page,
)
from orgmetrics.demo.rest import parse_created

BASE = "http://h/repositories/1/pulls"


def q(**kw: str) -> Query:
    return Query(tuple(kw.items()))


def test_per_page_default_cap_and_nonsense() -> None:
    assert per_page(q()) == 30
    assert per_page(q(per_page="7")) == 7
    assert per_page(q(per_page="1000")) == 100
    assert per_page(q(per_page="0")) == 30
    assert per_page(q(per_page="abc")) == 30


def test_query_replaced_keeps_order_and_replaces_in_place() -> None:
    query = q(state="all", page="2", per_page="5")
    assert query.replaced((), [("page", "3")]) == "state=all&page=3&per_page=5"
    assert q(state="all").replaced((), [("page", "2")]) == "state=all&page=2"
    assert q(created=">=2026-01-01").replaced((), [("page", "2")]) == (
        "created=%3E%3D2026-01-01&page=2"
    )


def test_pages_single_page_has_no_link() -> None:
    chunk, link = paginate_pages(list(range(5)), q(), BASE)
    assert chunk == [0, 1, 2, 3, 4] and link is None


def test_pages_first_middle_last_and_beyond() -> None:
    items = list(range(10))  # 4 pages of 3
    chunk, link = paginate_pages(items, q(per_page="3"), BASE)
    assert chunk == [0, 1, 2]
    assert link == (
        f'<{BASE}?per_page=3&page=2>; rel="next", <{BASE}?per_page=3&page=4>; rel="last"'
    )
    chunk, link = paginate_pages(items, q(per_page="3", page="4"), BASE)
    assert chunk == [9]
    assert link == (
        f'<{BASE}?per_page=3&page=3>; rel="prev", <{BASE}?per_page=3&page=1>; rel="first"'
    )
    chunk, _ = paginate_pages(items, q(per_page="3", page="9"), BASE)
    assert chunk == []


def test_pages_reachable_cap() -> None:
    items = list(range(25))
    chunk, link = paginate_pages(items, q(per_page="10", page="2"), BASE, reachable=15)
    assert chunk == list(range(10, 15))
    assert link is not None and 'rel="next"' not in link
    assert paginate_pages(items, q(per_page="10", page="3"), BASE, reachable=15)[0] == []


def test_cursor_roundtrip_and_rejects_foreign_values() -> None:
    assert decode_cursor(encode_cursor("12:3")) == "12:3"
    for bad in ("garbage!", "aGVsbG8=", ""):
        with pytest.raises(BadCursor):
            decode_cursor(bad)


def test_cursor_pages_walk_forward_and_back() -> None:
    items = [f"k{i}" for i in range(5)]

    def key(item: str) -> str:
        return item

    chunk, link = paginate_cursor(items, q(per_page="2"), BASE, key)
    assert chunk == ["k0", "k1"]
    assert (
        link == f'<{BASE}?per_page=2&after={encode_cursor("k1").replace("=", "%3D")}>; rel="next"'
    )
    chunk, link = paginate_cursor(items, q(per_page="2", after=encode_cursor("k1")), BASE, key)
    assert chunk == ["k2", "k3"] and link is not None
    assert 'rel="prev"' in link and 'rel="next"' in link and 'rel="last"' not in link
    chunk, link = paginate_cursor(items, q(per_page="2", after=encode_cursor("k3")), BASE, key)
    assert chunk == ["k4"] and link is not None and 'rel="next"' not in link
    chunk, _ = paginate_cursor(items, q(per_page="2", before=encode_cursor("k4")), BASE, key)
    assert chunk == ["k2", "k3"]
    with pytest.raises(BadCursor):
        paginate_cursor(items, q(after=encode_cursor("zz")), BASE, key)


def _d(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_parse_created_forms() -> None:
    day_end = _d("2026-01-01T23:59:59.999999")
    assert parse_created(">=2026-01-01") == (_d("2026-01-01"), None)
    assert parse_created("<=2026-01-01") == (None, day_end)
    assert parse_created("2026-01-01..2026-01-01") == (_d("2026-01-01"), day_end)
    assert parse_created("2026-01-01") == (_d("2026-01-01"), day_end)
    assert parse_created("2026-01-01T05:00:00Z..*") == (_d("2026-01-01T05:00:00"), None)
    assert parse_created("*..2026-01-01T05:00:00Z") == (None, _d("2026-01-01T05:00:00"))
    low, high = parse_created(">2026-01-01") or (None, None)
    assert low == _d("2026-01-02") and high is None
    low, high = parse_created("<2026-01-01") or (None, None)
    assert low is None and high == _d("2025-12-31T23:59:59.999999")
    assert parse_created("last-tuesday") is None
