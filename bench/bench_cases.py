"""Benchmark the case pages, search and API on a database of N synthetic cases.

    python bench/bench_cases.py --cases 1000000 --data-dir /tmp/bench-sqlite
    python bench/bench_cases.py --cases 1000000 --database-url postgres://baove@127.0.0.1:54329/bench

The database (a SQLite file in ``--data-dir``, or the PostgreSQL database in the URL) is
migrated and topped up with synthetic cases to ``--cases`` on the first run and reused on
later runs. Latencies are measured end to end through Django's full middleware stack
(session auth, locale, audit writes, template rendering) with the test client; API
throughput with gunicorn (``baove serve``) and concurrent HTTP clients on loopback.
Prints one JSON object; ``--markdown`` also prints table rows for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any


def _parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cases", type=int, default=100_000)
    p.add_argument("--data-dir", default="/tmp/baove-bench-cases")
    p.add_argument("--database-url", default="")
    p.add_argument("--requests", type=int, default=300, help="requests per latency scenario")
    p.add_argument("--api-seconds", type=float, default=20.0)
    p.add_argument("--api-workers", type=int, default=2, help="gunicorn workers (= cores)")
    p.add_argument("--api-clients", type=int, default=8, help="concurrent HTTP clients")
    p.add_argument("--port", type=int, default=8731)
    p.add_argument("--skip-api", action="store_true")
    p.add_argument("--skip-latency", action="store_true")
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
    from django.db import connection

    if connection.vendor == "postgresql":
        # After a bulk load, operations run VACUUM (autovacuum would, later): it sets the
        # visibility map that index-only counts rely on, and stops autovacuum from running
        # in the middle of the measurements.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    return {"seeded": result.cases, "had": have, "seed_seconds": result.seconds}


def _pct(samples: list[float]) -> dict[str, float]:
    xs = sorted(samples)

    def q(p: float) -> float:
        return round(xs[min(len(xs) - 1, int(p * len(xs)))] * 1000, 1)

    return {
        "n": len(xs),
        "p50_ms": q(0.50),
        "p95_ms": q(0.95),
        "p99_ms": q(0.99),
        "max_ms": round(xs[-1] * 1000, 1),
        "mean_ms": round(statistics.fmean(xs) * 1000, 1),
    }


def _time(n: int, fn: Callable[[int], int]) -> dict[str, float]:
    for i in range(min(20, n)):  # warm caches and connections, not counted
        fn(i)
    samples = []
    for i in range(n):
        t0 = time.perf_counter()
        status = fn(i)
        samples.append(time.perf_counter() - t0)
        if status != 200:
            raise RuntimeError(f"unexpected status {status}")
    return _pct(samples)


def _users() -> tuple[Any, Any, Any]:
    """Return (officer, manager, api_user) for the busiest commune, creating them if needed."""
    from django.db.models import Count

    from baove.accounts import actions
    from baove.accounts.models import User
    from baove.cases.models import Case

    top = (
        Case.objects.values("commune_id", "province_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert top is not None
    officer = User.objects.filter(role="commune_officer", commune_id=top["commune_id"]).first()
    assert officer is not None, "seeding creates an officer per commune"
    manager = User.objects.filter(username=f"bench.manager.{top['province_id']}").first()
    if manager is None:
        from baove.geo.models import Province

        manager = actions.create_user(
            username=f"bench.manager.{top['province_id']}", password=None,
            role="province_manager", acting_user=None,
            province=Province.objects.get(code=top["province_id"]),
        )  # fmt: skip
    return officer, manager, manager


def _latencies(args: argparse.Namespace, officer: Any, manager: Any) -> dict[str, Any]:
    from django.test import Client

    from baove.cases.models import Case

    rng = random.Random(7)
    out: dict[str, Any] = {}
    officer_client, manager_client = Client(), Client()
    officer_client.force_login(officer)
    manager_client.force_login(manager)

    in_province = list(
        Case.objects.filter(province_id=manager.province_id)
        .order_by("?")
        .values_list("id", "child__family_name", "child__middle_name", "child__given_name")[
            : args.requests
        ]
    )
    case_ids = [row[0] for row in in_province]

    def query(i: int) -> str:
        _id, family, middle, given = in_province[i % len(in_province)]
        full = " ".join(p for p in (family, middle, given) if p)
        from baove.core.text import fold

        # a mix of what people type: full name with tones, without, given name first
        return [full, fold(full), f"{given} {family}", family + " " + middle][i % 4]

    out["search_manager_province"] = _time(
        args.requests,
        lambda i: manager_client.get("/search/", {"q": query(i)}).status_code,
    )
    out["search_officer_commune"] = _time(
        args.requests,
        lambda i: officer_client.get("/search/", {"q": query(i)}).status_code,
    )
    out["caseload_officer_mine"] = _time(
        args.requests, lambda i: officer_client.get("/cases/").status_code
    )
    out["caseload_manager_all"] = _time(
        args.requests,
        lambda i: (
            manager_client.get(
                "/cases/", {"mine": "0", "page": str(1 + rng.randrange(50))}
            ).status_code
        ),
    )
    out["caseload_manager_overdue"] = _time(
        args.requests,
        lambda i: manager_client.get("/cases/", {"mine": "0", "overdue": "1"}).status_code,
    )
    out["case_page"] = _time(
        args.requests,
        lambda i: manager_client.get(f"/cases/{case_ids[i % len(case_ids)]}/").status_code,
    )
    out["api_case_detail_inprocess"] = _time(
        args.requests,
        lambda i: manager_client.get(f"/api/cases/{case_ids[i % len(case_ids)]}").status_code,
    )
    return out


def _api_throughput(args: argparse.Namespace, user: Any) -> dict[str, Any]:
    from baove.accounts.actions import issue_api_token
    from baove.cases.models import Case

    token = issue_api_token(user, name="bench", acting_user=None)
    ids = list(
        Case.objects.filter(province_id=user.province_id).values_list("id", flat=True)[:5000]
    )
    env = {**os.environ}
    server = subprocess.Popen(
        [sys.executable, "-m", "baove.cli", "serve", "--port", str(args.port),
         "--workers", str(args.api_workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login/", timeout=1).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        if shutil.which("wrk"):
            return _wrk(args, base, token, ids)
        return _python_clients(args, base, token, ids)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wrk(args: argparse.Namespace, base: str, token: str, ids: list[int]) -> dict[str, Any]:
    """Load the server with wrk (a C load generator: the client costs little CPU)."""
    script = f"""
ids = {{{",".join(map(str, ids))}}}
request = function()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", "/api/cases/" .. id, {{["Authorization"] = "Bearer {token}"}})
end
done = function(summary, latency, requests)
  io.write(string.format("JSON {{\\"requests\\": %d, \\"errors\\": %d, \\"non2xx\\": %d, "
    .. "\\"p50_ms\\": %.1f, \\"p95_ms\\": %.1f, \\"p99_ms\\": %.1f}}\\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, summary.errors.status, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        run = subprocess.run(
            ["wrk", "-t", "1", "-c", str(args.api_clients), "-d", f"{args.api_seconds:g}s",
             "-s", f.name, base],
            capture_output=True, text=True, check=False, timeout=args.api_seconds + 60,
        )  # fmt: skip
        if run.returncode != 0:
            raise RuntimeError(f"wrk failed: {run.stdout}\n{run.stderr}")
        out = run.stdout
    finally:
        os.unlink(f.name)
    line = next(ln for ln in out.splitlines() if ln.startswith("JSON "))
    stats = json.loads(line[5:])
    stats["seconds"] = args.api_seconds
    stats["requests_per_second"] = round(stats["requests"] / args.api_seconds, 1)
    stats.update(client="wrk", workers=args.api_workers, connections=args.api_clients)
    return stats


def _python_clients(
    args: argparse.Namespace, base: str, token: str, ids: list[int]
) -> dict[str, Any]:
    """Load the server with Python threads (when wrk is not installed)."""
    counts = [0] * args.api_clients
    errors = [0] * args.api_clients
    latencies: list[list[float]] = [[] for _ in range(args.api_clients)]
    stop = time.perf_counter() + args.api_seconds

    def client(k: int) -> None:
        rng = random.Random(k)
        while time.perf_counter() < stop:
            req = urllib.request.Request(  # noqa: S310
                f"{base}/api/cases/{rng.choice(ids)}",
                headers={"Authorization": f"Bearer {token}"},
            )
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310
                    resp.read()
                    ok = resp.status == 200
            except OSError:
                ok = False
            latencies[k].append(time.perf_counter() - t0)
            counts[k] += ok
            errors[k] += not ok

    threads = [threading.Thread(target=client, args=(k,)) for k in range(args.api_clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    return {
        "requests": sum(counts),
        "errors": sum(errors),
        "seconds": round(elapsed, 1),
        "requests_per_second": round(sum(counts) / elapsed, 1),
        "client": "python",
        "workers": args.api_workers,
        "clients": args.api_clients,
        **{f"latency_{k}": v for k, v in _pct([x for ls in latencies for x in ls]).items()},
    }


def main() -> int:
    args = _parse()
    _setup(args)
    from django.db import connection

    from baove.cases.models import Case

    result: dict[str, Any] = {"vendor": connection.vendor}
    result.update(_top_up(args.cases))
    result["cases"] = Case.objects.count()
    officer, manager, api_user = _users()
    result["officer_cases"] = Case.objects.filter(commune_id=officer.commune_id).count()
    result["manager_cases"] = Case.objects.filter(province_id=manager.province_id).count()
    result["latency"] = {} if args.skip_latency else _latencies(args, officer, manager)
    print(json.dumps(result["latency"]), file=sys.stderr, flush=True)  # kept if the API part fails
    if not args.skip_api:
        result["api_throughput"] = _api_throughput(args, api_user)
    print(json.dumps(result, indent=2))
    if args.markdown:
        for name, r in result["latency"].items():
            print(
                f"| {result['vendor']} | {name} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
