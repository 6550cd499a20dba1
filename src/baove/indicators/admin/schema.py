"""The administrative extract: tables, columns, vocabularies and validation.

An extract is a folder with one file per table (``<table>.parquet`` or ``<table>.csv``) and an
optional ``extract.json`` manifest (``{"extracted_at": "<ISO 8601 with offset>"}``). The
format is described for people in ``docs/admin-indicators.md``; this module is the contract
the code checks. It does not import Django: the category codes are copied from
``baove.cases.vocab`` and a test keeps the two in step.
"""

# The checks are SQL built from the table specs below (identifiers and codes are constants,
# never data), so S608 does not apply.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

import pandas as pd

Kind = Literal["string", "int", "float", "date", "timestamp"]

#: Case categories (``baove.cases.vocab.Category``): the 16 groups of children in special
#: circumstances of the Law on Children 2016, Art. 10, then the two prevention codes.
ART10_CATEGORIES: tuple[str, ...] = (
    "art10_01", "art10_02", "art10_03", "art10_04", "art10_05", "art10_06", "art10_07",
    "art10_08", "art10_09", "art10_10", "art10_11", "art10_12", "art10_13", "art10_14a",
    "art10_14b", "art10_14c",
)  # fmt: skip
CATEGORIES: tuple[str, ...] = (*ART10_CATEGORIES, "at_risk", "reported_abuse")

#: Categories that are child abuse ("xâm hại trẻ em") in the sense of the Law on Children
#: 2016, Art. 4(8): violence, exploitation, sexual abuse, trafficking, abandonment and
#: neglect, plus reports of abuse not yet classified.
ABUSE_CATEGORIES: tuple[str, ...] = (
    "art10_02",  # abandoned
    "art10_09",  # seriously harmed by violence
    "art10_10",  # exploited
    "art10_11",  # sexually abused
    "art10_12",  # trafficked
    "reported_abuse",
)

#: Alternative care types and their group. SOS Children's Villages are residential: the UN
#: Guidelines for the Alternative Care of Children (A/RES/64/142, para. 29(c)(iv)) count any
#: non-family-based group setting as residential care, whatever its size or look.
CARE_TYPES: dict[str, str] = {
    "kinship_care": "family_based",
    "foster_care": "family_based",
    # Community-based care (a family setting arranged and supported in the community),
    # family-based as the placements app records it (baove.placements, "community").
    "community_care": "family_based",
    "guardianship": "family_based",
    "adoption": "family_based",
    "residential_public": "residential",
    "residential_private": "residential",
    "sos_village": "residential",
    "social_protection_centre": "residential",
}
CARE_GROUPS: tuple[str, ...] = ("family_based", "residential")

RISK_LEVELS: tuple[str, ...] = ("low", "medium", "high", "urgent")
SEXES: tuple[str, ...] = ("F", "M")
POPULATION_SEXES: tuple[str, ...] = ("F", "M", "T")

#: The 34 provinces of 2025 (Resolution 202/2025/QH15), codes as ``vietnam-provinces``.
PROVINCES_2025: tuple[str, ...] = (
    "01", "04", "08", "11", "12", "14", "15", "19", "20", "22", "24", "25", "31", "33", "37",
    "38", "40", "42", "44", "46", "48", "51", "52", "56", "66", "68", "75", "79", "80", "82",
    "86", "91", "92", "96",
)  # fmt: skip

#: The 63 pre-2025 province codes (Decision 124/2004/QD-TTg) -> the 2025 province that took
#: them over whole (Resolution 202/2025/QH15). Each merged province took the code of one of
#: its parts, so a 2025 code maps to itself and the map can be applied to any extract.
#: ``vietnam-provinces`` has no such table; a test checks this one against its ward codes.
OLD_PROVINCE_TO_2025: dict[str, str] = {
    "01": "01", "02": "08", "04": "04", "06": "19", "08": "08", "10": "15", "11": "11",
    "12": "12", "14": "14", "15": "15", "17": "25", "19": "19", "20": "20", "22": "22",
    "24": "24", "25": "25", "26": "25", "27": "24", "30": "31", "31": "31", "33": "33",
    "34": "33", "35": "37", "36": "37", "37": "37", "38": "38", "40": "40", "42": "42",
    "44": "44", "45": "44", "46": "46", "48": "48", "49": "48", "51": "51", "52": "52",
    "54": "66", "56": "56", "58": "56", "60": "68", "62": "51", "64": "52", "66": "66",
    "67": "68", "68": "68", "70": "75", "72": "80", "74": "79", "75": "75", "77": "79",
    "79": "79", "80": "80", "82": "82", "83": "86", "84": "86", "86": "86", "87": "82",
    "89": "91", "91": "91", "92": "92", "93": "92", "94": "92", "95": "96", "96": "96",
}  # fmt: skip

#: Province code of the national rows of the output.
NATIONAL = "00"


def province_map() -> dict[str, str]:
    """Return every accepted province code (2025 and pre-2025) -> its 2025 code."""
    out = dict(OLD_PROVINCE_TO_2025)
    out.update({code: code for code in PROVINCES_2025})
    return out


@dataclass(frozen=True)
class Column:
    """One column of an extract table.

    Attributes:
        name: Column name.
        kind: Logical type; values must cast to it.
        doc: Meaning, for the documentation and error messages.
        nullable: Whether empty values are allowed.
        optional: Whether the column may be absent from the file.
        vocab: Allowed values (after trimming), if the column is coded.
        province: Whether the column holds a province code (2-digit, 2025 or pre-2025).
    """

    name: str
    kind: Kind
    doc: str
    nullable: bool = False
    optional: bool = False
    vocab: tuple[str, ...] | None = None
    province: bool = False


@dataclass(frozen=True)
class Table:
    """One table of the extract."""

    name: str
    doc: str
    columns: tuple[Column, ...]
    #: Groups of columns of which exactly one must be present (population: age or age_group).
    one_of: tuple[tuple[str, ...], ...] = field(default=())

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


_PROV = "province code (2 digits; pre-2025 codes are mapped to the 2025 provinces)"

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "children",
            "one row per child record (registry); no names, no ID numbers",
            (
                Column("child_id", "string", "pseudonymous child record id"),
                Column(
                    "cluster_id",
                    "string",
                    "child master index from record linkage: records of one child share it",
                    nullable=True,
                    optional=True,
                ),
                Column("sex", "string", "F or M", nullable=True, vocab=SEXES),
                Column("birth_year", "int", "year of birth", nullable=True),
                Column("birth_month", "int", "month of birth 1-12", nullable=True),
                Column("province", "string", _PROV, province=True),
                Column(
                    "commune", "string", "commune code (5 digits)", nullable=True, optional=True
                ),
            ),
        ),
        Table(
            "cases",
            "one row per case",
            (
                Column("case_id", "string", "case id"),
                Column("child_id", "string", "the child (children.child_id)"),
                Column("province", "string", _PROV + " of the case", province=True),
                Column("commune", "string", "commune code", nullable=True, optional=True),
                Column("reported_at", "timestamp", "when the case was reported (opened)"),
                Column("closed_at", "timestamp", "when the case was closed", nullable=True),
                Column("risk_level", "string", "risk level", nullable=True, vocab=RISK_LEVELS),
            ),
        ),
        Table(
            "case_categories",
            "one row per category of a case (a case has one or more)",
            (
                Column("case_id", "string", "the case (cases.case_id)"),
                Column("category", "string", "category code", vocab=CATEGORIES),
            ),
        ),
        Table(
            "placements",
            "one row per alternative care placement",
            (
                Column("placement_id", "string", "placement id"),
                Column("child_id", "string", "the child (children.child_id)"),
                Column("province", "string", _PROV + " responsible", province=True),
                Column("care_type", "string", "care type", vocab=tuple(CARE_TYPES)),
                Column("start_date", "date", "first day in this placement"),
                Column("end_date", "date", "day the placement ended", nullable=True),
            ),
        ),
        Table(
            "referrals",
            "one row per referral of a case to a service",
            (
                Column("referral_id", "string", "referral id"),
                Column("case_id", "string", "the referring case (cases.case_id)"),
                Column("province", "string", _PROV + " of the referring case", province=True),
                Column("sent_at", "timestamp", "when the referral was sent"),
                Column("due_at", "timestamp", "when a response is due", nullable=True),
                Column("first_response_at", "timestamp", "first response", nullable=True),
                Column("completed_at", "timestamp", "service completed", nullable=True),
            ),
        ),
        Table(
            "population",
            "population by province, year, sex and age (the denominators)",
            (
                Column("province", "string", _PROV, province=True),
                Column("year", "int", "year the population refers to"),
                Column("sex", "string", "F, M or T (both sexes)", vocab=POPULATION_SEXES),
                Column("age", "int", "age in completed years", optional=True),
                Column("age_group", "string", "age group 'a-b' or 'a+' (years)", optional=True),
                Column("population", "float", "number of people, not negative"),
            ),
            one_of=(("age", "age_group"),),
        ),
    )
}

TABLE_ORDER: tuple[str, ...] = tuple(TABLES)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an extract, named by file and column."""

    file: str
    column: str
    vi: str
    en: str

    def __str__(self) -> str:
        where_vi = f"{self.file}, cột {self.column}"
        where_en = f"{self.file}, column {self.column}"
        return f"{where_vi}: {self.vi} / {where_en}: {self.en}"


class AdminExtractError(ValueError):
    """The extract does not follow the format; the message lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def missing_columns(table: Table, file: str, present: list[str]) -> list[Problem]:
    """Return the problems with the set of columns of one file.

    Args:
        table: The table spec.
        file: File name for messages.
        present: Columns found in the file.

    Returns:
        Missing required columns and violated one-of groups.
    """
    have = set(present)
    out = [
        Problem(file, c.name, "thiếu cột bắt buộc", "required column is missing")
        for c in table.columns
        if not c.optional and c.name not in have
    ]
    for group in table.one_of:
        n = sum(1 for name in group if name in have)
        if n != 1:
            names = " | ".join(group)
            out.append(
                Problem(
                    file,
                    names,
                    "cần đúng một trong các cột này",
                    "exactly one of these columns is required",
                )
            )
    return out


@dataclass(frozen=True)
class Check:
    """A row-level check: ``bad`` is a SQL condition over the raw table; ``show`` the value."""

    column: str
    bad: str
    show: str
    vi: str
    en: str


def _quote(values: tuple[str, ...] | list[str]) -> str:
    # Codes come from the constants above (no quotes in them), never from the data.
    return ", ".join(f"'{v}'" for v in values)


def row_checks(table: Table, present: list[str], cast: Mapping[Kind, str]) -> list[Check]:
    """Return the SQL checks for the columns of ``table`` present in its file.

    Args:
        table: The table spec.
        present: Columns found in the file.
        cast: SQL type name per logical kind (from the dialect).

    Returns:
        One check per rule (not null, type, vocabulary, province code, range).
    """
    have = set(present)
    checks: list[Check] = []
    for col in table.columns:
        if col.name not in have:
            continue
        q = col.name
        text = f"trim(CAST({q} AS STRING))"
        if not col.nullable:
            checks.append(Check(q, f"{q} IS NULL", "NULL", "có ô trống", "has empty values"))
        if col.kind != "string":
            checks.append(
                Check(
                    q,
                    f"{q} IS NOT NULL AND try_cast({text} AS {cast[col.kind]}) IS NULL",
                    text,
                    f"giá trị không đúng kiểu {col.kind}",
                    f"values are not of type {col.kind}",
                )
            )
        if col.vocab is not None:
            checks.append(
                Check(
                    q,
                    f"{q} IS NOT NULL AND {text} NOT IN ({_quote(col.vocab)})",
                    text,
                    f"mã không hợp lệ (cho phép: {', '.join(col.vocab)})",
                    f"invalid codes (allowed: {', '.join(col.vocab)})",
                )
            )
        if col.province:
            codes = sorted(province_map())
            checks.append(
                Check(
                    q,
                    f"{q} IS NOT NULL AND lpad({text}, 2, '0') NOT IN ({_quote(codes)})",
                    text,
                    "mã tỉnh không tồn tại (mã 2025 hoặc mã 63 tỉnh cũ)",
                    "unknown province codes (neither 2025 nor pre-2025 codes)",
                )
            )
    num = cast["float"]
    if table.name == "population":
        checks.append(
            Check(
                "population",
                f"try_cast(trim(CAST(population AS STRING)) AS {num}) < 0",
                "trim(CAST(population AS STRING))",
                "dân số âm",
                "negative population",
            )
        )
        if "age_group" in have:
            lo, hi = age_group_bounds("age_group")
            checks.append(
                Check(
                    "age_group",
                    f"age_group IS NOT NULL AND ({lo} IS NULL OR {hi} IS NULL OR {lo} > {hi})",
                    "trim(CAST(age_group AS STRING))",
                    "nhóm tuổi không đúng dạng 'a-b' hoặc 'a+'",
                    "age groups not written 'a-b' or 'a+'",
                )
            )
            checks.append(
                Check(
                    "age_group",
                    f"{lo} <= 17 AND {hi} > 17",
                    "trim(CAST(age_group AS STRING))",
                    "nhóm tuổi vắt qua tuổi 18, không tách được trẻ 0-17",
                    "age groups straddle age 18, so children 0-17 cannot be counted",
                )
            )
    if table.name == "children" and "birth_month" in have:
        m = f"try_cast(trim(CAST(birth_month AS STRING)) AS {cast['int']})"
        checks.append(
            Check(
                "birth_month",
                f"{m} < 1 OR {m} > 12",
                "trim(CAST(birth_month AS STRING))",
                "tháng sinh ngoài 1-12",
                "birth month outside 1-12",
            )
        )
    return checks


def age_group_bounds(column: str) -> tuple[str, str]:
    """Return SQL for the lower and upper age of an ``a-b`` / ``a+`` age group column."""
    g = f"trim(CAST({column} AS STRING))"
    lo = f"try_cast(trim(replace(split_part({g}, '-', 1), '+', '')) AS INT)"
    hi = (
        f"CASE WHEN {g} LIKE '%+' THEN 999 "
        f"WHEN {g} NOT LIKE '%-%' THEN NULL "
        f"ELSE try_cast(trim(split_part({g}, '-', 2)) AS INT) END"
    )
    return lo, hi


class _Runner(Protocol):
    """The part of a backend that validation uses."""

    def query(self, sql: str) -> pd.DataFrame: ...


def validate_rows(
    runner: _Runner,
    files: Mapping[str, str],
    present: Mapping[str, list[str]],
    types: Mapping[Kind, str],
) -> list[Problem]:
    """Check every row of every table with one scan per table.

    Args:
        runner: Runs SQL (a backend) on the raw registered tables.
        files: Table name -> file name for messages.
        present: Table name -> columns found.
        types: SQL type per logical kind (the backend's dialect).

    Returns:
        The problems found, one per failed check, each with an example value.
    """
    problems: list[Problem] = []
    for name, table in TABLES.items():
        checks = row_checks(table, present[name], types)
        if not checks:
            continue
        parts = []
        for i, chk in enumerate(checks):
            parts.append(f"sum(CASE WHEN {chk.bad} THEN 1 ELSE 0 END) AS n{i}")
            parts.append(f"min(CASE WHEN {chk.bad} THEN {chk.show} END) AS ex{i}")
        row = runner.query(f"SELECT {', '.join(parts)} FROM {name}").iloc[0]
        for i, chk in enumerate(checks):
            n = row[f"n{i}"]
            if pd.notna(n) and int(n) > 0:
                ex = row[f"ex{i}"]
                problems.append(
                    Problem(
                        files[name],
                        chk.column,
                        f"{chk.vi}: {int(n)} dòng, ví dụ {ex!r}",
                        f"{chk.en}: {int(n)} rows, e.g. {ex!r}",
                    )
                )
    return problems


#: (table, column, parent table, parent key): every value must exist in the parent. Child
#: ids are looked up in ``ev_children`` (the children that events refer to, made once from
#: the registry), not in the whole registry again.
REFERENCES: tuple[tuple[str, str, str, str], ...] = (
    ("cases", "child_id", "children", "child_id"),
    ("case_categories", "case_id", "cases", "case_id"),
    ("placements", "child_id", "children", "child_id"),
    ("referrals", "case_id", "cases", "case_id"),
)
_LOOKUP = {"children": "ev_children", "cases": "n_cases"}


def validate_references(runner: _Runner, files: Mapping[str, str]) -> list[Problem]:
    """Check that ids point to existing rows (on the normalised tables)."""
    problems: list[Problem] = []
    for child, column, parent, key in REFERENCES:
        row = runner.query(
            f"SELECT count(*) AS n, min(x.{column}) AS ex FROM n_{child} x"
            f" LEFT JOIN {_LOOKUP[parent]} y ON y.{key} = x.{column} WHERE y.{key} IS NULL"
        ).iloc[0]
        if int(row["n"]) > 0:
            problems.append(
                Problem(
                    files[child],
                    column,
                    f"{int(row['n'])} dòng trỏ tới mã không có trong {files[parent]}"
                    f", ví dụ {row['ex']!r}",
                    f"{int(row['n'])} rows point to ids missing from {files[parent]}"
                    f", e.g. {row['ex']!r}",
                )
            )
    return problems
