"""4.2.1 Early childhood development index (MICS TC.53, ECDI): children 36-59 months on track.

ch file, completed interviews (``UF17 = 1``), children 36-59 months (``CAGE``), weight
``chweight``. Domains (an item counts only when answered as the on-track code):

* literacy-numeracy: at least 2 of EC6, EC7, EC8 = 1
* physical: EC9 = 1 or EC10 = 2 (not too sick to play)
* social-emotional: at least 2 of EC13 = 1, EC14 = 2, EC15 = 2 (EC14, EC15 reversed)
* learning: EC11 = 1 or EC12 = 1

On track (ECDI) when on track in at least 3 of the 4 domains. A child with all ten items
missing (module not administered) is outside the denominator. ECDI2030 (20 items, 24-59
months, age-specific cut-scores) needs items this schema does not carry and is not computed.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from baove.indicators.catalogue.birth_registration import under5_frame
from baove.indicators.catalogue.model import (
    STANDARD_DISAGGREGATIONS,
    DeriveOptions,
    IndicatorDef,
    age_group,
    all_missing,
    completed,
    num,
    outcome,
    require,
)

ITEMS = tuple(f"EC{i}" for i in range(6, 16))
AGE_GROUPS = ((36, 47), (48, 59))
AGE_LABELS = ("36-47", "48-59")


def derive(files: Mapping[str, pd.DataFrame], options: DeriveOptions) -> pd.DataFrame:
    """Analysis frame of children 36-59 months with ``ecdi``.

    Args:
        files: survey files; uses ``ch``.
        options: unused.

    Returns:
        One row per child 36-59 months with a completed interview.
    """
    ch = completed(require(files, "ch", ["UF17", "CAGE", *ITEMS]), "ch", "UF17")
    months = num(ch, "CAGE")
    ch = ch.loc[(months >= 36) & (months <= 59)].reset_index(drop=True)
    out = under5_frame(ch, STANDARD_DISAGGREGATIONS)
    out["age_group"] = age_group(num(ch, "CAGE"), AGE_GROUPS, AGE_LABELS)

    def yes(item: str, code: int = 1) -> pd.Series:
        return pd.Series(num(ch, item) == code).astype("int8")

    literacy = (yes("EC6") + yes("EC7") + yes("EC8")) >= 2
    physical = (yes("EC9") + yes("EC10", 2)) >= 1
    social = (yes("EC13") + yes("EC14", 2) + yes("EC15", 2)) >= 2
    learning = (yes("EC11") + yes("EC12")) >= 1
    domains = (
        literacy.astype("int8")
        + physical.astype("int8")
        + social.astype("int8")
        + learning.astype("int8")
    )
    out["ecdi"] = outcome((domains >= 3).to_numpy(), ~all_missing(ch, ITEMS))
    return out


ECDI = IndicatorDef(
    id="ecdi",
    national_code=None,
    sdg="4.2.1",
    sdmx_dataflow="ECD",
    sdmx_code="ECD_CHLD_36-59M_LMPSL",
    name_vi=(
        "Tỷ lệ trẻ em từ 36-59 tháng tuổi phát triển đúng hướng về sức khỏe, học tập và tâm lý "
        "xã hội (chỉ số ECDI)"
    ),
    name_en=(
        "Percentage of children age 36-59 months who are developmentally on track in at least "
        "three of the four domains (literacy-numeracy, physical, social-emotional, learning)"
    ),
    definition=(
        "Children 36-59 months on track in at least 3 of 4 domains: literacy-numeracy (2 of 3 "
        "items), physical (1 of 2), social-emotional (2 of 3), learning (1 of 2)."
    ),
    numerator="Children 36-59 months on track in >= 3 ECDI domains",
    denominator="Children 36-59 months with a completed under-5 interview and the ECD module",
    population="Children age 36-59 months",
    age_range="36-59 months",
    files=("ch",),
    weight="chweight",
    reference_period="At the time of the survey",
    unit="PCNT",
    disaggregations=STANDARD_DISAGGREGATIONS,
    mics_table="TC.53",
    derive=derive,
    age_groups=AGE_LABELS,
)

INDICATORS = (ECDI,)
