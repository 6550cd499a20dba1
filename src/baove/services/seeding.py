"""Bulk-load a synthetic national service directory, fast (benchmarks and load tests).

At the default scale: one commune provider per commune (3,321) with three commune-level
services each, ``province_providers`` providers per province sharing ``province_services``
province-level services, and national providers with ``national_services`` national
services. Rows go in with ``bulk_create`` in large batches inside one transaction; one
audit event records the load. Names are Vietnamese but made up; no real contact details.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from django.db import transaction

from baove.accounts.models import Agency, Sector
from baove.audit.log import record
from baove.geo.models import Commune, Province
from baove.services.models import ProviderProfile, Service, ServiceArea
from baove.services.vocab import CoverageLevel, ServiceType

__all__ = ["DirectorySeedResult", "seed_national_directory"]

_COMMUNE_SERVICES = [
    ("Khám chữa bệnh cho trẻ em", ServiceType.MEDICAL_CARE),
    ("Tư vấn, hỗ trợ tâm lý", ServiceType.PSYCHOSOCIAL),
    ("Trợ giúp xã hội", ServiceType.SOCIAL_ASSISTANCE),
    ("Hỗ trợ học tập", ServiceType.EDUCATION_SUPPORT),
]
_PROVINCE_SECTORS = [
    Sector.SOCIAL_WORK, Sector.HEALTH, Sector.EDUCATION, Sector.POLICE, Sector.JUSTICE,
    Sector.MASS_ORGANISATION, Sector.NGO,
]  # fmt: skip
_SECTOR_NAMES = {
    Sector.SOCIAL_WORK: "Trung tâm Công tác xã hội",
    Sector.HEALTH: "Bệnh viện Sản Nhi",
    Sector.EDUCATION: "Sở Giáo dục và Đào tạo",
    Sector.POLICE: "Công an tỉnh",
    Sector.JUSTICE: "Trung tâm Trợ giúp pháp lý",
    Sector.MASS_ORGANISATION: "Hội Liên hiệp Phụ nữ",
    Sector.NGO: "Tổ chức phi chính phủ",
}
_BATCH = 5000


@dataclass
class DirectorySeedResult:
    """What :func:`seed_national_directory` loaded, and how long it took."""

    providers: int = 0
    services: int = 0
    areas: int = 0
    seconds: float = 0.0


def seed_national_directory(
    *,
    commune_services: int = 3,
    province_providers: int = 8,
    province_services: int = 40,
    national_providers: int = 12,
    national_services: int = 60,
    seed: int = 7,
    prefix: str = "bench",
) -> DirectorySeedResult:
    """Load a national-scale directory (see the module docstring); return the counts.

    Provider codes start with ``prefix``; run it once per database and prefix.
    """
    rng = random.Random(seed)
    started = time.perf_counter()
    types = list(ServiceType.values)
    communes = list(Commune.objects.values_list("code", "province_id", "name"))
    provinces = list(Province.objects.values_list("code", "name"))
    result = DirectorySeedResult()
    with transaction.atomic():
        agencies: list[Agency] = [
            Agency(code=f"{prefix}-c{code}", name=f"Trạm Y tế {name}", sector=Sector.HEALTH,
                   province_id=province, commune_id=code)
            for code, province, name in communes
        ]  # fmt: skip
        for code, name in provinces:
            for i in range(province_providers):
                sector = _PROVINCE_SECTORS[i % len(_PROVINCE_SECTORS)]
                agencies.append(
                    Agency(code=f"{prefix}-p{code}-{i}", name=f"{_SECTOR_NAMES[sector]} {name} {i}",
                           sector=sector, province_id=code)
                )  # fmt: skip
        for i in range(national_providers):
            agencies.append(
                Agency(code=f"{prefix}-n{i}", name=f"Tổ chức quốc gia {i}", sector=Sector.NGO)
            )
        Agency.objects.bulk_create(agencies, batch_size=_BATCH)
        ids = dict(Agency.objects.filter(code__startswith=f"{prefix}-").values_list("code", "id"))
        profiles = [
            ProviderProfile(agency_id=pk, phone=f"0{rng.randint(200, 299)} {rng.randint(1, 9**7)}")
            for pk in ids.values()
        ]  # fmt: skip
        ProviderProfile.objects.bulk_create(profiles, batch_size=_BATCH)
        result.providers = len(ids)
        services: list[Service] = []
        where: list[tuple[str | None, str | None]] = []  # (commune, province) per service
        for code, _province, _name in communes:
            agency = ids[f"{prefix}-c{code}"]
            for j in range(commune_services):
                label, kind = _COMMUNE_SERVICES[j % len(_COMMUNE_SERVICES)]
                services.append(
                    Service(agency_id=agency, name=f"{label} ({j + 1})", service_type=kind,
                            coverage_level=CoverageLevel.COMMUNE,
                            opening_hours="Thứ Hai - Thứ Sáu, 7:30-17:00",
                            capacity=rng.choice([None, 10, 20, 50]),
                            is_active=rng.random() > 0.05)
                )  # fmt: skip
                where.append((code, None))
        for code, name in provinces:
            for j in range(province_services):
                agency = ids[f"{prefix}-p{code}-{j % province_providers}"]
                services.append(
                    Service(agency_id=agency, name=f"Dịch vụ {j + 1} tại {name}",
                            service_type=types[j % len(types)],
                            coverage_level=CoverageLevel.PROVINCE,
                            is_active=rng.random() > 0.05)
                )  # fmt: skip
                where.append((None, code))
        for j in range(national_services):
            services.append(
                Service(agency_id=ids[f"{prefix}-n{j % national_providers}"],
                        name=f"Dịch vụ quốc gia {j + 1}", service_type=types[j % len(types)],
                        coverage_level=CoverageLevel.NATIONAL, is_active=rng.random() > 0.05)
            )  # fmt: skip
            where.append((None, None))
        created = Service.objects.bulk_create(services, batch_size=_BATCH)
        areas = [
            ServiceArea(service_id=s.pk, commune_id=c, province_id=p)
            for s, (c, p) in zip(created, where, strict=True)
            if c or p
        ]
        ServiceArea.objects.bulk_create(areas, batch_size=_BATCH)
        result.services, result.areas = len(created), len(areas)
        record(
            None, "service.seed", object_type="service_import", object_id=prefix,
            details={"providers": result.providers, "services": result.services,
                     "areas": result.areas},
        )  # fmt: skip
    result.seconds = round(time.perf_counter() - started, 2)
    return result
