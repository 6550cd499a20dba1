"""Template tags that show referrals on other apps' pages (case page, caseload)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def case_referrals(context: dict[str, Any], case: Any) -> str:
    """The referral chain of the case's child (filled in by the referrals app)."""
    return ""


@register.simple_tag(takes_context=True)
def caseload_referrals(context: dict[str, Any]) -> str:
    """Overdue referrals of the signed-in user's side, for the caseload page."""
    return ""
