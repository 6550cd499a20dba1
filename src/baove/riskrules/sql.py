"""The same rules as SQL, for screening whole registry lists in DuckDB (or Spark SQL).

:func:`compile_sql` returns :class:`SqlStep` values, as ``baove.indicators.admin.sql`` and
Splink do, and executes nothing. The input table has one row per child and one column per
checklist item (BOOLEAN for yes/no items, text for choice items; NULL = not known); items
without a column count as unanswered. The output adds ``score``, ``level_rank``, ``level``
and ``reasons`` (the ids of the rules that applied, comma-separated in rules-file order,
``''`` when none): exactly what :func:`baove.riskrules.evaluate` computes (tested on
thousands of random answer sets).

The SQL is the common subset of DuckDB and Spark SQL (``CASE``, ``coalesce``, ``greatest``,
``concat_ws`` which skips NULLs in both).
"""

# Identifiers and literals below come from validated rules (ids match [a-z][a-z0-9_]*,
# values are checklist options) and from code, never from data, so S608 does not apply.
# ruff: noqa: S608

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from baove.riskrules.items import ITEMS
from baove.riskrules.rules import LEVEL_RANK, LEVELS, Condition, Rule, Rules


@dataclass(frozen=True)
class SqlStep:
    """One SQL statement and the table (or view) it creates.

    Attributes:
        sql: A ``SELECT`` statement.
        output: Name of the table the runner creates from it.
        materialise: Whether to store the result rather than keep a view.
    """

    sql: str
    output: str
    materialise: bool = False


@dataclass(frozen=True)
class Dialect:
    """The SQL engine the steps are written for (the SQL is the same; kept for callers)."""

    name: Literal["duckdb", "spark"]


DUCKDB = Dialect("duckdb")
SPARK = Dialect("spark")


_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def _name(name: str) -> str:
    # Plain identifiers only: both engines read them unquoted (they quote differently).
    if not _NAME_RE.match(name):
        raise ValueError(f"not a plain column name: {name!r}")
    return name


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _condition(cond: Condition, present: Collection[str]) -> str:
    if cond.item not in present:
        return "FALSE"  # no column: unanswered, which never matches
    col = f"t.{cond.item}"
    if cond.values:
        values = ", ".join(_literal(v) for v in cond.values)
        return f"coalesce({col} IN ({values}), FALSE)"
    return f"coalesce({col}, FALSE)"


def rule_condition(rule: Rule, present: Collection[str]) -> str:
    """SQL for "the rule applies" over table alias ``t``."""
    parts = [_condition(c, present) for c in rule.all]
    if rule.any:
        parts.append("(" + " OR ".join(_condition(c, present) for c in rule.any) + ")")
    return "(" + " AND ".join(parts) + ")"


def compile_sql(
    rules: Rules,
    *,
    source: str = "answers",
    keep: Sequence[str] = ("child_id",),
    items: Collection[str] | None = None,
    output: str = "screened",
    dialect: Dialect = DUCKDB,
) -> list[SqlStep]:
    """Turn ``rules`` into SQL steps that screen every row of ``source``.

    Args:
        rules: Validated rules.
        source: The input table (one row per child, one column per item).
        keep: Columns of ``source`` passed through to the output (ids, commune...).
        items: The item columns ``source`` has (default: every checklist item).
        output: Name of the final table.
        dialect: DuckDB (default) or Spark; the text is the same.

    Returns:
        Two steps: ``<output>_matched`` (one boolean ``m_<rule>`` per rule) and ``output``
        (``keep`` columns, ``score``, ``level_rank``, ``level``, ``reasons``).
    """
    del dialect  # one text for both engines (see the module docstring)
    present = set(ITEMS) if items is None else set(items) & set(ITEMS)
    kept = [_name(c) for c in keep]
    _name(source)
    _name(output)
    matched = [f"{rule_condition(r, present)} AS m_{r.id}" for r in rules.rules]
    step1 = SqlStep(
        "SELECT " + ", ".join([*(f"t.{c}" for c in kept), *matched]) + f" FROM {source} t",
        f"{output}_matched",
    )
    score = " + ".join(f"CASE WHEN m_{r.id} THEN {r.points} ELSE 0 END" for r in rules.rules)
    by_score = "CASE"
    for level in reversed(LEVELS[1:]):
        threshold = rules.thresholds.get(level)
        if threshold is not None:
            by_score += f" WHEN ({score}) >= {threshold} THEN {LEVEL_RANK[level]}"
    by_score += " ELSE 0 END"
    floors = [
        f"CASE WHEN m_{r.id} THEN {LEVEL_RANK[r.at_least]} ELSE 0 END"
        for r in rules.rules
        if r.at_least is not None
    ]
    rank = f"greatest({', '.join([by_score, '0', *floors])})"
    level = "CASE rank_ " + " ".join(f"WHEN {i} THEN '{lv}'" for i, lv in enumerate(LEVELS))
    reasons = (
        "concat_ws(',', "
        + ", ".join(f"CASE WHEN m_{r.id} THEN '{r.id}' END" for r in rules.rules)
        + ")"
    )
    inner = (
        "SELECT "
        + ", ".join([*kept, f"({score}) AS score", f"{rank} AS rank_", f"{reasons} AS reasons"])
        + f" FROM {output}_matched"
    )
    step2 = SqlStep(
        "SELECT "
        + ", ".join([*kept, "score", "rank_ AS level_rank", f"{level} END AS level", "reasons"])
        + f" FROM ({inner}) s",
        output,
        materialise=True,
    )
    return [step1, step2]
