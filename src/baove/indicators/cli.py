"""``baove indicators``: list the catalogue, compute it from a survey, administrative data.

    baove indicators list [--format text|json] [--lang vi|en]
    baove indicators compute --survey DIR [--mapping FILE] [--admin DIR] [--ids ID,...]
                             [--by DIM,...] [--moda-k 2] [--lonely-psu fail] --out FILE
    baove indicators admin --extract DIR [--period year] [--backend duckdb|spark] --out FILE
    baove indicators progress [--results FILE] [--format text|json]

Errors name the file and variable, go to stderr in Vietnamese and English, and exit with 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from baove.indicators.survey import SurveyInputError, read_survey_file

__all__ = ["main", "read_survey_dir"]

SURVEY_FILES = ("hh", "hl", "ch", "fs", "wm", "mn")
SUFFIXES = (".sav", ".parquet", ".csv")


class CliError(Exception):
    """A usage problem: printed as is, exit code 2."""


def read_survey_dir(
    directory: Path, mapping: Mapping[str, Mapping[str, str]] | None = None
) -> dict[str, pd.DataFrame]:
    """Read the MICS files (hh, hl, ch, fs, wm, mn) present in a folder.

    Args:
        directory: folder holding ``hh.sav`` / ``hh.parquet`` / ``hh.csv`` and so on.
        mapping: per file, source variable name -> our name (see docs/survey-schema.md).

    Returns:
        The files found, by their short name. Files that are absent are left out; the
        indicators that need them then report which file is missing.
    """
    if not directory.is_dir():
        raise CliError(f"Không tìm thấy thư mục {directory} / Folder {directory} does not exist")
    files: dict[str, pd.DataFrame] = {}
    for name in SURVEY_FILES:
        found = [directory / f"{name}{suffix}" for suffix in SUFFIXES]
        present = [p for p in found if p.exists()]
        if len(present) > 1:
            raise CliError(
                f"Thư mục {directory} có nhiều tệp cho '{name}': "
                f"{', '.join(p.name for p in present)} / Folder {directory} has several files "
                f"for '{name}': keep one"
            )
        if present:
            file_mapping = dict(mapping.get(name, {})) if mapping else None
            files[name] = read_survey_file(present[0], mapping=file_mapping).data
    if not files:
        raise CliError(
            f"Thư mục {directory} không có tệp hh/hl/ch/fs/wm/mn (.sav, .parquet, .csv) / "
            f"Folder {directory} holds no hh/hl/ch/fs/wm/mn file (.sav, .parquet, .csv)"
        )
    return files


def _read_mapping(path: Path | None) -> dict[str, dict[str, str]] | None:
    if path is None:
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CliError(
            f"Không đọc được tệp ánh xạ {path}: {exc} / Cannot read mapping file {path}: {exc}"
        ) from exc
    if not isinstance(raw, dict) or not all(
        isinstance(v, dict) and all(isinstance(a, str) and isinstance(b, str) for a, b in v.items())
        for v in raw.values()
    ):
        raise CliError(
            f'Tệp ánh xạ {path} phải có dạng {{"hh": {{"tên_gốc": "TÊN"}}}} / '
            f'Mapping file {path} must look like {{"hh": {{"their_name": "OUR_NAME"}}}}'
        )
    return {str(k): dict(v) for k, v in raw.items()}


def _split(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


def cmd_list(args: argparse.Namespace) -> int:
    from baove.indicators.catalogue import CATALOGUE

    rows = [
        {
            "id": d.id,
            "sdg": d.sdg,
            "sdmx_code": d.sdmx_code,
            "mics_table": d.mics_table,
            "name": d.name_vi if args.lang == "vi" else d.name_en,
            "population": d.population,
            "files": list(d.files),
            "disaggregations": list(d.disaggregations),
        }
        for d in CATALOGUE.values()
    ]
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        print(f"{row['id']:<24} {row['sdg'] or '':<8} {row['mics_table'] or '':<8} {row['name']}")
    return 0


def cmd_compute(args: argparse.Namespace) -> int:
    from baove.indicators.compute import compute_survey
    from baove.indicators.tables import write_results

    started = time.perf_counter()
    mapping = _read_mapping(Path(args.mapping) if args.mapping else None)
    files = read_survey_dir(Path(args.survey), mapping)
    results = compute_survey(
        files,
        ids=_split(args.ids),
        disaggregations=_split(args.by),
        moda_k=args.moda_k,
        lonely_psu=args.lonely_psu,
    )
    out = Path(args.out)
    write_results(results, out, lang=args.lang)
    elapsed = time.perf_counter() - started
    if args.admin:
        from baove.indicators.admin import compute_admin

        admin = compute_admin(Path(args.admin), period=args.period)
        suffix = ".csv" if out.suffix == ".xlsx" else out.suffix
        admin_out = out.with_name(f"{out.stem}-admin{suffix}")
        if admin_out.suffix == ".parquet":
            admin.to_parquet(admin_out, index=False)
        else:
            admin.to_csv(admin_out, index=False)
        print(f"administrative indicators: {len(admin)} rows -> {admin_out}", file=sys.stderr)
    n_ind = results["indicator"].nunique()
    print(f"{n_ind} indicators, {len(results)} rows in {elapsed:.1f} s -> {out}", file=sys.stderr)
    return 0


def cmd_admin(rest: Sequence[str]) -> int:
    from baove.indicators.admin.cli import main as admin_main

    return admin_main(list(rest))


def cmd_progress(args: argparse.Namespace) -> int:
    from baove.indicators.targets import classify_progress, load_targets

    targets = load_targets()
    observations: dict[str, list[tuple[int, float]]] = {}
    if args.results:
        frame = _read_table(Path(args.results))
        needed = {"indicator", "year", "value"}
        if not needed <= set(frame.columns):
            raise CliError(
                f"Tệp {args.results} cần các cột indicator, year, value / "
                f"File {args.results} needs the columns indicator, year, value"
            )
        for rec in frame[["indicator", "year", "value"]].to_dict("records"):
            ind_id = str(rec["indicator"])
            value = float(rec["value"])
            target = targets.get(ind_id)
            # Survey results are proportions (0-1); percentage targets are 0-100.
            if target is not None and target.unit == "PCNT" and args.values == "proportion":
                value *= 100.0
            observations.setdefault(ind_id, []).append((int(rec["year"]), value))
    out = []
    for ind_id, target in targets.items():
        try:
            progress = classify_progress(ind_id, observations.get(ind_id, []), target)
        except ValueError as exc:
            raise CliError(f"{args.results}: {exc}") from exc
        out.append({"indicator": ind_id, **progress.as_dict()})
    if args.format == "json":
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for item in out:
            print(f"{item['indicator']:<24} {item['status']}")
    return 0


def _read_table(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise CliError(f"Không tìm thấy tệp {path} / File {path} does not exist")
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path)


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of ``baove indicators``."""
    parser = argparse.ArgumentParser(prog="baove indicators", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    lst = sub.add_parser("list", help="the indicator catalogue")
    lst.add_argument("--format", choices=["text", "json"], default="text")
    lst.add_argument("--lang", choices=["vi", "en"], default="vi")
    lst.set_defaults(func=cmd_list)

    comp = sub.add_parser("compute", help="every catalogue indicator from MICS-style files")
    comp.add_argument("--survey", required=True, help="folder with hh, hl, ch, fs, wm, mn files")
    comp.add_argument("--mapping", help="JSON: per file, source variable -> our variable")
    comp.add_argument("--admin", help="folder with an administrative extract (optional)")
    comp.add_argument("--period", choices=["year", "quarter", "month"], default="year")
    comp.add_argument("--ids", help="comma-separated indicator ids (default: all)")
    comp.add_argument("--by", help="comma-separated disaggregations (default: all allowed)")
    comp.add_argument("--moda-k", type=int, default=2, help="MODA poverty cut-off k")
    comp.add_argument(
        "--lonely-psu", choices=["fail", "adjust", "certainty", "remove"], default="fail"
    )
    comp.add_argument("--lang", choices=["vi", "en"], default="vi")
    comp.add_argument("--out", required=True, help="output: .parquet, .csv or .xlsx")
    comp.set_defaults(func=cmd_compute)

    prog = sub.add_parser("progress", help="National Action Plan targets: on or off track")
    prog.add_argument("--results", help="CSV/Parquet with indicator, year, value")
    prog.add_argument(
        "--values",
        choices=["percent", "proportion"],
        default="percent",
        help="how the value column is expressed (survey results are proportions)",
    )
    prog.add_argument("--format", choices=["text", "json"], default="text")
    prog.set_defaults(func=cmd_progress)
    return parser


def main(argv: Sequence[str]) -> int:
    """Run ``baove indicators``; return the exit code."""
    argv = list(argv)
    if argv[:1] == ["admin"]:
        return cmd_admin(argv[1:])
    parser = build_parser()
    if not argv:
        parser.print_help(sys.stderr)
        return 2
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
    except (CliError, SurveyInputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return result
