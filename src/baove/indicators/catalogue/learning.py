"""4.1.1 Foundational learning skills (MICS LN.4): reading and numeracy of children 7-14.

fs file, completed questionnaire (``FS17 = 1``) and completed learning module (``FL28 = 1``),
children 7-14 (``CB3``), weight ``fsweight``.

* Reading: read at least 90% of the words of the passage correctly
  (``FL_WORDS_CORRECT / FL_WORDS >= 0.9``), answered the 3 literal (``FL22A-C``) and the 2
  inferential (``FL22D-E``) comprehension questions correctly.
* Numeracy: every item of the four tasks correct (number reading ``FL23A-F``, number
  discrimination ``FL24A-E``, addition ``FL25A-E``, pattern recognition ``FL27A-E``).
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
    base_frame,
    completed,
    num,
    outcome,
    require,
)

COMPREHENSION = ("FL22A", "FL22B", "FL22C", "FL22D", "FL22E")
NUMERACY = (
    *(f"FL23{x}" for x in "ABCDEF"),
    *(f"FL24{x}" for x in "ABCDE"),
    *(f"FL25{x}" for x in "ABCDE"),
    *(f"FL27{x}" for x in "ABCDE"),
)
AGE_GROUPS = ((7, 9), (10, 14))
AGE_LABELS = ("7-9", "10-14")


def _all_correct(frame: pd.DataFrame, items: tuple[str, ...]) -> np.ndarray:
    out = np.ones(len(frame), dtype=bool)
    for item in items:
        out &= num(frame, item) == 1
    return out


def derive(files: Mapping[str, pd.DataFrame], options: DeriveOptions) -> pd.DataFrame:
    """Analysis frame of children 7-14 with ``fl_reading`` and ``fl_numeracy``.

    Args:
        files: survey files; uses ``fs``.
        options: unused.

    Returns:
        One row per child 7-14 who completed the foundational learning module.
    """
    fs = require(
        files,
        "fs",
        ["FS17", "CB3", "FL28", "FL_WORDS", "FL_WORDS_CORRECT", *COMPREHENSION, *NUMERACY],
    )
    fs = completed(fs, "fs", "FS17")
    age = num(fs, "CB3")
    fs = fs.loc[(age >= 7) & (age <= 14) & (num(fs, "FL28") == 1)].reset_index(drop=True)
    out = base_frame(
        fs,
        "fs",
        "fsweight",
        STANDARD_DISAGGREGATIONS,
        age=num(fs, "CB3"),
        age_groups=AGE_GROUPS,
        age_labels=AGE_LABELS,
    )
    words = num(fs, "FL_WORDS")
    correct = num(fs, "FL_WORDS_CORRECT")
    # 0.9 * words avoids dividing by a zero word count; NaN compares False (not a reader)
    fluent = correct >= 0.9 * words
    out["fl_reading"] = outcome(fluent & _all_correct(fs, COMPREHENSION))
    out["fl_numeracy"] = outcome(_all_correct(fs, NUMERACY))
    return out


FL_READING = IndicatorDef(
    id="fl_reading",
    national_code=None,
    sdg="4.1.1",
    sdmx_dataflow="EDUCATION_FLS",
    sdmx_code=None,
    name_vi="Tỷ lệ trẻ em từ 7-14 tuổi có kỹ năng đọc cơ bản",
    name_en="Percentage of children age 7-14 years who demonstrate foundational reading skills",
    definition=(
        "Children 7-14 who read at least 90% of the words of a short story correctly, answered "
        "the three literal comprehension questions correctly and answered the two inferential "
        "comprehension questions correctly."
    ),
    numerator=("Children 7-14 with FL_WORDS_CORRECT >= 0.9 x FL_WORDS and FL22A-FL22E all = 1"),
    denominator=(
        "Children 7-14 with a completed 5-17 questionnaire (FS17 = 1) and learning module "
        "(FL28 = 1)"
    ),
    population="Children age 7-14 years (one randomly selected child 5-17 per household)",
    age_range="7-14 years",
    files=("fs",),
    weight="fsweight",
    reference_period="At the time of the survey",
    unit="PCNT",
    disaggregations=STANDARD_DISAGGREGATIONS,
    mics_table="LN.4",
    derive=derive,
    age_groups=AGE_LABELS,
)
FL_NUMERACY = replace(
    FL_READING,
    id="fl_numeracy",
    name_vi="Tỷ lệ trẻ em từ 7-14 tuổi có kỹ năng tính toán cơ bản",
    name_en="Percentage of children age 7-14 years who demonstrate foundational numeracy skills",
    definition=(
        "Children 7-14 who completed all items of the four numeracy tasks correctly: number "
        "reading, number discrimination, addition and pattern recognition."
    ),
    numerator="Children 7-14 with FL23A-F, FL24A-E, FL25A-E and FL27A-E all = 1",
)

INDICATORS = (FL_READING, FL_NUMERACY)
