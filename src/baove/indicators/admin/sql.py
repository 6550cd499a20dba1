"""SQL steps of the administrative indicators, for DuckDB and Spark SQL alike.

Each function returns :class:`SqlStep` values (SQL text and the name of the table it makes),
as Splink does, and executes nothing: :mod:`baove.indicators.admin.backends` runs them. The
SQL is the common subset of DuckDB and Spark SQL (``try_cast``, ``split_part``, ``GROUPING
SETS``, ``year()``/``quarter()``/``month()``); the few differences live in :class:`Dialect`.

Times: timestamps are instants (the engines run in UTC) and are bucketed by their Viet Nam
local date (UTC+7, no daylight saving time), as provinces report.
"""

# This module builds SQL text by design; every identifier and literal in it comes from the
# constants of schema.py or from code, never from the data, so S608 does not apply.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from baove.indicators.admin.schema import (
    ABUSE_CATEGORIES,
    ART10_CATEGORIES,
    CARE_TYPES,
    NATIONAL,
    TABLES,
    Kind,
    age_group_bounds,
)

Period = Literal["year", "quarter", "month"]
PERIODS: tuple[Period, ...] = ("year", "quarter", "month")

#: Children are 0-17: younger than 18 * 12 months at the reference month.
CHILD_MONTHS = 18 * 12
#: Open-ended stays (no close / end date) last past every period.
FOREVER = 99_999_999
#: Viet Nam local time is UTC+7 all year.
VN_UTC_OFFSET_HOURS = 7


@dataclass(frozen=True)
class SqlStep:
    """One SQL statement and the table (or view) it creates.

    Attributes:
        sql: A ``SELECT`` statement.
        output: Name of the table the backend creates from it.
        materialise: Whether to store the result (it is read several times) rather than
            keep a view.
    """

    sql: str
    output: str
    materialise: bool = False


@dataclass(frozen=True)
class Dialect:
    """The few spellings that differ between DuckDB and Spark SQL."""

    name: Literal["duckdb", "spark"]

    @property
    def types(self) -> Mapping[Kind, str]:
        """SQL type per logical column kind."""
        ts = "TIMESTAMPTZ" if self.name == "duckdb" else "TIMESTAMP"
        return {
            "string": "STRING",
            "int": "INT",
            "float": "DOUBLE",
            "date": "DATE",
            "timestamp": ts,
        }

    def hours_between(self, start: str, end: str) -> str:
        """SQL for the hours from ``start`` to ``end`` (fractional)."""
        if self.name == "duckdb":
            return f"(epoch_us({end}) - epoch_us({start})) / 3600000000.0"
        return f"(unix_micros({end}) - unix_micros({start})) / 3600000000.0"

    def median(self, expr: str) -> str:
        """SQL for the median with linear interpolation (R type 7, as pandas)."""
        if self.name == "duckdb":
            return f"quantile_cont({expr}, 0.5)"
        return f"percentile({expr}, 0.5)"

    def local(self, ts: str) -> str:
        """SQL for the Viet Nam local time of an instant (the session time zone is UTC)."""
        return f"({ts} + INTERVAL {VN_UTC_OFFSET_HOURS} HOURS)"


DUCKDB = Dialect("duckdb")
SPARK = Dialect("spark")


def period_index(expr: str, period: Period) -> str:
    """SQL for the integer index of the period a date/local time falls in.

    Year: the year; quarter: ``year * 4 + quarter - 1``; month: ``year * 12 + month - 1``.
    Consecutive periods have consecutive indexes, so "open at the end of period p" is an
    integer range test.
    """
    if period == "year":
        return f"year({expr})"
    if period == "quarter":
        return f"(year({expr}) * 4 + quarter({expr}) - 1)"
    return f"(year({expr}) * 12 + month({expr}) - 1)"


def _month_index(expr: str) -> str:
    return f"(year({expr}) * 12 + month({expr}))"


def _cast(col: str, kind: Kind, dialect: Dialect) -> str:
    text = f"trim(CAST({col} AS STRING))"
    if kind == "string":
        return text
    return f"try_cast({text} AS {dialect.types[kind]})"


def normalise(table: str, present: list[str], dialect: Dialect) -> SqlStep:
    """Cast the raw table ``table`` to the extract types, as view ``n_<table>``.

    Province columns are zero-padded and mapped to the 2025 provinces through the
    ``province_map`` table (``code``, ``code_2025``); absent optional columns become NULL.
    """
    spec = TABLES[table]
    have = set(present)
    cols: list[str] = []
    joins = ""
    for col in spec.columns:
        if col.name not in have:
            if col.optional:
                cols.append(f"CAST(NULL AS {dialect.types[col.kind]}) AS {col.name}")
            continue
        if col.province:
            joins += (
                f" LEFT JOIN province_map pm_{col.name}"
                f" ON pm_{col.name}.code = lpad(trim(CAST(t.{col.name} AS STRING)), 2, '0')"
            )
            cols.append(f"pm_{col.name}.code_2025 AS {col.name}")
        else:
            cols.append(f"{_cast('t.' + col.name, col.kind, dialect)} AS {col.name}")
    if table == "population":
        if "age_group" in have:
            lo, hi = age_group_bounds("t.age_group")
        else:
            lo = hi = _cast("t.age", "int", dialect)
        cols += [f"{lo} AS age_lo", f"{hi} AS age_hi"]
    sql = f"SELECT {', '.join(cols)} FROM {table} t{joins}"
    return SqlStep(sql, f"n_{table}")


def child_steps(*, has_cluster: bool) -> list[SqlStep]:
    """The children that cases and placements refer to, with their person key (``ev_children``).

    One pass over the registry (which may hold every child of the country) instead of one
    join per event table. Columns: child_id, person (cluster or record), birth_m (``year *
    12 + month`` of birth, NULL when unknown).
    """
    sql = (
        f"SELECT ch.child_id, {_person(has_cluster)} AS person,"
        " ch.birth_year * 12 + ch.birth_month AS birth_m"
        " FROM n_children ch WHERE ch.child_id IN ("
        "SELECT child_id FROM n_cases UNION SELECT child_id FROM n_placements)"
    )
    return [SqlStep(sql, "ev_children", materialise=True)]


def _person(has_cluster: bool) -> str:
    # A child is its linked cluster when record linkage gave one, else its own record.
    if not has_cluster:
        return "ch.child_id"
    return (
        "CASE WHEN ch.cluster_id IS NULL THEN concat('r:', ch.child_id)"
        " ELSE concat('k:', ch.cluster_id) END"
    )


def events(period: Period, dialect: Dialect) -> list[SqlStep]:
    """Join cases, placements and referrals to their child and period indexes.

    Makes ``ev_cases`` (case_id, person, province, p_open, p_close, m_open, birth_m),
    ``ev_placements`` (person, province, care_type, care_group, p_start, p_end, birth_m) and
    ``ev_referrals`` (province, p_sent, hours, completed, overdue, overdue_known). ``m_*``
    are month numbers (``year * 12 + month``) for ages; ``birth_m`` is NULL when unknown.
    """
    person, birth = "ch.person", "ch.birth_m"
    opened = dialect.local("c.reported_at")
    closed = dialect.local("c.closed_at")
    cases = SqlStep(
        f"SELECT c.case_id, {person} AS person, c.province,"
        f" {period_index(opened, period)} AS p_open,"
        f" CASE WHEN c.closed_at IS NULL THEN {FOREVER}"
        f" ELSE {period_index(closed, period)} END AS p_close,"
        f" {_month_index(opened)} AS m_open, {birth} AS birth_m"
        " FROM n_cases c JOIN ev_children ch ON ch.child_id = c.child_id",
        "ev_cases",
        materialise=True,
    )
    groups = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in CARE_TYPES.items())
    placements = SqlStep(
        f"SELECT {person} AS person, p.province, p.care_type,"
        f" CASE p.care_type {groups} END AS care_group,"
        f" {period_index('p.start_date', period)} AS p_start,"
        f" CASE WHEN p.end_date IS NULL THEN {FOREVER}"
        f" ELSE {period_index('p.end_date', period)} END AS p_end,"
        f" {birth} AS birth_m"
        " FROM n_placements p JOIN ev_children ch ON ch.child_id = p.child_id",
        "ev_placements",
        materialise=True,
    )
    hours = dialect.hours_between("r.sent_at", "r.first_response_at")
    referrals = SqlStep(
        f"SELECT r.province, {period_index(dialect.local('r.sent_at'), period)} AS p_sent,"
        f" {hours} AS hours,"
        " CASE WHEN r.completed_at IS NOT NULL THEN 1 ELSE 0 END AS completed,"
        " CASE WHEN r.due_at IS NOT NULL AND (r.first_response_at > r.due_at"
        "  OR (r.first_response_at IS NULL AND r.due_at < a.as_of)) THEN 1 ELSE 0 END"
        " AS overdue,"
        " CASE WHEN r.due_at IS NOT NULL AND (r.first_response_at IS NOT NULL"
        "  OR r.due_at < a.as_of) THEN 1 ELSE 0 END AS overdue_known"
        " FROM n_referrals r CROSS JOIN as_of a",
        "ev_referrals",
    )
    return [cases, placements, referrals]


def _child_at(month: str) -> str:
    # Aged 0-17 at the reference month; a child with no birth date is counted.
    return f"(birth_m IS NULL OR {month} - birth_m < {CHILD_MONTHS})"


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def population_steps() -> list[SqlStep]:
    """Children aged 0-17 by province and year, plus the national total, as ``pop``.

    Uses the both-sexes rows (``sex = 'T'``) of a province and year when it has any, else
    the sum of the F and M rows. The national row (province ``00``) is the sum of the
    provinces. Columns: province, year, children.
    """
    prov = (
        "SELECT province, year,"
        " CASE WHEN sum(CASE WHEN sex = 'T' THEN 1 ELSE 0 END) > 0"
        "  THEN sum(CASE WHEN sex = 'T' THEN population ELSE 0 END)"
        "  ELSE sum(CASE WHEN sex <> 'T' THEN population ELSE 0 END) END AS children"
        " FROM n_population WHERE age_hi <= 17 GROUP BY province, year"
    )
    total = (
        "SELECT province, year, children FROM pop_prov UNION ALL"
        f" SELECT '{NATIONAL}' AS province, year, sum(children) AS children"
        " FROM pop_prov GROUP BY year"
    )
    return [SqlStep(prov, "pop_prov"), SqlStep(total, "pop")]


def _long(indicator: str, group: str | None, body: str) -> str:
    """Distinct children by province, period (and ``group``), plus the national row.

    The national row counts distinct children over the whole country, so a child counted in
    two provinces is counted once there.
    """
    keys = "province, period" + (f", {group}" if group else "")
    national = "period" + (f", {group}" if group else "")
    category = group if group else "'_T'"
    return (
        f"SELECT '{indicator}' AS indicator, coalesce(province, '{NATIONAL}') AS province,"
        f" period, {category} AS category, numerator"
        f" FROM (SELECT {keys}, count(DISTINCT person) AS numerator"
        f" {body} GROUP BY GROUPING SETS (({keys}), ({national}))) g"
    )


def indicator_steps() -> list[SqlStep]:
    """Numerators of the child-count indicators as one long table ``admin_counts``.

    Columns: indicator, province, period, category, numerator (distinct children).
    """
    abuse = (
        "FROM ev_cases c JOIN periods p ON p.idx = c.p_open"
        " JOIN (SELECT DISTINCT case_id FROM n_case_categories"
        f" WHERE category IN ({_in(ABUSE_CATEGORIES)})) a ON a.case_id = c.case_id"
        f" WHERE {_child_at('c.m_open')}"
    )
    special = (
        "FROM ev_cases c JOIN periods p ON p.idx >= c.p_open AND p.idx < c.p_close"
        " JOIN n_case_categories k ON k.case_id = c.case_id"
        f" WHERE {_child_at('p.end_m')}"
    )
    special_any = special + f" AND k.category IN ({_in(ART10_CATEGORIES)})"
    care = (
        "FROM ev_placements e JOIN periods p ON p.idx >= e.p_start AND p.idx < e.p_end"
        f" WHERE {_child_at('p.end_m')}"
    )
    parts = [
        _long("abuse_reported", None, abuse),
        _long("special_circumstances", "category", special),
        _long("special_circumstances", None, special_any),
        _long("alternative_care", "care_type", care),
        _long("alternative_care", "care_group", care),
        _long("alternative_care", None, care),
    ]
    return [SqlStep(" UNION ALL ".join(parts), "admin_counts")]


def referral_steps(dialect: Dialect) -> list[SqlStep]:
    """Referral counts and median response hours by province and period (``admin_referrals``).

    Columns: province, period, sent, completed, responded, median_hours, overdue,
    overdue_known. The unit is the referral (a service process), not the child.
    """
    sql = (
        f"SELECT coalesce(province, '{NATIONAL}') AS province, period,"
        " count(*) AS sent, sum(completed) AS completed, count(hours) AS responded,"
        f" {dialect.median('hours')} AS median_hours,"
        " sum(overdue) AS overdue, sum(overdue_known) AS overdue_known"
        " FROM (SELECT r.*, p.period FROM ev_referrals r JOIN periods p ON p.idx = r.p_sent) x"
        " GROUP BY GROUPING SETS ((province, period), (period))"
    )
    return [SqlStep(sql, "admin_referrals")]


def extent_sql(dialect: Dialect, period: Period) -> str:
    """SQL for the first and last period index with events, and the latest event time.

    Returns one row: ``lo``, ``hi`` (period indexes) and ``latest`` (the latest timestamp of
    the cases and referrals, used as the extract date when the manifest gives none).
    """
    opened = period_index(dialect.local("reported_at"), period)
    sent = period_index(dialect.local("sent_at"), period)
    start = period_index("start_date", period)
    return (
        "SELECT min(lo) AS lo, max(hi) AS hi, max(latest) AS latest FROM ("
        f" SELECT min({opened}) AS lo, max({opened}) AS hi,"
        " max(greatest(reported_at, coalesce(closed_at, reported_at))) AS latest FROM n_cases"
        f" UNION ALL SELECT min({start}), max({start}), NULL FROM n_placements"
        f" UNION ALL SELECT min({sent}), max({sent}), max(greatest(sent_at,"
        " coalesce(first_response_at, sent_at), coalesce(completed_at, sent_at)))"
        " FROM n_referrals) e"
    )
