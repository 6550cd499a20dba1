"""JSON API of the dashboards app (mounted under ``/api/indicators``).

Published aggregates only (no personal data): the catalogue with metadata, one indicator's
results by disaggregation and round, and a province's scorecard. Every operation needs
INDICATOR_VIEW (403 otherwise); unknown indicators, rounds and provinces answer 404, bad
parameters 422, in the API's one error format.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from ninja import Field, P, PathEx, Query, Router, Schema

from baove.accounts.roles import Perm, require
from baove.api.auth import user_of
from baove.api.schemas import responses
from baove.core.errors import NotFound
from baove.dashboards import pages
from baove.dashboards.store import snapshot
from baove.indicators.catalogue import CATALOGUE, STANDARD_DISAGGREGATIONS

router = Router(tags=["dashboards"])

IndicatorId = PathEx[str, P(pattern=r"^[a-z0-9_]{1,60}$", description="Catalogue id.")]
ProvinceCode = PathEx[str, P(pattern=r"^[0-9]{2}$", description="2025 province code.")]
_NOT_FOUND = _("There is no such indicator, round or province.")


class IndicatorOut(Schema):
    """An indicator of the catalogue and what is published about it."""

    id: str
    name: str
    name_vi: str
    name_en: str
    family: str
    sdg: str | None
    sdmx_dataflow: str | None
    sdmx_code: str | None
    national_code: str | None
    mics_table: str | None
    unit: str
    definition: str
    numerator: str
    denominator: str
    population: str
    age_range: str
    reference_period: str
    disaggregations: list[str]
    rounds: list[str] = Field(description="Rounds with published results, newest first.")


class ResultOut(Schema):
    """One published figure (proportions 0-1; ``text`` is the MICS display, in %)."""

    round: str
    year: int
    source: str
    by: str
    domain: str
    label: str
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    n_unweighted: int
    flag: str
    text: str


class ResultsOut(Schema):
    """Results of one indicator."""

    indicator: str
    results: list[ResultOut]


class ResultsQuery(Schema):
    """Filters of the results endpoint."""

    by: str | None = Field(
        None,
        pattern=r"^(total|" + "|".join(STANDARD_DISAGGREGATIONS) + ")$",
        description="A disaggregation (total, sex, province, ...); default: all.",
    )
    round: str | None = Field(
        None, pattern=r"^[A-Z0-9][A-Z0-9_-]{0,39}$", description="A round code; default: all."
    )


class FigureOut(Schema):
    """A figure as shown on the scorecard (percent)."""

    value: float | None
    ci_low: float | None
    ci_high: float | None
    n_unweighted: int
    flag: str
    text: str


class ScorecardRowOut(Schema):
    """One indicator on a province's scorecard."""

    indicator: str
    name: str
    province: FigureOut
    national: FigureOut | None
    comparison: str = Field(description="higher, lower, same (not significant) or na.")
    target_status: str | None = Field(
        description="achieved, on_track, off_track, insufficient_data; null: no target."
    )
    target: dict[str, Any] | None


class ScorecardOut(Schema):
    """A province's scorecard for one survey round."""

    province: str
    name: str
    round: str | None
    synthetic: bool
    rows: list[ScorecardRowOut]


class ScorecardQuery(Schema):
    """Filters of the scorecard endpoint."""

    round: str | None = Field(None, pattern=r"^[A-Z0-9][A-Z0-9_-]{0,39}$")


def _figure_out(fig: pages.Figure) -> FigureOut:
    return FigureOut(
        value=fig.value,
        ci_low=fig.low,
        ci_high=fig.high,
        n_unweighted=fig.n,
        flag=fig.flag,
        text=fig.text,
    )


def _none(value: Any) -> float | None:
    return None if value is None or value != value else float(value)


@router.get("", response=responses(200, list[IndicatorOut]))
def list_indicators(request: HttpRequest) -> list[IndicatorOut]:
    """The indicator catalogue with metadata and the rounds that published each indicator."""
    require(user_of(request), Perm.INDICATOR_VIEW)
    lang = pages.lang_of(get_language())
    snap = snapshot()
    return [
        IndicatorOut(
            **pages.metadata(ind, lang), rounds=[r.code for r in pages.rounds_for(snap, ind.id)]
        )
        for ind in CATALOGUE.values()
    ]


@router.get("/{indicator_id}/results", response=responses(200, ResultsOut))
def indicator_results(
    request: HttpRequest, indicator_id: IndicatorId, filters: Query[ResultsQuery]
) -> ResultsOut:
    """Published results of one indicator, optionally one disaggregation (``by``) and round."""
    require(user_of(request), Perm.INDICATOR_VIEW)
    if indicator_id not in CATALOGUE:
        raise NotFound(_NOT_FOUND)
    snap = snapshot()
    if filters.round is not None and filters.round not in snap.rounds:
        raise NotFound(_NOT_FOUND)
    lang = pages.lang_of(get_language())
    wanted: dict[str, Any] = {"indicator": indicator_id}
    if filters.by is not None:
        wanted["by"] = filters.by
    if filters.round is not None:
        wanted["round"] = filters.round
    out = []
    for row in pages._rows(snap.select(**wanted)):
        fig = pages.figure(row)
        hidden = fig.value is None  # suppressed or empty: the number is not published
        out.append(
            ResultOut(
                round=row["round"],
                year=int(row["year"]),
                source=row["source"],
                by=row["by"],
                domain=row["domain"],
                label=pages.domain_label(row["by"], row["domain"], lang),
                estimate=None if hidden else _none(row["estimate"]),
                se=None if hidden else _none(row["se"]),
                ci_low=None if hidden else _none(row["ci_low"]),
                ci_high=None if hidden else _none(row["ci_high"]),
                n_unweighted=int(row["n_unweighted"]),
                flag=fig.flag,
                text=fig.text,
            )
        )
    return ResultsOut(indicator=indicator_id, results=out)


@router.get("/provinces/{code}/scorecard", response=responses(200, ScorecardOut))
def province_scorecard(
    request: HttpRequest, code: ProvinceCode, filters: Query[ScorecardQuery]
) -> ScorecardOut:
    """A province against the nation and the National Action Programme targets."""
    require(user_of(request), Perm.INDICATOR_VIEW)
    names = pages.province_names()
    if code not in names:
        raise NotFound(_NOT_FOUND)
    snap = snapshot()
    lang = pages.lang_of(get_language())
    round_code = filters.round
    if round_code is not None:
        info = snap.rounds.get(round_code)
        if info is None or info.source != "survey":
            raise NotFound(_NOT_FOUND)
    else:
        surveys = [r for r in snap.rounds.values() if r.source == "survey"]
        round_code = max(surveys, key=lambda r: (r.year, r.code)).code if surveys else None
    rows = pages.scorecard(snap, code, round_code, lang) if round_code else []
    return ScorecardOut(
        province=code,
        name=names[code][lang],
        round=round_code,
        synthetic=bool(round_code and snap.rounds[round_code].synthetic),
        rows=[
            ScorecardRowOut(
                indicator=r["indicator"].id,
                name=r["name"],
                province=_figure_out(r["figure"]),
                national=_figure_out(r["national"]) if r["national"] else None,
                comparison=r["comparison"],
                target_status=r["progress"].status if r["progress"] else None,
                target=r["progress"].as_dict() if r["progress"] else None,
            )
            for r in rows
        ],
    )
