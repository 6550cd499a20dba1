"""Template context shared by every page: permissions, navigation, who is signed in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from baove.accounts.models import User
from baove.accounts.roles import Perm, Role, perms_of

#: Navigation entries: (url name, label, permission needed).
NAV = [
    ("web:caseload", _("My caseload"), Perm.CASE_VIEW),
    ("web:search", _("Search"), Perm.CASE_SEARCH),
    ("web:intake", _("New intake"), Perm.CASE_CREATE),
    ("referrals:list", _("Referrals"), Perm.REFERRAL_VIEW),
    ("web:approvals", _("Approvals"), Perm.CASE_APPROVE),
    ("placements:approvals", _("Residential placements to approve"), Perm.PLACEMENT_APPROVE),
    ("placements:reviews", _("Placement reviews due"), Perm.PLACEMENT_RECORD),
    ("web:match_review", _("Linkage review"), Perm.MATCH_REVIEW),
    ("services:directory", _("Service directory"), Perm.SERVICE_VIEW),
    ("screening:proactive", _("Proactive screening"), Perm.SCREENING_RECORD),
    ("monitoring:dashboard", _("Case management dashboard"), Perm.MONITORING_VIEW),
    ("dashboards:explorer", _("Indicator explorer"), Perm.INDICATOR_VIEW),
    ("web:stats", _("Statistics"), Perm.STATS_VIEW),
    ("screening:rules", _("Screening rules"), Perm.SCREENING_RULES),
    ("web:audit", _("Audit log"), Perm.AUDIT_VIEW),
    ("web:users", _("Users"), Perm.USER_MANAGE),
]


def area_of(user: User) -> str:
    """Return where the user works: commune, province, agency or the whole country."""
    if user.commune_id and user.commune is not None:
        return user.commune.name
    if user.province_id and user.province is not None:
        return user.province.name
    if user.agency_id and user.agency is not None:
        return user.agency.name
    return str(_("Nationwide"))


def baove_context(request: HttpRequest) -> dict[str, Any]:
    """Expose permissions (``perms_baove``), the navigation and the user's role and area."""
    user = getattr(request, "user", None)
    if user is None:
        return {"perms_baove": {}, "Perm": Perm, "nav": []}
    perms = perms_of(user)
    context: dict[str, Any] = {"perms_baove": {p.name: True for p in perms}, "Perm": Perm}
    match = getattr(request, "resolver_match", None)
    here = f"{match.namespace}:{match.url_name}" if match is not None else ""
    context["nav"] = [
        {"url": reverse(name), "label": label, "current": name == here}
        for name, label, perm in NAV
        if perm in perms
    ]
    if isinstance(user, User) and user.is_authenticated:
        context["role_label"] = Role(user.role).label if user.role in Role.values else ""
        context["area_label"] = area_of(user)
    return context
