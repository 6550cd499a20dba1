"""Template tags that show care placements on the case page and the caseload.

Each costs one indexed query and respects scope: the case page calls
``{% case_placements case %}`` only after its own access check of the case, and the tag
shows nothing to a role that may not view cases.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from baove.accounts.roles import Perm, has_perm
from baove.placements import reads

register = template.Library()


def _user(context: Any) -> Any:
    request = context.get("request")
    return getattr(request, "user", None) if request is not None else context.get("user")


@register.simple_tag(takes_context=True)
def case_placements(context: dict[str, Any], case: Any) -> str:
    """The placement history of the case's child, with a link to record a placement."""
    user = _user(context)
    if user is None or not has_perm(user, Perm.CASE_VIEW) or case is None:
        return ""
    html = render_to_string(
        "placements/_panel.html",
        {
            "case": case,
            "placements": reads.child_history(case, user),
            "can_record": has_perm(user, Perm.PLACEMENT_RECORD) and case.is_open,
        },
    )
    return mark_safe(html)  # noqa: S308 - rendered by the template engine (escaped)


@register.simple_tag(takes_context=True)
def overdue_placement_reviews(context: dict[str, Any]) -> int:
    """How many placement reviews in the user's area are overdue (0 without the right)."""
    user = _user(context)
    return reads.overdue_review_count(user) if user is not None else 0


@register.simple_tag(takes_context=True)
def caseload_placements(context: dict[str, Any]) -> SafeString | str:
    """A line for the caseload page: overdue placement reviews, linking to the list."""
    user = _user(context)
    overdue = reads.overdue_review_count(user) if user is not None else 0
    if not overdue:
        return ""
    return mark_safe(  # noqa: S308 - rendered by the template engine (escaped)
        render_to_string("placements/_caseload.html", {"overdue": overdue})
    )
