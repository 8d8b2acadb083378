"""Fault injection for the fake GitHub: which requests fail, and how.

A `Fault` matches requests by a regex searched in the path (and optionally the method);
`times` counts down per matching request (None = forever). Thread-safe: the server is
multi-threaded and tests add faults while a client is running.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

FAULT_KINDS = frozenset(
    {"status", "secondary_limit", "primary_limit", "latency", "malformed_json", "connection_reset"}
)


@dataclass
class Fault:
    """One switch: `kind` applies to requests whose path matches `pattern`."""

    pattern: re.Pattern[str]
    kind: str
    times: int | None = 1
    status: int = 502
    retry_after: int | None = 1
    delay: float = 0.0
    reset_in: float = 2.0
    method: str | None = None
    hits: int = field(default=0)

    def matches(self, method: str, path: str) -> bool:
        """Does this fault apply to a request (still armed, method and path match)?"""
        if self.times is not None and self.hits >= self.times:
            return False
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.pattern.search(path) is not None


class FaultSet:
    """The faults armed on one fake server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(
        self,
        pattern: str,
        kind: str,
        *,
        times: int | None = 1,
        status: int = 502,
        retry_after: int | None = 1,
        delay: float = 0.0,
        reset_in: float = 2.0,
        method: str | None = None,
    ) -> Fault:
        """Arm a fault; see docs/INTERFACES.md for the kinds. Returns it (its `hits` count)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; use one of {sorted(FAULT_KINDS)}")
        if times is not None and times < 1:
            raise ValueError("times must be >= 1 or None (every matching request)")
        fault = Fault(
            pattern=re.compile(pattern),
            kind=kind,
            times=times,
            status=status,
            retry_after=retry_after,
            delay=delay,
            reset_in=reset_in,
            method=method,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        """Disarm every fault."""
        with self._lock:
            self._faults.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """The first armed fault matching this request, counting the hit (None if none)."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.hits += 1
                    return fault
        return None

    def __len__(self) -> int:
        with self._lock:
            return sum(1 for f in self._faults if f.times is None or f.hits < f.times)
