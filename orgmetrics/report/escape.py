"""Escaping of untrusted text (repo names, descriptions, titles, logins) for the report.

Text from GitHub reaches the report only through these helpers: every ASCII punctuation
character is backslash-escaped for pandoc's Markdown reader, line breaks and control
characters are flattened, and pandoc itself runs with raw HTML, raw Typst/TeX, math,
citations and metadata blocks disabled (`PANDOC_MARKDOWN_FORMAT`), so nothing a user of
GitHub writes can become markup in the HTML or the Typst/PDF output.
"""

from __future__ import annotations

import re
import string

#: pandoc reader for the report's Markdown: everything that could turn text into markup off.
PANDOC_MARKDOWN_FORMAT = "markdown" + "".join(
    f"-{ext}"
    for ext in (
        "raw_html",
        "raw_attribute",
        "raw_tex",
        "tex_math_dollars",
        "tex_math_single_backslash",
        "tex_math_double_backslash",
        "markdown_in_html_blocks",
        "native_divs",
        "native_spans",
        "citations",
        "yaml_metadata_block",
        "smart",
        "autolink_bare_uris",
        "emoji",
    )
)

_PUNCTUATION = frozenset(string.punctuation)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def md_text(value: object) -> str:
    """Untrusted value -> Markdown that pandoc reads back as exactly that text, on one line."""
    text = "" if value is None else str(value)
    text = _CONTROL.sub(" ", text)
    return "".join(f"\\{ch}" if ch in _PUNCTUATION else ch for ch in text)


def md_cell(value: object) -> str:
    """Untrusted value -> the content of one pipe-table cell (pipes escaped, never empty)."""
    escaped = md_text(value).strip()
    return escaped if escaped else " "


def md_code(value: object) -> str:
    """Untrusted value -> an inline code span (backticks fenced longer than any run inside)."""
    text = _CONTROL.sub(" ", "" if value is None else str(value))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}"


def replace_missing_glyphs(markdown: str, covered: frozenset[int]) -> str:
    """Replace characters no PDF font can draw by `[U+XXXX]`, so PDF/A never fails on them.

    PDF/A forbids text drawn with a missing glyph; the HTML keeps the characters themselves.
    The replacement is itself escaped Markdown, so it cannot form a link or markup.
    """
    out: list[str] = []
    for ch in markdown:
        code = ord(ch)
        if code < 0x80 or code in covered or ch in "\n\r\t":
            out.append(ch)
        else:
            out.append(f"\\[U+{code:04X}\\]")
    return "".join(out)
