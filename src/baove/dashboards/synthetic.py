"""Synthetic rounds for the demo and the benchmark (clearly labelled, no real data).

* :func:`publish_synthetic_rounds`: survey rounds from :func:`baove.synth.rounds.generate_rounds`
  computed with the real engine (:func:`baove.indicators.compute_survey`).
* :func:`bench_frame` / :func:`publish_bench`: invented numbers inserted directly, for volume
  (20 indicators x 34 provinces x 10 rounds and every disaggregation) in a few seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from baove.dashboards.actions import publish_results
from baove.dashboards.models import IndicatorRound, Source
from baove.indicators import compute_survey
from baove.indicators.catalogue import CATALOGUE, STANDARD_DISAGGREGATIONS
from baove.indicators.catalogue.model import (
    AREA_CATEGORIES,
    DISABILITY_CATEGORIES,
    ETHNICITY_CATEGORIES,
    MOTHER_EDU_CATEGORIES,
    REGION_CATEGORIES,
    SEX_CATEGORIES,
    WEALTH_CATEGORIES,
)
from baove.synth.rounds import ROUND_YEARS, generate_rounds

if TYPE_CHECKING:
    from baove.accounts.models import User

__all__ = ["bench_frame", "publish_bench", "publish_synthetic_rounds"]

Say = Callable[[str], None]


def _provinces() -> tuple[str, ...]:
    from vietnam_provinces import Province

    return tuple(sorted(f"{int(p.code):02d}" for p in Province.iter_all()))


def publish_synthetic_rounds(
    *,
    n: int = 10,
    households: int = 2_000,
    seed: int = 0,
    acting_user: User | None = None,
    say: Say | None = None,
) -> list[IndicatorRound]:
    """Compute synthetic survey rounds with the real engine and publish each (``SYN-<year>``).

    Args:
        n: number of rounds (1-10, the most recent years).
        households: sample households per round.
        seed: base seed.
        acting_user: who publishes (None: the system).
        say: progress callback (one line per round).

    Returns:
        The published rounds, oldest first.
    """
    out: list[IndicatorRound] = []
    for survey in generate_rounds(n, households=households, seed=seed):
        results = compute_survey(survey.files)
        published = publish_results(
            results,
            source=Source.SURVEY,
            round=survey.code,
            year=survey.year,
            acting_user=acting_user,
            label=survey.label,
            synthetic=True,
        )
        out.append(published)
        if say is not None:
            say(f"{survey.code}: {published.rows:,} results")
    return out


def _domains(indicator: str) -> list[tuple[str, str]]:
    definition = CATALOGUE[indicator]
    categories: dict[str, Sequence[str]] = {
        "sex": SEX_CATEGORIES,
        "age_group": definition.age_groups,
        "region": REGION_CATEGORIES,
        "province": _provinces(),
        "area": AREA_CATEGORIES,
        "ethnicity": ETHNICITY_CATEGORIES,
        "wealth": WEALTH_CATEGORIES,
        "disability": DISABILITY_CATEGORIES,
        "mother_edu": MOTHER_EDU_CATEGORIES,
    }
    out = [("total", "Total")]
    for by in STANDARD_DISAGGREGATIONS:
        if by in definition.disaggregations:
            out += [(by, code) for code in categories[by]]
    return out


def bench_frame(indicators: Sequence[str], year: int, seed: int = 0) -> pd.DataFrame:
    """Invented results for one round: every allowed domain of each indicator.

    Values drift with the year around an indicator-specific level; case counts vary so that
    some province cells are parenthesised (25-49 cases) or suppressed (under 25).

    Args:
        indicators: catalogue ids.
        year: the round's year (sets the trend).
        seed: random seed (the same arguments give the same frame).

    Returns:
        A ``compute_survey``-style frame (numbers only meaningful as load).
    """
    rng = np.random.default_rng([seed, year])
    rows: list[dict[str, object]] = []
    for position, indicator in enumerate(indicators):
        level = 0.15 + 0.7 * ((position * 37) % 100) / 100
        trend = 0.01 * (year - 2016) * (1 if position % 2 else -1)
        for by, domain in _domains(indicator):
            if by != "province":
                n = int(rng.integers(300, 4000))
            else:  # about 1 province in 10 suppressed, 1 in 7 in parentheses
                u = float(rng.random())
                n = int(rng.integers(10, 25) if u < 0.1 else rng.integers(25, 50) if u < 0.25
                        else rng.integers(50, 400))  # fmt: skip
            p = float(np.clip(level + trend + rng.normal(0, 0.05), 0.01, 0.99))
            se = float(np.sqrt(p * (1 - p) / n) * 1.3)
            flag = "*" if n < 25 else "()" if n < 50 else ""
            rows.append(
                {
                    "indicator": indicator,
                    "by": by,
                    "domain": domain,
                    "estimate": p,
                    "se": se,
                    "ci_low": max(0.0, p - 1.96 * se),
                    "ci_high": min(1.0, p + 1.96 * se),
                    "deff": 1.69,
                    "n_unweighted": n,
                    "n_weighted": n * 250.0,
                    "flag": flag,
                }
            )
    return pd.DataFrame(rows)


def publish_bench(
    *, indicators: int = 20, rounds: int = 10, seed: int = 0, say: Say | None = None
) -> list[IndicatorRound]:
    """Publish benchmark rounds ``BENCH-<year>`` of invented numbers (marked synthetic).

    Args:
        indicators: how many catalogue indicators (the first ones with a province breakdown).
        rounds: how many rounds (1-10).
        seed: random seed.
        say: progress callback.

    Returns:
        The published rounds.
    """
    ids = [i for i, d in CATALOGUE.items() if "province" in d.disaggregations][:indicators]
    out = []
    for year in ROUND_YEARS[-rounds:]:
        published = publish_results(
            bench_frame(ids, year, seed),
            source=Source.SURVEY,
            round=f"BENCH-{year}",
            year=year,
            acting_user=None,
            label=f"Benchmark data {year} (invented numbers)",
            synthetic=True,
        )
        out.append(published)
        if say is not None:
            say(f"{published.code}: {published.rows:,} results")
    return out
