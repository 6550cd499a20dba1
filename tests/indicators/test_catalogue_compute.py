"""compute_survey end to end: result layout, hand-computed estimates, samplics agreement on
a generated survey, coverage of the generator's true population values, speed."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from baove.indicators.compute import RESULT_COLUMNS, compute_survey
from baove.indicators.survey import SurveyInputError
from baove.synth.survey import Survey, generate_survey
from tests.indicators.test_catalogue import rows


def _birth_files() -> dict[str, pd.DataFrame]:
    # 2 strata x 2 clusters; cluster = HH1. Region 1 only (region 2..6 are empty domains).
    ch = rows(
        6,
        HH1=[1, 1, 2, 3, 4, 4],
        stratum=[11, 11, 11, 12, 12, 12],
        UF17=[1, 1, 1, 1, 1, 2],
        CAGE=[5, 20, 30, 40, 50, 10],
        HL4=[1, 2, 1, 2, 1, 1],
        BR1=[1, 3, 3, 2, 8, 1],
        BR2=[np.nan, 2, 1, np.nan, 2, np.nan],
        chweight=[1.0, 2.0, 1.0, 3.0, 1.0, 5.0],
        disability=2,
        melevel=1,
    )
    return {"ch": ch}


def test_layout_and_hand_computed_estimates() -> None:
    out = compute_survey(_birth_files(), ids=["birth_reg"])
    assert tuple(out.columns) == RESULT_COLUMNS
    total = out[out["by"] == "total"].iloc[0]
    # registered: rows 1 (w 1), 3 (w 1), 4 (w 3); not: row 2 (w 2), row 5 (w 1); row 6 out
    assert total["domain"] == "Total"
    assert total["estimate"] == pytest.approx(5 / 8)
    assert total["n_unweighted"] == 5
    assert total["n_weighted"] == pytest.approx(8.0)
    assert (total["sdg"], total["sdmx_code"], total["mics_table"]) == (
        "16.9.1",
        "PT_CHLD_Y0T4_REG",
        "PR.1",
    )
    sex = out[out["by"] == "sex"].set_index("domain")
    assert sex.loc["M", "estimate"] == pytest.approx(2 / 3)  # w 1, 1 registered of 1+1+1
    assert sex.loc["F", "estimate"] == pytest.approx(3 / 5)  # w 3 of 2+3
    assert list(out["by"].drop_duplicates()) == [
        "total", "sex", "age_group", "region", "province", "area", "ethnicity", "wealth",
        "disability", "mother_edu",
    ]  # fmt: skip
    region = out[out["by"] == "region"].set_index("domain")
    assert list(region.index) == ["1", "2", "3", "4", "5", "6"]
    assert region.loc["2", "flag"] == "-"
    assert region["estimate"].isna()["2"]
    assert region.loc["1", "flag"] == "*"  # 5 unweighted cases
    assert len(out[out["by"] == "province"]) == 34


def test_subsets_and_argument_errors() -> None:
    out = compute_survey(_birth_files(), ids=["birth_reg"], disaggregations=["area"])
    assert list(out["by"]) == ["total", "area", "area"]
    assert list(out["domain"]) == ["Total", "U", "R"]
    with pytest.raises(ValueError, match="unknown disaggregations"):
        compute_survey(_birth_files(), ids=["birth_reg"], disaggregations=["caste"])
    with pytest.raises(KeyError, match="unknown indicator"):
        compute_survey(_birth_files(), ids=["nope"])
    files = _birth_files()
    files["ch"] = files["ch"].drop(columns=["BR1"])
    with pytest.raises(SurveyInputError) as error:
        compute_survey(files, ids=["birth_reg"])
    assert (error.value.file, error.value.variable) == ("ch", "BR1")


def test_lonely_psu_is_passed_to_the_engine() -> None:
    files = _birth_files()
    files["ch"].loc[files["ch"]["HH1"] == 4, "HH1"] = 3  # stratum 12 now has one PSU
    with pytest.raises(SurveyInputError, match="12"):
        compute_survey(files, ids=["birth_reg"])
    out = compute_survey(files, ids=["birth_reg"], lonely_psu="certainty")
    assert out.iloc[0]["estimate"] == pytest.approx(5 / 8)


@pytest.fixture(scope="module")
def survey() -> Survey:
    return generate_survey(households=14_000, seed=7)


@pytest.fixture(scope="module")
def results(survey: Survey) -> pd.DataFrame:
    return compute_survey(survey.files)


@pytest.mark.parametrize("indicator", ["vd_any", "cl_sdg", "birth_reg", "cm_u18", "stunting"])
def test_generated_survey_covers_the_truth(
    survey: Survey, results: pd.DataFrame, indicator: str
) -> None:
    assert survey.truth is not None
    row = results[(results["indicator"] == indicator) & (results["by"] == "total")].iloc[0]
    assert row["se"] > 0
    assert abs(row["estimate"] - survey.truth[indicator]) < 4 * row["se"]


def test_generated_survey_every_indicator_and_moda_identity(results: pd.DataFrame) -> None:
    totals = results[results["by"] == "total"].set_index("indicator")
    assert totals["estimate"].between(0, 1).all()
    assert (totals["n_unweighted"] > 0).all()
    # M0 = H x A holds exactly for the estimators, overall and in every domain
    moda = results[results["indicator"].isin(["moda_h", "moda_a", "moda_m0"])]
    wide = moda.pivot_table(index=["by", "domain"], columns="indicator", values="estimate")
    wide = wide.dropna()
    assert len(wide) > 40
    np.testing.assert_allclose(wide["moda_m0"], wide["moda_h"] * wide["moda_a"], rtol=1e-10)


@pytest.mark.filterwarnings("ignore:.*samplics is archived.*:FutureWarning")
def test_violent_discipline_agrees_with_samplics(survey: Survey, results: pd.DataFrame) -> None:
    """Stacked ch (1-4) + fs (5-14) built here with plain pandas, estimated with samplics."""
    warnings.filterwarnings("ignore", message=".*samplics is archived.*")
    from samplics import TaylorEstimator
    from samplics.utils.types import PopParam

    parts = []
    for name, prefix, age, weight, low, high, result in (
        ("ch", "UCD2", "UB2", "chweight", 1, 4, "UF17"),
        ("fs", "FCD2", "CB3", "fsweight", 5, 14, "FS17"),
    ):
        f = survey.files[name]
        f = f[(f[result] == 1) & f[age].between(low, high)]
        items = f[[f"{prefix}{x}" for x in "CDFGHIJK"]]
        parts.append(
            pd.DataFrame(
                {
                    "y": (items == 1).any(axis=1).astype(float),
                    "w": f[weight].astype(float),
                    "stratum": f["stratum"],
                    "psu": f["HH1"],
                    "sex": f["HL4"],
                }
            )
        )
    data = pd.concat(parts, ignore_index=True)
    est = TaylorEstimator(PopParam.prop)
    est.estimate(
        y=data["y"].to_numpy(),
        samp_weight=data["w"].to_numpy(),
        stratum=data["stratum"],
        psu=data["psu"],
        domain=data["sex"],
    )
    ours = results[(results["indicator"] == "vd_any") & (results["by"] == "sex")]
    ours = ours.set_index("domain")
    for code, label in ((1, "M"), (2, "F")):
        assert ours.loc[label, "estimate"] == pytest.approx(est.point_est[code][1.0], rel=1e-10)
        assert ours.loc[label, "se"] == pytest.approx(est.stderror[code][1.0], rel=1e-8)


def test_all_indicators_all_disaggregations_in_one_call(survey: Survey) -> None:
    # Speed is measured by bench/bench_indicators.py, not here.
    out = compute_survey(survey.files)
    assert out["indicator"].nunique() == 33
    assert set(out["by"]) >= {"total", "sex", "area", "region", "province", "wealth"}
