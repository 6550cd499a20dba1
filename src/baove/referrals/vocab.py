"""Referral urgencies, states and the transition table."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Urgency(models.TextChoices):
    """How fast the receiving agency must answer (see ``BAOVE_REFERRAL_RESPONSE_HOURS``)."""

    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    ROUTINE = "routine", _("Routine")


class ReferralStatus(models.TextChoices):
    """States of a referral, in order."""

    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    DELIVERED = "delivered", _("Service delivered")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: States in which a referral still needs someone to act.
OPEN_STATUSES = frozenset({ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.DELIVERED})

#: Allowed moves: state -> states it may move to.
TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralStatus.SENT: frozenset(
        {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN}
    ),
    ReferralStatus.ACCEPTED: frozenset({ReferralStatus.DELIVERED, ReferralStatus.WITHDRAWN}),
    ReferralStatus.DELIVERED: frozenset({ReferralStatus.CLOSED}),
    ReferralStatus.DECLINED: frozenset(),
    ReferralStatus.CLOSED: frozenset(),
    ReferralStatus.WITHDRAWN: frozenset(),
}

#: Default hours for the first response (accept or decline), by urgency.
DEFAULT_RESPONSE_HOURS: dict[str, int] = {
    Urgency.EMERGENCY: 4,
    Urgency.URGENT: 24,
    Urgency.ROUTINE: 72,
}


class SharedField(models.TextChoices):
    """What a referral may share with the receiving agency (the sender picks)."""

    NAME = "name", _("Child's name")
    AGE = "age", _("Age")
    SEX = "sex", _("Sex")
    COMMUNE = "commune", _("Commune")
    REASON = "reason", _("Reason for referral")
    CAREGIVER = "caregiver", _("Caregiver's name and phone")
    DISABILITY = "disability", _("Disability")
    CATEGORIES = "categories", _("Case categories")


#: Shared when the sender picks nothing: what the service needs to find and help the child.
DEFAULT_SHARED = (SharedField.NAME, SharedField.AGE, SharedField.SEX, SharedField.COMMUNE,
                  SharedField.REASON)  # fmt: skip


class DeliveryOutcome(models.TextChoices):
    """What came of the service the agency delivered."""

    COMPLETED = "completed", _("Service completed")
    PARTIAL = "partial", _("Partly delivered")
    NOT_REACHED = "not_reached", _("Child or family could not be reached")
    REFUSED = "refused", _("Family refused the service")
