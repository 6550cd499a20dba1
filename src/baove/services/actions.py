"""Every change to the service directory goes through one of these functions.

Each action is atomic, checks ``SERVICE_MANAGE`` and the area the user manages, and writes
one audit event of its own. Province managers manage the providers whose home province is
theirs, and only services whose coverage stays inside that province; administrators manage
the whole country (national providers and national services included). Edits take the
``expected_version`` the user saw and fail with :class:`~baove.core.errors.Conflict` when
someone changed the record in between (compare-and-set in one UPDATE).

Providers are :class:`~baove.accounts.models.Agency` rows stored through
:func:`baove.accounts.actions.insert_agency`, and provider staff accounts through
:func:`baove.accounts.actions.insert_user`: the same validation as the accounts actions,
without their permission check (``USER_MANAGE``, which managers do not hold) and without
their audit event, so each action here writes exactly one event naming the user who acted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baove.accounts import actions as account_actions
from baove.accounts.models import Agency, Sector
from baove.accounts.roles import Perm, Role, Scope, has_perm, require, scope_of
from baove.audit.log import record
from baove.core.errors import ActionNotAllowed, Conflict, IllegalTransition
from baove.core.validation import Errors
from baove.geo.models import Commune, Province
from baove.services.codes import commune_or_error, province_or_error, split_codes
from baove.services.models import ProviderProfile, Service, ServiceArea
from baove.services.vocab import CoverageLevel, ServiceType

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from baove.accounts.models import User

__all__ = [
    "Coverage",
    "add_provider_staff",
    "can_manage_provider",
    "can_manage_service",
    "check_coverage",
    "close_service",
    "create_provider",
    "create_service",
    "provider_version",
    "reopen_service",
    "set_coverage",
    "update_provider",
    "update_service",
]

_SERVICE_CONFLICT = _(
    "Someone else changed this service after you opened it. Reload it and try again."
)
_PROVIDER_CONFLICT = _(
    "Someone else changed this provider after you opened it. Reload it and try again."
)
_OTHER_PROVINCE = _("You can only manage the providers and services of your own province.")
_NATIONAL_ONLY_ADMIN = _("Only an administrator can manage national providers and services.")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
_PHONE = re.compile(r"^[0-9+()./ -]{3,40}$")
_MAX_CAPACITY = 1_000_000
_MAX_AREAS = 4000  # more than every commune of the country: a sign of a wrong file
_url = URLValidator(schemes=["http", "https"])


# --- scope ---------------------------------------------------------------------------------


def _manager_province(user: User | AnonymousUser) -> str | None:
    """The province a manager manages; None for national managers (administrators)."""
    if scope_of(user) is Scope.PROVINCE:
        return user.province_id or ""  # type: ignore[union-attr]
    return None


def can_manage_provider(user: User | AnonymousUser, agency: Agency) -> bool:
    """Return True when ``user`` may edit ``agency`` and add services or staff to it."""
    if not has_perm(user, Perm.SERVICE_MANAGE):
        return False
    province = _manager_province(user)
    return province is None or (bool(province) and agency.province_id == province)


def can_manage_service(user: User | AnonymousUser, service: Service) -> bool:
    """Return True when ``user`` may edit, close or reopen ``service``."""
    if not can_manage_provider(user, service.agency):
        return False
    province = _manager_province(user)
    if province is None:
        return True
    if service.coverage_level == CoverageLevel.NATIONAL:
        return False
    outside = ServiceArea.objects.filter(service=service).exclude(
        Q(province_id=province) | Q(commune__province_id=province)
    )
    return not outside.exists()


def _require_provider(user: User, agency: Agency) -> None:
    require(user, Perm.SERVICE_MANAGE)
    if not can_manage_provider(user, agency):
        raise ActionNotAllowed(_OTHER_PROVINCE if agency.province_id else _NATIONAL_ONLY_ADMIN)


def _require_service(user: User, service: Service) -> None:
    require(user, Perm.SERVICE_MANAGE)
    if not can_manage_service(user, service):
        raise ActionNotAllowed(
            _NATIONAL_ONLY_ADMIN
            if service.coverage_level == CoverageLevel.NATIONAL or not service.agency.province_id
            else _OTHER_PROVINCE
        )


# --- shared checks -------------------------------------------------------------------------


def _phone(errors: Errors, field: str, value: Any) -> str:
    text = errors.text(field, value, max_length=40)
    if text and not _PHONE.match(text):
        errors.add(field, _("This is not a valid phone number."))
    return text


def _email(errors: Errors, field: str, value: Any) -> str:
    text = errors.text(field, value, max_length=254)
    if text:
        try:
            validate_email(text)
        except ValidationError:
            errors.add(field, _("This is not a valid email address."))
    return text


def _website(errors: Errors, field: str, value: Any) -> str:
    text = errors.text(field, value, max_length=300)
    if text:
        try:
            _url(text)
        except ValidationError:
            errors.add(field, _("This is not a valid web address (start it with https://)."))
    return text


def _capacity(errors: Errors, field: str, value: Any) -> int | None:
    """A capacity: empty means unlimited; otherwise a whole number from 0."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        errors.add(field, _("This must be a whole number."))
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        text = text[:-2] if text.endswith(".0") else text
        if not (text.isascii() and text.isdigit()):
            errors.add(field, _("This must be a whole number."))
            return None
        value = int(text)
    if not isinstance(value, int):
        errors.add(field, _("This must be a whole number."))
        return None
    if not 0 <= value <= _MAX_CAPACITY:
        errors.add(field, _("This number is out of range."))
        return None
    return value


def _yes_no(errors: Errors, field: str, value: Any) -> bool:
    if isinstance(value, str):  # forms and files say yes/no in words
        folded = value.strip().lower()
        if folded in {"yes", "y", "true", "1", "có", "co", "x"}:
            return True
        if folded in {"no", "n", "false", "0", "không", "khong", ""}:
            return False
    if isinstance(value, int) and not isinstance(value, bool) and value in (0, 1):
        return bool(value)
    return errors.boolean(field, value)


def _province_value(errors: Errors, field: str, value: Any) -> Province | None:
    if value is None or value == "" or isinstance(value, Province):
        return value or None
    province, problem = province_or_error(str(value))
    if problem is not None:
        errors.add(field, problem)
    return province


def _commune_value(errors: Errors, field: str, value: Any) -> Commune | None:
    if value is None or value == "" or isinstance(value, Commune):
        return value or None
    commune, problem = commune_or_error(str(value))
    if problem is not None:
        errors.add(field, problem)
    return commune


@dataclass(frozen=True)
class Coverage:
    """A checked coverage: the level and the communes or provinces it lists."""

    level: str
    communes: tuple[Commune, ...] = ()
    provinces: tuple[Province, ...] = ()

    def codes(self) -> list[str]:
        """The codes of the units covered (empty for national coverage)."""
        return [c.code for c in self.communes] or [p.code for p in self.provinces]


def check_coverage(
    errors: Errors, user: User, level: Any, areas: Any, *, field: str = "areas"
) -> Coverage:
    """Check a coverage level and its area codes (a list, or codes in one text).

    Commune-level services list communes, province-level services provinces, national
    services nothing. A province manager's coverage must stay inside their province.
    """
    level = errors.choice("coverage_level", level, set(CoverageLevel.values))
    codes = split_codes(areas)
    province = _manager_province(user)
    if level == CoverageLevel.NATIONAL:
        if province is not None:
            errors.add("coverage_level", _NATIONAL_ONLY_ADMIN)
        if codes:
            errors.add(field, _("A national service covers the whole country: list no areas."))
        return Coverage(level)
    if not level:
        return Coverage(level)
    if not codes:
        errors.add(field, _("List the communes or provinces this service covers."))
        return Coverage(level)
    if len(codes) > _MAX_AREAS:
        errors.add(field, _("This lists too many areas."))
        return Coverage(level)
    communes: list[Commune] = []
    provinces: list[Province] = []
    for code in codes:
        if level == CoverageLevel.COMMUNE:
            commune, problem = commune_or_error(code)
            if commune is not None and province is not None and commune.province_id != province:
                problem = _("The commune %(code)s is not in your province.") % {"code": code}
            if problem is not None:
                errors.add(field, problem)
            elif commune is not None:
                communes.append(commune)
        else:
            unit, problem = province_or_error(code)
            if unit is not None and province is not None and unit.code != province:
                problem = _("The province %(code)s is not yours.") % {"code": code}
            if problem is not None:
                errors.add(field, problem)
            elif unit is not None:
                provinces.append(unit)
    return Coverage(level, tuple(communes), tuple(provinces))


def _write_areas(service: Service, coverage: Coverage) -> None:
    ServiceArea.objects.filter(service=service).delete()
    ServiceArea.objects.bulk_create(
        [ServiceArea(service=service, commune=c) for c in coverage.communes]
        + [ServiceArea(service=service, province=p) for p in coverage.provinces]
    )


_SERVICE_TEXT = {
    "name": (200, True, False),
    "description": (4000, False, True),
    "opening_hours": (200, False, False),
    "address": (300, False, False),
}


def _service_fields(errors: Errors, data: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    """Check the plain fields of a service (all of them, or those ``data`` holds)."""
    out: dict[str, Any] = {}

    def wanted(name: str) -> bool:
        return not partial or name in data

    for name, (limit, required, multiline) in _SERVICE_TEXT.items():
        if wanted(name):
            out[name] = errors.text(
                name, data.get(name), max_length=limit, required=required, multiline=multiline
            )
    if wanted("service_type"):
        out["service_type"] = errors.choice(
            "service_type", data.get("service_type"), set(ServiceType.values)
        )
    if wanted("capacity"):
        out["capacity"] = _capacity(errors, "capacity", data.get("capacity"))
    if wanted("phone"):
        out["phone"] = _phone(errors, "phone", data.get("phone"))
    if wanted("email"):
        out["email"] = _email(errors, "email", data.get("email"))
    if wanted("accepts_referrals"):
        out["accepts_referrals"] = _yes_no(
            errors, "accepts_referrals", data.get("accepts_referrals", True)
        )
    return out


_PROFILE_TEXT = {"contact_person": 150, "address": 300}


def _profile_fields(errors: Errors, data: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}

    def wanted(name: str) -> bool:
        return not partial or name in data

    for name, limit in _PROFILE_TEXT.items():
        if wanted(name):
            out[name] = errors.text(name, data.get(name), max_length=limit)
    if wanted("description"):
        out["description"] = errors.text(
            "description", data.get("description"), max_length=4000, multiline=True
        )
    if wanted("phone"):
        out["phone"] = _phone(errors, "phone", data.get("phone"))
    if wanted("email"):
        out["email"] = _email(errors, "email", data.get("email"))
    if wanted("website"):
        out["website"] = _website(errors, "website", data.get("website"))
    return out


def _place(
    errors: Errors, user: User, data: Mapping[str, Any], current: Agency | None
) -> tuple[Province | None, Commune | None]:
    """Check a provider's home province and commune (a manager's: their own province)."""
    province = (
        _province_value(errors, "province", data.get("province"))
        if current is None or "province" in data
        else current.province
    )
    commune = (
        _commune_value(errors, "commune", data.get("commune"))
        if current is None or "commune" in data
        else current.commune
    )
    managed = _manager_province(user)
    if managed is not None:
        if province is None and current is None and not data.get("province"):
            # A manager's new provider is in their province unless they say otherwise.
            province = Province.objects.filter(code=managed).first()
        if province is None or province.code != managed:
            errors.add("province", _OTHER_PROVINCE)
    if commune is not None and province is not None and commune.province_id != province.code:
        errors.add("commune", _("This commune is not in the province chosen."))
    if commune is not None and province is None:
        province = commune.province
    return province, commune


# --- providers -----------------------------------------------------------------------------


def provider_version(agency: Agency) -> int:
    """Return the version of a provider's directory entry (1 before its first edit)."""
    version = (
        ProviderProfile.objects.filter(agency_id=agency.pk)
        .values_list("version", flat=True)
        .first()
    )
    return version or 1


def create_provider(*, acting_user: User, data: Mapping[str, Any]) -> Agency:
    """Register a provider: an agency of a sector, with its directory details.

    Args:
        acting_user: An administrator, or a province manager (for their own province).
        data: ``code`` (letters, digits, ``-``), ``name``, ``sector``, optional
            ``province`` and ``commune`` (codes or objects; a manager's province by
            default), ``address``, ``phone``, ``email``, ``website``, ``contact_person``,
            ``description``.

    Raises:
        ValidationFailed: With every invalid field; nothing is written.
        ActionNotAllowed: The role may not manage the directory.
    """
    require(acting_user, Perm.SERVICE_MANAGE)
    errors = Errors()
    code = errors.text("code", data.get("code"), max_length=40, required=True)
    if code and not _SLUG.match(code):
        errors.add("code", _("Use only letters without tones, digits, “-” and “_”."))
    elif code and Agency.objects.filter(code=code).exists():
        errors.add("code", _("This code is already used."))
    name = errors.text("name", data.get("name"), max_length=200, required=True)
    sector = errors.choice("sector", data.get("sector"), set(Sector.values))
    province, commune = _place(errors, acting_user, data, None)
    profile = _profile_fields(errors, data, partial=False)
    errors.raise_if_any()
    with transaction.atomic():
        agency = account_actions.insert_agency(
            code=code, name=name, sector=sector, province=province, commune=commune
        )
        ProviderProfile.objects.create(agency=agency, **profile)
        record(
            acting_user, "provider.create", object_type="agency", object_id=agency.pk,
            details={"code": code, "sector": sector, "province": agency.province_id},
        )  # fmt: skip
    return agency


def update_provider(
    agency: Agency, *, acting_user: User, expected_version: int, data: Mapping[str, Any]
) -> Agency:
    """Change a provider's name, sector, place, contacts or active flag.

    Only the keys present in ``data`` change (``name``, ``sector``, ``province``,
    ``commune``, ``is_active`` and the profile fields of :func:`create_provider`).
    """
    require(acting_user, Perm.SERVICE_MANAGE)
    agency = Agency.objects.select_related("province", "commune").get(pk=agency.pk)
    _require_provider(acting_user, agency)
    if provider_version(agency) != expected_version:
        raise Conflict(_PROVIDER_CONFLICT)
    errors = Errors()
    fields: dict[str, Any] = {}
    if "name" in data:
        fields["name"] = errors.text("name", data.get("name"), max_length=200, required=True)
    if "sector" in data:
        fields["sector"] = errors.choice("sector", data.get("sector"), set(Sector.values))
    if "is_active" in data:
        fields["is_active"] = _yes_no(errors, "is_active", data.get("is_active"))
    if "province" in data or "commune" in data:
        fields["province"], fields["commune"] = _place(errors, acting_user, data, agency)
    profile = _profile_fields(errors, data, partial=True)
    errors.raise_if_any()
    with transaction.atomic():
        ProviderProfile.objects.get_or_create(agency=agency)
        done = ProviderProfile.objects.filter(agency=agency, version=expected_version).update(
            version=F("version") + 1, updated_at=timezone.now(), **profile
        )
        if not done:
            raise Conflict(_PROVIDER_CONFLICT)
        if fields:
            Agency.objects.filter(pk=agency.pk).update(**fields)
        record(
            acting_user, "provider.update", object_type="agency", object_id=agency.pk,
            details={"fields": sorted([*fields, *profile])},
        )  # fmt: skip
    agency.refresh_from_db()
    return agency


def add_provider_staff(
    agency: Agency,
    *,
    acting_user: User,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    language: str = "vi",
) -> User:
    """Create an account for a person working at a provider (role: provider staff).

    Raises:
        ValidationFailed: Username taken, weak password, bad names; nothing is written.
        ActionNotAllowed: The user may not manage this provider.
    """
    require(acting_user, Perm.SERVICE_MANAGE)
    _require_provider(acting_user, agency)
    with transaction.atomic():
        user = account_actions.insert_user(
            username=username, password=password, role=Role.PROVIDER_STAFF, agency=agency,
            first_name=first_name, last_name=last_name, language=language,
        )  # fmt: skip
        record(
            acting_user, "provider.staff_add", object_type="agency", object_id=agency.pk,
            details={"user": user.pk, "username": user.username},
        )  # fmt: skip
    return user


# --- services ------------------------------------------------------------------------------


def create_service(*, acting_user: User, agency: Agency, data: Mapping[str, Any]) -> Service:
    """Add a service to a provider, with the area it covers.

    Args:
        acting_user: An administrator, or the manager of the provider's province.
        agency: The provider.
        data: ``name``, ``service_type``, ``coverage_level``, ``areas`` (commune or
            province codes, a list or one text), optional ``description``,
            ``opening_hours``, ``capacity`` (empty: unlimited), ``phone``, ``email``,
            ``address``, ``accepts_referrals`` (default yes).

    Raises:
        ValidationFailed: With every invalid field; nothing is written.
        ActionNotAllowed: The user may not manage this provider or that coverage.
    """
    require(acting_user, Perm.SERVICE_MANAGE)
    _require_provider(acting_user, agency)
    errors = Errors()
    fields = _service_fields(errors, data, partial=False)
    coverage = check_coverage(errors, acting_user, data.get("coverage_level"), data.get("areas"))
    if fields.get("name") and Service.objects.filter(agency=agency, name=fields["name"]).exists():
        errors.add("name", _("This provider already has a service with this name."))
    errors.raise_if_any()
    try:
        with transaction.atomic():
            service = Service.objects.create(agency=agency, coverage_level=coverage.level, **fields)
            _write_areas(service, coverage)
            record(
                acting_user, "service.create", object_type="service", object_id=service.pk,
                details={"agency": agency.pk, "type": service.service_type,
                         "level": coverage.level, "areas": len(coverage.codes())},
            )  # fmt: skip
    except IntegrityError:  # the same form sent twice at once: the second loses the race
        errors.add("name", _("This provider already has a service with this name."))
        errors.raise_if_any()
        raise  # pragma: no cover - raise_if_any always raises here
    return service


def _load(service: Service) -> Service:
    return Service.objects.select_related("agency").get(pk=service.pk)


def _cas(service: Service, expected_version: int, **fields: Any) -> None:
    done = Service.objects.filter(pk=service.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if not done:
        raise Conflict(_SERVICE_CONFLICT)


def update_service(
    service: Service, *, acting_user: User, expected_version: int, data: Mapping[str, Any]
) -> Service:
    """Change a service's fields; with ``coverage_level`` or ``areas``, its coverage too.

    Only the keys present in ``data`` change (see :func:`create_service`).
    """
    require(acting_user, Perm.SERVICE_MANAGE)
    service = _load(service)
    _require_service(acting_user, service)
    if service.version != expected_version:
        raise Conflict(_SERVICE_CONFLICT)
    errors = Errors()
    fields = _service_fields(errors, data, partial=True)
    coverage: Coverage | None = None
    if "coverage_level" in data or "areas" in data:
        current = [a.commune_id or a.province_id for a in service.areas.all()]
        coverage = check_coverage(
            errors, acting_user, data.get("coverage_level", service.coverage_level),
            data.get("areas", current),
        )  # fmt: skip
    name = fields.get("name")
    taken = Service.objects.filter(agency_id=service.agency_id, name=name)
    if name and name != service.name and taken.exists():
        errors.add("name", _("This provider already has a service with this name."))
    errors.raise_if_any()
    with transaction.atomic():
        if coverage is not None:
            fields["coverage_level"] = coverage.level
        _cas(service, expected_version, **fields)
        if coverage is not None:
            _write_areas(service, coverage)
        record(
            acting_user, "service.update", object_type="service", object_id=service.pk,
            details={"fields": sorted(fields) + (["areas"] if coverage is not None else [])},
        )  # fmt: skip
    return _load(service)


def set_coverage(
    service: Service, *, acting_user: User, expected_version: int, coverage_level: str,
    areas: Any,
) -> Service:  # fmt: skip
    """Replace the area a service covers (level and communes or provinces)."""
    require(acting_user, Perm.SERVICE_MANAGE)
    service = _load(service)
    _require_service(acting_user, service)
    if service.version != expected_version:
        raise Conflict(_SERVICE_CONFLICT)
    errors = Errors()
    coverage = check_coverage(errors, acting_user, coverage_level, areas)
    errors.raise_if_any()
    with transaction.atomic():
        _cas(service, expected_version, coverage_level=coverage.level)
        _write_areas(service, coverage)
        record(
            acting_user, "service.coverage", object_type="service", object_id=service.pk,
            details={"level": coverage.level, "areas": coverage.codes()[:200]},
        )  # fmt: skip
    return _load(service)


def close_service(
    service: Service, *, acting_user: User, expected_version: int, reason: str = ""
) -> Service:
    """Close a service: it stays in the directory but no child is referred to it."""
    require(acting_user, Perm.SERVICE_MANAGE)
    service = _load(service)
    _require_service(acting_user, service)
    if not service.is_active:
        raise IllegalTransition(_("This service is already closed."))
    if service.version != expected_version:
        raise Conflict(_SERVICE_CONFLICT)
    errors = Errors()
    reason = errors.text("reason", reason, max_length=500)
    errors.raise_if_any()
    with transaction.atomic():
        _cas(service, expected_version, is_active=False, closed_at=timezone.now())
        record(
            acting_user, "service.close", object_type="service", object_id=service.pk,
            details={"reason": reason} if reason else {},
        )  # fmt: skip
    return _load(service)


def reopen_service(service: Service, *, acting_user: User, expected_version: int) -> Service:
    """Open a closed service again."""
    require(acting_user, Perm.SERVICE_MANAGE)
    service = _load(service)
    _require_service(acting_user, service)
    if service.is_active:
        raise IllegalTransition(_("This service is already open."))
    if service.version != expected_version:
        raise Conflict(_SERVICE_CONFLICT)
    with transaction.atomic():
        _cas(service, expected_version, is_active=True, closed_at=None)
        record(acting_user, "service.reopen", object_type="service", object_id=service.pk)
    return _load(service)
