"""Compute the administrative indicators from an extract, on DuckDB or Spark.

The definitions (``docs/admin-indicators.md``) are the SQL steps of
:mod:`baove.indicators.admin.sql`; this module loads and checks the extract, runs the steps
on the chosen backend and lays the (small) result out in long format.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from baove.indicators.admin import sql
from baove.indicators.admin.backends import Backend, make_backend
from baove.indicators.admin.schema import (
    CARE_GROUPS,
    CARE_TYPES,
    CATEGORIES,
    NATIONAL,
    TABLES,
    AdminExtractError,
    Problem,
    missing_columns,
    province_map,
    validate_references,
    validate_rows,
)

OUTPUT_COLUMNS = [
    "indicator", "province", "period", "category", "value", "numerator", "denominator",
    "unit", "source",
]  # fmt: skip

PER_100K = "per 100,000 children aged 0-17"

#: Indicator -> (categories reported, unit).
CHILD_INDICATORS: dict[str, tuple[tuple[str, ...], str]] = {
    "abuse_reported": (("_T",), PER_100K),
    "special_circumstances": ((*CATEGORIES, "_T"), PER_100K),
    "alternative_care": ((*CARE_TYPES, *CARE_GROUPS, "_T"), PER_100K),
}
REFERRAL_INDICATORS = ("referral_completion", "referral_response_hours", "referral_overdue")

Extract = str | Path | Mapping[str, pd.DataFrame | Path]


def _sources(
    extract: Extract,
) -> tuple[dict[str, Path | pd.DataFrame], dict[str, str], Path | None]:
    """Find the file (or frame) of every table; return sources, file names, manifest path."""
    found: dict[str, Path | pd.DataFrame] = {}
    files: dict[str, str] = {}
    problems: list[Problem] = []
    if isinstance(extract, Mapping):
        for name in TABLES:
            item = extract.get(name)
            files[name] = item.name if isinstance(item, Path) else f"{name} (pandas)"
            if item is None:
                problems.append(Problem(name, "-", "thiếu bảng", "table is missing"))
            else:
                found[name] = item
        manifest = None
    else:
        folder = Path(extract)
        if not folder.is_dir():
            raise AdminExtractError(
                [Problem(str(folder), "-", "không phải thư mục", "is not a folder")]
            )
        for name in TABLES:
            candidates = [folder / f"{name}.parquet", folder / f"{name}.csv", folder / name]
            hit = next((p for p in candidates if p.exists()), None)
            files[name] = hit.name if hit is not None else f"{name}.parquet"
            if hit is None:
                problems.append(
                    Problem(
                        f"{name}.parquet | {name}.csv",
                        "-",
                        f"không có tệp trong {folder}",
                        f"file not found in {folder}",
                    )
                )
            else:
                found[name] = hit
        manifest = folder / "extract.json"
    if problems:
        raise AdminExtractError(problems)
    return found, files, manifest


def _manifest_as_of(path: Path | None) -> dt.datetime | None:
    if path is None or not path.exists():
        return None
    raw = json.loads(path.read_text(encoding="utf-8")).get("extracted_at")
    if raw is None:
        return None
    value = dt.datetime.fromisoformat(str(raw))
    if value.tzinfo is None:
        raise AdminExtractError(
            [
                Problem(
                    path.name,
                    "extracted_at",
                    "thiếu múi giờ (ví dụ +07:00)",
                    "has no UTC offset (e.g. +07:00)",
                )
            ]
        )
    return value


def period_table(lo: int, hi: int, period: sql.Period) -> pd.DataFrame:
    """Return the periods ``lo..hi`` (indexes of :func:`sql.period_index`) with labels.

    Columns: ``idx``, ``period`` (``2024``, ``2024-Q1`` or ``2024-01``), ``year`` and
    ``end_m`` (``year * 12 + month`` of the period's last month, for ages at period end).
    """
    rows = []
    for idx in range(lo, hi + 1):
        if period == "year":
            year, label, end_month = idx, f"{idx}", 12
        elif period == "quarter":
            year, q = divmod(idx, 4)
            label, end_month = f"{year}-Q{q + 1}", 3 * (q + 1)
        else:
            year, m = divmod(idx, 12)
            label, end_month = f"{year}-{m + 1:02d}", m + 1
        rows.append((idx, label, year, year * 12 + end_month))
    return pd.DataFrame(rows, columns=["idx", "period", "year", "end_m"]).astype(
        {"idx": "int64", "year": "int64", "end_m": "int64", "period": object}
    )


def _index_of(moment: dt.datetime, period: sql.Period) -> int:
    local = moment.astimezone(dt.timezone(dt.timedelta(hours=sql.VN_UTC_OFFSET_HOURS)))
    if period == "year":
        return local.year
    if period == "quarter":
        return local.year * 4 + (local.month - 1) // 3
    return local.year * 12 + local.month - 1


def compute_admin(
    extract: Extract,
    *,
    period: str = "year",
    backend: str | Backend = "duckdb",
    as_of: dt.datetime | None = None,
    source: str = "admin",
) -> pd.DataFrame:
    """Compute every administrative indicator by province (and nationally) and period.

    Args:
        extract: A folder with the extract files, or a mapping table name -> pandas frame
            or file path (see :mod:`baove.indicators.admin.schema`).
        period: ``year``, ``quarter`` or ``month`` (Viet Nam local dates).
        backend: ``duckdb`` (default), ``spark`` or a backend object (left open).
        as_of: When the extract was taken (timezone-aware); decides whether an unanswered
            referral is overdue. Default: ``extracted_at`` of ``extract.json``, else the
            latest time in the cases and referrals.
        source: Text for the ``source`` column.

    Returns:
        Long format, one row per indicator, province (``00`` = national), period and
        category: ``indicator, province, period, category, value, numerator, denominator,
        unit, source``.

    Raises:
        AdminExtractError: The extract breaks the format (message names file and column).
        ValueError: Unknown period or backend, or a naive ``as_of``.
    """
    if period not in sql.PERIODS:
        raise ValueError(f"period must be one of {', '.join(sql.PERIODS)}, not {period!r}")
    if as_of is not None and as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware")
    per: sql.Period = period
    found, files, manifest = _sources(extract)
    be = make_backend(backend) if isinstance(backend, str) else backend
    try:
        return _compute(be, found, files, manifest, per, as_of, source)
    finally:
        if isinstance(backend, str):
            be.close()


def _compute(
    be: Backend,
    found: Mapping[str, Path | pd.DataFrame],
    files: Mapping[str, str],
    manifest: Path | None,
    period: sql.Period,
    as_of: dt.datetime | None,
    source: str,
) -> pd.DataFrame:
    d = be.dialect
    for name, src in found.items():
        be.register(name, src)
    present = {name: be.columns(name) for name in TABLES}
    problems = [p for n, t in TABLES.items() for p in missing_columns(t, files[n], present[n])]
    if problems:
        raise AdminExtractError(problems)
    problems = validate_rows(be, files, present, d.types)
    if problems:
        raise AdminExtractError(problems)
    pmap = pd.DataFrame(sorted(province_map().items()), columns=["code", "code_2025"])
    be.register("province_map", pmap.astype(object))
    be.run([sql.normalise(name, present[name], d) for name in TABLES])
    has_cluster = "cluster_id" in present["children"]
    be.run(sql.child_steps(has_cluster=has_cluster))
    problems = validate_references(be, files)
    if problems:
        raise AdminExtractError(problems)

    extent = be.query(sql.extent_sql(d, period)).iloc[0]
    if as_of is None:
        as_of = _manifest_as_of(manifest)
    if as_of is None:
        latest = extent["latest"]
        as_of = (
            pd.Timestamp(latest).tz_convert("UTC").to_pydatetime()
            if pd.notna(latest)
            else dt.datetime.now(dt.UTC)
        )
    if pd.isna(extent["lo"]):
        lo = hi = _index_of(as_of, period)
    else:
        lo, hi = int(extent["lo"]), max(int(extent["hi"]), _index_of(as_of, period))
    periods = period_table(lo, hi, period)
    be.register("periods", periods)
    be.register("as_of", pd.DataFrame({"as_of": [pd.Timestamp(as_of).tz_convert("UTC")]}))
    be.run(
        [
            *sql.population_steps(),
            *sql.events(period, d),
            *sql.indicator_steps(),
            *sql.referral_steps(d),
        ]
    )
    counts = be.query("SELECT * FROM admin_counts")
    referrals = be.query("SELECT * FROM admin_referrals")
    pop = be.query("SELECT * FROM pop")
    return assemble(counts, referrals, pop, periods, source)


def assemble(
    counts: pd.DataFrame,
    referrals: pd.DataFrame,
    pop: pd.DataFrame,
    periods: pd.DataFrame,
    source: str,
) -> pd.DataFrame:
    """Lay the engine results out in long format, with zeros where nothing happened.

    Child-count indicators get a row for every province (in the population table or the
    events), the national row, every period and every category; referral indicators only
    where referrals were sent.
    """
    provinces = sorted(
        (set(pop["province"]) | set(counts["province"]) | set(referrals["province"])) - {NATIONAL}
    )
    frames = []
    for indicator, (categories, unit) in CHILD_INDICATORS.items():
        grid = pd.MultiIndex.from_product(
            [[indicator], [*provinces, NATIONAL], list(periods["period"]), list(categories)],
            names=["indicator", "province", "period", "category"],
        ).to_frame(index=False)
        frames.append(grid.assign(unit=unit))
    grid = pd.concat(frames, ignore_index=True)
    keys = ["indicator", "province", "period", "category"]
    counts = counts.astype({"numerator": "int64"})
    out = grid.merge(counts, on=keys, how="left", validate="one_to_one")
    out["numerator"] = out["numerator"].fillna(0).astype("int64")
    out = out.merge(periods[["period", "year"]], on="period", how="left")
    pop = pop.astype({"year": "int64", "children": "float64"})
    out = out.merge(pop, on=["province", "year"], how="left", validate="many_to_one")
    out["denominator"] = out.pop("children")
    ok = out["denominator"] > 0
    out["value"] = np.where(ok, out["numerator"] * 100_000.0 / out["denominator"].where(ok), np.nan)
    out = out.drop(columns=["year"])

    ref = referrals.merge(periods[["period"]], on="period")
    for col in ("sent", "completed", "responded", "overdue", "overdue_known"):
        ref[col] = ref[col].fillna(0).astype("int64")
    pct_ok = ref["overdue_known"] > 0
    ref_rows = [
        pd.DataFrame(
            {
                "indicator": "referral_completion",
                "numerator": ref["completed"],
                "denominator": ref["sent"].astype("float64"),
                "value": 100.0 * ref["completed"] / ref["sent"],
                "unit": "percent of referrals sent",
            }
        ),
        pd.DataFrame(
            {
                "indicator": "referral_response_hours",
                "numerator": pd.NA,
                "denominator": ref["responded"].astype("float64"),
                "value": ref["median_hours"].astype("float64"),
                "unit": "median hours to first response",
            }
        ),
        pd.DataFrame(
            {
                "indicator": "referral_overdue",
                "numerator": ref["overdue"],
                "denominator": ref["overdue_known"].astype("float64"),
                "value": np.where(
                    pct_ok, 100.0 * ref["overdue"] / ref["overdue_known"].where(pct_ok), np.nan
                ),
                "unit": "percent of referrals due",
            }
        ),
    ]
    for frame in ref_rows:
        frame["province"] = ref["province"].to_numpy()
        frame["period"] = ref["period"].to_numpy()
        frame["category"] = "_T"
    result = pd.concat([out, *ref_rows], ignore_index=True)
    result["numerator"] = result["numerator"].astype("Int64")
    result["value"] = result["value"].astype("float64")
    result["denominator"] = result["denominator"].astype("float64")
    result["source"] = source
    order = {name: i for i, name in enumerate([*CHILD_INDICATORS, *REFERRAL_INDICATORS])}
    result = result.sort_values(
        ["indicator", "province", "period", "category"],
        key=lambda s: s.map(order) if s.name == "indicator" else s,
    )
    return result[OUTPUT_COLUMNS].reset_index(drop=True)
