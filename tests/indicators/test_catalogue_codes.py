"""Survey files with codes the questionnaire does not have are refused, naming the variable."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from baove.indicators import SurveyInputError, compute_survey
from baove.indicators.catalogue.codes import validate_codes
from baove.synth.survey import generate_survey


@pytest.fixture(scope="module")
def files() -> dict[str, pd.DataFrame]:
    return dict(generate_survey(households=2_000, seed=21).files)


def _with(
    files: dict[str, pd.DataFrame], name: str, column: str, value: float
) -> dict[str, pd.DataFrame]:
    changed = dict(files)
    frame = files[name].copy()
    frame[column] = frame[column].astype("float64")
    frame.loc[frame.index[:3], column] = value
    changed[name] = frame
    return changed


@pytest.mark.parametrize(
    ("name", "column", "value", "indicator"),
    [
        ("ch", "HL4", 3, "birth_reg"),  # sex 3
        ("ch", "BR1", 5, "birth_reg"),  # no such birth certificate answer
        ("hh", "WS1", 17, "water_safely_managed"),  # no such water source
        ("fs", "CL1A", 4, "cl_sdg"),
        ("wm", "MSTATUS", 0, "cm_u18"),
        ("hl", "windex5", 9, "socprot"),
    ],
)
def test_wrong_codes_are_refused_naming_file_and_variable(
    files: dict[str, pd.DataFrame], name: str, column: str, value: float, indicator: str
) -> None:
    with pytest.raises(SurveyInputError) as caught:
        compute_survey(_with(files, name, column, value), ids=[indicator])
    error = caught.value
    assert error.file == name and error.variable == column
    assert f"({value:g})" in str(error) and "questionnaire" in str(error)
    assert "bảng hỏi" in str(error)


def test_out_of_range_ages_are_refused(files: dict[str, pd.DataFrame]) -> None:
    with pytest.raises(SurveyInputError, match="outside 0-59"):
        compute_survey(_with(files, "ch", "CAGE", 75), ids=["birth_reg"])


def test_missing_dont_know_and_valid_codes_pass(files: dict[str, pd.DataFrame]) -> None:
    validate_codes(files, files)  # the generator writes only questionnaire codes
    changed = _with(files, "ch", "BR1", 8)  # don't know is a MICS answer
    changed = _with(changed, "ch", "UB9", np.nan)
    validate_codes(changed, ["ch"])


def test_only_the_files_of_requested_indicators_are_checked(
    files: dict[str, pd.DataFrame],
) -> None:
    broken = _with(files, "wm", "MSTATUS", 7)
    out = compute_survey(broken, ids=["birth_reg"])  # reads ch only: wm is not judged
    assert set(out["indicator"]) == {"birth_reg"}
