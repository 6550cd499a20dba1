"""Tests of the page logic: figures and MICS marks, comparisons, targets, charts, rounds."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from baove.dashboards import charts, pages
from baove.indicators.targets import Target
from baove.synth.rounds import generate_rounds

TARGET = Target(
    indicator="stunting", target_value=15.0, target_year=2030, direction="decrease",
    unit="PCNT", source="test", note="test", verified=False,
)  # fmt: skip


def row(estimate: float, n: int, flag: str, se: float = 0.01) -> dict[str, object]:
    return {"estimate": estimate, "se": se, "ci_low": estimate - 0.02, "ci_high": estimate + 0.02,
            "n_unweighted": n, "flag": flag}  # fmt: skip


def test_figures_follow_the_mics_rules() -> None:
    plain = pages.figure(row(0.123, 300, ""))
    assert plain.text == "12.3" and plain.ci_text == "10.3–14.3" and not plain.caution
    paren = pages.figure(row(0.123, 30, "()"))
    assert paren.text == "(12.3)" and paren.caution and paren.value is not None
    star = pages.figure(row(0.123, 10, "*"))
    assert star.text == "(*)" and star.value is None and star.ci_text == ""
    none = pages.figure({**row(math.nan, 0, "-"), "estimate": math.nan})
    assert none.text == "-" and none.value is None


def test_comparison_with_the_nation() -> None:
    nat = pages.figure(row(0.20, 5000, "", se=0.005))
    assert pages.compare(pages.figure(row(0.30, 300, "", se=0.02)), nat) == "higher"
    assert pages.compare(pages.figure(row(0.10, 300, "", se=0.02)), nat) == "lower"
    assert pages.compare(pages.figure(row(0.21, 300, "", se=0.02)), nat) == "same"
    assert pages.compare(pages.figure(row(0.50, 10, "*")), nat) == "na"


def test_on_and_off_track_against_hand_cases() -> None:
    # 25% in 2014 -> 20% in 2021: -3.1%/year; to reach 15% by 2030 needs -3.1%/year too
    fast = pages.progress("stunting", [(2014, 25.0), (2021, 18.0)], TARGET)
    assert fast is not None and fast.status == "on_track"
    slow = pages.progress("stunting", [(2014, 21.0), (2021, 20.0)], TARGET)
    assert slow is not None and slow.status == "off_track"
    done = pages.progress("stunting", [(2021, 14.0)], TARGET)
    assert done is not None and done.status == "achieved"
    one = pages.progress("stunting", [(2021, 19.0)], TARGET)
    assert one is not None and one.status == "insufficient_data"
    assert pages.progress("birth_reg", [(2021, 90.0)], None) is None


def test_tile_map_has_34_tiles_legend_and_patterns() -> None:
    assert len(charts.GRID) == 34 and len(set(charts.GRID.values())) == 34
    assert set(charts.GRID) == set(pages.province_names())
    tiles = [
        charts.Tile(code, code, None if i == 0 else float(i), "(*)" if i == 0 else f"{i}.0",
                    caution=i == 1)
        for i, code in enumerate(sorted(charts.GRID))
    ]  # fmt: skip
    svg = charts.tile_map(tiles, "Map <b>", prefix="m", legend_title="Per cent",
                          suppressed_label="(*)", caution_label="( )")  # fmt: skip
    assert 'role="img"' in svg and 'aria-label="Map &lt;b&gt;"' in svg
    assert len(re.findall(r'data-code="\d\d"', svg)) == 34
    assert "url(#m-sup)" in svg and "url(#m-c5)" in svg and "tile caution" in svg
    assert charts.classes([0.0, 50.0]) == [(0, 10), (10, 20), (20, 30), (30, 40), (40, 50)]


def test_trend_and_bars_render_values() -> None:
    points = [charts.TrendPoint(2014, "2014", 20.0, 18.0, 22.0, "20.0"),
              charts.TrendPoint(2021, "2021", None, None, None, "(*)")]  # fmt: skip
    svg = charts.trend_chart(points, "Trend", ci_label="95% CI")
    assert "20.0" in svg and "(*)" in svg and 'role="img"' in svg
    bars = charts.bar_chart([charts.Bar("Nữ", 30.0, 25.0, 35.0, "(30.0)", True)], "Bars")
    assert "bar caution" in bars and "Nữ" in bars


def test_synthetic_rounds_are_labelled_and_trend() -> None:
    rounds = generate_rounds(3, households=480, seed=5)
    assert [r.code for r in rounds] == ["SYN-2023", "SYN-2024", "SYN-2025"]
    assert all("not real data" in r.label for r in rounds)
    early, late = generate_rounds(10, households=480, seed=5)[::9]
    assert early.year == 2006 and late.year == 2025

    def registered(files: dict[str, pd.DataFrame]) -> float:
        ch = files["ch"]
        br1 = ch["BR1"].to_numpy(dtype="float64", na_value=np.nan)
        br2 = ch["BR2"].to_numpy(dtype="float64", na_value=np.nan)
        answered = ~np.isnan(br1)
        return float((np.isin(br1, (1, 2)) | (br2 == 1))[answered].mean())

    assert registered(early.files) < registered(late.files)
