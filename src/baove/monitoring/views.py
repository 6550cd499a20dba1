"""The case management dashboard page (managers: their province; analysts: suppressed)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from baove.accounts.models import User
from baove.cases.vocab import RiskLevel, Status
from baove.core.errors import ActionNotAllowed, NotFound
from baove.geo.models import Province
from baove.monitoring import charts, reads


def _placement_labels() -> dict[str, str]:
    try:
        from baove.placements.vocab import PlacementType
    except ImportError:
        return {}
    return {v: str(label) for v, label in PlacementType.choices}


def _month(code: str) -> str:
    year, _sep, month = code.partition("-")
    return f"{month}/{year}"


def _hours(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 48:
        return _("%(n).1f days") % {"n": value / 24}
    return _("%(n).1f hours") % {"n": value}


def context_for(summary: reads.Summary) -> dict[str, Any]:
    """Return the template context of a summary: labels, tables and charts."""
    stages = dict(Status.choices)
    risks = dict(RiskLevel.choices)
    hidden = f"<{summary.min_cell}" if summary.min_cell else "–"
    crosstab = [
        {
            "label": stages[s],
            "cells": [summary.stage_risk[s][r] for r in reads.RISKS],
            "total": summary.stage_totals[s],
        }
        for s in reads.STAGES
    ]
    placement_labels = _placement_labels()
    placements = [(placement_labels.get(k, k), v) for k, v in (summary.placements or {}).items()]
    trend = [(_month(k), v) for k, v in summary.trend]
    return {
        "summary": summary,
        "risk_labels": [risks[r] for r in reads.RISKS],
        "crosstab": crosstab,
        "risk_totals": [summary.risk_totals[r] for r in reads.RISKS],
        "hidden": hidden,
        "placements": placements,
        "trend": trend,
        "response_cases": {
            "median": _hours(summary.response_cases.median_hours),
            "p90": _hours(summary.response_cases.p90_hours),
        },
        "response_referrals": (
            {
                "median": _hours(summary.response_referrals.median_hours),
                "p90": _hours(summary.response_referrals.p90_hours),
            }
            if summary.response_referrals
            else None
        ),
        "stage_chart": charts.bar_chart(
            chart_id="chart-stage",
            title=_("Open cases by stage"),
            items=[(str(stages[s]), summary.stage_totals[s]) for s in reads.STAGES],
            suppressed=hidden,
        ),
        "risk_chart": charts.bar_chart(
            chart_id="chart-risk",
            title=_("Open cases by risk level"),
            items=[(str(risks[r]), summary.risk_totals[r]) for r in reads.RISKS],
            suppressed=hidden,
        ),
        "trend_chart": charts.column_chart(
            chart_id="chart-trend",
            title=_("New reports by month"),
            items=trend,
            suppressed=hidden,
        ),
        "placement_chart": (
            charts.bar_chart(
                chart_id="chart-placements",
                title=_("Active placements by type"),
                items=placements,
                suppressed=hidden,
            )
            if placements
            else None
        ),
    }


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard; analysts may pick a province with ``?province=``."""
    user = request.user
    if not isinstance(user, User):
        return render(request, "403.html", status=403)
    wanted = (request.GET.get("province") or "").strip()
    if not (wanted.isascii() and wanted.isdigit() and len(wanted) == 2):
        wanted = ""
    try:
        summary = reads.summary(user, province=wanted or None)
    except ActionNotAllowed:
        return render(request, "403.html", status=403)
    except NotFound:
        return render(request, "404.html", status=404)
    context = context_for(summary)
    if summary.scope == "national" or summary.min_cell is not None:
        context["provinces"] = list(Province.objects.order_by("name").values_list("code", "name"))
    if summary.province:
        context["province_name"] = Province.objects.filter(code=summary.province).first()
    return render(request, "monitoring/dashboard.html", context)
