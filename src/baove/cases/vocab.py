"""Case categories, risk levels, stages and the workflow transition table."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """Groups of children in special circumstances (Law on Children 2016, Art. 10).

    Item 14 of Article 10 names three groups (migrant, asylum-seeking, refugee children),
    which makes the 16 groups; ``at_risk`` and ``reported_abuse`` are added for prevention.
    """

    ORPHAN = "art10_01", _("Orphaned of both parents")
    ABANDONED = "art10_02", _("Abandoned")
    NO_SUPPORT = "art10_03", _("Without anyone to rely on")
    DISABILITY = "art10_04", _("With disabilities")
    HIV = "art10_05", _("Living with HIV/AIDS")
    IN_CONFLICT_WITH_LAW = "art10_06", _("In conflict with the law")
    DRUG_ADDICTION = "art10_07", _("Addicted to drugs")
    DROPPED_OUT_TO_WORK = (
        "art10_08",
        _("Left school to earn a living before finishing lower secondary"),
    )
    VIOLENCE_HARM = "art10_09", _("Seriously harmed physically or mentally by violence")
    EXPLOITED = "art10_10", _("Exploited")
    SEXUAL_ABUSE = "art10_11", _("Sexually abused")
    TRAFFICKED = "art10_12", _("Trafficked")
    SERIOUS_ILLNESS_POOR = (
        "art10_13",
        _("Seriously or long-term ill in a poor or near-poor household"),
    )
    MIGRANT = "art10_14a", _("Migrant child without identified parents or caregiver")
    ASYLUM = "art10_14b", _("Asylum-seeking child without identified parents or caregiver")
    REFUGEE = "art10_14c", _("Refugee child without identified parents or caregiver")
    AT_RISK = "at_risk", _("At risk")
    REPORTED_ABUSE = "reported_abuse", _("Reported abuse or violence")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


RISK_ORDER = {"low": 0, "medium": 1, "high": 2, "urgent": 3}


class Status(models.TextChoices):
    """Stages of a case, in order."""

    REPORTED = "reported", _("Reported")
    SCREENED = "screened", _("Screened")
    ASSESSMENT = "assessment", _("Assessment")
    CASE_PLAN = "case_plan", _("Case plan")
    SERVICES = "services", _("Services")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = frozenset(s for s in Status.values if s != Status.CLOSED)

#: The forward steps :func:`baove.cases.actions.advance_case` may take. Closing goes through
#: a closure request and a manager's approval; reopening through ``reopen_case``.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.REPORTED: frozenset({Status.SCREENED}),
    Status.SCREENED: frozenset({Status.ASSESSMENT}),
    Status.ASSESSMENT: frozenset({Status.CASE_PLAN}),
    # Leaving case_plan also needs an approved plan and consent to services.
    Status.CASE_PLAN: frozenset({Status.SERVICES}),
    Status.SERVICES: frozenset({Status.FOLLOW_UP}),
    Status.FOLLOW_UP: frozenset({Status.SERVICES}),
    Status.CLOSED: frozenset(),
}


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Case plan goals met, child safe")
    NO_PROTECTION_CONCERN = "no_concern", _("No protection concern found at screening")
    TRANSFERRED = "transferred", _("Transferred to another area or agency")
    REACHED_ADULTHOOD = "adult", _("Child turned 18")
    MOVED_UNTRACEABLE = "lost_contact", _("Family moved, cannot be traced")
    CHILD_DIED = "died", _("Child died")
    DUPLICATE = "duplicate", _("Duplicate of another case")
    OTHER = "other", _("Other (explained in the note)")


class IntakeSource(models.TextChoices):
    HOTLINE = "hotline", _("Hotline 111")
    COMMUNITY = "community", _("Community member or neighbour")
    FAMILY = "family", _("Family member")
    CHILD = "child", _("The child")
    SCHOOL = "school", _("School")
    HEALTH = "health", _("Health facility")
    POLICE = "police", _("Police")
    OUTREACH = "outreach", _("Outreach or screening")
    OTHER = "other", _("Other")


class ConsentPurpose(models.TextChoices):
    SERVICES = "services", _("Receiving services")
    SHARING = "sharing", _("Sharing information with other agencies")


class ApprovalKind(models.TextChoices):
    CASE_PLAN = "case_plan", _("Case plan")
    CLOSURE = "closure", _("Case closure")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
