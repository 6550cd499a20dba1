"""HTML forms of the service directory pages.

As in :mod:`baove.web.forms`, fields only parse what the browser sends; the rules live in
:mod:`baove.services.actions`, whose field names these forms share so that
:func:`baove.web.forms.apply_errors` puts each message next to its field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baove.accounts.models import Sector
from baove.geo.models import Province
from baove.services.vocab import CoverageLevel, ServiceType
from baove.web.forms import EMPTY_CHOICE, LenientChoiceField, RawText, VersionField


def _province_choices() -> list[tuple[str, Any]]:
    return [("", _("— any —")), *Province.objects.order_by("name").values_list("code", "name")]


class DirectoryFilterForm(forms.Form):
    """Filters of the directory list; an invalid value is simply not applied."""

    q = forms.CharField(label=_("Name of the service or provider"), max_length=100, required=False)
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", _("All sectors")), *Sector.choices], required=False
    )
    service_type = forms.ChoiceField(
        label=_("Type of service"),
        choices=[("", _("All types")), *ServiceType.choices],
        required=False,
    )
    level = forms.ChoiceField(
        label=_("Coverage"),
        choices=[("", _("All levels")), *CoverageLevel.choices],
        required=False,
    )
    province = forms.ChoiceField(label=_("Province"), choices=[], required=False)
    commune = forms.RegexField(
        label=_("Commune code"),
        regex=r"^[0-9]{1,5}$",
        max_length=5,
        required=False,
        help_text=_("Services a child of this commune can reach."),
    )
    open_only = forms.BooleanField(label=_("Open services only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = _province_choices()  # type: ignore[attr-defined]


class ProviderForm(forms.Form):
    """A provider: who it is, where, and how to reach it."""

    code = RawText(
        label=_("Code"),
        max_length=40,
        required=True,
        help_text=_("Letters without tones, digits and “-”, such as ctxh-ha-noi."),
    )
    name = RawText(label=_("Name"), max_length=200, required=True)
    sector = LenientChoiceField(
        label=_("Sector"), choices=[EMPTY_CHOICE, *Sector.choices], required=True
    )
    province = LenientChoiceField(label=_("Province"), choices=[])
    commune = RawText(label=_("Commune code"), max_length=5)
    address = RawText(label=_("Address"), max_length=300)
    phone = RawText(label=_("Phone"), max_length=40)
    email = RawText(label=_("Email"), max_length=254)
    website = RawText(label=_("Website"), max_length=300)
    contact_person = RawText(label=_("Contact person"), max_length=150)
    description = RawText(label=_("Description"), max_length=4000, multiline=True)
    version = VersionField()

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = _province_choices()
        choices[0] = ("", _("— national (no province) —"))
        self.fields["province"].choices = choices  # type: ignore[attr-defined]
        if editing:
            del self.fields["code"]  # the code identifies the provider in imports: fixed
        else:
            del self.fields["version"]

    def action_data(self) -> dict[str, Any]:
        """The cleaned values as the action expects them."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ServiceForm(forms.Form):
    """A service: its type, coverage, hours, capacity and contacts."""

    name = RawText(label=_("Name"), max_length=200, required=True)
    service_type = LenientChoiceField(
        label=_("Type of service"), choices=[EMPTY_CHOICE, *ServiceType.choices], required=True
    )
    coverage_level = LenientChoiceField(
        label=_("Coverage"), choices=[EMPTY_CHOICE, *CoverageLevel.choices], required=True
    )
    areas = RawText(
        label=_("Communes or provinces covered"),
        max_length=20000,
        multiline=True,
        rows=2,
        help_text=_(
            "Codes separated by spaces or commas: five-digit commune codes for a commune-level"
            " service, two-digit province codes for a province-level one, none for a national"
            " service. Use the codes in force since 1 July 2025."
        ),
    )
    opening_hours = RawText(label=_("Opening hours"), max_length=200)
    capacity = RawText(
        label=_("Capacity"), max_length=7, help_text=_("Children at a time; empty: no limit.")
    )
    phone = RawText(label=_("Phone"), max_length=40)
    email = RawText(label=_("Email"), max_length=254)
    address = RawText(label=_("Address"), max_length=300)
    accepts_referrals = forms.BooleanField(
        label=_("Accepts referrals"), required=False, initial=True
    )
    description = RawText(label=_("Description"), max_length=4000, multiline=True)
    version = VersionField()

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["version"]

    def action_data(self) -> dict[str, Any]:
        """The cleaned values as the action expects them."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class StaffForm(forms.Form):
    """A new account for a person working at the provider."""

    username = RawText(label=_("User name"), max_length=150, required=True)
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(render_value=False), required=False,
        strip=False, max_length=4096,
    )  # fmt: skip
    first_name = RawText(label=_("Given name"), max_length=150)
    last_name = RawText(label=_("Family name"), max_length=150)
    language = LenientChoiceField(
        label=_("Language"), choices=[("vi", "Tiếng Việt"), ("en", "English")]
    )


class StateForm(forms.Form):
    """Close or reopen a service."""

    version = VersionField()
    reason = RawText(label=_("Reason"), max_length=500)


class ImportForm(forms.Form):
    """The file to import."""

    file = forms.FileField(
        label=_("File (.csv or .xlsx)"),
        help_text=_("At most 10 MB. The columns are described in the import guide below."),
    )
