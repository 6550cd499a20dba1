"""Care placements of children and their periodic reviews."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baove.placements.vocab import (
    EndReason,
    FacilityType,
    PlacementStatus,
    PlacementType,
    ReviewOutcome,
)


class Placement(models.Model):
    """Where a child lives and who cares for them, from start to end.

    A child has at most one active placement; recording a new one ends the previous one in
    the same action. Residential placements start as ``proposed`` and need a documented
    justification and a province manager's approval (gatekeeping, family-based care first).
    """

    child = models.ForeignKey("registry.Child", on_delete=models.PROTECT, related_name="placements")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="placements"
    )
    placement_type = models.CharField(
        _("type of care"), max_length=12, choices=PlacementType.choices
    )
    status = models.CharField(_("status"), max_length=10, choices=PlacementStatus.choices)
    # Denormalised from the child: scope filters and counts are by province or commune.
    province = models.ForeignKey("geo.Province", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("geo.Commune", on_delete=models.PROTECT, related_name="+")
    # Kinship and foster care: the person caring for the child.
    carer_name = models.CharField(_("carer"), max_length=150, blank=True)
    carer_relationship = models.CharField(_("relationship to the child"), max_length=50, blank=True)
    # Community-based and residential care: the providing organisation.
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("provider"),
    )
    facility_type = models.CharField(
        _("kind of facility"), max_length=24, choices=FacilityType.choices, blank=True
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    reason = models.TextField(_("reason for the placement"), max_length=4000)
    end_reason = models.CharField(
        _("reason for ending"), max_length=14, choices=EndReason.choices, blank=True
    )
    end_note = models.TextField(_("note on the ending"), max_length=2000, blank=True)
    review_interval_days = models.PositiveSmallIntegerField(_("days between reviews"))
    next_review_due = models.DateField(_("next review due"), null=True, blank=True)
    # Gatekeeping: why each family-based option was ruled out ({option: reason}) and a
    # summary; required for residential care.
    ruled_out = models.JSONField(_("family-based options ruled out"), default=dict, blank=True)
    justification = models.TextField(_("justification"), max_length=4000, blank=True)
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(_("comment"), max_length=2000, blank=True)
    ended_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic concurrency: changing actions name the version they read.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            # One active placement per child, and one waiting for approval.
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(status="active"),
                name="one_active_placement",
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(status="proposed"),
                name="one_proposed_placement",
            ),
        ]
        indexes = [
            # Reviews due and the approval queue: one range per province or commune.
            models.Index(
                fields=["province", "status", "next_review_due"], name="placement_prov_due"
            ),
            models.Index(
                fields=["commune", "status", "next_review_due"], name="placement_comm_due"
            ),
            models.Index(
                fields=["province", "status", "placement_type"], name="placement_prov_type"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_placement_type_display()} ({self.start_date:%d/%m/%Y})"

    @property
    def is_review_overdue(self) -> bool:
        """True when the placement is active and its next review date has passed."""
        return (
            self.status == PlacementStatus.ACTIVE
            and self.next_review_due is not None
            and self.next_review_due < timezone.localdate()
        )

    @property
    def is_family_based(self) -> bool:
        """True for every type but residential care."""
        return self.placement_type != PlacementType.RESIDENTIAL

    @property
    def carer_display(self) -> str:
        """Who cares for the child: the provider's name, or the carer and relationship."""
        if self.agency_id is not None and self.agency is not None:
            return self.agency.name
        if self.carer_name and self.carer_relationship:
            return f"{self.carer_name} ({self.carer_relationship})"
        return self.carer_name


class PlacementReview(models.Model):
    """A periodic review of an active placement; it sets the next review date."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("review date"))
    reviewer = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=10, choices=ReviewOutcome.choices)
    note = models.TextField(_("note"), max_length=4000, blank=True)
    next_due = models.DateField(_("next review due"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        verbose_name = _("placement review")
        verbose_name_plural = _("placement reviews")
