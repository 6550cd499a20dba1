"""Reading survey files: SPSS .sav with value labels, CSV, Parquet, variable mapping."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from baove.indicators.survey import SurveyInputError, read_survey_file


def sample_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "HH1": [1.0, 1.0, 2.0, 2.0],
            "hhweight": [1.5, 1.5, 0.75, 0.75],
            "HL4": [1.0, 2.0, 2.0, np.nan],
            "HL6": [3.0, 7.0, 12.0, 15.0],
        }
    )


def write_sav(path: Path) -> None:
    pyreadstat.write_sav(
        sample_frame(),
        str(path),
        column_labels=["Cluster number", "Household weight", "Sex", "Age"],
        variable_value_labels={"HL4": {1.0: "Male", 2.0: "Female"}},
    )


def test_sav_round_trip_keeps_codes_and_value_labels(tmp_path: Path) -> None:
    path = tmp_path / "hl.sav"
    write_sav(path)
    frame = read_survey_file(path)
    assert frame.path == path
    pd.testing.assert_frame_equal(frame.data, sample_frame(), check_dtype=False)
    assert frame.data["HL4"].dtype.kind == "f"  # codes stay numeric
    assert frame.value_labels == {"HL4": {1.0: "Male", 2.0: "Female"}}
    assert frame.variable_labels["HL4"] == "Sex"
    assert frame.variable_labels["hhweight"] == "Household weight"


def test_sav_mapping_and_column_selection(tmp_path: Path) -> None:
    path = tmp_path / "hl.sav"
    write_sav(path)
    frame = read_survey_file(path, columns=["SEX", "hhweight"], mapping={"HL4": "SEX"})
    assert list(frame.data.columns) == ["SEX", "hhweight"]
    assert frame.value_labels == {"SEX": {1.0: "Male", 2.0: "Female"}}
    assert set(frame.variable_labels) == {"SEX", "hhweight"}


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_csv_and_parquet(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"hl{suffix}"
    if suffix == ".csv":
        sample_frame().to_csv(path, index=False)
    else:
        sample_frame().to_parquet(path, index=False)
    frame = read_survey_file(path, columns=["weight", "HL6"], mapping={"hhweight": "weight"})
    assert list(frame.data.columns) == ["weight", "HL6"]
    np.testing.assert_allclose(frame.data["weight"], [1.5, 1.5, 0.75, 0.75])
    assert frame.value_labels == {}


def test_mapping_that_names_a_missing_column_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "hl.sav"
    write_sav(path)
    with pytest.raises(SurveyInputError) as info:
        read_survey_file(path, mapping={"HL99": "SEX"})
    assert info.value.file == "hl.sav" and info.value.variable == "HL99"
    assert "Tệp hl.sav, biến HL99" in str(info.value)


def test_missing_requested_column_unknown_type_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "hl.csv"
    sample_frame().to_csv(path, index=False)
    with pytest.raises(SurveyInputError) as info:
        read_survey_file(path, columns=["HL4", "ED4"])
    assert (info.value.file, info.value.variable) == ("hl.csv", "ED4")
    # A source column renamed away is no longer available under its old name.
    with pytest.raises(SurveyInputError):
        read_survey_file(path, columns=["HL4"], mapping={"HL4": "SEX"})
    with pytest.raises(SurveyInputError) as info:
        read_survey_file(tmp_path / "hl.dta")
    assert ".dta" in info.value.message_en
    with pytest.raises(SurveyInputError) as info:
        read_survey_file(tmp_path / "nothere.sav")
    assert info.value.message_en == "file not found"
    bad = tmp_path / "broken.sav"
    bad.write_bytes(b"not an spss file")
    with pytest.raises(SurveyInputError) as info:
        read_survey_file(bad)
    assert "cannot read" in info.value.message_en
