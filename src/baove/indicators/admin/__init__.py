"""Administrative child protection indicators from case management and registry extracts.

Reported child abuse per 100,000 children, children in special circumstances by category,
children in alternative care by type, and referral completion and response times, by
province and period, on DuckDB (default) or Spark with one set of SQL definitions. See
``docs/admin-indicators.md``.
"""

from __future__ import annotations

from baove.indicators.admin.backends import Backend, DuckDBBackend, SparkBackend, spark_session
from baove.indicators.admin.compute import OUTPUT_COLUMNS, compute_admin
from baove.indicators.admin.schema import (
    ABUSE_CATEGORIES,
    CARE_TYPES,
    CATEGORIES,
    NATIONAL,
    OLD_PROVINCE_TO_2025,
    PROVINCES_2025,
    TABLES,
    AdminExtractError,
    Problem,
)
from baove.indicators.admin.sql import DUCKDB, SPARK, Dialect, SqlStep

__all__ = [
    "ABUSE_CATEGORIES",
    "CARE_TYPES",
    "CATEGORIES",
    "DUCKDB",
    "NATIONAL",
    "OLD_PROVINCE_TO_2025",
    "OUTPUT_COLUMNS",
    "PROVINCES_2025",
    "SPARK",
    "TABLES",
    "AdminExtractError",
    "Backend",
    "Dialect",
    "DuckDBBackend",
    "Problem",
    "SparkBackend",
    "SqlStep",
    "compute_admin",
    "spark_session",
]
