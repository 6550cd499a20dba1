"""Health insurance coverage of children under 5 (MICS EQ.3).

ch file, completed interviews (``UF17 = 1``), weight ``chweight``. Covered when ``UB9 = 1``;
"no" and don't know (8) count as not covered and stay in the denominator, as in MICS.
"""

from __future__ import annotations

from collections.abc import Mapping

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


def derive(files: Mapping[str, pd.DataFrame], options: DeriveOptions) -> pd.DataFrame:
    """Analysis frame of children under 5 with ``health_ins``.

    Args:
        files: survey files; uses ``ch``.
        options: unused.

    Returns:
        One row per child under 5 with a completed interview.
    """
    ch = completed(require(files, "ch", ["UF17", "CAGE", "UB9"]), "ch", "UF17")
    out = under5_frame(ch, STANDARD_DISAGGREGATIONS)
    out["health_ins"] = outcome(num(ch, "UB9") == 1)
    return out


HEALTH_INS = IndicatorDef(
    id="health_ins",
    national_code=None,
    sdg=None,
    sdmx_dataflow=None,
    sdmx_code=None,
    name_vi="Tỷ lệ trẻ em dưới 5 tuổi có bảo hiểm y tế",
    name_en="Percentage of children under age 5 covered by health insurance",
    definition="Children under 5 reported as covered by any health insurance.",
    numerator="Children under 5 with UB9 = 1",
    denominator="Children under 5 with a completed under-5 interview (UF17 = 1)",
    population="Children under age 5",
    age_range="0-59 months",
    files=("ch",),
    weight="chweight",
    reference_period="At the time of the survey",
    unit="PCNT",
    disaggregations=STANDARD_DISAGGREGATIONS,
    mics_table="EQ.3",
    derive=derive,
    age_groups=AGE_LABELS,
)

INDICATORS = (HEALTH_INS,)
