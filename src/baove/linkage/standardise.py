"""Vietnamese-aware standardisation of person records, shared by batch and real-time linkage.

:func:`standardise` takes any table of person records and a *role* for each column, and
returns one row per record with standard columns (folded names, parsed dates, 2025 commune
candidates, validated ID numbers ...) next to the untouched originals (prefixed ``orig_``).

Work is done once per distinct value and spread back with integer codes, because names,
dates and communes repeat a lot: a million rows cost a few hundred thousand Python calls.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from baove.core.text import fold
from baove.linkage.communes import Vintage, map_communes, map_provinces
from baove.linkage.dates import DATE_COLUMNS, parse_dates
from baove.linkage.names import (
    canonical_family,
    fix_swapped_parts,
    parse_full_name,
    sorted_tokens,
)
from baove.registry.idnumber import IdNumberError, validate_id_number

__all__ = [
    "OUTPUT_COLUMNS",
    "ROLES",
    "StandardisationError",
    "normalise_id_number",
    "normalise_phone",
    "normalise_sex",
    "standardise",
]

#: The roles a column can play.
ROLES = (
    "family",
    "middle",
    "given",
    "full_name",
    "birth_date",
    "sex",
    "identifier",
    "address",
    "commune",
    "province",
    "postcode",
    "phone",
    "caregiver_name",
    "category",
    "ignore",
)
# Roles several columns may share: the first valid value wins (identifier, phone), address
# parts are joined, ignored columns are only kept as originals.
_MULTI_ROLES = frozenset({"identifier", "phone", "address", "ignore"})

#: The standard columns, in output order (the ``orig_`` columns follow).
OUTPUT_COLUMNS = (
    "record_id",
    "source",
    "family_name",
    "middle_name",
    "given_name",
    "family_name_canon",
    "full_name",
    "name_sorted",
    *DATE_COLUMNS,
    "sex",
    "id_number",
    "commune",
    "commune_candidates",
    "province",
    "postcode",
    "phone",
    "address",
    "caregiver_name",
    "category",
)

_SEX = {
    **dict.fromkeys(("m", "nam", "male", "1", "trai", "con trai", "boy", "man"), "M"),
    **dict.fromkeys(("f", "nu", "female", "2", "gai", "con gai", "girl", "woman"), "F"),
}
_NON_DIGIT = re.compile(r"\D+")


class StandardisationError(ValueError):
    """Bad input, with where it was found.

    Attributes:
        source: The source name.
        column: The column concerned, if any.
        row: The 0-based row position, if any.
    """

    def __init__(
        self, message: str, *, source: str, column: str | None = None, row: int | None = None
    ) -> None:
        where = source + (f", column {column!r}" if column else "")
        where += f", row {row}" if row is not None else ""
        super().__init__(f"{where}: {message}")
        self.source = source
        self.column = column
        self.row = row


def normalise_sex(value: object) -> str | None:
    """Return ``"M"``, ``"F"`` or None for a sex as typed (Nam/Nữ, M/F, 1/2, trai/gái)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    return _SEX.get(fold(_strip_float(str(value))))


def normalise_id_number(value: object) -> str | None:
    """Return a valid 12-digit personal identification number, or None.

    An 11-digit number gets its leading zero back: every province code starts with 0 and
    spreadsheets drop it.
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = _strip_float(str(value).strip())
    digits = _NON_DIGIT.sub("", text)
    if len(digits) == 11:
        digits = "0" + digits
    try:
        return validate_id_number(digits)
    except IdNumberError:
        return None


def normalise_phone(value: object) -> str | None:
    """Return a Vietnamese phone number as 10 or 11 digits starting with 0, or None.

    ``+84``/``84`` becomes ``0``; a 9-digit number has lost its leading zero.
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    digits = _NON_DIGIT.sub("", _strip_float(str(value).strip()))
    if digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    elif len(digits) == 9 and not digits.startswith("0"):
        digits = "0" + digits
    if len(digits) in (10, 11) and digits.startswith("0"):
        return digits
    return None


def _normalise_postcode(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    digits = _NON_DIGIT.sub("", _strip_float(str(value).strip()))
    return digits if len(digits) in (5, 6) else None


def _fold_or_none(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return fold(str(value)) or None


def _strip_float(text: str) -> str:
    return text[:-2] if text.endswith(".0") else text


def _map_unique(values: pd.Series, func: Callable[[Any], Any]) -> np.ndarray:
    """Apply ``func`` once per distinct value; return an object array aligned with values."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:-1] = [func(u) for u in uniques.tolist()]
    mapped[-1] = None  # code -1 (missing) picks this
    return mapped[codes]


def _first_valid(frame: pd.DataFrame, columns: Sequence[str], func: Callable[[Any], Any]) -> Any:
    out: np.ndarray | None = None
    for column in columns:
        values = _map_unique(frame[column], func)
        if out is None:
            out = values
        else:
            missing = pd.isna(out)
            out[missing] = values[missing]
    return out


def _folded_codes(values: pd.Series | None, n: int) -> tuple[np.ndarray, list[str]]:
    """Fold a name column per distinct value; return (codes, folded uniques incl. "")."""
    if values is None:
        return np.zeros(n, dtype=np.int64), [""]
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    folded = [_fold_or_none(u) or "" for u in uniques.tolist()] + [""]
    codes = np.where(codes < 0, len(folded) - 1, codes).astype(np.int64)
    return codes, folded


def _names(frame: pd.DataFrame, by_role: Mapping[str, list[str]]) -> dict[str, np.ndarray]:
    n = len(frame)
    parts = [by_role.get(role, [None])[0] for role in ("family", "middle", "given")]
    coded = [_folded_codes(frame[c] if c else None, n) for c in parts]
    full_col = by_role.get("full_name", [None])[0]
    if full_col is not None:
        full_codes, full_index = pd.factorize(frame[full_col], use_na_sentinel=True)
        full_codes = full_codes.astype(np.int64)
        full_uniques: list[Any] = full_index.tolist()
    else:
        full_codes, full_uniques = np.full(n, -1, dtype=np.int64), []
    # One integer key per distinct (family, middle, given, full name) combination.
    key = np.zeros(n, dtype=np.int64)
    for codes, uniques in coded:
        key = key * len(uniques) + codes
    key = key * (len(full_uniques) + 1) + (full_codes + 1)
    uniq_keys, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    out = {
        name: np.empty(len(uniq_keys), dtype=object)
        for name in (
            "family_name",
            "middle_name",
            "given_name",
            "family_name_canon",
            "full_name",
            "name_sorted",
        )
    }
    # Plain lists: indexing numpy or pandas objects one element at a time is slow.
    (fam_codes, fam), (mid_codes, mid), (giv_codes, giv) = coded
    fam_at, mid_at = fam_codes[first].tolist(), mid_codes[first].tolist()
    giv_at, full_at = giv_codes[first].tolist(), full_codes[first].tolist()
    for i in range(len(first)):
        family, middle, given = fam[fam_at[i]], mid[mid_at[i]], giv[giv_at[i]]
        if family or middle or given:
            family, middle, given = fix_swapped_parts(family, middle, given)
        elif full_at[i] >= 0:
            family, middle, given = parse_full_name(str(full_uniques[full_at[i]]))
        full = " ".join(p for p in (family, middle, given) if p)
        out["family_name"][i] = family or None
        out["middle_name"][i] = middle or None
        out["given_name"][i] = given or None
        out["family_name_canon"][i] = canonical_family(family) if family else None
        out["full_name"][i] = full or None
        out["name_sorted"][i] = sorted_tokens(full) if full else None
    return {name: values[inverse.ravel()] for name, values in out.items()}


def _check_roles(
    frame: pd.DataFrame, roles: Mapping[str, str], source: str, id_column: str | None
) -> dict[str, list[str]]:
    if not source:
        raise StandardisationError("the source needs a name", source="?")
    by_role: dict[str, list[str]] = {}
    for column, role in roles.items():
        if column not in frame.columns:
            raise StandardisationError(
                "column named in the roles is not in the data", source=source, column=column
            )
        if role not in ROLES:
            raise StandardisationError(
                f"unknown role {role!r} (expected one of {', '.join(ROLES)})",
                source=source,
                column=column,
            )
        by_role.setdefault(role, []).append(column)
    for role, columns in by_role.items():
        if len(columns) > 1 and role not in _MULTI_ROLES:
            raise StandardisationError(
                f"role {role!r} is given to several columns: {', '.join(columns)}", source=source
            )
    if id_column is not None and id_column not in frame.columns:
        raise StandardisationError("id column is not in the data", source=source, column=id_column)
    return by_role


def _record_ids(frame: pd.DataFrame, source: str, id_column: str | None) -> list[str]:
    if id_column is None:
        return [f"{source}:{i}" for i in range(len(frame))]
    ids = frame[id_column]
    missing = np.flatnonzero(pd.isna(ids).to_numpy())
    if len(missing):
        raise StandardisationError(
            "record id is missing", source=source, column=id_column, row=int(missing[0])
        )
    as_text = [_strip_float(str(v).strip()) for v in ids.tolist()]
    seen: dict[str, int] = {}
    for row, value in enumerate(as_text):
        if value in seen:
            raise StandardisationError(
                f"record id {value!r} repeats row {seen[value]}",
                source=source,
                column=id_column,
                row=row,
            )
        seen[value] = row
    return [f"{source}:{v}" for v in as_text]


def standardise(
    frame: pd.DataFrame,
    roles: Mapping[str, str],
    *,
    source: str,
    id_column: str | None = None,
    date_format: str | None = None,
    commune_vintage: Vintage = "auto",
    unreadable_dates: Literal["null", "raise"] = "null",
) -> pd.DataFrame:
    """Standardise one source of person records.

    Args:
        frame: The records as read (any dtypes).
        roles: Column -> role (one of :data:`ROLES`). Columns without a role are kept as
            originals only. Several columns may share ``identifier`` or ``phone`` (first
            valid value wins), ``address`` (joined) and ``ignore``.
        source: Source name, the first part of every ``record_id``.
        id_column: The column holding each record's key in the source (unique); when
            omitted the row position is used.
        date_format: ``strptime`` format of full birth dates in this source, tried first.
        commune_vintage: ``"2025"`` or ``"legacy"`` codes, or ``"auto"`` to detect.
        unreadable_dates: ``"raise"`` to stop at the first birth date that is present but
            not readable; by default it becomes unknown.

    Returns:
        :data:`OUTPUT_COLUMNS` then every original column prefixed ``orig_`` (values and
        dtypes untouched). Strings are folded where the column docs say so; unknown
        values are missing.

    Raises:
        StandardisationError: Unknown role or column, a role given twice, a missing or
            repeated record id, or (when asked) an unreadable birth date.
    """
    by_role = _check_roles(frame, roles, source, id_column)
    n = len(frame)
    out: dict[str, Any] = {
        "record_id": _record_ids(frame, source, id_column),
        "source": [source] * n,
    }
    out.update(_names(frame, by_role))

    def single(role: str) -> str | None:
        return by_role.get(role, [None])[0]

    if (column := single("birth_date")) is not None:
        dates = parse_dates(frame[column].reset_index(drop=True), date_format)
        bad = np.flatnonzero(dates["unreadable"].to_numpy())
        if unreadable_dates == "raise" and len(bad):
            row = int(bad[0])
            raise StandardisationError(
                f"birth date {frame[column].iloc[row]!r} is not a date",
                source=source,
                column=column,
                row=row,
            )
        out.update({c: dates[c] for c in DATE_COLUMNS})
    else:
        out.update(parse_dates(pd.Series([None] * n, dtype=object)).drop(columns="unreadable"))

    none = np.full(n, None, dtype=object)
    out["sex"] = _map_unique(frame[c], normalise_sex) if (c := single("sex")) else none
    ids = by_role.get("identifier", [])
    out["id_number"] = _first_valid(frame, ids, normalise_id_number) if ids else none

    province_from_commune: list[str | None] = [None] * n
    if (column := single("commune")) is not None:
        mapping = map_communes(frame[column].reset_index(drop=True), commune_vintage)
        out["commune"] = mapping.commune
        out["commune_candidates"] = mapping.candidates
        province_from_commune = mapping.province
    else:
        out["commune"] = none
        out["commune_candidates"] = [[] for _ in range(n)]
    if (column := single("province")) is not None:
        given = map_provinces(frame[column].reset_index(drop=True))
        out["province"] = [g or p for g, p in zip(given, province_from_commune, strict=True)]
    else:
        out["province"] = province_from_commune

    out["postcode"] = (
        _map_unique(frame[c], _normalise_postcode) if (c := single("postcode")) else none
    )
    phones = by_role.get("phone", [])
    out["phone"] = _first_valid(frame, phones, normalise_phone) if phones else none
    addresses = by_role.get("address", [])
    if addresses:
        joined = frame[addresses].astype("str").where(frame[addresses].notna(), "")
        text = joined.iloc[:, 0] if len(addresses) == 1 else joined.agg(" ".join, axis=1)
        out["address"] = _map_unique(text.reset_index(drop=True), _fold_or_none)
    else:
        out["address"] = none
    for role in ("caregiver_name", "category"):
        out[role] = _map_unique(frame[c], _fold_or_none) if (c := single(role)) else none

    result = pd.DataFrame({name: _column(name, out[name]) for name in OUTPUT_COLUMNS})
    originals = frame.reset_index(drop=True)
    originals.columns = [f"orig_{c}" for c in frame.columns]
    return pd.concat([result, originals], axis=1)


def _column(name: str, values: Any) -> pd.Series:
    """Give string columns pandas' string dtype; leave numbers and lists alone."""
    if isinstance(values, pd.Series):
        return values.reset_index(drop=True)
    if name == "commune_candidates":
        return pd.Series(values, dtype=object)
    return pd.Series(values, dtype="str")
