"""``baove indicators admin``: administrative indicators from an extract folder."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from baove.indicators.admin.compute import compute_admin
from baove.indicators.admin.schema import AdminExtractError
from baove.indicators.admin.sql import PERIODS


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``baove indicators admin``."""
    parser = argparse.ArgumentParser(
        prog="baove indicators admin",
        description="Administrative child protection indicators by province and period.",
    )
    parser.add_argument("--extract", required=True, type=Path, help="extract folder")
    parser.add_argument("--period", choices=PERIODS, default="year", help="year (default)")
    parser.add_argument("--backend", choices=("duckdb", "spark"), default="duckdb")
    parser.add_argument("--source", default="admin", help="text of the source column")
    parser.add_argument("--out", required=True, type=Path, help="output .parquet or .csv")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return the exit status (0 ok, 1 bad extract, 2 bad arguments)."""
    args = build_parser().parse_args(argv)
    suffix = args.out.suffix.lower()
    if suffix not in {".parquet", ".csv"}:
        print("--out must end in .parquet or .csv", file=sys.stderr)
        return 2
    try:
        table = compute_admin(
            args.extract, period=args.period, backend=args.backend, source=args.source
        )
    except AdminExtractError as exc:
        print(exc, file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".parquet":
        table.to_parquet(args.out, index=False)
    else:
        table.to_csv(args.out, index=False)
    print(f"{len(table):,} rows -> {args.out}")
    return 0
