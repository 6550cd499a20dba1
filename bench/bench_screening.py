"""Benchmark: proactive screening of registry children (synthetic lists, DuckDB).

    python bench/bench_screening.py --children 5000000

Writes the lists once to a temporary folder (not timed), then times
:func:`baove.riskrules.proactive_screen`: reading the Parquet lists, joining them by child id,
the rules as SQL, ranking per commune and writing the visit list. Target: 5,000,000 children
in < 60 s on a 2-core machine. Also times the Python evaluator per answer set.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from baove.riskrules import default_rules, evaluate, proactive_screen
from baove.riskrules.synth import write_synthetic_lists


def main() -> None:
    """Run the benchmark and print a markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    rules = default_rules()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        lists = write_synthetic_lists(Path(tmp) / "lists", args.children, seed=1)
        gen = time.perf_counter() - started
        rows = sum(os.path.getsize(lst.path) for lst in lists)
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = proactive_screen(lists, rules, out=Path(tmp) / "visits.parquet")
            times.append(time.perf_counter() - started)
    answers = {"out_of_school": True, "child_labour": True, "poverty": "poor", "neglect": False}
    n = 20_000
    started = time.perf_counter()
    for _ in range(n):
        evaluate(answers, rules)
    per = (time.perf_counter() - started) / n * 1e6
    print("| children | lists (MB) | generate (s) | screen + rank + write (s) | to visit |")
    print("|---:|---:|---:|---:|---:|")
    print(
        f"| {result.children:,} | {rows / 1e6:.0f} | {gen:.1f} | {min(times):.1f} "
        f"| {result.visits:,} |"
    )
    print(f"\nlevels: {result.by_level}; Python evaluate(): {per:.0f} µs per answer set")


if __name__ == "__main__":
    main()
