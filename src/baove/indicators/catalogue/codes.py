"""The answer codes each survey variable may take (``docs/survey-schema.md``).

A survey file with a code the questionnaire does not have (sex 3, a wealth quintile 9, an
unknown water source) is refused before anything is estimated: a silently miscoded variable
would move an indicator without anyone noticing. Missing values (NaN) are always allowed;
8 (don't know) and 9 (missing) are allowed where MICS uses them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from baove.indicators.survey import SurveyInputError

__all__ = ["ALLOWED_CODES", "RANGES", "validate_codes"]

_YES_NO = frozenset({1, 2, 8, 9})
_CORRECT = frozenset({1, 2, 9})


def _items(prefix: str, letters: str) -> dict[str, frozenset[int]]:
    return {f"{prefix}{letter}": _YES_NO for letter in letters}


_HH: dict[str, frozenset[int]] = {
    "HH6": frozenset({1, 2}),
    "HH7": frozenset(range(1, 7)),
    "windex5": frozenset(range(1, 6)),
    "ethnicity": frozenset({1, 2}),
    "WS1": frozenset({11, 12, 13, 14, 21, 31, 32, 41, 42, 51, 61, 71, 81, 91, 96, 99}),
    "WS3": frozenset({1, 2, 3, 9}),
    "WS7": _YES_NO,
    "WS11": frozenset({11, 12, 13, 14, 18, 21, 22, 23, 31, 41, 51, 95, 96, 99}),
    "WS15": _YES_NO,
    "HW1": frozenset({1, 2, 3, 4, 5, 9}),
    "HW2": _CORRECT,
    "HW7": _CORRECT,
    "HC7A": _YES_NO,
    "HC7B": _YES_NO,
    "HC9C": _YES_NO,
    "HC12": _YES_NO,
    "ST4": _YES_NO,
    "ST5": _YES_NO,
    **_items("ST3", "ABCDEF"),
}
_PERSON: dict[str, frozenset[int]] = {
    "HL4": frozenset({1, 2}),
    "melevel": frozenset({0, 1, 2, 3, 9}),
    "disability": frozenset({1, 2}),
}
_CH: dict[str, frozenset[int]] = {
    "BR1": frozenset({1, 2, 3, 8, 9}),
    "BR2": _YES_NO,
    "UB9": _YES_NO,
    "HAZFLAG": frozenset({0, 1}),
    "WHZFLAG": frozenset({0, 1}),
    "WAZFLAG": frozenset({0, 1}),
    "DTP3": _YES_NO,
    "PCV3": _YES_NO,
    "MCV1": _YES_NO,
    **_items("UCD2", "ABCDEFGHIJK"),
    **{f"EC{i}": _YES_NO for i in range(6, 16)},
}
_FS: dict[str, frozenset[int]] = {
    **_items("FCD2", "ABCDEFGHIJK"),
    **_items("CL1", "ABCX"),
    "CL4": _YES_NO,
    "CL5": _YES_NO,
    **_items("CL6", "ABCDEX"),
    **{f"FL22{c}": _CORRECT for c in "ABCDE"},
    **{f"FL23{c}": _CORRECT for c in "ABCDEF"},
    **{f"FL{n}{c}": _CORRECT for n in (24, 25, 27) for c in "ABCDE"},
}
_WM: dict[str, frozenset[int]] = {
    "MSTATUS": frozenset({1, 2, 3, 9}),
    "welevel": frozenset({0, 1, 2, 3, 9}),
    **_items("MT6", "ABCDEFGHI"),
}
_MN: dict[str, frozenset[int]] = {
    "MMSTATUS": frozenset({1, 2, 3, 9}),
    "mwelevel": frozenset({0, 1, 2, 3, 9}),
    "mdisability": frozenset({1, 2}),
    **_items("MMT6", "ABCDEFGHI"),
}
_DESIGN = {"HH6": _HH["HH6"], "HH7": _HH["HH7"], "windex5": _HH["windex5"]}

#: Per file, variable -> the codes it may take (besides NaN).
ALLOWED_CODES: Mapping[str, Mapping[str, frozenset[int]]] = {
    "hh": _HH,
    "hl": {**_DESIGN, **_PERSON, "ED4": _YES_NO, "ED9": _YES_NO,
           "ED10": frozenset({0, 1, 2, 3, 4, 8, 9})},
    "ch": {**_DESIGN, **_PERSON, **_CH},
    "fs": {**_DESIGN, **_PERSON, **_FS},
    "wm": {**_DESIGN, **_PERSON, **_WM},
    "mn": {**_DESIGN, "HL4": _PERSON["HL4"], **_MN},
}  # fmt: skip

#: Per file, numeric variable -> (lowest, highest) allowed value, ends included.
RANGES: Mapping[str, Mapping[str, tuple[float, float]]] = {
    "hh": {"HH48": (1, 99), "hhweight": (0, np.inf)},
    "hl": {"HL6": (0, 99)},
    "ch": {"CAGE": (0, 59), "UB2": (0, 4)},
    "fs": {"CB3": (5, 17), "CL3": (0, 99), "CL8": (0, 99), "CL10": (0, 99), "CL13": (0, 99)},
    "wm": {"WB4": (15, 49), "WAGEM": (0, 49)},
    "mn": {"MWB4": (15, 59)},
}


def _describe(values: Iterable[float]) -> str:
    shown = [f"{v:g}" for v in sorted(values)[:5]]
    return ", ".join(shown)


def validate_codes(files: Mapping[str, pd.DataFrame], names: Iterable[str]) -> None:
    """Refuse values outside a variable's answer codes or range, naming file and variable.

    Args:
        files: survey files by short name.
        names: the files to check (those the requested indicators read).

    Raises:
        SurveyInputError: the first variable with a value it may not take.
    """
    for name in names:
        frame = files.get(name)
        if frame is None:
            continue
        for variable, allowed in ALLOWED_CODES.get(name, {}).items():
            if variable not in frame.columns:
                continue
            values = pd.to_numeric(frame[variable], errors="coerce").to_numpy(dtype=np.float64)
            present = values[~np.isnan(values)]
            bad = present[~np.isin(present, np.fromiter(allowed, dtype=np.float64))]
            if bad.size:
                distinct = np.unique(bad)
                codes = _describe(allowed)
                more = ", ..." if len(allowed) > 5 else ""
                raise SurveyInputError(
                    name,
                    variable,
                    f"{bad.size} rows have codes the questionnaire does not have "
                    f"({_describe(distinct)}); allowed: {codes}{more} or missing",
                    f"{bad.size} dòng có mã không có trong bảng hỏi "
                    f"({_describe(distinct)}); mã hợp lệ: {codes}{more} hoặc để trống",
                )
        for variable, (low, high) in RANGES.get(name, {}).items():
            if variable not in frame.columns:
                continue
            values = pd.to_numeric(frame[variable], errors="coerce").to_numpy(dtype=np.float64)
            present = values[~np.isnan(values)]
            bad = present[(present < low) | (present > high)]
            if bad.size:
                raise SurveyInputError(
                    name,
                    variable,
                    f"{bad.size} rows are outside {low:g}-{high:g} "
                    f"(for example {_describe(np.unique(bad))})",
                    f"{bad.size} dòng nằm ngoài khoảng {low:g}-{high:g} "
                    f"(ví dụ {_describe(np.unique(bad))})",
                )
