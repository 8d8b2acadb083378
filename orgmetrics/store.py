"""The data directory's layout and its only writer: atomic writes, nothing half-written.

Layout (contract "Files"):
    data/raw/<run_id>/<repo>.json        one validated raw document per repo
    data/meta/run_<YYYYMMDD_HHMMSS>.json  run metadata
    data/aggregated/dashboard.json       latest aggregation
    data/history/<YYYY-MM-DD>/dashboard.json
    data/cache/                          the client's ETag store
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class DataDir:
    """Paths inside one data directory."""

    root: Path

    def raw_dir(self, run_id: str) -> Path:
        return self.root / "raw" / run_id

    def raw_file(self, run_id: str, repo_name: str) -> Path:
        return self.raw_dir(run_id) / f"{repo_name}.json"

    @property
    def meta_dir(self) -> Path:
        return self.root / "meta"

    @property
    def aggregated_file(self) -> Path:
        return self.root / "aggregated" / "dashboard.json"

    def history_file(self, as_of_date: str) -> Path:
        return self.root / "history" / as_of_date / "dashboard.json"

    @property
    def cache_dir(self) -> Path:
        return self.root / "cache"


def dumps_canonical(document: Any) -> str:
    """Serialise JSON deterministically: sorted keys, 2-space indent, UTF-8, trailing newline."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _current_umask() -> int:
    """The process umask (read once: os.umask can only be read by setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# mkstemp creates 0600 files; published files get the permissions `open()` would give them.
_FILE_MODE = 0o666 & ~_current_umask()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a temporary file in the same folder and a rename.

    A crash leaves either the old file or the new one, never a torn one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, _FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """`atomic_write_bytes` for UTF-8 text."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: Path, document: Any) -> None:
    """Write a JSON document atomically in the canonical form of `dumps_canonical`."""
    atomic_write_text(path, dumps_canonical(document))


def read_json(path: Path) -> Any:
    """Read a JSON file (UTF-8)."""
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, for manifests."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
