"""Models of the service directory: providers' details, their typed services and coverage.

Providers are :class:`baove.accounts.models.Agency` rows (name, sector, home province);
:class:`ProviderProfile` adds what a directory shows (address, contacts). Each
:class:`Service` has one type and one coverage level; :class:`ServiceArea` rows list the
communes (commune-level services) or provinces (province-level services) it covers.
National services have no area rows. Rows change only through :mod:`baove.services.actions`
and :mod:`baove.services.importer`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from baove.services.vocab import CoverageLevel, ServiceType


class ProviderProfile(models.Model):
    """Directory details of a provider (one per agency, created with the provider)."""

    agency = models.OneToOneField(
        "accounts.Agency", on_delete=models.CASCADE, related_name="profile"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True)
    website = models.CharField(_("website"), max_length=300, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=150, blank=True)
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("provider profile")
        verbose_name_plural = _("provider profiles")

    def __str__(self) -> str:
        return f"{self.agency_id}"


class Service(models.Model):
    """A typed service offered by a provider to the children of the areas it covers."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="services")
    service_type = models.CharField(
        _("type of service"), max_length=30, choices=ServiceType.choices
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    coverage_level = models.CharField(_("coverage"), max_length=10, choices=CoverageLevel.choices)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("open"), default=True)
    accepts_referrals = models.BooleanField(_("accepts referrals"), default=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            # Re-importing a file updates services by (provider, name) instead of doubling them.
            models.UniqueConstraint(fields=["agency", "name"], name="service_unique_name"),
        ]
        indexes = [
            # National services are reachable from every commune: one index range.
            models.Index(fields=["coverage_level", "is_active"], name="service_level_idx"),
            models.Index(fields=["service_type", "is_active"], name="service_type_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceArea(models.Model):
    """One commune or one province a service covers (exactly one of the two is set)."""

    # The composite indexes below lead with each of these columns, so no single-column ones.
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="areas", db_index=False
    )
    province = models.ForeignKey(
        "geo.Province", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        db_index=False,
    )  # fmt: skip
    commune = models.ForeignKey(
        "geo.Commune", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        db_index=False,
    )  # fmt: skip

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(province__isnull=True, commune__isnull=False)
                    | models.Q(province__isnull=False, commune__isnull=True)
                ),
                name="servicearea_one_unit",
            ),
            models.UniqueConstraint(fields=["service", "commune"], name="servicearea_commune"),
            models.UniqueConstraint(fields=["service", "province"], name="servicearea_province"),
        ]
        indexes = [
            # "Which services reach commune X / province P": each is one index range that
            # also yields the service id, so the table itself is not read.
            models.Index(fields=["commune", "service"], name="servicearea_by_commune"),
            models.Index(fields=["province", "service"], name="servicearea_by_province"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id}: {self.commune_id or self.province_id}"
