"""`GitHubClient`: the only code in orgmetrics that talks to GitHub (REST and GraphQL).

Public API (see also `orgmetrics.github` and docs/INTERFACES.md "GitHub client")::

    client = GitHubClient(token, api_url="https://api.github.com", graphql_url=None, *,
                          timeout=30.0, max_pages=None, max_wait=900.0, max_retries=5,
                          etag_store=None, sleep=time.sleep, clock=time.time)
    client.get_json(path_or_url, params=None) -> Any
    client.paginate(path, params=None, *, items_key=None, feature=None, max_pages=None) -> Listing
    client.graphql(query, variables=None) -> GraphQLResult
    client.graphql_pages(query, variables, connection_path, *, page_size=50, max_pages=None)
    client.graphql_nodes(query, variables, connection_path, *, page_size=50, max_pages=None,
                         after=None) -> Listing
    client.complete_connection(connection, query, variables, connection_path, ...) -> Listing
    client.check_org(org) -> dict
    client.stats -> RequestStats

Behaviour, in the order a response is looked at:
1. Connection errors, timeouts, 500/502/503/504 and unparsable JSON are retried with exponential
   backoff and jitter (tenacity), at most `max_retries` times, then raise `TransportError`,
   `ServerError` or `MalformedResponse`.
2. 401 raises `BadCredentials` at once ("Bad credentials: check GITHUB_TOKEN", exit code 3).
3. Primary rate limit (403/429 with `x-ratelimit-remaining: 0`, GraphQL `RATE_LIMITED`): sleep
   until `x-ratelimit-reset` + 1 s when that is within `max_wait`, else raise
   `RateLimitExhausted(reset_at)` (exit code 4) so the collector can stop and resume. A 2xx that
   left remaining at 0 makes the *next* request wait (or stop) before it is sent.
4. Secondary limit (403/429 with `retry-after` or GitHub's wording; a bare 429): sleep
   `retry-after`, else until reset if remaining is 0, else 60 s, doubling while it persists;
   bounded by `max_wait`. Every worker thread of the client pauses until then.
5. Other 4xx: `paginate(feature=...)` turns 403/404/410 into `Listing(unavailable=...)` and 409
   "Git Repository is empty." into `Listing(empty_repo=True)`; everything else raises
   `Forbidden`, `NotFound`, `ValidationFailed` (400/422) or `HTTPStatusError`.
All waits go through the injectable `sleep` and `clock`, so tests never really wait.

Threads: one `requests.Session` per thread (`threading.local`); stats and ETag store are locked.
Token: only in the `Authorization` header, added by a request hook; never in a repr, a log line,
an exception or a file (the ETag store keys on a SHA-256 digest of it). Plain `http://` is refused
(`InsecureTransport`) unless the host is loopback, and Link URLs leaving the API host are refused.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import requests
import tenacity
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase
from requests.structures import CaseInsensitiveDict

from orgmetrics import __version__
from orgmetrics.errors import ConfigError
from orgmetrics.github.errors import (
    BadCredentials,
    Forbidden,
    GitHubError,
    GraphQLQueryError,
    HTTPStatusError,
    InsecureTransport,
    MalformedResponse,
    NotFound,
    OrgNotFound,
    RateLimitExhausted,
    ServerError,
    TransportError,
    ValidationFailed,
    clean_message,
)
from orgmetrics.github.etag_store import CachedResponse, EtagStore, token_identity
from orgmetrics.github.links import next_link
from orgmetrics.github.ratelimit import (
    GRAPHQL_RATE_TYPES,
    SECONDARY_FALLBACK_WAIT,
    RateInfo,
    is_primary_limit,
    is_secondary_limit,
    parse_rate_headers,
    parse_scopes,
    primary_wait,
    secondary_wait,
)
from orgmetrics.github.stats import RequestStats
from orgmetrics.github.urls import (
    derive_graphql_url,
    github_iso,
    normalise_api_url,
    prepare_params,
    require_safe_transport,
    route_template,
    same_origin,
)
from orgmetrics.timeutil import parse_iso

log = logging.getLogger("orgmetrics.github")

API_VERSION = "2022-11-28"
PER_PAGE = 100
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})
HEAVY_QUERY_STATUSES = frozenset({502, 504})
FEATURE_UNAVAILABLE_STATUSES = frozenset({403, 404, 410})
_SOMETHING_WENT_WRONG = "something went wrong"


@dataclass(frozen=True)
class Unavailable:
    """Why a feature endpoint gave no data: GitHub's status and (cleaned) message."""

    status: int
    message: str

    @property
    def reason(self) -> str:
        """`"403 Forbidden: Dependabot alerts are disabled for this repository."`"""
        try:
            phrase = HTTPStatus(self.status).phrase
        except ValueError:
            phrase = "HTTP error"
        return f"{self.status} {phrase}: {self.message}"


@dataclass
class Listing:
    """Everything one paginated listing returned, and whether it is complete."""

    items: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False  # the page cap stopped it (or it broke off mid-way)
    unavailable: Unavailable | None = None  # feature endpoint answered 403/404/410
    empty_repo: bool = False  # 409 "Git Repository is empty."
    total_count: int | None = None  # `total_count` / `totalCount` when GitHub sends it
    pages: int = 0  # pages fetched (304s included)
    errors: list[dict[str, Any]] = field(default_factory=list)  # GraphQL partial-data errors
    next_url: str | None = None  # when truncated by the cap: pass it to paginate() to go on


@dataclass
class GraphQLResult:
    """One GraphQL answer: data (possibly partial) and GitHub's `errors` list."""

    data: dict[str, Any] | None
    errors: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False  # graphql_pages: the last page yielded while more existed
    cost: int | None = None  # rateLimit.cost when the query asked for it


@dataclass
class _Answer:
    """A response the retry layer accepted (2xx, 304 from the store, or a caller-handled 4xx)."""

    status: int
    body: Any
    message: str
    link: str | None
    url: str
    headers: CaseInsensitiveDict[str]
    from_cache: bool = False


class _Retry(Exception):
    """Internal: this attempt failed in a retryable way; `final` is raised if retries run out."""

    def __init__(
        self,
        final: GitHubError,
        delay: float | None = None,
        reason: str = "",
        *,
        escalate: bool = False,
    ) -> None:
        super().__init__(reason)
        self.final = final
        self.delay = delay
        self.reason = reason
        self.escalate = escalate  # secondary limit: double the wait on each further retry


class _HeavyQuery(Exception):
    """Internal: GraphQL answered 502/504, so graphql_pages should shrink the page size."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _TokenAuth(AuthBase):
    """Adds `Authorization: Bearer <token>`; its repr never shows the token."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "_TokenAuth(***)"


def _body_message(body: Any, text: str) -> str:
    """GitHub's `message` (plus validation `errors` details), or the start of a non-JSON body."""
    if isinstance(body, dict) and body.get("message") is not None:
        message = str(body["message"])
        details = []
        for err in body.get("errors") or []:
            if isinstance(err, dict) and (err.get("field") or err.get("code")):
                details.append(f"{err.get('field', '?')}: {err.get('code', '?')}")
            elif isinstance(err, dict) and err.get("message"):
                details.append(str(err["message"]))
        return message + (f" ({'; '.join(details[:3])})" if details else "")
    return text[:200]


def _dig(data: Any, path: list[str]) -> Any:
    """`data[path[0]][path[1]]...`, or None where a step is missing or null."""
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _usable(data: Any) -> bool:
    """GraphQL data counts as usable when some top-level field other than rateLimit is non-null."""
    if not isinstance(data, dict):
        return False
    return any(value is not None for key, value in data.items() if key != "rateLimit")


def _connection_nodes(connection: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The items of a GraphQL connection (`nodes`, or `edges[].node`), nulls dropped."""
    nodes = connection.get("nodes")
    if nodes is None and connection.get("edges") is not None:
        nodes = [edge.get("node") for edge in connection["edges"] if isinstance(edge, dict)]
    return [node for node in (nodes or []) if isinstance(node, dict)]


def _page_key(url: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A page's identity: path and sorted query parameters (encoding-independent)."""
    parts = urlsplit(url)
    return parts.path, tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))


class GitHubClient:
    """One client for GitHub's REST and GraphQL APIs; safe to share between worker threads."""

    def __init__(
        self,
        token: str,
        api_url: str = "https://api.github.com",
        graphql_url: str | None = None,
        *,
        timeout: float = 30.0,
        max_pages: int | None = None,
        max_wait: float = 900.0,
        max_retries: int = 5,
        etag_store: EtagStore | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        backoff_initial: float = 1.0,
        backoff_max: float = 30.0,
    ) -> None:
        if not token or not token.strip():
            raise BadCredentials("No GitHub token: set GITHUB_TOKEN")
        if not all("!" <= ch <= "~" for ch in token.strip()):
            # requests/http.client would refuse the header with the token in the message
            raise ConfigError(
                "GITHUB_TOKEN (or GH_TOKEN) holds a space, line break or non-ASCII character: "
                "set it to the token alone (its value is not shown)"
            )
        # Keep the token only inside the auth hook; drop the local so no traceback frame
        # (even one rendered with its locals) can show it.
        self._auth = _TokenAuth(token.strip())
        self._token_id = token_identity(token.strip())
        del token
        for name, url in (("GITHUB_API_URL", api_url), ("GITHUB_GRAPHQL_URL", graphql_url)):
            parts = urlsplit(url or "")
            if parts.username is not None or parts.password is not None:
                # it would be logged and written to the run metadata and the ETag store
                raise ConfigError(
                    f"{name} must not hold credentials (user:password@host): put the token in "
                    "GITHUB_TOKEN only (the URL is not shown)"
                )
        self.api_url = normalise_api_url(api_url)
        self.graphql_url = derive_graphql_url(self.api_url, graphql_url)
        require_safe_transport(self.api_url)
        require_safe_transport(self.graphql_url)
        self.timeout = timeout
        self.max_pages = max_pages
        self.max_wait = max_wait
        self.max_retries = max(0, max_retries)
        self.etag_store = etag_store
        self.stats = RequestStats()
        self._sleep = sleep
        self._clock = clock
        self._backoff_initial = backoff_initial
        # exponential (1, 2, 4, ... s, capped) plus up to `backoff_initial` s of random jitter
        self._backoff = tenacity.wait_exponential(
            multiplier=backoff_initial, max=backoff_max
        ) + tenacity.wait_random(0, backoff_initial)
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()
        # resource -> reset epoch, set when a successful answer showed remaining 0
        self._spent: dict[str, int] = {}
        self._spent_lock = threading.Lock()
        # after a secondary limit, every worker pauses until this instant (GitHub: stop sending)
        self._pause_until = 0.0

    def __repr__(self) -> str:
        return f"GitHubClient(api_url={self.api_url!r}, graphql_url={self.graphql_url!r})"

    # ----------------------------------------------------------------- sessions
    def _session(self) -> requests.Session:
        """This thread's Session (connection pooling per worker, never shared across threads)."""
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers.update(
                {
                    "Accept": "application/vnd.github+json",
                    "X-GitHub-Api-Version": API_VERSION,
                    "User-Agent": f"orgmetrics/{__version__}",
                }
            )
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=4, max_retries=0)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        """Close every thread's Session."""
        with self._sessions_lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()
        self._local = threading.local()

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- URLs
    def _url(self, path_or_url: str) -> str:
        """An absolute URL on the API host; refuses URLs on other hosts (the token would leak)."""
        if "://" in path_or_url:
            url = path_or_url
            if not (same_origin(url, self.api_url) or same_origin(url, self.graphql_url)):
                raise InsecureTransport(
                    f"refusing to send the GitHub token to {urlsplit(url).hostname!r}: "
                    f"not the configured API host {urlsplit(self.api_url).hostname!r}"
                )
        else:
            url = self.api_url + "/" + path_or_url.lstrip("/")
        require_safe_transport(url)
        return url

    @staticmethod
    def _display(url: str) -> str:
        """The path and query of a URL, for messages and logs (never carries the token)."""
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    # ----------------------------------------------------------------- core request
    def _request(
        self,
        method: str,
        url: str,
        *,
        route: str,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        graphql: bool = False,
        heavy: bool = False,
    ) -> _Answer:
        """Send one request with retries and rate-limit waits; return the accepted answer."""
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.max_retries + 1),
            wait=self._wait_for,
            retry=tenacity.retry_if_exception_type(_Retry),
            sleep=self._sleep,
            before_sleep=self._before_sleep,
            reraise=False,
        )
        try:
            return retrying(self._attempt, method, url, route, params, json_body, graphql, heavy)
        except tenacity.RetryError as exc:
            last = exc.last_attempt.exception()
            if isinstance(last, _Retry):
                raise last.final from None
            raise  # pragma: no cover - tenacity only gives up on _Retry

    def _wait_for(self, state: tenacity.RetryCallState) -> float:
        """The server-requested delay when there is one, else exponential backoff with jitter."""
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retry) and exc.delay is not None:
            if exc.escalate:  # GitHub: wait exponentially longer while still limited
                return min(
                    exc.delay * 2 ** (state.attempt_number - 1), max(exc.delay, self.max_wait)
                )
            return exc.delay
        return float(self._backoff(state))

    def _before_sleep(self, state: tenacity.RetryCallState) -> None:
        """Count the retry and say why, without headers or bodies."""
        delay = state.next_action.sleep if state.next_action else 0.0
        exc = state.outcome.exception() if state.outcome else None
        reason = exc.reason if isinstance(exc, _Retry) else "error"
        self.stats.record_retry(delay)
        log.warning("GitHub: %s; retry %d in %.1f s", reason, state.attempt_number, delay)

    def _attempt(
        self,
        method: str,
        url: str,
        route: str,
        params: Mapping[str, Any] | None,
        json_body: Any,
        graphql: bool,
        heavy: bool,
    ) -> _Answer:
        """One HTTP exchange, classified: return, raise `_Retry`, or raise a final error."""
        display = self._display(url)
        headers: dict[str, str] = {}
        key: str | None = None
        cached: CachedResponse | None = None
        if self.etag_store is not None and method == "GET":
            prepared = requests.PreparedRequest()
            prepared.prepare_url(url, dict(params or {}))
            key = EtagStore.key(self._token_id, prepared.url or url)
            cached = self.etag_store.get(key)
            if cached is not None:
                headers["If-None-Match"] = cached.etag
        resource = "graphql" if graphql else ("search" if "/search/" in url else "core")
        self._wait_if_spent(resource, display)
        self._wait_if_paused(display)
        self.stats.record_request(route, graphql=graphql)
        try:
            resp = self._session().request(
                method,
                url,
                params=params,
                json=json_body,
                headers=headers,
                timeout=self.timeout,
                auth=self._auth,
                allow_redirects=True,
            )
        except (
            requests.ConnectionError,
            requests.Timeout,
            requests.exceptions.ChunkedEncodingError,
        ) as exc:
            kind = type(exc).__name__
            raise _Retry(
                TransportError(f"{method} {display} failed: {kind} (GitHub unreachable?)"),
                reason=f"{method} {route}: {kind}",
            ) from None
        except requests.RequestException as exc:  # redirects loop, invalid URL, ...: no retry
            raise TransportError(f"{method} {display} failed: {type(exc).__name__}") from None
        status = resp.status_code
        rate = parse_rate_headers(resp.headers)
        self.stats.record_rate(rate.resource, rate.remaining, rate.reset, rate.limit)
        if 200 <= status < 400 and rate.present:
            with self._spent_lock:
                if rate.exhausted and rate.reset is not None:
                    self._spent[rate.resource or resource] = rate.reset
                else:
                    self._spent.pop(rate.resource or resource, None)
        self.stats.record_scopes(parse_scopes(resp.headers))
        log.debug("%s %s -> %s (remaining %s)", method, display, status, rate.remaining)

        if status == 304 and cached is not None:
            self.stats.record_not_modified()
            return _Answer(200, json.loads(cached.body), "", cached.link, url, resp.headers, True)

        text = resp.text
        body: Any = None
        parsed = True
        if text.strip():
            try:
                body = json.loads(text)
            except ValueError:
                parsed = False
        message = clean_message(
            _body_message(body, text) if status >= 300 else "", secret=self._auth._token
        )

        if status == 401:
            raise BadCredentials()
        if status in (403, 429):
            if is_primary_limit(status, resp.headers, message):
                self._primary_limit(rate, None, display)
            if is_secondary_limit(status, resp.headers, message) or status == 429:
                self._secondary_limit(resp.headers, display)
        if status in TRANSIENT_STATUSES:
            if heavy and status in HEAVY_QUERY_STATUSES:
                raise _HeavyQuery(status)
            raise _Retry(
                ServerError(status, message, display), reason=f"{method} {route}: {status}"
            )
        if 200 <= status < 300:
            if not parsed:
                raise _Retry(
                    MalformedResponse(f"GitHub sent a body that is not JSON for {display}"),
                    reason=f"{method} {route}: malformed JSON",
                )
            if graphql:
                self._check_graphql(body, rate, display)
            etag = resp.headers.get("ETag")
            if key is not None and status == 200 and etag and self.etag_store is not None:
                link = resp.headers.get("Link")
                self.etag_store.put(key, CachedResponse(etag, text, link))
            return _Answer(status, body, message, resp.headers.get("Link"), url, resp.headers)
        return _Answer(status, body, message, resp.headers.get("Link"), url, resp.headers)

    # ----------------------------------------------------------------- rate limits
    def _primary_limit(self, rate: RateInfo, reset_at_text: str | None, display: str) -> None:
        """Wait for the primary limit's reset (raise `_Retry`) or give up (`RateLimitExhausted`)."""
        now = self._clock()
        reset = rate.reset
        if reset is None and reset_at_text:
            try:
                reset = int(parse_iso(reset_at_text).timestamp())
            except ValueError:
                reset = None
        wait = primary_wait(reset, now)
        if wait is None:  # no reset known (e.g. GHES without headers): bounded fallback
            wait = SECONDARY_FALLBACK_WAIT
        reset_at = datetime.fromtimestamp(int(now + wait), UTC)
        resource = rate.resource or ("graphql" if display.endswith("graphql") else "core")
        with self._spent_lock:  # this path does its own waiting; no second wait before sending
            self._spent.pop(resource, None)
        if wait > self.max_wait:
            raise RateLimitExhausted(reset_at, resource=resource)
        raise _Retry(
            RateLimitExhausted(reset_at, resource=resource, detail="still limited after waiting"),
            delay=wait,
            reason=f"primary rate limit ({resource}) on {display}, waiting until reset",
        )

    def _wait_if_spent(self, resource: str, display: str) -> None:
        """Before sending: if the last answer spent the budget, wait for its reset (or stop).

        GitHub asks clients not to keep sending while limited; this waits once per exhaustion
        (then forgets it), so a server that resets early or never reports again cannot hang us.
        """
        with self._spent_lock:
            reset = self._spent.pop(resource, None)
        if reset is None:
            return
        now = self._clock()
        wait = primary_wait(reset, now)
        if wait is None or reset <= now:
            return
        if wait > self.max_wait:
            with self._spent_lock:  # keep it: other workers stop without sending, too
                self._spent.setdefault(resource, reset)
            raise RateLimitExhausted(datetime.fromtimestamp(reset, UTC), resource=resource)
        log.warning(
            "GitHub %s budget spent; waiting %.1f s for the reset before %s",
            resource,
            wait,
            display,
        )
        self.stats.record_wait(wait)
        self._sleep(wait)

    def _wait_if_paused(self, display: str) -> None:
        """Before sending: honour a secondary-limit pause another worker thread ran into."""
        with self._spent_lock:
            until = self._pause_until
        mine = float(getattr(self._local, "paused_until", 0.0))
        wait = until - self._clock()
        if wait <= 0 or until <= mine:  # no pause, or this thread already waited for it
            return
        self._local.paused_until = until
        log.warning("GitHub secondary rate limit: pausing %.1f s before %s", wait, display)
        self.stats.record_wait(wait)
        self._sleep(wait)

    def _secondary_limit(self, headers: Mapping[str, str], display: str) -> None:
        """Wait as GitHub documents for a secondary limit, bounded by `max_wait` and retries.

        The pause applies to every worker thread of this client, not just this request.
        """
        now = self._clock()
        wait = secondary_wait(headers, now)
        with self._spent_lock:
            self._pause_until = max(self._pause_until, now + wait)
            self._local.paused_until = self._pause_until
        reset_at = datetime.fromtimestamp(int(now + wait), UTC)
        if wait > self.max_wait:
            raise RateLimitExhausted(reset_at, resource="secondary", detail=display)
        raise _Retry(
            RateLimitExhausted(reset_at, resource="secondary", detail="it persisted"),
            delay=wait,
            reason=f"secondary rate limit on {display}",
            escalate=True,
        )

    def _check_graphql(self, body: Any, rate: RateInfo, display: str) -> None:
        """Shape check, RATE_LIMITED handling and retry of "Something went wrong" answers."""
        if not isinstance(body, dict) or not ({"data", "errors"} & body.keys()):
            raise _Retry(
                MalformedResponse(f"GraphQL answer without data or errors from {display}"),
                reason="GraphQL: malformed answer",
            )
        errors = body.get("errors") or []
        if not isinstance(errors, list):
            errors = [{"message": str(errors)}]
        if any(isinstance(e, dict) and e.get("type") in GRAPHQL_RATE_TYPES for e in errors):
            reset_text = _dig(body.get("data"), ["rateLimit", "resetAt"])
            self._primary_limit(
                replace(rate, resource=rate.resource or "graphql"),
                reset_text if isinstance(reset_text, str) else None,
                display,
            )
        if errors and not _usable(body.get("data")):
            texts = " ".join(str(e.get("message", "")) for e in errors if isinstance(e, dict))
            if _SOMETHING_WENT_WRONG in texts.lower():
                raise _Retry(
                    GraphQLQueryError(errors, secret=self._auth._token),
                    reason="GraphQL: something went wrong",
                )

    # ----------------------------------------------------------------- errors
    def _status_error(self, answer: _Answer) -> HTTPStatusError:
        """The exception for a 4xx the caller does not handle."""
        where = self._display(answer.url)
        status = answer.status
        if status == 403:
            return Forbidden(status, answer.message, where)
        if status in (404, 410):
            return NotFound(status, answer.message, where)
        if status in (400, 422):
            return ValidationFailed(status, answer.message, where)
        return HTTPStatusError(status, answer.message, where)

    # ----------------------------------------------------------------- REST
    def get_json(self, path_or_url: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET one resource and return its JSON (None for 204); classified errors are raised.

        A 202 (statistics still being computed) is polled up to `max_retries` times with
        backoff; if GitHub still has no answer, None is returned.
        """
        url = self._url(path_or_url)
        route = route_template("GET", urlsplit(url).path)
        query = prepare_params(params)
        for attempt in range(self.max_retries + 1):
            answer = self._request("GET", url, route=route, params=query)
            if answer.status >= 400:
                raise self._status_error(answer)
            if answer.status != 202:
                return answer.body
            if attempt < self.max_retries:
                delay = min(2.0**attempt, 30.0)
                self.stats.record_retry(delay)
                self._sleep(delay)
        return None

    def check_org(self, org: str) -> dict[str, Any]:
        """GET /orgs/{org}; a 404 raises `OrgNotFound` naming the org."""
        url = self._url(f"/orgs/{quote(org, safe='')}")
        answer = self._request("GET", url, route="GET /orgs/{org}")
        if answer.status == 404:
            raise OrgNotFound(org, self._display(url), answer.message)
        if answer.status >= 400:
            raise self._status_error(answer)
        if not isinstance(answer.body, dict):
            raise MalformedResponse(f"GET /orgs/{org} did not return an object")
        return answer.body

    def paginate(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        items_key: str | None = None,
        feature: str | None = None,
        max_pages: int | None = None,
    ) -> Listing:
        """Every item of a listing, following Link rel="next" (page or cursor), per_page=100.

        `feature` (e.g. "dependabot_alerts") marks an endpoint whose 403/404/410 means "not
        available for this repo": it returns `Listing(unavailable=...)` instead of raising.
        A 409 "Git Repository is empty." returns `Listing(empty_repo=True)`. `items_key` names
        the list inside wrapper objects (e.g. "workflow_runs"); it is guessed when omitted.
        The page cap (`max_pages`, else the client's) returns what it has with truncated=True
        and `next_url`; `paginate(listing.next_url, ...)` continues where it stopped.
        """
        url: str | None = self._url(path)
        route = route_template("GET", urlsplit(url or "").path)
        query: dict[str, Any] | None = prepare_params(params)
        assert query is not None
        if "://" not in path:  # a continuation URL (Listing.next_url) already carries per_page
            query.setdefault("per_page", PER_PAGE)
        cap = max_pages if max_pages is not None else self.max_pages
        listing = Listing()
        seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
        while url is not None:
            answer = self._request("GET", url, route=route, params=query)
            if answer.status >= 400:
                if answer.status == 409 and "empty" in answer.message.lower():
                    listing.empty_repo = True
                    return listing
                if feature is not None and answer.status in FEATURE_UNAVAILABLE_STATUSES:
                    listing.unavailable = Unavailable(answer.status, answer.message)
                    listing.truncated = listing.pages > 0
                    return listing
                raise self._status_error(answer)
            listing.pages += 1
            page_items, total = self._page_items(answer, items_key)
            listing.items.extend(page_items)
            if total is not None:
                listing.total_count = total
            following = next_link(answer.link)
            seen.add(_page_key(answer.url))
            if following is not None and _page_key(self._url(following)) in seen:
                raise MalformedResponse(  # a hostile or broken server would page forever
                    f"{self._display(answer.url)}: the next-page link repeats a page already read"
                )
            if following is not None and cap is not None and listing.pages >= cap:
                listing.truncated = True
                listing.next_url = following
                log.info("%s: stopped at the page cap (%d pages)", route, cap)
                break
            url = self._url(following) if following is not None else None
            query = None  # the next link already carries every parameter
        return listing

    def _page_items(self, answer: _Answer, items_key: str | None) -> tuple[list[Any], int | None]:
        """The items of one page (array, or the list inside a wrapper object); all objects."""
        items, total = self._page_list(answer, items_key)
        if not all(isinstance(item, dict) for item in items):  # every REST listing is of objects
            raise MalformedResponse(
                f"{self._display(answer.url)} returned a list item that is not a JSON object"
            )
        return items, total

    def _page_list(self, answer: _Answer, items_key: str | None) -> tuple[list[Any], int | None]:
        body = answer.body
        if body is None:  # 204 No Content: nothing to list
            return [], None
        if isinstance(body, list):
            return body, None
        if isinstance(body, dict):
            key = items_key
            if key is None:
                lists = [k for k, v in body.items() if isinstance(v, list)]
                key = lists[0] if len(lists) == 1 else None
            if key is not None and isinstance(body.get(key), list):
                total = body.get("total_count")
                return body[key], total if isinstance(total, int) else None
        raise MalformedResponse(
            f"{self._display(answer.url)} did not return a list"
            + ("" if items_key else " (pass items_key for wrapper objects)")
        )

    # ----------------------------------------------------------------- GraphQL
    def graphql(self, query: str, variables: Mapping[str, Any] | None = None) -> GraphQLResult:
        """Run one GraphQL query; partial data is kept with its errors, no data raises."""
        return self._graphql(query, variables, heavy=False)

    def _graphql(
        self, query: str, variables: Mapping[str, Any] | None, *, heavy: bool
    ) -> GraphQLResult:
        payload: dict[str, Any] = {"query": query}
        if variables:
            payload["variables"] = {
                k: (github_iso(v) if isinstance(v, datetime) else v) for k, v in variables.items()
            }
        answer = self._request(
            "POST",
            self.graphql_url,
            route="POST /graphql",
            json_body=payload,
            graphql=True,
            heavy=heavy,
        )
        if answer.status >= 400:
            raise self._status_error(answer)
        body = answer.body if isinstance(answer.body, dict) else {}
        errors = [e for e in (body.get("errors") or []) if isinstance(e, dict)]
        data = body.get("data") if isinstance(body.get("data"), dict) else None
        cost = _dig(data, ["rateLimit", "cost"])
        if isinstance(cost, int):
            self.stats.record_graphql_cost(cost)
        if errors and not _usable(data):
            raise GraphQLQueryError(errors, secret=self._auth._token)
        if errors:
            kinds = sorted({str(e.get("type", "ERROR")) for e in errors})
            log.warning("GraphQL: partial data with %d error(s): %s", len(errors), kinds)
        return GraphQLResult(data, errors, cost=cost if isinstance(cost, int) else None)

    def graphql_pages(
        self,
        query: str,
        variables: Mapping[str, Any] | None,
        connection_path: list[str],
        *,
        page_size: int = 50,
        max_pages: int | None = None,
        after: str | None = None,
    ) -> Iterator[GraphQLResult]:
        """Page a connection with `$first`/`$after`, yielding each answer.

        `connection_path` leads from `data` to the connection, which must select
        `pageInfo { hasNextPage endCursor }`. A 502/504 (the query was too heavy for GitHub's
        10 s budget) halves `$first` and retries the same cursor, down to 1. When the page cap
        stops the paging, the last result has `truncated=True`.
        """
        cap = max_pages if max_pages is not None else self.max_pages
        size = max(1, min(100, page_size))
        cursor = after
        pages = 0
        while True:
            values = {**(variables or {}), "first": size, "after": cursor}
            try:
                result = self._graphql(query, values, heavy=size > 1)
            except _HeavyQuery as exc:
                size = max(1, size // 2)
                delay = min(self._backoff_delay(), self.max_wait)
                self.stats.record_retry(delay)
                log.warning("GraphQL %s on a heavy query: retrying with first=%d", exc.status, size)
                self._sleep(delay)
                continue
            pages += 1
            connection = _dig(result.data, connection_path)
            if not isinstance(connection, dict):
                yield result
                return
            info = connection.get("pageInfo") or {}
            has_next = bool(info.get("hasNextPage")) and bool(info.get("endCursor"))
            if has_next and cap is not None and pages >= cap:
                result.truncated = True
                yield result
                return
            yield result
            if not has_next:
                return
            cursor = str(info["endCursor"])

    def _backoff_delay(self) -> float:
        """One first-attempt backoff delay with jitter, for the page-halving path."""
        return self._backoff_initial + random.uniform(0.0, self._backoff_initial)

    def graphql_nodes(
        self,
        query: str,
        variables: Mapping[str, Any] | None,
        connection_path: list[str],
        *,
        page_size: int = 50,
        max_pages: int | None = None,
        after: str | None = None,
    ) -> Listing:
        """All nodes of one connection (`graphql_pages` collected into a `Listing`)."""
        listing = Listing()
        for result in self.graphql_pages(
            query,
            variables,
            connection_path,
            page_size=page_size,
            max_pages=max_pages,
            after=after,
        ):
            listing.pages += 1
            listing.errors.extend(result.errors)
            listing.truncated = listing.truncated or result.truncated
            connection = _dig(result.data, connection_path)
            if isinstance(connection, dict):
                listing.items.extend(_connection_nodes(connection))
                if isinstance(connection.get("totalCount"), int):
                    listing.total_count = connection["totalCount"]
        return listing

    def complete_connection(
        self,
        connection: Mapping[str, Any],
        query: str,
        variables: Mapping[str, Any] | None,
        connection_path: list[str],
        *,
        page_size: int = 100,
        max_pages: int | None = None,
    ) -> Listing:
        """Finish a nested connection (e.g. a PR's `reviews(first: N)`) fetched inside a page.

        `connection` is the nested object as it came back (with `nodes`, `pageInfo`,
        `totalCount`); when `pageInfo.hasNextPage`, the remaining nodes are fetched with a
        follow-up `query` that selects the same connection for that one node (by id or number)
        with `$first`/`$after`, at `connection_path`. Returns all nodes in order.
        """
        listing = Listing(items=_connection_nodes(connection), pages=1)
        if isinstance(connection.get("totalCount"), int):
            listing.total_count = connection["totalCount"]
        info = connection.get("pageInfo") or {}
        if info.get("hasNextPage") and info.get("endCursor"):
            rest = self.graphql_nodes(
                query,
                variables,
                connection_path,
                page_size=page_size,
                max_pages=max_pages,
                after=str(info["endCursor"]),
            )
            listing.items.extend(rest.items)
            listing.pages += rest.pages
            listing.truncated = rest.truncated
            listing.errors.extend(rest.errors)
        elif info.get("hasNextPage"):
            listing.truncated = True  # more exist but GitHub gave no cursor: say so
        return listing
