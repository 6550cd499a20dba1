"""Standardise one person (a query, or a child of our registry) as the linkage model does.

The same functions as the batch standardisation (:mod:`baove.linkage.standardise`):
folded names with swapped parts fixed, the canonical family name, the sorted name tokens,
the parsed birth date and its day-month swap, the 2025 commune and its province.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from baove.core.text import fold
from baove.linkage.dates import parse_date
from baove.linkage.names import canonical_family, fix_swapped_parts, sorted_tokens

__all__ = ["FIELDS", "as_record", "standard_fields"]

#: The standardised fields a :class:`~baove.matching.models.LinkedRecord` stores.
FIELDS = (
    "family_name",
    "middle_name",
    "given_name",
    "family_name_canon",
    "name_sorted",
    "birth_date",
    "birth_date_swapped",
    "birth_year",
    "birth_month",
    "birth_precision",
    "sex",
    "id_number",
    "commune",
    "commune_candidates",
    "province",
    "phone",
    "caregiver_name",
)


def standard_fields(
    *,
    family: str = "",
    middle: str = "",
    given: str = "",
    birth_date: dt.date | str | None = None,
    sex: str = "",
    id_number: str = "",
    commune: str = "",
    province: str = "",
    caregiver: str = "",
) -> dict[str, Any]:
    """Return the stored (text) form of one person's standardised fields.

    Args:
        family: Family name as typed.
        middle: Middle name as typed.
        given: Given name as typed.
        birth_date: A date, or text in any form :func:`~baove.linkage.dates.parse_date`
            reads (partial and estimated dates too).
        sex: ``M``, ``F`` or empty.
        id_number: A validated 12-digit number or empty.
        commune: A 2025 commune code or empty.
        province: Its province code (or empty).
        caregiver: A caregiver's name as typed.

    Returns:
        :data:`FIELDS` as stored: text fields ``""`` when unknown, years and months int or None.
    """
    fam, mid, giv = fix_swapped_parts(fold(family), fold(middle), fold(given))
    full = " ".join(p for p in (fam, mid, giv) if p)
    parsed = parse_date(birth_date)
    return {
        "family_name": fam,
        "middle_name": mid,
        "given_name": giv,
        "family_name_canon": canonical_family(fam) if fam else "",
        "name_sorted": sorted_tokens(full) if full else "",
        "birth_date": parsed.iso or "",
        "birth_date_swapped": parsed.swapped or "",
        "birth_year": parsed.year,
        "birth_month": parsed.month,
        "birth_precision": parsed.precision or "",
        "sex": sex if sex in ("M", "F") else "",
        "id_number": id_number or "",
        "commune": commune or "",
        "commune_candidates": f",{commune}," if commune else "",
        "province": province or "",
        "phone": "",
        "caregiver_name": fold(caregiver) if caregiver else "",
    }


def as_record(fields: Any) -> dict[str, Any]:
    """Turn stored fields (a dict or a model instance) into what the scorer compares.

    Empty text becomes None (SQL NULL), the candidate communes a list.
    """
    get = fields.get if isinstance(fields, dict) else lambda name: getattr(fields, name)
    record: dict[str, Any] = {}
    for name in FIELDS:
        value = get(name)
        if name == "commune_candidates":
            value = [c for c in (value or "").split(",") if c] or None
        record[name] = None if value == "" else value
    return record
