"""In-app notifications: what happened, for whom; the text is rendered in the reader's language."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a notification is about (each has its text in :mod:`baove.notifications.texts`)."""

    REFERRAL_NEW = "referral_new", _("New referral")
    REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted")
    REFERRAL_DECLINED = "referral_declined", _("Referral declined")
    REFERRAL_OVERDUE = "referral_overdue", _("Referral overdue")
    GENERIC = "generic", _("Message")


class Notification(models.Model):
    """A notification for one user; ``params`` fill the kind's text when it is shown."""

    recipient = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    params = models.JSONField(default=dict)
    url = models.CharField(max_length=300, blank=True)
    # Makes a notification at most once per recipient (e.g. "referral:12:overdue").
    key = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient"),
            # The unread count in every page header: one range of this partial index.
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notif_unread"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notif_once"
            )
        ]
