"""Creating notifications and marking them read.

Notifications are made by other apps' actions, inside their transaction; the action's own
audit event covers them (a notification holds a reference and a link, never a child's data).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baove.core.errors import NotFound
from baove.notifications.models import Kind, Notification

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from baove.accounts.models import User


def notify(
    recipient_ids: Iterable[int],
    *,
    kind: str,
    params: dict[str, Any] | None = None,
    url: str = "",
    key: str = "",
) -> int:
    """Create one notification per recipient; with ``key``, at most one per recipient ever.

    Args:
        recipient_ids: Users to notify (duplicates are notified once).
        kind: A :class:`Kind` value.
        params: JSON values the kind's text needs (e.g. ``reference``).
        url: Where the notification leads.
        key: Identifies the event (e.g. ``referral:12:accepted``); a second call with the
            same key for the same recipient creates nothing.

    Returns:
        How many recipients were given (existing keyed notifications are left alone).
    """
    if kind not in Kind.values:
        raise ValueError(kind)
    ids = sorted(set(recipient_ids))
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk, kind=kind, params=params or {}, url=url, key=key, created_at=now
            )
            for pk in ids
        ],
        ignore_conflicts=bool(key),
    )
    return len(ids)


def mark_read(notification_id: int | str, *, acting_user: User | AnonymousUser) -> Notification:
    """Mark one of the user's notifications read (reading it twice changes nothing).

    Raises:
        NotFound: No such notification for this user (another user's answers the same).
    """
    try:
        pk = int(notification_id)
    except (TypeError, ValueError):
        raise NotFound(_("Notification not found.")) from None
    if not acting_user.is_authenticated or not -(2**63) <= pk < 2**63:
        raise NotFound(_("Notification not found."))
    mine = Notification.objects.filter(pk=pk, recipient_id=acting_user.pk)
    mine.filter(read_at__isnull=True).update(read_at=timezone.now())
    found = mine.first()
    if found is None:
        raise NotFound(_("Notification not found."))
    return found


def mark_all_read(*, acting_user: User) -> int:
    """Mark every unread notification of the user read; return how many."""
    return Notification.objects.filter(recipient_id=acting_user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
