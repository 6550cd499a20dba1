"""Birth dates as they arrive in Vietnamese lists: full, partial, estimated or swapped.

Recognised forms (separators ``/``, ``-`` or ``.``): day-month-year (the Vietnamese order),
year-month-day, ``YYYYMMDD``, month-year (``03/2015``), year only (``2015``), Excel serial
day numbers (``42064``), and any of these after an estimate marker (``khoảng 2015``,
``~2015``, ``ước 2015``, ``abt 2015``). A date whose day-first reading is impossible but whose
month-first reading is valid (``12/25/2015``) is taken month first.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import time
import unicodedata
from typing import Literal

import pandas as pd

__all__ = ["DATE_COLUMNS", "ParsedDate", "parse_date", "parse_dates"]

Precision = Literal["day", "month", "year"]

#: The columns :func:`parse_dates` returns.
DATE_COLUMNS = (
    "birth_date",
    "birth_year",
    "birth_month",
    "birth_day",
    "birth_precision",
    "birth_date_swapped",
)

_EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (it counts a 29 Feb 1900 that never was)
_MIN_YEAR, _MAX_YEAR = 1900, 2100
_ESTIMATE = re.compile(
    r"^(?:~|khoảng|khoang|ước tính|uoc tinh|ước|uoc|circa|ca\.|c\.|abt\.?|about|approx\.?)\s*",
    re.IGNORECASE,
)
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YMD = re.compile(r"^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MY = re.compile(r"^(\d{1,2})[/.-](\d{4})$")
_YM = re.compile(r"^(\d{4})[/.-](\d{1,2})$")
_YEAR = re.compile(r"^\d{4}$")
_SERIAL = re.compile(r"^(\d{5})(?:\.0*)?$")
_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


@dataclasses.dataclass(frozen=True)
class ParsedDate:
    """One parsed date; every field is None when the value is missing or unreadable.

    Attributes:
        iso: ``YYYY-MM-DD`` when the day is known.
        year: Year.
        month: Month when known.
        day: Day when known.
        precision: ``"day"``, ``"month"`` or ``"year"``.
        swapped: The ISO date with day and month exchanged, when both are at most 12 and
            differ (the other plausible reading of the same text).
        unreadable: True when a value was present but could not be read.
    """

    iso: str | None = None
    year: int | None = None
    month: int | None = None
    day: int | None = None
    precision: Precision | None = None
    swapped: str | None = None
    unreadable: bool = False


_EMPTY = ParsedDate()
_BAD = ParsedDate(unreadable=True)


def _full(year: int, month: int, day: int) -> ParsedDate | None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    swapped = None
    if day <= 12 and month <= 12 and day != month:
        swapped = dt.date(year, day, month).isoformat()
    return ParsedDate(date.isoformat(), year, month, day, "day", swapped)


def _partial(year: int, month: int | None) -> ParsedDate | None:
    if not _MIN_YEAR <= year <= _MAX_YEAR or (month is not None and not 1 <= month <= 12):
        return None
    return ParsedDate(None, year, month, None, "year" if month is None else "month")


def _from_text(text: str, date_format: str | None) -> ParsedDate | None:
    if date_format:
        try:
            # time.strptime: a birth date has no time zone, and a naive datetime is not needed.
            st = time.strptime(text, date_format)
        except ValueError:
            pass
        else:
            return _full(st.tm_year, st.tm_mon, st.tm_mday)
    if m := _DMY.match(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
        # Day first is the Vietnamese order; month first only when day first is impossible.
        return _full(year, month, day) or _full(year, day, month)
    if m := _YMD.match(text) or _COMPACT.match(text):
        return _full(int(m[1]), int(m[2]), int(m[3]))
    if m := _MY.match(text):
        return _partial(int(m[2]), int(m[1]))
    if m := _YM.match(text):
        return _partial(int(m[1]), int(m[2]))
    if _YEAR.match(text):
        return _partial(int(text), None)
    if m := _SERIAL.match(text):
        d = _EXCEL_EPOCH + dt.timedelta(days=int(m[1]))
        return _full(d.year, d.month, d.day)
    return None


def parse_date(value: object, date_format: str | None = None) -> ParsedDate:
    """Parse one birth date.

    Args:
        value: Text, a number (Excel serial or year), a ``date``/``datetime`` or None.
        date_format: A ``strptime`` format tried first for full dates (the source's own
            layout, e.g. ``"%m/%d/%Y"``); the forms listed in the module docstring are
            still recognised.

    Returns:
        A :class:`ParsedDate`; ``unreadable`` is set when text was present but not a date.

    >>> parse_date("khoảng 2015").precision
    'year'
    >>> parse_date("03/04/2015").swapped
    '2015-03-04'
    """
    if value is None or (isinstance(value, float) and value != value):
        return _EMPTY
    if isinstance(value, dt.datetime | pd.Timestamp):
        return _full(value.year, value.month, value.day) or _BAD
    if isinstance(value, dt.date):
        return _full(value.year, value.month, value.day) or _BAD
    text = unicodedata.normalize("NFC", str(value)).strip()
    if not text:
        return _EMPTY
    text = _TIME.sub("", _ESTIMATE.sub("", text)).strip()
    return _from_text(text, date_format) or _BAD


def parse_dates(values: pd.Series, date_format: str | None = None) -> pd.DataFrame:
    """Parse a column of birth dates, once per distinct value.

    Args:
        values: The column as read.
        date_format: See :func:`parse_date`.

    Returns:
        A frame aligned with ``values`` (same index) with :data:`DATE_COLUMNS` plus a
        boolean ``unreadable`` column.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    # One row per distinct value plus a trailing empty row, which code -1 (missing) picks.
    parsed = [parse_date(u, date_format) for u in uniques.tolist()] + [_EMPTY]
    table = pd.DataFrame(
        {
            "birth_date": pd.Series([p.iso for p in parsed], dtype="str"),
            "birth_year": pd.array([p.year for p in parsed], dtype="Int64"),
            "birth_month": pd.array([p.month for p in parsed], dtype="Int64"),
            "birth_day": pd.array([p.day for p in parsed], dtype="Int64"),
            "birth_precision": pd.Series([p.precision for p in parsed], dtype="str"),
            "birth_date_swapped": pd.Series([p.swapped for p in parsed], dtype="str"),
            "unreadable": [p.unreadable for p in parsed],
        }
    )
    frame = table.iloc[codes].reset_index(drop=True)
    frame.index = values.index
    return frame
