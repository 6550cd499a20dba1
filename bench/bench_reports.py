"""Benchmark: national PDF report, workbook and SDMX for 20 indicators x 34 provinces x N rounds.

    /tmp/venv/bin/python bench/bench_reports.py --rounds 10 --households 2000

The results frame comes from synthetic surveys (one per round, ``baove.reports.sample_frame``);
only the report writing is timed. Target (issue 6): national PDF < 20 s at 10 rounds.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import time
from collections.abc import Callable

from baove.indicators import CATALOGUE
from baove.reports import (
    national_report,
    province_report,
    sample_frame,
    sdmx_csv_text,
    sdmx_ml_bytes,
    workbook_bytes,
)

# 20 indicators with every disaggregation including the 34 provinces.
INDICATORS = [i for i in CATALOGUE if "province" in CATALOGUE[i].disaggregations][:20]


def main() -> None:
    """Run the benchmark and print a markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--households", type=int, default=2_000)
    args = parser.parse_args()
    frame = sample_frame(args.rounds, households=args.households, indicators=INDICATORS)
    provinces = frame.loc[frame["by"] == "province", "domain"].nunique()
    machine = platform.processor() or platform.machine()
    n = frame["indicator"].nunique()
    print(f"{n} indicators x {provinces} provinces x {args.rounds} rounds: {len(frame):,} rows")
    print(f"{machine}, {os.cpu_count()} CPUs")
    steps: dict[str, Callable[[], object]] = {
        "national PDF (vi)": lambda: national_report(frame, lang="vi", out=io.BytesIO()),
        "province PDF (01, en)": lambda: province_report(frame, "01", lang="en", out=io.BytesIO()),
        "workbook (xlsx)": lambda: workbook_bytes(frame),
        "SDMX-ML (generic)": lambda: sdmx_ml_bytes(frame),
        "SDMX-CSV": lambda: sdmx_csv_text(frame),
    }
    # CPU seconds too: on a shared machine the wall clock also measures the neighbours.
    print("| output | wall s | CPU s |\n| --- | ---: | ---: |")
    for name, step in steps.items():
        start, cpu = time.perf_counter(), time.process_time()
        step()
        wall, used = time.perf_counter() - start, time.process_time() - cpu
        print(f"| {name} | {wall:.2f} | {used:.2f} |")


if __name__ == "__main__":
    main()
