"""The declarative indicator model and the helpers every ``derive`` function shares.

An indicator is a module-level :class:`IndicatorDef` constant, reviewed like code. Its
``derive`` function turns the survey files (a mapping ``"hh" -> DataFrame`` ...) into an
*analysis frame*: one row per unit of the indicator's population with

* the design columns ``HH1`` (PSU), ``stratum`` and ``w`` (the weight),
* the standard disaggregation columns it allows (pandas Categoricals with every category, so
  empty domains still appear in the results),
* one float column per outcome (0/1, NaN where the unit is outside the denominator).

Indicators of one family share their ``derive`` function, so :func:`compute_survey
<baove.indicators.compute.compute_survey>` derives the frame once and estimates all the
family's measures in one engine call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

import numpy as np
import pandas as pd

from baove.indicators.survey import SurveyInputError

STANDARD_DISAGGREGATIONS: tuple[str, ...] = (
    "sex",
    "age_group",
    "region",
    "province",
    "area",
    "ethnicity",
    "wealth",
    "disability",
    "mother_edu",
)
"""Names of the disaggregations, in the order results and tables list them."""

SEX_CATEGORIES = ("M", "F")
REGION_CATEGORIES = ("1", "2", "3", "4", "5", "6")
AREA_CATEGORIES = ("U", "R")
ETHNICITY_CATEGORIES = ("1", "2")
WEALTH_CATEGORIES = ("Q1", "Q2", "Q3", "Q4", "Q5")
DISABILITY_CATEGORIES = ("Y", "N")
MOTHER_EDU_CATEGORIES = ("0", "1", "2", "3")

FloatArray = np.ndarray[tuple[int], np.dtype[np.float64]]
BoolArray = np.ndarray[tuple[int], np.dtype[np.bool_]]


@dataclass(frozen=True)
class ModaConfig:
    """Deprivation cut-offs of the MODA child poverty measure (see ``moda.py``).

    Attributes:
        crowding_persons_per_room: housing deprivation when the household has at least this
            many members per room used for sleeping.
        stunting_z: nutrition deprivation when height-for-age z is below this (unflagged).
        vaccines: immunization variables of the ch file; health deprivation (children 12-59
            months) when any of them is not received (code 2).
        violence_items: discipline items (letters of CD2A-K); protection deprivation (ages
            1-14) when any is "yes".
        information_devices: hh variables; information deprivation (ages 5-17) when the
            household has none of the devices.
        sanitation_shared_deprived: also count an improved but shared facility as deprived.
        water_insufficient_deprived: also count water unavailable in sufficient quantity
            (WS7 = 1) as deprived.
    """

    crowding_persons_per_room: float = 4.0
    stunting_z: float = -2.0
    vaccines: tuple[str, ...] = ("DTP3", "MCV1")
    violence_items: tuple[str, ...] = ("I", "K")
    information_devices: tuple[str, ...] = ("HC7A", "HC7B", "HC9C", "HC12")
    sanitation_shared_deprived: bool = False
    water_insufficient_deprived: bool = False


@dataclass(frozen=True)
class DeriveOptions:
    """Parameters a ``derive`` function may need (only MODA uses them today)."""

    moda_k: int = 2
    moda: ModaConfig = field(default_factory=ModaConfig)


DeriveFn = Callable[[Mapping[str, pd.DataFrame], DeriveOptions], pd.DataFrame]


@dataclass(frozen=True)
class IndicatorDef:
    """One indicator: metadata for tables and SDMX, and how to compute it.

    Attributes:
        id: stable identifier (``vd_any`` ...).
        national_code: Viet Nam national statistical indicator code, None when not assigned.
        sdg: SDG indicator code ("16.2.1"), None when not an SDG indicator.
        sdmx_dataflow: UNICEF data warehouse dataflow ("PT"), or None.
        sdmx_code: UNICEF data warehouse INDICATOR code, or None.
        name_vi: Vietnamese name.
        name_en: English name.
        definition: full definition text.
        numerator: numerator text.
        denominator: denominator text.
        population: the population the indicator is about.
        age_range: age range text ("1-14 years").
        files: survey files read by ``derive``.
        weight: weight used (MICS variable name or expression).
        reference_period: the period the questions refer to.
        unit: SDMX UNIT_MEASURE ("PCNT": a proportion 0-1, shown x100).
        disaggregations: allowed disaggregations, a subset of ``STANDARD_DISAGGREGATIONS``.
        mics_table: the MICS table the indicator reproduces, or None.
        derive: builds the analysis frame (shared by the family's indicators).
        kind: engine measure kind ("mean" for proportions, "ratio" for MODA's A).
        y: outcome column of the analysis frame ("" means the column is named like ``id``).
        x: ratio denominator column (``kind == "ratio"`` only).
        age_groups: categories of the ``age_group`` column, in order.
    """

    id: str
    national_code: str | None
    sdg: str | None
    sdmx_dataflow: str | None
    sdmx_code: str | None
    name_vi: str
    name_en: str
    definition: str
    numerator: str
    denominator: str
    population: str
    age_range: str
    files: tuple[str, ...]
    weight: str
    reference_period: str
    unit: str
    disaggregations: tuple[str, ...]
    mics_table: str | None
    derive: DeriveFn
    kind: Literal["mean", "total", "ratio"] = "mean"
    y: str = ""
    x: str | None = None
    age_groups: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = set(self.disaggregations) - set(STANDARD_DISAGGREGATIONS)
        if unknown:
            raise ValueError(f"{self.id}: unknown disaggregations {sorted(unknown)}")
        if (self.kind == "ratio") != (self.x is not None):
            raise ValueError(f"{self.id}: x is required for ratios and only for them")

    @property
    def column(self) -> str:
        """The analysis-frame column holding this indicator's outcome."""
        return self.y or self.id


# --- errors ---------------------------------------------------------------------------------


def input_error(file: str, variable: str, message_en: str, message_vi: str) -> SurveyInputError:
    """Build the engine's bilingual input error for ``file`` and ``variable``."""
    return SurveyInputError(
        file=file, variable=variable, message_en=message_en, message_vi=message_vi
    )


def require(files: Mapping[str, pd.DataFrame], name: str, columns: Iterable[str]) -> pd.DataFrame:
    """Return survey file ``name`` after checking that it has every column in ``columns``.

    Raises:
        SurveyInputError: the file is absent or a column is missing (the first one is named).
    """
    if name not in files:
        raise input_error(name, "*", "survey file is missing", "thiếu tệp số liệu điều tra")
    frame = files[name]
    present = set(frame.columns)
    for column in columns:
        if column not in present:
            raise input_error(
                name, column, "variable is missing from the file", "tệp không có biến này"
            )
    return frame


# --- vectorised building blocks -------------------------------------------------------------


def num(frame: pd.DataFrame, column: str) -> FloatArray:
    """Column as float64 numpy array (NaN for missing), whatever its stored dtype."""
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def is_code(values: FloatArray, *codes: float) -> BoolArray:
    """True where ``values`` equals one of ``codes`` (NaN is never a code)."""
    return np.isin(values, np.asarray(codes, dtype=np.float64))


def any_code(frame: pd.DataFrame, columns: Sequence[str], code: float = 1) -> BoolArray:
    """True where any of ``columns`` equals ``code``."""
    out = np.zeros(len(frame), dtype=bool)
    for column in columns:
        out |= num(frame, column) == code
    return out


def all_missing(frame: pd.DataFrame, columns: Sequence[str]) -> BoolArray:
    """True where every one of ``columns`` is missing (the module was not administered)."""
    out = np.ones(len(frame), dtype=bool)
    for column in columns:
        out &= np.isnan(num(frame, column))
    return out


def outcome(condition: BoolArray, in_denominator: BoolArray | None = None) -> FloatArray:
    """0/1 float outcome, NaN where the unit is outside the denominator."""
    out = condition.astype(np.float64)
    if in_denominator is not None:
        out[~in_denominator] = np.nan
    return out


def categorical(
    values: FloatArray, mapping: Mapping[float, int], categories: Sequence[str]
) -> pd.Categorical[str]:
    """Categorical from numeric codes: ``mapping`` sends a code to a category index.

    Codes not in ``mapping`` (missing, don't know) become NaN. Built with ``from_codes`` so no
    string is created per row (this runs on millions of listing rows).
    """
    codes = np.full(len(values), -1, dtype=np.int8)
    for code, index in mapping.items():
        codes[values == code] = index
    return pd.Categorical.from_codes(codes, categories=pd.Index(list(categories)))


def age_group(
    age: FloatArray, groups: Sequence[tuple[float, float]], labels: Sequence[str]
) -> pd.Categorical[str]:
    """Categorical of inclusive age ranges ``groups`` labelled ``labels``."""
    codes = np.full(len(age), -1, dtype=np.int8)
    for index, (low, high) in enumerate(groups):
        codes[(age >= low) & (age <= high)] = index
    return pd.Categorical.from_codes(codes, categories=pd.Index(list(labels)))


@cache
def _official_provinces() -> tuple[str, ...]:
    # plain-Python package (no Django); 34 provinces, 2025 codes
    from vietnam_provinces import Province

    return tuple(sorted(f"{int(p.code):02d}" for p in Province.iter_all()))


def province_categorical(series: pd.Series) -> pd.Categorical[str]:
    """Two-digit province codes as a Categorical of the 34 provinces (plus unknown codes seen).

    Accepts numeric codes (1, 79) or strings ("01", "79").
    """
    official = _official_provinces()
    if pd.api.types.is_numeric_dtype(series.dtype):
        numeric = series.to_numpy(dtype=np.float64, na_value=np.nan)
        seen = np.unique(numeric[~np.isnan(numeric)]).astype(np.int64)
        extra = sorted(f"{v:02d}" for v in seen if f"{v:02d}" not in official)
        categories = list(official) + extra
        lookup = {float(int(c)): i for i, c in enumerate(categories)}
        return categorical(numeric, lookup, categories)
    text = series.astype("string").str.strip().str.zfill(2)
    extra = sorted(set(text.dropna().unique()) - set(official))
    return pd.Categorical(text, categories=list(official) + extra)


_SEX = {1.0: 0, 2.0: 1}
_REGION = {float(i + 1): i for i in range(6)}
_AREA = {1.0: 0, 2.0: 1}
_ETHNICITY = {1.0: 0, 2.0: 1}
_WEALTH = {float(i + 1): i for i in range(5)}
_DISABILITY = {1.0: 0, 2.0: 1}
_MOTHER_EDU = {float(i): i for i in range(4)}

# where each standard column comes from, for the error message when it is missing
STANDARD_SOURCES: Mapping[str, str] = {
    "region": "HH7",
    "province": "province",
    "area": "HH6",
    "ethnicity": "ethnicity",
    "wealth": "windex5",
    "disability": "disability",
    "mother_edu": "melevel",
}


def base_frame(
    frame: pd.DataFrame,
    file: str,
    weight: FloatArray | str,
    disaggregations: Sequence[str],
    *,
    sex: str | None = "HL4",
    disability: str = "disability",
    age: FloatArray | None = None,
    age_groups: Sequence[tuple[float, float]] = (),
    age_labels: Sequence[str] = (),
) -> pd.DataFrame:
    """Design and disaggregation columns for the rows of ``frame`` (already filtered).

    Args:
        frame: rows of one survey file (or a merge), one per unit.
        file: file name for error messages.
        weight: weight column name, or the weight values.
        disaggregations: the standard columns to build.
        sex: column holding sex (1 male, 2 female).
        disability: column holding functional difficulty (``mdisability`` in the men's file).
        age: ages used for ``age_group``.
        age_groups: inclusive ranges of ``age_group``.
        age_labels: their labels.

    Returns:
        A frame with ``HH1``, ``stratum``, ``w`` and the requested disaggregation columns.

    Raises:
        SurveyInputError: a needed column is missing.
    """
    needed = ["HH1", "stratum"]
    if isinstance(weight, str):
        needed.append(weight)
    sources = {**STANDARD_SOURCES, "disability": disability}
    needed += [sources[d] for d in disaggregations if d in sources]
    if "sex" in disaggregations and sex is not None:
        needed.append(sex)
    require({file: frame}, file, needed)
    w = num(frame, weight) if isinstance(weight, str) else weight
    columns: dict[str, object] = {
        "HH1": frame["HH1"].to_numpy(),
        "stratum": frame["stratum"].to_numpy(),
        "w": w,
    }
    for name in disaggregations:
        if name == "sex" and sex is not None:
            columns[name] = categorical(num(frame, sex), _SEX, SEX_CATEGORIES)
        elif name == "age_group" and age is not None:
            columns[name] = age_group(age, age_groups, age_labels)
        elif name == "region":
            columns[name] = categorical(num(frame, "HH7"), _REGION, REGION_CATEGORIES)
        elif name == "province":
            columns[name] = province_categorical(frame["province"])
        elif name == "area":
            columns[name] = categorical(num(frame, "HH6"), _AREA, AREA_CATEGORIES)
        elif name == "ethnicity":
            columns[name] = categorical(num(frame, "ethnicity"), _ETHNICITY, ETHNICITY_CATEGORIES)
        elif name == "wealth":
            columns[name] = categorical(num(frame, "windex5"), _WEALTH, WEALTH_CATEGORIES)
        elif name == "disability":
            columns[name] = categorical(num(frame, disability), _DISABILITY, DISABILITY_CATEGORIES)
        elif name == "mother_edu":
            columns[name] = categorical(num(frame, "melevel"), _MOTHER_EDU, MOTHER_EDU_CATEGORIES)
    return pd.DataFrame(columns, index=pd.RangeIndex(len(frame)))


def completed(frame: pd.DataFrame, file: str, result: str) -> pd.DataFrame:
    """Rows with a completed interview (``result == 1``), index reset."""
    require({file: frame}, file, [result])
    rows: pd.DataFrame = frame.loc[num(frame, result) == 1].reset_index(drop=True)
    return rows


def stack(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Stack analysis frames of several files (same columns, same categories)."""
    out: pd.DataFrame = pd.concat(frames, ignore_index=True)
    return out
