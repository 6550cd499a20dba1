"""Benchmark the administrative indicators on a synthetic registry of N children.

    python bench/bench_admin_indicators.py --children 27000000 --data-dir /tmp/baove-bench-admin
    python bench/bench_admin_indicators.py --children 27000000 --spark-children 1000000

The extract (``<data-dir>/admin-<N>``) is generated with DuckDB on the first run and reused
later. Each timing runs ``compute_admin`` in a fresh child process, so the peak resident
memory reported is that of the computation alone (the maximum RSS of the child). Prints one
JSON object; the target is < 60 s for 27,000,000 children on 2 cores (DuckDB).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

CHILD = """
import json, resource, sys, time
from baove.indicators.admin import compute_admin
started = time.perf_counter()
out = compute_admin(sys.argv[1], period=sys.argv[2], backend=sys.argv[3])
seconds = round(time.perf_counter() - started, 2)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps({"seconds": seconds, "rows": len(out), "peak_rss_mib": peak}))
"""


def _extract(data_dir: Path, children: int) -> tuple[Path, float | None]:
    from baove.synth.admin_extract import generate_admin_extract

    folder = data_dir / f"admin-{children}"
    if (folder / "extract.json").exists():
        return folder, None
    started = time.perf_counter()
    generate_admin_extract(folder, children=children)
    return folder, round(time.perf_counter() - started, 1)


def _timed(folder: Path, period: str, backend: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), period, backend],
        check=True,
        capture_output=True,
        text=True,
    )
    # Peak RSS is the Python process's own (for Spark, the JVM is not included).
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--children", type=int, default=27_000_000)
    p.add_argument("--data-dir", type=Path, default=Path("/tmp/baove-bench-admin"))
    p.add_argument("--period", choices=("year", "quarter", "month"), default="year")
    p.add_argument("--spark-children", type=int, default=0, help="also time Spark on N")
    args = p.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"children": args.children, "period": args.period}
    folder, gen = _extract(args.data_dir, args.children)
    report["generate_seconds"] = gen
    report["extract_mib"] = round(sum(f.stat().st_size for f in folder.iterdir()) / 2**20)
    report["duckdb"] = _timed(folder, args.period, "duckdb")
    if args.spark_children:
        small, sgen = _extract(args.data_dir, args.spark_children)
        report["spark"] = {
            "children": args.spark_children,
            "generate_seconds": sgen,
            **_timed(small, args.period, "spark"),
        }
        report["spark"]["duckdb_same_size"] = _timed(small, args.period, "duckdb")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
