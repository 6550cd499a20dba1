"""Read published indicator results (the shared contract of issue 6).

Results change only when a round is published, so pages read one in-process snapshot of the
whole store (a few tens of thousands of rows at most) and slice it with pandas; the snapshot
is rebuilt when the store's version (rounds, their publication times and row counts) moves.
Each web process checks the version with one small aggregate query per request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from django.db.models import Count, Max, Sum

from baove.dashboards.models import IndicatorResult, IndicatorRound
from baove.indicators.compute import PUBLISHED_COLUMNS

__all__ = [
    "COLUMNS",
    "RoundInfo",
    "Snapshot",
    "latest_round",
    "results_frame",
    "rounds",
    "snapshot",
    "store_version",
]

#: Columns of :func:`results_frame`, in order (compute_survey's long format + source/round/year).
COLUMNS: tuple[str, ...] = PUBLISHED_COLUMNS
T = TypeVar("T")
#: Page computations kept per snapshot (indicator x round x language, province x round ...).
MEMO_SIZE = 2_000
_FLOATS = ("estimate", "se", "ci_low", "ci_high", "deff", "n_weighted")


def _frame(rows: Sequence[tuple[Any, ...]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(list(rows), columns=list(COLUMNS))
    for column in _FLOATS:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    frame["year"] = frame["year"].astype("int64")
    frame["n_unweighted"] = frame["n_unweighted"].astype("int64")
    for column in ("indicator", "source", "round", "by", "domain", "flag"):
        frame[column] = frame[column].astype(object)
    return frame


def results_frame(
    *,
    indicators: Sequence[str] | None = None,
    rounds: Sequence[str] | None = None,
    sources: Sequence[str] | None = None,
    by: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Return published results as a long frame (one row per indicator x round x domain).

    Args:
        indicators: keep only these indicator ids (default: all).
        rounds: keep only these round codes.
        sources: keep only these sources ("survey", "government", "ngo").
        by: keep only these disaggregations ("total", "sex", "province", ...).

    Returns:
        A frame with exactly the columns :data:`COLUMNS`, ordered by indicator, year and
        round, then as published (total first, then each disaggregation); numbers are
        float (NaN for none), ``n_unweighted`` int.
    """
    query = IndicatorResult.objects.all()
    if indicators is not None:
        query = query.filter(indicator__in=list(indicators))
    if rounds is not None:
        query = query.filter(round__in=list(rounds))
    if sources is not None:
        query = query.filter(source__in=list(sources))
    if by is not None:
        query = query.filter(by__in=list(by))
    rows = query.order_by("indicator", "year", "round", "pk").values_list(*COLUMNS)
    return _frame(list(rows))


def latest_round(source: str = "survey") -> str | None:
    """Return the code of the most recent round of ``source`` (by year), or None."""
    found = (
        IndicatorRound.objects.filter(source=source)
        .order_by("-year", "-published_at")
        .values_list("code", flat=True)
        .first()
    )
    return found


def rounds() -> list[tuple[str, int]]:
    """Return every published round as ``(code, year)``, oldest first."""
    return list(IndicatorRound.objects.order_by("year", "code").values_list("code", "year"))


def store_version() -> tuple[int, str, int]:
    """Return a value that changes whenever a round is published, replaced or removed."""
    agg = IndicatorRound.objects.aggregate(
        n=Count("id"), last=Max("published_at"), rows=Sum("rows")
    )
    last = agg["last"].isoformat() if agg["last"] is not None else ""
    return (int(agg["n"] or 0), last, int(agg["rows"] or 0))


@dataclass(frozen=True)
class RoundInfo:
    """What pages show about a round."""

    code: str
    source: str
    year: int
    label: str
    synthetic: bool


@dataclass(frozen=True)
class Snapshot:
    """Every published result and round, as read at one store version."""

    version: tuple[int, str, int]
    results: pd.DataFrame
    rounds: dict[str, RoundInfo]
    _memo: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """Return ``build()``, computed once per key for this snapshot (results are fixed)."""
        try:
            found: T = self._memo[key]
            return found
        except KeyError:
            pass
        value = build()
        if len(self._memo) >= MEMO_SIZE:
            self._memo.clear()  # crude but bounded; a publish replaces the snapshot anyway
        self._memo[key] = value
        return value

    def province_rows(self, code: str) -> pd.DataFrame:
        """Every ``by="province"`` row of one province (indexed once per snapshot)."""
        index: dict[str, pd.DataFrame] = self.memo(
            "province_rows",
            lambda: {
                str(k): g
                for k, g in self.results[self.results["by"] == "province"].groupby(
                    "domain", sort=False
                )
            },
        )
        return index.get(code, self.results.iloc[:0])

    def indicator_ids(self) -> set[str]:
        """Ids of the indicators with at least one published result."""
        return set(self.results["indicator"].unique())

    def select(self, **equal: Any) -> pd.DataFrame:
        """Rows whose columns equal the given values (``indicator="birth_reg", by="sex"``)."""
        frame = self.results
        mask = np.ones(len(frame), dtype=bool)
        for column, value in equal.items():
            mask &= (frame[column] == value).to_numpy()
        return frame.loc[mask]


_lock = threading.Lock()
_current: Snapshot | None = None


def snapshot() -> Snapshot:
    """Return the snapshot of the store at its current version (rebuilt after a publish)."""
    global _current
    version = store_version()
    current = _current
    if current is not None and current.version == version:
        return current
    with _lock:
        if _current is not None and _current.version == version:
            return _current
        infos = {
            r.code: RoundInfo(r.code, r.source, r.year, r.label, r.synthetic)
            for r in IndicatorRound.objects.all()
        }
        rows = IndicatorResult.objects.order_by("indicator", "year", "round", "pk").values_list(
            *COLUMNS
        )
        _current = Snapshot(version=version, results=_frame(list(rows)), rounds=infos)
        return _current
