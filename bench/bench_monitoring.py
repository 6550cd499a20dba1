"""Benchmark the case management dashboard and the open-data tables on N synthetic cases.

    python bench/bench_monitoring.py --cases 1000000 --data-dir /tmp/baove-bench-cases
    python bench/bench_monitoring.py --cases 50000 --data-dir /tmp/baove-bench-mon --requests 50

The SQLite database in ``--data-dir`` (or ``--database-url``) is migrated and topped up with
synthetic cases (``baove.registry.seeding``) on the first run and reused later; it can be
shared with bench/bench_cases.py. Measured end to end through Django's middleware stack
with the test client, with the per-scope cache OFF (``BAOVE_MONITORING_CACHE_SECONDS=0``),
so every request runs every aggregate query; then once with the cache on. The open-data
release is timed on its first computation (stored afterwards) and then served.
Prints one JSON object; ``--markdown`` also prints table rows for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any


def _parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cases", type=int, default=100_000)
    p.add_argument("--data-dir", default="/tmp/baove-bench-cases")
    p.add_argument("--database-url", default="")
    p.add_argument("--requests", type=int, default=100, help="requests per scenario")
    p.add_argument("--markdown", action="store_true")
    return p.parse_args()


def _setup(args: argparse.Namespace) -> None:
    os.environ["BAOVE_DATA_DIR"] = args.data_dir
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baove.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _top_up(cases: int) -> dict[str, Any]:
    from baove.cases.models import Case
    from baove.registry.seeding import seed

    have = Case.objects.count()
    if have >= cases:
        return {"seeded": 0, "had": have}
    result = seed(cases - have, seed=1000 + have)
    return {"seeded": result.cases, "had": have, "seed_seconds": result.seconds}


def _pct(samples: list[float]) -> dict[str, float]:
    xs = sorted(samples)

    def q(p: float) -> float:
        return round(xs[min(len(xs) - 1, int(p * len(xs)))] * 1000, 1)

    return {
        "n": len(xs),
        "p50_ms": q(0.50),
        "p95_ms": q(0.95),
        "max_ms": round(xs[-1] * 1000, 1),
        "mean_ms": round(statistics.fmean(xs) * 1000, 1),
    }


def _time(n: int, fn: Callable[[int], int]) -> dict[str, float]:
    for i in range(min(3, n)):  # warm connections and the geography cache, not counted
        fn(i)
    samples = []
    for i in range(n):
        t0 = time.perf_counter()
        status = fn(i)
        samples.append(time.perf_counter() - t0)
        if status != 200:
            raise RuntimeError(f"unexpected status {status}")
    return _pct(samples)


def _users() -> tuple[Any, Any, dict[str, Any]]:
    from django.db.models import Count

    from baove.accounts import actions
    from baove.accounts.models import User
    from baove.cases.models import Case
    from baove.geo.models import Province

    top = Case.objects.values("province_id").annotate(n=Count("id")).order_by("-n").first()
    assert top is not None
    code = top["province_id"]
    manager = User.objects.filter(username=f"bench.manager.{code}").first()
    if manager is None:
        manager = actions.create_user(
            username=f"bench.manager.{code}", password=None, role="province_manager",
            acting_user=None, province=Province.objects.get(code=code),
        )  # fmt: skip
    analyst = User.objects.filter(username="bench.analyst").first()
    if analyst is None:
        analyst = actions.create_user(
            username="bench.analyst", password=None, role="national_analyst", acting_user=None
        )
    return manager, analyst, {"province": code, "province_cases": top["n"]}


def main() -> int:
    args = _parse()
    _setup(args)
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    out: dict[str, Any] = {"vendor": connection.vendor, **_top_up(args.cases)}
    from baove.cases.models import Case
    from baove.opendata.models import Release

    out["cases"] = Case.objects.count()
    manager, analyst, info = _users()
    out.update(info)
    mc, ac, anon = Client(), Client(), Client()
    mc.force_login(manager)
    ac.force_login(analyst)
    n = args.requests
    settings.BAOVE_MONITORING_CACHE_SECONDS = 0
    runs: dict[str, Any] = {}
    runs["dashboard_manager_page"] = _time(n, lambda i: mc.get("/monitoring/").status_code)
    runs["dashboard_manager_api"] = _time(
        n, lambda i: mc.get("/api/monitoring/summary").status_code
    )
    runs["dashboard_analyst_national_page"] = _time(
        max(5, n // 10), lambda i: ac.get("/monitoring/").status_code
    )
    settings.BAOVE_MONITORING_CACHE_SECONDS = 60
    runs["dashboard_analyst_national_cached"] = _time(
        n, lambda i: ac.get("/monitoring/").status_code
    )
    # Open data: the first request computes and stores the release, later ones read it.
    Release.objects.all().delete()
    cache.clear()
    first: dict[str, float] = {}
    for by in ("total", "sex", "age_group", "risk", "category"):
        t0 = time.perf_counter()
        status = anon.get("/open/open-cases/", {"by": by}).status_code
        first[f"open-cases/{by}"] = round(time.perf_counter() - t0, 2)
        assert status == 200, status
    t0 = time.perf_counter()
    anon.get("/open/new-cases/", {"by": "province"})
    first["new-cases/province"] = round(time.perf_counter() - t0, 2)
    out["open_first_compute_seconds"] = first
    runs["open_table_served"] = _time(
        n, lambda i: anon.get("/open/open-cases/", {"by": "sex"}).status_code
    )
    cache.clear()

    def from_store(i: int) -> int:
        cache.clear()  # the process cache emptied: the release is read from the database
        return anon.get("/api/open/tables/open-cases?by=sex").status_code

    runs["open_table_from_store_no_cache"] = _time(max(5, n // 10), from_store)
    out["latency"] = runs
    print(json.dumps(out, indent=1))
    if args.markdown:
        for name, r in runs.items():
            print(f"| {out['vendor']} | {name} | {r['p50_ms']} | {r['p95_ms']} | {r['max_ms']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
