"""``baove indicators`` and ``baove survey`` as a statistician runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from baove.cli import main as baove_main
from baove.indicators.cli import main
from baove.synth.survey import generate_survey, write_survey


@pytest.fixture(scope="module")
def survey_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("survey")
    write_survey(generate_survey(households=3_000, seed=5), out, fmt="parquet")
    return out


def test_list_names_every_indicator_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--format", "json"]) == 0
    vi = json.loads(capsys.readouterr().out)
    assert main(["list", "--format", "json", "--lang", "en"]) == 0
    en = json.loads(capsys.readouterr().out)
    assert len(vi) == len(en) == 33
    by_id = {row["id"]: row for row in en}
    assert by_id["birth_reg"]["sdg"] == "16.9.1" and by_id["birth_reg"]["mics_table"] == "PR.1"
    assert "birth" in by_id["birth_reg"]["name"].lower()
    assert any("khai sinh" in row["name"] for row in vi)


def test_compute_writes_every_indicator_and_marks_empty_domains(
    survey_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "results.csv"
    assert (
        baove_main(["indicators", "compute", "--survey", str(survey_dir), "--out", str(out)]) == 0
    )
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert table["indicator"].nunique() == 33
    assert "nan" not in set(table["estimate"].str.lower())
    empty = table[table["flag"] == "-"]
    # 3,000 households cannot reach all 34 provinces for every indicator: those cells are "-"
    assert len(empty) > 0 and set(empty["estimate"]) == {"-"}
    total = table[(table["indicator"] == "birth_reg") & (table["by"] == "total")]
    assert 0.9 < float(total["estimate"].iloc[0]) <= 1.0


def test_compute_subset_to_excel(survey_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables.xlsx"
    code = main(
        ["compute", "--survey", str(survey_dir), "--ids", "birth_reg,health_ins",
         "--by", "sex,area", "--out", str(out), "--lang", "en"]
    )  # fmt: skip
    assert code == 0
    import zipfile

    with zipfile.ZipFile(out) as book:
        names = book.namelist()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert any(name.startswith("xl/worksheets/sheet") for name in names)
    assert "Urban" in strings and "Female" in strings


def test_mapping_renames_a_survey_that_uses_other_names(survey_dir: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "other"
    renamed.mkdir()
    for path in survey_dir.glob("*.parquet"):
        frame = pd.read_parquet(path)
        if path.stem == "ch":
            frame = frame.rename(columns={"BR1": "birth_cert", "BR2": "registered"})
        frame.to_parquet(renamed / path.name)
    out = tmp_path / "r.csv"
    args = ["compute", "--survey", str(renamed), "--ids", "birth_reg", "--out", str(out)]
    assert main(args) == 2  # BR1 is missing: refused, not guessed
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"ch": {"birth_cert": "BR1", "registered": "BR2"}}))
    assert main([*args, "--mapping", str(mapping)]) == 0
    assert pd.read_csv(out)["indicator"].unique().tolist() == ["birth_reg"]


def test_bad_input_is_a_clear_bilingual_error(
    survey_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "x.csv")
    assert main(["compute", "--survey", str(tmp_path / "nowhere"), "--out", out]) == 2
    err = capsys.readouterr().err
    assert "Không tìm thấy thư mục" in err and "does not exist" in err
    broken = tmp_path / "broken"
    broken.mkdir()
    for path in survey_dir.glob("*.parquet"):
        frame = pd.read_parquet(path)
        if path.stem == "hh":
            frame = frame.drop(columns=["hhweight"])
        frame.to_parquet(broken / path.name)
    assert main(["compute", "--survey", str(broken), "--ids", "socprot", "--out", out]) == 2
    err = capsys.readouterr().err
    assert "hhweight" in err and "hh" in err
    assert "Traceback" not in err


def test_progress_from_survey_proportions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "obs.csv"
    # stunting: baseline 19.6% (2020), target 15% by 2030. Observed 0.18 in 2023:
    # observed annual rate (18/19.6)^(1/3) - 1 = -2.80%; required (15/18)^(1/7) - 1 = -2.57%.
    results.write_text("indicator,year,value\nstunting,2023,0.18\n")
    assert main(["progress", "--results", str(results), "--values", "proportion",
                 "--format", "json"]) == 0  # fmt: skip
    rows = {row["indicator"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["stunting"]["status"] == "on_track"
    results.write_text("indicator,year,value\nstunting,2023,0.195\n")  # -0.17% a year: too slow
    assert main(["progress", "--results", str(results), "--values", "proportion",
                 "--format", "json"]) == 0  # fmt: skip
    rows = {row["indicator"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["stunting"]["status"] == "off_track"


def test_survey_estimate_through_the_baove_command(
    survey_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = baove_main(
        ["survey", "estimate", str(survey_dir / "hh.parquet"), "--weight", "hhweight",
         "--strata", "stratum", "--psu", "HH1", "--mean", "HH48", "--by", "HH6",
         "--format", "json"]
    )  # fmt: skip
    assert code == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["HH6"] for row in rows] == [1, 2]
    assert all(2.0 < row["estimate"] < 6.0 and row["se"] > 0 for row in rows)
