"""Snapshot -> dashboard.json: load and validate the raw documents, compute every section, write.

`aggregate_snapshot` is the only entry point (docs/INTERFACES.md "Aggregator"). Everything it
needs comes from the snapshot (its `as_of`, its run metadata), never from the wall clock, so
aggregating the same snapshot twice gives byte-identical files.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import numpy as np

from orgmetrics.errors import ConfigError, OrgmetricsError, SchemaError
from orgmetrics.metrics import data_quality, risk, security, series
from orgmetrics.metrics.base import SectionResult, Window
from orgmetrics.metrics.frames import Frames, build_frames
from orgmetrics.metrics.params import MetricParams
from orgmetrics.schema import DASHBOARD, RAW_REPO, load_schema, validate
from orgmetrics.store import DataDir, atomic_write_text, dumps_canonical
from orgmetrics.timeutil import days_before, parse_iso, to_iso

SCHEMA_VERSION = "2.0"
SECTIONS: tuple[str, ...] = ("dora", "ci", "flow", "security", "activity")
TOP_RISKS = 10

SectionCompute = Callable[[Frames, Window, MetricParams], SectionResult]


@dataclass(frozen=True)
class AggregateResult:
    """The dashboard document, where it was written, and the SHA-256 of every input file."""

    dashboard: dict[str, Any]
    path: Path | None
    history_path: Path | None
    inputs: dict[str, str]


@dataclass(frozen=True)
class Snapshot:
    """One collection run: its metadata and raw document files, read lazily (one at a time).

    `inputs` (relative path -> SHA-256) holds the meta file at once and each raw document once
    `documents()` has read it, so a 2,000-repo snapshot is never held in memory as JSON.
    """

    root: Path
    run_id: str
    meta: dict[str, Any]
    files: list[Path]
    inputs: dict[str, str]
    as_of: datetime
    lookback_days: int

    def documents(self) -> Iterator[dict[str, Any]]:
        """Each raw document, parsed, hashed into `inputs` and validated (fail fast)."""
        as_of_text = to_iso(self.as_of)
        for path in self.files:
            doc = _read(path, self.root, self.inputs)
            check_document(doc, RAW_REPO, source=str(path))
            if doc["run_id"] != self.run_id:
                raise SchemaError(
                    f"{path}: $.run_id is {doc['run_id']!r}, expected {self.run_id!r}"
                )
            if doc["as_of"] != as_of_text or doc["lookback_days"] != self.lookback_days:
                raise SchemaError(
                    f"{path}: as_of/lookback_days ({doc['as_of']}, {doc['lookback_days']}) differ "
                    f"from the run's ({as_of_text}, {self.lookback_days})"
                )
            yield doc


def _section_modules() -> dict[str, SectionCompute]:
    """The `compute` function of every contract section, by section name."""
    from orgmetrics.metrics import activity, ci, dora, flow

    return {
        "dora": dora.compute,
        "ci": ci.compute,
        "flow": flow.compute,
        "security": security.compute,
        "activity": activity.compute,
    }


@cache
def _fast_validator(name: str) -> Any:
    """A compiled (Rust) validator of the shipped schema `name`, for the common valid case."""
    return jsonschema_rs.validator_for(load_schema(name))


def check_document(document: Any, name: str, *, source: str) -> None:
    """Validate fast; on a violation let `orgmetrics.schema.validate` name the path and rule."""
    if not _fast_validator(name).is_valid(document):
        validate(document, name, source=source)
        raise SchemaError(f"{source}: violates the {name} schema")  # both validators must agree


def _read(path: Path, root: Path, inputs: dict[str, str]) -> Any:
    """Parse a JSON file, recording its SHA-256 under its path relative to the data dir."""
    data = path.read_bytes()
    inputs[path.relative_to(root).as_posix()] = hashlib.sha256(data).hexdigest()
    try:
        return json.loads(data)
    except ValueError as exc:
        raise SchemaError(f"{path}: not valid JSON ({exc})") from None


def _find_meta(
    data: DataDir, run_id: str | None, allow_incomplete: bool
) -> tuple[Path, dict[str, Any]]:
    """The run metadata file of `run_id`, or of the latest complete run."""
    meta_files = sorted(data.meta_dir.glob("run_*.json")) if data.meta_dir.is_dir() else []
    if not meta_files:
        raise ConfigError(
            f"no snapshot in {data.root}: {data.meta_dir} has no run_*.json; "
            "run 'orgmetrics collect' first"
        )
    metas: list[tuple[Path, dict[str, Any]]] = []
    for path in meta_files:
        try:
            meta = json.loads(path.read_text("utf-8"))
        except ValueError as exc:
            raise SchemaError(f"{path}: not valid JSON ({exc})") from None
        if not isinstance(meta, dict):
            raise SchemaError(f"{path}: $ is not an object (run metadata)")
        metas.append((path, meta))
    if run_id is not None:
        matching = [(p, m) for p, m in metas if m.get("run_id") == run_id]
        if not matching:
            known = ", ".join(str(m.get("run_id")) for _, m in metas)
            raise ConfigError(f"run {run_id!r} not found in {data.meta_dir} (runs: {known})")
        path, meta = matching[-1]
        if meta.get("status", "complete") != "complete" and not allow_incomplete:
            raise ConfigError(
                f"run {run_id} is {meta.get('status')!r}, not complete: resume it with "
                f"'orgmetrics collect --resume {run_id}' (or aggregate it anyway with "
                "--allow-incomplete)"
            )
        return path, meta
    for path, meta in reversed(metas):
        if meta.get("status", "complete") == "complete" or allow_incomplete:
            return path, meta
    raise ConfigError(
        f"no complete run in {data.meta_dir}: resume the last one with "
        "'orgmetrics collect --resume <run_id>' (or aggregate it anyway with --allow-incomplete)"
    )


def load_snapshot(
    data_dir: Path, run_id: str | None = None, *, allow_incomplete: bool = False
) -> Snapshot:
    """A run's metadata and the list of its raw documents (read later by `documents()`)."""
    data = DataDir(Path(data_dir))
    meta_path, _ = _find_meta(data, run_id, allow_incomplete)
    inputs: dict[str, str] = {}
    meta = _read(meta_path, data.root, inputs)
    rid = meta.get("run_id")
    if not isinstance(rid, str) or not rid:
        raise SchemaError(f"{meta_path}: $.run_id is missing")
    raw_dir = data.raw_dir(rid)
    files = sorted(raw_dir.glob("*.json")) if raw_dir.is_dir() else []
    if not files:
        raise ConfigError(f"run {rid}: no raw documents in {raw_dir}")
    as_of_text, lookback = meta.get("as_of"), meta.get("lookback_days")
    try:
        as_of = parse_iso(as_of_text) if isinstance(as_of_text, str) else None
    except ValueError:
        as_of = None
    # A whole number of days >= 1 (bool is an int in Python, and "30" is not a number).
    lookback_ok = isinstance(lookback, int) and not isinstance(lookback, bool) and lookback >= 1
    if as_of is None or not lookback_ok:
        raise SchemaError(
            f"{meta_path}: $.as_of / $.lookback_days missing or invalid "
            f"({as_of_text!r}, {lookback!r}): as_of must be an ISO-8601 UTC time and "
            "lookback_days a whole number of days >= 1"
        )
    lookback_days = int(lookback)
    return Snapshot(data.root, rid, meta, files, inputs, as_of, lookback_days)


def resolve_window(snapshot: Snapshot, window_days: int, as_of: datetime | None) -> Window:
    """The reporting window, checked against what the snapshot covers (contract "Time")."""
    if window_days < 1:
        raise ConfigError(f"--window-days must be at least 1, got {window_days}")
    if window_days > snapshot.lookback_days:
        raise ConfigError(
            f"--window-days {window_days} exceeds the snapshot's lookback of "
            f"{snapshot.lookback_days} days (run {snapshot.run_id}); use a window of at most "
            f"{snapshot.lookback_days} days or collect with a longer lookback"
        )
    end = snapshot.as_of if as_of is None else as_of
    if end.tzinfo is None:
        raise ConfigError("--as-of must carry a timezone (e.g. 2024-03-31T00:00:00Z)")
    if end > snapshot.as_of:
        raise ConfigError(
            f"--as-of {to_iso(end)} is later than the snapshot's as_of {to_iso(snapshot.as_of)}"
        )
    earliest = days_before(snapshot.as_of, snapshot.lookback_days - window_days)
    if end < earliest:
        raise ConfigError(
            f"--as-of {to_iso(end)} is too early: with a {window_days}-day window the snapshot "
            f"(as_of {to_iso(snapshot.as_of)}, lookback {snapshot.lookback_days} days) covers "
            f"as_of from {to_iso(earliest)} on"
        )
    return Window(as_of=end, days=window_days)


def _plain(value: Any, where: str) -> Any:
    """JSON-ready copy: numpy scalars to Python, tuples to lists; NaN/inf is a bug, refused."""
    if isinstance(value, dict):
        return {str(k): _plain(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        raise OrgmetricsError(f"internal error: {where} is {value}, not a number or null")
    return value


def _params_dict(params: MetricParams) -> dict[str, Any]:
    return dataclasses.asdict(params)


_REPO_FIELDS = ("name", "full_name", "archived", "fork", "private", "empty")
_REPO_NULLABLE = ("default_branch", "language")


def _repo_head(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The descriptive fields of a repo entry (contract layout), from its raw document."""
    meta = doc["repo"]
    head: dict[str, Any] = {key: meta[key] for key in _REPO_FIELDS}
    head.update({key: meta.get(key) for key in _REPO_NULLABLE})
    return head


def build_dashboard(
    snapshot: Snapshot,
    window: Window,
    params: MetricParams,
    computes: Mapping[str, SectionCompute] | None = None,
) -> dict[str, Any]:
    """The dashboard document (contract "dashboard.json layout") from a snapshot.

    The raw documents are streamed once: each is validated, hashed, reduced to its data-quality
    flags and descriptive fields, and appended to the frames; none is kept.
    """
    computes = dict(computes or _section_modules())
    heads: dict[str, dict[str, Any]] = {}
    qualities: dict[str, dict[str, Any]] = {}
    archived: list[str] = []
    orgs: set[str] = set()

    def stream() -> Iterator[dict[str, Any]]:
        for doc in snapshot.documents():
            head = _repo_head(doc)
            orgs.add(str(doc["org"]))
            if head["archived"]:
                archived.append(head["name"])
            else:
                heads[head["name"]] = head
                qualities[head["name"]] = data_quality.repo_quality(doc)
            yield doc

    frames = build_frames(stream())
    sections = {key: computes[key](frames, window, params) for key in SECTIONS}
    names = sorted(heads)
    risks = risk.compute(sections, names, params.risk_weights)
    repos = [
        {
            **heads[name],
            **{key: sections[key].repos[name] for key in SECTIONS},
            "risk": risks[name],
            "data_quality": qualities[name],
        }
        for name in names
    ]
    dashboard: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "org": snapshot.meta.get("org") or min(orgs),
        "run_id": snapshot.run_id,
        "as_of": to_iso(window.as_of),
        "snapshot_as_of": to_iso(snapshot.as_of),
        "lookback_days": snapshot.lookback_days,
        "generated_at": to_iso(snapshot.as_of),
        "window": {"days": window.days, "start": to_iso(window.start), "end": to_iso(window.end)},
        **{key: sections[key].org for key in SECTIONS},
        "data_quality": data_quality.org_quality(
            qualities,
            snapshot.meta,
            archived_docs=sorted(archived),
            bot_prs_excluded=sections["flow"].org.get("bot_prs_excluded"),
        ),
        "run": snapshot.meta,
        "repos": repos,
        "top_risks": risk.top_risks(repos, TOP_RISKS),
        "series": series.compute(
            frames, window.as_of, days_before(snapshot.as_of, snapshot.lookback_days), params
        ),
        "inputs": dict(sorted(snapshot.inputs.items())),
        "params": _params_dict(params),
        "dora_bands_edition": sections["dora"].org.get("bands_edition", params.dora_bands),
    }
    plain: dict[str, Any] = _plain(dashboard, "$")
    return plain


def aggregate_snapshot(
    data_dir: Path,
    *,
    run_id: str | None = None,
    window_days: int = 30,
    as_of: datetime | None = None,
    params: MetricParams | None = None,
    write: bool = True,
    allow_incomplete: bool = False,
) -> AggregateResult:
    """Aggregate a snapshot into `aggregated/dashboard.json` and `history/<as_of date>/`."""
    data = DataDir(Path(data_dir))
    snapshot = load_snapshot(data.root, run_id, allow_incomplete=allow_incomplete)
    window = resolve_window(snapshot, window_days, as_of)
    dashboard = build_dashboard(snapshot, window, params or MetricParams())
    check_document(dashboard, DASHBOARD, source="dashboard.json (before writing)")
    if not write:
        return AggregateResult(dashboard, None, None, dict(snapshot.inputs))
    text = dumps_canonical(dashboard)
    path = data.aggregated_file
    history = data.history_file(window.as_of.strftime("%Y-%m-%d"))
    atomic_write_text(history, text)
    atomic_write_text(path, text)
    return AggregateResult(dashboard, path, history, dict(snapshot.inputs))
