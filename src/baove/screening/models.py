"""Models of the screening app: screenings, rules versions and proactive runs."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baove.cases.vocab import RiskLevel
from baove.screening.vocab import ScreeningKind


class RulesVersion(models.Model):
    """One version of the screening rules (configuration, never edited once stored).

    At most one is active; with none, the rules shipped with baove apply.
    """

    version = models.CharField(_("version"), max_length=40, unique=True)
    text = models.TextField(_("rules file"))
    is_active = models.BooleanField(_("active"), default=False)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="one_active_rules"
            )
        ]

    def __str__(self) -> str:
        return self.version


class Screening(models.Model):
    """One screening of a child: the answers, the level the rules gave, the worker's decision."""

    child = models.ForeignKey("registry.Child", on_delete=models.PROTECT, related_name="screenings")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="screenings"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ScreeningKind.choices)
    answers = models.JSONField(default=dict)
    rules_version = models.CharField(_("rules version"), max_length=40)
    score = models.PositiveIntegerField(_("score"), default=0)
    computed_level = models.CharField(
        _("level from the rules"), max_length=8, choices=RiskLevel.choices
    )
    final_level = models.CharField(_("final level"), max_length=8, choices=RiskLevel.choices)
    # [{"rule", "items", "points", "at_least", "text_en", "text_vi"}], rules-file order.
    reasons = models.JSONField(default=list)
    override_note = models.TextField(_("reason for the override"), max_length=2000, blank=True)
    confirmed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    screened_at = models.DateTimeField(_("screened at"), default=timezone.now)
    screened_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    # Denormalised from the child: scope filters are by province or commune.
    province = models.ForeignKey("geo.Province", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("geo.Commune", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-screened_at", "-id"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        indexes = [
            models.Index(fields=["case", "-screened_at"], name="scr_case_at"),
            models.Index(fields=["child", "-screened_at"], name="scr_child_at"),
            models.Index(fields=["province", "screened_at"], name="scr_prov_at"),
        ]

    @property
    def is_decided(self) -> bool:
        """True once a worker confirmed or overrode the level."""
        return self.confirmed_at is not None

    @property
    def is_overridden(self) -> bool:
        """True when the final level differs from the rules' level."""
        return self.final_level != self.computed_level


class ProactiveRun(models.Model):
    """A run of the rules over registry lists for a province or one commune."""

    province = models.ForeignKey("geo.Province", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(
        "geo.Commune", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rules_version = models.CharField(_("rules version"), max_length=40)
    min_level = models.CharField(max_length=8, choices=RiskLevel.choices)
    lists = models.JSONField(default=list)  # [{"name", "item"}]
    children = models.PositiveIntegerField(default=0)
    visits = models.PositiveIntegerField(default=0)
    by_level = models.JSONField(default=dict)
    run_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    run_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-run_at", "-id"]
        indexes = [models.Index(fields=["province", "-run_at"], name="prorun_prov_at")]


class ProactiveRow(models.Model):
    """One child to visit: in our registry (``child``) or known only by the list's id."""

    run = models.ForeignKey(ProactiveRun, on_delete=models.CASCADE, related_name="rows")
    commune = models.ForeignKey("geo.Commune", on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveIntegerField()
    list_child_id = models.CharField(max_length=40)
    child = models.ForeignKey(
        "registry.Child", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    level = models.CharField(max_length=8, choices=RiskLevel.choices)
    score = models.PositiveIntegerField(default=0)
    reasons = models.JSONField(default=list)  # rule ids

    class Meta:
        ordering = ["commune", "rank"]
        indexes = [models.Index(fields=["run", "commune", "rank"], name="prorow_run_comm")]
