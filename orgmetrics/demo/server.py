"""`FakeGitHub`: an in-process HTTP server that behaves like api.github.com for one `Org`.

Per request: latency and faults, auth (401 `Bad credentials`), the per-token rate bucket
(`core` or `graphql`; exhausted -> 403/429 with remaining 0 until the reset), the route
(REST in `rest.py`, `POST /graphql` in `graphql_api.py`, `GET /rate_limit` here), then ETag /
`If-None-Match` -> 304 (not charged). Every response carries the `x-ratelimit-*` headers.
Thread-safe; the request log counts what clients really asked for.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import itertools
import json
import math
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, unquote

from orgmetrics.demo import rest
from orgmetrics.demo.faults import Fault, FaultSet
from orgmetrics.demo.model import Org
from orgmetrics.demo.pagination import Query
from orgmetrics.demo.payloads import Ctx, rate_limit_overview

API_VERSION = "2022-11-28"  # the version served; 2026-03-10 is accepted, answered as 2022-11-28
SUPPORTED_API_VERSIONS = frozenset({"2022-11-28", "2026-03-10"})
DOCS_REST = "https://docs.github.com/rest/using-the-rest-api/getting-started-with-the-rest-api"
API_VERSIONS_DOCS = "https://docs.github.com/rest/about-the-rest-api/api-versions"
NO_USER_AGENT_MESSAGE = (
    "Request forbidden by administrative rules. Please make sure your request has a User-Agent "
    "header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-"
    "required). Check https://developer.github.com for other possible causes."
)
OAUTH_SCOPES = "read:org, repo, security_events"
RATE_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try "
    "again. If you reach out to GitHub Support for help, please include the request ID {rid}."
)
PRIMARY_MESSAGE = (
    "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, "
    "please include the request ID {rid} and timestamp {ts}."
)
OTHER_RESOURCES = {
    "search": 30,
    "code_search": 10,
    "integration_manifest": 5000,
    "source_import": 100,
    "actions_runner_registration": 10000,
    "scim": 15000,
    "dependency_snapshots": 100,
    "dependency_sbom": 100,
    "code_scanning_autofix": 10,
    "copilot_usage_records": 1000,
}


class RateBucket:
    """One rate-limit resource of one token: `limit` per window, reset at a fixed instant."""

    def __init__(self, limit: int, window: float, now: float) -> None:
        self.limit = limit
        self.window = window
        self.used = 0
        self.reset_at = now + window

    def refresh(self, now: float) -> None:
        """Start a new window once the reset time has passed."""
        if now >= self.reset_at:
            self.used = 0
            self.reset_at = now + self.window

    @property
    def remaining(self) -> int:
        """Requests (or points) left in this window."""
        return max(0, self.limit - self.used)

    def exhaust(self, until: float) -> None:
        """Remaining 0 until `until` (the primary-limit fault)."""
        self.used = self.limit
        self.reset_at = until

    def as_json(self) -> dict[str, int]:
        """The `rate-limit` object of `GET /rate_limit`."""
        return {
            "limit": self.limit,
            "used": self.used,
            "remaining": self.remaining,
            "reset": math.ceil(self.reset_at),
        }

    def headers(self, resource: str) -> dict[str, str]:
        """The `x-ratelimit-*` headers for this bucket."""
        return {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-reset": str(math.ceil(self.reset_at)),
            "x-ratelimit-used": str(self.used),
            "x-ratelimit-resource": resource,
        }


class LogEntry(NamedTuple):
    """One request as the fake saw it (status 0: connection reset without an answer)."""

    method: str
    path: str
    status: int


@dataclass
class RequestLog:
    """What clients asked the fake: counts by kind and route template, and every entry."""

    total: int = 0
    rest: int = 0
    graphql: int = 0
    not_modified: int = 0
    charged: int = 0
    by_endpoint: Counter[str] = field(default_factory=Counter)
    entries: list[LogEntry] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(
        self, method: str, path: str, template: str, status: int, *, graphql: bool, charged: bool
    ) -> None:
        """Count one finished request."""
        with self._lock:
            self.total += 1
            if graphql:
                self.graphql += 1
            else:
                self.rest += 1
            if status == 304:
                self.not_modified += 1
            if charged:
                self.charged += 1
            self.by_endpoint[template] += 1
            self.entries.append(LogEntry(method, path, status))

    def reset(self) -> None:
        """Forget everything counted so far."""
        with self._lock:
            self.total = self.rest = self.graphql = self.not_modified = self.charged = 0
            self.by_endpoint = Counter()
            self.entries = []


@dataclass
class _Answer:
    status: int
    body: bytes | None
    headers: dict[str, str]
    resource: str = "core"
    charge: int = 0  # points taken from the bucket if the answer is sent (not on 304)


def _json_bytes(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # bursts from parallel clients must not overflow the backlog
    fake: FakeGitHub

    def server_activate(self) -> None:
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().server_activate()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_open_connections(self) -> None:
        """Drop keep-alive connections still open, so a stopped fake really stops answering."""
        with self._open_lock:
            open_now = list(self._open)
        for conn in open_now:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class FakeGitHub:
    """A fake api.github.com serving `org` on 127.0.0.1 (see docs/INTERFACES.md)."""

    def __init__(
        self,
        org: Org,
        *,
        token: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        core_limit: int = 5000,
        graphql_limit: int = 5000,
        rate_window_seconds: float = 3600,
        primary_status: int = 403,
    ) -> None:
        self.org = org
        self.token = token
        self.host = host
        self.port = port
        self.core_limit = core_limit
        self.graphql_limit = graphql_limit
        self.rate_window_seconds = rate_window_seconds
        self.primary_status = primary_status
        self.faults = FaultSet()
        self.log = RequestLog()
        self._latency = 0.0
        self._buckets: dict[tuple[str, str], RateBucket] = {}
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._request_ids = itertools.count(1)

    # ---- lifecycle ------------------------------------------------------------------------

    def start(self) -> FakeGitHub:
        """Bind and serve in a background thread; returns self."""
        if self._server is not None:
            return self
        # A big org is millions of acyclic objects: move them out of the cyclic GC's sight, or
        # the first full collection stalls a request for seconds (6.7 s measured at 600 repos).
        gc.freeze()
        server = _Server((self.host, self.port), _Handler)
        server.fake = self
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.close_open_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (`orgmetrics demo serve`)."""
        self.start()
        assert self._thread is not None
        try:
            while self._thread.is_alive():
                self._thread.join(timeout=0.5)
        finally:
            self.stop()

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The API base URL, e.g. `http://127.0.0.1:PORT`."""
        return f"http://{self.host}:{self.port}"

    @property
    def graphql_url(self) -> str:
        """The GraphQL endpoint URL."""
        return f"{self.url}/graphql"

    def set_latency(self, seconds: float) -> None:
        """Delay every request by `seconds` (benchmarks)."""
        self._latency = max(0.0, seconds)

    # ---- rate buckets ---------------------------------------------------------------------

    def bucket(self, token: str, resource: str) -> RateBucket:
        """The `resource` bucket of `token` (created full on first use)."""
        key = (token, resource)
        bucket = self._buckets.get(key)
        if bucket is None:
            limit = {"core": self.core_limit, "graphql": self.graphql_limit}.get(
                resource, OTHER_RESOURCES.get(resource, 60)
            )
            window = self.rate_window_seconds if resource != "search" else 60.0
            bucket = RateBucket(limit, window, time.time())
            self._buckets[key] = bucket
        bucket.refresh(time.time())
        return bucket

    def _rate_overview(self, token: str) -> dict[str, Any]:
        names = ["core", "graphql", *OTHER_RESOURCES]
        with self._lock:
            return rate_limit_overview({n: self.bucket(token, n).as_json() for n in names})

    # ---- one request ----------------------------------------------------------------------

    def _request_id(self) -> str:
        return f"F4KE:{next(self._request_ids):06X}"

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes
    ) -> _Answer | None:
        """Answer one request (None: reset the connection without answering)."""
        if self._latency:
            time.sleep(self._latency)
        path, _, qs = raw_path.partition("?")
        path = unquote(path)
        is_graphql = path.rstrip("/") == "/graphql"
        template = (
            "POST /graphql"
            if is_graphql and method == "POST"
            else rest.route_template(self.org, "GET" if method == "HEAD" else method, path)
        )
        if path.rstrip("/") == "/rate_limit" and method in ("GET", "HEAD"):
            template = "GET /rate_limit"
        template = template or f"{method} (unknown)"
        rid = self._request_id()
        token = _bearer(headers.get("authorization"))
        authorized = token is not None and (self.token is None or token == self.token)
        seen_token = token if authorized else None  # fault answers still show the rate headers
        fault = self.faults.take(method, path)
        if fault is not None and fault.kind == "connection_reset":
            self.log.record(method, raw_path, template, 0, graphql=is_graphql, charged=False)
            return None
        if fault is not None and fault.kind == "latency":
            time.sleep(fault.delay)
        faulted = self._fault_answer(fault, rid) if fault is not None else None
        if faulted is not None:
            faulted.resource = "graphql" if is_graphql else "core"
            return self._finish(method, raw_path, template, faulted, is_graphql, seen_token)
        exhaust = fault if fault is not None and fault.kind == "primary_limit" else None
        malformed = fault is not None and fault.kind == "malformed_json"
        refusal = self._header_refusal(headers, rid)
        if refusal is not None:
            return self._finish(method, raw_path, template, refusal, is_graphql, None)
        if token is None or not authorized:
            answer = self._error(401, "Bad credentials", rid, doc="https://docs.github.com/rest")
            return self._finish(method, raw_path, template, answer, is_graphql, None)
        resource = "graphql" if is_graphql else "core"
        with self._lock:
            bucket = self.bucket(token, resource)
            if exhaust is not None:
                bucket.exhaust(time.time() + exhaust.reset_in)
            limited = bucket.remaining <= 0 and template != "GET /rate_limit"  # always free
        if limited:
            answer = self._rate_limited(is_graphql, rid)
            answer.resource = resource
            return self._finish(method, raw_path, template, answer, is_graphql, token)
        if is_graphql:
            answer = self._graphql(method, body, token, rid)
        elif path.rstrip("/") == "/rate_limit" and method in ("GET", "HEAD"):
            answer = _Answer(200, _json_bytes(self._rate_overview(token)), {}, charge=0)
        else:
            answer = self._rest(method, path, qs)
        answer.resource = resource
        if method in ("GET", "HEAD") and answer.status == 200 and answer.body is not None:
            etag = '"' + hashlib.sha256(token.encode() + b"\0" + answer.body).hexdigest() + '"'
            answer.headers["ETag"] = etag
            if _not_modified(headers, etag, answer.headers.get("Last-Modified")):
                kept = {k: v for k, v in answer.headers.items() if k in ("ETag", "Last-Modified")}
                answer = _Answer(304, None, kept, resource=resource, charge=0)
        if malformed and answer.body:
            answer.body = answer.body[: max(1, len(answer.body) // 2)]
        return self._finish(method, raw_path, template, answer, is_graphql, token)

    def _fault_answer(self, fault: Fault, rid: str) -> _Answer | None:
        """The answer a `status` or `secondary_limit` fault sends instead of the real one."""
        if fault.kind == "status":
            return self._error(fault.status, _status_message(fault.status), rid)
        if fault.kind == "secondary_limit":
            answer = self._error(
                fault.status if fault.status in (403, 429) else 403,
                SECONDARY_MESSAGE.format(rid=rid),
                rid,
                doc=f"{RATE_DOCS}#about-secondary-rate-limits",
            )
            if fault.retry_after is not None:
                answer.headers["retry-after"] = str(fault.retry_after)
            return answer
        return None

    def _header_refusal(self, headers: dict[str, str], rid: str) -> _Answer | None:
        """GitHub rejects a missing User-Agent (403) and an unknown API version (400)."""
        if not headers.get("user-agent", "").strip():
            return self._error(403, NO_USER_AGENT_MESSAGE, rid, doc=f"{DOCS_REST}#user-agent")
        version = headers.get("x-github-api-version")
        if version is not None and version.strip() not in SUPPORTED_API_VERSIONS:
            message = f"Unsupported 'X-GitHub-Api-Version' header: {version.strip()[:40]}"
            return self._error(400, message, rid, doc=API_VERSIONS_DOCS)
        return None

    def _rest(self, method: str, path: str, qs: str) -> _Answer:
        query = Query(tuple(parse_qsl(qs, keep_blank_values=True)))
        ctx = Ctx(api=self.url, org=self.org)
        verb = "GET" if method == "HEAD" else method
        _template, got = rest.dispatch(ctx, verb, path, query)
        body = None if got.body is None else _json_bytes(got.body)
        extra = dict(got.headers)
        if got.last_modified is not None:
            extra["Last-Modified"] = formatdate(got.last_modified.timestamp(), usegmt=True)
        return _Answer(got.status, body, extra, charge=1)

    def _graphql(self, method: str, body: bytes, token: str, rid: str) -> _Answer:
        if method != "POST":
            return self._error(404, "Not Found", rid)
        try:
            payload = json.loads(body.decode("utf-8") or "null")
        except (UnicodeDecodeError, json.JSONDecodeError):
            return self._error(
                400, "Problems parsing JSON", rid, doc="https://docs.github.com/graphql"
            )
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            answer = self._error(
                400, "A query attribute must be specified and must be a string.", rid
            )
            answer.charge = 1
            return answer
        from orgmetrics.demo.graphql_api import execute_graphql  # lazy: graphql-core is heavy

        variables = payload.get("variables")
        result = execute_graphql(
            self.org,
            payload["query"],
            variables if isinstance(variables, dict) else None,
            payload.get("operationName"),
        )
        cost = max(1, int(result.cost))
        with self._lock:
            bucket = self.bucket(token, "graphql")
            if cost > bucket.remaining:
                return self._rate_limited(True, rid)
            bucket.used += cost
            snapshot = bucket.as_json()
        answer_body = dict(result.body)
        _patch_rate_limit(answer_body, snapshot, cost)
        return _Answer(200, _json_bytes(answer_body), {}, charge=-cost)  # already charged

    def _rate_limited(self, is_graphql: bool, rid: str) -> _Answer:
        ts = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
        message = PRIMARY_MESSAGE.format(rid=rid, ts=ts)
        if is_graphql:  # GitHub answers GraphQL's primary limit with 200 + RATE_LIMITED
            body = {"errors": [{"type": "RATE_LIMITED", "message": message}]}
            return _Answer(200, _json_bytes(body), {})
        return self._error(
            self.primary_status, message, rid, doc=f"{RATE_DOCS}#about-primary-rate-limits"
        )

    @staticmethod
    def _error(
        status: int, message: str, rid: str, *, doc: str = "https://docs.github.com/rest"
    ) -> _Answer:
        body = {"message": message, "documentation_url": doc, "status": str(status)}
        return _Answer(status, _json_bytes(body), {})

    def _finish(
        self,
        method: str,
        raw_path: str,
        template: str,
        answer: _Answer,
        is_graphql: bool,
        token: str | None,
    ) -> _Answer:
        charged = False
        if token is not None:
            with self._lock:
                bucket = self.bucket(token, answer.resource)
                if answer.status != 304 and answer.charge > 0 and bucket.remaining > 0:
                    bucket.used += answer.charge
                    charged = True
                charged = charged or answer.charge < 0
                answer.headers.update(bucket.headers(answer.resource))
        answer.headers.setdefault("x-github-request-id", self._request_id())
        self.log.record(
            method, raw_path, template, answer.status, graphql=is_graphql, charged=charged
        )
        return answer


def _patch_rate_limit(body: dict[str, Any], snapshot: dict[str, int], cost: int) -> None:
    """Make a queried `rateLimit { ... }` agree with the server's graphql bucket."""
    data = body.get("data")
    if not isinstance(data, dict):
        return
    rate = data.get("rateLimit")
    if not isinstance(rate, dict):
        return
    values: dict[str, Any] = {
        "limit": snapshot["limit"],
        "remaining": snapshot["remaining"],
        "used": snapshot["used"],
        "cost": cost,
        "resetAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(snapshot["reset"])),
    }
    for key, value in values.items():
        if key in rate:
            rate[key] = value


def _bearer(value: str | None) -> str | None:
    """The token of an `Authorization: Bearer|token <t>` header."""
    if not value:
        return None
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() not in ("bearer", "token") or not token.strip():
        return None
    return token.strip()


def _not_modified(headers: dict[str, str], etag: str, last_modified: str | None) -> bool:
    """Conditional GET: If-None-Match wins; else If-Modified-Since against Last-Modified."""
    if "if-none-match" in headers:
        return _etag_matches(headers["if-none-match"], etag)
    since = headers.get("if-modified-since")
    if not since or not last_modified:
        return False
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    bare = etag.strip('"')
    for candidate in header.split(","):
        tag = candidate.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag == "*" or tag.strip('"') == bare:
            return True
    return False


def _status_message(status: int) -> str:
    return {
        500: "Server Error",
        502: "Server Error",
        503: "Service Unavailable",
        504: "We couldn't respond to your request in time. Sorry about that.",
        404: "Not Found",
        403: "Forbidden",
        422: "Validation Failed",
    }.get(status, "Server Error")


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once (no 40 ms delayed ACK)

    def version_string(self) -> str:
        """The `Server` header GitHub sends."""
        return "github.com"

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log (the fake keeps its own log)."""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        answer = self.server.fake.handle(self.command, self.path, headers, body)
        if answer is None:
            self._reset_connection()
            return
        self.send_response(answer.status)
        self.send_header("X-GitHub-Api-Version-Selected", API_VERSION)
        self.send_header("X-GitHub-Media-Type", "github.v3; format=json")
        self.send_header("X-OAuth-Scopes", OAUTH_SCOPES)
        self.send_header("X-Accepted-OAuth-Scopes", "repo")
        for name, value in answer.headers.items():
            self.send_header(name, value)
        if answer.status in (204, 304):
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        payload = answer.body or b""
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _reset_connection(self) -> None:
        """Close with RST, as a dropped connection looks to the client."""
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.close()

    do_GET = _serve
    do_HEAD = _serve
    do_POST = _serve
    do_PUT = _serve
    do_PATCH = _serve
    do_DELETE = _serve
