"""Vendor the response schemas of the operations the fake GitHub serves.

Usage (regenerates responses.json next to this file):
    npm pack @octokit/openapi@23.0.2 && tar xzf octokit-openapi-23.0.2.tgz
    python tests/data/openapi/extract_responses.py package/generated/api.github.com.json

Keeps only the JSON response schemas of OPERATIONS, plus the components they reach (as
`$defs`), converted from OpenAPI 3.0 to JSON Schema 2020-12: `nullable: true` becomes a
`null` alternative; `example`/`x-*` keys are dropped. The output is deterministic.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SOURCE = "@octokit/openapi@23.0.2 generated/api.github.com.json (MIT, see LICENSE)"
# (method, path, status) of every answer the fake's REST API gives that GitHub documents.
OPERATIONS: list[tuple[str, str, str]] = [
    ("get", "/orgs/{org}", "200"),
    ("get", "/orgs/{org}/repos", "200"),
    ("get", "/repos/{owner}/{repo}", "200"),
    ("get", "/repos/{owner}/{repo}", "404"),
    ("get", "/repos/{owner}/{repo}/pulls", "200"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}", "200"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", "200"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}/commits", "200"),
    ("get", "/repos/{owner}/{repo}/issues", "200"),
    ("get", "/repos/{owner}/{repo}/commits", "200"),
    ("get", "/repos/{owner}/{repo}/commits", "409"),
    ("get", "/repos/{owner}/{repo}/actions/workflows", "200"),
    ("get", "/repos/{owner}/{repo}/actions/runs", "200"),
    ("get", "/repos/{owner}/{repo}/deployments", "200"),
    ("get", "/repos/{owner}/{repo}/deployments/{deployment_id}/statuses", "200"),
    ("get", "/repos/{owner}/{repo}/releases", "200"),
    ("get", "/repos/{owner}/{repo}/dependabot/alerts", "200"),
    ("get", "/repos/{owner}/{repo}/dependabot/alerts", "400"),
    ("get", "/repos/{owner}/{repo}/dependabot/alerts", "403"),
    ("get", "/orgs/{org}/dependabot/alerts", "200"),
    ("get", "/repos/{owner}/{repo}/code-scanning/alerts", "200"),
    ("get", "/repos/{owner}/{repo}/code-scanning/alerts", "403"),
    ("get", "/repos/{owner}/{repo}/code-scanning/alerts", "404"),
    ("get", "/orgs/{org}/code-scanning/alerts", "200"),
    ("get", "/repos/{owner}/{repo}/secret-scanning/alerts", "200"),
    ("get", "/orgs/{org}/secret-scanning/alerts", "200"),
    ("get", "/rate_limit", "200"),
]
REF_PREFIX = "#/components/schemas/"


def _convert(node: Any, reached: set[str]) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema 2020-12, recording the components it references."""
    if isinstance(node, list):
        return [_convert(x, reached) for x in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].removeprefix(REF_PREFIX)
        reached.add(name)
        return {"$ref": f"#/$defs/{name}"}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("example", "examples", "nullable", "readOnly", "writeOnly", "deprecated"):
            continue
        if key.startswith("x-"):
            continue
        if key in ("properties", "patternProperties", "$defs"):
            out[key] = {k: _convert(v, reached) for k, v in value.items()}
        else:
            out[key] = _convert(value, reached)
    if node.get("nullable"):
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def _response_schema(spec: dict[str, Any], method: str, path: str, status: str) -> Any:
    response = spec["paths"][path][method]["responses"][status]
    while "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response["content"]["application/json"]["schema"]


def extract(spec: dict[str, Any]) -> dict[str, Any]:
    """The vendored document: one schema per 'METHOD path status', shared `$defs`."""
    reached: set[str] = set()
    operations = {
        f"{m.upper()} {p} {s}": _convert(_response_schema(spec, m, p, s), reached)
        for m, p, s in OPERATIONS
    }
    defs: dict[str, Any] = {}
    pending = sorted(reached)
    while pending:
        name = pending.pop()
        if name in defs:
            continue
        more: set[str] = set()
        defs[name] = _convert(spec["components"]["schemas"][name], more)
        pending.extend(sorted(more - defs.keys()))
    return {
        "source": SOURCE,
        "operations": operations,
        "$defs": dict(sorted(defs.items())),
    }


def main(argv: list[str]) -> int:
    """Write responses.json from the spec file given as the only argument."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    spec = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    out = Path(__file__).with_name("responses.json")
    out.write_text(json.dumps(extract(spec), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
