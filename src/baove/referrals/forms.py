"""HTML forms of the referral pages (parsing only; the actions check the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baove.referrals.vocab import DEFAULT_SHARED, DeliveryOutcome, SharedField, Urgency
from baove.web.forms import EMPTY_CHOICE, LenientChoiceField, LenientMultipleChoiceField, RawText
from baove.web.forms import VersionField as VersionField


class SendForm(forms.Form):
    """Send a referral from a case."""

    service = LenientChoiceField(label=_("Service"), required=True)
    urgency = LenientChoiceField(
        label=_("Urgency"), choices=[EMPTY_CHOICE, *Urgency.choices], required=True
    )
    reason = RawText(label=_("Reason for referral"), max_length=4000, multiline=True,
                     required=True)  # fmt: skip
    shared_fields = LenientMultipleChoiceField(
        label=_("Information shared with the receiving agency"),
        choices=SharedField.choices,
        required=True,
        help_text=_("The receiving agency sees only what you tick here, never the case."),
    )
    consent_override_reason = RawText(
        label=_("Reason for referring without consent (managers only)"),
        max_length=2000,
        multiline=True,
    )
    idempotency_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, services: list[tuple[str, Any]], override: bool,
                 **kwargs: Any) -> None:  # fmt: skip
        kwargs.setdefault("initial", {}).setdefault("shared_fields", list(DEFAULT_SHARED))
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [EMPTY_CHOICE, *services]
        if not override:
            del self.fields["consent_override_reason"]


class AcceptForm(forms.Form):
    version = VersionField()


class DeclineForm(forms.Form):
    reason = RawText(label=_("Reason for declining"), max_length=2000, multiline=True,
                     required=True)  # fmt: skip
    version = VersionField()


class DeliverForm(forms.Form):
    outcome = LenientChoiceField(
        label=_("Outcome"), choices=[EMPTY_CHOICE, *DeliveryOutcome.choices], required=True
    )
    note = RawText(label=_("Note on the service delivered"), max_length=4000, multiline=True)
    version = VersionField()


class CloseForm(forms.Form):
    note = RawText(label=_("Note"), max_length=2000, multiline=True)
    version = VersionField()


class WithdrawForm(forms.Form):
    reason = RawText(label=_("Reason for withdrawing"), max_length=2000, multiline=True,
                     required=True)  # fmt: skip
    version = VersionField()


class ListFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("open", _("Open referrals")), ("closed", _("Finished referrals"))],
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "accept": AcceptForm,
    "decline": DeclineForm,
    "deliver": DeliverForm,
    "close": CloseForm,
    "withdraw": WithdrawForm,
}
