"""16.2.1 Violent discipline (MICS PR.2): any, psychological, physical, severe physical.

Population: children 1-14. The ch file (completed under-5 interviews, ``UF17 = 1``) gives
ages 1-4 (``UB2``) with items ``UCD2A-K`` and weight ``chweight``; the fs file (``FS17 = 1``)
gives ages 5-14 (``CB3``) with items ``FCD2A-K`` and weight ``fsweight``. The two are stacked,
each row keeping its own file's weight.

Items: C shook, D shouted, F spanked, G hit with object, H called names, I hit on face/head,
J hit on limbs, K beat hard. Any violent = C, D, F, G, H, I, J or K; psychological = D or H;
physical = C, F, G, I, J or K; severe = I or K. As in the MICS syntax an item counts only when
answered "yes" (1); "no", don't know and missing count as not experienced. A child whose items
are all missing (module not administered) is outside the denominator.
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
    all_missing,
    any_code,
    base_frame,
    completed,
    num,
    outcome,
    require,
    stack,
)

ITEMS = ("A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K")
ANY = ("C", "D", "F", "G", "H", "I", "J", "K")
PSYCHOLOGICAL = ("D", "H")
PHYSICAL = ("C", "F", "G", "I", "J", "K")
SEVERE = ("I", "K")
AGE_GROUPS = ((1, 2), (3, 4), (5, 9), (10, 14))
AGE_LABELS = ("1-2", "3-4", "5-9", "10-14")
OUTCOMES = {
    "vd_any": ANY,
    "vd_psychological": PSYCHOLOGICAL,
    "vd_physical": PHYSICAL,
    "vd_severe": SEVERE,
}


def _part(
    frame: pd.DataFrame, file: str, prefix: str, age_col: str, weight: str, low: int, high: int
) -> pd.DataFrame:
    items = [f"{prefix}{letter}" for letter in ITEMS]
    require({file: frame}, file, [age_col, *items])
    age = num(frame, age_col)
    rows = frame.loc[(age >= low) & (age <= high)].reset_index(drop=True)
    age = num(rows, age_col)
    out = base_frame(
        rows,
        file,
        weight,
        STANDARD_DISAGGREGATIONS,
        age=age,
        age_groups=AGE_GROUPS,
        age_labels=AGE_LABELS,
    )
    answered = ~all_missing(rows, items)
    for name, letters in OUTCOMES.items():
        out[name] = outcome(any_code(rows, [f"{prefix}{x}" for x in letters]), answered)
    return out


def derive(files: Mapping[str, pd.DataFrame], options: DeriveOptions) -> pd.DataFrame:
    """Stacked analysis frame of children 1-14 (ch ages 1-4, fs ages 5-14).

    Args:
        files: survey files; uses ``ch`` and ``fs``.
        options: unused.

    Returns:
        One row per child with the design, disaggregation and four outcome columns.
    """
    ch = completed(require(files, "ch", ["UF17"]), "ch", "UF17")
    fs = completed(require(files, "fs", ["FS17"]), "fs", "FS17")
    frame = stack(
        [
            _part(ch, "ch", "UCD2", "UB2", "chweight", 1, 4),
            _part(fs, "fs", "FCD2", "CB3", "fsweight", 5, 14),
        ]
    )
    # int weights of either file must not make the stacked column object-typed
    frame["w"] = frame["w"].astype(np.float64)
    return frame


_DENOMINATOR = (
    "Children age 1-14 years (under-5 and 5-17 questionnaires, completed interviews) with the "
    "child discipline module answered"
)

VD_ANY = IndicatorDef(
    id="vd_any",
    national_code=None,
    sdg="16.2.1",
    sdmx_dataflow="PT",
    sdmx_code="PT_CHLD_1-14_PS-PSY-V_CGVR",
    name_vi=(
        "Tỷ lệ trẻ em từ 1-14 tuổi bị người chăm sóc áp dụng bất kỳ hình thức trừng phạt thân "
        "thể hoặc gây hấn tâm lý nào trong tháng qua"
    ),
    name_en=(
        "Percentage of children age 1-14 years who experienced any physical punishment and/or "
        "psychological aggression by caregivers in the past month"
    ),
    definition=(
        "Children 1-14 for whom any of the items shook (C), shouted/yelled (D), spanked with "
        "bare hand (F), hit with a belt/stick/hard object (G), called dumb/lazy (H), hit on the "
        "face/head/ears (I), hit on the hand/arm/leg (J) or beat as hard as one could (K) was "
        "reported for the past month."
    ),
    numerator="Children 1-14 with any of CD2C, D, F, G, H, I, J, K = 1 (yes)",
    denominator=_DENOMINATOR,
    population="Children age 1-14 years",
    age_range="1-14 years",
    files=("ch", "fs"),
    weight="chweight (ages 1-4), fsweight (ages 5-14)",
    reference_period="Past month",
    unit="PCNT",
    disaggregations=STANDARD_DISAGGREGATIONS,
    mics_table="PR.2",
    derive=derive,
    age_groups=AGE_LABELS,
)
VD_PSYCHOLOGICAL = replace(
    VD_ANY,
    id="vd_psychological",
    sdmx_code=None,
    name_vi="Tỷ lệ trẻ em từ 1-14 tuổi bị người chăm sóc gây hấn tâm lý trong tháng qua",
    name_en=(
        "Percentage of children age 1-14 years who experienced psychological aggression by "
        "caregivers in the past month"
    ),
    definition="Children 1-14 who were shouted/yelled at (D) or called dumb, lazy or similar (H).",
    numerator="Children 1-14 with CD2D = 1 or CD2H = 1",
)
VD_PHYSICAL = replace(
    VD_ANY,
    id="vd_physical",
    sdmx_code=None,
    name_vi="Tỷ lệ trẻ em từ 1-14 tuổi bị người chăm sóc trừng phạt thân thể trong tháng qua",
    name_en=(
        "Percentage of children age 1-14 years who experienced any physical punishment by "
        "caregivers in the past month"
    ),
    definition=(
        "Children 1-14 who were shaken (C), spanked (F), hit with an object (G), hit on the "
        "face/head/ears (I), hit on the limbs (J) or beaten as hard as one could (K)."
    ),
    numerator="Children 1-14 with any of CD2C, F, G, I, J, K = 1",
)
VD_SEVERE = replace(
    VD_ANY,
    id="vd_severe",
    sdmx_code=None,
    name_vi=(
        "Tỷ lệ trẻ em từ 1-14 tuổi bị người chăm sóc trừng phạt thân thể nghiêm trọng trong "
        "tháng qua"
    ),
    name_en=(
        "Percentage of children age 1-14 years who experienced severe physical punishment by "
        "caregivers in the past month"
    ),
    definition=(
        "Children 1-14 who were hit on the face, head or ears (I) or beaten as hard as one "
        "could (K)."
    ),
    numerator="Children 1-14 with CD2I = 1 or CD2K = 1",
)

INDICATORS = (VD_ANY, VD_PSYCHOLOGICAL, VD_PHYSICAL, VD_SEVERE)
