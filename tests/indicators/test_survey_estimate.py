"""Survey estimation engine: hand-computed examples, samplics and svy agreement, errors."""

from __future__ import annotations

import math
import warnings
from fractions import Fraction as Fr
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from baove.indicators.survey import (
    Design,
    Measure,
    SurveyInputError,
    estimate,
    mics_display,
    mics_flag,
)
from baove.indicators.survey.rules import mics_flags

# --------------------------------------------------------------------------------------
# A design small enough to compute by hand: stratum A has PSUs 1, 2; stratum B has 3, 4, 5.
# --------------------------------------------------------------------------------------
HAND_ROWS = [
    # stratum, psu, w, y, g
    ("A", 1, 1.0, 1.0, 1),
    ("A", 1, 1.0, 0.0, 1),
    ("A", 2, 2.0, 1.0, 2),
    ("B", 3, 1.0, 0.0, 2),
    ("B", 4, 1.0, 1.0, 2),
    ("B", 5, 2.0, 0.0, 1),
]


def hand_frame() -> pd.DataFrame:
    return pd.DataFrame(HAND_ROWS, columns=["s", "p", "w", "y", "g"])


def wr_variance(psu_totals: dict[str, list[Fr]]) -> Fr:
    """sum_h n_h/(n_h-1) sum_j (z_hj - zbar_h)^2, in exact fractions."""
    total = Fr(0)
    for totals in psu_totals.values():
        n = len(totals)
        mean = sum(totals, Fr(0)) / n
        total += Fr(n, n - 1) * sum(((t - mean) ** 2 for t in totals), Fr(0))
    return total


def row(result: pd.DataFrame, measure: str, by: str = "", **domain: object) -> pd.Series:
    sel = (result["measure"] == measure) & (result["by"] == by)
    for key, value in domain.items():
        sel &= result[key] == value
    picked = result[sel.fillna(False).astype(bool)]
    assert len(picked) == 1
    return picked.iloc[0]


def test_hand_computed_proportion_total_and_domain() -> None:
    out = estimate(
        hand_frame(),
        Design(weight="w", strata="s", psu="p"),
        [Measure("prop", "mean", "y"), Measure("tot", "total", "y")],
        by=[(), ("g",)],
    )
    # Proportion: W = 1+1+2+1+1+2 = 8, Y = 1+2+1 = 4, p = 1/2.
    # z_i = w_i (y_i - 1/2) / 8; PSU totals: PSU1 = (1/2 - 1/2)/8 = 0, PSU2 = 2(1/2)/8 = 1/8,
    # PSU3 = -1/16, PSU4 = 1/16, PSU5 = 2(-1/2)/8 = -1/8.
    v = wr_variance(
        {"A": [Fr(0), Fr(1, 8)], "B": [Fr(-1, 16), Fr(1, 16), Fr(-1, 8)]}
    )  # A: 2 * 2(1/16)^2 = 1/64; B: 3/2 * (1/576 + 25/2304 + 1/144) = 7/256; sum 11/256
    assert v == Fr(11, 256)
    p = row(out, "prop")
    assert p["estimate"] == pytest.approx(0.5, abs=1e-15)
    assert p["se"] == pytest.approx(math.sqrt(11 / 256), rel=1e-12)
    # deff (R deff="replace"): v_srs = sum w (y-p)^2 / (W (n-1)) = (8/4) / (8*5) = 1/20.
    assert p["deff"] == pytest.approx((11 / 256) / (1 / 20), rel=1e-12)
    assert p["n_unweighted"] == 6 and p["n_weighted"] == 8.0
    z = NormalDist().inv_cdf(0.975)
    assert p["ci_low"] == pytest.approx(0.5 - z * math.sqrt(11 / 256), rel=1e-12)

    # Total: z_i = w_i y_i; PSU totals 1, 2 | 0, 1, 0 -> A: 2*(1/4+1/4) = 1, B: 3/2*(2/3) = 1.
    t = row(out, "tot")
    assert t["estimate"] == 4.0
    assert t["se"] == pytest.approx(math.sqrt(2.0), rel=1e-12)
    # v_srs(total) = W * sum w (y - ybar)^2 / (n-1) = 8 * 2 / 5.
    assert t["deff"] == pytest.approx(2.0 / (16 / 5), rel=1e-12)

    # Domain g=1: rows (1,1) (1,0) in PSU1 and (2,0) in PSU5: W_d = 4, p_d = 1/4.
    # z = w (y - 1/4)/4 inside the domain, 0 outside; PSU totals: PSU1 = (3/4 - 1/4)/4 = 1/8,
    # PSU2 = PSU3 = PSU4 = 0, PSU5 = 2(-1/4)/4 = -1/8. Stratum B keeps its 3 PSUs.
    vd = wr_variance({"A": [Fr(1, 8), Fr(0)], "B": [Fr(0), Fr(0), Fr(-1, 8)]})
    assert vd == Fr(1, 32)
    d1 = row(out, "prop", "g", g=1)
    assert d1["estimate"] == pytest.approx(0.25, abs=1e-15)
    assert d1["se"] == pytest.approx(math.sqrt(1 / 32), rel=1e-12)
    assert d1["n_unweighted"] == 3 and d1["flag"] == "*"
    # Domain deff: v_srs = sum_d w (y - 1/4)^2 / (W_d (n_d - 1)) = (9/16 + 1/16 + 2/16) / (4*2).
    assert d1["deff"] == pytest.approx((1 / 32) / ((12 / 16) / 8), rel=1e-12)


def test_missing_values_are_dropped_like_na_rm_keeping_the_design() -> None:
    base = hand_frame()
    extra = pd.DataFrame(
        [("B", 3, 5.0, np.nan, 1), ("C", 9, 3.0, np.nan, 1), ("C", 8, 1.0, np.nan, 2)],
        columns=base.columns,
    )
    # Stratum C only has rows with a missing y: its PSUs contribute zero.
    with_na = pd.concat([base, extra], ignore_index=True)
    design = Design(weight="w", strata="s", psu="p")
    measures = [Measure("prop", "mean", "y")]
    a = estimate(base, design, measures, by=[(), ("g",)])
    b = estimate(with_na, design, measures, by=[(), ("g",)])
    for column in ("estimate", "se", "n_unweighted", "n_weighted", "deff"):
        np.testing.assert_allclose(a[column].to_numpy(), b[column].to_numpy(), rtol=1e-13)


def test_ratio_by_hand() -> None:
    frame = hand_frame().assign(x=[2.0, 1.0, 1.0, 2.0, 1.0, 1.0])
    out = estimate(
        frame, Design(weight="w", strata="s", psu="p"), [Measure("r", "ratio", "y", "x")]
    )
    # X = 2+1+2+2+1+2 = 10, Y = 4, R = 2/5; z_i = w_i (y_i - R x_i) / X.
    r = Fr(2, 5)
    z = [
        Fr(w) * (Fr(y) - r * Fr(x)) / 10
        for (_, _, w, y, _), x in zip(HAND_ROWS, [2, 1, 1, 2, 1, 1], strict=True)
    ]
    v = wr_variance({"A": [z[0] + z[1], z[2]], "B": [z[3], z[4], z[5]]})
    res = row(out, "r")
    assert res["estimate"] == pytest.approx(0.4, abs=1e-15)
    assert res["se"] == pytest.approx(math.sqrt(v), rel=1e-12)
    # R svyratio deff="replace": v_srs = W * sum w (y - R x)^2 / (X^2 (n - 1)).
    ss = sum(
        (
            Fr(w) * (Fr(y) - r * Fr(x)) ** 2
            for (_, _, w, y, _), x in zip(HAND_ROWS, [2, 1, 1, 2, 1, 1], strict=True)
        ),
        Fr(0),
    )
    assert res["deff"] == pytest.approx(float(v / (8 * ss / (100 * 5))), rel=1e-12)


def lonely_frame() -> pd.DataFrame:
    return pd.concat(
        [hand_frame(), pd.DataFrame([("C", 6, 1.0, 1.0, 2)], columns=["s", "p", "w", "y", "g"])],
        ignore_index=True,
    )


def test_lonely_psu_options() -> None:
    frame = lonely_frame()
    measures = [Measure("prop", "mean", "y"), Measure("tot", "total", "y")]
    with pytest.raises(SurveyInputError) as info:
        estimate(frame, Design("w", "s", "p"), measures, source="hh.sav")
    assert info.value.variable == "s" and "C" in info.value.message_en
    assert "tầng C" in info.value.message_vi

    remove = estimate(frame, Design("w", "s", "p", lonely_psu="remove"), measures)
    certainty = estimate(frame, Design("w", "s", "p", lonely_psu="certainty"), measures)
    adjust = estimate(frame, Design("w", "s", "p", lonely_psu="adjust"), measures)
    # W = 9, Y = 5, p = 5/9; z_i = w (y - 5/9)/9. Strata A and B only (C removed):
    p = Fr(5, 9)
    z = [Fr(w) * (Fr(y) - p) / 9 for (_, _, w, y, _) in HAND_ROWS]
    v_ab = wr_variance({"A": [z[0] + z[1], z[2]], "B": [z[3], z[4], z[5]]})
    assert row(remove, "prop")["estimate"] == pytest.approx(5 / 9)
    assert row(remove, "prop")["se"] == pytest.approx(math.sqrt(v_ab), rel=1e-12)
    assert row(certainty, "prop")["se"] == pytest.approx(math.sqrt(v_ab), rel=1e-12)
    # adjust: the lonely PSU deviates from the grand mean sum(z)/6 PSUs (0 for a mean).
    z6 = Fr(1) * (1 - p) / 9
    assert row(adjust, "prop")["se"] == pytest.approx(math.sqrt(v_ab + z6**2), rel=1e-12)
    # Total: grand mean = 5/6 per PSU; lonely PSU total 1 -> adds (1 - 5/6)^2.
    v_tot = wr_variance({"A": [Fr(1), Fr(2)], "B": [Fr(0), Fr(1), Fr(0)]})
    assert row(adjust, "tot")["se"] == pytest.approx(math.sqrt(v_tot + Fr(1, 36)), rel=1e-12)


# --------------------------------------------------------------------------------------
# Agreement with independent implementations on a generated stratified clustered sample.
# --------------------------------------------------------------------------------------


def generated(seed: int = 20240601) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    psu_id = 0
    for stratum in range(6):
        for _ in range(rng.integers(3, 9)):
            psu_id += 1
            m = int(rng.integers(5, 30))
            effect = rng.normal(0, 1)
            frames.append(
                pd.DataFrame(
                    {
                        "stratum": stratum,
                        "cluster": psu_id,
                        "w": rng.uniform(50, 400, m) * (1 + stratum),
                        "y": rng.normal(20 + 3 * effect, 5, m),
                        "b": (rng.random(m) < 1 / (1 + np.exp(-effect))).astype(float),
                        "x": rng.poisson(3, m) + 1.0,
                        "sex": rng.integers(1, 3, m),
                        "area": rng.choice(["rural", "urban"], m),
                        "q": rng.integers(1, 6, m),
                    }
                )
            )
    df = pd.concat(frames, ignore_index=True)
    df.loc[rng.random(len(df)) < 0.08, "y"] = np.nan
    df.loc[rng.random(len(df)) < 0.05, "x"] = np.nan
    return df


MEASURES = [
    Measure("mean_y", "mean", "y"),
    Measure("prop_b", "mean", "b"),
    Measure("total_y", "total", "y"),
    Measure("ratio_yx", "ratio", "y", "x"),
]


def samplics_table(df: pd.DataFrame, measure: Measure, domain: pd.Series | None) -> pd.DataFrame:
    warnings.filterwarnings("ignore", message=".*samplics is archived.*")
    from samplics import TaylorEstimator
    from samplics.utils.types import PopParam

    y = df[measure.y].to_numpy()
    valid = ~np.isnan(y)
    x = None
    if measure.x is not None:
        x = df[measure.x].to_numpy()
        valid &= ~np.isnan(x)
    # samplics' remove_nan drops rows (and so PSUs); R's na.rm keeps the design. Put rows
    # with a missing value into their own domain instead, which keeps the design.
    dom = np.where(valid, 0 if domain is None else domain.to_numpy(), -1)
    est = TaylorEstimator(getattr(PopParam, measure.kind))
    est.estimate(
        y=np.where(valid, y, 1.0),
        samp_weight=df["w"].to_numpy(),
        x=None if x is None else np.where(valid, x, 1.0),
        stratum=df["stratum"],
        psu=df["cluster"],
        domain=pd.Series(dom),
    )
    keys = [k for k in est.point_est if k != -1]
    return pd.DataFrame(
        {
            "key": keys,
            "estimate": [est.point_est[k] for k in keys],
            "se": [est.stderror[k] for k in keys],
        }
    )


@pytest.mark.filterwarnings("ignore:.*samplics is archived.*:FutureWarning")
def test_agrees_with_samplics_overall_and_by_domain() -> None:
    df = generated()
    out = estimate(
        df, Design(weight="w", strata="stratum", psu="cluster"), MEASURES, by=[(), ("q",)]
    )
    for measure in MEASURES:
        overall = samplics_table(df, measure, None)
        mine = row(out, measure.name)
        assert mine["estimate"] == pytest.approx(overall["estimate"].iloc[0], rel=1e-10)
        assert mine["se"] == pytest.approx(overall["se"].iloc[0], rel=1e-8)
        by_q = samplics_table(df, measure, df["q"])
        ours = out[(out["measure"] == measure.name) & (out["by"] == "q")]
        assert list(ours["q"].astype(int)) == [int(k) for k in by_q["key"]]
        np.testing.assert_allclose(ours["estimate"], by_q["estimate"], rtol=1e-10)
        np.testing.assert_allclose(ours["se"], by_q["se"], rtol=1e-8)


def test_agrees_with_svy_including_deff_and_cross_classification() -> None:
    pl = pytest.importorskip("polars")
    svy = pytest.importorskip("svy")
    df = generated(seed=7)
    out = estimate(
        df,
        Design(weight="w", strata="stratum", psu="cluster"),
        MEASURES,
        by=[(), ("area",), ("sex", "area")],
    )
    sample = svy.Sample(
        pl.from_pandas(df, nan_to_null=True),
        svy.Design(stratum="stratum", psu="cluster", wgt="w"),
    )
    for measure in MEASURES:
        method = getattr(sample.estimation, "ratio" if measure.kind == "ratio" else measure.kind)
        args = (measure.y, measure.x) if measure.kind == "ratio" else (measure.y,)
        for by_set in [(), ("area",), ("sex", "area")]:
            by = None if not by_set else (by_set[0] if len(by_set) == 1 else list(by_set))
            ref = method(*args, by=by, deff="wr", drop_nulls=True).to_polars().to_pandas()
            ours = out[(out["measure"] == measure.name) & (out["by"] == "+".join(by_set))]
            if by_set:
                ref = ref.sort_values(list(by_set)).reset_index(drop=True)
                for v in by_set:
                    assert [str(a) for a in ours[v]] == [str(a) for a in ref[v]]
            np.testing.assert_allclose(ours["estimate"], ref["est"], rtol=1e-10)
            np.testing.assert_allclose(ours["se"], ref["se"], rtol=1e-8)
            np.testing.assert_allclose(ours["deff"], ref["deff"], rtol=1e-8)
            np.testing.assert_array_equal(ours["n_unweighted"], ref["n"])


def test_unstratified_without_psu_is_srs_with_replacement() -> None:
    df = pd.DataFrame({"w": [1.0, 2.0, 1.0, 3.0], "y": [1.0, 3.0, 2.0, 6.0]})
    out = estimate(df, Design(weight="w"), [Measure("m", "mean", "y")])
    # Each row a PSU, one stratum: V = n/(n-1) sum (z_i - zbar)^2, z_i = w(y - ybar)/W.
    w, y = df["w"].to_numpy(), df["y"].to_numpy()
    ybar = (w * y).sum() / w.sum()  # (1+6+2+18)/7 = 27/7
    z = w * (y - ybar) / w.sum()
    v = 4 / 3 * ((z - z.mean()) ** 2).sum()
    assert out["estimate"].iloc[0] == pytest.approx(27 / 7)
    assert out["se"].iloc[0] == pytest.approx(math.sqrt(v), rel=1e-12)


# --------------------------------------------------------------------------------------
# Output layout, empty domains, flags.
# --------------------------------------------------------------------------------------


def test_layout_empty_categorical_domain_and_ci_level() -> None:
    df = hand_frame()
    df["g"] = pd.Categorical(df["g"], categories=[1, 2, 3])
    df["h"] = ["a", "b", "a", "b", "a", "b"]
    out = estimate(
        df,
        Design(weight="w", strata="s", psu="p"),
        [Measure("prop", "mean", "y")],
        by=[(), ("g",), ("g", "h")],
        ci_level=0.9,
    )
    assert list(out.columns) == [
        "measure", "by", "g", "h", "estimate", "se", "ci_low", "ci_high", "deff",
        "n_unweighted", "n_weighted", "flag",
    ]  # fmt: skip
    assert list(out["by"]) == ["", "g", "g", "g"] + ["g+h"] * 4
    assert out.loc[0, ["g", "h"]].isna().all()
    empty = row(out, "prop", "g", g=3)
    assert math.isnan(empty["estimate"]) and math.isnan(empty["se"])
    assert empty["n_unweighted"] == 0 and empty["flag"] == "-"
    # h is not categorical, so g+h lists the observed combinations only (g=3 has none).
    cross = out[out["by"] == "g+h"]
    assert [(int(a), b) for a, b in zip(cross["g"], cross["h"], strict=True)] == [
        (1, "a"), (1, "b"), (2, "a"), (2, "b"),
    ]  # fmt: skip
    top = out.iloc[0]
    z90 = NormalDist().inv_cdf(0.95)
    assert top["ci_high"] - top["estimate"] == pytest.approx(z90 * top["se"], rel=1e-12)


def test_domain_of_measure_with_no_valid_case_is_shown_empty() -> None:
    df = hand_frame()
    df.loc[df["g"] == 2, "y"] = np.nan
    out = estimate(df, Design("w", "s", "p"), [Measure("m", "mean", "y")], by=[("g",)])
    g2 = row(out, "m", "g", g=2)
    assert g2["n_unweighted"] == 0 and g2["flag"] == "-" and math.isnan(g2["estimate"])


def test_mics_flags_and_display() -> None:
    assert [mics_flag(n) for n in (0, 1, 24, 25, 49, 50, 1000)] == [
        "-", "*", "*", "()", "()", "", "",
    ]  # fmt: skip
    assert list(mics_flags(np.array([0, 24, 25, 50]))) == ["-", "*", "()", ""]
    assert mics_display(12.345, 0) == "-"
    assert mics_display(12.345, 10) == "(*)"
    assert mics_display(12.345, 30) == "(12.3)"
    assert mics_display(12.345, 80, digits=2) == "12.35"
    assert mics_display(float("nan"), 80) == "-"


# --------------------------------------------------------------------------------------
# Errors: bilingual, naming the file and the variable.
# --------------------------------------------------------------------------------------


def test_error_message_format() -> None:
    df = hand_frame()
    df.loc[[0, 2, 4], "w"] = -1.0
    with pytest.raises(SurveyInputError) as info:
        estimate(df, Design("w", "s", "p"), [Measure("m", "mean", "y")], source="hl.sav")
    assert str(info.value) == (
        "Tệp hl.sav, biến w: trọng số âm ở 3 dòng / File hl.sav, variable w: "
        "negative weights in 3 rows"
    )
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("change", "design", "measure", "by", "variable", "needle"),
    [
        (None, Design("weight", "s", "p"), Measure("m", "mean", "y"), (), "weight", "not found"),
        (None, Design("w", "s", "p"), Measure("m", "mean", "nope"), (), "nope", "not found"),
        (None, Design("w", "s", "p"), Measure("m", "mean", "y"), ("zz",), "zz", "not found"),
        (None, Design("w", "strat", "p"), Measure("m", "mean", "y"), (), "strat", "not found"),
        (None, Design("w", "s", "pp"), Measure("m", "mean", "y"), (), "pp", "not found"),
        (("y", "text"), Design("w", "s", "p"), Measure("m", "mean", "y"), (), "y", "not numeric"),
        (("w", np.nan), Design("w", "s", "p"), Measure("m", "mean", "y"), (), "w", "missing w"),
        (("s", None), Design("w", "s", "p"), Measure("m", "mean", "y"), (), "s", "missing str"),
        (("p", np.nan), Design("w", "s", "p"), Measure("m", "mean", "y"), (), "p", "missing PSU"),
        (None, Design("w", "s", "p"), Measure("m", "median", "y"), (), "y", "unknown measure"),  # type: ignore[arg-type]
        (None, Design("w", "s", "p"), Measure("m", "ratio", "y"), (), "y", "denominator"),
        (("z", 0.0), Design("w", "s", "p"), Measure("m", "ratio", "y", "z"), (), "z", "zero"),
    ],
)
def test_bad_input_is_a_bilingual_error(
    change: tuple[str, float | str | None] | None,
    design: Design,
    measure: Measure,
    by: tuple[str, ...],
    variable: str,
    needle: str,
) -> None:
    df = hand_frame()
    if change is not None:
        column, value = change
        if column == "z":
            df["z"] = 0.0
        else:
            df[column] = df[column].astype(object if isinstance(value, str) else df[column].dtype)
            if value is not None and not isinstance(value, str):
                df[column] = df[column].astype(float)
            df.loc[1, column] = value
    with pytest.raises(SurveyInputError) as info:
        estimate(df, design, [measure], by=[by], source="ch.sav")
    err = info.value
    assert err.file == "ch.sav"
    assert err.variable == variable
    assert needle in err.message_en
    assert err.message_vi and str(err).startswith("Tệp ch.sav")


def test_single_psu_without_strata_and_bad_options() -> None:
    df = hand_frame()
    with pytest.raises(SurveyInputError) as info:
        estimate(df.assign(one=1), Design("w", psu="one"), [Measure("m", "mean", "y")])
    assert info.value.variable == "one"
    with pytest.raises(SurveyInputError):
        estimate(df, Design("w", "s", "p"), [Measure("m", "mean", "y")], ci_level=1.5)
    with pytest.raises(SurveyInputError):
        estimate(df, Design("w", "s", "p", lonely_psu="nope"), [Measure("m", "mean", "y")])  # type: ignore[arg-type]
    with pytest.raises(SurveyInputError):
        estimate(df, Design("w", "s", "p"), [Measure("m", "mean", "y", x="w")])


def test_by_variable_with_no_value_gives_no_domain() -> None:
    # A user's --by column that is empty throughout must not crash nor invent a domain.
    frame = hand_frame().assign(empty=np.nan)
    out = estimate(frame, Design("w", "s", "p"), [Measure("m", "mean", "y")], by=[(), ("empty",)])
    assert list(out["by"]) == [""]
    # whole population by hand: sum(w*y) / sum(w) = (1 + 2 + 1) / 8
    assert out["estimate"].iloc[0] == pytest.approx(4 / 8)
