"""16.9.1 Birth registration (MICS PR.1): children under 5 whose birth is registered.

ch file, completed interviews (``UF17 = 1``), weight ``chweight``. Registered when the child has
a birth certificate (``BR1`` = 1 seen or 2 not seen) or, without one, the birth was registered
with the civil authorities (``BR2 = 1``). Don't know answers count as not registered and stay in
the denominator, as in the MICS syntax.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from baove.indicators.catalogue.model import (
    STANDARD_DISAGGREGATIONS,
    DeriveOptions,
    IndicatorDef,
    base_frame,
    completed,
    is_code,
    num,
    outcome,
    require,
)

AGE_GROUPS = ((0, 11), (12, 23), (24, 35), (36, 47), (48, 59))
AGE_LABELS = ("0-11", "12-23", "24-35", "36-47", "48-59")


def under5_frame(ch: pd.DataFrame, disaggregations: tuple[str, ...]) -> pd.DataFrame:
    """Design and disaggregation columns of completed under-5 interviews (age in months)."""
    return base_frame(
        ch,
        "ch",
        "chweight",
        disaggregations,
        age=num(ch, "CAGE"),
        age_groups=AGE_GROUPS,
        age_labels=AGE_LABELS,
    )


def derive(files: Mapping[str, pd.DataFrame], options: DeriveOptions) -> pd.DataFrame:
    """Analysis frame of children under 5 with ``birth_reg``.

    Args:
        files: survey files; uses ``ch``.
        options: unused.

    Returns:
        One row per child under 5 with a completed interview.
    """
    ch = completed(require(files, "ch", ["UF17", "CAGE", "BR1", "BR2"]), "ch", "UF17")
    out = under5_frame(ch, STANDARD_DISAGGREGATIONS)
    out["birth_reg"] = outcome(is_code(num(ch, "BR1"), 1, 2) | (num(ch, "BR2") == 1))
    return out


BIRTH_REG = IndicatorDef(
    id="birth_reg",
    national_code=None,
    sdg="16.9.1",
    sdmx_dataflow="PT",
    sdmx_code="PT_CHLD_Y0T4_REG",
    name_vi="Tỷ lệ trẻ em dưới 5 tuổi đã được đăng ký khai sinh",
    name_en="Percentage of children under age 5 whose births are registered with a civil authority",
    definition=(
        "Children under 5 who have a birth certificate (seen or not seen by the interviewer) or "
        "whose birth was reported as registered with the civil authorities."
    ),
    numerator="Children under 5 with BR1 = 1 or 2, or BR2 = 1",
    denominator="Children under 5 with a completed under-5 interview (UF17 = 1)",
    population="Children under age 5",
    age_range="0-59 months",
    files=("ch",),
    weight="chweight",
    reference_period="At the time of the survey",
    unit="PCNT",
    disaggregations=STANDARD_DISAGGREGATIONS,
    mics_table="PR.1",
    derive=derive,
    age_groups=AGE_LABELS,
)

INDICATORS = (BIRTH_REG,)
