"""Read paths over the service directory.

The directory itself holds no child's data: anyone with ``SERVICE_VIEW`` reads all of it.
"Which services can this child reach?" starts from a case, so its API path goes through
:func:`baove.cases.access.access_case` and is audited as a read of that case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from baove.accounts.models import Agency, User
from baove.accounts.roles import Perm, require
from baove.audit.log import record
from baove.cases.access import access_case
from baove.core.errors import NotFound
from baove.services.models import Service, ServiceArea
from baove.services.vocab import LEVEL_ORDER, CoverageLevel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from baove.cases.models import Case
    from baove.geo.models import Commune

__all__ = [
    "DirectoryFilter",
    "Reachable",
    "directory",
    "may_see_staff",
    "provider_detail",
    "reachable_for_case",
    "reachable_services",
    "service_covers",
    "service_detail",
]


@dataclass(frozen=True)
class Reachable:
    """A service a child can reach, and the level at which it covers the child's commune."""

    service: Service
    level: str


# One statement, three index ranges: area rows of the commune, area rows of its province
# (both from the (unit, service) indexes alone) and the national services (from the
# (coverage_level, is_active) index). Its cost depends on the directory near the child,
# never on how many cases or children the database holds (bench/bench_services.py).
_REACH_SQL = """SELECT s.*, x.lvl AS reach_level, g.code AS g_code, g.name AS g_name,
    g.sector AS g_sector, g.province_id AS g_province, g.commune_id AS g_commune,
    g.is_active AS g_active
    FROM (
        SELECT a.service_id AS sid, 0 AS lvl FROM services_servicearea a WHERE a.commune_id = %s
        UNION ALL
        SELECT a.service_id, 1 FROM services_servicearea a WHERE a.province_id = %s
        UNION ALL
        SELECT n.id, 2 FROM services_service n WHERE n.coverage_level = %s{national_open}
    ) x
    JOIN services_service s ON s.id = x.sid
    JOIN accounts_agency g ON g.id = s.agency_id
    WHERE 1 = 1{filters}
    ORDER BY x.lvl, s.name, s.id"""


def reachable_services(
    commune: Commune, *, service_type: str | None = None, only_open: bool = True
) -> list[Reachable]:
    """Return the services that cover ``commune``, nearest level first, then by name.

    Args:
        commune: The child's commune (2025 code).
        service_type: Only services of this :class:`~baove.services.vocab.ServiceType`.
        only_open: Leave out closed services and services of inactive providers.

    Returns:
        Commune-level services covering the commune, then province-level services covering
        its province, then national services; each level ordered by service name.
    """
    params: list[Any] = [commune.pk, commune.province_id, CoverageLevel.NATIONAL]
    national_open = ""
    filters = ""
    if only_open:
        national_open = " AND n.is_active = %s"
        params.append(True)
    if only_open:
        filters += " AND s.is_active = %s AND g.is_active = %s"
        params += [True, True]
    if service_type:
        filters += " AND s.service_type = %s"
        params.append(service_type)
    sql = _REACH_SQL.format(national_open=national_open, filters=filters)
    out: list[Reachable] = []
    seen: set[int] = set()
    for service in Service.objects.raw(sql, params):
        if service.pk in seen:  # a service listed at two levels counts at the nearest
            continue
        seen.add(service.pk)
        row: Any = service
        service.agency = Agency(
            pk=service.agency_id, code=row.g_code, name=row.g_name, sector=row.g_sector,
            province_id=row.g_province, commune_id=row.g_commune, is_active=bool(row.g_active),
        )  # fmt: skip
        out.append(Reachable(service=service, level=LEVEL_ORDER[row.reach_level]))
    return out


def service_covers(service: Service, commune: Commune) -> bool:
    """Return True when ``service``'s coverage includes ``commune``.

    Only geography is judged: a closed service still "covers" its area (callers check
    ``is_active`` and ``accepts_referrals`` themselves, with their own messages).
    """
    if service.coverage_level == CoverageLevel.NATIONAL:
        return True
    areas = ServiceArea.objects.filter(service_id=service.pk)
    if service.coverage_level == CoverageLevel.COMMUNE:
        return areas.filter(commune_id=commune.pk).exists()
    return areas.filter(province_id=commune.province_id).exists()


def reachable_for_case(
    user: User, case_id: int | str, *, service_type: str | None = None, only_open: bool = True
) -> tuple[Case, list[Reachable]]:
    """Return a case the user may see and the services its child can reach (audited).

    Raises:
        ActionNotAllowed: The role may not read the directory.
        NotFound: The case does not exist or is outside the user's scope (one answer).
    """
    require(user, Perm.SERVICE_VIEW)
    case = access_case(user, case_id)
    found = reachable_services(case.commune, service_type=service_type, only_open=only_open)
    record(
        user, "case.view", case_id=case.pk, child_id=case.child_id, object_type="case",
        object_id=case.pk, details={"read": "services.reachable", "found": len(found)},
    )  # fmt: skip
    return case, found


@dataclass(frozen=True)
class DirectoryFilter:
    """Filters of the directory list; None means "any"."""

    sector: str | None = None
    service_type: str | None = None
    level: str | None = None
    province: str | None = None
    commune: str | None = None
    agency: int | None = None
    open_only: bool = False
    q: str | None = None


def directory(user: User | AnonymousUser, filters: DirectoryFilter) -> QuerySet[Service]:
    """Return the services matching ``filters``, by name, with their providers.

    ``province`` lists the services available somewhere in that province (commune- or
    province-level coverage there, and national services); ``commune`` those a child of
    that commune can reach (as :func:`reachable_services`).
    """
    require(user, Perm.SERVICE_VIEW)
    qs = Service.objects.select_related("agency", "agency__province").order_by("name", "id")
    if filters.sector:
        qs = qs.filter(agency__sector=filters.sector)
    if filters.service_type:
        qs = qs.filter(service_type=filters.service_type)
    if filters.level:
        qs = qs.filter(coverage_level=filters.level)
    if filters.agency:
        qs = qs.filter(agency_id=filters.agency)
    national = Q(coverage_level=CoverageLevel.NATIONAL)
    if filters.commune:
        near = ServiceArea.objects.filter(service=OuterRef("pk")).filter(
            Q(commune_id=filters.commune) | Q(province_id=_province_of(filters.commune))
        )
        qs = qs.filter(Q(Exists(near)) | national)
    elif filters.province:
        inside = ServiceArea.objects.filter(service=OuterRef("pk")).filter(
            Q(province_id=filters.province) | Q(commune__province_id=filters.province)
        )
        qs = qs.filter(Q(Exists(inside)) | national)
    if filters.open_only:
        qs = qs.filter(is_active=True, agency__is_active=True)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(agency__name__icontains=filters.q))
    return qs


def _province_of(commune_code: str) -> str:
    from baove.geo import cache as geo_cache

    try:
        return geo_cache.commune(commune_code).province_id
    except KeyError:
        return ""


def service_detail(user: User | AnonymousUser, service_id: int | str) -> Service:
    """Return one service with its provider and areas.

    Raises:
        NotFound: No such service.
    """
    require(user, Perm.SERVICE_VIEW)
    try:
        pk = int(service_id)
    except (TypeError, ValueError):
        raise NotFound(_("Service not found.")) from None
    if not 0 < pk < 2**63:
        raise NotFound(_("Service not found."))
    service = (
        Service.objects.select_related("agency", "agency__province", "agency__commune")
        .prefetch_related("areas__commune", "areas__province")
        .filter(pk=pk)
        .first()
    )
    if service is None:
        raise NotFound(_("Service not found."))
    return service


def provider_detail(user: User | AnonymousUser, agency_id: int | str) -> Agency:
    """Return one provider with its profile (``agency.profile`` may be missing).

    Raises:
        NotFound: No such provider.
    """
    require(user, Perm.SERVICE_VIEW)
    try:
        pk = int(agency_id)
    except (TypeError, ValueError):
        raise NotFound(_("Provider not found.")) from None
    if not 0 < pk < 2**63:
        raise NotFound(_("Provider not found."))
    agency = Agency.objects.select_related("province", "commune", "profile").filter(pk=pk).first()
    if agency is None:
        raise NotFound(_("Provider not found."))
    return agency


def may_see_staff(user: User | AnonymousUser, agency: Agency) -> bool:
    """Staff names are shown to those who manage the provider and to its own staff."""
    from baove.services.actions import can_manage_provider

    return can_manage_provider(user, agency) or (
        isinstance(user, User) and user.agency_id == agency.pk
    )
