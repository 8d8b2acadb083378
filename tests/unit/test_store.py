"""The data directory's writer: atomic, canonical, and never damaging what was there."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from orgmetrics import store


def test_atomic_write_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "dashboard.json"
    store.atomic_write_json(target, {"b": 1, "a": [2, 1]})
    store.atomic_write_json(target, {"b": 2})
    assert target.read_text(encoding="utf-8") == '{\n  "b": 2\n}\n'
    assert [p.name for p in target.parent.iterdir()] == ["dashboard.json"]


def test_a_failed_write_keeps_the_earlier_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "dashboard.json"
    store.atomic_write_text(target, "old\n")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(store.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        store.atomic_write_text(target, "new\n")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["dashboard.json"]


def test_written_files_get_the_permissions_of_a_plain_open(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("x", encoding="utf-8")
    atomic = tmp_path / "atomic.txt"
    store.atomic_write_text(atomic, "x")
    assert stat.S_IMODE(os.stat(atomic).st_mode) == stat.S_IMODE(os.stat(plain).st_mode)


def test_canonical_json_is_sorted_indented_unicode_and_newline_terminated() -> None:
    text = store.dumps_canonical({"z": "日本語", "a": {"y": 1, "b": None}})
    assert text == '{\n  "a": {\n    "b": null,\n    "y": 1\n  },\n  "z": "日本語"\n}\n'


def test_sha256_file_matches_hashlib(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"orgmetrics" * 1000)
    assert store.sha256_file(path) == hashlib.sha256(b"orgmetrics" * 1000).hexdigest()
