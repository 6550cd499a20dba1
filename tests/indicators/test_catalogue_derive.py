"""Each derive rule on tiny hand-built files; expected 0/1 outcomes worked out by hand."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest

from baove.indicators.catalogue import get
from baove.indicators.catalogue.model import DeriveOptions, ModaConfig
from tests.indicators.test_catalogue import rows

NAN = np.nan
OPTS = DeriveOptions()


def _ucd(prefix: str, n: int, yes: list[str | None]) -> dict[str, list[float]]:
    """Discipline items A-K: row i has item ``yes[i]`` = 1, others 2 (None: all missing)."""
    items: dict[str, list[float]] = {}
    for letter in "ABCDEFGHIJK":
        col = []
        for i in range(n):
            if yes[i] is None:
                col.append(NAN)
            elif yes[i] == "dk":
                col.append(8.0)
            else:
                col.append(1.0 if letter in str(yes[i]) else 2.0)
        items[f"{prefix}{letter}"] = col
    return items


def _assert_outcome(frame: pd.DataFrame, column: str, expected: list[float]) -> None:
    np.testing.assert_array_equal(frame[column].to_numpy(), np.asarray(expected, dtype=float))


def test_violent_discipline_stacks_ch_1_4_and_fs_5_14_with_own_weights() -> None:
    # ch: age 0 out, 1 shook(C), 2 called names(H), 3 beat hard(K), 4 only non-violent (A,B,E),
    # 3 all don't know, 2 all missing (not administered), 1 incomplete interview (UF17=2)
    ch_yes: list[str | None] = ["C", "C", "H", "K", "ABE", "dk", None, "C"]
    ch = rows(
        8,
        UF17=[1, 1, 1, 1, 1, 1, 1, 2],
        UB2=[0, 1, 2, 3, 4, 3, 2, 1],
        chweight=[9.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
        HL4=1,
        disability=2,
        melevel=0,
        **_ucd("UCD2", 8, ch_yes),
    )
    # fs: age 5 shouted (D), 14 hit on face (I), 15 out of range, 9 incomplete
    fs = rows(
        4,
        FS17=[1, 1, 1, 2],
        CB3=[5, 14, 15, 9],
        fsweight=[10.0, 20.0, 30.0, 40.0],
        HL4=2,
        disability=1,
        melevel=3,
        **_ucd("FCD2", 4, ["D", "I", "D", "D"]),
    )
    frame = get("vd_any").derive({"ch": ch, "fs": fs}, OPTS)
    assert frame["w"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 10.0, 20.0]
    _assert_outcome(frame, "vd_any", [1, 1, 1, 0, 0, NAN, 1, 1])
    _assert_outcome(frame, "vd_psychological", [0, 1, 0, 0, 0, NAN, 1, 0])
    _assert_outcome(frame, "vd_physical", [1, 0, 1, 0, 0, NAN, 0, 1])
    _assert_outcome(frame, "vd_severe", [0, 0, 1, 0, 0, NAN, 0, 1])
    assert frame["age_group"].astype(str).tolist() == [
        "1-2", "1-2", "3-4", "3-4", "3-4", "1-2", "5-9", "10-14"
    ]  # fmt: skip
    assert list(frame["age_group"].cat.categories) == ["1-2", "3-4", "5-9", "10-14"]
    assert frame["sex"].astype(str).tolist() == ["M"] * 6 + ["F"] * 2
    assert frame["mother_edu"].astype(str).tolist() == ["0"] * 6 + ["3"] * 2
    assert list(frame["wealth"].cat.categories) == ["Q1", "Q2", "Q3", "Q4", "Q5"]
    assert len(frame["province"].cat.categories) == 34


def test_child_labour_thresholds_chores_and_hazards() -> None:
    cases = [
        # age, econ(CL1A), CL3, CL8, CL10, CL13, CL4, sdg, hazardous
        (5, 1, 1, 0, 0, 0, 2, 1, 1),  # 5-11: 1 hour is enough
        (11, 1, 0, 0, 0, 0, 2, 0, 0),
        (12, 1, 13, 0, 0, 0, 2, 0, 0),  # 12-14 needs 14 hours
        (14, 1, 14, 0, 0, 0, 2, 1, 1),
        (15, 1, 42, 0, 0, 0, 2, 0, 0),  # 15-17 needs 43 hours
        (17, 1, 43, 0, 0, 0, 2, 1, 1),
        (16, 1, 98, 0, 0, 0, 2, 0, 0),  # don't know hours never reach a threshold
        (10, 2, NAN, 10, 5, 6, 2, 1, 1),  # chores 21 hours
        (10, 2, NAN, 10, 98, 10, 2, 0, 0),  # 98 counts as 0: 20 hours
        (15, 2, NAN, 30, 0, 0, 2, 0, 0),  # chores rule only at 5-14
        (9, 2, 5, 0, 0, 0, 2, 0, 0),  # hours without economic activity
        (13, 2, NAN, 0, 0, 0, 1, 0, 1),  # heavy loads: only the hazardous variant
        (8, 1, 40, 0, 0, 0, 2, NAN, NAN),  # incomplete interview: out
        (4, 1, 40, 0, 0, 0, 2, NAN, NAN),  # out of the age range
    ]
    fs = rows(
        len(cases),
        FS17=[1] * 12 + [2, 1],
        CB3=[c[0] for c in cases],
        CL1A=[c[1] for c in cases],
        CL1B=2,
        CL1C=2,
        CL1X=2,
        CL3=[c[2] for c in cases],
        CL8=[c[3] for c in cases],
        CL10=[c[4] for c in cases],
        CL13=[c[5] for c in cases],
        CL4=[c[6] for c in cases],
        CL5=2,
        CL6A=2,
        CL6B=2,
        CL6C=2,
        CL6D=2,
        CL6E=2,
        CL6X=2,
        fsweight=1.0,
        HL4=1,
        disability=2,
        melevel=1,
    )
    frame = get("cl_sdg").derive({"fs": fs}, OPTS)
    assert len(frame) == 12
    _assert_outcome(frame, "cl_sdg", [c[7] for c in cases[:12]])
    _assert_outcome(frame, "cl_hazardous", [c[8] for c in cases[:12]])
    assert frame["age_group"].astype(str).tolist()[:3] == ["5-11", "5-11", "12-14"]


def test_ict_women_and_men_15_24() -> None:
    wm = rows(
        4,
        WM17=[1, 1, 1, 1],
        WB4=[15, 24, 25, 20],
        wmweight=1.0,
        disability=2,
        **{f"MT6{x}": [2, 2, 1, 2] for x in "ABCDEFGH"},
        MT6I=[1, 2, 2, 8],
    )
    mn = rows(
        2,
        MWM17=[1, 2],
        MWB4=[18, 18],
        mnweight=2.0,
        mdisability=1,
        **{f"MMT6{x}": [1, 1] for x in "ABCDEFGHI"},
    )
    women = get("ict_f_15_24").derive({"wm": wm}, OPTS)
    _assert_outcome(women, "ict_f_15_24", [1, 0, 0])  # age 25 out; 8 is not "yes"
    men = get("ict_m_15_24").derive({"mn": mn}, OPTS)
    _assert_outcome(men, "ict_m_15_24", [1])
    assert men["w"].tolist() == [2.0]
    assert men["disability"].astype(str).tolist() == ["Y"]


def _ch(n: int, **columns: object) -> pd.DataFrame:
    base: dict[str, object] = {"UF17": 1, "chweight": 1.0, "HL4": 2, "disability": 2}
    base["melevel"] = 2
    base.update(columns)
    return rows(n, **base)


def test_birth_registration_certificate_or_civil_registration() -> None:
    ch = _ch(
        7,
        UF17=[1, 1, 1, 1, 1, 1, 4],
        CAGE=[0, 11, 12, 30, 59, 40, 20],
        BR1=[1, 2, 3, 3, 8, 8, 1],
        BR2=[NAN, NAN, 1, 2, 8, 1, NAN],
    )
    frame = get("birth_reg").derive({"ch": ch}, OPTS)
    _assert_outcome(frame, "birth_reg", [1, 1, 1, 0, 0, 1])
    assert frame["age_group"].astype(str).tolist() == [
        "0-11", "0-11", "12-23", "24-35", "48-59", "36-47"
    ]  # fmt: skip


def test_health_insurance_dont_know_is_not_covered() -> None:
    frame = get("health_ins").derive({"ch": _ch(3, CAGE=5, UB9=[1, 2, 8])}, OPTS)
    _assert_outcome(frame, "health_ins", [1, 0, 0])


def test_child_marriage_keeps_never_married_in_denominator() -> None:
    cases = [
        # age, MSTATUS, WAGEM, WM17, u15, u18
        (20, 3, NAN, 1, 0, 0),  # never married: stays in the denominator
        (21, 1, 14, 1, 1, 1),
        (22, 1, 15, 1, 0, 1),
        (23, 2, 17, 1, 0, 1),
        (24, 1, 18, 1, 0, 0),
        (24, 1, 98, 1, 0, 0),  # unknown age at union: not counted, stays in
        (19, 1, 14, 1, NAN, NAN),  # out of 20-24
        (25, 1, 14, 1, NAN, NAN),
        (22, 1, 14, 3, NAN, NAN),  # incomplete interview
    ]
    wm = rows(
        len(cases),
        WB4=[c[0] for c in cases],
        MSTATUS=[c[1] for c in cases],
        WAGEM=[c[2] for c in cases],
        WM17=[c[3] for c in cases],
        wmweight=1.0,
        disability=2,
    )
    frame = get("cm_u18").derive({"wm": wm}, OPTS)
    _assert_outcome(frame, "cm_u15", [c[4] for c in cases[:6]])
    _assert_outcome(frame, "cm_u18", [c[5] for c in cases[:6]])


def test_anthropometry_excludes_flagged_scores_per_index() -> None:
    ch = _ch(
        7,
        CAGE=20,
        HAZ2=[-2.5, -3.5, -2.0, -4.0, NAN, 99.97, 0.0],
        HAZFLAG=[0, 0, 0, 1, 0, 0, 0],
        WHZ2=[2.5, -3.1, -2.1, 0.0, 1.0, 2.0, -5.0],
        WHZFLAG=[0, 0, 0, 0, 0, 0, 1],
    )
    frame = get("stunting").derive({"ch": ch}, OPTS)
    _assert_outcome(frame, "stunting", [1, 1, 0, NAN, NAN, NAN, 0])
    _assert_outcome(frame, "stunting_severe", [0, 1, 0, NAN, NAN, NAN, 0])
    _assert_outcome(frame, "wasting", [0, 1, 1, 0, 0, 0, NAN])
    _assert_outcome(frame, "wasting_severe", [0, 1, 0, 0, 0, 0, NAN])
    _assert_outcome(frame, "overweight", [1, 0, 0, 0, 0, 0, NAN])


def test_ecdi_needs_three_of_four_domains() -> None:
    # items EC6..EC15: literacy(6,7,8 >=2 yes), physical(9 yes or 10 no),
    # learning(11 or 12 yes), social(13 yes, 14 no, 15 no: >= 2)
    on_track_all = [1, 1, 2, 1, 1, 1, 2, 1, 2, 2]  # L yes, P yes, Le yes, S yes -> 1
    three = [1, 2, 2, 1, 1, 1, 2, 1, 2, 2]  # literacy only 1 of 3 -> 3 domains -> 1
    two = [1, 1, 2, 1, 1, 2, 2, 2, 1, 1]  # L yes, P yes, Le no, S no (13 no, 14/15 yes) -> 0
    reverse = [1, 1, 1, 1, 2, 1, 1, 2, 1, 1]  # L, P, Le yes; S: 13 no, 14/15 yes -> 1
    none_ = [NAN] * 10
    young = on_track_all
    items: list[Sequence[float]] = [on_track_all, three, two, reverse, none_, young]
    ch = _ch(
        6,
        CAGE=[36, 47, 48, 59, 40, 35],
        **{f"EC{6 + j}": [row[j] for row in items] for j in range(10)},
    )
    frame = get("ecdi").derive({"ch": ch}, OPTS)
    _assert_outcome(frame, "ecdi", [1, 1, 0, 1, NAN])
    assert frame["age_group"].astype(str).tolist() == ["36-47", "36-47", "48-59", "48-59", "36-47"]


def test_immunization_crude_and_by_first_birthday() -> None:
    ch = _ch(
        6,
        CAGE=[11, 12, 15, 20, 23, 24],
        DTP3=[1, 1, 1, 1, 2, 1],
        DTP3_AGEM=[4, 11, 12, NAN, NAN, 5],
        PCV3=[1, 2, 2, 2, 2, 2],
        PCV3_AGEM=NAN,
        MCV1=[1, 1, 1, 1, 1, 1],
        MCV1_AGEM=[9, 9, 9, 9, 13, 9],
    )
    frame = get("dtp3").derive({"ch": ch}, OPTS)
    _assert_outcome(frame, "dtp3", [1, 1, 1, 0])
    _assert_outcome(frame, "dtp3_by12m", [1, 0, 0, 0])  # age 12 months is not before 12
    _assert_outcome(frame, "pcv3", [0, 0, 0, 0])
    _assert_outcome(frame, "mcv1", [1, 1, 1, 1])
    _assert_outcome(frame, "mcv1_by12m", [1, 1, 1, 0])


def test_social_protection_members_under_18_of_completed_households() -> None:
    hh = rows(
        3,
        HH46=[1, 1, 2],
        hhweight=[2.0, 3.0, 4.0],
        ST3A=[2, 2, 1],
        ST3B=2,
        ST3C=[1, 2, 2],
        ST3D=2,
        ST3E=2,
        ST3F=2,
        ST4=[2, 8, 2],
        ST5=[2, 2, 2],
    )
    hl = pd.DataFrame(
        {
            "HH1": [1, 1, 1, 1, 2],
            "HH2": [1, 1, 2, 2, 1],
            "HL1": [1, 2, 1, 2, 1],
            "HL6": [17, 18, 0, 5, 3],
            "HL4": [1, 2, 2, 1, 1],
            "stratum": 11,
            "HH6": 2,
            "HH7": 6,
            "province": 79,
            "windex5": 5,
            "ethnicity": 2,
            "disability": [2, 2, NAN, 1, 2],
            "melevel": [1, NAN, 2, 2, 0],
        }
    )
    frame = get("socprot").derive({"hh": hh, "hl": hl}, OPTS)
    # household (1,1): ST3C yes -> covered; (1,2): ST4 = 8 -> not; (2,1) incomplete -> out
    _assert_outcome(frame, "socprot", [1, 0, 0])
    assert frame["w"].tolist() == [2.0, 3.0, 3.0]
    assert frame["age_group"].astype(str).tolist() == ["15-17", "0-4", "5-11"]
    assert frame["province"].astype(str).tolist() == ["79"] * 3
    assert frame["area"].astype(str).tolist() == ["R"] * 3
    assert frame["region"].astype(str).tolist() == ["6"] * 3


def test_wash_population_weights_and_rules() -> None:
    hh = rows(
        6,
        HH46=[1, 1, 1, 1, 1, 2],
        HH48=[4, 2, 5, 3, 1, 6],
        hhweight=[1.0, 2.0, 1.0, 1.0, 1.0, 1.0],
        wqsweight=[3.0, NAN, 2.0, 1.0, 2.0, 1.0],
        WS1=[11, 11, 32, 91, 12, 11],
        WS3=[1, 1, 1, 2, 3, 1],
        WS7=[2, 2, 2, 2, 2, 2],
        WQ27=[0, NAN, 0, 0, 0, 0],
        WS11=[12, 23, 22, 95, 18, 12],
        WS15=[2, 2, 1, NAN, 2, 2],
        HW1=[1, 2, 3, 4, 1, 1],
        HW2=[1, 1, NAN, NAN, 2, 1],
        HW7=[1, 1, NAN, NAN, 1, 1],
    )
    water = get("water_safely_managed").derive({"hh": hh}, OPTS)
    assert water["w"].tolist() == [12.0, 0.0, 10.0, 3.0, 2.0]
    # unimproved 32 -> 0; bottled on premises -> 1; off premises (WS3=3) -> 0
    _assert_outcome(water, "water_safely_managed", [1, NAN, 0, 1, 0])
    other = get("sanitation_basic").derive({"hh": hh}, OPTS)
    assert other["w"].tolist() == [4.0, 4.0, 5.0, 3.0, 1.0]
    _assert_outcome(other, "sanitation_basic", [1, 0, 0, 0, 1])
    # no facility (3) counts as without; not observed (4) is out
    _assert_outcome(other, "handwashing_basic", [1, 1, 0, NAN, 0])


def test_foundational_learning_reading_and_numeracy() -> None:
    numeracy_items = [f"FL{t}{x}" for t, xs in (("23", "ABCDEF"), ("24", "ABCDE"),
                      ("25", "ABCDE"), ("27", "ABCDE")) for x in xs]  # fmt: skip
    fs = rows(
        5,
        FS17=1,
        CB3=[7, 14, 10, 6, 9],
        FL28=[1, 1, 1, 1, 2],
        FL_WORDS=50,
        FL_WORDS_CORRECT=[45, 44, 50, 50, 50],
        FL22A=1,
        FL22B=1,
        FL22C=1,
        FL22D=[1, 1, 2, 1, 1],
        FL22E=1,
        fsweight=1.0,
        HL4=1,
        disability=2,
        melevel=1,
        **dict.fromkeys(numeracy_items, 1),
    )
    fs.loc[1, "FL27E"] = 2
    frame = get("fl_reading").derive({"fs": fs}, OPTS)
    # 45/50 = 90% is fluent, 44/50 is not; an inferential question wrong fails reading
    _assert_outcome(frame, "fl_reading", [1, 0, 0])
    _assert_outcome(frame, "fl_numeracy", [1, 0, 1])


def _moda_files() -> dict[str, pd.DataFrame]:
    """Two households; cluster 1 has child a (ch, 30 months) and child b (fs, 10 years)."""
    hh = pd.DataFrame(
        {
            "HH1": [1, 2],
            "HH2": [1, 1],
            "HH46": [1, 1],
            # household 1: unimproved water (32), improved toilet, 8 people in 2 rooms
            # (crowded), finished materials, has a phone; household 2: all fine
            "WS1": [32, 11],
            "WS7": [2, 2],
            "WS11": [12, 12],
            "WS15": [1, 2],
            "HH48": [8, 3],
            "HC3": [2, 2],
            "HC4": [30, 30],
            "HC5": [30, 30],
            "HC6": [30, 30],
            "HC7A": [2, 1],
            "HC7B": [2, 1],
            "HC9C": [2, 1],
            "HC12": [1, 1],
        }
    )
    design = {
        "stratum": 11, "HH6": 1, "HH7": 1, "province": "01", "windex5": 1, "ethnicity": 1,
        "disability": 2, "melevel": 1, "HL4": 1,
    }  # fmt: skip
    ch = pd.DataFrame(
        {
            "HH1": [1, 2],
            "HH2": [1, 1],
            "UF17": [1, 1],
            "UB2": [2, 0],
            "CAGE": [30, 6],
            "HAZ2": [-2.5, 0.0],
            "HAZFLAG": [0, 0],
            "DTP3": [1, 2],
            "MCV1": [2, 2],
            "chweight": [1.0, 3.0],
            **{f"UCD2{x}": [2, NAN] for x in "ABCDEFGHIJK"},
            **design,
        }
    )
    fs = pd.DataFrame(
        {
            "HH1": [1, 2],
            "HH2": [1, 1],
            "LN": [3, 2],
            "FS17": [1, 1],
            "CB3": [10, 16],
            "fsweight": [2.0, 4.0],
            **{f"FCD2{x}": [1 if x == "K" else 2, NAN] for x in "ABCDEFGHIJK"},
            **design,
        }
    )
    hl = pd.DataFrame({"HH1": [1, 2], "HH2": [1, 1], "HL1": [3, 2], "ED4": [1, 2], "ED9": [2, NAN]})
    return {"hh": hh, "ch": ch, "fs": fs, "hl": hl}


def test_moda_counts_age_specific_dimensions() -> None:
    frame = get("moda_h").derive(_moda_files(), OPTS)
    # child a (ch, 30 months, household 1): water 1, sanitation 0, housing 1 (8/2 = 4 >= 4),
    #   protection 0 (age 2, no item yes), nutrition 1 (-2.5), health 1 (MCV1 = 2): 4 of 6
    # child c (ch, 6 months, household 2): water 0, sanitation 0, housing 0 (3/2),
    #   protection not counted (age 0), nutrition 0, health not counted (< 12 months): 0 of 4
    # child b (fs, 10, household 1): water 1, sanitation 0, housing 1, protection 1 (K),
    #   education 1 (ED9 = 2), information 0 (phone): 4 of 6
    # child d (fs, 16, household 2): water 0, sanitation 0, housing 0, protection not counted
    #   (15-17), education 1 (ED4 = 2), information 0: 1 of 5
    assert frame["moda_deprived"].tolist() == [4, 0, 4, 1]
    assert frame["moda_dimensions"].tolist() == [6, 4, 6, 5]
    _assert_outcome(frame, "moda_h", [1, 0, 1, 0])
    _assert_outcome(frame, "moda_a", [4 / 6, NAN, 4 / 6, NAN])
    _assert_outcome(frame, "moda_m0", [4 / 6, 0, 4 / 6, 0])
    _assert_outcome(frame, "dep_health", [1, NAN, NAN, NAN])
    assert frame["age_group"].astype(str).tolist() == ["0-4", "0-4", "5-17", "5-17"]
    assert frame["w"].tolist() == [1.0, 3.0, 2.0, 4.0]


def test_moda_cut_offs_and_k_are_configurable() -> None:
    files = _moda_files()
    k1 = get("moda_h").derive(files, DeriveOptions(moda_k=1))
    _assert_outcome(k1, "moda_h", [1, 0, 1, 1])  # child d with 1 deprivation is poor at k=1
    _assert_outcome(k1, "moda_a", [4 / 6, NAN, 4 / 6, 1 / 5])
    config = ModaConfig(crowding_persons_per_room=5, sanitation_shared_deprived=True)
    loose = get("moda_h").derive(files, DeriveOptions(moda=config))
    # household 1 no longer crowded but its toilet is shared: counts unchanged for a and b
    _assert_outcome(loose, "dep_housing", [0, 0, 0, 0])
    _assert_outcome(loose, "dep_sanitation", [1, 0, 1, 0])
    with pytest.raises(ValueError, match="at least 1"):
        get("moda_h").derive(files, DeriveOptions(moda_k=0))
