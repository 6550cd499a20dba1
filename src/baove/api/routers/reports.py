"""Aggregate statistics (no names) and the audit log."""

from typing import Literal

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from baove.api.auth import user_of
from baove.api.pagination import PagePagination
from baove.api.schemas import AuditEventOut, AuditQuery, StatCellOut, StatsOut, responses
from baove.audit import reads as audit_reads
from baove.audit.models import AuditEvent
from baove.cases import reads
from baove.cases.vocab import Category, RiskLevel, Status
from baove.geo.models import Province

router = Router(tags=["reports"])

StatsBy = Literal["province", "status", "risk", "category"]


def _labels(by: StatsBy, keys: list[str]) -> dict[str, str]:
    if by == "province":
        return dict(Province.objects.filter(code__in=keys).values_list("code", "name"))
    choices = {"status": Status.choices, "risk": RiskLevel.choices, "category": Category.choices}
    return {value: str(label) for value, label in choices[by]}


@router.get("/stats/cases", response=responses(200, StatsOut))
def case_stats(request: HttpRequest, by: StatsBy = "province") -> StatsOut:
    """Open cases counted by province, stage, risk level or category.

    Managers get their province, analysts the whole country. Counts smaller than
    ``min_cell`` are suppressed (``count`` null, ``suppressed`` true) so that no child can
    be singled out; no names are ever part of this answer.
    """
    cells = reads.case_counts(user_of(request), by=by)
    keys = [cell.key[by] for cell in cells]
    labels = _labels(by, keys)
    return StatsOut(
        by=by,
        min_cell=settings.BAOVE_MIN_CELL,
        cells=[
            StatCellOut(
                key=key,
                label=labels.get(key, key),
                count=cell.value,
                suppressed=cell.value is None,
            )
            for key, cell in zip(keys, cells, strict=True)
        ],
    )


@router.get("/audit", response=responses(200, list[AuditEventOut]))
@paginate(PagePagination)
def audit_events(request: HttpRequest, filters: Query[AuditQuery]) -> QuerySet[AuditEvent]:
    """The audit log, newest first (auditors only). Each search is itself audited.

    ``action`` matches exactly, or as a prefix when it ends with a dot (``case.``);
    ``since`` and ``until`` bound the time (``until`` excluded).
    """
    return audit_reads.audit_events(
        user_of(request), audit_reads.AuditFilter(**filters.model_dump())
    )
