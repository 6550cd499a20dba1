"""Benchmark bulk seeding: migrate a fresh database, seed N cases, print one JSON line.

    python bench/bench_seed.py --cases 1000000                    # temporary SQLite file
    python bench/bench_seed.py --cases 1000000 --database-url postgres://u@127.0.0.1:5432/db
    python bench/bench_seed.py --cases 1000000 --generate-only    # the generator alone

With a PostgreSQL URL a throwaway database (``baove_bench_<pid>``) is created next to the
one named in the URL and dropped afterwards (the role needs CREATEDB); ``--in-place`` seeds
the named database itself instead (it must be migrated or empty).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases to seed (100000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--batch-size", type=int, default=50_000)
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--in-place", action="store_true", help="seed the URL's database itself")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--rebuild-indexes",
        choices=["auto", "yes", "no"],
        default="auto",
        help="drop secondary indexes during the load and rebuild them (auto: large loads)",
    )
    parser.add_argument(
        "--generate-only", action="store_true", help="time the generator alone, no database"
    )
    return parser.parse_args()


@contextlib.contextmanager
def _postgres(url: str, in_place: bool, keep: bool) -> Iterator[str]:
    """Yield the URL of a fresh PostgreSQL database (created and dropped here)."""
    if in_place:
        yield url
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = f"baove_bench_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(parts._replace(path="/" + name))
    finally:
        if not keep:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def _generate_only(args: argparse.Namespace) -> dict[str, object]:
    import datetime as dt

    from baove.geo.loader import commune_rows
    from baove.synth import TABLE_ORDER, iter_batches

    communes = [(r["code"], r["province_id"]) for r in commune_rows()]
    counts = dict.fromkeys(TABLE_ORDER, 0)
    now = dt.datetime.now(dt.UTC)
    cpu, wall = time.process_time(), time.perf_counter()
    for batch in iter_batches(
        args.cases, communes, seed=args.seed, batch_size=args.batch_size, now=now
    ):
        for name, n in batch.counts().items():
            counts[name] += n
    seconds = time.perf_counter() - wall
    rows = sum(counts.values())
    return {
        "mode": "generate",
        "cases": args.cases,
        "rows": rows,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "rows_per_second": round(rows / seconds) if seconds else None,
        **counts,
    }


def _seed(args: argparse.Namespace, url: str | None) -> dict[str, object]:
    if url:
        os.environ["DATABASE_URL"] = url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baove.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from baove.registry.seeding import seed

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_seconds = time.perf_counter() - t0
    cpu = time.process_time()
    rebuild = {"auto": None, "yes": True, "no": False}[args.rebuild_indexes]
    result = seed(args.cases, seed=args.seed, batch_size=args.batch_size, rebuild_indexes=rebuild)
    cpu_seconds = time.process_time() - cpu
    size = None
    if connection.vendor == "sqlite":
        path = str(connection.settings_dict["NAME"])
        size = sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
    return {
        "mode": "seed",
        "vendor": result.vendor,
        "cases": result.cases,
        "rows": result.rows,
        "seconds": result.seconds,
        "client_cpu_seconds": round(cpu_seconds, 2),
        "rows_per_second": round(result.rows / result.seconds) if result.seconds else None,
        "cases_per_second": round(result.cases / result.seconds) if result.seconds else None,
        "migrate_seconds": round(migrate_seconds, 2),
        "rebuild_indexes": args.rebuild_indexes,
        "sqlite_bytes": size,
        **result.counts(),
    }


def main() -> int:
    args = _parse()
    if args.generate_only:
        print(json.dumps(_generate_only(args)))
        return 0
    data_dir = tempfile.mkdtemp(prefix="baove-bench-")
    os.environ["BAOVE_DATA_DIR"] = data_dir
    try:
        if args.database_url:
            with _postgres(args.database_url, args.in_place, args.keep) as url:
                out = _seed(args, url)
        else:
            out = _seed(args, None)
            if args.keep:
                out["data_dir"] = data_dir
        print(json.dumps(out))
    finally:
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
