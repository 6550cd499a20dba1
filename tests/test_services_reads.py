"""Tests of "which services can this child reach?" and the directory reads."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baove.audit.models import AuditEvent
from baove.core.errors import ActionNotAllowed, NotFound
from baove.services import actions, reads
from baove.services.reads import DirectoryFilter

from .conftest import COMMUNE_A1, PROVINCE_A, PROVINCE_B, World
from .test_services_actions import Directory, build_directory

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(world: World) -> Directory:
    return build_directory(world)


def names(found: list[reads.Reachable]) -> list[tuple[str, str]]:
    return [(r.level, r.service.name) for r in found]


def test_commune_beats_province_beats_national(world: World, directory: Directory) -> None:
    found = reads.reachable_services(world.commune_a1)
    assert names(found) == [
        ("commune", directory.commune_a1.name),
        ("province", directory.province_a.name),
        ("national", directory.national_hotline.name),
    ]
    assert found[0].service.agency.name == directory.provider_a.name  # provider attached


def test_closed_other_communes_and_other_provinces_are_excluded(
    world: World, directory: Directory
) -> None:
    ids = {r.service.pk for r in reads.reachable_services(world.commune_a1)}
    assert directory.closed_a1.pk not in ids  # closed
    assert directory.commune_a2.pk not in ids  # another commune of the same province
    assert directory.province_b.pk not in ids  # another province
    with_closed = reads.reachable_services(world.commune_a1, only_open=False)
    assert directory.closed_a1.pk in {r.service.pk for r in with_closed}


def test_province_b_child_sees_b_and_national_only(world: World, directory: Directory) -> None:
    assert names(reads.reachable_services(world.commune_b1)) == [
        ("province", directory.province_b.name),
        ("national", directory.national_hotline.name),
    ]


def test_filter_by_type(world: World, directory: Directory) -> None:
    found = reads.reachable_services(world.commune_a1, service_type="shelter")
    assert [r.service.pk for r in found] == [directory.province_a.pk]


def test_inactive_provider_hides_its_services(world: World, directory: Directory) -> None:
    actions.update_provider(
        directory.provider_a, acting_user=world.manager_a, expected_version=1,
        data={"is_active": False},
    )  # fmt: skip
    assert names(reads.reachable_services(world.commune_a1)) == [
        ("national", directory.national_hotline.name)
    ]


def test_reachable_is_one_query(world: World, directory: Directory) -> None:
    with CaptureQueriesContext(connection) as queries:
        reads.reachable_services(world.commune_a1)
    assert len(queries) == 1


def test_service_covers(world: World, directory: Directory) -> None:
    a1, a2, b1 = world.commune_a1, world.commune_a2, world.commune_b1
    assert reads.service_covers(directory.commune_a1, a1)
    assert not reads.service_covers(directory.commune_a1, a2)
    assert reads.service_covers(directory.province_a, a2)
    assert not reads.service_covers(directory.province_a, b1)
    assert reads.service_covers(directory.national_hotline, b1)


def test_reachable_for_case_is_scoped_and_audited(world: World, directory: Directory) -> None:
    case, found = reads.reachable_for_case(world.officer_a1, world.case_a1.pk)
    assert case.pk == world.case_a1.pk and len(found) == 3
    event = AuditEvent.objects.filter(action="case.view", case_id=case.pk).latest("id")
    assert event.details["read"] == "services.reachable"
    for who, case_id in (("officer_b1", world.case_a1.pk), ("officer_a1", 10**9)):
        with pytest.raises(NotFound):
            reads.reachable_for_case(world.users()[who], case_id)
    with pytest.raises(ActionNotAllowed):
        reads.reachable_for_case(world.auditor, world.case_a1.pk)


def test_directory_filters(world: World, directory: Directory) -> None:
    admin = world.admin

    def ids(**kw: object) -> set[int]:
        return {s.pk for s in reads.directory(admin, DirectoryFilter(**kw))}  # type: ignore[arg-type]

    assert ids(province=PROVINCE_B) == {directory.province_b.pk, directory.national_hotline.pk}
    assert directory.commune_a2.pk in ids(province=PROVINCE_A)
    assert ids(commune=COMMUNE_A1, open_only=True) == {
        directory.commune_a1.pk,
        directory.province_a.pk,
        directory.national_hotline.pk,
    }
    assert ids(sector="hotline") == {directory.national_hotline.pk}
    assert ids(service_type="legal_aid") == {directory.province_b.pk}
    assert ids(level="national") == {directory.national_hotline.pk}
    assert ids(q="tạm lánh") == {directory.province_a.pk}
    assert directory.closed_a1.pk not in ids(open_only=True)
    with pytest.raises(ActionNotAllowed):
        reads.directory(world.auditor, DirectoryFilter())


def test_detail_reads(world: World, directory: Directory) -> None:
    assert reads.service_detail(world.officer_a1, directory.commune_a1.pk).name
    assert reads.provider_detail(world.provider_x, directory.provider_a.pk).code
    for bad in ("x", -1, 2**70, 99999):
        with pytest.raises(NotFound):
            reads.service_detail(world.admin, bad)
        with pytest.raises(NotFound):
            reads.provider_detail(world.admin, bad)


def test_staff_visible_to_managers_and_own_staff_only(world: World, directory: Directory) -> None:
    agency = world.agency_x  # in province A
    assert reads.may_see_staff(world.manager_a, agency)
    assert reads.may_see_staff(world.provider_x, agency)
    assert not reads.may_see_staff(world.provider_y, agency)
    assert not reads.may_see_staff(world.officer_a1, agency)
    assert not reads.may_see_staff(world.manager_b, agency)
