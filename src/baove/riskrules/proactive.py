"""Proactive screening: the rules over registry lists, a home-visit list per commune.

Source lists come from other registries (poor and near-poor households, out-of-school
children, children whose parents migrated, children with disabilities without support...),
one row per child with ``child_id`` and ``commune_code``. Each list stands for one checklist
item: a child on the list answers "yes" to it (a choice item such as ``poverty`` takes its
value from the column of that name). One list may be the registry itself (no item): it only
brings children and communes. DuckDB reads the files, joins them by child id, runs the rules
compiled by :func:`baove.riskrules.sql.compile_sql` (the same rules as the web app), and
ranks the children of each commune: highest level first, then highest score, then id.
"""

# SQL identifiers and literals here come from validated rules, checklist codes and code;
# file paths are handed to DuckDB's reader functions, never pasted into SQL.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from baove.riskrules.items import CHOICE, ITEMS
from baove.riskrules.rules import LEVEL_RANK, LEVELS, Problem, Rules, RulesError
from baove.riskrules.sql import compile_sql

if TYPE_CHECKING:
    import duckdb

__all__ = ["ListsError", "ProactiveResult", "RegistryList", "VisitRow", "proactive_screen"]

ID, COMMUNE = "child_id", "commune_code"


class ListsError(RulesError):
    """A source list cannot be read or lacks a required column (bilingual problems)."""


@dataclass(frozen=True)
class RegistryList:
    """One source list.

    Attributes:
        path: A ``.parquet`` or ``.csv`` file (CSV: header row, UTF-8).
        item: The checklist item the list stands for; None for the registry itself.
        name: A name for messages (default: the file name).
    """

    path: Path | str
    item: str | None = None
    name: str = ""

    @property
    def label(self) -> str:
        """The name used in messages."""
        return self.name or Path(self.path).name


@dataclass(frozen=True)
class VisitRow:
    """One child on the home-visit list."""

    commune_code: str
    child_id: str
    rank: int
    level: str
    score: int
    reasons: tuple[str, ...]


@dataclass
class ProactiveResult:
    """What a proactive screening found.

    Attributes:
        rules_version: The rules used.
        children: Children screened (after the commune filter).
        by_level: Children per level.
        visits: Children on the home-visit list (level at or above ``min_level``).
        rows: The visit list, by commune then rank (empty when written to ``out``).
    """

    rules_version: str
    children: int
    by_level: dict[str, int]
    visits: int
    rows: list[VisitRow] = field(default_factory=list)


def _read(
    con: duckdb.DuckDBPyConnection, lst: RegistryList, view: str, problems: list[Problem]
) -> list[str] | None:
    import duckdb

    path = Path(lst.path)
    suffix = path.suffix.lower()
    if not path.is_file():
        problems.append(Problem(lst.label, "file not found.", "không tìm thấy tệp."))
        return None
    if suffix not in {".parquet", ".csv"}:
        problems.append(
            Problem(lst.label, "use a .parquet or .csv file.", "hãy dùng tệp .parquet hoặc .csv.")
        )
        return None
    try:
        if suffix == ".parquet":
            rel = con.read_parquet(str(path))
        else:
            # Ids and commune codes keep their leading zeros: every CSV column is text.
            rel = con.read_csv(str(path), header=True, all_varchar=True)
        rel.create_view(view)
        return list(rel.columns)
    except duckdb.Error as exc:  # a file DuckDB cannot read is the file's problem
        problems.append(
            Problem(lst.label, f"cannot read the file: {exc}", f"không đọc được tệp: {exc}")
        )
        return None


def _check(lst: RegistryList, columns: list[str], problems: list[Problem]) -> None:
    for needed in (ID, COMMUNE):
        if needed not in columns:
            problems.append(
                Problem(lst.label, f"column “{needed}” is missing.", f"thiếu cột “{needed}”.")
            )
    if lst.item is not None:
        item = ITEMS.get(lst.item)
        if item is None:
            problems.append(
                Problem(lst.label, f"unknown item “{lst.item}”.", f"không có mục “{lst.item}”.")
            )
        elif item.answer_type == CHOICE and lst.item not in columns:
            problems.append(
                Problem(
                    lst.label,
                    f"column “{lst.item}” is missing (its values: {', '.join(item.values)}).",
                    f"thiếu cột “{lst.item}” (giá trị: {', '.join(item.values)}).",
                )
            )


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def proactive_screen(
    lists: Sequence[RegistryList],
    rules: Rules,
    *,
    min_level: str = "medium",
    communes: Collection[str] | None = None,
    out: Path | str | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> ProactiveResult:
    """Screen every child of the lists and rank those to visit, per commune.

    Args:
        lists: The source lists (at least one).
        rules: Validated rules.
        min_level: Lowest level that goes on the visit list.
        communes: Keep only children of these commune codes (None: all).
        out: Write the visit list here (``.parquet`` or ``.csv``) instead of returning rows.
        con: A DuckDB connection to use (default: a new in-memory one).

    Returns:
        Counts, and the visit rows unless ``out`` was given.

    Raises:
        ListsError: Every problem with the lists (missing files or columns, unknown items).
    """
    import duckdb

    if min_level not in LEVELS:
        raise ValueError(f"unknown level {min_level!r}")
    if not lists:
        raise ListsError(
            [Problem("lists", "give at least one list.", "cần ít nhất một danh sách.")]
        )
    con = con or duckdb.connect()
    problems: list[Problem] = []
    views: list[tuple[RegistryList, str]] = []
    for i, lst in enumerate(lists):
        view = f"src_{i}"
        columns = _read(con, lst, view, problems)
        if columns is not None:
            _check(lst, columns, problems)
        views.append((lst, view))
    if problems:
        raise ListsError(problems)
    items = sorted({lst.item for lst in lists if lst.item is not None})
    id_types = {str(con.sql(f"SELECT {ID} FROM {view} LIMIT 0").types[0]) for _l, view in views}
    # One id type for the join; lists typed differently are joined as text.
    cid = ID if len(id_types) == 1 else f"CAST({ID} AS VARCHAR)"
    selects = []
    for lst, view in views:
        cols = [f"{cid} AS {ID}", f"CAST({COMMUNE} AS VARCHAR) AS {COMMUNE}"]
        for code in items:
            if code != lst.item:
                typ = "VARCHAR" if ITEMS[code].answer_type == CHOICE else "BOOLEAN"
                cols.append(f"CAST(NULL AS {typ}) AS {code}")
            elif ITEMS[code].answer_type == CHOICE:
                cols.append(f"CAST({code} AS VARCHAR) AS {code}")
            else:
                cols.append(f"TRUE AS {code}")
        selects.append(f"SELECT {', '.join(cols)} FROM {view}")
    aggs = [f"min({COMMUNE}) AS {COMMUNE}"]
    for code in items:
        item = ITEMS[code]
        if item.answer_type == CHOICE:
            # Two lists disagreeing on a choice: keep the most serious value.
            order = " ".join(f"WHEN {_literal(v)} THEN {i}" for i, v in enumerate(item.values))
            aggs.append(f"arg_max({code}, CASE {code} {order} END) AS {code}")
        else:
            aggs.append(f"bool_or({code}) AS {code}")
    where = ""
    if communes is not None:
        where = f" HAVING min({COMMUNE}) IN ({', '.join(_literal(c) for c in communes) or 'NULL'})"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE pro_children AS SELECT {ID}, {', '.join(aggs)} "
        f"FROM ({' UNION ALL '.join(selects)}) u GROUP BY {ID}{where}"
    )
    for step in compile_sql(
        rules, source="pro_children", keep=(ID, COMMUNE), items=items, output="pro_screened"
    ):
        kind = "TEMP TABLE" if step.materialise else "TEMP VIEW"
        con.execute(f"CREATE OR REPLACE {kind} {step.output} AS {step.sql}")
    counts = dict(con.execute("SELECT level, count(*) FROM pro_screened GROUP BY level").fetchall())
    by_level = {level: int(counts.get(level, 0)) for level in LEVELS}
    visit_sql = (
        f"SELECT {COMMUNE}, CAST({ID} AS VARCHAR) AS {ID}, row_number() OVER ("
        f"PARTITION BY {COMMUNE} ORDER BY level_rank DESC, score DESC, {ID}) AS rank, "
        f"level, score, reasons FROM pro_screened WHERE level_rank >= {LEVEL_RANK[min_level]} "
        f"ORDER BY {COMMUNE}, rank"
    )
    visits = sum(n for level, n in by_level.items() if LEVEL_RANK[level] >= LEVEL_RANK[min_level])
    result = ProactiveResult(rules.version, sum(by_level.values()), by_level, visits)
    rel = con.sql(visit_sql)
    if out is not None:
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix.lower() == ".csv":
            rel.write_csv(str(path))
        else:
            rel.write_parquet(str(path))
        return result
    rows: list[Any] = rel.fetchall()
    result.rows = [
        VisitRow(r[0], r[1], int(r[2]), r[3], int(r[4]), tuple(r[5].split(",")) if r[5] else ())
        for r in rows
    ]
    return result
