"""Template tags for in-app notifications (the bell in the page header)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def notification_badge(context: dict[str, Any]) -> str:
    """A link to the user's notifications with the unread count."""
    return ""
