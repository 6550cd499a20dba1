"""JSON API of the monitoring app (mounted under ``/api/monitoring``)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from baove.api.auth import user_of
from baove.api.schemas import responses
from baove.monitoring import reads

router = Router(tags=["monitoring"])


class DurationsOut(Schema):
    n: int | None
    median_hours: float | None
    p90_hours: float | None


class WorkerOut(Schema):
    user_id: int
    name: str
    open: int
    overdue: int


class MonthOut(Schema):
    month: str
    reports: int | None


class SummaryOut(Schema):
    scope: str
    province: str | None
    min_cell: int | None
    generated_at: dt.datetime
    open_total: int | None
    stage_risk: dict[str, dict[str, int | None]]
    stage_totals: dict[str, int | None]
    risk_totals: dict[str, int | None]
    overdue_cases: int | None
    response_cases: DurationsOut
    referrals_available: bool
    overdue_referrals: int | None
    response_referrals: DurationsOut | None
    placements: dict[str, int | None] | None
    caseload: list[WorkerOut] | None
    trend: list[MonthOut]


@router.get("/summary", response=responses(200, SummaryOut))
def monitoring_summary(request: HttpRequest, province: str | None = None) -> SummaryOut:
    """The case management dashboard's numbers (the same as the page).

    Managers get their own province (``province`` is ignored); national analysts the
    country or ``province``, with cells below ``min_cell`` null. ``null`` elsewhere means
    suppressed or, for referrals and placements, not part of this installation.
    """
    wanted = (province or "").strip()
    if wanted and not (wanted.isascii() and wanted.isdigit() and len(wanted) == 2):
        wanted = "xx"  # unknown: the read answers 404 for analysts, managers ignore it
    data = reads.summary(user_of(request), province=wanted or None).as_dict()
    data["trend"] = [{"month": m, "reports": v} for m, v in data["trend"]]
    return SummaryOut(**data)
