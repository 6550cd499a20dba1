"""Triangulation: the same indicator from survey, government and NGO sources side by side.

Every non-survey observation (government administrative data, NGO data) is set against a
*reference* for the same indicator and province:

1. the survey estimate whose period matches (see :func:`match_periods`), when there is one;
2. otherwise, for NGO rows only, the government figure whose period matches.

The ``agreement`` of a row is, in this order:

* ``"suppressed"``: the row's own value is missing or marked suppressed (small-cell rules of
  the publisher); nothing to compare.
* ``"insufficient_sample"``: the matched survey cell rests on fewer than 25 unweighted cases
  (MICS flag ``"*"``) or none (``"-"``); MICS does not publish such figures, so neither do we
  compare against them. (25-49 cases, flag ``"()"``, are compared; ``survey_flag`` keeps the
  caution visible.)
* ``"no_reference"``: no usable survey cell and (for NGO rows) no government figure.
* ``"disagree"``: against a survey: the value lies outside the survey's 95% confidence
  interval AND the relative difference exceeds ``tolerance``; against a survey without a CI
  or against a government figure: the relative difference exceeds ``tolerance``.
* ``"agree"`` otherwise.

Both conditions are required against a survey because each alone misleads: a large survey
has a narrow CI that excludes administrative figures differing by a trivial amount, and a
small survey has a wide CI that hides real gaps only a relative difference shows.

Values of all sources of one indicator must be in the same unit; the helpers that build the
observations take a ``scale`` (e.g. 100 to turn survey proportions into percentages).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

__all__ = [
    "AGREEMENT_VALUES",
    "OBSERVATION_COLUMNS",
    "SOURCE_TYPES",
    "Period",
    "admin_observations",
    "match_periods",
    "parse_period",
    "side_by_side",
    "survey_observations",
    "triangulate",
]

SOURCE_TYPES = ("survey", "government", "ngo")
AGREEMENT_VALUES = ("agree", "disagree", "no_reference", "insufficient_sample", "suppressed")
#: Required columns of the long observations frame (optional: ci_low, ci_high, n, flag,
#: suppressed, unit).
OBSERVATION_COLUMNS = ("indicator", "province", "period", "source", "source_type", "value")

RESULT_COLUMNS = [
    "indicator",
    "province",
    "period",
    "source",
    "source_type",
    "value",
    "reference_source",
    "reference_type",
    "reference_period",
    "reference_value",
    "period_match",
    "survey_source",
    "survey_period",
    "survey_value",
    "survey_ci_low",
    "survey_ci_high",
    "survey_flag",
    "survey_n",
    "diff",
    "abs_diff",
    "rel_diff",
    "inside_ci",
    "agreement",
]

_MIN_CASES = 25  # MICS: fewer than 25 unweighted cases are not shown


@dataclass(frozen=True)
class Period:
    """A reporting period as a half-open date interval ``[start, end)``."""

    start: date
    end: date
    label: str

    def overlap_days(self, other: Period) -> int:
        """Return the number of days both periods cover (0 when disjoint)."""
        return max(0, (min(self.end, other.end) - max(self.start, other.start)).days)

    def gap_days(self, other: Period) -> int:
        """Return the number of days between two disjoint periods (0 when they touch/overlap)."""
        if self.end <= other.start:
            return (other.start - self.end).days
        if other.end <= self.start:
            return (self.start - other.end).days
        return 0


_YEAR = re.compile(r"^(\d{4})$")
_YEAR_SPAN = re.compile(r"^(\d{4})-(\d{2}|\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _next_month(year: int, month: int) -> date:
    return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)


def _parse_single(text: str) -> tuple[date, date]:
    if m := _YEAR.match(text):
        y = int(m[1])
        return date(y, 1, 1), date(y + 1, 1, 1)
    if m := _QUARTER.match(text):
        y, q = int(m[1]), int(m[2])
        return date(y, 3 * q - 2, 1), _next_month(y, 3 * q)
    if m := _YEAR_SPAN.match(text):
        first, second = int(m[1]), m[2]
        last = int(second) if len(second) == 4 else first + 1
        # "2020-21" is a survey's fieldwork span only when 21 is the next year's last digits;
        # otherwise "2021-03" is a month.
        if len(second) == 4 or int(second) == (first + 1) % 100:
            if last <= first:
                raise ValueError(f"period {text!r}: the span must end after it starts")
            return date(first, 1, 1), date(last + 1, 1, 1)
    if m := _MONTH.match(text):
        y, mo = int(m[1]), int(m[2])
        if not 1 <= mo <= 12:
            raise ValueError(f"period {text!r}: month {mo} is not 1-12")
        return date(y, mo, 1), _next_month(y, mo)
    if m := _DAY.match(text):
        d = date(int(m[1]), int(m[2]), int(m[3]))
        return d, date.fromordinal(d.toordinal() + 1)
    raise ValueError(
        f"period {text!r} is not understood: use 2021, 2020-21 or 2020-2021 (a span of years), "
        "2021-Q3 or 2021Q3, 2021-03, 2021-03-15, or two of these joined by '/'"
    )


def parse_period(value: object) -> Period:
    """Parse a period label into a date interval.

    Accepted: a year (``2021``), a span of years as surveys label their fieldwork
    (``"2020-21"``, ``"2020-2021"``), a quarter (``"2021-Q3"``, ``"2021Q3"``, pandas' form),
    a month (``"2021-03"``), a day (``"2021-03-15"``), or ``"A/B"`` from the start of A to the
    end of B (``"2020-12/2021-06"``). ``"YYYY-YY"`` is a span only when ``YY`` is the
    following year (so ``"2010-11"`` means 2010-2011, not November 2010: write a month of
    those two years as ``"2010-11-01/2010-11-30"``).

    Args:
        value: The label (str, int or a pandas Period).

    Returns:
        The :class:`Period` with ``label`` the original text.

    Raises:
        ValueError: The label is empty or in none of the accepted forms.
    """
    text = str(value).strip()
    if not text or text.lower() in {"nan", "none", "<na>"}:
        raise ValueError("period is empty")
    if "/" in text:
        left, _, right = text.partition("/")
        start, _ = _parse_single(left.strip())
        _, end = _parse_single(right.strip())
        if end <= start:
            raise ValueError(f"period {text!r}: the end comes before the start")
        return Period(start, end, text)
    start, end = _parse_single(text)
    return Period(start, end, text)


def match_periods(
    target: Period, candidates: Iterable[Period], *, max_gap_years: float = 0.0
) -> tuple[int, Literal["overlap", "nearest"]] | None:
    """Pick the candidate period a figure for ``target`` is compared with.

    The rule: the candidate that overlaps ``target`` the most (ties: the one ending latest,
    i.e. the most recent survey); if none overlaps, the nearest one within
    ``max_gap_years`` (ties: the later one); otherwise no match.

    Args:
        target: The period of the figure being checked (e.g. an administrative year).
        candidates: Periods of the possible references (e.g. survey fieldwork spans).
        max_gap_years: How far apart non-overlapping periods may be (0: must overlap).

    Returns:
        ``(index into candidates, "overlap" | "nearest")`` or None.
    """
    best: tuple[int, int, date] | None = None  # (index, overlap, end)
    nearest: tuple[int, int, date] | None = None  # (index, gap, end)
    for i, cand in enumerate(candidates):
        overlap = target.overlap_days(cand)
        if overlap > 0:
            if best is None or (overlap, cand.end) > (best[1], best[2]):
                best = (i, overlap, cand.end)
        else:
            gap = target.gap_days(cand)
            if nearest is None or (gap, -cand.end.toordinal()) < (
                nearest[1],
                -nearest[2].toordinal(),
            ):
                nearest = (i, gap, cand.end)
    if best is not None:
        return best[0], "overlap"
    if nearest is not None and nearest[1] <= max_gap_years * 365.25:
        return nearest[0], "nearest"
    return None


def _validate(observations: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in OBSERVATION_COLUMNS if c not in observations.columns]
    if missing:
        raise ValueError(f"observations: missing column(s) {', '.join(missing)}")
    obs = observations.copy()
    for col in ("ci_low", "ci_high", "n"):
        if col not in obs.columns:
            obs[col] = np.nan
    if "flag" not in obs.columns:
        obs["flag"] = None
    if "suppressed" not in obs.columns:
        obs["suppressed"] = False
    bad_types = sorted(set(obs["source_type"].astype(str)) - set(SOURCE_TYPES))
    if bad_types:
        raise ValueError(
            f"observations: source_type {', '.join(map(repr, bad_types))} is not one of "
            f"{', '.join(SOURCE_TYPES)}"
        )
    for col in ("value", "ci_low", "ci_high", "n"):
        try:
            obs[col] = pd.to_numeric(obs[col]).astype("float64")
        except (ValueError, TypeError) as exc:
            raise ValueError(f"observations: column {col!r} must be numeric ({exc})") from exc
    bad_ci = obs["ci_low"] > obs["ci_high"]
    if bad_ci.any():
        row = obs[bad_ci].iloc[0]
        raise ValueError(
            f"observations: ci_low > ci_high for {row['indicator']} / {row['province']} / "
            f"{row['period']} / {row['source']}"
        )
    obs["province"] = obs["province"].astype(str)
    obs["indicator"] = obs["indicator"].astype(str)
    obs["source"] = obs["source"].astype(str)
    obs["suppressed"] = obs["suppressed"].fillna(False).astype(bool)
    spans: list[str] = []
    for ind, prov, src, label in zip(
        obs["indicator"], obs["province"], obs["source"], obs["period"], strict=True
    ):
        try:
            p = parse_period(label)
        except ValueError as exc:
            raise ValueError(f"observations: {ind} / {prov} / {src}: {exc}") from None
        spans.append(f"{p.start}/{p.end}")
    # "2021" and 2021 are one period: duplicates are judged on the parsed interval.
    dup = obs.assign(_span=spans).duplicated(
        ["indicator", "province", "_span", "source"], keep=False
    )
    if dup.any():
        row = obs[dup].iloc[0]
        raise ValueError(
            f"observations: more than one value for {row['indicator']} / {row['province']} / "
            f"{row['period']} / {row['source']}"
        )
    if "unit" in obs.columns:
        units = obs.dropna(subset=["unit"]).groupby("indicator")["unit"].nunique()
        mixed = units[units > 1]
        if len(mixed):
            ind = mixed.index[0]
            found = sorted(obs.loc[obs["indicator"] == ind, "unit"].dropna().unique())
            raise ValueError(
                f"observations: indicator {ind!r} mixes units {found}; convert to one unit "
                "first (survey_observations/admin_observations take a scale)"
            )
    return obs


def _usable_survey(row: Mapping[str, Any]) -> bool:
    flag = row["flag"]
    if isinstance(flag, str) and flag in {"*", "-"}:
        return False
    n = row["n"]
    if not math.isnan(n) and n < _MIN_CASES:
        return False
    return not math.isnan(row["value"])


def _zero_reference(diff: float) -> float:
    # A zero reference has no relative scale: equal is 0, anything else infinitely far.
    return 0.0 if diff == 0 else math.copysign(math.inf, diff)


def _compare(
    value: float, ref: float, ci_low: float, ci_high: float, tolerance: float
) -> tuple[float, float, bool | None, str]:
    diff = value - ref
    rel = diff / abs(ref) if ref != 0 else _zero_reference(diff)
    has_ci = not (math.isnan(ci_low) or math.isnan(ci_high))
    inside: bool | None = bool(ci_low <= value <= ci_high) if has_ci else None
    # Exactly-at-tolerance counts as agreement: the tolerance is the largest accepted gap.
    beyond = abs(rel) > tolerance
    disagree = beyond and not inside if inside is not None else beyond
    return diff, rel, inside, "disagree" if disagree else "agree"


def triangulate(
    observations: pd.DataFrame, *, tolerance: float = 0.2, max_gap_years: float = 0.0
) -> pd.DataFrame:
    """Set each government and NGO figure against the survey (or government) reference.

    The module docstring gives the agreement rule in full.

    Args:
        observations: Long frame with columns ``indicator, province, period, source,
            source_type ("survey" | "government" | "ngo"), value`` and optionally
            ``ci_low, ci_high`` (survey), ``n`` (unweighted cases), ``flag`` (MICS flag),
            ``suppressed`` (bool) and ``unit`` (checked to be one per indicator).
        tolerance: Largest relative difference (|other - reference| / |reference|) still
            counted as agreement.
        max_gap_years: How far a survey's period may lie from the figure's period when no
            survey overlaps it (0: only overlapping surveys are used).

    Returns:
        One row per indicator x province x period x non-survey source, columns
        ``RESULT_COLUMNS``: the figure, its reference (source, type, period, value), how the
        period was matched, the survey's value, CI, flag and n, the signed and absolute
        difference, the relative difference, ``inside_ci`` (None without a survey CI) and
        ``agreement``.

    Raises:
        ValueError: A required column is missing, a source_type or value is invalid, a
            figure is duplicated, an indicator mixes units or a period cannot be parsed.
    """
    if tolerance < 0:
        raise ValueError("tolerance must be >= 0")
    obs = _validate(observations)
    records: list[dict[str, Any]] = []
    # A plain loop over groups: a triangulation table has thousands of rows at most
    # (provinces x indicators x periods x sources), far below where vectorising pays.
    for (_ind, _prov), group in obs.groupby(["indicator", "province"], sort=True):
        rows = cast(list[dict[str, Any]], group.to_dict("records"))
        for r in rows:
            r["_period"] = parse_period(r["period"])
        surveys = [r for r in rows if r["source_type"] == "survey"]
        governments = [
            r
            for r in rows
            if r["source_type"] == "government"
            and not r["suppressed"]
            and not math.isnan(r["value"])
        ]
        for row in rows:
            if row["source_type"] == "survey":
                continue
            records.append(_triangulate_row(row, surveys, governments, tolerance, max_gap_years))
    result = pd.DataFrame.from_records(records, columns=RESULT_COLUMNS)
    result["inside_ci"] = result["inside_ci"].astype(object)
    return result.sort_values(["indicator", "province", "period", "source"], ignore_index=True)


def _triangulate_row(
    row: dict[str, Any],
    surveys: list[dict[str, Any]],
    governments: list[dict[str, Any]],
    tolerance: float,
    max_gap_years: float,
) -> dict[str, Any]:
    out: dict[str, Any] = dict.fromkeys(RESULT_COLUMNS)
    for col in ("indicator", "province", "period", "source", "source_type", "value"):
        out[col] = row[col]
    period: Period = row["_period"]
    nan = math.nan
    out.update(diff=nan, abs_diff=nan, rel_diff=nan, survey_value=nan, reference_value=nan)
    out.update(survey_ci_low=nan, survey_ci_high=nan, survey_n=nan)
    suppressed = bool(row["suppressed"]) or math.isnan(row["value"])
    hit = match_periods(period, [s["_period"] for s in surveys], max_gap_years=max_gap_years)
    ref: dict[str, Any] | None = None
    ci = (nan, nan)
    if hit is not None:
        survey = surveys[hit[0]]
        out.update(
            period_match=hit[1],
            survey_source=survey["source"],
            survey_period=survey["period"],
            survey_value=survey["value"],
            survey_ci_low=survey["ci_low"],
            survey_ci_high=survey["ci_high"],
            survey_flag=survey["flag"],
            survey_n=survey["n"],
        )
        if not _usable_survey(survey):
            out["agreement"] = "suppressed" if suppressed else "insufficient_sample"
            return out
        ref = survey
        ci = (survey["ci_low"], survey["ci_high"])
    elif row["source_type"] == "ngo" and governments:
        gov_hit = match_periods(period, [g["_period"] for g in governments])
        if gov_hit is not None:
            # Several government sources for one cell: the first by name, for determinism.
            ref = sorted(
                (g for g in governments if g["_period"] == governments[gov_hit[0]]["_period"]),
                key=lambda g: str(g["source"]),
            )[0]
            out["period_match"] = gov_hit[1]
    if ref is not None:
        out.update(
            reference_source=ref["source"],
            reference_type=ref["source_type"],
            reference_period=ref["period"],
            reference_value=ref["value"],
        )
    if suppressed:
        out["agreement"] = "suppressed"
        return out
    if ref is None:
        out["agreement"] = "no_reference"
        return out
    diff, rel, inside, agreement = _compare(row["value"], ref["value"], *ci, tolerance)
    out.update(diff=diff, abs_diff=abs(diff), rel_diff=rel, inside_ci=inside, agreement=agreement)
    return out


def side_by_side(triangulated: pd.DataFrame) -> pd.DataFrame:
    """Pivot a :func:`triangulate` result wide: one row per indicator x province x period.

    Columns: the matched survey (``survey_source``, ``survey_period``, ``survey_value``,
    ``survey_ci_low``, ``survey_ci_high``, ``survey_flag``), then for every non-survey source
    ``value:<source>`` and ``agreement:<source>``, and ``any_disagree``.

    Args:
        triangulated: The frame :func:`triangulate` returned.

    Returns:
        The wide frame, sorted by indicator, province and period.
    """
    key = ["indicator", "province", "period"]
    survey_cols = [
        "survey_source",
        "survey_period",
        "survey_value",
        "survey_ci_low",
        "survey_ci_high",
        "survey_flag",
    ]
    frame = triangulated.astype({"period": str})
    # Rows of one cell share the survey match only when their periods are equal, which the
    # key guarantees; take the first non-null.
    survey = frame.groupby(key, sort=True)[survey_cols].first()
    values = frame.pivot(index=key, columns="source", values="value")
    values.columns = [f"value:{c}" for c in values.columns]
    agreement = frame.pivot(index=key, columns="source", values="agreement")
    agreement.columns = [f"agreement:{c}" for c in agreement.columns]
    wide = survey.join(values).join(agreement)
    wide["any_disagree"] = (agreement == "disagree").any(axis=1)
    return wide.reset_index()


def survey_observations(
    results: pd.DataFrame,
    *,
    period: str,
    source: str = "survey",
    indicators: Mapping[str, str] | None = None,
    scale: float = 1.0,
    national_code: str = "00",
) -> pd.DataFrame:
    """Turn a ``compute_survey`` result into survey observations for :func:`triangulate`.

    Province rows (``by == "province"``) give one observation per province; the total row
    gives the national one under ``national_code``.

    Args:
        results: ``compute_survey`` output (``indicator, by, domain, estimate, ci_low,
            ci_high, n_unweighted, flag, ...``).
        period: The survey's period label, e.g. ``"2020-21"`` (fieldwork span).
        source: Name of the survey, e.g. ``"MICS 2020-21"``.
        indicators: Optional mapping survey indicator id -> common id; when given only
            these indicators are kept.
        scale: Multiplier for estimate and CI (100 turns proportions into percentages).
        national_code: Province code of the national row (the admin output's convention).

    Returns:
        Observations with ``source_type == "survey"``, ``n`` the unweighted cases and
        ``flag`` the MICS flag.
    """
    rows = results[results["by"].isin(["province", "total"])]
    if indicators is not None:
        rows = rows[rows["indicator"].isin(list(indicators))]
    province = np.where(rows["by"] == "total", national_code, rows["domain"].astype(str))
    ids = rows["indicator"].map(dict(indicators)) if indicators is not None else rows["indicator"]
    return pd.DataFrame(
        {
            "indicator": ids.to_numpy(),
            "province": province,
            "period": period,
            "source": source,
            "source_type": "survey",
            "value": rows["estimate"].to_numpy(dtype="float64") * scale,
            "ci_low": rows["ci_low"].to_numpy(dtype="float64") * scale,
            "ci_high": rows["ci_high"].to_numpy(dtype="float64") * scale,
            "n": rows["n_unweighted"].to_numpy(dtype="float64"),
            "flag": rows["flag"].to_numpy(dtype=object),
        }
    )


def admin_observations(
    admin: pd.DataFrame,
    *,
    source_type: Literal["government", "ngo"] = "government",
    source: str | None = None,
    indicators: Mapping[str, str] | None = None,
    scale: float = 1.0,
    national_code: str = "00",
) -> pd.DataFrame:
    """Turn an administrative indicator frame into observations for :func:`triangulate`.

    Args:
        admin: Long frame ``indicator, province, period, value, numerator, denominator,
            unit, source`` (``compute_admin`` output, or an NGO's figures in that form);
            rows with a non-empty ``category`` column become indicator ``"<id>/<category>"``;
            an optional ``suppressed`` column is kept.
        source_type: ``"government"`` or ``"ngo"``.
        source: Source name for every row; default: the frame's ``source`` column.
        indicators: Optional mapping admin indicator id -> common id (others are dropped).
        scale: Multiplier for the value (e.g. 100 for a proportion shown as a percentage).
        national_code: Province code used for the national row (``"VN"`` is mapped to it).

    Returns:
        Observations with the given ``source_type``.
    """
    if source_type not in ("government", "ngo"):
        raise ValueError(f"source_type must be 'government' or 'ngo', not {source_type!r}")
    rows = admin
    ids = rows["indicator"].astype(str)
    if "category" in rows.columns:
        cat = rows["category"]
        ids = ids.where(cat.isna(), ids + "/" + cat.astype(str))
    if indicators is not None:
        keep = ids.isin(list(indicators))
        rows, ids = rows[keep], ids[keep].map(dict(indicators))
    if source is None and "source" not in rows.columns:
        raise ValueError("admin_observations: give source= or a 'source' column")
    province = rows["province"].astype(str).replace({"VN": national_code})
    out = pd.DataFrame(
        {
            "indicator": ids.to_numpy(),
            "province": province.to_numpy(),
            "period": rows["period"].astype(str).to_numpy(),
            "source": source if source is not None else rows["source"].astype(str).to_numpy(),
            "source_type": source_type,
            "value": pd.to_numeric(rows["value"]).to_numpy(dtype="float64") * scale,
        }
    )
    if "suppressed" in rows.columns:
        out["suppressed"] = rows["suppressed"].fillna(False).astype(bool).to_numpy()
    if "unit" in rows.columns and scale == 1.0:
        out["unit"] = rows["unit"].to_numpy()
    return out
