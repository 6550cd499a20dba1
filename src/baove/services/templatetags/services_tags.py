"""Template tags that show reachable services on the case page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def case_services(context: dict[str, Any], case: Any) -> str:
    """The services the case's child can reach (filled in by the services app)."""
    return ""
