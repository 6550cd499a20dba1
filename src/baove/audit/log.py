"""Writing audit events. Actions call :func:`record` exactly once per state change."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone

from baove.audit.models import AuditEvent
from baove.core import context

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from baove.accounts.models import User


def record(
    actor: User | AnonymousUser | None,
    action: str,
    *,
    case_id: int | None = None,
    child_id: int | None = None,
    object_type: str = "",
    object_id: object = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit log.

    Args:
        actor: The user who acted (None for the system itself).
        action: A dotted action name such as ``case.transition`` or ``child.view``.
        case_id: The case concerned, if any (feeds the case timeline).
        child_id: The child concerned, if any.
        object_type: The kind of object changed or read.
        object_id: Its id.
        details: JSON-serialisable facts about the event (never free-text secrets).

    Returns:
        The stored event.
    """
    ctx = context.current()
    user = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.create(
        at=timezone.now(),
        actor=user,
        actor_username=user.username if user is not None else "",
        actor_role=getattr(user, "role", "") or "",
        action=action,
        channel=ctx.channel,
        request_id=ctx.request_id[:32],
        ip=ctx.ip,
        url_path=ctx.path,
        object_type=object_type,
        object_id=str(object_id),
        case_id=case_id,
        child_id=child_id,
        details=details or {},
    )
