"""Parse GitHub's `Link` header (RFC 8288) to follow pagination the way GitHub asks.

GitHub's docs say to follow the `rel="next"` URL rather than build page URLs, because some
endpoints page by number (`page=`), some by opaque cursor (`after=`), and the links may switch
to `/repositories/{id}/...` paths. Parsing is delegated to `requests.utils.parse_header_links`.
"""

from __future__ import annotations

from requests.utils import parse_header_links


def parse_link_header(value: str | None) -> dict[str, str]:
    """Map each `rel` of a Link header to its URL; `{}` for a missing or empty header."""
    if not value or not value.strip():
        return {}
    links: dict[str, str] = {}
    for link in parse_header_links(value):
        url = link.get("url", "").strip()
        for rel in link.get("rel", "").split():
            if url and rel not in links:
                links[rel] = url
    return links


def next_link(value: str | None) -> str | None:
    """The URL of `rel="next"`, or None on the last (or only) page."""
    return parse_link_header(value).get("next")
