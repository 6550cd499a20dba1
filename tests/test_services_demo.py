"""Tests of the demo directory and the bulk seeder of the benchmark."""

from __future__ import annotations

import time

import pytest

from baove.accounts.models import Agency
from baove.geo.models import Commune
from baove.services.demo import seed_directory
from baove.services.models import Service, ServiceArea
from baove.services.reads import reachable_services
from baove.services.seeding import seed_national_directory

pytestmark = pytest.mark.django_db


def test_demo_directory_is_quick_idempotent_and_reachable(db: None) -> None:
    started = time.perf_counter()
    counts = seed_directory()
    assert time.perf_counter() - started < 5
    assert counts["providers"] > 34 * 7 and counts["services"] > 34 * 10
    assert Agency.objects.filter(code="tongdai-111", sector="hotline").exists()
    assert Agency.objects.filter(code="sos-hanoi").exists()
    assert seed_directory() == {"providers": 0, "services": 0, "areas": 0}
    levels = [r.level for r in reachable_services(Commune.objects.get(code="00004"))]
    assert levels[0] == "commune" and "province" in levels and levels[-1] == "national"


def test_demo_directory_for_some_provinces_keeps_existing_agencies(db: None) -> None:
    from baove.accounts.actions import create_agency

    create_agency(code="sos-hanoi", name="SOS", sector="ngo", acting_user=None)
    counts = seed_directory(provinces=["01"])
    assert Service.objects.filter(agency__code="sos-hanoi").count() == 2
    assert not Agency.objects.filter(province_id="79").exists()
    assert counts["areas"] == ServiceArea.objects.count()


def test_bulk_seeder_small_scale(db: None) -> None:
    result = seed_national_directory(
        commune_services=1, province_providers=2, province_services=3, national_providers=2,
        national_services=4,
    )  # fmt: skip
    communes = Commune.objects.count()
    assert result.services == communes + 34 * 3 + 4
    assert result.areas == communes + 34 * 3
    assert ServiceArea.objects.filter(commune__isnull=True, province__isnull=True).count() == 0
