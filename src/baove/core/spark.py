"""The one local Spark session baove starts (plain Python; pyspark imported on use).

The administrative indicators and record linkage both run on Spark. ``getOrCreate`` hands
the running session to whoever asks next, and jars cannot be added to a running session,
so every part of baove starts its local session here, with everything any part needs:
UTC, no UI, few shuffle partitions, Arrow transfers, and Splink's string-similarity jar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["local_session"]


def _splink_jar() -> dict[str, str]:
    try:
        from splink.backends.spark import similarity_jar_location
    except ImportError:  # pragma: no cover - splink is a dependency
        return {}
    return {"spark.jars": str(similarity_jar_location())}


def local_session(app_name: str, master: str = "local[*]", **conf: str) -> SparkSession:
    """Return the running Spark session, or start one set up for baove.

    Args:
        app_name: Name shown in Spark's logs.
        master: Spark master URL; ``local[*]`` uses every core of this machine.
        **conf: Extra Spark settings (dots written as in Spark, e.g. via ``**{"a.b": "1"}``).

    Returns:
        The session.
    """
    from pyspark.sql import SparkSession

    builder: Any = SparkSession.builder.master(master).appName(app_name)
    settings = {
        "spark.sql.session.timeZone": "UTC",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        # Small tables and 2-core machines: a few partitions, not the 200 default.
        "spark.sql.shuffle.partitions": "8",
        "spark.default.parallelism": "8",
        **_splink_jar(),
        **conf,
    }
    for key, value in settings.items():
        builder = builder.config(key, value)
    session: SparkSession = builder.getOrCreate()
    return session
