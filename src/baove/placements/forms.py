"""HTML forms of the placement pages (parsing only; the actions check the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baove.accounts.models import Agency
from baove.placements.vocab import (
    FAMILY_OPTIONS,
    EndReason,
    FacilityType,
    PlacementType,
    ReviewOutcome,
)
from baove.web.forms import (
    EMPTY_CHOICE,
    NOT_AN_OPTION,
    DateText,
    LenientChoiceField,
    RawText,
    SafeModelChoiceField,
    VersionField,
)

_RULED_OUT_LABELS = {
    PlacementType.PARENTS: _("Why not with the parents?"),
    PlacementType.KINSHIP: _("Why not with relatives (kinship care)?"),
    PlacementType.FOSTER: _("Why not with a foster family?"),
    PlacementType.COMMUNITY: _("Why not community-based care?"),
}


class IntervalField(forms.Field):
    """Days between reviews: a whole number, or empty for the default of the type."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            required=False, widget=forms.NumberInput(attrs={"min": 7, "max": 366}), **kwargs
        )
        self.hint_required = False

    def to_python(self, value: Any) -> int | str | None:
        """Return the number, None when empty, or the text (the action says it is wrong)."""
        text = str(value or "").strip()
        if not text:
            return None
        if text.isascii() and text.isdigit() and len(text) <= 6:
            return int(text)
        return text


class PlacementForm(forms.Form):
    """Record a placement; the residential part is the gatekeeping justification."""

    placement_type = LenientChoiceField(
        label=_("Type of care"),
        choices=[EMPTY_CHOICE, *PlacementType.choices],
        required=True,
        help_text=_(
            "Family-based care comes first. A residential placement waits for a province "
            "manager's approval."
        ),
    )
    start_date = DateText(label=_("Start date"), required=True)
    reason = RawText(
        label=_("Reason for the placement"), max_length=4000, multiline=True, required=True
    )
    carer_name = RawText(
        label=_("Carer (full name)"),
        max_length=150,
        help_text=_("Required for kinship and foster care."),
    )
    carer_relationship = RawText(label=_("Carer's relationship to the child"), max_length=50)
    agency = SafeModelChoiceField(
        label=_("Provider"),
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("— choose —"),
        help_text=_("Required for community-based and residential care."),
        error_messages={"invalid_choice": NOT_AN_OPTION},
    )
    facility_type = LenientChoiceField(
        label=_("Kind of facility"),
        choices=[EMPTY_CHOICE, *FacilityType.choices],
        help_text=_("Residential care only."),
    )
    review_interval_days = IntervalField(
        label=_("Days between reviews"),
        help_text=_("Leave empty for the usual interval of this type of care."),
    )
    ruled_out_parents = RawText(
        label=_RULED_OUT_LABELS[PlacementType.PARENTS], max_length=2000, multiline=True, rows=2
    )
    ruled_out_kinship = RawText(
        label=_RULED_OUT_LABELS[PlacementType.KINSHIP], max_length=2000, multiline=True, rows=2
    )
    ruled_out_foster = RawText(
        label=_RULED_OUT_LABELS[PlacementType.FOSTER], max_length=2000, multiline=True, rows=2
    )
    ruled_out_community = RawText(
        label=_RULED_OUT_LABELS[PlacementType.COMMUNITY], max_length=2000, multiline=True, rows=2
    )
    justification = RawText(
        label=_("Why residential care is in the child's best interests"),
        max_length=4000,
        multiline=True,
        rows=3,
    )

    #: Fields shown in the gatekeeping part of the form.
    GATEKEEPING = (*(f"ruled_out_{o}" for o in FAMILY_OPTIONS), "justification")

    def action_kwargs(self) -> dict[str, Any]:
        """The parsed values, keyed as ``record_placement`` expects."""
        data = self.cleaned_data
        return {
            "placement_type": data.get("placement_type") or "",
            "start_date": data.get("start_date"),
            "reason": data.get("reason") or "",
            "carer_name": data.get("carer_name") or "",
            "carer_relationship": data.get("carer_relationship") or "",
            "agency": data.get("agency"),
            "facility_type": data.get("facility_type") or "",
            "review_interval_days": data.get("review_interval_days"),
            "ruled_out": {o: data.get(f"ruled_out_{o}") or "" for o in FAMILY_OPTIONS},
            "justification": data.get("justification") or "",
        }

    def basic_fields(self) -> list[forms.BoundField]:
        """The fields every placement has (not the gatekeeping part)."""
        return [self[name] for name in self.fields if name not in self.GATEKEEPING]

    def gatekeeping_fields(self) -> list[forms.BoundField]:
        """The justification of a residential placement."""
        return [self[name] for name in self.GATEKEEPING]


class DecideForm(forms.Form):
    """Approve or reject a proposed residential placement (the button is ``decision``)."""

    comment = RawText(
        label=_("Comment"),
        max_length=2000,
        multiline=True,
        rows=2,
        help_text=_("Required when rejecting."),
    )
    decision = LenientChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    version = VersionField()


class ReviewForm(forms.Form):
    """Record a review of an active placement."""

    reviewed_on = DateText(label=_("Review date"), required=True)
    outcome = LenientChoiceField(
        label=_("Outcome"), choices=[EMPTY_CHOICE, *ReviewOutcome.choices], required=True
    )
    note = RawText(
        label=_("Note"),
        max_length=4000,
        multiline=True,
        help_text=_("Required unless the placement simply continues."),
    )
    next_due = DateText(
        label=_("Next review due"), help_text=_("Leave empty for the usual interval.")
    )
    version = VersionField()


class EndForm(forms.Form):
    """End an active placement."""

    end_date = DateText(label=_("End date"), required=True)
    end_reason = LenientChoiceField(
        label=_("Reason for ending"), choices=[EMPTY_CHOICE, *EndReason.choices], required=True
    )
    note = RawText(
        label=_("Note"),
        max_length=2000,
        multiline=True,
        rows=2,
        help_text=_("Required for “Other reason”."),
    )
    version = VersionField()
