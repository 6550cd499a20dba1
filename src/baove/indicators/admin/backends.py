"""Where the SQL runs: DuckDB (embedded, the default) or Spark (data beyond one machine).

Both backends have the same small interface (:class:`Backend`): register a table from a
Parquet or CSV file or a pandas frame, run :class:`~baove.indicators.admin.sql.SqlStep`
lists, and return a query's result as pandas. Nothing else differs between them, so the
indicator definitions are one code path.
"""

# Table names come from the extract spec and paths are quoted by _sql_path, so the SQL
# built here is not open to injection (S608).
# ruff: noqa: S608

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd
import pyarrow as pa

from baove.indicators.admin.sql import DUCKDB, SPARK, Dialect, SqlStep

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

Source = Path | pd.DataFrame


class Backend(Protocol):
    """What the indicator code needs from an SQL engine."""

    dialect: Dialect

    def register(self, name: str, source: Source) -> None:
        """Make ``source`` (Parquet/CSV file or folder of Parquet parts, or pandas) a table."""

    def columns(self, name: str) -> list[str]:
        """Return the column names of a registered table."""

    def run(self, steps: Sequence[SqlStep]) -> None:
        """Create each step's output table from its SQL, in order."""

    def query(self, sql: str) -> pd.DataFrame:
        """Run ``sql`` and return the result as pandas."""

    def close(self) -> None:
        """Release what the backend holds (not a Spark session it was given)."""


def _sql_path(path: Path) -> str:
    # Paths go into SQL text as string literals: double any single quote.
    return str(path).replace("'", "''")


class DuckDBBackend:
    """An in-process DuckDB database (in memory, spilling to a temporary folder)."""

    dialect = DUCKDB

    def __init__(self, *, threads: int | None = None, memory_limit: str | None = None) -> None:
        """Open the database.

        Args:
            threads: Worker threads (default: DuckDB's, one per core).
            memory_limit: For example ``"4GB"`` (default: DuckDB's, 80% of RAM).
        """
        import duckdb

        self.con = duckdb.connect(":memory:")
        # Instants are bucketed in SQL by their Viet Nam local time from UTC.
        self.con.execute("SET TimeZone = 'UTC'")
        # Row order never matters here; not keeping it lets DuckDB stream with less memory.
        self.con.execute("SET preserve_insertion_order = false")
        if threads is not None:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit is not None:
            self.con.execute("SET memory_limit = ?", [memory_limit])

    def register(self, name: str, source: Source) -> None:
        """See :meth:`Backend.register`. CSV columns are read as text (cast later)."""
        if isinstance(source, pd.DataFrame):
            self.con.register(f"_df_{name}", source)
            self.con.execute(f'CREATE OR REPLACE TEMP VIEW "{name}" AS SELECT * FROM "_df_{name}"')
            return
        if source.is_dir():
            reader = f"read_parquet('{_sql_path(source)}/*.parquet')"
        elif source.suffix.lower() == ".csv":
            reader = f"read_csv('{_sql_path(source)}', header = true, all_varchar = true)"
        else:
            reader = f"read_parquet('{_sql_path(source)}')"
        self.con.execute(f'CREATE OR REPLACE TEMP VIEW "{name}" AS SELECT * FROM {reader}')

    def columns(self, name: str) -> list[str]:
        """See :meth:`Backend.columns`."""
        rel = self.con.sql(f'SELECT * FROM "{name}" LIMIT 0')
        return list(rel.columns)

    def run(self, steps: Sequence[SqlStep]) -> None:
        """See :meth:`Backend.run`."""
        for step in steps:
            kind = "TABLE" if step.materialise else "VIEW"
            self.con.execute(f'CREATE OR REPLACE TEMP {kind} "{step.output}" AS {step.sql}')

    def query(self, sql: str) -> pd.DataFrame:
        """See :meth:`Backend.query`."""
        # Through Arrow: DuckDB's own .df() trips a pandas 3 deprecation warning.
        table: pa.Table = self.con.sql(sql).to_arrow_table()
        frame: pd.DataFrame = table.to_pandas()
        return frame

    def close(self) -> None:
        """See :meth:`Backend.close`."""
        self.con.close()


def spark_session(master: str = "local[*]", **conf: str) -> SparkSession:
    """Return (or create) the local Spark session (:func:`baove.core.spark.local_session`).

    Args:
        master: Spark master URL; ``local[*]`` uses every core of this machine.
        **conf: Extra Spark settings (dots written as in Spark, e.g. via ``**{"a.b": "1"}``).

    Returns:
        A session in UTC with Arrow transfers to pandas.
    """
    from baove.core.spark import local_session

    return local_session("baove-admin-indicators", master, **conf)


class SparkBackend:
    """Spark SQL; the session is created lazily on first use unless one is given."""

    dialect = SPARK

    def __init__(self, spark: SparkSession | None = None, *, master: str = "local[*]") -> None:
        """Set up the backend.

        Args:
            spark: An existing session to use (it is not stopped by :meth:`close`).
            master: Spark master URL when this backend creates the session.
        """
        self._spark = spark
        self._owned = spark is None
        self._master = master
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._cached: dict[str, Any] = {}

    @property
    def spark(self) -> SparkSession:
        """The Spark session (created on first use)."""
        if self._spark is None:
            self._spark = spark_session(self._master)
        return self._spark

    def register(self, name: str, source: Source) -> None:
        """See :meth:`Backend.register`. pandas frames go through a temporary Parquet file
        (one path for every input, and exact timestamps)."""
        if isinstance(source, pd.DataFrame):
            if self._tmp is None:
                self._tmp = tempfile.TemporaryDirectory(prefix="baove-spark-")
            path = Path(self._tmp.name) / f"{name}.parquet"
            source.to_parquet(path, index=False)
            source = path
        reader = self.spark.read
        if source.suffix.lower() == ".csv":
            df = reader.option("header", "true").csv(str(source))
        else:
            df = reader.parquet(str(source))
        df.createOrReplaceTempView(name)

    def columns(self, name: str) -> list[str]:
        """See :meth:`Backend.columns`."""
        return list(self.spark.table(name).columns)

    def run(self, steps: Sequence[SqlStep]) -> None:
        """See :meth:`Backend.run`."""
        for step in steps:
            df = self.spark.sql(step.sql)
            old = self._cached.pop(step.output, None)
            if old is not None:
                old.unpersist()
            if step.materialise:
                df = df.cache()
                self._cached[step.output] = df
            df.createOrReplaceTempView(step.output)

    def query(self, sql: str) -> pd.DataFrame:
        """See :meth:`Backend.query`."""
        df = self.spark.sql(sql)
        if not hasattr(df, "toArrow"):  # Spark < 4.0
            return df.toPandas()
        # Through Arrow (Spark 4): pyspark's toPandas warns about pandas 3.
        frame: pd.DataFrame = df.toArrow().to_pandas()
        return frame

    def close(self) -> None:
        """See :meth:`Backend.close`."""
        if self._spark is not None:
            for name, df in self._cached.items():
                df.unpersist()
                self._spark.catalog.dropTempView(name)
            self._cached.clear()
            if self._owned:
                self._spark.stop()
                self._spark = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def make_backend(name: str) -> Backend:
    """Return a new backend by name (``duckdb`` or ``spark``)."""
    if name == "duckdb":
        return DuckDBBackend()
    if name == "spark":
        return SparkBackend()
    raise ValueError(f"unknown backend {name!r} (duckdb or spark)")
