"""The one place that chooses the SQL engine Splink runs on: DuckDB (embedded) or Spark.

Everything else in ``baove.linkage`` talks to Splink's ``DatabaseAPI`` only, so the same
model, comparisons and blocking rules run on either engine. Plain Python: no Django.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from splink.internals.database_api import DatabaseAPI

__all__ = ["BackendName", "make_db_api"]

BackendName = Literal["duckdb", "spark"]


def _duckdb_api(
    database: str | Path, memory_limit: str | None, temp_dir: str | Path | None, threads: int
) -> DatabaseAPI[Any]:
    import duckdb
    from splink import DuckDBAPI

    con = duckdb.connect(str(database))
    # Spill to disk instead of failing when the blocked pairs outgrow the memory limit.
    spill = Path(temp_dir) if temp_dir else Path(tempfile.gettempdir()) / "baove-linkage-spill"
    spill.mkdir(parents=True, exist_ok=True)
    con.execute(f"SET temp_directory = '{spill.as_posix()}'")
    con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    # Insertion order is not needed for linkage and keeping it costs memory on big joins.
    con.execute("SET preserve_insertion_order = false")
    api: DatabaseAPI[Any] = DuckDBAPI(connection=con)
    return api


def _spark_api(spark: Any | None) -> DatabaseAPI[Any]:
    from splink import SparkAPI

    if spark is None:
        from baove.core.spark import local_session

        # The same session as the administrative indicators: it carries Splink's jar.
        spark = local_session("baove-linkage")
        checkpoint = Path(tempfile.mkdtemp(prefix="baove-spark-ckpt-"))
        spark.sparkContext.setCheckpointDir(str(checkpoint))
    spark_api: Any = SparkAPI  # untyped in Splink
    api: DatabaseAPI[Any] = spark_api(spark_session=spark)
    return api


def make_db_api(
    backend: BackendName = "duckdb",
    *,
    database: str | Path = ":memory:",
    memory_limit: str | None = None,
    temp_dir: str | Path | None = None,
    threads: int | None = None,
    spark: Any | None = None,
) -> DatabaseAPI[Any]:
    """Return a Splink database API for the chosen engine.

    Args:
        backend: ``duckdb`` (default, embedded) or ``spark`` (local mode unless a session is
            given).
        database: DuckDB database file, or ``:memory:``.
        memory_limit: DuckDB memory limit such as ``"8GB"`` (DuckDB's default otherwise).
        temp_dir: Folder DuckDB spills to when a join outgrows memory.
        threads: DuckDB threads (default: the number of CPUs).
        spark: An existing ``SparkSession`` for the Spark backend.

    Returns:
        A ``DatabaseAPI`` to register tables with and to give to ``splink.Linker``.

    Raises:
        ValueError: Unknown backend.
    """
    if backend == "duckdb":
        return _duckdb_api(database, memory_limit, temp_dir, threads or os.cpu_count() or 1)
    if backend == "spark":
        return _spark_api(spark)
    raise ValueError(f"unknown linkage backend {backend!r}: expected 'duckdb' or 'spark'")
