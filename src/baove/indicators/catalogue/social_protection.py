"""1.3.1 Social protection coverage of children (MICS EQ.5).

Household members under 18 (hl, ``HL6 < 18``) merged with their household (hh, on ``HH1``,
``HH2``; only completed household interviews ``HH46 = 1``), weight ``hhweight``. Covered when
the household received any social transfer in the last 3 months (``ST3A-F`` = 1) or any child
received school tuition (``ST4 = 1``) or school material support (``ST5 = 1``) in the current
school year. "No" and don't know count as not covered.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from baove.indicators.catalogue.model import (
    STANDARD_DISAGGREGATIONS,
    DeriveOptions,
    IndicatorDef,
    any_code,
    base_frame,
    num,
    outcome,
    require,
)

TRANSFERS = ("ST3A", "ST3B", "ST3C", "ST3D", "ST3E", "ST3F", "ST4", "ST5")
AGE_GROUPS = ((0, 4), (5, 11), (12, 14), (15, 17))
AGE_LABELS = ("0-4", "5-11", "12-14", "15-17")


def derive(files: Mapping[str, pd.DataFrame], options: DeriveOptions) -> pd.DataFrame:
    """Analysis frame of household members under 18 with ``socprot``.

    Args:
        files: survey files; uses ``hl`` and ``hh``.
        options: unused.

    Returns:
        One row per member under 18 of a household with a completed interview.
    """
    hh = require(files, "hh", ["HH1", "HH2", "HH46", "hhweight", *TRANSFERS])
    hl = require(files, "hl", ["HH1", "HH2", "HL6"])
    hh = hh.loc[num(hh, "HH46") == 1, ["HH1", "HH2", "hhweight", *TRANSFERS]]
    hl = hl.loc[num(hl, "HL6") < 18]
    # the household's weight and transfers come from hh (hl may carry a copy of hhweight)
    hl = hl.drop(columns=[c for c in ("hhweight", *TRANSFERS) if c in hl.columns])
    members = hl.merge(hh, on=["HH1", "HH2"], how="inner", sort=False)
    out = base_frame(
        members,
        "hl",
        "hhweight",
        STANDARD_DISAGGREGATIONS,
        age=num(members, "HL6"),
        age_groups=AGE_GROUPS,
        age_labels=AGE_LABELS,
    )
    out["socprot"] = outcome(any_code(members, TRANSFERS))
    return out


SOCPROT = IndicatorDef(
    id="socprot",
    national_code=None,
    sdg="1.3.1",
    sdmx_dataflow="SOC_PROTECTION",
    sdmx_code="SPP_CHLD_SOC_PROT",
    name_vi=(
        "Tỷ lệ trẻ em dưới 18 tuổi sống trong hộ gia đình nhận được trợ giúp xã hội hoặc hỗ "
        "trợ học phí, đồ dùng học tập"
    ),
    name_en=(
        "Percentage of children under age 18 living in households that received any type of "
        "social transfers or school support"
    ),
    definition=(
        "Household members under 18 whose household received, in the last 3 months, cash "
        "assistance for poor households, a social pension, a child benefit, a disability "
        "allowance, in-kind assistance or another programme, or where any child received "
        "school tuition or school material support in the current school year."
    ),
    numerator="Members under 18 in households with any of ST3A-F, ST4, ST5 = 1",
    denominator="Household members under 18 in households with a completed interview (HH46 = 1)",
    population="Household members under age 18",
    age_range="0-17 years",
    files=("hl", "hh"),
    weight="hhweight",
    reference_period="Last 3 months (transfers); current school year (school support)",
    unit="PCNT",
    disaggregations=STANDARD_DISAGGREGATIONS,
    mics_table="EQ.5",
    derive=derive,
    age_groups=AGE_LABELS,
)

INDICATORS = (SOCPROT,)
