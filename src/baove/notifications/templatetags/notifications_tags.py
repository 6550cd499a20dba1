"""Template tags for in-app notifications (the bell in the page header)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from baove.notifications.reads import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def notification_badge(context: dict[str, Any]) -> SafeString | str:
    """A link to the user's notifications with the unread count (one partial-index count)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return ""
    html = render_to_string("notifications/_badge.html", {"unread": unread_count(user)})
    return mark_safe(html)  # noqa: S308
