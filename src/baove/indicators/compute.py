"""Compute catalogue indicators from MICS-style survey files, all disaggregations in one pass.

For each family of indicators (those sharing a ``derive`` function, e.g. the four violent
discipline series) the analysis frame is derived once and the engine is called once, with the
whole population plus every allowed disaggregation as its own by-set. The engine computes all
cells of all by-sets from one pass over the rows, so the cost grows with the number of rows,
not with the number of cells.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from baove.indicators.catalogue import CATALOGUE, get
from baove.indicators.catalogue.codes import validate_codes
from baove.indicators.catalogue.model import (
    STANDARD_DISAGGREGATIONS,
    DeriveFn,
    DeriveOptions,
    IndicatorDef,
    ModaConfig,
)
from baove.indicators.survey import Design, Measure, estimate
from baove.indicators.survey.estimate import RESULT_NUMBER_COLUMNS

__all__ = ["PUBLISHED_COLUMNS", "RESULT_COLUMNS", "compute_survey"]

RESULT_COLUMNS = (
    "indicator",
    "sdg",
    "sdmx_code",
    "mics_table",
    "by",
    "domain",
    *RESULT_NUMBER_COLUMNS,
)
ENGINE_COLUMNS = RESULT_COLUMNS[6:]
#: Columns of a frame of published results (the dashboards' store, the reports): the
#: figures of :data:`RESULT_COLUMNS` with the source, survey round and reference year.
PUBLISHED_COLUMNS: tuple[str, ...] = ("indicator", "source", "round", "year", *RESULT_COLUMNS[4:])
LonelyPsu = Literal["fail", "adjust", "certainty", "remove"]


def _families(indicators: Sequence[IndicatorDef]) -> dict[DeriveFn, list[IndicatorDef]]:
    groups: dict[DeriveFn, list[IndicatorDef]] = {}
    for indicator in indicators:
        groups.setdefault(indicator.derive, []).append(indicator)
    return groups


def _reshape(
    result: pd.DataFrame, members: Sequence[IndicatorDef], by_names: Sequence[str]
) -> pd.DataFrame:
    """Engine result -> catalogue result rows (``by``/``domain`` as strings)."""
    by = result["by"].astype(str).to_numpy(dtype=object)
    domain = np.full(len(result), "Total", dtype=object)
    for name in by_names:
        mask = by == name
        domain[mask] = result.loc[mask, name].astype(str).to_numpy(dtype=object)
    by[by == ""] = "total"
    allowed = {(d.id, "total") for d in members}
    allowed |= {(d.id, name) for d in members for name in d.disaggregations}
    measure = result["measure"].astype(str).to_numpy(dtype=object)
    keep = np.fromiter(
        ((m, b) in allowed for m, b in zip(measure, by, strict=True)), dtype=bool, count=len(by)
    )
    meta = {d.id: d for d in members}
    out = pd.DataFrame(
        {
            "indicator": measure,
            "sdg": [meta[m].sdg for m in measure],
            "sdmx_code": [meta[m].sdmx_code for m in measure],
            "mics_table": [meta[m].mics_table for m in measure],
            "by": by,
            "domain": domain,
        }
    )
    for column in ENGINE_COLUMNS:
        out[column] = result[column].to_numpy()
    return out.loc[keep]


def _design_psus(files: Mapping[str, pd.DataFrame]) -> pd.DataFrame | None:
    """Every sampled cluster with its stratum, from the household file (when given)."""
    hh = files.get("hh")
    if hh is None or not {"stratum", "HH1"} <= set(hh.columns):
        return None
    return hh[["stratum", "HH1"]].dropna().drop_duplicates()


def _with_all_psus(frame: pd.DataFrame, universe: pd.DataFrame | None) -> pd.DataFrame:
    """Add one empty, zero-weight row for each sampled cluster the frame has no row in.

    A cluster with no child under 5 (or no interviewed woman) is still part of the sample;
    dropping it would estimate on a design other than the one drawn, and with two clusters
    in a stratum would leave a "stratum with one PSU". The added rows have no outcome and no
    domain, so they change no estimate, only the count of PSUs, as R's ``survey`` does when
    a subpopulation is estimated on the household design.
    """
    if universe is None or frame.empty:
        return frame
    present = frame[["stratum", "HH1"]].drop_duplicates()
    merged = universe.merge(present, on=["stratum", "HH1"], how="left", indicator=True)
    missing = merged.loc[merged["_merge"] == "left_only", ["stratum", "HH1"]]
    if missing.empty:
        return frame
    # reindexing an empty slice keeps categories and makes every value missing
    pad = frame.iloc[:0].reindex(range(len(missing)))
    pad["stratum"] = missing["stratum"].to_numpy()
    pad["HH1"] = missing["HH1"].to_numpy()
    pad["w"] = 0.0
    return pd.concat([frame, pad], ignore_index=True)


def compute_survey(
    files: Mapping[str, pd.DataFrame],
    *,
    ids: Sequence[str] | None = None,
    disaggregations: Sequence[str] | None = None,
    moda_k: int = 2,
    lonely_psu: LonelyPsu = "fail",
    moda_config: ModaConfig | None = None,
    ci_level: float = 0.95,
) -> pd.DataFrame:
    """Estimate catalogue indicators with design-based SEs for the total and each domain.

    Args:
        files: survey files by name ("hh", "hl", "ch", "fs", "wm", "mn"); only those the
            requested indicators use are needed.
        ids: indicator ids (default: the whole catalogue, in catalogue order).
        disaggregations: standard disaggregations to produce (default: all); each indicator
            gets those of them it allows.
        moda_k: MODA poverty cut-off (number of deprivations).
        lonely_psu: treatment of strata with a single PSU (as R's ``survey.lonely.psu``).
        moda_config: MODA deprivation cut-offs (default :class:`ModaConfig`).
        ci_level: confidence level of ``ci_low``/``ci_high``.

    Returns:
        A long frame with columns ``RESULT_COLUMNS``: one row per indicator x domain, the
        total first ("total"/"Total"), then each disaggregation in standard order. Estimates
        are proportions (0-1); empty domains have NaN numbers and flag "-".

    Raises:
        KeyError: an unknown indicator id.
        ValueError: an unknown disaggregation name or ``moda_k`` below 1.
        SurveyInputError: a missing file or variable, or bad design data.
    """
    indicators = list(CATALOGUE.values()) if ids is None else [get(i) for i in ids]
    if disaggregations is None:
        requested = set(STANDARD_DISAGGREGATIONS)
    else:
        requested = set(disaggregations)
        unknown = requested - set(STANDARD_DISAGGREGATIONS)
        if unknown:
            raise ValueError(
                f"unknown disaggregations {sorted(unknown)}; "
                f"known: {', '.join(STANDARD_DISAGGREGATIONS)}"
            )
    if moda_k < 1:
        raise ValueError(f"moda_k must be at least 1, got {moda_k}")
    options = DeriveOptions(moda_k=moda_k, moda=moda_config or ModaConfig())
    design = Design(weight="w", strata="stratum", psu="HH1", lonely_psu=lonely_psu)
    validate_codes(files, dict.fromkeys(f for d in indicators for f in d.files))
    universe = _design_psus(files)
    parts: list[pd.DataFrame] = []
    for derive, members in _families(indicators).items():
        frame = _with_all_psus(derive(files, options), universe)
        allowed = {name for d in members for name in d.disaggregations} & requested
        by_names = [name for name in STANDARD_DISAGGREGATIONS if name in allowed]
        measures = [Measure(name=d.id, kind=d.kind, y=d.column, x=d.x) for d in members]
        source = "+".join(dict.fromkeys(f for d in members for f in d.files))
        result = estimate(
            frame,
            design,
            measures,
            [(), *((name,) for name in by_names)],
            ci_level=ci_level,
            source=source,
        )
        parts.append(_reshape(result, members, by_names))
    if not parts:
        return pd.DataFrame(columns=list(RESULT_COLUMNS))
    out = pd.concat(parts, ignore_index=True)
    # catalogue order of indicators, then total and the standard order of disaggregations;
    # the engine already lists domains in category order and the sort is stable
    rank = {d.id: i for i, d in enumerate(indicators)}
    by_rank = {name: i + 1 for i, name in enumerate(STANDARD_DISAGGREGATIONS)} | {"total": 0}
    key = out["indicator"].map(rank).to_numpy() * 100 + out["by"].map(by_rank).to_numpy()
    out = out.iloc[np.argsort(key, kind="stable")].reset_index(drop=True)
    return out[list(RESULT_COLUMNS)]
