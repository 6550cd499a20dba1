"""Vocabularies of the service directory: the service taxonomy and coverage levels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceType(models.TextChoices):
    """What a service does for a child (one type per service)."""

    MEDICAL_CARE = "medical_care", _("Medical care")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    LEGAL_AID = "legal_aid", _("Legal aid")
    SHELTER = "shelter", _("Shelter")
    EDUCATION_SUPPORT = "education_support", _("Education support")
    SOCIAL_ASSISTANCE = "social_assistance", _("Social assistance")
    FAMILY_TRACING = "family_tracing", _("Family tracing and reunification")
    ALTERNATIVE_CARE = "alternative_care", _("Alternative care")
    CASE_MANAGEMENT = "case_management", _("Case management")
    DISABILITY_SUPPORT = "disability_support", _("Disability support")
    POLICE_PROTECTION = "police_protection", _("Police protection")
    COUNSELLING_HOTLINE = "counselling_hotline", _("Counselling hotline")
    VOCATIONAL_TRAINING = "vocational_training", _("Vocational training")
    NUTRITION = "nutrition", _("Nutrition support")


class CoverageLevel(models.TextChoices):
    """The administrative level of the area a service covers (nearest first)."""

    COMMUNE = "commune", _("Commune")
    PROVINCE = "province", _("Province")
    NATIONAL = "national", _("National")


#: Levels nearest first: the order "which services can this child reach?" lists them in.
LEVEL_ORDER: tuple[str, ...] = (
    CoverageLevel.COMMUNE,
    CoverageLevel.PROVINCE,
    CoverageLevel.NATIONAL,
)
