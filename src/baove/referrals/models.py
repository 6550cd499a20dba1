"""Referrals of a child to a service of another agency, and their history."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baove.referrals.vocab import DeliveryOutcome, ReferralStatus, Urgency

#: The rows the overdue scan looks at; the partial index below holds exactly these, so the
#: scan reads only open referrals still waiting for their first answer (a few per cent).
WAITING = Q(is_open=True, first_response_at__isnull=True, overdue=False)


class Referral(models.Model):
    """A child referred from a case to a service; the receiving agency sees the snapshot."""

    reference = models.CharField(_("reference"), max_length=24, unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referrals")
    # Foreign keys led by a composite index below get no single-column index of their own.
    child = models.ForeignKey(
        "registry.Child", on_delete=models.PROTECT, related_name="referrals", db_index=False
    )
    service = models.ForeignKey("services.Service", on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="referrals_received",
        db_index=False,
    )  # fmt: skip
    # Denormalised from the case: the sending side's scope filters by them.
    from_province = models.ForeignKey(
        "geo.Province", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    from_commune = models.ForeignKey(
        "geo.Commune", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    sent_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    is_open = models.BooleanField(default=True)
    reason = models.TextField(_("reason for referral"), max_length=4000)
    # What the receiving agency sees, copied at sending time: its staff never read the case.
    shared_fields = models.JSONField(default=list)
    shared = models.JSONField(default=dict)
    consent_override_reason = models.TextField(_("reason for sending without consent"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    respond_by = models.DateTimeField(_("answer due"))
    first_response_at = models.DateTimeField(_("first answer"), null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivery_outcome = models.CharField(
        _("outcome"), max_length=12, choices=DeliveryOutcome.choices, blank=True
    )
    delivery_note = models.TextField(_("note on the service delivered"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.TextField(_("reason for withdrawing"), blank=True)
    overdue = models.BooleanField(default=False)
    # The scan run that flagged it (notifications of that run are made from these rows).
    overdue_scan = models.PositiveBigIntegerField(null=True, blank=True)
    # A double click on "send" carries the same key and gets the same referral back.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            # Lists and the overdue banner of each side: one index range each.
            models.Index(
                fields=["to_agency", "is_open", "overdue", "respond_by"], name="ref_agency_open"
            ),
            models.Index(
                fields=["from_commune", "is_open", "overdue", "respond_by"], name="ref_comm_open"
            ),
            models.Index(
                fields=["from_province", "is_open", "overdue", "respond_by"], name="ref_prov_open"
            ),
            models.Index(fields=["child", "sent_at"], name="ref_child"),
            models.Index(fields=["from_province", "sent_at"], name="ref_prov_sent"),
            models.Index(fields=["respond_by"], condition=WAITING, name="ref_waiting"),
            models.Index(fields=["overdue_scan"], name="ref_scan"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_overdue(self) -> bool:
        """True when the first answer is late (whether or not the scan has flagged it yet)."""
        return self.is_open and self.first_response_at is None and self.respond_by < timezone.now()


class ReferralEvent(models.Model):
    """One state change of a referral: who, when, from which state to which."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class ScanRun(models.Model):
    """One run of the overdue scan (the id marks the referrals it flagged)."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    flagged = models.PositiveIntegerField(default=0)
    notified = models.PositiveIntegerField(default=0)
