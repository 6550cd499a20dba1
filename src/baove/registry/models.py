"""The child registry: children, their caregivers and households."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from baove.registry.vocab import (
    ETHNICITIES,
    Disability,
    PovertyStatus,
    Relationship,
    Sex,
    YesNoUnknown,
)


class Household(models.Model):
    """A household a child lives in."""

    commune = models.ForeignKey("geo.Commune", on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("address"), max_length=300, blank=True)
    poverty_status = models.CharField(
        _("poverty status"),
        max_length=10,
        choices=PovertyStatus.choices,
        default=PovertyStatus.UNKNOWN,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return f"#{self.pk} {self.address}"


class Caregiver(models.Model):
    """An adult who cares for one or more children."""

    full_name = models.CharField(_("full name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    id_number = models.CharField(_("personal identification number"), max_length=12, blank=True)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="caregivers"
    )

    class Meta:
        verbose_name = _("caregiver")
        verbose_name_plural = _("caregivers")

    def __str__(self) -> str:
        return self.full_name


class Child(models.Model):
    """A child (under 18) known to child protection services."""

    family_name = models.CharField(_("family name"), max_length=50, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=80, blank=True)
    given_name = models.CharField(_("given name"), max_length=50)
    # "family middle given" folded (no tones, lower case): what search matches against.
    name_folded = models.CharField(max_length=200, editable=False)
    # "given family middle" folded, so a search that starts with the given name also hits.
    given_first_folded = models.CharField(max_length=200, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"))
    birth_date_estimated = models.BooleanField(_("date of birth is estimated"), default=False)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=ETHNICITIES, default="01")
    disability = models.CharField(
        _("disability"), max_length=15, choices=Disability.choices, default=Disability.NONE
    )
    id_number = models.CharField(
        _("personal identification number"), max_length=12, null=True, blank=True, unique=True
    )
    birth_registered = models.CharField(
        _("birth registered"), max_length=7, choices=YesNoUnknown.choices, default="unknown"
    )
    health_insurance = models.CharField(
        _("health insurance"), max_length=7, choices=YesNoUnknown.choices, default="unknown"
    )
    commune = models.ForeignKey(
        "geo.Commune", on_delete=models.PROTECT, related_name="+", verbose_name=_("commune")
    )
    # Denormalised from the commune so that scope filters use one index.
    province = models.ForeignKey("geo.Province", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")

    @property
    def full_name(self) -> str:
        """The name as Vietnamese write it: family, middle, given."""
        return " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)

    def __str__(self) -> str:
        return self.full_name


class ChildCaregiver(models.Model):
    """How a caregiver relates to a child."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="caregiver_links")
    caregiver = models.ForeignKey(Caregiver, on_delete=models.PROTECT, related_name="child_links")
    relationship = models.CharField(_("relationship"), max_length=15, choices=Relationship.choices)
    is_primary = models.BooleanField(_("primary caregiver"), default=False)
    lives_with_child = models.BooleanField(_("lives with the child"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "caregiver"], name="unique_child_caregiver")
        ]
