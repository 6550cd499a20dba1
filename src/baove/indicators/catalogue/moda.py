"""1.2.2 Multidimensional child poverty, MODA style (Alkire-Foster counting): H, A and M0.

Unit: the child. Children under 5 come from the ch file (``UF17 = 1``, weight ``chweight``),
children 5-17 from the fs file (``FS17 = 1``, weight ``fsweight``; one randomly selected child
per household, weighted up to all children 5-17). Both are merged with their household (hh, on
``HH1``, ``HH2``); the fs child is merged with its listing row (hl, on ``HH1``, ``HH2``,
``LN = HL1``) for schooling. The two age groups are stacked.

Dimensions (cut-offs in :class:`~baove.indicators.catalogue.model.ModaConfig`):

========== ======== ==================================================== =====================
dimension  ages     deprived when                                        data
========== ======== ==================================================== =====================
water      0-17     unimproved source (``WS1`` not in 11-14, 21, 31, 41,  hh ``WS1`` (``WS7``)
                    51, 61, 71, 91); optionally also ``WS7 = 1``
sanitation 0-17     unimproved facility (``WS11`` not in 11, 12, 13, 18,  hh ``WS11``
                    21, 22, 31); optionally also shared (``WS15 = 1``)   (``WS15``)
housing    0-17     ``HH48 / HC3 >=`` crowding cut-off (4), or natural    hh ``HH48``, ``HC3-6``
                    floor, roof or walls (``HC4/5/6 < 20``)
protection 1-14     a violence item answered yes (default severe:         ch ``UCD2*``, fs
                    I or K)                                               ``FCD2*``
nutrition  0-4      stunted (``HAZ2 <`` -2, unflagged)                   ch ``HAZ2``,
                                                                         ``HAZFLAG``
health     12-59 m  a vaccine not received (default DTP3, MCV1 = 2)      ch ``DTP3``, ``MCV1``
education  5-17     not attending school (``ED4 = 2`` or ``ED9 = 2``)    hl ``ED4``, ``ED9``
information 5-17    household has no radio, TV, computer or mobile phone hh ``HC7A/B``, ``HC9C``,
                                                                         ``HC12``
========== ======== ==================================================== =====================

A dimension counts for a child only where it applies to the child's age and its data are
present; deprivation share = deprived dimensions / counted dimensions. A child is poor when
deprived in at least ``k`` dimensions (default 2). Outcomes:

* ``moda_h`` (H): 1 if poor, else 0; mean = headcount ratio.
* ``moda_m0`` (M0): the censored deprivation share (share if poor, else 0); mean = H x A.
* ``moda_a`` (A): the deprivation share of poor children, missing for the non-poor; its mean
  over a domain is the ratio ``sum(w * share * poor) / sum(w * poor)`` (the Alkire-Foster
  intensity). Estimating it as a domain mean gives the same estimate and the same linearised
  variance as the ratio estimator, and a domain without poor children shows "-" instead of a
  division by zero.

A child with no countable dimension is outside the denominator.
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
    ModaConfig,
    all_missing,
    any_code,
    base_frame,
    completed,
    is_code,
    num,
    require,
    stack,
)
from baove.indicators.catalogue.wash import IMPROVED_SANITATION, IMPROVED_WATER

AGE_GROUPS = ((0, 4), (5, 17))
AGE_LABELS = ("0-4", "5-17")
HH_COLUMNS = ("WS1", "WS7", "WS11", "WS15", "HH48", "HC3", "HC4", "HC5", "HC6")
DIMENSIONS = (
    "water",
    "sanitation",
    "housing",
    "protection",
    "nutrition",
    "health",
    "education",
    "information",
)

Dimension = tuple[np.ndarray, np.ndarray]  # (deprived, counted)


def _household_dimensions(frame: pd.DataFrame, config: ModaConfig) -> dict[str, Dimension]:
    source = num(frame, "WS1")
    water = ~is_code(source, *IMPROVED_WATER)
    if config.water_insufficient_deprived:
        water |= num(frame, "WS7") == 1
    facility = num(frame, "WS11")
    sanitation = ~is_code(facility, *IMPROVED_SANITATION)
    if config.sanitation_shared_deprived:
        sanitation |= num(frame, "WS15") == 1
    rooms = num(frame, "HC3")
    size = num(frame, "HH48")
    rooms_ok = rooms > 0
    crowded = rooms_ok & (size >= config.crowding_persons_per_room * np.where(rooms_ok, rooms, 1))
    materials = [num(frame, c) for c in ("HC4", "HC5", "HC6")]
    natural = np.zeros(len(frame), dtype=bool)
    for material in materials:
        natural |= material < 20
    housing_known = rooms_ok | ~np.isnan(materials[0]) | ~np.isnan(materials[1])
    housing_known |= ~np.isnan(materials[2])
    devices = list(config.information_devices)
    information = np.ones(len(frame), dtype=bool)
    information_known = np.ones(len(frame), dtype=bool)
    for device in devices:
        values = num(frame, device)
        information &= values == 2
        information_known &= ~np.isnan(values)
    return {
        "water": (water, ~np.isnan(source)),
        "sanitation": (sanitation, ~np.isnan(facility)),
        "housing": (crowded | natural, housing_known),
        "information": (information, information_known),
    }


def _protection(frame: pd.DataFrame, prefix: str, age: np.ndarray, config: ModaConfig) -> Dimension:
    items = [f"{prefix}{letter}" for letter in config.violence_items]
    all_items = [f"{prefix}{letter}" for letter in "ABCDEFGHIJK"]
    counted = (age >= 1) & (age <= 14) & ~all_missing(frame, all_items)
    return any_code(frame, items), counted


def _with_household(
    children: pd.DataFrame, hh: pd.DataFrame, file: str, columns: list[str]
) -> pd.DataFrame:
    # household variables come from hh; drop copies the child file may carry
    children = children.drop(columns=[c for c in columns if c in children.columns])
    return children.merge(hh[["HH1", "HH2", *columns]], on=["HH1", "HH2"], how="left")


def _score(out: pd.DataFrame, dims: Mapping[str, Dimension], k: int) -> pd.DataFrame:
    n = len(out)
    counted = np.zeros(n)
    deprived = np.zeros(n)
    for name in DIMENSIONS:
        dep, cnt = dims.get(name, (np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)))
        counted += cnt
        deprived += dep & cnt
        out[f"dep_{name}"] = np.where(cnt, dep.astype(np.float64), np.nan)
    valid = counted > 0
    share = np.where(valid, deprived / np.where(valid, counted, 1.0), np.nan)
    poor = deprived >= k
    out["moda_dimensions"] = counted
    out["moda_deprived"] = deprived
    out["moda_h"] = np.where(valid, poor.astype(np.float64), np.nan)
    out["moda_m0"] = np.where(valid, np.where(poor, share, 0.0), np.nan)
    out["moda_a"] = np.where(valid & poor, share, np.nan)
    return out


def derive(files: Mapping[str, pd.DataFrame], options: DeriveOptions) -> pd.DataFrame:
    """Stacked analysis frame of children 0-17 with the MODA outcomes.

    Args:
        files: survey files; uses ``ch``, ``fs``, ``hh`` and ``hl``.
        options: ``moda_k`` (poverty cut-off k) and ``moda`` (deprivation cut-offs).

    Returns:
        One row per child (under-5 and 5-17 questionnaires) with ``moda_h``, ``moda_a``,
        ``moda_m0``, the number of counted and deprived dimensions and one ``dep_<dimension>``
        column per dimension (NaN where it does not count).

    Raises:
        SurveyInputError: a needed file or variable is missing.
        ValueError: ``k`` is below 1.
    """
    config = options.moda
    k = options.moda_k
    if k < 1:
        raise ValueError(f"MODA k must be at least 1, got {k}")
    hh_columns = [*HH_COLUMNS, *config.information_devices]
    hh = require(files, "hh", ["HH1", "HH2", "HH46", *hh_columns])
    hh = hh.loc[num(hh, "HH46") == 1]
    ch_items = [f"UCD2{x}" for x in "ABCDEFGHIJK"]
    fs_items = [f"FCD2{x}" for x in "ABCDEFGHIJK"]
    ch = require(
        files,
        "ch",
        ["UF17", "UB2", "CAGE", "HAZ2", "HAZFLAG", *config.vaccines, *ch_items],
    )
    fs = require(files, "fs", ["FS17", "CB3", "LN", *fs_items])
    hl = require(files, "hl", ["HH1", "HH2", "HL1", "ED4", "ED9"])

    ch = _with_household(completed(ch, "ch", "UF17"), hh, "ch", hh_columns)
    years = num(ch, "UB2")
    months = num(ch, "CAGE")
    ch_out = base_frame(
        ch,
        "ch",
        "chweight",
        STANDARD_DISAGGREGATIONS,
        age=years,
        age_groups=AGE_GROUPS,
        age_labels=AGE_LABELS,
    )
    dims = _household_dimensions(ch, config)
    del dims["information"]  # a 5-17 dimension
    dims["protection"] = _protection(ch, "UCD2", years, config)
    haz = num(ch, "HAZ2")
    haz_ok = ~np.isnan(haz) & (haz < 99) & (num(ch, "HAZFLAG") != 1)
    dims["nutrition"] = (haz < config.stunting_z, haz_ok)
    vaccines = [num(ch, v) for v in config.vaccines]
    not_received = np.zeros(len(ch), dtype=bool)
    vaccine_known = np.zeros(len(ch), dtype=bool)
    for values in vaccines:
        not_received |= values == 2
        vaccine_known |= ~np.isnan(values)
    dims["health"] = (not_received, (months >= 12) & (months <= 59) & vaccine_known)
    ch_out = _score(ch_out, dims, k)

    fs = completed(fs, "fs", "FS17")
    age = num(fs, "CB3")
    fs = fs.loc[(age >= 5) & (age <= 17)].reset_index(drop=True)
    fs = _with_household(fs, hh, "fs", hh_columns)
    school = hl[["HH1", "HH2", "HL1", "ED4", "ED9"]].rename(columns={"HL1": "LN"})
    fs = fs.drop(columns=[c for c in ("ED4", "ED9") if c in fs.columns])
    fs = fs.merge(school, on=["HH1", "HH2", "LN"], how="left")
    age = num(fs, "CB3")
    fs_out = base_frame(
        fs,
        "fs",
        "fsweight",
        STANDARD_DISAGGREGATIONS,
        age=age,
        age_groups=AGE_GROUPS,
        age_labels=AGE_LABELS,
    )
    dims = _household_dimensions(fs, config)
    dims["protection"] = _protection(fs, "FCD2", age, config)
    ever, attending = num(fs, "ED4"), num(fs, "ED9")
    dims["education"] = ((ever == 2) | (attending == 2), ~np.isnan(ever))
    fs_out = _score(fs_out, dims, k)

    frame = stack([ch_out, fs_out])
    frame["w"] = frame["w"].astype(np.float64)
    return frame


MODA_H = IndicatorDef(
    id="moda_h",
    national_code=None,
    sdg="1.2.2",
    sdmx_dataflow="CHLD_PVTY",
    sdmx_code=None,
    name_vi="Tỷ lệ trẻ em nghèo đa chiều (H, phương pháp MODA)",
    name_en="Multidimensional child poverty headcount ratio (H, MODA)",
    definition=(
        "Children 0-17 deprived in at least k (default 2) of the dimensions that apply to their "
        "age: water, sanitation, housing, protection from violence (all ages, violence 1-14); "
        "nutrition and health (0-4); education and information (5-17)."
    ),
    numerator="Children deprived in >= k dimensions (weighted)",
    denominator="Children 0-17 (under-5 and 5-17 questionnaires) with at least one dimension",
    population="Children age 0-17 years",
    age_range="0-17 years",
    files=("ch", "fs", "hh", "hl"),
    weight="chweight (0-4), fsweight (5-17)",
    reference_period="At the time of the survey (violence: past month)",
    unit="PCNT",
    disaggregations=STANDARD_DISAGGREGATIONS,
    mics_table=None,
    derive=derive,
    age_groups=AGE_LABELS,
)
MODA_A = replace(
    MODA_H,
    id="moda_a",
    name_vi="Mức độ thiếu hụt bình quân của trẻ em nghèo đa chiều (A, phương pháp MODA)",
    name_en="Average intensity of deprivation among multidimensionally poor children (A, MODA)",
    definition=(
        "Average share of the applicable dimensions in which poor children are deprived: the "
        "sum of poor children's deprivation shares over the number of poor children (a ratio)."
    ),
    numerator="Sum over poor children of (deprived dimensions / applicable dimensions)",
    denominator="Poor children (deprived in >= k dimensions)",
)
MODA_M0 = replace(
    MODA_H,
    id="moda_m0",
    name_vi="Chỉ số nghèo đa chiều trẻ em điều chỉnh (M0 = H × A, phương pháp MODA)",
    name_en="Adjusted multidimensional child poverty headcount ratio (M0 = H x A, MODA)",
    definition=(
        "Mean over all children of the censored deprivation share (the share of applicable "
        "dimensions deprived for poor children, 0 for the non-poor); equals H x A."
    ),
    numerator="Sum of censored deprivation shares",
    denominator=MODA_H.denominator,
)

INDICATORS = (MODA_H, MODA_A, MODA_M0)
