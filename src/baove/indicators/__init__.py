"""Child-focused SDG indicators, computed as MICS and the SDG metadata define them.

Plain Python (no Django): the web app, the command line and notebooks use the same code.

- :mod:`baove.indicators.survey`: design-based estimation (Taylor linearisation, strata and
  clusters, domains on the full design) and survey file reading (.sav, .csv, .parquet).
- :mod:`baove.indicators.catalogue`: one declaration per indicator (codes, names, definition,
  population, disaggregations, the MICS table it reproduces) with its derivation from the
  MICS files (``docs/indicators.md``).
- :func:`compute_survey`: every indicator with every disaggregation, one engine call each.
- :mod:`baove.indicators.admin`: administrative indicators from case management extracts,
  one SQL code path on DuckDB and Spark.
- :func:`triangulate`, :func:`classify_progress`: sources side by side, National Action
  Programme targets.
- :func:`write_results`: Parquet, CSV and MICS-style Excel tables.

>>> from baove.indicators import compute_survey, write_results
>>> from baove.synth.survey import generate_survey
>>> results = compute_survey(generate_survey(households=2_000, seed=1).files, ids=["birth_reg"])
>>> sorted(set(results["by"]))[:3]
['age_group', 'area', 'disability']
"""

from __future__ import annotations

from typing import Any

from baove.indicators.catalogue import CATALOGUE, all_ids, get
from baove.indicators.compute import compute_survey
from baove.indicators.survey import (
    Design,
    Measure,
    SurveyInputError,
    estimate,
    mics_display,
    read_survey_file,
)
from baove.indicators.tables import write_results
from baove.indicators.targets import classify_progress, load_targets
from baove.indicators.triangulation import side_by_side, triangulate

__all__ = [
    "CATALOGUE",
    "Design",
    "Measure",
    "SurveyInputError",
    "all_ids",
    "classify_progress",
    "compute_admin",
    "compute_survey",
    "estimate",
    "get",
    "load_targets",
    "mics_display",
    "read_survey_file",
    "side_by_side",
    "triangulate",
    "write_results",
]


def __getattr__(name: str) -> Any:
    # The administrative side loads DuckDB (and Spark when asked): only on first use.
    if name == "compute_admin":
        from baove.indicators.admin import compute_admin

        return compute_admin
    raise AttributeError(name)
