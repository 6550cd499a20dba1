"""The published results frame every report reads, and the helpers they share.

Reports take the long frame of ``baove.dashboards.store.results_frame`` (the long output of
:func:`baove.indicators.compute_survey` plus ``source``, ``round`` and ``year``), so the SDMX
files, the workbook, the PDF reports and the web pages show the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import pandas as pd

from baove.indicators import CATALOGUE, get
from baove.indicators.catalogue.model import IndicatorDef
from baove.indicators.compute import PUBLISHED_COLUMNS
from baove.indicators.tables import cell_text

__all__ = [
    "COLUMNS",
    "Lang",
    "check_frame",
    "display",
    "indicator_def",
    "indicator_name",
    "ordered_indicators",
    "rounds_of",
    "sample_frame",
    "scale",
]

Lang = Literal["vi", "en"]

#: Columns of ``results_frame`` (the data contract of issue 6).
COLUMNS = PUBLISHED_COLUMNS
#: Preferred source when one indicator has figures from several sources for one year.
SOURCE_ORDER = ("survey", "government", "ngo")


def check_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a normalised copy of a results frame (string keys, int years, str flags).

    Args:
        frame: Long results frame with the :data:`COLUMNS`.

    Returns:
        A copy with ``indicator``, ``source``, ``round``, ``by``, ``domain`` and ``flag`` as
        text and ``year`` as int.

    Raises:
        ValueError: A column is missing.
    """
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"results frame: missing column(s) {', '.join(missing)}")
    out = frame.copy()
    for col in ("indicator", "source", "round", "by", "domain"):
        out[col] = out[col].astype(str)
    out["flag"] = out["flag"].fillna("").astype(str)
    out["year"] = out["year"].astype(int)
    return out.reset_index(drop=True)


def indicator_def(indicator: str) -> IndicatorDef | None:
    """Return the catalogue entry of ``indicator``, or None when it is not catalogued."""
    try:
        return get(indicator)
    except KeyError:
        return None


def indicator_name(indicator: str, lang: Lang) -> str:
    """Return the indicator's name in ``lang`` (the id when it is not catalogued)."""
    found = indicator_def(indicator)
    if found is None:
        return indicator
    return found.name_vi if lang == "vi" else found.name_en


def scale(indicator: str) -> float:
    """Factor from stored value to shown value: 100 for percentages (stored as 0-1)."""
    found = indicator_def(indicator)
    return 100.0 if found is None or found.unit == "PCNT" else 1.0


def ordered_indicators(frame: pd.DataFrame) -> list[str]:
    """Indicators of ``frame`` in catalogue order, uncatalogued ones last (sorted)."""
    present = set(frame["indicator"].astype(str))
    known = [i for i in CATALOGUE if i in present]
    return known + sorted(present - set(known))


def rounds_of(frame: pd.DataFrame, source: str | None = None) -> list[tuple[str, int, str]]:
    """Return ``(round, year, source)`` of the frame, oldest first."""
    sub = frame if source is None else frame[frame["source"] == source]
    pairs = sub[["round", "year", "source"]].drop_duplicates()
    return sorted(
        ((str(r), int(y), str(s)) for r, y, s in pairs.itertuples(index=False)),
        key=lambda t: (t[1], t[0]),
    )


def display(value: Any, flag: Any, indicator: str) -> str:
    """Format one stored figure with the MICS small-sample rules, as text.

    Args:
        value: The stored estimate (0-1 for percentages), NaN or None.
        flag: MICS flag (``""``, ``"()"``, ``"*"``, ``"-"``).
        indicator: Indicator id (decides the scale and decimals).

    Returns:
        ``"12.3"``, ``"(12.3)"``, ``"(*)"`` or ``"-"``.
    """
    number = math.nan if value is None or pd.isna(value) else float(value) * scale(indicator)
    text_flag = "" if flag is None or pd.isna(flag) else str(flag)
    digits = 1 if scale(indicator) == 100.0 else 2
    shown = cell_text(number, text_flag, digits=digits)
    return shown if isinstance(shown, str) else f"{shown:.{digits}f}"


def sample_frame(
    rounds: int = 3,
    *,
    households: int = 2_000,
    first_year: int = 2006,
    step: int = 2,
    indicators: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Build a results frame from synthetic surveys, one survey per round (tests, benchmarks).

    Args:
        rounds: Number of survey rounds (``MICS-<year>``).
        households: Households per synthetic survey.
        first_year: Year of the first round.
        step: Years between rounds.
        indicators: Indicator ids (default: all catalogued).

    Returns:
        A frame with the :data:`COLUMNS`.
    """
    from baove.indicators import compute_survey
    from baove.synth.survey import generate_survey

    parts = []
    for i in range(rounds):
        year = first_year + i * step
        files = generate_survey(households=households, seed=100 + i).files
        result = compute_survey(files, ids=list(indicators) if indicators else None)
        result = result.assign(source="survey", round=f"MICS-{year}", year=year)
        parts.append(result[list(COLUMNS)])
    return pd.concat(parts, ignore_index=True)
