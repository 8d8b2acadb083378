"""Report ids `<org>-<as_of date>-v<N>` and their atomic reservation: nothing is overwritten.

An id is reserved by creating `.reserved-<id>` with `os.mkdir` (atomic: exactly one process
wins). The report is rendered into a temporary folder next to it and renamed into place
only when complete, so `<output root>/<id>/` is either absent or whole.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

RESERVED_PREFIX = ".reserved-"


def id_prefix(org: str, as_of: str) -> str:
    """`<org>-<YYYY-MM-DD>` with anything outside [A-Za-z0-9._-] in the org replaced."""
    safe_org = re.sub(r"[^A-Za-z0-9._-]", "_", org) or "org"
    return f"{safe_org}-{as_of[:10]}"


def existing_versions(output_root: Path, prefix: str) -> list[int]:
    """Versions issued (or reserved) for `prefix` under `output_root`."""
    pattern = re.compile(rf"^(?:{re.escape(RESERVED_PREFIX)})?{re.escape(prefix)}-v(\d+)$")
    if not output_root.is_dir():
        return []
    found = (pattern.match(entry.name) for entry in output_root.iterdir())
    return sorted(int(m.group(1)) for m in found if m)


def reserve_report_id(output_root: Path, prefix: str) -> str:
    """Reserve and return the next free `<prefix>-v<N>` (N = highest issued + 1)."""
    output_root.mkdir(parents=True, exist_ok=True)
    while True:
        versions = existing_versions(output_root, prefix)
        report_id = f"{prefix}-v{(versions[-1] if versions else 0) + 1}"
        try:
            os.mkdir(output_root / f"{RESERVED_PREFIX}{report_id}")
        except FileExistsError:
            continue
        if (output_root / report_id).exists():  # issued by an older run without reservation
            continue
        return report_id


def release(output_root: Path, report_id: str) -> None:
    """Drop the reservation of `report_id` (after publishing or on failure)."""
    marker = output_root / f"{RESERVED_PREFIX}{report_id}"
    if marker.is_dir():
        marker.rmdir()


def staging_dir(output_root: Path, report_id: str) -> Path:
    """A fresh temporary folder on the same file system as the final one."""
    output_root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{report_id}.tmp-", dir=output_root))


def publish(staging: Path, output_root: Path, report_id: str) -> Path:
    """Rename the complete staging folder to `<output root>/<report id>` (never replacing)."""
    final = output_root / report_id
    if final.exists():
        raise FileExistsError(f"{final} already exists; refusing to overwrite a report")
    _default_permissions(staging)
    os.rename(staging, final)
    return final


def _default_permissions(folder: Path) -> None:
    """mkdtemp/mkstemp create owner-only files; a published report follows the umask."""
    mask = os.umask(0)
    os.umask(mask)
    folder.chmod(0o777 & ~mask)
    for path in folder.iterdir():
        if path.is_file():
            path.chmod(0o666 & ~mask)


def discard(staging: Path) -> None:
    """Remove a staging folder after a failed render."""
    shutil.rmtree(staging, ignore_errors=True)
