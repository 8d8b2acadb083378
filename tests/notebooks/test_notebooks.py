"""The pipeline notebooks: committed without outputs, and executable under nbval on demo data.

`make test` collects this module; it runs `pytest --nbval-lax` on the notebooks in a child
process (with the demo snapshot, and a fake GitHub for collect.ipynb), so no extra flag is
needed on the main pytest command line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pytest

from orgmetrics.demo.generate import generate_org
from orgmetrics.demo.server import FakeGitHub
from orgmetrics.demo.snapshot import write_snapshot

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
AS_OF = datetime(2026, 11, 30, tzinfo=UTC)


def test_the_three_pipeline_notebooks_exist() -> None:
    assert [p.name for p in NOTEBOOKS] == ["aggregate.ipynb", "collect.ipynb", "report.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_has_no_outputs(path: Path) -> None:
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {cell.get('id')} has outputs"
            assert cell.execution_count is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_first_and_never_a_token(path: Path) -> None:
    nb = nbformat.read(str(path), as_version=4)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code_cells[0].metadata.get("tags", [])
    assert "token" not in code_cells[0].source.lower().split("never a token")[0]
    assert not any("GITHUB_TOKEN" in c.source for c in code_cells)


def _nbval(
    notebooks: list[Path], env: dict[str, str], tmp: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "-p",
            "no:cacheprovider",
            "-q",
            "-o",
            "addopts=",
            "--rootdir",
            str(tmp),
            *map(str, notebooks),
        ],
        env={**{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}, **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_aggregate_and_report_notebooks_pass_nbval_on_the_demo_snapshot(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_snapshot(generate_org(seed=7, n_repos=8, now=AS_OF), data, as_of=AS_OF)
    done = _nbval(
        [ROOT / "notebooks" / "aggregate.ipynb", ROOT / "notebooks" / "report.ipynb"],
        {"ORGMETRICS_DATA_DIR": str(data)},
        tmp_path,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "2 passed" in done.stdout or "passed" in done.stdout
    assert (data / "aggregated" / "dashboard.json").is_file()


def test_collect_notebook_passes_nbval_against_the_fake_github(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with FakeGitHub(generate_org(seed=7, n_repos=6, now=AS_OF), token="nbval-token") as fake:
        done = _nbval(
            [ROOT / "notebooks" / "collect.ipynb"],
            {
                "ORGMETRICS_DATA_DIR": str(data),
                "GITHUB_TOKEN": "nbval-token",
                "GITHUB_ORG": fake.org.login,
                "GITHUB_API_URL": fake.url,
            },
            tmp_path,
        )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert list((data / "meta").glob("run_*.json"))
    assert not any("nbval-token" in p.read_text("utf-8") for p in data.rglob("*.json"))
