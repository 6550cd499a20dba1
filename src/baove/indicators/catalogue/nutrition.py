"""2.2.1 Stunting and 2.2.2 wasting and overweight of children under 5 (MICS TC.45-47).

ch file, completed interviews (``UF17 = 1``), weight ``chweight``; z-scores against the WHO
Child Growth Standards. Each index has its own denominator: children with a valid z-score for
that index, i.e. not missing and not flagged as implausible (``HAZFLAG``/``WHZFLAG`` = 1 is out).
MICS distributes missing z-scores as 99.97-99.99; values >= 99 are read as missing too.

* stunting: HAZ2 < -2; severe stunting: HAZ2 < -3
* wasting: WHZ2 < -2; severe wasting: WHZ2 < -3; overweight: WHZ2 > +2
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from baove.indicators.catalogue.birth_registration import AGE_LABELS, under5_frame
from baove.indicators.catalogue.model import (
    STANDARD_DISAGGREGATIONS,
    DeriveOptions,
    IndicatorDef,
    completed,
    num,
    outcome,
    require,
)


def _valid(ch: pd.DataFrame, z: str, flag: str) -> tuple[np.ndarray, np.ndarray]:
    values = num(ch, z)
    valid = ~np.isnan(values) & (values < 99) & (num(ch, flag) != 1)
    return values, valid


def derive(files: Mapping[str, pd.DataFrame], options: DeriveOptions) -> pd.DataFrame:
    """Analysis frame of children under 5 with the five anthropometric outcomes.

    Args:
        files: survey files; uses ``ch``.
        options: unused.

    Returns:
        One row per child under 5 with a completed interview; each outcome is NaN where that
        index is missing or flagged.
    """
    ch = require(files, "ch", ["UF17", "CAGE", "HAZ2", "HAZFLAG", "WHZ2", "WHZFLAG"])
    ch = completed(ch, "ch", "UF17")
    out = under5_frame(ch, STANDARD_DISAGGREGATIONS)
    haz, haz_ok = _valid(ch, "HAZ2", "HAZFLAG")
    whz, whz_ok = _valid(ch, "WHZ2", "WHZFLAG")
    out["stunting"] = outcome(haz < -2, haz_ok)
    out["stunting_severe"] = outcome(haz < -3, haz_ok)
    out["wasting"] = outcome(whz < -2, whz_ok)
    out["wasting_severe"] = outcome(whz < -3, whz_ok)
    out["overweight"] = outcome(whz > 2, whz_ok)
    return out


STUNTING = IndicatorDef(
    id="stunting",
    national_code=None,
    sdg="2.2.1",
    sdmx_dataflow="NUTRITION",
    sdmx_code="NT_ANT_HAZ_NE2",
    name_vi="Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể thấp còi",
    name_en="Percentage of children under age 5 who are stunted (height-for-age below -2 SD)",
    definition=(
        "Children under 5 whose height-for-age is more than two standard deviations below the "
        "median of the WHO Child Growth Standards."
    ),
    numerator="Children under 5 with HAZ2 < -2",
    denominator="Children under 5 with a valid (not missing, not flagged) height-for-age z-score",
    population="Children under age 5",
    age_range="0-59 months",
    files=("ch",),
    weight="chweight",
    reference_period="At the time of the survey",
    unit="PCNT",
    disaggregations=STANDARD_DISAGGREGATIONS,
    mics_table="TC.45-47",
    derive=derive,
    age_groups=AGE_LABELS,
)
STUNTING_SEVERE = replace(
    STUNTING,
    id="stunting_severe",
    sdg=None,
    sdmx_code="NT_ANT_HAZ_NE3",
    name_vi="Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể thấp còi nặng",
    name_en=(
        "Percentage of children under age 5 who are severely stunted (height-for-age below -3 SD)"
    ),
    definition=(
        "Children under 5 whose height-for-age is more than three standard deviations below "
        "the WHO median."
    ),
    numerator="Children under 5 with HAZ2 < -3",
)
WASTING = replace(
    STUNTING,
    id="wasting",
    sdg="2.2.2",
    sdmx_code="NT_ANT_WHZ_NE2",
    name_vi="Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể gầy còm",
    name_en="Percentage of children under age 5 who are wasted (weight-for-height below -2 SD)",
    definition=(
        "Children under 5 whose weight-for-height is more than two standard deviations below "
        "the median of the WHO Child Growth Standards."
    ),
    numerator="Children under 5 with WHZ2 < -2",
    denominator=(
        "Children under 5 with a valid (not missing, not flagged) weight-for-height z-score"
    ),
)
WASTING_SEVERE = replace(
    WASTING,
    id="wasting_severe",
    sdg=None,
    sdmx_code="NT_ANT_WHZ_NE3",
    name_vi="Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể gầy còm nặng",
    name_en=(
        "Percentage of children under age 5 who are severely wasted (weight-for-height below -3 SD)"
    ),
    definition=(
        "Children under 5 whose weight-for-height is more than three standard deviations below "
        "the WHO median."
    ),
    numerator="Children under 5 with WHZ2 < -3",
)
OVERWEIGHT = replace(
    WASTING,
    id="overweight",
    sdmx_code="NT_ANT_WHZ_PO2",
    name_vi="Tỷ lệ trẻ em dưới 5 tuổi thừa cân",
    name_en="Percentage of children under age 5 who are overweight (weight-for-height above +2 SD)",
    definition=(
        "Children under 5 whose weight-for-height is more than two standard deviations above "
        "the median of the WHO Child Growth Standards."
    ),
    numerator="Children under 5 with WHZ2 > 2",
)

INDICATORS = (STUNTING, STUNTING_SEVERE, WASTING, WASTING_SEVERE, OVERWEIGHT)
