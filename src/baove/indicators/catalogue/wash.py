"""6.1.1 / 6.2.1 Water, sanitation and hygiene, in household population terms (MICS WS.6,
WS.3, WS.7).

hh file, completed interviews (``HH46 = 1``). Each household counts for its members: the weight
is ``hhweight x HH48`` (``wqsweight x HH48`` for safely managed water, measured on the water
quality subsample; households outside it stay in the frame with weight 0 and a missing outcome
so that the design keeps all its PSUs).

* Safely managed drinking water: improved source (``WS1`` in 11-14, 21, 31, 41, 51, 61, 71,
  91), on premises (``WS3`` 1 or 2), available when needed (``WS7 = 2``, not short of water in
  the last month) and free of E. coli (``WQ27 = 0`` per 100 ml). Subsample households without
  a test result are outside the denominator. Packaged water counts with the location recorded in
  ``WS3`` (the schema carries no secondary source).
* Basic sanitation: improved facility (``WS11`` in 11, 12, 13, 18, 21, 22, 31) not shared with
  other households (``WS15 = 2``).
* Basic hygiene: a handwashing place observed (``HW1`` 1 or 2) with water (``HW2 = 1``) and
  soap or detergent (``HW7 = 1``). Denominator: households where the place was observed or with
  no facility (``HW1`` 1-3); no permission or other reasons (4, 5) are out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from baove.indicators.catalogue.model import (
    DeriveOptions,
    IndicatorDef,
    base_frame,
    completed,
    input_error,
    is_code,
    num,
    outcome,
    require,
)

IMPROVED_WATER = (11, 12, 13, 14, 21, 31, 41, 51, 61, 71, 91)
IMPROVED_SANITATION = (11, 12, 13, 18, 21, 22, 31)
DISAGGREGATIONS = ("region", "province", "area", "ethnicity", "wealth")


def _households(files: Mapping[str, pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    hh = require(files, "hh", ["HH46", "HH48", "hhweight", *columns])
    hh = completed(hh, "hh", "HH46")
    if np.any(num(hh, "HH48") < 0):
        raise input_error(
            "hh", "HH48", "negative household size", "số thành viên hộ gia đình bị âm"
        )
    return hh


def derive_water(files: Mapping[str, pd.DataFrame], options: DeriveOptions) -> pd.DataFrame:
    """Analysis frame of households (population weights) with ``water_safely_managed``.

    Args:
        files: survey files; uses ``hh``.
        options: unused.

    Returns:
        One row per completed household; weight ``wqsweight x HH48`` (0 outside the subsample).
    """
    hh = _households(files, ["WS1", "WS3", "WS7", "WQ27", "wqsweight"])
    size = num(hh, "HH48")
    in_sample = ~np.isnan(num(hh, "wqsweight"))
    weight = np.where(in_sample, num(hh, "wqsweight") * size, 0.0)
    out = base_frame(hh, "hh", weight, DISAGGREGATIONS)
    ecoli = num(hh, "WQ27")
    safe = (
        is_code(num(hh, "WS1"), *IMPROVED_WATER)
        & is_code(num(hh, "WS3"), 1, 2)
        & (num(hh, "WS7") == 2)
        & (ecoli == 0)
    )
    out["water_safely_managed"] = outcome(safe, in_sample & ~np.isnan(ecoli))
    return out


def derive_household(files: Mapping[str, pd.DataFrame], options: DeriveOptions) -> pd.DataFrame:
    """Analysis frame of households (weight ``hhweight x HH48``) with sanitation and hygiene.

    Args:
        files: survey files; uses ``hh``.
        options: unused.

    Returns:
        One row per completed household with ``sanitation_basic`` and ``handwashing_basic``.
    """
    hh = _households(files, ["WS11", "WS15", "HW1", "HW2", "HW7"])
    weight = num(hh, "hhweight") * num(hh, "HH48")
    out = base_frame(hh, "hh", weight, DISAGGREGATIONS)
    out["sanitation_basic"] = outcome(
        is_code(num(hh, "WS11"), *IMPROVED_SANITATION) & (num(hh, "WS15") == 2)
    )
    place = num(hh, "HW1")
    out["handwashing_basic"] = outcome(
        is_code(place, 1, 2) & (num(hh, "HW2") == 1) & (num(hh, "HW7") == 1),
        is_code(place, 1, 2, 3),
    )
    return out


WATER_SAFELY_MANAGED = IndicatorDef(
    id="water_safely_managed",
    national_code=None,
    sdg="6.1.1",
    sdmx_dataflow="WASH_HOUSEHOLDS",
    sdmx_code="WS_PPL_W-SM",
    name_vi="Tỷ lệ dân số sử dụng nguồn nước uống được quản lý an toàn",
    name_en="Percentage of household members using safely managed drinking water services",
    definition=(
        "Household members using an improved drinking water source located on premises, "
        "available when needed and free from E. coli contamination."
    ),
    numerator=(
        "Members of subsample households with WS1 improved, WS3 = 1 or 2, WS7 = 2 and "
        "WQ27 = 0 (weighted by wqsweight x HH48)"
    ),
    denominator="Members of water quality subsample households with an E. coli test result",
    population="Household population (water quality testing subsample)",
    age_range="All ages",
    files=("hh",),
    weight="wqsweight x HH48",
    reference_period="At the time of the survey (availability: last month)",
    unit="PCNT",
    disaggregations=DISAGGREGATIONS,
    mics_table="WS.6",
    derive=derive_water,
)
SANITATION_BASIC = replace(
    WATER_SAFELY_MANAGED,
    id="sanitation_basic",
    sdg="6.2.1",
    sdmx_code="WS_PPL_S-B",
    name_vi="Tỷ lệ dân số sử dụng dịch vụ vệ sinh cơ bản (nhà tiêu hợp vệ sinh không dùng chung)",
    name_en="Percentage of household members using basic sanitation services",
    definition=(
        "Household members using an improved sanitation facility (flush or pour flush to a "
        "sewer, septic tank, pit latrine or unknown place, ventilated improved pit, pit latrine "
        "with slab, composting toilet) that is not shared with other households."
    ),
    numerator="Members of households with WS11 in 11, 12, 13, 18, 21, 22, 31 and WS15 = 2",
    denominator="Members of households with a completed interview (HH46 = 1)",
    population="Household population",
    weight="hhweight x HH48",
    reference_period="At the time of the survey",
    mics_table="WS.3",
    derive=derive_household,
)
HANDWASHING_BASIC = replace(
    SANITATION_BASIC,
    id="handwashing_basic",
    sdmx_code="WS_PPL_H-B",
    name_vi="Tỷ lệ dân số có nơi rửa tay với xà phòng và nước tại nhà",
    name_en=(
        "Percentage of household members with a handwashing facility with water and soap "
        "available at home"
    ),
    definition=(
        "Household members in households where a handwashing place was observed with water and "
        "soap or detergent present."
    ),
    numerator="Members of households with HW1 = 1 or 2, HW2 = 1 and HW7 = 1",
    denominator=(
        "Members of households where the handwashing place was observed or there is no "
        "facility (HW1 = 1, 2 or 3)"
    ),
    mics_table="WS.7",
)

INDICATORS = (WATER_SAFELY_MANAGED, SANITATION_BASIC, HANDWASHING_BASIC)
