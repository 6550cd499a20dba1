"""Forms of the screening pages (labels in the language of the request)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from baove.cases.vocab import RiskLevel
from baove.riskrules import CHECKLIST, CHOICE
from baove.screening.vocab import ScreeningKind

UNKNOWN = ""
#: The lists a proactive run accepts: form field -> checklist item (None: the registry).
LIST_FIELDS: dict[str, str | None] = {
    "registry": None,
    "poverty": "poverty",
    "out_of_school": "out_of_school",
    "child_labour": "child_labour",
    "left_behind": "left_behind",
    "disability_unsupported": "disability_unsupported",
    "caregiver_drug_use": "caregiver_drug_use",
    "caregiver_imprisoned": "caregiver_imprisoned",
    "disaster_affected": "disaster_affected",
}


class ScreeningForm(forms.Form):
    """The checklist: one question per item; "not known" counts as no."""

    kind = forms.ChoiceField(label=_("Kind of screening"), choices=ScreeningKind.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = get_language() or "vi"
        for item in CHECKLIST:
            if item.answer_type == CHOICE:
                choices = [(UNKNOWN, _("Not known"))] + [
                    (o.value, o.label_vi if lang.startswith("vi") else o.label_en)
                    for o in item.options
                ]
            else:
                choices = [("yes", _("Yes")), ("no", _("No")), (UNKNOWN, _("Not known"))]
            self.fields[item.code] = forms.ChoiceField(
                label=item.label(lang),
                choices=choices,
                required=False,
                initial=UNKNOWN,
                widget=forms.RadioSelect,
            )

    def answers(self) -> dict[str, Any]:
        """The answers as the rules read them (call after ``is_valid``)."""
        out: dict[str, Any] = {}
        for item in CHECKLIST:
            value = self.cleaned_data.get(item.code) or UNKNOWN
            if value == UNKNOWN:
                continue
            out[item.code] = value if item.answer_type == CHOICE else value == "yes"
        return out


class OverrideForm(forms.Form):
    level = forms.ChoiceField(label=_("Final level"), choices=RiskLevel.choices)
    note = forms.CharField(
        label=_("Why the level differs from the rules"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ConfirmForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class RulesForm(forms.Form):
    text = forms.CharField(
        label=_("Rules file (TOML)"),
        widget=forms.Textarea(attrs={"rows": 20, "spellcheck": "false"}),
        max_length=200_000,
    )
    since = forms.DateField(label=_("Replay on screenings since"), required=False)


class ProactiveForm(forms.Form):
    commune = forms.ChoiceField(label=_("Commune (empty: the whole province)"), required=False)
    min_level = forms.ChoiceField(
        label=_("Lowest level to visit"), choices=RiskLevel.choices, initial=RiskLevel.MEDIUM
    )

    def __init__(self, *args: Any, communes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["commune"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *communes]
        lang = get_language() or "vi"
        from baove.riskrules import ITEMS

        for name, item in LIST_FIELDS.items():
            label = _("Registry of children") if item is None else ITEMS[item].label(lang)
            self.fields[f"list_{name}"] = forms.FileField(
                label=label,
                required=False,
                help_text=_(".csv or .parquet with columns child_id and commune_code"),
            )
