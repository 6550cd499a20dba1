"""Template tags that show screenings on the case page."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from baove.accounts.roles import Perm, has_perm
from baove.riskrules import level_label
from baove.screening.reads import latest_for_case

register = template.Library()


@register.simple_tag(takes_context=True)
def case_screenings(context: dict[str, Any], case: Any) -> SafeString | str:
    """The case's latest screening (level, reasons, link) for workers who screen.

    One indexed query (scoped); nothing for roles that do not screen.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not has_perm(user, Perm.SCREENING_RECORD):
        return ""
    latest = latest_for_case(user, case.pk)
    lang = get_language() or "vi"
    key = "text_vi" if lang.startswith("vi") else "text_en"
    html = render_to_string(
        "screening/_panel.html",
        {
            "case": case,
            "latest": latest,
            "level": level_label(latest.final_level, lang) if latest else "",
            "reasons": [r.get(key, "") for r in latest.reasons] if latest else [],
        },
        request=request,
    )
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, autoescaped
