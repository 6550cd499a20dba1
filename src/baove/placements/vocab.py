"""Vocabularies of care placements (codes stored in the database; labels translated)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlacementType(models.TextChoices):
    """Where a child lives and who cares for them, family-based options first."""

    PARENTS = "parents", _("With parents")
    KINSHIP = "kinship", _("Kinship care (relatives)")
    FOSTER = "foster", _("Foster family")
    COMMUNITY = "community", _("Community-based care")
    RESIDENTIAL = "residential", _("Residential institution")


#: The family-based options that must each be ruled out before a residential placement.
FAMILY_OPTIONS: tuple[str, ...] = (
    PlacementType.PARENTS,
    PlacementType.KINSHIP,
    PlacementType.FOSTER,
    PlacementType.COMMUNITY,
)
#: Types cared for by a named person (carer name and relationship).
CARER_TYPES = frozenset({PlacementType.KINSHIP, PlacementType.FOSTER})
#: Types provided by an organisation (an agency is named).
PROVIDER_TYPES = frozenset({PlacementType.COMMUNITY, PlacementType.RESIDENTIAL})


class PlacementStatus(models.TextChoices):
    """Life of a placement: residential ones wait for a manager's approval."""

    PROPOSED = "proposed", _("Waiting for approval")
    ACTIVE = "active", _("In place")
    ENDED = "ended", _("Ended")
    REJECTED = "rejected", _("Rejected")


class FacilityType(models.TextChoices):
    """Kind of residential facility (codes of the administrative indicators' care types)."""

    PUBLIC = "residential_public", _("Public care facility")
    PRIVATE = "residential_private", _("Private care facility")
    SOS_VILLAGE = "sos_village", _("SOS Children's Village")
    SOCIAL_PROTECTION = "social_protection_centre", _("Social protection centre")


class EndReason(models.TextChoices):
    """Why a placement ended."""

    REUNIFIED = "reunified", _("Returned to the family")
    NEW_PLACEMENT = "new_placement", _("Moved to another placement")
    ADOPTED = "adopted", _("Adopted")
    AGED_OUT = "aged_out", _("Turned 18")
    BREAKDOWN = "breakdown", _("The placement broke down")
    OTHER = "other", _("Other reason")


class ReviewOutcome(models.TextChoices):
    """What a placement review decided."""

    CONTINUE = "continue", _("Continue the placement")
    CHANGE = "change", _("Plan a change of placement")
    REUNIFY = "reunify", _("Plan the return to the family")
    END = "end", _("Plan to end the placement")


#: Days between reviews when settings.BAOVE_PLACEMENT_REVIEW_DAYS does not say otherwise.
DEFAULT_REVIEW_DAYS: dict[str, int] = {
    PlacementType.PARENTS: 180,
    PlacementType.KINSHIP: 180,
    PlacementType.FOSTER: 180,
    PlacementType.COMMUNITY: 180,
    PlacementType.RESIDENTIAL: 90,
}

#: Care type of the administrative extract for each placement type ("parents" is not
#: alternative care and is left out; residential ones use their facility type).
EXTRACT_CARE_TYPE: dict[str, str] = {
    PlacementType.KINSHIP: "kinship_care",
    PlacementType.FOSTER: "foster_care",
    PlacementType.COMMUNITY: "community_care",
}
