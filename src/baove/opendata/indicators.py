"""Published indicator results, for the public: the figures and their MICS flags only."""

from __future__ import annotations

import logging
import math
from typing import Any

from django.core.cache import cache
from django.db import DatabaseError

logger = logging.getLogger(__name__)

_CACHE_KEY = "baove.opendata:indicators"


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def published_indicators(*, indicator: str | None = None) -> list[dict[str, Any]]:
    """Return the published indicator results, or [] when none are (or no store exists).

    Survey estimates are already aggregates with the MICS small-sample rules; figures based
    on fewer than 25 unweighted cases (flag ``*``) are withheld here, as MICS prints them
    as "(*)", and unweighted and weighted counts are left out of the public answer.
    """
    rows: list[dict[str, Any]] | None = cache.get(_CACHE_KEY)
    if rows is None:
        rows = _load()
        cache.set(_CACHE_KEY, rows, 600)
    if indicator is not None:
        return [r for r in rows if r["indicator"] == indicator]
    return rows


def _load() -> list[dict[str, Any]]:
    try:
        from baove.dashboards import store
        from baove.indicators import get, mics_display
    except ImportError:
        return []
    results_frame: Any = getattr(store, "results_frame", None)
    if results_frame is None:
        return []
    try:
        frame = results_frame()
    except (DatabaseError, LookupError, ValueError) as exc:
        logger.warning("indicator results unavailable: %s", exc)
        return []
    out: list[dict[str, Any]] = []
    for rec in frame.to_dict("records"):
        flag = "" if rec.get("flag") is None else str(rec.get("flag"))
        withheld = flag in {"*", "-"}
        n = int(_number(rec.get("n_unweighted")) or 0)
        estimate = _number(rec.get("estimate"))
        try:
            meta = get(str(rec["indicator"]))
            names = {"name_vi": meta.name_vi, "name_en": meta.name_en}
        except KeyError:  # an administrative indicator outside the survey catalogue
            names = {"name_vi": str(rec["indicator"]), "name_en": str(rec["indicator"])}
        out.append(
            {
                "indicator": str(rec["indicator"]),
                **names,
                "source": str(rec["source"]),
                "round": str(rec["round"]),
                "year": int(rec["year"]),
                "by": str(rec["by"]),
                "domain": str(rec["domain"]),
                "estimate": None if withheld else estimate,
                "ci_low": None if withheld else _number(rec.get("ci_low")),
                "ci_high": None if withheld else _number(rec.get("ci_high")),
                "flag": flag,
                "display": mics_display(
                    (estimate or math.nan) * 100 if estimate is not None else math.nan, n
                ),
            }
        )
    return out
