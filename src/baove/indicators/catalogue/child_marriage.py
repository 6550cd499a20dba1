"""5.3.1 Child marriage (MICS PR.4): women 20-24 first married or in union before 15 / 18.

wm file, completed interviews (``WM17 = 1``), women age 20-24 (``WB4``), weight ``wmweight``.
Married before age A when ever married (``MSTATUS`` 1 or 2) and ``WAGEM < A``. Never-married
women (``MSTATUS = 3``) stay in the denominator. As in the MICS syntax (``WAGEM < 15``), an
ever-married woman with unknown age at first union (missing or 97-99) is counted as not married
before that age and stays in the denominator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import pandas as pd

from baove.indicators.catalogue.model import (
    DeriveOptions,
    IndicatorDef,
    base_frame,
    completed,
    is_code,
    num,
    outcome,
    require,
)

DISAGGREGATIONS = ("region", "province", "area", "ethnicity", "wealth", "disability")


def derive(files: Mapping[str, pd.DataFrame], options: DeriveOptions) -> pd.DataFrame:
    """Analysis frame of women 20-24 with ``cm_u15`` and ``cm_u18``.

    Args:
        files: survey files; uses ``wm``.
        options: unused.

    Returns:
        One row per interviewed woman 20-24.
    """
    wm = completed(require(files, "wm", ["WM17", "WB4", "MSTATUS", "WAGEM"]), "wm", "WM17")
    age = num(wm, "WB4")
    wm = wm.loc[(age >= 20) & (age <= 24)].reset_index(drop=True)
    out = base_frame(wm, "wm", "wmweight", DISAGGREGATIONS, sex=None)
    ever = is_code(num(wm, "MSTATUS"), 1, 2)
    agem = num(wm, "WAGEM")
    known = agem < 97  # NaN compares False
    out["cm_u15"] = outcome(ever & known & (agem < 15))
    out["cm_u18"] = outcome(ever & known & (agem < 18))
    return out


CM_U18 = IndicatorDef(
    id="cm_u18",
    national_code=None,
    sdg="5.3.1",
    sdmx_dataflow="PT_CM",
    sdmx_code="PT_F_20-24_MRD_U18",
    name_vi=(
        "Tỷ lệ phụ nữ từ 20-24 tuổi đã kết hôn hoặc chung sống như vợ chồng lần đầu trước 18 tuổi"
    ),
    name_en="Percentage of women age 20-24 years who were first married or in union before age 18",
    definition=(
        "Women 20-24 whose first marriage or union began before their 18th birthday; women "
        "never married or in union are in the denominator."
    ),
    numerator="Women 20-24 with MSTATUS = 1 or 2 and WAGEM < 18",
    denominator="Interviewed women age 20-24 years (WM17 = 1), including never-married women",
    population="Women age 20-24 years",
    age_range="20-24 years",
    files=("wm",),
    weight="wmweight",
    reference_period="Before age 18 (lifetime)",
    unit="PCNT",
    disaggregations=DISAGGREGATIONS,
    mics_table="PR.4",
    derive=derive,
)
CM_U15 = replace(
    CM_U18,
    id="cm_u15",
    sdmx_code="PT_F_20-24_MRD_U15",
    name_vi=(
        "Tỷ lệ phụ nữ từ 20-24 tuổi đã kết hôn hoặc chung sống như vợ chồng lần đầu trước 15 tuổi"
    ),
    name_en="Percentage of women age 20-24 years who were first married or in union before age 15",
    definition=(
        "Women 20-24 whose first marriage or union began before their 15th birthday; women "
        "never married or in union are in the denominator."
    ),
    numerator="Women 20-24 with MSTATUS = 1 or 2 and WAGEM < 15",
    reference_period="Before age 15 (lifetime)",
)

INDICATORS = (CM_U15, CM_U18)
