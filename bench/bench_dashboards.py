"""Benchmark the indicator explorer and province scorecard pages.

    python bench/bench_dashboards.py --data-dir /tmp/baove-bench-dash [--requests 200]

Loads 20 indicators x 34 provinces x 10 rounds (+ every disaggregation) of invented numbers
with ``publish_indicators --bench`` into a fresh SQLite database under ``--data-dir`` (unless
already there), then requests both pages with Django's test client as a signed-in national
analyst: varied indicators/rounds (explorer) and provinces (scorecard). The first request of
each page (cold: the store snapshot is built) is reported apart. Prints a markdown table.
Target: p95 < 300 ms for both pages.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data-dir", default="/tmp/baove-bench-dash")
    p.add_argument("--requests", type=int, default=200, help="per page")
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--indicators", type=int, default=20)
    args = p.parse_args()
    os.makedirs(args.data_dir, exist_ok=True)
    os.environ["BAOVE_DATA_DIR"] = args.data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baove.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # allow the test client's host
    call_command("migrate", verbosity=0, interactive=False)
    from baove.accounts.models import User
    from baove.accounts.roles import Role
    from baove.dashboards.models import IndicatorResult
    from baove.dashboards.store import snapshot

    started = time.perf_counter()
    if not IndicatorResult.objects.filter(round__startswith="BENCH-").exists():
        call_command("publish_indicators", bench=True, rounds=args.rounds,
                     indicators=args.indicators, verbosity=0)  # fmt: skip
    load_s = time.perf_counter() - started
    rows = IndicatorResult.objects.count()
    user, _ = User.objects.get_or_create(
        username="bench-analyst", defaults={"role": Role.NATIONAL_ANALYST}
    )
    client = Client()
    client.force_login(user)
    snap = snapshot()
    ids = sorted(snap.indicator_ids())
    codes = sorted(snap.rounds)
    provinces = ["01", "04", "12", "46", "79", "96", "31", "66"]

    seen: set[str] = set()
    first: dict[str, list[float]] = {"explorer": [], "scorecard": []}

    def timed(url: str) -> float:
        t = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - t) * 1000
        assert response.status_code == 200, (url, response.status_code)
        if url not in seen:  # first view of this page: computed, not from the page memo
            seen.add(url)
            first["scorecard" if "/provinces/" in url else "explorer"].append(elapsed)
        return elapsed

    from baove.dashboards import store

    store._current = None  # cold: rebuild the snapshot on the first request
    cold_explorer = timed(f"/indicators/?indicator={ids[0]}&round={codes[-1]}")
    explorer = [
        timed(f"/indicators/?indicator={ids[i % len(ids)]}&round={codes[(i // 7) % len(codes)]}")
        for i in range(args.requests)
    ]
    store._current = None
    cold_score = timed("/indicators/provinces/01/")
    score = [
        timed(
            f"/indicators/provinces/{provinces[i % len(provinces)]}/?round={codes[i % len(codes)]}"
        )
        for i in range(args.requests)
    ]
    print(f"Store: {rows:,} results ({args.indicators} indicators x 34 provinces x "
          f"{args.rounds} rounds + disaggregations), loaded in {load_s:.1f} s\n")  # fmt: skip
    print("| page | requests | cold (ms) | p50 (ms) | p95 (ms) | max (ms) | "
          "first views | p50 first (ms) | p95 first (ms) |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, cold, values in (("explorer", cold_explorer, explorer),
                               ("scorecard", cold_score, score)):  # fmt: skip
        misses = first[name][1:]  # without the cold request
        print(f"| {name} | {len(values)} | {cold:.0f} | {statistics.median(values):.0f} | "
              f"{_pct(values, 0.95):.0f} | {max(values):.0f} | {len(misses)} | "
              f"{statistics.median(misses):.0f} | {_pct(misses, 0.95):.0f} |")  # fmt: skip


if __name__ == "__main__":
    main()
