"""Benchmark real-time "may already be known" candidate search on N indexed children.

    python bench/bench_matching.py --records 1000000 --data-dir /tmp/bench-match-sqlite
    python bench/bench_matching.py --records 1000000 \
        --database-url postgres://baove@127.0.0.1:54329/baove_match

The database (a SQLite file in ``--data-dir``, or the PostgreSQL database in the URL) is
migrated and filled with ``--records`` synthetic linked records (names from
``baove.synth.names``, 2025 communes, four sources) on the first run, and reused later.
Then ``find_candidates`` is timed, as a province manager and as a commune officer, for
queries made from indexed records with the errors seen at intake: exact, a typo in the
given name, no tones, family and given name swapped, day and month of birth swapped.
Each call includes scoping, blocking, scoring and the audit write. Recall says how often
the record the query was made from is among the candidates. Splink's own real-time call
(``compare_two_records``) is timed once for comparison. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from typing import Any

KINDS = ("exact", "typo", "no_tones", "swapped_order", "day_month_swap")


def _parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--records", type=int, default=100_000)
    p.add_argument("--data-dir", default="/tmp/baove-bench-matching")
    p.add_argument("--database-url", default="")
    p.add_argument("--queries", type=int, default=200, help="queries per kind and role")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--skip-splink", action="store_true")
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


def _fill(n: int, seed: int) -> float:
    """Top the index up to ``n`` records; return the seconds it took."""
    from baove.geo import cache as geo_cache
    from baove.matching.importer import _term_frequencies
    from baove.matching.models import LinkedRecord, TermFrequency
    from baove.matching.standard import standard_fields
    from baove.synth.names import random_name

    have = LinkedRecord.objects.count()
    if have >= n:
        return 0.0
    started = time.perf_counter()
    rng = random.Random(f"bench-matching:{seed}:{have}")
    communes = list(geo_cache._all()[1].values())
    sources = ("birth_registry", "health_insurance", "school", "social_assistance")
    start_day = dt.date(2007, 1, 1).toordinal()
    batch: list[Any] = []
    rows_for_tf: list[dict[str, Any]] = []
    for i in range(have, n):
        sex = rng.choice("MF")
        commune = rng.choice(communes)
        family, middle, given = random_name(rng, sex, province_code=commune.province_id)
        born = dt.date.fromordinal(start_day + rng.randrange(18 * 365))
        id_number = f"0{rng.randrange(10**11):011d}" if rng.random() < 0.4 else ""
        fields = standard_fields(
            family=family, middle=middle, given=given, birth_date=born, sex=sex,
            id_number=id_number, commune=commune.code, province=commune.province_id,
        )  # fmt: skip
        rows_for_tf.append(fields)
        source = sources[i % 4]
        batch.append(
            LinkedRecord(
                record_id=f"{source}:{i}", source=source, source_record_id=str(i),
                cluster_id=f"{source}:{i}",
                display_name=" ".join(p for p in (family, middle, given) if p),
                display_birth_date=born.strftime("%d/%m/%Y"), **fields,
            )
        )  # fmt: skip
        if len(batch) == 5000:
            LinkedRecord.objects.bulk_create(batch)
            batch.clear()
            if (i + 1) % 100_000 == 0:
                print(f"  {i + 1:,} records", file=sys.stderr, flush=True)
    LinkedRecord.objects.bulk_create(batch)
    # Term frequencies of the names (what a batch import computes from its records).
    TermFrequency.objects.all().delete()
    columns = ("given_name", "family_name", "family_name_canon", "middle_name")
    TermFrequency.objects.bulk_create(_term_frequencies(rows_for_tf, columns), batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:  # fresh planner statistics after a bulk load
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word + "h"
    i = rng.randrange(1, len(word))
    return word[:i] + rng.choice("aeiounhtg") + word[i + 1 :]


def _queries(kind: str, row: Any, rng: random.Random) -> dict[str, Any] | None:
    parts = row.display_name.split()
    family, given = parts[0], parts[-1]
    middle = " ".join(parts[1:-1])
    day, month, year = (int(p) for p in row.display_birth_date.split("/"))
    born = dt.date(year, month, day)
    query: dict[str, Any] = {
        "family": family, "middle": middle, "given": given, "birth_date": born,
        "sex": row.sex, "commune": row.commune,
    }  # fmt: skip
    if kind == "typo":
        query["given"] = _typo(rng, given)
    elif kind == "no_tones":
        from baove.core.text import fold

        query.update(family=fold(family), middle=fold(middle), given=fold(given))
    elif kind == "swapped_order":
        query.update(family=given, given=family)
    elif kind == "day_month_swap":
        if born.day > 12 or born.day == born.month:
            return None
        query["birth_date"] = born.replace(month=born.day, day=born.month)
    return query


def _users() -> dict[str, Any]:
    from baove.accounts import actions as account_actions
    from baove.accounts.models import User
    from baove.geo.models import Commune, Province

    users = {}
    for name, role in (("bench_match_manager", "province_manager"),
                       ("bench_match_officer", "commune_officer")):  # fmt: skip
        user = User.objects.filter(username=name).first()
        if user is None:
            kw: dict[str, Any] = (
                {"province": Province.objects.get(code="01")}
                if role == "province_manager"
                else {"commune": Commune.objects.get(code="00004")}
            )
            user = account_actions.create_user(
                username=name, password=None, role=role, acting_user=None, **kw
            )
        users[role] = user
    return users


def _time_queries(args: argparse.Namespace) -> dict[str, Any]:
    from baove.matching.candidates import current_model, find_candidates
    from baove.matching.models import LinkedRecord

    users = _users()
    current_model()  # compile once, as a running server has
    rng = random.Random(args.seed)
    out: dict[str, Any] = {}
    for role, user in users.items():
        scope = {"province": "01"} if role == "province_manager" else {"commune": "00004"}
        pool = list(LinkedRecord.objects.filter(**scope).order_by("?")[: args.queries * 2])
        for kind in KINDS:
            times, hits, sizes = [], 0, []
            made = 0
            for row in pool:
                if made >= args.queries:
                    break
                query = _queries(kind, row, rng)
                if query is None:
                    continue
                made += 1
                t0 = time.perf_counter()
                found = find_candidates(user, **query)
                times.append((time.perf_counter() - t0) * 1000)
                hits += any(c.record.pk == row.pk for c in found)
                sizes.append(len(found))
            times.sort()
            out[f"{role}/{kind}"] = {
                "queries": made,
                "p50_ms": round(statistics.median(times), 2),
                "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
                "max_ms": round(times[-1], 2),
                "recall": round(hits / made, 3),
                "mean_candidates": round(statistics.mean(sizes), 2),
            }
    return out


def _splink_once() -> dict[str, float]:
    """Time Splink's own real-time comparison, to show why it is not used per request."""
    import pandas as pd
    from splink import DuckDBAPI, Linker

    from baove.matching.candidates import DEFAULT_MODEL

    record = {
        "record_id": "a", "source": "x", "family_name": "nguyen", "family_name_canon": "nguyen",
        "middle_name": "thi", "given_name": "huong", "full_name": "nguyen thi huong",
        "name_sorted": "huong nguyen thi", "birth_date": "2016-03-04", "birth_year": 2016,
        "birth_month": 3, "birth_day": 4, "birth_date_swapped": "2016-04-03", "sex": "F",
        "id_number": None, "commune": "00004", "commune_candidates": ["00004"],
        "province": "01", "postcode": None, "phone": None, "address": None,
        "caregiver_name": None,
    }  # fmt: skip
    other = {**record, "record_id": "b", "birth_date": "2016-04-03",
             "birth_date_swapped": "2016-03-04"}  # fmt: skip
    from baove.linkage.model import prepare_records

    api = DuckDBAPI()
    table = api.register(prepare_records([pd.DataFrame([record, other])]))
    linker = Linker(table, str(DEFAULT_MODEL), log_level=None)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        linker.inference.score_pair(record, other)
        times.append((time.perf_counter() - t0) * 1000)
    return {"score_pair_ms_median": round(statistics.median(times), 1)}


def main() -> None:
    """Run the benchmark and print one JSON object."""
    args = _parse()
    _setup(args)
    from django.db import connection

    from baove.matching.models import LinkedRecord

    fill_seconds = _fill(args.records, args.seed)
    result: dict[str, Any] = {
        "database": connection.vendor,
        "records": LinkedRecord.objects.count(),
        "fill_seconds": round(fill_seconds, 1),
        "queries": _time_queries(args),
    }
    all_p95 = [v["p95_ms"] for v in result["queries"].values()]
    result["worst_p95_ms"] = max(all_p95)
    if not args.skip_splink:
        result["splink"] = _splink_once()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
