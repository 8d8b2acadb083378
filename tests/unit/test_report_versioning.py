"""Report ids, atomic reservation and publication, engine choice, Quarto command lines, manifest."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from orgmetrics.errors import ConfigError
from orgmetrics.report import manifest, versioning
from orgmetrics.report.escape import PANDOC_MARKDOWN_FORMAT
from orgmetrics.report.pandoc_engine import DocumentMeta
from orgmetrics.report.quarto_engine import quarto_commands
from orgmetrics.report.render import choose_engine

META = DocumentMeta(
    title="Engineering and security audit report: demo-org",
    report_id="demo-org-2026-11-30-v2",
    classification="CONFIDENTIAL",
    generated_at=datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
    version="0.1.0",
)


def test_id_prefix_uses_the_date_and_a_safe_org() -> None:
    assert versioning.id_prefix("demo-org", "2026-11-30T00:00:00Z") == "demo-org-2026-11-30"
    assert versioning.id_prefix("a/../b", "2026-11-30") == "a_.._b-2026-11-30"


def test_versions_increment_and_never_reuse(tmp_path: Path) -> None:
    prefix = "demo-org-2026-11-30"
    first = versioning.reserve_report_id(tmp_path, prefix)
    assert first == f"{prefix}-v1"
    second = versioning.reserve_report_id(tmp_path, prefix)  # v1 still reserved
    assert second == f"{prefix}-v2"
    (tmp_path / f"{prefix}-v7").mkdir()
    assert versioning.reserve_report_id(tmp_path, prefix) == f"{prefix}-v8"
    assert versioning.reserve_report_id(tmp_path, "other-2026-11-30") == "other-2026-11-30-v1"


def test_publish_renames_and_refuses_to_overwrite(tmp_path: Path) -> None:
    staging = versioning.staging_dir(tmp_path, "x-v1")
    (staging / "report.html").write_text("one")
    (staging / "secret-looking.json").touch(mode=0o600)
    final = versioning.publish(staging, tmp_path, "x-v1")
    assert (final / "report.html").read_text() == "one"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(final.stat().st_mode) == 0o777 & ~mask
    assert stat.S_IMODE((final / "secret-looking.json").stat().st_mode) == 0o666 & ~mask
    again = versioning.staging_dir(tmp_path, "x-v1")
    with pytest.raises(FileExistsError):
        versioning.publish(again, tmp_path, "x-v1")
    assert (final / "report.html").read_text() == "one"


def test_release_drops_the_reservation(tmp_path: Path) -> None:
    rid = versioning.reserve_report_id(tmp_path, "p")
    versioning.release(tmp_path, rid)
    assert versioning.reserve_report_id(tmp_path, "p") == rid


def test_choose_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert choose_engine("auto") == "pandoc"
    with pytest.raises(ConfigError, match="needs the quarto binary"):
        choose_engine("quarto")
    fake = tmp_path / "quarto"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    assert choose_engine("auto") == "quarto"
    assert choose_engine("pandoc") == "pandoc"
    assert choose_engine("quarto") == "quarto"
    with pytest.raises(ConfigError, match="unknown engine"):
        choose_engine("latex")


def test_quarto_commands_render_executed_notebook_without_executing(tmp_path: Path) -> None:
    nb = tmp_path / "report.ipynb"
    html, pdf = quarto_commands(nb, tmp_path, META)
    assert html[:3] == ["quarto", "render", str(nb)]
    assert "--no-execute" in html and "--no-execute" in pdf
    assert html[html.index("--to") + 1] == "html"
    assert pdf[pdf.index("--to") + 1] == "typst"
    assert "embed-resources:true" in html
    assert "pdf-standard:a-2b" in pdf
    assert f"subtitle:{META.report_id}" in pdf
    assert "classification:CONFIDENTIAL" in html
    assert f"from:{PANDOC_MARKDOWN_FORMAT}" in html and f"from:{PANDOC_MARKDOWN_FORMAT}" in pdf
    assert html[html.index("--output-dir") + 1] == str(tmp_path)


def test_run_quarto_runs_both_commands(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from orgmetrics.report.quarto_engine import run_quarto

    bindir = tmp_path / "bin"
    bindir.mkdir()
    log = tmp_path / "calls.txt"
    script = bindir / "quarto"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> {log}\n'
        'out=""; prev=""; to=""\n'
        'for a in "$@"; do\n'
        '  [ "$prev" = "--output-dir" ] && out="$a"\n'
        '  [ "$prev" = "--to" ] && to="$a"\n'
        '  prev="$a"\n'
        "done\n"
        '[ "$to" = html ] && echo "<html>" > "$out/report.html"\n'
        '[ "$to" = typst ] && echo "%PDF-" > "$out/report.pdf"\n'
        "exit 0\n"
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    out = tmp_path / "out"
    out.mkdir()
    nb = out / "report.ipynb"
    nb.write_text("{}")
    html, pdf = run_quarto(nb, out, META)
    assert html.read_text().startswith("<html>") and pdf.read_text().startswith("%PDF-")
    calls = log.read_text().splitlines()
    assert len(calls) == 2 and all(c.startswith(f"render {nb}") for c in calls)


def test_inputs_digest_changes_with_any_input() -> None:
    one = manifest.inputs_digest({"data/a": "1" * 64, "report/dashboard.json": "2" * 64})
    two = manifest.inputs_digest({"data/a": "1" * 63 + "0", "report/dashboard.json": "2" * 64})
    assert one != two and len(one) == 64
    assert one == manifest.inputs_digest({"report/dashboard.json": "2" * 64, "data/a": "1" * 64})


def test_venv_kernel_wins_over_a_user_level_kernelspec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from jupyter_client.kernelspec import KernelSpecManager

    from orgmetrics.report.render import venv_kernel

    spec = tmp_path / "user" / "kernels" / "python3"
    spec.mkdir(parents=True)
    argv = ["/nonexistent/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "other", "language": "python"})
    )
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "user"))
    monkeypatch.delenv("JUPYTER_PATH", raising=False)
    monkeypatch.setenv("JUPYTER_PREFER_ENV_PATH", "0")  # user folders first, as outside a venv
    assert KernelSpecManager().get_kernel_spec("python3").argv[0] == "/nonexistent/python"
    with venv_kernel():
        chosen = KernelSpecManager().get_kernel_spec("python3").argv[0]
    assert chosen != "/nonexistent/python"
    assert "JUPYTER_PATH" not in os.environ


def test_quarto_yml_reads_markdown_like_the_pandoc_engine() -> None:
    import yaml

    root = Path(__file__).resolve().parents[2]
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    assert config["execute"]["enabled"] is False and config["execute"]["echo"] is False
    for fmt in ("html", "typst"):
        assert config["format"][fmt]["from"] == PANDOC_MARKDOWN_FORMAT
    assert config["format"]["html"]["embed-resources"] is True
    assert config["format"]["typst"]["pdf-standard"] == "a-2b"


def test_notebook_kernels_get_an_encrypted_channel_when_curve_is_available() -> None:
    """Regression: `make demo` printed ipykernel's 'running over TCP without encryption' warning."""
    import zmq

    from orgmetrics.report.render import encrypted_kernel_manager

    manager = encrypted_kernel_manager()(kernel_name="python3")
    expected = "auto" if zmq.has("curve") else "disabled"
    assert getattr(manager, "transport_encryption", "disabled") == expected
