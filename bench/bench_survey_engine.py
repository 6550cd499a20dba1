"""Benchmark the survey estimation engine against samplics (domain by domain).

Generates a seeded stratified clustered member-level sample (6 regions x urban/rural =
12 strata, 20 households per cluster, about 4 members per household), then times

(a) ``baove.indicators.survey.estimate`` for M measures x K by-sets in one call;
(b) samplics ``TaylorEstimator`` computing the same table one by-set at a time
    (its own ``domain=`` argument), for sizes up to ``--samplics-max``;

checks that the numbers are identical (max abs / relative difference) and prints a JSON
summary and a markdown table.

    /tmp/venv/bin/python bench/bench_survey_engine.py --households 14000 1000000
"""

from __future__ import annotations

import argparse
import json
import resource
import time
import warnings
from typing import Any

import numpy as np
import pandas as pd

from baove.indicators.survey import Design, Measure, estimate

MEASURES = [
    Measure("attending", "mean", "attending"),
    Measure("registered", "mean", "registered"),
    Measure("disciplined", "mean", "disciplined"),
    Measure("insured", "mean", "insured"),
    Measure("working", "mean", "working"),
    Measure("hours", "mean", "hours"),
    Measure("n_working", "total", "working"),
    Measure("hours_per_member", "ratio", "hours", "attending"),
]
BY_SETS: list[tuple[str, ...]] = [
    (),
    ("sex",),
    ("age_group",),
    ("region",),
    ("province",),
    ("urban",),
    ("ethnicity",),
    ("wealth",),
    ("disability",),
    ("mother_edu",),
    ("region", "urban"),
]


def generate(households: int, seed: int = 2024) -> pd.DataFrame:
    """A member-level stratified clustered sample with some missing values."""
    rng = np.random.default_rng(seed)
    n_clusters = max(households // 20, 24)
    stratum_of_cluster = np.arange(n_clusters) % 12  # every stratum gets clusters
    hh_cluster = np.repeat(np.arange(n_clusters), 20)[:households]
    size = rng.poisson(3.0, households) + 1
    cluster = np.repeat(hh_cluster, size)
    hh = np.repeat(np.arange(households), size)
    n = cluster.shape[0]
    stratum = stratum_of_cluster[cluster]
    region = stratum // 2 + 1
    urban = stratum % 2 + 1
    province = (region - 1) * 6 + rng.integers(0, 6, n_clusters)[cluster] % 6 + 1
    effect = rng.normal(0, 0.6, n_clusters)[cluster]
    hh_weight = rng.uniform(0.5, 2.5, households)[hh] * (1 + 0.3 * region)
    wealth = rng.integers(1, 6, households)[hh]

    def binary(p: float, missing: float = 0.0) -> np.ndarray[Any, np.dtype[np.float64]]:
        logit = np.log(p / (1 - p)) + effect + 0.1 * (wealth - 3)
        value: np.ndarray[Any, np.dtype[np.float64]] = (
            rng.random(n) < 1 / (1 + np.exp(-logit))
        ).astype(np.float64)
        value[rng.random(n) < missing] = np.nan
        return value

    hours = rng.gamma(2.0, 3.0, n) * np.exp(effect)
    hours[rng.random(n) < 0.03] = np.nan
    return pd.DataFrame(
        {
            "stratum": stratum,
            "cluster": cluster,
            "hhweight": hh_weight,
            "sex": rng.integers(1, 3, n),
            "age_group": rng.integers(1, 6, n),
            "region": region,
            "province": province,
            "urban": urban,
            "ethnicity": np.where(rng.random(households) < 0.85, 1, 2)[hh],
            "wealth": wealth,
            "disability": np.where(rng.random(n) < 0.1, 1, 2),
            "mother_edu": rng.integers(0, 4, n),
            "attending": binary(0.8, 0.02),
            "registered": binary(0.95),
            "disciplined": binary(0.6, 0.05),
            "insured": binary(0.85),
            "working": binary(0.1),
            "hours": hours,
        }
    )


DESIGN = Design(weight="hhweight", strata="stratum", psu="cluster")


def run_engine(frame: pd.DataFrame, repeat: int) -> tuple[pd.DataFrame, float]:
    best = float("inf")
    table = pd.DataFrame()
    for _ in range(repeat):
        start = time.perf_counter()
        table = estimate(frame, DESIGN, MEASURES, by=BY_SETS)
        best = min(best, time.perf_counter() - start)
    return table, best


def run_samplics(frame: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    """The same table with samplics, one (measure, by-set) call at a time."""
    warnings.filterwarnings("ignore", message=".*samplics is archived.*")
    from samplics import TaylorEstimator
    from samplics.utils.types import PopParam

    rows: list[dict[str, Any]] = []
    start = time.perf_counter()
    weight = frame["hhweight"].to_numpy()
    stratum, psu = frame["stratum"], frame["cluster"]
    for measure in MEASURES:
        y = frame[measure.y].to_numpy()
        valid = ~np.isnan(y)
        x = None
        if measure.x is not None:
            x = frame[measure.x].to_numpy()
            valid &= ~np.isnan(x)
        for by_set in BY_SETS:
            if by_set:
                key = frame[list(by_set)].astype(str).agg("|".join, axis=1).to_numpy()
            else:
                key = np.full(len(frame), "", dtype=object)
            # Rows with a missing value go to their own domain: the design stays whole,
            # as R's na.rm=TRUE (samplics' remove_nan would drop their PSUs).
            domain = pd.Series(np.where(valid, key, "__missing__"))
            est = TaylorEstimator(getattr(PopParam, measure.kind))
            est.estimate(
                y=np.where(valid, y, 1.0),
                samp_weight=weight,
                x=None if x is None else np.where(valid, x, 1.0),
                stratum=stratum,
                psu=psu,
                domain=domain,
            )
            for k, value in est.point_est.items():
                if k != "__missing__":
                    rows.append(
                        {
                            "measure": measure.name,
                            "by": "+".join(by_set),
                            "key": k,
                            "estimate": value,
                            "se": est.stderror[k],
                        }
                    )
    return pd.DataFrame(rows), time.perf_counter() - start


def compare(ours: pd.DataFrame, theirs: pd.DataFrame) -> dict[str, float]:
    keyed = ours.copy()
    parts = []
    for _, row in keyed.iterrows():
        by = row["by"]
        parts.append("|".join(str(row[v]) for v in by.split("+")) if by else "")
    keyed["key"] = parts
    merged = keyed.merge(theirs, on=["measure", "by", "key"], suffixes=("", "_s"))
    assert len(merged) == len(theirs) == len(ours), (len(merged), len(theirs), len(ours))
    d_est = (merged["estimate"] - merged["estimate_s"]).abs()
    d_se = (merged["se"] - merged["se_s"]).abs()
    return {
        "max_abs_diff_estimate": float(d_est.max()),
        "max_abs_diff_se": float(d_se.max()),
        "max_rel_diff_se": float((d_se / merged["se_s"].abs()).max()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, nargs="+", default=[14000])
    parser.add_argument("--samplics-max", type=int, default=14000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    results = []
    for households in args.households:
        start = time.perf_counter()
        frame = generate(households, args.seed)
        gen = time.perf_counter() - start
        repeat = args.repeat if households <= 100_000 else 1
        table, engine_s = run_engine(frame, repeat)
        result: dict[str, Any] = {
            "households": households,
            "rows": len(frame),
            "measures": len(MEASURES),
            "by_sets": len(BY_SETS),
            "cells": len(table),
            "generate_s": round(gen, 3),
            "engine_s": round(engine_s, 4),
        }
        if households <= args.samplics_max:
            theirs, samplics_s = run_samplics(frame)
            result["samplics_s"] = round(samplics_s, 3)
            result["speedup"] = round(samplics_s / engine_s, 1)
            result.update(compare(table, theirs))
        result["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        results.append(result)
        print(json.dumps(result), flush=True)
    print()
    print("| households | rows | cells | engine s | samplics s | speed-up | max abs diff se |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(
            f"| {r['households']:,} | {r['rows']:,} | {r['cells']:,} | {r['engine_s']} | "
            f"{r.get('samplics_s', '-')} | {r.get('speedup', '-')} | "
            f"{r.get('max_abs_diff_se', '-')} |"
        )


if __name__ == "__main__":
    main()
