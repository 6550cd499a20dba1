"""A deterministic synthetic administrative extract, from 1,000 to 27,000,000 children.

Written with DuckDB SQL straight to Parquet: every attribute of child ``i``, case ``j`` and
so on is a hash of its number and a salt, so no table is held in memory or joined to make
another (a case finds its child's province by hashing the child's number again). The same
arguments give the same files with the same DuckDB version. The format is the one of
:mod:`baove.indicators.admin.schema`; no names, no ID numbers, nothing real.
"""

# SQL is built here from numbers and constants only (S608 does not apply).
# ruff: noqa: S608

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from collections.abc import Sequence
from pathlib import Path

from baove.indicators.admin.schema import CATEGORIES, PROVINCES_2025

#: Share of children with a case, cases with a second category, children in care, etc.
CASE_RATE = 0.03
SECOND_CATEGORY = 0.3
PLACEMENT_RATE = 0.005
REFERRALS_PER_CASE = 1.2
DUPLICATE_RECORDS = 0.02

#: Relative frequency of the case categories (prevention and abuse reports dominate).
CATEGORY_WEIGHTS: dict[str, int] = dict.fromkeys(CATEGORIES, 2) | {
    "art10_04": 8,
    "art10_09": 6,
    "art10_11": 3,
    "at_risk": 25,
    "reported_abuse": 20,
}
CARE_WEIGHTS: dict[str, int] = {
    "kinship_care": 40,
    "foster_care": 10,
    "guardianship": 15,
    "adoption": 5,
    "residential_public": 12,
    "residential_private": 6,
    "sos_village": 4,
    "social_protection_centre": 8,
}


def _u(key: str, salt: str) -> str:
    # Uniform [0, 1) from a hash of (key, salt): independent streams per salt.
    return f"((hash({key}, '{salt}') % 1000003) / 1000003.0)"


def _pick(key: str, salt: str, weights: dict[str, int]) -> str:
    """SQL choosing a code with the given weights."""
    total = sum(weights.values())
    cum, parts = 0, []
    r = f"(hash({key}, '{salt}') % {total})"
    for code, w in weights.items():
        cum += w
        parts.append(f"WHEN {r} < {cum} THEN '{code}'")
    return "CASE " + " ".join(parts) + " END"


def _province(key: str) -> str:
    codes = ", ".join(f"'{c}'" for c in PROVINCES_2025)
    return f"[{codes}][1 + CAST(hash({key}, 'prov') % {len(PROVINCES_2025)} AS INT)]"


def generate_admin_extract(
    out: Path,
    *,
    children: int = 100_000,
    seed: int = 1,
    first_year: int = 2022,
    last_year: int = 2024,
    threads: int | None = None,
) -> dict[str, int]:
    """Write a synthetic extract (six Parquet files and ``extract.json``) to ``out``.

    Args:
        out: Folder to write (created; files are replaced).
        children: Child records (about 2% are second records of a child, linked by
            ``cluster_id``).
        seed: Changes every random draw.
        first_year: First year with cases and referrals.
        last_year: Last year; the extract is dated 15 January of the next year.
        threads: DuckDB threads (default: one per core).

    Returns:
        Rows written per table.
    """
    import duckdb

    if children < 1:
        raise ValueError("children must be positive")
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET preserve_insertion_order = false")
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    s = f"s{int(seed)}"
    n = int(children)
    n_cases = max(1, int(n * CASE_RATE))
    n_place = max(1, int(n * PLACEMENT_RATE))
    n_ref = max(1, int(n_cases * REFERRALS_PER_CASE))
    t0 = int(dt.datetime(first_year, 1, 1, tzinfo=dt.UTC).timestamp())
    span = int(dt.datetime(last_year + 1, 1, 1, tzinfo=dt.UTC).timestamp()) - t0
    day = 86_400

    def child(i: str) -> dict[str, str]:
        # Attributes of child number i, usable from any table.
        return {
            "province": _province(i),
            "birth_year": f"({last_year} - CAST(floor({_u(i, s + 'age')} * 19) AS INT))",
        }

    def copy(name: str, select: str) -> None:
        path = str(out / f"{name}.parquet").replace("'", "''")
        con.execute(
            f"COPY ({select}) TO '{path}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 500000)"
        )

    c = child("i")
    copy(
        "children",
        f"SELECT 'c' || i AS child_id,"
        f" 'k' || CASE WHEN i > 0 AND {_u('i', s + 'dup')} < {DUPLICATE_RECORDS}"
        "  THEN i - 1 ELSE i END AS cluster_id,"
        f" CASE WHEN {_u('i', s + 'sex')} < 0.487 THEN 'F' ELSE 'M' END AS sex,"
        f" {c['birth_year']} AS birth_year,"
        f" 1 + CAST(hash(i, '{s}mon') % 12 AS INT) AS birth_month,"
        f" {c['province']} AS province"
        f" FROM range({n}) r(i)",
    )
    # Case j belongs to child (hash of j) mod n; opened uniformly over the years.
    kid = f"(hash(j, '{s}kid') % {n})"
    reported = f"({t0} + CAST({_u('j', s + 'rep')} * {span} AS BIGINT))"
    copy(
        "cases",
        f"SELECT 'k' || j AS case_id, 'c' || {kid} AS child_id, {_province(kid)} AS province,"
        f" to_timestamp({reported}) AS reported_at,"
        f" CASE WHEN {_u('j', s + 'cl')} < 0.7 THEN to_timestamp({reported}"
        f"  + CAST({_u('j', s + 'dur')} * 300 * {day} AS BIGINT)) END AS closed_at,"
        f" {_pick('j', s + 'risk', {'low': 3, 'medium': 4, 'high': 2, 'urgent': 1})}"
        " AS risk_level"
        f" FROM range({n_cases}) r(j)",
    )
    second = _pick("j", s + "cat2", CATEGORY_WEIGHTS)
    first = _pick("j", s + "cat1", CATEGORY_WEIGHTS)
    copy(
        "case_categories",
        f"SELECT 'k' || j AS case_id, {first} AS category FROM range({n_cases}) r(j)"
        f" UNION ALL SELECT case_id, category FROM (SELECT 'k' || j AS case_id,"
        f" {second} AS category, {first} AS c1 FROM range({n_cases}) r(j)"
        f" WHERE {_u('j', s + 'two')} < {SECOND_CATEGORY}) x WHERE category <> c1",
    )
    pkid = f"(hash(p, '{s}pkid') % {n})"
    back = 5 * 365 * day  # placements may have started up to five years earlier
    start = f"({t0} - {back} + CAST({_u('p', s + 'ps')} * ({span} + {back}) AS BIGINT))"
    copy(
        "placements",
        f"SELECT 'p' || p AS placement_id, 'c' || {pkid} AS child_id,"
        f" {_province(pkid)} AS province, {_pick('p', s + 'care', CARE_WEIGHTS)} AS care_type,"
        f" CAST(to_timestamp({start}) AS DATE) AS start_date,"
        f" CASE WHEN {_u('p', s + 'pe')} < 0.4 THEN CAST(to_timestamp({start}"
        f"  + CAST({_u('p', s + 'pd')} * 3 * 365 * {day} AS BIGINT)) AS DATE) END AS end_date"
        f" FROM range({n_place}) r(p)",
    )
    # Referral q comes from case (hash of q) mod n_cases, sent up to 30 days after it.
    case = f"(hash(q, '{s}rcase') % {n_cases})"
    case_rep = f"({t0} + CAST(((hash({case}, '{s}rep') % 1000003) / 1000003.0) * {span} AS BIGINT))"
    sent = f"({case_rep} + CAST({_u('q', s + 'sent')} * 30 * {day} AS BIGINT))"
    hours = f"(pow({_u('q', s + 'h')}, 3) * 240 * 3600)"
    copy(
        "referrals",
        f"SELECT 'r' || q AS referral_id, 'k' || {case} AS case_id,"
        f" {_province(f'(hash({case}, {chr(39)}{s}kid{chr(39)}) % {n})')} AS province,"
        f" to_timestamp({sent}) AS sent_at, to_timestamp({sent} + 72 * 3600) AS due_at,"
        f" CASE WHEN {_u('q', s + 'resp')} < 0.85"
        f"  THEN to_timestamp({sent} + CAST({hours} AS BIGINT)) END AS first_response_at,"
        f" CASE WHEN {_u('q', s + 'done')} < 0.6"
        f"  THEN to_timestamp({sent} + CAST({_u('q', s + 'dd')} * 60 * {day} AS BIGINT))"
        "  END AS completed_at"
        f" FROM range({n_ref}) r(q)",
    )
    # Population: the registry's children by age in each year, plus 3% never registered;
    # from the first placements to the year of the extract date.
    years = ", ".join(str(y) for y in range(first_year - 5, last_year + 2))
    copy(
        "population",
        "SELECT province, y AS year, sex, y - birth_year AS age,"
        " CAST(round(count(*) * 1.03) AS DOUBLE) AS population"
        f" FROM read_parquet('{str(out / 'children.parquet').replace(chr(39), chr(39) * 2)}')"
        f" CROSS JOIN (SELECT unnest([{years}]) AS y) ys"
        " WHERE y - birth_year BETWEEN 0 AND 19 GROUP BY ALL",
    )
    extracted = dt.datetime(last_year + 1, 1, 15, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    (out / "extract.json").write_text(
        json.dumps({"extracted_at": extracted.isoformat(), "synthetic": True, "seed": seed}),
        encoding="utf-8",
    )
    counts = {
        name: int(
            con.execute(
                f"SELECT count(*) FROM read_parquet('{out / (name + '.parquet')!s}')"
            ).fetchone()[0]  # type: ignore[index]
        )
        for name in (
            "children",
            "cases",
            "case_categories",
            "placements",
            "referrals",
            "population",
        )
    }
    con.close()
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m baove.synth.admin_extract OUT [--children N] [--seed S]``."""
    parser = argparse.ArgumentParser(description="Write a synthetic administrative extract.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = generate_admin_extract(args.out, children=args.children, seed=args.seed)
    for name, rows in counts.items():
        print(f"{name}: {rows:,}")
    print(f"written in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
