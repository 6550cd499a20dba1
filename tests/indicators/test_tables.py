"""Output writers: Parquet and CSV round trips, and the MICS-style workbook read back.

openpyxl is not installed, so the workbook is read with the standard library: an .xlsx file
is a zip of XML parts (workbook, sheets, shared strings).
"""

from __future__ import annotations

import csv
import math
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pytest

from baove.indicators.tables import TableMeta, cell_text, write_results

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def _xml(data: bytes) -> ElementTree.Element:
    # Only parses workbooks these tests wrote themselves: no untrusted XML.
    return ElementTree.fromstring(data)  # noqa: S314


def read_xlsx(path: Path) -> dict[str, dict[str, str | float]]:
    """Return {sheet name: {cell ref: value}}: shared/inline strings as str, numbers as float."""
    with zipfile.ZipFile(path) as z:
        strings: list[str] = []
        if "xl/sharedStrings.xml" in z.namelist():
            root = _xml(z.read("xl/sharedStrings.xml"))
            for si in root.findall("m:si", _NS):
                strings.append("".join(t.text or "" for t in si.iter(f"{{{_NS['m']}}}t")))
        rels = _xml(z.read("xl/_rels/workbook.xml.rels"))
        target = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", _NS)}
        book = _xml(z.read("xl/workbook.xml"))
        sheets: dict[str, dict[str, str | float]] = {}
        for sheet in book.findall("m:sheets/m:sheet", _NS):
            rid = sheet.get(f"{{{_NS['r']}}}id")
            part = "xl/" + str(target[rid]).lstrip("/").removeprefix("xl/")
            cells: dict[str, str | float] = {}
            for c in _xml(z.read(part)).iter(f"{{{_NS['m']}}}c"):
                ref, kind = str(c.get("r")), c.get("t")
                v = c.find("m:v", _NS)
                if kind == "s" and v is not None:
                    cells[ref] = strings[int(str(v.text))]
                elif kind == "inlineStr":
                    cells[ref] = "".join(t.text or "" for t in c.iter(f"{{{_NS['m']}}}t"))
                elif v is not None:
                    cells[ref] = float(str(v.text))
            sheets[str(sheet.get("name"))] = cells
    return sheets


def column(cells: dict[str, str | float], col: str) -> list[tuple[int, str | float]]:
    """The non-empty cells of one column as (row number, value), top to bottom."""
    out = [(int(ref[len(col) :]), v) for ref, v in cells.items() if re.fullmatch(col + r"\d+", ref)]
    return sorted(out)


def row_of(cells: dict[str, str | float], label: str) -> int:
    """The row number whose column A holds ``label``."""
    rows = [r for r, v in column(cells, "A") if v == label]
    assert len(rows) == 1, (label, rows)
    return rows[0]


META = {
    "vd_any": TableMeta("Bất kỳ hình thức xử phạt bạo lực nào", "Any violent discipline",
                        mics_table="PR.2", sdg="16.2.1"),
    "vd_physical": TableMeta("Xử phạt thân thể", "Physical punishment", mics_table="PR.2"),
    "cl_sdg": TableMeta("Lao động trẻ em", "Child labour", mics_table="PR.3", sdg="8.7.1"),
    "cl_hazardous": TableMeta("Lao động trẻ em (kể cả điều kiện nguy hiểm)",
                              "Child labour (incl. hazardous)", mics_table="PR.3"),
}  # fmt: skip


def _results() -> pd.DataFrame:
    cols = ["indicator", "sdg", "sdmx_code", "mics_table", "by", "domain", "estimate", "se",
            "ci_low", "ci_high", "deff", "n_unweighted", "n_weighted", "flag"]  # fmt: skip
    nan = math.nan
    rows: list[tuple[object, ...]] = []
    for ind, shift in (("vd_any", 0.0), ("vd_physical", -0.2)):
        rows += [
            (
                ind,
                "16.2.1",
                "PT",
                "PR.2",
                "total",
                "Total",
                0.724 + shift,
                0.01,
                0.704 + shift,
                0.744 + shift,
                2.25,
                5000,
                5100.4,
                "",
            ),
            (
                ind,
                "16.2.1",
                "PT",
                "PR.2",
                "sex",
                "M",
                0.75 + shift,
                0.012,
                0.72,
                0.78,
                1.9,
                2500,
                2550.2,
                "",
            ),
            (
                ind,
                "16.2.1",
                "PT",
                "PR.2",
                "sex",
                "F",
                0.70 + shift,
                0.012,
                0.67,
                0.73,
                1.9,
                2500,
                2550.2,
                "",
            ),
            # regions listed out of order: the table must show 1 before 4
            (
                ind,
                "16.2.1",
                "PT",
                "PR.2",
                "region",
                "4",
                0.6543 + shift,
                0.05,
                0.55,
                0.75,
                1.5,
                30,
                31.0,
                "()",
            ),
            (
                ind,
                "16.2.1",
                "PT",
                "PR.2",
                "region",
                "1",
                0.8 + shift,
                0.09,
                0.62,
                0.98,
                1.5,
                20,
                19.0,
                "*",
            ),
            (ind, "16.2.1", "PT", "PR.2", "province", "01", nan, nan, nan, nan, nan, 0, 0.0, "-"),
            (
                ind,
                "16.2.1",
                "PT",
                "PR.2",
                "wealth",
                "Q5",
                0.6 + shift,
                0.03,
                0.54,
                0.66,
                1.4,
                900,
                950.0,
                "",
            ),
        ]
    rows += [
        ("cl_sdg", "8.7.1", "PT", "PR.3", "total", "Total", 0.054, 0.004, 0.046, 0.062, 1.6,
         3000, 3100.0, ""),
        ("cl_hazardous", "8.7.1", "PT", "PR.3", "total", "Total", 0.07, 0.005, 0.06, 0.08, 1.7,
         2990, 3090.0, ""),
        ("zz_unlisted", None, None, None, "total", "Total", 0.5, 0.1, 0.3, 0.7, 1.0, 100, 99.0,
         ""),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def test_cell_text_rules() -> None:
    assert cell_text(12.34, "") == 12.34
    assert cell_text(12.34, "()") == "(12.3)"
    assert cell_text(12.34, "*") == "(*)"
    assert cell_text(math.nan, "") == "-"
    assert cell_text(0.0, "-") == "-"
    assert cell_text(1.234, "()", digits=2) == "(1.23)"


def test_parquet_round_trip(tmp_path: Path) -> None:
    frame = _results()
    out = write_results(frame, tmp_path / "r.parquet")
    back = pd.read_parquet(out)
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)


def test_csv_empty_domains_are_dashes(tmp_path: Path) -> None:
    frame = _results()
    out = write_results(frame, tmp_path / "r.csv")
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(frame)
    assert "NaN" not in out.read_text(encoding="utf-8")
    empty = [r for r in rows if r["flag"] == "-"]
    assert len(empty) == 2
    for r in empty:
        assert [r[c] for c in ("estimate", "se", "ci_low", "ci_high", "deff")] == ["-"] * 5
        assert float(r["n_weighted"]) == 0.0
    total = next(r for r in rows if r["indicator"] == "vd_any" and r["by"] == "total")
    # full precision survives the text round trip
    assert float(total["estimate"]) == 0.724
    assert float(total["deff"]) == 2.25
    assert total["domain"] == "Total"


def test_xlsx_vietnamese_layout(tmp_path: Path) -> None:
    out = write_results(_results(), tmp_path / "r.xlsx", meta=META)
    book = read_xlsx(out)
    assert list(book) == ["PR.2", "PR.3", "Khác", "Sai số chọn mẫu"]
    pr2 = book["PR.2"]
    assert pr2["A1"] == "Bảng PR.2: Hình thức xử phạt trẻ em"
    # header: the indicators, then one weighted-N column (both share the denominator)
    assert pr2["B3"] == "Bất kỳ hình thức xử phạt bạo lực nào"
    assert pr2["C3"] == "Xử phạt thân thể"
    assert pr2["D3"] == "Số trường hợp (có trọng số)"
    assert "E3" not in pr2
    # rows: total, then blocks in MICS order with heading rows, province last
    labels = [v for _, v in column(pr2, "A")]
    body = labels[labels.index("Tổng số") : labels.index("Thành phố Hà Nội") + 1]
    assert body == [
        "Tổng số",
        "Giới tính",
        "Nam",
        "Nữ",
        "Vùng",
        "Đồng bằng sông Hồng",
        "Tây Nguyên",
        "Nhóm mức sống",
        "Giàu nhất",
        "Tỉnh, thành phố",
        "Thành phố Hà Nội",
    ]
    total = row_of(pr2, "Tổng số")
    assert total == 4
    assert pr2[f"B{total}"] == pytest.approx(72.4)
    assert pr2[f"C{total}"] == pytest.approx(52.4)
    assert pr2[f"D{total}"] == 5100  # weighted N rounded to whole cases
    assert "B" + str(row_of(pr2, "Giới tính")) not in pr2  # heading rows hold no figures
    assert pr2[f"B{row_of(pr2, 'Nữ')}"] == pytest.approx(70.0)
    # small-sample rules in the cell text
    assert pr2[f"B{row_of(pr2, 'Tây Nguyên')}"] == "(65.4)"
    assert pr2[f"C{row_of(pr2, 'Tây Nguyên')}"] == "(45.4)"
    assert pr2[f"B{row_of(pr2, 'Đồng bằng sông Hồng')}"] == "(*)"
    assert pr2[f"D{row_of(pr2, 'Đồng bằng sông Hồng')}"] == 19
    hanoi = row_of(pr2, "Thành phố Hà Nội")
    assert (pr2[f"B{hanoi}"], pr2[f"C{hanoi}"], pr2[f"D{hanoi}"]) == ("-", "-", 0)
    # footnotes below the table explain the rules
    notes = [v for r, v in column(pr2, "A") if r > hanoi]
    assert any(str(n).startswith("( ) Số liệu dựa trên 25-49") for n in notes)
    assert any(str(n).startswith("(*) Số liệu dựa trên ít hơn 25") for n in notes)
    assert "- Không có trường hợp nào." in notes
    assert any("16.2.1" in str(n) for n in notes)


def test_xlsx_separate_weighted_columns_and_fallback_names(tmp_path: Path) -> None:
    book = read_xlsx(write_results(_results(), tmp_path / "r.xlsx", meta=META))
    pr3 = book["PR.3"]
    # different denominators: one weighted-N column per indicator, named
    assert pr3["D3"] == "Số trường hợp (có trọng số): Lao động trẻ em"
    assert pr3["E3"] == "Số trường hợp (có trọng số): Lao động trẻ em (kể cả điều kiện nguy hiểm)"
    assert (pr3["B4"], pr3["C4"], pr3["D4"], pr3["E4"]) == pytest.approx((5.4, 7.0, 3100, 3090))
    # an indicator with neither metadata nor catalogue entry nor MICS table
    other = book["Khác"]
    assert other["A1"] == "Các chỉ tiêu khác"
    assert other["B3"] == "zz_unlisted"
    assert other["B4"] == pytest.approx(50.0)


def test_xlsx_sampling_errors(tmp_path: Path) -> None:
    book = read_xlsx(write_results(_results(), tmp_path / "r.xlsx", lang="en", meta=META))
    se = book["Sampling errors"]
    headers = [v for _, v in sorted((k, v) for k, v in se.items() if re.fullmatch(r"[A-L]3", k))]
    assert headers[3:6] == ["Value (r)", "Standard error (se)", "Coefficient of variation (se/r)"]
    row = row_of_col(se, "B", "Any violent discipline")
    values = [se[f"{c}{row}"] for c in "DEFGHIJKL"]
    # r = 0.724, se = 0.01, se/r = 0.01/0.724 = 0.0138122, deff 2.25, deft 1.5,
    # weighted 5100.4, unweighted 5000, r - 2se = 0.704, r + 2se = 0.744
    assert values == pytest.approx(
        [0.724, 0.01, 0.0138122, 2.25, 1.5, 5100.4, 5000, 0.704, 0.744], abs=1e-6
    )
    assert se[f"A{row}"] == "PR.2"
    assert se[f"C{row}"] == "16.2.1"
    # only total rows: one per indicator
    assert len([v for r, v in column(se, "B") if r > 3]) == 5


def row_of_col(cells: dict[str, str | float], col: str, label: str) -> int:
    rows = [r for r, v in column(cells, col) if v == label]
    assert len(rows) == 1
    return rows[0]


def test_xlsx_english_labels(tmp_path: Path) -> None:
    book = read_xlsx(write_results(_results(), tmp_path / "r.xlsx", lang="en", meta=META))
    assert list(book) == ["PR.2", "PR.3", "Other", "Sampling errors"]
    pr2 = book["PR.2"]
    assert pr2["A1"] == "Table PR.2: Child discipline"
    assert pr2["B3"] == "Any violent discipline"
    labels = [v for _, v in column(pr2, "A")]
    for label in ("Total", "Sex", "Male", "Female", "Region", "Red River Delta",
                  "Central Highlands", "Wealth index quintile", "Richest", "Province",
                  "Ha Noi City", "- No cases."):  # fmt: skip
        assert label in labels
    assert any(str(v).startswith("(*) Figures that are based on fewer than 25") for v in labels)


def test_bad_suffix_and_columns(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"unknown output format '\.json'"):
        write_results(_results(), tmp_path / "r.json")
    with pytest.raises(ValueError, match=r"missing column.*flag"):
        write_results(_results().drop(columns=["flag"]), tmp_path / "r.csv")
    with pytest.raises(ValueError, match="lang"):
        write_results(_results(), tmp_path / "r.xlsx", lang="fr")  # type: ignore[arg-type]
