"""Early risk screening rules: the checklist, versioned rules files, explainable evaluation.

Plain Python (no Django), so the same rules run in the web app, in batch jobs over registry
lists (DuckDB, or Spark SQL) and in tests::

    from baove.riskrules import default_rules, evaluate

    result = evaluate({"out_of_school": True, "child_labour": True}, default_rules())
    result.level          # "medium"
    [r.text("vi") for r in result.reasons]

See ``docs/screening.md`` for the checklist, the rules file format and proactive screening.
"""

from __future__ import annotations

from baove.riskrules.evaluate import Reason, Result, evaluate, result_from_matches
from baove.riskrules.items import CHECKLIST, CHOICE, ITEMS, YES_NO, Item, Option
from baove.riskrules.proactive import (
    ListsError,
    ProactiveResult,
    RegistryList,
    VisitRow,
    proactive_screen,
)
from baove.riskrules.rules import (
    LEVELS,
    AnswersError,
    Condition,
    Problem,
    Rule,
    Rules,
    RulesError,
    clean_answers,
    default_rules,
    default_rules_text,
    level_label,
    load_rules,
    parse_rules,
)
from baove.riskrules.sql import DUCKDB, SPARK, Dialect, SqlStep, compile_sql

__all__ = [
    "CHECKLIST",
    "CHOICE",
    "DUCKDB",
    "ITEMS",
    "LEVELS",
    "SPARK",
    "YES_NO",
    "AnswersError",
    "Condition",
    "Dialect",
    "Item",
    "ListsError",
    "Option",
    "ProactiveResult",
    "Problem",
    "Reason",
    "RegistryList",
    "Result",
    "Rule",
    "Rules",
    "RulesError",
    "SqlStep",
    "VisitRow",
    "clean_answers",
    "compile_sql",
    "default_rules",
    "default_rules_text",
    "evaluate",
    "level_label",
    "load_rules",
    "parse_rules",
    "proactive_screen",
    "result_from_matches",
]
