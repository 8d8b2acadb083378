"""Aggregation of a 2,000-repo, 90-day demo snapshot: time, peak memory, ratio to loading alone.

Targets (issue 5): aggregation time / time to merely load the raw JSON <= 3, peak memory <= 2 GB.
The snapshot is generated once into benchmarks/_work/ (reused while its parameters match);
loading and aggregation are each measured in a fresh child process, whose peak RSS
(`resource.getrusage(RUSAGE_SELF).ru_maxrss`) is its own.

    python benchmarks/bench_aggregate.py [--repos 2000] [--days 90] [--window 30] [--regenerate]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"
AS_OF = datetime(2026, 3, 1, tzinfo=UTC)
RATIO_TARGET = 3.0
PEAK_TARGET_MB = 2048.0


def _cpu_seconds() -> float:
    """CPU time (user + system) of this process so far: steadier than wall time on a busy box."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mb() -> float:
    """This process's peak resident set size in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def ensure_snapshot(n_repos: int, days: int, regenerate: bool) -> Path:
    """Write the demo snapshot unless an identical one is already there."""
    from orgmetrics.demo.generate import generate_org
    from orgmetrics.demo.snapshot import write_snapshot

    root = WORK / f"aggregate_{n_repos}r_{days}d"
    stamp = root / "params.json"
    wanted = {"repos": n_repos, "days": days, "as_of": AS_OF.isoformat(), "seed": 7}
    if not regenerate and stamp.is_file() and json.loads(stamp.read_text()) == wanted:
        return root
    shutil.rmtree(root, ignore_errors=True)
    started = time.perf_counter()
    org = generate_org(seed=7, n_repos=n_repos, now=AS_OF, history_days=days)
    write_snapshot(org, root, as_of=AS_OF, lookback_days=days, validate=False, compact=True)
    stamp.write_text(json.dumps(wanted))
    print(f"generated {n_repos} repos x {days} days in {time.perf_counter() - started:.1f} s")
    return root


def measure_load(root: Path) -> dict[str, float]:
    """Read and parse every raw document (what any consumer must do at least)."""
    started, cpu = time.perf_counter(), _cpu_seconds()
    docs = [json.loads(p.read_bytes()) for p in sorted(root.glob("raw/*/*.json"))]
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu": _cpu_seconds() - cpu,
        "peak_mb": _peak_mb(),
        "docs": float(len(docs)),
    }


def measure_aggregate(root: Path, window: int) -> dict[str, float]:
    """The full aggregation: load, validate, frames, every section, series, validate, write."""
    from orgmetrics.aggregate import aggregate_snapshot

    started, cpu = time.perf_counter(), _cpu_seconds()
    result = aggregate_snapshot(root, window_days=window)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu": _cpu_seconds() - cpu,
        "peak_mb": _peak_mb(),
        "repos": float(len(result.dashboard["repos"])),
    }


def _child(mode: str, root: Path, window: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--root", str(root), "--window", str(window)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _counts(root: Path) -> str:
    """How much event data the snapshot holds (for the record)."""
    totals = {"pull_requests": 0, "workflow_runs": 0, "deployments": 0, "commits": 0}
    for path in root.glob("raw/*/*.json"):
        doc = json.loads(path.read_bytes())
        for key in totals:
            totals[key] += len(doc[key]["items"])
    return ", ".join(f"{v:,} {k}" for k, v in totals.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=2000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--window", type=int, default=30)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--child", choices=["load", "aggregate"])
    parser.add_argument("--root", type=Path)
    args = parser.parse_args()

    if args.child:
        result = (
            measure_load(args.root)
            if args.child == "load"
            else measure_aggregate(args.root, args.window)
        )
        print(json.dumps(result))
        return

    root = ensure_snapshot(args.repos, args.days, args.regenerate)
    size_mb = sum(p.stat().st_size for p in root.glob("raw/*/*.json")) / 2**20
    print(f"snapshot: {args.repos} repos, {args.days} days, {size_mb:.0f} MiB raw JSON")
    print(f"events: {_counts(root)}")
    load = _child("load", root, args.window)
    agg = _child("aggregate", root, args.window)
    ratio = agg["seconds"] / load["seconds"]
    cpu_ratio = agg["cpu"] / load["cpu"]
    for label, m in (("load raw JSON", load), (f"aggregate (W={args.window})", agg)):
        print(
            f"{label}: {m['seconds']:.2f} s wall, {m['cpu']:.2f} s CPU, peak {m['peak_mb']:.0f} MiB"
        )
    verdict_ratio = "ok" if max(ratio, cpu_ratio) <= RATIO_TARGET else "OVER TARGET"
    verdict_peak = "ok" if agg["peak_mb"] <= PEAK_TARGET_MB else "OVER TARGET"
    print(
        f"ratio aggregate/load: {ratio:.2f} wall, {cpu_ratio:.2f} CPU "
        f"(target <= {RATIO_TARGET:g}: {verdict_ratio})"
    )
    print(f"peak memory: {agg['peak_mb']:.0f} MiB (target <= {PEAK_TARGET_MB:.0f}: {verdict_peak})")


if __name__ == "__main__":
    main()
