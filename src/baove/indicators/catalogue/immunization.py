"""3.b.1 Immunization of children 12-23 months (MICS TC.3): DTP3, PCV3, MCV1.

ch file, completed interviews (``UF17 = 1``), children 12-23 months (``CAGE``), weight
``chweight``. Crude coverage: the dose was received by card or recall (``DTP3`` = 1 ...).
By first birthday: received with a documented age at vaccination below 12 months
(``DTP3_AGEM < 12`` ...). A dose known only from the mother's recall has no date and is not
counted "by 12 months"; MICS instead imputes the card-based share to recall-only children, so
this variant is a lower bound where recall is common (documented in ``docs/indicators.md``).
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
    num,
    outcome,
    require,
)

VACCINES = ("DTP3", "PCV3", "MCV1")
# no "disability": functional difficulty is only assessed from age 2 (all NaN at 12-23 months)
DISAGGREGATIONS = ("sex", "region", "province", "area", "ethnicity", "wealth", "mother_edu")


def derive(files: Mapping[str, pd.DataFrame], options: DeriveOptions) -> pd.DataFrame:
    """Analysis frame of children 12-23 months with crude and by-12-months coverage.

    Args:
        files: survey files; uses ``ch``.
        options: unused.

    Returns:
        One row per child 12-23 months with a completed interview.
    """
    ages = [f"{v}_AGEM" for v in VACCINES]
    ch = completed(require(files, "ch", ["UF17", "CAGE", *VACCINES, *ages]), "ch", "UF17")
    months = num(ch, "CAGE")
    ch = ch.loc[(months >= 12) & (months <= 23)].reset_index(drop=True)
    out = base_frame(ch, "ch", "chweight", DISAGGREGATIONS)
    for vaccine in VACCINES:
        received = num(ch, vaccine) == 1
        out[vaccine.lower()] = outcome(received)
        out[f"{vaccine.lower()}_by12m"] = outcome(received & (num(ch, f"{vaccine}_AGEM") < 12))
    return out


DTP3 = IndicatorDef(
    id="dtp3",
    national_code=None,
    sdg="3.b.1",
    sdmx_dataflow="IMMUNISATION",
    sdmx_code="IM_DTP3",
    name_vi=(
        "Tỷ lệ trẻ em 12-23 tháng tuổi đã được tiêm đủ 3 mũi vắc xin bạch hầu - ho gà - uốn "
        "ván (DTP3)"
    ),
    name_en="Percentage of children age 12-23 months who received the third dose of DTP vaccine",
    definition=(
        "Children 12-23 months who received three doses of diphtheria-tetanus-pertussis "
        "containing vaccine, according to the vaccination card or the mother's report (crude)."
    ),
    numerator="Children 12-23 months with DTP3 = 1",
    denominator="Children 12-23 months with a completed under-5 interview (UF17 = 1)",
    population="Children age 12-23 months",
    age_range="12-23 months",
    files=("ch",),
    weight="chweight",
    reference_period="At any time before the survey",
    unit="PCNT",
    disaggregations=DISAGGREGATIONS,
    mics_table="TC.3",
    derive=derive,
)
PCV3 = replace(
    DTP3,
    id="pcv3",
    sdmx_code="IM_PCV3",
    name_vi="Tỷ lệ trẻ em 12-23 tháng tuổi đã được tiêm đủ 3 mũi vắc xin phế cầu (PCV3)",
    name_en=(
        "Percentage of children age 12-23 months who received the third dose of pneumococcal "
        "conjugate vaccine"
    ),
    definition=(
        "Children 12-23 months who received three doses of pneumococcal conjugate vaccine, by "
        "card or mother's report (crude)."
    ),
    numerator="Children 12-23 months with PCV3 = 1",
)
MCV1 = replace(
    DTP3,
    id="mcv1",
    sdmx_code="IM_MCV1",
    name_vi="Tỷ lệ trẻ em 12-23 tháng tuổi đã được tiêm mũi 1 vắc xin sởi (MCV1)",
    name_en=(
        "Percentage of children age 12-23 months who received the first dose of measles "
        "containing vaccine"
    ),
    definition=(
        "Children 12-23 months who received the first dose of measles-containing vaccine, by "
        "card or mother's report (crude)."
    ),
    numerator="Children 12-23 months with MCV1 = 1",
)


def _by12m(crude: IndicatorDef, vaccine: str) -> IndicatorDef:
    return replace(
        crude,
        id=f"{crude.id}_by12m",
        sdg=None,
        sdmx_code=None,
        name_vi=crude.name_vi.replace("đã được tiêm", "đã được tiêm trước 12 tháng tuổi"),
        name_en=crude.name_en + " by their first birthday",
        definition=(
            f"Children 12-23 months whose vaccination record shows {vaccine} given before age "
            "12 months (doses known only from recall have no date and are not counted)."
        ),
        numerator=f"Children 12-23 months with {vaccine} = 1 and {vaccine}_AGEM < 12",
    )


DTP3_BY12M = _by12m(DTP3, "DTP3")
PCV3_BY12M = _by12m(PCV3, "PCV3")
MCV1_BY12M = _by12m(MCV1, "MCV1")

INDICATORS = (DTP3, PCV3, MCV1, DTP3_BY12M, PCV3_BY12M, MCV1_BY12M)
