"""Roles and permissions, declared as data in one place.

Every check in views, API, exports, search and actions goes through :func:`has_perm` /
:func:`require`, and the scope a role works in (commune, province, agency, national) is
declared here too. ``tests/test_permission_matrix.py`` walks the whole table.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from baove.core.errors import ActionNotAllowed

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from baove.accounts.models import User


class Role(models.TextChoices):
    """The roles a user can hold (one per user)."""

    COMMUNE_OFFICER = "commune_officer", _("Commune child protection officer")
    PROVINCE_MANAGER = "province_manager", _("Province manager")
    PROVIDER_STAFF = "provider_staff", _("Service provider staff")
    NATIONAL_ANALYST = "national_analyst", _("National analyst")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("System administrator")


class Scope(enum.StrEnum):
    """Which records a role reaches."""

    COMMUNE = "commune"  # cases in the user's commune
    PROVINCE = "province"  # cases in the user's province
    AGENCY = "agency"  # cases shared with the user's agency
    NATIONAL = "national"  # aggregates or the audit log, never named case records
    NONE = "none"


class Perm(enum.StrEnum):
    """Permissions; each action and each read path needs exactly one of these."""

    CASE_VIEW = "case.view"
    CASE_SEARCH = "case.search"
    CASE_CREATE = "case.create"
    CASE_UPDATE = "case.update"
    CASE_TRANSITION = "case.transition"
    CASE_ASSIGN = "case.assign"
    CASE_NOTE = "case.note"
    CASE_CONSENT = "case.consent"
    CASE_PLAN_SUBMIT = "case.plan_submit"
    CASE_CLOSE_REQUEST = "case.close_request"
    CASE_APPROVE = "case.approve"
    CASE_REOPEN = "case.reopen"
    CASE_SHARE = "case.share"
    CASE_EXPORT = "case.export"
    STATS_VIEW = "stats.view"
    AUDIT_VIEW = "audit.view"
    USER_MANAGE = "user.manage"
    # Record linkage: "may already be known" candidates, and the clerical review queue.
    MATCH_SEARCH = "match.search"
    MATCH_REVIEW = "match.review"
    # Service directory: everyone who works with children reads it; managers keep the
    # providers of their province up to date, administrators the whole country.
    SERVICE_VIEW = "service.view"
    SERVICE_MANAGE = "service.manage"
    # Referrals: caseworkers send, follow and withdraw them; the receiving agency's staff
    # answer them (accept, decline, record the service delivered). Only a manager may send
    # a referral without the consent recorded on the case, and must give a reason.
    REFERRAL_VIEW = "referral.view"
    REFERRAL_SEND = "referral.send"
    REFERRAL_RESPOND = "referral.respond"
    REFERRAL_CONSENT_OVERRIDE = "referral.consent_override"
    # Early risk screening: caseworkers screen; managers confirm the rules and run the
    # proactive screening of registry lists for their area.
    SCREENING_RECORD = "screening.record"
    SCREENING_RULES = "screening.rules"
    SCREENING_PROACTIVE = "screening.proactive"
    # Care placements: caseworkers record; an institutional placement needs a manager.
    PLACEMENT_RECORD = "placement.record"
    PLACEMENT_APPROVE = "placement.approve"
    # Dashboards and reports: indicator explorer, scorecards, SDMX/Excel/PDF downloads.
    INDICATOR_VIEW = "indicator.view"
    # Publishing survey and administrative indicator rounds to the dashboards (administrators).
    INDICATOR_PUBLISH = "indicator.publish"
    # Case management dashboards (managers, their province only).
    MONITORING_VIEW = "monitoring.view"


_OFFICER = frozenset(
    {
        Perm.CASE_VIEW,
        Perm.CASE_SEARCH,
        Perm.CASE_CREATE,
        Perm.CASE_UPDATE,
        Perm.CASE_TRANSITION,
        Perm.CASE_ASSIGN,
        Perm.CASE_NOTE,
        Perm.CASE_CONSENT,
        Perm.CASE_PLAN_SUBMIT,
        Perm.CASE_CLOSE_REQUEST,
        Perm.CASE_REOPEN,
        Perm.CASE_SHARE,
        Perm.CASE_EXPORT,
        Perm.MATCH_SEARCH,
        Perm.SERVICE_VIEW,
        Perm.REFERRAL_VIEW,
        Perm.REFERRAL_SEND,
        Perm.SCREENING_RECORD,
        Perm.PLACEMENT_RECORD,
        Perm.INDICATOR_VIEW,
    }
)

#: The permission table: role -> (scope, permissions).
PERMISSIONS: dict[Role, tuple[Scope, frozenset[Perm]]] = {
    Role.COMMUNE_OFFICER: (Scope.COMMUNE, _OFFICER),
    # Managers also decide the linkage review queue of their province.
    Role.PROVINCE_MANAGER: (
        Scope.PROVINCE,
        _OFFICER
        | {
            Perm.CASE_APPROVE,
            Perm.STATS_VIEW,
            Perm.MATCH_REVIEW,
            Perm.SERVICE_MANAGE,
            Perm.REFERRAL_CONSENT_OVERRIDE,
            Perm.SCREENING_RULES,
            Perm.SCREENING_PROACTIVE,
            Perm.PLACEMENT_APPROVE,
            Perm.MONITORING_VIEW,
        },
    ),
    # Service providers see only the cases shared with their agency and the referrals sent
    # to it (only the fields a referral shares), answer those referrals, add service notes.
    Role.PROVIDER_STAFF: (
        Scope.AGENCY,
        frozenset(
            {
                Perm.CASE_VIEW,
                Perm.CASE_NOTE,
                Perm.SERVICE_VIEW,
                Perm.REFERRAL_VIEW,
                Perm.REFERRAL_RESPOND,
            }
        ),
    ),
    # Analysts see aggregates with small cells suppressed, never names.
    Role.NATIONAL_ANALYST: (
        Scope.NATIONAL,
        frozenset({Perm.STATS_VIEW, Perm.SERVICE_VIEW, Perm.INDICATOR_VIEW}),
    ),
    Role.AUDITOR: (Scope.NATIONAL, frozenset({Perm.AUDIT_VIEW})),
    # Administrators manage accounts; they do not read children's records.
    # Administrators manage accounts and the national service directory and screening
    # rules; they do not read children's records.
    Role.ADMIN: (
        Scope.NATIONAL,
        frozenset(
            {
                Perm.USER_MANAGE,
                Perm.SERVICE_VIEW,
                Perm.SERVICE_MANAGE,
                Perm.SCREENING_RULES,
                Perm.INDICATOR_PUBLISH,
            }
        ),
    ),
}

#: Roles that can be owner of or assigned to a case.
CASEWORKER_ROLES = frozenset({Role.COMMUNE_OFFICER, Role.PROVINCE_MANAGER})


def role_of(user: User | AnonymousUser) -> Role | None:
    """Return the user's role, or None for anonymous or inactive users."""
    if not user.is_authenticated or not user.is_active:
        return None
    return Role(user.role)


def scope_of(user: User | AnonymousUser) -> Scope:
    """Return the scope the user's role works in."""
    role = role_of(user)
    return PERMISSIONS[role][0] if role is not None else Scope.NONE


def perms_of(user: User | AnonymousUser) -> frozenset[Perm]:
    """Return every permission the user holds."""
    role = role_of(user)
    return PERMISSIONS[role][1] if role is not None else frozenset()


def has_perm(user: User | AnonymousUser, perm: Perm) -> bool:
    """Return True when the user's role grants ``perm``."""
    return perm in perms_of(user)


def require(user: User | AnonymousUser, perm: Perm) -> None:
    """Raise :class:`ActionNotAllowed` unless the user's role grants ``perm``."""
    if not has_perm(user, perm):
        raise ActionNotAllowed(_("Your role does not allow this action."))
