"""Engine `pandoc`: executed notebook -> Markdown (nbconvert) -> HTML and Typst (pandoc) -> PDF.

No LaTeX: pandoc comes from `pypandoc-binary`, the PDF from the `typst` package. The HTML is
self-contained (images and CSS embedded); the PDF is PDF/A-2b, its timestamp fixed to the
report's generation instant, and its fonts come from matplotlib's bundled DejaVu set (plus
the Last Resort font as a safety net) with system fonts ignored, so the bytes do not depend
on the machine.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import matplotlib
import nbformat
import pypandoc
import typst
from nbconvert import MarkdownExporter

from orgmetrics.errors import OrgmetricsError
from orgmetrics.report.escape import PANDOC_MARKDOWN_FORMAT, replace_missing_glyphs

TEMPLATES = Path(__file__).with_name("templates")
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
#: Fonts whose glyphs the PDF may use without a `[U+XXXX]` replacement.
PDF_TEXT_FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf")


class RenderError(OrgmetricsError):
    """pandoc or Typst failed on the report; the message names the step."""


@dataclass(frozen=True)
class DocumentMeta:
    """What the HTML and PDF state about themselves, outside the notebook's body."""

    title: str
    report_id: str
    classification: str
    generated_at: datetime
    version: str

    def pandoc_args(self) -> list[str]:
        """`-M` metadata (read as literal strings, so the writers escape them)."""
        values = {
            "title": self.title,
            "pagetitle": f"{self.title} — {self.report_id}",
            "report-id": self.report_id,
            "classification": self.classification,
            "generated": self.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "orgmetrics-version": self.version,
        }
        return [f"--metadata={key}:{value}" for key, value in values.items()]


def notebook_to_markdown(notebook: Path) -> tuple[str, dict[str, bytes]]:
    """Executed notebook -> (Markdown with inputs hidden, {figure file name: bytes})."""
    nb = nbformat.read(str(notebook), as_version=4)
    exporter = MarkdownExporter(
        template_file=str(TEMPLATES / "report_markdown.md.j2"),
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, resources = exporter.from_notebook_node(nb)
    outputs: dict[str, bytes] = dict(resources.get("outputs", {}))
    return body, outputs


def _pandoc(markdown: str, to: str, extra: list[str], cwd: Path) -> str:
    try:
        return str(
            pypandoc.convert_text(
                markdown,
                to,
                format=PANDOC_MARKDOWN_FORMAT,
                extra_args=extra,
                cworkdir=str(cwd),
            )
        )
    except RuntimeError as exc:
        raise RenderError(f"pandoc failed producing {to}: {str(exc).strip()[:500]}") from exc


def markdown_to_html(markdown: str, workdir: Path, meta: DocumentMeta) -> bytes:
    """Markdown -> one self-contained HTML file (figures and our CSS embedded)."""
    html = _pandoc(
        markdown,
        "html5",
        [
            "--standalone",
            "--embed-resources",
            f"--template={TEMPLATES / 'report.html'}",
            f"--css={TEMPLATES / 'report.css'}",
            f"--resource-path={workdir}",
            "--toc",
            "--toc-depth=2",
            "--wrap=none",
            *meta.pandoc_args(),
        ],
        workdir,
    )
    return html.encode("utf-8")


@lru_cache(maxsize=1)
def pdf_covered_codepoints() -> frozenset[int]:
    """Code points every PDF text font has a glyph for (so PDF/A export cannot fail on them)."""
    from matplotlib.ft2font import FT2Font

    covered: set[int] | None = None
    for name in PDF_TEXT_FONTS:
        charmap = set(FT2Font(str(FONT_DIR / name)).get_charmap())
        covered = charmap if covered is None else covered & charmap
    return frozenset(covered or ())


def markdown_to_typst(markdown: str, workdir: Path, meta: DocumentMeta) -> str:
    """Markdown -> Typst source with our template (header, page numbers, marking)."""
    safe = replace_missing_glyphs(markdown, pdf_covered_codepoints())
    return _pandoc(
        safe,
        "typst",
        [
            "--standalone",
            f"--template={TEMPLATES / 'report.typ'}",
            "--toc",
            "--toc-depth=2",
            "--wrap=preserve",
            *meta.pandoc_args(),
        ],
        workdir,
    )


def typst_to_pdf(typ_file: Path, meta: DocumentMeta) -> bytes:
    """Compile Typst to PDF/A-2b with bundled fonts only and a fixed timestamp."""
    try:
        compiler = typst.Compiler(
            str(typ_file),
            root=str(typ_file.parent),
            font_paths=[str(FONT_DIR)],
            ignore_system_fonts=True,
        )
        pdf = compiler.compile(
            format="pdf",
            pdf_standards=["a-2b"],
            timestamp=meta.generated_at,
        )
    except (RuntimeError, ValueError) as exc:
        raise RenderError(f"typst failed compiling {typ_file.name}: {exc}") from exc
    if not isinstance(pdf, bytes):
        raise RenderError("typst returned no single PDF document")
    return pdf


def render_pandoc(executed_notebook: Path, out_dir: Path, meta: DocumentMeta) -> tuple[Path, Path]:
    """Executed report notebook -> out_dir/report.html and out_dir/report.pdf."""
    markdown, figures = notebook_to_markdown(executed_notebook)
    with tempfile.TemporaryDirectory(prefix="orgmetrics-render-") as tmp:
        work = Path(tmp)
        for name, data in figures.items():
            (work / name).write_bytes(data)
        (work / "report.md").write_text(markdown, encoding="utf-8")
        html = markdown_to_html(markdown, work, meta)
        typ_file = work / "report.typ"
        typ_file.write_text(markdown_to_typst(markdown, work, meta), encoding="utf-8")
        pdf = typst_to_pdf(typ_file, meta)
    html_path = out_dir / "report.html"
    pdf_path = out_dir / "report.pdf"
    html_path.write_bytes(html)
    pdf_path.write_bytes(pdf)
    return html_path, pdf_path
