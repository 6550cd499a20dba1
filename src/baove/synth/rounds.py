"""Synthetic survey rounds over the years, with documented trends (no real data).

:func:`generate_rounds` draws one MICS-style survey per round with
:func:`baove.synth.survey.generate_survey` (a different seed per round, so every round has
its own sampling noise) and then moves a few outcomes along a trend, because the behavioural
model (:mod:`baove.synth.survey_model`) is calibrated to one point in time (MICS6, 2020-21)
and takes no year parameter.

Trend rule (per outcome, in the files ``ch`` and ``fs``): with ``t = year - 2021`` and a slope
``beta`` on the logit scale per year, the share of "good" answers ``p0`` among the children
who answered becomes ``p1 = expit(logit(p0) + beta * t)``; the difference is made by turning
a random ``(p1 - p0) / (1 - p0)`` of the "bad" answers good (later years) or a random
``(p0 - p1) / p0`` of the good answers bad (earlier years). Stunting moves by shifting the
height-for-age z-score by ``0.02 * t``. Slopes (:data:`TRENDS`): birth registration +0.05,
DTP3/PCV3/MCV1 +0.06, health insurance +0.08, violent discipline -0.04 (falls over time).
Other indicators only differ by sampling noise. The numbers are invented: they make the
dashboards' trend charts look plausible, they do not describe Viet Nam.

>>> rounds = generate_rounds(2, households=480, seed=1)
>>> [r.code for r in rounds]
['SYN-2024', 'SYN-2025']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from baove.synth.survey import generate_survey

__all__ = ["BASE_YEAR", "ROUND_YEARS", "TRENDS", "SurveyRound", "generate_rounds"]

#: The year the behavioural model is calibrated to (MICS6 fieldwork 2020-21).
BASE_YEAR = 2021
#: Reference years of the synthetic rounds (real Viet Nam MICS years plus invented ones).
ROUND_YEARS: tuple[int, ...] = (2006, 2008, 2011, 2014, 2016, 2018, 2021, 2023, 2024, 2025)
#: Logit slope per year of the "good" answer, by outcome (see the module docstring).
TRENDS: dict[str, float] = {
    "birth_reg": 0.05,
    "DTP3": 0.06,
    "PCV3": 0.06,
    "MCV1": 0.06,
    "UB9": 0.08,
    "no_violence": 0.04,
}
HAZ_SHIFT_PER_YEAR = 0.02
_VIOLENT_ITEMS = tuple("CDFGHIJK")

B = npt.NDArray[np.bool_]
F = npt.NDArray[np.float64]


@dataclass(frozen=True)
class SurveyRound:
    """One synthetic survey round.

    Attributes:
        code: round code, ``SYN-<year>`` (``SYN`` says it is synthetic).
        year: reference year.
        label: a human label that says the data are synthetic.
        files: the six survey files (``hh``, ``hl``, ``ch``, ``fs``, ``wm``, ``mn``).
    """

    code: str
    year: int
    label: str
    files: dict[str, pd.DataFrame]


def _num(frame: pd.DataFrame, column: str) -> F:
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _move(
    rng: np.random.Generator,
    answered: B,
    good: B,
    beta: float,
    t: int,
    make_good: Callable[[B], None],
    make_bad: Callable[[B], None],
) -> None:
    """Turn a random part of the answers good or bad so the good share follows the trend."""
    n = int(answered.sum())
    if n == 0 or t == 0:
        return
    p0 = float((good & answered).sum()) / n
    if p0 <= 0.0 or p0 >= 1.0:
        return
    p1 = 1.0 / (1.0 + np.exp(-(np.log(p0 / (1.0 - p0)) + beta * t)))
    draw = rng.random(len(answered))
    if p1 > p0:
        make_good(answered & ~good & (draw < (p1 - p0) / (1.0 - p0)))
    else:
        make_bad(answered & good & (draw < (p0 - p1) / p0))


def _trend_child_file(ch: pd.DataFrame, year: int, rng: np.random.Generator) -> pd.DataFrame:
    ch = ch.copy()
    t = year - BASE_YEAR

    br1, br2 = _num(ch, "BR1"), _num(ch, "BR2")

    def register(rows: B) -> None:
        ch.loc[rows, "BR2"] = 1.0
        ch.loc[rows & ~np.isin(br1, (1.0, 2.0)), "BR1"] = 3.0

    def unregister(rows: B) -> None:
        ch.loc[rows, "BR1"] = 3.0
        ch.loc[rows, "BR2"] = 2.0

    registered = np.isin(br1, (1.0, 2.0)) | (br2 == 1.0)
    _move(rng, ~np.isnan(br1), registered, TRENDS["birth_reg"], t, register, unregister)

    for column in ("DTP3", "PCV3", "MCV1", "UB9"):
        if column not in ch.columns:
            continue
        values = _num(ch, column)

        def set_to(code: float, col: str = column) -> Callable[[B], None]:
            return lambda rows: ch.__setitem__(col, ch[col].mask(rows, code))

        _move(rng, ~np.isnan(values), values == 1.0, TRENDS[column], t, set_to(1.0), set_to(2.0))

    if "HAZ2" in ch.columns:
        ch["HAZ2"] = pd.to_numeric(ch["HAZ2"], errors="coerce") + HAZ_SHIFT_PER_YEAR * t

    _trend_violence(ch, "UCD2", t, rng)
    return ch


def _trend_violence(frame: pd.DataFrame, prefix: str, t: int, rng: np.random.Generator) -> None:
    """Move the share of children with no violent discipline (items C, D, F-K), in place."""
    columns = [f"{prefix}{c}" for c in _VIOLENT_ITEMS if f"{prefix}{c}" in frame.columns]
    if not columns:
        return
    items = np.column_stack([_num(frame, c) for c in columns])
    answered: B = np.asarray(~np.isnan(items).all(axis=1), dtype=bool)
    violent: B = np.asarray((items == 1.0).any(axis=1), dtype=bool)

    def calm(rows: B) -> None:
        for c in columns:
            frame.loc[rows & (_num(frame, c) == 1.0), c] = 2.0

    def shout(rows: B) -> None:
        frame.loc[rows, f"{prefix}D"] = 1.0  # item D: shouted, yelled or screamed at

    _move(rng, answered, ~violent, TRENDS["no_violence"], t, calm, shout)


def generate_rounds(n: int = 10, households: int = 2_000, seed: int = 0) -> list[SurveyRound]:
    """Generate ``n`` synthetic survey rounds, oldest first, with the trends of the module.

    Args:
        n: number of rounds (1-10): the last ``n`` of :data:`ROUND_YEARS`.
        households: sample households per round (see ``generate_survey``).
        seed: base seed; round ``i`` uses ``seed * 1000 + year``.

    Returns:
        The rounds, oldest first.

    Raises:
        ValueError: ``n`` outside 1-10.
    """
    if not 1 <= n <= len(ROUND_YEARS):
        raise ValueError(f"n must be between 1 and {len(ROUND_YEARS)}, got {n}")
    out: list[SurveyRound] = []
    for year in ROUND_YEARS[-n:]:
        round_seed = seed * 1000 + year
        survey = generate_survey(households=households, seed=round_seed)
        files = dict(survey.files)
        rng = np.random.default_rng([round_seed, 77])
        files["ch"] = _trend_child_file(files["ch"], year, rng)
        files["fs"] = files["fs"].copy()
        _trend_violence(files["fs"], "FCD2", year - BASE_YEAR, rng)
        out.append(
            SurveyRound(
                code=f"SYN-{year}",
                year=year,
                label=f"Synthetic survey {year} (not real data)",
                files=files,
            )
        )
    return out
