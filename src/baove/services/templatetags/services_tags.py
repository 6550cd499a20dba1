"""Template tags that show reachable services on the case page."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe

from baove.accounts.roles import Perm, has_perm
from baove.services.reads import reachable_services
from baove.services.vocab import LEVEL_ORDER, CoverageLevel

register = template.Library()

#: The referral form of the referrals app (the contract's path if its name ever changes).
_REFER_FALLBACK = "/referrals/new/"


def _refer_url() -> str:
    try:
        return reverse("referrals:new")
    except NoReverseMatch:
        return _REFER_FALLBACK


@register.simple_tag(takes_context=True)
def case_services(context: dict[str, Any], case: Any) -> SafeString | str:
    """The services the case's child can reach, grouped by level, nearest first.

    One indexed query (see :func:`baove.services.reads.reachable_services`). The case was
    already read through ``access_case`` (scoped and audited) by the page that shows it;
    the directory holds no child's data, so this adds no audit event of its own.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not has_perm(user, Perm.SERVICE_VIEW) or case is None:
        return ""
    found = reachable_services(case.commune)
    groups = []
    for level in LEVEL_ORDER:
        items = [r for r in found if r.level == level]
        if items:
            groups.append({"label": CoverageLevel(level).label, "items": items})
    html = render_to_string(
        "services/_case_services.html",
        {
            "case": case,
            "groups": groups,
            "can_refer": has_perm(user, Perm.REFERRAL_SEND) and bool(case.is_open),
            "refer_url": _refer_url(),
        },
        request=request,
    )
    return mark_safe(html)  # noqa: S308 - rendered by a template with autoescaping
