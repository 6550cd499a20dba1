"""National Action Programme for Children 2021-2030 targets and progress classification.

Targets live in ``data/nap_targets.toml`` (one table per indicator id; the file's header
describes the fields). :func:`classify_progress` compares the observed compound annual rate
of change with the rate still required to reach the target, UNICEF's "on track if the
observed average annual rate of reduction (AARR) is at least the required AARR" rule:

* ``observed_rate = (x_last / x_first) ** (1 / (t_last - t_first)) - 1`` (from the baseline,
  or from the earliest observation when there is no baseline or it is not earlier), or with
  ``method="loglinear"`` ``exp(b) - 1`` where ``b`` is the least-squares slope of
  ``ln(x)`` on the year (all points; UNICEF's choice with three or more points);
* ``required_rate = (target / x_last) ** (1 / (target_year - t_last)) - 1``.

Rates are signed (negative: falling); the AARR is ``-rate``. Status, in this order:

* ``"achieved"``: the latest observation already meets the target (``<=`` for a decrease,
  ``>=`` for an increase);
* ``"insufficient_data"``: fewer than two years, or a value the compound rate cannot use
  (zero or negative);
* ``"off_track"``: the target year has passed, or the observed rate is slower than required
  (for a decrease ``observed_rate > required_rate``; for an increase ``<``);
* ``"on_track"`` otherwise.

With ``rate_basis = "shortfall"`` (coverage indicators bounded by 100%) the rates are those of
``100 - x`` (``1 - x`` for proportions), whose direction is the opposite of the indicator's:
going from 97% to 98% coverage is cutting the gap by a third, which a rate of the coverage
itself (1%) hides.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np

__all__ = [
    "UNITS",
    "Progress",
    "Target",
    "TargetsError",
    "annual_rate",
    "classify_progress",
    "load_targets",
    "parse_targets",
]

Direction = Literal["decrease", "increase"]
Status = Literal["achieved", "on_track", "off_track", "insufficient_data"]
RateBasis = Literal["value", "shortfall"]

#: Units a target may be expressed in (SDMX UNIT_MEASURE style codes).
UNITS = ("PCNT", "PROP", "PER_1000", "PER_100000", "NUMBER")
_REQUIRED = ("target_value", "target_year", "direction", "unit", "source", "note", "verified")
_OPTIONAL = ("baseline_value", "baseline_year", "milestones", "rate_basis")
_DEFAULT_FILE = "nap_targets.toml"


class TargetsError(ValueError):
    """The targets file is malformed; the message names the file, indicator and field."""


@dataclass(frozen=True)
class Target:
    """One indicator's target.

    Values are in ``unit`` (``PCNT``: percent 0-100, so multiply survey proportions by 100).
    """

    indicator: str
    target_value: float
    target_year: int
    direction: Direction
    unit: str
    source: str
    note: str
    verified: bool
    baseline_value: float | None = None
    baseline_year: int | None = None
    milestones: Mapping[int, float] = field(default_factory=dict)
    rate_basis: RateBasis = "value"


@dataclass(frozen=True)
class Progress:
    """The progress of one indicator towards its target (see the module docstring)."""

    indicator: str
    status: Status
    target: Target
    first_year: int | None
    first_value: float | None
    latest_year: int | None
    latest_value: float | None
    observed_rate: float | None
    required_rate: float | None
    projected_value: float | None
    reason: str

    @property
    def observed_aarr(self) -> float | None:
        """The observed average annual rate of reduction (``-observed_rate``), UNICEF's sign."""
        return None if self.observed_rate is None else -self.observed_rate

    @property
    def required_aarr(self) -> float | None:
        """The required average annual rate of reduction (``-required_rate``)."""
        return None if self.required_rate is None else -self.required_rate

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready flat dict: status, reason, rates, the target and its source."""
        t = self.target
        return {
            "status": self.status,
            "reason": self.reason,
            "first_year": self.first_year,
            "first_value": self.first_value,
            "latest_year": self.latest_year,
            "latest_value": self.latest_value,
            "observed_rate": self.observed_rate,
            "required_rate": self.required_rate,
            "observed_aarr": self.observed_aarr,
            "required_aarr": self.required_aarr,
            "projected_value": self.projected_value,
            "baseline_value": t.baseline_value,
            "baseline_year": t.baseline_year,
            "target_value": t.target_value,
            "target_year": t.target_year,
            "milestones": {str(y): v for y, v in sorted(t.milestones.items())},
            "direction": t.direction,
            "unit": t.unit,
            "rate_basis": t.rate_basis,
            "verified": t.verified,
            "source": t.source,
        }


def annual_rate(value0: float, year0: float, value1: float, year1: float) -> float:
    """Return the compound annual rate of change ``(value1/value0)**(1/(year1-year0)) - 1``.

    Args:
        value0: Earlier value (> 0).
        year0: Its year.
        value1: Later value (>= 0).
        year1: Its year (> year0).

    Returns:
        The signed rate per year (-0.03 is a 3% fall a year).

    Raises:
        ValueError: ``year1 <= year0``, ``value0 <= 0`` or ``value1 < 0``.
    """
    if year1 <= year0:
        raise ValueError(f"annual_rate: year {year1} is not after {year0}")
    if value0 <= 0 or value1 < 0:
        raise ValueError("annual_rate: values must be positive (the first) and non-negative")
    return float((value1 / value0) ** (1.0 / (year1 - year0)) - 1.0)


def _err(source: str, indicator: str, msg: str) -> TargetsError:
    return TargetsError(f"{source}: [{indicator}] {msg}")


def _number(source: str, ind: str, table: Mapping[str, Any], key: str) -> float:
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise _err(source, ind, f"{key} must be a number, not {value!r}")
    return float(value)


def _year(source: str, ind: str, table: Mapping[str, Any], key: str) -> int:
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2100:
        raise _err(source, ind, f"{key} must be a year (integer 1900-2100), not {value!r}")
    return value


def _parse_one(source: str, ind: str, table: Any) -> Target:
    if not isinstance(table, Mapping):
        raise _err(source, ind, "must be a table of fields")
    missing = [k for k in _REQUIRED if k not in table]
    if missing:
        raise _err(source, ind, f"missing field(s): {', '.join(missing)}")
    unknown = sorted(set(table) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise _err(source, ind, f"unknown field(s): {', '.join(unknown)}")
    target_value = _number(source, ind, table, "target_value")
    target_year = _year(source, ind, table, "target_year")
    direction = table["direction"]
    if direction not in ("decrease", "increase"):
        raise _err(source, ind, f"direction must be 'decrease' or 'increase', not {direction!r}")
    unit = table["unit"]
    if unit not in UNITS:
        raise _err(source, ind, f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
    for key in ("source", "note"):
        if not isinstance(table[key], str) or not table[key].strip():
            raise _err(source, ind, f"{key} must be a non-empty text")
    if not isinstance(table["verified"], bool):
        raise _err(source, ind, "verified must be true or false")
    rate_basis = table.get("rate_basis", "value")
    if rate_basis not in ("value", "shortfall"):
        raise _err(source, ind, f"rate_basis must be 'value' or 'shortfall', not {rate_basis!r}")
    if rate_basis == "shortfall" and unit not in ("PCNT", "PROP"):
        raise _err(source, ind, "rate_basis 'shortfall' needs unit PCNT or PROP")
    if unit in ("PCNT", "PROP"):
        top = 100.0 if unit == "PCNT" else 1.0
        if not 0 <= target_value <= top:
            raise _err(source, ind, f"target_value {target_value} is outside 0-{top:g}")
    baseline_value: float | None = None
    baseline_year: int | None = None
    if ("baseline_value" in table) != ("baseline_year" in table):
        raise _err(source, ind, "give both baseline_value and baseline_year, or neither")
    if "baseline_value" in table:
        baseline_value = _number(source, ind, table, "baseline_value")
        baseline_year = _year(source, ind, table, "baseline_year")
        if baseline_year >= target_year:
            raise _err(source, ind, "baseline_year must be before target_year")
        wrong_way = (
            target_value >= baseline_value
            if direction == "decrease"
            else target_value <= baseline_value
        )
        if wrong_way:
            raise _err(
                source,
                ind,
                f"direction is {direction} but the target {target_value:g} is not "
                f"{'below' if direction == 'decrease' else 'above'} the baseline "
                f"{baseline_value:g}",
            )
    milestones: dict[int, float] = {}
    raw = table.get("milestones", {})
    if not isinstance(raw, Mapping):
        raise _err(source, ind, "milestones must be a table { year = value }")
    for key, value in raw.items():
        try:
            year = int(key)
        except ValueError:
            raise _err(source, ind, f"milestone year {key!r} is not a year") from None
        checked = _number(source, ind, {"milestone": value}, "milestone")
        low = baseline_year if baseline_year is not None else 1900
        if not low < year < target_year:
            raise _err(source, ind, f"milestone {year} is not between the baseline and target")
        milestones[year] = checked
    return Target(
        indicator=ind,
        target_value=target_value,
        target_year=target_year,
        direction=direction,
        unit=unit,
        source=" ".join(table["source"].split()),
        note=" ".join(table["note"].split()),
        verified=table["verified"],
        baseline_value=baseline_value,
        baseline_year=baseline_year,
        milestones=milestones,
        rate_basis=rate_basis,
    )


def parse_targets(data: Mapping[str, Any], *, source: str = _DEFAULT_FILE) -> dict[str, Target]:
    """Validate parsed TOML data and build the targets.

    Args:
        data: The TOML document as a mapping of indicator id -> table.
        source: File name used in error messages.

    Returns:
        Targets by indicator id, in file order.

    Raises:
        TargetsError: A table is malformed (the message names file, indicator and field).
    """
    return {ind: _parse_one(source, ind, table) for ind, table in data.items()}


def load_targets(path: Path | str | None = None) -> dict[str, Target]:
    """Load and validate the targets file.

    Args:
        path: A TOML file; default: the packaged ``baove/indicators/data/nap_targets.toml``.

    Returns:
        Targets by indicator id.

    Raises:
        TargetsError: The file is not valid TOML or a table is malformed.
    """
    if path is None:
        res = resources.files("baove.indicators").joinpath("data").joinpath(_DEFAULT_FILE)
        name, text = _DEFAULT_FILE, res.read_text(encoding="utf-8")
    else:
        name, text = str(path), Path(path).read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TargetsError(f"{name}: not valid TOML ({exc})") from exc
    return parse_targets(data, source=name)


def _met(value: float, target: Target) -> bool:
    if target.direction == "decrease":
        return value <= target.target_value
    return value >= target.target_value


def classify_progress(
    indicator: str,
    observations: Sequence[tuple[int, float]],
    target: Target | None = None,
    *,
    use_baseline: bool = True,
    method: Literal["endpoints", "loglinear"] = "endpoints",
) -> Progress:
    """Classify progress towards the target from observed values.

    Args:
        indicator: Indicator id (looks the target up when ``target`` is None).
        observations: ``(year, value)`` pairs in the target's unit; NaN values are ignored.
        target: The target; default: ``load_targets()[indicator]``.
        use_baseline: Start the observed rate at the target's baseline when it is earlier
            than the first observation.
        method: ``"endpoints"`` (compound rate between first and latest point) or
            ``"loglinear"`` (least-squares slope of ln(value) on year over all points).

    Returns:
        The :class:`Progress` (status, rates, projection to the target year, reason).

    Raises:
        KeyError: No target for ``indicator``.
        ValueError: Two observations for one year, or the target is for another indicator.
    """
    if target is None:
        targets = load_targets()
        if indicator not in targets:
            raise KeyError(f"no target for indicator {indicator!r} in {_DEFAULT_FILE}")
        target = targets[indicator]
    if target.indicator != indicator:
        raise ValueError(f"target is for {target.indicator!r}, not {indicator!r}")
    points = sorted((int(y), float(v)) for y, v in observations if not math.isnan(float(v)))
    years = [y for y, _ in points]
    if len(set(years)) != len(years):
        raise ValueError(f"{indicator}: more than one observation for a year")
    if (
        use_baseline
        and target.baseline_year is not None
        and target.baseline_value is not None
        and (not points or target.baseline_year < points[0][0])
    ):
        points.insert(0, (target.baseline_year, target.baseline_value))

    def progress(status: Status, reason: str, **rates: float | None) -> Progress:
        first = points[0] if points else (None, None)
        last = points[-1] if points else (None, None)
        return Progress(
            indicator=indicator,
            status=status,
            target=target,
            first_year=first[0],
            first_value=first[1],
            latest_year=last[0],
            latest_value=last[1],
            observed_rate=rates.get("observed"),
            required_rate=rates.get("required"),
            projected_value=rates.get("projected"),
            reason=reason,
        )

    if not points:
        return progress("insufficient_data", "no observation")
    last_year, last_value = points[-1]
    if _met(last_value, target):
        return progress("achieved", f"{last_value:g} in {last_year} meets the target")
    if len(points) < 2:
        return progress("insufficient_data", "one year only: no rate of change")

    # Shortfall basis: rates of the gap to full coverage, which falls as coverage rises.
    top = 100.0 if target.unit == "PCNT" else 1.0
    shortfall = target.rate_basis == "shortfall"
    series = [(y, top - v) if shortfall else (y, v) for y, v in points]
    goal = top - target.target_value if shortfall else target.target_value
    falling = (target.direction == "decrease") != shortfall
    if any(v <= 0 for _, v in series):
        return progress("insufficient_data", "a value is zero or negative: no compound rate")
    if method == "endpoints":
        observed = annual_rate(series[0][1], series[0][0], series[-1][1], series[-1][0])
    else:
        slope = np.polyfit([y for y, _ in series], np.log([v for _, v in series]), 1)[0]
        observed = float(math.exp(slope) - 1.0)
    remaining = target.target_year - last_year
    projected = series[-1][1] * (1.0 + observed) ** max(remaining, 0)
    projected_value = top - projected if shortfall else projected
    if remaining <= 0:
        return progress(
            "off_track",
            f"target year {target.target_year} reached without meeting the target",
            observed=observed,
            projected=projected_value,
        )
    required = annual_rate(series[-1][1], last_year, goal, target.target_year)
    on_track = observed <= required if falling else observed >= required
    reason = f"observed {observed:+.2%}/year vs required {required:+.2%}/year" + (
        " (shortfall)" if shortfall else ""
    )
    return progress(
        "on_track" if on_track else "off_track",
        reason,
        observed=observed,
        required=required,
        projected=projected_value,
    )
