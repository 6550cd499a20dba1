"""Aggregate statistics (no names) and the audit log."""

from typing import Any, Literal

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from baove.accounts.roles import Perm, require
from baove.api.auth import user_of
from baove.api.pagination import PagePagination
from baove.api.schemas import AuditEventOut, AuditQuery, StatCellOut, StatsOut, responses
from baove.audit.log import record
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
    user = user_of(request)
    require(user, Perm.AUDIT_VIEW)
    events = AuditEvent.objects.all()
    if filters.actor:
        events = events.filter(actor_username=filters.actor)
    if filters.action:
        if filters.action.endswith("."):
            events = events.filter(action__startswith=filters.action)
        else:
            events = events.filter(action=filters.action)
    if filters.case_id is not None:
        events = events.filter(case_id=filters.case_id)
    if filters.child_id is not None:
        events = events.filter(child_id=filters.child_id)
    if filters.channel:
        events = events.filter(channel=filters.channel)
    if filters.since is not None:
        events = events.filter(at__gte=filters.since)
    if filters.until is not None:
        events = events.filter(at__lt=filters.until)
    used: dict[str, Any] = filters.model_dump(mode="json", exclude_none=True)
    # Who searched the log, for what, is part of the log (there is no audit read helper).
    record(user, "audit.view", object_type="audit", details={"filters": used})
    return events.order_by("-at", "-id")
