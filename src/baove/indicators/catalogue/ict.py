"""4.4.1 ICT skills (MICS SR.13): women and men 15-24 who did at least one of nine activities.

Women: wm file (``WM17 = 1``, age ``WB4``, items ``MT6A-I``, weight ``wmweight``). Men: mn file
with the ``M`` prefix (``MWM17``, ``MWB4``, ``MMT6A-I``, ``mdisability``, weight
``mnweight``). Denominator: all
interviewed persons of that age; an activity counts only when answered "yes" (1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import pandas as pd

from baove.indicators.catalogue.model import (
    DeriveOptions,
    IndicatorDef,
    any_code,
    base_frame,
    completed,
    num,
    outcome,
    require,
)

ACTIVITIES = tuple(f"MT6{letter}" for letter in "ABCDEFGHI")
AGE_GROUPS = ((15, 19), (20, 24))
AGE_LABELS = ("15-19", "20-24")
DISAGGREGATIONS = ("age_group", "region", "province", "area", "ethnicity", "wealth", "disability")


def _derive(files: Mapping[str, pd.DataFrame], file: str, prefix: str, name: str) -> pd.DataFrame:
    items = [f"{prefix}{item}" for item in ACTIVITIES]
    data = require(files, file, [f"{prefix}WM17", f"{prefix}WB4", *items])
    data = completed(data, file, f"{prefix}WM17")
    age = num(data, f"{prefix}WB4")
    data = data.loc[(age >= 15) & (age <= 24)].reset_index(drop=True)
    age = num(data, f"{prefix}WB4")
    out = base_frame(
        data,
        file,
        f"{file}weight",
        DISAGGREGATIONS,
        sex=None,
        disability=f"{prefix.lower()}disability",
        age=age,
        age_groups=AGE_GROUPS,
        age_labels=AGE_LABELS,
    )
    out[name] = outcome(any_code(data, items))
    return out


def derive_women(files: Mapping[str, pd.DataFrame], options: DeriveOptions) -> pd.DataFrame:
    """Analysis frame of women 15-24 (wm) with ``ict_f_15_24``.

    Args:
        files: survey files; uses ``wm``.
        options: unused.

    Returns:
        One row per interviewed woman 15-24.
    """
    return _derive(files, "wm", "", "ict_f_15_24")


def derive_men(files: Mapping[str, pd.DataFrame], options: DeriveOptions) -> pd.DataFrame:
    """Analysis frame of men 15-24 (mn, ``M``-prefixed variables) with ``ict_m_15_24``.

    Args:
        files: survey files; uses ``mn``.
        options: unused.

    Returns:
        One row per interviewed man 15-24.
    """
    return _derive(files, "mn", "M", "ict_m_15_24")


ICT_F_15_24 = IndicatorDef(
    id="ict_f_15_24",
    national_code=None,
    sdg="4.4.1",
    sdmx_dataflow=None,
    sdmx_code=None,
    name_vi=(
        "Tỷ lệ phụ nữ từ 15-24 tuổi có kỹ năng công nghệ thông tin và truyền thông (đã thực "
        "hiện ít nhất một trong chín hoạt động trong 3 tháng qua)"
    ),
    name_en=(
        "Percentage of women age 15-24 years who carried out at least one of nine specific "
        "computer-related activities in the last 3 months"
    ),
    definition=(
        "Women 15-24 who, in the last 3 months, copied or moved a file or folder, used copy and "
        "paste, sent an e-mail with an attachment, used a basic spreadsheet formula, connected "
        "or installed a device, found/downloaded/installed software, created an electronic "
        "presentation, transferred a file between devices, or wrote a computer program."
    ),
    numerator="Women 15-24 with any of MT6A-MT6I = 1",
    denominator="Interviewed women age 15-24 years (WM17 = 1)",
    population="Women age 15-24 years",
    age_range="15-24 years",
    files=("wm",),
    weight="wmweight",
    reference_period="Last 3 months",
    unit="PCNT",
    disaggregations=DISAGGREGATIONS,
    mics_table="SR.13",
    derive=derive_women,
    age_groups=AGE_LABELS,
)
ICT_M_15_24 = replace(
    ICT_F_15_24,
    id="ict_m_15_24",
    name_vi=(
        "Tỷ lệ nam giới từ 15-24 tuổi có kỹ năng công nghệ thông tin và truyền thông (đã thực "
        "hiện ít nhất một trong chín hoạt động trong 3 tháng qua)"
    ),
    name_en=(
        "Percentage of men age 15-24 years who carried out at least one of nine specific "
        "computer-related activities in the last 3 months"
    ),
    definition=ICT_F_15_24.definition.replace("Women", "Men"),
    numerator="Men 15-24 with any of MMT6A-MMT6I = 1",
    denominator="Interviewed men age 15-24 years (MWM17 = 1)",
    population="Men age 15-24 years",
    files=("mn",),
    weight="mnweight",
    derive=derive_men,
)

INDICATORS = (ICT_F_15_24, ICT_M_15_24)
