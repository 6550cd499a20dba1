"""8.7.1 Child labour (MICS PR.3), the SDG series and the variant with hazardous conditions.

Population: children 5-17 of the fs file (``FS17 = 1``, weight ``fsweight``), reference week.
Rules follow the MICS6 syntax (``define/MICS6 - 09 - PR.sps``):

* economic activity = any of ``CL1A/B/C/X`` = 1; above the threshold when ``CL3`` hours are
  >= 1 (age 5-11), >= 14 (12-14), >= 43 (15-17). ``CL3`` codes 97-99 (don't know/missing)
  never count as hours, so such a child is above no threshold (the child stays in the
  denominator, as in MICS).
* household chores, ages 5-14 only: ``CL8 + CL10 + CL13 >= 21`` hours, where 97-99 and missing
  count as 0 hours (MICS recodes 97-99 to 0 and SPSS ``sum`` skips missing values).
* ``cl_sdg`` = economic OR chores threshold (hazardous conditions are not part of the SDG series
  since MICS6's 2019 revision); ``cl_hazardous`` additionally counts a child with any of
  ``CL4``, ``CL5``, ``CL6A-E``, ``CL6X`` = 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from baove.indicators.catalogue.model import (
    STANDARD_DISAGGREGATIONS,
    DeriveOptions,
    IndicatorDef,
    any_code,
    base_frame,
    completed,
    num,
    outcome,
    require,
)

ECONOMIC = ("CL1A", "CL1B", "CL1C", "CL1X")
CHORES = ("CL8", "CL10", "CL13")
HAZARDS = ("CL4", "CL5", "CL6A", "CL6B", "CL6C", "CL6D", "CL6E", "CL6X")
AGE_GROUPS = ((5, 11), (12, 14), (15, 17))
AGE_LABELS = ("5-11", "12-14", "15-17")
CHORE_HOURS = 21.0


def _hours(values: np.ndarray) -> np.ndarray:
    """Hours with don't know/missing codes (97-99) and NaN set to 0."""
    return np.where((values >= 97) | np.isnan(values), 0.0, values)


def derive(files: Mapping[str, pd.DataFrame], options: DeriveOptions) -> pd.DataFrame:
    """Analysis frame of children 5-17 with ``cl_sdg`` and ``cl_hazardous``.

    Args:
        files: survey files; uses ``fs``.
        options: unused.

    Returns:
        One row per child 5-17 with a completed 5-17 questionnaire.
    """
    fs = require(files, "fs", ["FS17", "CB3", "CL3", *ECONOMIC, *CHORES, *HAZARDS])
    fs = completed(fs, "fs", "FS17")
    age = num(fs, "CB3")
    fs = fs.loc[(age >= 5) & (age <= 17)].reset_index(drop=True)
    age = num(fs, "CB3")
    out = base_frame(
        fs,
        "fs",
        "fsweight",
        STANDARD_DISAGGREGATIONS,
        age=age,
        age_groups=AGE_GROUPS,
        age_labels=AGE_LABELS,
    )
    hours = num(fs, "CL3")
    known = hours < 97  # NaN compares False: unknown hours never reach a threshold
    threshold = np.select([age <= 11, age <= 14], [1.0, 14.0], 43.0)
    economic = any_code(fs, ECONOMIC) & known & (hours >= threshold)
    chores_hours = sum((_hours(num(fs, c)) for c in CHORES), np.zeros(len(fs)))
    chores = (age <= 14) & (chores_hours >= CHORE_HOURS)
    labour = economic | chores
    out["cl_sdg"] = outcome(labour)
    out["cl_hazardous"] = outcome(labour | any_code(fs, HAZARDS))
    return out


CL_SDG = IndicatorDef(
    id="cl_sdg",
    national_code=None,
    sdg="8.7.1",
    sdmx_dataflow="PT",
    sdmx_code="PT_CHLD_5-17_LBR_ECON",
    name_vi="Tỷ lệ trẻ em từ 5-17 tuổi tham gia lao động trẻ em",
    name_en="Percentage of children age 5-17 years engaged in child labour",
    definition=(
        "Children 5-17 who, in the reference week, did economic activities for at least the "
        "age-specific number of hours (5-11: 1 hour, 12-14: 14 hours, 15-17: 43 hours) or, at "
        "age 5-14, household chores for 21 hours or more. Hazardous working conditions are not "
        "part of the SDG series."
    ),
    numerator=(
        "Children 5-17 with (any CL1A/B/C/X = 1 and CL3 >= age threshold, CL3 < 97) or "
        "(age 5-14 and CL8 + CL10 + CL13 >= 21, codes 97-99 counted as 0)"
    ),
    denominator="Children age 5-17 years with a completed 5-17 questionnaire (FS17 = 1)",
    population="Children age 5-17 years (one randomly selected per household)",
    age_range="5-17 years",
    files=("fs",),
    weight="fsweight",
    reference_period="Week preceding the interview",
    unit="PCNT",
    disaggregations=STANDARD_DISAGGREGATIONS,
    mics_table="PR.3",
    derive=derive,
    age_groups=AGE_LABELS,
)
CL_HAZARDOUS = replace(
    CL_SDG,
    id="cl_hazardous",
    sdg=None,
    sdmx_code="PT_CHLD_5-17_LBR_ECON-HC",
    name_vi=(
        "Tỷ lệ trẻ em từ 5-17 tuổi tham gia lao động trẻ em, kể cả làm việc trong điều kiện "
        "nguy hiểm"
    ),
    name_en=(
        "Percentage of children age 5-17 years engaged in child labour, including work under "
        "hazardous conditions"
    ),
    definition=(
        "As the SDG series, plus children who carried heavy loads, worked with dangerous tools "
        "or heavy machinery, or were exposed to dust/fumes/gas, extreme temperature, loud noise, "
        "heights, chemicals or other unsafe conditions (the MICS6 definition before 2019)."
    ),
    numerator="Children counted in cl_sdg, or with any of CL4, CL5, CL6A-E, CL6X = 1",
)

INDICATORS = (CL_SDG, CL_HAZARDOUS)
