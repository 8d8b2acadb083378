"""Parse the Link, rate-limit and scope headers of a real recorded GitHub exchange.

The fixture is octokit/fixtures' paginate-issues scenario (MIT, vendored unchanged): five pages of
`per_page=3` over 13 issues, whose links switch to `/repositories/{id}/issues`.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from requests.structures import CaseInsensitiveDict

from orgmetrics.github.links import next_link, parse_link_header
from orgmetrics.github.ratelimit import parse_rate_headers, parse_scopes

FIXTURE = (
    Path(__file__).parents[1] / "data" / "octokit-fixtures" / "paginate-issues" / "raw-fixture.json"
)


def _exchanges() -> list[tuple[str, CaseInsensitiveDict[str], list]]:
    """(path, headers, body) of the recorded GET pages, in order."""
    out = []
    for entry in json.loads(FIXTURE.read_text(encoding="utf-8")):
        if entry["method"] != "get":
            continue
        raw = entry["rawHeaders"]
        headers = CaseInsensitiveDict(dict(zip(raw[::2], raw[1::2], strict=True)))
        out.append((entry["path"], headers, entry["response"]))
    return out


def test_fixture_has_five_recorded_pages() -> None:
    pages = _exchanges()
    assert len(pages) == 5
    assert sum(len(body) for _, _, body in pages) == 13


def test_following_next_links_visits_every_recorded_page_in_order() -> None:
    pages = _exchanges()
    for (_, headers, _), (next_path, _, _) in itertools.pairwise(pages):
        assert next_link(headers["Link"]) == "https://api.github.com" + next_path
    assert next_link(pages[-1][1]["Link"]) is None


def test_middle_page_has_all_four_rels_and_repository_id_urls() -> None:
    _, headers, _ = _exchanges()[2]
    links = parse_link_header(headers["Link"])
    assert set(links) == {"prev", "next", "last", "first"}
    assert links["next"] == "https://api.github.com/repositories/515435940/issues?per_page=3&page=4"
    assert links["last"].endswith("page=5")
    assert links["first"].endswith("page=1")


def test_last_page_has_only_prev_and_first() -> None:
    _, headers, _ = _exchanges()[-1]
    assert set(parse_link_header(headers["Link"])) == {"prev", "first"}


def test_rate_headers_of_the_recording() -> None:
    _, headers, _ = _exchanges()[0]
    info = parse_rate_headers(headers)
    assert (info.limit, info.remaining, info.used, info.resource) == (5000, 4922, 78, "core")
    assert info.reset == 1658208999
    assert info.reset_at == datetime(2022, 7, 19, 5, 36, 39, tzinfo=UTC)
    assert info.present and not info.exhausted
    # remaining drops by one per recorded request
    remaining = [parse_rate_headers(h).remaining for _, h, _ in _exchanges()]
    assert remaining == [4922, 4921, 4920, 4919, 4918]


def test_scopes_of_the_recording() -> None:
    _, headers, _ = _exchanges()[0]
    scopes = parse_scopes(headers)
    assert scopes is not None and "repo" in scopes and "admin:org" in scopes
    assert scopes == sorted(scopes) and len(scopes) == 11


@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_link_header_means_single_page(value: str | None) -> None:
    assert parse_link_header(value) == {}
    assert next_link(value) is None
