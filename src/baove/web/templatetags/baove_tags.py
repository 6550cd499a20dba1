"""Template filters for the web pages: ages, labels of codes, audit event summaries."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import template
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from baove.accounts.roles import Role
from baove.cases.vocab import (
    ApprovalKind,
    Category,
    ClosureReason,
    ConsentPurpose,
    RiskLevel,
    Status,
)

register = template.Library()

#: What each audited action is called in timelines and the audit log.
ACTION_LABELS: dict[str, Promise] = {
    "case.open": _("Opened the case"),
    "case.update": _("Updated the case"),
    "case.transition": _("Moved the case to another stage"),
    "case.assign": _("Assigned a worker"),
    "case.unassign": _("Removed a worker"),
    "case.note": _("Added a note"),
    "case.consent": _("Recorded a consent"),
    "case.consent_withdraw": _("Recorded that a consent was withdrawn"),
    "case.reopen": _("Reopened the case"),
    "case.share": _("Shared the case with an agency"),
    "case.view": _("Viewed the case"),
    "case.search": _("Searched cases"),
    "case.list": _("Listed cases"),
    "case.export": _("Exported cases"),
    "approval.request_case_plan": _("Submitted the case plan for approval"),
    "approval.request_closure": _("Asked for the case to be closed"),
    "approval.approved": _("Approved a request"),
    "approval.rejected": _("Rejected a request"),
    "child.update": _("Changed the child's details"),
    "child.view": _("Viewed the child's details"),
    "child.add_caregiver": _("Added a caregiver"),
    "user.create": _("Created a user account"),
    "user.activate": _("Reactivated a user account"),
    "user.deactivate": _("Deactivated a user account"),
    "agency.create": _("Registered an agency"),
    "token.issue": _("Issued an API token"),
    "token.revoke": _("Revoked an API token"),
    "referral.send": _("Sent a referral"),
    "referral.accepted": _("Accepted a referral"),
    "referral.declined": _("Declined a referral"),
    "referral.delivered": _("Recorded the service delivered"),
    "referral.closed": _("Closed a referral"),
    "referral.withdrawn": _("Withdrew a referral"),
    "referral.view": _("Viewed a referral"),
    "referral.list": _("Listed referrals"),
    "referral.scan": _("Checked referrals for lateness"),
    "screening.record": _("Recorded a risk screening"),
    "screening.confirm": _("Confirmed a screening's risk level"),
    "screening.override": _("Changed a screening's risk level"),
    "screening.view": _("Viewed a screening"),
    "screening.list": _("Listed screenings"),
    "screening.rules_activate": _("Put new screening rules in force"),
    "screening.replay": _("Replayed screening rules on past screenings"),
    "screening.proactive_run": _("Ran a proactive screening"),
    "screening.visit_list": _("Viewed a home-visit list"),
    "placement.record": _("Recorded a care placement"),
    "placement.approve": _("Approved a residential placement"),
    "placement.reject": _("Rejected a residential placement"),
    "placement.review": _("Reviewed a care placement"),
    "placement.end": _("Ended a care placement"),
    "placement.view": _("Viewed a care placement"),
    "placement.list": _("Listed care placements"),
    "provider.create": _("Registered a service provider"),
    "provider.update": _("Updated a service provider"),
    "provider.staff_add": _("Added a provider staff account"),
    "service.create": _("Added a service"),
    "service.update": _("Updated a service"),
    "service.coverage": _("Changed the area a service covers"),
    "service.close": _("Closed a service"),
    "service.reopen": _("Reopened a service"),
    "service.import": _("Imported services"),
    "service.seed": _("Loaded the demo service directory"),
    "indicators.publish": _("Published indicator results"),
    "indicators.admin_extract": _("Exported the administrative extract"),
    "report.export": _("Downloaded a report"),
}

_FIELD_LABELS: dict[str, Promise] = {
    "risk_level": _("risk level"),
    "categories": _("categories"),
    "summary": _("summary"),
}


def _label(choices: Any, value: object) -> str:
    """Return the label of ``value`` in a TextChoices class, or the value itself."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


@register.filter
def age(birth_date: dt.date | None) -> str:
    """Return the age in whole years today (empty for no date)."""
    if not isinstance(birth_date, dt.date):
        return ""
    today = timezone.localdate()
    years = today.year - birth_date.year
    if (today.month, today.day) < (birth_date.month, birth_date.day):
        years -= 1
    return str(max(years, 0))


@register.filter
def action_label(action: str) -> str:
    """Return the translated name of an audited action (the code if unknown)."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


@register.filter
def role_label(role: str) -> str:
    """Return the translated name of a role."""
    return _label(Role, role)


@register.filter
def category_label(code: str) -> str:
    """Return the translated name of a case category."""
    return _label(Category, code)


@register.filter
def stage_label(code: str) -> str:
    """Return the translated name of a stage."""
    return _label(Status, code)


@register.filter
def closure_label(code: str) -> str:
    """Return the translated name of a closure reason."""
    return _label(ClosureReason, code)


@register.filter
def minutes(delta: dt.timedelta | None) -> int:
    """Return a duration in whole minutes (for the lock-out page)."""
    if not isinstance(delta, dt.timedelta):
        return 0
    return int(delta.total_seconds() // 60)


@register.filter
def event_summary(event: Any) -> str:
    """Return a short, translated description of an audit event's details."""
    details: dict[str, Any] = event.details if isinstance(event.details, dict) else {}
    action = event.action
    if action == "case.transition":
        return gettext("from “%(src)s” to “%(dst)s”") % {
            "src": _label(Status, details.get("from", "")),
            "dst": _label(Status, details.get("to", "")),
        }
    if action == "case.open":
        parts = [_label(RiskLevel, details.get("risk_level", ""))]
        parts += [_label(Category, c) for c in details.get("categories", [])]
        return "; ".join(p for p in parts if p)
    if action == "case.update":
        fields = [str(_FIELD_LABELS.get(f, f)) for f in details.get("fields", [])]
        text = ", ".join(fields)
        if "risk_level" in details:
            text += " → " + _label(RiskLevel, details["risk_level"])
        return text
    if action == "case.consent":
        granted = gettext("given") if details.get("granted") else gettext("refused")
        return f"{_label(ConsentPurpose, details.get('purpose', ''))}: {granted}"
    if action == "case.consent_withdraw":
        return _label(ConsentPurpose, details.get("purpose", ""))
    if action.startswith("approval."):
        kind = details.get("kind") or action.removeprefix("approval.request_")
        return _label(ApprovalKind, kind)
    if action == "case.reopen":
        return str(details.get("reason", ""))
    if action in ("case.assign", "case.unassign"):
        return str(details.get("user", ""))
    if action == "case.share":
        return str(details.get("agency", ""))
    return ""


@register.filter
def details_json(value: Any) -> str:
    """Return audit details as compact JSON for the audit log table."""
    if not value:
        return ""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= 300 else text[:299] + "…"


@register.filter
def signed_percent(rate: float | None) -> str:
    """Return a rate of change (0.0256) as signed per cent text ("+2.56%"), "" for None."""
    if rate is None:
        return ""
    return f"{rate * 100:+.2f}%"
