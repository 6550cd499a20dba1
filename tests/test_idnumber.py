"""Personal identification number validation."""

from __future__ import annotations

import datetime as dt

import pytest

from baove.registry.idnumber import OLD_PROVINCE_CODES, IdNumberError, validate_id_number


def test_there_are_63_old_province_codes() -> None:
    assert len(OLD_PROVINCE_CODES) == 63
    assert {"001", "079", "096"} <= OLD_PROVINCE_CODES and "003" not in OLD_PROVINCE_CODES


def test_valid_numbers() -> None:
    # 079 (Hồ Chí Minh City), 3 = woman born 2000-2099, 15 = 2015
    assert validate_id_number("079315000123", sex="F", birth_date=dt.date(2015, 6, 1))
    assert validate_id_number("001.2.12.345678", sex="M", birth_date=dt.date(2012, 1, 1))
    assert validate_id_number("001099123456") == "001099123456"  # man born 1999


@pytest.mark.parametrize(
    ("number", "kwargs", "reason"),
    [
        ("12345", {}, "format"),
        ("0013150001234", {}, "format"),
        ("00131500012a", {}, "format"),
        ("００１３１５０００１２３", {}, "format"),  # full-width digits
        ("003315000123", {}, "province"),
        ("079315000123", {"sex": "M"}, "sex"),
        ("079315000123", {"birth_date": dt.date(2016, 1, 1)}, "year"),
        ("079115000123", {"birth_date": dt.date(2015, 1, 1)}, "year"),  # 1915, not 2015
    ],
)
def test_invalid_numbers(number: str, kwargs: dict[str, object], reason: str) -> None:
    with pytest.raises(IdNumberError) as info:
        validate_id_number(number, **kwargs)  # type: ignore[arg-type]
    assert info.value.reason == reason
