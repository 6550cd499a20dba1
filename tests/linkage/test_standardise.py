"""Standardisation of person records (no database)."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest

from baove.linkage.dates import parse_date
from baove.linkage.names import parse_full_name
from baove.linkage.standardise import (
    OUTPUT_COLUMNS,
    StandardisationError,
    normalise_id_number,
    normalise_phone,
    normalise_sex,
    standardise,
)


def _one(column: str, role: str, values: list[object], **kwargs: object) -> pd.DataFrame:
    frame = pd.DataFrame({column: pd.Series(values, dtype=object)})
    return standardise(frame, {column: role}, source="s", **kwargs)  # type: ignore[arg-type]


def _list(series: pd.Series) -> list[object]:
    return [None if pd.isna(v) else v for v in series]


def test_folding_is_form_and_tone_placement_proof() -> None:
    nfd = unicodedata.normalize("NFD", "Đặng Thị Hoà")
    out = _one("name", "full_name", ["Đặng Thị Hòa", nfd, "DANG THI HOA", "đặng thị hoà"])
    assert set(out["full_name"]) == {"dang thi hoa"}
    assert list(out["family_name"]) == ["dang"] * 4
    assert list(out["given_name"]) == ["hoa"] * 4


@pytest.mark.parametrize(
    ("typed", "parts"),
    [
        ("Nguyễn Thị Hương", ("nguyen", "thi", "huong")),
        ("Hương Nguyễn Thị", ("nguyen", "thi", "huong")),  # given name first
        ("Hương Thị Nguyễn", ("nguyen", "thi", "huong")),  # Western order
        ("Mai Nguyễn Thị", ("nguyen", "thi", "mai")),  # given name that is a family name
        ("Rơ Châm Thị Hoa", ("ro cham", "thi", "hoa")),  # two-word family name
        ("Trần Ngọc Bảo Anh", ("tran", "ngoc bao", "anh")),
        ("Hoa", ("", "", "hoa")),
        ("Anh Tuấn", ("anh", "", "tuan")),  # unknown: family-first as usual
    ],
)
def test_parse_full_name(typed: str, parts: tuple[str, str, str]) -> None:
    assert parse_full_name(typed) == parts


def test_name_columns() -> None:
    frame = pd.DataFrame(
        {
            "ho": ["Huỳnh", "Bảo", None, "Võ"],
            "dem": ["Văn", "Thị", None, None],
            "ten": ["Tài", "Lê", None, "Anh"],
            "full": ["x", "y", "Anh Lê Thị", None],
        }
    )
    roles = {"ho": "family", "dem": "middle", "ten": "given", "full": "full_name"}
    out = standardise(frame, roles, source="s")
    # Parts win over the full name; the full name fills a row without parts.
    assert list(out["full_name"]) == ["huynh van tai", "le thi bao", "le thi anh", "vo anh"]
    # Southern forms are merged into the northern ones.
    assert list(out["family_name_canon"]) == ["hoang", "le", "le", "vu"]
    assert _list(out["middle_name"]) == ["van", "thi", "thi", None]
    # Word order does not change name_sorted.
    assert out.loc[1, "name_sorted"] == str(out.loc[2, "name_sorted"]).replace("anh", "bao")


@pytest.mark.parametrize(
    ("typed", "iso", "year", "month", "precision", "swapped"),
    [
        ("12/03/2015", "2015-03-12", 2015, 3, "day", "2015-12-03"),
        ("2015-03-12", "2015-03-12", 2015, 3, "day", "2015-12-03"),
        ("12-03-2015", "2015-03-12", 2015, 3, "day", "2015-12-03"),
        ("12.3.2015", "2015-03-12", 2015, 3, "day", "2015-12-03"),
        ("20150312", "2015-03-12", 2015, 3, "day", "2015-12-03"),
        ("2015-03-12 00:00:00", "2015-03-12", 2015, 3, "day", "2015-12-03"),
        ("25/03/2015", "2015-03-25", 2015, 3, "day", None),
        ("05/05/2015", "2015-05-05", 2015, 5, "day", None),
        ("12/25/2015", "2015-12-25", 2015, 12, "day", None),  # only month-first is valid
        ("42064", "2015-03-01", 2015, 3, "day", "2015-01-03"),  # Excel serial
        ("03/2015", None, 2015, 3, "month", None),
        ("2015-03", None, 2015, 3, "month", None),
        ("2015", None, 2015, None, "year", None),
        ("khoảng 2015", None, 2015, None, "year", None),
        ("~2015", None, 2015, None, "year", None),
        ("ước tính 03/2015", None, 2015, 3, "month", None),
        ("31/02/2015", None, None, None, None, None),
        ("13/13/2015", None, None, None, None, None),
        ("1850", None, None, None, None, None),
        ("không rõ", None, None, None, None, None),
    ],
)
def test_dates(
    typed: str,
    iso: str | None,
    year: int | None,
    month: int | None,
    precision: str | None,
    swapped: str | None,
) -> None:
    p = parse_date(typed)
    assert (p.iso, p.year, p.month, p.precision, p.swapped) == (
        iso,
        year,
        month,
        precision,
        swapped,
    )
    assert p.unreadable == (year is None)


def test_date_format_and_column() -> None:
    assert parse_date("03/12/2015", "%m/%d/%Y").iso == "2015-03-12"
    assert parse_date("03/12/2015").iso == "2015-12-03"
    assert parse_date(None).unreadable is False
    out = _one("d", "birth_date", ["01/02/2016", None, "2016", 42064.0])
    assert _list(out["birth_date"]) == ["2016-02-01", None, None, "2015-03-01"]
    assert out["birth_year"].tolist() == [2016, pd.NA, 2016, 2015]
    assert str(out["birth_year"].dtype) == "Int64"
    assert out["birth_precision"].tolist()[2:] == ["year", "day"]


def test_unreadable_dates_can_raise_with_row_and_column() -> None:
    with pytest.raises(StandardisationError, match=r"column 'd', row 1: birth date 'x'"):
        _one("d", "birth_date", ["2015", "x"], unreadable_dates="raise")
    assert _one("d", "birth_date", ["x"])["birth_year"].isna().all()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("001315012345", "001315012345"), ("001 315 012 345", "001315012345"),
     ("1315012345", None), ("01315012345", "001315012345"), (1315012345.0, None),
     ("999315012345", None), ("00131501234x", None), (None, None)],
)  # fmt: skip
def test_id_numbers(typed: object, expected: str | None) -> None:
    assert normalise_id_number(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("0912345678", "0912345678"), ("+84 912 345 678", "0912345678"),
     ("0912.345.678", "0912345678"), ("912345678", "0912345678"), ("84912345678", "0912345678"),
     ("02438123456", "02438123456"), ("12345", None), (None, None)],
)  # fmt: skip
def test_phones(typed: object, expected: str | None) -> None:
    assert normalise_phone(typed) == expected


def test_sex() -> None:
    values = ["Nam", "Nữ", "nu", "M", "f", "1", 2, "Con gái", "?", None]
    assert [normalise_sex(v) for v in values] == [
        "M",
        "F",
        "F",
        "M",
        "F",
        "M",
        "F",
        "F",
        None,
        None,
    ]


def test_geography_and_contact_columns() -> None:
    frame = pd.DataFrame(
        {
            "xa": ["00019", "00001", "4", None],
            "tinh": [None, None, "Hà Giang", "79"],
            "cccd": [None, "bad", "001315012345", None],
            "cmnd": ["001315012345", "002315012345", None, None],
            "dc1": ["Thôn Đông", None, "Số 5", None],
            "dc2": ["Xã Yên", "Hà Nội", None, None],
            "pc": ["10000", "1000", None, None],
            "me": ["Lê Thị Hoà", None, None, None],
            "nhom": ["Hộ nghèo", None, None, None],
        }
    )
    roles = {
        "xa": "commune", "tinh": "province", "cccd": "identifier", "cmnd": "identifier",
        "dc1": "address", "dc2": "address", "pc": "postcode", "me": "caregiver_name",
        "nhom": "category",
    }  # fmt: skip
    out = standardise(frame, roles, source="s", commune_vintage="legacy")
    assert out["commune_candidates"].tolist() == [
        ["00004", "00070", "00190", "00226"], ["00097"], ["00004"], [],
    ]  # fmt: skip
    assert _list(out["commune"]) == [None, "00097", "00004", None]
    # The province column wins over the commune's; the commune fills the gaps.
    assert out["province"].tolist() == ["01", "01", "08", "79"]
    # Several identifier columns: the first valid value wins.
    assert out["id_number"].tolist()[:3] == ["001315012345", "002315012345", "001315012345"]
    assert out["address"].tolist()[:3] == ["thon dong xa yen", "ha noi", "so 5"]
    assert _list(out["postcode"]) == ["10000", None, None, None]
    assert out.loc[0, "caregiver_name"] == "le thi hoa"
    assert out.loc[0, "category"] == "ho ngheo"


def test_originals_kept_and_record_ids() -> None:
    frame = pd.DataFrame({"key": [7, 9], "ten": ["Đức", "Hoà"], "extra": [1.5, None]})
    out = standardise(frame, {"ten": "given"}, source="src", id_column="key")
    assert list(out.columns) == [*OUTPUT_COLUMNS, "orig_key", "orig_ten", "orig_extra"]
    assert out["record_id"].tolist() == ["src:7", "src:9"]
    pd.testing.assert_series_equal(out["orig_ten"], frame["ten"], check_names=False)
    pd.testing.assert_series_equal(out["orig_extra"], frame["extra"], check_names=False)
    assert frame["ten"].tolist() == ["Đức", "Hoà"]  # the input is not modified
    by_position = standardise(frame, {"ten": "given"}, source="src")
    assert by_position["record_id"].tolist() == ["src:0", "src:1"]


@pytest.mark.parametrize(
    ("roles", "id_column", "message"),
    [
        ({"nope": "given"}, None, "column 'nope': column named in the roles is not in the data"),
        ({"ten": "nickname"}, None, "unknown role 'nickname'"),
        ({"ten": "given", "key": "given"}, None, "role 'given' is given to several columns"),
        ({"ten": "given"}, "nope", "id column is not in the data"),
        ({"ten": "given"}, "dup", "row 1: record id 'a' repeats row 0"),
    ],
)
def test_bad_input_is_named(roles: dict[str, str], id_column: str | None, message: str) -> None:
    frame = pd.DataFrame({"key": [1, 2], "ten": ["An", "Bo"], "dup": ["a", "a"]})
    with pytest.raises(StandardisationError, match=message):
        standardise(frame, roles, source="s", id_column=id_column)


def test_empty_and_single_record_sources() -> None:
    empty = standardise(pd.DataFrame({"ten": []}), {"ten": "full_name"}, source="e")
    assert len(empty) == 0 and "full_name" in empty.columns
    one = standardise(pd.DataFrame({"ten": ["Lê Na"]}), {"ten": "full_name"}, source="o")
    assert one.loc[0, "full_name"] == "le na"
