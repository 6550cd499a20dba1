"""The synthetic MICS survey: schema, consistency, weights, truth and sampling (no database)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Set as AbstractSet
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from baove.synth import survey as sv
from baove.synth.survey_model import PROVINCE_REGION

YN = {1.0, 2.0}
YN_DK = {1.0, 2.0, 8.0}
RESULT = {1, 2, 3, 4, 5, 6}
CD = "ABCDEFGHIJK"
MT = "ABCDEFGHI"
FL_NUM = [f"FL23{c}" for c in "ABCDEF"] + [f"FL2{t}{c}" for t in "457" for c in "ABCDE"]

# Allowed codes, copied from docs/survey-schema.md (NaN is always allowed).
CODES: dict[str, dict[str, AbstractSet[float]]] = {
    "hh": {
        "HH6": {1, 2},
        "HH7": {1, 2, 3, 4, 5, 6},
        "windex5": {1, 2, 3, 4, 5},
        "ethnicity": {1, 2},
        "WS1": {11, 12, 13, 14, 21, 31, 32, 41, 42, 51, 61, 71, 81, 91, 96},
        "WS3": {1, 2, 3},
        "WS7": YN_DK,
        "WS11": {11, 12, 13, 14, 18, 21, 22, 23, 31, 41, 51, 95, 96},
        "WS15": YN,
        "HW1": {1, 2, 3, 4, 5},
        "HW2": YN,
        "HW7": YN,
        **dict.fromkeys(("HC7A", "HC7B", "HC9C", "HC12"), YN),
        **{f"ST3{c}": YN_DK for c in "ABCDEF"},
        "ST4": YN_DK,
        "ST5": YN_DK,
    },
    "hl": {
        "HL4": {1, 2},
        "ED4": YN,
        "ED9": YN,
        "ED10": {0, 1, 2, 3, 4},
        "melevel": {0, 1, 2, 3},
        "disability": YN,
    },
    "ch": {
        "UF17": RESULT,
        "HL4": {1, 2},
        "UB2": {0, 1, 2, 3, 4},
        "melevel": {0, 1, 2, 3},
        "disability": YN,
        "BR1": {1, 2, 3, 8},
        "BR2": YN_DK,
        "UB9": YN_DK,
        **{f"UCD2{c}": {1, 2, 8, 9} for c in CD},
        **{f"{z}FLAG": {0, 1} for z in ("HAZ", "WHZ", "WAZ")},
        **{f"EC{i}": {1, 2, 8, 9} for i in range(6, 16)},
        **dict.fromkeys(("DTP3", "PCV3", "MCV1"), YN),
    },
    "fs": {
        "FS17": RESULT,
        "HL4": {1, 2},
        "CB3": set(range(5, 18)),
        "melevel": {0, 1, 2, 3},
        "disability": YN,
        **{f"FCD2{c}": {1, 2, 8, 9} for c in CD},
        **{f"CL1{c}": YN for c in "ABCX"},
        **dict.fromkeys(("CL4", "CL5", "CL6A", "CL6B", "CL6C", "CL6D", "CL6E", "CL6X"), YN),
        "FL28": {1, 2, 3, 4, 5, 6},
        **{f"FL22{c}": YN for c in "ABCDE"},
        **dict.fromkeys(FL_NUM, YN),
    },
    "wm": {
        "WM17": RESULT,
        "welevel": {0, 1, 2, 3},
        "MSTATUS": {1, 2, 3},
        "disability": YN,
        **{f"MT6{c}": YN for c in MT},
    },
    "mn": {
        "MWM17": RESULT,
        "mwelevel": {0, 1, 2, 3},
        "MMSTATUS": {1, 2, 3},
        "mdisability": YN,
        **{f"MMT6{c}": YN for c in MT},
    },
}
OTHER_VARS = {
    "hh": ["HH46", "HH48", "hhweight", "WQ27", "wqsweight", "HC3", "HC4", "HC5", "HC6"],
    "hl": ["HL1", "HL6", "hhweight"],
    "ch": ["LN", "CAGE", "chweight", "HAZ2", "WHZ2", "WAZ2"]
    + [f"{v}_AGEM" for v in ("DTP3", "PCV3", "MCV1")],
    "fs": ["LN", "fsweight", "CL3", "CL8", "CL10", "CL13", "FL_WORDS", "FL_WORDS_CORRECT"],
    "wm": ["LN", "WB4", "WAGEM", "wmweight"],
    "mn": ["LN", "MWB4", "MWAGEM", "mnweight"],
}
DESIGN = ["HH1", "HH2", "stratum", "HH6", "HH7", "province", "windex5", "ethnicity"]


@pytest.fixture(scope="module")
def big() -> sv.Survey:
    return sv.generate_survey(households=14_000, seed=3)


@pytest.fixture(scope="module")
def small_pop() -> sv.Population:
    return sv.generate_population(households=30_000, seed=5)


@pytest.fixture(scope="module")
def small(small_pop: sv.Population) -> sv.Survey:
    return sv.draw_sample(small_pop, households=2_000, seed=1)


def test_same_seed_same_files_other_seed_other_files() -> None:
    a = sv.generate_survey(households=1_000, seed=7)
    b = sv.generate_survey(households=1_000, seed=7)
    c = sv.generate_survey(households=1_000, seed=8)
    for name in sv.FILES:
        pd.testing.assert_frame_equal(a.files[name], b.files[name], check_exact=True)
    assert a.truth == b.truth
    assert not a.files["hh"]["WS1"].equals(c.files["hh"]["WS1"])
    assert a.truth != c.truth


def test_every_schema_variable_with_allowed_codes(big: sv.Survey) -> None:
    for name in sv.FILES:
        frame = big.files[name]
        wanted = DESIGN + list(CODES[name]) + OTHER_VARS[name]
        missing = [v for v in wanted if v not in frame.columns]
        assert not missing, (name, missing)
        for var, allowed in CODES[name].items():
            seen = set(frame[var].dropna().unique().tolist())
            assert seen, (name, var)  # every variable carries some answers
            assert seen <= allowed, (name, var, seen - allowed)
        assert (frame["stratum"] == frame["HH7"] * 10 + frame["HH6"]).all()
        assert all(PROVINCE_REGION[p] == r for p, r in zip(frame.province, frame.HH7, strict=True))
    # 34 real 2025 province codes, 12 strata.
    from vietnam_provinces import Province

    real = {f"{p.code.value:02d}" for p in Province.iter_all()}
    assert set(PROVINCE_REGION) == real and len(real) == 34
    assert big.files["hh"]["stratum"].nunique() == 12


def test_design_20_households_per_cluster_and_members_match(big: sv.Survey) -> None:
    hh = big.files["hh"]
    assert big.households == len(hh) == 14_000
    per = hh.groupby("HH1")["HH2"].agg(["count", "min", "max", "nunique"])
    assert (per["count"] == 20).all() and (per["nunique"] == 20).all()
    assert (per["min"] == 1).all() and (per["max"] == 20).all()
    assert hh.groupby("HH1")["stratum"].nunique().max() == 1
    done = hh[hh.HH46 == 1]
    n_members = big.files["hl"].groupby(["HH1", "HH2"]).size()
    sizes = done.set_index(["HH1", "HH2"])["HH48"]
    assert n_members.sort_index().equals(sizes.sort_index().astype(np.int64))
    assert 3.2 < done.HH48.mean() < 3.8


def test_non_response_and_dont_know_codes_are_present(big: sv.Survey) -> None:
    f = big.files
    hh = f["hh"]
    bad = hh[hh.HH46 != 1]
    assert 0.01 < len(bad) / len(hh) < 0.08
    assert (bad.hhweight == 0).all() and bad[["HH48", "WS1", "windex5"]].isna().all().all()
    for name, res in (("ch", "UF17"), ("fs", "FS17"), ("wm", "WM17"), ("mn", "MWM17")):
        frame = f[name]
        off = frame[frame[res] != 1]
        assert len(off) > 10, name
        items = [c for c in CODES[name] if c not in (res, "HL4", "UB2", "CB3", "melevel")]
        assert off[items].isna().all().all(), name
    assert (f["fs"].CL3 >= 97).sum() > 0
    assert (f["ch"].BR1 == 8).sum() > 0 and (f["ch"].UB9 == 8).sum() > 0
    assert (hh.WS7 == 8).sum() > 0 and (f["fs"].CL13 == 98).sum() > 0


def test_consistency_rules(big: sv.Survey) -> None:
    fs, ch, wm, mn, hh, hl = (big.files[k] for k in ("fs", "ch", "wm", "mn", "hh", "hl"))
    fs1 = fs[fs.FS17 == 1]
    no_work = (fs1[["CL1A", "CL1B", "CL1C", "CL1X"]] == 2).all(axis=1)
    assert fs1.loc[no_work, "CL3"].isna().all()
    assert fs1.loc[~no_work, "CL3"].notna().all()
    assert fs1.loc[no_work, ["CL4", "CL5", "CL6A"]].isna().all().all()
    old = fs1.CB3 >= 15
    fcd = [f"FCD2{c}" for c in CD]
    assert fs1.loc[old, fcd].isna().all().all() and fs1.loc[~old, fcd].notna().all().all()
    fl_age = fs1.CB3.between(7, 14)
    assert (
        fs1.loc[fl_age, "FL28"].notna().all()
        and fs.loc[~fs.CB3.between(7, 14), "FL28"].isna().all()
    )
    fl_done = fs.FL28 == 1
    assert fs.loc[fl_done, ["FL_WORDS_CORRECT", *FL_NUM]].notna().all().all()
    assert fs.loc[~fl_done, ["FL_WORDS_CORRECT", *FL_NUM]].isna().all().all()
    assert (fs.loc[fl_done, "FL_WORDS_CORRECT"] <= fs.loc[fl_done, "FL_WORDS"]).all()

    ch1 = ch[ch.UF17 == 1]
    asked_br2 = ch1.BR1.isin([3, 8])
    assert ch1.loc[asked_br2, "BR2"].notna().all() and ch1.loc[~asked_br2, "BR2"].isna().all()
    ecd = ch1.CAGE >= 36
    ecs = [f"EC{i}" for i in range(6, 16)]
    assert ch1.loc[ecd, ecs].notna().all().all() and ch1.loc[~ecd, ecs].isna().all().all()
    ucd = [f"UCD2{c}" for c in CD]
    assert ch1.loc[ch1.CAGE < 12, ucd].isna().all().all()
    assert ch1.loc[ch1.CAGE >= 12, ucd].notna().all().all()
    assert (ch1.UB2 == ch1.CAGE // 12).all()
    assert ch1.loc[ch1.UB2 < 2, "disability"].isna().all()
    for dose in ("DTP3", "PCV3", "MCV1"):
        agem = ch1[f"{dose}_AGEM"]
        assert (agem.dropna() <= ch1.loc[agem.notna(), "CAGE"]).all()
        assert (ch1.loc[agem.notna(), dose] == 1).all()
    for z, lim in (("HAZ", 6), ("WHZ", 5)):
        measured = ch1[f"{z}FLAG"].notna()
        flagged = ch1[f"{z}FLAG"] == 1
        assert 0.002 < flagged.sum() / measured.sum() < 0.03
        assert (ch1.loc[flagged, f"{z}2"].abs() > lim).all()
        assert (ch1.loc[measured & ~flagged, f"{z}2"].abs() <= lim).all()

    for frame, res, pre in ((wm, "WM17", ""), (mn, "MWM17", "M")):
        ok = frame[frame[res] == 1]
        never = ok[f"{pre}MSTATUS"] == 3
        assert ok.loc[never, f"{pre}WAGEM"].isna().all()
        assert ok.loc[~never, f"{pre}WAGEM"].notna().all()
        assert (ok[f"{pre}WAGEM"].dropna() <= ok.loc[~never, f"{pre}WB4"]).all()
        assert ok[f"{pre}WB4"].between(15, 49).all()

    assert hl.loc[hl.ED4 == 2, "ED9"].isna().all()
    assert hl.loc[hl.ED9 != 1, "ED10"].isna().all()
    assert hl.loc[~hl.HL6.between(2, 17), "disability"].isna().all()
    assert hl.loc[hl.HL6 >= 18, "melevel"].isna().all()
    assert hh.loc[hh.HW1 >= 3, ["HW2", "HW7"]].isna().all().all()
    assert hh.loc[hh.WS11 == 95, "WS15"].isna().all()


def test_hhweight_sums_to_population_households(small_pop: sv.Population) -> None:
    # E[sum hhweight] = listed households (Horvitz-Thompson). Per sample the relative error
    # is about 1% (listed/frame size varies with sd 11% over 100 EAs), so the mean of 8
    # independent samples (sd ~0.4%) lands within 1.5% unless a factor is wrong: dropping
    # the non-response adjustment alone moves it by ~3%, the within-EA factor by ~85%.
    n_pop = len(small_pop.frames["hh"])
    sums = [
        sv.draw_sample(small_pop, households=2_000, seed=s).files["hh"].hhweight.sum()
        for s in range(8)
    ]
    assert abs(np.mean(sums) / n_pop - 1) < 0.015
    assert len({round(x, 6) for x in sums}) == 8  # the sample (and weights) vary by seed


def test_individual_weights_carry_non_response_exactly(small: sv.Survey) -> None:
    f = small.files
    hh = f["hh"].set_index(["HH1", "HH2"])
    hl = f["hl"]
    for name, res, weight in (("ch", "UF17", "chweight"), ("wm", "WM17", "wmweight")):
        frame = f[name]
        hw = hh.loc[pd.MultiIndex.from_frame(frame[["HH1", "HH2"]]), "hhweight"].to_numpy()
        # Stratum by stratum: completed weights carry all eligible persons' household weight.
        got = frame[weight].groupby(frame.stratum).sum()
        want = pd.Series(hw).groupby(frame.stratum.to_numpy()).sum()
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-12)
        assert (frame.loc[frame[res] != 1, weight] == 0).all()
    # fsweight = hhweight x number of children 5-17 listed in the household.
    fs = f["fs"]
    kids = hl[hl.HL6.between(5, 17)].groupby(["HH1", "HH2"]).size()
    key = pd.MultiIndex.from_frame(fs[["HH1", "HH2"]])
    expect = hh.loc[key, "hhweight"].to_numpy() * kids.loc[key].to_numpy()
    np.testing.assert_allclose(fs.fsweight.to_numpy(), expect, rtol=1e-12)
    assert fs.groupby(["HH1", "HH2"]).size().max() == 1
    assert len(fs) == len(kids)  # one child in every household that has one
    # Hence sum(fsweight) = the hl estimate of children 5-17 (an exact identity).
    hl_kids = hl.loc[hl.HL6.between(5, 17), "hhweight"].sum()
    assert fs.fsweight.sum() == pytest.approx(hl_kids, rel=1e-12)


def test_water_quality_subsample(small: sv.Survey) -> None:
    hh = small.files["hh"]
    sub = hh[hh.wqsweight.notna()]
    assert sub.groupby("HH1").size().max() <= 3
    assert (sub.HH46 == 1).all() and sub.WQ27.notna().all()
    assert hh.loc[hh.wqsweight.isna(), "WQ27"].isna().all()
    # The subsample carries its clusters' completed households.
    clusters = sub.HH1.unique()
    inside = hh[hh.HH1.isin(clusters)]
    np.testing.assert_allclose(sub.wqsweight.sum(), inside.hhweight.sum(), rtol=1e-12)


def test_windex5_splits_weighted_population_in_fifths(big: sv.Survey) -> None:
    hh = big.files["hh"]
    done = hh[hh.HH46 == 1]
    pop = (done.hhweight * done.HH48).groupby(done.windex5).sum()
    shares = pop / pop.sum()
    assert np.allclose(shares.to_numpy(), 0.2, atol=0.01)


def _hand_population(base: sv.Population) -> sv.Population:
    """Replace the answer frames by a few hand-written persons."""
    ch = base.frames["ch"].iloc[:4].copy()
    ch["UB2"] = [0.0, 1.0, 3.0, 4.0]
    ch["CAGE"] = [5.0, 14.0, 40.0, 50.0]
    for c in CD:
        ch[f"UCD2{c}"] = 2.0
    ch.loc[ch.index[0], "UCD2D"] = 1.0  # under 1: outside the denominator
    ch.loc[ch.index[1], "UCD2A"] = 1.0  # took away privileges: not violent
    ch.loc[ch.index[2], ["UCD2H", "UCD2K"]] = [1.0, 9.0]  # psychological; K missing
    ch["BR1"] = [1.0, 3.0, 8.0, 2.0]
    ch["BR2"] = [np.nan, 1.0, 8.0, np.nan]  # registered: yes, yes (BR2), DK (no), yes

    fs = base.frames["fs"].iloc[:5].copy()
    fs["CB3"] = [6.0, 12.0, 14.0, 16.0, 9.0]
    for c in CD:
        fs[f"FCD2{c}"] = [2.0, 2.0, 2.0, np.nan, 2.0]
    fs.loc[fs.index[0], "FCD2F"] = 1.0  # spanked: physical
    cl: dict[str, list[float]] = {
        "CL1A": [1, 2, 2, 2, 2], "CL1B": [2, 1, 2, 2, 2], "CL1C": [2, 2, 2, 2, 1],
        "CL1X": [2, 2, 2, 1, 2], "CL3": [2, 13, np.nan, 42, 98], "CL8": [0, 0, 20, 10, 0],
        "CL10": [0, 0, 0, 10, 0], "CL13": [0, 22, 98, 10, 0], "CL4": [2, 2, np.nan, 1, 2],
    }  # fmt: skip
    for col, values in cl.items():
        fs[col] = values
    for col in ("CL5", "CL6A", "CL6B", "CL6C", "CL6D", "CL6E", "CL6X"):
        fs[col] = [2.0, 2.0, np.nan, 2.0, 2.0]
    # Age 6 works 2 h (>= 1: labour); 12 works 13 h (< 14) but does 22 h of chores (labour);
    # 14 has 20 h of chores plus unknown (98 counts 0: no); 16 works 42 h (< 43: no) but
    # carries heavy loads (hazardous); 9 works unknown hours (no).

    hh = base.frames["hh"].iloc[:3].copy()
    hh["_hid"] = [0, 1, 2]
    hh["HH48"] = [2.0, 3.0, 5.0]
    hh["WS1"], hh["WS3"], hh["WS7"] = [11.0, 32.0, 91.0], [1.0, 2.0, 1.0], [2.0, 2.0, 8.0]
    hh["WQ27"] = [0.0, 0.0, 0.0]
    for col in ("ST3A", "ST3B", "ST3C", "ST3D", "ST3E", "ST3F", "ST4", "ST5"):
        hh[col] = 2.0
    hh.loc[hh.index[0], "ST3A"] = 1.0
    hh.loc[hh.index[1], "ST4"] = 8.0  # don't know: not covered
    hh.loc[hh.index[2], "ST5"] = 1.0
    hl = base.frames["hl"].iloc[:10].copy()
    hl["_hid"] = [0, 0, 1, 1, 1, 2, 2, 2, 2, 2]
    hl["HL6"] = [30.0, 5.0, 40.0, 10.0, 17.0, 60.0, 2.0, 18.0, 16.0, 3.0]
    frames = {**base.frames, "ch": ch, "fs": fs, "hh": hh, "hl": hl}
    return dataclasses.replace(base, frames=frames)


def test_truth_by_hand(small_pop: sv.Population) -> None:
    t = _hand_population(small_pop).truth
    # Denominator 1-14: ch ages 1, 3, 4 and fs ages 6, 12, 14, 9 = 7 children.
    assert t["vd_any"] == pytest.approx(2 / 7)  # age 3 (H) and age 6 (F)
    assert t["vd_psychological"] == pytest.approx(1 / 7)
    assert t["vd_physical"] == pytest.approx(1 / 7)
    assert t["vd_severe"] == 0.0  # K = 9 (missing) is not a yes
    assert t["cl_sdg"] == pytest.approx(2 / 5)
    assert t["cl_hazardous"] == pytest.approx(3 / 5)
    assert t["birth_reg"] == pytest.approx(3 / 4)
    # Persons: household 1 (2 persons) only; 2 has an unprotected well, 3 a DK on WS7.
    assert t["water_safely_managed"] == pytest.approx(2 / 10)
    # Under-18 members: 1 in household 1 (ST3A), 2 in household 2 (DK), 3 in household 3.
    assert t["socprot"] == pytest.approx(4 / 6)
    assert set(t) == set(sv.TRUTH_IDS)


def test_truth_is_plausible_viet_nam(small_pop: sv.Population) -> None:
    t = small_pop.truth
    ranges = {
        "vd_any": (0.6, 0.82), "cl_sdg": (0.04, 0.11), "birth_reg": (0.96, 0.995),
        "stunting": (0.14, 0.26), "cm_u18": (0.09, 0.2), "cm_u15": (0.0, 0.03),
        "dtp3": (0.75, 0.95), "ict_f_15_24": (0.4, 0.85), "fl_reading": (0.4, 0.8),
        "wasting": (0.02, 0.08), "health_ins": (0.8, 0.97),
    }  # fmt: skip
    for key, (lo, hi) in ranges.items():
        assert lo < t[key] < hi, (key, t[key])
    assert all(0.0 <= v <= 1.0 for v in t.values())


def _wr_estimate(
    y: np.ndarray, w: np.ndarray, stratum: np.ndarray, psu: np.ndarray
) -> tuple[float, float]:
    """Weighted proportion and its with-replacement linearised SE (ultimate clusters)."""
    p = float((w * y).sum() / w.sum())
    z = pd.DataFrame({"h": stratum, "c": psu, "z": w * (y - p) / w.sum()})
    tot = z.groupby(["h", "c"])["z"].sum().reset_index()
    var = 0.0
    for _, g in tot.groupby("h"):
        n = len(g)
        var += n / (n - 1) * float(((g.z - g.z.mean()) ** 2).sum())
    return p, var**0.5


def test_weighted_estimates_cover_truth(big: sv.Survey) -> None:
    # The with-replacement SE ignores the ~45% first-stage sampling fraction, so it
    # overstates the true SE: |error| < 3 SE then fails with probability < 0.3%.
    assert big.truth is not None
    ch = big.files["ch"]
    ch1 = ch[ch.UF17 == 1]
    y = (ch1.BR1.isin([1, 2]) | (ch1.BR2 == 1)).to_numpy(float)
    p, se = _wr_estimate(y, ch1.chweight.to_numpy(), ch1.stratum.to_numpy(), ch1.HH1.to_numpy())
    assert abs(p - big.truth["birth_reg"]) < 3 * se
    assert 0.001 < se < 0.01

    fs = big.files["fs"]
    fs1 = fs[(fs.FS17 == 1) & (fs.CB3 <= 14)]
    ch14 = ch1[ch1.UB2 >= 1]
    parts = [(ch14, "UCD2", "chweight"), (fs1, "FCD2", "fsweight")]
    y = np.concatenate(
        [(f[[f"{p_}{c}" for c in "CDFGHIJK"]] == 1).any(axis=1) for f, p_, _ in parts]
    )
    w = np.concatenate([f[wc].to_numpy() for f, _, wc in parts])
    st = np.concatenate([f.stratum.to_numpy() for f, _, _ in parts])
    psu = np.concatenate([f.HH1.to_numpy() for f, _, _ in parts])
    p, se = _wr_estimate(y.astype(float), w, st, psu)
    assert abs(p - big.truth["vd_any"]) < 3 * se
    assert 0.002 < se < 0.02


def test_outcomes_vary_by_wealth_area_and_cluster(big: sv.Survey) -> None:
    ch = big.files["ch"]
    ch1 = ch[(ch.UF17 == 1) & (ch.HAZFLAG == 0)]
    stunted = ch1.HAZ2 < -2
    by_q = stunted.groupby(ch1.windex5).mean()
    assert by_q[1.0] > by_q[5.0] + 0.1
    assert stunted[ch1.ethnicity == 2].mean() > stunted[ch1.ethnicity == 1].mean()
    fs = big.files["fs"]
    fs1 = fs[fs.FS17 == 1]
    econ = (fs1[["CL1A", "CL1B", "CL1C", "CL1X"]] == 1).any(axis=1)
    assert econ[fs1.HH6 == 2].mean() > 1.5 * econ[fs1.HH6 == 1].mean()
    assert econ[fs1.CB3 >= 15].mean() > econ[fs1.CB3 <= 11].mean()
    # Cluster effect: between-cluster variance of work well above binomial noise.
    means = econ.astype(float).groupby(fs1.HH1).agg(["mean", "size"])
    p = econ.mean()
    binomial = (p * (1 - p) / means["size"]).mean()
    # Without a cluster effect the ratio is 1 (+-0.1 over ~700 clusters); the model gives ~1.5.
    assert means["mean"].var() > 1.25 * binomial


def test_fast_path_without_population(small: sv.Survey) -> None:
    s = sv.generate_survey(households=2_000, seed=2, fast=True)
    assert s.truth is None and s.households == 2_000
    hh = s.files["hh"]
    # Frame total = 2,000 x 15 households; listed sizes average 1.05 x frame sizes; the
    # per-sample relative error is ~1% over 100 EAs.
    assert hh.hhweight.sum() == pytest.approx(2_000 * 15 * 1.05, rel=0.05)
    for name in sv.FILES:
        assert list(s.files[name].columns) == list(small.files[name].columns)


def test_population_too_small_is_refused(small_pop: sv.Population) -> None:
    with pytest.raises(ValueError, match="too small"):
        sv.draw_sample(small_pop, households=14_000)
    with pytest.raises(ValueError, match="population_factor"):
        sv.generate_survey(households=1_000, population_factor=5)


def test_write_parquet_csv_sav_and_cli(small: sv.Survey, tmp_path: Path) -> None:
    import pyreadstat

    paths = sv.write_survey(small, tmp_path / "pq", fmt="parquet")
    assert [p.name for p in paths] == [f"{n}.parquet" for n in sv.FILES]
    back = pd.read_parquet(paths[2])
    pd.testing.assert_frame_equal(back, small.files["ch"], check_dtype=False)
    paths = sv.write_survey(small, tmp_path / "csv", fmt="csv")
    back = pd.read_csv(paths[0], dtype={"province": str})
    np.testing.assert_allclose(back.hhweight, small.files["hh"].hhweight, rtol=1e-12)
    assert back.province.tolist() == small.files["hh"].province.tolist()
    paths = sv.write_survey(small, tmp_path / "sav", fmt="sav")
    data, meta = pyreadstat.read_sav(str(paths[0]))
    assert meta.variable_value_labels["HH6"] == {1.0: "Urban", 2.0: "Rural"}
    assert meta.variable_value_labels["WS7"][8.0] == "DK"
    np.testing.assert_allclose(data.hhweight, small.files["hh"].hhweight)
    _, meta_ch = pyreadstat.read_sav(str(paths[2]), metadataonly=True)
    assert meta_ch.variable_value_labels["BR1"][3.0] == "No"

    out = tmp_path / "cli"
    assert (
        sv.main(["--households", "500", "--seed", "4", "--out", str(out), "--format", "csv"]) == 0
    )
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{n}.csv" for n in sv.FILES] + ["truth.json"]
    )
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    assert set(truth) == set(sv.TRUTH_IDS)


def test_systematic_pps_selects_in_proportion_to_size() -> None:
    # Inclusion probability of unit i is n * mos_i / sum(mos) (each unit below the interval).
    rng = np.random.default_rng(0)
    mos = np.array([80.0, 200.0, 120.0, 150.0, 90.0, 160.0, 100.0, 100.0])
    hits = np.zeros(len(mos))
    draws = 4_000
    for _ in range(draws):
        chosen = sv._systematic_pps(rng, mos, 3)
        assert len(set(chosen.tolist())) == 3
        hits[chosen] += 1
    expected = 3 * mos / mos.sum()
    # Binomial sd of a frequency over 4,000 draws is at most 0.008: 4 sd = 0.032.
    np.testing.assert_allclose(hits / draws, expected, atol=0.032)


def test_allocation_is_exact_capped_and_at_least_two() -> None:
    mos_h = np.array([1_000.0, 50_000.0, 8_000.0, 400.0])
    cap = np.array([5, 250, 40, 2])
    n = sv._allocate(mos_h, cap, 120)
    assert n.sum() == 120 and (n >= 2).all() and (n <= cap).all()
    # The uncapped strata share in proportion to mos_h ** 0.7 (within rounding).
    free = n < cap
    ratio = n[free] / mos_h[free] ** 0.7
    assert ratio.max() / ratio.min() < 1.1
