"""MICS reporting rules for small samples."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

__all__ = ["mics_display", "mics_flag", "mics_flags"]


def mics_flag(n_unweighted: int) -> str:
    """MICS small-sample flag for a figure based on ``n_unweighted`` cases.

    Args:
        n_unweighted: Number of unweighted cases behind the figure.

    Returns:
        ``"-"`` for 0 cases, ``"*"`` for fewer than 25 (the figure is suppressed),
        ``"()"`` for 25-49 (shown in parentheses), ``""`` otherwise.
    """
    if n_unweighted <= 0:
        return "-"
    if n_unweighted < 25:
        return "*"
    if n_unweighted < 50:
        return "()"
    return ""


def mics_flags(n_unweighted: npt.NDArray[np.int64]) -> npt.NDArray[np.str_]:
    """Vectorised :func:`mics_flag` over an array of case counts.

    Args:
        n_unweighted: Case counts.

    Returns:
        Array of flags, same length.
    """
    n = np.asarray(n_unweighted)
    return np.select([n <= 0, n < 25, n < 50], ["-", "*", "()"], default="").astype(np.str_)


def mics_display(value: float, n_unweighted: int, digits: int = 1) -> str:
    """Format a figure the way MICS tables print it.

    Args:
        value: The estimate (already scaled, e.g. a percentage).
        n_unweighted: Number of unweighted cases behind it.
        digits: Decimal places.

    Returns:
        ``"-"`` with no cases (or no estimate), ``"(*)"`` below 25 cases,
        ``"(12.3)"`` for 25-49 cases, ``"12.3"`` otherwise.
    """
    flag = mics_flag(n_unweighted)
    if flag == "-" or value is None or math.isnan(value):
        return "-"
    if flag == "*":
        return "(*)"
    text = f"{value:.{digits}f}"
    return f"({text})" if flag == "()" else text
