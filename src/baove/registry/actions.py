"""Actions on the child registry. Each is atomic, permission-checked and audited once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from baove.accounts.roles import Perm, Scope, require, scope_of
from baove.audit.log import record
from baove.core.errors import ActionNotAllowed, Conflict, NotFound
from baove.core.text import fold_name
from baove.core.validation import Errors
from baove.geo.models import Commune
from baove.registry.idnumber import IdNumberError, validate_id_number
from baove.registry.models import Caregiver, Child, ChildCaregiver, Household
from baove.registry.vocab import (
    ETHNICITY_NAMES,
    Disability,
    PovertyStatus,
    Relationship,
    Sex,
    YesNoUnknown,
)

if TYPE_CHECKING:
    import datetime as dt

    from baove.accounts.models import User

MAX_AGE_YEARS = 18

_ID_MESSAGES = {
    "format": _("A personal identification number has exactly 12 digits."),
    "province": _("The first 3 digits are not a province code."),
    "sex": _("The 4th digit does not match the child's sex."),
    "year": _("Digits 4 to 6 do not match the year of birth."),
}


def check_commune_in_scope(user: User, commune: Commune) -> None:
    """Refuse work on a commune outside the user's area."""
    scope = scope_of(user)
    if scope is Scope.COMMUNE and user.commune_id == commune.code:
        return
    if scope is Scope.PROVINCE and user.province_id == commune.province_id:
        return
    raise ActionNotAllowed(_("This commune is outside your area."))


def _commune(errors: Errors, value: Any) -> Commune | None:
    if isinstance(value, Commune):
        return value
    code = str(value or "").strip()
    if not code:
        errors.add("commune", _("This field is required."))
        return None
    if not (code.isascii() and code.isdigit() and len(code) == 5):
        # Checked before the database sees it (PostgreSQL rejects NUL bytes outright).
        errors.add("commune", _("Unknown commune code: %(code)s.") % {"code": code[:20]})
        return None
    commune = Commune.objects.select_related("province").filter(code=code).first()
    if commune is None:
        errors.add("commune", _("Unknown commune code: %(code)s.") % {"code": code[:20]})
    return commune


def clean_child_fields(
    errors: Errors, data: Mapping[str, Any], *, partial: bool = False
) -> dict[str, Any]:
    """Validate child fields from a form or API payload; return the cleaned values.

    With ``partial`` only the keys present in ``data`` are checked (for updates).
    """
    out: dict[str, Any] = {}

    def present(key: str) -> bool:
        return not partial or key in data

    if present("family_name"):
        out["family_name"] = errors.text("family_name", data.get("family_name"), max_length=50)
    if present("middle_name"):
        out["middle_name"] = errors.text("middle_name", data.get("middle_name"), max_length=80)
    if present("given_name"):
        out["given_name"] = errors.text(
            "given_name", data.get("given_name"), max_length=50, required=True
        )
    if present("sex"):
        out["sex"] = errors.choice("sex", data.get("sex"), set(Sex.values))
    if present("birth_date"):
        birth: dt.date | None = errors.date("birth_date", data.get("birth_date"))
        if birth is not None:
            from django.utils import timezone

            today = timezone.localdate()
            age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
            if age >= MAX_AGE_YEARS:
                errors.add("birth_date", _("A child must be under 18 years old."))
            out["birth_date"] = birth
    if present("birth_date_estimated"):
        out["birth_date_estimated"] = errors.boolean(
            "birth_date_estimated", data.get("birth_date_estimated", False)
        )
    if present("ethnicity"):
        out["ethnicity"] = errors.choice(
            "ethnicity", data.get("ethnicity", "01"), set(ETHNICITY_NAMES)
        )
    if present("disability"):
        out["disability"] = errors.choice(
            "disability", data.get("disability", "none"), set(Disability.values)
        )
    for key in ("birth_registered", "health_insurance"):
        if present(key):
            out[key] = errors.choice(key, data.get(key, "unknown"), set(YesNoUnknown.values))
    if present("address"):
        out["address"] = errors.text("address", data.get("address"), max_length=300)
    if present("id_number"):
        raw = data.get("id_number")
        if raw in (None, ""):
            out["id_number"] = None
        elif not isinstance(raw, str):
            errors.add("id_number", _ID_MESSAGES["format"])
        else:
            try:
                out["id_number"] = validate_id_number(
                    raw, sex=out.get("sex") or None, birth_date=out.get("birth_date")
                )
            except IdNumberError as exc:
                errors.add("id_number", _ID_MESSAGES[exc.reason])
    return out


def build_child(errors: Errors, data: Mapping[str, Any]) -> Child | None:
    """Validate ``data`` and return an unsaved Child (None if there were errors)."""
    fields = clean_child_fields(errors, data)
    commune = _commune(errors, data.get("commune"))
    if errors.by_field or commune is None:
        return None
    child = Child(commune=commune, province_id=commune.province_id, **fields)
    _refresh_search_keys(child)
    return child


def _refresh_search_keys(child: Child) -> None:
    child.name_folded = fold_name(child.family_name, child.middle_name, child.given_name)
    child.given_first_folded = fold_name(child.given_name, child.family_name, child.middle_name)


def save_new_child(child: Child) -> None:
    """Insert a child built by :func:`build_child`, turning a duplicate ID into a field error."""
    try:
        with transaction.atomic():
            child.save()
    except IntegrityError:
        errors = Errors()
        errors.add("id_number", _("Another child already has this identification number."))
        errors.raise_if_any()


def update_child(
    child: Child, *, changes: Mapping[str, Any], expected_version: int, acting_user: User
) -> Child:
    """Change a child's registry details.

    Args:
        child: A child the user reached through a scoped lookup.
        changes: Field names to new values (only these are changed).
        expected_version: The ``version`` the user's form was built from.
        acting_user: Who makes the change.

    Raises:
        ValidationFailed: A value is invalid (nothing is changed).
        Conflict: Someone changed the child since ``expected_version``.
    """
    require(acting_user, Perm.CASE_UPDATE)
    from baove.cases.access import scoped_children

    if not scoped_children(acting_user).filter(pk=child.pk).exists():
        raise NotFound(_("Child not found."))
    errors = Errors()
    fields = clean_child_fields(errors, changes, partial=True)
    # The ID check needs sex and birth date; fall back to the stored ones.
    if fields.get("id_number") and ("sex" not in fields or "birth_date" not in fields):
        merged = {
            "sex": fields.get("sex", child.sex),
            "birth_date": fields.get("birth_date", child.birth_date),
            "id_number": fields["id_number"],
        }
        clean_child_fields(errors, merged, partial=True)
    errors.raise_if_any()
    if not fields:
        return child
    with transaction.atomic():
        for key, value in fields.items():
            setattr(child, key, value)
        _refresh_search_keys(child)
        updates = {k: getattr(child, k) for k in (*fields, "name_folded", "given_first_folded")}
        try:
            with transaction.atomic():
                done = Child.objects.filter(pk=child.pk, version=expected_version).update(
                    version=F("version") + 1, **updates
                )
        except IntegrityError:
            errors.add("id_number", _("Another child already has this identification number."))
            errors.raise_if_any()
        if not done:
            raise Conflict(
                _("Someone else changed this record after you opened it. Reload and try again.")
            )
        if "name_folded" in updates:
            # Cases carry the child's search keys (see cases.Case.name_folded).
            from baove.cases.models import Case

            Case.objects.filter(child=child).update(
                name_folded=child.name_folded, given_first_folded=child.given_first_folded
            )
        record(
            acting_user,
            "child.update",
            child_id=child.pk,
            object_type="child",
            object_id=child.pk,
            details={"fields": sorted(fields)},
        )
    child.refresh_from_db()
    return child


def add_caregiver(
    child: Child, *, data: Mapping[str, Any], acting_user: User, case_id: int | None = None
) -> ChildCaregiver:
    """Record a caregiver of a child and how they are related.

    ``case_id`` names the case the worker acted from, so the change shows in its timeline.
    """
    require(acting_user, Perm.CASE_UPDATE)
    from baove.cases.access import scoped_children

    if not scoped_children(acting_user).filter(pk=child.pk).exists():
        raise NotFound(_("Child not found."))
    errors = Errors()
    name = errors.text("full_name", data.get("full_name"), max_length=150, required=True)
    relationship = errors.choice("relationship", data.get("relationship"), set(Relationship.values))
    phone = errors.text("phone", data.get("phone"), max_length=20)
    if phone and not phone.replace(" ", "").lstrip("+").isdigit():
        errors.add("phone", _("A phone number has only digits."))
    sex = data.get("sex") or ""
    if sex:
        errors.choice("sex", sex, set(Sex.values))
    is_primary = errors.boolean("is_primary", data.get("is_primary", False))
    lives_with = errors.boolean("lives_with_child", data.get("lives_with_child", True))
    errors.raise_if_any()
    with transaction.atomic():
        caregiver = Caregiver.objects.create(
            full_name=name, sex=sex, phone=phone, household_id=child.household_id
        )
        link = ChildCaregiver.objects.create(
            child=child,
            caregiver=caregiver,
            relationship=relationship,
            is_primary=is_primary,
            lives_with_child=lives_with,
        )
        record(
            acting_user,
            "child.add_caregiver",
            case_id=case_id,
            child_id=child.pk,
            object_type="caregiver",
            object_id=caregiver.pk,
            details={"relationship": relationship},
        )
    return link


def set_household(
    child: Child, *, data: Mapping[str, Any], acting_user: User, case_id: int | None = None
) -> Household:
    """Record the household the child lives in: its address and poverty status.

    The first call creates the household in the child's commune and brings the child's
    caregivers who have none into it; later calls update it. ``case_id`` names the case the
    worker acted from, so the change shows in its timeline.

    Raises:
        ValidationFailed: A value is invalid (nothing is changed).
        NotFound: The child is outside the user's scope.
    """
    require(acting_user, Perm.CASE_UPDATE)
    from baove.cases.access import scoped_children

    if not scoped_children(acting_user).filter(pk=child.pk).exists():
        raise NotFound(_("Child not found."))
    errors = Errors()
    address = errors.text("address", data.get("address"), max_length=300)
    poverty = errors.choice(
        "poverty_status", data.get("poverty_status", "unknown"), set(PovertyStatus.values)
    )
    errors.raise_if_any()
    with transaction.atomic():
        child.refresh_from_db(fields=["household"])
        created = child.household_id is None
        if created:
            household = Household.objects.create(
                commune_id=child.commune_id, address=address, poverty_status=poverty
            )
            # Only if no one gave the child a household meanwhile (else: conflict, rollback).
            linked = Child.objects.filter(pk=child.pk, household__isnull=True).update(
                household=household
            )
            if not linked:
                raise Conflict(
                    _("Someone else recorded this household just now. Reload and try again.")
                )
            Caregiver.objects.filter(child_links__child=child, household__isnull=True).update(
                household=household
            )
            child.household = household
        else:
            household_id: int = child.household_id  # type: ignore[assignment]
            Household.objects.filter(pk=household_id).update(
                address=address, poverty_status=poverty
            )
            household = Household.objects.get(pk=household_id)
        record(
            acting_user,
            "child.household",
            case_id=case_id,
            child_id=child.pk,
            object_type="household",
            object_id=household.pk,
            details={"created": created, "poverty_status": poverty},
        )
    return household
