"""Untrusted text stays text: Markdown escaping + pandoc with raw HTML/Typst disabled."""

from __future__ import annotations

import re
from pathlib import Path

import pypandoc
import pytest

from orgmetrics.report.escape import (
    PANDOC_MARKDOWN_FORMAT,
    md_cell,
    md_code,
    md_text,
    replace_missing_glyphs,
)
from orgmetrics.report.tables import markdown_table
from tests.unit._report_fixtures import HOSTILE


def _plain(markdown: str) -> str:
    return pypandoc.convert_text(
        markdown, "plain", format=PANDOC_MARKDOWN_FORMAT, extra_args=["--wrap=none"]
    ).strip()


@pytest.mark.parametrize("text", HOSTILE)
def test_md_text_reads_back_as_the_same_text(text: str) -> None:
    assert _plain(md_text(text)) == text


def test_md_text_flattens_newlines_and_controls() -> None:
    assert md_text("a\nb\r\x00c") == "a b  c"


def test_md_code_survives_backticks() -> None:
    assert _plain(md_code("a``b`c")) == "a``b`c"


@pytest.mark.parametrize("text", HOSTILE)
def test_html_has_no_markup_from_hostile_text(text: str) -> None:
    html = pypandoc.convert_text(md_text(text), "html5", format=PANDOC_MARKDOWN_FORMAT)
    assert "<script" not in html
    assert "<img" not in html
    assert not re.search(r"<[^>]*onerror=", html)
    assert 'href="javascript' not in html


def test_raw_html_and_raw_typst_are_disabled_even_unescaped() -> None:
    raw = '<b>bold</b> `#import "/etc/passwd"`{=typst} $x^2$ [@ref]'
    html = pypandoc.convert_text(raw, "html5", format=PANDOC_MARKDOWN_FORMAT)
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert '<span class="math' not in html and "citation" not in html
    typ = pypandoc.convert_text(raw, "typst", format=PANDOC_MARKDOWN_FORMAT)
    assert not re.search(r"^#import", typ, re.M)
    assert "@ref" not in typ.replace("\\@", "")


@pytest.mark.parametrize("text", HOSTILE)
def test_typst_escapes_hostile_text(text: str) -> None:
    typ = pypandoc.convert_text(md_text(text), "typst", format=PANDOC_MARKDOWN_FORMAT)
    assert not re.search(r"(?<!\\)#import", typ)
    assert not re.search(r"(?<!\\)\$", typ)
    assert not re.search(r"(?<!\\)@ref", typ)


def test_pipes_stay_inside_their_cell() -> None:
    table = markdown_table(["a", "b"], [["|pipe|", "x|y"]])
    html = pypandoc.convert_text(table, "html5", format=PANDOC_MARKDOWN_FORMAT)
    assert html.count("<td") == 2
    assert "|pipe|" in html and "x|y" in html


def test_md_cell_is_never_empty() -> None:
    assert md_cell("") == " " and md_cell(None) == " "


def test_missing_glyphs_are_spelled_as_code_points() -> None:
    covered = frozenset({ord("✓")})
    out = replace_missing_glyphs("日本 ✓ a", covered)
    assert out == "\\[U+65E5\\]\\[U+672C\\] ✓ a"
    assert _plain(out) == "[U+65E5][U+672C] ✓ a"


def test_hostile_text_and_marking_survive_html_and_pdfa(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from pypdf import PdfReader

    from orgmetrics.report.pandoc_engine import (
        DocumentMeta,
        markdown_to_html,
        markdown_to_typst,
        typst_to_pdf,
    )

    hostile = " ".join(HOSTILE)
    meta = DocumentMeta(
        title="Audit " + hostile,
        report_id="demo-org-2026-11-30-v1",
        classification='SECRET #import "x" <b>',
        generated_at=datetime(2026, 12, 1, tzinfo=UTC),
        version="0.1.0",
    )
    markdown = "# Section\n\n" + md_text(hostile) + "\n\n" + markdown_table(["a"], [[hostile]])
    html = markdown_to_html(markdown, tmp_path, meta).decode("utf-8")
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "日本語 ✓" in html
    typ = tmp_path / "r.typ"
    typ.write_text(markdown_to_typst(markdown, tmp_path, meta), encoding="utf-8")
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(typst_to_pdf(typ, meta))
    text = " ".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
    assert '<script>alert("xss")</script>' in text
    assert '#import "/etc/passwd"' in text and "[x](javascript:alert(1))" in text
    assert "[U+65E5]" in text and 'SECRET #import "x" <b>' in text
