"""Markdown pipe tables and number formats for the report; every cell is escaped text.

Tables are emitted as Markdown so they survive both engines (pandoc and Quarto) and
become native tables in HTML and Typst (with a header row Typst repeats on each page).
"""

from __future__ import annotations

from collections.abc import Sequence

from orgmetrics.report.escape import md_cell

NA = "N/A"


def fmt_count(value: object) -> str:
    """An integer count, or N/A for null."""
    if value is None or isinstance(value, bool):
        return NA if value is None else str(value).lower()
    if isinstance(value, int | float):
        return f"{int(value):,}".replace(",", " ") if float(value).is_integer() else f"{value}"
    return str(value)


def fmt_hours(value: object) -> str:
    """Hours with one decimal (the contract's rounding), or N/A."""
    return NA if not isinstance(value, int | float) else f"{float(value):.1f}\u00a0h"


def fmt_rate(value: object) -> str:
    """A fraction in [0, 1] as a percentage with one decimal, or N/A."""
    return NA if not isinstance(value, int | float) else f"{float(value) * 100:.1f}\u00a0%"


def fmt_number(value: object, decimals: int = 2) -> str:
    """A float with a fixed number of decimals, or N/A."""
    return NA if not isinstance(value, int | float) else f"{float(value):.{decimals}f}"


def fmt_text(value: object) -> str:
    """Any value as plain text; null is N/A."""
    if value is None:
        return NA
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _width(values: Sequence[str]) -> int:
    return max(3, min(40, max((len(v) for v in values), default=3)))


def markdown_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    align: str | None = None,
    caption: str | None = None,
) -> str:
    """A pandoc pipe table; `align` is one of l/r/c per column; every value is escaped.

    The dash counts of the separator line follow the column contents, so when pandoc
    wraps a wide table the column widths stay proportional to what is in them.
    """
    if align is not None and len(align) != len(headers):
        raise ValueError("align needs one letter per column")
    text_rows = [[fmt_text(cell) for cell in row] for row in rows]
    for row in text_rows:
        if len(row) != len(headers):
            raise ValueError(f"row has {len(row)} cells, table has {len(headers)} columns")
    lines = ["| " + " | ".join(md_cell(h) for h in headers) + " |"]
    seps = []
    for index, header in enumerate(headers):
        width = _width([header, *(row[index] for row in text_rows)])
        kind = (align or "l" * len(headers))[index]
        dashes = "-" * width
        seps.append(f":{dashes}" if kind == "l" else f"{dashes}:" if kind == "r" else f":{dashes}:")
    lines.append("|" + "|".join(seps) + "|")
    lines.extend("| " + " | ".join(md_cell(c) for c in row) + " |" for row in text_rows)
    table = "\n".join(lines)
    if caption:
        table += f"\n\n: {md_cell(caption)}"
    return table + "\n"
