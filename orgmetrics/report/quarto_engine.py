"""Engine `quarto`: `quarto render` of the executed report notebook to HTML and Typst-PDF.

Quarto never executes here (`--no-execute`): papermill already ran the notebook. The
command lines are built by `quarto_commands` (tested); `run_quarto` runs them. Quarto
cannot be installed on the build machines, so this engine is documented and tested up to
the commands; `_quarto.yml` at the project root carries the same settings for Quarto users.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from orgmetrics.report.escape import PANDOC_MARKDOWN_FORMAT
from orgmetrics.report.pandoc_engine import DocumentMeta, RenderError


def _meta(meta: DocumentMeta) -> list[str]:
    values = {
        "title": meta.title,
        "subtitle": meta.report_id,
        "date": meta.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "classification": meta.classification,
        "from": PANDOC_MARKDOWN_FORMAT,  # raw HTML/Typst off, as with the pandoc engine
        "echo": "false",
        "warning": "false",
    }
    args: list[str] = []
    for key, value in values.items():
        args += ["-M", f"{key}:{value}"]
    return args


def quarto_commands(
    notebook: Path, out_dir: Path, meta: DocumentMeta, quarto: str = "quarto"
) -> list[list[str]]:
    """The two `quarto render` invocations: self-contained HTML, then Typst PDF (PDF/A-2b)."""
    base = [quarto, "render", str(notebook), "--no-execute", "--output-dir", str(out_dir)]
    html = [*base, "--to", "html", "-M", "embed-resources:true", "-M", "toc:true", *_meta(meta)]
    pdf = [
        *base,
        "--to",
        "typst",
        "-M",
        "toc:true",
        "-M",
        "papersize:a4",
        "-M",
        "pdf-standard:a-2b",
        *_meta(meta),
    ]
    return [html, pdf]


def run_quarto(
    notebook: Path, out_dir: Path, meta: DocumentMeta, *, timeout: float = 600.0
) -> tuple[Path, Path]:
    """Run Quarto; the outputs are `<notebook stem>.html` and `.pdf` in `out_dir`."""
    quarto = shutil.which("quarto")
    if quarto is None:
        raise RenderError(
            "engine 'quarto' needs the quarto binary on PATH (or use --engine pandoc)"
        )
    env_source = {"SOURCE_DATE_EPOCH": str(int(meta.generated_at.timestamp()))}
    for command in quarto_commands(notebook, out_dir, meta, quarto):
        done = subprocess.run(
            command,
            cwd=notebook.parent,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env={**_inherit_env(), **env_source},
        )
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
            raise RenderError(
                f"quarto render failed ({' '.join(command[2:6])}): {' | '.join(tail)}"
            )
    html = out_dir / f"{notebook.stem}.html"
    pdf = out_dir / f"{notebook.stem}.pdf"
    for path in (html, pdf):
        if not path.is_file():
            raise RenderError(f"quarto render did not produce {path.name}")
    return html, pdf


def _inherit_env() -> dict[str, str]:
    import os

    return dict(os.environ)
