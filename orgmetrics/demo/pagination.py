"""Page and cursor pagination with `Link` headers written the way GitHub writes them.

Page style: `<url>; rel="prev", <url>; rel="next", <url>; rel="last", <url>; rel="first"`
(GitHub's order; `prev`/`first` absent on page 1, `next`/`last` absent on the last page,
no header when everything fits on one page). Cursor style (Dependabot, and code/secret
scanning when `before`/`after` is sent): opaque base64 `after`/`before` cursors, no `last`.
Every other query parameter is carried over unchanged.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlencode

T = TypeVar("T")

DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 100


class BadCursor(ValueError):
    """A `before`/`after` value that is not a cursor this server issued."""


@dataclass(frozen=True)
class Query:
    """The query string of one request, in order, blanks kept (`after=` matters)."""

    pairs: tuple[tuple[str, str], ...]

    def get(self, name: str) -> str | None:
        """The first value of `name`, or None when absent."""
        return next((v for k, v in self.pairs if k == name), None)

    def has(self, name: str) -> bool:
        """Was `name` sent at all (even empty)?"""
        return any(k == name for k, _ in self.pairs)

    def replaced(self, drop: Sequence[str], add: Sequence[tuple[str, str]]) -> str:
        """The query string with `drop` names removed and `add` set (in place if present)."""
        out: list[tuple[str, str]] = []
        pending = dict(add)
        for k, v in self.pairs:
            if k in pending:
                out.append((k, pending.pop(k)))
            elif k not in drop:
                out.append((k, v))
        out.extend(pending.items())
        return urlencode(out)


def per_page(query: Query) -> int:
    """`per_page`: default 30, values above 100 capped at 100, nonsense -> default."""
    raw = query.get("per_page")
    try:
        value = int(raw) if raw else DEFAULT_PER_PAGE
    except ValueError:
        return DEFAULT_PER_PAGE
    if value < 1:
        return DEFAULT_PER_PAGE
    return min(value, MAX_PER_PAGE)


def page_number(query: Query) -> int:
    """`page`: default 1; nonsense or < 1 -> 1."""
    raw = query.get("page")
    try:
        value = int(raw) if raw else 1
    except ValueError:
        return 1
    return max(value, 1)


def paginate_pages(
    items: Sequence[T], query: Query, link_base: str, *, reachable: int | None = None
) -> tuple[list[T], str | None]:
    """One page of `items` and its Link header (None when not paginated).

    `reachable` caps how many results can be paged to (the runs endpoint's 1,000 cap);
    pages beyond it come back empty.
    """
    size = per_page(query)
    page = page_number(query)
    limit = len(items) if reachable is None else min(reachable, len(items))
    start = (page - 1) * size
    chunk = list(items[start : min(start + size, limit)]) if start < limit else []
    last = max(1, math.ceil(limit / size))
    if limit <= size and page == 1:
        return chunk, None

    def url(n: int) -> str:
        return f"<{link_base}?{query.replaced((), [('page', str(n))])}>"

    rels: list[str] = []
    if page > 1:
        rels.append(f'{url(min(page - 1, last))}; rel="prev"')
    if page < last:
        rels.append(f'{url(page + 1)}; rel="next"')
        rels.append(f'{url(last)}; rel="last"')
    if page > 1:
        rels.append(f'{url(1)}; rel="first"')
    return chunk, ", ".join(rels) if rels else None


def encode_cursor(key: str) -> str:
    """An opaque cursor like GitHub's (base64 of `cursor:v2:<key>`)."""
    return base64.b64encode(f"cursor:v2:{key}".encode()).decode()


def decode_cursor(cursor: str) -> str:
    """The key inside a cursor; `BadCursor` if it is not one of ours."""
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise BadCursor(cursor) from exc
    if not text.startswith("cursor:v2:"):
        raise BadCursor(cursor)
    return text[len("cursor:v2:") :]


def paginate_cursor(
    items: Sequence[T], query: Query, link_base: str, key: Callable[[T], str]
) -> tuple[list[T], str | None]:
    """One cursor page of `items` (`after`/`before`/`per_page`) and its Link header.

    `next` carries `after=<cursor of the last item>` when more follow; `prev` carries
    `before=<cursor of the first item>` when items precede. No `last`, no `first`.
    """
    size = per_page(query)
    keys = [key(it) for it in items]
    after = query.get("after")
    before = query.get("before")
    if after:
        wanted = decode_cursor(after)
        if wanted not in keys:
            raise BadCursor(after)
        start = keys.index(wanted) + 1
        end = min(start + size, len(items))
    elif before:
        wanted = decode_cursor(before)
        if wanted not in keys:
            raise BadCursor(before)
        end = keys.index(wanted)
        start = max(0, end - size)
    else:
        start, end = 0, min(size, len(items))
    chunk = list(items[start:end])
    rels: list[str] = []
    drop = ("after", "before", "page")
    if chunk and start > 0:
        q = query.replaced(drop, [("before", encode_cursor(keys[start]))])
        rels.append(f'<{link_base}?{q}>; rel="prev"')
    if chunk and end < len(items):
        q = query.replaced(drop, [("after", encode_cursor(keys[end - 1]))])
        rels.append(f'<{link_base}?{q}>; rel="next"')
    return chunk, ", ".join(rels) if rels else None
