"""Benchmark the survey indicators: the whole catalogue, every disaggregation, with SEs.

Targets (issue "Child-focused SDG indicators"): all catalogue indicators with all
disaggregations and SEs on a 14,000-household survey < 1 s; on 1,000,000 households < 30 s
with memory < 8 GiB; at least 20x faster than the same table computed domain by domain with
samplics, with identical numbers.

    python bench/bench_indicators.py                       # 14,000 and 1,000,000 households
    python bench/bench_indicators.py --households 14000 --samplics-ids vd_any,birth_reg

Each size: generate the synthetic survey (``baove.synth.survey``; the fast path above
200,000 households), then time ``compute_survey`` (best of ``--repeat`` warm runs below
100,000 households, one run above). At 14,000 households the indicators named by
``--samplics-ids`` are computed again with samplics' ``TaylorEstimator``, one call per
domain (cell), on the same derived frames, and compared number by number with our
rows for the same indicators (timed on their own, so both sides compute the same table).
Peak memory is the process's maximum resident set size (it includes the generated data).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import warnings
from typing import Any

import numpy as np
import pandas as pd

from baove.indicators import CATALOGUE, compute_survey
from baove.indicators.catalogue.model import STANDARD_DISAGGREGATIONS, DeriveOptions
from baove.indicators.compute import _design_psus, _with_all_psus
from baove.synth.survey import generate_survey

DEFAULT_SAMPLICS = "vd_any,cl_sdg,birth_reg,cm_u18,stunting,socprot,water_safely_managed"


def _rss_gib() -> float:
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def _time_compute(files: dict[str, pd.DataFrame], repeat: int, ids: list[str] | None) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        compute_survey(files, ids=ids)
        best = min(best, time.perf_counter() - start)
    return best


def _samplics_table(files: dict[str, pd.DataFrame], ids: list[str]) -> tuple[pd.DataFrame, float]:
    """The same rows with samplics, one (indicator, by-set) call at a time."""
    warnings.filterwarnings("ignore", message=".*samplics is archived.*")
    from samplics import TaylorEstimator
    from samplics.utils.types import PopParam

    universe = _design_psus(files)
    frames: dict[Any, pd.DataFrame] = {}
    rows: list[dict[str, Any]] = []
    skipped: list[str] = []
    start = time.perf_counter()
    for ind in ids:
        d = CATALOGUE[ind]
        if d.derive not in frames:
            frames[d.derive] = _with_all_psus(d.derive(files, DeriveOptions()), universe)
        frame = frames[d.derive]
        y = frame[d.column].to_numpy(dtype=np.float64)
        valid = ~np.isnan(y) & (frame["w"].to_numpy(dtype=np.float64) > 0)
        for by in ("total", *[b for b in STANDARD_DISAGGREGATIONS if b in d.disaggregations]):
            if by == "total":
                key = np.full(len(frame), "Total", dtype=object)
            else:
                key = frame[by].astype(str).to_numpy(dtype=object)
                valid_by = valid & frame[by].notna().to_numpy()
            dom_valid = valid if by == "total" else valid_by
            weight = frame["w"].to_numpy(dtype=np.float64)
            # Domain by domain: one samplics call per cell. The rows outside the cell stay
            # in the design as a second domain (subsetting, or samplics' remove_nan, would
            # drop their PSUs); their y is set to 1 so that domain's estimate is never 0,
            # which samplics cannot divide by when it computes a coefficient of variation.
            for value in pd.unique(key[dom_valid]):
                inside = dom_valid & (key == value)
                est = TaylorEstimator(PopParam.mean)
                try:
                    est.estimate(
                        y=np.where(inside, y, 1.0),
                        samp_weight=weight,
                        stratum=frame["stratum"],
                        psu=frame["HH1"],
                        domain=pd.Series(np.where(inside, "in", "out")),
                    )
                except ZeroDivisionError:
                    # a cell estimated at exactly 0: samplics cannot report it
                    skipped.append(f"{ind}/{by}/{value}")
                    continue
                rows.append(
                    {"indicator": ind, "by": by, "domain": str(value),
                     "estimate_s": est.point_est["in"], "se_s": est.stderror["in"]}
                )  # fmt: skip
    elapsed = time.perf_counter() - start
    table = pd.DataFrame(rows)
    table.attrs["skipped"] = skipped
    return table, elapsed


def _max_diff(merged: pd.DataFrame, column: str) -> float:
    return float((merged[column] - merged[f"{column}_s"]).abs().max())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, nargs="+", default=[14_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--samplics-ids", default=DEFAULT_SAMPLICS)
    parser.add_argument("--no-samplics", action="store_true")
    args = parser.parse_args()
    out: dict[str, Any] = {"indicators": len(CATALOGUE), "sizes": []}
    for households in args.households:
        start = time.perf_counter()
        survey = generate_survey(households=households, seed=args.seed)
        generated = time.perf_counter() - start
        rows = {name: len(frame) for name, frame in survey.files.items()}
        repeat = args.repeat if households < 100_000 else 1
        if repeat > 1:
            compute_survey(survey.files, ids=["birth_reg"])  # warm imports and caches
        seconds = _time_compute(survey.files, repeat, None)
        result: dict[str, Any] = {
            "households": households,
            "rows": rows,
            "generate_s": round(generated, 2),
            "compute_all_s": round(seconds, 3),
            "peak_rss_gib": round(_rss_gib(), 2),
        }
        table = compute_survey(survey.files)
        result["result_rows"] = len(table)
        if households <= 20_000 and not args.no_samplics:
            ids = [i.strip() for i in args.samplics_ids.split(",") if i.strip()]
            ours_s = _time_compute(survey.files, repeat, ids)
            theirs, theirs_s = _samplics_table(survey.files, ids)
            skipped = set(theirs.attrs["skipped"])
            ours = table[table["indicator"].isin(ids) & (table["n_unweighted"] > 0)]
            cell = ours["indicator"] + "/" + ours["by"] + "/" + ours["domain"]
            ours = ours[~cell.isin(skipped)]
            merged = ours.merge(theirs, on=["indicator", "by", "domain"], how="inner")
            if len(merged) != len(ours):
                raise SystemExit(f"row mismatch: ours {len(ours)}, matched {len(merged)}")
            result["samplics"] = {
                "indicators": ids,
                "cells": len(merged),
                "cells_samplics_failed_on": sorted(skipped),
                "ours_s": round(ours_s, 3),
                "samplics_s": round(theirs_s, 2),
                "speedup": round(theirs_s / ours_s, 1),
                "max_abs_diff_estimate": _max_diff(merged, "estimate"),
                "max_abs_diff_se": _max_diff(merged, "se"),
            }  # fmt: skip
        out["sizes"].append(result)
        print(json.dumps(result), file=sys.stderr, flush=True)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
