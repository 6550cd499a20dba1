"""A realistic (made-up) service directory for the demo: providers of every sector.

Per province: the social work centre, the provincial children's hospital, the department of
education, the police, the legal aid centre, the Women's Union and the Youth Union, plus
SOS Children's Villages in a few cities; per province, the health stations and People's
Committees of its first communes; nationally, the 111 hotline, the national children's
hospital and ChildFund. Names follow the real institutions' naming; phone numbers and
addresses are invented. Idempotent: a second run adds only what is missing.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction

from baove.accounts.models import Agency, Sector
from baove.audit.log import record
from baove.geo.models import Commune, Province
from baove.services.models import ProviderProfile, Service, ServiceArea
from baove.services.vocab import CoverageLevel
from baove.services.vocab import ServiceType as T

__all__ = ["seed_directory"]

OFFICE_HOURS = "Thứ Hai - Thứ Sáu, 7:30-11:30 và 13:30-17:00"
ALWAYS = "24/7"
COMMUNES_PER_PROVINCE = 3
#: Cities with an SOS Children's Village (province codes).
SOS_PROVINCES = {"01", "79", "48", "31", "92", "46"}

# (code suffix, name pattern, sector, [(service name, type, hours, capacity, referrals)])
_Offer = tuple[str, str, str, int | None, bool]
_PROVINCE_PROVIDERS: list[tuple[str, str, str, Sequence[_Offer]]] = [
    ("ctxh", "Trung tâm Công tác xã hội {p}", Sector.SOCIAL_WORK, [
        ("Quản lý trường hợp trẻ em cần bảo vệ", T.CASE_MANAGEMENT, OFFICE_HOURS, None, True),
        ("Tư vấn, trị liệu tâm lý cho trẻ em", T.PSYCHOSOCIAL, OFFICE_HOURS, 30, True),
        ("Chăm sóc tạm thời khẩn cấp", T.SHELTER, ALWAYS, 20, True),
        ("Tìm kiếm, đoàn tụ gia đình", T.FAMILY_TRACING, OFFICE_HOURS, None, True),
        ("Tìm gia đình chăm sóc thay thế", T.ALTERNATIVE_CARE, OFFICE_HOURS, 15, True),
    ]),
    ("bvsn", "Bệnh viện Sản Nhi {p}", Sector.HEALTH, [
        ("Khám và điều trị cho trẻ bị xâm hại", T.MEDICAL_CARE, ALWAYS, None, True),
        ("Phục hồi chức năng cho trẻ khuyết tật", T.DISABILITY_SUPPORT, OFFICE_HOURS, 25, True),
    ]),
    ("sgd", "Sở Giáo dục và Đào tạo {p}", Sector.EDUCATION, [
        ("Hỗ trợ trẻ trở lại trường học", T.EDUCATION_SUPPORT, OFFICE_HOURS, None, True),
    ]),
    ("ca", "Công an {p}", Sector.POLICE, [
        ("Tiếp nhận tố giác, bảo vệ trẻ em bị xâm hại", T.POLICE_PROTECTION, ALWAYS, None, True),
    ]),
    ("tgpl", "Trung tâm Trợ giúp pháp lý nhà nước {p}", Sector.JUSTICE, [
        ("Trợ giúp pháp lý miễn phí cho trẻ em", T.LEGAL_AID, OFFICE_HOURS, None, True),
    ]),
    ("hlhpn", "Hội Liên hiệp Phụ nữ {p}", Sector.MASS_ORGANISATION, [
        ("Tư vấn gia đình và nuôi dạy con", T.PSYCHOSOCIAL, OFFICE_HOURS, None, True),
        ("Nhà bình yên", T.SHELTER, ALWAYS, 12, True),
    ]),
    ("tdtn", "Tỉnh đoàn {p}", Sector.MASS_ORGANISATION, [
        ("Học bổng và hỗ trợ đồ dùng học tập", T.EDUCATION_SUPPORT, OFFICE_HOURS, 100, False),
        ("Hướng nghiệp, học nghề cho thanh thiếu niên", T.VOCATIONAL_TRAINING, OFFICE_HOURS,
         40, True),
    ]),
]  # fmt: skip
_SOS: tuple[str, Sequence[_Offer]] = ("Làng trẻ em SOS {p}", [
    ("Chăm sóc thay thế tại Làng trẻ em SOS", T.ALTERNATIVE_CARE, ALWAYS, 120, True),
    ("Tăng cường năng lực gia đình", T.SOCIAL_ASSISTANCE, OFFICE_HOURS, 200, True),
])  # fmt: skip
_COMMUNE_PROVIDERS: list[tuple[str, str, str, Sequence[_Offer]]] = [
    ("tyt", "Trạm Y tế {c}", Sector.HEALTH, [
        ("Khám sức khỏe, sơ cứu cho trẻ em", T.MEDICAL_CARE, OFFICE_HOURS, None, True),
        ("Tư vấn dinh dưỡng", T.NUTRITION, OFFICE_HOURS, None, True),
    ]),
    ("ubnd", "Ủy ban nhân dân {c}", Sector.GOVERNMENT, [
        ("Trợ cấp xã hội cho trẻ em hoàn cảnh đặc biệt", T.SOCIAL_ASSISTANCE, OFFICE_HOURS,
         None, True),
    ]),
]  # fmt: skip
_NATIONAL: list[tuple[str, str, str, Sequence[_Offer]]] = [
    ("tongdai-111", "Tổng đài điện thoại quốc gia bảo vệ trẻ em 111", Sector.HOTLINE, [
        ("Tư vấn, tiếp nhận thông tin qua Tổng đài 111", T.COUNSELLING_HOTLINE, ALWAYS, None,
         True),
    ]),
    ("bv-nhi-tw", "Bệnh viện Nhi Trung ương", Sector.HEALTH, [
        ("Điều trị chuyên sâu cho trẻ em", T.MEDICAL_CARE, ALWAYS, None, True),
    ]),
    ("childfund-vn", "ChildFund Việt Nam", Sector.NGO, [
        ("Hỗ trợ trẻ em vùng khó khăn", T.SOCIAL_ASSISTANCE, OFFICE_HOURS, None, True),
    ]),
]  # fmt: skip
#: Codes the project demo already gives to some agencies (baove.demo.DEMO_AGENCIES).
_KNOWN_CODES = {("01", "ctxh"): "ctxh-hanoi", ("01", "sos"): "sos-hanoi"}


@dataclass
class _Plan:
    agencies: dict[str, Agency]
    services: list[tuple[str, str, str, str, int | None, bool, str, str]]


def _short(name: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _phone(n: int) -> str:
    return f"0{200 + n % 90} {3000000 + (n * 7919) % 6999999}"


def seed_directory(*, provinces: Iterable[str] | None = None) -> dict[str, int]:
    """Create the demo directory for ``provinces`` (codes; all 34 when None).

    Returns:
        How many providers, services and coverage rows were added.
    """
    started = time.perf_counter()
    wanted = list(provinces) if provinces is not None else None
    qs = Province.objects.order_by("code")
    units = list(qs.filter(code__in=wanted) if wanted is not None else qs)
    plan = _Plan({}, [])

    def provider(code: str, name: str, sector: str, province: str | None,
                 commune: str | None = None) -> str:  # fmt: skip
        plan.agencies.setdefault(
            code,
            Agency(code=code, name=name, sector=sector, province_id=province, commune_id=commune),
        )
        return code

    for p in units:
        label = _short(p.name)
        for suffix, pattern, sector, offers in _PROVINCE_PROVIDERS:
            code = _KNOWN_CODES.get((p.code, suffix), f"{suffix}-{p.code}")
            provider(code, pattern.format(p=label), sector, p.code)
            plan.services += [(code, s, t, h, c, r, CoverageLevel.PROVINCE, p.code)
                              for s, t, h, c, r in offers]  # fmt: skip
        if p.code in SOS_PROVINCES:
            code = _KNOWN_CODES.get((p.code, "sos"), f"sos-{p.code}")
            provider(code, _SOS[0].format(p=label), Sector.NGO, p.code)
            plan.services += [(code, s, t, h, c, r, CoverageLevel.PROVINCE, p.code)
                              for s, t, h, c, r in _SOS[1]]  # fmt: skip
        first = Commune.objects.filter(province=p).order_by("code")[:COMMUNES_PER_PROVINCE]
        for commune in first:
            for suffix, pattern, sector, offers in _COMMUNE_PROVIDERS:
                code = f"{suffix}-{commune.code}"
                provider(code, pattern.format(c=commune.name), sector, p.code, commune.code)
                plan.services += [(code, s, t, h, c, r, CoverageLevel.COMMUNE, commune.code)
                                  for s, t, h, c, r in offers]  # fmt: skip
    for code, name, sector, offers in _NATIONAL:
        provider(code, name, sector, None)
        plan.services += [(code, s, t, h, c, r, CoverageLevel.NATIONAL, "")
                          for s, t, h, c, r in offers]  # fmt: skip
    return _write(plan, started)


def _write(plan: _Plan, started: float) -> dict[str, int]:
    with transaction.atomic():
        existing = set(
            Agency.objects.filter(code__in=list(plan.agencies)).values_list("code", flat=True)
        )
        new = [a for code, a in plan.agencies.items() if code not in existing]
        Agency.objects.bulk_create(new)
        ids = dict(Agency.objects.filter(code__in=list(plan.agencies)).values_list("code", "id"))
        with_profile = set(
            ProviderProfile.objects.filter(agency_id__in=ids.values()).values_list(
                "agency_id", flat=True
            )
        )
        ProviderProfile.objects.bulk_create(
            [ProviderProfile(agency_id=pk, phone=_phone(pk), address="Địa chỉ minh họa")
             for pk in ids.values() if pk not in with_profile]
        )  # fmt: skip
        have = set(
            Service.objects.filter(agency_id__in=ids.values()).values_list("agency_id", "name")
        )
        todo = [row for row in plan.services if (ids[row[0]], row[1]) not in have]
        created = Service.objects.bulk_create(
            [Service(agency_id=ids[code], name=name, service_type=kind, opening_hours=hours,
                     capacity=capacity, accepts_referrals=referrals, coverage_level=level,
                     phone=_phone(ids[code]))
             for code, name, kind, hours, capacity, referrals, level, _unit in todo]
        )  # fmt: skip
        areas = []
        for service, row in zip(created, todo, strict=True):
            level, unit = row[6], row[7]
            if level == CoverageLevel.COMMUNE:
                areas.append(ServiceArea(service_id=service.pk, commune_id=unit))
            elif level == CoverageLevel.PROVINCE:
                areas.append(ServiceArea(service_id=service.pk, province_id=unit))
        ServiceArea.objects.bulk_create(areas)
        counts = {"providers": len(new), "services": len(created), "areas": len(areas)}
        record(
            None, "service.seed", object_type="service_import", object_id="demo",
            details={**counts, "seconds": round(time.perf_counter() - started, 2)},
        )  # fmt: skip
    return counts
