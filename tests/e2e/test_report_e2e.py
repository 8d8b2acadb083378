"""End to end: demo snapshot -> aggregate -> render_report -> HTML + PDF, re-issue, verify.

One render is shared by the module (module-scoped fixture); numbers are read back from the
report's own dashboard.json, never asserted from constants.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import os
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pypdf import PdfReader

from orgmetrics.aggregate import aggregate_snapshot
from orgmetrics.cli import main
from orgmetrics.demo.generate import generate_org
from orgmetrics.demo.server import FakeGitHub
from orgmetrics.demo.snapshot import write_snapshot
from orgmetrics.errors import ExitCode
from orgmetrics.report import render_report, verify_report
from orgmetrics.report.pandoc_engine import DocumentMeta, RenderError, render_pandoc
from orgmetrics.report.render import TITLE
from orgmetrics.store import read_json

# One worker renders the shared report: run with `-n 2 --dist loadgroup` to keep it single.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("report_e2e")]

AS_OF = datetime(2026, 11, 30, tzinfo=UTC)
GENERATED = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def _text(html: str) -> str:
    body = re.sub(r"<style.*?</style>|<svg.*?</svg>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", body)))


def _pdf_text(path: Path) -> str:
    reader = PdfReader(str(path))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    root = tmp_path_factory.mktemp("report-e2e")
    data = root / "data"
    write_snapshot(generate_org(seed=7, n_repos=12, now=AS_OF), data, as_of=AS_OF)
    aggregate_snapshot(data, window_days=30, as_of=AS_OF - timedelta(days=30))  # history point
    aggregate_snapshot(data, window_days=30)
    out = root / "out"
    first = render_report(
        data,
        output_root=out,
        engine="pandoc",
        classification="CONFIDENTIAL",
        generated_at=GENERATED,
    )
    html = first.html.read_text(encoding="utf-8")
    return SimpleNamespace(
        data=data,
        out=out,
        first=first,
        dashboard=read_json(first.out_dir / "dashboard.json"),
        html=html,
        text=_text(html),
        pdf_text=_pdf_text(first.pdf),
    )


def _headline(d: dict[str, Any]) -> list[str]:
    """Headline numbers as the report prints them, formatted here from dashboard.json."""
    values = []
    for section, key in (
        ("dora", "deployments"),
        ("ci", "runs"),
        ("flow", "throughput"),
        ("security", "total_vulns"),
        ("activity", "commits"),
    ):
        v = d[section][key]
        values.append("N/A" if v is None else f"{int(v):,}".replace(",", " "))
    for section, key in (("ci", "ci_failure_rate"), ("dora", "change_failure_rate")):
        v = d[section][key]
        values.append("N/A" if v is None else f"{v * 100:.1f}")
    v = d["flow"]["cycle_time_median"]
    values.append("N/A" if v is None else f"{v:.1f}")
    return values


def test_report_folder_holds_every_artifact(demo: SimpleNamespace) -> None:
    d = demo.dashboard
    assert demo.first.report_id == f"{d['org']}-{d['as_of'][:10]}-v1"
    assert demo.first.out_dir == demo.out / demo.first.report_id
    names = {p.name for p in demo.first.out_dir.iterdir()}
    assert {"report.html", "report.pdf", "report.ipynb", "dashboard.json", "manifest.json"} <= names
    manifest = read_json(demo.first.out_dir / "manifest.json")
    assert manifest["generated_at"] == "2026-12-01T10:00:00Z"
    assert any(k.startswith("data/raw/") for k in manifest["inputs"])
    assert any(k.startswith("data/meta/run_") for k in manifest["inputs"])
    assert "report/dashboard.json" in manifest["inputs"]
    assert "project/notebooks/report.ipynb" in manifest["inputs"]
    assert set(manifest["outputs"]) == {"report.html", "report.pdf", "report.ipynb"}
    assert not [p for p in demo.out.iterdir() if p.name.startswith(".")]  # no staging left


def test_html_states_id_marking_and_dashboard_numbers(demo: SimpleNamespace) -> None:
    assert demo.first.report_id in demo.text
    assert "CONFIDENTIAL" in demo.text
    assert demo.dashboard["run_id"] in demo.text
    text = demo.text.replace("\u00a0", " ")
    for value in _headline(demo.dashboard):
        assert value in text, value
    for repo in demo.dashboard["repos"]:
        assert repo["name"] in text


def test_html_is_self_contained_and_has_no_hostile_markup(demo: SimpleNamespace) -> None:
    assert "<script" not in demo.html.lower()
    assert not re.search(r"<[^>]*\sonerror\s*=", demo.html, re.I)
    assert 'href="javascript' not in demo.html.lower()
    assert not re.search(r'<(img|link)[^>]+(src|href)="(?!data:)', demo.html)
    assert '<script>alert("xss")</script>' in demo.text  # shown as text, not run


def test_pdf_has_pages_id_and_numbers(demo: SimpleNamespace) -> None:
    reader = PdfReader(str(demo.first.pdf))
    assert len(reader.pages) >= 4
    assert demo.first.report_id in demo.pdf_text
    text = demo.pdf_text.replace("\u00a0", " ")
    for value in _headline(demo.dashboard):
        assert value in text, value
    assert '<script>alert("xss")</script>' in text


def test_pdf_is_pdfa_2b_with_embedded_fonts(demo: SimpleNamespace) -> None:
    reader = PdfReader(str(demo.first.pdf))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfaid:part[^0-9]*2", xmp) and re.search(r"pdfaid:conformance[^A-Z]*B", xmp)
    fonts = []
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            fonts.append(target["/FontDescriptor"].get_object())
    assert fonts
    assert all("/FontFile2" in f or "/FontFile3" in f or "/FontFile" in f for f in fonts)


def test_verify_passes_on_a_fresh_report_so_rendering_is_byte_identical(
    demo: SimpleNamespace,
) -> None:
    assert verify_report(demo.first.out_dir) == []


def test_reissue_through_the_cli_gives_v2_and_leaves_v1_untouched(
    demo: SimpleNamespace, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _digests(demo.first.out_dir)
    with pytest.raises(SystemExit) as exited:
        main(
            [
                "report",
                "--data-dir",
                str(demo.data),
                "--output-root",
                str(demo.out),
                "--engine",
                "pandoc",
                "--classification",
                "CONFIDENTIAL",
            ]
        )
    out = capsys.readouterr().out
    assert exited.value.code == 0
    second = demo.out / (demo.first.report_id[:-1] + "2")
    assert f"report {second.name}" in out
    assert f"html: {second / 'report.html'}" in out and f"pdf:  {second / 'report.pdf'}" in out
    assert (second / "report.pdf").is_file()
    assert _digests(demo.first.out_dir) == before


def test_a_failed_render_leaves_no_folder_and_frees_the_id(
    demo: SimpleNamespace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "quarto").write_text("#!/bin/sh\necho 'ERROR: typst compile failed' >&2\nexit 1\n")
    (bindir / "quarto").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}:{os.environ['PATH']}")
    out = tmp_path / "out"
    with pytest.raises(RenderError, match="quarto render failed"):
        render_report(demo.data, output_root=out, engine="auto", generated_at=GENERATED)
    assert list(out.iterdir()) == []


def test_verify_passes_on_a_moved_copy_of_the_snapshot(
    demo: SimpleNamespace, tmp_path: Path
) -> None:
    moved = tmp_path / "auditor-copy"
    shutil.copytree(demo.data, moved)
    assert verify_report(demo.first.out_dir, moved) == []


def test_verify_fails_after_one_input_byte_changes(
    demo: SimpleNamespace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "data"
    shutil.copytree(demo.data, copy)
    manifest = read_json(demo.first.out_dir / "manifest.json")
    key = sorted(k for k in manifest["inputs"] if k.startswith("data/raw/"))[0]
    target = copy / key.removeprefix("data/")
    original = target.read_bytes()
    index = original.index(b'"as_of"')
    target.write_bytes(original[:index] + b"'" + original[index + 1 :])
    with pytest.raises(SystemExit) as exited:
        main(["verify", str(demo.first.out_dir), "--data-dir", str(copy)])
    problems = verify_report(demo.first.out_dir, copy)
    assert any(key in p and "SHA-256" in p for p in problems)
    assert exited.value.code == ExitCode.VERIFY_MISMATCH
    assert key in capsys.readouterr().err


def _fake_env(monkeypatch: pytest.MonkeyPatch, fake: FakeGitHub, token: str) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", token)
    monkeypatch.setenv("GITHUB_ORG", fake.org.login)
    monkeypatch.setenv("GITHUB_API_URL", fake.url)
    monkeypatch.delenv("GITHUB_GRAPHQL_URL", raising=False)


def test_run_goes_through_the_three_notebooks_and_keeps_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    token = "run-e2e-token-123"
    with FakeGitHub(generate_org(seed=11, n_repos=5, now=AS_OF), token=token) as fake:
        _fake_env(monkeypatch, fake, token)
        with pytest.raises(SystemExit) as exited:
            main(
                [
                    "run",
                    "--data-dir",
                    str(tmp_path / "data"),
                    "--output-root",
                    str(tmp_path / "out"),
                    "--engine",
                    "pandoc",
                    "--as-of",
                    "2026-11-30T00:00:00Z",
                    "--classification",
                    "RESTRICTED",
                ]
            )
    captured = capsys.readouterr()
    assert exited.value.code == 0, captured.err
    assert "[1/3] collect" in captured.err and "[3/3] report" in captured.err
    (folder,) = [p for p in (tmp_path / "out").iterdir()]
    assert folder.name == f"{fake.org.login}-2026-11-30-v1"
    names = {p.name for p in folder.iterdir()}
    assert {
        "collect.ipynb",
        "aggregate.ipynb",
        "report.ipynb",
        "report.html",
        "report.pdf",
    } <= names
    manifest = read_json(folder / "manifest.json")
    assert {"collect.ipynb", "aggregate.ipynb"} <= set(manifest["outputs"])
    assert f"html: {folder / 'report.html'}" in captured.out
    assert "RESTRICTED" in _pdf_text(folder / "report.pdf")
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path


def test_run_names_the_failing_step_and_exits_non_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeGitHub(generate_org(seed=11, n_repos=3, now=AS_OF), token="right") as fake:
        _fake_env(monkeypatch, fake, "wrong-token")
        with pytest.raises(SystemExit) as exited:
            main(
                [
                    "run",
                    "--data-dir",
                    str(tmp_path / "data"),
                    "--output-root",
                    str(tmp_path / "out"),
                    "--engine",
                    "pandoc",
                ]
            )
    err = capsys.readouterr().err
    assert exited.value.code == ExitCode.AUTH
    assert "step 'collect' failed" in err
    assert "wrong-token" not in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_the_pandoc_engine_gives_identical_bytes_twice(
    demo: SimpleNamespace, tmp_path: Path
) -> None:
    manifest = read_json(demo.first.out_dir / "manifest.json")
    meta = DocumentMeta(
        title=TITLE.format(org=demo.dashboard["org"]),
        report_id=demo.first.report_id,
        classification="CONFIDENTIAL",
        generated_at=GENERATED,
        version=manifest["orgmetrics_version"],
    )
    outputs = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        html, pdf = render_pandoc(demo.first.out_dir / "report.ipynb", tmp_path / name, meta)
        outputs.append((html.read_bytes(), pdf.read_bytes()))
    assert outputs[0] == outputs[1]
    assert outputs[0] == (demo.first.html.read_bytes(), demo.first.pdf.read_bytes())
