"""Template tags that show care placements on the case page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def case_placements(context: dict[str, Any], case: Any) -> str:
    """The care placements of the case's child (filled in by the placements app)."""
    return ""
