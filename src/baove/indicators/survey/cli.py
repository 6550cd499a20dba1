"""``baove survey estimate``: ad-hoc design-based estimates from any survey file."""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import pandas as pd

from baove.indicators.survey.design import Design, Measure
from baove.indicators.survey.errors import SurveyInputError
from baove.indicators.survey.estimate import estimate
from baove.indicators.survey.io import read_survey_file

__all__ = ["main"]

_NUMBERS = ("estimate", "se", "ci_low", "ci_high", "deff", "n_unweighted", "n_weighted")
_DASHED = ("estimate", "se", "ci_low", "ci_high", "deff")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="baove survey", description="Survey estimation.")
    commands = parser.add_subparsers(dest="command", required=True)
    est = commands.add_parser(
        "estimate",
        help="design-based estimate (Taylor linearisation, with-replacement PSU variance)",
    )
    est.add_argument("file", help="survey file: .sav, .csv or .parquet")
    est.add_argument("--weight", required=True, help="weight variable")
    est.add_argument("--strata", help="strata variable")
    est.add_argument("--psu", help="PSU (cluster) variable; default: each row is a PSU")
    what = est.add_mutually_exclusive_group(required=True)
    what.add_argument("--mean", metavar="VAR", help="mean (proportion for a 0/1 variable)")
    what.add_argument("--total", metavar="VAR", help="total")
    what.add_argument("--ratio", metavar="NUM/DEN", help="ratio sum(w*NUM)/sum(w*DEN)")
    est.add_argument(
        "--by", action="append", default=[], metavar="COL", help="domain variable (repeatable)"
    )
    est.add_argument("--format", choices=("json", "csv"), default="csv")
    est.add_argument(
        "--lonely-psu", choices=("fail", "adjust", "certainty", "remove"), default="fail"
    )
    est.add_argument("--ci-level", type=float, default=0.95)
    return parser


def _cell(value: object, empty: bool, column: str) -> object:
    """A JSON-ready value: '-' for an empty domain, None for NaN/NA."""
    if empty and column in _DASHED:
        return "-"
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _rows(table: pd.DataFrame, by: Sequence[str]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    columns = [*by, *_NUMBERS]
    for record in table[columns].astype(object).itertuples(index=False, name=None):
        values = dict(zip(columns, record, strict=True))
        empty = values["n_unweighted"] == 0
        rows.append({c: _cell(values[c], empty, c) for c in columns})
    return rows


def _write(rows: list[dict[str, object]], columns: list[str], fmt: str, out: TextIO) -> None:
    if fmt == "json":
        json.dump(rows, out, ensure_ascii=False, indent=1, allow_nan=False)
        out.write("\n")
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row[c] is None else row[c] for c in columns])
    out.write(buffer.getvalue())


def _run(args: argparse.Namespace) -> int:
    name = Path(args.file).name
    if args.ratio is not None:
        num, sep, den = str(args.ratio).partition("/")
        if not sep or not num or not den:
            raise SurveyInputError(
                name,
                args.ratio,
                "--ratio must be written NUM/DEN",
                "--ratio phải có dạng TỬ_SỐ/MẪU_SỐ",
            )
        measure = Measure(name=f"{num}/{den}", kind="ratio", y=num, x=den)
    elif args.total is not None:
        measure = Measure(name=args.total, kind="total", y=args.total)
    else:
        measure = Measure(name=args.mean, kind="mean", y=args.mean)
    by: list[str] = list(dict.fromkeys(args.by))
    needed = [args.weight, args.strata, args.psu, measure.y, measure.x, *by]
    columns = list(dict.fromkeys(c for c in needed if c is not None))
    frame = read_survey_file(args.file, columns=columns).data
    design = Design(
        weight=args.weight, strata=args.strata, psu=args.psu, lonely_psu=args.lonely_psu
    )
    table = estimate(frame, design, [measure], by=[tuple(by)], ci_level=args.ci_level, source=name)
    _write(_rows(table, by), [*by, *_NUMBERS], args.format, sys.stdout)
    return 0


def main(argv: Sequence[str]) -> int:
    """Run ``baove survey ...`` (``argv`` excludes ``survey``).

    Args:
        argv: Command-line arguments, e.g. ``["estimate", "hl.sav", "--weight", ...]``.

    Returns:
        0 on success, 2 on bad input (message on stderr, no traceback).
    """
    parser = _parser()
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exc:  # argparse already printed the usage message
        return int(exc.code) if isinstance(exc.code, int) else 2
    try:
        return _run(args)
    except SurveyInputError as exc:
        print(str(exc), file=sys.stderr)
        return 2
