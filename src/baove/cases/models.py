"""Cases of children at risk or in special circumstances."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baove.cases.vocab import (
    ApprovalKind,
    ApprovalStatus,
    Category,
    ClosureReason,
    ConsentPurpose,
    IntakeSource,
    RiskLevel,
    Status,
)


class Case(models.Model):
    """A case: one child, one protection concern, from first report to closure."""

    reference = models.CharField(_("reference"), max_length=24, unique=True)
    child = models.ForeignKey("registry.Child", on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(
        _("stage"), max_length=12, choices=Status.choices, default=Status.REPORTED
    )
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    summary = models.TextField(_("summary of the concern"), max_length=4000, blank=True)
    intake_source = models.CharField(
        _("reported by"), max_length=12, choices=IntakeSource.choices, default=IntakeSource.OTHER
    )
    commune = models.ForeignKey("geo.Commune", on_delete=models.PROTECT, related_name="+")
    # Denormalised from the commune: every scope filter is by province or commune.
    province = models.ForeignKey("geo.Province", on_delete=models.PROTECT, related_name="+")
    # The child's folded name keys (see registry.Child), copied here so that a name search
    # within a province or commune is one index range scan; kept in step by the actions.
    name_folded = models.CharField(max_length=200, editable=False, db_default="")
    given_first_folded = models.CharField(max_length=200, editable=False, db_default="")
    owner = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="owned_cases")
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    response_due_at = models.DateTimeField(_("response due"))
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    plan_text = models.TextField(_("case plan"), blank=True)
    plan_approved_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.CharField(
        _("closure reason"), max_length=14, choices=ClosureReason.choices, blank=True
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    is_open = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic concurrency: every action names the version it read.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["province", "is_open", "response_due_at"], name="case_prov_due"),
            models.Index(fields=["commune", "is_open", "response_due_at"], name="case_comm_due"),
            # Caseloads list the reports still waiting for a first response first (status
            # "reported"), by deadline, and count them: one range of these indexes each.
            models.Index(
                fields=["province", "is_open", "status", "response_due_at"], name="case_prov_stage"
            ),
            models.Index(
                fields=["commune", "is_open", "status", "response_due_at"], name="case_comm_stage"
            ),
            models.Index(fields=["owner", "is_open", "response_due_at"], name="case_owner_due"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_overdue(self) -> bool:
        """True when the first response is late (no response yet and the due time passed)."""
        return (
            self.is_open
            and self.first_response_at is None
            and self.response_due_at < timezone.now()
        )


class CaseCategory(models.Model):
    """One category of a case (a case has one or more)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField(max_length=16, choices=Category.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="unique_case_cat")]
        indexes = [models.Index(fields=["code"], name="casecat_code")]


class CaseAssignment(models.Model):
    """A worker assigned to a case besides its owner."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="assignments")
    assigned_at = models.DateTimeField(default=timezone.now)
    assigned_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="unique_assignment")]


class Consent(models.Model):
    """A consent given (or refused) by the child or caregiver; later actions check it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=10, choices=ConsentPurpose.choices)
    granted = models.BooleanField(_("consent given"))
    given_by = models.CharField(_("given by"), max_length=150)
    relationship = models.CharField(_("relationship to the child"), max_length=50)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]


class CaseNote(models.Model):
    """A note written on a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"), max_length=8000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]


class Approval(models.Model):
    """A request for a manager's approval (case plan or closure)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(_("kind"), max_length=10, choices=ApprovalKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ApprovalStatus.choices, default="pending"
    )
    # What is to be approved: the plan text, or the closure reason and note.
    payload = models.JSONField(default=dict)
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # At most one pending request of each kind per case (a double click creates one).
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=models.Q(status="pending"),
                name="one_pending_approval",
            )
        ]


class CaseShare(models.Model):
    """A case shared with an agency (its staff may then see it); needs sharing consent."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="shares")
    shared_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["agency", "revoked_at"], name="share_agency")]
