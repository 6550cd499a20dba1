"""Reading the audit log: auditors only, and every search of the log is itself logged."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from baove.accounts.roles import Perm, require
from baove.audit.log import record
from baove.audit.models import AuditEvent

if TYPE_CHECKING:
    from baove.accounts.models import User


@dataclass(frozen=True)
class AuditFilter:
    """What to look for in the log; None means any.

    ``action`` matches exactly, or as a prefix when it ends with a dot (``case.``);
    ``since`` and ``until`` bound the time (``until`` excluded).
    """

    actor: str | None = None
    action: str | None = None
    case_id: int | None = None
    child_id: int | None = None
    channel: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def audit_events(user: User, filters: AuditFilter) -> QuerySet[AuditEvent]:
    """Return the matching audit events, newest first, and log the search.

    Raises:
        ActionNotAllowed: The user is not an auditor.
    """
    require(user, Perm.AUDIT_VIEW)
    events = AuditEvent.objects.all()
    if filters.actor:
        # Through the user row, so the (actor, at) index serves it.
        events = events.filter(actor__username=filters.actor.strip())
    if filters.action:
        action = filters.action.strip()
        if action.endswith("."):
            events = events.filter(action__startswith=action)
        else:
            events = events.filter(action=action)
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
    used = {
        k: v.isoformat() if isinstance(v, dt.datetime) else v
        for k, v in asdict(filters).items()
        if v not in (None, "")
    }
    record(user, "audit.view", object_type="audit", details={"filters": used})
    return events.order_by("-at", "-id")
