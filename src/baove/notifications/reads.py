"""Reading one's own notifications (nobody reads another user's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from baove.notifications.models import Notification
from baove.notifications.texts import render_text

if TYPE_CHECKING:
    import datetime as dt

    from django.contrib.auth.models import AnonymousUser

    from baove.accounts.models import User

MAX_PAGE = 100


@dataclass(frozen=True)
class Shown:
    """A notification as shown: its text in the reader's language."""

    id: int
    kind: str
    text: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


def unread_count(user: User | AnonymousUser) -> int:
    """Return how many unread notifications the user has (one index range)."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def list_notifications(
    user: User, *, unread_only: bool = False, page: int = 1, per_page: int = 50
) -> tuple[list[Shown], int]:
    """Return one page of the user's notifications, newest first, and the total count."""
    per_page = max(1, min(per_page, MAX_PAGE))
    qs = Notification.objects.filter(recipient_id=user.pk)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    total = qs.count()
    start = (max(1, page) - 1) * per_page
    rows = qs.order_by("-created_at", "-id")[start : start + per_page]
    return [shown(n) for n in rows], total


def shown(n: Notification) -> Shown:
    """Return ``n`` with its text rendered in the active language."""
    return Shown(n.pk, n.kind, render_text(n.kind, n.params), n.url, n.created_at, n.read_at)
