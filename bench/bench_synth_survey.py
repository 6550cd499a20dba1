"""Benchmark the synthetic MICS survey generator; one JSON line per case.

    python bench/bench_synth_survey.py                          # 14,000 (with population) + 1M
    python bench/bench_synth_survey.py --households 14000       # one case
    python bench/bench_synth_survey.py --households 1000000 --fast

Each case runs in a fresh Python process so that its peak RSS is its own. Reported: wall
seconds of ``generate_survey`` (population, truth and sample for the default path; the
selected EAs only for the fast path), peak RSS in MiB, rows per file.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def _one(households: int, seed: int, fast: bool) -> dict[str, object]:
    from baove.synth.survey import generate_survey

    start = time.perf_counter()
    survey = generate_survey(households=households, seed=seed, fast=fast)
    if survey.truth is not None:
        len(survey.truth)  # the truth is part of the default path's work
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "case": "synth_survey",
        "households": households,
        "fast": fast,
        "seconds": round(seconds, 2),
        "peak_rss_mib": round(peak_kib / 1024),
        "rows": {name: len(frame) for name, frame in survey.files.items()},
        "truth": survey.truth is not None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=0, help="one case (default: both)")
    parser.add_argument("--fast", action="store_true", help="skip the finite population")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        print(json.dumps(_one(args.households, args.seed, args.fast)), flush=True)
        return 0
    cases = (
        [(args.households, args.fast)] if args.households else [(14_000, False), (1_000_000, True)]
    )
    for households, fast in cases:
        cmd = [sys.executable, __file__, "--inner", "--households", str(households)]
        cmd += ["--seed", str(args.seed)] + (["--fast"] if fast else [])
        subprocess.run(cmd, check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
