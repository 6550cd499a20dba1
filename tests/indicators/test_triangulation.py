"""Triangulation: period parsing and matching, the agreement rule, the helpers, the wide view.

Expected differences are worked out by hand in the comments.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from baove.indicators.triangulation import (
    admin_observations,
    match_periods,
    parse_period,
    side_by_side,
    survey_observations,
    triangulate,
)


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2021", date(2021, 1, 1), date(2022, 1, 1)),
        (2021, date(2021, 1, 1), date(2022, 1, 1)),
        ("2020-21", date(2020, 1, 1), date(2022, 1, 1)),
        ("2020-2021", date(2020, 1, 1), date(2022, 1, 1)),
        ("2010-11", date(2010, 1, 1), date(2012, 1, 1)),
        ("2021-03", date(2021, 3, 1), date(2021, 4, 1)),
        ("2021-12", date(2021, 12, 1), date(2022, 1, 1)),
        ("2021-Q3", date(2021, 7, 1), date(2021, 10, 1)),
        ("2021Q4", date(2021, 10, 1), date(2022, 1, 1)),
        ("2021-03-15", date(2021, 3, 15), date(2021, 3, 16)),
        ("2020-12/2021-06", date(2020, 12, 1), date(2021, 7, 1)),
    ],
)
def test_parse_period(label: object, start: date, end: date) -> None:
    p = parse_period(label)
    assert (p.start, p.end) == (start, end)


@pytest.mark.parametrize("label", ["21", "2021-13", "", "2021/2020", "2021-22-01x", "nan"])
def test_parse_period_rejects(label: str) -> None:
    with pytest.raises(ValueError, match="period"):
        parse_period(label)


def test_match_periods_rule() -> None:
    surveys = [parse_period("2014"), parse_period("2020-21")]
    assert match_periods(parse_period("2021"), surveys) == (1, "overlap")
    # 2020-2021 overlaps 2020 (366 days, leap year) more than 2021 (365 days).
    two = [parse_period("2021"), parse_period("2020")]
    assert match_periods(parse_period("2020-2021"), two) == (1, "overlap")
    # 2023 does not overlap 2020-21; the gap is 2022-01-01 .. 2023-01-01 = 365 days.
    assert match_periods(parse_period("2023"), surveys) is None
    assert match_periods(parse_period("2023"), surveys, max_gap_years=1.0) == (1, "nearest")
    assert match_periods(parse_period("2023"), surveys, max_gap_years=0.9) is None


def _obs(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    cols = ["indicator", "province", "period", "source", "source_type", "value", "ci_low",
            "ci_high", "n", "flag"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


NAN = math.nan


def _scenario() -> pd.DataFrame:
    return _obs(
        [
            # province 01: a survey cell with a CI, three other sources
            ("vd", "01", "2020-21", "MICS", "survey", 72.4, 68.0, 76.8, 400, ""),
            ("vd", "01", "2021", "MOLISA", "government", 75.0, NAN, NAN, NAN, None),
            ("vd", "01", "2021", "Sở LĐTBXH", "government", 80.0, NAN, NAN, NAN, None),
            ("vd", "01", "2021", "NGO A", "ngo", 90.0, NAN, NAN, NAN, None),
            ("vd", "01", "2023", "MOLISA", "government", 70.0, NAN, NAN, NAN, None),
            # province 04: the survey cell has fewer than 25 cases
            ("vd", "04", "2020-21", "MICS", "survey", 50.0, 20.0, 80.0, 20, "*"),
            ("vd", "04", "2021", "MOLISA", "government", 10.0, NAN, NAN, NAN, None),
            # provinces 12 and 14: no survey, government vs NGO
            ("vd", "12", "2021", "MOLISA", "government", 40.0, NAN, NAN, NAN, None),
            ("vd", "12", "2021", "NGO A", "ngo", 52.0, NAN, NAN, NAN, None),
            ("vd", "14", "2021", "MOLISA", "government", 40.0, NAN, NAN, NAN, None),
            ("vd", "14", "2021", "NGO A", "ngo", 46.0, NAN, NAN, NAN, None),
            # province 15: the government figure is suppressed (missing value)
            ("vd", "15", "2020-21", "MICS", "survey", 30.0, 25.0, 35.0, 300, ""),
            ("vd", "15", "2021", "MOLISA", "government", NAN, NAN, NAN, NAN, None),
        ]
    )


def _row(result: pd.DataFrame, province: str, period: str, source: str) -> pd.Series:
    hit = result[
        (result["province"] == province)
        & (result["period"] == period)
        & (result["source"] == source)
    ]
    assert len(hit) == 1
    return hit.iloc[0]


def test_triangulate_agreement_rule() -> None:
    result = triangulate(_scenario(), tolerance=0.2)
    # One row per non-survey observation.
    assert len(result) == 10
    assert set(result["source_type"]) == {"government", "ngo"}

    # 75 vs 72.4: inside [68, 76.8]; diff 2.6, rel 2.6/72.4 = 0.0359 -> agree
    r = _row(result, "01", "2021", "MOLISA")
    assert r["agreement"] == "agree"
    assert r["inside_ci"] is True
    assert r["diff"] == pytest.approx(2.6)
    assert r["rel_diff"] == pytest.approx(2.6 / 72.4)
    assert (r["survey_source"], r["survey_period"], r["period_match"]) == (
        "MICS",
        "2020-21",
        "overlap",
    )
    assert (r["reference_type"], r["reference_value"]) == ("survey", 72.4)

    # 80 vs 72.4: outside the CI (80 > 76.8) but rel 7.6/72.4 = 0.105 <= 0.2 -> agree
    r = _row(result, "01", "2021", "Sở LĐTBXH")
    assert r["inside_ci"] is False
    assert r["rel_diff"] == pytest.approx(0.10497, abs=1e-5)
    assert r["agreement"] == "agree"

    # 90 vs 72.4: outside and rel 17.6/72.4 = 0.2431 > 0.2 -> disagree
    r = _row(result, "01", "2021", "NGO A")
    assert r["agreement"] == "disagree"
    assert r["abs_diff"] == pytest.approx(17.6)
    assert r["rel_diff"] == pytest.approx(0.24309, abs=1e-5)

    # 2023 overlaps no survey -> no reference (the government has none to compare with)
    r = _row(result, "01", "2023", "MOLISA")
    assert r["agreement"] == "no_reference"
    assert r["inside_ci"] is None
    assert math.isnan(r["diff"])

    # survey cell with 20 cases -> insufficient_sample, survey figures still shown
    r = _row(result, "04", "2021", "MOLISA")
    assert r["agreement"] == "insufficient_sample"
    assert (r["survey_flag"], r["survey_n"], r["survey_value"]) == ("*", 20, 50.0)

    # no survey: NGO 52 vs government 40: rel 12/40 = 0.3 > 0.2 -> disagree
    r = _row(result, "12", "2021", "NGO A")
    assert (r["reference_source"], r["reference_type"]) == ("MOLISA", "government")
    assert r["agreement"] == "disagree"
    assert r["rel_diff"] == pytest.approx(0.3)
    assert r["inside_ci"] is None
    assert _row(result, "12", "2021", "MOLISA")["agreement"] == "no_reference"
    # 46 vs 40: rel 6/40 = 0.15 -> agree
    assert _row(result, "14", "2021", "NGO A")["agreement"] == "agree"

    # missing government value -> suppressed, survey still reported
    r = _row(result, "15", "2021", "MOLISA")
    assert r["agreement"] == "suppressed"
    assert r["survey_value"] == 30.0


def test_tolerance_and_gap_change_the_verdict() -> None:
    # With tolerance 0.1 the 80-vs-72.4 figure (rel 0.105, outside the CI) disagrees.
    tight = triangulate(_scenario(), tolerance=0.1)
    assert _row(tight, "01", "2021", "Sở LĐTBXH")["agreement"] == "disagree"
    # Allowing a one-year gap matches 2023 to the 2020-21 survey: 70 in [68, 76.8] -> agree.
    wide = triangulate(_scenario(), max_gap_years=1.0)
    r = _row(wide, "01", "2023", "MOLISA")
    assert (r["period_match"], r["agreement"]) == ("nearest", "agree")


def test_survey_without_ci_uses_tolerance_only_and_zero_reference() -> None:
    obs = _obs(
        [
            ("x", "01", "2021", "S", "survey", 50.0, NAN, NAN, 500, ""),
            ("x", "01", "2021", "G", "government", 61.0, NAN, NAN, NAN, None),
            ("x", "02", "2021", "S", "survey", 0.0, 0.0, 0.0, 500, ""),
            ("x", "02", "2021", "G", "government", 1.0, NAN, NAN, NAN, None),
        ]
    )
    result = triangulate(obs)
    r = _row(result, "01", "2021", "G")  # rel 11/50 = 0.22 > 0.2, no CI -> disagree
    assert (r["inside_ci"], r["agreement"]) == (None, "disagree")
    r = _row(result, "02", "2021", "G")  # a zero reference: infinitely far, outside CI
    assert r["rel_diff"] == math.inf
    assert r["agreement"] == "disagree"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda f: f.drop(columns=["source_type"]), "missing column"),
        (lambda f: f.assign(source_type="press"), "source_type 'press'"),
        (lambda f: pd.concat([f, f.iloc[[1]]]), "more than one value"),
        (lambda f: f.assign(value="high"), "'value' must be numeric"),
        (lambda f: f.assign(ci_low=80.0, ci_high=70.0), "ci_low > ci_high"),
        (
            lambda f: f.assign(unit=["PCNT"] * (len(f) - 1) + ["PER_100000"]),
            "mixes units",
        ),
        (lambda f: f.assign(period="last year"), "not understood"),
    ],
)
def test_bad_observations(mutate: object, message: str) -> None:
    frame = _scenario()
    with pytest.raises(ValueError, match=message):
        triangulate(mutate(frame))  # type: ignore[operator]


def _survey_results() -> pd.DataFrame:
    cols = ["indicator", "sdg", "sdmx_code", "mics_table", "by", "domain", "estimate", "se",
            "ci_low", "ci_high", "deff", "n_unweighted", "n_weighted", "flag"]  # fmt: skip
    rows = [
        ("birth_reg", "16.9.1", "X", "PR.1", "total", "Total", 0.98, 0.004, 0.972, 0.988, 1.5,
         2000, 2100.0, ""),
        ("birth_reg", "16.9.1", "X", "PR.1", "sex", "M", 0.97, 0.01, 0.95, 0.99, 1.2, 1000,
         1050.0, ""),
        ("birth_reg", "16.9.1", "X", "PR.1", "province", "01", 0.99, 0.005, 0.98, 1.0, 1.1, 60,
         70.0, ""),
        ("birth_reg", "16.9.1", "X", "PR.1", "province", "04", 0.9, 0.05, 0.8, 1.0, 1.1, 10,
         12.0, "*"),
        ("cm_u18", "5.3.1", "Y", "PR.4", "province", "01", 0.1, 0.02, 0.06, 0.14, 1.0, 300,
         310.0, ""),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def test_survey_observations_helper() -> None:
    obs = survey_observations(
        _survey_results(),
        period="2020-21",
        source="MICS 2020-21",
        indicators={"birth_reg": "birth_registration"},
        scale=100.0,
    )
    # sex rows and other indicators are left out; total -> national "00"
    assert list(obs["province"]) == ["00", "01", "04"]
    assert set(obs["indicator"]) == {"birth_registration"}
    assert list(obs["value"]) == pytest.approx([98.0, 99.0, 90.0])
    assert list(obs["ci_high"]) == pytest.approx([98.8, 100.0, 100.0])
    assert list(obs["n"]) == [2000, 60, 10]
    assert list(obs["flag"]) == ["", "", "*"]
    assert set(obs["source_type"]) == {"survey"}


def test_admin_observations_helper() -> None:
    admin = pd.DataFrame(
        {
            "indicator": ["birth_registration", "birth_registration", "special", "special"],
            "province": ["VN", "01", "01", "01"],
            "period": ["2021", "2021", "2021", "2021"],
            "value": [97.0, 99.5, 120.0, 30.0],
            "numerator": [1, 2, 3, 4],
            "denominator": [5, 6, 7, 8],
            "unit": ["PCNT", "PCNT", "PER_100000", "PER_100000"],
            "source": ["MOJ", "MOJ", "MOLISA", "MOLISA"],
            "category": [None, None, None, "orphan"],
        }
    )
    obs = admin_observations(admin)
    assert list(obs["province"]) == ["00", "01", "01", "01"]
    assert list(obs["indicator"])[-1] == "special/orphan"
    assert list(obs["source"]) == ["MOJ", "MOJ", "MOLISA", "MOLISA"]
    ngo = admin_observations(admin, source_type="ngo", source="NGO B", indicators={"special": "s"})
    assert list(ngo["indicator"]) == ["s"]
    assert list(ngo["source_type"]) == ["ngo"]
    assert list(ngo["source"]) == ["NGO B"]
    with pytest.raises(ValueError, match="source_type"):
        admin_observations(admin, source_type="survey")  # type: ignore[arg-type]


def test_end_to_end_with_helpers_and_wide_view() -> None:
    survey = survey_observations(
        _survey_results(), period="2020-21", source="MICS", indicators={"birth_reg": "br"},
        scale=100.0,
    )  # fmt: skip
    admin = pd.DataFrame(
        {
            "indicator": ["br", "br", "br"],
            "province": ["VN", "01", "04"],
            "period": ["2021", "2021", "2021"],
            "value": [96.5, 99.5, 95.0],
            "unit": ["PCNT"] * 3,
            "source": ["MOJ"] * 3,
        }
    )
    ngo = admin.iloc[[1]].assign(value=70.0)
    obs = pd.concat(
        [survey, admin_observations(admin), admin_observations(ngo, source_type="ngo",
                                                               source="NGO")]
    )  # fmt: skip
    result = triangulate(obs)
    # national: 96.5 vs 98.0 [97.2, 98.8]: outside, but rel -1.5/98 = -0.0153 -> agree
    r = _row(result, "00", "2021", "MOJ")
    assert (r["inside_ci"], r["agreement"]) == (False, "agree")
    assert r["rel_diff"] == pytest.approx(-1.5 / 98.0)
    assert _row(result, "04", "2021", "MOJ")["agreement"] == "insufficient_sample"
    # NGO 70 vs 99: rel -29/99 = -0.293 -> disagree
    assert _row(result, "01", "2021", "NGO")["agreement"] == "disagree"

    wide = side_by_side(result)
    assert list(wide["province"]) == ["00", "01", "04"]
    one = wide[wide["province"] == "01"].iloc[0]
    assert one["value:MOJ"] == 99.5
    assert one["value:NGO"] == 70.0
    assert one["survey_value"] == pytest.approx(99.0)
    assert one["agreement:MOJ"] == "agree"
    assert one["agreement:NGO"] == "disagree"
    assert bool(one["any_disagree"]) is True
    assert bool(wide[wide["province"] == "00"].iloc[0]["any_disagree"]) is False
    assert pd.isna(wide[wide["province"] == "00"].iloc[0]["value:NGO"])
