"""NAP targets: the packaged file, its validation, and progress classification.

Expected rates are computed by hand below (the arithmetic is written out) and checked to
about 1e-6; the code under test uses the same formula, so the numbers guard against slips
in the implementation (wrong endpoint, exponent, sign or comparison).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from baove.indicators.targets import (
    Target,
    TargetsError,
    annual_rate,
    classify_progress,
    load_targets,
    parse_targets,
)


def _target(**kw: object) -> Target:
    base: dict[str, object] = {
        "indicator": "x",
        "target_value": 15.0,
        "target_year": 2030,
        "direction": "decrease",
        "unit": "PCNT",
        "source": "test",
        "note": "test",
        "verified": False,
        "baseline_value": 19.6,
        "baseline_year": 2020,
    }
    base.update(kw)
    return Target(**base)  # type: ignore[arg-type]


def _table(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "baseline_value": 20.0,
        "baseline_year": 2020,
        "target_value": 15.0,
        "target_year": 2030,
        "direction": "decrease",
        "unit": "PCNT",
        "source": "a decision",
        "note": "checked",
        "verified": True,
    }
    base.update(kw)
    return base


def test_packaged_targets_load_and_are_honest() -> None:
    targets = load_targets()
    assert {"cl_sdg", "stunting"} <= set(targets)
    for t in targets.values():
        assert t.source and t.note
        # Nothing here was read in the Official Gazette yet: a reviewer flips the flag.
        assert t.verified is False
        assert "23/QĐ-TTg" in t.source
        for year in t.milestones:
            assert (t.baseline_year or 0) < year < t.target_year
    stunting = targets["stunting"]
    assert (stunting.baseline_value, stunting.baseline_year) == (19.6, 2020)
    assert (stunting.target_value, stunting.target_year) == (15.0, 2030)
    assert stunting.milestones == {2025: 17.0}
    assert targets["cl_sdg"].direction == "decrease"


def test_annual_rate_by_hand() -> None:
    # 20 -> 16.2 over 2 years: 16.2/20 = 0.81 = 0.9**2, so -10% a year.
    assert annual_rate(20.0, 2020, 16.2, 2022) == pytest.approx(-0.10, abs=1e-12)
    with pytest.raises(ValueError, match="not after"):
        annual_rate(20.0, 2022, 16.0, 2022)
    with pytest.raises(ValueError, match="positive"):
        annual_rate(0.0, 2020, 16.0, 2022)


def test_on_track_from_baseline() -> None:
    # observed: (18 / 19.6) ** (1/3) - 1; 18/19.6 = 0.9183673, ln = -0.0851578, /3 =
    # -0.0283859, exp = 0.9720132 -> -0.0279868 (-2.80% a year)
    # required: (15 / 18) ** (1/7) - 1; ln(0.8333333) = -0.1823216, /7 = -0.0260459,
    # exp = 0.9742904 -> -0.0257096 (-2.57% a year). -2.80% <= -2.57%: on track.
    p = classify_progress("x", [(2023, 18.0)], _target())
    assert p.status == "on_track"
    assert (p.first_year, p.first_value, p.latest_year, p.latest_value) == (2020, 19.6, 2023, 18.0)
    assert p.observed_rate == pytest.approx(-0.0279868, abs=1e-6)
    assert p.required_rate == pytest.approx(-0.0257096, abs=1e-6)
    assert p.observed_aarr == pytest.approx(0.0279868, abs=1e-6)
    # 18 * 0.9720132 ** 7 = 18 * exp(7 * -0.0283859) = 18 * 0.8197940 = 14.75629
    assert p.projected_value == pytest.approx(14.75629, abs=1e-4)


def test_off_track_when_slower_than_required() -> None:
    # observed: (19 / 19.6) ** (1/3) - 1; ln(0.9693878) = -0.0310911, /3 = -0.0103637
    # -> -0.0103102. required: (15 / 19) ** (1/7) - 1; ln(0.7894737) = -0.2363888, /7 =
    # -0.0337698 -> -0.0332060. -1.03% > -3.32%: off track.
    p = classify_progress("x", [(2023, 19.0)], _target())
    assert p.status == "off_track"
    assert p.observed_rate == pytest.approx(-0.0103102, abs=1e-6)
    assert p.required_rate == pytest.approx(-0.0332060, abs=1e-6)


def test_without_baseline_uses_earliest_observation() -> None:
    # From 2021 (19.0) to 2023 (18.0), the baseline ignored: (18/19) ** (1/2) - 1;
    # ln(0.9473684) = -0.0540672, /2 = -0.0270336 -> -0.0266714.
    p = classify_progress("x", [(2023, 18.0), (2021, 19.0)], _target(), use_baseline=False)
    assert p.first_year == 2021
    assert p.observed_rate == pytest.approx(-0.0266714, abs=1e-6)
    # A baseline that is not earlier than the first observation is not used either.
    q = classify_progress("x", [(2020, 19.0), (2023, 18.0)], _target())
    assert (q.first_year, q.first_value) == (2020, 19.0)


def test_achieved_insufficient_and_deadline() -> None:
    assert classify_progress("x", [(2024, 14.9)], _target()).status == "achieved"
    assert classify_progress("x", [(2024, 15.0)], _target()).status == "achieved"
    no_base = _target(baseline_value=None, baseline_year=None)
    one = classify_progress("x", [(2024, 18.0)], no_base)
    assert one.status == "insufficient_data"
    assert classify_progress("x", [], no_base).status == "insufficient_data"
    assert classify_progress("x", [(2024, math.nan)], no_base).status == "insufficient_data"
    late = classify_progress("x", [(2031, 16.0)], _target())
    assert late.status == "off_track"
    assert late.required_rate is None
    with pytest.raises(ValueError, match="more than one"):
        classify_progress("x", [(2021, 18.0), (2021, 17.0)], _target())
    with pytest.raises(ValueError, match="not 'y'"):
        classify_progress("y", [(2021, 18.0)], _target())


def test_increase_on_value_and_shortfall_bases_differ() -> None:
    base = _target(target_value=98.0, direction="increase", baseline_value=None, baseline_year=None)
    obs = [(2021, 90.0), (2024, 93.0)]
    # value basis: observed (93/90) ** (1/3) - 1; ln(1.0333333) = 0.0327898, /3 = 0.0109299
    # -> 0.0109899; required (98/93) ** (1/6) - 1; ln(1.0537634) = 0.0523681, /6 =
    # 0.0087280 -> 0.0087662. 1.10% >= 0.88%: on track.
    p = classify_progress("x", obs, base)
    assert p.status == "on_track"
    assert p.observed_rate == pytest.approx(0.0109899, abs=1e-6)
    assert p.required_rate == pytest.approx(0.0087662, abs=1e-6)
    # shortfall basis: the gap 10 -> 7: (7/10) ** (1/3) - 1; ln(0.7) = -0.3566749, /3 =
    # -0.1188916 -> -0.1120960; required gap 7 -> 2: (2/7) ** (1/6) - 1; ln(0.2857143) =
    # -1.2527630, /6 = -0.2087938, exp = 0.8115625 -> -0.1884375. The gap shrinks 11.2% a
    # year, 18.8% is needed: off track, which the value basis hides.
    s = classify_progress("x", obs, _target(**{**base.__dict__, "rate_basis": "shortfall"}))
    assert s.status == "off_track"
    assert s.observed_rate == pytest.approx(-0.1120960, abs=1e-6)
    assert s.required_rate == pytest.approx(-0.1884375, abs=1e-6)
    # projection back in coverage terms: 100 - 7 * 0.8879040 ** 6 = 100 - 7 * 0.4902431
    assert s.projected_value == pytest.approx(100 - 7 * 0.8879040**6, abs=1e-4)


def test_loglinear_rate_by_hand() -> None:
    # Points (2020, 20), (2021, 18), (2024, 17). Mean year 2021.6667; dx = -1.6667, -0.6667,
    # 2.3333; sum dx^2 = 8.6667. ln: 2.9957323, 2.8903718, 2.8332133, mean 2.9064391;
    # dy = 0.0892932, -0.0160673, -0.0732258; sum dx*dy = -0.3089707.
    # slope = -0.0356505; rate = exp(slope) - 1 = -0.0350225.
    years = [2020, 2021, 2024]
    values = [20.0, 18.0, 17.0]
    mx = sum(years) / 3
    my = sum(math.log(v) for v in values) / 3
    sxy = sum((x - mx) * (math.log(v) - my) for x, v in zip(years, values, strict=True))
    sxx = sum((x - mx) ** 2 for x in years)
    assert math.exp(sxy / sxx) - 1 == pytest.approx(-0.0350225, abs=1e-6)
    t = _target(baseline_value=None, baseline_year=None)
    p = classify_progress("x", list(zip(years, values, strict=True)), t, method="loglinear")
    assert p.observed_rate == pytest.approx(-0.0350225, abs=1e-6)
    # The endpoint rate differs: (17/20) ** (1/4) - 1 = -0.0398156.
    e = classify_progress("x", list(zip(years, values, strict=True)), t)
    assert e.observed_rate == pytest.approx(-0.0398156, abs=1e-6)


def test_classify_looks_up_packaged_target() -> None:
    p = classify_progress("stunting", [(2023, 18.0)])
    assert p.target.indicator == "stunting"
    assert p.status == "on_track"  # same numbers as test_on_track_from_baseline
    with pytest.raises(KeyError, match="no target"):
        classify_progress("no_such_indicator", [(2023, 1.0)])


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({k: v for k, v in _table().items() if k != "target_year"}, "missing field.*target_year"),
        (_table(direction="down"), "direction must be"),
        (_table(direction="increase"), "direction is increase but the target 15 is not above"),
        (_table(colour="red"), "unknown field.*colour"),
        ({k: v for k, v in _table().items() if k != "baseline_year"}, "give both"),
        (_table(target_year="2030"), "target_year must be a year"),
        (_table(target_value=True), "target_value must be a number"),
        (_table(unit="percent"), "unit must be one of"),
        (_table(target_value=150.0, baseline_value=160.0), "outside 0-100"),
        (_table(source=" "), "source must be a non-empty text"),
        (_table(verified="yes"), "verified must be true or false"),
        (_table(milestones={"2035": 14.0}), "milestone 2035 is not between"),
        (_table(milestones={"soon": 14.0}), "milestone year 'soon'"),
        (_table(rate_basis="shortfall", unit="PER_1000"), "needs unit PCNT or PROP"),
        (_table(baseline_year=2030), "baseline_year must be before"),
    ],
)
def test_validation_errors_name_indicator_and_field(table: dict[str, object], message: str) -> None:
    with pytest.raises(TargetsError, match=message) as info:
        parse_targets({"demo": table}, source="t.toml")
    assert str(info.value).startswith("t.toml: [demo]")


def test_load_targets_from_file(tmp_path: Path) -> None:
    good = tmp_path / "ok.toml"
    good.write_text(
        "[demo]\nbaseline_value = 20.0\nbaseline_year = 2020\ntarget_value = 15\n"
        'target_year = 2030\nmilestones = { 2025 = 17.5 }\ndirection = "decrease"\n'
        'unit = "PCNT"\nsource = "Decision 1"\nnote = "n"\nverified = true\n',
        encoding="utf-8",
    )
    t = load_targets(good)["demo"]
    assert (t.target_value, t.milestones, t.verified) == (15.0, {2025: 17.5}, True)
    bad = tmp_path / "bad.toml"
    bad.write_text("[demo\n", encoding="utf-8")
    with pytest.raises(TargetsError, match=r"bad\.toml: not valid TOML"):
        load_targets(bad)


def test_progress_as_dict_is_json_ready() -> None:
    import json

    p = classify_progress("x", [(2023, 18.0)], _target(milestones={2025: 17.0}))
    d = json.loads(json.dumps(p.as_dict()))
    assert d["status"] == "on_track"
    assert d["observed_aarr"] == pytest.approx(0.0279868, abs=1e-6)
    assert d["milestones"] == {"2025": 17.0}
    assert (d["target_value"], d["target_year"], d["verified"]) == (15.0, 2030, False)
