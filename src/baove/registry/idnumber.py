"""Validation of the 12-digit personal identification number (số định danh cá nhân).

Layout (Circular 59/2021/TT-BCA): 3 digits for the province of birth registration (the
63-province codes in force when numbers were issued), 1 digit for sex and century of birth,
2 digits for the year of birth, 6 random digits.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["OLD_PROVINCE_CODES", "IdNumberError", "validate_id_number"]

#: The 63 pre-2025 province codes that start a personal identification number.
OLD_PROVINCE_CODES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034"
    " 035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068"
    " 070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096".split()
)


class IdNumberError(ValueError):
    """The number is malformed; ``reason`` is one of: format, province, sex, year."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def validate_id_number(
    number: str, *, sex: str | None = None, birth_date: dt.date | None = None
) -> str:
    """Check a personal identification number and return it normalised (digits only).

    Args:
        number: The number as typed (spaces and dots are tolerated).
        sex: ``"M"`` or ``"F"`` if known, checked against the sex digit.
        birth_date: Date of birth if known, checked against century and year digits.

    Raises:
        IdNumberError: If the number is not valid.
    """
    digits = "".join(ch for ch in number if ch not in " .-")
    if len(digits) != 12 or not digits.isascii() or not digits.isdigit():
        raise IdNumberError("format")
    if digits[:3] not in OLD_PROVINCE_CODES:
        raise IdNumberError("province")
    code = int(digits[3])
    century = 1900 + 100 * (code // 2)  # 0/1: 1900s, 2/3: 2000s, 4/5: 2100s ...
    female = code % 2 == 1
    if sex is not None and sex in ("M", "F") and female != (sex == "F"):
        raise IdNumberError("sex")
    if birth_date is not None and century + int(digits[4:6]) != birth_date.year:
        raise IdNumberError("year")
    return digits
