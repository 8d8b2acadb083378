"""A persistent ETag store for conditional GETs (`If-None-Match`), one SQLite file.

GitHub does not charge a 304 to the primary rate limit, so re-runs re-read unchanged pages
for free. Entries are keyed by the request URL plus a short SHA-256 of the token (ETags vary by
`Authorization`), so the token itself never reaches the file; a rotated token simply misses the
cache and gets a 200. Each entry keeps the body and the `Link` header, so a 304 page still knows
its next page. requests-cache was considered; it keys on or strips `Authorization` rather than
a token digest and hides the 304 from the caller, which must count it, so this is ~60 lines.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

ETAG_FILE = "etags.sqlite"


def token_identity(token: str) -> str:
    """A short SHA-256 digest identifying the token without revealing it."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class CachedResponse:
    """What a 304 is answered from: the validator, the body text and the Link header."""

    etag: str
    body: str
    link: str | None


class EtagStore:
    """SQLite-backed map `(token identity, URL) -> CachedResponse`; safe across threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=30.0)
        # A cache, not a record: WAL + synchronous=NORMAL keeps it consistent after a crash
        # (at worst the last entries are lost, which only costs 200s) without an fsync per page.
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        with self._lock, self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS etags (key TEXT PRIMARY KEY, etag TEXT NOT NULL, "
                "body TEXT NOT NULL, link TEXT)"
            )

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> EtagStore:
        """The store at `<data_dir>/cache/etags.sqlite` (the contract's cache location)."""
        return cls(data_dir / "cache" / ETAG_FILE)

    @staticmethod
    def key(token_id: str, url: str) -> str:
        """The cache key for one token identity and one full request URL."""
        return f"{token_id} {url}"

    def get(self, key: str) -> CachedResponse | None:
        """The cached entry for `key`, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT etag, body, link FROM etags WHERE key = ?", (key,)
            ).fetchone()
        return CachedResponse(row[0], row[1], row[2]) if row else None

    def put(self, key: str, entry: CachedResponse) -> None:
        """Store (or replace) the entry for `key`."""
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO etags (key, etag, body, link) VALUES (?, ?, ?, ?)",
                (key, entry.etag, entry.body, entry.link),
            )

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM etags").fetchone()[0])

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()

    def __repr__(self) -> str:
        return f"EtagStore({str(self.path)!r})"
