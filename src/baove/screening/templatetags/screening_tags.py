"""Template tags that show screenings on the case page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def case_screenings(context: dict[str, Any], case: Any) -> str:
    """The risk screenings of the case (filled in by the screening app)."""
    return ""
