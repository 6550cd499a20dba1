"""JSON API of the notifications app (mounted under ``/api/notifications``).

Everyone reads only their own notifications; another user's answers 404.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, P, PathEx, Query, Router, Schema

from baove.api.auth import user_of
from baove.api.schemas import MAX_ID, Out, responses
from baove.notifications import actions, reads

router = Router(tags=["notifications"])

NotificationId = PathEx[int, P(ge=1, le=MAX_ID, description="Notification id.")]


class NotificationOut(Out):
    id: int
    kind: str
    text: str = Field(description="In the language of the request.")
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPageOut(Out):
    items: list[NotificationOut]
    total: int
    unread: int
    page: int
    pages: int


class NotificationQuery(Schema):
    unread: bool = Field(False, description="Only unread notifications.")
    page: int = Field(1, ge=1, le=1_000_000)
    per_page: int = Field(50, ge=1, le=reads.MAX_PAGE)


def _out(shown: reads.Shown) -> NotificationOut:
    return NotificationOut(
        id=shown.id, kind=shown.kind, text=shown.text, url=shown.url,
        created_at=shown.created_at, read_at=shown.read_at,
    )  # fmt: skip


@router.get("", response=responses(200, NotificationPageOut))
def list_notifications(
    request: HttpRequest, filters: Query[NotificationQuery]
) -> NotificationPageOut:
    """Your notifications, newest first."""
    user = user_of(request)
    items, total = reads.list_notifications(
        user, unread_only=filters.unread, page=filters.page, per_page=filters.per_page
    )
    return NotificationPageOut(
        items=[_out(n) for n in items], total=total, unread=reads.unread_count(user),
        page=filters.page, pages=max(1, -(-total // filters.per_page)),
    )  # fmt: skip


@router.post("/{notification_id}/read", response=responses(200, NotificationOut))
def mark_read(request: HttpRequest, notification_id: NotificationId) -> NotificationOut:
    """Mark one of your notifications read (again: no change)."""
    user = user_of(request)
    return _out(reads.shown(actions.mark_read(notification_id, acting_user=user)))
