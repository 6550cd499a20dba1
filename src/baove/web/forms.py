"""HTML forms of the web pages.

These forms only render inputs and parse the raw HTML values into Python values. The rules
(required fields, lengths, control characters, allowed choices, dates) live in the actions,
which raise :class:`~baove.core.errors.ValidationFailed` with the same field names as these
forms; :func:`apply_errors` puts those messages next to the fields. Fields are therefore
lenient: a parse never rejects what the action would check with a clearer message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from baove.accounts.models import Agency, User
from baove.accounts.roles import Role
from baove.cases.vocab import (
    OPEN_STATUSES,
    Category,
    ClosureReason,
    ConsentPurpose,
    IntakeSource,
    RiskLevel,
    Status,
)
from baove.core.errors import ValidationFailed
from baove.core.text import has_control_chars
from baove.geo.models import Commune, Province
from baove.registry.vocab import (
    ETHNICITIES,
    Disability,
    PovertyStatus,
    Relationship,
    Sex,
    YesNoUnknown,
)

Choices = list[tuple[str, Any]]

#: The message for a value that is not among the options offered (same text as the actions).
NOT_AN_OPTION = _("Choose one of the listed options.")
EMPTY_CHOICE: tuple[str, Any] = ("", _("— choose —"))


class RawText(forms.CharField):
    """Text handed to an action as typed; the action trims and checks it.

    Args:
        max_length: Shown to the browser as ``maxlength`` (a hint; the action enforces it).
        multiline: Render a text area instead of a one-line input.
        required: Mark the input as required for the browser and the label (a hint).
    """

    def __init__(
        self,
        *,
        max_length: int | None = None,
        multiline: bool = False,
        required: bool = False,
        rows: int = 4,
        **kwargs: Any,
    ) -> None:
        widget = kwargs.pop("widget", None) or (
            forms.Textarea(attrs={"rows": rows}) if multiline else forms.TextInput()
        )
        super().__init__(required=False, strip=False, widget=widget, **kwargs)
        # The action refuses control characters (NUL included) with its own message.
        self.validators = []
        if max_length is not None:
            self.widget.attrs["maxlength"] = str(max_length)
        if required:
            self.widget.attrs["required"] = True
        self.hint_required = required


class DateText(RawText):
    """A date input; the ISO text (``YYYY-MM-DD``) is parsed by the action."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=forms.DateInput(attrs={"type": "date"}), **kwargs)

    def to_python(self, value: Any) -> str | None:
        """Return the text, or None when empty (the action then says it is required)."""
        text = super().to_python(value) or ""
        return text.strip() or None


class LenientChoiceField(forms.ChoiceField):
    """A select whose value the action checks against the allowed options.

    Only NUL is refused here, because a NUL can never reach a database lookup.
    """

    default_validators = [ProhibitNullCharactersValidator()]

    def __init__(self, *, required: bool = False, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)
        if required:
            self.widget.attrs["required"] = True
        self.hint_required = required

    def validate(self, value: Any) -> None:
        """Accept any value: the action names the field if it is not an option."""


class LenientMultipleChoiceField(forms.MultipleChoiceField):
    """Check boxes whose values the action checks."""

    def __init__(self, *, required: bool = False, **kwargs: Any) -> None:
        super().__init__(required=False, widget=forms.CheckboxSelectMultiple, **kwargs)
        self.hint_required = required

    def validate(self, value: Any) -> None:
        """Accept any list: the action checks every value."""


if TYPE_CHECKING:
    _ModelChoice = forms.ModelChoiceField[Any]
else:  # Django's class is generic for type checkers only
    _ModelChoice = forms.ModelChoiceField


class SafeModelChoiceField(_ModelChoice):
    """A model choice whose raw value is checked to be short, plain text before any query.

    PostgreSQL refuses NUL in a query parameter with an error; garbage is "not an option".
    """

    def to_python(self, value: Any) -> Any:
        """Return the chosen object, or None when empty."""
        text = str(value if value is not None else "").strip()
        if not text:
            return None
        if len(text) > 40 or has_control_chars(text):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(text)


class YesNoField(forms.ChoiceField):
    """Yes/no radio buttons parsed to True/False (None when missing: the action says so)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            required=False,
            choices=[("yes", _("Yes")), ("no", _("No"))],
            widget=forms.RadioSelect,
            **kwargs,
        )
        self.hint_required = True

    def to_python(self, value: Any) -> bool | None:
        """Return True for "yes", False for "no", None for anything else."""
        return {"yes": True, "no": False}.get(str(value or "").strip())

    def validate(self, value: Any) -> None:
        """Accept anything: the action answers "yes or no" when it is None."""


class VersionField(forms.Field):
    """The hidden case version the form was built from (optimistic concurrency)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> int:
        """Return the version, or 0 for garbage: no case has version 0, so it is a conflict."""
        text = str(value or "").strip()
        if text.isascii() and text.isdigit() and len(text) <= 9:
            return int(text)
        return 0


def apply_errors(form: forms.Form, error: ValidationFailed) -> None:
    """Show the action's field errors next to the form's fields (others at the top)."""
    for field, messages in error.errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, str(message))


def _choices(pairs: Iterable[tuple[str, Any]], *, empty: bool = False) -> Choices:
    out: Choices = [EMPTY_CHOICE] if empty else []
    out.extend(pairs)
    return out


# --------------------------------------------------------------------------- intake


#: Intake fields that describe the child (keys of ``build_child``) and the case.
CHILD_FIELDS = (
    "family_name", "middle_name", "given_name", "sex", "birth_date", "birth_date_estimated",
    "ethnicity", "disability", "id_number", "birth_registered", "health_insurance", "commune",
    "address",
)  # fmt: skip
CASE_FIELDS = ("categories", "risk_level", "intake_source", "summary")


class IntakeForm(forms.Form):
    """A new child and their first case, in one form."""

    family_name = RawText(label=_("Family name"), max_length=50)
    middle_name = RawText(label=_("Middle name"), max_length=80)
    given_name = RawText(label=_("Given name"), max_length=50, required=True)
    sex = LenientChoiceField(
        label=_("Sex"), choices=_choices(Sex.choices, empty=True), required=True
    )
    birth_date = DateText(label=_("Date of birth"), required=True)
    birth_date_estimated = forms.BooleanField(
        label=_("The date of birth is estimated"), required=False
    )
    ethnicity = LenientChoiceField(label=_("Ethnicity"), choices=ETHNICITIES, initial="01")
    disability = LenientChoiceField(
        label=_("Disability"), choices=Disability.choices, initial=Disability.NONE
    )
    id_number = RawText(
        label=_("Personal identification number"),
        max_length=15,
        help_text=_("12 digits, if the child has one."),
    )
    birth_registered = LenientChoiceField(
        label=_("Birth registered"), choices=YesNoUnknown.choices, initial=YesNoUnknown.UNKNOWN
    )
    health_insurance = LenientChoiceField(
        label=_("Health insurance card"),
        choices=YesNoUnknown.choices,
        initial=YesNoUnknown.UNKNOWN,
    )
    commune = LenientChoiceField(label=_("Commune"), required=True)
    address = RawText(label=_("Address"), max_length=300)
    categories = LenientMultipleChoiceField(
        label=_("Categories"), choices=Category.choices, required=True
    )
    risk_level = LenientChoiceField(
        label=_("Risk level"), choices=_choices(RiskLevel.choices, empty=True), required=True
    )
    intake_source = LenientChoiceField(
        label=_("Reported by"), choices=IntakeSource.choices, initial=IntakeSource.OTHER
    )
    summary = RawText(
        label=_("Summary of the concern"), max_length=4000, multiline=True, required=True, rows=6
    )

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, communes: Choices, **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        commune = self.fields["commune"]
        assert isinstance(commune, forms.ChoiceField)
        # A commune officer works in one commune: no empty choice, it is preselected.
        commune.choices = communes if len(communes) == 1 else _choices(communes, empty=True)

    def child_data(self) -> dict[str, Any]:
        """The parsed child fields, keyed as ``open_case(child_data=...)`` expects."""
        return {key: self.cleaned_data.get(key) for key in CHILD_FIELDS}

    def case_data(self) -> dict[str, Any]:
        """The parsed case fields, keyed as ``open_case(case_data=...)`` expects."""
        return {key: self.cleaned_data.get(key) for key in CASE_FIELDS}


# --------------------------------------------------------------------------- case page


class AdvanceForm(forms.Form):
    """Move the case to the next stage (one button per allowed stage)."""

    to_status = LenientChoiceField(label=_("Next stage"), choices=Status.choices)
    version = VersionField()


class UpdateForm(forms.Form):
    """Change risk level, categories and summary."""

    risk_level = LenientChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    categories = LenientMultipleChoiceField(
        label=_("Categories"), choices=Category.choices, required=True
    )
    summary = RawText(
        label=_("Summary of the concern"), max_length=4000, multiline=True, required=True
    )
    version = VersionField()


class NoteForm(forms.Form):
    """Add a note."""

    text = RawText(label=_("Note"), max_length=8000, multiline=True, required=True)


class ConsentForm(forms.Form):
    """Record a consent given or refused."""

    purpose = LenientChoiceField(
        label=_("Purpose"), choices=_choices(ConsentPurpose.choices, empty=True), required=True
    )
    granted = YesNoField(label=_("Consent given"))
    given_by = RawText(label=_("Given by (full name)"), max_length=150, required=True)
    relationship = RawText(
        label=_("Relationship to the child"),
        max_length=50,
        required=True,
        help_text=_("For example: the child, mother, grandmother, legal guardian."),
    )


class PlanForm(forms.Form):
    """Submit the case plan for approval."""

    plan = RawText(label=_("Case plan"), max_length=8000, multiline=True, required=True, rows=8)


class ClosureForm(forms.Form):
    """Ask a manager to close the case."""

    reason = LenientChoiceField(
        label=_("Reason for closing"),
        choices=_choices(ClosureReason.choices, empty=True),
        required=True,
    )
    note = RawText(
        label=_("Note"),
        max_length=4000,
        multiline=True,
        help_text=_("Required when the reason is “Other”."),
    )


class ReopenForm(forms.Form):
    """Reopen a closed case."""

    reason = RawText(label=_("Why reopen"), max_length=2000, multiline=True, required=True)
    version = VersionField()


class WorkerChoiceField(SafeModelChoiceField):
    """A choice of worker, shown with name and role."""

    def label_from_instance(self, obj: Any) -> str:
        """Return "name (role)"."""
        role = Role(obj.role).label if obj.role in Role.values else obj.role
        return f"{obj.display_name()} ({role})"


class AssignForm(forms.Form):
    """Assign a worker whose area covers the case."""

    user = WorkerChoiceField(
        label=_("Worker"),
        queryset=User.objects.none(),
        empty_label=_("— choose —"),
        error_messages={"invalid_choice": NOT_AN_OPTION, "required": NOT_AN_OPTION},
    )

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, candidates: Any, **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, SafeModelChoiceField)
        field.queryset = candidates


class ShareForm(forms.Form):
    """Share the case with an active agency."""

    agency = SafeModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        empty_label=_("— choose —"),
        error_messages={"invalid_choice": NOT_AN_OPTION, "required": NOT_AN_OPTION},
    )


class HouseholdForm(forms.Form):
    """The household the child lives in."""

    address = RawText(label=_("Household address"), max_length=300)
    poverty_status = LenientChoiceField(
        label=_("Poverty status"), choices=PovertyStatus.choices, required=True
    )


class CaregiverForm(forms.Form):
    """Add a caregiver of the child."""

    full_name = RawText(label=_("Full name"), max_length=150, required=True)
    relationship = LenientChoiceField(
        label=_("Relationship"), choices=_choices(Relationship.choices, empty=True), required=True
    )
    sex = LenientChoiceField(label=_("Sex"), choices=_choices(Sex.choices, empty=True))
    phone = RawText(label=_("Phone"), max_length=20)
    is_primary = forms.BooleanField(label=_("Primary caregiver"), required=False)
    lives_with_child = forms.BooleanField(
        label=_("Lives with the child"), required=False, initial=True
    )


class DecideForm(forms.Form):
    """Approve or reject a pending request (the button pressed is ``decision``)."""

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


# --------------------------------------------------------------------------- lists


class CaseloadFilterForm(forms.Form):
    """Filters of the caseload; an invalid value is simply not applied."""

    scope = forms.ChoiceField(
        label=_("Show"),
        choices=[("mine", _("My cases")), ("all", _("All open cases in my area"))],
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Stage"),
        choices=[("", _("All stages")), *[c for c in Status.choices if c[0] in OPEN_STATUSES]],
        required=False,
    )
    risk = forms.ChoiceField(
        label=_("Risk"), choices=[("", _("All risk levels")), *RiskLevel.choices], required=False
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class SearchForm(forms.Form):
    """Case search box."""

    q = forms.CharField(
        label=_("Child's name, case reference or ID number"), max_length=200, required=False
    )


_EARLIEST = dt.date(2000, 1, 1)
_LATEST = dt.date(2100, 12, 31)


class AuditFilterForm(forms.Form):
    """Filters of the audit log."""

    user = forms.CharField(label=_("User name"), max_length=150, required=False)
    action = forms.CharField(label=_("Action"), max_length=40, required=False)
    case = forms.IntegerField(label=_("Case id"), min_value=1, max_value=2**62, required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def _clean_date(self, name: str) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get(name)
        # Keep dates where a time-zone shift or "+1 day" cannot overflow.
        if value is not None and not _EARLIEST <= value <= _LATEST:
            raise forms.ValidationError(_("Choose a date between 2000 and 2100."))
        return value

    def clean_date_from(self) -> dt.date | None:
        """Refuse dates outside the range the log can hold."""
        return self._clean_date("date_from")

    def clean_date_to(self) -> dt.date | None:
        """Refuse dates outside the range the log can hold."""
        return self._clean_date("date_to")


# --------------------------------------------------------------------------- users


class UserCreateForm(forms.Form):
    """Create an account with a role and the area or agency it works in."""

    username = RawText(label=_("User name"), max_length=150, required=True)
    first_name = RawText(label=_("Given name"), max_length=150)
    last_name = RawText(label=_("Family name"), max_length=150)
    password = RawText(
        label=_("Initial password"),
        required=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; the user should change it."),
    )
    role = LenientChoiceField(
        label=_("Role"), choices=_choices(Role.choices, empty=True), required=True
    )
    commune = SafeModelChoiceField(
        label=_("Commune code"),
        queryset=Commune.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "5", "size": "6"}),
        help_text=_("5 digits; for commune officers."),
        error_messages={"invalid_choice": _("Unknown commune code.")},
    )
    province = SafeModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.all(),
        required=False,
        empty_label=_("— choose —"),
        help_text=_("For province managers."),
        error_messages={"invalid_choice": NOT_AN_OPTION},
    )
    agency = SafeModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("— choose —"),
        help_text=_("For service provider staff."),
        error_messages={"invalid_choice": NOT_AN_OPTION},
    )
    language = LenientChoiceField(
        label=_("Language"),
        choices=[("vi", "Tiếng Việt"), ("en", "English")],
        initial="vi",
    )


class UserActiveForm(forms.Form):
    """Deactivate or reactivate an account."""

    active = YesNoField(label=_("Active"))
