"""Adversarial end to end: the token never leaves the Authorization header, and GitHub's hostile
text is inert in every output.

The real `orgmetrics -vv collect | aggregate | report` runs once in child processes against the
fake GitHub with a recognisable token (see `_cli_fixtures.pipeline`); every byte it printed or
wrote is searched for the token. The demo's `hostile-text` repo plants HTML/Typst/Markdown
payloads in its description and titles; the HTML is parsed and the PDF text read back.
"""

from __future__ import annotations

import json
import logging
import shutil
from html.parser import HTMLParser
from pathlib import Path

import mistune
import pytest
from pypdf import PdfReader

from orgmetrics.demo.generate import HOSTILE_TEXTS
from orgmetrics.errors import ExitCode
from tests.e2e._cli_fixtures import (
    AS_OF,
    MARKER,
    ORG,
    TOKEN,
    assert_kept,
    digests,
    fake_server,
    good_env,
    one_line,
    pipeline,
    run_cli,
    snapshot,
    subprocess_cli,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("cli_e2e")]
_ = snapshot  # the fixture, imported for pytest

SECRETS = (TOKEN, MARKER, TOKEN[4:])  # the token, its marker, the token without its prefix


def _leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


def test_pipeline_ran_with_debug_logging() -> None:
    """The search below is meaningful only if -vv really logged the HTTP traffic."""
    stderr_collect = pipeline().outputs[1]
    assert "DEBUG urllib3.connectionpool" in stderr_collect
    assert "DEBUG orgmetrics.github" in stderr_collect


def test_token_not_in_any_output_or_log() -> None:
    for text in pipeline().outputs:
        assert not _leaks(text)


def test_token_not_in_any_file() -> None:
    run = pipeline()
    files = [p for root in (run.data.parent,) for p in root.rglob("*") if p.is_file()]
    assert any(p.suffix == ".ipynb" for p in files) and any(
        p.name == "manifest.json" for p in files
    )
    assert any(p.name == "etags.sqlite" for p in files)
    for path in files:
        data = path.read_bytes()
        for secret in SECRETS:
            for encoded in (secret.encode(), secret.encode("utf-16-le")):
                assert encoded not in data, f"{secret!r} found in {path}"


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["--org", "no-such-org-h10"], ExitCode.CONFIG),
        (["--max-pages", "0"], ExitCode.CONFIG),
    ],
    ids=["unknown-org", "bad-flag"],
)
def test_token_not_echoed_on_failure_in_a_child_process(
    tmp_path: Path, argv: list[str], code: int
) -> None:
    """Real stderr at -vv (logging to the terminal): one error line, no token anywhere."""
    env = {"GITHUB_TOKEN": TOKEN, "GITHUB_ORG": ORG, "GITHUB_API_URL": fake_server().url}
    data = tmp_path / "data"
    got, out, err = subprocess_cli(
        ["-vv", "collect", "--data-dir", str(data), "--as-of", AS_OF, *argv], env, tmp_path
    )
    assert got == code, err
    assert not _leaks(out + err)
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and err.rstrip().endswith(errors[0])
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path


@pytest.mark.parametrize(
    ("pattern", "kind"),
    [(r"/actions/runs", "malformed_json"), (r"/actions/workflows", "primary_limit")],
    ids=["malformed-json-stop", "rate-limit-stop"],
)
def test_token_not_in_logs_or_files_when_collect_stops(
    snapshot: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    pattern: str,
    kind: str,
) -> None:
    fake = good_env(monkeypatch)
    monkeypatch.setenv("MAX_WAIT", "1")
    monkeypatch.chdir(snapshot.parent)
    shutil.rmtree(snapshot / "cache", ignore_errors=True)
    before = digests(snapshot)
    caplog.set_level(logging.DEBUG)
    fake.faults.add(pattern, kind, times=None if kind == "malformed_json" else 1, reset_in=3600)
    try:
        code, out, err = run_cli(
            ["-vv", "collect", "--data-dir", str(snapshot), "--as-of", AS_OF], capsys
        )
    finally:
        fake.faults.clear()
        for bucket in fake._buckets.values():
            bucket.used, bucket.reset_at = 0, 0
    assert code in (ExitCode.FAILURE, ExitCode.RATE_LIMITED)
    one_line(err)
    assert any(r.levelno == logging.DEBUG for r in caplog.records)
    assert not _leaks(out + err + caplog.text)
    for record in caplog.records:
        assert not _leaks(repr(record.args) + str(record.msg) + str(record.exc_info))
    assert_kept(before, snapshot)
    for path in snapshot.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path


# ---- hostile text ----------------------------------------------------------------------------


class _Markup(HTMLParser):
    """Every element and attribute of a page, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(tag, name, value) for name, value in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def markup() -> _Markup:
    parser = _Markup()
    parser.feed(pipeline().report_dir.joinpath("report.html").read_text("utf-8"))
    parser.close()
    return parser


def test_html_has_no_script_and_no_event_handler(markup: _Markup) -> None:
    assert "script" not in markup.tags
    handlers = [(t, n) for t, n, _v in markup.attrs if n.lower().startswith("on")]
    assert not handlers
    links = [v for _t, n, v in markup.attrs if n in ("href", "src") and v]
    assert not [v for v in links if v.strip().lower().startswith("javascript:")]
    assert not [
        (t, v) for t, n, v in markup.attrs if t == "img" and n == "src" and v == "x"
    ]  # the planted <img src=x onerror=...> did not become an element


def test_html_shows_the_hostile_text_as_text(markup: _Markup) -> None:
    text = " ".join(markup.text)
    for hostile in ('<script>alert("xss")</script>', "<img src=x onerror=alert(1)>"):
        assert hostile in text
    assert '#import "/etc/passwd"' in text


def test_pdf_shows_the_hostile_text_as_text() -> None:
    reader = PdfReader(str(pipeline().report_dir / "report.pdf"))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    assert '<script>alert("xss")</script>' in text
    assert "<img src=x onerror=alert(1)>" in text
    assert '#import "/etc/passwd"' in text  # printed, not executed by Typst
    assert "$x$" in text and "|pipe|" in text


def test_executed_notebook_outputs_are_inert() -> None:
    """report.ipynb's HTML and Markdown outputs (rendered as Jupyter would, raw HTML allowed)
    carry no live markup from GitHub, and the hostile text is there as text."""
    notebook = json.loads((pipeline().report_dir / "report.ipynb").read_text("utf-8"))
    rendered: list[str] = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in ("text/html", "text/markdown"):
                if mime in data:
                    text = "".join(data[mime]) if isinstance(data[mime], list) else data[mime]
                    rendered.append(text if mime == "text/html" else str(mistune.html(text)))
    assert rendered
    shown = []
    for html in rendered:
        parser = _Markup()
        parser.feed(html)
        assert "script" not in parser.tags
        assert not [n for _t, n, _v in parser.attrs if n.lower().startswith("on")]
        hrefs = [v or "" for _t, n, v in parser.attrs if n in ("href", "src")]
        assert not [v for v in hrefs if v.strip().lower().startswith("javascript:")]
        shown.append(" ".join(parser.text))
    assert any(HOSTILE_TEXTS[0] in text for text in shown)


@pytest.mark.parametrize(
    "bad",
    [
        TOKEN + "\nX-Evil: 1",
        TOKEN[:20] + " " + TOKEN[20:],
        TOKEN + "\u20ac",
        TOKEN[:8] + "\t" + TOKEN[8:],
    ],
    ids=["header-injection", "inner-space", "non-latin-1", "tab"],
)
def test_malformed_token_is_refused_without_echoing_it(
    snapshot: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    bad: str,
) -> None:
    """A token that cannot be a header value must not reach requests (its error shows it)."""
    fake = good_env(monkeypatch)
    monkeypatch.setenv("GITHUB_TOKEN", bad)
    monkeypatch.chdir(snapshot.parent)
    caplog.set_level(logging.DEBUG)
    before = digests(snapshot)
    fake.log.reset()
    code, out, err = run_cli(["collect", "--data-dir", str(snapshot), "--as-of", AS_OF], capsys)
    assert code == ExitCode.CONFIG
    assert "GITHUB_TOKEN" in one_line(err)
    assert not _leaks(out + err + caplog.text)
    assert fake.log.total == 0
    assert_kept(before, snapshot)


@pytest.mark.parametrize("variable", ["GITHUB_API_URL", "GITHUB_GRAPHQL_URL"])
def test_token_in_a_url_is_refused_before_anything_is_written(
    snapshot: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    variable: str,
) -> None:
    """`https://x-access-token:<token>@host` would land in the run metadata and ETag store."""
    fake = good_env(monkeypatch)
    base = fake.url if variable == "GITHUB_API_URL" else fake.graphql_url
    monkeypatch.setenv(variable, base.replace("http://", f"http://x-access-token:{TOKEN}@"))
    monkeypatch.chdir(snapshot.parent)
    caplog.set_level(logging.DEBUG)
    before = digests(snapshot)
    fake.log.reset()
    code, out, err = run_cli(
        ["-vv", "collect", "--data-dir", str(snapshot), "--as-of", AS_OF], capsys
    )
    assert code == ExitCode.CONFIG
    assert f"{variable} must not hold credentials" in one_line(err)
    assert not _leaks(out + err + caplog.text)
    assert fake.log.total == 0
    assert_kept(before, snapshot)
    for path in snapshot.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path
