"""The MICS-style workbooks, read back with openpyxl."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from baove.reports import display, write_round, write_workbook


def test_multi_round_workbook_has_mics_tables_trend_provinces(
    frame: pd.DataFrame, tmp_path: Path
) -> None:
    path = tmp_path / "w.xlsx"
    write_workbook(frame, path, lang="en")
    book = openpyxl.load_workbook(path)
    names = book.sheetnames
    assert names[:4] == ["PR.2", "PR.3", "Other", "PR.1"]  # catalogue order, one per table
    assert {"Sampling errors", "Trend", "Provinces", "Sources", "Data"} <= set(names)
    latest = frame[(frame["round"] == "MICS-2010") & (frame["by"] == "total")]
    birth = latest[latest["indicator"] == "birth_reg"].iloc[0]
    pr1 = book["PR.1"]
    assert pr1["A4"].value == "Total"
    assert pr1["B4"].value == pytest.approx(birth["estimate"] * 100)
    footnotes = [c.value for c in pr1["A"] if isinstance(c.value, str)]
    assert any(f and f.startswith("(*) Figures") for f in footnotes)

    trend = book["Trend"]
    assert [c.value for c in trend[3]][2:] == ["MICS-2006 (2006)", "MICS-2008 (2008)",
                                                "MICS-2010 (2010)"]  # fmt: skip
    rows = {r[0].value: r for r in trend.iter_rows(min_row=4)}
    name = "Percentage of children under age 5 whose births are registered with a civil authority"
    cell = rows[name][4].value
    assert cell == pytest.approx(birth["estimate"] * 100)

    provinces = book["Provinces"]
    header = [c.value for c in provinces[3]]
    col = header.index(name)
    by_name = {r[0].value: r[col].value for r in provinces.iter_rows(min_row=4)}
    prov = frame[(frame["round"] == "MICS-2010") & (frame["by"] == "province")]
    rec = prov[(prov["indicator"] == "birth_reg") & (prov["domain"] == "01")].iloc[0]
    expected = display(rec["estimate"], rec["flag"], "birth_reg")
    shown = by_name["Ha Noi City"]
    assert (shown if isinstance(shown, str) else f"{shown:.1f}") == expected

    data = book["Data"]
    assert data.max_row == len(frame) + 1


def test_small_sample_rules_are_text(frame: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "w.xlsx"
    write_workbook(frame, path, lang="vi")
    book = openpyxl.load_workbook(path)
    texts = {c.value for ws in book for row in ws.iter_rows() for c in row if c.data_type == "s"}
    assert {"(*)", "-"} <= texts
    assert any(str(v).startswith("(") and str(v)[1:2].isdigit() for v in texts)
    assert "Xu hướng" in book.sheetnames


def test_one_round_is_write_results(frame: pd.DataFrame, tmp_path: Path) -> None:
    path = write_round(frame, tmp_path / "r.xlsx", round_id="MICS-2008", lang="en")
    book = openpyxl.load_workbook(path)
    rec = frame[(frame["round"] == "MICS-2008") & (frame["by"] == "total")
                & (frame["indicator"] == "vd_any")].iloc[0]  # fmt: skip
    assert book["PR.2"]["B4"].value == pytest.approx(rec["estimate"] * 100)
    assert "Trend" not in book.sheetnames


def test_unknown_round_or_language(frame: pd.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="round"):
        write_workbook(frame, tmp_path / "x.xlsx", round_id="MICS-1990")
    with pytest.raises(ValueError, match="lang"):
        write_workbook(frame, tmp_path / "x.xlsx", lang="fr")  # type: ignore[arg-type]
