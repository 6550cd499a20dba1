"""Template tags that show referrals on other apps' pages (case page, caseload)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from baove.accounts.models import User
from baove.accounts.roles import Perm, has_perm
from baove.referrals import reads

register = template.Library()


@register.simple_tag(takes_context=True)
def case_referrals(context: dict[str, Any], case: Any) -> SafeString | str:
    """The referral chain of the case's child: every referral from the cases the user sees.

    One query on the (child, sent_at) index, with the user's case scope in the same query.
    """
    user = context.get("user")
    if not isinstance(user, User) or case is None:
        return ""
    data = {
        "case": case,
        "chain": reads.child_chain(user, case),
        "can_send": has_perm(user, Perm.REFERRAL_SEND) and case.is_open,
        "can_open": has_perm(user, Perm.REFERRAL_VIEW),
    }
    return mark_safe(render_to_string("referrals/_chain.html", data))  # noqa: S308


@register.simple_tag(takes_context=True)
def caseload_referrals(context: dict[str, Any]) -> SafeString | str:
    """Overdue referrals of the signed-in user's side, for the caseload page.

    Two index ranges at most (a count, then the first few rows when there are any).
    """
    user = context.get("user")
    if not isinstance(user, User) or not has_perm(user, Perm.REFERRAL_VIEW):
        return ""
    total, rows = reads.overdue_for(user)
    if not total:
        return ""
    return mark_safe(  # noqa: S308
        render_to_string("referrals/_banner.html", {"total": total, "rows": rows})
    )
