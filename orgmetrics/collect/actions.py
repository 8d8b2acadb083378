"""Actions workflows and workflow runs of one repo (REST), within GitHub's 1,000-result cap.

Runs are listed with `created=<since>..<as_of>`. GitHub serves at most 1,000 results of a
filtered query, so a range whose `total_count` exceeds that is split in halves until every
part fits; a part that still does not fit at the smallest span is kept and flagged truncated.
A repo without workflows costs no runs request.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from orgmetrics.collect import normalize as n
from orgmetrics.collect.model import RunContext, SourceResult
from orgmetrics.github.errors import HTTPStatusError, ServerError, TransportError
from orgmetrics.timeutil import to_iso

log = logging.getLogger(__name__)

RESULT_CAP = 1000
PAGE = 100
MIN_SPAN = timedelta(minutes=1)
SPLIT_TARGET = 800  # runs per part when splitting (room for uneven spread)


def _created(start: datetime, end: datetime) -> str:
    return f"{to_iso(start)}..{to_iso(end)}"


def _runs(
    ctx: RunContext, path: str, start: datetime, end: datetime, out: SourceResult
) -> list[dict[str, Any]]:
    """The runs created in [start, end], splitting the range while GitHub caps it.

    The first page tells `total_count`: a range over the cap is split into parts sized to fit
    (costing that one page); otherwise paging continues from page 2 (nothing fetched twice).
    """
    params: dict[str, Any] = {"created": _created(start, end), "per_page": PAGE}
    first = ctx.client.paginate(path, params, items_key="workflow_runs", max_pages=1)
    total = first.total_count if first.total_count is not None else len(first.items)
    span = end - start
    if total > RESULT_CAP and span > MIN_SPAN:
        parts = min(math.ceil(total / SPLIT_TARGET), max(2, int(span / MIN_SPAN)))
        step = span / parts
        log.info("%s: %d runs in %s; splitting into %d", path, total, params["created"], parts)
        items: list[dict[str, Any]] = []
        low = start
        for index in range(parts):
            high = (start + step * (index + 1)).replace(microsecond=0)
            if index == parts - 1:
                high = end
            items += _runs(ctx, path, low, high, out)
            low = high + timedelta(seconds=1)
        return items
    items = list(first.items)
    if first.truncated:
        remaining = ctx.remaining_pages(1)
        if remaining == 0:
            out.truncated = True
        else:
            rest = ctx.client.paginate(
                path, {**params, "page": 2}, items_key="workflow_runs", max_pages=remaining
            )
            items += rest.items
            out.truncated = out.truncated or rest.truncated
    out.truncated = out.truncated or total > RESULT_CAP
    return items


def collect_actions(ctx: RunContext, name: str) -> dict[str, SourceResult]:
    """`workflows` and `workflow_runs` of one repo."""
    base = f"/repos/{quote(ctx.org, safe='')}/{quote(name, safe='')}/actions"
    workflows, runs = SourceResult(), SourceResult()
    try:
        listing = ctx.client.paginate(
            f"{base}/workflows",
            {"per_page": PAGE},
            items_key="workflows",
            feature="actions",
            max_pages=ctx.max_pages,
        )
    except (HTTPStatusError, ServerError, TransportError) as exc:
        status = getattr(exc, "status", None)
        for source, result in (("workflows", workflows), ("workflow_runs", runs)):
            result.fail(source, status if isinstance(status, int) else None, str(exc))
        return {"workflows": workflows, "workflow_runs": runs}
    if listing.unavailable is not None:
        for source, result in (("workflows", workflows), ("workflow_runs", runs)):
            result.fail(source, listing.unavailable.status, listing.unavailable.reason)
        return {"workflows": workflows, "workflow_runs": runs}
    workflows.truncated = listing.truncated
    workflows.items = n.sort_items("workflows", [n.workflow(w) for w in listing.items])
    if not workflows.items and not listing.truncated:
        return {"workflows": workflows, "workflow_runs": runs}
    try:
        raw = _runs(ctx, f"{base}/runs", ctx.since, ctx.as_of, runs)
    except (HTTPStatusError, ServerError, TransportError) as exc:
        status = getattr(exc, "status", None)
        runs.fail("workflow_runs", status if isinstance(status, int) else None, str(exc))
        return {"workflows": workflows, "workflow_runs": runs}
    items = [n.workflow_run(r) for r in raw]
    runs.items = n.sort_items(
        "workflow_runs",
        [r for r in items if ctx.since_iso <= r["created_at"] <= ctx.as_of_iso],
    )
    return {"workflows": workflows, "workflow_runs": runs}
