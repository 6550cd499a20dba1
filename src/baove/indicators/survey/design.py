"""Survey design and measure declarations, and their validation against a frame."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt
import pandas as pd

from baove.indicators.survey.errors import SurveyInputError

__all__ = ["Design", "LonelyPsu", "Measure", "MeasureKind", "PreparedDesign", "prepare_design"]

LonelyPsu = Literal["fail", "adjust", "certainty", "remove"]
MeasureKind = Literal["mean", "total", "ratio"]


@dataclass(frozen=True)
class Design:
    """A stratified, clustered sample design (with-replacement PSU variance).

    Attributes:
        weight: Column of sampling weights (non-negative, no missing values).
        strata: Column of strata, or ``None`` for an unstratified design.
        psu: Column of primary sampling units (clusters), taken within strata;
            ``None`` makes each row its own PSU.
        lonely_psu: What to do with a stratum that has a single PSU, as R's
            ``options(survey.lonely.psu=)``: ``"fail"`` (error), ``"adjust"``
            (centre it at the grand mean), ``"certainty"`` or ``"remove"``
            (no variance contribution).
    """

    weight: str
    strata: str | None = None
    psu: str | None = None
    lonely_psu: LonelyPsu = "fail"


@dataclass(frozen=True)
class Measure:
    """One quantity to estimate.

    Attributes:
        name: Label of the measure in the result.
        kind: ``"mean"`` (a proportion is the mean of a 0/1 variable),
            ``"total"`` or ``"ratio"`` (``sum(w*y) / sum(w*x)``).
        y: Measured variable (numerator of a ratio).
        x: Denominator variable, for ``kind="ratio"`` only.
    """

    name: str
    kind: MeasureKind
    y: str
    x: str | None = None


@dataclass(frozen=True)
class PreparedDesign:
    """Design columns turned into integer codes, ready for the estimator.

    PSU codes are numbered stratum by stratum, so ``psu_stratum`` is sorted.
    """

    weight: npt.NDArray[np.float64]
    psu_code: npt.NDArray[np.int64]
    psu_stratum: npt.NDArray[np.int64]
    n_psu_h: npt.NDArray[np.int64]
    lonely: npt.NDArray[np.bool_]
    stratum_values: pd.Index
    has_zero_weight: bool

    @property
    def n_psu(self) -> int:
        """Total number of PSUs."""
        return int(self.psu_stratum.shape[0])

    @property
    def n_strata(self) -> int:
        """Number of strata."""
        return int(self.n_psu_h.shape[0])


def require_column(frame: pd.DataFrame, column: str, source: str) -> pd.Series:
    """Return ``frame[column]`` or raise a bilingual error naming file and variable."""
    if column not in frame.columns:
        raise SurveyInputError(
            source,
            column,
            "column not found in the data",
            "không có cột này trong dữ liệu",
        )
    return frame[column]


def numeric_values(series: pd.Series, column: str, source: str) -> npt.NDArray[np.float64]:
    """Values of a numeric (or boolean) column as float64, missing as NaN.

    Raises:
        SurveyInputError: The column is not numeric or holds infinite values.
    """
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype) or not (
        pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
    ):
        raise SurveyInputError(
            source,
            column,
            f"variable is not numeric (type {dtype})",
            f"biến không phải kiểu số (kiểu {dtype})",
        )
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    n_inf = int(np.isinf(values).sum())
    if n_inf:
        raise SurveyInputError(
            source,
            column,
            f"infinite values in {n_inf} rows",
            f"giá trị vô hạn ở {n_inf} dòng",
        )
    return values


def _no_missing(series: pd.Series, column: str, source: str, what_en: str, what_vi: str) -> None:
    n_missing = int(series.isna().sum())
    if n_missing:
        raise SurveyInputError(
            source,
            column,
            f"missing {what_en} in {n_missing} rows",
            f"thiếu giá trị {what_vi} ở {n_missing} dòng",
        )


def prepare_design(frame: pd.DataFrame, design: Design, source: str) -> PreparedDesign:
    """Validate the design columns of ``frame`` and code strata and PSUs as integers.

    Args:
        frame: The survey data.
        design: The design declaration.
        source: File name used in error messages.

    Returns:
        The coded design.

    Raises:
        SurveyInputError: Missing column, non-numeric, missing or negative weight,
            missing stratum or PSU, a single-PSU stratum with ``lonely_psu="fail"``,
            or an unknown ``lonely_psu`` option.
    """
    if design.lonely_psu not in get_args(LonelyPsu):
        raise SurveyInputError(
            source,
            None,
            f"unknown lonely_psu option {design.lonely_psu!r} "
            "(expected fail, adjust, certainty or remove)",
            f"tùy chọn lonely_psu {design.lonely_psu!r} không hợp lệ "
            "(chỉ nhận fail, adjust, certainty hoặc remove)",
        )
    n = len(frame)
    if n == 0:
        raise SurveyInputError(source, None, "the data has no rows", "dữ liệu không có dòng nào")
    weight = numeric_values(require_column(frame, design.weight, source), design.weight, source)
    n_missing = int(np.isnan(weight).sum())
    if n_missing:
        raise SurveyInputError(
            source,
            design.weight,
            f"missing weights in {n_missing} rows",
            f"thiếu trọng số ở {n_missing} dòng",
        )
    n_negative = int((weight < 0).sum())
    if n_negative:
        raise SurveyInputError(
            source,
            design.weight,
            f"negative weights in {n_negative} rows",
            f"trọng số âm ở {n_negative} dòng",
        )

    if design.strata is not None:
        strata = require_column(frame, design.strata, source)
        _no_missing(strata, design.strata, source, "stratum", "tầng")
        s_code, s_values = pd.factorize(strata, sort=True)
        stratum_values = pd.Index(s_values)
    else:
        s_code = np.zeros(n, dtype=np.int64)
        stratum_values = pd.Index([1])
    s_code = np.asarray(s_code, dtype=np.int64)
    n_strata = len(stratum_values)

    if design.psu is not None:
        psu = require_column(frame, design.psu, source)
        _no_missing(psu, design.psu, source, "PSU (cluster)", "đơn vị mẫu cấp 1 (địa bàn)")
        p_raw = np.asarray(pd.factorize(psu)[0], dtype=np.int64)
        # PSUs are taken within strata (R nest=TRUE, Stata): one id per (stratum, psu),
        # numbered stratum by stratum so each stratum's PSUs are contiguous.
        key = s_code * (int(p_raw.max()) + 1) + p_raw
        psu_code_raw, key_values = pd.factorize(key, sort=True)
        psu_code = np.asarray(psu_code_raw, dtype=np.int64)
        psu_stratum = np.asarray(key_values, dtype=np.int64) // (int(p_raw.max()) + 1)
    else:
        # Each row is its own PSU; order rows by stratum so PSU codes follow strata.
        order = np.argsort(s_code, kind="stable")
        psu_code = np.empty(n, dtype=np.int64)
        psu_code[order] = np.arange(n, dtype=np.int64)
        psu_stratum = s_code[order]
    n_psu_h = np.bincount(psu_stratum, minlength=n_strata).astype(np.int64)
    lonely = n_psu_h == 1
    if design.lonely_psu == "fail" and lonely.any():
        bad = [str(v) for v in stratum_values[np.flatnonzero(lonely)][:5]]
        more = "" if int(lonely.sum()) <= 5 else ", ..."
        variable = design.strata if design.strata is not None else (design.psu or design.weight)
        listed = ", ".join(bad) + more
        raise SurveyInputError(
            source,
            variable,
            f"stratum {listed} has only one PSU; merge strata or choose "
            "lonely_psu adjust/certainty/remove",
            f"tầng {listed} chỉ có một đơn vị mẫu cấp 1 (PSU); hãy gộp tầng hoặc chọn "
            "lonely_psu adjust/certainty/remove",
        )
    return PreparedDesign(
        weight=weight,
        psu_code=psu_code,
        psu_stratum=psu_stratum,
        n_psu_h=n_psu_h,
        lonely=lonely,
        stratum_values=stratum_values,
        has_zero_weight=bool((weight == 0).any()),
    )
