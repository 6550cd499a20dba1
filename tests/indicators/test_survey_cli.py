"""``baove survey estimate``: JSON and CSV output, cross-classified domains, errors."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from baove.indicators.survey.cli import main

# Stratum A: PSUs 1, 2; stratum B: PSUs 3, 4, 5 (the hand example of the engine tests),
# plus rows with a missing y that must be dropped and a domain (g=3) with only missing y.
ROWS = [
    ("A", 1, 1.0, 1.0, 1, "u"),
    ("A", 1, 1.0, 0.0, 1, "r"),
    ("A", 2, 2.0, 1.0, 2, "u"),
    ("B", 3, 1.0, 0.0, 2, "r"),
    ("B", 4, 1.0, 1.0, 2, "u"),
    ("B", 5, 2.0, 0.0, 1, "r"),
    ("B", 5, 7.0, None, 1, "u"),
    ("A", 2, 4.0, None, 3, "r"),
]


@pytest.fixture
def survey_csv(tmp_path: Path) -> Path:
    path = tmp_path / "hh.csv"
    pd.DataFrame(ROWS, columns=["s", "p", "w", "y", "g", "area"]).to_csv(path, index=False)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_overall_drops_missing_values(
    survey_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "estimate", str(survey_csv), "--weight", "w", "--strata", "s", "--psu", "p",
        "--mean", "y", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == 1
    only = rows[0]
    assert list(only) == [
        "estimate", "se", "ci_low", "ci_high", "deff", "n_unweighted", "n_weighted",
    ]  # fmt: skip
    # Hand example: p = 4/8, V = 11/256, deff = (11/256)/(1/20); the two NaN rows dropped.
    assert only["estimate"] == pytest.approx(0.5)
    assert only["se"] == pytest.approx(math.sqrt(11 / 256))
    assert only["deff"] == pytest.approx(20 * 11 / 256)
    assert only["n_unweighted"] == 6 and only["n_weighted"] == pytest.approx(8.0)


def test_csv_by_domain_with_empty_domain_dashed(
    survey_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "estimate", str(survey_csv), "--weight", "w", "--strata", "s", "--psu", "p",
        "--mean", "y", "--by", "g",
    )  # fmt: skip
    assert code == 0
    table = list(csv.DictReader(io.StringIO(out)))
    assert [r["g"] for r in table] == ["1", "2", "3"]
    g1 = table[0]
    assert float(g1["estimate"]) == pytest.approx(0.25)
    assert float(g1["se"]) == pytest.approx(math.sqrt(1 / 32))
    g3 = table[2]
    assert g3["estimate"] == g3["se"] == g3["ci_low"] == g3["deff"] == "-"
    assert g3["n_unweighted"] == "0"


def test_json_cross_classified_total_and_ratio(
    survey_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "estimate", str(survey_csv), "--weight", "w", "--strata", "s", "--psu", "p",
        "--total", "y", "--by", "g", "--by", "area", "--format", "json",
    )  # fmt: skip
    assert code == 0
    rows = json.loads(out)
    assert [(r["g"], r["area"]) for r in rows] == [
        (1, "r"), (1, "u"), (2, "r"), (2, "u"), (3, "r"),
    ]  # fmt: skip
    # g=1, area=u: only row (A, PSU1, w=1, y=1) has a value -> total 1; PSU totals
    # A: 1, 0 -> 2 * 2 * (1/2)^2 = 1; B: 0, 0, 0 -> V = 1.
    g1u = rows[1]
    assert g1u["estimate"] == pytest.approx(1.0) and g1u["se"] == pytest.approx(1.0)
    assert rows[4]["estimate"] == "-" and rows[4]["n_weighted"] == 0
    code, out, _ = run(
        capsys, "estimate", str(survey_csv), "--weight", "w", "--ratio", "y/w", "--format", "json",
    )  # fmt: skip
    assert code == 0
    ratio = json.loads(out)[0]
    # sum(w*y)/sum(w*w) over valid rows: 4 / (1+1+4+1+1+4) = 1/3.
    assert ratio["estimate"] == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--weight", "nope", "--mean", "y"], "variable nope"),
        (["--weight", "w", "--mean", "area"], "not numeric"),
        (["--weight", "w", "--ratio", "y"], "NUM/DEN"),
        (
            ["--weight", "w", "--strata", "g", "--psu", "p", "--mean", "y"],
            "stratum 3 has only one PSU",
        ),
    ],
)
def test_errors_exit_2_with_message(
    survey_csv: Path, capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    code, out, err = run(capsys, "estimate", str(survey_csv), *argv)
    assert code == 2 and out == ""
    assert needle in err and "Tệp hh.csv" in err and "Traceback" not in err


def test_negative_weights_and_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "neg.csv"
    pd.DataFrame({"w": [1.0, -2.0], "y": [1.0, np.nan]}).to_csv(path, index=False)
    code, _, err = run(capsys, "estimate", str(path), "--weight", "w", "--mean", "y")
    assert code == 2 and "negative weights in 1 rows" in err and "trọng số âm" in err
    code, _, err = run(capsys, "estimate", str(path), "--weight", "w")
    assert code == 2 and "--mean" in err
