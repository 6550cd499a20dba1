"""JSON API of the service directory (mounted under ``/api/services``).

Reads need ``SERVICE_VIEW``; changes ``SERVICE_MANAGE`` and the area rules of
:mod:`baove.services.actions` (403 outside it). ``GET /api/services/reachable?case_id=``
reads a case: it goes through ``access_case`` (404 for a case outside your area, exactly
as for a missing one) and is audited as a read of that case.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, P, PathEx, Query, Router, Schema, Status
from pydantic import StrictBool, StrictInt

from baove.accounts.models import Agency, Sector
from baove.accounts.roles import Perm, require
from baove.api.auth import user_of
from baove.api.schemas import MAX_ID, ExpectedVersion, In, Lookup, Out, responses
from baove.cases.reads import MAX_PAGE
from baove.services import actions, reads
from baove.services.models import Service
from baove.services.reads import DirectoryFilter
from baove.services.vocab import CoverageLevel, ServiceType

router = Router(tags=["services"])

ServiceId = PathEx[int, P(ge=1, le=MAX_ID, description="Service id.")]
ProviderId = PathEx[int, P(ge=1, le=MAX_ID, description="Provider (agency) id.")]


# --- schemas -------------------------------------------------------------------------------


class ProviderRefOut(Out):
    id: int
    code: str
    name: str
    sector: str


class ServiceOut(Out):
    id: int
    name: str
    service_type: str
    service_type_label: str
    coverage_level: str
    areas: list[str] = Field(description="Commune or province codes (none when national).")
    provider: ProviderRefOut
    description: str
    opening_hours: str
    capacity: int | None = Field(description="Null: no limit.")
    phone: str
    email: str
    address: str
    is_active: bool = Field(description="False: the service is closed.")
    accepts_referrals: bool
    version: int


class ServicePageOut(Out):
    items: list[ServiceOut]
    total: int
    page: int
    pages: int


class ReachableOut(Out):
    level: str = Field(description="commune, province or national: how near the coverage is.")
    service: ServiceOut


class ReachableListOut(Out):
    case_id: int
    commune: str
    items: list[ReachableOut]


class ProviderOut(Out):
    id: int
    code: str
    name: str
    sector: str
    province: str | None
    commune: str | None
    is_active: bool
    address: str
    phone: str
    email: str
    website: str
    contact_person: str
    description: str
    version: int
    services: list[ServiceOut]


class DirectoryQuery(Schema):
    q: Lookup | None = Field(
        None, max_length=100, description="Part of a service or provider name."
    )
    sector: Sector | None = None
    service_type: ServiceType | None = None
    level: CoverageLevel | None = None
    province: Lookup | None = Field(None, max_length=2, description="Available in this province.")
    commune: Lookup | None = Field(None, max_length=5, description="Reachable from this commune.")
    agency_id: int | None = Field(None, ge=1, le=MAX_ID)
    open_only: bool = False
    page: int = Field(1, ge=1, le=1_000_000)
    per_page: int = Field(50, ge=1, le=MAX_PAGE)


class ReachableQuery(Schema):
    case_id: int = Field(ge=1, le=MAX_ID)
    service_type: ServiceType | None = None
    only_open: bool = True


def _text(default: Any = "", max_length: int = 300) -> Any:
    # Documented here, enforced by the actions (after normalising the text).
    return Field(default, json_schema_extra={"maxLength": max_length})


class ServiceIn(In):
    agency_id: StrictInt = Field(ge=1, le=MAX_ID)
    name: str = _text(..., 200)
    service_type: ServiceType
    coverage_level: CoverageLevel
    areas: list[Lookup] = Field(default_factory=list, max_length=4000)
    description: str = _text("", 4000)
    opening_hours: str = _text("", 200)
    capacity: StrictInt | None = None
    phone: str = _text("", 40)
    email: str = _text("", 254)
    address: str = _text("", 300)
    accepts_referrals: StrictBool = True


class ServiceUpdateIn(In):
    """Fields left out stay as they are; ``coverage_level`` or ``areas`` replace coverage."""

    expected_version: ExpectedVersion
    name: str | None = _text(None, 200)
    service_type: ServiceType | None = None
    coverage_level: CoverageLevel | None = None
    areas: list[Lookup] | None = Field(None, max_length=4000)
    description: str | None = _text(None, 4000)
    opening_hours: str | None = _text(None, 200)
    capacity: StrictInt | None = None
    phone: str | None = _text(None, 40)
    email: str | None = _text(None, 254)
    address: str | None = _text(None, 300)
    accepts_referrals: StrictBool | None = None


class StateIn(In):
    expected_version: ExpectedVersion
    reason: str = _text("", 500)


class ProviderIn(In):
    code: Lookup = _text(..., 40)
    name: str = _text(..., 200)
    sector: Sector
    province: Lookup | None = Field(None, max_length=2)
    commune: Lookup | None = Field(None, max_length=5)
    address: str = _text("", 300)
    phone: str = _text("", 40)
    email: str = _text("", 254)
    website: str = _text("", 300)
    contact_person: str = _text("", 150)
    description: str = _text("", 4000)


class ProviderUpdateIn(In):
    """Fields left out stay as they are."""

    expected_version: ExpectedVersion
    name: str | None = _text(None, 200)
    sector: Sector | None = None
    province: Lookup | None = Field(None, max_length=2)
    commune: Lookup | None = Field(None, max_length=5)
    is_active: StrictBool | None = None
    address: str | None = _text(None, 300)
    phone: str | None = _text(None, 40)
    email: str | None = _text(None, 254)
    website: str | None = _text(None, 300)
    contact_person: str | None = _text(None, 150)
    description: str | None = _text(None, 4000)


# --- presenting ----------------------------------------------------------------------------


def _service_out(service: Service, areas: list[str] | None = None) -> ServiceOut:
    if areas is None:
        areas = [a.commune_id or a.province_id or "" for a in service.areas.all()]
    agency = service.agency
    return ServiceOut(
        id=service.pk, name=service.name, service_type=service.service_type,
        service_type_label=str(service.get_service_type_display()),
        coverage_level=service.coverage_level, areas=areas,
        provider=ProviderRefOut(id=agency.pk, code=agency.code, name=agency.name,
                                sector=agency.sector),
        description=service.description, opening_hours=service.opening_hours,
        capacity=service.capacity, phone=service.phone, email=service.email,
        address=service.address, is_active=service.is_active,
        accepts_referrals=service.accepts_referrals, version=service.version,
    )  # fmt: skip


def _provider_out(agency: Agency) -> ProviderOut:
    profile = getattr(agency, "profile", None)
    services = Service.objects.filter(agency=agency).select_related("agency")
    return ProviderOut(
        id=agency.pk, code=agency.code, name=agency.name, sector=agency.sector,
        province=agency.province_id, commune=agency.commune_id, is_active=agency.is_active,
        address=profile.address if profile else "", phone=profile.phone if profile else "",
        email=profile.email if profile else "", website=profile.website if profile else "",
        contact_person=profile.contact_person if profile else "",
        description=profile.description if profile else "",
        version=actions.provider_version(agency),
        services=[_service_out(s) for s in services.prefetch_related("areas").order_by("name")],
    )  # fmt: skip


def _changes(payload: Schema) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    data.pop("expected_version", None)
    return data


# --- reading -------------------------------------------------------------------------------


@router.get("", response=responses(200, ServicePageOut))
def services_list(request: HttpRequest, filters: Query[DirectoryQuery]) -> ServicePageOut:
    """The directory: services by name, filtered (``commune``: those reachable from it)."""
    user = user_of(request)
    commune = filters.commune.strip().zfill(5) if filters.commune else None
    province = filters.province.strip().zfill(2) if filters.province else None
    qs = reads.directory(
        user,
        DirectoryFilter(
            sector=filters.sector, service_type=filters.service_type, level=filters.level,
            province=province, commune=commune, agency=filters.agency_id,
            open_only=filters.open_only, q=(filters.q or "").strip() or None,
        ),
    )  # fmt: skip
    total = qs.count()
    start = (filters.page - 1) * filters.per_page
    page = list(qs.prefetch_related("areas")[start : start + filters.per_page])
    return ServicePageOut(
        items=[_service_out(s) for s in page],
        total=total,
        page=filters.page,
        pages=max(1, -(-total // filters.per_page)),
    )


@router.get("/reachable", response=responses(200, ReachableListOut))
def services_reachable(request: HttpRequest, query: Query[ReachableQuery]) -> ReachableListOut:
    """The services the case's child can reach: commune level, then province, then national.

    Audited as a read of the case; 404 for a case outside your area or missing.
    """
    user = user_of(request)
    case, found = reads.reachable_for_case(
        user, query.case_id, service_type=query.service_type, only_open=query.only_open
    )
    return ReachableListOut(
        case_id=case.pk,
        commune=case.commune_id,
        items=[ReachableOut(level=r.level, service=_service_out(r.service, areas=[]))
               for r in found],
    )  # fmt: skip


@router.get("/providers/{int:agency_id}", response=responses(200, ProviderOut))
def services_provider(request: HttpRequest, agency_id: ProviderId) -> ProviderOut:
    """A provider with its contacts and every service (open and closed)."""
    return _provider_out(reads.provider_detail(user_of(request), agency_id))


@router.get("/{int:service_id}", response=responses(200, ServiceOut))
def services_detail(request: HttpRequest, service_id: ServiceId) -> ServiceOut:
    """One service with the codes of the areas it covers."""
    return _service_out(reads.service_detail(user_of(request), service_id))


# --- changing ------------------------------------------------------------------------------


@router.post("/providers", response=responses(201, ProviderOut))
def services_provider_create(request: HttpRequest, payload: ProviderIn) -> Status[ProviderOut]:
    """Register a provider (managers: in their province; administrators: anywhere)."""
    user = user_of(request)
    agency = actions.create_provider(acting_user=user, data=payload.model_dump())
    return Status(201, _provider_out(reads.provider_detail(user, agency.pk)))


@router.patch("/providers/{int:agency_id}", response=responses(200, ProviderOut))
def services_provider_update(
    request: HttpRequest, agency_id: ProviderId, payload: ProviderUpdateIn
) -> ProviderOut:
    """Change a provider (fields left out stay as they are; 409 if it changed since)."""
    user = user_of(request)
    require(user, Perm.SERVICE_MANAGE)
    agency = reads.provider_detail(user, agency_id)
    actions.update_provider(
        agency, acting_user=user, expected_version=payload.expected_version,
        data=_changes(payload),
    )  # fmt: skip
    return _provider_out(reads.provider_detail(user, agency_id))


@router.post("", response=responses(201, ServiceOut))
def services_create(request: HttpRequest, payload: ServiceIn) -> Status[ServiceOut]:
    """Add a service to a provider, with the communes or provinces it covers."""
    user = user_of(request)
    require(user, Perm.SERVICE_MANAGE)
    agency = reads.provider_detail(user, payload.agency_id)
    data = payload.model_dump()
    data.pop("agency_id")
    created = actions.create_service(acting_user=user, agency=agency, data=data)
    return Status(201, _service_out(reads.service_detail(user, created.pk)))


@router.patch("/{int:service_id}", response=responses(200, ServiceOut))
def services_update(
    request: HttpRequest, service_id: ServiceId, payload: ServiceUpdateIn
) -> ServiceOut:
    """Change a service (fields left out stay as they are; 409 if it changed since)."""
    user = user_of(request)
    require(user, Perm.SERVICE_MANAGE)
    item = reads.service_detail(user, service_id)
    actions.update_service(
        item, acting_user=user, expected_version=payload.expected_version, data=_changes(payload)
    )
    return _service_out(reads.service_detail(user, service_id))


@router.post("/{int:service_id}/close", response=responses(200, ServiceOut))
def services_close(request: HttpRequest, service_id: ServiceId, payload: StateIn) -> ServiceOut:
    """Close a service (no new referral reaches it); 409 if already closed."""
    user = user_of(request)
    require(user, Perm.SERVICE_MANAGE)
    item = reads.service_detail(user, service_id)
    actions.close_service(
        item, acting_user=user, expected_version=payload.expected_version, reason=payload.reason
    )
    return _service_out(reads.service_detail(user, service_id))


@router.post("/{int:service_id}/reopen", response=responses(200, ServiceOut))
def services_reopen(request: HttpRequest, service_id: ServiceId, payload: StateIn) -> ServiceOut:
    """Open a closed service again; 409 if it is open."""
    user = user_of(request)
    require(user, Perm.SERVICE_MANAGE)
    item = reads.service_detail(user, service_id)
    actions.reopen_service(item, acting_user=user, expected_version=payload.expected_version)
    return _service_out(reads.service_detail(user, service_id))
