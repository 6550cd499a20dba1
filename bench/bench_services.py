"""Benchmark "which services can this child reach?" on a national directory and many cases.

    python bench/bench_services.py --cases 1000000            # temporary SQLite database
    python bench/bench_services.py --cases 20000 --queries 500 # quick
    python bench/bench_services.py --database-url postgres://u@host/db --cases 0  # in place

Seeds ``--cases`` cases (baove.registry.seeding) and a national directory
(baove.services.seeding: 3,321 communes x 3 commune services, 34 provinces x 40 province
services, 60 national services), then times, for random cases:

* ``reachable_services(commune)``: the query alone;
* ``reachable_for_case(user, case_id)``: the API's path, with ``access_case`` (scope check)
  and the audit event of the read, as the case's commune officer.

Prints one JSON line with p50/p95/p99 in milliseconds and the query plan.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from typing import Any


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--database-url", default="", help="use this database in place")
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args()


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {
        "p50_ms": at(0.50),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1] * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Seed, measure and return the results."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baove.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from baove.accounts.models import User
    from baove.cases.models import Case
    from baove.core import context
    from baove.geo import cache as geo_cache
    from baove.registry.seeding import seed
    from baove.services.models import Service, ServiceArea
    from baove.services.reads import _REACH_SQL, reachable_for_case, reachable_services
    from baove.services.seeding import seed_national_directory

    call_command("migrate", verbosity=0, interactive=False)
    out: dict[str, Any] = {"vendor": connection.vendor}
    t0 = time.perf_counter()
    if args.cases:
        seed(args.cases, seed=args.seed)
    out["seed_cases_seconds"] = round(time.perf_counter() - t0, 1)
    if not Service.objects.filter(agency__code__startswith="bench-").exists():
        result = seed_national_directory()
        out["seed_directory_seconds"] = result.seconds
    out["cases"] = Case.objects.count()
    out["services"] = Service.objects.count()
    out["areas"] = ServiceArea.objects.count()
    rng = random.Random(args.seed)
    top = Case.objects.order_by("-id").values_list("id", flat=True).first() or 0
    picks: list[tuple[int, str]] = []
    while len(picks) < args.queries and top:
        row = Case.objects.filter(id__gte=rng.randint(1, top)).values_list("id", "commune_id")
        first = row.order_by("id").first()
        if first:
            picks.append(first)
    geo_cache.commune(picks[0][1])  # load the per-process cache before timing
    found = 0
    samples: list[float] = []
    for _case_id, commune in picks:
        start = time.perf_counter()
        found += len(reachable_services(geo_cache.commune(commune)))
        samples.append(time.perf_counter() - start)
    out["reachable_services"] = _percentiles(samples)
    out["mean_services_found"] = round(found / max(1, len(picks)), 1)
    officers = {
        u.commune_id: u
        for u in User.objects.filter(role="commune_officer", commune_id__in={c for _i, c in picks})
    }
    samples = []
    with context.use(context.RequestContext(channel="api")):
        for case_id, commune in picks:
            user = officers.get(commune)
            if user is None:
                continue
            start = time.perf_counter()
            reachable_for_case(user, case_id)
            samples.append(time.perf_counter() - start)
    if samples:
        out["reachable_for_case"] = _percentiles(samples)
    unit = geo_cache.commune(picks[0][1])
    sql = _REACH_SQL.format(
        national_open=" AND n.is_active = %s", filters=" AND s.is_active = %s AND g.is_active = %s"
    )
    params: list[Any] = [unit.pk, unit.province_id, "national", True, True, True]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            out["plan"] = [str(r[-1]) for r in cursor.fetchall()]
        else:
            cursor.execute("EXPLAIN " + sql, params)
            out["plan"] = [str(r[0]) for r in cursor.fetchall()]
    return out


def main() -> int:
    args = _parse()
    data_dir = None
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        data_dir = tempfile.mkdtemp(prefix="baove-bench-services-")
        os.environ["BAOVE_DATA_DIR"] = data_dir
    try:
        print(json.dumps(run(args), ensure_ascii=False))
    finally:
        if data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
